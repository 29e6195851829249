//! Everything a person does that changes something, one function each, by area. Every
//! action reads the same way: who may do this (from the [`Asking`] of the request), then one
//! [`db::Change`] that holds the change and is kept only together with its audit entry, so
//! both are written or neither is. Form posts, server functions and the sync route call
//! these and never open a transaction or write an audit entry themselves.
//!
//! Each action runs in a tracing span named `action` with its name, the role and id of who
//! asked (never a name or anything they typed) and its outcome ([`traced`]).
pub mod account;
pub mod admin;
pub mod appointments;
pub mod assessments;
pub mod calendar;
pub mod care_teams;
pub mod case_notes;
pub mod check_ins;
pub mod directory;
pub mod enrollment;
pub mod episodes;
pub mod grants;
pub mod intake;
pub mod library;
pub mod messages;
pub mod notifications;
pub mod passkeys;
pub mod plan;
pub mod referrals;
pub mod resources;
pub mod reviews;
pub mod safety_plans;
pub mod sessions;
pub mod stages;
pub mod suggestions;
pub mod sync;
mod turns;

use crate::db::{self, AuditEvent, Saved};
use crate::domain::{FieldProblems, SaveAnswer};
use crate::error::AppError;
use crate::notice::Problem;
use crate::session::{case_manager_of, Asking};
use chrono::{NaiveDate, Utc};
use std::future::Future;
use tracing::Instrument;

/// Who adds someone to the program: staff, or the command line.
#[derive(Debug, Clone, Copy)]
pub enum AddedBy<'a> {
    /// The person signed in, to their own organisation.
    SignedIn(&'a Asking),
    /// `waypoint user create` or `client create`: nobody signed in, to the organisation
    /// named.
    CommandLine { organisation_id: &'a str },
}

impl AddedBy<'_> {
    /// The audit entry of `action` done by them: from the command line, with no actor.
    fn entry(self, action: &'static str) -> AuditEvent {
        match self {
            AddedBy::SignedIn(asking) => crate::audit::allowed(asking, action),
            AddedBy::CommandLine { organisation_id } => AuditEvent {
                actor_id: None,
                actor_role: None,
                action,
                client_id: None,
                target: None,
                address: None,
                outcome: db::Outcome::Allowed,
                organisation_id: Some(organisation_id.to_owned()),
            },
        }
    }
}

/// How an action ended, in one word for its span.
pub trait Outcome {
    fn outcome(&self) -> &'static str;
}

impl Outcome for () {
    fn outcome(&self) -> &'static str {
        "done"
    }
}

/// `false`: there was nothing of theirs to change.
/// A secret made for the person (a code, a calendar address's token): never logged.
impl Outcome for String {
    fn outcome(&self) -> &'static str {
        "done"
    }
}

impl Outcome for bool {
    fn outcome(&self) -> &'static str {
        if *self {
            "done"
        } else {
            "not_found"
        }
    }
}

impl<T> Outcome for Option<T> {
    fn outcome(&self) -> &'static str {
        match self {
            Some(_) => "done",
            None => "not_found",
        }
    }
}

/// Refused for a reason the person can fix, said by a problem code.
impl<T> Outcome for Result<T, Problem> {
    fn outcome(&self) -> &'static str {
        match self {
            Ok(_) => "done",
            Err(problem) => problem.code(),
        }
    }
}

impl Outcome for SaveAnswer {
    fn outcome(&self) -> &'static str {
        match self {
            SaveAnswer::Saved => "saved",
            SaveAnswer::Invalid(_) => "invalid",
            SaveAnswer::Conflict { .. } => "conflict",
            SaveAnswer::Outdated => "outdated",
            SaveAnswer::NothingToSend => "nothing_to_send",
        }
    }
}

impl Outcome for AppError {
    fn outcome(&self) -> &'static str {
        self.kind()
    }
}

/// Runs an action inside its span, and says how it ended.
pub(crate) async fn traced<T: Outcome, E: Outcome>(
    action: &'static str,
    asking: &Asking,
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let person = asking.holder();
    let span = tracing::info_span!(
        "action",
        action,
        actor_role = person.map(|p| p.role.code()),
        actor_id = person.map(|p| p.person_id.as_str()),
        outcome = tracing::field::Empty,
    );
    let result = work.instrument(span.clone()).await;
    let outcome = match &result {
        Ok(value) => value.outcome(),
        Err(error) => error.outcome(),
    };
    span.record("outcome", outcome);
    span.in_scope(|| tracing::info!(outcome, "action finished"));
    result
}

/// Ends a staff member's save: kept with its audit entry (on the record saved) when it was
/// saved; otherwise nothing of it is written.
async fn kept_if_saved(
    change: db::Change,
    (answer, target): (SaveAnswer, Option<String>),
    entry: AuditEvent,
) -> Result<SaveAnswer, AppError> {
    if answer == SaveAnswer::Saved {
        let entry = match target {
            Some(target) => entry.on(&target),
            None => entry,
        };
        change.keep(&[entry], Utc::now()).await?;
    }
    Ok(answer)
}

/// Adds one entry to a client's record that is only ever added (a case note, a review, an
/// assessment, what a service was told): by someone on the client's care team, the form
/// checked on the program's date, then one insert (given the client's id, the checked
/// fields and the writer's id) kept with its audit entry. An insert that finds nothing to
/// add to (`None`) answers "not found".
async fn add_to_record<F>(
    db: &db::Db,
    asking: &Asking,
    client_id: &str,
    action: &'static str,
    check: impl FnOnce(NaiveDate) -> Result<F, FieldProblems>,
    insert: impl AsyncFnOnce(&mut db::Change, &str, &F, &str) -> db::Result<Option<String>>,
) -> Result<SaveAnswer, AppError> {
    traced(action, asking, async {
        let (writer, home) = case_manager_of(db, asking, client_id).await?;
        let fields = match check(crate::clock::local_now(&home).date()) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let id = insert(&mut change, &home.client_id, &fields, &writer.person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let entry = crate::audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id)), entry).await
    })
    .await
}

/// A save's answer from the database's: saved (with the id for the audit entry), refused
/// with both versions (`theirs` turns the stored record into rows and its version), or not
/// found.
fn answer_of<T>(
    saved: Saved<T>,
    yours: Vec<(String, String)>,
    theirs: impl FnOnce(&T) -> Option<(Vec<(String, String)>, i64)>,
) -> Result<(SaveAnswer, Option<String>), AppError> {
    match saved {
        Saved::Saved { id, .. } => Ok((SaveAnswer::Saved, Some(id))),
        Saved::Conflict(stored) => {
            let (theirs, version) = theirs(&stored).ok_or(AppError::NotFound)?;
            Ok((
                SaveAnswer::Conflict {
                    theirs,
                    yours,
                    version,
                },
                None,
            ))
        }
        Saved::NotFound => Err(AppError::NotFound),
    }
}

/// A date as the rows of a conflict show it.
fn date_or_none(date: Option<chrono::NaiveDate>) -> String {
    date.map_or_else(|| "None".to_owned(), |d| d.to_string())
}
