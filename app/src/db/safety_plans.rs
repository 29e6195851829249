//! Safety plans: each save a new version (only ever added), the latest the plan.
use super::{instant_text, new_id, read_instant, Db, Result};
use crate::domain::{Helper, SafetyPlan, SafetyPlanParts, SafetyPlanVersion};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    warning_signs: String,
    triggers: String,
    coping: String,
    places: String,
    naloxone: String,
    helpers: String,
    saved_at: String,
    by_client: i64,
    saved_by: String,
}

impl VersionRow {
    fn plan(&self) -> Result<SafetyPlan> {
        let helpers: Vec<Helper> = serde_json::from_str(&self.helpers)?;
        Ok(SafetyPlan {
            parts: SafetyPlanParts {
                warning_signs: self.warning_signs.clone(),
                triggers: self.triggers.clone(),
                coping: self.coping.clone(),
                helpers,
                places: self.places.clone(),
                naloxone: self.naloxone.clone(),
            },
            version: self.version,
            saved_on: read_instant(&self.saved_at)?.date_naive(),
            saved_by_client: self.by_client == 1,
        })
    }
}

const SELECT: &str = "SELECT v.version, v.warning_signs, v.triggers, v.coping, v.places,
            v.naloxone, v.helpers, v.saved_at,
            CASE WHEN v.saved_by = v.client_id THEN 1 ELSE 0 END AS by_client,
            p.display_name AS saved_by
     FROM safety_plan_versions v JOIN people p ON p.id = v.saved_by";

/// The client's safety plan as it stands (its latest version), if one was written.
pub async fn safety_plan(db: &Db, client_id: &str) -> Result<Option<SafetyPlan>> {
    let mut conn = db.pool().acquire().await?;
    safety_plan_in(&mut conn, client_id).await
}

async fn safety_plan_in(conn: &mut AnyConnection, client_id: &str) -> Result<Option<SafetyPlan>> {
    let row: Option<VersionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE v.client_id = $1 ORDER BY v.version DESC LIMIT 1"
    ))
    .bind(client_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.plan()).transpose()
}

/// Every version of the plan of a client on this case manager's care team, latest first;
/// none for anyone else's client.
pub async fn safety_plan_history(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
) -> Result<Vec<SafetyPlanVersion>> {
    let rows: Vec<VersionRow> = sqlx::query_as(&format!(
        "{SELECT} JOIN care_team t ON t.client_id = v.client_id AND t.case_manager_id = $1
         WHERE v.client_id = $2 ORDER BY v.version DESC"
    ))
    .bind(case_manager_id)
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(SafetyPlanVersion {
                plan: row.plan()?,
                saved_by: row.saved_by,
            })
        })
        .collect()
}

/// What became of a save of the plan.
#[derive(Debug)]
pub enum SafetyPlanSaved {
    /// Saved as a new version (the id of its row); `over_unseen` when another version had
    /// been saved since the one the writer started from (kept in the history).
    Saved { id: String, over_unseen: bool },
    /// Someone saved since `expected` and the writer asked not to save over it: the plan as
    /// it now stands.
    Conflict(Box<SafetyPlan>),
    /// Another save of the same version was being written at the very same time.
    Raced,
}

/// Saves the plan as a new version after the latest. `expected` is the version the writer
/// started from (0 for none); when someone saved since, `over_newer` says whether to save
/// anyway (the client's own words: both stay in the history) or to answer the conflict.
pub async fn save_safety_plan(
    conn: &mut AnyConnection,
    client_id: &str,
    parts: &SafetyPlanParts,
    (expected, over_newer): (i64, bool),
    saved_by: &str,
    now: DateTime<Utc>,
) -> Result<SafetyPlanSaved> {
    let latest = safety_plan_in(conn, client_id).await?;
    let latest_version = latest.as_ref().map_or(0, |p| p.version);
    let over_unseen = latest_version != expected;
    if over_unseen && !over_newer {
        if let Some(latest) = latest {
            return Ok(SafetyPlanSaved::Conflict(Box::new(latest)));
        }
    }
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO safety_plan_versions (id, client_id, version, warning_signs, triggers,
                                           coping, places, naloxone, helpers, saved_by,
                                           saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(latest_version + 1)
    .bind(&parts.warning_signs)
    .bind(&parts.triggers)
    .bind(&parts.coping)
    .bind(&parts.places)
    .bind(&parts.naloxone)
    .bind(serde_json::to_string(&parts.helpers)?)
    .bind(saved_by)
    .bind(instant_text(now))
    .execute(conn)
    .await;
    match inserted {
        Ok(_) => Ok(SafetyPlanSaved::Saved { id, over_unseen }),
        Err(error) => {
            let error = super::DbError::from(error);
            if error.is_unique_violation() {
                Ok(SafetyPlanSaved::Raced)
            } else {
                Err(error)
            }
        }
    }
}
