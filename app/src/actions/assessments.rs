//! Assessments as a case manager records them: only ever added, each with its audit entry.
use super::add_to_record;
use crate::db::{self, Db};
use crate::domain::{AssessmentForm, SaveAnswer};
use crate::error::AppError;
use crate::session::Asking;
use chrono::Utc;

/// Records an assessment of every life area.
pub async fn record(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: AssessmentForm,
) -> Result<SaveAnswer, AppError> {
    let check = |today| form.check(today);
    add_to_record(
        db,
        asking,
        client_id,
        "assessment.record",
        check,
        async |change, client, fields, by| {
            Ok(Some(
                db::insert_assessment(change, client, fields, by, Utc::now()).await?,
            ))
        },
    )
    .await
}
