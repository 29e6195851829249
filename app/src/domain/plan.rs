use super::{coded_enum, RecordId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

coded_enum! {
    /// The part of life a goal belongs to.
    LifeDomain ("life domain") {
        Treatment = "treatment" => "Treatment and substance use",
        PhysicalHealth = "physical_health" => "Physical health",
        MentalHealth = "mental_health" => "Mental health",
        Housing = "housing" => "Housing",
        Income = "income" => "Income and benefits",
        Education = "education" => "School and job training",
        Legal = "legal" => "Legal",
        Family = "family" => "Family and relationships",
        Community = "community" => "Peer support and community",
        Wellbeing = "wellbeing" => "Coping and wellbeing",
    }
}

coded_enum! {
    Horizon ("horizon") {
        ShortTerm = "short_term" => "Goals for now",
        LongTerm = "long_term" => "Goals for later",
    }
}

coded_enum! {
    GoalStatus ("goal status") {
        NotStarted = "not_started" => "Not started",
        InProgress = "in_progress" => "In progress",
        Achieved = "achieved" => "Done",
        Paused = "paused" => "On hold",
    }
}

coded_enum! {
    /// Who takes a step.
    StepDoer ("step doer") {
        Client = "client" => "You" staff "Client",
        CaseManager = "case_manager" => "Your case manager" staff "Case manager",
        Together = "together" => "You and your case manager" staff "Client and case manager",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: RecordId,
    pub description: String,
    pub doer: StepDoer,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    /// Bumped on every save, so that two editors can't overwrite each other unseen.
    #[serde(default)]
    pub version: i64,
}

impl Step {
    pub fn is_done(&self) -> bool {
        self.done_on.is_some()
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.is_done() && self.due_on.is_some_and(|due| due < today)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: RecordId,
    pub domain: LifeDomain,
    pub horizon: Horizon,
    /// The goal as the client put it.
    pub own_words: String,
    pub status: GoalStatus,
    pub target_date: Option<NaiveDate>,
    /// Steps in the order they are meant to be taken.
    pub steps: Vec<Step>,
    /// The plan revision that added the goal, and the latest one that changed it.
    pub added_in: i64,
    pub changed_in: i64,
    #[serde(default)]
    pub version: i64,
}

/// How far along a goal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

impl Progress {
    /// Whole percent, 0 to 100.
    pub fn percent(self) -> u8 {
        // done <= total, so the share fits in a u8; no steps yet reads as 0%.
        (self.done * 100)
            .checked_div(self.total)
            .map_or(0, |share| u8::try_from(share).unwrap_or(100))
    }
}

impl Goal {
    /// An achieved goal counts as complete even if some steps were never ticked off;
    /// otherwise progress is the share of steps done.
    pub fn progress(&self) -> Progress {
        let total = self.steps.len();
        let done = if self.status == GoalStatus::Achieved {
            total
        } else {
            self.steps.iter().filter(|s| s.is_done()).count()
        };
        Progress { done, total }
    }

    /// The first step not yet done, if the goal is being worked on.
    pub fn next_step(&self) -> Option<&Step> {
        match self.status {
            GoalStatus::Achieved | GoalStatus::Paused => None,
            GoalStatus::NotStarted | GoalStatus::InProgress => {
                self.steps.iter().find(|s| !s.is_done())
            }
        }
    }
}

/// A version of the plan the case manager sent, with what they said about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRevision {
    pub number: i64,
    pub summary: String,
    pub sent_at: DateTime<Utc>,
    pub sent_by: String,
}

/// The client's plan as last sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportPlan {
    pub latest: Option<PlanRevision>,
    pub goals: Vec<Goal>,
    /// What the latest revision changed, goal by goal.
    pub changes: Vec<PlanChange>,
    /// When the client and their case manager will next look at the plan together.
    #[serde(default)]
    pub next_review: Option<NaiveDate>,
    #[serde(default)]
    pub last_reviewed: Option<NaiveDate>,
    /// The latest assessment's needs, area by area: nothing the case manager wrote.
    #[serde(default)]
    pub assessment: Option<super::AssessmentSummary>,
    /// What the client suggested, newest first, and what became of each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<super::Suggestion>,
}

/// One goal the latest revision added, changed or took out, for the "what's new" marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChange {
    pub goal_id: RecordId,
    pub change: super::GoalChange,
    /// The goal's words (for a goal taken out, the last words it had).
    pub own_words: String,
}

impl SupportPlan {
    pub fn change_of(&self, goal_id: &RecordId) -> Option<super::GoalChange> {
        self.changes
            .iter()
            .find(|c| &c.goal_id == goal_id)
            .map(|c| c.change)
    }
}

/// Goals of one horizon, grouped by life domain in the domain's order.
pub fn goals_by_domain(goals: &[Goal], horizon: Horizon) -> Vec<(LifeDomain, Vec<&Goal>)> {
    LifeDomain::ALL
        .iter()
        .filter_map(|&domain| {
            let in_domain: Vec<&Goal> = goals
                .iter()
                .filter(|g| g.horizon == horizon && g.domain == domain)
                .collect();
            (!in_domain.is_empty()).then_some((domain, in_domain))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u8) -> RecordId {
        RecordId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
    }

    fn step(n: u8, done: bool) -> Step {
        Step {
            id: id(n),
            description: format!("step {n}"),
            doer: StepDoer::Client,
            due_on: NaiveDate::from_ymd_opt(2026, 3, 10),
            done_on: done.then(|| NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            version: 1,
        }
    }

    fn goal(status: GoalStatus, steps: Vec<Step>) -> Goal {
        Goal {
            id: id(0),
            domain: LifeDomain::Housing,
            horizon: Horizon::ShortTerm,
            own_words: "A place of my own".into(),
            status,
            target_date: None,
            steps,
            added_in: 1,
            changed_in: 2,
            version: 1,
        }
    }

    #[test]
    fn progress_is_the_share_of_steps_done() {
        let g = goal(
            GoalStatus::InProgress,
            vec![step(1, true), step(2, false), step(3, false)],
        );
        assert_eq!(g.progress(), Progress { done: 1, total: 3 });
        assert_eq!(g.progress().percent(), 33);
    }

    #[test]
    fn an_achieved_goal_is_complete() {
        let g = goal(GoalStatus::Achieved, vec![step(1, true), step(2, false)]);
        assert_eq!(g.progress().percent(), 100);
        assert_eq!(g.next_step(), None);
    }

    #[test]
    fn a_goal_without_steps_has_no_progress_yet() {
        assert_eq!(goal(GoalStatus::NotStarted, vec![]).progress().percent(), 0);
    }

    #[test]
    fn the_next_step_is_the_first_not_done() {
        let g = goal(
            GoalStatus::InProgress,
            vec![step(1, true), step(2, false), step(3, false)],
        );
        assert_eq!(g.next_step().map(|s| s.id.clone()), Some(id(2)));
        let paused = goal(GoalStatus::Paused, vec![step(1, false)]);
        assert_eq!(paused.next_step(), None);
    }

    #[test]
    fn overdue_means_past_due_and_not_done() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 11).unwrap();
        assert!(step(1, false).is_overdue(today));
        assert!(!step(1, true).is_overdue(today));
        assert!(!step(1, false).is_overdue(NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()));
    }

    #[test]
    fn grouping_keeps_domain_order_and_skips_empty_domains() {
        let mut housing = goal(GoalStatus::InProgress, vec![]);
        housing.domain = LifeDomain::Housing;
        let mut treatment = housing.clone();
        treatment.domain = LifeDomain::Treatment;
        let mut later = housing.clone();
        later.horizon = Horizon::LongTerm;
        let goals = vec![housing, treatment, later];
        let groups = goals_by_domain(&goals, Horizon::ShortTerm);
        let domains: Vec<LifeDomain> = groups.iter().map(|(d, _)| *d).collect();
        assert_eq!(domains, vec![LifeDomain::Treatment, LifeDomain::Housing]);
        assert_eq!(goals_by_domain(&goals, Horizon::LongTerm).len(), 1);
    }

    proptest! {
        #[test]
        fn progress_never_exceeds_the_whole(done in proptest::collection::vec(any::<bool>(), 0..20),
                                            achieved in any::<bool>()) {
            let steps = done.iter().enumerate().map(|(i, d)| step(i as u8, *d)).collect();
            let status = if achieved { GoalStatus::Achieved } else { GoalStatus::InProgress };
            let p = goal(status, steps).progress();
            prop_assert!(p.done <= p.total);
            prop_assert!(p.percent() <= 100);
        }
    }
}
