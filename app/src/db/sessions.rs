use super::{instant_text, read_instant, Db, Result};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// Why a session ended, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    SignedOut,
    EndedByPerson,
    EndedByAdmin,
    Idle,
    Expired,
}

impl SessionEnd {
    fn code(self) -> &'static str {
        match self {
            SessionEnd::SignedOut => "signed_out",
            SessionEnd::EndedByPerson => "ended_by_person",
            SessionEnd::EndedByAdmin => "ended_by_admin",
            SessionEnd::Idle => "idle",
            SessionEnd::Expired => "expired",
        }
    }
}

/// A live session with the person it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub session_id: String,
    pub person_id: String,
    pub role: String,
    pub organisation_id: String,
    pub display_name: String,
    pub last_seen_at: DateTime<Utc>,
    pub verified_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub struct NewSession<'a> {
    pub session_id: &'a str,
    pub token_hash: &'a str,
    pub person_id: &'a str,
    pub device: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    session: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, person_id, device, created_at, last_seen_at,
                               verified_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $5, $5, $6)",
    )
    .bind(session.session_id)
    .bind(session.token_hash)
    .bind(session.person_id)
    .bind(session.device)
    .bind(instant_text(now))
    .bind(instant_text(session.expires_at))
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LiveSessionRow {
    session_id: String,
    person_id: String,
    role: String,
    organisation_id: String,
    display_name: String,
    last_seen_at: String,
    verified_at: String,
    expires_at: String,
}

/// The session a cookie's token belongs to, if it has not ended.
pub async fn live_session(db: &Db, token_hash: &str) -> Result<Option<LiveSession>> {
    let row: Option<LiveSessionRow> = sqlx::query_as(
        "SELECT s.id AS session_id, s.person_id, p.role, p.organisation_id, p.display_name,
                s.last_seen_at, s.verified_at, s.expires_at
         FROM sessions s JOIN people p ON p.id = s.person_id
         WHERE s.token_hash = $1 AND s.ended_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(LiveSession {
            last_seen_at: read_instant(&row.last_seen_at)?,
            verified_at: read_instant(&row.verified_at)?,
            expires_at: read_instant(&row.expires_at)?,
            session_id: row.session_id,
            person_id: row.person_id,
            role: row.role,
            organisation_id: row.organisation_id,
            display_name: row.display_name,
        })
    })
    .transpose()
}

pub async fn touch_session(db: &Db, session_id: &str, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND ended_at IS NULL")
        .bind(session_id)
        .bind(instant_text(now))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// After the person proved who they are again: a new token (the old one stops working)
/// and a fresh idle clock.
pub async fn renew_session(
    db: &Db,
    session_id: &str,
    new_token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET token_hash = $2, verified_at = $3, last_seen_at = $3
         WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(session_id)
    .bind(new_token_hash)
    .bind(instant_text(now))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn end_session(
    db: &Db,
    session_id: &str,
    reason: SessionEnd,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE sessions SET ended_at = $2, ended_reason = $3 WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(session_id)
    .bind(instant_text(now))
    .bind(reason.code())
    .execute(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    super::forget_ended_sessions(&mut conn, super::EndedSessions::One(session_id)).await
}

/// Ends one of a person's sessions; false when it is not theirs or already ended.
pub async fn end_session_of_person(
    db: &Db,
    person_id: &str,
    session_id: &str,
    reason: SessionEnd,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET ended_at = $3, ended_reason = $4
         WHERE id = $1 AND person_id = $2 AND ended_at IS NULL",
    )
    .bind(session_id)
    .bind(person_id)
    .bind(instant_text(now))
    .bind(reason.code())
    .execute(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    super::forget_ended_sessions(&mut conn, super::EndedSessions::One(session_id)).await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of a person (a lost or shared phone); how many ended.
pub async fn end_all_sessions(
    db: &Db,
    person_id: &str,
    reason: SessionEnd,
    now: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE sessions SET ended_at = $2, ended_reason = $3
         WHERE person_id = $1 AND ended_at IS NULL",
    )
    .bind(person_id)
    .bind(instant_text(now))
    .bind(reason.code())
    .execute(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    super::forget_ended_sessions(&mut conn, super::EndedSessions::OfPerson(person_id)).await?;
    Ok(done.rows_affected())
}

/// A signed-in device, as the person's device list shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeviceSession {
    pub session_id: String,
    pub device: String,
    pub created_at: String,
    pub last_seen_at: String,
}

pub async fn live_sessions_of(db: &Db, person_id: &str) -> Result<Vec<DeviceSession>> {
    Ok(sqlx::query_as(
        "SELECT id AS session_id, device, created_at, last_seen_at FROM sessions
         WHERE person_id = $1 AND ended_at IS NULL ORDER BY last_seen_at DESC, id",
    )
    .bind(person_id)
    .fetch_all(db.pool())
    .await?)
}
