use super::{date_text, instant_text, new_id, read_date, Db, DbError, Result};
use crate::domain::{Stage, StageChange, StageSet};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct StageRow {
    change_id: String,
    effective_on: String,
    note: Option<String>,
    stage: String,
}

/// A client's stage changes, oldest first. The last one says where they are now.
pub async fn stage_history(db: &Db, client_id: &str) -> Result<Vec<StageChange>> {
    let mut conn = db.pool().acquire().await?;
    stage_history_in(&mut conn, client_id).await
}

/// As [`stage_history`], inside a transaction under way.
pub async fn stage_history_in(
    conn: &mut AnyConnection,
    client_id: &str,
) -> Result<Vec<StageChange>> {
    let rows: Vec<StageRow> = sqlx::query_as(
        "SELECT c.id AS change_id, c.effective_on, c.note, s.stage
         FROM stage_changes c
         JOIN stage_change_stages s ON s.stage_change_id = c.id
         WHERE c.client_id = $1
         ORDER BY c.effective_on, c.recorded_at, c.id, s.stage",
    )
    .bind(client_id)
    .fetch_all(conn)
    .await?;

    let mut history: Vec<(String, StageChange)> = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while let Some(row) = rows.next() {
        stages.push(Stage::from_code(&row.stage)?);
        let last_of_change = rows
            .peek()
            .is_none_or(|next| next.change_id != row.change_id);
        if last_of_change {
            let set = StageSet::new(stages.drain(..))
                .map_err(|_| DbError::Corrupt(format!("stage change {}", row.change_id)))?;
            history.push((
                row.change_id,
                StageChange {
                    stages: set,
                    effective_on: read_date(&row.effective_on)?,
                    note: row.note,
                },
            ));
        }
    }
    Ok(history.into_iter().map(|(_, change)| change).collect())
}

/// Appends a stage change. The caller checks it against the latest with
/// [`crate::domain::check_stage_change`], inside the same transaction.
pub async fn insert_stage_change(
    conn: &mut AnyConnection,
    client_id: &str,
    change: &StageChange,
    recorded_by: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO stage_changes (id, client_id, effective_on, note, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(date_text(change.effective_on))
    .bind(change.note.as_deref())
    .bind(recorded_by)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    for stage in change.stages.iter() {
        sqlx::query("INSERT INTO stage_change_stages (stage_change_id, stage) VALUES ($1, $2)")
            .bind(&id)
            .bind(stage.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}
