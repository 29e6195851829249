//! What a client shares with a supporter: inviting someone (a grant waiting for its code),
//! the supporter joining with that code, and the client ending a grant at once.
use super::enrollment::{add_sign_in, new_credentials, ChosenSignIn};
use super::sessions::{start_session, Started};
use super::traced;
use crate::audit;
use crate::auth::{self, normalize_code};
use crate::clock::local_now;
use crate::db::{self, Db, NewGrant};
use crate::domain::{grant_end_date, shown_name, PlainText, Role, Share};
use crate::error::AppError;
use crate::notice::Problem;
use crate::secrets::secret_hash;
use crate::session::{self, Asking};
use chrono::{DateTime, Utc};

/// What the client filled in to invite someone.
#[derive(Debug, Clone)]
pub struct Invite<'a> {
    /// Who it is for, in the client's words ("Mum").
    pub label: &'a str,
    /// The last day of sharing, as typed (`YYYY-MM-DD`).
    pub ends_on: &'a str,
    pub shares: Vec<Share>,
}

/// A client invites a supporter to see what they choose, until the date they choose: the
/// invite code to give them, shown once.
pub async fn invite(
    db: &Db,
    asking: &Asking,
    invite: Invite<'_>,
    now: DateTime<Utc>,
) -> Result<Result<String, Problem>, AppError> {
    let action = "grant.create";
    traced(action, asking, async {
        let home = session::own_record(db, asking.as_role(Role::Client)?).await?;
        let Ok(label) = PlainText::parse(invite.label, 40) else {
            return Ok(Err(Problem::NameMissing));
        };
        let Some(ends_on) = grant_end_date(invite.ends_on, local_now(&home).date()) else {
            return Ok(Err(Problem::EndDate));
        };
        let code = auth::new_code()?;
        let mut change = db.change().await?;
        let grant = NewGrant {
            client_id: &home.client_id,
            label: label.as_str(),
            shares: &invite.shares,
            ends_on,
            invite_code_hash: &secret_hash(&code),
            invite_expires_at: now + auth::CODE_LIFETIME,
        };
        let grant_id = db::create_grant(&mut change, &grant, now).await?;
        let entry = audit::allowed(asking, action)
            .about(&home.client_id)
            .on(&grant_id);
        change.keep(&[entry], now).await?;
        Ok(Ok(code))
    })
    .await
}

/// A client ends a grant at once; false when it is not theirs or already ended.
pub async fn revoke(
    db: &Db,
    asking: &Asking,
    grant_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let action = "grant.revoke";
    traced(action, asking, async {
        let client = asking.as_role(Role::Client)?;
        let mut change = db.change().await?;
        if !db::revoke_grant(&mut change, &client.person_id, grant_id, now).await? {
            return Ok(false);
        }
        let entry = audit::allowed(asking, action)
            .about(&client.person_id)
            .on(grant_id);
        change.keep(&[entry], now).await?;
        Ok(true)
    })
    .await
}

/// Someone invited as a supporter accepts with the code, making their own sign-in.
pub async fn join(
    db: &Db,
    asking: &Asking,
    code: &str,
    name_shown: &str,
    chosen: ChosenSignIn<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Started, Problem>, AppError> {
    traced("grant.accept", asking, async {
        let Some(name_shown) = shown_name(name_shown) else {
            return Ok(Err(Problem::NameMissing));
        };
        let refusal = audit::allowed(asking, "join.throttled");
        let (credentials, attempt) = match new_credentials(db, asking, refusal, chosen, now).await?
        {
            Ok(checked) => checked,
            Err(problem) => return Ok(Err(problem)),
        };
        let mut change = db.change().await?;
        let code_hash = normalize_code(code).map(|code| secret_hash(&code));
        let grant = match &code_hash {
            Some(hash) => db::open_invite(&mut change, hash, now).await?,
            None => None,
        };
        let (Some(grant), Some(code_hash)) = (grant, code_hash) else {
            attempt.failed(&mut change, now).await?;
            let refusal = audit::allowed(asking, "join.failed").refused();
            change.keep(&[refusal], now).await?;
            return Ok(Err(Problem::InviteInvalid));
        };
        let Some(organisation_id) = db::organisation_of(&mut change, &grant.client_id).await?
        else {
            return Ok(Err(Problem::InviteInvalid));
        };
        let supporter_id = db::new_id();
        db::insert_person(
            &mut change,
            &supporter_id,
            &organisation_id,
            &name_shown,
            Role::Supporter,
            now,
        )
        .await?;
        if let Err(taken) = add_sign_in(&mut change, &supporter_id, &credentials, now).await? {
            drop(change);
            attempt.came_to_nothing(db, now).await?;
            return Ok(Err(taken));
        }
        if !db::accept_invite(&mut change, &code_hash, &grant.grant_id, &supporter_id, now).await? {
            return Ok(Err(Problem::InviteInvalid));
        }
        attempt.succeeded(&mut change).await?;
        let started =
            start_session(&mut change, &supporter_id, Role::Supporter, asking, now).await?;
        let entry = audit::allowed(asking, "grant.accept")
            .by(&supporter_id, Some(Role::Supporter))
            .about(&grant.client_id)
            .on(&grant.grant_id);
        change.keep(&[entry], now).await?;
        Ok(Ok(started))
    })
    .await
}
