//! Plan reviews: the client and their case manager (and whoever else takes part) look at the
//! plan together, note what changed, and agree when to look again. The agreed date is the
//! plan's next review; before the first review it is 90 days after the first plan was sent.
use super::form::{coming_day, optional_text, past_day, text};
use super::{coded_enum, FieldProblems, RecordId};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The usual time between reviews, and before the first.
pub const REVIEW_EVERY_DAYS: i64 = 90;
/// How soon a coming review starts to ask for attention.
pub const REVIEW_SOON_DAYS: i64 = 14;
/// The furthest ahead a next review may be agreed.
pub const REVIEW_AT_MOST_DAYS: i64 = 366;
pub const REVIEW_TEXT_MAX_CHARS: usize = 2000;
pub const OTHER_SERVICES_MAX_CHARS: usize = 200;

coded_enum! {
    /// Who took part in a review.
    ReviewParticipant ("review participant") {
        Client = "client" => "The client",
        CaseManager = "case_manager" => "Case manager",
        Supporter = "supporter" => "A supporter (family or friend)",
        OtherService = "other_service" => "Other services",
    }
}

/// The plan's next review: the date agreed at the latest review, or, before any, 90 days
/// after the first plan was sent. None before a plan is sent: there is nothing to review.
pub fn next_review_on(
    agreed_at_latest: Option<NaiveDate>,
    first_sent_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    agreed_at_latest.or_else(|| first_sent_on.map(|on| on + Duration::days(REVIEW_EVERY_DAYS)))
}

/// Where a review date stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewTiming {
    Overdue,
    /// Within [`REVIEW_SOON_DAYS`].
    Soon,
    Later,
}

impl ReviewTiming {
    pub fn of(next_review_on: NaiveDate, today: NaiveDate) -> ReviewTiming {
        if next_review_on < today {
            ReviewTiming::Overdue
        } else if (next_review_on - today).num_days() <= REVIEW_SOON_DAYS {
            ReviewTiming::Soon
        } else {
            ReviewTiming::Later
        }
    }
}

/// A review as kept in the plan's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanReview {
    pub id: RecordId,
    pub review: ReviewFields,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// The review form as typed. `took_part` holds the ticked boxes, by code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub reviewed_on: String,
    pub took_part: BTreeMap<String, String>,
    pub other_services: String,
    pub what_reviewed: String,
    pub what_changed: String,
    pub next_review_on: String,
}

/// A review that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFields {
    pub reviewed_on: NaiveDate,
    pub took_part: Vec<ReviewParticipant>,
    /// Which other services, when they took part.
    pub other_services: Option<String>,
    pub what_reviewed: String,
    pub what_changed: Option<String>,
    pub next_review_on: NaiveDate,
}

impl ReviewForm {
    /// Checks the review on `today` (the program's date): held within the last year and not
    /// in the future, with someone taking part, and a next review after today and within a
    /// year of it.
    pub fn check(&self, today: NaiveDate) -> Result<ReviewFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let reviewed_on = past_day(
            &self.reviewed_on,
            "reviewed_on",
            today,
            "Please enter the day of the review.",
            &mut problems,
        );
        let mut took_part = Vec::new();
        for code in self.took_part.keys() {
            match ReviewParticipant::from_code(code) {
                Ok(who) => took_part.push(who),
                Err(_) => problems.add("took_part", "Please choose from the people listed."),
            }
        }
        took_part.sort();
        if took_part.is_empty() && problems.about("took_part").is_none() {
            problems.add("took_part", "Please tick who took part.");
        }
        let other_services = optional_text(
            &self.other_services,
            OTHER_SERVICES_MAX_CHARS,
            "other_services",
            &mut problems,
        );
        let what_reviewed = text(
            &self.what_reviewed,
            REVIEW_TEXT_MAX_CHARS,
            "what_reviewed",
            &mut problems,
        );
        let what_changed = optional_text(
            &self.what_changed,
            REVIEW_TEXT_MAX_CHARS,
            "what_changed",
            &mut problems,
        );
        let next_review_on = coming_day(
            &self.next_review_on,
            "next_review_on",
            today,
            (
                "Please agree a date for the next review.",
                REVIEW_AT_MOST_DAYS,
                "Please choose a day within a year: a plan is looked at least once a year.",
            ),
            &mut problems,
        );
        let fields = match (
            reviewed_on,
            other_services,
            what_reviewed,
            what_changed,
            next_review_on,
        ) {
            (Some(reviewed_on), Some(other), Some(reviewed), Some(changed), Some(next)) => {
                Some(ReviewFields {
                    reviewed_on,
                    took_part,
                    other_services: other.map(|o| o.as_str().to_owned()),
                    what_reviewed: reviewed.as_str().to_owned(),
                    what_changed: changed.map(|c| c.as_str().to_owned()),
                    next_review_on: next,
                })
            }
            _ => None,
        };
        problems.or(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn form(on: &str, who: &[&str], reviewed: &str, next: &str) -> ReviewForm {
        ReviewForm {
            reviewed_on: on.into(),
            took_part: who.iter().map(|w| (w.to_string(), "on".into())).collect(),
            what_reviewed: reviewed.into(),
            next_review_on: next.into(),
            ..ReviewForm::default()
        }
    }

    #[test]
    fn the_next_review_is_the_agreed_date_or_ninety_days_after_the_first_plan() {
        assert_eq!(next_review_on(None, None), None);
        assert_eq!(
            next_review_on(None, Some(day("2026-01-10"))),
            Some(day("2026-04-10"))
        );
        assert_eq!(
            next_review_on(Some(day("2026-02-01")), Some(day("2026-01-10"))),
            Some(day("2026-02-01"))
        );
        let today = day("2026-12-03");
        assert_eq!(
            ReviewTiming::of(day("2026-12-02"), today),
            ReviewTiming::Overdue
        );
        assert_eq!(
            ReviewTiming::of(day("2026-12-03"), today),
            ReviewTiming::Soon
        );
        assert_eq!(
            ReviewTiming::of(day("2026-12-17"), today),
            ReviewTiming::Soon
        );
        assert_eq!(
            ReviewTiming::of(day("2026-12-18"), today),
            ReviewTiming::Later
        );
    }

    #[test]
    fn a_review_needs_a_past_day_someone_taking_part_words_and_a_next_date() {
        let today = day("2026-12-03");
        let ok = form(
            "2026-12-03",
            &["client", "case_manager"],
            " Goals ",
            "2027-03-03",
        )
        .check(today)
        .unwrap();
        assert_eq!(
            ok.took_part,
            vec![ReviewParticipant::Client, ReviewParticipant::CaseManager]
        );
        assert_eq!(ok.what_reviewed, "Goals");
        let bad = form("2026-12-04", &[], "", "2026-12-03")
            .check(today)
            .unwrap_err();
        for field in [
            "reviewed_on",
            "took_part",
            "what_reviewed",
            "next_review_on",
        ] {
            assert!(bad.about(field).is_some(), "{field}");
        }
        let stranger = form("2026-12-01", &["mayor"], "Goals", "2027-01-01").check(today);
        assert!(stranger.unwrap_err().about("took_part").is_some());
        let far = form("2026-12-01", &["client"], "Goals", "2028-01-01").check(today);
        assert!(far.unwrap_err().about("next_review_on").is_some());
        let long = form("2026-12-01", &["client"], &"a".repeat(10_000), "2027-01-01").check(today);
        assert!(long.unwrap_err().about("what_reviewed").is_some());
        let mut control = form("2026-12-01", &["client"], "Goals", "2027-01-01");
        control.what_changed = "a\u{1b}b".into();
        assert!(control
            .check(today)
            .unwrap_err()
            .about("what_changed")
            .is_some());
    }
}
