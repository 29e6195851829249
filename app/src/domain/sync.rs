//! The device copy and sync protocol v1 (`POST /api/v1/sync`, see `server/SYNC.md`).
//!
//! A signed-in phone keeps a copy of what its person may see, as items with stable keys,
//! and a queue of check-ins made offline. One request sends the queue (in the order the
//! check-ins were made) and the cursor of the copy; the answer says which queued check-ins
//! the server holds and which items changed or went away since that cursor. This module is
//! compiled into both the server and the browser, so the property tests of the server run
//! the very code the phone runs.
use super::{
    Appointment, CheckInKind, Message, Referral, Resource, SharedCopy, StageChange, SupportPlan,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The protocol version the request and answer bodies follow.
pub const SYNC_PROTOCOL: u32 = 1;

/// A copy that has not synced for this long is dropped from the device.
pub const DEVICE_COPY_DAYS: i64 = 30;

/// The most check-ins one request may carry; a longer queue is sent over several requests.
pub const MAX_CHECK_INS_PER_SYNC: usize = 50;

/// Where the phone syncs. A sync is the phone's own doing, not the person's: it does not
/// count as activity for the idle lock (`session::visitor_of`).
pub const SYNC_PATH: &str = "/api/v1/sync";

/// Idle minutes after which a client or supporter types their passphrase again before
/// seeing anything: the server's rule online, the phone's offline.
pub const REOPEN_AFTER_IDLE_MINUTES: i64 = 15;

/// Whether the phone asks for the passphrase before showing its copy: after the idle time,
/// or when it does not know when its person last used it. A clock set back counts as idle.
pub fn must_reopen(last_active: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_active
        .is_none_or(|at| at > now || now - at >= Duration::minutes(REOPEN_AFTER_IDLE_MINUTES))
}

/// What the person's pages show about themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub preferred_name: String,
    /// Who the client's care team is and how to reach them (copies from before this was
    /// sent have none until their next sync).
    #[serde(default)]
    pub care_team: super::CareTeam,
    /// The client's safety plan, always on the phone (none until one is written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_plan: Option<super::SafetyPlan>,
    /// The aftercare plan, once the client's case is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aftercare: Option<super::Aftercare>,
}

/// An appointment with the client's latest answer about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentCopy {
    pub appointment: Appointment,
    pub answer: Option<(CheckInKind, DateTime<Utc>)>,
}

/// One thing the device keeps. Its key ([`SyncItem::key`]) comes from its content, so the
/// wire carries items and the keys of removed items only. In JSON, `{"kind": …, "value": …}`
/// (read by `read_tagged`, kind first, as it is always written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum SyncItem {
    Profile(Profile),
    Plan(SupportPlan),
    Stage(StageChange),
    Appointment(AppointmentCopy),
    Referral(Referral),
    /// One of the client's resources (chosen for them, or for everyone in their program).
    Resource(Resource),
    /// One piece of the education library.
    Article(Resource),
    /// What a client shares with the signed-in supporter.
    Shared(SharedCopy),
    /// One of the latest messages between the client and their care team.
    Message(Message),
    /// The keys of every other item in the order the pages list them.
    Order(Vec<String>),
}

impl SyncItem {
    pub fn key(&self) -> String {
        match self {
            SyncItem::Profile(_) => "profile".to_owned(),
            SyncItem::Plan(_) => "plan".to_owned(),
            SyncItem::Stage(_) => "stage".to_owned(),
            SyncItem::Appointment(a) => format!("appointment/{}", a.appointment.id),
            SyncItem::Referral(r) => format!("referral/{}", r.id),
            SyncItem::Resource(r) => format!("resource/{}", r.id),
            SyncItem::Article(r) => format!("article/{}", r.id),
            SyncItem::Shared(s) => format!("shared/{}", s.grant_id),
            SyncItem::Message(m) => format!("message/{}", m.id),
            SyncItem::Order(_) => "order".to_owned(),
        }
    }
}

/// What a client did on their phone, possibly offline. In JSON, `{"kind": …, …its fields}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckInAction {
    StepDone {
        step_id: String,
    },
    WillCome {
        appointment_id: String,
    },
    CantCome {
        appointment_id: String,
        note: Option<String>,
    },
    /// A goal (no `goal_id`) or a step on one of the client's goals, in their words.
    Suggest {
        goal_id: Option<String>,
        text: String,
    },
    /// A message to the client's care team: the client's own, or a supporter's through the
    /// grant (`grant_id`) that lets them write.
    Message {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grant_id: Option<String>,
    },
}

impl CheckInAction {
    /// The id of the step or appointment it is about, as sent.
    pub fn target(&self) -> &str {
        match self {
            CheckInAction::StepDone { step_id } => step_id,
            CheckInAction::WillCome { appointment_id }
            | CheckInAction::CantCome { appointment_id, .. } => appointment_id,
            CheckInAction::Suggest { goal_id, .. } => goal_id.as_deref().unwrap_or_default(),
            CheckInAction::Message { .. } => "",
        }
    }

    /// The check-in a client page's form asks for, read from the form's address and fields
    /// (the same forms the server takes at `/check-ins/...`); used when the phone keeps it
    /// because it is offline.
    pub fn of_form(action: &str, field: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let present = |name: &str| field(name).filter(|value| !value.trim().is_empty());
        match action {
            "/check-ins/step" => Some(CheckInAction::StepDone {
                step_id: present("step_id")?,
            }),
            "/check-ins/appointment" => {
                let appointment_id = present("appointment_id")?;
                match present("answer")?.as_str() {
                    "come" => Some(CheckInAction::WillCome { appointment_id }),
                    "cant_come" => Some(CheckInAction::CantCome {
                        appointment_id,
                        note: present("note").map(|note| note.trim().to_owned()),
                    }),
                    _ => None,
                }
            }
            "/suggestions" => Some(CheckInAction::Suggest {
                goal_id: present("goal_id"),
                text: present("text")?.trim().to_owned(),
            }),
            "/messages" => Some(CheckInAction::Message {
                text: present("text")?.trim().to_owned(),
                grant_id: None,
            }),
            "/supporting/messages" => Some(CheckInAction::Message {
                text: present("text")?.trim().to_owned(),
                grant_id: Some(present("grant_id")?),
            }),
            _ => None,
        }
    }
}

/// A check-in waiting on the device, with the key the device made for it: the server
/// applies each key once, however often it arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedCheckIn {
    pub key: String,
    pub made_at: DateTime<Utc>,
    pub action: CheckInAction,
}

/// Whether a device-made idempotency key has the shape the server accepts.
pub fn is_device_key(key: &str) -> bool {
    (16..=80).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub protocol: u32,
    /// Whose copy the device sends from (the label of an earlier answer); none for a new
    /// copy. When it is not the signed-in person's (a shared phone), the server takes
    /// nothing of the request: not its check-ins, not its cursor.
    #[serde(default)]
    pub owner: Option<String>,
    /// Asks only for the server's half of the copy key (`SyncAnswer::copy_key`): the phone
    /// keeps a copy it cannot open in this tab yet, so it sends nothing of it.
    #[serde(default)]
    pub key_only: bool,
    /// The cursor of the device's copy; none for a device with no copy.
    pub cursor: Option<String>,
    /// Oldest first. The server applies them in this order.
    #[serde(default)]
    pub check_ins: Vec<QueuedCheckIn>,
}

/// What became of one queued check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Receipt {
    /// Applied now.
    Recorded,
    /// Applied by an earlier request; nothing changed.
    AlreadyRecorded,
    /// Can never be applied: the step or appointment is not the client's any more, or the
    /// check-in is malformed. Kept by no one, so the device tells the person.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncAnswer {
    pub protocol: u32,
    /// Whose copy this is, as a label that is not their id: the phone keeps each person's
    /// copy under it, so a shared phone never shows one person's copy to another.
    pub owner: String,
    /// The cursor these changes are counted from (the request's, when the server knew it).
    pub since: Option<String>,
    /// The cursor of the copy once these changes are applied.
    pub cursor: String,
    /// True when `changed` is everything: the device replaces its whole copy.
    pub reset: bool,
    pub changed: Vec<SyncItem>,
    /// Keys of items the person may no longer see, or that no longer exist.
    pub removed: Vec<String>,
    /// One per check-in of the request, by key.
    pub receipts: Vec<(String, Receipt)>,
    /// The server's half of the person's phone-copy key (hex): with it the phone opens its
    /// copy online; offline only the passphrase does. None in an answer for another copy.
    #[serde(default)]
    pub copy_key: Option<String>,
}

/// Compares what the device was last sent (key to digest) with the person's view now
/// (items with their digests): what to send, and what to remove.
pub fn changes_since(
    sent: &BTreeMap<String, String>,
    now: &[(SyncItem, String)],
) -> (Vec<SyncItem>, Vec<String>) {
    let mut keys_now = BTreeSet::new();
    let mut changed = Vec::new();
    for (item, digest) in now {
        let key = item.key();
        if sent.get(&key) != Some(digest) {
            changed.push(item.clone());
        }
        keys_now.insert(key);
    }
    let removed = sent
        .keys()
        .filter(|key| !keys_now.contains(*key))
        .cloned()
        .collect();
    (changed, removed)
}

/// The device's copy: items by key, the cursor they were synced to, and the check-ins not
/// yet acknowledged by the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCopy {
    /// Whose copy this is, from the first answer applied to it.
    #[serde(default)]
    pub owner: Option<String>,
    pub cursor: Option<String>,
    pub synced_at: Option<DateTime<Utc>>,
    pub items: BTreeMap<String, SyncItem>,
    pub outbox: Vec<QueuedCheckIn>,
    /// Check-ins the server refused, kept so the person can be told.
    #[serde(default)]
    pub refused: Vec<QueuedCheckIn>,
}

/// What applying an answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Applied,
    /// The answer counted from a cursor the copy no longer has (a late answer to an earlier
    /// request): its items were left alone; its receipts still count.
    Stale,
    /// The answer is for someone else (a second person signed in on a shared phone):
    /// nothing of it was applied, receipts included.
    NotThisCopy,
}

impl DeviceCopy {
    /// Queues a check-in made now; it stays queued until the server acknowledges its key.
    pub fn queue(&mut self, key: String, made_at: DateTime<Utc>, action: CheckInAction) {
        if !self.outbox.iter().any(|queued| queued.key == key) {
            self.outbox.push(QueuedCheckIn {
                key,
                made_at,
                action,
            });
        }
    }

    /// The next request: the cursor and the oldest queued check-ins.
    pub fn request(&self) -> SyncRequest {
        SyncRequest {
            protocol: SYNC_PROTOCOL,
            owner: self.owner.clone(),
            key_only: false,
            cursor: self.cursor.clone(),
            check_ins: self
                .outbox
                .iter()
                .take(MAX_CHECK_INS_PER_SYNC)
                .cloned()
                .collect(),
        }
    }

    /// Applies an answer. Receipts always count (the server holds those check-ins whatever
    /// else happened); items only when the answer counts from this copy's cursor, or
    /// replaces the whole copy.
    pub fn apply(&mut self, answer: SyncAnswer, now: DateTime<Utc>) -> Applied {
        if self
            .owner
            .as_ref()
            .is_some_and(|owner| *owner != answer.owner)
        {
            return Applied::NotThisCopy;
        }
        for (key, receipt) in &answer.receipts {
            if let Some(at) = self.outbox.iter().position(|queued| &queued.key == key) {
                let queued = self.outbox.remove(at);
                if *receipt == Receipt::Refused {
                    self.refused.push(queued);
                }
            }
        }
        if !answer.reset && answer.since != self.cursor {
            return Applied::Stale;
        }
        if answer.reset {
            self.items.clear();
        }
        for key in &answer.removed {
            self.items.remove(key);
        }
        for item in answer.changed {
            self.items.insert(item.key(), item);
        }
        self.cursor = Some(answer.cursor);
        self.owner = Some(answer.owner);
        self.synced_at = Some(now);
        Applied::Applied
    }

    /// True when the copy has gone too long without a sync and must be dropped.
    pub fn is_too_old(&self, now: DateTime<Utc>) -> bool {
        self.synced_at
            .is_some_and(|at| now - at > Duration::days(DEVICE_COPY_DAYS))
    }

    pub fn profile(&self) -> Option<&Profile> {
        match self.items.get("profile") {
            Some(SyncItem::Profile(profile)) => Some(profile),
            _ => None,
        }
    }

    /// The client's plan, with steps ticked off on this device but not yet sent counted
    /// as done.
    pub fn plan(&self, today: NaiveDate) -> Option<SupportPlan> {
        let Some(SyncItem::Plan(plan)) = self.items.get("plan") else {
            return None;
        };
        let mut plan = plan.clone();
        for queued in &self.outbox {
            if let CheckInAction::StepDone { step_id } = &queued.action {
                for goal in &mut plan.goals {
                    for step in &mut goal.steps {
                        if step.id.as_str() == step_id && step.done_on.is_none() {
                            step.done_on = Some(today);
                        }
                    }
                }
            }
        }
        Some(plan)
    }

    pub fn stage(&self) -> Option<&StageChange> {
        match self.items.get("stage") {
            Some(SyncItem::Stage(stage)) => Some(stage),
            _ => None,
        }
    }

    /// The items in the order the server lists them.
    fn in_order(&self) -> Vec<&SyncItem> {
        let order: &[String] = match self.items.get("order") {
            Some(SyncItem::Order(keys)) => keys,
            _ => &[],
        };
        let mut listed: Vec<&SyncItem> =
            order.iter().filter_map(|key| self.items.get(key)).collect();
        let known: BTreeSet<&String> = order.iter().collect();
        listed.extend(
            self.items
                .iter()
                .filter(|(key, _)| !known.contains(key))
                .map(|(_, item)| item),
        );
        listed
    }

    /// Appointments, each with the latest answer, queued answers included.
    pub fn appointments(&self) -> Vec<AppointmentCopy> {
        let mut appointments = self.listed(|item| match item {
            SyncItem::Appointment(a) => Some(a),
            _ => None,
        });
        for queued in &self.outbox {
            let (id, kind) = match &queued.action {
                CheckInAction::WillCome { appointment_id } => {
                    (appointment_id, CheckInKind::AppointmentConfirmed)
                }
                CheckInAction::CantCome { appointment_id, .. } => {
                    (appointment_id, CheckInKind::CantCome)
                }
                CheckInAction::StepDone { .. }
                | CheckInAction::Suggest { .. }
                | CheckInAction::Message { .. } => continue,
            };
            if let Some(copy) = appointments
                .iter_mut()
                .find(|a| a.appointment.id.as_str() == id)
            {
                copy.answer = Some((kind, queued.made_at));
            }
        }
        appointments.sort_by_key(|a| a.appointment.starts_at);
        appointments
    }

    /// Every item of one kind, in the server's order.
    fn listed<T: Clone>(&self, pick: impl Fn(&SyncItem) -> Option<&T>) -> Vec<T> {
        self.in_order()
            .into_iter()
            .filter_map(|item| pick(item).cloned())
            .collect()
    }

    pub fn referrals(&self) -> Vec<Referral> {
        self.listed(|item| match item {
            SyncItem::Referral(r) => Some(r),
            _ => None,
        })
    }

    pub fn resources(&self) -> Vec<Resource> {
        self.listed(|item| match item {
            SyncItem::Resource(r) => Some(r),
            _ => None,
        })
    }

    pub fn articles(&self) -> Vec<Resource> {
        self.listed(|item| match item {
            SyncItem::Article(r) => Some(r),
            _ => None,
        })
    }

    /// The client's latest messages with the care team, newest first, and those waiting on
    /// the phone to be sent, newest first.
    pub fn messages(&self) -> (Vec<Message>, Vec<String>) {
        let mut kept = self.listed(|item| match item {
            SyncItem::Message(m) => Some(m),
            _ => None,
        });
        kept.sort_by(|a, b| (b.sent_at, &b.id).cmp(&(a.sent_at, &a.id)));
        let waiting = self
            .outbox
            .iter()
            .rev()
            .filter_map(|queued| match &queued.action {
                CheckInAction::Message {
                    text,
                    grant_id: None,
                } => Some(text.clone()),
                _ => None,
            })
            .collect();
        (kept, waiting)
    }

    /// A supporter's messages to a client's care team waiting on the phone, newest first.
    pub fn waiting_messages_of_grant(&self, grant: &str) -> Vec<String> {
        self.outbox
            .iter()
            .rev()
            .filter_map(|queued| match &queued.action {
                CheckInAction::Message {
                    text,
                    grant_id: Some(id),
                } if id == grant => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    /// What clients share with the supporter whose copy this is, in the server's order.
    pub fn shared(&self) -> Vec<SharedCopy> {
        self.listed(|item| match item {
            SyncItem::Shared(s) => Some(s),
            _ => None,
        })
    }
}

// The two tagged types are read by hand: serde's derive reads a tagged enum by buffering
// it whole first (its `Content`), which compiles every type inside it a second time into the
// phone's wasm. Both are always written tag first, so they can be read in one pass.

/// Reads `{"kind": …, "value": …}`, kind first; `value_of` reads the value of a kind (or
/// `None` for a kind it does not know). Keys after the value are ignored.
fn read_tagged<'de, A, T>(
    mut map: A,
    value_of: impl FnOnce(&str, &mut A) -> Option<Result<T, A::Error>>,
) -> Result<T, A::Error>
where
    A: serde::de::MapAccess<'de>,
{
    use serde::de::{Error, IgnoredAny};
    let kind = match map.next_key::<String>()?.as_deref() {
        Some("kind") => map.next_value::<String>()?,
        _ => return Err(A::Error::custom("an item's kind must come first")),
    };
    if map.next_key::<String>()?.as_deref() != Some("value") {
        return Err(A::Error::custom("an item's value must follow its kind"));
    }
    let value = value_of(&kind, &mut map)
        .unwrap_or_else(|| Err(A::Error::custom("an unknown kind of item")))?;
    while map.next_key::<IgnoredAny>()?.is_some() {
        map.next_value::<IgnoredAny>()?;
    }
    Ok(value)
}

impl<'de> Deserialize<'de> for SyncItem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Item;
        impl<'de> serde::de::Visitor<'de> for Item {
            type Value = SyncItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an item")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<SyncItem, A::Error> {
                read_tagged(map, |kind, map| {
                    Some(match kind {
                        "profile" => map.next_value().map(SyncItem::Profile),
                        "plan" => map.next_value().map(SyncItem::Plan),
                        "stage" => map.next_value().map(SyncItem::Stage),
                        "appointment" => map.next_value().map(SyncItem::Appointment),
                        "referral" => map.next_value().map(SyncItem::Referral),
                        "resource" => map.next_value().map(SyncItem::Resource),
                        "article" => map.next_value().map(SyncItem::Article),
                        "shared" => map.next_value().map(SyncItem::Shared),
                        "message" => map.next_value().map(SyncItem::Message),
                        "order" => map.next_value().map(SyncItem::Order),
                        _ => return None,
                    })
                })
            }
        }
        deserializer.deserialize_map(Item)
    }
}

impl<'de> Deserialize<'de> for CheckInAction {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Action;
        impl<'de> serde::de::Visitor<'de> for Action {
            type Value = CheckInAction;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a check-in")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CheckInAction, A::Error> {
                use serde::de::{Error, IgnoredAny};
                let (mut kind, mut step_id, mut appointment_id, mut note) =
                    (None::<String>, None, None, None);
                let (mut goal_id, mut text, mut grant_id) = (None, None::<String>, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "kind" => kind = Some(map.next_value()?),
                        "step_id" => step_id = Some(map.next_value()?),
                        "appointment_id" => appointment_id = Some(map.next_value()?),
                        "note" => note = map.next_value()?,
                        "goal_id" => goal_id = map.next_value()?,
                        "text" => text = Some(map.next_value()?),
                        "grant_id" => grant_id = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let missing = || A::Error::custom("a check-in without what it is about");
                match kind.as_deref() {
                    Some("step_done") => Ok(CheckInAction::StepDone {
                        step_id: step_id.ok_or_else(missing)?,
                    }),
                    Some("will_come") => Ok(CheckInAction::WillCome {
                        appointment_id: appointment_id.ok_or_else(missing)?,
                    }),
                    Some("cant_come") => Ok(CheckInAction::CantCome {
                        appointment_id: appointment_id.ok_or_else(missing)?,
                        note,
                    }),
                    Some("suggest") => Ok(CheckInAction::Suggest {
                        goal_id,
                        text: text.ok_or_else(missing)?,
                    }),
                    Some("message") => Ok(CheckInAction::Message {
                        text: text.ok_or_else(missing)?,
                        grant_id,
                    }),
                    _ => Err(A::Error::custom("an unknown kind of check-in")),
                }
            }
        }
        deserializer.deserialize_map(Action)
    }
}

/// The id in an address `<start><id>`: one part, with nothing below it.
fn id_below<'a>(path: &'a str, start: &str) -> Option<&'a str> {
    path.strip_prefix(start)
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// The pages a phone shows from its copy when the server cannot be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhonePage {
    Today,
    Plan,
    Appointments,
    Appointment(String),
    Referrals,
    Safety,
    Messages,
    Support,
    Learn,
    /// A supporter's list of who shares with them.
    Supporting,
    /// What one client shares with the supporter, by the grant's id.
    SharedRecord(String),
    SignIn,
    Unlock,
    /// Any other page needs the server.
    NeedsConnection,
}

impl PhonePage {
    pub fn at(path: &str) -> PhonePage {
        match path {
            "/" => PhonePage::Today,
            "/plan" => PhonePage::Plan,
            "/appointments" => PhonePage::Appointments,
            "/referrals" => PhonePage::Referrals,
            "/safety" => PhonePage::Safety,
            "/messages" => PhonePage::Messages,
            "/support" => PhonePage::Support,
            "/learn" => PhonePage::Learn,
            "/supporting" => PhonePage::Supporting,
            "/sign-in" => PhonePage::SignIn,
            "/unlock" => PhonePage::Unlock,
            _ => {
                if let Some(id) = id_below(path, "/appointments/") {
                    PhonePage::Appointment(id.to_owned())
                } else if let Some(id) = id_below(path, "/supporting/") {
                    PhonePage::SharedRecord(id.to_owned())
                } else {
                    PhonePage::NeedsConnection
                }
            }
        }
    }

    /// Whether the page shows the person's own information, from the copy.
    pub fn shows_copy(&self) -> bool {
        !matches!(
            self,
            PhonePage::SignIn | PhonePage::Unlock | PhonePage::NeedsConnection
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stage;

    #[test]
    fn a_phone_shows_the_clients_pages_from_its_copy_and_no_other() {
        assert_eq!(PhonePage::at("/"), PhonePage::Today);
        assert_eq!(
            PhonePage::at("/appointments/abc"),
            PhonePage::Appointment("abc".into())
        );
        assert_eq!(PhonePage::at("/supporting"), PhonePage::Supporting);
        assert_eq!(
            PhonePage::at("/supporting/g1"),
            PhonePage::SharedRecord("g1".into())
        );
        assert!(PhonePage::at("/supporting/g1").shows_copy());
        for other in [
            "/appointments/",
            "/appointments/a/b",
            "/supporting/",
            "/supporting/g1/more",
            "/caseload",
            "/account",
            "/join",
        ] {
            assert_eq!(PhonePage::at(other), PhonePage::NeedsConnection, "{other}");
        }
        assert!(PhonePage::at("/learn").shows_copy());
        assert!(!PhonePage::at("/unlock").shows_copy());
    }

    #[test]
    fn tagged_items_and_check_ins_read_back_as_written() {
        let items = vec![
            profile("Alex"),
            SyncItem::Order(vec!["profile".into()]),
            SyncItem::Stage(StageChange {
                stages: crate::domain::StageSet::new([Stage::Stabilisation]).unwrap(),
                effective_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                note: Some("Steady".into()),
            }),
        ];
        let json = serde_json::to_string(&items).unwrap();
        assert!(json.starts_with(r#"[{"kind":"profile","value":{"preferred_name":"Alex","#));
        assert_eq!(serde_json::from_str::<Vec<SyncItem>>(&json).unwrap(), items);
        // What a later server may add after the value is ignored, and a value from an
        // earlier one (no care team) reads with its defaults; a value before its kind, or a
        // kind no phone knows, is not read.
        let later = r#"{"kind":"profile","value":{"preferred_name":"A"},"extra":[1]}"#;
        assert_eq!(
            serde_json::from_str::<SyncItem>(later).unwrap(),
            profile("A")
        );
        for wrong in [
            r#"{"value":{"preferred_name":"A"},"kind":"profile"}"#,
            r#"{"kind":"horoscope","value":1}"#,
            r#"{"kind":"profile"}"#,
        ] {
            assert!(serde_json::from_str::<SyncItem>(wrong).is_err(), "{wrong}");
        }

        let actions = vec![
            CheckInAction::StepDone {
                step_id: "s".into(),
            },
            CheckInAction::WillCome {
                appointment_id: "a".into(),
            },
            CheckInAction::CantCome {
                appointment_id: "a".into(),
                note: Some("Bus".into()),
            },
            CheckInAction::CantCome {
                appointment_id: "a".into(),
                note: None,
            },
            CheckInAction::Message {
                text: "Can we talk\nabout my dose?".into(),
                grant_id: None,
            },
            CheckInAction::Message {
                text: "From Mum".into(),
                grant_id: Some("g1".into()),
            },
        ];
        let json = serde_json::to_string(&actions).unwrap();
        assert!(json.starts_with(r#"[{"kind":"step_done","step_id":"s"}"#));
        assert_eq!(
            serde_json::from_str::<Vec<CheckInAction>>(&json).unwrap(),
            actions
        );
        let any_order = r#"{"appointment_id":"a","note":"Bus","kind":"cant_come"}"#;
        assert_eq!(
            serde_json::from_str::<CheckInAction>(any_order).unwrap(),
            actions[2]
        );
        let unsaid = r#"{"kind":"cant_come","appointment_id":"a"}"#;
        assert_eq!(
            serde_json::from_str::<CheckInAction>(unsaid).unwrap(),
            actions[3]
        );
        assert_eq!(
            CheckInAction::of_form("/messages", |name| (name == "text")
                .then(|| " Can we talk\nabout my dose? ".to_owned())),
            Some(actions[4].clone())
        );
        assert_eq!(CheckInAction::of_form("/messages", |_| None), None);
        for wrong in [
            r#"{"kind":"message"}"#,
            r#"{"kind":"step_done"}"#,
            r#"{"kind":"dance","step_id":"s"}"#,
            r#"{"step_id":"s"}"#,
        ] {
            assert!(
                serde_json::from_str::<CheckInAction>(wrong).is_err(),
                "{wrong}"
            );
        }
    }

    #[test]
    fn a_shared_item_from_before_the_library_reads_with_nothing_to_read() {
        let earlier = r#"{"kind":"shared","value":{"grant_id":"g","preferred_name":"Sam",
            "ends_on":"2026-12-01","appointments":null,"goals":null,"stages":["stabilisation"]}}"#;
        let Ok(SyncItem::Shared(shared)) = serde_json::from_str::<SyncItem>(earlier) else {
            panic!("a shared item reads");
        };
        assert_eq!(shared.stages, Some(vec![Stage::Stabilisation]));
        assert_eq!(shared.stage_articles, None);
        assert!(shared.start_here.articles.is_empty());
        let mut copy = DeviceCopy::default();
        copy.items
            .insert("shared/g".into(), SyncItem::Shared(shared.clone()));
        assert_eq!(copy.shared(), vec![shared]);
    }

    fn profile(name: &str) -> SyncItem {
        SyncItem::Profile(Profile {
            preferred_name: name.to_owned(),
            care_team: Default::default(),
            safety_plan: None,
            aftercare: None,
        })
    }

    fn answer(since: Option<&str>, cursor: &str, changed: Vec<SyncItem>) -> SyncAnswer {
        SyncAnswer {
            copy_key: None,
            protocol: SYNC_PROTOCOL,
            owner: "o".to_owned(),
            since: since.map(str::to_owned),
            cursor: cursor.to_owned(),
            reset: since.is_none(),
            changed,
            removed: vec![],
            receipts: vec![],
        }
    }

    #[test]
    fn the_phone_asks_for_the_passphrase_after_the_idle_time() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let ago = |minutes| Some(now - Duration::minutes(minutes));
        assert!(!must_reopen(ago(0), now));
        assert!(!must_reopen(ago(14), now));
        assert!(must_reopen(ago(15), now));
        assert!(must_reopen(ago(60 * 24), now));
        assert!(must_reopen(None, now));
        assert!(must_reopen(ago(-5), now), "a clock set back");
    }

    /// A form's fields, as `CheckInAction::of_form` reads them.
    fn fields<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_check_in_form_reads_as_the_check_in_it_asks_for() {
        assert_eq!(
            CheckInAction::of_form("/check-ins/step", fields(&[("step_id", "s1"), ("key", "")])),
            Some(CheckInAction::StepDone {
                step_id: "s1".to_owned()
            })
        );
        let come = [("appointment_id", "a1"), ("answer", "come")];
        assert_eq!(
            CheckInAction::of_form("/check-ins/appointment", fields(&come)),
            Some(CheckInAction::WillCome {
                appointment_id: "a1".to_owned()
            })
        );
        let cant = [
            ("appointment_id", "a1"),
            ("answer", "cant_come"),
            ("note", " Sick "),
        ];
        assert_eq!(
            CheckInAction::of_form("/check-ins/appointment", fields(&cant)),
            Some(CheckInAction::CantCome {
                appointment_id: "a1".to_owned(),
                note: Some("Sick".to_owned())
            })
        );
        let blank_note = [
            ("appointment_id", "a1"),
            ("answer", "cant_come"),
            ("note", "  "),
        ];
        assert_eq!(
            CheckInAction::of_form("/check-ins/appointment", fields(&blank_note)),
            Some(CheckInAction::CantCome {
                appointment_id: "a1".to_owned(),
                note: None
            })
        );
        let unknown = [("appointment_id", "a1"), ("answer", "maybe")];
        assert_eq!(
            CheckInAction::of_form("/check-ins/appointment", fields(&unknown)),
            None
        );
        assert_eq!(CheckInAction::of_form("/check-ins/step", fields(&[])), None);
        assert_eq!(CheckInAction::of_form("/sign-out", fields(&come)), None);
    }

    #[test]
    fn changes_since_sends_only_what_differs_and_removes_what_went() {
        let sent = BTreeMap::from([
            ("profile".to_owned(), "a".to_owned()),
            ("stage".to_owned(), "s".to_owned()),
        ]);
        let now = vec![(profile("Kim"), "b".to_owned())];
        let (changed, removed) = changes_since(&sent, &now);
        assert_eq!(changed, vec![profile("Kim")]);
        assert_eq!(removed, vec!["stage".to_owned()]);
        let (changed, _) = changes_since(&sent, &[(profile("Kim"), "a".to_owned())]);
        assert!(changed.is_empty());
    }

    #[test]
    fn a_late_answer_to_an_earlier_request_leaves_the_items_alone_but_counts_receipts() {
        let now = Utc::now();
        let mut copy = DeviceCopy::default();
        copy.apply(answer(None, "c1", vec![profile("Kim")]), now);
        copy.queue(
            "k".repeat(20),
            now,
            CheckInAction::StepDone {
                step_id: "s".to_owned(),
            },
        );
        copy.apply(answer(Some("c1"), "c2", vec![profile("Kimberly")]), now);
        let mut late = answer(Some("c1"), "c3", vec![profile("Old")]);
        late.receipts = vec![("k".repeat(20), Receipt::Recorded)];
        assert_eq!(copy.apply(late, now), Applied::Stale);
        assert_eq!(copy.cursor.as_deref(), Some("c2"));
        assert_eq!(
            copy.profile().map(|p| p.preferred_name.as_str()),
            Some("Kimberly")
        );
        assert!(copy.outbox.is_empty());
    }

    #[test]
    fn a_reset_replaces_everything_and_refused_check_ins_are_kept_to_tell_the_person() {
        let now = Utc::now();
        let mut copy = DeviceCopy::default();
        let stage = SyncItem::Stage(StageChange {
            stages: crate::domain::StageSet::new([Stage::ALL[0]]).expect("one stage"),
            effective_on: now.date_naive(),
            note: None,
        });
        copy.apply(answer(None, "c1", vec![profile("Kim"), stage]), now);
        let key = "r".repeat(20);
        copy.queue(
            key.clone(),
            now,
            CheckInAction::WillCome {
                appointment_id: "a".into(),
            },
        );
        copy.queue(
            key.clone(),
            now,
            CheckInAction::WillCome {
                appointment_id: "a".into(),
            },
        );
        assert_eq!(copy.request().check_ins.len(), 1, "one key is queued once");
        let mut reset = answer(None, "c9", vec![profile("Kim")]);
        reset.receipts = vec![(key, Receipt::Refused)];
        copy.apply(reset, now);
        assert_eq!(copy.items.len(), 1);
        assert!(copy.stage().is_none());
        assert_eq!(copy.refused.len(), 1);
        assert!(copy.outbox.is_empty());
    }

    #[test]
    fn a_copy_is_too_old_after_thirty_days_without_a_sync() {
        let now = Utc::now();
        let copy = DeviceCopy {
            synced_at: Some(now - Duration::days(DEVICE_COPY_DAYS) - Duration::minutes(1)),
            ..Default::default()
        };
        assert!(copy.is_too_old(now));
        assert!(!copy.is_too_old(now - Duration::days(2)));
        assert!(!DeviceCopy::default().is_too_old(now));
    }

    #[test]
    fn device_keys_are_plain_and_bounded() {
        assert!(is_device_key("0123456789abcdef-ABC_"));
        assert!(!is_device_key("short"));
        assert!(!is_device_key(&"x".repeat(81)));
        assert!(!is_device_key("0123456789abcdef/../"));
    }
}
