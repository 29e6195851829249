//! How long someone must wait after failed sign-ins. The first few mistakes cost nothing;
//! from the fifth on, each failure doubles the wait, up to an hour. The same rule applies to
//! a sign-in name and to the address the attempts come from.
use chrono::{DateTime, Duration, Utc};

/// Failures allowed before any wait.
pub const FREE_FAILURES: usize = 5;
/// Failures older than this are forgotten.
pub const FAILURE_MEMORY: Duration = Duration::hours(24);
const FIRST_WAIT_SECONDS: i64 = 60;
const LONGEST_WAIT_SECONDS: i64 = 3600;

/// When the next attempt may be made, given the recent failures (any order), or `None` when
/// it may be made now.
pub fn next_attempt_allowed_at(
    failures: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let recent: Vec<_> = failures
        .iter()
        .filter(|at| now - **at < FAILURE_MEMORY)
        .collect();
    if recent.len() < FREE_FAILURES {
        return None;
    }
    let latest = **recent.iter().max()?;
    let doublings = (recent.len() - FREE_FAILURES).min(10) as u32;
    let wait = (FIRST_WAIT_SECONDS << doublings).min(LONGEST_WAIT_SECONDS);
    let allowed = latest + Duration::seconds(wait);
    (allowed > now).then_some(allowed)
}

/// What a try at a secret counts against, besides the address it comes from. Each kind
/// has its own prefix, so nothing typed as a sign-in name can collide with another kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThrottleKey {
    /// A sign-in name as typed (cut short, so junk cannot grow the table much).
    Name(String),
    /// A signed-in person proving their passphrase again (unlock, passphrase change).
    Person(String),
    /// A phone that has signed in to the account before: its own allowance (OWASP's
    /// "device cookies"), so a storm against the name does not lock its owner out.
    Device(String),
    /// Set-up and invite codes, per address they are tried from.
    Code(String),
}

impl ThrottleKey {
    pub fn typed_name(typed: &str) -> ThrottleKey {
        ThrottleKey::Name(typed.trim().to_lowercase().chars().take(40).collect())
    }

    pub fn text(&self) -> String {
        match self {
            ThrottleKey::Name(name) => format!("name:{name}"),
            ThrottleKey::Person(id) => format!("person:{id}"),
            ThrottleKey::Device(id) => format!("device:{id}"),
            ThrottleKey::Code(address) => format!("code:{address}"),
        }
    }

    /// Whether tries against this key also count against their address: all but a phone's
    /// own allowance, which a storm from elsewhere must not use up.
    pub fn counts_address(&self) -> bool {
        !matches!(self, ThrottleKey::Device(_))
    }

    /// [`ThrottleKey::counts_address`] for a key's stored text.
    pub fn text_counts_address(text: &str) -> bool {
        !text.starts_with("device:")
    }
}

/// The key for tries from one address, whatever they are against.
pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
    }

    #[test]
    fn four_failures_cost_nothing_the_fifth_a_minute() {
        let four: Vec<_> = (0..4).map(at).collect();
        assert_eq!(next_attempt_allowed_at(&four, at(5)), None);
        let five: Vec<_> = (0..5).map(at).collect();
        assert_eq!(next_attempt_allowed_at(&five, at(5)), Some(at(64)));
        assert_eq!(next_attempt_allowed_at(&five, at(64)), None);
    }

    #[test]
    fn waits_double_up_to_an_hour() {
        let six: Vec<_> = (0..6).map(at).collect();
        assert_eq!(next_attempt_allowed_at(&six, at(5)), Some(at(125)));
        let many: Vec<_> = (0..40).map(at).collect();
        assert_eq!(next_attempt_allowed_at(&many, at(40)), Some(at(39 + 3600)));
    }

    #[test]
    fn old_failures_are_forgotten() {
        let five: Vec<_> = (0..5).map(at).collect();
        assert_eq!(next_attempt_allowed_at(&five, at(5) + FAILURE_MEMORY), None);
    }

    #[test]
    fn keys_of_different_kinds_never_collide() {
        // Someone who signs in as "code:1.2.3.4" shares nothing with that address's codes.
        let typed = ThrottleKey::typed_name("code:1.2.3.4");
        assert_eq!(typed.text(), "name:code:1.2.3.4");
        assert_ne!(typed.text(), ThrottleKey::Code("1.2.3.4".into()).text());
        assert_ne!(typed.text(), address_key("1.2.3.4"));
        assert_eq!(ThrottleKey::typed_name("  Alex ").text(), "name:alex");
    }
}
