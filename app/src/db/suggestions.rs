//! What clients suggest for their plans: recorded once per key, settled once (taken into
//! the draft or answered).
use super::{instant_text, new_id, read_id, read_instant, CheckInOutcome, Db, Result};
use crate::domain::{RecordId, Suggestion, SuggestionState};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct SuggestionRow {
    id: String,
    goal_id: Option<String>,
    goal: Option<String>,
    body: String,
    suggested_at: String,
    state: String,
    answer: Option<String>,
}

impl TryFrom<SuggestionRow> for Suggestion {
    type Error = super::DbError;

    fn try_from(row: SuggestionRow) -> Result<Self> {
        Ok(Suggestion {
            id: read_id(&row.id)?,
            text: row.body,
            goal: row.goal,
            goal_id: row.goal_id.as_deref().map(read_id).transpose()?,
            suggested_on: read_instant(&row.suggested_at)?.date_naive(),
            state: SuggestionState::from_code(&row.state)?,
            answer: row.answer,
        })
    }
}

/// Records a suggestion of the client's exactly once per key; a step only on one of their
/// own goals.
pub async fn record_suggestion(
    conn: &mut AnyConnection,
    client_id: &str,
    goal_id: Option<&RecordId>,
    text: &str,
    idempotency_key: &str,
    at: DateTime<Utc>,
) -> Result<CheckInOutcome> {
    if let Some(goal_id) = goal_id {
        let owned: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM goals g JOIN support_plans sp ON sp.id = g.plan_id
             WHERE g.id = $1 AND sp.client_id = $2",
        )
        .bind(goal_id.as_str())
        .bind(client_id)
        .fetch_one(&mut *conn)
        .await?;
        if owned == 0 {
            return Ok(CheckInOutcome::NotFound);
        }
    }
    let done = sqlx::query(
        "INSERT INTO plan_suggestions (id, client_id, goal_id, body, idempotency_key,
                                       suggested_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (client_id, idempotency_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(client_id)
    .bind(goal_id.map(RecordId::as_str))
    .bind(text)
    .bind(idempotency_key)
    .bind(instant_text(at))
    .execute(conn)
    .await?;
    Ok(if done.rows_affected() == 1 {
        CheckInOutcome::Recorded
    } else {
        CheckInOutcome::AlreadyRecorded
    })
}

/// The client's suggestions as they see them, newest first: without the words of the goal a
/// step is for (the page takes those from the plan they were sent, never from the draft).
pub async fn suggestions_of_client(db: &Db, client_id: &str) -> Result<Vec<Suggestion>> {
    let rows: Vec<SuggestionRow> = sqlx::query_as(
        "SELECT id, goal_id, NULL AS goal, body, suggested_at, state, answer
         FROM plan_suggestions WHERE client_id = $1
         ORDER BY suggested_at DESC, id DESC",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(Suggestion::try_from).collect()
}

const FOR_CARE_TEAM: &str = "SELECT s.id, s.goal_id, g.own_words AS goal, s.body, s.suggested_at,
            s.state, s.answer
     FROM plan_suggestions s
     JOIN care_team t ON t.client_id = s.client_id AND t.case_manager_id = $1
     LEFT JOIN goals g ON g.id = s.goal_id
     WHERE s.client_id = $2";

/// The suggestions of a client on this case manager's care team, newest first; none for
/// anyone else's client.
pub async fn suggestions_for_case_manager(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
) -> Result<Vec<Suggestion>> {
    let rows: Vec<SuggestionRow> = sqlx::query_as(&format!(
        "{FOR_CARE_TEAM} ORDER BY s.suggested_at DESC, s.id DESC"
    ))
    .bind(case_manager_id)
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(Suggestion::try_from).collect()
}

/// One suggestion of a client on this case manager's care team, as it stands.
pub async fn suggestion_for_case_manager(
    conn: &mut AnyConnection,
    case_manager_id: &str,
    client_id: &str,
    suggestion_id: &RecordId,
) -> Result<Option<Suggestion>> {
    let row: Option<SuggestionRow> = sqlx::query_as(&format!("{FOR_CARE_TEAM} AND s.id = $3"))
        .bind(case_manager_id)
        .bind(client_id)
        .bind(suggestion_id.as_str())
        .fetch_optional(conn)
        .await?;
    row.map(Suggestion::try_from).transpose()
}

/// Settles a waiting suggestion: taken into the draft, or answered. False when it was no
/// longer waiting (a colleague settled it first).
pub async fn settle_suggestion(
    conn: &mut AnyConnection,
    client_id: &str,
    suggestion_id: &RecordId,
    (state, answer): (SuggestionState, Option<&str>),
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let settled = sqlx::query(
        "UPDATE plan_suggestions SET state = $1, answer = $2, answered_by = $3, answered_at = $4
         WHERE client_id = $5 AND id = $6 AND state = 'waiting'",
    )
    .bind(state.code())
    .bind(answer)
    .bind(by)
    .bind(instant_text(now))
    .bind(client_id)
    .bind(suggestion_id.as_str())
    .execute(conn)
    .await?;
    Ok(settled.rows_affected() == 1)
}
