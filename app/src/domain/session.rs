//! How long a signed-in session lasts and where each person starts: rules of the domain,
//! shared by the server (which enforces them) and the phone (which asks for the passphrase
//! again after the same idle time offline).
use super::{Role, REOPEN_AFTER_IDLE_MINUTES};
use chrono::Duration;

/// How long sessions last, by role (see SECURITY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    /// Longest a session can last, however active.
    pub lifetime: Duration,
    /// Idle time after which staff are signed out, and clients and supporters asked for
    /// their passphrase again.
    pub idle: Duration,
    /// Whether going idle ends the session (staff) or only locks it (clients, supporters).
    pub idle_ends: bool,
}

pub fn session_rules(role: Role) -> SessionRules {
    let idle = Duration::minutes(REOPEN_AFTER_IDLE_MINUTES);
    match role {
        Role::CaseManager | Role::Admin => SessionRules {
            lifetime: Duration::hours(12),
            idle,
            idle_ends: true,
        },
        Role::Client | Role::Supporter => SessionRules {
            lifetime: Duration::days(30),
            idle,
            idle_ends: false,
        },
    }
}

/// Where each role starts.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Client => "/",
        Role::Supporter => "/supporting",
        Role::CaseManager => "/caseload",
        Role::Admin => "/admin",
    }
}

/// A short, plain description of a device from its browser's User-Agent, for the list of
/// signed-in devices. Deliberately coarse: it is for recognising a device, not tracking it.
pub fn device_label(user_agent: &str) -> String {
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "Mac"),
        ("CrOS", "Chromebook"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map_or("Unknown system", |(_, label)| label);
    let browser = [
        ("Firefox/", "Firefox"),
        ("Edg/", "Edge"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map_or("a browser", |(_, label)| label);
    format!("{browser} on {system}")
}

/// The cookie a passphrase sign-in (or unlock, set-up, join, reset) sets when its form came
/// with the phone's mark for the passphrase typed into it: the phone keeps the offline check
/// of a typed passphrase only when this cookie carries the same mark, so a passphrase typed
/// on a sign-in that never completed is never kept for the copy of whoever signs in next.
pub const TYPED_COOKIE: &str = "waypoint_typed";

/// The form field that carries the phone's mark.
pub const TYPED_FIELD: &str = "typed";

/// A mark as the phone makes it: 32 lowercase hex digits.
pub fn is_typed_mark(mark: &str) -> bool {
    mark.len() == 32
        && mark
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_sessions_are_short_and_end_when_idle() {
        let staff = session_rules(Role::CaseManager);
        assert_eq!(staff.lifetime, Duration::hours(12));
        assert_eq!(staff.idle, Duration::minutes(15));
        assert!(staff.idle_ends);
        let client = session_rules(Role::Client);
        assert!(!client.idle_ends);
        assert_eq!(client.idle, Duration::minutes(15));
    }

    #[test]
    fn devices_are_described_plainly() {
        assert_eq!(
            device_label("Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"),
            "Chrome on Android"
        );
        assert_eq!(device_label(""), "a browser on Unknown system");
    }

    #[test]
    fn a_typed_mark_is_32_lowercase_hex_digits() {
        assert!(is_typed_mark("0123456789abcdef0123456789abcdef"));
        assert!(!is_typed_mark("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_typed_mark("0123456789abcdef"));
        assert!(!is_typed_mark("0123456789abcdef0123456789abcdeg"));
        assert!(!is_typed_mark("0123456789abcdef0123456789abcde;"));
    }
}
