//! The audit trail: append-only, hash-chained, written in the same transaction as what it
//! records. Entries hold ids and action names only, never health information.
//!
//! Each hash is keyed (HMAC-SHA-256 under [`AuditKey`], from the configuration), so someone
//! with only the database can neither alter an entry nor cut the trail and chain it again:
//! they cannot make hashes that verify.
use super::{instant_text, Db, DbError, Result};
use chrono::{DateTime, Utc};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use std::sync::Arc;

/// The key the trail's hashes are made with, ready to use. Never printed.
#[derive(Clone)]
pub struct AuditKey(Arc<Hmac<Sha256>>);

impl AuditKey {
    pub fn new(key: &[u8]) -> AuditKey {
        // HMAC pads a key of up to one block (64 bytes) with zeros and hashes a longer one
        // first (RFC 2104); done here, the key is one block and the set-up cannot fail.
        let mut block = [0u8; 64];
        if key.len() > block.len() {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        AuditKey(Arc::new(<Hmac<Sha256> as KeyInit>::new(&block.into())))
    }

    /// The key of a machine with no key configured (the demo, the tests): written here, so
    /// it keys nothing against someone who reads this file. Production must set its own
    /// (`WAYPOINT_AUDIT_KEY`; the server will not start on https without one).
    pub fn development() -> AuditKey {
        AuditKey::new(b"waypoint development audit key: not for production")
    }

    fn mac(&self) -> Hmac<Sha256> {
        self.0.as_ref().clone()
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey([redacted])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Refused,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Refused => "refused",
        }
    }
}

/// One thing that happened, before it is numbered and chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    /// A fixed action name, such as `read.plan` or `sign_in.failed`.
    pub action: &'static str,
    pub client_id: Option<String>,
    /// The id of the record acted on, when there is one.
    pub target: Option<String>,
    pub address: Option<String>,
    pub outcome: Outcome,
}

impl AuditEvent {
    /// About this client's record.
    pub fn about(mut self, client_id: &str) -> Self {
        self.client_id = Some(client_id.to_owned());
        self
    }

    /// On this record.
    pub fn on(mut self, target: &str) -> Self {
        self.target = Some(target.to_owned());
        self
    }

    /// Done by this person (someone signing in, who was nobody until then).
    pub fn by(mut self, person_id: &str, role: Option<crate::domain::Role>) -> Self {
        self.actor_id = Some(person_id.to_owned());
        self.actor_role = role.map(|r| r.code().to_owned());
        self
    }

    /// Refused, not done.
    pub fn refused(mut self) -> Self {
        self.outcome = Outcome::Refused;
        self
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub client_id: Option<String>,
    pub target: Option<String>,
    pub address: Option<String>,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

/// How an entry is hashed: its fields and the hash before it, under the key.
#[derive(Clone, Copy)]
enum Hashing<'a> {
    Keyed(&'a AuditKey),
    /// How entries were hashed before the trail was keyed; read only to key an old trail.
    Plain,
}

fn entry_hash(
    hashing: Hashing<'_>,
    prev_hash: &str,
    seq: i64,
    at: &str,
    event: &AuditFields<'_>,
) -> String {
    // JSON keeps the fields apart unambiguously (no separator can be forged inside one).
    let fields = serde_json::json!([
        prev_hash,
        seq,
        at,
        event.actor_id,
        event.actor_role,
        event.action,
        event.client_id,
        event.target,
        event.address,
        event.outcome,
    ]);
    let bytes = fields.to_string();
    match hashing {
        Hashing::Keyed(key) => {
            let mut mac = key.mac();
            mac.update(bytes.as_bytes());
            crate::secrets::hex(&mac.finalize().into_bytes())
        }
        Hashing::Plain => crate::secrets::hex(&Sha256::digest(bytes.as_bytes())),
    }
}

struct AuditFields<'a> {
    actor_id: Option<&'a str>,
    actor_role: Option<&'a str>,
    action: &'a str,
    client_id: Option<&'a str>,
    target: Option<&'a str>,
    address: Option<&'a str>,
    outcome: &'a str,
}

impl<'a> From<&'a AuditEvent> for AuditFields<'a> {
    fn from(e: &'a AuditEvent) -> Self {
        AuditFields {
            actor_id: e.actor_id.as_deref(),
            actor_role: e.actor_role.as_deref(),
            action: e.action,
            client_id: e.client_id.as_deref(),
            target: e.target.as_deref(),
            address: e.address.as_deref(),
            outcome: e.outcome.code(),
        }
    }
}

impl<'a> From<&'a AuditEntry> for AuditFields<'a> {
    fn from(e: &'a AuditEntry) -> Self {
        AuditFields {
            actor_id: e.actor_id.as_deref(),
            actor_role: e.actor_role.as_deref(),
            action: &e.action,
            client_id: e.client_id.as_deref(),
            target: e.target.as_deref(),
            address: e.address.as_deref(),
            outcome: &e.outcome,
        }
    }
}

/// Whether an event is a refusal of nobody known, counted rather than chained.
fn is_anonymous_refusal(event: &AuditEvent) -> bool {
    event.actor_id.is_none() && event.outcome == Outcome::Refused
}

/// Appends events to the trail inside the caller's transaction; refusals of nobody known
/// are counted per action and hour instead (`refusal_counts`).
pub async fn record_audit(
    conn: &mut AnyConnection,
    key: &AuditKey,
    events: &[AuditEvent],
    now: DateTime<Utc>,
) -> Result<()> {
    let (counted, events): (Vec<&AuditEvent>, Vec<&AuditEvent>) =
        events.iter().partition(|event| is_anonymous_refusal(event));
    let hour = now.format("%Y-%m-%dT%H").to_string();
    for event in counted {
        sqlx::query(
            "INSERT INTO refusal_counts (action, hour, refused) VALUES ($1, $2, 1)
             ON CONFLICT (action, hour) DO UPDATE SET refused = refusal_counts.refused + 1",
        )
        .bind(event.action)
        .bind(&hour)
        .execute(&mut *conn)
        .await?;
    }
    if events.is_empty() {
        return Ok(());
    }
    let count = i64::try_from(events.len()).map_err(|e| DbError::Corrupt(e.to_string()))?;
    // Claiming the numbers first takes the write lock, so concurrent writers queue here
    // instead of forking the chain.
    sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1")
        .bind(count)
        .execute(&mut *conn)
        .await?;
    let (last_seq, mut prev_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    let at = instant_text(now);
    let mut seq = last_seq - count;
    for event in events {
        seq += 1;
        let hash = entry_hash(Hashing::Keyed(key), &prev_hash, seq, &at, &event.into());
        sqlx::query(
            "INSERT INTO audit_events (seq, at, actor_id, actor_role, action, client_id, target,
                                       address, outcome, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(seq)
        .bind(&at)
        .bind(event.actor_id.as_deref())
        .bind(event.actor_role.as_deref())
        .bind(event.action)
        .bind(event.client_id.as_deref())
        .bind(event.target.as_deref())
        .bind(event.address.as_deref())
        .bind(event.outcome.code())
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
        prev_hash = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records events in a transaction of their own (for reads and refusals, where nothing
/// else is written).
pub async fn record_audit_now(db: &Db, events: &[AuditEvent], now: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin().await?;
    record_audit(&mut tx, db.audit_key(), events, now).await?;
    tx.commit().await?;
    Ok(())
}

/// What `waypoint audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    Intact {
        entries: i64,
    },
    /// The first entry that is missing, altered or out of place.
    Broken {
        at_seq: i64,
        reason: &'static str,
    },
}

/// The newest entry's number and hash (`0` and the empty chain's hash before any entry).
pub async fn audit_head(db: &Db) -> Result<(i64, String)> {
    Ok(
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(db.pool())
            .await?,
    )
}

/// The hash of entry `seq`, if the trail holds it.
pub async fn audit_entry_hash(db: &Db, seq: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT hash FROM audit_events WHERE seq = $1")
            .bind(seq)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Walks the whole trail and checks every link under the database's key.
pub async fn verify_audit_chain(db: &Db) -> Result<ChainCheck> {
    let mut conn = db.pool().acquire().await?;
    let (keyed, check, _) = walk_chain(&mut conn, Hashing::Keyed(db.audit_key())).await?;
    Ok(if keyed {
        check
    } else {
        ChainCheck::Broken {
            at_seq: 1,
            reason: "the trail is not keyed: start the server once to key it",
        }
    })
}

/// Walks the trail in order, checking each link and hash under `hashing`; with it, whether
/// the head says the trail is keyed and, for `Plain`, the entries walked.
async fn walk_chain(
    conn: &mut AnyConnection,
    hashing: Hashing<'_>,
) -> Result<(bool, ChainCheck, Vec<AuditEntry>)> {
    let (head_seq, head_hash, keyed): (i64, String, i64) =
        sqlx::query_as("SELECT seq, hash, keyed FROM audit_head WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    let mut prev_hash = "0".repeat(64);
    let mut expected_seq = 1;
    let mut after = 0_i64;
    let mut walked = Vec::new();
    let broken = |at_seq, reason| ChainCheck::Broken { at_seq, reason };
    loop {
        let page: Vec<AuditEntry> = sqlx::query_as(
            "SELECT seq, at, actor_id, actor_role, action, client_id, target, address, outcome,
                    prev_hash, hash
             FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1000",
        )
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in page {
            let problem = if entry.seq != expected_seq {
                Some(broken(expected_seq, "an entry is missing"))
            } else if entry.prev_hash != prev_hash {
                Some(broken(entry.seq, "the link to the previous entry is wrong"))
            } else if entry_hash(hashing, &prev_hash, entry.seq, &entry.at, &(&entry).into())
                != entry.hash
            {
                Some(broken(entry.seq, "the entry was altered"))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Ok((keyed == 1, problem, walked));
            }
            prev_hash = entry.hash.clone();
            expected_seq += 1;
            // Only keying an old trail needs them all; verifying keeps none in memory.
            if matches!(hashing, Hashing::Plain) {
                walked.push(entry);
            }
        }
    }
    let entries = expected_seq - 1;
    let check = if entries != head_seq || prev_hash != head_hash {
        broken(entries + 1, "entries at the end are missing")
    } else {
        ChainCheck::Intact { entries }
    };
    Ok((keyed == 1, check, walked))
}

/// Keys a trail written before its hashes were keyed, once: checks its plain chain, then
/// chains every entry again under the key, in one transaction, and records that it did
/// (`audit.keyed`, with how many entries), so a trail keyed a second time shows it. A
/// broken plain chain is not keyed: it would hide the break.
pub async fn key_audit_trail(db: &Db, now: DateTime<Utc>) -> Result<KeyedTrail> {
    let mut tx = db.begin().await?;
    // Takes the write lock first, as every writer does.
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let (keyed, check, entries) = walk_chain(&mut tx, Hashing::Plain).await?;
    if keyed {
        return Ok(KeyedTrail::AlreadyKeyed);
    }
    if let ChainCheck::Broken { at_seq, reason } = check {
        return Ok(KeyedTrail::Broken { at_seq, reason });
    }
    let key = db.audit_key();
    let mut prev_hash = "0".repeat(64);
    for entry in &entries {
        let hash = entry_hash(
            Hashing::Keyed(key),
            &prev_hash,
            entry.seq,
            &entry.at,
            &entry.into(),
        );
        sqlx::query("UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3")
            .bind(&prev_hash)
            .bind(&hash)
            .bind(entry.seq)
            .execute(&mut *tx)
            .await?;
        prev_hash = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1, keyed = 1 WHERE id = 1")
        .bind(&prev_hash)
        .execute(&mut *tx)
        .await?;
    let count = entries.len();
    if count > 0 {
        let entry = AuditEvent {
            actor_id: None,
            actor_role: None,
            action: "audit.keyed",
            client_id: None,
            target: Some(count.to_string()),
            address: None,
            outcome: Outcome::Allowed,
        };
        record_audit(&mut tx, key, &[entry], now).await?;
    }
    tx.commit().await?;
    Ok(KeyedTrail::Keyed { entries: count })
}

/// What [`key_audit_trail`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyedTrail {
    AlreadyKeyed,
    Keyed { entries: usize },
    Broken { at_seq: i64, reason: &'static str },
}

/// Who looked at or changed a client's record, other than the client, newest first.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecordLook {
    pub at: String,
    pub who: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub outcome: String,
}

pub async fn looks_at_client(db: &Db, client_id: &str, limit: i64) -> Result<Vec<RecordLook>> {
    Ok(sqlx::query_as(
        "SELECT e.at, p.display_name AS who, e.actor_role AS role, e.action, e.outcome
         FROM audit_events e LEFT JOIN people p ON p.id = e.actor_id
         WHERE e.client_id = $1 AND (e.actor_id IS NULL OR e.actor_id <> $1)
         ORDER BY e.seq DESC LIMIT $2",
    )
    .bind(client_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// The entries of one organisation from `from` (inclusive) to `to` (exclusive), oldest
/// first: those by one of its people or about one of its clients. Entries by nobody known
/// (an anonymous refusal) belong to no organisation and are left out: many clinics may
/// share one database.
pub async fn audit_between(
    db: &Db,
    organisation_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<AuditEntry>> {
    Ok(sqlx::query_as(
        "SELECT seq, at, actor_id, actor_role, action, client_id, target, address, outcome,
                prev_hash, hash
         FROM audit_events
         WHERE at >= $1 AND at < $2
           AND (actor_id IN (SELECT id FROM people WHERE organisation_id = $3)
                OR client_id IN (SELECT id FROM people WHERE organisation_id = $3))
         ORDER BY seq",
    )
    .bind(instant_text(from))
    .bind(instant_text(to))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key made into one block gives the same HMAC as the key itself, short or long.
    #[test]
    fn a_key_is_used_as_hmac_uses_it() {
        for key in [&b"short"[..], &[7u8; 64][..], &[9u8; 100][..]] {
            let mut ours = AuditKey::new(key).mac();
            ours.update(b"an entry");
            let mut theirs = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
            theirs.update(b"an entry");
            assert_eq!(ours.finalize().into_bytes(), theirs.finalize().into_bytes());
        }
    }
}
