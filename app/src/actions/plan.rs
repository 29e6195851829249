//! The client's support plan as their case managers edit it: goals and steps changed in the
//! working copy (a draft) under version checks, goals moved, and the draft sent to the
//! client as a new revision with a summary.
use super::{answer_of, date_or_none, kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db, Sent};
use crate::domain::{
    check_summary, row, Goal, GoalForm, Notice, RecordId, SaveAnswer, Step, StepForm,
};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::Utc;

/// A goal as the rows of a conflict message.
fn goal_rows(goal: &Goal) -> Vec<(String, String)> {
    let steps = goal
        .steps
        .iter()
        .map(|s| {
            let done = if s.is_done() { " (done)" } else { "" };
            format!("{}{done}", s.description)
        })
        .collect::<Vec<_>>()
        .join("; ");
    vec![
        row("Goal", goal.own_words.as_str()),
        row("Status", goal.status.label()),
        row("Target date", date_or_none(goal.target_date)),
        row("Steps", steps),
    ]
}

fn step_rows(step: &Step) -> Vec<(String, String)> {
    vec![
        row("Step", step.description.as_str()),
        row("Who", step.doer.label()),
        row("Due", date_or_none(step.due_on)),
        row("Done on", date_or_none(step.done_on)),
    ]
}

/// Adds a goal (empty `goal_id`) or changes one, if it is still at `version`.
pub async fn save_goal(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    goal_id: &str,
    version: i64,
    form: GoalForm,
) -> Result<SaveAnswer, AppError> {
    let action = "plan.goal.save";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let fields = match form.check(local_now(&home).date()) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let goal_id = RecordId::parse_or_new(goal_id).map_err(|_| AppError::NotFound)?;
        let mut change = db.change().await?;
        let saved = db::save_goal(
            &mut change,
            &home.client_id,
            goal_id.as_ref(),
            version,
            &fields,
            Utc::now(),
        )
        .await?;
        let yours = vec![
            row("Goal", fields.own_words.as_str()),
            row("Status", fields.status.label()),
            row("Target date", date_or_none(fields.target_on)),
        ];
        let answer = answer_of(saved, yours, |goal| Some((goal_rows(goal), goal.version)))?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, answer, entry).await
    })
    .await
}

/// Adds a step to a goal (empty `step_id`) or changes one, if it is still at `version`.
pub async fn save_step(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    goal_id: &str,
    step_id: &str,
    version: i64,
    form: StepForm,
) -> Result<SaveAnswer, AppError> {
    let action = "plan.step.save";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let fields = match form.check(local_now(&home).date()) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let goal_id = RecordId::parse(goal_id).ok_or(AppError::NotFound)?;
        let step_id = RecordId::parse_or_new(step_id).map_err(|_| AppError::NotFound)?;
        let mut change = db.change().await?;
        let saved = db::save_step(
            &mut change,
            &home.client_id,
            &goal_id,
            step_id.as_ref(),
            version,
            &fields,
        )
        .await?;
        let yours = vec![
            row("Step", fields.description.as_str()),
            row("Who", fields.doer.label()),
            row("Due", date_or_none(fields.due_on)),
            row("Done on", date_or_none(fields.done_on)),
        ];
        let answer = answer_of(saved, yours, |goal| {
            let step = goal
                .steps
                .iter()
                .find(|s| Some(&s.id) == step_id.as_ref())?;
            Some((step_rows(step), step.version))
        })?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, answer, entry).await
    })
    .await
}

/// Moves a goal one place "up" or "down" in the plan.
pub async fn move_goal(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    goal_id: &str,
    direction: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "plan.goal.move";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let goal_id = RecordId::parse(goal_id).ok_or(AppError::NotFound)?;
        let up = match direction {
            "up" => true,
            "down" => false,
            _ => return Err(AppError::NotFound),
        };
        let mut change = db.change().await?;
        if !db::move_goal(&mut change, &home.client_id, &goal_id, up).await? {
            return Err(AppError::NotFound);
        }
        let entry = audit::allowed(asking, action).about(&home.client_id);
        let saved = (SaveAnswer::Saved, Some(goal_id.to_string()));
        kept_if_saved(change, saved, entry).await
    })
    .await
}

/// Sends the draft to the client as a new revision with a summary, unless someone sent one
/// after `after_revision` or nothing changed.
pub async fn send_plan(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    after_revision: i64,
    summary: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "plan.send";
    traced(action, asking, async {
        let (sender, home) = case_manager_of(db, asking, client_id).await?;
        let summary = match check_summary(summary) {
            Ok(summary) => summary,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let now = Utc::now();
        let mut change = db.change().await?;
        let sent = db::send_plan_update(
            &mut change,
            &home.client_id,
            summary.as_str(),
            &sender.person_id,
            after_revision,
            now,
        )
        .await?;
        // The client hears of it, in the same change: sent and told, or neither.
        if let Sent::Sent { number } = &sent {
            let notice = Notice::plan_updated(*number);
            db::queue_notice(&mut change, &home.client_id, &notice, now).await?;
        }
        let answer = match sent {
            Sent::Sent { number } => (SaveAnswer::Saved, Some(number.to_string())),
            Sent::NothingChanged => (SaveAnswer::NothingToSend, None),
            Sent::Outdated { .. } => (SaveAnswer::Outdated, None),
        };
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, answer, entry).await
    })
    .await
}
