//! A client's first sign-in: their case manager makes a set-up code, and the client uses it
//! to choose a sign-in name and passphrase.
use super::sessions::{start_session, throttled, Started};
use super::{traced, Outcome};
use crate::audit;
use crate::auth::{self, check_new_passphrase, hash_passphrase_blocking, normalize_code};
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
/// code stops working. `None` when the client is not theirs (the refusal is recorded).
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
        db::insert_enrollment_code(
            &mut change,
            &secret_hash(&code),
            client_id,
            &case_manager.person_id,
            now,
            now + auth::CODE_LIFETIME,
        )
        .await?;
        change.keep(&[entry], now).await?;
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

/// Whether a new sign-in may be tried now (`throttle_key`: the kind of code it comes with),
/// then its name and passphrase checked and hashed.
pub(super) async fn new_credentials(
    db: &Db,
    asking: &Asking,
    throttle_key: &str,
    chosen: ChosenSignIn<'_>,
    now: DateTime<Utc>,
) -> Result<Result<NewCredentials, Problem>, AppError> {
    if throttled(db, throttle_key, asking, now).await?.is_some() {
        return Ok(Err(Problem::Wait));
    }
    check_credentials(chosen).await
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

/// Checks a new sign-in, then hashes its passphrase (slow on purpose, off the async threads).
pub(super) async fn check_credentials(
    chosen: ChosenSignIn<'_>,
) -> Result<Result<NewCredentials, Problem>, AppError> {
    let name = match SignInName::parse(chosen.sign_in_name) {
        Ok(name) => name,
        Err(problem) => return Ok(Err(problem.into())),
    };
    if let Err(problem) = check_new_passphrase(chosen.passphrase, chosen.repeated, name.as_str()) {
        return Ok(Err(problem.into()));
    }
    let passphrase_hash = hash_passphrase_blocking(chosen.passphrase.to_owned())
        .await
        .map_err(|error| {
            tracing::error!(%error, "could not hash a new passphrase");
            AppError::Unavailable
        })?;
    Ok(Ok(NewCredentials {
        name,
        passphrase_hash,
    }))
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
        let throttle_key = "enrollment";
        let credentials = match new_credentials(db, asking, throttle_key, chosen, now).await? {
            Ok(credentials) => credentials,
            Err(problem) => return Ok(Err(problem)),
        };
        let mut change = db.change().await?;
        let client_id = match normalize_code(code) {
            Some(code) => db::redeem_enrollment_code(&mut change, &secret_hash(&code), now).await?,
            None => None,
        };
        let Some(client_id) = client_id else {
            db::record_sign_in_failure(&mut change, throttle_key, &asking.address.0, now).await?;
            let refusal = audit::allowed(asking, "enrol.failed").refused();
            change.keep(&[refusal], now).await?;
            return Ok(Err(Problem::CodeInvalid));
        };
        if db::has_account(&mut change, &client_id).await? {
            db::replace_sign_in(&mut change, &client_id, now).await?;
        }
        if let Err(taken) = add_sign_in(&mut change, &client_id, &credentials, now).await? {
            // Dropped: the code stays unused.
            return Ok(Err(taken));
        }
        let started = start_session(&mut change, &client_id, Role::Client, asking, now).await?;
        let entry = audit::allowed(asking, "enrol").by(&client_id, Some(Role::Client));
        change.keep(&[entry], now).await?;
        Ok(Ok(started))
    })
    .await
}
