//! A client's stage of care as their case manager records it: changes are only ever added,
//! each checked against the latest.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db};
use crate::domain::{SaveAnswer, StageForm};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::Utc;

/// Records a change of stage from a date, with an optional note.
pub async fn record(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: StageForm,
) -> Result<SaveAnswer, AppError> {
    let action = "stage.record";
    traced(action, asking, async {
        let (recorder, home) = case_manager_of(db, asking, client_id).await?;
        let mut change = db.change().await?;
        // Read inside the change, so two case managers recording at once are each checked
        // against what the other recorded.
        let history = db::stage_history_in(&mut change, &home.client_id).await?;
        let checked = match form.check(history.last(), local_now(&home).date()) {
            Ok(checked) => checked,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let id = db::insert_stage_change(
            &mut change,
            &home.client_id,
            &checked,
            &recorder.person_id,
            Utc::now(),
        )
        .await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id)), entry).await
    })
    .await
}
