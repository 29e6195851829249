//! Closing and reopening a case, on both engines: the closing checked at each field with
//! nothing changed when refused; once closed, the coming appointments end, supporters lose
//! access with a notice, the caseload shows the case only under "closed", the client reads
//! the aftercare plan (also in the phone's copy) and can sign in for 90 days and no longer;
//! reopening starts a new episode, keeps the history and asks for a new assessment.
use crate::helpers::{
    add_supporter, allowed_entries, first_profile, id_of, invalid_at, on_each_engine, person_named,
    seeded_app,
};
use app::db;
use app::domain::{Attention, CaseloadFilter, Share};
use chrono::Duration;

#[tokio::test]
async fn a_case_closes_with_an_aftercare_plan_and_reopens_as_a_new_episode() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let amara = app.browser_signed_in("amara").await;
        let amara_id = person_named(&t.db, "amara").await;
        let (supporter, grant) =
            add_supporter(&app, &t, &alex, &[Share::Goals], "sup.closing").await;
        let now = app::clock::local_time_in(server::demo::TIME_ZONE);
        let today = now.date();
        let coming = || async {
            db::appointments_between(&t.db, &alex, now, now + Duration::days(90))
                .await
                .unwrap()
                .into_iter()
                .filter(|a| a.is_expected())
                .count()
        };
        assert!(coming().await > 0);

        let close = |fields: Vec<(&'static str, String)>| {
            let alex = alex.clone();
            let amara = &amara;
            async move {
                let mut args = vec![("client_id", alex)];
                args.extend(fields);
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                amara.call_value("close-case", &args).await
            }
        };
        let good = |field: &'static str, value: String| {
            let mut fields = vec![
                ("closing[reason]", "plan_completed".to_owned()),
                ("closing[closed_on]", today.to_string()),
                (
                    "closing[supports]",
                    "Peer group on Tuesdays; the pharmacy as before.".to_owned(),
                ),
                (
                    "closing[contact]",
                    "The front desk, 416-555-0100".to_owned(),
                ),
                (
                    "closing[come_back]",
                    "Call the front desk: no waiting list to come back.".to_owned(),
                ),
            ];
            fields.retain(|(f, _)| *f != field);
            fields.push((field, value));
            fields
        };
        for (field, value, at) in [
            ("closing[reason]", "vanished".to_owned(), "reason"),
            (
                "closing[closed_on]",
                (today + Duration::days(1)).to_string(),
                "closed_on",
            ),
            ("closing[closed_on]", "2026-02-30".to_owned(), "closed_on"),
            ("closing[supports]", "a".repeat(10_000), "supports"),
            ("closing[contact]", "bell\u{7}".to_owned(), "contact"),
            ("closing[come_back]", "  ".to_owned(), "come_back"),
            ("closing[reason]", "other".to_owned(), "note"),
        ] {
            let (status, answer) = close(good(field, value)).await;
            assert_eq!(status, 200);
            assert!(invalid_at(&answer, at), "{at}: {answer}");
        }
        assert!(db::aftercare_of_client(&t.db, &alex)
            .await
            .unwrap()
            .is_none());
        let priya = app.browser_signed_in("priya").await;
        let (status, _) = priya
            .call_value("close-case", &[("client_id", alex.as_str())])
            .await;
        assert_eq!(status, 404);

        let (_, closed) = close(good("closing[note]", String::new())).await;
        assert_eq!(closed, "Saved", "{}", t.engine);
        let (_, again) = close(good("closing[note]", String::new())).await;
        assert!(again["Conflict"].is_object(), "{again}");

        // The coming appointments end; the supporter is told, and sees nothing more.
        assert_eq!(coming().await, 0, "{}", t.engine);
        let (_, page) = supporter.get("/supporting").await;
        assert!(
            page.contains("time with the program has ended"),
            "{}",
            t.engine
        );
        let (status, _) = supporter.get(&format!("/supporting/{grant}")).await;
        assert_eq!(status, 404);

        // The caseload: under "closed" only, asking for nothing.
        let caseload = db::caseload_overview(&t.db, &amara_id, now).await.unwrap();
        let entry = caseload.iter().find(|e| e.client_id == alex).unwrap();
        assert_eq!(entry.closed_on, Some(today));
        assert!(entry.attention.is_empty());
        assert!(!CaseloadFilter::default().admits(entry));
        let closed_only = CaseloadFilter::from_query(None, None, None, Some("closed".into()));
        assert!(closed_only.admits(entry));
        let (_, page) = amara.get("/caseload?cases=closed").await;
        assert!(page.contains(">Alex<"), "{}", t.engine);

        // Alex reads the aftercare plan on Today and in the phone's copy.
        let phone = app.browser_signed_in("alex").await;
        let (_, page) = phone.get("/").await;
        assert!(page.contains("Your time with the program ended"));
        assert!(page.contains("no waiting list to come back"));
        let copied = first_profile(&phone).await.aftercare;
        assert_eq!(copied.unwrap().closed_on, today);

        // For 90 days after closing, and no longer.
        let signing_in = app.browser();
        let to = signing_in
            .sign_in_with("alex", server::demo::DEMO_PASSPHRASE)
            .await;
        assert!(!to.contains("problem"), "{to}");
        let long_ago = (today - Duration::days(91)).to_string();
        sqlx::query(
            "UPDATE episodes SET closed_on = $1 WHERE client_id = $2 AND closed_on IS NOT NULL",
        )
        .bind(&long_ago)
        .bind(&alex)
        .execute(t.db.pool())
        .await
        .unwrap();
        let to = app
            .browser()
            .sign_in_with("alex", server::demo::DEMO_PASSPHRASE)
            .await;
        assert!(to.contains("problem=wrong_sign_in"), "{}: {to}", t.engine);

        // Reopened: a new episode, the history kept, a new assessment asked for; once.
        let (_, reopened) = amara
            .call_value("reopen-case", &[("client_id", alex.as_str())])
            .await;
        assert_eq!(reopened, "Saved", "{}", t.engine);
        let (_, again) = amara
            .call_value("reopen-case", &[("client_id", alex.as_str())])
            .await;
        assert!(again["Conflict"].is_object(), "{again}");
        let episodes = db::episodes_of_client(&t.db, &alex).await.unwrap();
        assert_eq!(episodes.len(), 2);
        assert!(episodes[0].closing.is_some() && episodes[1].closing.is_none());
        assert_eq!(episodes[1].opened_on, today);
        let entry = db::caseload_entry(&t.db, &amara_id, &alex, now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(entry.closed_on, None);
        assert!(entry.attention.contains(&Attention::AssessmentDue));
        let to = app
            .browser()
            .sign_in_with("alex", server::demo::DEMO_PASSPHRASE)
            .await;
        assert!(!to.contains("problem"), "{to}");
        let audited = allowed_entries(&t.db, &alex, &["episode.close", "episode.reopen"]).await;
        assert_eq!(audited, 2);
        t
    })
    .await;
}
