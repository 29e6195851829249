//! Closing a case (with the reason, the day and the aftercare plan: the client's coming
//! appointments end and their supporters' access ends, with a notice) and reopening it (a
//! new episode, the history kept; the caseload asks for a new assessment).
use super::{kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db};
use crate::domain::{row, CloseForm, SaveAnswer};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::Utc;

/// Closes the client's open episode.
pub async fn close(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: CloseForm,
) -> Result<SaveAnswer, AppError> {
    let action = "episode.close";
    traced(action, asking, async {
        let (person, home) = case_manager_of(db, asking, client_id).await?;
        let now = local_now(&home);
        let closing = match form.check(now.date()) {
            Ok(closing) => closing,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let when = (person.person_id.as_str(), Utc::now(), now);
        if !db::close_episode(&mut change, &home.client_id, &closing, when).await? {
            return Ok(already("Closed", "Open"));
        }
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, None), entry).await
    })
    .await
}

/// Reopens the client's case as a new episode from today.
pub async fn reopen(db: &Db, asking: &Asking, client_id: &str) -> Result<SaveAnswer, AppError> {
    let action = "episode.reopen";
    traced(action, asking, async {
        let (person, home) = case_manager_of(db, asking, client_id).await?;
        let today = local_now(&home).date();
        let mut change = db.change().await?;
        let when = (today, Utc::now());
        if !db::reopen_episode(&mut change, &home.client_id, &person.person_id, when).await? {
            return Ok(already("Open", "Closed"));
        }
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, None), entry).await
    })
    .await
}

/// A colleague closed (or reopened) the case first.
fn already(theirs: &str, yours: &str) -> SaveAnswer {
    SaveAnswer::Conflict {
        theirs: vec![row("The case is now", theirs)],
        yours: vec![row("You found it", yours)],
        version: 0,
    }
}
