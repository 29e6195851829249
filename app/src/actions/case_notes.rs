//! Case notes as a case manager writes them: only ever added, by someone on the client's
//! care team, each with its audit entry.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db};
use crate::domain::{CaseNoteForm, SaveAnswer};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::Utc;

/// Adds a note of a contact with the client (or a try).
pub async fn add(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: CaseNoteForm,
) -> Result<SaveAnswer, AppError> {
    let action = "case_note.add";
    traced(action, asking, async {
        let (writer, home) = case_manager_of(db, asking, client_id).await?;
        let note = match form.check(local_now(&home).date()) {
            Ok(note) => note,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let id = db::insert_case_note(
            &mut change,
            &home.client_id,
            &note,
            &writer.person_id,
            Utc::now(),
        )
        .await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id)), entry).await
    })
    .await
}
