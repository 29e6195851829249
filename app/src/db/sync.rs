//! What each device was last sent (sync protocol v1): digests by item key, per generation.
use super::{instant_text, Db, Result};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// The server's half of `person_id`'s phone-copy key (hex), made the first time it is
/// asked for. Of two syncs making it at once, the first insert wins and both read it.
pub async fn copy_key_of(db: &Db, person_id: &str, now: DateTime<Utc>) -> Result<String> {
    let read = || {
        sqlx::query_scalar("SELECT copy_key FROM copy_keys WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(db.pool())
    };
    if let Some(key) = read().await? {
        return Ok(key);
    }
    let fresh = crate::secrets::hex(&crate::secrets::random_bytes::<32>()?);
    sqlx::query(
        "INSERT INTO copy_keys (person_id, copy_key, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (person_id) DO NOTHING",
    )
    .bind(person_id)
    .bind(&fresh)
    .bind(instant_text(now))
    .execute(db.pool())
    .await?;
    read()
        .await?
        .ok_or_else(|| super::DbError::Corrupt("copy key not kept".into()))
}

/// The item digests of a generation of this session (empty for another session's: the
/// caller found it among this session's in [`super::sync_start`]).
pub async fn sent_generation(
    db: &Db,
    session_id: &str,
    generation_id: &str,
) -> Result<BTreeMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.item_key, i.digest FROM sync_items i
         JOIN sync_generations g ON g.id = i.generation_id
         WHERE g.id = $1 AND g.session_id = $2",
    )
    .bind(generation_id)
    .bind(session_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().collect())
}

/// Item rows one statement inserts: three values each, well inside both engines' limits.
const ITEMS_PER_INSERT: usize = 300;

/// Stores a new generation of this session and forgets every other one except `keep` (the
/// generation the device synced from: if this answer is lost, the device asks from it again).
pub async fn save_generation(
    conn: &mut AnyConnection,
    session_id: &str,
    (generation_id, view_version): (&str, &str),
    keep: Option<&str>,
    digests: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<()> {
    // The older generations as they are now, items first: one that a sync racing this one
    // (a retry from the same cursor) commits meanwhile is its answer, left for the next
    // save to forget (deleting by condition twice could find it the second time only).
    let older: Vec<String> =
        sqlx::query_scalar("SELECT id FROM sync_generations WHERE session_id = $1 AND id <> $2")
            .bind(session_id)
            .bind(keep.unwrap_or(""))
            .fetch_all(&mut *conn)
            .await?;
    forget_generations(conn, &older).await?;
    sqlx::query(
        "INSERT INTO sync_generations (id, session_id, made_at, view_version)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(generation_id)
    .bind(session_id)
    .bind(instant_text(now))
    .bind(view_version)
    .execute(&mut *conn)
    .await?;
    let digests: Vec<(&String, &String)> = digests.iter().collect();
    for rows in digests.chunks(ITEMS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO sync_items (generation_id, item_key, digest) VALUES {}",
            super::placeholder_rows(rows.len(), 3)
        );
        let mut insert = sqlx::query(&sql);
        for (key, digest) in rows {
            insert = insert.bind(generation_id).bind(*key).bind(*digest);
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Deletes these generations, their items first.
async fn forget_generations(conn: &mut AnyConnection, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let marks = super::placeholders(1, ids.len());
    for sql in [
        format!("DELETE FROM sync_items WHERE generation_id IN ({marks})"),
        format!("DELETE FROM sync_generations WHERE id IN ({marks})"),
    ] {
        let mut delete = sqlx::query(&sql);
        for id in ids {
            delete = delete.bind(id);
        }
        delete.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Which ended sessions to forget the sync state of.
#[derive(Debug, Clone, Copy)]
pub enum EndedSessions<'a> {
    One(&'a str),
    OfPerson(&'a str),
}

/// Forgets what ended sessions' devices were sent: those devices wipe themselves at their
/// next contact, and a new sign-in starts from nothing. Their notifications end with them.
pub async fn forget_ended_sessions(
    conn: &mut AnyConnection,
    which: EndedSessions<'_>,
) -> Result<()> {
    let (filter, value) = match which {
        EndedSessions::One(session_id) => (
            "s.id = $1 AND s.ended_at IS NOT NULL",
            session_id.to_owned(),
        ),
        EndedSessions::OfPerson(person_id) => (
            "s.person_id = $1 AND s.ended_at IS NOT NULL",
            person_id.to_owned(),
        ),
    };
    super::forget_push_of_sessions(conn, filter, &value).await?;
    let ended = format!(
        "SELECT g.id FROM sync_generations g JOIN sessions s ON s.id = g.session_id
         WHERE {filter}"
    );
    sqlx::query(&format!(
        "DELETE FROM sync_items WHERE generation_id IN ({ended})"
    ))
    .bind(&value)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "DELETE FROM sync_generations WHERE id IN ({ended})"
    ))
    .bind(&value)
    .execute(conn)
    .await?;
    Ok(())
}

/// Generations housekeeping forgets in one change, with their items.
const GENERATIONS_PER_PRUNE: usize = 100;

/// Housekeeping: forgets the sync state and push subscriptions of every session that is
/// over, however it ended (a session left to expire is never ended by a request), a hundred
/// generations to a change.
pub async fn forget_sync_of_past_sessions(db: &Db, now: DateTime<Utc>) -> Result<()> {
    let over = "(s.ended_at IS NOT NULL OR s.expires_at <= $1)";
    let now = instant_text(now);
    let mut conn = db.pool().acquire().await?;
    super::forget_push_of_sessions(&mut conn, over, &now).await?;
    drop(conn);
    loop {
        let ended: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT g.id FROM sync_generations g JOIN sessions s ON s.id = g.session_id
             WHERE {over} LIMIT {GENERATIONS_PER_PRUNE}"
        ))
        .bind(&now)
        .fetch_all(db.pool())
        .await?;
        if ended.is_empty() {
            return Ok(());
        }
        let mut change = db.begin().await?;
        forget_generations(&mut change, &ended).await?;
        change.commit().await?;
    }
}
