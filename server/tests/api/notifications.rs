//! Notifications end to end: a phone turns them on, the server queues and sends them by
//! Web Push to the stand-in push service (`push_service.rs`), which checks the VAPID token,
//! decrypts the message and records it.
use crate::helpers::*;
use crate::push_service::{PushService, Subscription};
use app::db::{self, Db};
use app::domain::Notice;
use chrono::{DateTime, NaiveDateTime, Utc};
use server::config::Config;
use server::startup::Application;
use std::time::Duration;

pub(crate) const WITHIN: Duration = Duration::from_secs(20);

/// The app's configuration for talking to `push`, with a key of its own.
pub(crate) fn config_for(t: &TestDb, push: &PushService) -> (Config, app::push::VapidKey) {
    let key = app::push::VapidKey::generate().unwrap();
    let mut config = Config::for_tests(&t.url);
    config.push_services = push.origin().parse().unwrap();
    config.vapid_private_key = Some(key.private());
    config.vapid_subject = Some("mailto:team@waypoint.example".to_owned());
    (config, key)
}

/// Turns notifications on for `phone`'s session with a new subscription of the stand-in.
/// Reminders are turned off first: the server's own rounds, on the real clock, would
/// otherwise send one whenever a test runs at the evening hour before a demo appointment.
pub(crate) async fn turn_on(
    phone: &TestApp,
    push: &PushService,
    key: &app::push::VapidKey,
) -> Subscription {
    let (status, _) = phone
        .post_form("/account/notifications", &[("detail", "discreet")])
        .await;
    assert_eq!(status, 303);
    let subscription = push.subscribe_for(key.public());
    let (status, body) = phone
        .call(
            "notifications_on",
            &[
                ("endpoint", &subscription.endpoint),
                ("p256dh", &subscription.p256dh),
                ("auth", &subscription.auth),
            ],
        )
        .await;
    assert_eq!((status, body.as_str()), (200, "true"));
    subscription
}

pub(crate) fn payload(arrived: &crate::push_service::Arrived) -> serde_json::Value {
    serde_json::from_str(&arrived.payload).expect("the payload is JSON")
}

async fn latest_revision(db: &Db, client: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(
        "SELECT COALESCE(MAX(r.number), 0) FROM plan_revisions r
         JOIN support_plans p ON p.id = r.plan_id WHERE p.client_id = $1",
    )
    .bind(client)
    .fetch_one(db.pool())
    .await
    .unwrap()
}

async fn states(db: &Db) -> Vec<(String, i64)> {
    db::notification_counts(db).await.unwrap()
}

/// The queue's states once they are `expected` (a message arrives at the push service a
/// moment before the server records that it did), or as they are after a while.
async fn settled(db: &Db, expected: &[(&str, i64)]) -> Vec<(String, i64)> {
    let expected: Vec<(String, i64)> = expected
        .iter()
        .map(|(state, count)| (state.to_string(), *count))
        .collect();
    for _ in 0..100 {
        let now = states(db).await;
        if now == expected {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    states(db).await
}

#[tokio::test]
async fn a_plan_update_and_a_cancelled_appointment_reach_the_phone_discreetly() {
    on_each_engine(|t| async move {
        let push = PushService::start().await;
        let clients = seeded(&t.db).await;
        let alex = id_of(&clients, "Alex");
        let (config, key) = config_for(&t, &push);
        let app = spawn_app_with(&t, config).await;
        let phone = app.browser_signed_in("alex").await;
        let subscription = turn_on(&phone, &push, &key).await;
        let (_, page) = phone.get("/account/notifications").await;
        assert!(
            page.contains("Notifications are on for this phone."),
            "{page}"
        );

        // The case manager sends a plan update.
        let amara = app.browser_signed_in("amara").await;
        let (status, _) = amara
            .call(
                "save-goal",
                &[
                    ("client_id", &alex),
                    ("goal_id", ""),
                    ("version", "0"),
                    ("goal[domain]", "housing"),
                    ("goal[horizon]", "short_term"),
                    ("goal[own_words]", "Find a place near my sister"),
                    ("goal[status]", "not_started"),
                    ("goal[target_on]", ""),
                ],
            )
            .await;
        assert_eq!(status, 200);
        let after = latest_revision(&t.db, &alex).await.to_string();
        let (status, answer) = amara
            .call(
                "send-plan",
                &[
                    ("client_id", &alex),
                    ("after_revision", &after),
                    ("summary", "A new housing goal"),
                ],
            )
            .await;
        assert_eq!((status, answer.as_str()), (200, "\"Saved\""));
        let arrived = push.wait_for(1, WITHIN).await;
        assert_eq!(arrived.len(), 1, "{}: the plan update", t.engine);
        let shown = payload(&arrived[0]);
        assert_eq!(shown["title"], "Waypoint");
        assert_eq!(
            shown["body"], "You have an update",
            "discreet unless chosen"
        );
        assert_eq!(shown["path"], "/plan");
        assert_eq!(arrived[0].endpoint, subscription.endpoint);
        assert_eq!(arrived[0].subject, "mailto:team@waypoint.example");
        for telling in [
            "Alex",
            "housing",
            "sister",
            "plan update",
            "methadone",
            "Amara",
        ] {
            assert!(
                !arrived[0].payload.contains(telling),
                "{}",
                arrived[0].payload
            );
        }

        // Alex chooses a little more detail; the case manager cancels an appointment.
        let (status, _) = phone
            .post_form("/account/notifications", &[("detail", "detailed")])
            .await;
        assert_eq!(status, 303);
        let now = chrono::Utc::now().naive_utc();
        let coming = db::appointments_between(&t.db, &alex, now, now + chrono::Duration::days(60))
            .await
            .unwrap();
        let appointment = coming.first().expect("Alex has an appointment to come");
        let (status, answer) = amara
            .call(
                "appointment-status",
                &[
                    ("client_id", &alex),
                    ("appointment_id", appointment.id.as_str()),
                    ("version", &appointment.version.to_string()),
                    ("status", "cancelled"),
                ],
            )
            .await;
        assert_eq!((status, answer.as_str()), (200, "\"Saved\""));
        let arrived = push.wait_for(2, WITHIN).await;
        assert_eq!(arrived.len(), 2, "{}: the cancellation", t.engine);
        let shown = payload(&arrived[1]);
        assert_eq!(shown["body"], "An appointment was cancelled");
        assert_eq!(shown["path"], format!("/appointments/{}", appointment.id));
        assert_eq!(
            settled(&t.db, &[("sent", 2)]).await,
            vec![("sent".to_owned(), 2)]
        );

        // Signing out ends the session's notifications.
        let (status, _) = phone.post_form("/sign-out", &[]).await;
        assert_eq!(status, 303);
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(
            left, 0,
            "{}: signed out, nothing is sent to that phone",
            t.engine
        );
        assert!(states(&t.db).await.is_empty());
        push.stop();
        t
    })
    .await;
}

/// Queues notifications for `person` now, one per key, in one transaction.
async fn queue_keys(db: &Db, person: &str, keys: impl IntoIterator<Item = String>) {
    let mut tx = db.begin().await.unwrap();
    for key in keys {
        let notice = Notice {
            dedupe_key: format!("test:{key}"),
            ..Notice::plan_updated(1)
        };
        db::queue_notice(&mut tx, person, &notice, Utc::now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn queue(db: &Db, person: &str, key: &str) {
    queue_keys(db, person, [key.to_owned()]).await;
}

async fn queue_many(db: &Db, person: &str, many: usize) {
    queue_keys(db, person, (0..many).map(|n| n.to_string())).await;
}

#[tokio::test]
async fn a_failed_delivery_is_tried_again_and_a_gone_subscription_is_forgotten() {
    on_each_engine(|t| async move {
        let push = PushService::start().await;
        seeded(&t.db).await;
        let (config, key) = config_for(&t, &push);
        let app = spawn_app_with(&t, config).await;
        let phone = app.browser_signed_in("alex").await;
        let subscription = turn_on(&phone, &push, &key).await;
        let alex = person_named(&t.db, "alex").await;

        // The push service fails once: the notification waits, then goes.
        push.answer_next(&subscription.endpoint, 500, 1);
        queue(&t.db, &alex, "retried").await;
        for _ in 0..200 {
            if push.tries(&subscription.endpoint) == 1 && states(&t.db).await[0].0 == "queued" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (attempts, problem): (i64, Option<String>) =
            sqlx::query_as("SELECT attempts, last_problem FROM notifications")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        assert_eq!(
            (attempts, problem.as_deref()),
            (1, Some("500")),
            "{}",
            t.engine
        );
        assert!(push.arrived().is_empty());
        // Its next try is half a minute on; the clock moves there.
        sqlx::query("UPDATE notifications SET next_try_at = $1")
            .bind(db::instant_text(Utc::now()))
            .execute(t.db.pool())
            .await
            .unwrap();
        let arrived = push.wait_for(1, WITHIN).await;
        assert_eq!(
            arrived.len(),
            1,
            "{}: delivered on the second try",
            t.engine
        );
        assert_eq!(push.tries(&subscription.endpoint), 2);

        // The person turned notifications off in the browser: the service says 410 Gone.
        push.answer_next(&subscription.endpoint, 410, usize::MAX);
        queue(&t.db, &alex, "gone").await;
        for _ in 0..200 {
            let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(push.tries(&subscription.endpoint), 3);
        assert!(
            states(&t.db).await.is_empty(),
            "{}: its queue went with it",
            t.engine
        );
        queue(&t.db, &alex, "after").await;
        assert!(
            states(&t.db).await.is_empty(),
            "nothing more is queued for it"
        );
        let (_, page) = phone.get("/account/notifications").await;
        assert!(
            page.contains("Notifications are off for this phone."),
            "{page}"
        );
        push.stop();
        t
    })
    .await;
}

#[tokio::test]
async fn two_instances_never_send_one_notification_twice() {
    on_each_engine(|t| async move {
        let push = PushService::start().await;
        seeded(&t.db).await;
        let (config, key) = config_for(&t, &push);
        let first = spawn_app_with(&t, config.clone()).await;
        // A second instance: its own pool on the same database, its own workers.
        let second_db = t.reconnect().await;
        let second = Application::with_db(config, second_db).await.unwrap();
        tokio::spawn(second.run_until_stopped());
        let phone = first.browser_signed_in("alex").await;
        let subscription = turn_on(&phone, &push, &key).await;
        let alex = person_named(&t.db, "alex").await;
        const MANY: usize = 300;
        queue_many(&t.db, &alex, MANY).await;
        let arrived = push.wait_for(MANY, Duration::from_secs(60)).await;
        // A moment more, for any second copy still on its way.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(push.arrived().len(), MANY, "{}", t.engine);
        assert_eq!(push.tries(&subscription.endpoint), MANY, "{}", t.engine);
        let mut tags: Vec<String> = arrived
            .iter()
            .map(|a| payload(a)["tag"].as_str().unwrap().to_owned())
            .collect();
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), MANY, "each once");
        assert_eq!(
            settled(&t.db, &[("sent", MANY as i64)]).await,
            vec![("sent".to_owned(), MANY as i64)]
        );
        // Housekeeping forgets them a month on, and keeps the phone's subscription.
        server::startup::tidy(&t.db, Utc::now()).await;
        assert_eq!(states(&t.db).await.len(), 1, "kept for a month");
        sqlx::query("UPDATE notifications SET created_at = $1")
            .bind(db::instant_text(Utc::now() - chrono::Duration::days(31)))
            .execute(t.db.pool())
            .await
            .unwrap();
        server::startup::tidy(&t.db, Utc::now()).await;
        assert!(states(&t.db).await.is_empty(), "{}", t.engine);
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(kept, 1);
        push.stop();
        t
    })
    .await;
}

fn utc(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .unwrap()
        .and_utc()
}

/// What is queued, by kind: (kind, about_time, next_try_at).
async fn queued(db: &Db) -> Vec<(String, Option<String>, String)> {
    sqlx::query_as(
        "SELECT kind, about_time, next_try_at FROM notifications ORDER BY next_try_at, kind",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
}

/// A session and a subscription of the stand-in for `person`, made in the database: no
/// server runs here, so no round on the real clock queues anything beside the test's.
async fn subscribed(db: &Db, person: &str, push: &PushService) {
    let session = db::new_id();
    let mut tx = db.begin().await.unwrap();
    let new = db::NewSession {
        session_id: &session,
        token_hash: &db::new_id(),
        person_id: person,
        device: "Test phone",
        expires_at: utc("2099-01-01T00:00"),
    };
    db::insert_session(&mut tx, &new, Utc::now()).await.unwrap();
    let stand_in = push.subscribe();
    let subscription = db::PushSubscription {
        id: db::new_id(),
        endpoint: stand_in.endpoint,
        p256dh: stand_in.p256dh,
        auth: stand_in.auth,
    };
    db::save_push_subscription(&mut tx, &session, person, &subscription, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn reminders_come_at_the_programs_wall_clock_across_a_change_of_clocks() {
    on_each_engine(|t| async move {
        let push = PushService::start().await;
        let clients = seeded(&t.db).await;
        let alex = id_of(&clients, "Alex");
        sqlx::query("UPDATE organisations SET time_zone = 'America/Toronto'")
            .execute(t.db.pool())
            .await
            .unwrap();
        subscribed(&t.db, &alex, &push).await;
        let chosen = app::domain::NotificationSettings {
            daily_reminder_at: app::domain::parse_clock_time("08:00"),
            ..Default::default()
        };
        let mut tx = t.db.begin().await.unwrap();
        db::save_notification_settings(&mut tx, &alex, &chosen)
            .await
            .unwrap();
        // Clocks in Toronto go from 2:00 to 3:00 on Sunday 8 March 2026 (UTC-5 to UTC-4).
        sqlx::query(
            "INSERT INTO appointments (id, client_id, kind, starts_at, duration_minutes, place,
                 status)
             VALUES ($1, $2, 'counselling', '2026-03-09T10:00', 60, 'Room 2', 'scheduled')",
        )
        .bind(db::new_id())
        .bind(&alex)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let round = |at: &str| {
            let db = t.db.clone();
            let at = utc(at);
            async move { app::push::queue_due_reminders(&db, at).await.unwrap() }
        };
        // The daily reminder at 8:00 on Saturday is 13:00 UTC (standard time)...
        assert_eq!(round("2026-03-07T12:59").await, 0);
        assert_eq!(round("2026-03-07T13:00").await, 1);
        // ...and on Sunday 12:00 UTC (daylight time).
        assert_eq!(round("2026-03-08T11:59").await, 0);
        assert_eq!(round("2026-03-08T12:00").await, 1);
        // The evening before, at 19:00 daylight time: 23:00 UTC, not 24:00.
        assert_eq!(round("2026-03-08T22:59").await, 0);
        assert_eq!(round("2026-03-08T23:00").await, 1);
        assert_eq!(round("2026-03-08T23:30").await, 0, "once");
        // Monday: the daily reminder at 8:00 and the appointment's two hours before 10:00.
        assert_eq!(round("2026-03-09T11:59").await, 0);
        assert_eq!(round("2026-03-09T12:00").await, 2);
        assert_eq!(round("2026-03-09T12:30").await, 0, "once");
        // Long past its time, a reminder is not sent late.
        assert_eq!(round("2026-03-10T13:30").await, 0);
        let queued = queued(&t.db).await;
        let times: Vec<(&str, Option<&str>, &str)> = queued
            .iter()
            .map(|(kind, about, at)| (kind.as_str(), about.as_deref(), at.as_str()))
            .collect();
        assert_eq!(
            times,
            vec![
                ("daily_reminder", Some("08:00"), "2026-03-07T13:00:00Z"),
                ("daily_reminder", Some("08:00"), "2026-03-08T12:00:00Z"),
                ("evening_reminder", Some("10:00"), "2026-03-08T23:00:00Z"),
                ("daily_reminder", Some("08:00"), "2026-03-09T12:00:00Z"),
                ("soon_reminder", Some("10:00"), "2026-03-09T12:00:00Z"),
            ],
            "{}",
            t.engine
        );
        // Sent, they say only the time.
        let key = app::push::VapidKey::generate().unwrap();
        let services = push.origin().parse().unwrap();
        let pusher =
            app::push::Pusher::new(key, "mailto:team@waypoint.example".into(), services).unwrap();
        let round = app::push::deliver_due(&t.db, &pusher, Utc::now())
            .await
            .unwrap();
        assert_eq!((round.claimed, round.delivered), (5, 5));
        let mut bodies: Vec<String> = push
            .arrived()
            .iter()
            .map(|a| payload(a)["body"].as_str().unwrap().to_owned())
            .collect();
        bodies.sort();
        assert_eq!(
            bodies,
            vec![
                "Reminder for 10 am",
                "Reminder for 10 am",
                "Reminder for 8 am",
                "Reminder for 8 am",
                "Reminder for 8 am"
            ]
        );
        push.stop();
        t
    })
    .await;
}

#[tokio::test]
async fn quiet_hours_hold_an_update_until_they_end() {
    let t = sqlite().await;
    let push = PushService::start().await;
    seeded(&t.db).await;
    let (config, key) = config_for(&t, &push);
    let app = spawn_app_with(&t, config).await;
    let phone = app.browser_signed_in("alex").await;
    turn_on(&phone, &push, &key).await;
    // Quiet all day but the last minute before midnight, program time: whenever this runs,
    // an update now waits.
    let (status, _) = phone
        .post_form(
            "/account/notifications",
            &[("quiet_from", "00:00"), ("quiet_until", "23:59")],
        )
        .await;
    assert_eq!(status, 303);
    let alex = person_named(&t.db, "alex").await;
    queue(&t.db, &alex, "quiet").await;
    let (next_try_at,): (String,) = sqlx::query_as("SELECT next_try_at FROM notifications")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    let time_zone = db::time_zone_of_organisation(&t.db, server::demo::DEMO_ORGANISATION_ID)
        .await
        .unwrap();
    let local = app::domain::local_time_of(&time_zone, utc(&next_try_at[..16]));
    let now_local = app::domain::local_time_of(&time_zone, Utc::now());
    if now_local.format("%H:%M").to_string() != "23:59" {
        assert_eq!(
            local.format("%H:%M").to_string(),
            "23:59",
            "held to the end"
        );
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(push.arrived().is_empty(), "nothing shows in quiet hours");
    }
    push.stop();
    t.cleanup().await;
}

/// Every event of a calendar, each as its properties (name, value), read by `ical`.
fn events(text: &str) -> Vec<Vec<(String, String)>> {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("valid iCalendar");
    assert!(calendars.next().is_none(), "one calendar only");
    for required in ["VERSION", "PRODID"] {
        assert!(
            calendar.properties.iter().any(|p| p.name == required),
            "{required}"
        );
    }
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "folded at 75 octets: {line}");
        assert!(!line.contains('\n'), "lines end in CRLF");
    }
    calendar
        .events
        .into_iter()
        .map(|event| {
            event
                .properties
                .into_iter()
                .map(|p| (p.name, p.value.unwrap_or_default()))
                .collect()
        })
        .collect()
}

fn property<'a>(event: &'a [(String, String)], name: &str) -> Option<&'a str> {
    event
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[tokio::test]
async fn the_calendar_address_shows_appointments_discreetly_and_follows_changes() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let phone = app.browser_signed_in("alex").await;
        let (status, to) = phone.post_form("/account/calendar", &[]).await;
        assert_eq!(
            (status, to.as_str()),
            (303, "/account/notifications?notice=calendar_ready")
        );
        let (_, page) = phone.get("/account/notifications").await;
        let start = page.find("/calendar/").expect("the address, shown once");
        let path: String = page[start..].chars().take_while(|c| *c != '"').collect();
        assert!(
            path.ends_with(".ics") && path.len() == "/calendar/.ics".len() + 64,
            "{path}"
        );
        let (_, again) = phone.get("/account/notifications").await;
        assert!(!again.contains(&path), "shown only once");
        assert!(again.contains("Your calendar address works since"));

        // A phone calendar polls it, with no cookie.
        let calendar_app = app.browser();
        let (status, text) = calendar_app.get(&path).await;
        assert_eq!(status, 200, "{text}");
        let found = events(&text);
        assert!(!found.is_empty(), "{}: Alex's appointments", t.engine);
        for event in &found {
            assert_eq!(property(event, "SUMMARY"), Some("Appointment"));
            assert_eq!(property(event, "LOCATION"), None, "discreet");
            assert_eq!(property(event, "DESCRIPTION"), None, "discreet");
            assert!(property(event, "DTSTART").unwrap().ends_with('Z'));
        }
        assert!(!text.contains("Alex") && !text.contains(&alex));

        // The case manager moves one: the calendar has it at the new time, a newer version.
        let now = Utc::now().naive_utc();
        let coming = db::appointments_between(&t.db, &alex, now, now + chrono::Duration::days(60))
            .await
            .unwrap();
        let appointment = coming.first().expect("an appointment to come");
        let amara = app.browser_signed_in("amara").await;
        let moved_to = appointment.starts_at + chrono::Duration::days(1);
        let (day, time) = (
            moved_to.format("%Y-%m-%d").to_string(),
            moved_to.format("%H:%M").to_string(),
        );
        let (status, answer) = amara
            .call(
                "save-appointment",
                &[
                    ("client_id", &alex),
                    ("appointment_id", appointment.id.as_str()),
                    ("version", &appointment.version.to_string()),
                    ("appointment[kind]", appointment.kind.code()),
                    ("appointment[date]", &day),
                    ("appointment[time]", &time),
                    (
                        "appointment[duration_minutes]",
                        &appointment.duration_minutes.to_string(),
                    ),
                    ("appointment[place]", "Room 5, 10 King St"),
                    ("appointment[with_whom]", ""),
                    ("appointment[what_to_bring]", "Health card"),
                    ("appointment[repeat_until]", ""),
                ],
            )
            .await;
        assert_eq!(
            (status, answer.as_str()),
            (200, "\"Saved\""),
            "{}",
            t.engine
        );
        // Alex chooses to see more.
        phone
            .post_form("/account/notifications", &[("detail", "detailed")])
            .await;
        let (_, text) = calendar_app.get(&path).await;
        let uid = format!("{}@waypoint", appointment.id);
        let moved = events(&text)
            .into_iter()
            .find(|event| property(event, "UID") == Some(uid.as_str()))
            .expect("the moved appointment");
        assert_eq!(
            property(&moved, "SEQUENCE"),
            Some((appointment.version + 1).to_string().as_str())
        );
        let starts = app::domain::instant_of(
            &db::time_zone_of_organisation(&t.db, server::demo::DEMO_ORGANISATION_ID)
                .await
                .unwrap(),
            appointment.starts_at + chrono::Duration::days(1),
        );
        assert_eq!(
            property(&moved, "DTSTART"),
            Some(starts.format("%Y%m%dT%H%M%SZ").to_string().as_str())
        );
        assert_eq!(property(&moved, "LOCATION"), Some("Room 5\\, 10 King St"));
        assert_eq!(property(&moved, "DESCRIPTION"), Some("Bring: Health card"));

        // One appointment to add once, from its page.
        let (status, one) = phone
            .get(&format!("/appointments/{}/calendar.ics", appointment.id))
            .await;
        assert_eq!(status, 200);
        assert_eq!(events(&one).len(), 1);

        // Stopped: the address is not found any more.
        let (status, to) = phone.post_form("/account/calendar/end", &[]).await;
        assert_eq!(
            (status, to.as_str()),
            (303, "/account/notifications?notice=calendar_ended")
        );
        let (status, text) = calendar_app.get(&path).await;
        assert_eq!(status, 404);
        assert!(!text.contains("VEVENT"));
        t
    })
    .await;
}

#[tokio::test]
async fn rounds_claiming_at_once_never_claim_one_notification_twice() {
    on_each_engine(|t| async move {
        let push = PushService::start().await;
        let clients = seeded(&t.db).await;
        let alex = id_of(&clients, "Alex");
        subscribed(&t.db, &alex, &push).await;
        const MANY: usize = 1000;
        queue_many(&t.db, &alex, MANY).await;
        // Two instances' pools, four rounds each, all claiming at once until nothing is left.
        let pools = [t.db.clone(), t.reconnect().await];
        let mut rounds = Vec::new();
        for n in 0..8 {
            let db = pools[n % 2].clone();
            rounds.push(tokio::spawn(async move {
                let mut claimed = Vec::new();
                loop {
                    let now = Utc::now();
                    let claim = db::new_id();
                    let due = db::claim_deliveries(
                        &db,
                        &claim,
                        now,
                        now + chrono::Duration::minutes(2),
                        50,
                    )
                    .await
                    .unwrap();
                    if due.is_empty() {
                        return claimed;
                    }
                    claimed.extend(due.into_iter().map(|delivery| delivery.id));
                }
            }));
        }
        let mut all = Vec::new();
        for round in rounds {
            all.extend(round.await.unwrap());
        }
        let claimed = all.len();
        all.sort();
        all.dedup();
        assert_eq!(
            (claimed, all.len()),
            (MANY, MANY),
            "{}: each claimed once",
            t.engine
        );
        push.stop();
        t
    })
    .await;
}
