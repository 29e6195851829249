//! Referrals as a case manager makes and moves them: to a service of the program's
//! directory, along the status pipeline, with the next step written for the client.
use super::{add_to_record, answer_of, date_or_none, kept_if_saved, traced};
use crate::audit;
use crate::clock::local_now;
use crate::db::{self, Db};
use crate::domain::{row, RecordId, ReferralForm, ReferralStatus, SaveAnswer, ServiceHandoverForm};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::{NaiveDate, Utc};

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
        let today = local_now(&home).date();
        let fields = match form.check(true, today) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
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
        let today = local_now(&home).date();
        let fields = match form.check(false, today) {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let saved =
            db::save_referral(&mut change, &home.client_id, &id, version, &fields, today).await?;
        let rows = |status: ReferralStatus, next: Option<&str>, follow_up: Option<NaiveDate>| {
            vec![
                row("Status", status.staff_label()),
                row("Next step", next.unwrap_or("None")),
                row("Follow up on", date_or_none(follow_up)),
            ]
        };
        let next = fields.next_step.as_ref().map(|t| t.as_str());
        let yours = rows(fields.status, next, fields.follow_up_on);
        let answer = answer_of(saved, yours, |r| {
            let theirs = &r.referral;
            let rows = rows(theirs.status, theirs.next_step.as_deref(), r.follow_up_on);
            Some((rows, theirs.version))
        })?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, answer, entry).await
    })
    .await
}

/// Records what a service was told about the client, under the consent to share they
/// signed (what, with whom, why, until when).
pub async fn hand_over(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    referral_id: &str,
    form: ServiceHandoverForm,
) -> Result<SaveAnswer, AppError> {
    let referral = RecordId::parse(referral_id);
    let check = |today| form.check(today);
    add_to_record(
        db,
        asking,
        client_id,
        "referral.hand_over",
        check,
        async |change, client, fields, by| {
            let Some(referral) = referral else {
                return Ok(None);
            };
            db::insert_service_handover(change, client, &referral, fields, by, Utc::now()).await
        },
    )
    .await
}

/// Records that the client took a consent to share back: from today nothing more may be
/// told under it. Taking back one already taken back changes nothing.
pub async fn withdraw_consent(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    consent_id: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "referral.withdraw_consent";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let id = RecordId::parse(consent_id).ok_or(AppError::NotFound)?;
        let mut change = db.change().await?;
        let today = local_now(&home).date();
        match db::withdraw_consent(&mut change, &home.client_id, &id, today).await? {
            None => return Err(AppError::NotFound),
            // Taken back already (twice clicked, or by a colleague): nothing more to record.
            Some(false) => return Ok(SaveAnswer::Saved),
            Some(true) => {}
        }
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id.to_string())), entry).await
    })
    .await
}
