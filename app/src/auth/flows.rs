//! The sign-in flows, each one transaction with its audit entries: signing in, unlocking,
//! enrolling as a client, joining as a supporter, and creating staff.
use super::{
    check_new_passphrase, hash_passphrase_blocking, new_session_token, next_attempt_allowed_at,
    normalize_code, secret_hash, verify_passphrase_blocking, FAILURE_MEMORY,
};
use crate::db::{self, AuditEvent, Db, DbError, NewSession, Outcome};
use crate::domain::{PlainText, Role, SignInName};
use crate::notice::Problem;
use crate::session::session_rules;
use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;

/// How long an enrollment or invite code works.
pub const CODE_LIFETIME: Duration = Duration::hours(72);

/// Where the request came from and on what, for sessions and the audit trail.
#[derive(Debug, Clone)]
pub struct Origin {
    pub address: String,
    pub device: String,
}

/// A session just started: the token goes into the cookie and nowhere else.
#[derive(Debug, Clone)]
pub struct Started {
    pub token: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub enum SignIn {
    Started(Started),
    Wrong,
    /// Too many failures: the next attempt may be made at this time.
    Wait(DateTime<Utc>),
}

fn sign_in_event(
    person_id: Option<&str>,
    role: Option<Role>,
    action: &'static str,
    origin: &Origin,
    outcome: Outcome,
) -> AuditEvent {
    AuditEvent {
        actor_id: person_id.map(str::to_owned),
        actor_role: role.map(|r| r.code().to_owned()),
        action,
        client_id: None,
        target: None,
        address: Some(origin.address.clone()),
        outcome,
    }
}

pub(super) async fn start_session(
    conn: &mut AnyConnection,
    person_id: &str,
    role: Role,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Started, DbError> {
    let token = new_session_token()?;
    let device: String = origin.device.chars().take(60).collect();
    db::insert_session(
        conn,
        &NewSession {
            session_id: &db::new_id(),
            token_hash: &secret_hash(&token),
            person_id,
            device: &device,
            expires_at: now + session_rules(role).lifetime,
        },
        now,
    )
    .await?;
    Ok(Started { token, role })
}

pub(super) async fn throttled(
    db: &Db,
    name: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbError> {
    let (by_name, by_address) =
        db::recent_sign_in_failures(db, name, &origin.address, now - FAILURE_MEMORY).await?;
    Ok(next_attempt_allowed_at(&by_name, now).max(next_attempt_allowed_at(&by_address, now)))
}

/// Signs in with a sign-in name and passphrase.
pub async fn sign_in(
    db: &Db,
    typed_name: &str,
    passphrase: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<SignIn, DbError> {
    // Throttling is keyed by what was typed, cut short, so junk cannot grow the table much.
    let name: String = typed_name.trim().to_lowercase().chars().take(40).collect();
    if let Some(until) = throttled(db, &name, origin, now).await? {
        let event = sign_in_event(None, None, "sign_in.throttled", origin, Outcome::Refused);
        db::record_audit_now(db, &[event], now).await?;
        return Ok(SignIn::Wait(until));
    }
    let account = match SignInName::parse(&name) {
        Ok(name) => db::account_by_sign_in_name(db, name.as_str()).await?,
        Err(_) => None,
    };
    let role = account.as_ref().map(db::role_of).transpose()?;
    let matches = verify_passphrase_blocking(
        passphrase.chars().take(1024).collect(),
        account.as_ref().map(|a| a.passphrase_hash.clone()),
    )
    .await;
    match (account, role) {
        (Some(account), Some(role)) if matches => {
            let mut tx = db.begin().await?;
            let started = start_session(&mut tx, &account.person_id, role, origin, now).await?;
            let event = sign_in_event(
                Some(&account.person_id),
                Some(role),
                "sign_in",
                origin,
                Outcome::Allowed,
            );
            db::record_audit(&mut tx, &[event], now).await?;
            tx.commit().await?;
            db::clear_sign_in_failures(db, &name).await?;
            Ok(SignIn::Started(started))
        }
        (account, role) => {
            db::record_sign_in_failure(db, &name, &origin.address, now).await?;
            let event = sign_in_event(
                account.as_ref().map(|a| a.person_id.as_str()),
                role,
                "sign_in.failed",
                origin,
                Outcome::Refused,
            );
            db::record_audit_now(db, &[event], now).await?;
            match throttled(db, &name, origin, now).await? {
                Some(until) => Ok(SignIn::Wait(until)),
                None => Ok(SignIn::Wrong),
            }
        }
    }
}

#[derive(Debug, Clone)]
pub enum Unlock {
    /// The new token for the same session.
    Renewed(String),
    Wrong,
    Wait(DateTime<Utc>),
}

/// Proves the passphrase again on a locked session; the session gets a new token.
pub async fn unlock(
    db: &Db,
    session_id: &str,
    person_id: &str,
    passphrase: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Unlock, DbError> {
    let throttle_key = format!("person:{person_id}");
    if let Some(until) = throttled(db, &throttle_key, origin, now).await? {
        return Ok(Unlock::Wait(until));
    }
    let stored = db::passphrase_hash_of(db, person_id).await?;
    let matches = verify_passphrase_blocking(passphrase.chars().take(1024).collect(), stored).await;
    let (action, outcome) = if matches {
        ("unlock", Outcome::Allowed)
    } else {
        ("unlock.failed", Outcome::Refused)
    };
    let event = sign_in_event(Some(person_id), None, action, origin, outcome);
    db::record_audit_now(db, &[event], now).await?;
    if !matches {
        db::record_sign_in_failure(db, &throttle_key, &origin.address, now).await?;
        return Ok(match throttled(db, &throttle_key, origin, now).await? {
            Some(until) => Unlock::Wait(until),
            None => Unlock::Wrong,
        });
    }
    let token = new_session_token()?;
    if !db::renew_session(db, session_id, &secret_hash(&token), now).await? {
        return Ok(Unlock::Wrong);
    }
    db::clear_sign_in_failures(db, &throttle_key).await?;
    Ok(Unlock::Renewed(token))
}

/// What a person typed to make their sign-in.
#[derive(Debug, Clone, Copy)]
pub struct ChosenSignIn<'a> {
    pub sign_in_name: &'a str,
    pub passphrase: &'a str,
    pub repeated: &'a str,
}

/// A new account's sign-in name and passphrase, checked.
struct NewCredentials {
    name: SignInName,
    passphrase_hash: String,
}

async fn check_credentials(
    chosen: ChosenSignIn<'_>,
) -> Result<Result<NewCredentials, Problem>, DbError> {
    let name = match SignInName::parse(chosen.sign_in_name) {
        Ok(name) => name,
        Err(problem) => return Ok(Err(problem.into())),
    };
    if let Err(problem) = check_new_passphrase(chosen.passphrase, chosen.repeated, name.as_str()) {
        return Ok(Err(problem.into()));
    }
    let passphrase_hash = hash_passphrase_blocking(chosen.passphrase.to_owned())
        .await
        .map_err(|e| DbError::Corrupt(e.to_string()))?;
    Ok(Ok(NewCredentials {
        name,
        passphrase_hash,
    }))
}

/// A client sets up their sign-in with the code their case manager gave them.
pub async fn enrol(
    db: &Db,
    code: &str,
    chosen: ChosenSignIn<'_>,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Result<Started, Problem>, DbError> {
    let throttle_key = "enrollment";
    if throttled(db, throttle_key, origin, now).await?.is_some() {
        return Ok(Err(Problem::Wait));
    }
    let credentials = match check_credentials(chosen).await? {
        Ok(credentials) => credentials,
        Err(problem) => return Ok(Err(problem)),
    };
    let mut tx = db.begin().await?;
    let client_id = match normalize_code(code) {
        Some(code) => db::redeem_enrollment_code(&mut tx, &secret_hash(&code), now).await?,
        None => None,
    };
    let Some(client_id) = client_id else {
        tx.rollback().await?;
        db::record_sign_in_failure(db, throttle_key, &origin.address, now).await?;
        let event = sign_in_event(None, None, "enrol.failed", origin, Outcome::Refused);
        db::record_audit_now(db, &[event], now).await?;
        return Ok(Err(Problem::CodeInvalid));
    };
    if db::sign_in_name_taken(&mut tx, credentials.name.as_str()).await? {
        // The code stays unused: nothing in this transaction is kept.
        tx.rollback().await?;
        return Ok(Err(Problem::NameTaken));
    }
    if db::has_account(&mut tx, &client_id).await? {
        // Re-enrolling (a forgotten passphrase) replaces the sign-in and ends old sessions.
        sqlx::query("DELETE FROM accounts WHERE person_id = $1")
            .bind(&client_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE sessions SET ended_at = $2, ended_reason = 'replaced'
             WHERE person_id = $1 AND ended_at IS NULL",
        )
        .bind(&client_id)
        .bind(db::instant_text(now))
        .execute(&mut *tx)
        .await?;
        db::forget_ended_sessions(&mut tx, db::EndedSessions::OfPerson(&client_id)).await?;
    }
    db::insert_account(
        &mut tx,
        &client_id,
        credentials.name.as_str(),
        &credentials.passphrase_hash,
        now,
    )
    .await?;
    let started = start_session(&mut tx, &client_id, Role::Client, origin, now).await?;
    let event = sign_in_event(
        Some(&client_id),
        Some(Role::Client),
        "enrol",
        origin,
        Outcome::Allowed,
    );
    db::record_audit(&mut tx, &[event], now).await?;
    tx.commit().await?;
    Ok(Ok(started))
}

/// The name a supporter or staff member is shown by: plain text, up to 60 characters.
pub fn display_name(raw: &str) -> Result<String, Problem> {
    PlainText::parse(raw, 60)
        .map(|text| text.as_str().replace(['\n', '\r'], " "))
        .map_err(|_| Problem::NameMissing)
}

/// A supporter accepts a client's invite, making their own sign-in.
pub async fn join(
    db: &Db,
    code: &str,
    name_shown: &str,
    chosen: ChosenSignIn<'_>,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Result<Started, Problem>, DbError> {
    let throttle_key = "invite";
    if throttled(db, throttle_key, origin, now).await?.is_some() {
        return Ok(Err(Problem::Wait));
    }
    let name_shown = match display_name(name_shown) {
        Ok(name) => name,
        Err(problem) => return Ok(Err(problem)),
    };
    let credentials = match check_credentials(chosen).await? {
        Ok(credentials) => credentials,
        Err(problem) => return Ok(Err(problem)),
    };
    let mut tx = db.begin().await?;
    let code_hash = normalize_code(code).map(|code| secret_hash(&code));
    let grant = match &code_hash {
        Some(hash) => db::open_invite(&mut tx, hash, now).await?,
        None => None,
    };
    let (Some(grant), Some(code_hash)) = (grant, code_hash) else {
        tx.rollback().await?;
        db::record_sign_in_failure(db, throttle_key, &origin.address, now).await?;
        let event = sign_in_event(None, None, "join.failed", origin, Outcome::Refused);
        db::record_audit_now(db, &[event], now).await?;
        return Ok(Err(Problem::InviteInvalid));
    };
    if db::sign_in_name_taken(&mut tx, credentials.name.as_str()).await? {
        tx.rollback().await?;
        return Ok(Err(Problem::NameTaken));
    }
    let Some(organisation_id) = db::organisation_of(&mut tx, &grant.client_id).await? else {
        tx.rollback().await?;
        return Ok(Err(Problem::InviteInvalid));
    };
    let supporter_id = db::new_id();
    db::insert_person(
        &mut tx,
        &supporter_id,
        &organisation_id,
        &name_shown,
        Role::Supporter,
        now,
    )
    .await?;
    db::insert_account(
        &mut tx,
        &supporter_id,
        credentials.name.as_str(),
        &credentials.passphrase_hash,
        now,
    )
    .await?;
    if !db::accept_invite(&mut tx, &code_hash, &grant.grant_id, &supporter_id, now).await? {
        tx.rollback().await?;
        return Ok(Err(Problem::InviteInvalid));
    }
    let started = start_session(&mut tx, &supporter_id, Role::Supporter, origin, now).await?;
    let mut event = sign_in_event(
        Some(&supporter_id),
        Some(Role::Supporter),
        "grant.accept",
        origin,
        Outcome::Allowed,
    );
    event.client_id = Some(grant.client_id.clone());
    event.target = Some(grant.grant_id.clone());
    db::record_audit(&mut tx, &[event], now).await?;
    tx.commit().await?;
    Ok(Ok(started))
}

/// A staff member to add.
#[derive(Debug, Clone, Copy)]
pub struct NewStaff<'a> {
    pub organisation_id: &'a str,
    pub name_shown: &'a str,
    pub role: Role,
    pub sign_in_name: &'a str,
    pub passphrase: &'a str,
    /// The admin adding them; `None` from the command line.
    pub created_by: Option<&'a str>,
}

/// Creates a staff member's account (by the command line or an admin).
pub async fn create_staff(
    db: &Db,
    staff: NewStaff<'_>,
    now: DateTime<Utc>,
) -> Result<Result<String, Problem>, DbError> {
    let NewStaff {
        organisation_id,
        role,
        created_by,
        ..
    } = staff;
    if !matches!(role, Role::CaseManager | Role::Admin) {
        return Ok(Err(Problem::NotFound));
    }
    let name_shown = match display_name(staff.name_shown) {
        Ok(name) => name,
        Err(problem) => return Ok(Err(problem)),
    };
    let chosen = ChosenSignIn {
        sign_in_name: staff.sign_in_name,
        passphrase: staff.passphrase,
        repeated: staff.passphrase,
    };
    let credentials = match check_credentials(chosen).await? {
        Ok(credentials) => credentials,
        Err(problem) => return Ok(Err(problem)),
    };
    let mut tx = db.begin().await?;
    if db::sign_in_name_taken(&mut tx, credentials.name.as_str()).await? {
        tx.rollback().await?;
        return Ok(Err(Problem::NameTaken));
    }
    let person_id = db::new_id();
    db::insert_person(&mut tx, &person_id, organisation_id, &name_shown, role, now).await?;
    db::insert_account(
        &mut tx,
        &person_id,
        credentials.name.as_str(),
        &credentials.passphrase_hash,
        now,
    )
    .await?;
    let event = AuditEvent {
        actor_id: created_by.map(str::to_owned),
        actor_role: created_by.map(|_| Role::Admin.code().to_owned()),
        action: "staff.create",
        client_id: None,
        target: Some(person_id.clone()),
        address: None,
        outcome: Outcome::Allowed,
    };
    db::record_audit(&mut tx, &[event], now).await?;
    tx.commit().await?;
    Ok(Ok(person_id))
}
