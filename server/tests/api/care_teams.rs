//! Care teams on both engines: a case manager hands a client over (once, even when two try
//! at the same moment), an admin sets a team and the office's details, and the client sees
//! who their team is and how to reach them, on Today and in the phone's copy.
use crate::helpers::{id_of, invalid_at, on_each_engine, seeded_app, TestApp};
use app::db;
use app::domain::{DeviceCopy, SyncAnswer, SyncItem};
use serde_json::Value;

async fn call(browser: &TestApp, endpoint: &str, args: &[(&str, &str)]) -> (u16, Value) {
    browser.call_value(endpoint, args).await
}

async fn id_of_staff(db: &db::Db, sign_in_name: &str) -> String {
    db::person_with_sign_in_name(db, sign_in_name)
        .await
        .unwrap()
        .unwrap()
}

async fn team_of(db: &db::Db, client: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT case_manager_id, role FROM care_team WHERE client_id = $1 ORDER BY role")
        .bind(client)
        .fetch_all(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_case_manager_hands_a_client_over_once_with_a_note() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let (amara_id, daniel_id, priya_id, sam_id) = (
            id_of_staff(&t.db, "amara").await,
            id_of_staff(&t.db, "daniel").await,
            id_of_staff(&t.db, "priya").await,
            id_of_staff(&t.db, "sam.admin").await,
        );
        let amara = app.browser_signed_in("amara").await;
        let hand = |to: String, note: String| {
            let (amara, alex) = (&amara, alex.clone());
            async move {
                let args = [
                    ("client_id", alex.as_str()),
                    ("handover[to]", to.as_str()),
                    ("handover[note]", note.as_str()),
                ];
                call(amara, "hand-over", &args).await
            }
        };
        let before = team_of(&t.db, &alex).await;
        let fine = "Housing form is due Friday; she prefers texts.".to_owned();
        for (to, note, field) in [
            (priya_id.clone(), "   ".to_owned(), "note"),
            (priya_id.clone(), "a".repeat(10_000), "note"),
            (priya_id.clone(), "bell\u{7}".to_owned(), "note"),
            ("priya".to_owned(), fine.clone(), "to"),
            (amara_id.clone(), fine.clone(), "to"),
            (sam_id.clone(), fine.clone(), "to"),
        ] {
            let (status, answer) = hand(to, note).await;
            assert_eq!(status, 200);
            assert!(invalid_at(&answer, field), "{field}: {answer}");
        }
        assert_eq!(team_of(&t.db, &alex).await, before, "{}", t.engine);

        // Two hand-overs at the same moment, to two colleagues: exactly one goes through.
        let (first, second) = tokio::join!(
            hand(priya_id.clone(), fine.clone()),
            hand(daniel_id.clone(), fine.clone())
        );
        let saved = [&first, &second]
            .iter()
            .filter(|(_, answer)| *answer == "Saved")
            .count();
        assert_eq!(saved, 1, "{first:?} {second:?} on {}", t.engine);
        let team = team_of(&t.db, &alex).await;
        assert_eq!(
            team.iter().filter(|(_, role)| role == "primary").count(),
            1,
            "{team:?}"
        );
        assert!(!team.iter().any(|(id, _)| *id == amara_id));

        // Alex has left Amara's caseload; her caseload lists the handover with its note.
        let (status, _) = call(&amara, "client-record", &[("client_id", &alex)]).await;
        assert_eq!(status, 404);
        let (_, caseload) = call(&amara, "caseload", &[]).await;
        let handed = caseload["handed_over"].as_array().unwrap();
        assert_eq!(handed[0]["preferred_name"], "Alex");
        assert_eq!(handed[0]["note"], fine.as_str());
        // Whoever took over sees the note on the record.
        let taker = if team.iter().any(|(id, _)| *id == priya_id) {
            "priya"
        } else {
            "daniel"
        };
        let taker = app.browser_signed_in(taker).await;
        let (status, record) = call(&taker, "client-record", &[("client_id", &alex)]).await;
        assert_eq!(status, 200, "{record}");
        assert_eq!(record["part"]["handover"]["note"], fine.as_str());
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'care_team.handover'
             AND client_id = $1 AND outcome = 'allowed'",
        )
        .bind(&alex)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        assert_eq!(audited, 1);

        // Someone not on the team cannot hand the client anywhere.
        let (status, _) = hand(priya_id.clone(), fine.clone()).await;
        assert_eq!(status, 404);
        t
    })
    .await;
}

#[tokio::test]
async fn an_admin_sets_teams_and_the_office_and_the_client_sees_them() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let bea = id_of(&clients, "Bea");
        let (amara_id, priya_id, sam_id) = (
            id_of_staff(&t.db, "amara").await,
            id_of_staff(&t.db, "priya").await,
            id_of_staff(&t.db, "sam.admin").await,
        );
        let sam = app.browser_signed_in("sam.admin").await;
        let set = |primary: &str, secondary: &str| {
            let (sam, bea) = (&sam, bea.clone());
            let (primary, secondary) = (primary.to_owned(), secondary.to_owned());
            async move {
                let args = [
                    ("client_id", bea.as_str()),
                    ("team[primary]", primary.as_str()),
                    ("team[secondary]", secondary.as_str()),
                ];
                call(sam, "set-care-team", &args).await
            }
        };
        let before = team_of(&t.db, &bea).await;
        for (primary, secondary, field) in [
            (priya_id.as_str(), priya_id.as_str(), "secondary"),
            ("", "", "primary"),
            (sam_id.as_str(), "", "primary"),
        ] {
            let (_, answer) = set(primary, secondary).await;
            assert!(invalid_at(&answer, field), "{field}: {answer}");
        }
        assert_eq!(team_of(&t.db, &bea).await, before);
        let (_, saved) = set(&priya_id, &amara_id).await;
        assert_eq!(saved, "Saved", "{}", t.engine);
        assert_eq!(
            team_of(&t.db, &bea).await,
            vec![
                (priya_id.clone(), "primary".to_owned()),
                (amara_id.clone(), "secondary".to_owned())
            ]
        );
        // A case manager cannot set teams.
        let amara = app.browser_signed_in("amara").await;
        let args = [
            ("client_id", bea.as_str()),
            ("team[primary]", amara_id.as_str()),
        ];
        let (status, _) = call(&amara, "set-care-team", &args).await;
        assert_eq!(status, 404);

        // The office's details: checked, then saved; a case manager's line too.
        for (phone, hours, field) in [
            ("ring us", "", "phone"),
            ("", &*"a".repeat(10_000), "hours"),
            ("", "9\u{0}5", "hours"),
        ] {
            let args = [("office[phone]", phone), ("office[hours]", hours)];
            let (_, answer) = call(&sam, "set-office", &args).await;
            assert!(invalid_at(&answer, field), "{field}: {answer}");
        }
        let args = [
            ("office[phone]", "416-555-0199"),
            ("office[hours]", "Weekdays 8:30 to 4:30"),
        ];
        assert_eq!(call(&sam, "set-office", &args).await.1, "Saved");
        let args = [
            ("person_id", priya_id.as_str()),
            ("staff[phone]", "416-555-0177"),
        ];
        assert_eq!(call(&sam, "set-work-phone", &args).await.1, "Saved");
        let args = [
            ("person_id", bea.as_str()),
            ("staff[phone]", "416-555-0177"),
        ];
        assert_eq!(
            call(&sam, "set-work-phone", &args).await.0,
            404,
            "a client is not staff"
        );

        // Bea sees her team, their lines and the office on Today, and in her phone's copy.
        let phone = app.browser_signed_in("bea").await;
        let (_, today) = phone.get("/").await;
        for shown in [
            "Your care team",
            "Priya Natarajan",
            "416-555-0177",
            "Weekdays 8:30 to 4:30",
        ] {
            assert!(today.contains(shown), "{shown}");
        }
        let (_, body) = phone
            .post_json("/api/v1/sync", &DeviceCopy::default().request())
            .await;
        let answer: SyncAnswer = serde_json::from_str(&body).unwrap();
        let team = answer
            .changed
            .iter()
            .find_map(|item| match item {
                SyncItem::Profile(profile) => Some(profile.care_team.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(team.members[0].name, "Priya Natarajan");
        assert!(team.members[0].primary);
        assert_eq!(team.office_hours.as_deref(), Some("Weekdays 8:30 to 4:30"));
        t
    })
    .await;
}
