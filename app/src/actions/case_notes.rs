//! Case notes as a case manager writes them: only ever added, by someone on the client's
//! care team, each with its audit entry.
use super::add_to_record;
use crate::db::{self, Db};
use crate::domain::{CaseNoteForm, SaveAnswer};
use crate::error::AppError;
use crate::session::Asking;
use chrono::Utc;

/// Adds a note of a contact with the client (or a try).
pub async fn add(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: CaseNoteForm,
) -> Result<SaveAnswer, AppError> {
    let check = |today| form.check(today);
    add_to_record(
        db,
        asking,
        client_id,
        "case_note.add",
        check,
        async |change, client, fields, by| {
            Ok(Some(
                db::insert_case_note(change, client, fields, by, Utc::now()).await?,
            ))
        },
    )
    .await
}
