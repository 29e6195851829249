//! Plan reviews: added, never changed, and the plan's next review date read from them.
use super::{date_text, instant_text, new_id, read_date, read_id, read_instant, Db, Result};
use crate::domain::{next_review_on, PlanReview, ReviewFields, ReviewParticipant};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: String,
    reviewed_on: String,
    other_services: Option<String>,
    what_reviewed: String,
    what_changed: Option<String>,
    next_review_on: String,
    recorded_by: String,
    recorded_at: String,
    who: String,
}

/// Every review of the client's plan, latest first.
pub async fn plan_reviews(db: &Db, client_id: &str) -> Result<Vec<PlanReview>> {
    let rows: Vec<ReviewRow> = sqlx::query_as(
        "SELECT r.id, r.reviewed_on, r.other_services, r.what_reviewed, r.what_changed,
                r.next_review_on, p.display_name AS recorded_by, r.recorded_at, w.who
         FROM plan_reviews r
         JOIN people p ON p.id = r.recorded_by
         JOIN plan_review_people w ON w.review_id = r.id
         WHERE r.client_id = $1
         ORDER BY r.reviewed_on DESC, r.recorded_at DESC, r.id, w.who",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    let mut reviews: Vec<PlanReview> = Vec::new();
    for row in rows {
        let who = ReviewParticipant::from_code(&row.who)?;
        match reviews.last_mut() {
            Some(last) if last.id.as_str() == row.id => last.review.took_part.push(who),
            _ => reviews.push(PlanReview {
                id: read_id(&row.id)?,
                review: ReviewFields {
                    reviewed_on: read_date(&row.reviewed_on)?,
                    took_part: vec![who],
                    other_services: row.other_services,
                    what_reviewed: row.what_reviewed,
                    what_changed: row.what_changed,
                    next_review_on: read_date(&row.next_review_on)?,
                },
                recorded_by: row.recorded_by,
                recorded_at: read_instant(&row.recorded_at)?,
            }),
        }
    }
    for review in &mut reviews {
        review.review.took_part.sort();
    }
    Ok(reviews)
}

/// The plan's next review (see [`next_review_on`]) and the day it was last reviewed.
pub async fn review_dates(
    db: &Db,
    client_id: &str,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    let mut conn = db.pool().acquire().await?;
    review_dates_in(&mut conn, client_id).await
}

/// As [`review_dates`], on a connection already held.
pub async fn review_dates_in(
    conn: &mut AnyConnection,
    client_id: &str,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    let latest: Option<(String, String)> = sqlx::query_as(
        "SELECT reviewed_on, next_review_on FROM plan_reviews WHERE client_id = $1
         ORDER BY reviewed_on DESC, recorded_at DESC, id DESC LIMIT 1",
    )
    .bind(client_id)
    .fetch_optional(&mut *conn)
    .await?;
    let first_sent: Option<String> = sqlx::query_scalar(
        "SELECT MIN(r.sent_at) FROM plan_revisions r
         JOIN support_plans sp ON sp.id = r.plan_id
         WHERE sp.client_id = $1",
    )
    .bind(client_id)
    .fetch_one(&mut *conn)
    .await?;
    let first_sent_on = first_sent
        .map(|at| read_instant(&at).map(|at| at.date_naive()))
        .transpose()?;
    let (reviewed_on, agreed) = match latest {
        Some((on, next)) => (Some(read_date(&on)?), Some(read_date(&next)?)),
        None => (None, None),
    };
    Ok((next_review_on(agreed, first_sent_on), reviewed_on))
}

/// Adds a review; the caller has checked the form and the care team.
pub async fn insert_review(
    conn: &mut AnyConnection,
    client_id: &str,
    review: &ReviewFields,
    recorded_by: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO plan_reviews (id, client_id, reviewed_on, other_services, what_reviewed,
                                   what_changed, next_review_on, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(date_text(review.reviewed_on))
    .bind(review.other_services.as_deref())
    .bind(&review.what_reviewed)
    .bind(review.what_changed.as_deref())
    .bind(date_text(review.next_review_on))
    .bind(recorded_by)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    for who in &review.took_part {
        sqlx::query("INSERT INTO plan_review_people (review_id, who) VALUES ($1, $2)")
            .bind(&id)
            .bind(who.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}
