//! What a client tells their case manager from the app: a step done, an appointment they
//! will come to, or one they can't make. Check-ins are only ever added, never edited away.
use super::coded_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A check-in's optional note, in characters.
pub const CHECK_IN_NOTE_MAX_CHARS: usize = 300;

coded_enum! {
    CheckInKind ("check-in kind") {
        StepDone = "step_done" => "Did a step",
        AppointmentConfirmed = "appointment_confirmed" => "Will come",
        CantCome = "appointment_cant_come" as "cant_come" => "Can't make it",
        Note = "note" => "Note",
    }
}

/// A check-in as the case manager reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub kind: CheckInKind,
    /// The step or appointment it is about, in words.
    pub about: Option<String>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    /// Whether it came after the case manager last marked the check-ins as seen.
    pub new: bool,
}

/// The page-load key a check-in form carries, so that a form sent twice (a double tap, a
/// retry) is recorded once: short, and only letters and digits.
pub fn is_form_key(key: &str) -> bool {
    (16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_keys_are_short_and_plain() {
        assert!(is_form_key("0123456789abcdef0123456789abcdef"));
        assert!(!is_form_key("short"));
        assert!(!is_form_key("0123456789abcdef:0123456789abcdef"));
        assert!(!is_form_key(&"a".repeat(65)));
    }
}
