//! What a case manager types into the plan's forms, the rules it must meet before it is
//! saved, and how two versions of a plan differ. Shared by the browser (to say what is wrong
//! before sending) and the server (which checks again and decides).
use super::form::{code, date, text};
use super::{FieldProblems, Goal, GoalStatus, Horizon, LifeDomain, PlainText, RecordId, StepDoer};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a goal may say, in characters.
pub const GOAL_MAX_CHARS: usize = 200;
/// What a step may say, in characters.
pub const STEP_MAX_CHARS: usize = 200;
/// A plan update's summary, in characters: short enough to read on a phone.
pub const SUMMARY_MAX_CHARS: usize = 500;

/// A goal as typed into the form: every field is text until it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GoalForm {
    pub domain: String,
    pub horizon: String,
    pub own_words: String,
    pub status: String,
    pub target_on: String,
}

/// A goal's fields once checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalFields {
    pub domain: LifeDomain,
    pub horizon: Horizon,
    pub own_words: PlainText,
    pub status: GoalStatus,
    pub target_on: Option<NaiveDate>,
}

impl GoalForm {
    pub fn check(&self, today: NaiveDate) -> Result<GoalFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let own_words = text(&self.own_words, GOAL_MAX_CHARS, "own_words", &mut problems);
        let domain = code(&self.domain, LifeDomain::from_code, "domain", &mut problems);
        let horizon = code(&self.horizon, Horizon::from_code, "horizon", &mut problems);
        let status = code(&self.status, GoalStatus::from_code, "status", &mut problems);
        let target_on = date(&self.target_on, "target_on", today, &mut problems);
        let fields = (|| {
            Some(GoalFields {
                domain: domain?,
                horizon: horizon?,
                own_words: own_words?,
                status: status?,
                target_on: target_on?,
            })
        })();
        problems.or(fields)
    }

    /// The form filled in with a goal as stored.
    pub fn of(goal: &Goal) -> GoalForm {
        GoalForm {
            domain: goal.domain.code().to_owned(),
            horizon: goal.horizon.code().to_owned(),
            own_words: goal.own_words.clone(),
            status: goal.status.code().to_owned(),
            target_on: goal.target_date.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// A step as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub description: String,
    pub doer: String,
    pub due_on: String,
    pub done_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFields {
    pub description: PlainText,
    pub doer: StepDoer,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

impl StepForm {
    pub fn check(&self, today: NaiveDate) -> Result<StepFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let description = text(
            &self.description,
            STEP_MAX_CHARS,
            "description",
            &mut problems,
        );
        let doer = code(&self.doer, StepDoer::from_code, "doer", &mut problems);
        let due_on = date(&self.due_on, "due_on", today, &mut problems);
        let mut done_on = date(&self.done_on, "done_on", today, &mut problems);
        if done_on.flatten().is_some_and(|d| d > today) {
            problems.add(
                "done_on",
                "A step can't be done in the future. Please check the date.",
            );
            done_on = None;
        }
        let fields = (|| {
            Some(StepFields {
                description: description?,
                doer: doer?,
                due_on: due_on?,
                done_on: done_on?,
            })
        })();
        problems.or(fields)
    }
}

/// The summary sent with a plan update.
pub fn check_summary(raw: &str) -> Result<PlainText, FieldProblems> {
    let mut problems = FieldProblems::default();
    let summary = text(raw, SUMMARY_MAX_CHARS, "summary", &mut problems);
    problems.or(summary)
}

/// How one goal differs between two versions of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalChange {
    Added,
    Updated,
    Removed,
}

/// One goal that differs, with both sides and the names of what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalDifference {
    pub id: RecordId,
    pub change: GoalChange,
    pub before: Option<Goal>,
    pub after: Option<Goal>,
    /// In plain words: "Status", "Steps", ...
    pub what: Vec<String>,
}

/// What changed in a goal, field by field; empty when nothing a person reads changed.
fn changed_fields(before: &Goal, after: &Goal) -> Vec<&'static str> {
    let mut what = Vec::new();
    if before.own_words != after.own_words {
        what.push("Goal");
    }
    if before.status != after.status {
        what.push("Status");
    }
    if before.target_date != after.target_date {
        what.push("Target date");
    }
    if before.domain != after.domain || before.horizon != after.horizon {
        what.push("Part of the plan");
    }
    let steps = |g: &Goal| {
        g.steps
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.description.clone(),
                    s.doer,
                    s.due_on,
                    s.done_on,
                )
            })
            .collect::<Vec<_>>()
    };
    if steps(before) != steps(after) {
        what.push("Steps");
    }
    what
}

/// Every goal that differs between `before` and `after`, in the order of `after` (removed
/// goals last). Versions and bookkeeping are not differences; a goal moved in the order is.
pub fn compare_plans(before: &[Goal], after: &[Goal]) -> Vec<GoalDifference> {
    let position = |goals: &[Goal], id: &RecordId| goals.iter().position(|g| &g.id == id);
    let mut differences: Vec<GoalDifference> = after
        .iter()
        .filter_map(|goal| match before.iter().find(|b| b.id == goal.id) {
            None => Some(GoalDifference {
                id: goal.id.clone(),
                change: GoalChange::Added,
                before: None,
                after: Some(goal.clone()),
                what: Vec::new(),
            }),
            Some(old) => {
                let mut what = changed_fields(old, goal);
                let old_rank = position(before, &goal.id).map(|i| {
                    before[..i]
                        .iter()
                        .filter(|g| position(after, &g.id).is_some())
                        .count()
                });
                let new_rank = position(after, &goal.id).map(|i| {
                    after[..i]
                        .iter()
                        .filter(|g| position(before, &g.id).is_some())
                        .count()
                });
                if old_rank != new_rank {
                    what.push("Order");
                }
                (!what.is_empty()).then(|| GoalDifference {
                    id: goal.id.clone(),
                    change: GoalChange::Updated,
                    before: Some(old.clone()),
                    after: Some(goal.clone()),
                    what: what.into_iter().map(str::to_owned).collect(),
                })
            }
        })
        .collect();
    differences.extend(
        before
            .iter()
            .filter(|old| !after.iter().any(|g| g.id == old.id))
            .map(|old| GoalDifference {
                id: old.id.clone(),
                change: GoalChange::Removed,
                before: Some(old.clone()),
                after: None,
                what: Vec::new(),
            }),
    );
    differences
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Step;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn id(n: u8) -> RecordId {
        RecordId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
    }

    fn goal(n: u8) -> Goal {
        Goal {
            id: id(n),
            domain: LifeDomain::Housing,
            horizon: Horizon::ShortTerm,
            own_words: format!("goal {n}"),
            status: GoalStatus::InProgress,
            target_date: None,
            steps: vec![],
            added_in: 1,
            changed_in: 1,
            version: 1,
        }
    }

    fn form() -> GoalForm {
        GoalForm {
            domain: "housing".into(),
            horizon: "short_term".into(),
            own_words: "  A place of my own ".into(),
            status: "in_progress".into(),
            target_on: "2027-03-01".into(),
        }
    }

    #[test]
    fn a_good_goal_form_is_trimmed_and_typed() {
        let fields = form().check(today()).unwrap();
        assert_eq!(fields.own_words.as_str(), "A place of my own");
        assert_eq!(fields.target_on, NaiveDate::from_ymd_opt(2027, 3, 1));
    }

    #[test]
    fn every_problem_is_named_at_its_field() {
        let bad = GoalForm {
            domain: "moon".into(),
            horizon: "short_term".into(),
            own_words: " ".into(),
            status: "in_progress".into(),
            target_on: "2027-02-30".into(),
        };
        let problems = bad.check(today()).unwrap_err();
        assert!(problems.about("own_words").is_some());
        assert!(problems.about("domain").is_some());
        assert!(problems.about("target_on").unwrap().contains("date"));
        assert_eq!(problems.about("status"), None);
    }

    #[test]
    fn dates_must_be_within_reason() {
        let mut far = form();
        far.target_on = "2099-01-01".into();
        assert!(far.check(today()).is_err());
        let mut empty = form();
        empty.target_on = String::new();
        assert_eq!(empty.check(today()).unwrap().target_on, None);
    }

    #[test]
    fn a_step_cannot_be_done_tomorrow() {
        let step = StepForm {
            description: "Call the housing office".into(),
            doer: "client".into(),
            due_on: String::new(),
            done_on: "2026-11-30".into(),
        };
        assert!(step.check(today()).unwrap_err().about("done_on").is_some());
    }

    #[test]
    fn comparing_finds_added_updated_removed_and_moved_goals() {
        let before = vec![goal(1), goal(2), goal(3)];
        let mut changed = goal(2);
        changed.status = GoalStatus::Achieved;
        changed.version = 7;
        let after = vec![changed, goal(1), goal(4)];
        let differences = compare_plans(&before, &after);
        let summary: Vec<(RecordId, GoalChange, Vec<String>)> = differences
            .into_iter()
            .map(|d| (d.id, d.change, d.what))
            .collect();
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            summary,
            vec![
                (id(2), GoalChange::Updated, words(&["Status", "Order"])),
                (id(1), GoalChange::Updated, words(&["Order"])),
                (id(4), GoalChange::Added, vec![]),
                (id(3), GoalChange::Removed, vec![]),
            ]
        );
    }

    #[test]
    fn versions_alone_are_not_a_change() {
        let mut bumped = goal(1);
        bumped.version = 9;
        bumped.changed_in = 4;
        assert!(compare_plans(&[goal(1)], &[bumped]).is_empty());
    }

    #[test]
    fn a_step_ticked_off_is_a_change() {
        let mut with_step = goal(1);
        with_step.steps.push(Step {
            id: id(9),
            description: "Call".into(),
            doer: StepDoer::Client,
            due_on: None,
            done_on: None,
            version: 1,
        });
        let mut done = with_step.clone();
        done.steps[0].done_on = Some(today());
        let differences = compare_plans(&[with_step], &[done]);
        assert_eq!(differences[0].what, vec!["Steps".to_owned()]);
    }

    proptest! {
        #[test]
        fn a_plan_compared_with_itself_has_no_differences(n in 0u8..12) {
            let goals: Vec<Goal> = (0..n).map(goal).collect();
            prop_assert!(compare_plans(&goals, &goals).is_empty());
        }

        #[test]
        fn every_goal_on_either_side_is_accounted_for(keep in proptest::collection::vec(any::<bool>(), 0..10),
                                                       extra in 0u8..5) {
            let before: Vec<Goal> = (0..keep.len() as u8).map(goal).collect();
            let mut after: Vec<Goal> = before.iter().zip(&keep).filter(|(_, k)| **k).map(|(g, _)| g.clone()).collect();
            after.extend((100..100 + extra).map(goal));
            let differences = compare_plans(&before, &after);
            let removed = differences.iter().filter(|d| d.change == GoalChange::Removed).count();
            let added = differences.iter().filter(|d| d.change == GoalChange::Added).count();
            prop_assert_eq!(removed, keep.iter().filter(|k| !**k).count());
            prop_assert_eq!(added, usize::from(extra));
        }
    }
}
