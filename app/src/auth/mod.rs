//! The server's side of signing in: secrets, passphrase hashing and throttling. Pure
//! functions over values; the database layer stores what they produce.
mod codes;
mod flows;
mod passkeys;
mod passphrase;
mod throttle;

pub use codes::*;
pub use flows::*;
pub use passkeys::*;
pub use passphrase::*;
pub use throttle::*;

use sha2::{Digest, Sha256};

/// The operating system could not give random bytes: no secret can be made safely.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct NoRandomness;

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| NoRandomness)?;
    Ok(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How a secret is stored: its SHA-256. Fine for secrets with 50 or more random bits, which
/// cannot be guessed offline; passphrases use Argon2id instead.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// A new session token: 256 random bits, in hex.
pub fn new_session_token() -> Result<String, NoRandomness> {
    Ok(hex(&random_bytes::<32>()?))
}

/// A key for the check-in forms of one page load: the server records a form sent twice
/// with the same key once. 128 random bits, in hex.
pub fn new_form_key() -> Result<String, NoRandomness> {
    Ok(hex(&random_bytes::<16>()?))
}

/// A `Set-Cookie` value that removes the named cookie.
pub fn cookie_removal(name: &str) -> String {
    format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
}

/// A `Set-Cookie` value for a session token: readable only by the server, sent only to this
/// site, and `Secure` over TLS. It lasts as long as the longest the session can; the server
/// ends sessions earlier (idle, signed out) on its own.
pub fn session_cookie(name: &str, token: &str, secure: bool, role: crate::domain::Role) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = crate::session::session_rules(role).lifetime.num_seconds();
    format!("{name}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_tokens_are_long_and_differ() {
        let a = new_session_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_session_token().unwrap());
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_ne!(secret_hash(&a), a);
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

#[cfg(test)]
mod device_tests {
    use super::device_label;

    #[test]
    fn devices_are_described_plainly() {
        assert_eq!(
            device_label("Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"),
            "Chrome on Android"
        );
        assert_eq!(device_label(""), "a browser on Unknown system");
    }
}
