//! The case manager's workspace on both engines: drafts sent as revisions, version conflicts
//! between two editors, and the client's check-ins, through the real HTTP routes.
use crate::helpers::{id_of, on_each_engine, seeded, seeded_app, TestApp};
use app::db::{self, CheckIn, CheckInOutcome, Saved};
use app::domain::{Attention, GoalChange, GoalFields, GoalStatus, Horizon, LifeDomain, PlainText};
use chrono::{Duration, Utc};
use serde_json::Value;

fn goal_args<'a>(
    client_id: &'a str,
    goal_id: &'a str,
    version: &'a str,
    own_words: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("client_id", client_id),
        ("goal_id", goal_id),
        ("version", version),
        ("goal[domain]", "housing"),
        ("goal[horizon]", "short_term"),
        ("goal[own_words]", own_words),
        ("goal[status]", "in_progress"),
        ("goal[target_on]", ""),
    ]
}

async fn call_json(browser: &TestApp, endpoint: &str, args: &[(&str, &str)]) -> Value {
    let (status, body) = browser.call(endpoint, args).await;
    assert_eq!(status, 200, "{endpoint}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn a_draft_reaches_the_client_only_when_sent_and_every_revision_is_kept() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let amara = app.browser_signed_in("amara").await;
        let before = db::support_plan(&t.db, &alex).await.unwrap();
        assert_eq!(before.latest.as_ref().map(|r| r.number), Some(2));

        // Nothing changed yet: there is nothing to send.
        let nothing = call_json(
            &amara,
            "send-plan",
            &[
                ("client_id", &alex),
                ("after_revision", "2"),
                ("summary", "Hello"),
            ],
        )
        .await;
        assert_eq!(nothing, "NothingToSend", "{}", t.engine);

        let saved = call_json(
            &amara,
            "save-goal",
            &goal_args(&alex, "", "0", "Find a quieter flat"),
        )
        .await;
        assert_eq!(saved, "Saved");
        // A draft: the client's plan is still revision 2, without the new goal.
        let draft_time = db::support_plan(&t.db, &alex).await.unwrap();
        assert_eq!(draft_time.goals, before.goals, "{}", t.engine);

        // A summary is required, and said at its field.
        let invalid = call_json(
            &amara,
            "send-plan",
            &[
                ("client_id", &alex),
                ("after_revision", "2"),
                ("summary", "  "),
            ],
        )
        .await;
        assert_eq!(invalid["Invalid"][0]["field"], "summary");
        // Someone else's newer update is not sent over.
        let outdated = call_json(
            &amara,
            "send-plan",
            &[
                ("client_id", &alex),
                ("after_revision", "1"),
                ("summary", "Hi"),
            ],
        )
        .await;
        assert_eq!(outdated, "Outdated");

        let sent = call_json(
            &amara,
            "send-plan",
            &[
                ("client_id", &alex),
                ("after_revision", "2"),
                ("summary", "We added finding a quieter flat."),
            ],
        )
        .await;
        assert_eq!(sent, "Saved");
        let after = db::support_plan(&t.db, &alex).await.unwrap();
        let latest = after.latest.clone().unwrap();
        assert_eq!(latest.number, 3);
        assert_eq!(latest.summary, "We added finding a quieter flat.");
        assert_eq!(after.goals.len(), before.goals.len() + 1);
        let added: Vec<_> = after
            .changes
            .iter()
            .map(|c| (c.change, c.own_words.as_str()))
            .collect();
        assert_eq!(added, vec![(GoalChange::Added, "Find a quieter flat")]);

        // Every revision is kept; any two can be compared.
        let revisions = db::plan_revisions(&t.db, &alex).await.unwrap();
        assert_eq!(
            revisions.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![3, 2, 1]
        );
        let comparison = call_json(
            &amara,
            "compare-revisions",
            &[("client_id", &alex), ("from", "1"), ("to", "3")],
        )
        .await;
        let changes: Vec<&str> = comparison["differences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["change"].as_str().unwrap())
            .collect();
        assert!(
            changes.contains(&"Added") && changes.contains(&"Updated"),
            "{changes:?}"
        );
        // A revision that does not exist is simply not found.
        let (status, _) = amara
            .call(
                "compare-revisions",
                &[("client_id", &alex), ("from", "1"), ("to", "9")],
            )
            .await;
        assert_eq!(status, 404);
        t
    })
    .await;
}

#[tokio::test]
async fn the_second_of_two_editors_is_refused_and_shown_both_versions() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        // Alex's care team: Amara (primary) and Daniel.
        let amara = app.browser_signed_in("amara").await;
        let daniel = app.browser_signed_in("daniel").await;
        let goal = db::working_plan(&t.db, &alex).await.unwrap().remove(0);
        let id = goal.id.to_string();
        let version = goal.version.to_string();

        let first = call_json(
            &amara,
            "save-goal",
            &goal_args(&alex, &id, &version, "Amara's words"),
        )
        .await;
        assert_eq!(first, "Saved");
        let second = call_json(
            &daniel,
            "save-goal",
            &goal_args(&alex, &id, &version, "Daniel's words"),
        )
        .await;
        let conflict = &second["Conflict"];
        assert_eq!(conflict["theirs"][0][1], "Amara's words", "{}", t.engine);
        assert_eq!(conflict["yours"][0][1], "Daniel's words");
        let stored = db::working_plan(&t.db, &alex).await.unwrap().remove(0);
        assert_eq!(stored.own_words, "Amara's words", "nothing was overwritten");
        assert_eq!(stored.version, goal.version + 1);

        // Knowingly saving over theirs, with their version, goes through.
        let newer = conflict["version"].to_string();
        let again = call_json(
            &daniel,
            "save-goal",
            &goal_args(&alex, &id, &newer, "Daniel's words"),
        )
        .await;
        assert_eq!(again, "Saved");

        // Fields are checked on the server, each named; nothing is half-saved.
        let invalid = call_json(
            &daniel,
            "save-goal",
            &[
                ("client_id", &alex),
                ("goal_id", &id),
                ("version", &(goal.version + 2).to_string()),
                ("goal[domain]", "moon"),
                ("goal[horizon]", "short_term"),
                ("goal[own_words]", &"x".repeat(500)),
                ("goal[status]", "in_progress"),
                ("goal[target_on]", "2026-02-30"),
            ],
        )
        .await;
        let fields: Vec<&str> = invalid["Invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, vec!["own_words", "domain", "target_on"]);
        assert_eq!(
            db::working_plan(&t.db, &alex).await.unwrap()[0].own_words,
            "Daniel's words"
        );

        // A stale step save is refused the same way.
        let step = &goal.steps[0];
        let (step_id, step_version) = (step.id.to_string(), step.version.to_string());
        let step_args = |description: &'static str| {
            vec![
                ("client_id", alex.as_str()),
                ("goal_id", id.as_str()),
                ("step_id", step_id.as_str()),
                ("version", step_version.as_str()),
                ("step[description]", description),
                ("step[doer]", "client"),
                ("step[due_on]", ""),
                ("step[done_on]", ""),
            ]
        };
        let first_step = call_json(&amara, "save-step", &step_args("First wording")).await;
        assert_eq!(first_step, "Saved");
        let second_step = call_json(&daniel, "save-step", &step_args("Second wording")).await;
        assert!(second_step.get("Conflict").is_some(), "{second_step}");
        t
    })
    .await;
}

#[tokio::test]
async fn concurrent_saves_of_one_version_let_exactly_one_through() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = id_of(&clients, "Alex");
        let goal = db::working_plan(&t.db, &alex).await.unwrap().remove(0);
        let mut tasks = Vec::new();
        for n in 0..6 {
            let db = t.db.clone();
            let alex = alex.clone();
            let goal_id = goal.id.clone();
            let version = goal.version;
            tasks.push(tokio::spawn(async move {
                let fields = GoalFields {
                    domain: LifeDomain::Housing,
                    horizon: Horizon::ShortTerm,
                    own_words: PlainText::parse(&format!("Editor {n}"), 200).unwrap(),
                    status: GoalStatus::InProgress,
                    target_on: None,
                };
                // A writer that loses the race for the lock may fail outright on SQLite
                // (busy); that is a refusal too, and nothing of it is saved.
                let mut tx = db.begin().await.ok()?;
                let saved =
                    db::save_goal(&mut tx, &alex, Some(&goal_id), version, &fields, Utc::now())
                        .await
                        .ok()?;
                tx.commit().await.ok()?;
                Some(saved)
            }));
        }
        let mut saved = 0;
        for task in tasks {
            if let Some(Saved::Saved { .. }) = task.await.unwrap() {
                saved += 1;
            }
        }
        assert_eq!(saved, 1, "{}", t.engine);
        let stored = db::working_plan(&t.db, &alex).await.unwrap().remove(0);
        assert_eq!(stored.version, goal.version + 1);
        t
    })
    .await;
}

#[tokio::test]
async fn check_ins_are_kept_once_each_and_reach_the_case_manager() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let client = app.browser_signed_in("alex").await;
        let plan = db::support_plan(&t.db, &alex).await.unwrap();
        let step = plan
            .goals
            .iter()
            .flat_map(|g| &g.steps)
            .find(|s| s.done_on.is_none())
            .unwrap()
            .clone();
        let key = "0123456789abcdef0123456789abcdef";
        // The same form sent twice (a double tap) counts once.
        for _ in 0..2 {
            let (status, to) = client
                .post_form(
                    "/check-ins/step",
                    &[("step_id", step.id.as_str()), ("key", key)],
                )
                .await;
            assert_eq!((status, to.as_str()), (303, "/plan?notice=step_done"));
        }
        // The client sees the step done at once, before any new revision.
        let plan = db::support_plan(&t.db, &alex).await.unwrap();
        let ticked = plan
            .goals
            .iter()
            .flat_map(|g| &g.steps)
            .find(|s| s.id == step.id)
            .unwrap();
        assert!(ticked.done_on.is_some(), "{}", t.engine);

        // A confirmation of an appointment cancelled meanwhile is kept, and the appointment
        // stays cancelled.
        let now = Utc::now().naive_utc();
        let upcoming = db::appointments_between(&t.db, &alex, now, now + Duration::days(30))
            .await
            .unwrap();
        let cancelled = &upcoming[0];
        let mut tx = t.db.begin().await.unwrap();
        db::set_appointment_status(
            &mut tx,
            &alex,
            cancelled.id.as_str(),
            app::domain::AppointmentStatus::Cancelled,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let outcome = db::record_check_in(
            &mut tx,
            &alex,
            &CheckIn::AppointmentConfirmed {
                appointment_id: cancelled.id.as_str(),
            },
            "device-key-1",
            None,
            Utc::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(outcome, CheckInOutcome::Recorded);
        let still = db::appointment_of_client(&t.db, &alex, &cancelled.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(still.status, app::domain::AppointmentStatus::Cancelled);

        // "I can't make it", with a note, on another appointment.
        let other = upcoming[1].id.to_string();
        let (status, _) = client
            .post_form(
                "/check-ins/appointment",
                &[
                    ("appointment_id", &other),
                    ("answer", "cant_come"),
                    ("note", "My shift changed"),
                    ("key", key),
                ],
            )
            .await;
        assert_eq!(status, 303);
        // A note over the limit is refused, not cut short.
        let (_, to) = client
            .post_form(
                "/check-ins/appointment",
                &[
                    ("appointment_id", &other),
                    ("answer", "cant_come"),
                    ("note", &"x".repeat(301)),
                    ("key", "fedcba9876543210fedcba9876543210"),
                ],
            )
            .await;
        assert!(to.ends_with("problem=note_too_long"), "{to}");

        let stored = db::check_ins_of_client(&t.db, &alex).await.unwrap();
        assert_eq!(stored.len(), 3, "{stored:?}");

        // The case manager sees them as new, on the caseload and the record, until read.
        let amara_id: String =
            sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'amara'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let local_now = Utc::now().naive_utc();
        let overview = db::caseload_overview(&t.db, &amara_id, local_now)
            .await
            .unwrap();
        let row = overview.iter().find(|c| c.client_id == alex).unwrap();
        assert!(row.attention.contains(&Attention::NewCheckIn));
        let seen = db::check_ins_for_case_manager(&t.db, &amara_id, &alex, local_now.date(), 50)
            .await
            .unwrap();
        assert_eq!(seen.len(), 3);
        assert!(seen.iter().all(|c| c.new));
        assert!(seen
            .iter()
            .any(|c| c.note.as_deref() == Some("My shift changed")));
        let amara = app.browser_signed_in("amara").await;
        assert_eq!(
            call_json(&amara, "check-ins-seen", &[("client_id", &alex)]).await,
            "Saved"
        );
        let overview = db::caseload_overview(&t.db, &amara_id, local_now)
            .await
            .unwrap();
        let row = overview.iter().find(|c| c.client_id == alex).unwrap();
        assert!(!row.attention.contains(&Attention::NewCheckIn));
        // Read by one case manager is still new for the other on the team.
        let daniel_id: String =
            sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'daniel'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let for_daniel =
            db::check_ins_for_case_manager(&t.db, &daniel_id, &alex, local_now.date(), 50)
                .await
                .unwrap();
        assert!(for_daniel.iter().all(|c| c.new));
        t
    })
    .await;
}

#[tokio::test]
async fn a_retired_service_stays_on_old_referrals_and_is_offered_no_more() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let admin = app.browser_signed_in("sam.admin").await;
        let amara = app.browser_signed_in("amara").await;
        let referral = db::referrals_of_client(&t.db, &alex)
            .await
            .unwrap()
            .remove(0);
        let service_id: String =
            sqlx::query_scalar("SELECT service_id FROM referrals WHERE id = $1")
                .bind(referral.id.as_str())
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let retired = call_json(
            &admin,
            "retire-entry",
            &[("part", "service"), ("entry_id", &service_id)],
        )
        .await;
        assert_eq!(retired, "Saved", "{}", t.engine);
        let still = db::referrals_of_client(&t.db, &alex).await.unwrap();
        assert!(still
            .iter()
            .any(|r| r.service.name == referral.service.name));
        let directory = call_json(
            &amara,
            "client-record",
            &[("client_id", &alex), ("section", "referrals")],
        )
        .await;
        let offered: Vec<&str> = directory["part"]["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert!(!offered.contains(&service_id.as_str()));
        let (status, _) = amara
            .call(
                "add-referral",
                &[
                    ("client_id", &alex),
                    ("referral[service_id]", &service_id),
                    ("referral[domain]", "housing"),
                    ("referral[status]", "suggested"),
                ],
            )
            .await;
        assert_eq!(status, 404, "no new referral to a retired service");
        // A case manager cannot change the directory.
        let (status, _) = amara
            .call(
                "retire-entry",
                &[("part", "service"), ("entry_id", &service_id)],
            )
            .await;
        assert_eq!(status, 404);

        // Choosing a resource for the client is idempotent, and can be undone.
        let resource = db::resources_for_client(&t.db, &alex)
            .await
            .unwrap()
            .into_iter()
            .find(|r| !r.recommended)
            .unwrap();
        for _ in 0..2 {
            let chosen = call_json(
                &amara,
                "choose-resource",
                &[
                    ("client_id", &alex),
                    ("resource_id", resource.id.as_str()),
                    ("chosen", "yes"),
                ],
            )
            .await;
            assert_eq!(chosen, "Saved");
        }
        let listed = db::resources_for_client(&t.db, &alex).await.unwrap();
        assert!(listed.iter().any(|r| r.id == resource.id && r.recommended));
        call_json(
            &amara,
            "choose-resource",
            &[
                ("client_id", &alex),
                ("resource_id", resource.id.as_str()),
                ("chosen", "no"),
            ],
        )
        .await;
        let listed = db::resources_for_client(&t.db, &alex).await.unwrap();
        assert!(listed.iter().any(|r| r.id == resource.id && !r.recommended));
        t
    })
    .await;
}

#[tokio::test]
async fn moving_a_goal_changes_the_order_the_client_sees_once_sent() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let amara = app.browser_signed_in("amara").await;
        let before = db::working_plan(&t.db, &alex).await.unwrap();
        let first = before[0].id.to_string();
        let moved = call_json(
            &amara,
            "move-goal",
            &[
                ("client_id", &alex),
                ("goal_id", &first),
                ("direction", "down"),
            ],
        )
        .await;
        assert_eq!(moved, "Saved");
        let after = db::working_plan(&t.db, &alex).await.unwrap();
        assert_eq!(after[1].id, before[0].id, "{}", t.engine);
        assert_eq!(after[0].id, before[1].id);
        // The top goal cannot go higher; nothing changes.
        let top = after[0].id.to_string();
        call_json(
            &amara,
            "move-goal",
            &[("client_id", &alex), ("goal_id", &top), ("direction", "up")],
        )
        .await;
        assert_eq!(db::working_plan(&t.db, &alex).await.unwrap(), after);
        let sent = call_json(
            &amara,
            "send-plan",
            &[
                ("client_id", &alex),
                ("after_revision", "2"),
                ("summary", "New order"),
            ],
        )
        .await;
        assert_eq!(sent, "Saved");
        let plan = db::support_plan(&t.db, &alex).await.unwrap();
        assert_eq!(plan.goals[1].id, before[0].id);
        assert!(plan.changes.iter().all(|c| c.change == GoalChange::Updated));
        t
    })
    .await;
}

/// Two case managers send the same draft at the same moment: one update is sent, the other
/// hears that someone sent one meanwhile. Never an error (on PostgreSQL the two would take
/// the same revision number).
#[tokio::test]
async fn two_updates_sent_at_once_send_one_and_tell_the_other() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let (first, second) = (
            app.browser_signed_in("amara").await,
            app.browser_signed_in("amara").await,
        );
        for round in 0..6 {
            let words = format!("Goal number {round}");
            let saved = call_json(&first, "save-goal", &goal_args(&alex, "", "0", &words)).await;
            assert_eq!(saved, "Saved");
            let latest = db::support_plan(&t.db, &alex)
                .await
                .unwrap()
                .latest
                .map_or(0, |r| r.number)
                .to_string();
            let send = |browser: &TestApp| {
                let (browser, alex, latest) = (browser.clone(), alex.clone(), latest.clone());
                async move {
                    let args = [
                        ("client_id", alex.as_str()),
                        ("after_revision", latest.as_str()),
                        ("summary", "A new goal."),
                    ];
                    browser.call("send-plan", &args).await
                }
            };
            let (a, b) = tokio::join!(send(&first), send(&second));
            let mut answers = vec![a, b];
            answers.sort();
            assert_eq!(
                answers,
                vec![
                    (200, "\"Outdated\"".to_owned()),
                    (200, "\"Saved\"".to_owned())
                ],
                "{} round {round}",
                t.engine
            );
        }
        t
    })
    .await;
}

#[tokio::test]
async fn each_section_of_a_record_loads_its_own_part_for_the_care_team_only() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let bea = id_of(&clients, "Bea");
        let amara = app.browser_signed_in("amara").await;
        let sections = [
            ("overview", "read.client_record", "attention"),
            ("plan", "read.client_plan", "goals"),
            ("appointments", "read.client_appointments", "appointments"),
            ("referrals", "read.client_referrals", "referrals"),
            ("notes", "read.case_notes", "notes"),
            ("history", "read.client_history", "stages"),
        ];
        for (section, action, field) in sections {
            let record = call_json(
                &amara,
                "client-record",
                &[("client_id", &alex), ("section", section)],
            )
            .await;
            let part = record["part"].as_object().unwrap();
            assert_eq!(part["section"], section, "{}", t.engine);
            assert!(part.contains_key(field), "{section}: {part:?}");
            // Only the section's own part: the plan is not in the overview, and so on.
            let others = [
                "attention",
                "goals",
                "appointments",
                "referrals",
                "notes",
                "stages",
            ];
            for other in others.iter().filter(|o| **o != field) {
                assert!(!part.contains_key(*other), "{section} carries {other}");
            }
            let audited: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_events
                 WHERE action = $1 AND client_id = $2 AND outcome = 'allowed'",
            )
            .bind(action)
            .bind(&alex)
            .fetch_one(t.db.pool())
            .await
            .unwrap();
            assert_eq!(audited, 1, "{section} on {}", t.engine);
            // Bea is not on Amara's caseload: every section answers as for no one.
            let (status, _) = amara
                .call(
                    "client-record",
                    &[("client_id", &bea), ("section", section)],
                )
                .await;
            assert_eq!(status, 404, "{section} of someone else's client");
        }
        let (status, _) = amara
            .call(
                "client-record",
                &[("client_id", &alex), ("section", "diary")],
            )
            .await;
        assert_eq!(status, 400, "an unknown section");
        // A page of each section, rendered whole on the server.
        for path in [
            "",
            "/plan",
            "/appointments",
            "/referrals",
            "/notes",
            "/history",
        ] {
            let (status, body) = amara.get(&format!("/caseload/{alex}{path}")).await;
            assert_eq!(status, 200, "{path}");
            assert!(body.contains("Parts of the record"), "{path}");
        }
        t
    })
    .await;
}
