//! Episodes of care: opened at intake or a reopening, closed with a reason and an aftercare
//! plan. Closing ends the client's coming appointments and their supporters' access.
use super::{date_text, instant_text, local_time_text, new_id, read_date, Db, Result};
use crate::domain::{Aftercare, CloseFields, CloseReason, Closing, Episode};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::AnyConnection;

/// Why a supporter's access ended when the case was closed.
pub const ENDED_BY_CLOSING: &str = "case_closed";

#[derive(sqlx::FromRow)]
struct EpisodeRow {
    number: i64,
    opened_on: String,
    closed_on: Option<String>,
    close_reason: Option<String>,
    close_note: Option<String>,
    aftercare_supports: Option<String>,
    aftercare_contact: Option<String>,
    aftercare_return: Option<String>,
    closed_by: Option<String>,
}

impl TryFrom<EpisodeRow> for Episode {
    type Error = super::DbError;

    fn try_from(row: EpisodeRow) -> Result<Self> {
        let closing = match (row.closed_on, row.close_reason) {
            (Some(on), Some(reason)) => Some(Closing {
                reason: CloseReason::from_code(&reason)?,
                note: row.close_note,
                aftercare: Aftercare {
                    closed_on: read_date(&on)?,
                    supports: row.aftercare_supports.unwrap_or_default(),
                    contact: row.aftercare_contact.unwrap_or_default(),
                    come_back: row.aftercare_return.unwrap_or_default(),
                },
                closed_by: row.closed_by.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(Episode {
            number: row.number,
            opened_on: read_date(&row.opened_on)?,
            closing,
        })
    }
}

/// The client's episodes, first first.
pub async fn episodes_of_client(db: &Db, client_id: &str) -> Result<Vec<Episode>> {
    let rows: Vec<EpisodeRow> = sqlx::query_as(
        "SELECT e.number, e.opened_on, e.closed_on, e.close_reason, e.close_note,
                e.aftercare_supports, e.aftercare_contact, e.aftercare_return,
                p.display_name AS closed_by
         FROM episodes e LEFT JOIN people p ON p.id = e.closed_by
         WHERE e.client_id = $1 ORDER BY e.number",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(Episode::try_from).collect()
}

/// The aftercare plan of a client whose latest episode is closed.
pub async fn aftercare_of_client(db: &Db, client_id: &str) -> Result<Option<Aftercare>> {
    let latest = episodes_of_client(db, client_id).await?.pop();
    Ok(latest.and_then(|e| e.closing).map(|c| c.aftercare))
}

/// Adds the first episode of a new client, open from the day they start.
pub async fn open_first_episode(
    conn: &mut AnyConnection,
    client_id: &str,
    opened_on: NaiveDate,
    opened_by: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO episodes (id, client_id, number, opened_on, opened_by)
         VALUES ($1, $2, 1, $3, $4)",
    )
    .bind(new_id())
    .bind(client_id)
    .bind(date_text(opened_on))
    .bind(opened_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Closes the client's open episode; then their appointments from `now` on are cancelled
/// and every supporter's access ends, marked as ended by the closing. False when no
/// episode was open (closed already).
pub async fn close_episode(
    conn: &mut AnyConnection,
    client_id: &str,
    closing: &CloseFields,
    (by, now, local_now): (&str, DateTime<Utc>, NaiveDateTime),
) -> Result<bool> {
    let closed = sqlx::query(
        "UPDATE episodes SET closed_on = $1, close_reason = $2, close_note = $3,
                             aftercare_supports = $4, aftercare_contact = $5,
                             aftercare_return = $6, closed_by = $7, closed_at = $8
         WHERE client_id = $9 AND closed_on IS NULL",
    )
    .bind(date_text(closing.aftercare.closed_on))
    .bind(closing.reason.code())
    .bind(closing.note.as_deref())
    .bind(&closing.aftercare.supports)
    .bind(&closing.aftercare.contact)
    .bind(&closing.aftercare.come_back)
    .bind(by)
    .bind(instant_text(now))
    .bind(client_id)
    .execute(&mut *conn)
    .await?;
    if closed.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE appointments SET status = 'cancelled', version = version + 1
         WHERE client_id = $1 AND starts_at >= $2 AND status IN ('scheduled', 'confirmed')",
    )
    .bind(client_id)
    .bind(local_time_text(local_now))
    .execute(&mut *conn)
    .await?;
    let open: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM supporter_grants WHERE client_id = $1 AND revoked_at IS NULL",
    )
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    for grant in open {
        super::revoke_grant(conn, client_id, &grant, now).await?;
        sqlx::query("UPDATE supporter_grants SET ended_because = $1 WHERE id = $2")
            .bind(ENDED_BY_CLOSING)
            .bind(&grant)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// The clients whose closing ended this supporter's access since `since`.
pub async fn ended_by_closing(
    db: &Db,
    supporter_id: &str,
    since: DateTime<Utc>,
) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT g.id, c.preferred_name FROM supporter_grants g
         JOIN client_profiles c ON c.person_id = g.client_id
         WHERE g.supporter_id = $1 AND g.ended_because = $2 AND g.revoked_at >= $3
         ORDER BY g.revoked_at DESC",
    )
    .bind(supporter_id)
    .bind(ENDED_BY_CLOSING)
    .bind(instant_text(since))
    .fetch_all(db.pool())
    .await?)
}

/// Starts a new episode for a client whose latest one is closed. False when one is open
/// already (the partial unique index refuses a second).
pub async fn reopen_episode(
    conn: &mut AnyConnection,
    client_id: &str,
    by: &str,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO episodes (id, client_id, number, opened_on, opened_by, opened_at)
         SELECT $1, client_id, MAX(number) + 1, $2, $3, $4 FROM episodes
         WHERE client_id = $5 GROUP BY client_id",
    )
    .bind(new_id())
    .bind(date_text(today))
    .bind(by)
    .bind(instant_text(now))
    .bind(client_id)
    .execute(conn)
    .await;
    match inserted.map_err(super::DbError::from) {
        Ok(done) => Ok(done.rows_affected() == 1),
        Err(error) if error.is_unique_violation() => Ok(false),
        Err(error) => Err(error),
    }
}
