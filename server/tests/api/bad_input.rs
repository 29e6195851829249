//! Bad input on every form: empty, far too long, control characters, the wrong kind of
//! value, or not a form at all. Each gets a clear answer and changes nothing.
use crate::helpers::{seeded, spawn_app, sqlite, TestDb};

/// Rows of the tables the forms write to.
async fn footprint(t: &TestDb) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "people",
        "accounts",
        "supporter_grants",
        "supporter_invites",
        "enrollment_codes",
    ] {
        counts.push(
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(t.db.pool())
                .await
                .unwrap(),
        );
    }
    counts.push(
        sqlx::query_scalar("SELECT COUNT(*) FROM supporter_grants WHERE revoked_at IS NOT NULL")
            .fetch_one(t.db.pool())
            .await
            .unwrap(),
    );
    counts
}

#[tokio::test]
async fn bad_input_gets_a_clear_message_and_changes_nothing() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    let client = app.browser_signed_in("alex").await;
    let case_manager = app.browser_signed_in("amara").await;
    let admin = app.browser_signed_in("sam.admin").await;
    let long = "x".repeat(10_000);
    let control = "ab\u{0}\u{7}\u{1b}[31mcd";
    let before = footprint(&t).await;
    let bad_values = [
        "",
        long.as_str(),
        control,
        "12",
        "true",
        "[]",
        "2026-02-30",
        "-1",
    ];

    let forms: [(&crate::helpers::TestApp, &str, &[&str]); 7] = [
        (
            &app,
            "/enrol",
            &["code", "sign_in_name", "passphrase", "repeat_passphrase"],
        ),
        (
            &app,
            "/join",
            &[
                "code",
                "display_name",
                "sign_in_name",
                "passphrase",
                "repeat_passphrase",
            ],
        ),
        (&client, "/supporters/invite", &["label", "ends_on"]),
        (&client, "/supporters/revoke", &["grant_id"]),
        (&case_manager, "/caseload/enrollment-code", &["client_id"]),
        (
            &admin,
            "/admin/staff",
            &["display_name", "role", "sign_in_name", "passphrase"],
        ),
        (&admin, "/admin/end-sessions", &["sign_in_name"]),
    ];
    for (browser, path, fields) in forms {
        for value in bad_values {
            let form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, value)).collect();
            let (status, to) = browser.post_form(path, &form).await;
            let shown = format!("{path} with {:.20?}", value);
            assert_eq!(status, 303, "{shown}");
            let page = match path {
                "/supporters/invite" | "/supporters/revoke" => "/supporters",
                "/caseload/enrollment-code" => "/caseload",
                "/admin/staff" | "/admin/end-sessions" => "/admin",
                other => other,
            };
            assert!(to.starts_with(&format!("{page}?problem=")), "{shown}: {to}");
            assert!(!to.contains("unavailable"), "{shown}: {to}");
        }
        // Not a form at all.
        let response = browser
            .http
            .post(format!("{}{path}", browser.base))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/json")
            .body("{\"label\": 42}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{path} with JSON");
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("nothing was changed"));
        // Bytes that are not UTF-8.
        let response = browser
            .http
            .post(format!("{}{path}", browser.base))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![b'a', b'=', 0xff, 0xfe])
            .send()
            .await
            .unwrap();
        assert!(
            matches!(response.status().as_u16(), 303 | 400),
            "{path} with bad bytes"
        );
    }
    // The sign-in forms answer bad input as a wrong sign-in, whatever it is.
    for value in bad_values {
        let to = app.browser().sign_in_with(value, value).await;
        assert!(to.starts_with("/sign-in?problem="), "{to}");
    }
    assert_eq!(footprint(&t).await, before, "nothing was saved");
    // Everyone is still signed in: bad input ends nothing.
    assert_eq!(client.get("/").await.0, 200);
    t.cleanup().await;
}
