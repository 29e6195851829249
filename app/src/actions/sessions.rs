//! Signing in with a passphrase, coming back after a pause, signing out, and ending
//! sessions: one's own devices, or (for an admin) everyone's of one person.
use super::{traced, Outcome};
use crate::audit;
use crate::auth::{next_attempt_allowed_at, verify_passphrase_blocking, FAILURE_MEMORY};
use crate::db::{self, Db, NewSession, SessionEnd, Sessions};
use crate::domain::{session_rules, Role, SignInName};
use crate::error::AppError;
use crate::secrets::{new_session_token, secret_hash};
use crate::session::Asking;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// A session just started: the token goes into the cookie and nowhere else.
#[derive(Debug, Clone)]
pub struct Started {
    pub token: String,
    pub role: Role,
}

/// What a sign-in (or an unlock, which starts the same session anew) came to.
#[derive(Debug, Clone)]
pub enum SignIn {
    Started(Started),
    Wrong,
    /// Too many failures: the next attempt may be made at this time.
    Wait(DateTime<Utc>),
}

impl Outcome for SignIn {
    fn outcome(&self) -> &'static str {
        match self {
            SignIn::Started(_) => "signed_in",
            SignIn::Wrong => "wrong",
            SignIn::Wait(_) => "throttled",
        }
    }
}

/// Starts a session for `person_id`, inside the change under way.
pub(super) async fn start_session(
    conn: &mut AnyConnection,
    person_id: &str,
    role: Role,
    asking: &Asking,
    now: DateTime<Utc>,
) -> Result<Started, AppError> {
    let token = new_session_token()?;
    let device: String = asking.device.chars().take(60).collect();
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

/// When the next try may be made, if not now: the later of what the failures for `key` (a
/// sign-in name, or a code's kind) and for the address allow.
pub(super) async fn throttled(
    db: &Db,
    key: &str,
    asking: &Asking,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let (by_key, by_address) =
        db::recent_sign_in_failures(db, key, &asking.address.0, now - FAILURE_MEMORY).await?;
    Ok(next_attempt_allowed_at(&by_key, now).max(next_attempt_allowed_at(&by_address, now)))
}

/// A typed sign-in name as throttling keys it: what was typed, cut short, so junk cannot
/// grow the table much.
pub(super) fn typed_name(typed: &str) -> String {
    typed.trim().to_lowercase().chars().take(40).collect()
}

/// What a failure leads to: wrong, or (after too many) a wait.
async fn after_failure(
    db: &Db,
    key: &str,
    asking: &Asking,
    now: DateTime<Utc>,
) -> Result<SignIn, AppError> {
    Ok(match throttled(db, key, asking, now).await? {
        Some(until) => SignIn::Wait(until),
        None => SignIn::Wrong,
    })
}

/// Signs in with a sign-in name and passphrase.
pub async fn sign_in(
    db: &Db,
    asking: &Asking,
    typed: &str,
    passphrase: &str,
    now: DateTime<Utc>,
) -> Result<SignIn, AppError> {
    traced("sign_in", asking, async {
        let name = typed_name(typed);
        if let Some(until) = throttled(db, &name, asking, now).await? {
            let refusal = audit::allowed(asking, "sign_in.throttled").refused();
            db::record_audit_now(db, &[refusal], now).await?;
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
        let mut change = db.change().await?;
        match (account, role) {
            (Some(account), Some(role)) if matches => {
                let started =
                    start_session(&mut change, &account.person_id, role, asking, now).await?;
                db::clear_sign_in_failures(&mut change, &name).await?;
                let entry = audit::allowed(asking, "sign_in").by(&account.person_id, Some(role));
                change.keep(&[entry], now).await?;
                Ok(SignIn::Started(started))
            }
            (account, role) => {
                db::record_sign_in_failure(&mut change, &name, &asking.address.0, now).await?;
                let mut entry = audit::allowed(asking, "sign_in.failed").refused();
                if let Some(account) = &account {
                    entry = entry.by(&account.person_id, role);
                }
                change.keep(&[entry], now).await?;
                after_failure(db, &name, asking, now).await
            }
        }
    })
    .await
}

/// Proves the passphrase again on a locked (or live) session; the session gets a new token.
pub async fn unlock(
    db: &Db,
    asking: &Asking,
    passphrase: &str,
    now: DateTime<Utc>,
) -> Result<SignIn, AppError> {
    traced("unlock", asking, async {
        let person = asking.holder().ok_or(AppError::NotSignedIn)?;
        let key = format!("person:{}", person.person_id);
        if let Some(until) = throttled(db, &key, asking, now).await? {
            return Ok(SignIn::Wait(until));
        }
        let stored = db::passphrase_hash_of(db, &person.person_id).await?;
        let matches =
            verify_passphrase_blocking(passphrase.chars().take(1024).collect(), stored).await;
        let mut change = db.change().await?;
        if !matches {
            db::record_sign_in_failure(&mut change, &key, &asking.address.0, now).await?;
            let refusal = audit::allowed(asking, "unlock.failed").refused();
            change.keep(&[refusal], now).await?;
            return after_failure(db, &key, asking, now).await;
        }
        let token = new_session_token()?;
        if !db::renew_session(&mut change, &person.session_id, &secret_hash(&token), now).await? {
            // Ended meanwhile (signed out elsewhere): nothing to unlock.
            return Ok(SignIn::Wrong);
        }
        db::clear_sign_in_failures(&mut change, &key).await?;
        change
            .keep(&[audit::allowed(asking, "unlock")], now)
            .await?;
        Ok(SignIn::Started(Started {
            token,
            role: person.role,
        }))
    })
    .await
}

/// Signs this device out (if it is signed in at all).
pub async fn sign_out(db: &Db, asking: &Asking, now: DateTime<Utc>) -> Result<(), AppError> {
    traced("sign_out", asking, async {
        let Some(person) = asking.holder() else {
            return Ok(());
        };
        let mut change = db.change().await?;
        let which = Sessions::One(&person.session_id);
        db::end_sessions(&mut change, which, SessionEnd::SignedOut, now).await?;
        change
            .keep(&[audit::allowed(asking, "sign_out")], now)
            .await?;
        Ok(())
    })
    .await
}

/// Signs out another of the signed-in person's own devices; false when that session is not
/// theirs or already ended.
pub async fn end_device(
    db: &Db,
    asking: &Asking,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    traced("session.end", asking, async {
        let person = asking.signed_in()?;
        let mut change = db.change().await?;
        let which = Sessions::OneOf {
            person_id: &person.person_id,
            session_id,
        };
        if db::end_sessions(&mut change, which, SessionEnd::EndedByPerson, now).await? == 0 {
            return Ok(false);
        }
        let entry = audit::allowed(asking, "session.end").on(session_id);
        change.keep(&[entry], now).await?;
        Ok(true)
    })
    .await
}

/// An admin signs a person of their own organisation out everywhere (a lost or shared
/// phone); false when there is no such person there.
pub async fn end_everywhere(
    db: &Db,
    asking: &Asking,
    sign_in_name: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    traced("sessions.end_all", asking, async {
        let admin = asking.as_role(Role::Admin)?;
        let Ok(name) = SignInName::parse(sign_in_name) else {
            return Ok(false);
        };
        let Some(account) = db::account_by_sign_in_name(db, name.as_str()).await? else {
            return Ok(false);
        };
        let person = &account.person_id;
        if db::person_in_organisation(db, &admin.organisation_id, person)
            .await?
            .is_none()
        {
            return Ok(false);
        }
        let mut change = db.change().await?;
        let which = Sessions::AllOf(person);
        db::end_sessions(&mut change, which, SessionEnd::EndedByAdmin, now).await?;
        let entry = audit::allowed(asking, "sessions.end_all").on(person);
        change.keep(&[entry], now).await?;
        Ok(true)
    })
    .await
}
