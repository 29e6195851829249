//! On PostgreSQL, the hot paths (a phone's syncs, a client's pages and check-ins, a case
//! manager's caseload and record, a supporter's sync) read the tables that grow with
//! clients and time only through indexes. The database plans with sequential scans off, so
//! one is taken only where no index can serve the query: at 100,000 clients that query
//! would read the whole table on every request. Counted by PostgreSQL's own statistics.
//! To see the plan of a failing query, add `session_preload_libraries = 'auto_explain'` and
//! `auto_explain.log_min_duration = 0` to the database's settings below and read
//! PostgreSQL's log.
use crate::helpers::{id_of, own_database, postgres_url, seeded, spawn_app, sync, TestDb};
use app::db::Db;
use app::domain::DeviceCopy;
use std::collections::BTreeMap;
use std::time::Duration;

/// Tables that stay small whatever the number of clients: a row per program, per job, or
/// per action and hour. A sequential scan of these costs next to nothing.
const SMALL_TABLES: &[&str] = &[
    "organisations",
    "job_rounds",
    "audit_chains",
    "_sqlx_migrations",
    "refusal_counts",
];

/// Sequential scans so far of each table of the database, once every other connection's
/// statistics have arrived (they are sent when a connection ends).
async fn sequential_scans(url: &str) -> BTreeMap<String, i64> {
    let admin = Db::connect(url, 1).await.expect("PostgreSQL");
    let mut last = BTreeMap::new();
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT relname::TEXT, COALESCE(seq_scan, 0)::BIGINT FROM pg_stat_user_tables",
        )
        .fetch_all(admin.pool())
        .await
        .expect("statistics");
        sqlx::query("SELECT pg_stat_clear_snapshot()")
            .execute(admin.pool())
            .await
            .expect("fresh statistics");
        let now: BTreeMap<String, i64> = rows.into_iter().collect();
        if now == last {
            break;
        }
        last = now;
    }
    admin.close().await;
    last
}

#[tokio::test]
async fn the_hot_paths_read_big_tables_only_through_indexes() {
    let Some(base) = postgres_url() else {
        eprintln!("TEST_POSTGRES_URL is not set: PostgreSQL test skipped");
        return;
    };
    let (own, url) = own_database(&base).await;
    let name = url.rsplit('/').next().expect("a database name").to_owned();
    let admin = Db::connect(&url, 1).await.expect("PostgreSQL");
    sqlx::query(&format!("ALTER DATABASE {name} SET enable_seqscan = off"))
        .execute(admin.pool())
        .await
        .expect("plan without sequential scans");
    admin.close().await;

    // The demo program, seeded on connections that end before counting starts.
    let db = Db::connect(&url, 4).await.expect("PostgreSQL");
    db.migrate().await.expect("migrate");
    let clients = seeded(&db).await;
    db.close().await;
    let before = sequential_scans(&url).await;

    let db = Db::connect(&url, 4).await.expect("PostgreSQL");
    let t = TestDb::on_own_database(db.clone(), &url);
    let app = spawn_app(&t).await;
    let alex = id_of(&clients, "Alex");

    // A client: syncs (first, nothing new, after a check-in), pages, a check-in, a message.
    let phone = app.browser_signed_in("alex").await;
    let mut copy = DeviceCopy::default();
    sync(&phone, &mut copy).await;
    sync(&phone, &mut copy).await;
    let step = copy
        .plan(chrono::Utc::now().date_naive())
        .and_then(|plan| plan.goals.into_iter().flat_map(|g| g.steps).next())
        .expect("a step");
    let key = "0123456789abcdef0123456789abcdef";
    let (status, _) = phone
        .post_form(
            "/check-ins/step",
            &[("step_id", &step.id.to_string()), ("key", key)],
        )
        .await;
    assert_eq!(status, 303);
    let (status, _) = phone
        .post_form("/messages", &[("text", "See you Tuesday"), ("key", key)])
        .await;
    assert_eq!(status, 303);
    sync(&phone, &mut copy).await;
    for page in [
        "/",
        "/plan",
        "/appointments",
        "/referrals",
        "/support",
        "/messages",
    ] {
        let (status, _) = phone.get(page).await;
        assert_eq!(status, 200, "{page}");
    }

    // A supporter's first and later sync.
    let code = crate::consent::invite(&phone, &["goals", "stage", "appointments"]).await;
    let supporter = app.browser();
    crate::consent::join(&supporter, &code).await;
    let mut shared = DeviceCopy::default();
    sync(&supporter, &mut shared).await;
    sync(&supporter, &mut shared).await;

    // A case manager: the caseload and each part of a record.
    let staff = app.browser_signed_in("amara").await;
    let record = format!("/caseload/{alex}");
    let mut pages = vec!["/caseload".to_owned(), record.clone()];
    for part in [
        "plan",
        "appointments",
        "referrals",
        "assessment",
        "messages",
        "notes",
        "history",
    ] {
        pages.push(format!("{record}/{part}"));
    }
    for page in &pages {
        let (status, _) = staff.get(page).await;
        assert_eq!(status, 200, "{page}");
    }

    db.close().await;
    let after = sequential_scans(&url).await;
    let scanned: Vec<String> = after
        .iter()
        .filter(|(table, _)| !SMALL_TABLES.contains(&table.as_str()))
        .filter(|(table, scans)| **scans > before.get(*table).copied().unwrap_or(0))
        .map(|(table, scans)| {
            format!(
                "{table} (+{})",
                scans - before.get(table).copied().unwrap_or(0)
            )
        })
        .collect();
    assert!(
        scanned.is_empty(),
        "read whole, with no index to serve the query: {scanned:?}"
    );
    drop(own);
}
