//! Referrals as a case manager makes and moves them: to a service of the program's
//! directory, along the status pipeline, with the next step written for the client.
use super::{answer_of, kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db};
use crate::domain::{row, RecordId, ReferralForm, ReferralStatus, SaveAnswer};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};

/// Refers the client to a service of the directory still in use.
pub async fn add(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: ReferralForm,
) -> Result<SaveAnswer, AppError> {
    let action = "referral.add";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let fields = match form.check(true) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let today = local_now(&home).date();
        let mut change = db.change().await?;
        let id = db::add_referral(&mut change, &home.client_id, &fields, today)
            .await?
            .ok_or(AppError::NotFound)?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id)), entry).await
    })
    .await
}

/// Moves a referral along, if it is still at `version`.
pub async fn save(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    referral_id: &str,
    version: i64,
    form: ReferralForm,
) -> Result<SaveAnswer, AppError> {
    let action = "referral.save";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let id = RecordId::parse(referral_id).ok_or(AppError::NotFound)?;
        let fields = match form.check(false) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let today = local_now(&home).date();
        let mut change = db.change().await?;
        let saved =
            db::save_referral(&mut change, &home.client_id, &id, version, &fields, today).await?;
        let rows = |status: ReferralStatus, next: Option<&str>| {
            vec![
                row("Status", status.label()),
                row("Next step", next.unwrap_or("None")),
            ]
        };
        let yours = rows(fields.status, fields.next_step.as_ref().map(|t| t.as_str()));
        let answer = answer_of(saved, yours, |r| {
            Some((rows(r.status, r.next_step.as_deref()), r.version))
        })?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, answer, entry).await
    })
    .await
}
