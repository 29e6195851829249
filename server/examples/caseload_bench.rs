//! Measures the caseload overview of one case manager with 200 clients (600 in the program),
//! on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL. Prints a table; asserts
//! nothing. Run by `bench/caseload.sh`.
use app::db::{self, Db};
use std::time::{Duration, Instant};

const CLIENTS_IN_PROGRAM: usize = 600;
const RUNS: usize = 30;

async fn measure(engine: &str, db: &Db) {
    let started = Instant::now();
    server::demo::seed_with(db, chrono::Utc::now(), CLIENTS_IN_PROGRAM)
        .await
        .expect("seed");
    let seeded = started.elapsed();
    let amara: String =
        sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'amara'")
            .fetch_one(db.pool())
            .await
            .expect("amara");
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut clients = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let now = chrono::Utc::now();
        let overview = db::caseload_overview(db, &amara, now.naive_utc())
            .await
            .expect("caseload");
        times.push(started.elapsed());
        clients = overview.len();
    }
    times.sort();
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    println!(
        "| {engine:<10} | {clients:>7} | {:>9} | {:>9} | {:>9} | {:>8.1} |",
        ms(times[0]),
        ms(times[RUNS / 2]),
        ms(times[RUNS * 95 / 100]),
        seeded.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    println!("Caseload overview (all its queries), {RUNS} runs, {CLIENTS_IN_PROGRAM} clients in the program");
    println!("| engine     | clients | min ms    | median ms | p95 ms    | seed s   |");
    println!("|------------|---------|-----------|-----------|-----------|----------|");
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}/bench.db", dir.path().display());
    let sqlite = Db::connect(&url, 4).await.expect("SQLite");
    sqlite.migrate().await.expect("migrate");
    measure("sqlite", &sqlite).await;
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
        let pg = Db::connect_with(&base, 4, Some(format!("SET search_path TO {schema}")))
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
}
