use super::{forget_ended_sessions, instant_text, read_instant, Db, EndedSessions, Result};
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
    /// The person set up their sign-in again (a forgotten passphrase).
    Replaced,
}

impl SessionEnd {
    fn code(self) -> &'static str {
        match self {
            SessionEnd::SignedOut => "signed_out",
            SessionEnd::EndedByPerson => "ended_by_person",
            SessionEnd::EndedByAdmin => "ended_by_admin",
            SessionEnd::Idle => "idle",
            SessionEnd::Expired => "expired",
            SessionEnd::Replaced => "replaced",
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
pub(super) struct LiveSessionRow {
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
    row.map(LiveSessionRow::live).transpose()
}

impl LiveSessionRow {
    pub(super) fn live(self) -> Result<LiveSession> {
        Ok(LiveSession {
            last_seen_at: read_instant(&self.last_seen_at)?,
            verified_at: read_instant(&self.verified_at)?,
            expires_at: read_instant(&self.expires_at)?,
            session_id: self.session_id,
            person_id: self.person_id,
            role: self.role,
            organisation_id: self.organisation_id,
            display_name: self.display_name,
        })
    }
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
/// and a fresh idle clock. False if the session has ended meanwhile.
pub async fn renew_session(
    conn: &mut AnyConnection,
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
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Which live sessions to end.
#[derive(Debug, Clone, Copy)]
pub enum Sessions<'a> {
    One(&'a str),
    /// One session, only if it is this person's.
    OneOf {
        person_id: &'a str,
        session_id: &'a str,
    },
    /// Every session of a person.
    AllOf(&'a str),
    /// Every session of a person but the one they are using.
    OthersOf {
        person_id: &'a str,
        keep: &'a str,
    },
}

/// Ends live sessions and forgets what their devices were sent; how many ended.
pub async fn end_sessions(
    conn: &mut AnyConnection,
    which: Sessions<'_>,
    reason: SessionEnd,
    now: DateTime<Utc>,
) -> Result<u64> {
    let (filter, ids, forget) = match which {
        Sessions::One(id) => ("id = $3", vec![id], EndedSessions::One(id)),
        Sessions::OneOf {
            person_id,
            session_id,
        } => (
            "id = $3 AND person_id = $4",
            vec![session_id, person_id],
            EndedSessions::One(session_id),
        ),
        Sessions::AllOf(person_id) => (
            "person_id = $3",
            vec![person_id],
            EndedSessions::OfPerson(person_id),
        ),
        Sessions::OthersOf { person_id, keep } => (
            "person_id = $3 AND id <> $4",
            vec![person_id, keep],
            EndedSessions::OfPerson(person_id),
        ),
    };
    let sql = format!(
        "UPDATE sessions SET ended_at = $1, ended_reason = $2 WHERE {filter} AND ended_at IS NULL"
    );
    let mut query = sqlx::query(&sql)
        .bind(instant_text(now))
        .bind(reason.code());
    for id in ids {
        query = query.bind(id);
    }
    let done = query.execute(&mut *conn).await?;
    forget_ended_sessions(conn, forget).await?;
    Ok(done.rows_affected())
}

/// Ends a session the rules ended (expired, idle), in a transaction of its own: nobody did
/// this, so there is no audit entry.
pub async fn expire_session(
    db: &Db,
    session_id: &str,
    reason: SessionEnd,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    end_sessions(&mut tx, Sessions::One(session_id), reason, now).await?;
    tx.commit().await?;
    Ok(())
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
