//! What each person chose about notifications, each session's Web Push subscription, and
//! the delivery queue (`notifications`). The queue is claimed row by row with a lease, so
//! two instances never send one notification twice (see ARCHITECTURE.md).
use super::{instant_text, local_time_text, new_id, read_instant, Db, Result};
use crate::domain::{
    clock_time_text, instant_of, local_time_of, parse_clock_time, showing_time, Detail, Notice,
    NotificationKind, NotificationSettings, QuietHours, Switch, MOST_DELIVERY_ATTEMPTS,
};
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use sqlx::AnyConnection;

/// A person's row of `notification_settings`, or the NULLs of a LEFT JOIN where they have
/// none (then the defaults).
#[derive(sqlx::FromRow)]
struct SettingsRow {
    evening_reminder: Option<String>,
    soon_reminder: Option<String>,
    daily_reminder_at: Option<String>,
    quiet_from: Option<String>,
    quiet_until: Option<String>,
    detail: Option<String>,
}

impl SettingsRow {
    fn settings(self) -> Result<NotificationSettings> {
        let (Some(evening), Some(soon), Some(detail)) =
            (self.evening_reminder, self.soon_reminder, self.detail)
        else {
            return Ok(NotificationSettings::default());
        };
        let quiet = match (
            self.quiet_from.as_deref().and_then(parse_clock_time),
            self.quiet_until.as_deref().and_then(parse_clock_time),
        ) {
            (Some(from), Some(until)) => Some(QuietHours { from, until }),
            _ => None,
        };
        Ok(NotificationSettings {
            evening_reminder: Switch::from_code(&evening)?,
            soon_reminder: Switch::from_code(&soon)?,
            daily_reminder_at: self.daily_reminder_at.as_deref().and_then(parse_clock_time),
            quiet,
            detail: Detail::from_code(&detail)?,
        })
    }
}

const SETTINGS_COLUMNS: &str =
    "evening_reminder, soon_reminder, daily_reminder_at, quiet_from, quiet_until, detail";

/// What `person_id` chose, or the defaults.
pub async fn notification_settings(db: &Db, person_id: &str) -> Result<NotificationSettings> {
    let mut conn = db.pool().acquire().await?;
    settings_in(&mut conn, person_id).await
}

async fn settings_in(conn: &mut AnyConnection, person_id: &str) -> Result<NotificationSettings> {
    let row: Option<SettingsRow> = sqlx::query_as(&format!(
        "SELECT {SETTINGS_COLUMNS} FROM notification_settings WHERE person_id = $1"
    ))
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map_or(Ok(NotificationSettings::default()), SettingsRow::settings)
}

/// Keeps what `person_id` chose (the whole set: the form shows every choice).
pub async fn save_notification_settings(
    conn: &mut AnyConnection,
    person_id: &str,
    settings: &NotificationSettings,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO notification_settings (person_id, {SETTINGS_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (person_id) DO UPDATE SET evening_reminder = $2, soon_reminder = $3,
             daily_reminder_at = $4, quiet_from = $5, quiet_until = $6, detail = $7"
    ))
    .bind(person_id)
    .bind(settings.evening_reminder.code())
    .bind(settings.soon_reminder.code())
    .bind(settings.daily_reminder_at.map(clock_time_text))
    .bind(settings.quiet.map(|quiet| clock_time_text(quiet.from)))
    .bind(settings.quiet.map(|quiet| clock_time_text(quiet.until)))
    .bind(settings.detail.code())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A browser's push subscription (`PushSubscription.toJSON()`): where to send, and the keys
/// to encrypt for (RFC 8291), base64url.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PushSubscription {
    pub id: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// Makes `subscription` the one of `session_id` (replacing one it had, and what was queued
/// for that).
pub async fn save_push_subscription(
    conn: &mut AnyConnection,
    session_id: &str,
    person_id: &str,
    subscription: &PushSubscription,
    now: DateTime<Utc>,
) -> Result<()> {
    remove_push_subscription_of_session(conn, session_id).await?;
    sqlx::query(
        "INSERT INTO push_subscriptions (id, session_id, person_id, endpoint, p256dh, auth,
             created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&subscription.id)
    .bind(session_id)
    .bind(person_id)
    .bind(&subscription.endpoint)
    .bind(&subscription.p256dh)
    .bind(&subscription.auth)
    .bind(instant_text(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the session has notifications on.
pub async fn session_has_push(db: &Db, session_id: &str) -> Result<bool> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT id FROM push_subscriptions WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

/// Turns notifications off for a session; how many subscriptions went (0 or 1).
pub async fn remove_push_subscription_of_session(
    conn: &mut AnyConnection,
    session_id: &str,
) -> Result<u64> {
    forget_push_subscriptions(conn, "session_id = $1", session_id).await
}

/// Forgets the subscriptions (and their queues) of sessions that `sessions_filter` (over
/// `sessions s`, one bound value) finds; the end of a session calls it.
pub(super) async fn forget_push_of_sessions(
    conn: &mut AnyConnection,
    sessions_filter: &str,
    value: &str,
) -> Result<u64> {
    forget_push_subscriptions(
        conn,
        &format!("session_id IN (SELECT s.id FROM sessions s WHERE {sessions_filter})"),
        value,
    )
    .await
}

async fn forget_push_subscriptions(
    conn: &mut AnyConnection,
    filter: &str,
    value: &str,
) -> Result<u64> {
    sqlx::query(&format!(
        "DELETE FROM notifications WHERE subscription_id IN
             (SELECT id FROM push_subscriptions WHERE {filter})"
    ))
    .bind(value)
    .execute(&mut *conn)
    .await?;
    let gone = sqlx::query(&format!("DELETE FROM push_subscriptions WHERE {filter}"))
        .bind(value)
        .execute(&mut *conn)
        .await?;
    Ok(gone.rows_affected())
}

/// The push service said the subscription is gone (404 or 410).
pub async fn remove_push_subscription(db: &Db, subscription_id: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    forget_push_subscriptions(&mut tx, "id = $1", subscription_id).await?;
    tx.commit().await?;
    Ok(())
}

/// One device a person turned notifications on, in a session still open, with their
/// choices and their program's clock: all that queueing a notice for it needs.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub person_id: String,
    pub subscription_id: String,
    pub time_zone: String,
    pub settings: NotificationSettings,
}

#[derive(sqlx::FromRow)]
struct SubscriberRow {
    person_id: String,
    subscription_id: String,
    time_zone: String,
    #[sqlx(flatten)]
    settings: SettingsRow,
}

impl SubscriberRow {
    fn subscriber(self) -> Result<Subscriber> {
        Ok(Subscriber {
            person_id: self.person_id,
            subscription_id: self.subscription_id,
            time_zone: self.time_zone,
            settings: self.settings.settings()?,
        })
    }
}

/// The columns of a [`SubscriberRow`], from `push_subscriptions p` joined by
/// [`SUBSCRIBER_JOINS`].
const SUBSCRIBER_COLUMNS: &str = "p.person_id, p.id AS subscription_id, o.time_zone,
    n.evening_reminder, n.soon_reminder, n.daily_reminder_at, n.quiet_from, n.quiet_until,
    n.detail";

/// A subscription's open session (`$1` is now), its person's program and choices.
const SUBSCRIBER_JOINS: &str = "JOIN sessions s ON s.id = p.session_id
        AND s.ended_at IS NULL AND s.expires_at > $1
    JOIN people pp ON pp.id = p.person_id
    JOIN organisations o ON o.id = pp.organisation_id
    LEFT JOIN notification_settings n ON n.person_id = p.person_id";

/// Queues `notice` for each device of `person_id` with notifications on, at the first
/// moment outside their quiet hours (dropped if that is past its deadline); a notice
/// already queued under its key is not queued again. How many rows were queued.
pub async fn queue_notice(
    conn: &mut AnyConnection,
    person_id: &str,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<u64> {
    let rows: Vec<SubscriberRow> = sqlx::query_as(&format!(
        "SELECT {SUBSCRIBER_COLUMNS} FROM push_subscriptions p {SUBSCRIBER_JOINS}
         WHERE p.person_id = $2"
    ))
    .bind(instant_text(now))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut queue = Vec::with_capacity(rows.len());
    for row in rows {
        queue.push((row.subscriber()?, notice.clone()));
    }
    queue_notices(conn, &queue, now).await
}

/// How many rows go in one INSERT: 11 values each, far below either engine's limit.
const NOTICES_PER_INSERT: usize = 200;

/// Queues each notice for its subscriber's device, as [`queue_notice`] does, in a few
/// statements however many there are (the reminders of a whole program at once).
pub async fn queue_notices(
    conn: &mut AnyConnection,
    queue: &[(Subscriber, Notice)],
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut rows = Vec::with_capacity(queue.len());
    for (subscriber, notice) in queue {
        let zone = subscriber.time_zone.as_str();
        let local_now = local_time_of(zone, now);
        let wanted = notice.wanted_at.unwrap_or(local_now).max(local_now);
        if let Some(shown) = showing_time(wanted, subscriber.settings.quiet, notice.deadline) {
            rows.push((subscriber, notice, instant_of(zone, shown).max(now)));
        }
    }
    let created_at = instant_text(now);
    let mut queued = 0;
    for chunk in rows.chunks(NOTICES_PER_INSERT) {
        let sql = format!(
            "INSERT INTO notifications (id, subscription_id, person_id, kind, dedupe_key,
                 about_time, open_path, state, attempts, next_try_at, created_at)
             VALUES {}
             ON CONFLICT (subscription_id, dedupe_key) DO NOTHING",
            super::placeholder_rows(chunk.len(), 11)
        );
        let mut insert = sqlx::query(&sql);
        for (subscriber, notice, next_try_at) in chunk {
            insert = insert
                .bind(new_id())
                .bind(&subscriber.subscription_id)
                .bind(&subscriber.person_id)
                .bind(notice.kind.code())
                .bind(&notice.dedupe_key)
                .bind(notice.about_time.map(clock_time_text))
                .bind(&notice.open_path)
                .bind("queued")
                .bind(0_i64)
                .bind(instant_text(*next_try_at))
                .bind(&created_at);
        }
        queued += insert.execute(&mut *conn).await?.rows_affected();
    }
    Ok(queued)
}

/// An appointment whose reminders may be due, once per device of its client with
/// notifications on.
#[derive(Debug, Clone)]
pub struct AppointmentToRemind {
    pub appointment_id: String,
    pub starts_at: String,
    pub subscriber: Subscriber,
}

#[derive(sqlx::FromRow)]
struct AppointmentToRemindRow {
    appointment_id: String,
    starts_at: String,
    #[sqlx(flatten)]
    subscriber: SubscriberRow,
}

/// Booked appointments starting after `from` and no later than `to` (wall-clock text, wide
/// enough for every time zone), one row per open subscription of their client.
pub async fn appointments_to_remind(
    db: &Db,
    now: DateTime<Utc>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<AppointmentToRemind>> {
    let rows: Vec<AppointmentToRemindRow> = sqlx::query_as(&format!(
        "SELECT a.id AS appointment_id, a.starts_at, {SUBSCRIBER_COLUMNS}
         FROM appointments a
         JOIN push_subscriptions p ON p.person_id = a.client_id
         {SUBSCRIBER_JOINS}
         WHERE a.status IN ('scheduled', 'confirmed') AND a.starts_at > $2 AND a.starts_at <= $3"
    ))
    .bind(instant_text(now))
    .bind(local_time_text(from))
    .bind(local_time_text(to))
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(AppointmentToRemind {
                appointment_id: row.appointment_id,
                starts_at: row.starts_at,
                subscriber: row.subscriber.subscriber()?,
            })
        })
        .collect()
}

/// Every open subscription of a person with a daily reminder.
pub async fn daily_reminders(db: &Db, now: DateTime<Utc>) -> Result<Vec<Subscriber>> {
    let rows: Vec<SubscriberRow> = sqlx::query_as(&format!(
        "SELECT {SUBSCRIBER_COLUMNS} FROM push_subscriptions p {SUBSCRIBER_JOINS}
         WHERE n.daily_reminder_at IS NOT NULL"
    ))
    .bind(instant_text(now))
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(SubscriberRow::subscriber).collect()
}

/// A notification claimed for sending, with what is needed to send it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub kind: NotificationKind,
    pub dedupe_key: String,
    pub about_time: Option<NaiveTime>,
    pub open_path: String,
    pub attempts: i64,
    pub detail: Detail,
    pub subscription: PushSubscription,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    kind: String,
    dedupe_key: String,
    about_time: Option<String>,
    open_path: String,
    attempts: i64,
    detail: Option<String>,
    subscription_id: String,
    endpoint: String,
    p256dh: String,
    auth: String,
}

/// Where a row is due: queued and its time has come, or claimed by an instance whose lease
/// ran out (it stopped mid-send). The outer `UPDATE` says it again, so that on PostgreSQL a
/// row another instance claimed meanwhile is re-checked and left alone.
const DUE: &str = "((state = 'queued' AND next_try_at <= $3)
                    OR (state = 'sending' AND lease_until <= $3))";

/// Claims at most `limit` due notifications for `claim` (one instance's round) until
/// `lease_until`, and returns them. A row is claimed by one round only, on both engines.
pub async fn claim_deliveries(
    db: &Db,
    claim: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Delivery>> {
    sqlx::query(&format!(
        "UPDATE notifications SET state = 'sending', claimed_by = $1, lease_until = $2,
             attempts = attempts + 1
         WHERE id IN (SELECT id FROM notifications WHERE {DUE} ORDER BY next_try_at LIMIT $4)
           AND {DUE}"
    ))
    .bind(claim)
    .bind(instant_text(lease_until))
    .bind(instant_text(now))
    .bind(limit)
    .execute(db.pool())
    .await?;
    let rows: Vec<DeliveryRow> = sqlx::query_as(
        "SELECT n.id, n.kind, n.dedupe_key, n.about_time, n.open_path, n.attempts, ns.detail,
             s.id AS subscription_id, s.endpoint, s.p256dh, s.auth
         FROM notifications n
         JOIN push_subscriptions s ON s.id = n.subscription_id
         LEFT JOIN notification_settings ns ON ns.person_id = n.person_id
         WHERE n.claimed_by = $1 AND n.state = 'sending'",
    )
    .bind(claim)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Delivery {
                kind: NotificationKind::from_code(&row.kind)?,
                detail: row
                    .detail
                    .as_deref()
                    .map_or(Ok(Detail::Discreet), Detail::from_code)?,
                about_time: row.about_time.as_deref().and_then(parse_clock_time),
                id: row.id,
                dedupe_key: row.dedupe_key,
                open_path: row.open_path,
                attempts: row.attempts,
                subscription: PushSubscription {
                    id: row.subscription_id,
                    endpoint: row.endpoint,
                    p256dh: row.p256dh,
                    auth: row.auth,
                },
            })
        })
        .collect()
}

/// The push service took it.
pub async fn mark_delivered(db: &Db, id: &str, claim: &str, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE notifications SET state = 'sent', sent_at = $3, claimed_by = NULL,
             lease_until = NULL
         WHERE id = $1 AND claimed_by = $2",
    )
    .bind(id)
    .bind(claim)
    .bind(instant_text(now))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Not delivered (`problem`: the status, or "network"): queued again for `next_try_at`, or
/// given up after [`MOST_DELIVERY_ATTEMPTS`] or when `retry` is false.
pub async fn mark_not_delivered(
    db: &Db,
    id: &str,
    claim: &str,
    problem: &str,
    retry: bool,
    next_try_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE notifications SET
             state = CASE WHEN $3 = 'retry' AND attempts < $4 THEN 'queued' ELSE 'failed' END,
             next_try_at = $5, last_problem = $6, claimed_by = NULL, lease_until = NULL
         WHERE id = $1 AND claimed_by = $2",
    )
    .bind(id)
    .bind(claim)
    .bind(if retry { "retry" } else { "stop" })
    .bind(MOST_DELIVERY_ATTEMPTS)
    .bind(instant_text(next_try_at))
    .bind(problem)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Housekeeping: forgets notifications sent or given up before `before`; their record is
/// not kept (the action that queued one has its own audit entry).
pub async fn prune_notifications(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    super::prune_in_batches(
        db,
        ("notifications", "id"),
        "state IN ('sent', 'failed') AND created_at < $1",
        &instant_text(before),
    )
    .await
}

/// How the queue stands, for tests and benchmarks: (state, count).
pub async fn notification_counts(db: &Db) -> Result<Vec<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT state, COUNT(*) FROM notifications GROUP BY state ORDER BY state")
            .fetch_all(db.pool())
            .await?,
    )
}

/// When the next queued notification is due, to sleep until then.
pub async fn next_notification_due(db: &Db) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> =
        sqlx::query_scalar("SELECT MIN(next_try_at) FROM notifications WHERE state = 'queued'")
            .fetch_one(db.pool())
            .await?;
    next.as_deref().map(read_instant).transpose()
}
