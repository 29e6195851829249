use super::{
    date_text, instant_text, new_id, read_id, read_instant, read_optional_date, saved_or_stored,
    Db, Result, Saved,
};
use crate::domain::{
    compare_plans, Goal, GoalFields, GoalStatus, Horizon, LifeDomain, PlanChange, PlanRevision,
    RecordId, Step, StepDoer, StepFields, SupportPlan,
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

impl RevisionRow {
    fn revision(self) -> Result<PlanRevision> {
        Ok(PlanRevision {
            number: self.number,
            summary: self.summary,
            sent_at: read_instant(&self.sent_at)?,
            sent_by: self.sent_by,
        })
    }
}

/// A revision with the plan as it was sent.
#[derive(sqlx::FromRow)]
struct SentRow {
    #[sqlx(flatten)]
    revision: RevisionRow,
    snapshot: String,
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
    version: i64,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    id: String,
    goal_id: String,
    description: String,
    doer: String,
    due_on: Option<String>,
    done_on: Option<String>,
    version: i64,
}

fn read_snapshot(text: &str) -> Result<Vec<Goal>> {
    Ok(serde_json::from_str(text)?)
}

/// The plan as the client has it: the latest revision sent, with what changed since the one
/// before, the steps the client has ticked off since (their check-ins count at once), the
/// review dates and the latest assessment's summary.
pub async fn support_plan(db: &Db, client_id: &str) -> Result<SupportPlan> {
    let mut conn = db.pool().acquire().await?;
    // The latest revision and the one before it, for what changed between them.
    let (latest, goals, changes) = sent_plan(&mut conn, client_id, 2).await?;
    let (next_review, last_reviewed) = super::review_dates_in(&mut conn, client_id).await?;
    drop(conn);
    let assessment = super::assessments_of_client(db, client_id, 1)
        .await?
        .first()
        .map(|a| a.summary());
    Ok(SupportPlan {
        latest,
        goals,
        changes,
        next_review,
        last_reviewed,
        assessment,
        suggestions: super::suggestions_of_client(db, client_id).await?,
    })
}

/// Only the goals of the plan as the client has it (for Today and a supporter's share).
pub async fn sent_goals(db: &Db, client_id: &str) -> Result<Vec<Goal>> {
    let mut conn = db.pool().acquire().await?;
    Ok(sent_plan(&mut conn, client_id, 1).await?.1)
}

/// The latest revision sent and its goals with the steps ticked off since; with
/// `revisions` 2, what changed since the one before.
async fn sent_plan(
    conn: &mut AnyConnection,
    client_id: &str,
    revisions: i64,
) -> Result<(Option<PlanRevision>, Vec<Goal>, Vec<PlanChange>)> {
    let mut rows: Vec<SentRow> = sqlx::query_as(
        "SELECT r.number, r.summary, r.sent_at, p.display_name AS sent_by, r.snapshot
         FROM plan_revisions r
         JOIN support_plans sp ON sp.id = r.plan_id
         JOIN people p ON p.id = r.sent_by
         WHERE sp.client_id = $1
         ORDER BY r.number DESC
         LIMIT $2",
    )
    .bind(client_id)
    .bind(revisions)
    .fetch_all(&mut *conn)
    .await?;
    let before = match rows.get(1) {
        Some(row) => read_snapshot(&row.snapshot)?,
        None => Vec::new(),
    };
    rows.truncate(1);
    let (latest, mut goals) = match rows.pop() {
        Some(row) => {
            let goals = read_snapshot(&row.snapshot)?;
            (Some(row.revision.revision()?), goals)
        }
        None => (None, Vec::new()),
    };
    let changes = compare_plans(&before, &goals)
        .into_iter()
        .filter_map(|d| {
            let own_words = d.after.or(d.before)?.own_words;
            Some(PlanChange {
                goal_id: d.id,
                change: d.change,
                own_words,
            })
        })
        .collect();
    let ticked: Vec<(String, String)> = sqlx::query_as(
        "SELECT step_id, MIN(created_at) FROM check_ins
         WHERE client_id = $1 AND kind = 'step_done'
         GROUP BY step_id",
    )
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    for (step_id, at) in ticked {
        let on = read_instant(&at)?.date_naive();
        for step in goals.iter_mut().flat_map(|g| g.steps.iter_mut()) {
            if step.id.as_str() == step_id && step.done_on.is_none() {
                step.done_on = Some(on);
            }
        }
    }
    Ok((latest, goals, changes))
}

/// The plan as the case managers are editing it: the goals and steps with their versions.
/// What differs from the latest revision is the draft, until it is sent.
pub async fn working_plan(db: &Db, client_id: &str) -> Result<Vec<Goal>> {
    let mut conn = db.pool().acquire().await?;
    goals_of_client(&mut conn, client_id).await
}

/// Every revision sent to the client, newest first.
pub async fn plan_revisions(db: &Db, client_id: &str) -> Result<Vec<PlanRevision>> {
    let rows: Vec<RevisionRow> = sqlx::query_as(
        "SELECT r.number, r.summary, r.sent_at, p.display_name AS sent_by
         FROM plan_revisions r
         JOIN support_plans sp ON sp.id = r.plan_id
         JOIN people p ON p.id = r.sent_by
         WHERE sp.client_id = $1
         ORDER BY r.number DESC",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(RevisionRow::revision).collect()
}

async fn goals_of_client(conn: &mut AnyConnection, client_id: &str) -> Result<Vec<Goal>> {
    let goal_rows: Vec<GoalRow> = sqlx::query_as(
        "SELECT g.id, g.domain, g.horizon, g.own_words, g.status, g.target_on, g.added_in,
                g.changed_in, g.version
         FROM goals g
         JOIN support_plans sp ON sp.id = g.plan_id
         WHERE sp.client_id = $1
         ORDER BY g.position, g.id",
    )
    .bind(client_id)
    .fetch_all(&mut *conn)
    .await?;
    let step_rows: Vec<StepRow> = sqlx::query_as(
        "SELECT s.id, s.goal_id, s.description, s.doer, s.due_on, s.done_on, s.version
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
                version: g.version,
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
            version: s.version,
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
    let number = pending_revision(conn, client_id).await?;
    insert_revision(conn, client_id, number, summary, sent_by, now).await?;
    Ok(number)
}

/// Inserts revision `number`; the primary key refuses a number already taken.
async fn insert_revision(
    conn: &mut AnyConnection,
    client_id: &str,
    number: i64,
    summary: &str,
    sent_by: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let plan_id: String = sqlx::query_scalar("SELECT id FROM support_plans WHERE client_id = $1")
        .bind(client_id)
        .fetch_one(&mut *conn)
        .await?;
    let goals = goals_of_client(conn, client_id).await?;
    let snapshot = serde_json::to_string(&goals)?;
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
    Ok(())
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
    snapshot.as_deref().map(read_snapshot).transpose()
}

/// The number the next revision will have: edits made now are part of it.
async fn pending_revision(conn: &mut AnyConnection, client_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(r.number), 0) + 1 FROM plan_revisions r
         JOIN support_plans sp ON sp.id = r.plan_id
         WHERE sp.client_id = $1",
    )
    .bind(client_id)
    .fetch_one(conn)
    .await?)
}

async fn goal_of_client(
    conn: &mut AnyConnection,
    client_id: &str,
    goal_id: &RecordId,
) -> Result<Option<Goal>> {
    Ok(goals_of_client(conn, client_id)
        .await?
        .into_iter()
        .find(|g| &g.id == goal_id))
}

/// Adds a goal at the end of the client's plan (`goal_id` none), or changes one if it is
/// still at `expected_version`.
pub async fn save_goal(
    conn: &mut AnyConnection,
    client_id: &str,
    goal_id: Option<&RecordId>,
    expected_version: i64,
    fields: &GoalFields,
    now: DateTime<Utc>,
) -> Result<Saved<Goal>> {
    let pending = pending_revision(conn, client_id).await?;
    let Some(goal_id) = goal_id else {
        let plan_id: Option<String> =
            sqlx::query_scalar("SELECT id FROM support_plans WHERE client_id = $1")
                .bind(client_id)
                .fetch_optional(&mut *conn)
                .await?;
        let plan_id = match plan_id {
            Some(id) => id,
            None => create_support_plan(conn, client_id, now).await?,
        };
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM goals WHERE plan_id = $1",
        )
        .bind(&plan_id)
        .fetch_one(&mut *conn)
        .await?;
        let goal = NewGoal {
            domain: fields.domain,
            horizon: fields.horizon,
            own_words: fields.own_words.as_str(),
            status: fields.status,
            target_on: fields.target_on,
            position,
            revision: pending,
        };
        let id = insert_goal(conn, &plan_id, &goal).await?;
        return Ok(Saved::Saved { id, version: 1 });
    };
    let updated = sqlx::query(
        "UPDATE goals SET domain = $1, horizon = $2, own_words = $3, status = $4,
                          target_on = $5, changed_in = $6, version = version + 1
         WHERE id = $7 AND version = $8
           AND plan_id IN (SELECT id FROM support_plans WHERE client_id = $9)",
    )
    .bind(fields.domain.code())
    .bind(fields.horizon.code())
    .bind(fields.own_words.as_str())
    .bind(fields.status.code())
    .bind(fields.target_on.map(date_text))
    .bind(pending)
    .bind(goal_id.as_str())
    .bind(expected_version)
    .bind(client_id)
    .execute(&mut *conn)
    .await?;
    let stored = goal_of_client(conn, client_id, goal_id);
    saved_or_stored(updated.rows_affected(), goal_id, expected_version, stored).await
}

/// Adds a step at the end of a goal (`step_id` none), or changes one if it is still at
/// `expected_version`. Either way the goal counts as changed in the coming revision.
pub async fn save_step(
    conn: &mut AnyConnection,
    client_id: &str,
    goal_id: &RecordId,
    step_id: Option<&RecordId>,
    expected_version: i64,
    fields: &StepFields,
) -> Result<Saved<Goal>> {
    let pending = pending_revision(conn, client_id).await?;
    let marked = sqlx::query(
        "UPDATE goals SET changed_in = $1
         WHERE id = $2 AND plan_id IN (SELECT id FROM support_plans WHERE client_id = $3)",
    )
    .bind(pending)
    .bind(goal_id.as_str())
    .bind(client_id)
    .execute(&mut *conn)
    .await?;
    if marked.rows_affected() != 1 {
        return Ok(Saved::NotFound);
    }
    let Some(step_id) = step_id else {
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM steps WHERE goal_id = $1",
        )
        .bind(goal_id.as_str())
        .fetch_one(&mut *conn)
        .await?;
        let step = NewStep {
            description: fields.description.as_str(),
            doer: fields.doer,
            due_on: fields.due_on,
            done_on: fields.done_on,
            position,
        };
        let id = insert_step(conn, goal_id.as_str(), &step).await?;
        return Ok(Saved::Saved { id, version: 1 });
    };
    let updated = sqlx::query(
        "UPDATE steps SET description = $1, doer = $2, due_on = $3, done_on = $4,
                          version = version + 1
         WHERE id = $5 AND goal_id = $6 AND version = $7",
    )
    .bind(fields.description.as_str())
    .bind(fields.doer.code())
    .bind(fields.due_on.map(date_text))
    .bind(fields.done_on.map(date_text))
    .bind(step_id.as_str())
    .bind(goal_id.as_str())
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    let stored = async {
        let goal = goal_of_client(conn, client_id, goal_id).await?;
        Ok(goal.filter(|g| g.steps.iter().any(|s| &s.id == step_id)))
    };
    saved_or_stored(updated.rows_affected(), step_id, expected_version, stored).await
}

/// Moves a goal one place up or down in the client's plan. False if it is not theirs.
pub async fn move_goal(
    conn: &mut AnyConnection,
    client_id: &str,
    goal_id: &RecordId,
    up: bool,
) -> Result<bool> {
    let mut order: Vec<RecordId> = goals_of_client(conn, client_id)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let Some(at) = order.iter().position(|id| id == goal_id) else {
        return Ok(false);
    };
    let to = if up {
        at.saturating_sub(1)
    } else {
        (at + 1).min(order.len() - 1)
    };
    if to == at {
        return Ok(true);
    }
    order.swap(at, to);
    let pending = pending_revision(conn, client_id).await?;
    for (position, id) in (1_i64..).zip(&order) {
        sqlx::query("UPDATE goals SET position = $1 WHERE id = $2")
            .bind(position)
            .bind(id.as_str())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE goals SET changed_in = $1 WHERE id = $2")
        .bind(pending)
        .bind(goal_id.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// What became of sending a plan update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Sent {
        number: i64,
    },
    /// The plan is the same as the latest revision: there is nothing to send.
    NothingChanged,
    /// Someone sent revision `latest` after the sender last looked.
    Outdated {
        latest: i64,
    },
}

/// Sends the draft as a new revision, if there is one and nobody sent another meanwhile.
pub async fn send_plan_update(
    conn: &mut AnyConnection,
    client_id: &str,
    summary: &str,
    sent_by: &str,
    after_revision: i64,
    now: DateTime<Utc>,
) -> Result<Sent> {
    let latest = pending_revision(conn, client_id).await? - 1;
    if latest != after_revision {
        return Ok(Sent::Outdated { latest });
    }
    let working = goals_of_client(conn, client_id).await?;
    let sent: Option<String> = sqlx::query_scalar(
        "SELECT r.snapshot FROM plan_revisions r
         JOIN support_plans sp ON sp.id = r.plan_id
         WHERE sp.client_id = $1 AND r.number = $2",
    )
    .bind(client_id)
    .bind(latest)
    .fetch_optional(&mut *conn)
    .await?;
    let sent = sent.as_deref().map(read_snapshot).transpose()?;
    if working.is_empty() && sent.is_none()
        || sent.is_some_and(|sent| compare_plans(&sent, &working).is_empty())
    {
        return Ok(Sent::NothingChanged);
    }
    // The number the sender saw plus one, not whatever is next by now: an update sent
    // meanwhile has taken it, and this one is outdated rather than sent after it.
    let number = latest + 1;
    match insert_revision(conn, client_id, number, summary, sent_by, now).await {
        Ok(()) => Ok(Sent::Sent { number }),
        // Another update took this number after this one looked (on PostgreSQL, where
        // changes run side by side): the constraint decides, and this one is outdated.
        Err(error) if error.is_unique_violation() => Ok(Sent::Outdated { latest: latest + 1 }),
        Err(error) => Err(error),
    }
}
