//! Secrets from the operating system's random source, and how they are stored. A leaf: it
//! imports nothing of Waypoint's, so every layer above can use it.
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
