//! Signing in, sessions and their limits, codes, and refusing requests from other sites.
use crate::helpers::{named, on_each_engine, seeded, spawn_app, spawn_app_with, sqlite};
use app::auth;
use app::db;
use chrono::{Duration, Utc};
use server::config::Config;
use server::demo::DEMO_PASSPHRASE;

fn minutes_ago(minutes: i64) -> String {
    db::instant_text(Utc::now() - Duration::minutes(minutes))
}

#[tokio::test]
async fn signing_in_starts_a_server_side_session_and_signing_out_ends_it() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        assert_eq!(app.get("/").await.0, 401);
        assert_eq!(
            app.sign_in_with("alex", "wrong passphrase").await,
            "/sign-in?problem=wrong_sign_in"
        );
        assert_eq!(app.get("/").await.0, 401);
        // Case does not matter in the sign-in name; the passphrase is exact.
        assert_eq!(app.sign_in_with(" Alex ", DEMO_PASSPHRASE).await, "/");
        assert_eq!(app.get("/").await.0, 200, "{}", t.engine);
        let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(live, 1);
        // The database holds the token's hash, never the token.
        let (hash,): (String,) = sqlx::query_as("SELECT token_hash FROM sessions")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(hash.len(), 64);

        let (status, to) = app.post_form("/sign-out", &[]).await;
        assert_eq!((status, to.as_str()), (303, "/sign-in?notice=signed_out"));
        assert_eq!(app.get("/").await.0, 401);
        let ended: String = sqlx::query_scalar("SELECT ended_reason FROM sessions")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(ended, "signed_out");
        t
    })
    .await;
}

#[tokio::test]
async fn each_role_starts_at_its_own_home() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    for (name, home) in [
        ("alex", "/"),
        ("amara", "/caseload"),
        ("sam.admin", "/admin"),
    ] {
        assert_eq!(
            app.browser().sign_in_with(name, DEMO_PASSPHRASE).await,
            home
        );
    }
    t.cleanup().await;
}

#[tokio::test]
async fn cookies_are_http_only_and_host_prefixed_and_secure_over_tls() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    let response = app
        .http
        .post(format!("{}/sign-in", app.base))
        .header("sec-fetch-site", "same-origin")
        .form(&[("sign_in_name", "alex"), ("passphrase", DEMO_PASSPHRASE)])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("waypoint="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(
        cookie.split(';').next().unwrap().len(),
        "waypoint=".len() + 64
    );
    assert!(response
        .headers()
        .get("strict-transport-security")
        .is_none());

    let mut config = Config::for_tests(&t.url);
    config.public_url = "https://waypoint.example".into();
    let tls = spawn_app_with(&t, config).await;
    let response = tls
        .http
        .post(format!("{}/sign-in", tls.base))
        .header("sec-fetch-site", "same-origin")
        .form(&[("sign_in_name", "alex"), ("passphrase", DEMO_PASSPHRASE)])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("__Host-waypoint=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age=63072000"), "{hsts}");
    t.cleanup().await;
}

#[tokio::test]
async fn failures_are_throttled_per_account_and_per_address() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    for _ in 0..4 {
        assert_eq!(
            app.sign_in_with("alex", "not it at all").await,
            "/sign-in?problem=wrong_sign_in"
        );
    }
    // The fifth failure starts a wait, and during it even the right passphrase waits.
    assert_eq!(
        app.sign_in_with("alex", "not it at all").await,
        "/sign-in?problem=wait&minutes=1"
    );
    assert_eq!(
        app.sign_in_with("alex", DEMO_PASSPHRASE).await,
        "/sign-in?problem=wait&minutes=1"
    );
    // Each further failure doubles the wait.
    sqlx::query("UPDATE sign_in_attempts SET attempted_at = $1")
        .bind(minutes_ago(2))
        .execute(t.db.pool())
        .await
        .unwrap();
    assert_eq!(
        app.sign_in_with("alex", "not it at all").await,
        "/sign-in?problem=wait&minutes=2"
    );

    // The address is throttled too: many names tried from one place.
    sqlx::query("DELETE FROM sign_in_attempts")
        .execute(t.db.pool())
        .await
        .unwrap();
    for name in ["bea", "carlos", "dana", "eli"] {
        assert_eq!(
            app.sign_in_with(name, "not it at all").await,
            "/sign-in?problem=wrong_sign_in"
        );
    }
    assert_eq!(
        app.sign_in_with("nobody-at-all", "x").await,
        "/sign-in?problem=wait&minutes=1"
    );
    assert_eq!(
        app.sign_in_with("fatima", DEMO_PASSPHRASE).await,
        "/sign-in?problem=wait&minutes=1"
    );
    // Every attempt is in the audit trail: an entry each, or (refused, by nobody known)
    // counted per hour.
    let chained: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'sign_in%'")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    let counted: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(refused), 0) FROM refusal_counts WHERE action LIKE 'sign_in%'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(chained + counted, 13);
    t.cleanup().await;
}

#[tokio::test]
async fn staff_sessions_end_when_idle_or_too_long_and_client_sessions_lock() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let staff = app.browser_signed_in("amara").await;
        assert_eq!(staff.call("caseload", &[]).await.0, 200);
        sqlx::query("UPDATE sessions SET last_seen_at = $1")
            .bind(minutes_ago(16))
            .execute(t.db.pool())
            .await
            .unwrap();
        assert_eq!(
            staff.call("caseload", &[]).await.0,
            401,
            "idle staff are signed out"
        );
        let reason: String = sqlx::query_scalar("SELECT ended_reason FROM sessions")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(reason, "idle");

        let staff = app.browser_signed_in("amara").await;
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE ended_at IS NULL")
            .bind(minutes_ago(1))
            .execute(t.db.pool())
            .await
            .unwrap();
        assert_eq!(
            staff.call("caseload", &[]).await.0,
            401,
            "12 hours is the most"
        );

        let cookie = app.session_cookie("alex").await;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE ended_at IS NULL")
            .bind(minutes_ago(16))
            .execute(t.db.pool())
            .await
            .unwrap();
        let (status, page) = app.get_with_cookie("/plan", &cookie).await;
        assert_eq!(status, 401);
        assert!(
            page.contains("Welcome back"),
            "a locked client is asked for the passphrase"
        );
        let (location, _) = app
            .post_with_cookie("/unlock", &cookie, &[("passphrase", "wrong one")])
            .await;
        assert_eq!(location, "/unlock?problem=wrong_sign_in");
        let (location, renewed) = app
            .post_with_cookie("/unlock", &cookie, &[("passphrase", DEMO_PASSPHRASE)])
            .await;
        assert_eq!(location, "/");
        let renewed = renewed.expect("unlocking sets a new cookie");
        assert_ne!(renewed, cookie);
        assert_eq!(
            app.get_with_cookie("/plan", &renewed).await.0,
            200,
            "{}",
            t.engine
        );
        // Unlocking gave the session a new id: the old cookie no longer works.
        assert_eq!(app.get_with_cookie("/plan", &cookie).await.0, 401);
        t
    })
    .await;
}

#[tokio::test]
async fn people_see_their_devices_and_can_end_the_others() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    let phone = app.browser_signed_in("alex").await;
    let laptop = app.browser_signed_in("alex").await;
    let (status, body) = laptop.call("account", &[]).await;
    assert_eq!(status, 200);
    let account: serde_json::Value = serde_json::from_str(&body).unwrap();
    let devices = account["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 2);
    let other = devices.iter().find(|d| d["this_device"] == false).unwrap();
    let other_id = other["session_id"].as_str().unwrap();
    // Someone else cannot end Alex's sessions.
    let bea = app.browser_signed_in("bea").await;
    assert_eq!(
        bea.post_form("/account/devices/end", &[("session_id", other_id)])
            .await
            .1,
        "/account?problem=not_found"
    );
    assert_eq!(phone.get("/").await.0, 200);
    assert_eq!(
        laptop
            .post_form("/account/devices/end", &[("session_id", other_id)])
            .await
            .1,
        "/account?notice=device_ended"
    );
    assert_eq!(phone.get("/").await.0, 401);
    assert_eq!(laptop.get("/").await.0, 200);

    // An admin can end all of a person's sessions (a lost phone).
    let admin = app.browser_signed_in("sam.admin").await;
    assert_eq!(
        admin
            .post_form("/admin/end-sessions", &[("sign_in_name", "alex")])
            .await
            .1,
        "/admin?notice=sessions_ended"
    );
    assert_eq!(laptop.get("/").await.0, 401);
    t.cleanup().await;
}

#[tokio::test]
async fn changes_from_another_site_are_refused() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    app.sign_in("alex").await;
    // The server is reached at 127.0.0.1, but its public address is http://localhost: an
    // Origin that matches only the Host header is refused too.
    let own_host = app.base.clone();
    for (name, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "http://127.0.0.1.evil.example"),
        ("origin", own_host.as_str()),
        ("x-neither", "sec-fetch-site nor origin"),
    ] {
        for path in ["/sign-out", "/supporters/invite", "/api/today"] {
            let response = app
                .http
                .post(format!("{}{path}", app.base))
                .header(name, value)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status().as_u16(),
                403,
                "{path} with {name}: {value}"
            );
        }
    }
    // Still signed in: the refused sign-out did nothing.
    assert_eq!(app.get("/").await.0, 200);
    // The public address's origin passes, without Sec-Fetch-Site (an older browser).
    let from_public = app
        .http
        .post(format!("{}/sign-out", app.base))
        .header("origin", "http://localhost")
        .send()
        .await
        .unwrap();
    assert_eq!(from_public.status().as_u16(), 303);
    // Server functions and form routes never answer GET.
    for path in ["/api/today", "/sign-out", "/supporters/revoke"] {
        assert_eq!(app.get(path).await.0, 405, "{path}");
    }
    // Refusals of nobody known are counted per hour, not chained one by one.
    let counted: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(refused), 0) FROM refusal_counts WHERE action = 'request.cross_site'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(counted, 15);
    let chained: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'request.cross_site'")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    assert_eq!(chained, 0);
    t.cleanup().await;
}

#[tokio::test]
async fn enrollment_codes_work_once_and_only_for_three_days() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let devi = named(&clients, "Devi");
        let case_manager = app.browser_signed_in("priya").await;
        assert_eq!(
            case_manager
                .post_form(
                    "/caseload/enrollment-code",
                    &[("client_id", &devi.client_id)]
                )
                .await
                .1,
            "/caseload"
        );
        let (_, caseload) = case_manager.call("caseload", &[]).await;
        let caseload: serde_json::Value = serde_json::from_str(&caseload).unwrap();
        assert_eq!(caseload["new_code"]["client_name"], "Devi");
        assert!(caseload["new_code"]["qr_svg"]
            .as_str()
            .unwrap()
            .starts_with("<svg"));
        let code = caseload["new_code"]["code"].as_str().unwrap().to_owned();
        // Shown once.
        let (_, again) = case_manager.call("caseload", &[]).await;
        assert!(!again.contains(&code));

        // Typed loosely: lower case, spaces for the dash.
        let typed = code.to_lowercase().replace('-', " ");
        let phone = app.browser();
        assert_eq!(
            enrol(&phone, &typed, "alex").await,
            "/enrol?problem=name_taken"
        );
        assert_eq!(enrol(&phone, &typed, "devi.p").await, "/");
        assert_eq!(phone.get("/").await.0, 200, "{}", t.engine);
        assert_eq!(
            enrol(&app.browser(), &typed, "devi.q").await,
            "/enrol?problem=code_invalid",
            "single use"
        );

        // A code older than 72 hours is refused.
        let old = auth::new_code().unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let made = Utc::now() - Duration::hours(73);
        db::insert_enrollment_code(
            &mut tx,
            &app::secrets::secret_hash(&old),
            &devi.client_id,
            "x",
            made,
            made + auth::CODE_LIFETIME,
        )
        .await
        .unwrap_err();
        tx.rollback().await.unwrap();
        let priya: String =
            sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'priya'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let mut tx = t.db.begin().await.unwrap();
        db::insert_enrollment_code(
            &mut tx,
            &app::secrets::secret_hash(&old),
            &devi.client_id,
            &priya,
            made,
            made + auth::CODE_LIFETIME,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            enrol(&app.browser(), &old, "devi.r").await,
            "/enrol?problem=code_invalid",
            "expired"
        );
        t
    })
    .await;
}

async fn enrol(browser: &crate::helpers::TestApp, code: &str, name: &str) -> String {
    browser
        .post_form(
            "/enrol",
            &[
                ("code", code),
                ("sign_in_name", name),
                ("passphrase", "lantern by the quiet river"),
                ("repeat_passphrase", "lantern by the quiet river"),
            ],
        )
        .await
        .1
}

#[test]
fn codes_cannot_be_guessed_in_practice() {
    // 10 characters of a 32-letter alphabet: 50 bits. With at most 5 free tries per address
    // and doubling waits after, guessing one live code is hopeless.
    let code = auth::new_code().unwrap();
    assert_eq!(code.replace('-', "").len(), 10);
    assert!(32_f64.powi(10).log2() >= 50.0);
}

/// A storm of wrong passphrases for one name, all at once: every attempt is recorded, and
/// no more of them are checked (each an Argon2 hash of 46 MiB) than the throttle allows,
/// however many arrive before the first is refused. Nobody is answered with an error.
#[tokio::test]
async fn a_storm_of_guesses_for_one_name_checks_no_more_than_the_throttle_allows() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let guesses: Vec<_> = (0..200)
            .map(|i| {
                let browser = app.browser();
                tokio::spawn(async move {
                    let guess = format!("wrong guess {i}");
                    browser
                        .post_form(
                            "/sign-in",
                            &[("sign_in_name", "alex"), ("passphrase", &guess)],
                        )
                        .await
                })
            })
            .collect();
        for guess in guesses {
            let (status, to) = guess.await.expect("guess");
            assert!(
                status == 303 && to.starts_with("/sign-in?problem=") || status == 503,
                "{status} {to}"
            );
        }
        let count = |sql: &'static str| {
            let pool = t.db.pool().clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        let recorded = count("SELECT COUNT(*) FROM sign_in_attempts").await;
        assert_eq!(recorded, 200, "{}: every attempt recorded", t.engine);
        // Checked: the attempts whose passphrase was hashed.
        let checked =
            count("SELECT COUNT(*) FROM sign_in_attempts WHERE outcome IN ('failed', 'succeeded')")
                .await;
        assert!(
            checked <= auth::FREE_FAILURES as i64,
            "{}: {checked} guesses checked where the throttle allows {}",
            t.engine,
            auth::FREE_FAILURES
        );
        // Each refusal counted, per hour rather than one chained entry each.
        let refused = count(
            "SELECT COALESCE(SUM(refused), 0) FROM refusal_counts WHERE action = 'sign_in.throttled'",
        );
        assert_eq!(refused.await, 200 - checked, "{}: each refusal counted", t.engine);
        let chained = count("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.throttled'");
        assert_eq!(chained.await, 0, "{}: and none chained", t.engine);
        t
    })
    .await;
}

/// Behind a reverse proxy every connection is the proxy's. With the proxy trusted, one
/// person's wrong guesses slow down only their own address; without it, the forwarding
/// header is anyone's to write and is not believed.
#[tokio::test]
async fn behind_a_trusted_proxy_one_address_cannot_lock_everyone_out() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let mut config = Config::for_tests(&t.url);
    config.trusted_proxies = "127.0.0.1".parse().unwrap();
    let app = spawn_app_with(&t, config).await;
    let guesser = app.browser_behind_proxy("203.0.113.9");
    for name in ["bea", "carlos", "dana", "eli", "finn"] {
        guesser.sign_in_with(name, "not it at all").await;
    }
    assert_eq!(
        guesser.sign_in_with("gus", "not it at all").await,
        "/sign-in?problem=wait&minutes=1",
        "the guesser's own address waits"
    );
    let someone_else = app.browser_behind_proxy("198.51.100.20");
    someone_else.sign_in("bea").await;

    // Not trusted: the header is ignored, and the loopback address is the one that waits.
    let untrusted = spawn_app(&t).await;
    for (i, name) in ["bea", "carlos", "dana", "eli", "finn"].iter().enumerate() {
        let made_up = format!("192.0.2.{i}");
        untrusted
            .browser_behind_proxy(&made_up)
            .sign_in_with(name, "not it at all")
            .await;
    }
    assert_eq!(
        untrusted
            .browser_behind_proxy("192.0.2.99")
            .sign_in_with("amara", DEMO_PASSPHRASE)
            .await,
        "/sign-in?problem=wait&minutes=1",
        "made-up addresses do not spread guesses"
    );
    t.cleanup().await;
}

/// A storm of guesses at one name throttles the name, but not its owner's phone: a phone
/// that has signed in to the account before keeps its own allowance (a device cookie).
#[tokio::test]
async fn a_storm_at_a_name_does_not_lock_out_the_owners_phone() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let owners_phone = app.browser_signed_in("alex").await;
        assert_eq!(owners_phone.post_form("/sign-out", &[]).await.0, 303);
        let guesses: Vec<_> = (0..40)
            .map(|i| {
                let stranger = app.browser();
                tokio::spawn(
                    async move { stranger.sign_in_with("alex", &format!("guess {i}")).await },
                )
            })
            .collect();
        for guess in guesses {
            guess.await.expect("guess");
        }
        let new_phone = app.browser().sign_in_with("alex", DEMO_PASSPHRASE).await;
        assert!(
            new_phone.starts_with("/sign-in?problem=wait"),
            "{}: a new phone waits, even with the right passphrase: {new_phone}",
            t.engine
        );
        assert_eq!(
            owners_phone.sign_in_with("alex", DEMO_PASSPHRASE).await,
            "/",
            "{}: the owner's phone signs in",
            t.engine
        );
        t
    })
    .await;
}

/// Wrong set-up codes slow down the address they come from, not the whole program: there
/// is no shared key that one person's guesses could fill for every new client.
#[tokio::test]
async fn wrong_codes_from_one_address_do_not_stop_another_from_enrolling() {
    let t = sqlite().await;
    let clients = seeded(&t.db).await;
    let mut config = Config::for_tests(&t.url);
    config.trusted_proxies = "127.0.0.1".parse().unwrap();
    let app = spawn_app_with(&t, config).await;
    let guesser = app.browser_behind_proxy("203.0.113.9");
    for i in 0..5 {
        let wrong = format!("ABCDE-FGH{i}J");
        assert_eq!(
            enrol(&guesser, &wrong, &format!("guess.{i}")).await,
            "/enrol?problem=code_invalid"
        );
    }
    assert_eq!(
        enrol(&guesser, "ABCDE-FGHKJ", "guess.x").await,
        "/enrol?problem=wait"
    );
    let priya: String =
        sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'priya'")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    let code = auth::new_code().unwrap();
    let mut tx = t.db.begin().await.unwrap();
    db::insert_enrollment_code(
        &mut tx,
        &app::secrets::secret_hash(&code),
        &named(&clients, "Devi").client_id,
        &priya,
        Utc::now(),
        Utc::now() + auth::CODE_LIFETIME,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let devi = app.browser_behind_proxy("198.51.100.20");
    assert_eq!(enrol(&devi, &code, "devi.p").await, "/");
    t.cleanup().await;
}

/// A new set-up code for someone already signed up resets their sign-in at once: every
/// session and passkey of the old one ends and the old passphrase stops working. They may
/// keep their sign-in name, and their account page says when it was reset and by whom.
#[tokio::test]
async fn a_new_set_up_code_resets_the_old_sign_in() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex").client_id.clone();
        let app = spawn_app(&t).await;
        let phone = app.browser_signed_in("alex").await;
        let mut change = t.db.begin().await.unwrap();
        db::insert_passkey(
            &mut change,
            &alex,
            "\"cred\"",
            "{}",
            "Old phone",
            Utc::now(),
        )
        .await
        .unwrap();
        change.commit().await.unwrap();
        let amara = app.browser_signed_in("amara").await;
        let (_, to) = amara
            .post_form("/caseload/enrollment-code", &[("client_id", &alex)])
            .await;
        assert_eq!(to, "/caseload", "{}", t.engine);
        let (_, caseload) = amara.call("caseload", &[]).await;
        let caseload: serde_json::Value = serde_json::from_str(&caseload).unwrap();
        let code = caseload["new_code"]["code"].as_str().unwrap().to_owned();

        assert_ne!(
            phone.get("/").await.0,
            200,
            "{}: the phone is signed out",
            t.engine
        );
        assert_eq!(
            app.browser().sign_in_with("alex", DEMO_PASSPHRASE).await,
            "/sign-in?problem=wrong_sign_in",
            "{}: the old passphrase no longer works",
            t.engine
        );
        assert!(
            db::passkeys_of(&t.db, &alex).await.unwrap().is_empty(),
            "{}",
            t.engine
        );

        let again = app.browser();
        assert_eq!(
            enrol(&again, &code, "alex").await,
            "/",
            "{}: same name",
            t.engine
        );
        let (status, account) = again.call("account", &[]).await;
        assert_eq!(status, 200);
        assert!(
            account.contains("Your sign-in was reset on") && account.contains("Amara"),
            "{}: {account}",
            t.engine
        );
        t
    })
    .await;
}

/// Changing a passphrase needs the current one, and signs out every other device; a passkey
/// can be removed by its owner only.
#[tokio::test]
async fn a_person_changes_their_passphrase_and_removes_a_passkey() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex").client_id.clone();
        let app = spawn_app(&t).await;
        let (phone, laptop) = (
            app.browser_signed_in("alex").await,
            app.browser_signed_in("alex").await,
        );
        let change = |current: &str, new: &str| {
            [
                ("current_passphrase", current.to_owned()),
                ("passphrase", new.to_owned()),
                ("repeat_passphrase", new.to_owned()),
            ]
        };
        let new = "a kettle singing by the sea";
        let wrong = change("not my passphrase", new);
        let wrong: Vec<_> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            phone.post_form("/account/passphrase", &wrong).await.1,
            "/account?problem=wrong_passphrase",
            "{}",
            t.engine
        );
        assert_eq!(laptop.get("/").await.0, 200, "{}", t.engine);
        let right = change(DEMO_PASSPHRASE, new);
        let right: Vec<_> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            phone.post_form("/account/passphrase", &right).await.1,
            "/account?notice=passphrase_changed",
            "{}",
            t.engine
        );
        assert_eq!(
            phone.get("/").await.0,
            200,
            "{}: this device stays",
            t.engine
        );
        assert_ne!(laptop.get("/").await.0, 200, "{}: the others end", t.engine);
        assert_eq!(
            app.browser().sign_in_with("alex", DEMO_PASSPHRASE).await,
            "/sign-in?problem=wrong_sign_in"
        );
        assert_eq!(app.browser().sign_in_with("alex", new).await, "/");

        let mut tx = t.db.begin().await.unwrap();
        db::insert_passkey(
            &mut tx,
            &alex,
            "\"cred\"",
            "{}",
            "Someone's phone",
            Utc::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let passkey = db::passkeys_of(&t.db, &alex).await.unwrap()[0].id.clone();
        let bea = app.browser_signed_in("bea").await;
        let remove = [("passkey_id", passkey.as_str())];
        assert_eq!(
            bea.post_form("/account/passkeys/remove", &remove).await.1,
            "/account?problem=not_found",
            "{}: not hers",
            t.engine
        );
        assert_eq!(
            phone.post_form("/account/passkeys/remove", &remove).await.1,
            "/account?notice=passkey_removed",
            "{}",
            t.engine
        );
        assert!(db::passkeys_of(&t.db, &alex).await.unwrap().is_empty());
        let removed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'passkey.remove' AND target = $1",
        )
        .bind(&passkey)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        assert_eq!(removed, 1, "{}", t.engine);
        t
    })
    .await;
}

/// An admin deactivates a case manager who has left: signed out everywhere, no sign-in, off
/// every care team, their records kept; reactivated, they sign in again. An admin cannot
/// deactivate a client, or themselves.
#[tokio::test]
async fn an_admin_deactivates_and_reactivates_a_staff_account() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let amara = app.browser_signed_in("amara").await;
        let admin = app.browser_signed_in("sam.admin").await;
        let person: String =
            sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'amara'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let teams = |person: String| {
            let pool = t.db.pool().clone();
            async move {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM care_team WHERE case_manager_id = $1",
                )
                .bind(person)
                .fetch_one(&pool)
                .await
                .unwrap()
            }
        };
        assert!(teams(person.clone()).await > 0);
        let deactivate = |name: &'static str| {
            let admin = admin.clone();
            async move {
                admin
                    .post_form("/admin/staff/deactivate", &[("sign_in_name", name)])
                    .await
                    .1
            }
        };
        assert_eq!(deactivate("alex").await, "/admin?problem=not_found", "a client");
        assert_eq!(deactivate("sam.admin").await, "/admin?problem=not_found", "oneself");
        assert_eq!(deactivate("amara").await, "/admin?notice=staff_deactivated");
        assert_eq!(amara.call("caseload", &[]).await.0, 401, "{}", t.engine);
        assert_eq!(
            app.browser().sign_in_with("amara", DEMO_PASSPHRASE).await,
            "/sign-in?problem=wrong_sign_in",
            "{}",
            t.engine
        );
        assert_eq!(teams(person.clone()).await, 0, "{}", t.engine);
        let (_, staff) = admin.call("admin", &[]).await;
        assert!(staff.contains("\"active\":false"), "{staff}");
        let kept: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM plan_revisions WHERE sent_by = $1")
                .bind(&person)
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        assert!(kept > 0, "{}: what they sent stays theirs", t.engine);

        let (_, to) = admin
            .post_form("/admin/staff/reactivate", &[("sign_in_name", "amara")])
            .await;
        assert_eq!(to, "/admin?notice=staff_reactivated");
        app.browser().sign_in("amara").await;
        let logged: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action IN ('staff.deactivate', 'staff.reactivate') AND target = $1",
        )
        .bind(&person)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        assert_eq!(logged, 2, "{}", t.engine);
        t
    })
    .await;
}

/// An admin gives a staff member a one-time reset code: their sign-in stops at once (the
/// old passphrase, every session), the code is shown to the admin once, and with it and
/// their own sign-in name they choose a new passphrase and keep the name. The code works
/// once, only with that name, and never for a client.
#[tokio::test]
async fn an_admin_gives_a_staff_member_a_one_time_reset_code() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let admin = app.browser_signed_in("sam.admin").await;
        let amara = app.browser_signed_in("amara").await;
        let made = |name: &'static str| {
            let admin = admin.clone();
            async move {
                let form = [("sign_in_name", name)];
                admin.post_form("/admin/staff/reset-code", &form).await.1
            }
        };
        assert_eq!(
            made("alex").await,
            "/admin?problem=not_found",
            "not a client"
        );
        assert_eq!(
            made("sam.admin").await,
            "/admin?problem=not_found",
            "not oneself"
        );
        assert_eq!(made("amara").await, "/admin");
        let (_, page) = admin.call("admin", &[]).await;
        let page: serde_json::Value = serde_json::from_str(&page).unwrap();
        assert_eq!(page["reset_code"]["display_name"], "Amara Okafor");
        let code = page["reset_code"]["code"]
            .as_str()
            .expect("shown")
            .to_owned();
        assert!(!admin.call("admin", &[]).await.1.contains(&code), "once");

        assert_eq!(amara.call("caseload", &[]).await.0, 401, "{}", t.engine);
        let old = app.browser().sign_in_with("amara", DEMO_PASSPHRASE).await;
        assert_eq!(old, "/sign-in?problem=wrong_sign_in");

        let new = "a fresh passphrase for amara";
        let reset = |name: &'static str| {
            let (browser, code) = (app.browser(), code.clone());
            async move {
                let form = [
                    ("code", code.as_str()),
                    ("sign_in_name", name),
                    ("passphrase", new),
                    ("repeat_passphrase", new),
                ];
                browser.post_form("/reset", &form).await.1
            }
        };
        assert_eq!(reset("priya").await, "/reset?problem=reset_code_invalid");
        assert_eq!(reset("amara").await, "/caseload", "{}", t.engine);
        assert_eq!(reset("amara").await, "/reset?problem=reset_code_invalid");
        assert_eq!(app.browser().sign_in_with("amara", new).await, "/caseload");
        let logged: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_events
             WHERE action IN ('staff.reset_code', 'sign_in.reset', 'passphrase.reset')
             ORDER BY at, seq",
        )
        .fetch_all(t.db.pool())
        .await
        .unwrap();
        assert_eq!(
            logged,
            ["staff.reset_code", "sign_in.reset", "passphrase.reset"]
        );
        t
    })
    .await;
}

/// A passphrase sign-in whose form carried the phone's mark answers with that mark in a
/// cookie the page can read (so the phone keeps its offline check of that passphrase only);
/// a refused passphrase, or something that is not a mark, sets none.
#[tokio::test]
async fn an_accepted_passphrase_is_confirmed_to_the_phone_by_its_mark() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    let mark = "0123456789abcdef0123456789abcdef";
    let typed_cookies = |passphrase: &'static str, typed: &'static str| {
        let app = app.clone();
        async move {
            let response = app
                .http
                .post(format!("{}/sign-in", app.base))
                .header("sec-fetch-site", "same-origin")
                .form(&[
                    ("sign_in_name", "alex"),
                    ("passphrase", passphrase),
                    ("typed", typed),
                ])
                .send()
                .await
                .unwrap();
            response
                .headers()
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .filter(|c| c.starts_with("waypoint_typed="))
                .collect::<Vec<_>>()
        }
    };
    assert!(typed_cookies("not the passphrase", mark).await.is_empty());
    let accepted = typed_cookies(DEMO_PASSPHRASE, mark).await;
    assert_eq!(
        accepted,
        [format!(
            "waypoint_typed={mark}; Path=/; Max-Age=120; SameSite=Strict"
        )]
    );
    assert!(typed_cookies(DEMO_PASSPHRASE, "<b>not-a-mark</b>")
        .await
        .is_empty());
    t.cleanup().await;
}
