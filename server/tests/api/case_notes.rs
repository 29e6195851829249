//! Case notes on both engines: added by the care team only, checked at each field with
//! nothing saved when refused, read with an audit entry, counted as the last contact, and
//! never sent to the client.
use crate::helpers::{id_of, invalid_at, on_each_engine, rows_about, seeded_app, TestApp};
use app::db;
use app::domain::{DeviceCopy, SyncAnswer};
use chrono::{Duration, Utc};
use serde_json::Value;

async fn note(browser: &TestApp, client: &str, kind: &str, on: &str, text: &str) -> (u16, Value) {
    let args = [
        ("client_id", client),
        ("note[kind]", kind),
        ("note[contact_on]", on),
        ("note[text]", text),
    ];
    browser.call_value("add-case-note", &args).await
}

async fn notes_of(db: &db::Db, client: &str) -> i64 {
    rows_about(db, "case_notes", client).await
}

#[tokio::test]
async fn the_care_team_keeps_case_notes_that_the_client_never_sees() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let amara = app.browser_signed_in("amara").await;
        // The program's today, which the form is checked against.
        let today = app::clock::local_time_in(server::demo::TIME_ZONE).date();
        let yesterday = (today - Duration::days(1)).to_string();
        let before = notes_of(&t.db, &alex).await;

        // Each bad input is told at its field, and nothing is added.
        let long = "a".repeat(10_000);
        let two_years_ago = (today - Duration::days(730)).to_string();
        let next_week = (today + Duration::days(7)).to_string();
        let bad = [
            ("phone", yesterday.as_str(), "   ", "text"),
            ("phone", yesterday.as_str(), long.as_str(), "text"),
            ("phone", yesterday.as_str(), "bell\u{7}here", "text"),
            ("fax", yesterday.as_str(), "Called", "kind"),
            ("phone", "", "Called", "contact_on"),
            ("phone", "2026-02-30", "Called", "contact_on"),
            ("phone", two_years_ago.as_str(), "Called", "contact_on"),
            ("phone", next_week.as_str(), "Called", "contact_on"),
        ];
        for (kind, on, text, field) in bad {
            let (status, answer) = note(&amara, &alex, kind, on, text).await;
            assert_eq!(status, 200);
            assert!(invalid_at(&answer, field), "{field}: {answer}");
        }
        assert_eq!(notes_of(&t.db, &alex).await, before, "{}", t.engine);

        let text = "Saw them at the drop-in; they want help with the rent form.";
        let (_, saved) = note(&amara, &alex, "in_person", &yesterday, text).await;
        assert_eq!(saved, "Saved", "{}", t.engine);
        assert_eq!(notes_of(&t.db, &alex).await, before + 1);

        // Someone not on the care team can neither add nor read, as if Alex did not exist.
        let priya = app.browser_signed_in("priya").await;
        let (status, _) = note(&priya, &alex, "phone", &yesterday, "Hello").await;
        assert_eq!(status, 404);
        let (status, _) = priya
            .call(
                "client-record",
                &[("client_id", &alex), ("section", "notes")],
            )
            .await;
        assert_eq!(status, 404);
        assert_eq!(notes_of(&t.db, &alex).await, before + 1);

        // The care team reads them, newest contact first, and the read is in the trail.
        let (status, body) = amara
            .call(
                "client-record",
                &[("client_id", &alex), ("section", "notes")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let record: Value = serde_json::from_str(&body).unwrap();
        let notes = record["part"]["notes"].as_array().unwrap();
        assert_eq!(notes[0]["text"], text, "{}", t.engine);
        assert_eq!(notes[0]["written_by"], "Amara Okafor");
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events
             WHERE action = 'read.case_notes' AND client_id = $1 AND outcome = 'allowed'",
        )
        .bind(&alex)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        assert_eq!(audited, 1);

        // The caseload's last contact counts a noted contact, but not a try with no answer:
        // on the client of Amara's who was last in touch longest ago.
        let amara_id: String =
            sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'amara'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let now = Utc::now().naive_utc();
        let last_contacts = || async {
            db::caseload_overview(&t.db, &amara_id, now)
                .await
                .unwrap()
                .into_iter()
                .map(|e| (e.client_id, e.last_contact))
                .collect::<std::collections::HashMap<_, _>>()
        };
        let before = last_contacts().await;
        let (quiet, quiet_since) = before.iter().min_by_key(|(_, on)| **on).unwrap();
        let two_days_ago = today - Duration::days(2);
        assert!(*quiet_since < Some(two_days_ago), "{quiet_since:?}");
        let on = two_days_ago.to_string();
        let (_, tried) = note(&amara, quiet, "no_answer", &on, "No answer").await;
        assert_eq!(tried, "Saved");
        assert_eq!(last_contacts().await[quiet], *quiet_since, "{}", t.engine);
        let (_, reached) = note(&amara, quiet, "phone", &on, "Called back").await;
        assert_eq!(reached, "Saved");
        assert_eq!(last_contacts().await[quiet], Some(two_days_ago));

        // Alex's own pages and phone copy carry none of it.
        let phone = app.browser_signed_in("alex").await;
        for path in ["/", "/plan", "/appointments", "/referrals", "/support"] {
            let (_, page) = phone.get(path).await;
            assert!(!page.contains("rent form"), "{path}");
        }
        let (status, body) = phone
            .post_json("/api/v1/sync", &DeviceCopy::default().request())
            .await;
        assert_eq!(status, 200);
        let _: SyncAnswer = serde_json::from_str(&body).unwrap();
        assert!(!body.contains("rent form") && !body.contains("drop-in"));
        t
    })
    .await;
}
