//! The command line: creating staff, checking the audit trail.
use crate::helpers::{seeded, sqlite};
use std::io::Write;
use std::process::{Command, Stdio};

pub fn waypoint(url: &str, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waypoint"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run waypoint");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[tokio::test]
async fn staff_are_created_from_the_command_line_and_the_audit_is_verified() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let create = [
        "user",
        "create",
        "--role",
        "case_manager",
        "--name",
        "Lee Park",
        "--sign-in-name",
        "lee.park",
    ];
    let (ok, text) = waypoint(&t.url, &create, "password\n");
    assert!(!ok && text.contains("too common"), "{text}");
    let (ok, text) = waypoint(&t.url, &create, "copper kettle by the window\n");
    assert!(ok, "{text}");
    let (ok, text) = waypoint(&t.url, &create, "copper kettle by the window\n");
    assert!(!ok && text.contains("already taken"), "{text}");
    let (ok, text) = waypoint(
        &t.url,
        &[
            "user",
            "create",
            "--role",
            "client",
            "--name",
            "A",
            "--sign-in-name",
            "abc",
        ],
        "copper kettle by the window\n",
    );
    assert!(!ok && text.contains("enrol"), "{text}");
    let role: String = sqlx::query_scalar(
        "SELECT p.role FROM people p JOIN accounts a ON a.person_id = p.id WHERE a.sign_in_name = 'lee.park'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(role, "case_manager");

    let (ok, text) = waypoint(&t.url, &["audit", "verify"], "");
    assert!(
        ok && text.contains("audit trail intact: 1 entries"),
        "{text}"
    );
    sqlx::query("UPDATE audit_events SET address = '203.0.113.9'")
        .execute(t.db.pool())
        .await
        .unwrap();
    let (ok, text) = waypoint(&t.url, &["audit", "verify"], "");
    assert!(!ok && text.contains("broken at entry 1"), "{text}");
    t.cleanup().await;
}

/// Someone with the database alone can cut the trail back and leave a consistent chain; the
/// head kept elsewhere (`waypoint audit head`) finds it.
#[tokio::test]
async fn a_trail_cut_back_behind_the_head_kept_elsewhere_is_found() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let event = |action| app::db::AuditEvent {
        actor_id: Some("someone".into()),
        actor_role: None,
        action,
        client_id: None,
        target: None,
        address: None,
        outcome: app::db::Outcome::Allowed,
        organisation_id: None,
    };
    let now = chrono::Utc::now();
    app::db::record_audit_now(&t.db, &[event("read.plan")], now)
        .await
        .unwrap();
    let (ok, kept) = waypoint(&t.url, &["audit", "head"], "");
    assert!(ok && kept.trim().starts_with("1:"), "{kept}");
    let kept = kept.trim().to_owned();
    app::db::record_audit_now(&t.db, &[event("read.stage")], now)
        .await
        .unwrap();
    let (ok, text) = waypoint(&t.url, &["audit", "verify", "--expect", &kept], "");
    assert!(ok && text.contains("intact: 2 entries"), "{text}");

    // Cut back to nothing and written anew: a chain that checks, but not the one kept.
    sqlx::query("DELETE FROM audit_events")
        .execute(t.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_chains SET seq = 0, hash = $1")
        .bind("0".repeat(64))
        .execute(t.db.pool())
        .await
        .unwrap();
    app::db::record_audit_now(&t.db, &[event("read.goals")], now)
        .await
        .unwrap();
    let (ok, text) = waypoint(&t.url, &["audit", "verify"], "");
    assert!(ok, "the chain alone looks intact: {text}");
    let (ok, text) = waypoint(&t.url, &["audit", "verify", "--expect", &kept], "");
    assert!(!ok && text.contains("cut back or rewritten"), "{text}");
    t.cleanup().await;
}

/// A new installation without the demo: a program, its staff and its clients, all from
/// the command line (as for an import).
#[tokio::test]
async fn a_program_its_staff_and_its_clients_are_made_from_the_command_line() {
    let t = sqlite().await;
    let (ok, text) = waypoint(
        &t.url,
        &[
            "organisation",
            "create",
            "--name",
            "Lakeside",
            "--time-zone",
            "Mars/Olympus",
        ],
        "",
    );
    assert!(!ok && text.contains("IANA"), "{text}");
    let (ok, text) = waypoint(
        &t.url,
        &[
            "organisation",
            "create",
            "--name",
            "Lakeside",
            "--time-zone",
            "America/Toronto",
        ],
        "",
    );
    assert!(ok && text.contains("created organisation"), "{text}");
    let staff = [
        "user",
        "create",
        "--role",
        "case_manager",
        "--name",
        "Casey One",
        "--sign-in-name",
        "cm.one",
    ];
    let (ok, text) = waypoint(&t.url, &staff, "copper kettle by the window\n");
    assert!(ok, "{text}");
    let client = |full_name: &'static str, born: &'static str| {
        [
            "client",
            "create",
            "--full-name",
            full_name,
            "--preferred-name",
            "Jo",
            "--date-of-birth",
            born,
            "--treatment-start",
            "2026-11-30",
            "--case-manager",
            "cm.one",
            "--phone",
            "416-555-0199",
        ]
    };
    let (ok, text) = waypoint(&t.url, &client("Jordan Lee", "1990-05-17"), "");
    assert!(ok && text.contains("created client"), "{text}");
    let (ok, text) = waypoint(&t.url, &client("JORDAN LEE", "1990-05-17"), "");
    assert!(!ok && text.contains("in the program already"), "{text}");
    let (ok, text) = waypoint(&t.url, &client("Jordan Lee", "2999-05-17"), "");
    assert!(!ok && text.contains("date_of_birth"), "{text}");
    let (ok, text) = waypoint(
        &t.url,
        &[
            &client("Sam Rivera", "1990-05-17")[..10],
            &["--case-manager", "nobody"],
        ]
        .concat(),
        "",
    );
    assert!(!ok && text.contains("nobody signs in as nobody"), "{text}");
    let on_team: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM care_team t JOIN accounts a ON a.person_id = t.case_manager_id
         WHERE a.sign_in_name = 'cm.one' AND t.role = 'primary'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(on_team, 1);
    let (ok, text) = waypoint(&t.url, &["audit", "verify"], "");
    assert!(ok && text.contains("intact: 3 entries"), "{text}");
    t.cleanup().await;
}

#[test]
fn push_keys_are_made_for_the_configuration_and_a_bad_one_stops_the_server() {
    let (ok, out) = waypoint("sqlite::memory:", &["push", "keys"], "");
    assert!(ok, "{out}");
    let private = out
        .lines()
        .find_map(|line| line.strip_prefix("WAYPOINT_VAPID_PRIVATE_KEY="))
        .expect("the setting to add");
    let key = app::push::VapidKey::from_private(private).expect("a key the server reads");
    assert!(out.contains(key.public()), "and its public half: {out}");
    let (again, _) = waypoint("sqlite::memory:", &["push", "keys"], "");
    assert!(again);
    // A key that cannot be read stops the server at start, saying which setting.
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_waypoint"))
        .args(["serve"])
        .env(
            "DATABASE_URL",
            format!("sqlite:{}/w.db", dir.path().display()),
        )
        .env("WAYPOINT_ADDR", "127.0.0.1:0")
        .env("WAYPOINT_VAPID_PRIVATE_KEY", "not-a-key")
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run waypoint");
    let status = child.wait().expect("it stops");
    assert!(!status.success());
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    assert!(said.contains("VAPID private key"), "{said}");
}
