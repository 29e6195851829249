//! Passphrases: checked against NIST SP 800-63B and stored as Argon2id.
use crate::domain::{check_passphrase_shape, PassphraseProblem};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::collections::HashSet;
use std::sync::OnceLock;

/// 46 MiB, one pass, one lane: the first of OWASP's Argon2id settings (ASVS 5.0).
const MEMORY_KIB: u32 = 47_104;
const PASSES: u32 = 1;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    // These constants are valid Argon2 parameters; a test below proves it.
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Common and breached passwords (zxcvbn's list; see app/data/README.md).
fn is_common(passphrase: &str) -> bool {
    static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let common = COMMON.get_or_init(|| {
        include_str!("../../data/common-passwords.txt")
            .lines()
            .collect()
    });
    common.contains(passphrase.trim().to_lowercase().as_str())
}

/// Every rule for a new passphrase.
pub fn check_new_passphrase(
    passphrase: &str,
    repeated: &str,
    sign_in_name: &str,
) -> Result<(), PassphraseProblem> {
    check_passphrase_shape(passphrase, sign_in_name)?;
    if is_common(passphrase) {
        return Err(PassphraseProblem::Common);
    }
    if passphrase != repeated {
        return Err(PassphraseProblem::Mismatch);
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
#[error("passphrase hashing failed: {0}")]
pub struct HashError(String);

/// The PHC string to store. Slow on purpose (tens of milliseconds): call it off the async
/// threads, as [`hash_passphrase_blocking`] does.
pub fn hash_passphrase(passphrase: &str) -> Result<String, HashError> {
    let salt = crate::secrets::random_bytes::<16>().map_err(|e| HashError(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    argon2()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `passphrase` matches the stored PHC string. A malformed stored value never matches.
pub fn verify_passphrase(passphrase: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => argon2()
            .verify_password(passphrase.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A stored hash that matches nothing, verified against when a sign-in name is unknown, so
/// that an unknown name takes as long to refuse as a wrong passphrase.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let random = crate::secrets::new_session_token().unwrap_or_default();
        hash_passphrase(&random).unwrap_or_default()
    })
}

pub async fn hash_passphrase_blocking(passphrase: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_passphrase(&passphrase))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

pub async fn verify_passphrase_blocking(passphrase: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = stored.as_deref().unwrap_or_else(|| decoy_hash());
        verify_passphrase(&passphrase, stored)
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_46_mib() {
        assert!(Params::new(MEMORY_KIB, PASSES, LANES, None).is_ok());
        let stored = hash_passphrase("green kettle on the hill").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=47104,t=1,p=1$"),
            "{stored}"
        );
        assert!(verify_passphrase("green kettle on the hill", &stored));
        assert!(!verify_passphrase("green kettle on the hil", &stored));
        assert!(!verify_passphrase("green kettle on the hill", "not a hash"));
        assert_ne!(stored, hash_passphrase("green kettle on the hill").unwrap());
    }

    #[test]
    fn common_passwords_are_refused() {
        assert_eq!(
            check_new_passphrase("password", "password", "sam"),
            Err(PassphraseProblem::Common)
        );
        assert_eq!(
            check_new_passphrase("Football ", "Football ", "sam"),
            Err(PassphraseProblem::Common)
        );
        assert_eq!(
            check_new_passphrase("green kettle on the hill", "green kettle on the hil", "sam"),
            Err(PassphraseProblem::Mismatch)
        );
        assert_eq!(
            check_new_passphrase(
                "green kettle on the hill",
                "green kettle on the hill",
                "sam"
            ),
            Ok(())
        );
    }
}
