//! Passkeys (WebAuthn, with webauthn-rs): adding one to a signed-in account, and signing in
//! with one after typing the sign-in name. The server's half of each ceremony is kept in the
//! database for five minutes and used once.
use super::flows::{start_session, throttled, Origin, Started};
use crate::db::{self, AuditEvent, Db, DbError, Outcome};
use crate::domain::SignInName;
use crate::session::SignedIn;
use chrono::{DateTime, Duration, Utc};
use webauthn_rs::prelude::{
    CreationChallengeResponse, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Url, Uuid,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

const CEREMONY_LIFETIME: Duration = Duration::minutes(5);

/// The relying party for `public_url`. WebAuthn needs a domain name (`localhost` counts), so
/// an address such as `http://127.0.0.1:3000` has no passkeys.
pub fn relying_party(public_url: &str) -> Result<Webauthn, String> {
    let origin = Url::parse(public_url).map_err(|e| e.to_string())?;
    let rp_id = origin
        .domain()
        .ok_or("WAYPOINT_PUBLIC_URL must use a domain name for passkeys")?
        .to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|builder| builder.rp_name("Waypoint").allow_any_port(true).build())
        .map_err(|e| e.to_string())
}

/// Why a passkey step did not work. Deliberately one kind: the person is told to try again
/// or use their passphrase, and learns nothing about accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyProblem {
    Refused,
    Wait,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::Corrupt(e.to_string()))
}

fn stored_passkeys(rows: &[db::StoredPasskey]) -> Result<Vec<Passkey>, DbError> {
    rows.iter()
        .map(|row| {
            serde_json::from_str(&row.passkey)
                .map_err(|e| DbError::Corrupt(format!("passkey: {e}")))
        })
        .collect()
}

/// Starts adding a passkey to the signed-in person's account: the ceremony id and the
/// options for `navigator.credentials.create`.
pub async fn start_registration(
    db: &Db,
    webauthn: &Webauthn,
    person: &SignedIn,
    now: DateTime<Utc>,
) -> Result<Result<(String, CreationChallengeResponse), PasskeyProblem>, DbError> {
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
    let ceremony = db::insert_ceremony(
        db,
        &person.person_id,
        "register",
        &json(&state)?,
        now + CEREMONY_LIFETIME,
    )
    .await?;
    Ok(Ok((ceremony, options)))
}

/// Finishes adding a passkey with what the browser's authenticator made.
pub async fn finish_registration(
    db: &Db,
    webauthn: &Webauthn,
    person: &SignedIn,
    ceremony: &str,
    credential: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Result<(), PasskeyProblem>, DbError> {
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
    let mut tx = db.begin().await?;
    let added = db::insert_passkey(
        &mut tx,
        &person.person_id,
        &json(passkey.cred_id())?,
        &json(&passkey)?,
        &origin.device,
        now,
    )
    .await?;
    if !added {
        tx.rollback().await?;
        return Ok(Err(PasskeyProblem::Refused));
    }
    let event = AuditEvent {
        actor_id: Some(person.person_id.clone()),
        actor_role: Some(person.role.code().to_owned()),
        action: "passkey.add",
        client_id: None,
        target: None,
        address: Some(origin.address.clone()),
        outcome: Outcome::Allowed,
    };
    db::record_audit(&mut tx, &[event], now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

fn refused(origin: &Origin, person: Option<&str>, action: &'static str) -> AuditEvent {
    AuditEvent {
        actor_id: person.map(str::to_owned),
        actor_role: None,
        action,
        client_id: None,
        target: None,
        address: Some(origin.address.clone()),
        outcome: Outcome::Refused,
    }
}

/// Starts signing in with a passkey for the typed sign-in name: the ceremony id and the
/// options for `navigator.credentials.get`.
pub async fn start_sign_in(
    db: &Db,
    webauthn: &Webauthn,
    typed_name: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Result<(String, RequestChallengeResponse), PasskeyProblem>, DbError> {
    let name: String = typed_name.trim().to_lowercase().chars().take(40).collect();
    if throttled(db, &name, origin, now).await?.is_some() {
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
        db::record_sign_in_failure(db, &name, &origin.address, now).await?;
        db::record_audit_now(db, &[refused(origin, None, "sign_in.passkey.failed")], now).await?;
        return Ok(Err(PasskeyProblem::Refused));
    };
    let ceremony = db::insert_ceremony(
        db,
        &person_id,
        "sign_in",
        &json(&state)?,
        now + CEREMONY_LIFETIME,
    )
    .await?;
    Ok(Ok((ceremony, options)))
}

/// Finishes signing in with a passkey: a new session, as with a passphrase.
pub async fn finish_sign_in(
    db: &Db,
    webauthn: &Webauthn,
    ceremony: &str,
    credential: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Result<Started, PasskeyProblem>, DbError> {
    let Some((person_id, state)) = db::take_ceremony(db, ceremony, "sign_in", now).await? else {
        db::record_audit_now(db, &[refused(origin, None, "sign_in.passkey.failed")], now).await?;
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
        db::record_sign_in_failure(db, &name, &origin.address, now).await?;
        let event = refused(origin, Some(&person_id), "sign_in.passkey.failed");
        db::record_audit_now(db, &[event], now).await?;
        return Ok(Err(PasskeyProblem::Refused));
    };
    db::passkey_used(db, &passkey_id, &json(&passkey)?, now).await?;
    let role = db::role_of_person(db, &person_id).await?;
    let mut tx = db.begin().await?;
    let started = start_session(&mut tx, &person_id, role, origin, now).await?;
    let event = AuditEvent {
        actor_id: Some(person_id.clone()),
        actor_role: Some(role.code().to_owned()),
        action: "sign_in.passkey",
        client_id: None,
        target: None,
        address: Some(origin.address.clone()),
        outcome: Outcome::Allowed,
    };
    db::record_audit(&mut tx, &[event], now).await?;
    tx.commit().await?;
    Ok(Ok(started))
}
