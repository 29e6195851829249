//! The server's half of sync protocol v1 (`server/SYNC.md`): apply a device's queued
//! check-ins, work out what its person may see now, and answer with what changed since the
//! device's cursor. The device's half is `domain::DeviceCopy`.
use crate::auth::{hex, random_bytes, NoRandomness};
use crate::db::{
    self, AuditEvent, CheckIn, CheckInOutcome, ClientHome, Db, DbError, SupporterGrant,
};
use crate::domain::{
    changes_since, is_device_key, AppointmentCopy, CheckInAction, PlainText, Profile,
    QueuedCheckIn, Receipt, RecordId, Role, Share, SharedCopy, SyncAnswer, SyncItem, SyncRequest,
    CHECK_IN_NOTE_MAX_CHARS, MAX_CHECK_INS_PER_SYNC, SYNC_PROTOCOL,
};
use crate::session::{local_time_in, ClientAddress, SignedIn};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// How far back and ahead the device keeps appointments (as the Appointments page lists).
const PAST_DAYS: i64 = crate::pages::appointments::PAST_DAYS;
const AHEAD_DAYS: i64 = crate::pages::appointments::AHEAD_DAYS;
/// How far ahead a supporter sees shared appointments.
pub const SHARED_AHEAD_DAYS: i64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("protocol {0} is not spoken here")]
    Protocol(u32),
    #[error("more than {MAX_CHECK_INS_PER_SYNC} check-ins in one request")]
    TooManyCheckIns,
    /// Staff keep no copy on their devices.
    #[error("no device copy for this role")]
    NoCopyForRole,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("no randomness for a cursor")]
    NoRandomness(#[from] NoRandomness),
}

/// One sync of the signed-in person's device.
pub async fn sync(
    db: &Db,
    person: &SignedIn,
    address: &ClientAddress,
    request: SyncRequest,
    now: DateTime<Utc>,
) -> Result<SyncAnswer, SyncError> {
    if request.protocol != SYNC_PROTOCOL {
        return Err(SyncError::Protocol(request.protocol));
    }
    if request.check_ins.len() > MAX_CHECK_INS_PER_SYNC {
        return Err(SyncError::TooManyCheckIns);
    }
    let mut receipts = Vec::with_capacity(request.check_ins.len());
    for queued in &request.check_ins {
        let receipt = apply_check_in(db, person, address, queued, now).await?;
        receipts.push((queued.key.clone(), receipt));
    }

    let View { items, shared_by } = view_of(db, person).await?;
    let view: Vec<(SyncItem, String)> = items
        .into_iter()
        .map(|item| {
            let digest = digest_of(&item);
            (item, digest)
        })
        .collect();
    let base = match request.cursor.as_deref().and_then(generation_of) {
        Some(generation) => db::sent_generation(db, &person.session_id, generation)
            .await?
            .map(|sent| (generation, sent)),
        None => None,
    };
    let (since, reset, changed, removed) = match &base {
        Some((_, sent)) => {
            let (changed, removed) = changes_since(sent, &view);
            (request.cursor.clone(), false, changed, removed)
        }
        None => (
            None,
            true,
            view.iter().map(|(i, _)| i.clone()).collect(),
            vec![],
        ),
    };
    // A supporter's device is sent a client's information: that is a read of it.
    let reads: Vec<_> = changed
        .iter()
        .filter_map(|item| match item {
            SyncItem::Shared(shared) => Some(crate::audit::allowed_from(
                person,
                "read.shared_record",
                shared_by.get(&shared.grant_id).map(String::as_str),
                Some(&shared.grant_id),
                address,
            )),
            _ => None,
        })
        .collect();
    let nothing_changed = !reset && changed.is_empty() && removed.is_empty();
    let cursor = match &since {
        // Nothing changed: the same cursor, and nothing written.
        Some(cursor) if nothing_changed => cursor.clone(),
        _ => {
            let base = base.as_ref().map(|(generation, _)| *generation);
            save_answer(db, &person.session_id, &view, &reads, base, now).await?
        }
    };
    Ok(SyncAnswer {
        protocol: SYNC_PROTOCOL,
        owner: owner_of(person),
        since,
        cursor,
        reset,
        changed,
        removed,
        receipts,
    })
}

/// Keeps the digests of what this answer sends as a new generation, with the audit entries of
/// the shared records it sends a supporter; the new cursor.
async fn save_answer(
    db: &Db,
    session_id: &str,
    view: &[(SyncItem, String)],
    reads: &[AuditEvent],
    base: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, SyncError> {
    let generation = hex(&random_bytes::<16>()?);
    let digests: BTreeMap<String, String> = view
        .iter()
        .map(|(item, digest)| (item.key(), digest.clone()))
        .collect();
    let mut tx = db.begin().await?;
    db::save_generation(&mut tx, session_id, &generation, base, &digests, now).await?;
    db::record_audit(&mut tx, reads, now).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(cursor_of(&generation))
}

/// The label the phone keeps this person's copy under: stable, and not their id.
fn owner_of(person: &SignedIn) -> String {
    let digest = Sha256::digest(format!("waypoint device copy {}", person.person_id));
    hex(&digest[..12])
}

fn cursor_of(generation: &str) -> String {
    format!("{SYNC_PROTOCOL}.{generation}")
}

/// The generation a cursor names; none for a cursor this server never made.
fn generation_of(cursor: &str) -> Option<&str> {
    let generation = cursor.strip_prefix("1.")?;
    (generation.len() == 32 && generation.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(generation)
}

/// A digest of an item's content: equal digests mean the device already has it.
fn digest_of(item: &SyncItem) -> String {
    let json = serde_json::to_vec(item).unwrap_or_default();
    hex(&Sha256::digest(&json)[..16])
}

/// Applies one queued check-in of the signed-in client, once per key.
async fn apply_check_in(
    db: &Db,
    person: &SignedIn,
    address: &ClientAddress,
    queued: &QueuedCheckIn,
    now: DateTime<Utc>,
) -> Result<Receipt, DbError> {
    if person.role != Role::Client || !is_device_key(&queued.key) {
        return Ok(Receipt::Refused);
    }
    let Ok(checked) = CheckedCheckIn::of(&queued.action) else {
        return Ok(Receipt::Refused);
    };
    // Device keys live apart from the keys of the pages' forms.
    let key = format!("device-{}", queued.key);
    let made_at = queued.made_at.min(now);
    let outcome = record_check_in(db, person, address, &checked, &key, Some(made_at), now).await?;
    Ok(match outcome {
        CheckInOutcome::Recorded => Receipt::Recorded,
        CheckInOutcome::AlreadyRecorded => Receipt::AlreadyRecorded,
        CheckInOutcome::NotFound => Receipt::Refused,
    })
}

/// Why a check-in cannot be recorded, whatever the state of the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInProblem {
    /// Not an id of any step or appointment.
    NotFound,
    NoteTooLong,
}

/// A check-in whose id and note passed their checks: the one way from what a form or a
/// device sent to what the database records.
pub struct CheckedCheckIn<'a> {
    action: &'a CheckInAction,
    target: RecordId,
    note: Option<PlainText>,
}

impl<'a> CheckedCheckIn<'a> {
    pub fn of(action: &'a CheckInAction) -> Result<Self, CheckInProblem> {
        let raw_note = match action {
            CheckInAction::CantCome { note, .. } => note.as_deref(),
            CheckInAction::StepDone { .. } | CheckInAction::WillCome { .. } => None,
        };
        let target = RecordId::parse(action.target()).ok_or(CheckInProblem::NotFound)?;
        let note = match raw_note.map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(
                PlainText::parse(text, CHECK_IN_NOTE_MAX_CHARS)
                    .map_err(|_| CheckInProblem::NoteTooLong)?,
            ),
        };
        Ok(CheckedCheckIn {
            action,
            target,
            note,
        })
    }

    /// The step or appointment it is about.
    pub fn target(&self) -> &RecordId {
        &self.target
    }

    fn as_check_in(&self) -> CheckIn<'_> {
        let id = self.target.as_str();
        match self.action {
            CheckInAction::StepDone { .. } => CheckIn::StepDone { step_id: id },
            CheckInAction::WillCome { .. } => CheckIn::AppointmentConfirmed { appointment_id: id },
            CheckInAction::CantCome { .. } => CheckIn::CantCome {
                appointment_id: id,
                note: self.note.as_ref().map(PlainText::as_str),
            },
        }
    }
}

/// Records one check-in of the signed-in client with its audit entry, once per key: the one
/// way check-ins arrive, from a page's form or from a device's queue.
pub async fn record_check_in(
    db: &Db,
    client: &SignedIn,
    address: &ClientAddress,
    check_in: &CheckedCheckIn<'_>,
    key: &str,
    made_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome, DbError> {
    let mut tx = db.begin().await?;
    let outcome = db::record_check_in(
        &mut tx,
        &client.person_id,
        &check_in.as_check_in(),
        key,
        made_at,
        now,
    )
    .await?;
    if outcome == CheckInOutcome::Recorded {
        let event = crate::audit::allowed_from(
            client,
            "check_in.record",
            Some(&client.person_id),
            Some(check_in.target.as_str()),
            address,
        );
        db::record_audit(&mut tx, &[event], now).await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// Everything a person may see, as their device keeps it.
pub struct View {
    pub items: Vec<SyncItem>,
    /// Whose record each shared item (by grant id) is, for the audit trail.
    pub shared_by: BTreeMap<String, String>,
}

pub async fn view_of(db: &Db, person: &SignedIn) -> Result<View, SyncError> {
    let mut items = Vec::new();
    let mut shared_by = BTreeMap::new();
    match person.role {
        Role::Client => {
            if let Some(home) = db::client_home(db, &person.person_id).await? {
                client_items(db, &home, &mut items).await?;
            }
        }
        Role::Supporter => {
            for grant in db::grants_of_supporter(db, &person.person_id).await? {
                let Some(home) = db::client_home(db, &grant.client_id).await? else {
                    continue;
                };
                let now = local_time_in(&home.time_zone);
                if grant.is_active(now.date()) {
                    let shared = shared_copy(db, &grant, &home, now).await?;
                    shared_by.insert(grant.grant_id.clone(), home.client_id.clone());
                    items.push(SyncItem::Shared(shared));
                }
            }
        }
        Role::CaseManager | Role::Admin => return Err(SyncError::NoCopyForRole),
    }
    for article in db::education_library(db).await? {
        items.push(SyncItem::Article(article));
    }
    let order = items.iter().map(SyncItem::key).collect();
    items.push(SyncItem::Order(order));
    Ok(View { items, shared_by })
}

async fn client_items(
    db: &Db,
    home: &ClientHome,
    items: &mut Vec<SyncItem>,
) -> Result<(), DbError> {
    let client_id = &home.client_id;
    let now = local_time_in(&home.time_zone);
    items.push(SyncItem::Profile(Profile {
        preferred_name: home.preferred_name.clone(),
    }));
    items.push(SyncItem::Plan(db::support_plan(db, client_id).await?));
    if let Some(stage) = db::stage_history(db, client_id).await?.pop() {
        items.push(SyncItem::Stage(stage));
    }
    let (from, to) = (
        now - Duration::days(PAST_DAYS),
        now + Duration::days(AHEAD_DAYS),
    );
    let mut answers = db::latest_appointment_answers(db, client_id, from, to).await?;
    for appointment in db::appointments_between(db, client_id, from, to).await? {
        let answer = answers.remove(appointment.id.as_str());
        items.push(SyncItem::Appointment(AppointmentCopy {
            appointment,
            answer,
        }));
    }
    for referral in db::referrals_of_client(db, client_id).await? {
        items.push(SyncItem::Referral(referral));
    }
    for resource in db::resources_for_client(db, client_id).await? {
        items.push(SyncItem::Resource(resource));
    }
    Ok(())
}

/// What a client shares with a supporter under an active grant, and nothing else.
pub async fn shared_copy(
    db: &Db,
    grant: &SupporterGrant,
    home: &ClientHome,
    now: NaiveDateTime,
) -> Result<SharedCopy, DbError> {
    let appointments = if grant.shares.contains(&Share::Appointments) {
        let soon = db::appointments_between(
            db,
            &home.client_id,
            now,
            now + Duration::days(SHARED_AHEAD_DAYS),
        )
        .await?;
        Some(soon.into_iter().filter(|a| a.is_expected()).collect())
    } else {
        None
    };
    let goals = if grant.shares.contains(&Share::Goals) {
        Some(db::support_plan(db, &home.client_id).await?.goals)
    } else {
        None
    };
    let stages = if grant.shares.contains(&Share::Stage) {
        let latest = db::stage_history(db, &home.client_id).await?.pop();
        Some(
            latest
                .map(|c| c.stages.iter().collect())
                .unwrap_or_default(),
        )
    } else {
        None
    };
    Ok(SharedCopy {
        grant_id: grant.grant_id.clone(),
        preferred_name: home.preferred_name.clone(),
        ends_on: grant.ends_on,
        appointments,
        goals,
        stages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cursors_this_server_makes_name_a_generation() {
        let generation = "0123456789abcdef0123456789abcdef";
        assert_eq!(generation_of(&cursor_of(generation)), Some(generation));
        assert_eq!(generation_of("2.0123456789abcdef0123456789abcdef"), None);
        assert_eq!(generation_of("1.' OR 1=1 --"), None);
        assert_eq!(generation_of(""), None);
    }
}
