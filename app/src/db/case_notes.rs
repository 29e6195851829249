//! Case notes: added, and read by the client's care team. Nothing here updates or deletes.
use super::{date_text, instant_text, new_id, read_date, read_id, read_instant, Db, Result};
use crate::domain::{CaseNote, CaseNoteFields, ContactKind};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct CaseNoteRow {
    id: String,
    kind: String,
    contact_on: String,
    body: String,
    written_by: String,
    written_at: String,
}

impl TryFrom<CaseNoteRow> for CaseNote {
    type Error = super::DbError;

    fn try_from(row: CaseNoteRow) -> Result<Self> {
        Ok(CaseNote {
            id: read_id(&row.id)?,
            kind: ContactKind::from_code(&row.kind)?,
            contact_on: read_date(&row.contact_on)?,
            text: row.body,
            written_by: row.written_by,
            written_at: read_instant(&row.written_at)?,
        })
    }
}

/// The notes on a client of this case manager's care team, latest contact first; none for
/// anyone else's client.
pub async fn case_notes_for_case_manager(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
) -> Result<Vec<CaseNote>> {
    let rows: Vec<CaseNoteRow> = sqlx::query_as(
        "SELECT n.id, n.kind, n.contact_on, n.body, p.display_name AS written_by, n.written_at
         FROM case_notes n
         JOIN care_team t ON t.client_id = n.client_id AND t.case_manager_id = $1
         JOIN people p ON p.id = n.written_by
         WHERE n.client_id = $2
         ORDER BY n.contact_on DESC, n.written_at DESC, n.id DESC",
    )
    .bind(case_manager_id)
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(CaseNote::try_from).collect()
}

/// Adds a note; the caller has checked that the writer is on the client's care team.
pub async fn insert_case_note(
    conn: &mut AnyConnection,
    client_id: &str,
    note: &CaseNoteFields,
    written_by: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO case_notes (id, client_id, kind, contact_on, body, written_by, written_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(note.kind.code())
    .bind(date_text(note.contact_on))
    .bind(&note.text)
    .bind(written_by)
    .bind(instant_text(now))
    .execute(conn)
    .await?;
    Ok(id)
}
