use super::{date_text, instant_text, Db, DbError, Result};
use crate::domain::Role;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// A person who can sign in, as the sign-in check needs them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub person_id: String,
    pub role: String,
    pub passphrase_hash: String,
}

/// The account that signs in with this name, unless it can no longer sign in: a
/// deactivated person, or a client whose case closed more than
/// [`SIGN_IN_AFTER_CLOSING_DAYS`](crate::domain::SIGN_IN_AFTER_CLOSING_DAYS) ago.
pub async fn account_by_sign_in_name(db: &Db, sign_in_name: &str) -> Result<Option<Account>> {
    let last_closing =
        Utc::now().date_naive() - chrono::Duration::days(crate::domain::SIGN_IN_AFTER_CLOSING_DAYS);
    Ok(sqlx::query_as(
        "SELECT a.person_id, p.role, a.passphrase_hash
         FROM accounts a JOIN people p ON p.id = a.person_id
         WHERE a.sign_in_name = $1 AND p.deactivated_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM episodes e
                           WHERE e.client_id = a.person_id AND e.closed_on < $2
                             AND NOT EXISTS (SELECT 1 FROM episodes later
                                             WHERE later.client_id = e.client_id
                                               AND later.number > e.number))",
    )
    .bind(sign_in_name)
    .bind(date_text(last_closing))
    .fetch_optional(db.pool())
    .await?)
}

pub async fn passphrase_hash_of(db: &Db, person_id: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT passphrase_hash FROM accounts WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// A new passphrase hash for a person's sign-in.
pub async fn set_passphrase_hash(
    conn: &mut AnyConnection,
    person_id: &str,
    passphrase_hash: &str,
) -> Result<()> {
    sqlx::query("UPDATE accounts SET passphrase_hash = $2 WHERE person_id = $1")
        .bind(person_id)
        .bind(passphrase_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn has_account(conn: &mut AnyConnection, person_id: &str) -> Result<bool> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT person_id FROM accounts WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Someone else has this sign-in name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameTaken;

/// Adds a person's sign-in. The database's unique constraint on the name decides whether it
/// is taken, so of two people racing for one name exactly one gets it. After `NameTaken`
/// the transaction can only be rolled back (PostgreSQL aborts it).
pub async fn insert_account(
    conn: &mut AnyConnection,
    person_id: &str,
    sign_in_name: &str,
    passphrase_hash: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), NameTaken>> {
    let inserted = sqlx::query(
        "INSERT INTO accounts (person_id, sign_in_name, passphrase_hash, created_at,
                               passphrase_changed_at)
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(person_id)
    .bind(sign_in_name)
    .bind(passphrase_hash)
    .bind(instant_text(now))
    .execute(conn)
    .await;
    match inserted.map_err(DbError::from) {
        Ok(_) => Ok(Ok(())),
        Err(error) if error.is_unique_violation() => Ok(Err(NameTaken)),
        Err(error) => Err(error),
    }
}

/// Takes away a person's sign-in and ends their sessions, before they set up a new one
/// (a forgotten passphrase).
pub async fn replace_sign_in(
    conn: &mut AnyConnection,
    person_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("DELETE FROM accounts WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    end_what_opens_sign_in(conn, person_id, now).await
}

/// Ends everything that opens a person's sign-in but the account row itself.
async fn end_what_opens_sign_in(
    conn: &mut AnyConnection,
    person_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    super::end_sessions(
        conn,
        super::Sessions::AllOf(person_id),
        super::SessionEnd::Replaced,
        now,
    )
    .await?;
    // Nothing of the old sign-in opens the new one: not a passkey, not a phone's allowance.
    for sql in [
        "DELETE FROM passkeys WHERE person_id = $1",
        "DELETE FROM known_devices WHERE person_id = $1",
    ] {
        sqlx::query(sql).bind(person_id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Staff reset a person's sign-in: the old passphrase stops working (the name stays theirs
/// until they set up again), every session ends, and no passkey or phone's allowance of the
/// old sign-in is kept. False when the person has no sign-in to reset.
pub async fn reset_sign_in(
    conn: &mut AnyConnection,
    person_id: &str,
    reset_by: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    // Not a PHC string: no passphrase matches it.
    let reset = sqlx::query("UPDATE accounts SET passphrase_hash = '!reset' WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    if reset.rows_affected() == 0 {
        return Ok(false);
    }
    end_what_opens_sign_in(conn, person_id, now).await?;
    sqlx::query(
        "INSERT INTO sign_in_resets (id, person_id, reset_by, reset_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(super::new_id())
    .bind(person_id)
    .bind(reset_by)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// When a person's sign-in was last reset, and the name of who did it.
pub async fn last_sign_in_reset(db: &Db, person_id: &str) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT r.reset_at, p.display_name FROM sign_in_resets r
         JOIN people p ON p.id = r.reset_by
         WHERE r.person_id = $1 ORDER BY r.reset_at DESC LIMIT 1",
    )
    .bind(person_id)
    .fetch_optional(db.pool())
    .await?)
}

/// Deactivates a staff member of `organisation_id` (not `keep`, the admin doing it): every
/// session ends, their passkeys and known devices go, and they leave every care team; their
/// records stay. False when there is no such active staff member there.
pub async fn deactivate_staff(
    conn: &mut AnyConnection,
    organisation_id: &str,
    person_id: &str,
    keep: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE people SET deactivated_at = $4
         WHERE id = $1 AND organisation_id = $2 AND id <> $3 AND deactivated_at IS NULL
           AND role IN ('case_manager', 'admin')",
    )
    .bind(person_id)
    .bind(organisation_id)
    .bind(keep)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    end_what_opens_sign_in(conn, person_id, now).await?;
    sqlx::query("DELETE FROM care_team WHERE case_manager_id = $1")
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Lets a deactivated staff member of `organisation_id` sign in again (with the passphrase
/// they had); false when there is no such deactivated person there.
pub async fn reactivate_staff(
    conn: &mut AnyConnection,
    organisation_id: &str,
    person_id: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE people SET deactivated_at = NULL
         WHERE id = $1 AND organisation_id = $2 AND deactivated_at IS NOT NULL",
    )
    .bind(person_id)
    .bind(organisation_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A one-time reset code for an active staff member of `organisation_id` (not `by`, the
/// admin making it); any unused one stops working. False when there is no such person.
pub async fn insert_reset_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    organisation_id: &str,
    person_id: &str,
    by: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool> {
    sqlx::query(
        "UPDATE staff_reset_codes SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL",
    )
    .bind(person_id)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    let made = sqlx::query(
        "INSERT INTO staff_reset_codes (code_hash, person_id, created_by, created_at, expires_at)
         SELECT $1, id, $4, $5, $6 FROM people
         WHERE id = $2 AND organisation_id = $3 AND id <> $4 AND deactivated_at IS NULL
           AND role IN ('case_manager', 'admin')",
    )
    .bind(code_hash)
    .bind(person_id)
    .bind(organisation_id)
    .bind(by)
    .bind(instant_text(now))
    .bind(instant_text(expires_at))
    .execute(conn)
    .await?;
    Ok(made.rows_affected() == 1)
}

/// Uses up a reset code given to the person signing in as `sign_in_name`: their id and
/// role, if the code is theirs, unused and not expired, and they are still active. Marked
/// used in the caller's transaction, so a code works once however many try it at once.
pub async fn redeem_reset_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    sign_in_name: &str,
    now: DateTime<Utc>,
) -> Result<Option<(String, Role)>> {
    let person: Option<String> = sqlx::query_scalar(
        "UPDATE staff_reset_codes SET used_at = $3
         WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $3
           AND person_id IN (SELECT a.person_id FROM accounts a JOIN people p ON p.id = a.person_id
                             WHERE a.sign_in_name = $2 AND p.deactivated_at IS NULL)
         RETURNING person_id",
    )
    .bind(code_hash)
    .bind(sign_in_name)
    .bind(instant_text(now))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(person) = person else {
        return Ok(None);
    };
    let role: String = sqlx::query_scalar("SELECT role FROM people WHERE id = $1")
        .bind(&person)
        .fetch_one(conn)
        .await?;
    Ok(Some((person, Role::from_code(&role)?)))
}

/// The person with this sign-in name, active or not.
pub async fn person_with_sign_in_name(db: &Db, sign_in_name: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = $1")
            .bind(sign_in_name)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// A person of one organisation, as staff lists show them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonListing {
    pub person_id: String,
    pub display_name: String,
    pub role: String,
    pub sign_in_name: Option<String>,
    /// When an admin deactivated them, if they are.
    pub deactivated_at: Option<String>,
    /// Their own line, which their clients see.
    pub work_phone: Option<String>,
}

/// Staff of an organisation (case managers and admins), by name.
pub async fn staff_of_organisation(db: &Db, organisation_id: &str) -> Result<Vec<PersonListing>> {
    Ok(sqlx::query_as(
        "SELECT p.id AS person_id, p.display_name, p.role, a.sign_in_name, p.deactivated_at,
                p.work_phone
         FROM people p LEFT JOIN accounts a ON a.person_id = p.id
         WHERE p.organisation_id = $1 AND p.role IN ('case_manager', 'admin')
         ORDER BY p.display_name, p.id",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?)
}

/// The person with this id in this organisation, any role.
pub async fn person_in_organisation(
    db: &Db,
    organisation_id: &str,
    person_id: &str,
) -> Result<Option<PersonListing>> {
    Ok(sqlx::query_as(
        "SELECT p.id AS person_id, p.display_name, p.role, a.sign_in_name, p.deactivated_at,
                p.work_phone
         FROM people p LEFT JOIN accounts a ON a.person_id = p.id
         WHERE p.organisation_id = $1 AND p.id = $2",
    )
    .bind(organisation_id)
    .bind(person_id)
    .fetch_optional(db.pool())
    .await?)
}

/// The organisation a person belongs to.
pub async fn organisation_of(conn: &mut AnyConnection, person_id: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT organisation_id FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(conn)
            .await?,
    )
}

pub fn role_of(account: &Account) -> Result<Role> {
    Ok(Role::from_code(&account.role)?)
}

// Enrollment codes ------------------------------------------------------------------------

pub async fn insert_enrollment_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    client_id: &str,
    created_by: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    // A new code replaces any unused one: only the latest code given out works.
    sqlx::query(
        "UPDATE enrollment_codes SET used_at = $2 WHERE client_id = $1 AND used_at IS NULL",
    )
    .bind(client_id)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO enrollment_codes (code_hash, client_id, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(code_hash)
    .bind(client_id)
    .bind(created_by)
    .bind(instant_text(now))
    .bind(instant_text(expires_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses up an enrollment code: the client it is for, if the code is known, unused and not
/// expired. Marked used in the caller's transaction, so two people racing with one code
/// cannot both succeed.
pub async fn redeem_enrollment_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let client_id: Option<String> = sqlx::query_scalar(
        "UPDATE enrollment_codes SET used_at = $2
         WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
         RETURNING client_id",
    )
    .bind(code_hash)
    .bind(instant_text(now))
    .fetch_optional(conn)
    .await?;
    Ok(client_id)
}

pub async fn sign_in_name_of(db: &Db, person_id: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT sign_in_name FROM accounts WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

pub async fn role_of_person(db: &Db, person_id: &str) -> Result<Role> {
    let code: String = sqlx::query_scalar("SELECT role FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_one(db.pool())
        .await?;
    Ok(Role::from_code(&code)?)
}
