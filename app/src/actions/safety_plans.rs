//! The safety plan as the client and their case manager write it: each save a new version
//! with its audit entry. The client's own save is never refused for a version they had not
//! seen (their words are kept, the other version stays in the history); a case manager's is,
//! with both versions shown.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::db::{self, Db, SafetyPlanSaved};
use crate::domain::{row, Role, SafetyPlan, SafetyPlanForm, SafetyPlanParts, SaveAnswer};
use crate::error::AppError;
use crate::notice::{Notice, Problem};
use crate::session::{case_manager_of, own_record, Asking};
use chrono::Utc;

/// The client saves their plan from their phone, over `version` (the one they started from).
pub async fn save_own(
    db: &Db,
    asking: &Asking,
    form: SafetyPlanForm,
    version: i64,
) -> Result<Result<Notice, Problem>, AppError> {
    let action = "safety_plan.save";
    traced(action, asking, async {
        let client = asking.as_role(Role::Client)?;
        let home = own_record(db, client).await?;
        let Ok(parts) = form.check() else {
            return Ok(Err(Problem::SafetyPlanInvalid));
        };
        let mut change = db.change().await?;
        let saved = db::save_safety_plan(
            &mut change,
            &home.client_id,
            &parts,
            (version, true),
            &client.person_id,
            Utc::now(),
        )
        .await?;
        let SafetyPlanSaved::Saved { id, over_unseen } = saved else {
            return Err(AppError::Busy);
        };
        let entry = audit::allowed(asking, action)
            .about(&home.client_id)
            .on(&id);
        change.keep(&[entry], Utc::now()).await?;
        Ok(Ok(if over_unseen {
            Notice::SafetyPlanSavedBoth
        } else {
            Notice::SafetyPlanSaved
        }))
    })
    .await
}

/// A case manager saves the plan of a client on their care team, over `version`.
pub async fn save(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    version: i64,
    form: SafetyPlanForm,
) -> Result<SaveAnswer, AppError> {
    let action = "safety_plan.save";
    traced(action, asking, async {
        let (writer, home) = case_manager_of(db, asking, client_id).await?;
        let parts = match form.check() {
            Ok(parts) => parts,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let saved = db::save_safety_plan(
            &mut change,
            &home.client_id,
            &parts,
            (version, false),
            &writer.person_id,
            Utc::now(),
        )
        .await?;
        let answer = match saved {
            SafetyPlanSaved::Saved { id, .. } => (SaveAnswer::Saved, Some(id)),
            SafetyPlanSaved::Conflict(theirs) => (conflict(&theirs, &parts), None),
            SafetyPlanSaved::Raced => return Err(AppError::Busy),
        };
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, answer, entry).await
    })
    .await
}

/// Both versions, part by part, when the plan changed since the case manager opened it.
fn conflict(theirs: &SafetyPlan, yours: &SafetyPlanParts) -> SaveAnswer {
    let rows = |parts: &SafetyPlanParts| {
        let people = parts
            .helpers
            .iter()
            .map(|h| match &h.phone {
                Some(phone) => format!("{} {phone}", h.name),
                None => h.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        vec![
            row("Warning signs", &parts.warning_signs),
            row("Triggers", &parts.triggers),
            row("What helps", &parts.coping),
            row("People", people),
            row("Places", &parts.places),
            row("Naloxone", &parts.naloxone),
        ]
    };
    SaveAnswer::Conflict {
        theirs: rows(&theirs.parts),
        yours: rows(yours),
        version: theirs.version,
    }
}
