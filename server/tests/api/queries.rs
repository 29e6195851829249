use crate::helpers::{named, on_each_engine, seeded, sqlite};
use app::db::{self, CheckIn, CheckInOutcome, NewGoal};
use app::domain::{
    stage_steps, AppointmentStatus, GoalStatus, Horizon, LifeDomain, ResourceKind, Stage,
    StageChange, StageSet,
};
use chrono::{Duration, NaiveDate, Utc};

#[tokio::test]
async fn an_empty_database_migrates_and_migrating_again_changes_nothing() {
    on_each_engine(|t| async move {
        // `sqlite()`/`postgres()` already migrated once; a second run must be a no-op.
        t.db.migrate().await.expect("second migration");
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/migrations"))
            .unwrap()
            .count();
        assert_eq!(applied as usize, files, "{}", t.engine);
        let clients: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM client_profiles")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(clients, 0);
        t
    })
    .await;
}

#[tokio::test]
async fn a_sqlite_file_and_its_folder_are_created_on_first_start() {
    let t = sqlite().await;
    let path = t.url.trim_start_matches("sqlite:");
    assert!(std::path::Path::new(path).is_file(), "{path} exists");
    t.cleanup().await;
}

#[tokio::test]
async fn client_home_is_found_only_for_clients() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex");
        let home = db::client_home(&t.db, &alex.client_id)
            .await
            .unwrap()
            .expect("Alex");
        assert_eq!(home.preferred_name, "Alex");
        assert_eq!(home.time_zone, "America/Toronto");
        assert!(home.pharmacy.is_some());
        assert_eq!(db::client_home(&t.db, &db::new_id()).await.unwrap(), None);
        assert_eq!(db::client_home(&t.db, "' OR 1=1 --").await.unwrap(), None);
        assert_eq!(clients.len(), 30);
        assert!(clients.iter().all(|c| c.case_manager.is_some()));
        t
    })
    .await;
}

#[tokio::test]
async fn stage_history_is_oldest_first_and_new_changes_append() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex");
        let history = db::stage_history(&t.db, &alex.client_id).await.unwrap();
        assert_eq!(history.len(), 3, "{}", t.engine);
        assert!(history
            .windows(2)
            .all(|w| w[0].effective_on <= w[1].effective_on));
        assert_eq!(
            history.last().unwrap().stages,
            StageSet::new([Stage::MethadoneMaintenance]).unwrap()
        );

        let change = StageChange {
            stages: StageSet::new([Stage::MethadoneMaintenance, Stage::Stabilisation]).unwrap(),
            effective_on: Utc::now().date_naive() + Duration::days(1),
            note: Some("Adding routines work alongside.".into()),
        };
        let mut tx = t.db.begin().await.unwrap();
        let cm: String = sqlx::query_scalar(
            "SELECT id FROM people WHERE role = 'case_manager' ORDER BY id LIMIT 1",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        db::insert_stage_change(&mut tx, &alex.client_id, &change, &cm, Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let history = db::stage_history(&t.db, &alex.client_id).await.unwrap();
        assert_eq!(history.len(), 4);
        assert_eq!(history.last(), Some(&change));
        let steps = stage_steps(&history);
        assert_eq!(steps.last().unwrap().started, vec![Stage::Stabilisation]);
        t
    })
    .await;
}

#[tokio::test]
async fn the_plan_has_goals_steps_and_kept_revisions() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex");
        let plan = db::support_plan(&t.db, &alex.client_id).await.unwrap();
        let latest = plan.latest.expect("a sent plan");
        assert_eq!(latest.number, 2);
        assert!(latest.summary.starts_with("After our meeting"));
        assert_eq!(plan.goals.len(), 6);
        assert!(
            plan.goals.iter().all(|g| g.steps.len() == 3),
            "{}",
            t.engine
        );
        assert_eq!(plan.goals.iter().filter(|g| g.added_in == 2).count(), 1);
        assert!(plan
            .goals
            .iter()
            .any(|g| g.changed_in == 2 && g.added_in == 1));

        let first = db::plan_snapshot(&t.db, &alex.client_id, 1)
            .await
            .unwrap()
            .expect("revision 1");
        let second = db::plan_snapshot(&t.db, &alex.client_id, 2)
            .await
            .unwrap()
            .expect("revision 2");
        assert_eq!((first.len(), second.len()), (5, 6));
        assert_eq!(second, plan.goals);
        assert_eq!(
            db::plan_snapshot(&t.db, &alex.client_id, 3).await.unwrap(),
            None
        );

        // Another client's plan is theirs alone.
        let bea = named(&clients, "Bea");
        let beas = db::support_plan(&t.db, &bea.client_id).await.unwrap();
        assert!(beas
            .goals
            .iter()
            .all(|g| !plan.goals.iter().any(|a| a.id == g.id)));
        t
    })
    .await;
}

#[tokio::test]
async fn appointments_are_listed_in_a_window_and_scoped_to_the_client() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let (alex, bea) = (named(&clients, "Alex"), named(&clients, "Bea"));
        let now = Utc::now().naive_utc();
        let all = db::appointments_between(
            &t.db,
            &alex.client_id,
            now - Duration::days(70),
            now + Duration::days(40),
        )
        .await
        .unwrap();
        assert!(all.len() >= 5, "{}: {}", t.engine, all.len());
        assert!(all.windows(2).all(|w| w[0].starts_at <= w[1].starts_at));
        assert!(
            all.iter().any(|a| a.repeats_weekly),
            "Alex has a weekly pick-up"
        );
        let soon = db::appointments_between(&t.db, &alex.client_id, now, now + Duration::days(7))
            .await
            .unwrap();
        assert!(soon
            .iter()
            .all(|a| a.starts_at >= now && a.starts_at < now + Duration::days(7)));

        let own = &all[0];
        assert_eq!(
            db::appointment_of_client(&t.db, &alex.client_id, &own.id)
                .await
                .unwrap()
                .as_ref(),
            Some(own)
        );
        assert_eq!(
            db::appointment_of_client(&t.db, &bea.client_id, &own.id)
                .await
                .unwrap(),
            None
        );

        let mut tx = t.db.begin().await.unwrap();
        assert!(!db::set_appointment_status(
            &mut tx,
            &bea.client_id,
            own.id.as_str(),
            AppointmentStatus::Cancelled
        )
        .await
        .unwrap());
        assert!(db::set_appointment_status(
            &mut tx,
            &alex.client_id,
            own.id.as_str(),
            AppointmentStatus::Attended
        )
        .await
        .unwrap());
        tx.commit().await.unwrap();
        let after = db::appointment_of_client(&t.db, &alex.client_id, &own.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after.status, AppointmentStatus::Attended);
        t
    })
    .await;
}

#[tokio::test]
async fn referrals_put_open_ones_first() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        for client in &clients {
            let referrals = db::referrals_of_client(&t.db, &client.client_id)
                .await
                .unwrap();
            assert_eq!(referrals.len(), 2, "{}", t.engine);
            let open: Vec<bool> = referrals.iter().map(|r| r.status.is_open()).collect();
            let mut sorted = open.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(open, sorted);
            assert!(referrals
                .iter()
                .all(|r| r.status.is_open() == r.next_step.is_some()));
        }
        t
    })
    .await;
}

#[tokio::test]
async fn resources_show_picked_ones_first_and_a_crisis_line() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex");
        let resources = db::resources_for_client(&t.db, &alex.client_id)
            .await
            .unwrap();
        assert_eq!(resources.len(), 22, "{}", t.engine);
        assert!(resources[0].recommended && resources[1].recommended);
        assert_eq!(resources.iter().filter(|r| r.recommended).count(), 2);
        let line = db::crisis_line_for_client(&t.db, &alex.client_id)
            .await
            .unwrap()
            .expect("crisis line");
        assert_eq!(line.kind, ResourceKind::CrisisLine);
        assert!(line.phone.is_some());
        // Someone who is not a client of any program gets none.
        assert!(db::resources_for_client(&t.db, &db::new_id())
            .await
            .unwrap()
            .is_empty());
        t
    })
    .await;
}

#[tokio::test]
async fn check_ins_are_kept_once_and_only_for_the_clients_own_records() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let (alex, bea) = (named(&clients, "Alex"), named(&clients, "Bea"));
        let now = Utc::now().naive_utc();
        let alexs = db::appointments_between(&t.db, &alex.client_id, now, now + Duration::days(40))
            .await
            .unwrap();
        let appointment = alexs[0].id.as_str();
        let step = db::support_plan(&t.db, &alex.client_id)
            .await
            .unwrap()
            .goals[0]
            .steps[0]
            .id
            .clone();

        let mut tx = t.db.begin().await.unwrap();
        let confirm = CheckIn::AppointmentConfirmed {
            appointment_id: appointment,
        };
        assert_eq!(
            db::record_check_in(
                &mut tx,
                &alex.client_id,
                &confirm,
                "key-1",
                None,
                Utc::now()
            )
            .await
            .unwrap(),
            CheckInOutcome::Recorded
        );
        assert_eq!(
            db::record_check_in(
                &mut tx,
                &alex.client_id,
                &confirm,
                "key-1",
                None,
                Utc::now()
            )
            .await
            .unwrap(),
            CheckInOutcome::AlreadyRecorded
        );
        assert_eq!(
            db::record_check_in(&mut tx, &bea.client_id, &confirm, "key-2", None, Utc::now())
                .await
                .unwrap(),
            CheckInOutcome::NotFound
        );
        let done = CheckIn::StepDone {
            step_id: step.as_str(),
        };
        assert_eq!(
            db::record_check_in(&mut tx, &bea.client_id, &done, "key-3", None, Utc::now())
                .await
                .unwrap(),
            CheckInOutcome::NotFound
        );
        assert_eq!(
            db::record_check_in(&mut tx, &alex.client_id, &done, "key-3", None, Utc::now())
                .await
                .unwrap(),
            CheckInOutcome::Recorded
        );
        let cant = CheckIn::CantCome {
            appointment_id: appointment,
            note: Some("My shift changed"),
        };
        assert_eq!(
            db::record_check_in(&mut tx, &alex.client_id, &cant, "key-4", None, Utc::now())
                .await
                .unwrap(),
            CheckInOutcome::Recorded
        );
        tx.commit().await.unwrap();

        let kept = db::check_ins_of_client(&t.db, &alex.client_id)
            .await
            .unwrap();
        let kinds: Vec<&str> = kept.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds.len(), 3, "{}", t.engine);
        assert!(kinds.contains(&"appointment_confirmed") && kinds.contains(&"step_done"));
        assert!(db::check_ins_of_client(&t.db, &bea.client_id)
            .await
            .unwrap()
            .is_empty());
        t
    })
    .await;
}

#[tokio::test]
async fn the_schema_refuses_empty_text_unknown_codes_and_dangling_references() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex");
        let plan_id: String =
            sqlx::query_scalar("SELECT id FROM support_plans WHERE client_id = $1")
                .bind(&alex.client_id)
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let goal = |own_words: &'static str| NewGoal {
            domain: LifeDomain::Housing,
            horizon: Horizon::ShortTerm,
            own_words,
            status: GoalStatus::NotStarted,
            target_on: Some(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
            position: 9,
            revision: 3,
        };
        let mut tx = t.db.begin().await.unwrap();
        assert!(
            db::insert_goal(&mut tx, &plan_id, &goal("   "))
                .await
                .is_err(),
            "{}: blank goal",
            t.engine
        );
        drop(tx);
        let mut tx = t.db.begin().await.unwrap();
        assert!(
            db::insert_goal(&mut tx, &db::new_id(), &goal("A real goal"))
                .await
                .is_err(),
            "unknown plan"
        );
        drop(tx);
        let bad_status = sqlx::query("UPDATE goals SET status = 'finished-ish' WHERE plan_id = $1")
            .bind(&plan_id)
            .execute(t.db.pool())
            .await;
        assert!(bad_status.is_err(), "unknown status code");
        let bad_stage = sqlx::query(
            "INSERT INTO stage_change_stages (stage_change_id, stage)
             SELECT id, 'recovered' FROM stage_changes LIMIT 1",
        )
        .execute(t.db.pool())
        .await;
        assert!(bad_stage.is_err(), "unknown stage code");
        // Nothing of the refused writes is there.
        let plan = db::support_plan(&t.db, &alex.client_id).await.unwrap();
        assert_eq!(plan.goals.len(), 6);
        t
    })
    .await;
}
