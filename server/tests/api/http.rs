use crate::helpers::{named, on_each_engine, seeded, spawn_app, sqlite};
use app::db;
use chrono::{Duration, Utc};

/// Text as it reads in the page, whatever the HTML escaping.
fn unescape(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let t = sqlite().await;
    let app = spawn_app(&t).await;
    assert_eq!(app.get("/healthz").await, (200, "ok".into()));
    t.db.close().await;
    assert_eq!(app.get("/healthz").await.0, 503);
    t.cleanup().await;
}

#[tokio::test]
async fn client_pages_need_a_signed_in_client() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    for path in ["/", "/plan", "/appointments", "/referrals", "/support"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 401, "{path}");
        assert!(body.contains("Please sign in"), "{path}");
    }
    // A cookie the server did not sign is no session.
    let forged = app
        .http
        .get(format!("{}/", app.base))
        .header(
            "cookie",
            "waypoint=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    t.cleanup().await;
}

#[tokio::test]
async fn a_signed_in_client_sees_their_own_pages() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex");
        let app = spawn_app(&t).await;
        app.sign_in("alex").await;

        let (status, today) = app.get("/").await;
        let today = unescape(&today);
        assert_eq!(status, 200, "{}", t.engine);
        assert!(today.contains("<title>Today · Waypoint</title>"));
        assert!(today.contains("Hi, Alex"));
        assert!(today.contains("Call Distress line"));
        assert!(
            today.contains("Starting and keeping up treatment"),
            "current stage in plain words"
        );

        let plan = db::support_plan(&t.db, &alex.client_id).await.unwrap();
        let (status, page) = app.get("/plan").await;
        let page = unescape(&page);
        assert_eq!(status, 200);
        assert!(page.contains(&plan.latest.unwrap().summary));
        for goal in &plan.goals {
            assert!(
                page.contains(&goal.own_words),
                "plan shows {}",
                goal.own_words
            );
        }

        let now = Utc::now().naive_utc();
        let upcoming = db::appointments_between(
            &t.db,
            &alex.client_id,
            now + Duration::days(1),
            now + Duration::days(30),
        )
        .await
        .unwrap();
        let (status, page) = app.get("/appointments").await;
        assert_eq!(status, 200);
        assert!(page.contains("Coming up") && page.contains("Earlier"));
        assert!(page.contains(&format!("/appointments/{}", upcoming[0].id)));
        let (status, page) = app.get(&format!("/appointments/{}", upcoming[0].id)).await;
        assert_eq!(status, 200);
        assert!(unescape(&page).contains(&upcoming[0].place));

        let (status, page) = app.get("/referrals").await;
        let page = unescape(&page);
        assert_eq!(status, 200);
        for referral in db::referrals_of_client(&t.db, &alex.client_id)
            .await
            .unwrap()
        {
            assert!(page.contains(&referral.service.name));
        }

        let (status, page) = app.get("/support").await;
        let page = unescape(&page);
        assert_eq!(status, 200);
        assert!(page.contains("Free naloxone kits") && page.contains("Family evening"));
        t
    })
    .await;
}

#[tokio::test]
async fn someone_elses_or_a_malformed_id_is_not_found() {
    let t = sqlite().await;
    let clients = seeded(&t.db).await;
    let bea = named(&clients, "Bea");
    let now = Utc::now().naive_utc();
    let beas = db::appointments_between(
        &t.db,
        &bea.client_id,
        now - Duration::days(60),
        now + Duration::days(30),
    )
    .await
    .unwrap();
    let app = spawn_app(&t).await;
    app.sign_in("alex").await;
    for path in [
        format!("/appointments/{}", beas[0].id),
        format!("/appointments/{}", db::new_id()),
        "/appointments/42".to_owned(),
        "/appointments/%27%20OR%201%3D1".to_owned(),
        "/no-such-page".to_owned(),
    ] {
        let (status, body) = app.get(&path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("Page not found"), "{path}");
    }
    t.cleanup().await;
}

#[tokio::test]
async fn a_database_failure_is_a_friendly_page_that_leaks_nothing() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    app.sign_in("alex").await;
    t.db.close().await;
    let (status, body) = app.get("/plan").await;
    assert_eq!(status, 503);
    assert!(body.contains("Something went wrong") && body.contains("Nothing you saved is lost"));
    for leak in ["sqlx", "pool", "PoolClosed", "sqlite", "SELECT"] {
        assert!(!body.contains(leak), "page mentions {leak}");
    }
    t.cleanup().await;
}

#[tokio::test]
async fn pages_are_compressed_when_the_browser_asks() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    app.sign_in("alex").await;
    for encoding in ["br", "gzip"] {
        let response = app
            .http
            .get(format!("{}/plan", app.base))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers().get("content-encoding").unwrap(),
            encoding
        );
    }
    t.cleanup().await;
}

#[tokio::test]
async fn server_functions_answer_with_the_status_of_their_error() {
    use app::pages::{appointments::GetAppointment, today::GetToday};
    use leptos::server_fn::ServerFn;
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    let call = |path: &'static str, body: &'static str| {
        app.http
            .post(format!("{}{path}", app.base))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    assert_eq!(
        call(GetToday::PATH, "").await.unwrap().status().as_u16(),
        401
    );
    app.sign_in("alex").await;
    assert_eq!(
        call(GetToday::PATH, "").await.unwrap().status().as_u16(),
        200
    );
    let missing = call(GetAppointment::PATH, "id=42").await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    t.db.close().await;
    assert_eq!(
        call(GetToday::PATH, "").await.unwrap().status().as_u16(),
        503
    );
    t.cleanup().await;
}

/// Connections that never finish their request (slowloris) are closed after the header-read
/// timeout, and meanwhile the server answers everyone else.
#[tokio::test]
async fn slow_connections_are_closed_and_others_are_still_answered() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = crate::helpers::sqlite().await;
    let mut config = server::config::Config::for_tests(&t.url);
    config.header_timeout_seconds = 1;
    let app = crate::helpers::spawn_app_with(&t, config).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: waypoint\r\n")
            .await
            .unwrap();
        slow.push(stream);
    }
    assert_eq!(app.get("/healthz").await.0, 200, "answered while 500 wait");
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let closed = futures::future::join_all(slow.iter_mut().map(|stream| async move {
        let mut buffer = [0u8; 256];
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(2), stream.read(&mut buffer));
        // Closed (end of stream or reset), or answered and closed; not still waiting.
        matches!(read.await, Ok(Ok(0)) | Ok(Err(_)))
    }))
    .await;
    let closed = closed.into_iter().filter(|closed| *closed).count();
    assert_eq!(closed, 500, "slow connections closed by the server");
    assert_eq!(app.get("/healthz").await.0, 200);
    t.cleanup().await;
}
