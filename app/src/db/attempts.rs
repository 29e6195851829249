//! Tries at a secret, for throttling: see the `sign_in_attempts` migration.
use super::{instant_text, new_id, read_instant, Db, Result};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// What became of a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Checking,
    Failed,
    Succeeded,
    Throttled,
    Busy,
}

impl AttemptOutcome {
    fn code(self) -> &'static str {
        match self {
            AttemptOutcome::Checking => "checking",
            AttemptOutcome::Failed => "failed",
            AttemptOutcome::Succeeded => "succeeded",
            AttemptOutcome::Throttled => "throttled",
            AttemptOutcome::Busy => "busy",
        }
    }
}

/// Takes the turn of each key in the change under way: until it ends, no other try for
/// these keys can count or record. Keys are locked in one order, so two tries never wait
/// for each other crosswise.
pub async fn take_turns(conn: &mut AnyConnection, keys: &[&str], now: DateTime<Utc>) -> Result<()> {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        sqlx::query(
            "INSERT INTO throttle_turns (throttle_key, touched_at) VALUES ($1, $2)
             ON CONFLICT (throttle_key) DO UPDATE SET touched_at = excluded.touched_at",
        )
        .bind(key)
        .bind(instant_text(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The times of the guesses (failed, or being checked) counted against `key` since `since`,
/// counted by the tries' own key or (`by_address`) by where they came from.
async fn guesses(
    conn: &mut AnyConnection,
    by_address: bool,
    key: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>> {
    let sql = if by_address {
        "SELECT attempted_at FROM sign_in_attempts
         WHERE address_key = $1 AND attempted_at > $2 AND outcome IN ('checking', 'failed')"
    } else {
        "SELECT attempted_at FROM sign_in_attempts
         WHERE throttle_key = $1 AND attempted_at > $2 AND outcome IN ('checking', 'failed')"
    };
    let rows: Vec<String> = sqlx::query_scalar(sql)
        .bind(key)
        .bind(instant_text(since))
        .fetch_all(conn)
        .await?;
    rows.iter().map(|at| read_instant(at)).collect()
}

/// Recent guesses against a try's own key.
pub async fn guesses_by_key(
    conn: &mut AnyConnection,
    key: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>> {
    guesses(conn, false, key, since).await
}

/// Recent guesses from an address, whatever they were against.
pub async fn guesses_by_address(
    conn: &mut AnyConnection,
    address_key: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>> {
    guesses(conn, true, address_key, since).await
}

/// Records a try; its id, to settle it by.
pub async fn insert_attempt(
    conn: &mut AnyConnection,
    key: &str,
    address_key: &str,
    outcome: AttemptOutcome,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO sign_in_attempts (id, throttle_key, address_key, attempted_at, outcome)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(key)
    .bind(address_key)
    .bind(instant_text(now))
    .bind(outcome.code())
    .execute(conn)
    .await?;
    Ok(id)
}

/// A try still being checked: its key and address key.
pub async fn attempt_being_checked(db: &Db, id: &str) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT throttle_key, address_key FROM sign_in_attempts
         WHERE id = $1 AND outcome = 'checking'",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}

/// Says what became of a try that was being checked.
pub async fn settle_attempt(
    conn: &mut AnyConnection,
    id: &str,
    outcome: AttemptOutcome,
) -> Result<()> {
    sqlx::query("UPDATE sign_in_attempts SET outcome = $2 WHERE id = $1")
        .bind(id)
        .bind(outcome.code())
        .execute(conn)
        .await?;
    Ok(())
}

/// A success forgives the key's earlier failures (not the address's: someone trying many
/// names from one place stays slowed down). Tries still being checked keep counting.
pub async fn forgive_failures(conn: &mut AnyConnection, key: &str) -> Result<()> {
    sqlx::query(
        "UPDATE sign_in_attempts SET outcome = 'forgiven'
         WHERE throttle_key = $1 AND outcome = 'failed'",
    )
    .bind(key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets tries (and the turns of keys not tried) from before `before`.
pub async fn prune_attempts(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    let before = instant_text(before);
    let attempts = ("sign_in_attempts", "id");
    let gone = super::prune_in_batches(db, attempts, "attempted_at < $1", &before).await?;
    let turns = ("throttle_turns", "throttle_key");
    super::prune_in_batches(db, turns, "touched_at < $1", &before).await?;
    Ok(gone)
}

// Known devices ------------------------------------------------------------------------------

/// The known device among `token_hashes` that has signed in to `person_id` before.
pub async fn known_device_of(
    conn: &mut AnyConnection,
    person_id: &str,
    token_hashes: &[String],
) -> Result<Option<String>> {
    for hash in token_hashes {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT id FROM known_devices WHERE token_hash = $1 AND person_id = $2",
        )
        .bind(hash)
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// [`known_device_of`], outside any change.
pub async fn known_device_for(
    db: &Db,
    person_id: &str,
    token_hashes: &[String],
) -> Result<Option<String>> {
    let mut conn = db.pool().acquire().await?;
    known_device_of(&mut conn, person_id, token_hashes).await
}

pub async fn insert_known_device(
    conn: &mut AnyConnection,
    person_id: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO known_devices (id, person_id, token_hash, created_at, last_used_at)
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(new_id())
    .bind(person_id)
    .bind(token_hash)
    .bind(instant_text(now))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn known_device_used(
    conn: &mut AnyConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE known_devices SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(instant_text(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets the devices that have not signed in since `before`.
pub async fn prune_known_devices(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    let devices = ("known_devices", "id");
    super::prune_in_batches(db, devices, "last_used_at < $1", &instant_text(before)).await
}
