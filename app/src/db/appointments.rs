use super::{date_text, local_time_text, new_id, read_id, read_local_time, Db, Result};
use super::{saved_or_stored, Saved};
use crate::domain::{
    Appointment, AppointmentFields, AppointmentKind, AppointmentStatus, RecordId, WeeklyRepeat,
};
use chrono::NaiveDateTime;
use sqlx::AnyConnection;

const COLUMNS: &str = "id, kind, starts_at, duration_minutes, place, with_whom, what_to_bring, \
                       status, series_id, version";

#[derive(sqlx::FromRow)]
struct AppointmentRow {
    id: String,
    kind: String,
    starts_at: String,
    duration_minutes: i64,
    place: String,
    with_whom: Option<String>,
    what_to_bring: Option<String>,
    status: String,
    series_id: Option<String>,
    version: i64,
}

impl TryFrom<AppointmentRow> for Appointment {
    type Error = super::DbError;

    fn try_from(row: AppointmentRow) -> Result<Self> {
        Ok(Appointment {
            id: read_id(&row.id)?,
            kind: AppointmentKind::from_code(&row.kind)?,
            starts_at: read_local_time(&row.starts_at)?,
            duration_minutes: row.duration_minutes,
            place: row.place,
            with_whom: row.with_whom,
            what_to_bring: row.what_to_bring,
            status: AppointmentStatus::from_code(&row.status)?,
            repeats_weekly: row.series_id.is_some(),
            version: row.version,
        })
    }
}

/// The client's appointments starting from `from` up to (not including) `to`, soonest first.
pub async fn appointments_between(
    db: &Db,
    client_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<Appointment>> {
    let rows: Vec<AppointmentRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM appointments
         WHERE client_id = $1 AND starts_at >= $2 AND starts_at < $3
         ORDER BY starts_at, id"
    ))
    .bind(client_id)
    .bind(local_time_text(from))
    .bind(local_time_text(to))
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(Appointment::try_from).collect()
}

/// One of the client's appointments; `None` when there is no such appointment for them.
pub async fn appointment_of_client(
    db: &Db,
    client_id: &str,
    appointment_id: &RecordId,
) -> Result<Option<Appointment>> {
    let mut conn = db.pool().acquire().await?;
    appointment_in(&mut conn, client_id, appointment_id).await
}

/// As [`appointment_of_client`], inside a transaction under way.
pub async fn appointment_in(
    conn: &mut AnyConnection,
    client_id: &str,
    appointment_id: &RecordId,
) -> Result<Option<Appointment>> {
    let row: Option<AppointmentRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM appointments WHERE client_id = $1 AND id = $2"
    ))
    .bind(client_id)
    .bind(appointment_id.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(Appointment::try_from).transpose()
}

pub struct NewAppointment<'a> {
    pub kind: AppointmentKind,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i64,
    pub place: &'a str,
    pub with_whom: Option<&'a str>,
    pub what_to_bring: Option<&'a str>,
    pub status: AppointmentStatus,
}

async fn insert_one(
    conn: &mut AnyConnection,
    client_id: &str,
    series_id: Option<&str>,
    appointment: &NewAppointment<'_>,
    starts_at: NaiveDateTime,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO appointments (id, client_id, series_id, kind, starts_at, duration_minutes,
                                   place, with_whom, what_to_bring, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(series_id)
    .bind(appointment.kind.code())
    .bind(local_time_text(starts_at))
    .bind(appointment.duration_minutes)
    .bind(appointment.place)
    .bind(appointment.with_whom)
    .bind(appointment.what_to_bring)
    .bind(appointment.status.code())
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn insert_appointment(
    conn: &mut AnyConnection,
    client_id: &str,
    appointment: &NewAppointment<'_>,
) -> Result<String> {
    insert_one(conn, client_id, None, appointment, appointment.starts_at).await
}

/// Appointment rows one statement inserts: ten values each.
const APPOINTMENTS_PER_INSERT: usize = 80;

/// Appointments of the past, many a statement: the demo's year of history
/// (`waypoint seed-demo --history`). Their ids, in the order given.
pub async fn insert_past_appointments(
    conn: &mut AnyConnection,
    client_id: &str,
    appointments: &[NewAppointment<'_>],
) -> Result<Vec<String>> {
    let ids: Vec<String> = appointments.iter().map(|_| new_id()).collect();
    let rows: Vec<_> = ids.iter().zip(appointments).collect();
    for rows in rows.chunks(APPOINTMENTS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO appointments (id, client_id, series_id, kind, starts_at,
                                       duration_minutes, place, with_whom, what_to_bring, status)
             VALUES {}",
            super::placeholder_rows(rows.len(), 10)
        );
        let mut insert = sqlx::query(&sql);
        for (id, appointment) in rows {
            insert = insert
                .bind(id.as_str())
                .bind(client_id)
                .bind(None::<&str>)
                .bind(appointment.kind.code())
                .bind(local_time_text(appointment.starts_at))
                .bind(appointment.duration_minutes)
                .bind(appointment.place)
                .bind(appointment.with_whom)
                .bind(appointment.what_to_bring)
                .bind(appointment.status.code());
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(ids)
}

/// Creates a weekly series: one appointment per week, each with the same details. The
/// `starts_at` of `appointment` is ignored in favour of the repeat's dates. Returns the
/// ids of the appointments made, in date order.
pub async fn insert_weekly_series(
    conn: &mut AnyConnection,
    client_id: &str,
    repeat: &WeeklyRepeat,
    appointment: &NewAppointment<'_>,
) -> Result<Vec<String>> {
    let series_id = new_id();
    sqlx::query(
        "INSERT INTO appointment_series (id, client_id, first_starts_at, repeat_until)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&series_id)
    .bind(client_id)
    .bind(local_time_text(repeat.first()))
    .bind(date_text(repeat.until()))
    .execute(&mut *conn)
    .await?;
    let mut ids = Vec::new();
    for starts_at in repeat.occurrences() {
        ids.push(insert_one(conn, client_id, Some(&series_id), appointment, starts_at).await?);
    }
    Ok(ids)
}

/// Sets one appointment's status (attended, missed, cancelled...).
pub async fn set_appointment_status(
    conn: &mut AnyConnection,
    client_id: &str,
    appointment_id: &str,
    status: AppointmentStatus,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE appointments SET status = $1, version = version + 1
         WHERE client_id = $2 AND id = $3",
    )
    .bind(status.code())
    .bind(client_id)
    .bind(appointment_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Books an appointment, or a weekly series of them, as the case manager filled it in.
/// Returns the ids made.
pub async fn book_appointment(
    conn: &mut AnyConnection,
    client_id: &str,
    fields: &AppointmentFields,
) -> Result<Vec<String>> {
    let appointment = NewAppointment {
        kind: fields.kind,
        starts_at: fields.starts_at,
        duration_minutes: fields.duration_minutes,
        place: fields.place.as_str(),
        with_whom: fields.with_whom.as_ref().map(|t| t.as_str()),
        what_to_bring: fields.what_to_bring.as_ref().map(|t| t.as_str()),
        status: AppointmentStatus::Scheduled,
    };
    match &fields.repeat {
        Some(repeat) => insert_weekly_series(conn, client_id, repeat, &appointment).await,
        None => Ok(vec![
            insert_appointment(conn, client_id, &appointment).await?,
        ]),
    }
}

/// Changes one appointment (moves it, or its details) if it is still at `expected_version`.
/// A weekly repeat is not changed from here: each appointment of a series moves on its own.
pub async fn save_appointment(
    conn: &mut AnyConnection,
    client_id: &str,
    appointment_id: &RecordId,
    expected_version: i64,
    fields: &AppointmentFields,
) -> Result<Saved<Appointment>> {
    let update = sqlx::query(
        "UPDATE appointments SET kind = $1, starts_at = $2, duration_minutes = $3, place = $4,
                                 with_whom = $5, what_to_bring = $6, version = version + 1
         WHERE client_id = $7 AND id = $8 AND version = $9",
    )
    .bind(fields.kind.code())
    .bind(local_time_text(fields.starts_at))
    .bind(fields.duration_minutes)
    .bind(fields.place.as_str())
    .bind(fields.with_whom.as_ref().map(|t| t.as_str()))
    .bind(fields.what_to_bring.as_ref().map(|t| t.as_str()));
    save_versioned(conn, update, client_id, appointment_id, expected_version).await
}

/// Runs an appointment's versioned `UPDATE`, whose last three parameters are the client, the
/// appointment and the version the save was based on; the appointment as it now stands
/// when someone saved first.
async fn save_versioned<'q>(
    conn: &mut AnyConnection,
    update: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    client_id: &'q str,
    appointment_id: &'q RecordId,
    expected_version: i64,
) -> Result<Saved<Appointment>> {
    let updated = update
        .bind(client_id)
        .bind(appointment_id.as_str())
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    let stored = appointment_in(conn, client_id, appointment_id);
    saved_or_stored(
        updated.rows_affected(),
        appointment_id,
        expected_version,
        stored,
    )
    .await
}

/// Cancels an appointment or marks it attended or missed, if still at `expected_version`.
pub async fn change_appointment_status(
    conn: &mut AnyConnection,
    client_id: &str,
    appointment_id: &RecordId,
    expected_version: i64,
    status: AppointmentStatus,
) -> Result<Saved<Appointment>> {
    let update = sqlx::query(
        "UPDATE appointments SET status = $1, version = version + 1
         WHERE client_id = $2 AND id = $3 AND version = $4",
    )
    .bind(status.code());
    save_versioned(conn, update, client_id, appointment_id, expected_version).await
}
