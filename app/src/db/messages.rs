//! Messages between clients and their care teams: each recorded once per key; the read and
//! handled marks set once. Nothing edits or deletes a message.
//!
//! A client has their own conversation with the team (`grant_id` NULL) and one more for each
//! supporter who may write to the team (that grant's). `Conversation` says which; the SQL
//! compares `COALESCE(grant_id, '')` with its key, which both engines read the same way.
use super::{instant_text, new_ordered_id, read_instant, Db, Result};
use crate::domain::{local_time_of, Message, Sender, MESSAGES_KEPT};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// Which of a client's conversations with their team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversation<'a> {
    /// The client's own.
    Own,
    /// A supporter's, through this grant.
    Supporter(&'a str),
}

impl<'a> Conversation<'a> {
    /// `""` for the client's own, else the grant's id.
    pub fn of(grant_id: &'a str) -> Self {
        match grant_id {
            "" => Conversation::Own,
            grant => Conversation::Supporter(grant),
        }
    }

    fn key(self) -> &'a str {
        match self {
            Conversation::Own => "",
            Conversation::Supporter(grant) => grant,
        }
    }

    fn grant(self) -> Option<&'a str> {
        match self {
            Conversation::Own => None,
            Conversation::Supporter(grant) => Some(grant),
        }
    }
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    sender: String,
    author: Option<String>,
    body: String,
    sent_at: String,
    read_at: Option<String>,
    handled_by: Option<String>,
    grant_id: Option<String>,
}

impl MessageRow {
    /// The message with its times on the program's wall clock.
    fn message(self, time_zone: &str) -> Result<Message> {
        let local = |at: &str| read_instant(at).map(|at| local_time_of(time_zone, at));
        Ok(Message {
            id: super::read_id(&self.id)?,
            sender: Sender::from_code(&self.sender)?,
            author: self.author,
            text: self.body,
            sent_at: local(&self.sent_at)?,
            read_at: self.read_at.as_deref().map(local).transpose()?,
            handled_by: self.handled_by,
            grant_id: self.grant_id,
        })
    }
}

/// Records a message in one of a client's conversations with their team, once per writer
/// and key: its id when recorded now, `None` when that key was recorded before.
pub async fn record_message(
    conn: &mut AnyConnection,
    (client_id, conversation): (&str, Conversation<'_>),
    (sender, written_by): (Sender, &str),
    text: &str,
    idempotency_key: &str,
    at: DateTime<Utc>,
) -> Result<Option<String>> {
    let id = new_ordered_id();
    let done = sqlx::query(
        "INSERT INTO messages (id, client_id, grant_id, sender, written_by, body,
                               idempotency_key, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (written_by, idempotency_key) DO NOTHING",
    )
    .bind(&id)
    .bind(client_id)
    .bind(conversation.grant())
    .bind(sender.code())
    .bind(written_by)
    .bind(text)
    .bind(idempotency_key)
    .bind(instant_text(at))
    .execute(conn)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

/// The latest messages of one conversation, newest first, as the client or the supporter
/// in it sees them: the team's writers named; who handled what, and whose it is, left out.
pub async fn messages_of_conversation(
    db: &Db,
    (client_id, conversation): (&str, Conversation<'_>),
    time_zone: &str,
) -> Result<Vec<Message>> {
    let rows: Vec<MessageRow> = sqlx::query_as(
        "SELECT m.id, m.sender,
                CASE WHEN m.sender = 'team' THEN p.display_name END AS author,
                m.body, m.sent_at, m.read_at, NULL AS handled_by, NULL AS grant_id
         FROM messages m JOIN people p ON p.id = m.written_by
         WHERE m.client_id = $1 AND COALESCE(m.grant_id, '') = $2
         ORDER BY m.sent_at DESC, m.id DESC LIMIT $3",
    )
    .bind(client_id)
    .bind(conversation.key())
    .bind(MESSAGES_KEPT)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(|row| row.message(time_zone)).collect()
}

/// Every conversation of a client on this case manager's care team, oldest first, with
/// each writer named, who handled each message to the team, and the grant of a supporter's;
/// nothing for anyone else's client.
pub async fn messages_for_case_manager(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
    time_zone: &str,
) -> Result<Vec<Message>> {
    let rows: Vec<MessageRow> = sqlx::query_as(
        "SELECT m.id, m.sender,
                CASE WHEN m.sender = 'client' THEN NULL ELSE p.display_name END AS author,
                m.body, m.sent_at, m.read_at, h.display_name AS handled_by, m.grant_id
         FROM messages m
         JOIN care_team t ON t.client_id = m.client_id AND t.case_manager_id = $1
         JOIN people p ON p.id = m.written_by
         LEFT JOIN people h ON h.id = m.handled_by
         WHERE m.client_id = $2
         ORDER BY m.sent_at, m.id",
    )
    .bind(case_manager_id)
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(|row| row.message(time_zone)).collect()
}

/// Marks as read, at `now`, what the `reader`'s side has not read yet: the team reads
/// everything written to it, in every conversation of the client; the client or a supporter
/// what the team wrote in theirs. How many were new.
pub async fn mark_messages_read(
    conn: &mut AnyConnection,
    (client_id, conversation): (&str, Conversation<'_>),
    reader: Sender,
    now: DateTime<Utc>,
) -> Result<u64> {
    let unread = if reader == Sender::Team {
        "m.sender <> 'team'"
    } else {
        "m.sender = 'team' AND COALESCE(m.grant_id, '') = $3"
    };
    let sql = format!(
        "UPDATE messages SET read_at = $1
         WHERE id IN (SELECT m.id FROM messages m
                      WHERE m.client_id = $2 AND m.read_at IS NULL AND {unread})"
    );
    let mut query = sqlx::query(&sql).bind(instant_text(now)).bind(client_id);
    if reader != Sender::Team {
        query = query.bind(conversation.key());
    }
    Ok(query.execute(conn).await?.rows_affected())
}

/// Marks every message to the team in one conversation not yet handled as handled by
/// `by`. How many there were.
pub async fn mark_messages_handled(
    conn: &mut AnyConnection,
    (client_id, conversation): (&str, Conversation<'_>),
    by: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE messages SET handled_at = $1, handled_by = $2
         WHERE client_id = $3 AND COALESCE(grant_id, '') = $4 AND sender <> 'team'
           AND handled_at IS NULL",
    )
    .bind(instant_text(now))
    .bind(by)
    .bind(client_id)
    .bind(conversation.key())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
