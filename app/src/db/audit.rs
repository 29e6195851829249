//! The audit trail: append-only, hash-chained, written in the same transaction as what it
//! records. Entries hold ids and action names only, never health information.
use super::{instant_text, Db, DbError, Result};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

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

fn entry_hash(prev_hash: &str, seq: i64, at: &str, event: &AuditFields<'_>) -> String {
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
    crate::secrets::hex(&Sha256::digest(fields.to_string().as_bytes()))
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
        let hash = entry_hash(&prev_hash, seq, &at, &event.into());
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
    record_audit(&mut tx, events, now).await?;
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

/// Walks the whole trail and checks every link.
pub async fn verify_audit_chain(db: &Db) -> Result<ChainCheck> {
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(db.pool())
            .await?;
    let mut prev_hash = "0".repeat(64);
    let mut expected_seq = 1;
    let mut after = 0_i64;
    loop {
        let page: Vec<AuditEntry> = sqlx::query_as(
            "SELECT seq, at, actor_id, actor_role, action, client_id, target, address, outcome,
                    prev_hash, hash
             FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1000",
        )
        .bind(after)
        .fetch_all(db.pool())
        .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in &page {
            if entry.seq != expected_seq {
                return Ok(ChainCheck::Broken {
                    at_seq: expected_seq,
                    reason: "an entry is missing",
                });
            }
            if entry.prev_hash != prev_hash {
                return Ok(ChainCheck::Broken {
                    at_seq: entry.seq,
                    reason: "the link to the previous entry is wrong",
                });
            }
            if entry_hash(&prev_hash, entry.seq, &entry.at, &entry.into()) != entry.hash {
                return Ok(ChainCheck::Broken {
                    at_seq: entry.seq,
                    reason: "the entry was altered",
                });
            }
            prev_hash = entry.hash.clone();
            expected_seq += 1;
        }
    }
    let entries = expected_seq - 1;
    if entries != head_seq || prev_hash != head_hash {
        return Ok(ChainCheck::Broken {
            at_seq: entries + 1,
            reason: "entries at the end are missing",
        });
    }
    Ok(ChainCheck::Intact { entries })
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
