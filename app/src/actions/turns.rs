//! Tries at a secret (a passphrase, a code, a passkey) take turns. Each try is counted and
//! recorded in one short change before its secret is checked, while it holds its keys'
//! turns (`db::take_turns`): so two hundred wrong passphrases sent at once are counted one
//! after another, and only as many are checked as the throttle allows. A try being checked
//! counts as a guess until it is settled, so a request dropped midway still counts.
use crate::audit;
use crate::auth::{
    address_key, next_attempt_allowed_at, verify_passphrase_in_turn, Busy, ThrottleKey,
    FAILURE_MEMORY,
};
use crate::db::{self, AttemptOutcome, AuditEvent, Db};
use crate::error::AppError;
use crate::session::Asking;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use std::future::Future;

/// Whether a try may go ahead.
pub(super) enum Turn {
    Go(Attempt),
    /// Too many recent guesses: the next try may be made at this time.
    Wait(DateTime<Utc>),
}

/// A try that is being checked, to be settled.
pub(super) struct Attempt {
    pub id: String,
    key: String,
    /// The address key it also counts against; none for a phone's own allowance.
    address: Option<String>,
}

/// When the next try against `key` (and `address`) may be made, if not now.
async fn wait_for(
    conn: &mut AnyConnection,
    key: &str,
    address: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let since = now - FAILURE_MEMORY;
    let by_key = db::guesses_by_key(conn, key, since).await?;
    let mut wait = next_attempt_allowed_at(&by_key, now);
    if let Some(address) = address {
        let by_address = db::guesses_by_address(conn, address, since).await?;
        wait = wait.max(next_attempt_allowed_at(&by_address, now));
    }
    Ok(wait)
}

/// How many tries may count and record at once. They write, one after another on SQLite
/// anyway; the rest wait here, in memory, rather than each holding one of the pool's
/// connections while it waits for the write lock, which would leave none for the pages of
/// people already signed in during a storm.
const TURNS_AT_ONCE: usize = 2;

fn turn_gate() -> &'static tokio::sync::Semaphore {
    static GATE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    GATE.get_or_init(|| tokio::sync::Semaphore::new(TURNS_AT_ONCE))
}

/// Counts the recent guesses against `key` and from the asking address and records this
/// try: as being checked, or (too many) as throttled, with `refusal` in the audit trail.
pub(super) async fn take_turn(
    db: &Db,
    asking: &Asking,
    key: ThrottleKey,
    refusal: AuditEvent,
    now: DateTime<Utc>,
) -> Result<Turn, AppError> {
    let _gate = turn_gate()
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable)?;
    let address = address_key(&asking.address.0);
    let counted = key.counts_address().then_some(address.as_str());
    let key = key.text();
    let mut change = db.change().await?;
    db::take_turns(&mut change, &[&key, &address], now).await?;
    if let Some(until) = wait_for(&mut change, &key, counted, now).await? {
        db::insert_attempt(&mut change, &key, &address, AttemptOutcome::Throttled, now).await?;
        change.keep(&[refusal.refused()], now).await?;
        return Ok(Turn::Wait(until));
    }
    let id = db::insert_attempt(&mut change, &key, &address, AttemptOutcome::Checking, now).await?;
    change.keep(&[], now).await?;
    let address = counted.map(str::to_owned);
    Ok(Turn::Go(Attempt { id, key, address }))
}

/// What of a typed secret is checked: at most 1,024 characters, so that a huge one cannot
/// make its hash any slower.
pub(super) fn checked_part(typed: &str) -> String {
    typed.chars().take(1024).collect()
}

/// What proving one's own passphrase again (an unlock, a passphrase change, adding a
/// passkey) came to.
pub(super) enum Proof {
    /// Right: the try, to settle in the change that follows.
    Proved(Attempt),
    /// Wrong (settled, with its refusal in the trail); when the next try may be made, if
    /// not now.
    Wrong(Option<DateTime<Utc>>),
    /// Too many recent guesses: not checked.
    Wait(DateTime<Utc>),
}

/// The audit actions of one kind of proof: when it is throttled, when it is wrong.
pub(super) struct ProofActions {
    pub throttled: &'static str,
    pub failed: &'static str,
}

/// The signed-in (or locked) person `person_id` proves their passphrase again: the try
/// counts against them like any other (`ThrottleKey::Person`), a wrong one is recorded.
pub(super) async fn prove_passphrase(
    db: &Db,
    asking: &Asking,
    person_id: &str,
    typed: &str,
    actions: ProofActions,
    now: DateTime<Utc>,
) -> Result<Proof, AppError> {
    let key = ThrottleKey::Person(person_id.to_owned());
    let refusal = audit::allowed(asking, actions.throttled);
    let attempt = match take_turn(db, asking, key, refusal, now).await? {
        Turn::Go(attempt) => attempt,
        Turn::Wait(until) => return Ok(Proof::Wait(until)),
    };
    let stored = db::passphrase_hash_of(db, person_id).await?;
    let verifying = verify_passphrase_in_turn(checked_part(typed), stored);
    if attempt.check(db, verifying, now).await? {
        return Ok(Proof::Proved(attempt));
    }
    let mut change = db.change().await?;
    let wait = attempt.failed(&mut change, now).await?;
    let refusal = audit::allowed(asking, actions.failed).refused();
    change.keep(&[refusal], now).await?;
    Ok(Proof::Wrong(wait))
}

impl Attempt {
    /// A try started by an earlier request (a passkey sign-in's start), still being checked.
    pub(super) async fn resume(db: &Db, id: &str) -> Result<Option<Attempt>, AppError> {
        let found = db::attempt_being_checked(db, id).await?;
        Ok(found.map(|(key, address)| Attempt {
            id: id.to_owned(),
            address: ThrottleKey::text_counts_address(&key).then_some(address),
            key,
        }))
    }

    /// Waits for a hash's turn (`hashing`); when too many are under way, the try is settled
    /// as refused for being busy (it does not count as a guess) and the person is asked to
    /// try again in a moment.
    pub(super) async fn check<T>(
        &self,
        db: &Db,
        hashing: impl Future<Output = Result<T, Busy>>,
        now: DateTime<Utc>,
    ) -> Result<T, AppError> {
        match hashing.await {
            Ok(done) => Ok(done),
            Err(busy) => {
                let mut change = db.change().await?;
                db::settle_attempt(&mut change, &self.id, AttemptOutcome::Busy).await?;
                change.keep(&[], now).await?;
                Err(busy.into())
            }
        }
    }

    /// The secret was wrong, in the change under way; when the next try may be made, if
    /// not now.
    pub(super) async fn failed(
        &self,
        conn: &mut AnyConnection,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, AppError> {
        db::settle_attempt(conn, &self.id, AttemptOutcome::Failed).await?;
        wait_for(conn, &self.key, self.address.as_deref(), now).await
    }

    /// The secret was right, in the change under way: the key's earlier failures are
    /// forgiven.
    pub(super) async fn succeeded(&self, conn: &mut AnyConnection) -> Result<(), AppError> {
        db::settle_attempt(conn, &self.id, AttemptOutcome::Succeeded).await?;
        db::forgive_failures(conn, &self.key).await?;
        Ok(())
    }

    /// The secret was right but nothing came of it (the change was dropped): settled on its
    /// own, so it does not count as a guess.
    pub(super) async fn came_to_nothing(
        &self,
        db: &Db,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut change = db.change().await?;
        db::settle_attempt(&mut change, &self.id, AttemptOutcome::Succeeded).await?;
        change.keep(&[], now).await?;
        Ok(())
    }
}
