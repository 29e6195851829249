//! Periodic jobs run once across instances: each instance ticks, and the first to claim a
//! round that is due runs it (`job_rounds`). A claim is one upsert, so on PostgreSQL a
//! second instance claiming at the same moment waits for the first's row and then finds the
//! round taken; SQLite has one writer anyway.
use super::{instant_text, Db, Result};
use chrono::{DateTime, Duration, Utc};

/// Claims a round of `job` at `now` if none started in the last `every`: whether this
/// instance is to run it.
pub async fn claim_round(db: &Db, job: &str, now: DateTime<Utc>, every: Duration) -> Result<bool> {
    let claimed = sqlx::query(
        "INSERT INTO job_rounds (job, started_at) VALUES ($1, $2)
         ON CONFLICT (job) DO UPDATE SET started_at = $2 WHERE job_rounds.started_at <= $3",
    )
    .bind(job)
    .bind(instant_text(now))
    .bind(instant_text(now - every))
    .execute(db.pool())
    .await?;
    Ok(claimed.rows_affected() == 1)
}
