//! Past one machine. Two `waypoint serve` processes on one PostgreSQL database behind nginx
//! (Debian's, started here on loopback), as a health region runs Waypoint: a client whose
//! requests alternate between them signs in, syncs, checks in offline and signs out, with
//! nothing lost or doubled. Everything that is state lives in the database, so either
//! instance answers. Periodic jobs run once across instances, and housekeeping keeps up
//! with a big database a batch at a time.
use crate::helpers::{
    free_port, own_database, postgres_url, sync, until_up, waypoint, Running, TestApp,
};
use app::db::{self, Db};
use app::domain::{AppointmentStatus, CheckInAction, DeviceCopy, Receipt};
use chrono::Utc;
use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

const NGINX: &str = "/usr/sbin/nginx";

/// nginx in front of the instances, round robin (its default), saying which one answered;
/// one process (no workers), so that stopping it stops it all.
fn nginx(dir: &std::path::Path, port: u16, instances: &[u16]) -> Running {
    let servers: String = instances
        .iter()
        .map(|port| format!("server 127.0.0.1:{port};"))
        .collect();
    let d = dir.display();
    let conf = format!(
        "daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{}}
http {{
  access_log off;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  upstream waypoint {{ {servers} }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://waypoint;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      add_header X-Instance $upstream_addr always;
    }}
  }}
}}
"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).expect("nginx.conf");
    Running(
        Command::new(NGINX)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&path)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx (.ci/tools.sh test installs it)"),
    )
}

#[tokio::test]
async fn a_client_served_by_two_instances_in_turn_loses_and_doubles_nothing() {
    let Some(base) = postgres_url() else {
        eprintln!("TEST_POSTGRES_URL is not set: the two-instance test skipped");
        return;
    };
    // A database of its own: the processes connect by address alone.
    let (_own, url) = own_database(&base).await;
    let seeded = waypoint(&url).arg("seed-demo").status().expect("seed");
    assert!(seeded.success());

    let dir = tempfile::tempdir().expect("temp dir");
    let front = free_port();
    let public = format!("http://127.0.0.1:{front}");
    let ports = [free_port(), free_port()];
    let mut running = Vec::new();
    for port in ports {
        let child = waypoint(&url)
            .arg("serve")
            .env("WAYPOINT_ADDR", format!("127.0.0.1:{port}"))
            .env("WAYPOINT_PUBLIC_URL", &public)
            .env("WAYPOINT_TRUSTED_PROXIES", "127.0.0.1")
            .env("WAYPOINT_DB_CONNECTIONS", "4")
            .spawn()
            .expect("waypoint serve");
        running.push(Running(child));
    }
    for port in ports {
        until_up(&format!("http://127.0.0.1:{port}/healthz")).await;
    }
    running.push(nginx(dir.path(), front, &ports));
    until_up(&format!("{public}/healthz")).await;

    // Round robin: both instances answer, in turn.
    let http = reqwest::Client::new();
    let mut answered = BTreeSet::new();
    for _ in 0..4 {
        let answer = http.get(format!("{public}/healthz")).send().await.unwrap();
        let instance = answer.headers().get("x-instance").expect("X-Instance");
        answered.insert(instance.to_str().unwrap().to_owned());
    }
    assert_eq!(answered.len(), 2, "{answered:?}");

    let phone = TestApp::at(public.clone());
    phone.sign_in("alex").await;
    let mut copy = DeviceCopy::default();
    sync(&phone, &mut copy).await;
    let appointment = copy
        .appointments()
        .into_iter()
        .find(|a| a.appointment.status == AppointmentStatus::Scheduled)
        .expect("a booked appointment")
        .appointment;
    // Offline: a check-in and a message wait on the phone; the phone then sends them
    // twice (an answer lost on the way), once to each instance, and syncs again.
    copy.queue(
        "5e6f7a8b9c0d1e2f-come".into(),
        Utc::now(),
        CheckInAction::WillCome {
            appointment_id: appointment.id.to_string(),
        },
    );
    copy.queue(
        "5e6f7a8b9c0d1e2f-message".into(),
        Utc::now(),
        CheckInAction::Message {
            text: "See you Thursday.".into(),
            grant_id: None,
        },
    );
    let request = copy.request();
    for _ in 0..2 {
        let (status, body) = phone.post_json("/api/v1/sync", &request).await;
        assert_eq!(status, 200, "{body}");
    }
    // The phone saw neither answer: it sends them a third time, and learns they are kept.
    let answer = sync(&phone, &mut copy).await;
    assert_eq!(answer.receipts.len(), 2);
    assert!(answer
        .receipts
        .iter()
        .all(|(_, receipt)| *receipt == Receipt::AlreadyRecorded));
    assert!(copy.messages().1.is_empty(), "nothing waits on the phone");
    assert_eq!(
        copy.messages().0.first().map(|m| m.text.as_str()),
        Some("See you Thursday.")
    );

    let db = Db::connect(&url, 2).await.expect("the database");
    let alex = crate::helpers::person_named(&db, "alex").await;
    let count = |sql: &'static str| {
        let db = db.clone();
        let alex = alex.clone();
        async move {
            let n: i64 = sqlx::query_scalar(sql)
                .bind(alex)
                .fetch_one(db.pool())
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM check_ins WHERE client_id = $1 AND kind = 'appointment_confirmed'").await,
        1,
        "the check-in is kept once"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM messages WHERE client_id = $1 AND body = 'See you Thursday.'")
            .await,
        1,
        "the message is kept once"
    );

    // Signed out on one instance, signed out on both: the next sync, whichever instance
    // answers it, tells the phone to wipe its copy.
    let (status, _) = phone.post_form("/sign-out", &[]).await;
    assert_eq!(status, 303);
    for _ in 0..2 {
        let (status, body) = phone.post_json("/api/v1/sync", &copy.request()).await;
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("signed_out"), "{body}");
    }
    assert!(matches!(
        db::verify_audit_chain(&db).await.unwrap(),
        db::ChainCheck::Intact { .. }
    ));

    drop(running);
    db.close().await;
}

/// A periodic job's round (housekeeping, queueing reminders) is claimed by one of however
/// many instances ask for it at once, and the next only when it is due.
#[tokio::test]
async fn a_periodic_round_runs_on_one_instance_at_a_time() {
    crate::helpers::on_each_engine(|t| async move {
        let now = Utc::now();
        let hour = chrono::Duration::hours(1);
        let mut asking = Vec::new();
        for _ in 0..8 {
            let db = t.db.clone();
            asking.push(tokio::spawn(async move {
                loop {
                    // SQLite answers "busy" to a writer that cannot wait; ask again.
                    if let Ok(claimed) = db::claim_round(&db, "housekeeping", now, hour).await {
                        return claimed;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }));
        }
        let mut claimed = 0;
        for instance in asking {
            claimed += usize::from(instance.await.unwrap());
        }
        assert_eq!(claimed, 1, "{}", t.engine);
        let later = |minutes| now + chrono::Duration::minutes(minutes);
        for (at, due) in [(later(30), false), (later(60), true), (later(61), false)] {
            assert_eq!(
                db::claim_round(&t.db, "housekeeping", at, hour)
                    .await
                    .unwrap(),
                due,
                "{}",
                t.engine
            );
        }
        assert!(db::claim_round(&t.db, "reminders", now, hour)
            .await
            .unwrap());
        t
    })
    .await;
}

/// Housekeeping deletes a backlog a batch at a time, and all of it.
#[tokio::test]
async fn housekeeping_clears_a_backlog_bigger_than_a_batch() {
    crate::helpers::on_each_engine(|t| async move {
        let long_ago = db::instant_text(Utc::now() - chrono::Duration::days(400));
        let backlog = db::PRUNE_BATCH * 2 + 500;
        for n in 0..backlog {
            sqlx::query(
                "INSERT INTO sign_in_attempts (id, throttle_key, address_key, attempted_at, outcome)
                 VALUES ($1, 'key', 'address', $2, 'failed')",
            )
            .bind(format!("attempt-{n}"))
            .bind(&long_ago)
            .execute(t.db.pool())
            .await
            .unwrap();
        }
        let gone = db::prune_attempts(&t.db, Utc::now() - chrono::Duration::days(1))
            .await
            .unwrap();
        assert_eq!(gone, backlog as u64, "{}", t.engine);
        t
    })
    .await;
}
