//! The client's own words in the plan: a goal or a step they suggest from their phone (also
//! offline, queued like check-ins), which the care team takes into the draft as written or
//! answers. The client sees what became of each.
use super::{coded_enum, RecordId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest a suggestion may be: what a goal or a step may be, since it is taken as written.
pub const SUGGESTION_MAX_CHARS: usize = super::GOAL_MAX_CHARS;
/// The longest answer a case manager writes to one.
pub const SUGGESTION_ANSWER_MAX_CHARS: usize = 600;

coded_enum! {
    /// What became of a suggestion.
    SuggestionState ("suggestion state") {
        Waiting = "waiting" => "Your case manager will look at this" staff "New",
        Taken = "taken" => "Added to your plan. You'll see it when your case manager sends the next update." staff "Taken into the draft",
        Answered = "answered" => "Your case manager answered" staff "Answered",
    }
}

/// A suggestion as the client and the care team see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: RecordId,
    pub text: String,
    /// For a step: the words of the goal it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal_id: Option<RecordId>,
    pub suggested_on: NaiveDate,
    pub state: SuggestionState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

impl Suggestion {
    pub fn is_step(&self) -> bool {
        self.goal_id.is_some()
    }
}
