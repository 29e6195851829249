//! Signing in with a passphrase, coming back after a pause, signing out, and ending
//! sessions: one's own devices, or (for an admin) everyone's of one person.
use super::turns::{checked_part, prove_passphrase, take_turn, Proof, ProofActions, Turn};
use super::{traced, Outcome};
use crate::audit;
use crate::auth::{verify_passphrase_in_turn, ThrottleKey};
use crate::db::{self, Db, NewSession, SessionEnd, Sessions};
use crate::domain::{session_rules, Role, SignInName};
use crate::error::AppError;
use crate::secrets::{new_session_token, secret_hash};
use crate::session::{Asking, DEVICE_TOKENS_KEPT};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// A session just started: the token goes into the cookie and nowhere else.
#[derive(Debug, Clone)]
pub struct Started {
    pub token: String,
    pub role: Role,
    /// The device cookie's tokens to keep, when this phone was new to the account (its new
    /// token last); `None` leaves the cookie as it is.
    pub device_tokens: Option<Vec<String>>,
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
    let device_tokens = remember_device(conn, person_id, asking, now).await?;
    Ok(Started {
        token,
        role,
        device_tokens,
    })
}

fn hashes(tokens: &[String]) -> Vec<String> {
    tokens.iter().map(|token| secret_hash(token)).collect()
}

/// Marks the phone as one that has signed in to `person_id`: its known token is used again,
/// or a new one is added to its cookie (the oldest dropped past a few people).
async fn remember_device(
    conn: &mut AnyConnection,
    person_id: &str,
    asking: &Asking,
    now: DateTime<Utc>,
) -> Result<Option<Vec<String>>, AppError> {
    let known = &asking.known_device_tokens;
    if let Some(device) = db::known_device_of(conn, person_id, &hashes(known)).await? {
        db::known_device_used(conn, &device, now).await?;
        return Ok(None);
    }
    let token = new_session_token()?;
    db::insert_known_device(conn, person_id, &secret_hash(&token), now).await?;
    let skip = (known.len() + 1).saturating_sub(DEVICE_TOKENS_KEPT);
    let mut tokens: Vec<String> = known.iter().skip(skip).cloned().collect();
    tokens.push(token);
    Ok(Some(tokens))
}

/// The account a typed sign-in name names, if any.
pub(super) async fn account_named(db: &Db, typed: &str) -> Result<Option<db::Account>, AppError> {
    Ok(match SignInName::parse(typed) {
        Ok(name) => db::account_by_sign_in_name(db, name.as_str()).await?,
        Err(_) => None,
    })
}

/// What a try at signing in as `typed` (naming `account`) counts against: this phone's own
/// allowance when it has signed in to that account before, else the name.
pub(super) async fn sign_in_key(
    db: &Db,
    asking: &Asking,
    typed: &str,
    account: Option<&db::Account>,
) -> Result<ThrottleKey, AppError> {
    let known = &asking.known_device_tokens;
    if let (Some(account), false) = (account, known.is_empty()) {
        if let Some(device) = db::known_device_for(db, &account.person_id, &hashes(known)).await? {
            return Ok(ThrottleKey::Device(device));
        }
    }
    Ok(ThrottleKey::typed_name(typed))
}

/// Signs in with a sign-in name and passphrase. The try is counted before the passphrase is
/// checked (see `turns`).
pub async fn sign_in(
    db: &Db,
    asking: &Asking,
    typed: &str,
    passphrase: &str,
    now: DateTime<Utc>,
) -> Result<SignIn, AppError> {
    traced("sign_in", asking, async {
        let account = account_named(db, typed).await?;
        let key = sign_in_key(db, asking, typed, account.as_ref()).await?;
        let refusal = audit::allowed(asking, "sign_in.throttled");
        let attempt = match take_turn(db, asking, key, refusal, now).await? {
            Turn::Go(attempt) => attempt,
            Turn::Wait(until) => return Ok(SignIn::Wait(until)),
        };
        let role = account.as_ref().map(db::role_of).transpose()?;
        let stored = account.as_ref().map(|a| a.passphrase_hash.clone());
        let verifying = verify_passphrase_in_turn(checked_part(passphrase), stored);
        let matches = attempt.check(db, verifying, now).await?;
        let mut change = db.change().await?;
        match (account, role) {
            (Some(account), Some(role)) if matches => {
                let started =
                    start_session(&mut change, &account.person_id, role, asking, now).await?;
                attempt.succeeded(&mut change).await?;
                let entry = audit::allowed(asking, "sign_in").by(&account.person_id, Some(role));
                change.keep(&[entry], now).await?;
                Ok(SignIn::Started(started))
            }
            (account, role) => {
                let wait = attempt.failed(&mut change, now).await?;
                let mut entry = audit::allowed(asking, "sign_in.failed").refused();
                if let Some(account) = &account {
                    entry = entry.by(&account.person_id, role);
                }
                change.keep(&[entry], now).await?;
                Ok(wait.map_or(SignIn::Wrong, SignIn::Wait))
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
        let actions = ProofActions {
            throttled: "unlock.throttled",
            failed: "unlock.failed",
        };
        let attempt = match prove_passphrase(
            db,
            asking,
            &person.person_id,
            passphrase,
            actions,
            now,
        )
        .await?
        {
            Proof::Proved(attempt) => attempt,
            Proof::Wrong(wait) => return Ok(wait.map_or(SignIn::Wrong, SignIn::Wait)),
            Proof::Wait(until) => return Ok(SignIn::Wait(until)),
        };
        let mut change = db.change().await?;
        let token = new_session_token()?;
        if !db::renew_session(&mut change, &person.session_id, &secret_hash(&token), now).await? {
            // Ended meanwhile (signed out elsewhere): nothing to unlock.
            drop(change);
            attempt.came_to_nothing(db, now).await?;
            return Ok(SignIn::Wrong);
        }
        attempt.succeeded(&mut change).await?;
        change
            .keep(&[audit::allowed(asking, "unlock")], now)
            .await?;
        Ok(SignIn::Started(Started {
            token,
            role: person.role,
            device_tokens: None,
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
