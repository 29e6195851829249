//! Care teams: who works with a client, how the client reaches them, handovers between case
//! managers, and the admin's changes to a team.
use super::{date_text, instant_text, new_id, read_instant, Db, Result};
use crate::domain::{CareTeam, CareTeamFields, Handover, OfficeFields, TeamMember};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

/// The client's care team as the client sees it: names, lines, the office's phone and
/// hours.
pub async fn care_team_card(db: &Db, client_id: &str) -> Result<CareTeam> {
    let members: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT p.display_name, t.role, p.work_phone FROM care_team t
         JOIN people p ON p.id = t.case_manager_id
         WHERE t.client_id = $1
         ORDER BY t.role, p.display_name",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    let office: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT o.office_phone, o.office_hours FROM people p
         JOIN organisations o ON o.id = p.organisation_id
         WHERE p.id = $1",
    )
    .bind(client_id)
    .fetch_optional(db.pool())
    .await?;
    let (office_phone, office_hours) = office.unwrap_or_default();
    Ok(CareTeam {
        members: members
            .into_iter()
            .map(|(name, role, phone)| TeamMember {
                name,
                primary: role == "primary",
                phone,
            })
            .collect(),
        office_phone,
        office_hours,
    })
}

/// What became of a handover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandedOver {
    Done,
    /// The one taking over is on the team already, and the one leaving is not the primary:
    /// there is nothing to hand over.
    AlreadyOnTeam,
    /// The one handing over is not on the team (any more).
    NotOnTeam,
    /// Someone changed the team at the same moment; nothing was changed.
    TeamChanged,
}

/// Hands the client from `from` (on the team) to `to` (an active case manager of the
/// program, checked by the caller): `to` takes `from`'s place, and `from` leaves the team.
/// If `to` was the second case manager and `from` the primary, `to` becomes the primary.
pub async fn hand_over(
    conn: &mut AnyConnection,
    client_id: &str,
    from: &str,
    to: &str,
    note: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<HandedOver> {
    let roles: Vec<(String, String)> =
        sqlx::query_as("SELECT case_manager_id, role FROM care_team WHERE client_id = $1")
            .bind(client_id)
            .fetch_all(&mut *conn)
            .await?;
    let role_of = |id: &str| roles.iter().find(|(p, _)| p == id).map(|(_, r)| r.clone());
    let Some(leaving) = role_of(from) else {
        return Ok(HandedOver::NotOnTeam);
    };
    let staying = role_of(to);
    if staying.is_some() && leaving != "primary" {
        return Ok(HandedOver::AlreadyOnTeam);
    }
    // The one leaving goes first, so the primary's place is free for the one taking over.
    // The delete is the check that nobody changed the team since it was read: a second
    // handover at the same moment waits for the first, then finds nothing to delete.
    let left = sqlx::query(
        "DELETE FROM care_team WHERE client_id = $1 AND case_manager_id = $2 AND role = $3",
    )
    .bind(client_id)
    .bind(from)
    .bind(&leaving)
    .execute(&mut *conn)
    .await?;
    if left.rows_affected() == 0 {
        return Ok(HandedOver::TeamChanged);
    }
    let joined = if staying.is_some() {
        sqlx::query(
            "UPDATE care_team SET role = 'primary' WHERE client_id = $1 AND case_manager_id = $2",
        )
        .bind(client_id)
        .bind(to)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected() == 1)
        .map_err(super::DbError::from)
    } else {
        super::add_to_care_team(conn, client_id, to, leaving == "primary", today)
            .await
            .map(|()| true)
    };
    match joined {
        Ok(true) => {}
        Ok(false) => return Ok(HandedOver::TeamChanged),
        Err(e) if e.is_unique_violation() => return Ok(HandedOver::TeamChanged),
        Err(e) => return Err(e),
    }
    sqlx::query(
        "INSERT INTO handovers (id, client_id, from_id, to_id, note, handed_over_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(client_id)
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    Ok(HandedOver::Done)
}

#[derive(sqlx::FromRow)]
struct HandoverRow {
    client_id: String,
    preferred_name: String,
    from_name: String,
    to_name: String,
    note: String,
    handed_over_at: String,
}

const HANDOVERS: &str = "SELECT h.client_id, c.preferred_name, f.display_name AS from_name,
            t.display_name AS to_name, h.note, h.handed_over_at
     FROM handovers h
     JOIN client_profiles c ON c.person_id = h.client_id
     JOIN people f ON f.id = h.from_id
     JOIN people t ON t.id = h.to_id";

fn handovers(rows: Vec<HandoverRow>) -> Result<Vec<Handover>> {
    rows.into_iter()
        .map(|r| {
            Ok(Handover {
                client_id: r.client_id,
                preferred_name: r.preferred_name,
                from: r.from_name,
                to: r.to_name,
                note: r.note,
                at: read_instant(&r.handed_over_at)?,
            })
        })
        .collect()
}

/// The clients this case manager handed on since `since`, latest first.
pub async fn handovers_by(
    db: &Db,
    case_manager_id: &str,
    since: DateTime<Utc>,
) -> Result<Vec<Handover>> {
    let rows = sqlx::query_as(&format!(
        "{HANDOVERS} WHERE h.from_id = $1 AND h.handed_over_at >= $2
         ORDER BY h.handed_over_at DESC, h.id"
    ))
    .bind(case_manager_id)
    .bind(instant_text(since))
    .fetch_all(db.pool())
    .await?;
    handovers(rows)
}

/// Every handover of a client, latest first.
pub async fn handovers_of_client(db: &Db, client_id: &str) -> Result<Vec<Handover>> {
    let rows = sqlx::query_as(&format!(
        "{HANDOVERS} WHERE h.client_id = $1 ORDER BY h.handed_over_at DESC, h.id"
    ))
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    handovers(rows)
}

/// One client of the program with their care team, for the admin.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientTeam {
    pub client_id: String,
    pub full_name: String,
    pub preferred_name: String,
    pub primary_id: Option<String>,
    pub secondary_id: Option<String>,
}

/// Every client of the organisation with the ids of their primary and second case manager.
pub async fn care_teams_of_organisation(db: &Db, organisation_id: &str) -> Result<Vec<ClientTeam>> {
    Ok(sqlx::query_as(
        "SELECT c.person_id AS client_id, p.display_name AS full_name, c.preferred_name,
                (SELECT t.case_manager_id FROM care_team t
                 WHERE t.client_id = c.person_id AND t.role = 'primary') AS primary_id,
                (SELECT MIN(t.case_manager_id) FROM care_team t
                 WHERE t.client_id = c.person_id AND t.role = 'secondary') AS secondary_id
         FROM client_profiles c JOIN people p ON p.id = c.person_id
         WHERE p.organisation_id = $1
         ORDER BY p.display_name, c.person_id",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?)
}

/// Whether the client is in the organisation.
pub async fn client_in_organisation(
    conn: &mut AnyConnection,
    organisation_id: &str,
    client_id: &str,
) -> Result<bool> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT c.person_id FROM client_profiles c JOIN people p ON p.id = c.person_id
         WHERE c.person_id = $1 AND p.organisation_id = $2",
    )
    .bind(client_id)
    .bind(organisation_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Sets the client's care team to exactly `team`: who stays keeps their place (and what
/// they have read); who is not named leaves. The caller checked that each is an active case
/// manager of the client's program.
pub async fn set_care_team(
    conn: &mut AnyConnection,
    client_id: &str,
    team: &CareTeamFields,
    today: NaiveDate,
) -> Result<()> {
    let primary = team.primary.as_str();
    let secondary = team.secondary.as_ref().map(|s| s.as_str());
    sqlx::query(
        "DELETE FROM care_team WHERE client_id = $1 AND case_manager_id <> $2
                                      AND case_manager_id <> $3",
    )
    .bind(client_id)
    .bind(primary)
    .bind(secondary.unwrap_or(primary))
    .execute(&mut *conn)
    .await?;
    // Everyone left becomes secondary first, so the primary's place is free.
    sqlx::query("UPDATE care_team SET role = 'secondary' WHERE client_id = $1")
        .bind(client_id)
        .execute(&mut *conn)
        .await?;
    for (id, role) in [(Some(primary), "primary"), (secondary, "secondary")] {
        let Some(id) = id else { continue };
        let updated = sqlx::query(
            "UPDATE care_team SET role = $3 WHERE client_id = $1 AND case_manager_id = $2",
        )
        .bind(client_id)
        .bind(id)
        .bind(role)
        .execute(&mut *conn)
        .await?;
        if updated.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO care_team (client_id, case_manager_id, role, since_on)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(client_id)
            .bind(id)
            .bind(role)
            .bind(date_text(today))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// The office's phone and hours.
pub async fn office_of(db: &Db, organisation_id: &str) -> Result<(Option<String>, Option<String>)> {
    Ok(
        sqlx::query_as("SELECT office_phone, office_hours FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_optional(db.pool())
            .await?
            .unwrap_or_default(),
    )
}

pub async fn set_office(
    conn: &mut AnyConnection,
    organisation_id: &str,
    office: &OfficeFields,
) -> Result<()> {
    sqlx::query("UPDATE organisations SET office_phone = $2, office_hours = $3 WHERE id = $1")
        .bind(organisation_id)
        .bind(office.phone.as_deref())
        .bind(office.hours.as_deref())
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets a staff member's own line; false if no such staff member in the organisation.
pub async fn set_work_phone(
    conn: &mut AnyConnection,
    organisation_id: &str,
    person_id: &str,
    phone: Option<&str>,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE people SET work_phone = $3
         WHERE id = $1 AND organisation_id = $2 AND role IN ('case_manager', 'admin')",
    )
    .bind(person_id)
    .bind(organisation_id)
    .bind(phone)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}
