//! A client's private calendar address: at most one open per client (a partial unique
//! index), found by the hash of its token, never by the token itself.
use super::{appointments_between, instant_text, new_id, Db, Result};
use crate::domain::instant_of;
use crate::domain::{Appointment, AppointmentStatus, CalendarEntry};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sqlx::AnyConnection;

/// Opens a new calendar address for the client, ending the one they had.
pub async fn open_calendar_feed(
    conn: &mut AnyConnection,
    client_id: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    end_calendar_feed(conn, client_id, now).await?;
    sqlx::query(
        "INSERT INTO calendar_feeds (id, client_id, token_hash, created_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(new_id())
    .bind(client_id)
    .bind(token_hash)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends the client's calendar address; whether there was one.
pub async fn end_calendar_feed(
    conn: &mut AnyConnection,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let ended = sqlx::query(
        "UPDATE calendar_feeds SET ended_at = $2 WHERE client_id = $1 AND ended_at IS NULL",
    )
    .bind(client_id)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    Ok(ended.rows_affected() > 0)
}

/// When the client's open calendar address was made, if they have one.
pub async fn calendar_feed_of_client(db: &Db, client_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT created_at FROM calendar_feeds WHERE client_id = $1 AND ended_at IS NULL",
    )
    .bind(client_id)
    .fetch_optional(db.pool())
    .await?)
}

/// The client whose open calendar address has a token hashing to `token_hash`.
pub async fn client_of_calendar_token(db: &Db, token_hash: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT client_id FROM calendar_feeds WHERE token_hash = $1 AND ended_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?)
}

/// The client's appointments from `from` to `to` (the program's clock, `time_zone`) as a
/// calendar has them.
pub async fn calendar_entries(
    db: &Db,
    client_id: &str,
    time_zone: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<CalendarEntry>> {
    let appointments = appointments_between(db, client_id, from, to).await?;
    Ok(appointments
        .into_iter()
        .map(|appointment| calendar_entry(appointment, time_zone))
        .collect())
}

/// An appointment as a calendar has it: its wall-clock time as an instant.
pub fn calendar_entry(appointment: Appointment, time_zone: &str) -> CalendarEntry {
    let starts = instant_of(time_zone, appointment.starts_at);
    CalendarEntry {
        id: appointment.id.as_str().to_owned(),
        starts,
        ends: starts + Duration::minutes(appointment.duration_minutes),
        place: appointment.place,
        what_to_bring: appointment.what_to_bring,
        cancelled: appointment.status == AppointmentStatus::Cancelled,
        version: appointment.version,
    }
}
