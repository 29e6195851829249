//! Assessments: added, never changed, read by the care team (and, as a summary of needs,
//! by the client).
use super::{date_text, instant_text, new_id, read_date, read_instant, Db, Result};
use crate::domain::{AreaAssessment, Assessment, AssessmentFields, LifeDomain, Need};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct AreaRow {
    id: String,
    assessed_on: String,
    recorded_by: String,
    recorded_at: String,
    area: String,
    need: String,
    strengths: Option<String>,
    own_words: Option<String>,
    staff_notes: Option<String>,
}

/// The client's assessments, latest first, at most `limit`.
pub async fn assessments_of_client(
    db: &Db,
    client_id: &str,
    limit: i64,
) -> Result<Vec<Assessment>> {
    let rows: Vec<AreaRow> = sqlx::query_as(
        "SELECT a.id, a.assessed_on, p.display_name AS recorded_by, a.recorded_at,
                x.area, x.need, x.strengths, x.own_words, x.staff_notes
         FROM (SELECT * FROM assessments WHERE client_id = $1
               ORDER BY assessed_on DESC, recorded_at DESC, id DESC LIMIT $2) a
         JOIN people p ON p.id = a.recorded_by
         JOIN assessment_areas x ON x.assessment_id = a.id
         ORDER BY a.assessed_on DESC, a.recorded_at DESC, a.id DESC",
    )
    .bind(client_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut assessments: Vec<Assessment> = Vec::new();
    for row in rows {
        let area = AreaAssessment {
            area: LifeDomain::from_code(&row.area)?,
            need: Need::from_code(&row.need)?,
            strengths: row.strengths,
            own_words: row.own_words,
            staff_notes: row.staff_notes,
        };
        match assessments.last_mut() {
            Some(last) if last.id == row.id => last.areas.push(area),
            _ => assessments.push(Assessment {
                id: row.id,
                assessed_on: read_date(&row.assessed_on)?,
                areas: vec![area],
                recorded_by: row.recorded_by,
                recorded_at: read_instant(&row.recorded_at)?,
            }),
        }
    }
    for assessment in &mut assessments {
        assessment
            .areas
            .sort_by_key(|a| LifeDomain::ALL.iter().position(|d| *d == a.area));
    }
    Ok(assessments)
}

/// Adds an assessment; the caller checked the form and the care team.
pub async fn insert_assessment(
    conn: &mut AnyConnection,
    client_id: &str,
    assessment: &AssessmentFields,
    recorded_by: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO assessments (id, client_id, assessed_on, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(date_text(assessment.assessed_on))
    .bind(recorded_by)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    for area in &assessment.areas {
        sqlx::query(
            "INSERT INTO assessment_areas
                 (assessment_id, area, need, strengths, own_words, staff_notes)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(area.area.code())
        .bind(area.need.code())
        .bind(area.strengths.as_deref())
        .bind(area.own_words.as_deref())
        .bind(area.staff_notes.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}
