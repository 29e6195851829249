//! The client's own words in the plan, on both engines: a goal or a step suggested from the
//! plan page or the phone's queue, recorded once however often it arrives; bad input and
//! someone else's goal refused with nothing kept; the care team takes it into the draft as
//! written or answers it (once: a colleague's second try is shown what happened); the
//! client sees what became of each, and the caseload asks until none is waiting.
use crate::helpers::{
    allowed_entries, attention_of, id_of, invalid_at, on_each_engine, person_named, rows_about,
    seeded_app, sync,
};
use app::db;
use app::domain::{Attention, CheckInAction, DeviceCopy, Receipt};
use chrono::Utc;

const KEY: &str = "0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn a_clients_ideas_reach_the_draft_once_and_they_see_what_became_of_each() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let bea = id_of(&clients, "Bea");
        let amara_id = person_named(&t.db, "amara").await;
        let phone = app.browser_signed_in("alex").await;
        let before = rows_about(&t.db, "plan_suggestions", &alex).await;

        // From the plan page: a double tap counts once; bad input and Bea's goal are refused.
        let goal = [
            ("text", "Find a volunteer job two mornings a week"),
            ("key", KEY),
        ];
        for _ in 0..2 {
            let (_, to) = phone.post_form("/suggestions", &goal).await;
            assert_eq!(to, "/plan?notice=suggestion_sent", "{}", t.engine);
        }
        assert_eq!(
            rows_about(&t.db, "plan_suggestions", &alex).await,
            before + 1
        );
        let long = "a".repeat(10_000);
        let beas_goal = db::working_plan(&t.db, &bea).await.unwrap()[0]
            .id
            .to_string();
        for (fields, problem) in [
            (
                vec![("text", long.as_str()), ("key", KEY)],
                "suggestion_invalid",
            ),
            (
                vec![("text", "bell\u{7}"), ("key", KEY)],
                "suggestion_invalid",
            ),
            (vec![("text", "  "), ("key", KEY)], "suggestion_invalid"),
            (
                vec![("text", "Mine now"), ("goal_id", &beas_goal), ("key", KEY)],
                "not_found",
            ),
        ] {
            let (_, to) = phone.post_form("/suggestions", &fields).await;
            assert_eq!(to, format!("/plan?problem={problem}"));
        }
        assert_eq!(
            rows_about(&t.db, "plan_suggestions", &alex).await,
            before + 1
        );
        assert_eq!(rows_about(&t.db, "plan_suggestions", &bea).await, 1);

        // From the phone's queue, offline: a step, sent twice, kept once.
        let mut copy = DeviceCopy::default();
        sync(&phone, &mut copy).await;
        let own_goal = db::working_plan(&t.db, &alex).await.unwrap()[0].id.clone();
        copy.queue(
            "a1b2c3d4e5f60718-idea".into(),
            Utc::now(),
            CheckInAction::Suggest {
                goal_id: Some(own_goal.to_string()),
                text: "Set a phone alarm for the clinic".into(),
            },
        );
        copy.queue(
            "a1b2c3d4e5f60718-theirs".into(),
            Utc::now(),
            CheckInAction::Suggest {
                goal_id: Some(beas_goal.clone()),
                text: "Not mine".into(),
            },
        );
        let request = copy.request();
        let (status, _) = phone.post_json("/api/v1/sync", &request).await;
        assert_eq!(status, 200);
        let answer = sync(&phone, &mut copy).await;
        assert_eq!(
            answer.receipts,
            vec![
                ("a1b2c3d4e5f60718-idea".into(), Receipt::AlreadyRecorded),
                ("a1b2c3d4e5f60718-theirs".into(), Receipt::Refused),
            ],
            "{}",
            t.engine
        );
        assert_eq!(
            rows_about(&t.db, "plan_suggestions", &alex).await,
            before + 2
        );
        let plan = copy.plan(Utc::now().date_naive()).unwrap();
        assert!(plan
            .suggestions
            .iter()
            .any(|s| s.text == "Set a phone alarm for the clinic" && s.goal.is_none()));

        // The caseload asks; the care team sees each with the goal a step is for.
        let attention = || attention_of(&t.db, &amara_id, &alex);
        assert!(attention().await.contains(&Attention::NewSuggestion));
        let seen = db::suggestions_for_case_manager(&t.db, &amara_id, &alex)
            .await
            .unwrap();
        let step = seen
            .iter()
            .find(|s| s.text == "Set a phone alarm for the clinic")
            .unwrap();
        assert!(step.goal.is_some());
        let new_goal = seen
            .iter()
            .find(|s| s.text == "Find a volunteer job two mornings a week")
            .unwrap();
        let priya = app.browser_signed_in("priya").await;
        assert!(db::suggestions_for_case_manager(
            &t.db,
            &person_named(&t.db, "priya").await,
            &alex
        )
        .await
        .unwrap()
        .is_empty());

        // Taken into the draft in the client's words; answered; each only once.
        let amara = app.browser_signed_in("amara").await;
        let take = |id: String, domain: &'static str| {
            let alex = alex.clone();
            let amara = &amara;
            async move {
                let args = [
                    ("client_id", alex.as_str()),
                    ("suggestion_id", id.as_str()),
                    ("domain", domain),
                ];
                amara.call_value("take-suggestion", &args).await
            }
        };
        let (status, _) = priya
            .call_value(
                "take-suggestion",
                &[
                    ("client_id", alex.as_str()),
                    ("suggestion_id", new_goal.id.as_str()),
                    ("domain", "education"),
                ],
            )
            .await;
        assert_eq!(status, 404);
        let (_, refused) = take(new_goal.id.to_string(), "moon").await;
        assert!(invalid_at(&refused, "domain"), "{refused}");
        let (_, taken) = take(new_goal.id.to_string(), "education").await;
        assert_eq!(taken, "Saved", "{}", t.engine);
        let (_, again) = take(new_goal.id.to_string(), "education").await;
        assert!(again["Conflict"].is_object(), "{again}");
        let draft = db::working_plan(&t.db, &alex).await.unwrap();
        let added: Vec<_> = draft
            .iter()
            .filter(|g| g.own_words == "Find a volunteer job two mornings a week")
            .collect();
        assert_eq!(added.len(), 1);
        let (_, taken) = take(step.id.to_string(), "").await;
        assert_eq!(taken, "Saved");
        let draft = db::working_plan(&t.db, &alex).await.unwrap();
        assert!(draft
            .iter()
            .flat_map(|g| g.steps.iter())
            .any(|s| s.description == "Set a phone alarm for the clinic"));

        let waiting = db::suggestions_for_case_manager(&t.db, &amara_id, &alex)
            .await
            .unwrap();
        let waiting = waiting
            .iter()
            .find(|s| s.state == app::domain::SuggestionState::Waiting)
            .expect("the demo's suggestion still waits");
        let answer = |text: String| {
            let (alex, id, amara) = (alex.clone(), waiting.id.to_string(), &amara);
            async move {
                let args = [
                    ("client_id", alex.as_str()),
                    ("suggestion_id", id.as_str()),
                    ("answer", text.as_str()),
                ];
                amara.call_value("answer-suggestion", &args).await
            }
        };
        let (_, refused) = answer(long.clone()).await;
        assert!(invalid_at(&refused, "answer"), "{refused}");
        let (_, answered) = answer("Yes: ask them at your next pick-up.".into()).await;
        assert_eq!(answered, "Saved");
        assert!(!attention().await.contains(&Attention::NewSuggestion));

        // Alex sees what became of each, on the page and in the phone's copy.
        let (_, page) = phone.get("/plan").await;
        assert!(page.contains("Added to your plan"), "{}", t.engine);
        assert!(page.contains("Yes: ask them at your next pick-up."));
        sync(&phone, &mut copy).await;
        let plan = copy.plan(Utc::now().date_naive()).unwrap();
        assert!(plan
            .suggestions
            .iter()
            .any(|s| s.answer.as_deref() == Some("Yes: ask them at your next pick-up.")));
        let actions = ["suggestion.record", "suggestion.take", "suggestion.answer"];
        assert_eq!(allowed_entries(&t.db, &alex, &actions).await, 5);
        t
    })
    .await;
}
