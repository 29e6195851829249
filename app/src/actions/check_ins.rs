//! What the client tells their care team from the app (a step done, "I'll be there", "I
//! can't make it"), from a page's form or from the phone's queue, each recorded once per
//! key; and a case manager marking them seen.
use super::{kept_if_saved, traced, Outcome};
use crate::audit;
use crate::db::{self, CheckIn, CheckInOutcome, Db};
use crate::domain::{
    CheckInAction, PlainText, RecordId, Role, SaveAnswer, CHECK_IN_NOTE_MAX_CHARS,
};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::{DateTime, Utc};

/// Why a check-in cannot be recorded, whatever the state of the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInProblem {
    /// Not an id of any step or appointment.
    NotFound,
    NoteTooLong,
}

/// A check-in whose id and note passed their checks: the one way from what a form or a
/// device sent to what the database records.
pub struct CheckedCheckIn {
    kind: Kind,
    target: RecordId,
    note: Option<PlainText>,
}

/// The kinds of check-in (suggestions and messages are not: `actions::suggestions`,
/// `actions::messages`).
#[derive(Clone, Copy)]
enum Kind {
    StepDone,
    WillCome,
    CantCome,
}

impl CheckedCheckIn {
    pub fn of(action: &CheckInAction) -> Result<Self, CheckInProblem> {
        let (kind, raw_note) = match action {
            CheckInAction::CantCome { note, .. } => (Kind::CantCome, note.as_deref()),
            CheckInAction::StepDone { .. } => (Kind::StepDone, None),
            CheckInAction::WillCome { .. } => (Kind::WillCome, None),
            CheckInAction::Suggest { .. } | CheckInAction::Message { .. } => {
                return Err(CheckInProblem::NotFound)
            }
        };
        let target = RecordId::parse(action.target()).ok_or(CheckInProblem::NotFound)?;
        let note = match raw_note.map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(
                PlainText::parse(text, CHECK_IN_NOTE_MAX_CHARS)
                    .map_err(|_| CheckInProblem::NoteTooLong)?,
            ),
        };
        Ok(CheckedCheckIn { kind, target, note })
    }

    /// The step or appointment it is about.
    pub fn target(&self) -> &RecordId {
        &self.target
    }

    fn as_check_in(&self) -> CheckIn<'_> {
        let id = self.target.as_str();
        match self.kind {
            Kind::StepDone => CheckIn::StepDone { step_id: id },
            Kind::WillCome => CheckIn::AppointmentConfirmed { appointment_id: id },
            Kind::CantCome => CheckIn::CantCome {
                appointment_id: id,
                note: self.note.as_ref().map(PlainText::as_str),
            },
        }
    }
}

impl Outcome for CheckInOutcome {
    fn outcome(&self) -> &'static str {
        match self {
            CheckInOutcome::Recorded => "recorded",
            CheckInOutcome::AlreadyRecorded => "already_recorded",
            CheckInOutcome::NotFound => "not_found",
        }
    }
}

/// Records one check-in of the signed-in client, once per `key`: the one way check-ins
/// arrive, from a page's form or from a device's queue (`made_at`: when the person acted,
/// if that was before now).
pub async fn record(
    db: &Db,
    asking: &Asking,
    check_in: &CheckedCheckIn,
    key: &str,
    made_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome, AppError> {
    let action = "check_in.record";
    traced(action, asking, async {
        let client = asking.as_role(Role::Client)?;
        let mut change = db.change().await?;
        let outcome = db::record_check_in(
            &mut change,
            &client.person_id,
            &check_in.as_check_in(),
            key,
            made_at,
            now,
        )
        .await?;
        if outcome == CheckInOutcome::Recorded {
            let entry = audit::allowed(asking, action)
                .about(&client.person_id)
                .on(check_in.target.as_str());
            change.keep(&[entry], now).await?;
        }
        Ok(outcome)
    })
    .await
}

/// A case manager marks the client's check-ins as read, for themselves.
pub async fn mark_seen(db: &Db, asking: &Asking, client_id: &str) -> Result<SaveAnswer, AppError> {
    let action = "check_in.seen";
    traced(action, asking, async {
        let (person, home) = case_manager_of(db, asking, client_id).await?;
        let mut change = db.change().await?;
        let now = Utc::now();
        db::mark_check_ins_seen(&mut change, &person.person_id, &home.client_id, now).await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, None), entry).await
    })
    .await
}
