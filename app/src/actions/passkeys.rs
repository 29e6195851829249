//! Passkeys: adding one to the signed-in person's account, and signing in with one after
//! typing the sign-in name. The server's half of each ceremony is kept in the database for
//! five minutes and used once.
use super::sessions::{account_named, sign_in_key, start_session, Started};
use super::turns::{prove_passphrase, take_turn, Attempt, Proof, ProofActions, Turn};
use super::{traced, Outcome};
use crate::audit;
use crate::db::{self, Ceremony, Db, DbError, NewCeremony};
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
    /// Adding a passkey: the passphrase typed first is not theirs.
    WrongPassphrase,
}

impl<T> Outcome for Result<T, PasskeyProblem> {
    fn outcome(&self) -> &'static str {
        match self {
            Ok(_) => "done",
            Err(PasskeyProblem::Refused) => "refused",
            Err(PasskeyProblem::Wait) => "throttled",
            Err(PasskeyProblem::WrongPassphrase) => "wrong_passphrase",
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
/// options for `navigator.credentials.create`. The passphrase is asked again first (and its
/// try counts like an unlock): someone holding an unlocked phone must not be able to give
/// themselves a way back in.
pub async fn start_registration(
    db: &Db,
    webauthn: &Webauthn,
    asking: &Asking,
    passphrase: &str,
    now: DateTime<Utc>,
) -> Result<Result<(String, CreationChallengeResponse), PasskeyProblem>, AppError> {
    traced("passkey.registration_start", asking, async {
        let person = asking.signed_in()?;
        let Ok(user_id) = Uuid::parse_str(&person.person_id) else {
            return Ok(Err(PasskeyProblem::Refused));
        };
        let actions = ProofActions {
            throttled: "passkey.add.throttled",
            failed: "passkey.add.failed",
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
            Proof::Wrong(_) => return Ok(Err(PasskeyProblem::WrongPassphrase)),
            Proof::Wait(_) => return Ok(Err(PasskeyProblem::Wait)),
        };
        let existing = stored_passkeys(&db::passkeys_of(db, &person.person_id).await?)?;
        let exclude = existing.iter().map(|p| p.cred_id().clone()).collect();
        let sign_in_name = db::sign_in_name_of(db, &person.person_id)
            .await?
            .unwrap_or_else(|| person.display_name.clone());
        let mut change = db.change().await?;
        attempt.succeeded(&mut change).await?;
        let Ok((options, state)) = webauthn.start_passkey_registration(
            user_id,
            &sign_in_name,
            &person.display_name,
            Some(exclude),
        ) else {
            change.keep(&[], now).await?;
            return Ok(Err(PasskeyProblem::Refused));
        };
        let state = json(&state)?;
        let ceremony = NewCeremony {
            person_id: &person.person_id,
            kind: "register",
            state: &state,
            attempt_id: None,
            expires_at: now + CEREMONY_LIFETIME,
        };
        let ceremony = db::insert_ceremony(&mut change, &ceremony).await?;
        change.keep(&[], now).await?;
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
        let Some(Ceremony {
            person_id: owner,
            state,
            ..
        }) = db::take_ceremony(db, ceremony, "register", now).await?
        else {
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
        let account = account_named(db, typed).await?;
        let key = sign_in_key(db, asking, typed, account.as_ref()).await?;
        let refusal = audit::allowed(asking, "sign_in.passkey.throttled");
        let attempt = match take_turn(db, asking, key, refusal, now).await? {
            Turn::Go(attempt) => attempt,
            Turn::Wait(_) => return Ok(Err(PasskeyProblem::Wait)),
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
        let mut change = db.change().await?;
        let Some((person_id, options, state)) = started else {
            // Counted as a failure, so probing for names is slowed like guessing passphrases.
            attempt.failed(&mut change, now).await?;
            let refusal = audit::allowed(asking, "sign_in.passkey.failed").refused();
            change.keep(&[refusal], now).await?;
            return Ok(Err(PasskeyProblem::Refused));
        };
        // A start counts until the passkey answers: starts cannot pile up ceremonies for
        // one name faster than the throttle allows guesses.
        let expires_at = now + CEREMONY_LIFETIME;
        let state = json(&state)?;
        let ceremony = NewCeremony {
            person_id: &person_id,
            kind: "sign_in",
            state: &state,
            attempt_id: Some(&attempt.id),
            expires_at,
        };
        let ceremony = db::insert_ceremony(&mut change, &ceremony).await?;
        change.keep(&[], now).await?;
        Ok(Ok((ceremony, options)))
    })
    .await
}

/// A refused passkey sign-in: its try (when the ceremony had one) settled as a failure,
/// and an audit entry, kept together.
async fn refuse_sign_in(
    db: &Db,
    asking: &Asking,
    attempt: Option<&Attempt>,
    person_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut change = db.change().await?;
    if let Some(attempt) = attempt {
        attempt.failed(&mut change, now).await?;
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
        let Some(Ceremony {
            person_id,
            state,
            attempt_id,
        }) = db::take_ceremony(db, ceremony, "sign_in", now).await?
        else {
            refuse_sign_in(db, asking, None, None, now).await?;
            return Ok(Err(PasskeyProblem::Refused));
        };
        let attempt = match attempt_id {
            Some(id) => Attempt::resume(db, &id).await?,
            None => None,
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
            refuse_sign_in(db, asking, attempt.as_ref(), Some(&person_id), now).await?;
            return Ok(Err(PasskeyProblem::Refused));
        };
        let role = db::role_of_person(db, &person_id).await?;
        let mut change = db.change().await?;
        db::passkey_used(&mut change, &passkey_id, &json(&passkey)?, now).await?;
        if let Some(attempt) = &attempt {
            attempt.succeeded(&mut change).await?;
        }
        let started = start_session(&mut change, &person_id, role, asking, now).await?;
        let entry = audit::allowed(asking, "sign_in.passkey").by(&person_id, Some(role));
        change.keep(&[entry], now).await?;
        Ok(Ok(started))
    })
    .await
}
