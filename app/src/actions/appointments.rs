//! A client's appointments as their case managers keep them: booking one or a weekly
//! series, moving or changing one, and cancelling it or marking it attended or missed, each
//! under a version check. They reach the client at once.
use super::{answer_of, kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db};
use crate::domain::{
    row, Appointment, AppointmentForm, AppointmentStatus, Notice, RecordId, SaveAnswer,
};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::Utc;

fn appointment_rows(appointment: &Appointment) -> Vec<(String, String)> {
    vec![
        row("What", appointment.kind.label()),
        row("When", when(appointment.starts_at)),
        row("Where", appointment.place.as_str()),
        row("Status", appointment.status.label()),
    ]
}

fn when(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// Books an appointment, or a weekly series when `repeat_until` is filled in.
pub async fn book(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: AppointmentForm,
) -> Result<SaveAnswer, AppError> {
    let action = "appointment.book";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let fields = match form.check(local_now(&home)) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let ids = db::book_appointment(&mut change, &home.client_id, &fields).await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, ids.first().cloned()), entry).await
    })
    .await
}

/// Moves or changes one appointment, if it is still at `version`. One appointment of a
/// series moves on its own; a repeat is set only when booking.
pub async fn save(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    appointment_id: &str,
    version: i64,
    mut form: AppointmentForm,
) -> Result<SaveAnswer, AppError> {
    let action = "appointment.save";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let id = RecordId::parse(appointment_id).ok_or(AppError::NotFound)?;
        form.repeat_until.clear();
        let fields = match form.check(local_now(&home)) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let before = db::appointment_in(&mut change, &home.client_id, &id).await?;
        let saved =
            db::save_appointment(&mut change, &home.client_id, &id, version, &fields).await?;
        // Moved (its time or place) and still ahead: the client hears of it.
        if let (db::Saved::Saved { version, .. }, Some(before)) = (&saved, before) {
            let moved =
                before.starts_at != fields.starts_at || before.place != fields.place.as_str();
            if moved && fields.starts_at > local_now(&home) {
                let notice = Notice::appointment_changed(id.as_str(), *version, false);
                db::queue_notice(&mut change, &home.client_id, &notice, Utc::now()).await?;
            }
        }
        let yours = vec![
            row("What", fields.kind.label()),
            row("When", when(fields.starts_at)),
            row("Where", fields.place.as_str()),
        ];
        let answer = answer_of(saved, yours, |a| Some((appointment_rows(a), a.version)))?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, answer, entry).await
    })
    .await
}

/// Cancels an appointment, or marks it attended or missed, if it is still at `version`.
pub async fn set_status(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    appointment_id: &str,
    version: i64,
    status: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "appointment.status";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let id = RecordId::parse(appointment_id).ok_or(AppError::NotFound)?;
        let status = match AppointmentStatus::from_code(status) {
            Ok(
                status @ (AppointmentStatus::Cancelled
                | AppointmentStatus::Attended
                | AppointmentStatus::Missed),
            ) => status,
            _ => return Err(AppError::NotFound),
        };
        let mut change = db.change().await?;
        let saved =
            db::change_appointment_status(&mut change, &home.client_id, &id, version, status)
                .await?;
        if let db::Saved::Saved { version, .. } = &saved {
            let ahead = db::appointment_in(&mut change, &home.client_id, &id)
                .await?
                .is_some_and(|appointment| appointment.starts_at > local_now(&home));
            if status == AppointmentStatus::Cancelled && ahead {
                let notice = Notice::appointment_changed(id.as_str(), *version, true);
                db::queue_notice(&mut change, &home.client_id, &notice, Utc::now()).await?;
            }
        }
        let yours = vec![row("Status", status.label())];
        let answer = answer_of(saved, yours, |a| Some((appointment_rows(a), a.version)))?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, answer, entry).await
    })
    .await
}
