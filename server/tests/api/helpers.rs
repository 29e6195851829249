use app::auth;
use app::db::{self, ClientListing, Db, NewGrant};
use app::domain::Share;
use chrono::{Duration, Utc};
use server::config::Config;
use server::demo;
use server::startup::Application;
use std::future::Future;
use std::process::{Child, Command, Stdio};

/// A fresh database on one engine, removed when dropped (SQLite) or after the test
/// (PostgreSQL schema).
pub struct TestDb {
    pub db: Db,
    pub url: String,
    pub engine: &'static str,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}/nested/waypoint.db", dir.path().display());
    let db = Db::connect(&url, 4).await.expect("connect to SQLite");
    db.migrate().await.expect("migrate SQLite");
    TestDb {
        db,
        url,
        engine: "sqlite",
        _dir: Some(dir),
        schema: None,
    }
}

/// The test PostgreSQL's address, when `TEST_POSTGRES_URL` is set.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A database of the test PostgreSQL, dropped when the test ends, however it ends.
pub struct OwnDatabase {
    admin_url: String,
    name: String,
}

impl Drop for OwnDatabase {
    fn drop(&mut self) {
        let (url, sql) = (
            self.admin_url.clone(),
            format!("DROP DATABASE {} WITH (FORCE)", self.name),
        );
        // Drop cannot wait on the test's runtime: a runtime of its own, on a thread.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Runtime::new()?.block_on(async {
                let admin = Db::connect(&url, 1).await?;
                sqlx::query(&sql).execute(admin.pool()).await?;
                admin.close().await;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

/// A new, empty database beside the one `base` names, for processes that connect by
/// address alone (a test schema needs a setting on each connection); its address.
pub async fn own_database(base: &str) -> (OwnDatabase, String) {
    let name = format!("waypoint_own_{}", uuid::Uuid::new_v4().simple());
    let admin = Db::connect(base, 1).await.expect("PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(admin.pool())
        .await
        .expect("create database");
    admin.close().await;
    let (server, _) = base.rsplit_once('/').expect("a database in the address");
    let url = format!("{server}/{name}");
    let own = OwnDatabase {
        admin_url: base.to_owned(),
        name,
    };
    (own, url)
}

/// A new schema in the test PostgreSQL, or `None` when `TEST_POSTGRES_URL` is not set.
pub async fn postgres() -> Option<TestDb> {
    let base = postgres_url()?;
    let schema = format!("waypoint_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Db::connect(&base, 1)
        .await
        .expect("TEST_POSTGRES_URL is set but does not answer");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(admin.pool())
        .await
        .expect("create test schema");
    admin.close().await;
    let db = Db::connect_with(&base, 4, Some(format!("SET search_path TO {schema}")))
        .await
        .expect("connect to PostgreSQL");
    db.migrate().await.expect("migrate PostgreSQL");
    Some(TestDb {
        db,
        url: base,
        engine: "postgres",
        _dir: None,
        schema: Some(schema),
    })
}

impl TestDb {
    /// A database of its own (see [`own_database`]), already migrated.
    pub fn on_own_database(db: Db, url: &str) -> TestDb {
        TestDb {
            db,
            url: url.to_owned(),
            engine: "postgres",
            _dir: None,
            schema: None,
        }
    }

    /// A new pool on the same database, as a restarted server would open.
    pub async fn reconnect(&self) -> Db {
        match &self.schema {
            Some(schema) => {
                Db::connect_with(&self.url, 4, Some(format!("SET search_path TO {schema}"))).await
            }
            None => Db::connect(&self.url, 4).await,
        }
        .expect("reconnect")
    }

    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some(schema) = self.schema {
            let admin = Db::connect(&self.url, 1)
                .await
                .expect("reconnect to PostgreSQL");
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(admin.pool())
                .await
                .expect("drop test schema");
            admin.close().await;
        }
    }
}

/// Runs `test` on SQLite, then on PostgreSQL when it is configured.
pub async fn on_each_engine<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = TestDb>,
{
    test(sqlite().await).await.cleanup().await;
    match postgres().await {
        Some(pg) => test(pg).await.cleanup().await,
        None => eprintln!("TEST_POSTGRES_URL is not set: PostgreSQL part skipped"),
    }
}

/// Seeds the demo program and returns its clients, by name.
pub async fn seeded(db: &Db) -> Vec<ClientListing> {
    demo::seed(db, chrono::Utc::now()).await.expect("seed demo");
    app::db::clients_of_organisation(db, demo::DEMO_ORGANISATION_ID)
        .await
        .expect("list clients")
}

/// The demo program on `t` and the real app over it; the demo's clients.
pub async fn seeded_app(t: &TestDb) -> (TestApp, Vec<ClientListing>) {
    let clients = seeded(&t.db).await;
    (spawn_app(t).await, clients)
}

/// The id of the demo client called `name`.
pub fn id_of(clients: &[ClientListing], name: &str) -> String {
    named(clients, name).client_id.clone()
}

pub fn named<'a>(clients: &'a [ClientListing], name: &str) -> &'a ClientListing {
    clients
        .iter()
        .find(|c| c.preferred_name == name)
        .unwrap_or_else(|| panic!("no demo client {name}"))
}

/// The real application on a free port, over `db`.
#[derive(Clone)]
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
}

pub async fn spawn_app(test_db: &TestDb) -> TestApp {
    spawn_app_with(test_db, Config::for_tests(&test_db.url)).await
}

pub async fn spawn_app_with(test_db: &TestDb, config: Config) -> TestApp {
    let app = Application::with_db(config, test_db.db.clone())
        .await
        .expect("build app");
    let base = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        http: browser_client(),
        base,
    }
}

fn browser_client() -> reqwest::Client {
    browser_client_with(reqwest::header::HeaderMap::new())
}

fn browser_client_with(headers: reqwest::header::HeaderMap) -> reqwest::Client {
    reqwest::Client::builder()
        .default_headers(headers)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A page that never finishes fails its test instead of stalling the whole run.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("http client")
}

impl TestApp {
    /// A browser for a server already running at `base`.
    pub fn at(base: String) -> TestApp {
        TestApp {
            base,
            http: browser_client(),
        }
    }

    /// Another browser on the same server, with no cookies yet.
    pub fn browser(&self) -> TestApp {
        TestApp {
            base: self.base.clone(),
            http: browser_client(),
        }
    }

    /// Another browser, whose requests reach the server through a reverse proxy on the
    /// loopback that says they come from `address` (as nginx does in `X-Forwarded-For`).
    pub fn browser_behind_proxy(&self, address: &str) -> TestApp {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", address.parse().expect("header value"));
        TestApp {
            base: self.base.clone(),
            http: browser_client_with(headers),
        }
    }

    /// Another browser on the same server, signed in as a demo account.
    pub async fn browser_signed_in(&self, sign_in_name: &str) -> TestApp {
        let browser = self.browser();
        browser.sign_in(sign_in_name).await;
        browser
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// A GET's status and where it leads (its `Location`, empty if none).
    pub async fn get_redirect(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (response.status().as_u16(), location)
    }

    /// Signs in a demo account with the demo passphrase.
    pub async fn sign_in(&self, sign_in_name: &str) {
        let location = self.sign_in_with(sign_in_name, demo::DEMO_PASSPHRASE).await;
        assert!(
            !location.contains("problem"),
            "{sign_in_name} could not sign in: {location}"
        );
    }

    /// Posts the sign-in form; where it sends the browser next.
    pub async fn sign_in_with(&self, sign_in_name: &str, passphrase: &str) -> String {
        let response = self
            .post_form(
                "/sign-in",
                &[("sign_in_name", sign_in_name), ("passphrase", passphrase)],
            )
            .await;
        assert_eq!(response.0, 303, "sign-in answers with a redirect");
        response.1
    }

    /// A POST to `path` as a page of this site would send it.
    fn same_origin_post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
    }

    /// Posts a form as a same-origin browser would; the status and the redirect target.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let response = self
            .same_origin_post(path)
            .form(form)
            .send()
            .await
            .expect("post form");
        (response.status().as_u16(), location_of(&response))
    }

    /// Signs in without the cookie store; the `name=value` session cookie.
    pub async fn session_cookie(&self, sign_in_name: &str) -> String {
        let (location, cookie) = self
            .post_with_cookie(
                "/sign-in",
                "",
                &[
                    ("sign_in_name", sign_in_name),
                    ("passphrase", demo::DEMO_PASSPHRASE),
                ],
            )
            .await;
        assert!(!location.contains("problem"), "{location}");
        cookie.expect("a session cookie")
    }

    /// Posts a form with the given cookie; the redirect target and any new session cookie.
    pub async fn post_with_cookie(
        &self,
        path: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> (String, Option<String>) {
        let response = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client")
            .post(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin")
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .expect("post");
        let location = location_of(&response);
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("waypoint=") && !v.starts_with("waypoint=;"))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        (location, cookie)
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> (u16, String) {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .expect("get");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Calls a server function (they all take form-encoded arguments by POST).
    pub async fn call(&self, endpoint: &str, args: &[(&str, &str)]) -> (u16, String) {
        let response = self
            .same_origin_post(&format!("/api/{endpoint}"))
            .form(args)
            .send()
            .await
            .expect("call server function");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Calls a server function; its answer as JSON (null when it is not JSON).
    pub async fn call_value(
        &self,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let (status, body) = self.call(endpoint, args).await;
        (status, serde_json::from_str(&body).unwrap_or_default())
    }

    /// Posts a JSON body as a same-origin page's `fetch` would.
    pub async fn post_json(&self, path: &str, body: &impl serde::Serialize) -> (u16, String) {
        let response = self
            .same_origin_post(path)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).expect("json"))
            .send()
            .await
            .expect("post json");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// Where a response sends the browser next (empty when it does not).
fn location_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The passphrase supporters made by [`add_supporter`] choose.
pub const SUPPORTER_PASSPHRASE: &str = "lantern by the quiet river";

/// A supporter of `client_id` with `shares`, joined through an invite: their browser and
/// the grant's id.
pub async fn add_supporter(
    app: &TestApp,
    t: &TestDb,
    client_id: &str,
    shares: &[Share],
    sign_in_name: &str,
) -> (TestApp, String) {
    let code = auth::new_code().unwrap();
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let grant_id = db::create_grant(
        &mut tx,
        &NewGrant {
            client_id,
            label: "Family",
            shares,
            ends_on: (now + Duration::days(30)).date_naive(),
            invite_code_hash: &app::secrets::secret_hash(&code),
            invite_expires_at: now + auth::CODE_LIFETIME,
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let browser = app.browser();
    let (_, to) = browser
        .post_form(
            "/join",
            &[
                ("code", &code),
                ("display_name", "Jordan"),
                ("sign_in_name", sign_in_name),
                ("passphrase", SUPPORTER_PASSPHRASE),
                ("repeat_passphrase", SUPPORTER_PASSPHRASE),
            ],
        )
        .await;
    assert_eq!(to, "/supporting", "{sign_in_name} joins");
    (browser, grant_id)
}

/// Whether a staff form's answer refused it with a problem at `field`.
pub fn invalid_at(answer: &serde_json::Value, field: &str) -> bool {
    answer["Invalid"]
        .as_array()
        .is_some_and(|problems| problems.iter().any(|p| p["field"] == field))
}

/// What the caseload asks of `case_manager` about `client` now.
pub async fn attention_of(
    db: &app::db::Db,
    case_manager: &str,
    client: &str,
) -> Vec<app::domain::Attention> {
    let now = app::clock::local_time_in(server::demo::TIME_ZONE);
    app::db::caseload_entry(db, case_manager, client, now)
        .await
        .unwrap()
        .unwrap()
        .attention
}

/// How many rows of `table` are about `client` (its `client_id`).
pub async fn rows_about(db: &app::db::Db, table: &str, client: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {table} WHERE client_id = $1"
    ))
    .bind(client)
    .fetch_one(db.pool())
    .await
    .unwrap()
}

/// The person who signs in as `sign_in_name`.
pub async fn person_named(db: &app::db::Db, sign_in_name: &str) -> String {
    sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = $1")
        .bind(sign_in_name)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// How many allowed audit entries about `client` are of one of `actions`.
pub async fn allowed_entries(db: &app::db::Db, client: &str, actions: &[&str]) -> i64 {
    let places: Vec<String> = (0..actions.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM audit_events
         WHERE client_id = $1 AND outcome = 'allowed' AND action IN ({})",
        places.join(", ")
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(client);
    for action in actions {
        query = query.bind(*action);
    }
    query.fetch_one(db.pool()).await.unwrap()
}

/// One sync of `copy` through the route; the answer, already applied to the copy.
pub async fn sync(phone: &TestApp, copy: &mut app::domain::DeviceCopy) -> app::domain::SyncAnswer {
    let (status, body) = phone.post_json("/api/v1/sync", &copy.request()).await;
    assert_eq!(status, 200, "{body}");
    let answer: app::domain::SyncAnswer = serde_json::from_str(&body).expect("a sync answer");
    copy.apply(answer.clone(), Utc::now());
    answer
}

/// The profile a new phone's first sync brings.
pub async fn first_profile(phone: &TestApp) -> app::domain::Profile {
    let mut copy = app::domain::DeviceCopy::default();
    sync(phone, &mut copy).await;
    copy.profile()
        .cloned()
        .expect("a client's copy has a profile")
}

/// The audit entry of a case manager's change to `client`'s record, for tests that change
/// it through the db layer: kept with the change (`Change::keep`), it bumps the client's
/// change stamp as the actions' entries do.
pub fn staff_change_about(client: &str) -> app::db::AuditEvent {
    app::db::AuditEvent {
        actor_id: None,
        actor_role: Some("case_manager".into()),
        action: "test.change",
        client_id: Some(client.to_owned()),
        target: None,
        address: None,
        outcome: app::db::Outcome::Allowed,
        organisation_id: Some(server::demo::DEMO_ORGANISATION_ID.to_owned()),
    }
}

/// A process stopped when the test ends, however it ends.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// `waypoint` itself, as a process of its own, on the database at `url`.
pub fn waypoint(url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waypoint"));
    command
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

/// Waits until `url` answers 200, or fails the test after half a minute.
pub async fn until_up(url: &str) {
    let http = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(answer) = http.get(url).send().await {
            if answer.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{url} did not come up");
}
