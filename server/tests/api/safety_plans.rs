//! Safety plans on both engines: the client changes theirs from the phone's page (their
//! words kept even over a version they had not seen), the case manager from the record
//! (refused with both versions when it changed since), every version kept, the plan in the
//! phone's copy, and a supporter sees it only with its own share.
use crate::helpers::{
    add_supporter, allowed_entries, first_profile, id_of, invalid_at, on_each_engine, person_named,
    seeded_app,
};
use app::db;
use app::domain::Share;
use serde_json::Value;

async fn versions(db: &db::Db, client: &str) -> i64 {
    crate::helpers::rows_about(db, "safety_plan_versions", client).await
}

#[tokio::test]
async fn the_client_and_their_case_manager_keep_one_safety_plan_with_every_version() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let latest = db::safety_plan(&t.db, &alex).await.unwrap().unwrap();
        let start = versions(&t.db, &alex).await;
        assert_eq!(latest.version, start, "{}", t.engine);

        // The client's page and form show the plan; Bea's show nothing of Alex's.
        let phone = app.browser_signed_in("alex").await;
        let (status, page) = phone.get("/safety").await;
        assert_eq!(status, 200);
        assert!(page.contains("Go for a walk by the river"), "{}", t.engine);
        assert!(page.contains("href=\"tel:4165550148\""), "tap to call");
        assert!(page.contains("If someone overdoses"));
        let (_, form) = phone.get("/safety/edit").await;
        assert!(form.contains(&format!("name=\"version\" value=\"{start}\"")));
        let bea_phone = app.browser_signed_in("bea").await;
        let (_, beas) = bea_phone.get("/safety").await;
        assert!(!beas.contains("Go for a walk by the river"));

        // Refused input sends the client back to the form and changes nothing.
        let version = start.to_string();
        let long = "a".repeat(10_000);
        for bad in [
            vec![("coping", long.as_str())],
            vec![("triggers", "bell\u{7}")],
            vec![("helper_1_phone", "416-555-0199")],
        ] {
            let mut fields = vec![("version", version.as_str())];
            fields.extend(bad);
            let (status, to) = phone.post_form("/safety", &fields).await;
            assert_eq!(
                (status, to.as_str()),
                (303, "/safety/edit?problem=safety_plan_invalid")
            );
        }
        assert_eq!(versions(&t.db, &alex).await, start);

        let mine = [
            ("version", version.as_str()),
            ("coping", "Call my sister first. Then a walk."),
            ("helper_1_name", "My sister"),
            ("helper_1_phone", "416-555-0148"),
        ];
        let (_, to) = phone.post_form("/safety", &mine).await;
        assert_eq!(to, "/safety?notice=safety_plan_saved", "{}", t.engine);
        assert_eq!(versions(&t.db, &alex).await, start + 1);

        // The case manager: bad input at its field, a stale version refused with both
        // versions, someone else's client not found; nothing saved by any of them.
        let amara = app.browser_signed_in("amara").await;
        let save = |version: i64, coping: &str| {
            let version = version.to_string();
            let coping = coping.to_owned();
            let alex = alex.clone();
            let amara = &amara;
            async move {
                let args = [
                    ("client_id", alex.as_str()),
                    ("version", version.as_str()),
                    ("plan[coping]", coping.as_str()),
                ];
                amara.call_value("save-safety-plan", &args).await
            }
        };
        let (_, answer) = save(start + 1, &long).await;
        assert!(invalid_at(&answer, "coping"), "{answer}");
        let (_, answer) = save(start, "Breathing exercise").await;
        assert_eq!(answer["Conflict"]["version"], start + 1, "{answer}");
        let theirs = answer["Conflict"]["theirs"].to_string();
        assert!(theirs.contains("Call my sister first"), "{theirs}");
        let priya = app.browser_signed_in("priya").await;
        let args = [
            ("client_id", alex.as_str()),
            ("version", "0"),
            ("plan[coping]", "Hello"),
        ];
        let (status, _) = priya.call_value("save-safety-plan", &args).await;
        assert_eq!(status, 404);
        assert_eq!(versions(&t.db, &alex).await, start + 1);

        // Two saves over the same version at once: exactly one is kept.
        let (first, second) = tokio::join!(
            save(start + 1, "Breathing exercise"),
            save(start + 1, "Cold water on my face")
        );
        let saved = [&first.1, &second.1]
            .iter()
            .filter(|answer| **answer == "Saved")
            .count();
        assert_eq!(saved, 1, "{}: {first:?} {second:?}", t.engine);
        assert_eq!(versions(&t.db, &alex).await, start + 2);

        // The client saving from the version they opened keeps their words; the case
        // manager's stays in the history.
        let (_, to) = phone.post_form("/safety", &mine).await;
        assert_eq!(to, "/safety?notice=safety_plan_saved_both", "{}", t.engine);
        let amara_id = person_named(&t.db, "amara").await;
        let history = db::safety_plan_history(&t.db, &amara_id, &alex)
            .await
            .unwrap();
        assert_eq!(history.len() as i64, start + 3);
        assert!(history[0].plan.saved_by_client);
        assert_eq!(
            history[0].plan.parts.coping,
            "Call my sister first. Then a walk."
        );
        assert!(!history[1].plan.saved_by_client);
        assert_eq!(history[1].saved_by, "Amara Okafor");
        assert_eq!(
            allowed_entries(&t.db, &alex, &["safety_plan.save"]).await,
            3
        );
        let priyas = db::safety_plan_history(&t.db, "nobody", &alex)
            .await
            .unwrap();
        assert!(priyas.is_empty());

        // The plan is in the phone's copy.
        let copied = first_profile(&phone).await.safety_plan;
        assert_eq!(
            copied.unwrap().parts.coping,
            "Call my sister first. Then a walk."
        );

        // A supporter sees it only with the safety plan's own share.
        let (with_plan, grant) =
            add_supporter(&app, &t, &alex, &[Share::SafetyPlan], "sup.safety").await;
        let (_, shared) = with_plan.get(&format!("/supporting/{grant}")).await;
        assert!(shared.contains("Call my sister first"), "{}", t.engine);
        let (goals_only, grant) =
            add_supporter(&app, &t, &alex, &[Share::Goals], "sup.goals").await;
        let (_, shared) = goals_only.get(&format!("/supporting/{grant}")).await;
        assert!(!shared.contains("Call my sister first") && !shared.contains("My sister"));
        let (_, answer) = goals_only
            .call_value("shared_record", &[("grant_id", grant.as_str())])
            .await;
        assert_eq!(answer["safety_plan"], Value::Null);
        t
    })
    .await;
}
