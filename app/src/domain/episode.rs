//! Episodes of care: a client's time in the program from intake (or a reopening) to
//! closing, with the reason, the day and the aftercare plan. Reopening starts a new one and
//! keeps the whole history.
use super::form::{code, past_day, text};
use super::{coded_enum, FieldProblems};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// How long a client can still sign in after their case is closed, to read their aftercare
/// plan, safety plan and resources.
pub const SIGN_IN_AFTER_CLOSING_DAYS: i64 = 90;
/// The longest each part of the aftercare plan may be.
pub const AFTERCARE_PART_MAX_CHARS: usize = 600;

coded_enum! {
    /// Why a case was closed.
    CloseReason ("reason for closing") {
        PlanCompleted = "plan_completed" => "Plan completed",
        OtherService = "other_service" => "Moved to another service",
        MovedAway = "moved_away" => "Moved away",
        StoppedComing = "stopped_coming" => "Stopped coming",
        Other = "other" => "Other",
    }
}

/// What stays in place after a case is closed, as the client reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aftercare {
    pub closed_on: NaiveDate,
    /// What supports stay in place.
    pub supports: String,
    /// Who to call.
    pub contact: String,
    /// How to come back.
    pub come_back: String,
}

impl Aftercare {
    /// The last day the client can sign in.
    pub fn last_sign_in_day(&self) -> NaiveDate {
        self.closed_on + Duration::days(SIGN_IN_AFTER_CLOSING_DAYS)
    }
}

/// How an episode ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub reason: CloseReason,
    pub note: Option<String>,
    pub aftercare: Aftercare,
    pub closed_by: String,
}

/// One episode of care, for the care team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    pub number: i64,
    pub opened_on: NaiveDate,
    pub closing: Option<Closing>,
}

/// The closing form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    pub reason: String,
    pub closed_on: String,
    pub note: String,
    pub supports: String,
    pub contact: String,
    pub come_back: String,
}

/// A closing that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFields {
    pub reason: CloseReason,
    pub note: Option<String>,
    pub aftercare: Aftercare,
}

impl CloseForm {
    /// Checks the closing on `today`: a reason, a day within the last year and not after
    /// today, and each part of the aftercare plan (a note only for "other").
    pub fn check(&self, today: NaiveDate) -> Result<CloseFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let reason = code(
            &self.reason,
            CloseReason::from_code,
            "reason",
            &mut problems,
        );
        let closed_on = past_day(
            &self.closed_on,
            "closed_on",
            today,
            "Please enter the day the case closes.",
            &mut problems,
        );
        let mut part = |raw: &str, field: &str| {
            text(raw, AFTERCARE_PART_MAX_CHARS, field, &mut problems).map(|t| t.as_str().to_owned())
        };
        let supports = part(&self.supports, "supports");
        let contact = part(&self.contact, "contact");
        let come_back = part(&self.come_back, "come_back");
        let note = if reason == Some(CloseReason::Other) || !self.note.trim().is_empty() {
            part(&self.note, "note").map(Some)
        } else {
            Some(None)
        };
        let fields = (|| {
            Some(CloseFields {
                reason: reason?,
                note: note?,
                aftercare: Aftercare {
                    closed_on: closed_on?,
                    supports: supports?,
                    contact: contact?,
                    come_back: come_back?,
                },
            })
        })();
        problems.or(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_needs_a_reason_a_day_and_every_part_of_the_aftercare_plan() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let form = CloseForm {
            reason: "plan_completed".into(),
            closed_on: "2026-12-03".into(),
            note: String::new(),
            supports: "Peer group on Tuesdays; the pharmacy as before.".into(),
            contact: "The front desk, 416-555-0100".into(),
            come_back: "Call the front desk: no waiting list to come back.".into(),
        };
        let fields = form.check(today).unwrap();
        assert_eq!(fields.reason, CloseReason::PlanCompleted);
        assert_eq!(
            fields.aftercare.last_sign_in_day(),
            today + Duration::days(90)
        );
        let other = CloseForm {
            reason: "other".into(),
            ..form.clone()
        };
        assert!(other.check(today).unwrap_err().about("note").is_some());
        let bad = CloseForm {
            reason: "vanished".into(),
            closed_on: "2026-12-04".into(),
            note: String::new(),
            supports: "a".repeat(10_000),
            contact: "bell\u{7}".into(),
            come_back: " ".into(),
        };
        let problems = bad.check(today).unwrap_err();
        for field in ["reason", "closed_on", "supports", "contact", "come_back"] {
            assert!(problems.about(field).is_some(), "{field}");
        }
    }
}
