//! A phone syncs: the server's half of sync protocol v1 (`server/SYNC.md`). Apply the
//! device's queued check-ins (each the check-in action), work out what its person may see
//! now, and answer with what changed since the device's cursor, keeping the digests of what
//! was sent with the audit entries of the shared records it sends a supporter. The device's
//! half is `domain::DeviceCopy`.
use super::check_ins::{self, CheckedCheckIn};
use super::{messages, suggestions};
use super::{traced, Outcome};
use crate::db::{self, AuditEvent, CheckInOutcome, ClientHome, Db, DbError};
use crate::domain::{
    changes_since, client_window, is_device_key, local_time_of, AppointmentCopy, CheckInAction,
    Profile, QueuedCheckIn, Receipt, Role, SyncAnswer, SyncItem, SyncRequest,
    MAX_CHECK_INS_PER_SYNC, SYNC_PROTOCOL,
};
use crate::error::AppError;
use crate::secrets::{hex, random_bytes, NoRandomness};
use crate::session::{self, Asking, SignedIn, Unresolved};
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("protocol {0} is not spoken here")]
    Protocol(u32),
    #[error("more than {MAX_CHECK_INS_PER_SYNC} check-ins in one request")]
    TooManyCheckIns,
    /// The body is not a sync request (told only to a signed-in phone).
    #[error("not a sync request")]
    Unreadable,
    /// Staff keep no copy on their devices.
    #[error("no device copy for this role")]
    NoCopyForRole,
    /// Not signed in, locked, or the server could not answer (logged where it happened).
    #[error("refused or failed: {}", .0.kind())]
    App(#[from] AppError),
}

impl From<DbError> for SyncError {
    fn from(error: DbError) -> Self {
        SyncError::App(error.into())
    }
}

impl From<NoRandomness> for SyncError {
    fn from(error: NoRandomness) -> Self {
        SyncError::App(error.into())
    }
}

impl Outcome for SyncError {
    fn outcome(&self) -> &'static str {
        match self {
            SyncError::Protocol(_) | SyncError::TooManyCheckIns | SyncError::Unreadable => {
                "malformed"
            }
            SyncError::NoCopyForRole => "not_found",
            SyncError::App(error) => error.kind(),
        }
    }
}

impl Outcome for SyncAnswer {
    fn outcome(&self) -> &'static str {
        if self.cursor.is_empty() {
            "key_only_or_other_copy"
        } else if self.reset {
            "reset"
        } else if self.changed.is_empty() && self.removed.is_empty() {
            "nothing_new"
        } else {
            "changed"
        }
    }
}

/// One sync of the device of the session `caller`'s cookie names. The session is looked up
/// with where the sync starts, in one query: when nothing changed, that is all it reads.
pub async fn sync(
    db: &Db,
    caller: Unresolved,
    request: SyncRequest,
    now: DateTime<Utc>,
) -> Result<SyncAnswer, SyncError> {
    let generation = request.cursor.as_deref().and_then(generation_of);
    let token_hash = caller.token_hash().unwrap_or_default();
    let found = match token_hash.is_empty() {
        false => db::sync_start(db, &token_hash, generation.unwrap_or("")).await?,
        true => None,
    };
    let (session, start) = found.unzip();
    // A sync is the phone's own doing: it keeps no session from locking.
    let visitor = session::visitor_of(db, session, false, now).await?;
    let asking = caller.resolved(visitor);
    let start = (start.unwrap_or_default(), token_hash.as_str());
    traced(
        "sync",
        &asking,
        sync_inner(db, &asking, start, request, now),
    )
    .await
}

async fn sync_inner(
    db: &Db,
    asking: &Asking,
    (start, token_hash): (db::SyncStart, &str),
    request: SyncRequest,
    now: DateTime<Utc>,
) -> Result<SyncAnswer, SyncError> {
    let person = asking.signed_in()?;
    if request.protocol != SYNC_PROTOCOL {
        return Err(SyncError::Protocol(request.protocol));
    }
    if request.check_ins.len() > MAX_CHECK_INS_PER_SYNC {
        return Err(SyncError::TooManyCheckIns);
    }
    if matches!(person.role, Role::CaseManager | Role::Admin) {
        return Err(SyncError::NoCopyForRole);
    }
    let owner = owner_of(person);
    // The copy of someone else (a second person signed in on a shared phone): nothing of it
    // is taken under this session, neither its check-ins nor its cursor. The answer says
    // whose session this is and nothing more; the phone sets that copy aside for its person
    // and syncs this person's own.
    let other_copy = request.owner.as_ref().is_some_and(|of| *of != owner);
    if other_copy || request.key_only {
        // Only the key, for the phone to open this person's copy before syncing it.
        let copy_key = if other_copy {
            None
        } else {
            Some(db::copy_key_of(db, &person.person_id, now).await?)
        };
        return Ok(SyncAnswer {
            protocol: SYNC_PROTOCOL,
            owner,
            since: None,
            cursor: String::new(),
            reset: false,
            changed: vec![],
            removed: vec![],
            receipts: vec![],
            copy_key,
        });
    }
    let mut receipts = Vec::with_capacity(request.check_ins.len());
    for queued in &request.check_ins {
        let receipt = apply_check_in(db, asking, queued, now).await?;
        receipts.push((queued.key.clone(), receipt));
    }

    // Read before the view is worked out: a change committed meanwhile leaves this
    // generation at the older version, so the next sync works the view out again. The
    // check-ins just applied changed the view: read again after them.
    let generation = request.cursor.as_deref().and_then(generation_of);
    let start = match request.check_ins.is_empty() {
        true => start,
        false => start_again(db, token_hash, generation).await?,
    };
    let version = view_version(&start.stamps, now);
    // Nothing it may see changed since the device's cursor: the same cursor, nothing
    // worked out and nothing written.
    if let (Some(Some(made_at)), Some(copy_key)) = (&start.generation, &start.copy_key) {
        if *made_at == version {
            return Ok(SyncAnswer {
                protocol: SYNC_PROTOCOL,
                owner,
                since: request.cursor.clone(),
                cursor: request.cursor.unwrap_or_default(),
                reset: false,
                changed: vec![],
                removed: vec![],
                receipts,
                copy_key: Some(copy_key.clone()),
            });
        }
    }

    let View { items, shared_by } = view_of(db, person, now).await?;
    let view: Vec<(SyncItem, String)> = items
        .into_iter()
        .map(|item| {
            let digest = digest_of(&item);
            (item, digest)
        })
        .collect();
    let base = match generation.filter(|_| start.generation.is_some()) {
        // Known to this session: the start found it.
        Some(generation) => Some((
            generation,
            db::sent_generation(db, &person.session_id, generation).await?,
        )),
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
            SyncItem::Shared(shared) => {
                let entry =
                    crate::audit::allowed(asking, "read.shared_record").on(&shared.grant_id);
                Some(match shared_by.get(&shared.grant_id) {
                    Some(client) => entry.about(client),
                    None => entry,
                })
            }
            _ => None,
        })
        .collect();
    let nothing_changed = !reset && changed.is_empty() && removed.is_empty();
    let cursor = match (&since, base.as_ref()) {
        // Nothing it shows changed: the same cursor, now current at this version.
        (Some(cursor), Some((generation, _))) if nothing_changed => {
            db::mark_generation_current(db, &person.session_id, generation, &version).await?;
            cursor.clone()
        }
        _ => {
            let base = base.as_ref().map(|(generation, _)| *generation);
            let answer = (view.as_slice(), reads.as_slice(), version.as_str());
            save_answer(db, &person.session_id, answer, base, now).await?
        }
    };
    Ok(SyncAnswer {
        protocol: SYNC_PROTOCOL,
        owner,
        since,
        cursor,
        reset,
        changed,
        removed,
        receipts,
        copy_key: Some(match start.copy_key {
            Some(copy_key) => copy_key,
            None => db::copy_key_of(db, &person.person_id, now).await?,
        }),
    })
}

/// Where the sync starts, read again after its check-ins.
async fn start_again(
    db: &Db,
    token_hash: &str,
    generation: Option<&str>,
) -> Result<db::SyncStart, SyncError> {
    match db::sync_start(db, token_hash, generation.unwrap_or("")).await? {
        Some((_, start)) => Ok(start),
        // Signed out meanwhile (the check-ins were kept under the session they came in).
        None => Err(AppError::NotSignedIn.into()),
    }
}

/// Keeps the digests of what this answer sends as a new generation, with the audit entries of
/// the shared records it sends a supporter; the new cursor.
async fn save_answer(
    db: &Db,
    session_id: &str,
    (view, reads, version): (&[(SyncItem, String)], &[AuditEvent], &str),
    base: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, SyncError> {
    let generation = hex(&random_bytes::<16>()?);
    let digests: BTreeMap<String, String> = view
        .iter()
        .map(|(item, digest)| (item.key(), digest.clone()))
        .collect();
    let mut change = db.change().await?;
    let made = (generation.as_str(), version);
    db::save_generation(&mut change, session_id, made, base, &digests, now).await?;
    change.keep(reads, now).await?;
    Ok(cursor_of(&generation))
}

/// What this build's view is made of: a release that changes it changes this, and every
/// device is sent its view again.
const VIEW_SHAPE: &str = concat!(env!("CARGO_PKG_VERSION"), "/", "view-1");

/// The version of what a person may see: a digest of the change stamps their view is
/// worked out from, each with the local day it is seen on (shares start and end, and
/// appointments enter the window, by day).
fn view_version(stamps: &[db::ViewStamp], now: DateTime<Utc>) -> String {
    let mut digest = Sha256::new();
    digest.update(VIEW_SHAPE);
    for stamp in stamps {
        let day = stamp
            .time_zone
            .as_deref()
            .map(|zone| local_time_of(zone, now).date().to_string());
        digest.update(format!(
            "\n{} {} {}",
            stamp.id,
            stamp.stamp,
            day.unwrap_or_default()
        ));
    }
    hex(&digest.finalize()[..16])
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

/// Applies one queued check-in of the signed-in client (or a supporter's message), once
/// per key.
async fn apply_check_in(
    db: &Db,
    asking: &Asking,
    queued: &QueuedCheckIn,
    now: DateTime<Utc>,
) -> Result<Receipt, AppError> {
    let by_supporter = matches!(
        queued.action,
        CheckInAction::Message {
            grant_id: Some(_),
            ..
        }
    );
    let role = if by_supporter {
        Role::Supporter
    } else {
        Role::Client
    };
    if asking.signed_in().map(|p| p.role) != Ok(role) || !is_device_key(&queued.key) {
        return Ok(Receipt::Refused);
    }
    // Device keys live apart from the keys of the pages' forms.
    let key = format!("device-{}", queued.key);
    let made_at = queued.made_at.min(now);
    let outcome = match &queued.action {
        CheckInAction::Suggest { goal_id, text } => {
            let suggestion = (goal_id.as_deref(), text.as_str());
            match suggestions::suggest(db, asking, suggestion, &key, Some(made_at), now).await? {
                Ok(outcome) => outcome,
                Err(_) => return Ok(Receipt::Refused),
            }
        }
        CheckInAction::Message { text, grant_id } => {
            let message = (grant_id.as_deref(), text.as_str());
            match messages::write(db, asking, message, &key, Some(made_at), now).await {
                Ok(Ok(outcome)) => outcome,
                // Bad words, or a share that ended (or never let them write): never applied.
                Ok(Err(_)) | Err(AppError::NotFound) => return Ok(Receipt::Refused),
                Err(error) => return Err(error),
            }
        }
        action => {
            let Ok(checked) = CheckedCheckIn::of(action) else {
                return Ok(Receipt::Refused);
            };
            check_ins::record(db, asking, &checked, &key, Some(made_at), now).await?
        }
    };
    Ok(match outcome {
        CheckInOutcome::Recorded => Receipt::Recorded,
        CheckInOutcome::AlreadyRecorded => Receipt::AlreadyRecorded,
        CheckInOutcome::NotFound => Receipt::Refused,
    })
}

/// Everything a person may see, as their device keeps it.
pub struct View {
    pub items: Vec<SyncItem>,
    /// Whose record each shared item (by grant id) is, for the audit trail.
    pub shared_by: BTreeMap<String, String>,
}

/// Everything `person` may see on their local day of `now`: appointments by whole days,
/// so that the view changes only when a change stamp or the day does (the phone leaves out
/// those that have begun).
pub async fn view_of(db: &Db, person: &SignedIn, now: DateTime<Utc>) -> Result<View, SyncError> {
    let mut items = Vec::new();
    let mut shared_by = BTreeMap::new();
    match person.role {
        Role::Client => {
            if let Some(home) = db::client_home(db, &person.person_id).await? {
                client_items(db, &home, now, &mut items).await?;
            }
        }
        Role::Supporter => {
            // The supporter's own "Start here", carried by each shared item (the phone's list
            // of who shares with them shows it offline): read once, when something is shared.
            let mut start_here = None;
            for grant in db::grants_of_supporter(db, &person.person_id).await? {
                let Some(home) = db::client_home(db, &grant.client_id).await? else {
                    continue;
                };
                let today = start_of_day(&home.time_zone, now);
                if grant.is_active(today.date()) {
                    let mut shared = db::shared_with_supporter(db, &grant, &home, today).await?;
                    if start_here.is_none() {
                        start_here = Some(
                            db::start_here_of_organisation(db, &person.organisation_id).await?,
                        );
                    }
                    shared.start_here = start_here.clone().unwrap_or_default();
                    shared_by.insert(grant.grant_id.clone(), home.client_id.clone());
                    items.push(SyncItem::Shared(shared));
                }
            }
        }
        Role::CaseManager | Role::Admin => return Err(SyncError::NoCopyForRole),
    }
    for article in db::family_resources(db, &person.organisation_id).await? {
        items.push(SyncItem::Article(article));
    }
    let order = items.iter().map(SyncItem::key).collect();
    items.push(SyncItem::Order(order));
    Ok(View { items, shared_by })
}

/// The start of `now`'s day in a time zone.
fn start_of_day(time_zone: &str, now: DateTime<Utc>) -> NaiveDateTime {
    local_time_of(time_zone, now)
        .date()
        .and_time(NaiveTime::MIN)
}

async fn client_items(
    db: &Db,
    home: &ClientHome,
    now: DateTime<Utc>,
    items: &mut Vec<SyncItem>,
) -> Result<(), DbError> {
    let client_id = &home.client_id;
    let today = start_of_day(&home.time_zone, now);
    items.push(SyncItem::Profile(Profile {
        preferred_name: home.preferred_name.clone(),
        care_team: db::care_team_card(db, client_id).await?,
        safety_plan: db::safety_plan(db, client_id).await?,
        aftercare: db::aftercare_of_client(db, client_id).await?,
    }));
    items.push(SyncItem::Plan(db::support_plan(db, client_id).await?));
    if let Some(stage) = db::stage_history(db, client_id).await?.pop() {
        items.push(SyncItem::Stage(stage));
    }
    let (from, to) = client_window(today);
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
    let own = (client_id.as_str(), db::Conversation::Own);
    for message in db::messages_of_conversation(db, own, &home.time_zone).await? {
        items.push(SyncItem::Message(message));
    }
    Ok(())
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
