//! The caseload overview: a handful of queries, each over the whole caseload at once, so the
//! cost grows with the number of clients only through indexed scans, never a query per client.
use super::{date_text, local_time_text, read_date, read_instant, read_local_time, Db, Result};
use crate::domain::{
    next_review_on, Attention, CaseloadEntry, ReviewTiming, Stage, MISSED_RECENT_DAYS,
};
use chrono::{Duration, NaiveDateTime};
use std::collections::{HashMap, HashSet};

/// Which of the case manager's clients a query is about: all of them (`only` is `""`) or
/// the one bound as `$2`. Two texts rather than `($2 = '' OR t.client_id = $2)`: through the
/// OR no planner uses the client's index, and one client's record read the whole caseload.
fn in_scope(sql: &str, only: &str) -> String {
    let scope = if only.is_empty() {
        "$2 = ''"
    } else {
        "t.client_id = $2"
    };
    sql.replace("IN_SCOPE", scope)
}

/// Client ids and one text value each, from a query with the case manager's id as `$1`,
/// the one client it is limited to (or `""`) as `$2`, and `bind` from `$3`.
async fn per_client(
    db: &Db,
    sql: &str,
    case_manager_id: &str,
    only: &str,
    bind: &[String],
) -> Result<HashMap<String, String>> {
    let sql = in_scope(sql, only);
    let mut query = sqlx::query_as::<_, (String, String)>(&sql)
        .bind(case_manager_id)
        .bind(only);
    for value in bind {
        query = query.bind(value);
    }
    Ok(query.fetch_all(db.pool()).await?.into_iter().collect())
}

/// The case manager's clients with stage, next appointment, last contact and what needs
/// attention. `now` is the program's wall clock.
pub async fn caseload_overview(
    db: &Db,
    case_manager_id: &str,
    now: NaiveDateTime,
) -> Result<Vec<CaseloadEntry>> {
    entries(db, case_manager_id, "", now).await
}

/// The same for one client on the case manager's caseload (none for anyone else's).
pub async fn caseload_entry(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
    now: NaiveDateTime,
) -> Result<Option<CaseloadEntry>> {
    if client_id.is_empty() {
        return Ok(None);
    }
    let mut one = entries(db, case_manager_id, client_id, now).await?;
    Ok(one.pop())
}

async fn entries(
    db: &Db,
    case_manager_id: &str,
    only: &str,
    now: NaiveDateTime,
) -> Result<Vec<CaseloadEntry>> {
    let clients = if only.is_empty() {
        super::caseload(db, case_manager_id).await?
    } else {
        super::caseload_client(db, case_manager_id, only)
            .await?
            .into_iter()
            .collect()
    };
    let stage_sql = in_scope(
        "SELECT c.client_id, s.stage
         FROM care_team t
         JOIN stage_changes c ON c.client_id = t.client_id
         JOIN stage_change_stages s ON s.stage_change_id = c.id
         WHERE t.case_manager_id = $1 AND IN_SCOPE
           AND c.id = (SELECT c2.id FROM stage_changes c2 WHERE c2.client_id = c.client_id
                       ORDER BY c2.effective_on DESC, c2.recorded_at DESC, c2.id DESC LIMIT 1)
         ORDER BY c.client_id, s.stage",
        only,
    );
    let stage_rows: Vec<(String, String)> = sqlx::query_as(&stage_sql)
        .bind(case_manager_id)
        .bind(only)
        .fetch_all(db.pool())
        .await?;
    let mut stages: HashMap<String, Vec<Stage>> = HashMap::new();
    for (client, stage) in stage_rows {
        stages
            .entry(client)
            .or_default()
            .push(Stage::from_code(&stage)?);
    }
    let now_text = local_time_text(now);
    let next = per_client(
        db,
        "SELECT a.client_id, MIN(a.starts_at) FROM appointments a
         JOIN care_team t ON t.client_id = a.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE a.starts_at >= $3 AND a.status IN ('scheduled', 'confirmed')
         GROUP BY a.client_id",
        case_manager_id,
        only,
        std::slice::from_ref(&now_text),
    )
    .await?;
    let attended = per_client(
        db,
        "SELECT a.client_id, MAX(a.starts_at) FROM appointments a
         JOIN care_team t ON t.client_id = a.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE a.status = 'attended' AND a.starts_at < $3
         GROUP BY a.client_id",
        case_manager_id,
        only,
        std::slice::from_ref(&now_text),
    )
    .await?;
    let checked_in = per_client(
        db,
        "SELECT c.client_id, MAX(c.created_at) FROM check_ins c
         JOIN care_team t ON t.client_id = c.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         GROUP BY c.client_id",
        case_manager_id,
        only,
        &[],
    )
    .await?;
    let noted = per_client(
        db,
        "SELECT n.client_id, MAX(n.contact_on) FROM case_notes n
         JOIN care_team t ON t.client_id = n.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE n.kind <> 'no_answer'
         GROUP BY n.client_id",
        case_manager_id,
        only,
        &[],
    )
    .await?;
    let new_check_ins = per_client(
        db,
        "SELECT c.client_id, MAX(c.created_at) FROM check_ins c
         JOIN care_team t ON t.client_id = c.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE t.check_ins_seen_at IS NULL OR c.created_at > t.check_ins_seen_at
         GROUP BY c.client_id",
        case_manager_id,
        only,
        &[],
    )
    .await?;
    let closed = per_client(
        db,
        "SELECT e.client_id, e.closed_on FROM episodes e
         JOIN care_team t ON t.client_id = e.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE e.closed_on IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM episodes later
                           WHERE later.client_id = e.client_id AND later.number > e.number)",
        case_manager_id,
        only,
        &[],
    )
    .await?;
    let unassessed = per_client(
        db,
        "SELECT e.client_id, e.opened_on FROM episodes e
         JOIN care_team t ON t.client_id = e.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE e.closed_on IS NULL AND e.number > 1
           AND NOT EXISTS (SELECT 1 FROM assessments a
                           WHERE a.client_id = e.client_id AND a.recorded_at > e.opened_at)",
        case_manager_id,
        only,
        &[],
    )
    .await?;
    let written = per_client(
        db,
        "SELECT m.client_id, MAX(m.sent_at) FROM messages m
         JOIN care_team t ON t.client_id = m.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE m.handled_at IS NULL AND m.sender <> 'team'
         GROUP BY m.client_id",
        case_manager_id,
        only,
        &[],
    )
    .await?;
    let suggested = per_client(
        db,
        "SELECT s.client_id, MAX(s.suggested_at) FROM plan_suggestions s
         JOIN care_team t ON t.client_id = s.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE s.state = 'waiting'
         GROUP BY s.client_id",
        case_manager_id,
        only,
        &[],
    )
    .await?;
    let missed = per_client(
        db,
        "SELECT a.client_id, MAX(a.starts_at) FROM appointments a
         JOIN care_team t ON t.client_id = a.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE a.status = 'missed' AND a.starts_at >= $3
         GROUP BY a.client_id",
        case_manager_id,
        only,
        &[local_time_text(now - Duration::days(MISSED_RECENT_DAYS))],
    )
    .await?;
    let overdue = per_client(
        db,
        "SELECT sp.client_id, MIN(s.due_on) FROM steps s
         JOIN goals g ON g.id = s.goal_id
         JOIN support_plans sp ON sp.id = g.plan_id
         JOIN care_team t ON t.client_id = sp.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE s.done_on IS NULL AND s.due_on < $3
           AND g.status IN ('not_started', 'in_progress')
           AND NOT EXISTS (SELECT 1 FROM check_ins c
                           WHERE c.step_id = s.id AND c.kind = 'step_done')
         GROUP BY sp.client_id",
        case_manager_id,
        only,
        &[date_text(now.date())],
    )
    .await?;
    let follow_up = per_client(
        db,
        "SELECT r.client_id, MIN(r.follow_up_on) FROM referrals r
         JOIN care_team t ON t.client_id = r.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE r.follow_up_on < $3 AND r.status NOT IN ('completed', 'declined')
         GROUP BY r.client_id",
        case_manager_id,
        only,
        &[date_text(now.date())],
    )
    .await?;
    let agreed = per_client(
        db,
        "SELECT r.client_id, r.next_review_on FROM plan_reviews r
         JOIN care_team t ON t.client_id = r.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         WHERE r.id = (SELECT r2.id FROM plan_reviews r2 WHERE r2.client_id = r.client_id
                       ORDER BY r2.reviewed_on DESC, r2.recorded_at DESC, r2.id DESC LIMIT 1)",
        case_manager_id,
        only,
        &[],
    )
    .await?;
    let first_sent = per_client(
        db,
        "SELECT sp.client_id, MIN(r.sent_at) FROM plan_revisions r
         JOIN support_plans sp ON sp.id = r.plan_id
         JOIN care_team t ON t.client_id = sp.client_id AND t.case_manager_id = $1 AND IN_SCOPE
         GROUP BY sp.client_id",
        case_manager_id,
        only,
        &[],
    )
    .await?;

    clients
        .into_iter()
        .map(|client| {
            let id = client.client_id;
            let attended_on = attended
                .get(&id)
                .map(|at| read_local_time(at).map(|at| at.date()))
                .transpose()?;
            let checked_in_on = checked_in
                .get(&id)
                .map(|at| read_instant(at).map(|at| at.date_naive()))
                .transpose()?;
            let noted_on = noted.get(&id).map(|on| read_date(on)).transpose()?;
            let next_review = next_review_on(
                agreed.get(&id).map(|on| read_date(on)).transpose()?,
                first_sent
                    .get(&id)
                    .map(|at| read_instant(at).map(|at| at.date_naive()))
                    .transpose()?,
            );
            let review = next_review.map(|on| ReviewTiming::of(on, now.date()));
            let flagged: HashSet<Attention> = [
                (Attention::NewMessage, written.contains_key(&id)),
                (Attention::NewCheckIn, new_check_ins.contains_key(&id)),
                (Attention::NewSuggestion, suggested.contains_key(&id)),
                (Attention::MissedAppointment, missed.contains_key(&id)),
                (Attention::OverdueStep, overdue.contains_key(&id)),
                (Attention::ReferralFollowUp, follow_up.contains_key(&id)),
                (
                    Attention::ReviewOverdue,
                    review == Some(ReviewTiming::Overdue),
                ),
                (Attention::ReviewSoon, review == Some(ReviewTiming::Soon)),
                (Attention::AssessmentDue, unassessed.contains_key(&id)),
            ]
            .into_iter()
            .filter_map(|(attention, flagged)| flagged.then_some(attention))
            .collect();
            let closed_on = closed.get(&id).map(|on| read_date(on)).transpose()?;
            Ok(CaseloadEntry {
                stages: stages.remove(&id).unwrap_or_default(),
                next_appointment: next.get(&id).map(|at| read_local_time(at)).transpose()?,
                last_contact: attended_on.max(checked_in_on).max(noted_on),
                next_review,
                // A closed case asks for nothing until it is reopened.
                attention: Attention::ALL
                    .iter()
                    .copied()
                    .filter(|a| closed_on.is_none() && flagged.contains(a))
                    .collect(),
                closed_on,
                preferred_name: client.preferred_name,
                client_id: id,
            })
        })
        .collect()
}
