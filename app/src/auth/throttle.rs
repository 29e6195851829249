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
}
