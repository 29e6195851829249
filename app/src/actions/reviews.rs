//! Plan reviews as a case manager records them: only ever added, each with its audit entry.
//! The latest review's next date becomes the plan's next review, for the client too.
use super::add_to_record;
use crate::db::{self, Db};
use crate::domain::{ReviewForm, SaveAnswer};
use crate::error::AppError;
use crate::session::Asking;
use chrono::Utc;

/// Records a review of the client's plan, with the date of the next one.
pub async fn record(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: ReviewForm,
) -> Result<SaveAnswer, AppError> {
    let check = |today| form.check(today);
    add_to_record(
        db,
        asking,
        client_id,
        "plan.review",
        check,
        async |change, client, fields, by| {
            Ok(Some(
                db::insert_review(change, client, fields, by, Utc::now()).await?,
            ))
        },
    )
    .await
}
