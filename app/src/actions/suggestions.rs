//! The client's own words in the plan: a suggestion recorded once per key (from a page's
//! form or the phone's queue), then taken into the draft as written, or answered, by
//! someone on the care team.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::db::{self, CheckInOutcome, Db, Saved};
use crate::domain::{
    row, GoalFields, GoalStatus, Horizon, LifeDomain, PlainText, RecordId, Role, SaveAnswer,
    StepDoer, StepFields, Suggestion, SuggestionState, SUGGESTION_ANSWER_MAX_CHARS,
    SUGGESTION_MAX_CHARS,
};
use crate::error::AppError;
use crate::notice::Problem;
use crate::session::{case_manager_of, Asking};
use chrono::{DateTime, Utc};

/// Records a suggestion of the signed-in client once per `key`: a goal, or a step on one of
/// their goals (`goal_id`). `made_at` is when they wrote it, if that was before now.
pub async fn suggest(
    db: &Db,
    asking: &Asking,
    (goal_id, text): (Option<&str>, &str),
    key: &str,
    made_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Result<CheckInOutcome, Problem>, AppError> {
    let action = "suggestion.record";
    traced(action, asking, async {
        let client = asking.as_role(Role::Client)?;
        let Ok(text) = PlainText::parse(text, SUGGESTION_MAX_CHARS) else {
            return Ok(Err(Problem::SuggestionInvalid));
        };
        let goal = match goal_id.filter(|g| !g.is_empty()) {
            None => None,
            Some(raw) => match RecordId::parse(raw) {
                Some(goal) => Some(goal),
                None => return Ok(Ok(CheckInOutcome::NotFound)),
            },
        };
        let mut change = db.change().await?;
        let at = made_at.unwrap_or(now).min(now);
        let outcome = db::record_suggestion(
            &mut change,
            &client.person_id,
            goal.as_ref(),
            text.as_str(),
            key,
            at,
        )
        .await?;
        if outcome == CheckInOutcome::Recorded {
            let entry = audit::allowed(asking, action).about(&client.person_id);
            change.keep(&[entry], now).await?;
        }
        Ok(Ok(outcome))
    })
    .await
}

/// Takes a waiting suggestion into the draft in the client's words: a new goal (in the part
/// of life the case manager chose) or a new step on its goal, for the client to do.
pub async fn take(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    suggestion_id: &str,
    domain: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "suggestion.take";
    traced(action, asking, async {
        let (person, home) = case_manager_of(db, asking, client_id).await?;
        let id = RecordId::parse(suggestion_id).ok_or(AppError::NotFound)?;
        let mut change = db.change().await?;
        let suggestion =
            db::suggestion_for_case_manager(&mut change, &person.person_id, &home.client_id, &id)
                .await?
                .ok_or(AppError::NotFound)?;
        if suggestion.state != SuggestionState::Waiting {
            return Ok(settled_already(&suggestion, SuggestionState::Taken));
        }
        let words = PlainText::parse(&suggestion.text, SUGGESTION_MAX_CHARS)
            .map_err(|_| AppError::NotFound)?;
        let now = Utc::now();
        let saved = match &suggestion.goal_id {
            None => {
                let Ok(domain) = LifeDomain::from_code(domain) else {
                    let mut problems = crate::domain::FieldProblems::default();
                    problems.add("domain", "Please choose one of the options.");
                    return Ok(SaveAnswer::Invalid(problems));
                };
                let goal = GoalFields {
                    domain,
                    horizon: Horizon::ShortTerm,
                    own_words: words,
                    status: GoalStatus::NotStarted,
                    target_on: None,
                };
                db::save_goal(&mut change, &home.client_id, None, 0, &goal, now).await?
            }
            Some(goal_id) => {
                let step = StepFields {
                    description: words,
                    doer: StepDoer::Client,
                    due_on: None,
                    done_on: None,
                };
                db::save_step(&mut change, &home.client_id, goal_id, None, 0, &step).await?
            }
        };
        if !matches!(saved, Saved::Saved { .. }) {
            return Err(AppError::NotFound);
        }
        let taken = (SuggestionState::Taken, None);
        if !db::settle_suggestion(
            &mut change,
            &home.client_id,
            &id,
            taken,
            &person.person_id,
            now,
        )
        .await?
        {
            return Ok(settled_already(&suggestion, SuggestionState::Taken));
        }
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id.to_string())), entry).await
    })
    .await
}

/// Answers a waiting suggestion in words for the client.
pub async fn answer(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    suggestion_id: &str,
    answer: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "suggestion.answer";
    traced(action, asking, async {
        let (person, home) = case_manager_of(db, asking, client_id).await?;
        let id = RecordId::parse(suggestion_id).ok_or(AppError::NotFound)?;
        let words = match PlainText::parse(answer, SUGGESTION_ANSWER_MAX_CHARS) {
            Ok(words) => words,
            Err(error) => {
                let mut problems = crate::domain::FieldProblems::default();
                problems.add("answer", error.to_string());
                return Ok(SaveAnswer::Invalid(problems));
            }
        };
        let mut change = db.change().await?;
        let answered = (SuggestionState::Answered, Some(words.as_str()));
        let now = Utc::now();
        if !db::settle_suggestion(
            &mut change,
            &home.client_id,
            &id,
            answered,
            &person.person_id,
            now,
        )
        .await?
        {
            let stored = db::suggestion_for_case_manager(
                &mut change,
                &person.person_id,
                &home.client_id,
                &id,
            )
            .await?
            .ok_or(AppError::NotFound)?;
            return Ok(settled_already(&stored, SuggestionState::Answered));
        }
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id.to_string())), entry).await
    })
    .await
}

/// A colleague settled the suggestion first: what they did, beside what this one tried.
fn settled_already(stored: &Suggestion, tried: SuggestionState) -> SaveAnswer {
    let rows = |state: SuggestionState, answer: Option<&str>| {
        vec![
            row("What became of it", state.staff_label()),
            row("Answer", answer.unwrap_or("None")),
        ]
    };
    SaveAnswer::Conflict {
        theirs: rows(stored.state, stored.answer.as_deref()),
        yours: rows(tried, None),
        version: 0,
    }
}
