use super::coded_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

coded_enum! {
    /// A stage of the continuum of care. The order is the usual path through care, but a
    /// person may skip stages, go back, or be in two at once.
    Stage ("stage") {
        HarmReduction = "harm_reduction" => "Staying safer",
        MethadoneMaintenance = "methadone_maintenance" => "Starting and keeping up treatment",
        Stabilisation = "stabilisation" => "Getting steady",
        Detoxification = "detoxification" => "Tapering off",
        Rehabilitation = "rehabilitation" => "Rebuilding",
        Aftercare = "aftercare" => "Keeping it going",
    }
}

impl Stage {
    /// What this stage means for the person, in plain words.
    pub fn meaning(self) -> &'static str {
        match self {
            Stage::HarmReduction => {
                "The focus is on your safety and health, one day at a time, with no pressure."
            }
            Stage::MethadoneMaintenance => {
                "The focus is on getting your dose right and making it to your pick-ups."
            }
            Stage::Stabilisation => {
                "The focus is on building steady routines and things that help you stay well."
            }
            Stage::Detoxification => {
                "You chose to lower your dose slowly, with support and a plan for after."
            }
            Stage::Rehabilitation => {
                "You are working on the bigger things: health, home, work and people you trust."
            }
            Stage::Aftercare => {
                "You have come a long way. The focus is on keeping your supports in place."
            }
        }
    }

    fn position(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// The stages a person is in at one time: never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageSet(BTreeSet<Stage>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageChangeError {
    #[error("Choose at least one stage.")]
    NoStage,
    #[error("That is the stage the person is already in.")]
    Unchanged,
    #[error("A change can't be dated before the one it follows.")]
    BeforePrevious,
}

impl StageSet {
    pub fn new(stages: impl IntoIterator<Item = Stage>) -> Result<Self, StageChangeError> {
        let set: BTreeSet<Stage> = stages.into_iter().collect();
        if set.is_empty() {
            Err(StageChangeError::NoStage)
        } else {
            Ok(StageSet(set))
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Stage> + '_ {
        self.0.iter().copied()
    }

    pub fn contains(&self, stage: Stage) -> bool {
        self.0.contains(&stage)
    }

    /// The furthest stage along the usual path.
    fn furthest(&self) -> usize {
        self.0.iter().map(|s| s.position()).max().unwrap_or(0)
    }
}

/// Which way a change of stage went, for saying it in plain words. Going back is normal and
/// is never described as failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageDirection {
    /// The first stage recorded.
    Start,
    Forward,
    Back,
    /// Added or ended a stage held alongside another, without moving along the path.
    Alongside,
}

/// One recorded change: the stages the person is in from `effective_on`, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    pub stages: StageSet,
    pub effective_on: NaiveDate,
    pub note: Option<String>,
}

/// A change as read against the one before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageStep {
    pub change: StageChange,
    pub started: Vec<Stage>,
    pub ended: Vec<Stage>,
    pub direction: StageDirection,
}

/// Checks a proposed change against the person's latest one.
pub fn check_stage_change(
    latest: Option<&StageChange>,
    proposed: &StageChange,
) -> Result<(), StageChangeError> {
    match latest {
        Some(latest) if latest.stages == proposed.stages => Err(StageChangeError::Unchanged),
        Some(latest) if proposed.effective_on < latest.effective_on => {
            Err(StageChangeError::BeforePrevious)
        }
        _ => Ok(()),
    }
}

/// Reads a history (oldest first) as steps: what started, what ended, which way it went.
pub fn stage_steps(history: &[StageChange]) -> Vec<StageStep> {
    let mut steps = Vec::with_capacity(history.len());
    let mut previous: Option<&StageSet> = None;
    for change in history {
        let (started, ended, direction) = match previous {
            None => (
                change.stages.iter().collect(),
                Vec::new(),
                StageDirection::Start,
            ),
            Some(before) => {
                let started: Vec<Stage> = change
                    .stages
                    .iter()
                    .filter(|s| !before.contains(*s))
                    .collect();
                let ended: Vec<Stage> = before
                    .iter()
                    .filter(|s| !change.stages.contains(*s))
                    .collect();
                let direction = match change.stages.furthest().cmp(&before.furthest()) {
                    std::cmp::Ordering::Greater => StageDirection::Forward,
                    std::cmp::Ordering::Less => StageDirection::Back,
                    std::cmp::Ordering::Equal => StageDirection::Alongside,
                };
                (started, ended, direction)
            }
        };
        steps.push(StageStep {
            change: change.clone(),
            started,
            ended,
            direction,
        });
        previous = Some(&change.stages);
    }
    steps
}

/// A stage change's note, in characters.
pub const STAGE_NOTE_MAX_CHARS: usize = 300;

/// A stage change as typed into the form: each stage ticked is a key of `stages`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StageForm {
    pub stages: std::collections::BTreeMap<String, String>,
    pub effective_on: String,
    pub note: String,
}

impl StageForm {
    /// Checks the change against the person's latest one, on `today`.
    pub fn check(
        &self,
        latest: Option<&StageChange>,
        today: NaiveDate,
    ) -> Result<StageChange, super::FieldProblems> {
        use super::form::{date, optional_text};
        let mut problems = super::FieldProblems::default();
        let stages = self
            .stages
            .keys()
            .map(|code| Stage::from_code(code))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| problems.add("stages", "Please choose from the stages listed."))
            .ok()
            .and_then(|stages| {
                StageSet::new(stages)
                    .map_err(|e| problems.add("stages", e.to_string()))
                    .ok()
            });
        let effective_on = match date(&self.effective_on, "effective_on", today, &mut problems) {
            Some(None) => {
                problems.add("effective_on", "Please choose the date the change starts.");
                None
            }
            Some(Some(day)) if day > today => {
                problems.add("effective_on", "A change is recorded once it has happened. Please choose today or an earlier date.");
                None
            }
            day => day.flatten(),
        };
        let note = optional_text(&self.note, STAGE_NOTE_MAX_CHARS, "note", &mut problems);
        let change = match (stages, effective_on, note) {
            (Some(stages), Some(effective_on), Some(note)) => {
                let change = StageChange {
                    stages,
                    effective_on,
                    note: note.map(|n| n.as_str().to_owned()),
                };
                match check_stage_change(latest, &change) {
                    Ok(()) => Some(change),
                    Err(StageChangeError::BeforePrevious) => {
                        problems.add("effective_on", StageChangeError::BeforePrevious.to_string());
                        None
                    }
                    Err(e) => {
                        problems.add("stages", e.to_string());
                        None
                    }
                }
            }
            _ => None,
        };
        problems.or(change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn the_stage_form_is_checked_against_the_latest_change() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
        let latest = change(&[MethadoneMaintenance], 10);
        let form = |stages: &[&str], on: &str| StageForm {
            stages: stages
                .iter()
                .map(|s| (s.to_string(), "on".to_string()))
                .collect(),
            effective_on: on.into(),
            note: String::new(),
        };
        let ok = form(&["methadone_maintenance", "stabilisation"], "2026-03-15")
            .check(Some(&latest), today)
            .unwrap();
        assert!(ok.stages.contains(Stabilisation));
        let same = form(&["methadone_maintenance"], "2026-03-15").check(Some(&latest), today);
        assert!(same.unwrap_err().about("stages").is_some());
        let before = form(&["aftercare"], "2026-01-05").check(Some(&latest), today);
        assert!(before.unwrap_err().about("effective_on").is_some());
        let future = form(&["aftercare"], "2026-03-21").check(Some(&latest), today);
        assert!(future.unwrap_err().about("effective_on").is_some());
        let none = form(&[], "2026-03-15").check(Some(&latest), today);
        assert!(none.unwrap_err().about("stages").is_some());
    }

    fn change(stages: &[Stage], day: u32) -> StageChange {
        StageChange {
            stages: StageSet::new(stages.iter().copied()).unwrap(),
            effective_on: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
            note: None,
        }
    }

    #[test]
    fn a_stage_set_is_never_empty() {
        assert_eq!(StageSet::new([]), Err(StageChangeError::NoStage));
    }

    #[test]
    fn skipping_stages_is_allowed() {
        let latest = change(&[HarmReduction], 1);
        assert_eq!(
            check_stage_change(Some(&latest), &change(&[Detoxification], 2)),
            Ok(())
        );
    }

    #[test]
    fn the_same_stages_again_is_not_a_change() {
        let latest = change(&[MethadoneMaintenance, Stabilisation], 1);
        let same = change(&[Stabilisation, MethadoneMaintenance], 2);
        assert_eq!(
            check_stage_change(Some(&latest), &same),
            Err(StageChangeError::Unchanged)
        );
    }

    #[test]
    fn a_change_cannot_predate_the_latest() {
        let latest = change(&[MethadoneMaintenance], 10);
        assert_eq!(
            check_stage_change(Some(&latest), &change(&[Stabilisation], 9)),
            Err(StageChangeError::BeforePrevious)
        );
        assert_eq!(
            check_stage_change(Some(&latest), &change(&[Stabilisation], 10)),
            Ok(())
        );
        assert_eq!(
            check_stage_change(None, &change(&[Stabilisation], 1)),
            Ok(())
        );
    }

    #[test]
    fn steps_say_what_started_ended_and_which_way() {
        let history = [
            change(&[HarmReduction], 1),
            change(&[MethadoneMaintenance], 2),
            change(&[MethadoneMaintenance, Stabilisation], 3),
            change(&[MethadoneMaintenance], 4),
            change(&[MethadoneMaintenance, HarmReduction], 5),
        ];
        let steps = stage_steps(&history);
        assert_eq!(steps[0].direction, StageDirection::Start);
        assert_eq!(steps[0].started, vec![HarmReduction]);
        assert_eq!(steps[1].direction, StageDirection::Forward);
        assert_eq!(steps[1].ended, vec![HarmReduction]);
        assert_eq!(steps[2].direction, StageDirection::Forward);
        assert_eq!(steps[2].started, vec![Stabilisation]);
        assert!(steps[2].ended.is_empty());
        assert_eq!(steps[3].direction, StageDirection::Back);
        assert_eq!(steps[3].ended, vec![Stabilisation]);
        assert_eq!(steps[4].direction, StageDirection::Alongside);
        assert_eq!(steps[4].started, vec![HarmReduction]);
    }
}
