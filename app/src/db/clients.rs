use super::{date_text, instant_text, new_id, Db, Result};
use crate::domain::{LeaveMessages, Role};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

/// What every client page needs to know about the signed-in client.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientHome {
    pub client_id: String,
    pub organisation_id: String,
    pub preferred_name: String,
    pub pharmacy: Option<String>,
    /// The program's IANA time zone, which sets what "today" means for this client.
    pub time_zone: String,
}

pub async fn client_home(db: &Db, client_id: &str) -> Result<Option<ClientHome>> {
    Ok(sqlx::query_as(
        "SELECT c.person_id AS client_id, p.organisation_id, c.preferred_name, c.pharmacy,
                o.time_zone
         FROM client_profiles c
         JOIN people p ON p.id = c.person_id
         JOIN organisations o ON o.id = p.organisation_id
         WHERE c.person_id = $1",
    )
    .bind(client_id)
    .fetch_optional(db.pool())
    .await?)
}

/// A client as listed for staff.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientListing {
    pub client_id: String,
    pub preferred_name: String,
    pub case_manager: Option<String>,
}

/// Clients by name, each with their primary case manager: those `filter` lets through (`c`
/// is the client's profile, `p` the client).
fn listings(filter: &str) -> String {
    format!(
        "SELECT c.person_id AS client_id, c.preferred_name, cm.display_name AS case_manager
         FROM client_profiles c
         JOIN people p ON p.id = c.person_id
         LEFT JOIN care_team t ON t.client_id = c.person_id AND t.role = 'primary'
         LEFT JOIN people cm ON cm.id = t.case_manager_id
         WHERE {filter}
         ORDER BY c.preferred_name, c.person_id"
    )
}

/// The clients of one organisation.
pub async fn clients_of_organisation(db: &Db, organisation_id: &str) -> Result<Vec<ClientListing>> {
    Ok(sqlx::query_as(&listings("p.organisation_id = $1"))
        .bind(organisation_id)
        .fetch_all(db.pool())
        .await?)
}

/// Every organisation's id, in order.
pub async fn organisation_ids(db: &Db) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM organisations ORDER BY id")
            .fetch_all(db.pool())
            .await?,
    )
}

pub async fn organisation_exists(conn: &mut AnyConnection, organisation_id: &str) -> Result<bool> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
        .bind(organisation_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

pub async fn insert_organisation(
    conn: &mut AnyConnection,
    id: &str,
    name: &str,
    time_zone: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    // The library's code is random: it is in public addresses, so it must not be the
    // program's name (which may say what it treats) or anything else about it.
    let library_code: String = new_id()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect();
    sqlx::query(
        "INSERT INTO organisations (id, name, time_zone, created_at, library_code)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(name)
    .bind(time_zone)
    .bind(instant_text(now))
    .bind(library_code)
    .execute(&mut *conn)
    .await?;
    super::stock_starter_library(conn, id, now).await
}

pub async fn insert_person(
    conn: &mut AnyConnection,
    id: &str,
    organisation_id: &str,
    display_name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO people (id, organisation_id, display_name, role, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(organisation_id)
    .bind(display_name)
    .bind(role.code())
    .bind(instant_text(now))
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewClientProfile<'a> {
    pub person_id: &'a str,
    pub preferred_name: &'a str,
    pub pronouns: Option<&'a str>,
    pub program_start_on: NaiveDate,
    pub pharmacy: Option<&'a str>,
    /// What intake records (none for clients from before intake).
    pub intake: Option<Intake<'a>>,
}

/// What intake records beside the profile.
pub struct Intake<'a> {
    pub date_of_birth: NaiveDate,
    pub phone: Option<&'a str>,
    pub leave_messages: LeaveMessages,
    pub preferred_language: Option<&'a str>,
    /// `domain::identity_key`: unique, so a person already in the program is refused.
    pub identity_key: &'a str,
    /// The staff member who added them; none from the command line.
    pub added_by: Option<&'a str>,
    pub added_at: DateTime<Utc>,
}

/// A client with this identity is in the program already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientExists;

pub async fn insert_client_profile(
    conn: &mut AnyConnection,
    client: &NewClientProfile<'_>,
) -> Result<std::result::Result<(), ClientExists>> {
    let intake = client.intake.as_ref();
    let inserted = sqlx::query(
        "INSERT INTO client_profiles (person_id, preferred_name, pronouns, program_start_on, pharmacy,
             date_of_birth, phone, leave_messages, preferred_language, identity_key, added_by,
             added_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(client.person_id)
    .bind(client.preferred_name)
    .bind(client.pronouns)
    .bind(date_text(client.program_start_on))
    .bind(client.pharmacy)
    .bind(intake.map(|i| date_text(i.date_of_birth)))
    .bind(intake.and_then(|i| i.phone))
    .bind(intake.map(|i| i.leave_messages.code()))
    .bind(intake.and_then(|i| i.preferred_language))
    .bind(intake.map(|i| i.identity_key))
    .bind(intake.and_then(|i| i.added_by))
    .bind(intake.map(|i| instant_text(i.added_at)))
    .execute(&mut *conn)
    .await;
    match inserted.map_err(super::DbError::from) {
        Ok(_) => {
            let by = intake.and_then(|i| i.added_by);
            super::open_first_episode(conn, client.person_id, client.program_start_on, by).await?;
            Ok(Ok(()))
        }
        Err(error) if error.is_unique_violation() => Ok(Err(ClientExists)),
        Err(error) => Err(error),
    }
}

/// The client with this identity (`domain::identity_key`), if there is one.
pub async fn client_with_identity(db: &Db, identity_key: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT person_id FROM client_profiles WHERE identity_key = $1")
            .bind(identity_key)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Whether `person_id` is an active case manager of the organisation: who may be on a
/// client's care team.
pub async fn is_active_case_manager(
    conn: &mut AnyConnection,
    organisation_id: &str,
    person_id: &str,
) -> Result<bool> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT id FROM people
         WHERE id = $1 AND organisation_id = $2 AND role = 'case_manager'
               AND deactivated_at IS NULL",
    )
    .bind(person_id)
    .bind(organisation_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

pub async fn add_to_care_team(
    conn: &mut AnyConnection,
    client_id: &str,
    case_manager_id: &str,
    primary: bool,
    since_on: NaiveDate,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO care_team (client_id, case_manager_id, role, since_on) VALUES ($1, $2, $3, $4)",
    )
    .bind(client_id)
    .bind(case_manager_id)
    .bind(if primary { "primary" } else { "secondary" })
    .bind(date_text(since_on))
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a case manager is on a client's care team.
pub async fn on_care_team(db: &Db, case_manager_id: &str, client_id: &str) -> Result<bool> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT client_id FROM care_team WHERE case_manager_id = $1 AND client_id = $2",
    )
    .bind(case_manager_id)
    .bind(client_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.is_some())
}

/// A case manager's caseload: only clients whose care team they are on. Found from the care
/// team's index, so the cost follows the caseload, not the number of clients in the database
/// (as `EXISTS` per client it read every client's profile).
pub async fn caseload(db: &Db, case_manager_id: &str) -> Result<Vec<ClientListing>> {
    let theirs = "c.person_id IN (SELECT mine.client_id FROM care_team mine
                                  WHERE mine.case_manager_id = $1)";
    Ok(sqlx::query_as(&listings(theirs))
        .bind(case_manager_id)
        .fetch_all(db.pool())
        .await?)
}

/// One client of a case manager's caseload; none for anyone else's.
pub async fn caseload_client(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
) -> Result<Option<ClientListing>> {
    let theirs = "c.person_id = $2
                  AND EXISTS (SELECT 1 FROM care_team mine
                              WHERE mine.client_id = c.person_id AND mine.case_manager_id = $1)";
    Ok(sqlx::query_as(&listings(theirs))
        .bind(case_manager_id)
        .bind(client_id)
        .fetch_optional(db.pool())
        .await?)
}

/// A client's profile as their care team reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientProfile {
    pub preferred_name: String,
    pub pronouns: Option<String>,
    pub program_start_on: String,
    pub pharmacy: Option<String>,
    pub time_zone: String,
    pub full_name: String,
    pub date_of_birth: Option<String>,
    pub phone: Option<String>,
    /// `LeaveMessages`' code.
    pub leave_messages: Option<String>,
    pub preferred_language: Option<String>,
}

/// The profile of a client on this case manager's care team; none for anyone else's.
pub async fn client_profile_for_case_manager(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
) -> Result<Option<ClientProfile>> {
    Ok(sqlx::query_as(
        "SELECT c.preferred_name, c.pronouns, c.program_start_on, c.pharmacy, o.time_zone,
                p.display_name AS full_name, c.date_of_birth, c.phone, c.leave_messages,
                c.preferred_language
         FROM care_team t
         JOIN client_profiles c ON c.person_id = t.client_id
         JOIN people p ON p.id = c.person_id
         JOIN organisations o ON o.id = p.organisation_id
         WHERE t.case_manager_id = $1 AND t.client_id = $2",
    )
    .bind(case_manager_id)
    .bind(client_id)
    .fetch_optional(db.pool())
    .await?)
}

/// The client's care team: each case manager's name and whether they are the primary one.
pub async fn care_team_of(db: &Db, client_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT p.display_name, t.role FROM care_team t
         JOIN people p ON p.id = t.case_manager_id
         WHERE t.client_id = $1
         ORDER BY t.role, p.display_name",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?)
}

/// The program's IANA time zone.
pub async fn time_zone_of_organisation(db: &Db, organisation_id: &str) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT time_zone FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(db.pool())
            .await?,
    )
}

/// As [`time_zone_of_organisation`], inside a transaction under way.
pub async fn time_zone_of_organisation_in(
    conn: &mut AnyConnection,
    organisation_id: &str,
) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT time_zone FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(conn)
            .await?,
    )
}
