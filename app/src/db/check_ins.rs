use super::{instant_text, new_id, read_instant, read_local_time, Db, Result};
use crate::domain::{day_label, time_label, AppointmentKind, CheckInKind};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// What the client did. Check-ins are only ever added, never changed or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckIn<'a> {
    StepDone {
        step_id: &'a str,
    },
    AppointmentConfirmed {
        appointment_id: &'a str,
    },
    CantCome {
        appointment_id: &'a str,
        note: Option<&'a str>,
    },
    Note {
        note: &'a str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInOutcome {
    Recorded,
    /// The device sent this one before; nothing changed.
    AlreadyRecorded,
    /// The step or appointment is not the client's (or does not exist).
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCheckIn {
    pub kind: String,
    pub step_id: Option<String>,
    pub appointment_id: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
}

/// Records a check-in exactly once per idempotency key, and only about the client's own
/// steps and appointments.
/// A confirmation of an appointment made in the past: the demo's year of history.
pub struct PastConfirmation<'a> {
    pub appointment_id: &'a str,
    pub idempotency_key: String,
    pub at: DateTime<Utc>,
}

/// Check-in rows one statement inserts: eight values each.
const CHECK_INS_PER_INSERT: usize = 100;

/// Writes past confirmations as they were made, many a statement
/// (`waypoint seed-demo --history`).
pub async fn insert_past_confirmations(
    conn: &mut AnyConnection,
    client_id: &str,
    confirmations: &[PastConfirmation<'_>],
) -> Result<()> {
    for rows in confirmations.chunks(CHECK_INS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO check_ins (id, client_id, kind, appointment_id, idempotency_key,
                                    created_at, made_at, step_id)
             VALUES {}",
            super::placeholder_rows(rows.len(), 8)
        );
        let mut insert = sqlx::query(&sql);
        for confirmation in rows {
            let at = instant_text(confirmation.at);
            insert = insert
                .bind(new_id())
                .bind(client_id)
                .bind("appointment_confirmed")
                .bind(confirmation.appointment_id)
                .bind(confirmation.idempotency_key.as_str())
                .bind(at.clone())
                .bind(at)
                .bind(None::<&str>);
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn record_check_in(
    conn: &mut AnyConnection,
    client_id: &str,
    check_in: &CheckIn<'_>,
    idempotency_key: &str,
    made_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome> {
    let (kind, step_id, appointment_id, note) = match *check_in {
        CheckIn::StepDone { step_id } => ("step_done", Some(step_id), None, None),
        CheckIn::AppointmentConfirmed { appointment_id } => {
            ("appointment_confirmed", None, Some(appointment_id), None)
        }
        CheckIn::CantCome {
            appointment_id,
            note,
        } => ("appointment_cant_come", None, Some(appointment_id), note),
        CheckIn::Note { note } => ("note", None, None, Some(note)),
    };
    let owned: i64 = sqlx::query_scalar(
        "SELECT
           (CASE WHEN $2 IS NULL OR EXISTS (
               SELECT 1 FROM steps s JOIN goals g ON g.id = s.goal_id
               JOIN support_plans sp ON sp.id = g.plan_id
               WHERE s.id = $2 AND sp.client_id = $1) THEN 1 ELSE 0 END)
         * (CASE WHEN $3 IS NULL OR EXISTS (
               SELECT 1 FROM appointments a WHERE a.id = $3 AND a.client_id = $1)
            THEN 1 ELSE 0 END)",
    )
    .bind(client_id)
    .bind(step_id)
    .bind(appointment_id)
    .fetch_one(&mut *conn)
    .await?;
    if owned == 0 {
        return Ok(CheckInOutcome::NotFound);
    }
    let done = sqlx::query(
        "INSERT INTO check_ins (id, client_id, kind, step_id, appointment_id, note,
                                idempotency_key, created_at, made_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (client_id, idempotency_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(client_id)
    .bind(kind)
    .bind(step_id)
    .bind(appointment_id)
    .bind(note)
    .bind(idempotency_key)
    .bind(instant_text(now))
    .bind(made_at.map(instant_text))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(CheckInOutcome::AlreadyRecorded);
    }
    if let CheckIn::AppointmentConfirmed { appointment_id } = check_in {
        // Only a booked appointment becomes confirmed; a cancelled one stays cancelled, with
        // the confirmation kept beside it.
        sqlx::query(
            "UPDATE appointments SET status = 'confirmed', version = version + 1
             WHERE id = $1 AND client_id = $2 AND status = 'scheduled'",
        )
        .bind(*appointment_id)
        .bind(client_id)
        .execute(conn)
        .await?;
    }
    Ok(CheckInOutcome::Recorded)
}

/// The client's check-ins, oldest first.
pub async fn check_ins_of_client(db: &Db, client_id: &str) -> Result<Vec<StoredCheckIn>> {
    Ok(sqlx::query_as(
        "SELECT kind, step_id, appointment_id, note, created_at FROM check_ins
         WHERE client_id = $1 ORDER BY created_at, id",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?)
}

#[derive(sqlx::FromRow)]
struct CheckInRow {
    kind: String,
    step: Option<String>,
    appointment_kind: Option<String>,
    appointment_at: Option<String>,
    note: Option<String>,
    created_at: String,
    seen_at: Option<String>,
}

/// The client's check-ins as a case manager reads them, newest first, each marked new if it
/// came after that case manager last marked them seen.
pub async fn check_ins_for_case_manager(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
    today: chrono::NaiveDate,
    limit: i64,
) -> Result<Vec<crate::domain::CheckIn>> {
    let rows: Vec<CheckInRow> = sqlx::query_as(
        "SELECT c.kind, s.description AS step, a.kind AS appointment_kind,
                a.starts_at AS appointment_at, c.note, c.created_at,
                t.check_ins_seen_at AS seen_at
         FROM check_ins c
         JOIN care_team t ON t.client_id = c.client_id AND t.case_manager_id = $1
         LEFT JOIN steps s ON s.id = c.step_id
         LEFT JOIN appointments a ON a.id = c.appointment_id
         WHERE c.client_id = $2
         ORDER BY c.created_at DESC, c.id DESC
         LIMIT $3",
    )
    .bind(case_manager_id)
    .bind(client_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            let about = match (row.step, row.appointment_kind, row.appointment_at) {
                (Some(step), _, _) => Some(step),
                (None, Some(kind), Some(at)) => {
                    let at = read_local_time(&at)?;
                    Some(format!(
                        "{}, {} at {}",
                        AppointmentKind::from_code(&kind)?.label(),
                        day_label(at.date(), today),
                        time_label(at.time())
                    ))
                }
                _ => None,
            };
            Ok(crate::domain::CheckIn {
                kind: CheckInKind::from_code(&row.kind)?,
                about,
                note: row.note,
                new: row.seen_at.is_none_or(|seen| row.created_at > seen),
                at: read_instant(&row.created_at)?,
            })
        })
        .collect()
}

/// Marks the client's check-ins up to now as read by this case manager.
pub async fn mark_check_ins_seen(
    conn: &mut AnyConnection,
    case_manager_id: &str,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE care_team SET check_ins_seen_at = $1 WHERE case_manager_id = $2 AND client_id = $3",
    )
    .bind(instant_text(now))
    .bind(case_manager_id)
    .bind(client_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The client's answers about one appointment, latest first.
pub async fn appointment_answers(
    db: &Db,
    client_id: &str,
    appointment_id: &str,
) -> Result<Vec<(CheckInKind, DateTime<Utc>)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, created_at FROM check_ins
         WHERE client_id = $1 AND appointment_id = $2
         ORDER BY created_at DESC, id DESC",
    )
    .bind(client_id)
    .bind(appointment_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|(kind, at)| Ok((CheckInKind::from_code(kind)?, read_instant(at)?)))
        .collect()
}

/// The client's latest answer about each appointment starting from `from` up to (not
/// including) `to`, by appointment id: one query however many appointments.
pub async fn latest_appointment_answers(
    db: &Db,
    client_id: &str,
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> Result<std::collections::BTreeMap<String, (CheckInKind, DateTime<Utc>)>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.appointment_id, c.kind, c.created_at FROM check_ins c
         JOIN appointments a ON a.id = c.appointment_id AND a.client_id = c.client_id
         WHERE c.client_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3
           AND c.kind <> 'step_done'
         ORDER BY c.created_at, c.id",
    )
    .bind(client_id)
    .bind(super::local_time_text(from))
    .bind(super::local_time_text(to))
    .fetch_all(db.pool())
    .await?;
    let mut latest = std::collections::BTreeMap::new();
    for (appointment_id, kind, at) in rows {
        latest.insert(
            appointment_id,
            (CheckInKind::from_code(&kind)?, read_instant(&at)?),
        );
    }
    Ok(latest)
}
