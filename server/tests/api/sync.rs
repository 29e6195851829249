//! Sync protocol v1 through the real route, on both engines: a phone's first and later
//! syncs, check-ins queued offline, supporters losing access, and ended sessions.
use crate::helpers::{
    id_of, on_each_engine, seeded, seeded_app, spawn_app, staff_change_about, sync,
};
use app::db::{self, Saved};
use app::domain::{
    AppointmentStatus, CheckInAction, CheckInKind, DeviceCopy, Receipt, SyncAnswer, SyncItem,
    SyncRequest, SYNC_PROTOCOL,
};
use chrono::{Duration, Utc};
use serde_json::Value;

const SYNC: &str = "/api/v1/sync";

fn keys(items: &[SyncItem]) -> Vec<String> {
    items.iter().map(SyncItem::key).collect()
}

#[tokio::test]
async fn a_phone_gets_everything_once_then_only_what_changed() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let phone = app.browser_signed_in("alex").await;
        let mut copy = DeviceCopy::default();

        let first = sync(&phone, &mut copy).await;
        assert!(first.reset && first.since.is_none(), "{}", t.engine);
        let got = keys(&first.changed);
        for key in ["profile", "plan", "stage"] {
            assert!(got.contains(&key.to_owned()), "{key} missing: {got:?}");
        }
        assert!(got.iter().any(|k| k.starts_with("appointment/")));
        assert!(got.iter().any(|k| k.starts_with("referral/")));
        assert!(got.iter().any(|k| k.starts_with("resource/")));
        assert!(got.iter().any(|k| k.starts_with("article/")));

        // Nothing changed: nothing is sent, and the cursor stays.
        let again = sync(&phone, &mut copy).await;
        assert!(again.changed.is_empty() && again.removed.is_empty() && !again.reset);
        assert_eq!(again.cursor, first.cursor);

        // The case manager cancels an appointment: that one item comes, nothing else.
        let now = chrono::Utc::now().naive_utc();
        let booked = db::appointments_between(&t.db, &alex, now, now + Duration::days(90))
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.status == AppointmentStatus::Scheduled)
            .expect("a booked appointment");
        let mut tx = t.db.change().await.unwrap();
        let saved = db::change_appointment_status(
            &mut tx,
            &alex,
            &booked.id,
            booked.version,
            AppointmentStatus::Cancelled,
        )
        .await
        .unwrap();
        assert!(matches!(saved, Saved::Saved { .. }));
        tx.keep(&[staff_change_about(&alex)], Utc::now())
            .await
            .unwrap();
        let after = sync(&phone, &mut copy).await;
        assert_eq!(
            keys(&after.changed),
            vec![format!("appointment/{}", booked.id)]
        );
        assert!(after.removed.is_empty());
        assert_eq!(after.since.as_ref(), Some(&first.cursor));

        // What the phone holds is what a fresh phone would be sent.
        let fresh = sync(
            &phone.browser_signed_in("alex").await,
            &mut DeviceCopy::default(),
        )
        .await;
        let fresh: std::collections::BTreeMap<_, _> =
            fresh.changed.into_iter().map(|i| (i.key(), i)).collect();
        assert_eq!(copy.items, fresh, "{}", t.engine);
        t
    })
    .await;
}

#[tokio::test]
async fn check_ins_queued_offline_count_once_however_often_they_are_sent() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let phone = app.browser_signed_in("alex").await;
        let mut copy = DeviceCopy::default();
        sync(&phone, &mut copy).await;

        let plan = copy.plan(Utc::now().date_naive()).expect("the plan");
        let step = plan
            .goals
            .iter()
            .flat_map(|g| g.steps.iter())
            .find(|s| s.done_on.is_none())
            .expect("a step not done")
            .clone();
        let appointment = copy
            .appointments()
            .into_iter()
            .find(|a| a.appointment.status == AppointmentStatus::Scheduled)
            .expect("a booked appointment")
            .appointment;
        // Offline: the phone queues, and shows them at once.
        let made = Utc::now() - Duration::hours(5);
        copy.queue(
            "0b1c2d3e4f5a6b7c-step".into(),
            made,
            CheckInAction::StepDone {
                step_id: step.id.to_string(),
            },
        );
        copy.queue(
            "0b1c2d3e4f5a6b7c-come".into(),
            made,
            CheckInAction::WillCome {
                appointment_id: appointment.id.to_string(),
            },
        );
        let shown = copy.plan(Utc::now().date_naive()).unwrap();
        assert!(shown
            .goals
            .iter()
            .flat_map(|g| g.steps.iter())
            .any(|s| s.id == step.id && s.done_on.is_some()));

        // Meanwhile the case manager cancels the appointment the client will come to.
        let mut tx = t.db.change().await.unwrap();
        db::change_appointment_status(
            &mut tx,
            &alex,
            &appointment.id,
            appointment.version,
            AppointmentStatus::Cancelled,
        )
        .await
        .unwrap();
        tx.keep(&[staff_change_about(&alex)], Utc::now())
            .await
            .unwrap();

        // Back online. The first answer is lost on the way; the phone sends again.
        let request = copy.request();
        let (status, _) = phone.post_json(SYNC, &request).await;
        assert_eq!(status, 200);
        let answer = sync(&phone, &mut copy).await;
        assert_eq!(
            answer.receipts,
            vec![
                ("0b1c2d3e4f5a6b7c-step".into(), Receipt::AlreadyRecorded),
                ("0b1c2d3e4f5a6b7c-come".into(), Receipt::AlreadyRecorded),
            ]
        );
        assert!(copy.outbox.is_empty());
        let stored = db::check_ins_of_client(&t.db, &alex).await.unwrap();
        let ours: Vec<_> = stored
            .iter()
            .filter(|c| {
                c.step_id.as_deref() == Some(step.id.as_str())
                    || c.appointment_id.as_deref() == Some(appointment.id.as_str())
            })
            .collect();
        assert_eq!(ours.len(), 2, "each once: {ours:?}");
        // The case manager's cancellation stands, and the client's answer is kept beside it.
        let held = copy
            .appointments()
            .into_iter()
            .find(|a| a.appointment.id == appointment.id)
            .unwrap();
        assert_eq!(held.appointment.status, AppointmentStatus::Cancelled);
        assert_eq!(
            held.answer.map(|a| a.0),
            Some(CheckInKind::AppointmentConfirmed)
        );
        // The step counts as done on the server's plan too.
        let server_plan = db::support_plan(&t.db, &alex).await.unwrap();
        assert!(server_plan
            .goals
            .iter()
            .flat_map(|g| g.steps.iter())
            .any(|s| s.id == step.id && s.done_on.is_some()));
        t
    })
    .await;
}

#[tokio::test]
async fn a_check_in_about_someone_elses_record_is_refused_and_not_stored() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let bea = id_of(&clients, "Bea");
        let phone = app.browser_signed_in("alex").await;
        let now = Utc::now().naive_utc();
        let beas = db::appointments_between(&t.db, &bea, now, now + Duration::days(90))
            .await
            .unwrap();
        let mut copy = DeviceCopy::default();
        copy.queue(
            "1234567890abcdef-bea".into(),
            Utc::now(),
            CheckInAction::CantCome {
                appointment_id: beas[0].id.to_string(),
                note: Some("not mine".into()),
            },
        );
        let answer = sync(&phone, &mut copy).await;
        assert_eq!(answer.receipts[0].1, Receipt::Refused, "{}", t.engine);
        assert_eq!(copy.refused.len(), 1);
        let stored = db::check_ins_of_client(&t.db, &bea).await.unwrap();
        assert!(stored.iter().all(|c| c.note.as_deref() != Some("not mine")));
        t
    })
    .await;
}

#[tokio::test]
async fn a_supporter_whose_access_ends_is_sent_removals() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let client = app.browser_signed_in("alex").await;
        let code = crate::consent::invite(&client, &["goals", "stage"]).await;
        let supporter = app.browser();
        crate::consent::join(&supporter, &code).await;
        let mut copy = DeviceCopy::default();
        let first = sync(&supporter, &mut copy).await;
        let shared: Vec<_> = keys(&first.changed)
            .into_iter()
            .filter(|k| k.starts_with("shared/"))
            .collect();
        assert_eq!(shared.len(), 1, "{}", t.engine);
        // Reading a client's information from a device is recorded like any other look.
        let looks = db::looks_at_client(&t.db, &alex, 10).await.unwrap();
        assert!(!looks.is_empty());
        // Supporters see only what is shared: none of the client's own items.
        assert!(!copy.items.contains_key("plan") && !copy.items.contains_key("profile"));

        let before_revoking = copy.clone();
        let grant_id = shared[0].trim_start_matches("shared/").to_owned();
        let mut tx = t.db.change().await.unwrap();
        assert!(db::revoke_grant(&mut tx, &alex, &grant_id, Utc::now())
            .await
            .unwrap());
        tx.keep(&[staff_change_about(&alex)], Utc::now())
            .await
            .unwrap();
        let answer = sync(&supporter, &mut copy).await;
        assert_eq!(answer.removed, shared);
        assert!(!copy.items.keys().any(|k| k.starts_with("shared/")));
        // A device still holding a cursor from before the grant ended learns the same.
        let mut old = before_revoking;
        let answer = sync(&supporter, &mut old).await;
        assert_eq!(answer.removed, shared);
        t
    })
    .await;
}

#[tokio::test]
async fn a_phone_whose_session_ended_elsewhere_is_told_to_wipe() {
    on_each_engine(|t| async move {
        let _ = seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let phone = app.browser_signed_in("alex").await;
        let mut copy = DeviceCopy::default();
        sync(&phone, &mut copy).await;
        let generations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_generations")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(generations, 1);

        // From the computer: "sign out everywhere else".
        let computer = app.browser_signed_in("alex").await;
        let person: String =
            sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'alex'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let everywhere = db::Sessions::AllOf(&person);
        db::end_sessions(
            &mut tx,
            everywhere,
            db::SessionEnd::EndedByAdmin,
            Utc::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (status, body) = phone.post_json(SYNC, &copy.request()).await;
        assert_eq!(status, 401, "{}", t.engine);
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"], "signed_out");
        // The server keeps nothing of what that device was sent.
        let generations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_generations")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(generations, 0);
        drop(computer);
        t
    })
    .await;
}

#[tokio::test]
async fn housekeeping_forgets_what_sessions_left_to_expire_were_sent() {
    on_each_engine(|t| async move {
        let _ = seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let (alex, bea) = (app.browser(), app.browser());
        alex.sign_in("alex").await;
        bea.sign_in("bea").await;
        let mut bea_copy = DeviceCopy::default();
        sync(&alex, &mut DeviceCopy::default()).await;
        sync(&bea, &mut bea_copy).await;
        let generations = || async {
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_generations")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
            count
        };
        assert_eq!(generations().await, 2);

        // Alex's phone is never used again; a month later its session is past its end.
        db::forget_sync_of_past_sessions(&t.db, Utc::now())
            .await
            .unwrap();
        assert_eq!(generations().await, 2, "live sessions keep theirs");
        // A backlog bigger than one round of pruning (as after housekeeping was down): all
        // of it goes, a batch at a time.
        for n in 0..250 {
            let generation = format!("backlog-{n}");
            sqlx::query(
                "INSERT INTO sync_generations (id, session_id, made_at)
                 SELECT $1, id, created_at FROM sessions WHERE person_id =
                     (SELECT person_id FROM accounts WHERE sign_in_name = 'alex')",
            )
            .bind(&generation)
            .execute(t.db.pool())
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO sync_items (generation_id, item_key, digest) VALUES ($1, 'plan', 'd')",
            )
            .bind(&generation)
            .execute(t.db.pool())
            .await
            .unwrap();
        }
        assert_eq!(generations().await, 252);
        sqlx::query(
            "UPDATE sessions SET expires_at = $1 WHERE person_id =
                (SELECT person_id FROM accounts WHERE sign_in_name = 'alex')",
        )
        .bind(db::instant_text(Utc::now() - Duration::minutes(1)))
        .execute(t.db.pool())
        .await
        .unwrap();
        db::forget_sync_of_past_sessions(&t.db, Utc::now())
            .await
            .unwrap();
        assert_eq!(generations().await, 1, "{}", t.engine);
        // Bea's phone carries on from where it was: nothing new, no fresh start.
        let answer = sync(&bea, &mut bea_copy).await;
        assert!(!answer.reset && answer.changed.is_empty(), "{}", t.engine);
        t
    })
    .await;
}

#[tokio::test]
async fn only_signed_in_clients_and_supporters_sync_and_bad_requests_say_so() {
    on_each_engine(|t| async move {
        let _ = seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let request = DeviceCopy::default().request();
        let nobody = app.browser();
        let (status, body) = nobody.post_json(SYNC, &request).await;
        assert_eq!((status, body.contains("signed_out")), (401, true));
        // Whatever it sent: a signed-out phone learns to wipe itself first.
        let (status, body) = nobody.post_json(SYNC, &"not a request").await;
        assert_eq!((status, body.contains("signed_out")), (401, true));
        let amara = app.browser_signed_in("amara").await;
        assert_eq!(amara.post_json(SYNC, &request).await.0, 404, "{}", t.engine);
        let phone = app.browser_signed_in("alex").await;
        let old = SyncRequest {
            protocol: SYNC_PROTOCOL + 1,
            ..request.clone()
        };
        let (status, body) = phone.post_json(SYNC, &old).await;
        assert_eq!((status, body.contains("malformed")), (400, true));
        let (status, _) = phone.post_json(SYNC, &"not a request").await;
        assert_eq!(status, 400);
        // A cursor this server never made is answered with everything.
        let forged = SyncRequest {
            cursor: Some("1.00000000000000000000000000000000".into()),
            ..request
        };
        let (status, body) = phone.post_json(SYNC, &forged).await;
        assert_eq!(status, 200);
        let answer: SyncAnswer = serde_json::from_str(&body).unwrap();
        assert!(answer.reset);
        t
    })
    .await;
}

/// A phone left unlocked on a table syncs on its own; that is not the person using it, so
/// the session still locks after the idle time. A page the person opens counts.
#[tokio::test]
async fn automatic_syncs_do_not_keep_the_session_from_locking() {
    on_each_engine(|t| async move {
        let _ = seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let phone = app.browser_signed_in("alex").await;
        let mut copy = DeviceCopy::default();
        let set_last_seen = |minutes: i64| {
            let pool = t.db.pool().clone();
            async move {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE ended_at IS NULL")
                    .bind(db::instant_text(Utc::now() - Duration::minutes(minutes)))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        };
        set_last_seen(10).await;
        sync(&phone, &mut copy).await;
        set_last_seen_later_by(&t, 6).await;
        let (status, body) = phone.post_json(SYNC, &copy.request()).await;
        assert_eq!(
            status, 401,
            "{}: locked after 16 idle minutes: {body}",
            t.engine
        );
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"], "locked", "{}", t.engine);

        // A page opened counts as the person's activity.
        let laptop = app.browser_signed_in("alex").await;
        set_last_seen(10).await;
        assert_eq!(laptop.get("/").await.0, 200);
        set_last_seen_later_by(&t, 6).await;
        assert_eq!(laptop.get("/").await.0, 200, "{}", t.engine);
        t
    })
    .await;
}

/// Moves every live session's last activity `minutes` further into the past.
async fn set_last_seen_later_by(t: &crate::helpers::TestDb, minutes: i64) {
    let sessions: Vec<(String, String)> =
        sqlx::query_as("SELECT id, last_seen_at FROM sessions WHERE ended_at IS NULL")
            .fetch_all(t.db.pool())
            .await
            .unwrap();
    for (id, last_seen) in sessions {
        let at = chrono::DateTime::parse_from_rfc3339(&last_seen)
            .unwrap()
            .with_timezone(&Utc);
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(db::instant_text(at - Duration::minutes(minutes)))
            .bind(&id)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
}

/// A shared phone: Alex's copy, with a check-in queued offline, is on the phone when Bea
/// signs in on it. Nothing of Alex's is taken under Bea's session (neither the check-in nor
/// the cursor), and the phone cannot apply Bea's answer to Alex's copy; the check-in arrives
/// once, when Alex signs in again.
#[tokio::test]
async fn a_copy_of_someone_else_is_not_taken_under_this_session() {
    on_each_engine(|t| async move {
        let (app, _) = seeded_app(&t).await;
        let alex = app.browser_signed_in("alex").await;
        let mut copy = DeviceCopy::default();
        sync(&alex, &mut copy).await;
        assert!(copy.owner.is_some(), "{}", t.engine);
        let step = copy
            .plan(Utc::now().date_naive())
            .expect("the plan")
            .goals
            .iter()
            .flat_map(|g| g.steps.iter())
            .find(|s| s.done_on.is_none())
            .expect("a step not done")
            .id
            .to_string();
        let key = "5a5a5a5a5a5a5a5a-shared-phone";
        copy.queue(
            key.into(),
            Utc::now(),
            CheckInAction::StepDone { step_id: step },
        );

        let bea = app.browser_signed_in("bea").await;
        let (status, body) = bea.post_json(SYNC, &copy.request()).await;
        assert_eq!(status, 200, "{body}");
        let answer: SyncAnswer = serde_json::from_str(&body).unwrap();
        assert!(
            answer.receipts.is_empty() && answer.changed.is_empty(),
            "{body}"
        );
        assert!(answer.cursor.is_empty() && !answer.reset);
        assert_ne!(Some(&answer.owner), copy.owner.as_ref());
        assert_eq!(
            copy.clone().apply(answer, Utc::now()),
            app::domain::Applied::NotThisCopy
        );
        let recorded = || async {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM check_ins WHERE idempotency_key = $1",
            )
            .bind(format!("device-{key}"))
            .fetch_one(t.db.pool())
            .await
            .unwrap()
        };
        assert_eq!(recorded().await, 0, "{}", t.engine);

        let answer = sync(&alex, &mut copy).await;
        assert_eq!(answer.receipts, [(key.to_owned(), Receipt::Recorded)]);
        assert!(copy.outbox.is_empty());
        assert_eq!(recorded().await, 1, "{}", t.engine);
        t
    })
    .await;
}

/// The server's half of the phone-copy key: the same in every answer to one person, another
/// for another person, never in an answer about someone else's copy; a key-only request gets
/// it and nothing of the copy.
#[tokio::test]
async fn a_copy_key_goes_only_to_its_person() {
    on_each_engine(|t| async move {
        let (app, _) = seeded_app(&t).await;
        let alex = app.browser_signed_in("alex").await;
        let mut copy = DeviceCopy::default();
        let first = sync(&alex, &mut copy).await.copy_key.expect("a key");
        assert_eq!(first.len(), 64, "{}", t.engine);
        let again = sync(&alex, &mut copy).await.copy_key;
        assert_eq!(again.as_deref(), Some(first.as_str()));

        let key_only = SyncRequest {
            key_only: true,
            ..copy.request()
        };
        let (status, body) = alex.post_json(SYNC, &key_only).await;
        assert_eq!(status, 200);
        let answer: SyncAnswer = serde_json::from_str(&body).unwrap();
        assert!(answer.changed.is_empty() && answer.cursor.is_empty());
        assert_eq!(answer.copy_key.as_deref(), Some(first.as_str()));

        let bea = app.browser_signed_in("bea").await;
        let (_, body) = bea.post_json(SYNC, &copy.request()).await;
        let answer: SyncAnswer = serde_json::from_str(&body).unwrap();
        assert_eq!(answer.copy_key, None, "not with someone else's copy");
        let bea_key = sync(&bea, &mut DeviceCopy::default()).await.copy_key;
        assert!(bea_key.is_some() && bea_key.as_deref() != Some(first.as_str()));
        t
    })
    .await;
}

/// Renames a client without an action: no change stamp moves (no action writes this way),
/// so only a sync that works the view out again sees it.
pub async fn rename_unstamped(db: &db::Db, client: &str, name: &str) {
    sqlx::query("UPDATE client_profiles SET preferred_name = $1 WHERE person_id = $2")
        .bind(name)
        .bind(client)
        .execute(db.pool())
        .await
        .unwrap();
}

async fn keep_entry(db: &db::Db, entry: db::AuditEvent) {
    let change = db.change().await.unwrap();
    change.keep(&[entry], Utc::now()).await.unwrap();
}

#[tokio::test]
async fn a_current_cursor_is_answered_from_the_change_stamps() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let phone = app.browser_signed_in("alex").await;
        let mut copy = DeviceCopy::default();
        let first = sync(&phone, &mut copy).await;
        let name = |copy: &DeviceCopy| copy.profile().map(|p| p.preferred_name.clone());

        // A change about Alex that his phone does not show: the view is worked out again,
        // nothing is sent, and the cursor is current at the new stamp.
        keep_entry(&t.db, staff_change_about(&alex)).await;
        let again = sync(&phone, &mut copy).await;
        assert!(again.changed.is_empty() && again.removed.is_empty());
        assert_eq!(again.cursor, first.cursor, "{}", t.engine);

        // So a current cursor is answered from the stamps alone: a write that skipped
        // them is not seen.
        rename_unstamped(&t.db, &alex, "Al").await;
        let stale = sync(&phone, &mut copy).await;
        assert!(
            stale.changed.is_empty(),
            "{}: {:?}",
            t.engine,
            keys(&stale.changed)
        );
        assert_eq!(name(&copy).as_deref(), Some("Alex"));

        // Any kept change about him brings it.
        keep_entry(&t.db, staff_change_about(&alex)).await;
        let fresh = sync(&phone, &mut copy).await;
        assert_eq!(keys(&fresh.changed), vec!["profile".to_owned()]);
        assert_eq!(name(&copy).as_deref(), Some("Al"));

        // A staff change of no one client (the library, the directory) touches everyone
        // in the organisation.
        rename_unstamped(&t.db, &alex, "Ally").await;
        let mut library = staff_change_about(&alex);
        library.client_id = None;
        library.actor_role = Some("admin".into());
        keep_entry(&t.db, library).await;
        sync(&phone, &mut copy).await;
        assert_eq!(name(&copy).as_deref(), Some("Ally"), "{}", t.engine);

        // Signing in is not such a change.
        rename_unstamped(&t.db, &alex, "Alexander").await;
        let mut sign_in = staff_change_about(&alex);
        sign_in.client_id = None;
        sign_in.action = "sign_in";
        keep_entry(&t.db, sign_in).await;
        sync(&phone, &mut copy).await;
        assert_eq!(name(&copy).as_deref(), Some("Ally"), "{}", t.engine);
        t
    })
    .await;
}

#[tokio::test]
async fn a_supporters_current_cursor_moves_with_the_clients_stamp() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let client = app.browser_signed_in("alex").await;
        let code = crate::consent::invite(&client, &["goals", "stage"]).await;
        let supporter = app.browser();
        crate::consent::join(&supporter, &code).await;
        let mut copy = DeviceCopy::default();
        sync(&supporter, &mut copy).await;
        let shared_name =
            |copy: &DeviceCopy| copy.shared().first().map(|s| s.preferred_name.clone());
        assert_eq!(shared_name(&copy).as_deref(), Some("Alex"));

        rename_unstamped(&t.db, &alex, "Al").await;
        sync(&supporter, &mut copy).await;
        assert_eq!(shared_name(&copy).as_deref(), Some("Alex"), "{}", t.engine);
        keep_entry(&t.db, staff_change_about(&alex)).await;
        sync(&supporter, &mut copy).await;
        assert_eq!(shared_name(&copy).as_deref(), Some("Al"), "{}", t.engine);
        t
    })
    .await;
}

/// A phone's retries race each other (a slow network, two tabs): many syncs of one session
/// from one cursor at once each answer.
#[tokio::test]
async fn syncs_of_one_session_racing_from_one_cursor_all_answer() {
    on_each_engine(|t| async move {
        let (app, _) = seeded_app(&t).await;
        let phone = app.browser_signed_in("alex").await;
        let mut copy = DeviceCopy::default();
        sync(&phone, &mut copy).await;
        let behind = copy.request();
        for round in 0..5 {
            let text = format!("Racing {round}");
            let key = format!("{round:0>32}");
            let (status, _) = phone
                .post_form("/messages", &[("text", &text), ("key", &key)])
                .await;
            assert_eq!(status, 303);
            let answers =
                futures::future::join_all((0..12).map(|_| phone.post_json(SYNC, &behind))).await;
            for (status, body) in answers {
                assert_eq!(status, 200, "{}: {body}", t.engine);
            }
        }
        t
    })
    .await;
}
