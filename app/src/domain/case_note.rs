//! Case notes: staff-only records of each contact with a client (or each try), dated, with
//! its kind and a short text. The client never sees them; they are only ever added, so a
//! note is never lost or quietly changed.
use super::form::{code, past_day, text};
use super::{coded_enum, FieldProblems, RecordId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The longest a note may be: a short account of one contact, not a report.
pub const CASE_NOTE_MAX_CHARS: usize = 2000;

coded_enum! {
    /// How the contact happened.
    ContactKind ("contact kind") {
        InPerson = "in_person" => "In person",
        Phone = "phone" => "Phone call",
        Outreach = "outreach" => "Outreach",
        NoAnswer = "no_answer" => "Tried, no answer",
        OtherService = "other_service" => "With another service",
    }
}

impl ContactKind {
    /// Whether the case manager and the client (or a service about them) were in touch: a
    /// try with no answer is not a contact.
    pub fn is_contact(self) -> bool {
        self != ContactKind::NoAnswer
    }
}

/// A note as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNote {
    pub id: RecordId,
    pub kind: ContactKind,
    /// The day of the contact.
    pub contact_on: NaiveDate,
    pub text: String,
    /// The name of the staff member who wrote it.
    pub written_by: String,
    pub written_at: DateTime<Utc>,
}

/// The form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseNoteForm {
    pub kind: String,
    pub contact_on: String,
    pub text: String,
}

/// A note that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNoteFields {
    pub kind: ContactKind,
    pub contact_on: NaiveDate,
    pub text: String,
}

impl CaseNoteForm {
    /// Checks the note on `today` (the program's date): a kind, a day from the last year up
    /// to today, and some text.
    pub fn check(&self, today: NaiveDate) -> Result<CaseNoteFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let kind = code(&self.kind, ContactKind::from_code, "kind", &mut problems);
        let contact_on = past_day(
            &self.contact_on,
            "contact_on",
            today,
            "Please enter the day of the contact.",
            &mut problems,
        );
        let text = text(&self.text, CASE_NOTE_MAX_CHARS, "text", &mut problems);
        let fields = match (kind, contact_on, text) {
            (Some(kind), Some(contact_on), Some(text)) => Some(CaseNoteFields {
                kind,
                contact_on,
                text: text.as_str().to_owned(),
            }),
            _ => None,
        };
        problems.or(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, on: &str, text: &str) -> CaseNoteForm {
        CaseNoteForm {
            kind: kind.into(),
            contact_on: on.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_note_needs_a_kind_a_past_day_and_some_text() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let ok = form("phone", "2026-12-02", "  Called about the housing form.  ")
            .check(today)
            .unwrap();
        assert_eq!(ok.kind, ContactKind::Phone);
        assert_eq!(ok.text, "Called about the housing form.");
        let bad = form("fax", "2026-12-04", "   ").check(today).unwrap_err();
        assert!(bad.about("kind").is_some());
        assert!(bad.about("contact_on").is_some());
        assert!(bad.about("text").is_some());
        let old = form("phone", "2025-11-01", "Late write-up").check(today);
        assert!(old.unwrap_err().about("contact_on").is_some());
        let long = form("phone", "2026-12-03", &"a".repeat(10_000)).check(today);
        assert!(long.unwrap_err().about("text").is_some());
        let control = form("phone", "2026-12-03", "a\u{7}b").check(today);
        assert!(control.unwrap_err().about("text").is_some());
        let empty_day = form("phone", "", "Called").check(today);
        assert!(empty_day.unwrap_err().about("contact_on").is_some());
    }

    #[test]
    fn a_try_with_no_answer_is_not_a_contact() {
        assert!(!ContactKind::NoAnswer.is_contact());
        assert!(ContactKind::ALL
            .iter()
            .filter(|k| **k != ContactKind::NoAnswer)
            .all(|k| k.is_contact()));
    }
}
