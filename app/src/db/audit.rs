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
    /// The organisation whose chain it joins, when the caller knows it (the person asking's);
    /// otherwise the actor's, or the client's, is looked up ([`record_audit`]).
    pub organisation_id: Option<String>,
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

    /// Done by this person (someone signing in, who was nobody until then), in their own
    /// organisation's chain.
    pub fn by(mut self, person_id: &str, role: Option<crate::domain::Role>) -> Self {
        self.actor_id = Some(person_id.to_owned());
        self.actor_role = role.map(|r| r.code().to_owned());
        self.organisation_id = None;
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
    /// Its organisation's chain, or [`SHARED_CHAIN`].
    pub chain: String,
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

/// The chain of entries of no organisation, and of every entry written before each
/// organisation had its own.
pub const SHARED_CHAIN: &str = "";

/// The hash before a chain's first entry.
fn first_prev_hash() -> String {
    "0".repeat(64)
}

/// Where an entry stands: its chain, its number in it, the hash before it.
struct Link<'a> {
    chain: &'a str,
    seq: i64,
    prev_hash: &'a str,
}

fn entry_hash(hashing: Hashing<'_>, link: &Link<'_>, at: &str, event: &AuditFields<'_>) -> String {
    // JSON keeps the fields apart unambiguously (no separator can be forged inside one).
    let mut fields = vec![
        serde_json::json!(link.prev_hash),
        serde_json::json!(link.seq),
        serde_json::json!(at),
        serde_json::json!(event.actor_id),
        serde_json::json!(event.actor_role),
        serde_json::json!(event.action),
        serde_json::json!(event.client_id),
        serde_json::json!(event.target),
        serde_json::json!(event.address),
        serde_json::json!(event.outcome),
    ];
    // An organisation's entries name their chain, so none can be moved to another; the
    // shared chain's are hashed as they were before there were others.
    if link.chain != SHARED_CHAIN {
        fields.insert(0, serde_json::json!(link.chain));
    }
    let bytes = serde_json::Value::Array(fields).to_string();
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

/// Appends events to the trail inside the caller's transaction, each to its
/// organisation's chain; refusals of nobody known are counted per action and hour instead
/// (`refusal_counts`).
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
    let mut chains: std::collections::BTreeMap<String, Vec<&AuditEvent>> = Default::default();
    for event in events {
        let chain = chain_of(conn, event).await?;
        chains.entry(chain).or_default().push(event);
    }
    // In the chains' order, so that two writers to the same two chains never wait on each
    // other crosswise.
    let at = instant_text(now);
    for (chain, events) in chains {
        let events: Vec<(&AuditEvent, &str)> = events.into_iter().map(|e| (e, &*at)).collect();
        append(conn, key, &chain, &events).await?;
    }
    Ok(())
}

/// Appends entries of the past, each at its own instant, in the order given: the demo's
/// year of history (`waypoint seed-demo --history`). Every event names its organisation.
pub async fn record_past_audit(
    conn: &mut AnyConnection,
    key: &AuditKey,
    events: &[(AuditEvent, DateTime<Utc>)],
) -> Result<()> {
    let mut chains: std::collections::BTreeMap<String, Vec<(&AuditEvent, String)>> =
        Default::default();
    for (event, at) in events {
        let chain = chain_of(conn, event).await?;
        chains
            .entry(chain)
            .or_default()
            .push((event, instant_text(*at)));
    }
    for (chain, events) in chains {
        let events: Vec<(&AuditEvent, &str)> =
            events.iter().map(|(e, at)| (*e, at.as_str())).collect();
        append(conn, key, &chain, &events).await?;
    }
    Ok(())
}

/// The chain an event joins: its organisation's, as the caller said or as its actor's (or,
/// with no actor, its client's) record says; the shared chain when there is none.
async fn chain_of(conn: &mut AnyConnection, event: &AuditEvent) -> Result<String> {
    if let Some(organisation_id) = &event.organisation_id {
        return Ok(organisation_id.clone());
    }
    let Some(person_id) = event.actor_id.as_ref().or(event.client_id.as_ref()) else {
        return Ok(SHARED_CHAIN.to_owned());
    };
    let organisation: Option<String> =
        sqlx::query_scalar("SELECT organisation_id FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(organisation.unwrap_or_else(|| SHARED_CHAIN.to_owned()))
}

/// Entries one statement inserts: twelve values each, well inside both engines' limits.
const ENTRIES_PER_INSERT: usize = 80;

/// Appends events, each with its instant, to one chain. Claiming their numbers first takes
/// the chain's row (made with the organisation's first entry), so that concurrent writers
/// to the chain queue there instead of forking it, and writers to other chains do not wait.
async fn append(
    conn: &mut AnyConnection,
    key: &AuditKey,
    chain: &str,
    events: &[(&AuditEvent, &str)],
) -> Result<()> {
    let count = i64::try_from(events.len()).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let (last_seq, mut prev_hash): (i64, String) = sqlx::query_as(
        "INSERT INTO audit_chains (id, seq, hash, keyed) VALUES ($1, $2, $3, 1)
         ON CONFLICT (id) DO UPDATE SET seq = audit_chains.seq + $2
         RETURNING seq, hash",
    )
    .bind(chain)
    .bind(count)
    .bind(first_prev_hash())
    .fetch_one(&mut *conn)
    .await?;
    let mut seq = last_seq - count;
    for rows in events.chunks(ENTRIES_PER_INSERT) {
        let sql = format!(
            "INSERT INTO audit_events (chain, seq, at, actor_id, actor_role, action, client_id,
                                       target, address, outcome, prev_hash, hash)
             VALUES {}",
            super::placeholder_rows(rows.len(), 12)
        );
        let mut insert = sqlx::query(&sql);
        for (event, at) in rows {
            seq += 1;
            let link = Link {
                chain,
                seq,
                prev_hash: &prev_hash,
            };
            let hash = entry_hash(Hashing::Keyed(key), &link, at, &(*event).into());
            insert = insert
                .bind(chain)
                .bind(seq)
                .bind(*at)
                .bind(event.actor_id.as_deref())
                .bind(event.actor_role.as_deref())
                .bind(event.action)
                .bind(event.client_id.as_deref())
                .bind(event.target.as_deref())
                .bind(event.address.as_deref())
                .bind(event.outcome.code())
                .bind(std::mem::replace(&mut prev_hash, hash.clone()))
                .bind(hash);
        }
        insert.execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE audit_chains SET hash = $1 WHERE id = $2")
        .bind(&prev_hash)
        .bind(chain)
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
        chains: i64,
    },
    /// The first entry that is missing, altered or out of place, in the first chain found
    /// broken.
    Broken {
        chain: String,
        at_seq: i64,
        reason: &'static str,
    },
}

/// Where a chain ends: its newest entry's number and hash (`0` and the hash before a first
/// entry, for an empty chain).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChainHead {
    #[sqlx(rename = "id")]
    pub chain: String,
    pub seq: i64,
    pub hash: String,
}

/// Every chain's head, the shared chain first.
pub async fn audit_heads(db: &Db) -> Result<Vec<ChainHead>> {
    Ok(
        sqlx::query_as("SELECT id, seq, hash FROM audit_chains ORDER BY id")
            .fetch_all(db.pool())
            .await?,
    )
}

/// The hash of entry `seq` of `chain`, if the trail holds it.
pub async fn audit_entry_hash(db: &Db, chain: &str, seq: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT hash FROM audit_events WHERE chain = $1 AND seq = $2")
            .bind(chain)
            .bind(seq)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Walks every chain of the trail and checks every link under the database's key.
pub async fn verify_audit_chain(db: &Db) -> Result<ChainCheck> {
    let mut conn = db.pool().acquire().await?;
    // Entries of a chain whose head is gone are found too: the head is what they are
    // checked against.
    let chains: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM audit_chains UNION SELECT DISTINCT chain FROM audit_events ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut entries = 0;
    for chain in &chains {
        let (keyed, check, _) =
            walk_chain(&mut conn, chain, Hashing::Keyed(db.audit_key())).await?;
        match check {
            _ if !keyed => {
                return Ok(ChainCheck::Broken {
                    chain: chain.clone(),
                    at_seq: 1,
                    reason: "the trail is not keyed: start the server once to key it",
                })
            }
            ChainCheck::Intact { entries: more, .. } => entries += more,
            broken => return Ok(broken),
        }
    }
    Ok(ChainCheck::Intact {
        entries,
        chains: i64::try_from(chains.len()).map_err(|e| DbError::Corrupt(e.to_string()))?,
    })
}

/// Walks one chain in order, checking each link and hash under `hashing`; with it, whether
/// the chain is keyed and, for `Plain`, the entries walked.
async fn walk_chain(
    conn: &mut AnyConnection,
    chain: &str,
    hashing: Hashing<'_>,
) -> Result<(bool, ChainCheck, Vec<AuditEntry>)> {
    let head: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT seq, hash, keyed FROM audit_chains WHERE id = $1")
            .bind(chain)
            .fetch_optional(&mut *conn)
            .await?;
    let broken = |at_seq, reason| ChainCheck::Broken {
        chain: chain.to_owned(),
        at_seq,
        reason,
    };
    let Some((head_seq, head_hash, keyed)) = head else {
        return Ok((true, broken(1, "the chain's head is missing"), vec![]));
    };
    let mut prev_hash = first_prev_hash();
    let mut expected_seq = 1;
    let mut after = 0_i64;
    let mut walked = Vec::new();
    loop {
        let page: Vec<AuditEntry> = sqlx::query_as(
            "SELECT chain, seq, at, actor_id, actor_role, action, client_id, target, address,
                    outcome, prev_hash, hash
             FROM audit_events WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT 1000",
        )
        .bind(chain)
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in page {
            let link = Link {
                chain,
                seq: entry.seq,
                prev_hash: &prev_hash,
            };
            let problem = if entry.seq != expected_seq {
                Some(broken(expected_seq, "an entry is missing"))
            } else if entry.prev_hash != prev_hash {
                Some(broken(entry.seq, "the link to the previous entry is wrong"))
            } else if entry_hash(hashing, &link, &entry.at, &(&entry).into()) != entry.hash {
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
        ChainCheck::Intact { entries, chains: 1 }
    };
    Ok((keyed == 1, check, walked))
}

/// Whether the shared chain is keyed: only it can hold entries from before the keys.
pub async fn shared_chain_keyed(db: &Db) -> Result<bool> {
    let keyed: i64 = sqlx::query_scalar("SELECT keyed FROM audit_chains WHERE id = $1")
        .bind(SHARED_CHAIN)
        .fetch_one(db.pool())
        .await?;
    Ok(keyed == 1)
}

/// Keys a trail written before its hashes were keyed, once: checks its plain chain (the
/// shared chain: there were no others then), then chains every entry again under the key,
/// in one transaction, and records that it did (`audit.keyed`, with how many entries), so
/// a trail keyed a second time shows it. A broken plain chain is not keyed: it would hide
/// the break.
pub async fn key_audit_trail(db: &Db, now: DateTime<Utc>) -> Result<KeyedTrail> {
    let mut tx = db.begin().await?;
    // Takes the chain's row first, as every writer does.
    sqlx::query("UPDATE audit_chains SET seq = seq WHERE id = $1")
        .bind(SHARED_CHAIN)
        .execute(&mut *tx)
        .await?;
    let (keyed, check, entries) = walk_chain(&mut tx, SHARED_CHAIN, Hashing::Plain).await?;
    if keyed {
        return Ok(KeyedTrail::AlreadyKeyed);
    }
    if let ChainCheck::Broken { at_seq, reason, .. } = check {
        return Ok(KeyedTrail::Broken { at_seq, reason });
    }
    let key = db.audit_key();
    let mut prev_hash = first_prev_hash();
    for entry in &entries {
        let link = Link {
            chain: SHARED_CHAIN,
            seq: entry.seq,
            prev_hash: &prev_hash,
        };
        let hash = entry_hash(Hashing::Keyed(key), &link, &entry.at, &entry.into());
        sqlx::query(
            "UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE chain = $3 AND seq = $4",
        )
        .bind(&prev_hash)
        .bind(&hash)
        .bind(SHARED_CHAIN)
        .bind(entry.seq)
        .execute(&mut *tx)
        .await?;
        prev_hash = hash;
    }
    sqlx::query("UPDATE audit_chains SET hash = $1, keyed = 1 WHERE id = $2")
        .bind(&prev_hash)
        .bind(SHARED_CHAIN)
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
            organisation_id: None,
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
         ORDER BY e.at DESC, e.seq DESC LIMIT $2",
    )
    .bind(client_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Entries an export reads at once: its memory stays the same however long the range.
pub const AUDIT_PAGE: usize = 1000;

/// The entries of one organisation from `from` (inclusive) to `to` (exclusive), oldest
/// first, a page of at most [`AUDIT_PAGE`] after `after` (the last entry of the page
/// before): its chain, and the shared chain's entries by one of its people or about one of
/// its clients (written before it had a chain). Entries of no organisation are left out:
/// many clinics may share one database.
pub async fn audit_page(
    db: &Db,
    organisation_id: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: Option<&AuditEntry>,
) -> Result<Vec<AuditEntry>> {
    let (at, chain, seq) = match after {
        Some(entry) => (entry.at.clone(), entry.chain.clone(), entry.seq),
        None => (String::new(), String::new(), 0),
    };
    Ok(sqlx::query_as(&format!(
        "SELECT chain, seq, at, actor_id, actor_role, action, client_id, target, address,
                outcome, prev_hash, hash
         FROM audit_events
         WHERE at >= $1 AND at < $2
           AND (chain = $3
                OR (chain = $4
                    AND (actor_id IN (SELECT id FROM people WHERE organisation_id = $3)
                         OR client_id IN (SELECT id FROM people WHERE organisation_id = $3))))
           AND (at > $5 OR (at = $5 AND (chain > $6 OR (chain = $6 AND seq > $7))))
         ORDER BY at, chain, seq
         LIMIT {AUDIT_PAGE}"
    ))
    .bind(instant_text(from))
    .bind(instant_text(to))
    .bind(organisation_id)
    .bind(SHARED_CHAIN)
    .bind(at)
    .bind(chain)
    .bind(seq)
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
