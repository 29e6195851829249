//! What a person does to their own sign-in: changing the passphrase, choosing a new one
//! with a reset code, removing a passkey.
use super::enrollment::{check_rules, hashed, new_credentials, ChosenSignIn};
use super::sessions::{start_session, Started};
use super::traced;
use super::turns::{prove_passphrase, Proof, ProofActions};
use crate::audit;
use crate::auth::hash_passphrase_in_turn;
use crate::db::{self, Db, SessionEnd, Sessions};
use crate::error::AppError;
use crate::notice::Problem;
use crate::session::Asking;
use chrono::{DateTime, Utc};

/// A passphrase change as typed.
#[derive(Debug, Clone, Copy)]
pub struct NewPassphrase<'a> {
    pub current: &'a str,
    pub passphrase: &'a str,
    pub repeated: &'a str,
}

/// Changes the signed-in person's passphrase. The current one is required (someone holding
/// an unlocked phone does not know it), its try counts like an unlock, and every other
/// session of theirs ends: a phone they lost, or someone who saw the old passphrase, is
/// signed out.
pub async fn change_passphrase(
    db: &Db,
    asking: &Asking,
    typed: NewPassphrase<'_>,
    now: DateTime<Utc>,
) -> Result<Result<(), Problem>, AppError> {
    let action = "passphrase.change";
    traced(action, asking, async {
        let person = asking.signed_in()?;
        let name = db::sign_in_name_of(db, &person.person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let chosen = super::enrollment::ChosenSignIn {
            sign_in_name: &name,
            passphrase: typed.passphrase,
            repeated: typed.repeated,
        };
        if let Err(problem) = check_rules(chosen) {
            return Ok(Err(problem));
        }
        let actions = ProofActions {
            throttled: "passphrase.change.throttled",
            failed: "passphrase.change.failed",
        };
        let current = typed.current;
        let attempt =
            match prove_passphrase(db, asking, &person.person_id, current, actions, now).await? {
                Proof::Proved(attempt) => attempt,
                Proof::Wrong(_) => return Ok(Err(Problem::WrongPassphrase)),
                Proof::Wait(_) => return Ok(Err(Problem::Wait)),
            };
        let hashing = hash_passphrase_in_turn(typed.passphrase.to_owned());
        let new_hash = hashed(attempt.check(db, hashing, now).await?)?;
        let mut change = db.change().await?;
        db::set_passphrase_hash(&mut change, &person.person_id, &new_hash).await?;
        let others = Sessions::OthersOf {
            person_id: &person.person_id,
            keep: &person.session_id,
        };
        db::end_sessions(&mut change, others, SessionEnd::EndedByPerson, now).await?;
        attempt.succeeded(&mut change).await?;
        change.keep(&[audit::allowed(asking, action)], now).await?;
        Ok(Ok(()))
    })
    .await
}

/// Removes one of the signed-in person's passkeys (one someone else added on their unlocked
/// phone, or one on a phone they no longer have); false when it is not theirs.
pub async fn remove_passkey(
    db: &Db,
    asking: &Asking,
    passkey_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let action = "passkey.remove";
    traced(action, asking, async {
        let person = asking.signed_in()?;
        let mut change = db.change().await?;
        if !db::remove_passkey(&mut change, &person.person_id, passkey_id).await? {
            return Ok(false);
        }
        change
            .keep(&[audit::allowed(asking, action).on(passkey_id)], now)
            .await?;
        Ok(true)
    })
    .await
}

/// A staff member chooses a new passphrase with the reset code an admin gave them, and is
/// signed in. Their sign-in name stays: they type it, and the code must be theirs. The try
/// at the code takes its turn like a set-up code's.
pub async fn reset_passphrase(
    db: &Db,
    asking: &Asking,
    code: &str,
    chosen: ChosenSignIn<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Started, Problem>, AppError> {
    traced("passphrase.reset", asking, async {
        let refusal = audit::allowed(asking, "passphrase.reset.throttled");
        let (credentials, attempt) = match new_credentials(db, asking, refusal, chosen, now).await?
        {
            Ok(checked) => checked,
            Err(problem) => return Ok(Err(problem)),
        };
        let mut change = db.change().await?;
        let name = credentials.name.as_str();
        let person = match crate::auth::normalize_code(code) {
            Some(code) => {
                let hash = crate::secrets::secret_hash(&code);
                db::redeem_reset_code(&mut change, &hash, name, now).await?
            }
            None => None,
        };
        let Some((person_id, role)) = person else {
            attempt.failed(&mut change, now).await?;
            let refusal = audit::allowed(asking, "passphrase.reset.failed").refused();
            change.keep(&[refusal], now).await?;
            return Ok(Err(Problem::ResetCodeInvalid));
        };
        db::set_passphrase_hash(&mut change, &person_id, &credentials.passphrase_hash).await?;
        attempt.succeeded(&mut change).await?;
        let started = start_session(&mut change, &person_id, role, asking, now).await?;
        let entry = audit::allowed(asking, "passphrase.reset").by(&person_id, Some(role));
        change.keep(&[entry], now).await?;
        Ok(Ok(started))
    })
    .await
}
