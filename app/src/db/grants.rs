//! Supporters' access to a client's record: what the client shares, with whom, until when.
use super::{date_text, instant_text, new_id, read_date, read_instant, Db, Result};
use crate::domain::{
    parse_shares, shared_window, shares_text, stage_articles, start_here_articles, Language,
    LibraryLinks, Share, SharedAppointment, SharedCopy, SharedGoal, Stage,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupporterGrant {
    pub grant_id: String,
    pub client_id: String,
    pub label: String,
    pub supporter_id: Option<String>,
    pub shares: Vec<Share>,
    pub ends_on: NaiveDate,
    pub revoked_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl SupporterGrant {
    /// Whether the grant lets its supporter see anything on `today` (the client's date).
    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.revoked_at.is_none() && today <= self.ends_on
    }
}

type GrantRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    i64,
);

const GRANT_COLUMNS: &str =
    "id, client_id, label, supporter_id, shares, ends_on, revoked_at, version";

fn read_grant(row: GrantRow) -> Result<SupporterGrant> {
    let (grant_id, client_id, label, supporter_id, shares, ends_on, revoked_at, version) = row;
    Ok(SupporterGrant {
        grant_id,
        client_id,
        label,
        supporter_id,
        shares: parse_shares(&shares)?,
        ends_on: read_date(&ends_on)?,
        revoked_at: revoked_at.as_deref().map(read_instant).transpose()?,
        version,
    })
}

pub struct NewGrant<'a> {
    pub client_id: &'a str,
    pub label: &'a str,
    pub shares: &'a [Share],
    pub ends_on: NaiveDate,
    pub invite_code_hash: &'a str,
    pub invite_expires_at: DateTime<Utc>,
}

async fn add_history(
    conn: &mut AnyConnection,
    grant_id: &str,
    change: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO supporter_grant_history (grant_id, version, change, shares, ends_on,
                                              changed_by, changed_at)
         SELECT id, version, $2, shares, ends_on, $3, $4 FROM supporter_grants WHERE id = $1",
    )
    .bind(grant_id)
    .bind(change)
    .bind(by)
    .bind(instant_text(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// A new grant, waiting for its supporter to accept the invite.
pub async fn create_grant(
    conn: &mut AnyConnection,
    grant: &NewGrant<'_>,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO supporter_grants (id, client_id, label, shares, ends_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(grant.client_id)
    .bind(grant.label)
    .bind(shares_text(grant.shares))
    .bind(date_text(grant.ends_on))
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO supporter_invites (code_hash, grant_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(grant.invite_code_hash)
    .bind(&id)
    .bind(instant_text(grant.invite_expires_at))
    .execute(&mut *conn)
    .await?;
    add_history(conn, &id, "created", grant.client_id, now).await?;
    Ok(id)
}

/// The client's grants, newest first.
pub async fn grants_of_client(db: &Db, client_id: &str) -> Result<Vec<SupporterGrant>> {
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "SELECT {GRANT_COLUMNS} FROM supporter_grants WHERE client_id = $1
         ORDER BY created_at DESC, id"
    ))
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(read_grant).collect()
}

/// The grants a supporter holds (active or not; the caller decides).
pub async fn grants_of_supporter(db: &Db, supporter_id: &str) -> Result<Vec<SupporterGrant>> {
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "SELECT {GRANT_COLUMNS} FROM supporter_grants WHERE supporter_id = $1
         ORDER BY created_at, id"
    ))
    .bind(supporter_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(read_grant).collect()
}

/// One grant, only if `supporter_id` holds it.
pub async fn grant_of_supporter(
    db: &Db,
    supporter_id: &str,
    grant_id: &str,
) -> Result<Option<SupporterGrant>> {
    let row: Option<GrantRow> = sqlx::query_as(&format!(
        "SELECT {GRANT_COLUMNS} FROM supporter_grants WHERE id = $1 AND supporter_id = $2"
    ))
    .bind(grant_id)
    .bind(supporter_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(read_grant).transpose()
}

/// Ends a grant at once. False when it is not the client's or already revoked.
pub async fn revoke_grant(
    conn: &mut AnyConnection,
    client_id: &str,
    grant_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE supporter_grants SET revoked_at = $3, version = version + 1
         WHERE id = $1 AND client_id = $2 AND revoked_at IS NULL",
    )
    .bind(grant_id)
    .bind(client_id)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    // An invite not yet used dies with its grant.
    sqlx::query(
        "UPDATE supporter_invites SET used_at = $2 WHERE grant_id = $1 AND used_at IS NULL",
    )
    .bind(grant_id)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    add_history(conn, grant_id, "revoked", client_id, now).await?;
    Ok(true)
}

/// An invite that can still be accepted: its grant and the client who made it.
pub async fn open_invite(
    conn: &mut AnyConnection,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SupporterGrant>> {
    let row: Option<GrantRow> = sqlx::query_as(&format!(
        "SELECT {} FROM supporter_grants g JOIN supporter_invites i ON i.grant_id = g.id
         WHERE i.code_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2
           AND g.revoked_at IS NULL AND g.supporter_id IS NULL",
        GRANT_COLUMNS
            .split(", ")
            .map(|c| format!("g.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(code_hash)
    .bind(instant_text(now))
    .fetch_optional(conn)
    .await?;
    row.map(read_grant).transpose()
}

/// Uses up the invite and gives the grant to `supporter_id`. False if someone else got
/// there first.
pub async fn accept_invite(
    conn: &mut AnyConnection,
    code_hash: &str,
    grant_id: &str,
    supporter_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let used = sqlx::query(
        "UPDATE supporter_invites SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL",
    )
    .bind(code_hash)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(false);
    }
    let given = sqlx::query(
        "UPDATE supporter_grants SET supporter_id = $2, version = version + 1
         WHERE id = $1 AND supporter_id IS NULL AND revoked_at IS NULL",
    )
    .bind(grant_id)
    .bind(supporter_id)
    .execute(&mut *conn)
    .await?;
    if given.rows_affected() != 1 {
        return Ok(false);
    }
    add_history(conn, grant_id, "accepted", supporter_id, now).await?;
    Ok(true)
}

/// Names of the supporters who accepted, by grant id, for the client's list.
pub async fn supporter_names(db: &Db, client_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT g.id, p.display_name FROM supporter_grants g JOIN people p ON p.id = g.supporter_id
         WHERE g.client_id = $1",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?)
}

/// What a client shares with a supporter under an active grant, and nothing else: the
/// coming month's appointments, the goals, the stage (with the library's articles about it)
/// or the safety plan, each only if shared. The supporter's own "Start here" is left empty:
/// it is the supporter's, not the client's (see [`start_here_of_organisation`]).
pub async fn shared_with_supporter(
    db: &Db,
    grant: &SupporterGrant,
    home: &super::ClientHome,
    now: chrono::NaiveDateTime,
) -> Result<SharedCopy> {
    let appointments = if grant.shares.contains(&Share::Appointments) {
        let (from, to) = shared_window(now);
        let soon = super::appointments_between(db, &home.client_id, from, to).await?;
        Some(
            soon.iter()
                .filter(|a| a.is_expected())
                .map(SharedAppointment::from)
                .collect(),
        )
    } else {
        None
    };
    let goals = if grant.shares.contains(&Share::Goals) {
        let goals = super::sent_goals(db, &home.client_id).await?;
        Some(goals.iter().map(SharedGoal::from).collect())
    } else {
        None
    };
    let stages: Option<Vec<Stage>> = if grant.shares.contains(&Share::Stage) {
        let latest = super::stage_history(db, &home.client_id).await?.pop();
        Some(
            latest
                .map(|c| c.stages.iter().collect())
                .unwrap_or_default(),
        )
    } else {
        None
    };
    let stage_articles = match &stages {
        Some(stages) => Some(articles_about_stages(db, home, stages).await?),
        None => None,
    };
    let safety_plan = if grant.shares.contains(&Share::SafetyPlan) {
        let plan = super::safety_plan(db, &home.client_id).await?;
        Some(plan.map(|p| p.parts).unwrap_or_default())
    } else {
        None
    };
    let messages = if grant.shares.contains(&Share::Messages) {
        let conversation = super::Conversation::Supporter(&grant.grant_id);
        let place = (home.client_id.as_str(), conversation);
        Some(super::messages_of_conversation(db, place, &home.time_zone).await?)
    } else {
        None
    };
    Ok(SharedCopy {
        grant_id: grant.grant_id.clone(),
        preferred_name: home.preferred_name.clone(),
        ends_on: grant.ends_on,
        appointments,
        goals,
        stages,
        safety_plan,
        messages,
        stage_articles,
        start_here: LibraryLinks::default(),
    })
}

/// The articles of the client's program's library (published in English) about `stages`.
async fn articles_about_stages(
    db: &Db,
    home: &super::ClientHome,
    stages: &[Stage],
) -> Result<LibraryLinks> {
    let Some(code) = super::library_code_of_organisation(db, &home.organisation_id).await? else {
        return Ok(LibraryLinks::default());
    };
    let articles = if stages.is_empty() {
        Vec::new()
    } else {
        let topics = super::library_topics(db, &home.organisation_id, Language::English).await?;
        stage_articles(&topics, stages)
    };
    Ok(LibraryLinks { code, articles })
}

/// The "Start here" articles of the library of the program `organisation_id` (a
/// supporter's own), published in English, in their order.
pub async fn start_here_of_organisation(db: &Db, organisation_id: &str) -> Result<LibraryLinks> {
    let Some(code) = super::library_code_of_organisation(db, organisation_id).await? else {
        return Ok(LibraryLinks::default());
    };
    let topics = super::library_topics(db, organisation_id, Language::English).await?;
    Ok(LibraryLinks {
        code,
        articles: start_here_articles(&topics),
    })
}
