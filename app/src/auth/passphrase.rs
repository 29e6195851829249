//! Passphrases: checked against NIST SP 800-63B and stored as Argon2id.
use crate::domain::{check_passphrase_shape, PassphraseProblem};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

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

/// The PHC string to store. Slow on purpose (tens of milliseconds): call it through
/// [`hash_passphrase_in_turn`].
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

/// Every Argon2 hash waits its turn here, so that however many people sign in at once, no
/// more than one hash per core (less one, kept for the pages of everyone else) is in memory
/// (46 MiB each). The queue behind them is short: when it is full, the person is told to
/// try again in a moment, not kept waiting.
struct HashQueue {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

/// Hashes waiting per hasher before the queue is full; with a hash taking about 50 ms in a
/// release build, the last in line waits about half a second.
const WAITING_PER_HASHER: usize = 8;

/// How many hashes run at once: one per core but one, and at least one.
fn hashers() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_sub(1).max(1)
}

fn hash_queue() -> &'static HashQueue {
    static QUEUE: OnceLock<HashQueue> = OnceLock::new();
    QUEUE.get_or_init(|| HashQueue {
        running: Arc::new(Semaphore::new(hashers())),
        admitted: Arc::new(Semaphore::new(hashers() * (1 + WAITING_PER_HASHER))),
    })
}

/// Too many hashes are under way or waiting: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many passphrase checks under way")]
pub struct Busy;

/// Runs `work` (an Argon2 hash) off the async threads when its turn comes, or says `Busy`.
/// The turn is held by the hash itself, not by the request: a request dropped meanwhile
/// does not let another hash start before this one ends.
async fn in_turn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
    let queue = hash_queue();
    let place = queue
        .admitted
        .clone()
        .try_acquire_owned()
        .map_err(|_| Busy)?;
    let turn = queue
        .running
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| Busy)?;
    tokio::task::spawn_blocking(move || {
        let done = work();
        drop((turn, place));
        done
    })
    .await
    .map_err(|_| Busy)
}

/// A new passphrase's PHC string, hashed in turn.
pub async fn hash_passphrase_in_turn(
    passphrase: String,
) -> Result<Result<String, HashError>, Busy> {
    in_turn(move || hash_passphrase(&passphrase)).await
}

/// Whether `passphrase` matches `stored` (the decoy when there is no account), checked in turn.
pub async fn verify_passphrase_in_turn(
    passphrase: String,
    stored: Option<String>,
) -> Result<bool, Busy> {
    in_turn(move || {
        let stored = stored.as_deref().unwrap_or_else(|| decoy_hash());
        verify_passphrase(&passphrase, stored)
    })
    .await
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_take_turns_and_a_full_queue_says_busy() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tries: Vec<_> = (0..hashers() * (1 + WAITING_PER_HASHER) + 20)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(in_turn(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        let mut busy = 0;
        for done in tries {
            if done.await.unwrap().is_err() {
                busy += 1;
            }
        }
        assert!(
            most.load(Ordering::SeqCst) <= hashers(),
            "never more hashes at once than hashers"
        );
        assert!(busy >= 1, "a full queue answers busy");
    }
}
