//! Assessments as a case manager records them: only ever added, each with its audit entry.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db};
use crate::domain::{AssessmentForm, SaveAnswer};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::Utc;

/// Records an assessment of every life area.
pub async fn record(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: AssessmentForm,
) -> Result<SaveAnswer, AppError> {
    let action = "assessment.record";
    traced(action, asking, async {
        let (assessor, home) = case_manager_of(db, asking, client_id).await?;
        let assessment = match form.check(local_now(&home).date()) {
            Ok(assessment) => assessment,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let id = db::insert_assessment(
            &mut change,
            &home.client_id,
            &assessment,
            &assessor.person_id,
            Utc::now(),
        )
        .await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id)), entry).await
    })
    .await
}
