//! Sends the evening reminders of a program with 10,000 clients, each with notifications on
//! and an appointment tomorrow, through the push service stand-in: the time to queue them,
//! the time to deliver them all, and the peak memory. On SQLite and, when TEST_POSTGRES_URL
//! is set, on PostgreSQL. Prints a table; asserts nothing. Run by `bench/reminders.sh`.
#[path = "../tests/api/push_service.rs"]
mod push_service;

use app::db::{self, Db};
use chrono::{Duration, NaiveTime, Utc};
use std::time::Instant;

const CLIENTS: usize = 10_000;
const ZONE: &str = "America/Toronto";

/// The program, its clients, each signed in on a phone subscribed to `push`, and each with
/// an appointment at 10:00 tomorrow.
async fn program(db: &Db, push: &push_service::PushService) -> chrono::NaiveDate {
    let now = Utc::now();
    let organisation = db::new_id();
    let today = app::domain::local_time_of(ZONE, now).date();
    let tomorrow = (today + Duration::days(1)).and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap());
    let mut tx = db.begin().await.expect("begin");
    db::insert_organisation(&mut tx, &organisation, "Bench program", ZONE, now)
        .await
        .expect("organisation");
    tx.commit().await.expect("commit");
    let created = db::instant_text(now);
    for chunk in 0..CLIENTS / 500 {
        let mut tx = db.begin().await.expect("begin");
        for n in 0..500 {
            let person = db::new_id();
            let session = db::new_id();
            let name = format!("Client {}", chunk * 500 + n);
            sqlx::query(
                "INSERT INTO people (id, organisation_id, display_name, role, created_at)
                 VALUES ($1, $2, $3, 'client', $4)",
            )
            .bind(&person)
            .bind(&organisation)
            .bind(&name)
            .bind(&created)
            .execute(&mut *tx)
            .await
            .expect("person");
            sqlx::query(
                "INSERT INTO client_profiles (person_id, preferred_name, program_start_on)
                 VALUES ($1, $2, '2026-01-05')",
            )
            .bind(&person)
            .bind(&name)
            .execute(&mut *tx)
            .await
            .expect("profile");
            sqlx::query(
                "INSERT INTO appointments (id, client_id, kind, starts_at, duration_minutes,
                     place, status)
                 VALUES ($1, $2, 'counselling', $3, 60, 'Room 2', 'scheduled')",
            )
            .bind(db::new_id())
            .bind(&person)
            .bind(db::local_time_text(tomorrow))
            .execute(&mut *tx)
            .await
            .expect("appointment");
            let new = db::NewSession {
                session_id: &session,
                token_hash: &db::new_id(),
                person_id: &person,
                device: "Bench phone",
                expires_at: now + Duration::days(30),
            };
            db::insert_session(&mut tx, &new, now)
                .await
                .expect("session");
            let stand_in = push.subscribe();
            let subscription = db::PushSubscription {
                id: db::new_id(),
                endpoint: stand_in.endpoint,
                p256dh: stand_in.p256dh,
                auth: stand_in.auth,
            };
            db::save_push_subscription(&mut tx, &session, &person, &subscription, now)
                .await
                .expect("subscription");
        }
        tx.commit().await.expect("commit");
    }
    today
}

/// The process's peak resident memory so far (Linux), in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn measure(engine: &str, db: &Db) {
    let push = push_service::PushService::start().await;
    let started = Instant::now();
    let today = program(db, &push).await;
    let set_up = started.elapsed();
    let before = peak_mb();
    // The evening reminders' round at 19:00 today, program time.
    let evening = app::domain::instant_of(ZONE, today.and_time(app::domain::EVENING_REMINDER_AT));
    let started = Instant::now();
    let queued = app::push::queue_due_reminders(db, evening)
        .await
        .expect("queue");
    let queueing = started.elapsed();
    let pusher = app::push::Pusher::new(
        app::push::VapidKey::generate().expect("key"),
        "mailto:bench@waypoint.example".into(),
        push.origin().parse().expect("stand-in origin"),
    )
    .expect("HTTP client");
    let started = Instant::now();
    loop {
        let now = Utc::now().max(evening);
        let round = app::push::deliver_due(db, &pusher, now)
            .await
            .expect("deliver");
        if round.claimed == 0 {
            break;
        }
    }
    let delivering = started.elapsed();
    println!(
        "| {engine:<10} | {CLIENTS:>7} | {:>8.1} | {queued:>6} | {:>7.1} | {:>9.1} | {:>9} | {:>9.0} | {:>7.0} |",
        set_up.as_secs_f64(),
        queueing.as_secs_f64(),
        delivering.as_secs_f64(),
        push.arrived_count(),
        before,
        peak_mb(),
    );
    push.stop();
}

#[tokio::main]
async fn main() {
    println!("Evening reminders of {CLIENTS} clients through the push service stand-in (in this process)");
    println!(
        "| engine     | clients | set-up s | queued | queue s | deliver s | delivered | before MB | peak MB |"
    );
    println!(
        "|------------|---------|----------|--------|---------|-----------|-----------|-----------|---------|"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}/bench.db", dir.path().display());
    let sqlite = Db::connect(&url, 8).await.expect("SQLite");
    sqlite.migrate().await.expect("migrate");
    measure("sqlite", &sqlite).await;
    sqlite.close().await;
    if let Some(base) = std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let schema = format!("waypoint_bench_{}", uuid::Uuid::new_v4().simple());
        let admin = Db::connect(&base, 1).await.expect("PostgreSQL");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(admin.pool())
            .await
            .expect("schema");
        let pg = Db::connect_with(&base, 8, Some(format!("SET search_path TO {schema}")))
            .await
            .expect("PostgreSQL");
        pg.migrate().await.expect("migrate");
        measure("postgres", &pg).await;
        pg.close().await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(admin.pool())
            .await
            .expect("drop schema");
    }
    println!("Peak memory is the whole process: the server's queue and sending, and the stand-in decrypting every message.");
}
