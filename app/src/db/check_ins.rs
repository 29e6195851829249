use super::{instant_text, new_id, Db, Result};
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
pub async fn record_check_in(
    conn: &mut AnyConnection,
    client_id: &str,
    check_in: &CheckIn<'_>,
    idempotency_key: &str,
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
                                idempotency_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
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
    .execute(conn)
    .await?;
    Ok(if done.rows_affected() == 1 {
        CheckInOutcome::Recorded
    } else {
        CheckInOutcome::AlreadyRecorded
    })
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
