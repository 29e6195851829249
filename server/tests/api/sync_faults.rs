//! Sync under faults, in process: the phone's real code (`DeviceCopy`) against the server's
//! real code (`app::actions::sync::sync`) over a network that loses answers, repeats requests,
//! delivers answers late, and a server that stops in the middle of a sync and restarts.
//! A property test runs random interleavings of case-manager edits, offline check-ins and
//! faulty syncs, then checks: no check-in lost, none applied twice, and the phone's copy
//! equals what the server says that person may see.
use crate::helpers::{named, postgres, seeded, sqlite, staff_change_about, TestDb};
use app::db::{self, Db, Saved};
use app::domain::{
    AppointmentFields, AppointmentStatus, CheckInAction, DeviceCopy, GoalFields, PlainText,
    Receipt, Role, SyncAnswer,
};
use app::session::{ClientAddress, SignedIn, Unresolved};
use chrono::{Duration, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    /// The server applied the request; the answer never arrived.
    AnswerLost,
    /// The request arrived twice (a retry raced the first).
    Repeated,
    /// The answer arrives late: after the next step (an action on the phone while the
    /// request was on its way), or after the next sync's answer.
    Late,
    /// The server stopped after this many steps of its work and started again.
    Crash(u8),
}

#[derive(Debug, Clone)]
enum Turn {
    CancelOrRebook(usize),
    /// Moves an appointment far ahead, out of what the phone keeps, or back within it.
    MoveAppointment(usize, bool),
    ChooseResource(usize, bool),
    RenameGoalAndSend(usize),
    DoStep(usize),
    Answer(usize, bool),
    Sync(Fault),
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        3 => Just(Fault::None),
        2 => Just(Fault::AnswerLost),
        1 => Just(Fault::Repeated),
        1 => Just(Fault::Late),
        2 => (0u8..30).prop_map(Fault::Crash),
    ]
}

fn a_turn() -> impl Strategy<Value = Turn> {
    prop_oneof![
        1 => (0usize..4).prop_map(Turn::CancelOrRebook),
        1 => (0usize..4, any::<bool>()).prop_map(|(i, far)| Turn::MoveAppointment(i, far)),
        1 => (0usize..6, any::<bool>()).prop_map(|(i, on)| Turn::ChooseResource(i, on)),
        1 => (0usize..3).prop_map(Turn::RenameGoalAndSend),
        1 => (0usize..8).prop_map(Turn::DoStep),
        1 => (0usize..4, any::<bool>()).prop_map(|(i, come)| Turn::Answer(i, come)),
        3 => fault().prop_map(Turn::Sync),
    ]
}

/// Drops the inner future after it has waited `left` times: a server stopping mid-work.
/// Whatever it had not committed is rolled back, as after a real crash.
struct StopAfter<F> {
    inner: Pin<Box<F>>,
    left: u8,
}

impl<F: Future> Future for StopAfter<F> {
    type Output = Option<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.inner.as_mut().poll(cx) {
            Poll::Ready(out) => Poll::Ready(Some(out)),
            Poll::Pending if self.left == 0 => Poll::Ready(None),
            Poll::Pending => {
                self.left -= 1;
                Poll::Pending
            }
        }
    }
}

/// The client's phone asking the server.
/// A client signed in on a test phone: whose it is, and its session cookie's token.
#[derive(Clone)]
struct SignedInPhone {
    person: SignedIn,
    token: String,
}

/// The phone's request, as the sync route hands it to the action.
fn phone_of(client: &SignedInPhone) -> Unresolved {
    Unresolved {
        token: Some(client.token.clone()),
        address: ClientAddress("192.0.2.1".into()),
        device: "test phone".into(),
        known_device_tokens: Vec::new(),
    }
}

/// The world of one case: the database, the client's phone, the case manager.
struct World {
    db: Db,
    client: SignedInPhone,
    case_manager_id: String,
    phone: DeviceCopy,
    late: Option<SyncAnswer>,
    queued_keys: Vec<String>,
    case: usize,
}

impl World {
    async fn server(&self, phone_request: &app::domain::SyncRequest) -> SyncAnswer {
        app::actions::sync::sync(
            &self.db,
            phone_of(&self.client),
            phone_request.clone(),
            Utc::now(),
        )
        .await
        .expect("sync")
    }

    async fn sync(&mut self, fault: Fault, test_db: &TestDb) {
        let request = self.phone.request();
        match fault {
            Fault::None => {
                let answer = self.server(&request).await;
                self.deliver(answer);
            }
            Fault::AnswerLost => {
                self.server(&request).await;
            }
            Fault::Repeated => {
                let first = self.server(&request).await;
                let second = self.server(&request).await;
                self.deliver(first);
                self.deliver(second);
            }
            Fault::Late => {
                let answer = self.server(&request).await;
                if let Some(earlier) = self.late.replace(answer) {
                    self.deliver(earlier);
                }
            }
            Fault::Crash(after) => {
                let db = self.db.clone();
                let client = self.client.clone();
                let work = async move {
                    app::actions::sync::sync(&db, phone_of(&client), request, Utc::now()).await
                };
                if let Some(answer) = (StopAfter {
                    inner: Box::pin(work),
                    left: after,
                })
                .await
                {
                    // It finished before the stop: the answer is lost with the server.
                    answer.expect("sync");
                }
                // The server's process ends: its connections close, and with them anything
                // left half done.
                self.db.close().await;
                self.db = test_db.reconnect().await;
            }
        }
    }

    fn deliver(&mut self, answer: SyncAnswer) {
        self.phone.apply(answer, Utc::now());
        if let Some(late) = self.late.take() {
            self.phone.apply(late, Utc::now());
        }
    }

    async fn act(&mut self, step: &Turn, test_db: &TestDb) {
        let client_id = self.client.person.person_id.clone();
        let now = Utc::now().naive_utc();
        let appointments =
            db::appointments_between(&self.db, &client_id, now, now + Duration::days(400))
                .await
                .unwrap();
        match *step {
            Turn::CancelOrRebook(i) => {
                let Some(a) = appointments.get(i % appointments.len().max(1)) else {
                    return;
                };
                let status = if a.status == AppointmentStatus::Cancelled {
                    AppointmentStatus::Scheduled
                } else {
                    AppointmentStatus::Cancelled
                };
                let mut tx = self.db.change().await.unwrap();
                let saved =
                    db::change_appointment_status(&mut tx, &client_id, &a.id, a.version, status)
                        .await
                        .unwrap();
                assert!(matches!(saved, Saved::Saved { .. }));
                tx.keep(&[staff_change_about(&client_id)], Utc::now())
                    .await
                    .unwrap();
            }
            Turn::MoveAppointment(i, far) => {
                let Some(a) = appointments.get(i % appointments.len().max(1)) else {
                    return;
                };
                let days = if far { 200 } else { 10 + i as i64 };
                let fields = AppointmentFields {
                    kind: a.kind,
                    starts_at: (now + Duration::days(days))
                        .date()
                        .and_hms_opt(10, 0, 0)
                        .unwrap(),
                    duration_minutes: a.duration_minutes,
                    place: PlainText::parse(&a.place, 200).unwrap(),
                    with_whom: None,
                    what_to_bring: None,
                    repeat: None,
                };
                let mut tx = self.db.change().await.unwrap();
                let saved = db::save_appointment(&mut tx, &client_id, &a.id, a.version, &fields)
                    .await
                    .unwrap();
                assert!(matches!(saved, Saved::Saved { .. }));
                tx.keep(&[staff_change_about(&client_id)], Utc::now())
                    .await
                    .unwrap();
            }
            Turn::ChooseResource(i, chosen) => {
                let offered: Vec<String> = sqlx::query_scalar(
                    "SELECT r.id FROM resources r JOIN people p
                       ON p.organisation_id = r.organisation_id AND p.id = $1
                     WHERE r.retired_on IS NULL ORDER BY r.id",
                )
                .bind(&client_id)
                .fetch_all(self.db.pool())
                .await
                .unwrap();
                let id = &offered[i % offered.len()];
                let mut tx = self.db.change().await.unwrap();
                db::choose_resource(&mut tx, &client_id, id, chosen)
                    .await
                    .unwrap();
                tx.keep(&[staff_change_about(&client_id)], Utc::now())
                    .await
                    .unwrap();
            }
            Turn::RenameGoalAndSend(i) => {
                let goals = db::working_plan(&self.db, &client_id).await.unwrap();
                let Some(goal) = goals.get(i % goals.len().max(1)) else {
                    return;
                };
                let fields = GoalFields {
                    domain: goal.domain,
                    horizon: goal.horizon,
                    own_words: PlainText::parse(
                        &format!("{} ({})", goal.own_words, self.case),
                        500,
                    )
                    .unwrap(),
                    status: goal.status,
                    target_on: goal.target_date,
                };
                let latest = db::support_plan(&self.db, &client_id)
                    .await
                    .unwrap()
                    .latest
                    .map_or(0, |r| r.number);
                let mut tx = self.db.change().await.unwrap();
                db::save_goal(
                    &mut tx,
                    &client_id,
                    Some(&goal.id),
                    goal.version,
                    &fields,
                    Utc::now(),
                )
                .await
                .unwrap();
                db::send_plan_update(
                    &mut tx,
                    &client_id,
                    "Changed a goal's words",
                    &self.case_manager_id,
                    latest,
                    Utc::now(),
                )
                .await
                .unwrap();
                tx.keep(&[staff_change_about(&client_id)], Utc::now())
                    .await
                    .unwrap();
            }
            Turn::DoStep(i) => {
                let steps: Vec<_> = self
                    .phone
                    .plan(Utc::now().date_naive())
                    .map(|p| p.goals.into_iter().flat_map(|g| g.steps).collect())
                    .unwrap_or_default();
                if let Some(step) = steps.get(i % steps.len().max(1)) {
                    self.queue(CheckInAction::StepDone {
                        step_id: step.id.to_string(),
                    });
                }
            }
            Turn::Answer(i, come) => {
                let held = self.phone.appointments();
                if let Some(copy) = held.get(i % held.len().max(1)) {
                    let appointment_id = copy.appointment.id.to_string();
                    self.queue(if come {
                        CheckInAction::WillCome { appointment_id }
                    } else {
                        CheckInAction::CantCome {
                            appointment_id,
                            note: Some("Bus strike".into()),
                        }
                    });
                }
            }
            Turn::Sync(fault) => self.sync(fault, test_db).await,
        }
        if !matches!(step, Turn::Sync(_)) {
            if let Some(late) = self.late.take() {
                self.phone.apply(late, Utc::now());
            }
        }
    }

    fn queue(&mut self, action: CheckInAction) {
        let key = format!("case{:04}-{:04}-offline", self.case, self.queued_keys.len());
        self.phone.queue(key.clone(), Utc::now(), action);
        self.queued_keys.push(key);
    }

    /// Good network from now on: sync until nothing is queued and nothing changes.
    async fn settle(&mut self, test_db: &TestDb) {
        for _ in 0..10 {
            let answer = self.server(&self.phone.request()).await;
            let quiet = answer.changed.is_empty() && answer.removed.is_empty();
            self.deliver(answer);
            if quiet && self.phone.outbox.is_empty() && self.late.is_none() {
                return;
            }
        }
        let _ = test_db;
        panic!("sync did not settle in 10 rounds");
    }
}

async fn check_invariants(world: &World) {
    // No check-in lost, none applied twice.
    for key in &world.queued_keys {
        let stored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM check_ins WHERE client_id = $1 AND idempotency_key = $2",
        )
        .bind(&world.client.person.person_id)
        .bind(format!("device-{key}"))
        .fetch_one(world.db.pool())
        .await
        .unwrap();
        assert_eq!(stored, 1, "check-in {key} stored {stored} times");
    }
    assert!(world.phone.refused.is_empty(), "{:?}", world.phone.refused);
    // The phone's copy is what the server says this person may see.
    let view = app::actions::sync::view_of(&world.db, &world.client.person, Utc::now())
        .await
        .unwrap();
    let expected: BTreeMap<_, _> = view.items.into_iter().map(|i| (i.key(), i)).collect();
    assert_eq!(world.phone.items, expected);
}

async fn signed_in_client(db: &Db, name: &str) -> SignedInPhone {
    let clients = seeded(db).await;
    let client = named(&clients, name);
    let session_id = app::db::new_id();
    let person_id = client.client_id.clone();
    let token = app::secrets::hex(&app::secrets::random_bytes::<32>().unwrap());
    let now = Utc::now();
    let session = app::db::NewSession {
        session_id: &session_id,
        token_hash: &app::secrets::secret_hash(&token),
        person_id: &person_id,
        device: "test phone",
        expires_at: now + Duration::days(30),
    };
    let mut conn = db.pool().acquire().await.unwrap();
    app::db::insert_session(&mut conn, &session, now)
        .await
        .unwrap();
    let person = SignedIn {
        session_id,
        person_id,
        role: Role::Client,
        organisation_id: server::demo::DEMO_ORGANISATION_ID.to_owned(),
        display_name: name.to_owned(),
    };
    SignedInPhone { person, token }
}

async fn case_manager_id(db: &Db) -> String {
    sqlx::query_scalar("SELECT person_id FROM accounts WHERE sign_in_name = 'amara'")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

fn run_property(test_db: TestDb, cases: u32) -> TestDb {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (client, case_manager_id) = runtime.block_on(async {
        let client = signed_in_client(&test_db.db, "Alex").await;
        (client, case_manager_id(&test_db.db).await)
    });
    let case = std::sync::atomic::AtomicUsize::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&proptest::collection::vec(a_turn(), 1..24), |steps| {
        let case = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        runtime.block_on(async {
            let mut world = World {
                db: test_db.reconnect().await,
                client: client.clone(),
                case_manager_id: case_manager_id.clone(),
                phone: DeviceCopy::default(),
                late: None,
                queued_keys: vec![],
                case,
            };
            // Every case starts from a phone that synced once.
            world.sync(Fault::None, &test_db).await;
            for step in &steps {
                world.act(step, &test_db).await;
            }
            world.settle(&test_db).await;
            check_invariants(&world).await;
            world.db.close().await;
        });
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    test_db
}

#[test]
fn offline_check_ins_and_staff_edits_converge_under_faults_on_sqlite() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let test_db = runtime.block_on(sqlite());
    let test_db = run_property(test_db, 40);
    runtime.block_on(test_db.cleanup());
}

#[test]
fn offline_check_ins_and_staff_edits_converge_under_faults_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(test_db) = runtime.block_on(postgres()) else {
        eprintln!("TEST_POSTGRES_URL is not set: PostgreSQL part skipped");
        return;
    };
    let test_db = run_property(test_db, 16);
    runtime.block_on(test_db.cleanup());
}

#[tokio::test]
async fn a_refused_check_in_is_not_retried_and_a_crash_before_the_answer_loses_nothing() {
    let test_db = sqlite().await;
    let client = signed_in_client(&test_db.db, "Bea").await;
    let mut world = World {
        db: test_db.db.clone(),
        client,
        case_manager_id: case_manager_id(&test_db.db).await,
        phone: DeviceCopy::default(),
        late: None,
        queued_keys: vec![],
        case: 0,
    };
    world.sync(Fault::None, &test_db).await;
    world.act(&Turn::DoStep(0), &test_db).await;
    world.act(&Turn::Answer(0, false), &test_db).await;
    // Crashes at every point of the work, one after another, then a good sync.
    for after in 0..20 {
        world.sync(Fault::Crash(after), &test_db).await;
    }
    let answer = world.server(&world.phone.request()).await;
    assert!(answer
        .receipts
        .iter()
        .all(|(_, r)| matches!(r, Receipt::Recorded | Receipt::AlreadyRecorded)));
    world.deliver(answer);
    world.settle(&test_db).await;
    check_invariants(&world).await;
    world.db.close().await;
    test_db.cleanup().await;
}

/// A request whose person went away (a page reloaded, a phone out of signal) is dropped by the
/// server wherever it was, also while its change waited for the write lock or had just begun.
/// No connection may go back to the pool still inside that transaction: on SQLite it would
/// hold the write lock, and every later change would fail with "database is locked".
#[tokio::test]
async fn changes_abandoned_midway_leave_no_transaction_open() {
    for t in [Some(sqlite().await), postgres().await]
        .into_iter()
        .flatten()
    {
        let db = t.db.clone();
        for round in 0..30u64 {
            // Someone holds the write lock, so the others wait their turn to begin.
            let holder = db.change().await.expect("first change begins");
            let mut waiting = Vec::new();
            for i in 0..6u64 {
                let db = db.clone();
                let patience = std::time::Duration::from_micros(300 * i + 97 * round % 900);
                waiting.push(tokio::spawn(async move {
                    // Gone after a moment: the change is dropped wherever it got to.
                    let _ = tokio::time::timeout(patience, db.change()).await;
                }));
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            drop(holder);
            for w in waiting {
                w.await.expect("task");
            }
        }
        // Every connection the pool hands out begins a change at once.
        for _ in 0..12 {
            let change = tokio::time::timeout(std::time::Duration::from_secs(3), db.change())
                .await
                .unwrap_or_else(|_| panic!("{}: a change waits for a lock nobody holds", t.engine))
                .unwrap_or_else(|e| panic!("{}: a change cannot begin: {e}", t.engine));
            drop(change);
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_new_day_works_the_view_out_again() {
    let test_db = sqlite().await;
    let client = signed_in_client(&test_db.db, "Alex").await;
    let phone = phone_of(&client);
    let mut copy = DeviceCopy::default();
    let now = Utc::now();
    let sync_at = |copy: &DeviceCopy, at| {
        app::actions::sync::sync(&test_db.db, phone.clone(), copy.request(), at)
    };
    let answer = sync_at(&copy, now).await.expect("sync");
    copy.apply(answer, now);
    // Nothing is stamped by this write, so only a new day shows it.
    crate::sync::rename_unstamped(&test_db.db, &client.person.person_id, "Al").await;
    let same_day = sync_at(&copy, now).await.expect("sync");
    assert!(same_day.changed.is_empty());
    let tomorrow = now + Duration::days(1);
    // The person opened a page tomorrow (a sync alone would find the session locked).
    app::db::touch_session(&test_db.db, &client.person.session_id, tomorrow)
        .await
        .unwrap();
    let next_day = sync_at(&copy, tomorrow).await.expect("sync");
    copy.apply(next_day, tomorrow);
    assert_eq!(
        copy.profile().map(|p| p.preferred_name.as_str()),
        Some("Al")
    );
}
