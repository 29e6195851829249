//! Passkeys: adding one to the signed-in person's account, and signing in with one after
//! typing the sign-in name. The server's half of each ceremony is kept in the database for
//! five minutes and used once.
use super::sessions::{start_session, throttled, typed_name, Started};
use super::{traced, Outcome};
use crate::audit;
use crate::db::{self, Db, DbError};
use crate::domain::SignInName;
use crate::error::AppError;
use crate::session::Asking;
use chrono::{DateTime, Duration, Utc};
use webauthn_rs::prelude::{
    CreationChallengeResponse, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Uuid,
};
use webauthn_rs::Webauthn;

const CEREMONY_LIFETIME: Duration = Duration::minutes(5);

/// Why a passkey step did not work. Deliberately one kind: the person is told to try again
/// or use their passphrase, and learns nothing about accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyProblem {
    Refused,
    Wait,
}

impl<T> Outcome for Result<T, PasskeyProblem> {
    fn outcome(&self) -> &'static str {
        match self {
            Ok(_) => "done",
            Err(PasskeyProblem::Refused) => "refused",
            Err(PasskeyProblem::Wait) => "throttled",
        }
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, DbError> {
    Ok(serde_json::to_string(value)?)
}

fn stored_passkeys(rows: &[db::StoredPasskey]) -> Result<Vec<Passkey>, DbError> {
    rows.iter()
        .map(|row| Ok(serde_json::from_str(&row.passkey)?))
        .collect()
}

/// Starts adding a passkey to the signed-in person's account: the ceremony id and the
/// options for `navigator.credentials.create`.
pub async fn start_registration(
    db: &Db,
    webauthn: &Webauthn,
    asking: &Asking,
    now: DateTime<Utc>,
) -> Result<Result<(String, CreationChallengeResponse), PasskeyProblem>, AppError> {
    traced("passkey.registration_start", asking, async {
        let person = asking.signed_in()?;
        let Ok(user_id) = Uuid::parse_str(&person.person_id) else {
            return Ok(Err(PasskeyProblem::Refused));
        };
        let existing = stored_passkeys(&db::passkeys_of(db, &person.person_id).await?)?;
        let exclude = existing.iter().map(|p| p.cred_id().clone()).collect();
        let sign_in_name = db::sign_in_name_of(db, &person.person_id)
            .await?
            .unwrap_or_else(|| person.display_name.clone());
        let Ok((options, state)) = webauthn.start_passkey_registration(
            user_id,
            &sign_in_name,
            &person.display_name,
            Some(exclude),
        ) else {
            return Ok(Err(PasskeyProblem::Refused));
        };
        let expires_at = now + CEREMONY_LIFETIME;
        let state = json(&state)?;
        let ceremony =
            db::insert_ceremony(db, &person.person_id, "register", &state, expires_at).await?;
        Ok(Ok((ceremony, options)))
    })
    .await
}

/// Finishes adding a passkey with what the browser's authenticator made.
pub async fn finish_registration(
    db: &Db,
    webauthn: &Webauthn,
    asking: &Asking,
    ceremony: &str,
    credential: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), PasskeyProblem>, AppError> {
    let action = "passkey.add";
    traced(action, asking, async {
        let person = asking.signed_in()?;
        let Some((owner, state)) = db::take_ceremony(db, ceremony, "register", now).await? else {
            return Ok(Err(PasskeyProblem::Refused));
        };
        if owner != person.person_id {
            return Ok(Err(PasskeyProblem::Refused));
        }
        let (Ok(state), Ok(credential)) = (
            serde_json::from_str::<PasskeyRegistration>(&state),
            serde_json::from_str::<RegisterPublicKeyCredential>(credential),
        ) else {
            return Ok(Err(PasskeyProblem::Refused));
        };
        let Ok(passkey) = webauthn.finish_passkey_registration(&credential, &state) else {
            return Ok(Err(PasskeyProblem::Refused));
        };
        let mut change = db.change().await?;
        let added = db::insert_passkey(
            &mut change,
            &person.person_id,
            &json(passkey.cred_id())?,
            &json(&passkey)?,
            &asking.device,
            now,
        )
        .await?;
        if !added {
            return Ok(Err(PasskeyProblem::Refused));
        }
        change.keep(&[audit::allowed(asking, action)], now).await?;
        Ok(Ok(()))
    })
    .await
}

/// Starts signing in with a passkey for the typed sign-in name: the ceremony id and the
/// options for `navigator.credentials.get`.
pub async fn start_sign_in(
    db: &Db,
    webauthn: &Webauthn,
    asking: &Asking,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Result<(String, RequestChallengeResponse), PasskeyProblem>, AppError> {
    traced("passkey.sign_in_start", asking, async {
        let name = typed_name(typed);
        if throttled(db, &name, asking, now).await?.is_some() {
            return Ok(Err(PasskeyProblem::Wait));
        }
        let account = match SignInName::parse(&name) {
            Ok(valid) => db::account_by_sign_in_name(db, valid.as_str()).await?,
            Err(_) => None,
        };
        let passkeys = match &account {
            Some(account) => stored_passkeys(&db::passkeys_of(db, &account.person_id).await?)?,
            None => Vec::new(),
        };
        let started = match (&account, passkeys.is_empty()) {
            (Some(account), false) => webauthn
                .start_passkey_authentication(&passkeys)
                .ok()
                .map(|(options, state)| (account.person_id.clone(), options, state)),
            _ => None,
        };
        let Some((person_id, options, state)) = started else {
            // Counted as a failure, so probing for names is slowed like guessing passphrases.
            refuse_sign_in(db, asking, &name, None, now).await?;
            return Ok(Err(PasskeyProblem::Refused));
        };
        let expires_at = now + CEREMONY_LIFETIME;
        let state = json(&state)?;
        let ceremony = db::insert_ceremony(db, &person_id, "sign_in", &state, expires_at).await?;
        Ok(Ok((ceremony, options)))
    })
    .await
}

/// A refused passkey sign-in: a failure for throttling (when there is a name to count it
/// against) and an audit entry, kept together.
async fn refuse_sign_in(
    db: &Db,
    asking: &Asking,
    name: &str,
    person_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut change = db.change().await?;
    if !name.is_empty() {
        db::record_sign_in_failure(&mut change, name, &asking.address.0, now).await?;
    }
    let mut refusal = audit::allowed(asking, "sign_in.passkey.failed").refused();
    if let Some(person_id) = person_id {
        refusal = refusal.by(person_id, None);
    }
    change.keep(&[refusal], now).await?;
    Ok(())
}

/// Finishes signing in with a passkey: a new session, as with a passphrase.
pub async fn finish_sign_in(
    db: &Db,
    webauthn: &Webauthn,
    asking: &Asking,
    ceremony: &str,
    credential: &str,
    now: DateTime<Utc>,
) -> Result<Result<Started, PasskeyProblem>, AppError> {
    traced("sign_in.passkey", asking, async {
        let Some((person_id, state)) = db::take_ceremony(db, ceremony, "sign_in", now).await?
        else {
            refuse_sign_in(db, asking, "", None, now).await?;
            return Ok(Err(PasskeyProblem::Refused));
        };
        let result = match (
            serde_json::from_str::<PasskeyAuthentication>(&state),
            serde_json::from_str::<PublicKeyCredential>(credential),
        ) {
            (Ok(state), Ok(credential)) => webauthn
                .finish_passkey_authentication(&credential, &state)
                .ok(),
            _ => None,
        };
        let rows = db::passkeys_of(db, &person_id).await?;
        let matched = result.and_then(|result| {
            rows.iter().find_map(|row| {
                let mut passkey: Passkey = serde_json::from_str(&row.passkey).ok()?;
                (passkey.cred_id() == result.cred_id()).then(|| {
                    passkey.update_credential(&result);
                    (row.id.clone(), passkey)
                })
            })
        });
        let Some((passkey_id, passkey)) = matched else {
            let name = db::sign_in_name_of(db, &person_id)
                .await?
                .unwrap_or_default();
            refuse_sign_in(db, asking, &name, Some(&person_id), now).await?;
            return Ok(Err(PasskeyProblem::Refused));
        };
        let role = db::role_of_person(db, &person_id).await?;
        let mut change = db.change().await?;
        db::passkey_used(&mut change, &passkey_id, &json(&passkey)?, now).await?;
        let started = start_session(&mut change, &person_id, role, asking, now).await?;
        let entry = audit::allowed(asking, "sign_in.passkey").by(&person_id, Some(role));
        change.keep(&[entry], now).await?;
        Ok(Ok(started))
    })
    .await
}
