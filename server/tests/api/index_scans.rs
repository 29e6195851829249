//! On PostgreSQL, the hot paths (a phone's syncs, a client's pages and check-ins, a case
//! manager's caseload and record, a supporter's sync) read the tables that grow with
//! clients and time only through indexes. The database plans with sequential scans off, so
//! one is taken only where no index can serve the query: at 100,000 clients that query
//! would read the whole table on every request. Counted by PostgreSQL's own statistics.
//! To see the plan of a failing query, add `session_preload_libraries = 'auto_explain'` and
//! `auto_explain.log_min_duration = 0` to the database's settings below and read
//! PostgreSQL's log.
use crate::helpers::{
    free_port, id_of, own_database, postgres_url, seeded, spawn_app, sqlite, sync, until_up,
    waypoint, Running, TestApp, TestDb,
};
use app::db::Db;
use app::domain::DeviceCopy;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
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

    walk_hot_paths(&app, &alex).await;

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

/// The same on SQLite, which counts no scans: every statement the server runs on the hot
/// paths (read from its own log) is planned again with `EXPLAIN QUERY PLAN`, and none may walk
/// a whole table that grows with clients and time, not even along an index: a `SCAN`, where a
/// `SEARCH` looks up only the rows it needs. (A caseload once found its clients by asking of
/// every client's profile whether they were on it: at 100,000 clients a record took seconds.)
/// SQLite keeps no statistics here, so these are the plans it makes at any size. The periodic
/// jobs are held off, their rounds taken a day ahead: they read by time, not by person.
#[tokio::test]
async fn on_sqlite_the_hot_paths_look_up_big_tables_and_never_walk_one() {
    let t = sqlite().await;
    let db = &t.db;
    let clients = seeded(db).await;
    let ahead = chrono::Utc::now() + chrono::Duration::days(1);
    for job in ["housekeeping", "reminders"] {
        let taken = app::db::claim_round(db, job, ahead, chrono::Duration::zero()).await;
        assert!(taken.expect("a round"), "{job}");
    }

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log = tempfile::NamedTempFile::new().expect("log file");
    let server = Running(
        waypoint(&t.url)
            .arg("serve")
            .env("WAYPOINT_ADDR", format!("127.0.0.1:{port}"))
            .env("WAYPOINT_PUBLIC_URL", &base)
            .env("WAYPOINT_LOG_FORMAT", "json")
            .env("RUST_LOG", "sqlx::query=debug")
            .stdout(log.reopen().expect("log file"))
            .spawn()
            .expect("waypoint serve"),
    );
    until_up(&format!("{base}/healthz")).await;
    walk_hot_paths(&TestApp::at(base), &id_of(&clients, "Alex")).await;
    drop(server);

    let statements = statements_in(&std::fs::read_to_string(log.path()).expect("the log"));
    assert!(statements.len() > 50, "the log holds what the server ran");
    let mut walked = Vec::new();
    for statement in statements {
        let params = (1..)
            .take_while(|n| statement.contains(&format!("${n}")))
            .count();
        let explain = format!("EXPLAIN QUERY PLAN {statement}");
        let mut plan = sqlx::query(&explain);
        for _ in 0..params {
            plan = plan.bind(None::<String>);
        }
        // One the server ran and the database refused (at start, a look for a table of an
        // older schema) read nothing.
        let Ok(steps) = plan.fetch_all(db.pool()).await else {
            continue;
        };
        let names = Names::of(&statement);
        for step in steps {
            let detail: String = step.try_get(3).expect("the plan's detail");
            if let Some(table) = names.walked_table(&detail) {
                if !SMALL_TABLES.contains(&table.as_str()) {
                    walked.push(format!("{detail} ({table}) in: {statement}"));
                }
            }
        }
    }
    assert!(walked.is_empty(), "walked whole:\n{}", walked.join("\n\n"));
}

/// The distinct statements sqlx logged (as JSON, one event a line) that read or write rows.
fn statements_in(log: &str) -> BTreeSet<String> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["target"] == "sqlx::query")
        .filter_map(|event| {
            let fields = &event["fields"];
            // sqlx logs a statement whole unless its summary (first words) is all of it.
            let whole = fields["db.statement"].as_str().unwrap_or_default().trim();
            let text = if whole.is_empty() {
                fields["summary"].as_str()?
            } else {
                whole
            };
            Some(text.to_owned())
        })
        .filter(|text| {
            let first = text.split_whitespace().next().unwrap_or_default();
            ["SELECT", "WITH", "INSERT", "UPDATE", "DELETE"]
                .iter()
                .any(|verb| first.eq_ignore_ascii_case(verb))
        })
        .collect()
}

/// The names a statement gives its tables (`FROM sessions s`), and its common table
/// expressions (`WITH s AS (...)`), which are not tables.
struct Names {
    tables: HashMap<String, String>,
    expressions: HashSet<String>,
}

impl Names {
    fn of(statement: &str) -> Names {
        let words = words(statement);
        let mut tables = HashMap::new();
        let mut expressions = HashSet::new();
        for (at, word) in words.iter().enumerate() {
            let next = |n: usize| words.get(at + n).map(String::as_str).unwrap_or_default();
            if next(1).eq_ignore_ascii_case("AS") && next(2) == "(" {
                expressions.insert(word.clone());
            }
            if !(word.eq_ignore_ascii_case("FROM") || word.eq_ignore_ascii_case("JOIN"))
                || next(1) == "("
            {
                continue;
            }
            let table = next(1).to_owned();
            let alias = if next(2).eq_ignore_ascii_case("AS") {
                next(3)
            } else {
                next(2)
            };
            if !alias.is_empty() && alias != "(" && alias != ")" && !is_keyword(alias) {
                tables.insert(alias.to_owned(), table.clone());
            }
            tables.insert(table.clone(), table);
        }
        Names {
            tables,
            expressions,
        }
    }

    /// The table a step of a plan walks whole (`SCAN t`, along an index or not), if any: not a
    /// list of constant rows, a subquery's result or a common table expression.
    fn walked_table(&self, detail: &str) -> Option<String> {
        let name = detail.strip_prefix("SCAN ")?.split_whitespace().next()?;
        if self.expressions.contains(name) {
            return None;
        }
        self.tables.get(name).cloned()
    }
}

/// A statement's words and brackets, outside quoted text.
fn words(statement: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in statement.chars() {
        if c == '\'' {
            quoted = !quoted;
        }
        if !quoted && (c.is_ascii_alphanumeric() || c == '_') {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if !quoted && (c == '(' || c == ')') {
            words.push(c.to_string());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn is_keyword(word: &str) -> bool {
    [
        "ON",
        "WHERE",
        "JOIN",
        "LEFT",
        "INNER",
        "CROSS",
        "NATURAL",
        "OUTER",
        "USING",
        "GROUP",
        "ORDER",
        "LIMIT",
        "SET",
        "VALUES",
        "AND",
        "OR",
        "UNION",
        "EXCEPT",
        "INTERSECT",
        "HAVING",
        "WINDOW",
        "RETURNING",
        "INDEXED",
        "NOT",
        "DEFAULT",
    ]
    .iter()
    .any(|keyword| word.eq_ignore_ascii_case(keyword))
}

/// The hot paths, once each: a client's syncs (first, nothing new, after a check-in), pages,
/// a check-in and a message; a supporter's first and later sync; a case manager's caseload
/// and each part of the record of `alex`.
async fn walk_hot_paths(app: &TestApp, alex: &str) {
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
}
