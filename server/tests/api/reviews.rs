//! Plan reviews on both engines: recorded by the care team only, each bad input told at its
//! field with nothing saved; the agreed date becomes the plan's next review for the client
//! (page and phone copy) and drives the caseload's flags.
use crate::helpers::{id_of, invalid_at, on_each_engine, rows_about, seeded_app, TestApp};
use app::db;
use app::domain::{Attention, DeviceCopy, SyncAnswer, SyncItem};
use chrono::{Duration, NaiveDate};
use serde_json::Value;

async fn review(browser: &TestApp, client: &str, args: &[(&str, &str)]) -> (u16, Value) {
    let mut all = vec![("client_id", client)];
    all.extend_from_slice(args);
    browser.call_value("record-review", &all).await
}

async fn reviews_of(db: &db::Db, client: &str) -> i64 {
    rows_about(db, "plan_reviews", client).await
}

#[tokio::test]
async fn a_review_sets_the_next_one_for_the_client_and_the_caseload() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let amara = app.browser_signed_in("amara").await;
        // The program's today, which the form is checked against.
        let today = app::clock::local_time_in(server::demo::TIME_ZONE).date();
        let yesterday = (today - Duration::days(1)).to_string();
        let in_90 = (today + Duration::days(90)).to_string();

        // Alex has had no review: the first is due 90 days after the first plan was sent.
        let first_sent: String = sqlx::query_scalar(
            "SELECT MIN(r.sent_at) FROM plan_revisions r
             JOIN support_plans sp ON sp.id = r.plan_id WHERE sp.client_id = $1",
        )
        .bind(&alex)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        let first_sent: NaiveDate = first_sent[..10].parse().unwrap();
        let plan = db::support_plan(&t.db, &alex).await.unwrap();
        assert_eq!(plan.next_review, Some(first_sent + Duration::days(90)));
        assert_eq!(plan.last_reviewed, None);

        let before = reviews_of(&t.db, &alex).await;
        let long = "a".repeat(10_000);
        let next_year = (today + Duration::days(400)).to_string();
        let tomorrow = (today + Duration::days(2)).to_string();
        let today_text = today.to_string();
        // The good form, less `without`, with `with` added.
        let form = |without: &str, with: Option<(&'static str, &str)>| {
            let mut args: Vec<(&'static str, String)> = vec![
                ("review[reviewed_on]", yesterday.clone()),
                ("review[took_part][client]", "on".into()),
                ("review[what_reviewed]", "Housing and work goals".into()),
                ("review[next_review_on]", in_90.clone()),
            ];
            args.retain(|(name, _)| *name != without);
            if let Some((name, value)) = with {
                args.retain(|(n, _)| *n != name);
                args.push((name, value.to_owned()));
            }
            args
        };
        let bad = [
            (
                form("", Some(("review[what_reviewed]", "   "))),
                "what_reviewed",
            ),
            (
                form("", Some(("review[what_reviewed]", &long))),
                "what_reviewed",
            ),
            (
                form("", Some(("review[what_changed]", "tab\u{0}null"))),
                "what_changed",
            ),
            (
                form("", Some(("review[reviewed_on]", &tomorrow))),
                "reviewed_on",
            ),
            (
                form("", Some(("review[reviewed_on]", "2026-13-01"))),
                "reviewed_on",
            ),
            (
                form("", Some(("review[next_review_on]", &today_text))),
                "next_review_on",
            ),
            (
                form("", Some(("review[next_review_on]", &next_year))),
                "next_review_on",
            ),
            (form("review[took_part][client]", None), "took_part"),
            (
                form("", Some(("review[took_part][mayor]", "on"))),
                "took_part",
            ),
        ];
        for (args, field) in bad {
            let args: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let (status, answer) = review(&amara, &alex, &args).await;
            assert_eq!(status, 200);
            assert!(invalid_at(&answer, field), "{field}: {answer}");
        }
        assert_eq!(reviews_of(&t.db, &alex).await, before, "{}", t.engine);

        // Someone not on the care team: as if Alex did not exist.
        let priya = app.browser_signed_in("priya").await;
        let args = form("", None);
        let args: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let (status, _) = review(&priya, &alex, &args).await;
        assert_eq!(status, 404);

        // Recorded: the agreed date is the plan's next review, on the page and in the copy.
        let (_, saved) = review(&amara, &alex, &args).await;
        assert_eq!(saved, "Saved", "{}", t.engine);
        let plan = db::support_plan(&t.db, &alex).await.unwrap();
        let agreed = today + Duration::days(90);
        assert_eq!(plan.next_review, Some(agreed));
        assert_eq!(plan.last_reviewed, Some(today - Duration::days(1)));
        let phone = app.browser_signed_in("alex").await;
        let (_, page) = phone.get("/plan").await;
        assert!(page.contains("Next review:"), "the plan page says when");
        let (_, body) = phone
            .post_json("/api/v1/sync", &DeviceCopy::default().request())
            .await;
        let answer: SyncAnswer = serde_json::from_str(&body).unwrap();
        let copied = answer.changed.iter().find_map(|item| match item {
            SyncItem::Plan(plan) => Some(plan.next_review),
            _ => None,
        });
        assert_eq!(copied, Some(Some(agreed)));

        // The caseload: not flagged 90 days out; flagged within two weeks; overdue after.
        let amara_id: String =
            sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'amara'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let flags = |at: chrono::NaiveDateTime| {
            let (db, amara_id, alex) = (t.db.clone(), amara_id.clone(), alex.clone());
            async move {
                let entry = db::caseload_entry(&db, &amara_id, &alex, at)
                    .await
                    .unwrap()
                    .unwrap();
                (
                    entry.attention.contains(&Attention::ReviewSoon),
                    entry.attention.contains(&Attention::ReviewOverdue),
                )
            }
        };
        let now = app::clock::local_time_in(server::demo::TIME_ZONE);
        assert_eq!(flags(now).await, (false, false), "{}", t.engine);
        assert_eq!(flags(now + Duration::days(80)).await, (true, false));
        assert_eq!(flags(now + Duration::days(92)).await, (false, true));

        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.review' AND client_id = $1
             AND outcome = 'allowed'",
        )
        .bind(&alex)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        assert_eq!(audited, 1);
        t
    })
    .await;
}
