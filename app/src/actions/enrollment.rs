//! A client's first sign-in: their case manager makes a set-up code, and the client uses it
//! to choose a sign-in name and passphrase.
use super::sessions::{start_session, Started};
use super::turns::{take_turn, Attempt, Turn};
use super::{traced, Outcome};
use crate::audit;
use crate::auth::{
    self, check_new_passphrase, hash_passphrase_in_turn, normalize_code, ThrottleKey,
};
use crate::db::{self, Db};
use crate::domain::{RecordId, Role, SignInName};
use crate::error::AppError;
use crate::notice::Problem;
use crate::secrets::secret_hash;
use crate::session::Asking;
use chrono::{DateTime, Utc};

/// A set-up code just made for a client, shown once to the case manager.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub client_id: String,
    pub code: String,
}

/// A case manager makes a set-up code for a client on their care team; any earlier unused
/// code stops working, and a client already signed up has their sign-in reset. `None` when
/// the client is not theirs (the refusal is recorded).
pub async fn make_code(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<NewCode>, AppError> {
    let action = "enrollment_code.create";
    traced(action, asking, async {
        let case_manager = asking.as_role(Role::CaseManager)?;
        let entry = audit::allowed(asking, action);
        let ours = match RecordId::parse(client_id) {
            Some(id) => db::on_care_team(db, &case_manager.person_id, id.as_str()).await?,
            // Not an id: nothing of what was sent goes into the trail.
            None => return Ok(None),
        };
        let entry = entry.about(client_id);
        if !ours {
            db::record_audit_now(db, &[entry.refused()], now).await?;
            return Ok(None);
        }
        let code = auth::new_code()?;
        let mut change = db.change().await?;
        // Someone already signed up: whatever was wrong (a lost phone, a passphrase someone
        // else knows), their old sign-in stops working now, not when the code is used.
        let by = &case_manager.person_id;
        let reset = db::reset_sign_in(&mut change, client_id, by, now).await?;
        let reset_entry = audit::allowed(asking, "sign_in.reset").about(client_id);
        db::insert_enrollment_code(
            &mut change,
            &secret_hash(&code),
            client_id,
            &case_manager.person_id,
            now,
            now + auth::CODE_LIFETIME,
        )
        .await?;
        let entries = if reset {
            vec![entry, reset_entry]
        } else {
            vec![entry]
        };
        change.keep(&entries, now).await?;
        Ok(Some(NewCode {
            client_id: client_id.to_owned(),
            code,
        }))
    })
    .await
}

/// What a person typed to make their sign-in.
#[derive(Debug, Clone, Copy)]
pub struct ChosenSignIn<'a> {
    pub sign_in_name: &'a str,
    pub passphrase: &'a str,
    pub repeated: &'a str,
}

/// A new account's sign-in name and passphrase, checked.
pub(super) struct NewCredentials {
    pub name: SignInName,
    pub passphrase_hash: String,
}

/// A new sign-in's name and passphrase against their rules (they try no secret, so they
/// come before any turn is taken).
pub(super) fn check_rules(chosen: ChosenSignIn<'_>) -> Result<SignInName, Problem> {
    let name = SignInName::parse(chosen.sign_in_name)?;
    check_new_passphrase(chosen.passphrase, chosen.repeated, name.as_str())?;
    Ok(name)
}

/// A new passphrase's hash, or why there is none (logged here).
pub(super) fn hashed(hash: Result<String, auth::HashError>) -> Result<String, AppError> {
    hash.map_err(|error| {
        tracing::error!(%error, "could not hash a new passphrase");
        AppError::Unavailable
    })
}

/// A code and the new sign-in that comes with it, checked: the sign-in's rules first, then
/// the try at the code takes its turn (throttled per address the codes are typed from),
/// then the passphrase is hashed. The caller checks the code and settles the attempt.
pub(super) async fn new_credentials(
    db: &Db,
    asking: &Asking,
    refusal: crate::db::AuditEvent,
    chosen: ChosenSignIn<'_>,
    now: DateTime<Utc>,
) -> Result<Result<(NewCredentials, Attempt), Problem>, AppError> {
    let name = match check_rules(chosen) {
        Ok(name) => name,
        Err(problem) => return Ok(Err(problem)),
    };
    let key = ThrottleKey::Code(asking.address.0.clone());
    let attempt = match take_turn(db, asking, key, refusal, now).await? {
        Turn::Go(attempt) => attempt,
        Turn::Wait(_) => return Ok(Err(Problem::Wait)),
    };
    let hashing = hash_passphrase_in_turn(chosen.passphrase.to_owned());
    let passphrase_hash = hashed(attempt.check(db, hashing, now).await?)?;
    let credentials = NewCredentials {
        name,
        passphrase_hash,
    };
    Ok(Ok((credentials, attempt)))
}

/// A new sign-in made by someone already signed in (an admin adding staff): no code, no
/// turn to take.
pub(super) async fn check_credentials(
    chosen: ChosenSignIn<'_>,
) -> Result<Result<NewCredentials, Problem>, AppError> {
    let name = match check_rules(chosen) {
        Ok(name) => name,
        Err(problem) => return Ok(Err(problem)),
    };
    let passphrase_hash = hashed(hash_passphrase_in_turn(chosen.passphrase.to_owned()).await?)?;
    Ok(Ok(NewCredentials {
        name,
        passphrase_hash,
    }))
}

/// Gives `person_id` the new sign-in, in the change under way; `NameTaken` when someone has
/// the name (the change must then be dropped).
pub(super) async fn add_sign_in(
    conn: &mut sqlx::AnyConnection,
    person_id: &str,
    credentials: &NewCredentials,
    now: DateTime<Utc>,
) -> Result<Result<(), Problem>, AppError> {
    let (name, hash) = (credentials.name.as_str(), &credentials.passphrase_hash);
    let added = db::insert_account(conn, person_id, name, hash, now).await?;
    Ok(added.map_err(|_| Problem::NameTaken))
}

impl Outcome for Started {
    fn outcome(&self) -> &'static str {
        "signed_in"
    }
}

/// A client sets up their sign-in with the code their case manager gave them. Setting up
/// again (a forgotten passphrase) replaces the old sign-in and ends its sessions.
pub async fn enrol(
    db: &Db,
    asking: &Asking,
    code: &str,
    chosen: ChosenSignIn<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Started, Problem>, AppError> {
    traced("enrol", asking, async {
        let refusal = audit::allowed(asking, "enrol.throttled");
        let (credentials, attempt) = match new_credentials(db, asking, refusal, chosen, now).await?
        {
            Ok(checked) => checked,
            Err(problem) => return Ok(Err(problem)),
        };
        let mut change = db.change().await?;
        let client_id = match normalize_code(code) {
            Some(code) => db::redeem_enrollment_code(&mut change, &secret_hash(&code), now).await?,
            None => None,
        };
        let Some(client_id) = client_id else {
            attempt.failed(&mut change, now).await?;
            let refusal = audit::allowed(asking, "enrol.failed").refused();
            change.keep(&[refusal], now).await?;
            return Ok(Err(Problem::CodeInvalid));
        };
        if db::has_account(&mut change, &client_id).await? {
            db::replace_sign_in(&mut change, &client_id, now).await?;
        }
        if let Err(taken) = add_sign_in(&mut change, &client_id, &credentials, now).await? {
            // Dropped: the code stays unused.
            drop(change);
            attempt.came_to_nothing(db, now).await?;
            return Ok(Err(taken));
        }
        attempt.succeeded(&mut change).await?;
        let started = start_session(&mut change, &client_id, Role::Client, asking, now).await?;
        let entry = audit::allowed(asking, "enrol").by(&client_id, Some(Role::Client));
        change.keep(&[entry], now).await?;
        Ok(Ok(started))
    })
    .await
}
