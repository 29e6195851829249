use crate::helpers::{on_each_engine, seeded};
use app::db::{self, Db};
use app::domain::{
    stage_steps, AppointmentKind, GoalStatus, Horizon, LifeDomain, ReferralStatus, Stage,
    StageDirection,
};
use chrono::{Duration, Utc};
use server::demo::{self, SeedOutcome};
use std::collections::HashSet;

const TABLES: [&str; 18] = [
    "organisations",
    "people",
    "client_profiles",
    "care_team",
    "stage_changes",
    "stage_change_stages",
    "support_plans",
    "plan_revisions",
    "goals",
    "steps",
    "appointment_series",
    "appointments",
    "services",
    "referrals",
    "referral_handovers",
    "resources",
    "safety_plan_versions",
    "plan_suggestions",
];

async fn counts(db: &Db) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(db.pool())
                .await
                .unwrap(),
        );
    }
    counts
}

#[tokio::test]
async fn seeding_twice_adds_nothing() {
    on_each_engine(|t| async move {
        assert_eq!(
            demo::seed(&t.db, Utc::now()).await.unwrap(),
            SeedOutcome::Created
        );
        let first = counts(&t.db).await;
        assert!(
            first.iter().all(|&n| n > 0),
            "{}: every table has demo rows: {first:?}",
            t.engine
        );
        let later = Utc::now() + Duration::days(3);
        assert_eq!(
            demo::seed(&t.db, later).await.unwrap(),
            SeedOutcome::AlreadyThere
        );
        assert_eq!(counts(&t.db).await, first);
        t
    })
    .await;
}

#[tokio::test]
async fn the_demo_covers_the_whole_domain() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let case_managers: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE role = 'case_manager'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        assert!(case_managers >= 3);
        assert!(clients.len() >= 30);

        let now = Utc::now().naive_utc();
        let (mut stages, mut went_back) = (HashSet::new(), false);
        let (mut goal_kinds, mut statuses) = (HashSet::new(), HashSet::new());
        let (mut kinds, mut weekly) = (HashSet::new(), false);
        let mut referral_statuses = HashSet::new();
        for client in &clients {
            let history = db::stage_history(&t.db, &client.client_id).await.unwrap();
            stages.extend(history.last().unwrap().stages.iter());
            went_back |= stage_steps(&history)
                .iter()
                .any(|s| s.direction == StageDirection::Back);
            for goal in db::support_plan(&t.db, &client.client_id)
                .await
                .unwrap()
                .goals
            {
                goal_kinds.insert((goal.domain, goal.horizon));
                statuses.insert(goal.status);
            }
            let window = db::appointments_between(
                &t.db,
                &client.client_id,
                now - Duration::days(61),
                now + Duration::days(31),
            )
            .await
            .unwrap();
            for appointment in window {
                kinds.insert(appointment.kind);
                weekly |= appointment.repeats_weekly;
            }
            for referral in db::referrals_of_client(&t.db, &client.client_id)
                .await
                .unwrap()
            {
                referral_statuses.insert(referral.status);
            }
        }
        assert_eq!(
            stages.len(),
            Stage::ALL.len(),
            "every stage is someone's current stage"
        );
        assert!(went_back, "someone went back a stage");
        assert_eq!(goal_kinds.len(), LifeDomain::ALL.len() * Horizon::ALL.len());
        assert_eq!(statuses.len(), GoalStatus::ALL.len());
        assert_eq!(
            kinds.len(),
            AppointmentKind::ALL.len(),
            "{}: {kinds:?}",
            t.engine
        );
        assert!(weekly);
        assert_eq!(referral_statuses.len(), ReferralStatus::ALL.len());

        let resources = db::resources_for_client(&t.db, &clients[0].client_id)
            .await
            .unwrap();
        assert!(resources.len() >= 20);
        assert!(resources.iter().any(|r| r.audience.includes_client()));
        assert!(resources.iter().any(|r| !r.audience.includes_client()));
        t
    })
    .await;
}

#[tokio::test]
async fn a_year_of_history_is_written_whole_and_chained() {
    on_each_engine(|t| async move {
        let size = demo::DemoSize {
            clients: 34,
            programs: 2,
            history: true,
        };
        demo::seed_programs(&t.db, Utc::now(), size).await.unwrap();
        // 17 a program: Riverside's are all demo people, the second program's are past them.
        let count = |sql: &'static str| {
            let db = t.db.clone();
            async move {
                let n: i64 = sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap();
                n
            }
        };
        let weeks = 52;
        assert_eq!(
            count("SELECT COUNT(*) FROM check_ins WHERE idempotency_key LIKE 'history-%'").await,
            17 * weeks,
            "{}",
            t.engine
        );
        assert_eq!(
            count(
                "SELECT COUNT(*) FROM appointments a JOIN check_ins c ON c.appointment_id = a.id
                 WHERE c.idempotency_key LIKE 'history-%' AND a.status IN ('attended', 'missed')"
            )
            .await,
            17 * weeks
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM audit_events").await,
            17 * weeks * 3
        );
        // Nothing of it waits for the case manager: they saw it all.
        assert_eq!(
            count(
                "SELECT COUNT(*) FROM care_team WHERE check_ins_seen_at IS NULL
                 AND client_id IN (SELECT client_id FROM check_ins)"
            )
            .await,
            0
        );
        match db::verify_audit_chain(&t.db).await.unwrap() {
            db::ChainCheck::Intact { entries, .. } => assert_eq!(entries, 17 * weeks * 3),
            broken => panic!("{}: {broken:?}", t.engine),
        }
        t
    })
    .await;
}
