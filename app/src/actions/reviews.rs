//! Plan reviews as a case manager records them: only ever added, each with its audit entry.
//! The latest review's next date becomes the plan's next review, for the client too.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db};
use crate::domain::{ReviewForm, SaveAnswer};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::Utc;

/// Records a review of the client's plan, with the date of the next one.
pub async fn record(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: ReviewForm,
) -> Result<SaveAnswer, AppError> {
    let action = "plan.review";
    traced(action, asking, async {
        let (recorder, home) = case_manager_of(db, asking, client_id).await?;
        let review = match form.check(local_now(&home).date()) {
            Ok(review) => review,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let id = db::insert_review(
            &mut change,
            &home.client_id,
            &review,
            &recorder.person_id,
            Utc::now(),
        )
        .await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id)), entry).await
    })
    .await
}
