//! Assessments on both engines: recorded by the care team only, every bad input told at its
//! field with nothing saved, kept and compared, and shown to the client as needs only.
use crate::helpers::{id_of, invalid_at, on_each_engine, rows_about, seeded_app, TestApp};
use app::domain::{DeviceCopy, LifeDomain, Need, SyncAnswer, SyncItem};
use chrono::Duration;
use serde_json::Value;

/// A form with every area at `need`, the housing notes given, and `extra` on top.
fn form(client: &str, on: &str, need: &str, extra: &[(String, String)]) -> Vec<(String, String)> {
    let mut args = vec![
        ("client_id".to_owned(), client.to_owned()),
        ("assessment[assessed_on]".to_owned(), on.to_owned()),
    ];
    for area in LifeDomain::ALL {
        args.push((
            format!("assessment[areas][{}][need]", area.code()),
            need.to_owned(),
        ));
    }
    args.push((
        "assessment[areas][housing][staff_notes]".to_owned(),
        "Landlord dispute; keep an eye on it.".to_owned(),
    ));
    args.push((
        "assessment[areas][housing][own_words]".to_owned(),
        "I need a place for more than a month.".to_owned(),
    ));
    for (name, value) in extra {
        args.retain(|(n, _)| n != name);
        args.push((name.clone(), value.clone()));
    }
    args
}

async fn record(browser: &TestApp, args: &[(String, String)]) -> (u16, Value) {
    let args: Vec<(&str, &str)> = args.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    browser.call_value("record-assessment", &args).await
}

#[tokio::test]
async fn an_assessment_is_kept_compared_and_shown_to_the_client_as_needs_only() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let amara = app.browser_signed_in("amara").await;
        let today = app::clock::local_time_in(server::demo::TIME_ZONE).date();
        let on = today.to_string();
        let count = || rows_about(&t.db, "assessments", &alex);
        let before = count().await;
        let long = "a".repeat(10_000);
        let pair = |n: &str, v: &str| vec![(n.to_owned(), v.to_owned())];
        let tomorrow = (today + Duration::days(1)).to_string();
        for (extra, field) in [
            (pair("assessment[areas][legal][need]", ""), "legal.need"),
            (pair("assessment[areas][legal][need]", "dire"), "legal.need"),
            (
                pair("assessment[areas][income][strengths]", &long),
                "income.strengths",
            ),
            (
                pair("assessment[areas][income][own_words]", "a\u{0}b"),
                "income.own_words",
            ),
            (pair("assessment[assessed_on]", &tomorrow), "assessed_on"),
            (pair("assessment[assessed_on]", "1999-01-01"), "assessed_on"),
            (pair("assessment[areas][astrology][need]", "high"), "areas"),
        ] {
            let (status, answer) = record(&amara, &form(&alex, &on, "some", &extra)).await;
            assert_eq!(status, 200);
            assert!(invalid_at(&answer, field), "{field}: {answer}");
        }
        assert_eq!(count().await, before, "{}", t.engine);

        // Someone not on the care team: as if Alex did not exist.
        let priya = app.browser_signed_in("priya").await;
        assert_eq!(record(&priya, &form(&alex, &on, "some", &[])).await.0, 404);

        // The first yesterday, the second today: the later day is the latest.
        let yesterday = (today - Duration::days(1)).to_string();
        let high = pair("assessment[areas][housing][need]", "urgent");
        assert_eq!(
            record(&amara, &form(&alex, &yesterday, "high", &high))
                .await
                .1,
            "Saved"
        );
        let eased = pair("assessment[areas][housing][need]", "some");
        assert_eq!(
            record(&amara, &form(&alex, &on, "high", &eased)).await.1,
            "Saved"
        );
        assert_eq!(count().await, before + 2);

        // The section: latest first, with everything the case manager wrote.
        let args = [("client_id", alex.as_str()), ("section", "assessment")];
        let (status, body) = amara.call("client-record", &args).await;
        assert_eq!(status, 200, "{body}");
        let record: Value = serde_json::from_str(&body).unwrap();
        let kept = record["part"]["assessments"].as_array().unwrap();
        let housing = |a: &Value| {
            a["areas"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["area"] == "housing")
                .unwrap()
                .clone()
        };
        assert_eq!(housing(&kept[0])["need"], "some", "{}", t.engine);
        assert_eq!(housing(&kept[1])["need"], "urgent");
        assert_eq!(
            housing(&kept[0])["staff_notes"],
            "Landlord dispute; keep an eye on it."
        );

        // The client: the needs, area by area, and nothing the case manager wrote.
        let plan = app::db::support_plan(&t.db, &alex).await.unwrap();
        let summary = plan.assessment.unwrap();
        assert!(summary
            .needs
            .contains(&(LifeDomain::Housing, Need::SomeNeed)));
        assert_eq!(summary.needs.len(), 10);
        let phone = app.browser_signed_in("alex").await;
        let (_, page) = phone.get("/plan").await;
        assert!(page.contains("How things are going"));
        assert!(!page.contains("Landlord dispute"));
        let (_, body) = phone
            .post_json("/api/v1/sync", &DeviceCopy::default().request())
            .await;
        assert!(
            !body.contains("Landlord dispute"),
            "the phone copy has no staff notes"
        );
        let answer: SyncAnswer = serde_json::from_str(&body).unwrap();
        assert!(answer.changed.iter().any(|item| matches!(
            item,
            SyncItem::Plan(plan) if plan.assessment.is_some()
        )));
        t
    })
    .await;
}
