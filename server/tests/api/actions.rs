//! Actions as one unit each: a change and its audit entry are kept together or not at all,
//! a sign-in name raced for goes to exactly one person, and a server function's malformed
//! argument is answered as the caller's mistake.
use crate::helpers::{id_of, on_each_engine, seeded, spawn_app, sqlite, TestDb};

/// Makes every new audit entry fail, as a full disk or a damaged trail would.
async fn break_audit_trail(t: &TestDb) {
    let statements: &[&str] = if t.engine == "sqlite" {
        &["CREATE TRIGGER audit_down BEFORE INSERT ON audit_events
           BEGIN SELECT RAISE(ABORT, 'audit trail down'); END"]
    } else {
        &[
            "CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql
             AS 'BEGIN RAISE EXCEPTION ''audit trail down''; END'",
            "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events
             FOR EACH ROW EXECUTE FUNCTION audit_down()",
        ]
    };
    for sql in statements {
        sqlx::query(sql).execute(t.db.pool()).await.unwrap();
    }
}

async fn mend_audit_trail(t: &TestDb) {
    let sql = if t.engine == "sqlite" {
        "DROP TRIGGER audit_down"
    } else {
        "DROP TRIGGER audit_down ON audit_events"
    };
    sqlx::query(sql).execute(t.db.pool()).await.unwrap();
}

async fn count(t: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
}

/// Everything the actions below could leave behind, to compare before and after.
async fn footprint(t: &TestDb) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL",
        "SELECT COUNT(*) FROM sessions",
        // A try at a passphrase is recorded before it is checked, on purpose (one that could
        // not finish still counts as a guess): only what became of it must not be kept.
        "SELECT COUNT(*) FROM sign_in_attempts WHERE outcome <> 'checking'",
        "SELECT COUNT(*) FROM supporter_grants",
        "SELECT COUNT(*) FROM enrollment_codes",
        "SELECT COUNT(*) FROM goals",
        "SELECT COUNT(*) FROM audit_events",
    ] {
        counts.push(count(t, sql).await);
    }
    counts
}

#[tokio::test]
async fn a_change_and_its_audit_entry_are_kept_together_or_not_at_all() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = id_of(&clients, "Alex");
        let app = spawn_app(&t).await;
        let admin = app.browser_signed_in("sam.admin").await;
        let bea = app.browser_signed_in("bea").await;
        let case_manager = app.browser_signed_in("amara").await;
        let sessions_of_alex = || async {
            sqlx::query_as::<_, (String, String)>(
                "SELECT id, token_hash FROM sessions WHERE person_id = $1",
            )
            .bind(&alex)
            .fetch_all(t.db.pool())
            .await
            .unwrap()
        };
        let alex_phone = app.browser_signed_in("alex").await;
        let (phone_session, phone_token) = sessions_of_alex().await.remove(0);
        let alex_laptop = app.browser_signed_in("alex").await;
        let (laptop_session, _) = sessions_of_alex()
            .await
            .into_iter()
            .find(|(id, _)| *id != phone_session)
            .unwrap();

        break_audit_trail(&t).await;
        let before = footprint(&t).await;
        let unavailable = |page: &str| format!("{page}?problem=unavailable");
        let seen = |what: &str| format!("{what} on {}", t.engine);
        assert_eq!(
            admin
                .post_form("/admin/end-sessions", &[("sign_in_name", "bea")])
                .await
                .1,
            unavailable("/admin"),
            "{}",
            seen("ending a person's sessions")
        );
        assert_eq!(
            alex_phone
                .post_form("/account/devices/end", &[("session_id", &laptop_session)])
                .await
                .1,
            unavailable("/account"),
            "{}",
            seen("ending another device")
        );
        assert_eq!(
            alex_laptop.post_form("/sign-out", &[]).await.1,
            unavailable("/account"),
            "{}",
            seen("signing out")
        );
        assert_eq!(
            app.browser().sign_in_with("carlos", "not it at all").await,
            unavailable("/sign-in"),
            "{}",
            seen("a wrong passphrase")
        );
        assert_eq!(
            app.browser()
                .sign_in_with("dana", server::demo::DEMO_PASSPHRASE)
                .await,
            unavailable("/sign-in"),
            "{}",
            seen("signing in")
        );
        let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).date_naive();
        assert_eq!(
            bea.post_form(
                "/supporters/invite",
                &[("label", "Cousin"), ("ends_on", &tomorrow.to_string())]
            )
            .await
            .1,
            unavailable("/supporters"),
            "{}",
            seen("inviting")
        );
        assert_eq!(
            case_manager
                .post_form("/caseload/enrollment-code", &[("client_id", &alex)])
                .await
                .1,
            unavailable("/caseload"),
            "{}",
            seen("making a set-up code")
        );
        let (status, _) = case_manager
            .call(
                "save-goal",
                &[
                    ("client_id", &alex),
                    ("goal_id", ""),
                    ("version", "0"),
                    ("goal[domain]", "housing"),
                    ("goal[horizon]", "short_term"),
                    ("goal[own_words]", "A goal nobody may see"),
                    ("goal[status]", "not_started"),
                    ("goal[target_on]", ""),
                ],
            )
            .await;
        assert_eq!(status, 503, "{}", seen("saving a goal"));
        // Unlocking a locked phone: the session keeps its old token and stays locked.
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(app::db::instant_text(
                chrono::Utc::now() - chrono::Duration::minutes(16),
            ))
            .bind(&phone_token)
            .execute(t.db.pool())
            .await
            .unwrap();
        assert_eq!(
            alex_phone
                .post_form("/unlock", &[("passphrase", server::demo::DEMO_PASSPHRASE)])
                .await
                .1,
            unavailable("/unlock"),
            "{}",
            seen("unlocking")
        );
        assert_eq!(
            count(
                &t,
                &format!("SELECT COUNT(*) FROM sessions WHERE token_hash = '{phone_token}'")
            )
            .await,
            1,
            "{}",
            seen("the phone's token is unchanged")
        );
        assert_eq!(
            footprint(&t).await,
            before,
            "{}",
            seen("nothing was kept without its entry")
        );
        assert_eq!(
            bea.get("/").await.0,
            200,
            "{}",
            seen("Bea is still signed in")
        );
        assert_eq!(
            alex_laptop.get("/").await.0,
            200,
            "{}",
            seen("the laptop too")
        );

        mend_audit_trail(&t).await;
        assert_eq!(
            admin
                .post_form("/admin/end-sessions", &[("sign_in_name", "bea")])
                .await
                .1,
            "/admin?notice=sessions_ended"
        );
        assert_eq!(bea.get("/").await.0, 401, "{}", seen("Bea is signed out"));
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM audit_events WHERE action = 'sessions.end_all'"
            )
            .await,
            1,
            "{}",
            seen("with its entry")
        );
        t
    })
    .await;
}

#[tokio::test]
async fn a_sign_in_name_raced_for_goes_to_one_person_and_the_rest_hear_it_is_taken() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let admin = app.browser_signed_in("sam.admin").await;
        let attempts = (0..6).map(|i| {
            let admin = &admin;
            async move {
                let name = format!("Jordan {i}");
                admin
                    .post_form(
                        "/admin/staff",
                        &[
                            ("display_name", name.as_str()),
                            ("role", "case_manager"),
                            ("sign_in_name", "jordan.lee"),
                            ("passphrase", "copper kettle by the window"),
                        ],
                    )
                    .await
                    .1
            }
        });
        let mut answers = futures::future::join_all(attempts).await;
        answers.sort();
        let mut expected = vec!["/admin?problem=name_taken".to_owned(); 5];
        expected.push("/admin?notice=staff_added".to_owned());
        expected.sort();
        assert_eq!(answers, expected, "on {}", t.engine);
        let accounts = count(
            &t,
            "SELECT COUNT(*) FROM accounts WHERE sign_in_name = 'jordan.lee'",
        )
        .await;
        assert_eq!(accounts, 1);
        let orphans = count(
            &t,
            "SELECT COUNT(*) FROM people p WHERE p.display_name LIKE 'Jordan %'
             AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)",
        )
        .await;
        assert_eq!(orphans, 0, "a refused name leaves no one behind");
        t
    })
    .await;
}

#[tokio::test]
async fn a_malformed_server_function_argument_is_a_bad_request_not_an_outage() {
    let t = sqlite().await;
    let clients = seeded(&t.db).await;
    let alex = id_of(&clients, "Alex");
    let app = spawn_app(&t).await;
    let case_manager = app.browser_signed_in("amara").await;
    let bad_request = serde_json::to_string(&app::error::AppError::BadRequest).unwrap();
    for (endpoint, args) in [
        (
            "send-plan",
            vec![
                ("client_id", alex.as_str()),
                ("after_revision", "two"),
                ("summary", "x"),
            ],
        ),
        ("move-goal", vec![("client_id", alex.as_str())]),
        (
            "compare-revisions",
            vec![("client_id", alex.as_str()), ("from", "1")],
        ),
    ] {
        let (status, body) = case_manager.call(endpoint, &args).await;
        assert_eq!(
            (status, body.as_str()),
            (400, bad_request.as_str()),
            "{endpoint}"
        );
    }
    assert!(app::error::AppError::BadRequest
        .to_string()
        .contains("Please reload the page"));
    t.cleanup().await;
}
