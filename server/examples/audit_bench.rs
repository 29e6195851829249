//! Audited record reads per second, with the case managers of 1 and of 20 organisations
//! reading at once: each read looks up a client's record and appends its entry to the
//! audit trail, as every page of a record does. Each organisation has its own chain, so the
//! programs should not wait on each other (on PostgreSQL; SQLite has one writer whatever
//! the chains). On SQLite and, when TEST_POSTGRES_URL is set, PostgreSQL. Prints a table;
//! asserts nothing. Run by `bench/audit.sh`.
use app::db::{self, Db};
use app::domain::Role;
use app::session::{Asking, ClientAddress, SignedIn, Visitor};
use chrono::Utc;
use std::time::{Duration, Instant};

/// Readers at once: as many as a pool of this size keeps busy.
const READERS: usize = 32;
const CONNECTIONS: u32 = 16;
const CLIENTS_PER_ORGANISATION: usize = 20;
const RUN_FOR: Duration = Duration::from_secs(8);

/// Organisations, each with a case manager and clients: (case manager, organisation,
/// its clients) each.
async fn programs(db: &Db, count: usize) -> Vec<(SignedIn, Vec<String>)> {
    let now = Utc::now();
    let mut made = Vec::new();
    let mut tx = db.begin().await.expect("begin");
    for n in 0..count {
        let organisation = db::new_id();
        db::insert_organisation(&mut tx, &organisation, &format!("Program {n}"), "UTC", now)
            .await
            .expect("organisation");
        let case_manager = db::new_id();
        db::insert_person(
            &mut tx,
            &case_manager,
            &organisation,
            "Sam",
            Role::CaseManager,
            now,
        )
        .await
        .expect("case manager");
        let mut clients = Vec::new();
        for c in 0..CLIENTS_PER_ORGANISATION {
            let client = db::new_id();
            let name = format!("Client {c}");
            db::insert_person(&mut tx, &client, &organisation, &name, Role::Client, now)
                .await
                .expect("client");
            sqlx::query(
                "INSERT INTO client_profiles (person_id, preferred_name, program_start_on)
                 VALUES ($1, $2, '2026-01-05')",
            )
            .bind(&client)
            .bind(&name)
            .execute(&mut *tx)
            .await
            .expect("profile");
            clients.push(client);
        }
        let signed_in = SignedIn {
            session_id: db::new_id(),
            person_id: case_manager,
            role: Role::CaseManager,
            organisation_id: organisation,
            display_name: "Sam".into(),
        };
        made.push((signed_in, clients));
    }
    tx.commit().await.expect("commit");
    made
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn measure(engine: &str, db: &Db, organisations: usize) {
    let made = programs(db, organisations).await;
    let started = Instant::now();
    let mut readers = Vec::new();
    for reader in 0..READERS {
        let db = db.clone();
        let (case_manager, clients) = made[reader % made.len()].clone();
        readers.push(tokio::spawn(async move {
            let asking = Asking {
                visitor: Visitor::SignedIn(case_manager),
                address: ClientAddress("192.0.2.1".into()),
                device: "bench".into(),
                known_device_tokens: Vec::new(),
            };
            let (mut took, mut failed) = (Vec::new(), 0);
            let mut n = reader;
            while started.elapsed() < RUN_FOR {
                let client = &clients[n % clients.len()];
                n += 1;
                let began = Instant::now();
                let read = async {
                    db::client_home(&db, client)
                        .await?
                        .ok_or(app::error::AppError::NotFound)?;
                    app::audit::record_read(&db, &asking, "read.record", &[client]).await
                };
                match read.await {
                    Ok(()) => took.push(began.elapsed()),
                    // SQLite's one writer answers "busy" past its wait.
                    Err(_) => failed += 1,
                }
            }
            (took, failed)
        }));
    }
    let (mut took, mut failed) = (Vec::new(), 0);
    for reader in readers {
        let (more, failures) = reader.await.expect("reader");
        took.extend(more);
        failed += failures;
    }
    let seconds = started.elapsed().as_secs_f64();
    took.sort();
    let intact = match db::verify_audit_chain(db).await.expect("verify") {
        db::ChainCheck::Intact { .. } => "yes",
        db::ChainCheck::Broken { .. } => "NO",
    };
    println!(
        "| {engine:<10} | {organisations:>13} | {READERS:>7} | {:>7.0} | {:>6.1} | {:>6.1} | {failed:>6} | {intact:>6} |",
        took.len() as f64 / seconds,
        percentile(&took, 0.5),
        percentile(&took, 0.99),
    );
}

#[tokio::main]
async fn main() {
    println!(
        "Audited record reads ({READERS} readers at once, {}s each)",
        RUN_FOR.as_secs()
    );
    println!(
        "| engine     | organisations | readers | reads/s | p50 ms | p99 ms | failed | intact |"
    );
    println!(
        "|------------|---------------|---------|---------|--------|--------|--------|--------|"
    );
    for organisations in [1, 20] {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}/bench.db", dir.path().display());
        let sqlite = Db::connect(&url, CONNECTIONS).await.expect("SQLite");
        sqlite.migrate().await.expect("migrate");
        measure("sqlite", &sqlite, organisations).await;
        sqlite.close().await;
    }
    let Some(base) = std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        println!("(PostgreSQL left out: TEST_POSTGRES_URL is not set)");
        return;
    };
    for organisations in [1, 20] {
        let schema = format!("waypoint_bench_{}", uuid::Uuid::new_v4().simple());
        let admin = Db::connect(&base, 1).await.expect("PostgreSQL");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(admin.pool())
            .await
            .expect("schema");
        let pg = Db::connect_with(
            &base,
            CONNECTIONS,
            Some(format!("SET search_path TO {schema}")),
        )
        .await
        .expect("PostgreSQL");
        pg.migrate().await.expect("migrate");
        measure("postgres", &pg, organisations).await;
        pg.close().await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(admin.pool())
            .await
            .expect("drop schema");
        admin.close().await;
    }
}
