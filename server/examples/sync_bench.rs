//! Measures one phone's sync (`/api/v1/sync`'s work, without HTTP) for the first demo client,
//! in a small program and in a large one, on SQLite and, when TEST_POSTGRES_URL is set, on
//! PostgreSQL: a first sync (everything), and a sync when nothing changed. The two sizes
//! show whether the cost follows the database or only what the person may see. Prints a
//! table; asserts nothing. Run by `bench/sync.sh`.
use app::db::{self, Db};
use app::domain::DeviceCopy;
use app::secrets::{hex, random_bytes, secret_hash};
use app::session::{ClientAddress, Unresolved};
use chrono::Utc;
use std::time::{Duration, Instant};

const SIZES: [usize; 2] = [30, 1200];
const RUNS: usize = 30;

/// A session for the client `alex`, as signing in would make: the phone's request.
async fn alex_phone(db: &Db) -> Unresolved {
    let person_id: String =
        sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'alex'")
            .fetch_one(db.pool())
            .await
            .expect("alex");
    let session_id = db::new_id();
    let token = hex(&random_bytes::<32>().expect("randomness"));
    let session = db::NewSession {
        session_id: &session_id,
        token_hash: &secret_hash(&token),
        person_id: &person_id,
        device: "bench phone",
        expires_at: Utc::now() + chrono::Duration::days(1),
    };
    let mut conn = db.pool().acquire().await.expect("connection");
    db::insert_session(&mut conn, &session, Utc::now())
        .await
        .expect("session");
    Unresolved {
        token: Some(token),
        address: ClientAddress("192.0.2.1".into()),
        device: "bench phone".into(),
        known_device_tokens: Vec::new(),
    }
}

fn median_ms(mut times: Vec<Duration>) -> String {
    times.sort();
    format!("{:.1}", times[times.len() / 2].as_secs_f64() * 1000.0)
}

async fn measure(engine: &str, db: &Db, clients: usize) {
    server::demo::seed_with(db, Utc::now(), clients)
        .await
        .expect("seed");
    let alex = alex_phone(db).await;
    let (mut first, mut unchanged) = (Vec::new(), Vec::new());
    let (mut items, mut bytes) = (0, 0);
    for _ in 0..RUNS {
        let mut copy = DeviceCopy::default();
        let started = Instant::now();
        let answer = app::actions::sync::sync(db, alex.clone(), copy.request(), Utc::now())
            .await
            .expect("first sync");
        first.push(started.elapsed());
        items = answer.changed.len();
        bytes = serde_json::to_vec(&answer).map(|b| b.len()).unwrap_or(0);
        copy.apply(answer, Utc::now());
        let started = Instant::now();
        let answer = app::actions::sync::sync(db, alex.clone(), copy.request(), Utc::now())
            .await
            .expect("sync");
        unchanged.push(started.elapsed());
        assert!(answer.changed.is_empty() && answer.removed.is_empty());
    }
    println!(
        "| {engine:<10} | {clients:>8} | {items:>5} | {bytes:>12} | {:>14} | {:>16} |",
        median_ms(first),
        median_ms(unchanged),
    );
}

async fn on_sqlite(clients: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}/bench.db", dir.path().display());
    let db = Db::connect(&url, 4).await.expect("SQLite");
    db.migrate().await.expect("migrate");
    measure("sqlite", &db, clients).await;
    db.close().await;
}

async fn on_postgres(base: &str, clients: usize) {
    let schema = format!("waypoint_bench_{}", uuid::Uuid::new_v4().simple());
    let admin = Db::connect(base, 1).await.expect("PostgreSQL");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(admin.pool())
        .await
        .expect("schema");
    let db = Db::connect_with(base, 4, Some(format!("SET search_path TO {schema}")))
        .await
        .expect("PostgreSQL");
    db.migrate().await.expect("migrate");
    measure("postgres", &db, clients).await;
    db.close().await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(admin.pool())
        .await
        .expect("drop schema");
}

#[tokio::main]
async fn main() {
    println!("One client's sync, median of {RUNS} runs, by the number of clients in the program");
    println!(
        "| engine     | clients  | items | first answer | first sync ms  | nothing new ms   |"
    );
    println!(
        "|------------|----------|-------|--------------|----------------|------------------|"
    );
    let postgres = std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    for clients in SIZES {
        on_sqlite(clients).await;
        if let Some(base) = &postgres {
            on_postgres(base, clients).await;
        }
    }
    println!("(first answer in bytes of JSON, before compression)");
}
