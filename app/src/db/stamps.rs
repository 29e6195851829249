//! Change stamps: what tells a sync that nothing its person may see has changed since the
//! device's cursor, without working out the view again (`actions::sync`).
use super::sessions::LiveSessionRow;
use super::{AuditEvent, Db, LiveSession, Result};
use sqlx::AnyConnection;
use std::collections::BTreeSet;

/// Actions that change nothing anyone's device shows: a staff member's own session and
/// sign-in settings. Any other staff action without a client may change what the whole
/// organisation's devices show (the library, the directory, a name on a care team card).
const PRIVATE_ACTIONS: &[&str] = &[
    "sign_in",
    "sign_out",
    "unlock",
    "session",
    "passphrase",
    "passkey",
    "notifications",
];

/// Whose view an entry's change may touch: its client's (and through them their
/// supporters'); else, for staff, their organisation's; else its actor's own. A read
/// (`read.*`, kept with what a sync sent) touches nobody's.
fn touched(event: &AuditEvent) -> Option<&str> {
    if event.action.split('.').next() == Some("read") {
        return None;
    }
    if let Some(client_id) = &event.client_id {
        return Some(client_id);
    }
    let staff = matches!(event.actor_role.as_deref(), Some("case_manager" | "admin"));
    let private = PRIVATE_ACTIONS
        .iter()
        .any(|prefix| event.action.split('.').next() == Some(prefix));
    if staff && !private {
        event
            .organisation_id
            .as_deref()
            .or(event.actor_id.as_deref())
    } else {
        event.actor_id.as_deref()
    }
}

/// Bumps the stamp of everyone (or every organisation) `events` touched, inside the
/// change's transaction, in one order so that two changes never wait on each other
/// crosswise.
pub async fn bump_view_stamps(conn: &mut AnyConnection, events: &[AuditEvent]) -> Result<()> {
    let ids: BTreeSet<&str> = events.iter().filter_map(touched).collect();
    for id in ids {
        bump_view_stamp(conn, id).await?;
    }
    Ok(())
}

/// Bumps one stamp (a person's or an organisation's).
pub async fn bump_view_stamp(conn: &mut AnyConnection, id: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO view_stamps (id, stamp) VALUES ($1, 1)
         ON CONFLICT (id) DO UPDATE SET stamp = view_stamps.stamp + 1",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// One stamp a person's view depends on, with the time zone of the day it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewStamp {
    pub id: String,
    pub stamp: i64,
    pub time_zone: Option<String>,
}

/// What a sync starts from, read in one query: the stamps the person's view is worked out
/// from, the cursor's generation (when this session has it) and the person's copy key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStart {
    /// Their own and their organisation's, and for each share they hold its client's and
    /// the client's organisation's (with the client's time zone: a share starts and ends
    /// on the client's days). In id order.
    pub stamps: Vec<ViewStamp>,
    /// `Some` when this session has the cursor's generation: the view version it was made
    /// at (none for one made before versions were kept).
    pub generation: Option<Option<String>>,
    pub copy_key: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SyncStartRow {
    #[sqlx(flatten)]
    session: LiveSessionRow,
    id: String,
    stamp: i64,
    time_zone: Option<String>,
    generation_id: Option<String>,
    view_version: Option<String>,
    copy_key: Option<String>,
}

/// The live session of the token `token_hash` and where its sync from the generation
/// `generation_id` starts, in one query: all an unchanged sync reads.
pub async fn sync_start(
    db: &Db,
    token_hash: &str,
    generation_id: &str,
) -> Result<Option<(LiveSession, SyncStart)>> {
    let rows: Vec<SyncStartRow> = sqlx::query_as(
        "WITH s AS (
           SELECT s.id AS session_id, s.person_id, p.role, p.organisation_id, p.display_name,
                  s.last_seen_at, s.verified_at, s.expires_at, o.time_zone
           FROM sessions s JOIN people p ON p.id = s.person_id
           JOIN organisations o ON o.id = p.organisation_id
           WHERE s.token_hash = $1 AND s.ended_at IS NULL
         )
         SELECT s.session_id, s.person_id, s.role, s.organisation_id, s.display_name,
                s.last_seen_at, s.verified_at, s.expires_at,
                k.id, COALESCE(v.stamp, 0) AS stamp, k.time_zone, g.id AS generation_id,
                g.view_version, ck.copy_key
         FROM s
         JOIN (
           SELECT s.person_id AS id, s.time_zone FROM s
           UNION ALL
           SELECT s.organisation_id, NULL FROM s
           UNION ALL
           SELECT g.client_id, o.time_zone FROM s
           JOIN supporter_grants g ON g.supporter_id = s.person_id
           JOIN people c ON c.id = g.client_id
           JOIN organisations o ON o.id = c.organisation_id
           UNION ALL
           SELECT c.organisation_id, NULL FROM s
           JOIN supporter_grants g ON g.supporter_id = s.person_id
           JOIN people c ON c.id = g.client_id
         ) k ON 1 = 1
         LEFT JOIN view_stamps v ON v.id = k.id
         LEFT JOIN sync_generations g ON g.id = $2 AND g.session_id = s.session_id
         LEFT JOIN copy_keys ck ON ck.person_id = s.person_id
         ORDER BY k.id",
    )
    .bind(token_hash)
    .bind(generation_id)
    .fetch_all(db.pool())
    .await?;
    let mut session = None;
    let mut start = SyncStart::default();
    for row in rows {
        if row.generation_id.is_some() {
            start.generation = Some(row.view_version);
        }
        start.copy_key = row.copy_key;
        start.stamps.push(ViewStamp {
            id: row.id,
            stamp: row.stamp,
            time_zone: row.time_zone,
        });
        if session.is_none() {
            session = Some(row.session.live()?);
        }
    }
    Ok(session.map(|session| (session, start)))
}

/// Notes that a generation's view is current at `version`: a sync found nothing new for
/// it after a change its device does not show.
pub async fn mark_generation_current(
    db: &Db,
    session_id: &str,
    generation_id: &str,
    version: &str,
) -> Result<()> {
    sqlx::query("UPDATE sync_generations SET view_version = $1 WHERE id = $2 AND session_id = $3")
        .bind(version)
        .bind(generation_id)
        .bind(session_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Outcome;

    fn event(role: &str, action: &'static str, client: Option<&str>) -> AuditEvent {
        AuditEvent {
            actor_id: Some("actor".into()),
            actor_role: Some(role.into()),
            action,
            client_id: client.map(str::to_owned),
            target: None,
            address: None,
            outcome: Outcome::Allowed,
            organisation_id: Some("org".into()),
        }
    }

    #[test]
    fn a_change_touches_its_client_else_the_organisation_or_the_actor() {
        assert_eq!(
            touched(&event("case_manager", "plan.send", Some("c"))),
            Some("c")
        );
        assert_eq!(
            touched(&event("admin", "library.publish", None)),
            Some("org")
        );
        assert_eq!(
            touched(&event("case_manager", "sign_in", None)),
            Some("actor")
        );
        assert_eq!(touched(&event("admin", "passkey.add", None)), Some("actor"));
        assert_eq!(
            touched(&event("supporter", "grant.leave", None)),
            Some("actor")
        );
        assert_eq!(touched(&event("client", "check_in", Some("c"))), Some("c"));
        assert_eq!(
            touched(&event("supporter", "read.shared_record", Some("c"))),
            None
        );
        assert_eq!(
            touched(&event("client", "message.read", Some("c"))),
            Some("c")
        );
    }
}
