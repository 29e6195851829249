use super::{
    date_text, instant_text, new_id, read_id, read_instant, read_optional_date, Db, DbError, Result,
};
use crate::domain::{
    Goal, GoalStatus, Horizon, LifeDomain, PlanRevision, Step, StepDoer, SupportPlan,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct RevisionRow {
    number: i64,
    summary: String,
    sent_at: String,
    sent_by: String,
}

#[derive(sqlx::FromRow)]
struct GoalRow {
    id: String,
    domain: String,
    horizon: String,
    own_words: String,
    status: String,
    target_on: Option<String>,
    added_in: i64,
    changed_in: i64,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    id: String,
    goal_id: String,
    description: String,
    doer: String,
    due_on: Option<String>,
    done_on: Option<String>,
}

/// The client's plan as last sent: the latest revision and the goals with their steps.
pub async fn support_plan(db: &Db, client_id: &str) -> Result<SupportPlan> {
    let mut conn = db.pool().acquire().await?;
    let latest: Option<RevisionRow> = sqlx::query_as(
        "SELECT r.number, r.summary, r.sent_at, p.display_name AS sent_by
         FROM plan_revisions r
         JOIN support_plans sp ON sp.id = r.plan_id
         JOIN people p ON p.id = r.sent_by
         WHERE sp.client_id = $1
         ORDER BY r.number DESC
         LIMIT 1",
    )
    .bind(client_id)
    .fetch_optional(&mut *conn)
    .await?;
    let latest = latest
        .map(|r| {
            Ok::<_, DbError>(PlanRevision {
                number: r.number,
                summary: r.summary,
                sent_at: read_instant(&r.sent_at)?,
                sent_by: r.sent_by,
            })
        })
        .transpose()?;
    let goals = goals_of_client(&mut conn, client_id).await?;
    Ok(SupportPlan { latest, goals })
}

async fn goals_of_client(conn: &mut AnyConnection, client_id: &str) -> Result<Vec<Goal>> {
    let goal_rows: Vec<GoalRow> = sqlx::query_as(
        "SELECT g.id, g.domain, g.horizon, g.own_words, g.status, g.target_on, g.added_in,
                g.changed_in
         FROM goals g
         JOIN support_plans sp ON sp.id = g.plan_id
         WHERE sp.client_id = $1
         ORDER BY g.position, g.id",
    )
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    let step_rows: Vec<StepRow> = sqlx::query_as(
        "SELECT s.id, s.goal_id, s.description, s.doer, s.due_on, s.done_on
         FROM steps s
         JOIN goals g ON g.id = s.goal_id
         JOIN support_plans sp ON sp.id = g.plan_id
         WHERE sp.client_id = $1
         ORDER BY s.position, s.id",
    )
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;

    let mut goals = goal_rows
        .into_iter()
        .map(|g| {
            Ok(Goal {
                id: read_id(&g.id)?,
                domain: LifeDomain::from_code(&g.domain)?,
                horizon: Horizon::from_code(&g.horizon)?,
                own_words: g.own_words,
                status: GoalStatus::from_code(&g.status)?,
                target_date: read_optional_date(g.target_on)?,
                steps: Vec::new(),
                added_in: g.added_in,
                changed_in: g.changed_in,
            })
        })
        .collect::<Result<Vec<Goal>>>()?;
    for s in step_rows {
        let step = Step {
            id: read_id(&s.id)?,
            description: s.description,
            doer: StepDoer::from_code(&s.doer)?,
            due_on: read_optional_date(s.due_on)?,
            done_on: read_optional_date(s.done_on)?,
        };
        if let Some(goal) = goals.iter_mut().find(|g| g.id.as_str() == s.goal_id) {
            goal.steps.push(step);
        }
    }
    Ok(goals)
}

pub async fn create_support_plan(
    conn: &mut AnyConnection,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = new_id();
    sqlx::query("INSERT INTO support_plans (id, client_id, created_at) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(client_id)
        .bind(instant_text(now))
        .execute(conn)
        .await?;
    Ok(id)
}

pub struct NewGoal<'a> {
    pub domain: LifeDomain,
    pub horizon: Horizon,
    pub own_words: &'a str,
    pub status: GoalStatus,
    pub target_on: Option<NaiveDate>,
    pub position: i64,
    /// The revision that will carry this goal to the client.
    pub revision: i64,
}

pub async fn insert_goal(
    conn: &mut AnyConnection,
    plan_id: &str,
    goal: &NewGoal<'_>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO goals (id, plan_id, domain, horizon, own_words, status, target_on, position,
                            added_in, changed_in)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(&id)
    .bind(plan_id)
    .bind(goal.domain.code())
    .bind(goal.horizon.code())
    .bind(goal.own_words)
    .bind(goal.status.code())
    .bind(goal.target_on.map(date_text))
    .bind(goal.position)
    .bind(goal.revision)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Changes a goal's status as part of the revision `revision`.
pub async fn set_goal_status(
    conn: &mut AnyConnection,
    goal_id: &str,
    status: GoalStatus,
    revision: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE goals SET status = $1, changed_in = $2, version = version + 1 WHERE id = $3",
    )
    .bind(status.code())
    .bind(revision)
    .bind(goal_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewStep<'a> {
    pub description: &'a str,
    pub doer: StepDoer,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub position: i64,
}

pub async fn insert_step(
    conn: &mut AnyConnection,
    goal_id: &str,
    step: &NewStep<'_>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO steps (id, goal_id, position, description, doer, due_on, done_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(goal_id)
    .bind(step.position)
    .bind(step.description)
    .bind(step.doer.code())
    .bind(step.due_on.map(date_text))
    .bind(step.done_on.map(date_text))
    .execute(conn)
    .await?;
    Ok(id)
}

/// Sends the plan as it now stands to the client: a new numbered revision with the case
/// manager's summary and a copy of every goal, kept for good.
pub async fn send_plan_revision(
    conn: &mut AnyConnection,
    client_id: &str,
    summary: &str,
    sent_by: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let plan_id: String = sqlx::query_scalar("SELECT id FROM support_plans WHERE client_id = $1")
        .bind(client_id)
        .fetch_one(&mut *conn)
        .await?;
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM plan_revisions WHERE plan_id = $1",
    )
    .bind(&plan_id)
    .fetch_one(&mut *conn)
    .await?;
    let goals = goals_of_client(conn, client_id).await?;
    let snapshot = serde_json::to_string(&goals)
        .map_err(|e| DbError::Corrupt(format!("plan snapshot: {e}")))?;
    sqlx::query(
        "INSERT INTO plan_revisions (plan_id, number, summary, snapshot, sent_by, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&plan_id)
    .bind(number)
    .bind(summary)
    .bind(snapshot)
    .bind(sent_by)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    Ok(number)
}

/// The goals as they were sent in revision `number`, for comparing revisions.
pub async fn plan_snapshot(db: &Db, client_id: &str, number: i64) -> Result<Option<Vec<Goal>>> {
    let snapshot: Option<String> = sqlx::query_scalar(
        "SELECT r.snapshot FROM plan_revisions r
         JOIN support_plans sp ON sp.id = r.plan_id
         WHERE sp.client_id = $1 AND r.number = $2",
    )
    .bind(client_id)
    .bind(number)
    .fetch_optional(db.pool())
    .await?;
    snapshot
        .map(|text| {
            serde_json::from_str(&text).map_err(|e| DbError::Corrupt(format!("plan snapshot: {e}")))
        })
        .transpose()
}
