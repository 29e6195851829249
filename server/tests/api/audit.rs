//! The audit trail as an admin exports it.
use crate::helpers::{on_each_engine, seeded, spawn_app};
use app::db::{self, AuditEvent, Outcome};
use app::domain::Role;
use chrono::{Duration, Utc};

/// Many clinics may share one database: an admin's export holds their own organisation's
/// entries and nothing of another's.
#[tokio::test]
async fn an_admins_export_holds_only_their_own_organisation() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let now = Utc::now();
        let mut change = t.db.begin().await.unwrap();
        db::insert_organisation(&mut change, "org-elsewhere", "Elsewhere", "UTC", now)
            .await
            .unwrap();
        db::insert_person(
            &mut change,
            "person-elsewhere",
            "org-elsewhere",
            "Kim",
            Role::Client,
            now,
        )
        .await
        .unwrap();
        change.commit().await.unwrap();
        let elsewhere = AuditEvent {
            actor_id: Some("person-elsewhere".into()),
            actor_role: Some("client".into()),
            action: "read.plan",
            client_id: Some("person-elsewhere".into()),
            target: None,
            address: Some("192.0.2.77".into()),
            outcome: Outcome::Allowed,
            organisation_id: None,
        };
        db::record_audit_now(&t.db, &[elsewhere], now)
            .await
            .unwrap();
        let app = spawn_app(&t).await;
        app.browser_signed_in("alex").await;
        let admin = app.browser_signed_in("sam.admin").await;
        let (status, export) = admin.get(&export_around(now)).await;
        assert_eq!(status, 200, "{}", t.engine);
        assert!(
            export.contains(",sign_in,"),
            "{}: own entries: {export:.300}",
            t.engine
        );
        assert!(
            !export.contains("person-elsewhere"),
            "{}: {export}",
            t.engine
        );
        assert!(!export.contains("192.0.2.77"), "{}", t.engine);
        t
    })
    .await;
}

/// The export of the days around `now`.
fn export_around(now: chrono::DateTime<Utc>) -> String {
    let today = now.date_naive();
    format!(
        "/admin/audit.csv?from={}&to={}",
        today - Duration::days(1),
        today + Duration::days(1)
    )
}

/// An export longer than a page comes whole, in order and once each, entries of the same
/// instant across a page's end included: the server reads it a page at a time.
#[tokio::test]
async fn a_long_export_comes_whole_a_page_at_a_time() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let alex = crate::helpers::person_named(&t.db, "alex").await;
        let now = Utc::now();
        let entries = 2 * db::AUDIT_PAGE + 500;
        let looks: Vec<AuditEvent> = (0..entries)
            .map(|_| {
                let mut entry = look("read.plan");
                entry.client_id = Some(alex.clone());
                entry.organisation_id = Some(server::demo::DEMO_ORGANISATION_ID.into());
                entry
            })
            .collect();
        // Three instants, so that pages end inside a run of entries of one instant.
        for (n, batch) in looks.chunks(entries / 3 + 1).enumerate() {
            let at = now - Duration::seconds(10 - n as i64);
            db::record_audit_now(&t.db, batch, at).await.unwrap();
        }
        let app = spawn_app(&t).await;
        let admin = app.browser_signed_in("sam.admin").await;
        let (status, export) = admin.get(&export_around(now)).await;
        assert_eq!(status, 200, "{}", t.engine);
        let lines: Vec<&str> = export.lines().skip(1).collect();
        let plan_reads: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|line| line.contains(",read.plan,") && line.contains(&alex))
            .collect();
        assert_eq!(plan_reads.len(), entries, "{}", t.engine);
        let hashes: std::collections::BTreeSet<&str> = lines
            .iter()
            .filter_map(|line| line.rsplit(',').next())
            .collect();
        assert_eq!(hashes.len(), lines.len(), "{}: an entry twice", t.engine);
        let times: Vec<&str> = lines.iter().filter_map(|l| l.split(',').nth(1)).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}", t.engine);
        t
    })
    .await;
}

/// How an attacker with only the database would chain the trail again after changing it:
/// each entry's hash over its fields and the hash before it, made by `hash` (the shared
/// chain, where these tests' entries by nobody known go).
async fn chain_again(db: &db::Db, hash: impl Fn(&[u8]) -> String) {
    let entries: Vec<db::AuditEntry> = sqlx::query_as(
        "SELECT chain, seq, at, actor_id, actor_role, action, client_id, target, address,
                outcome, prev_hash, hash
         FROM audit_events WHERE chain = '' ORDER BY seq",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let mut prev_hash = "0".repeat(64);
    for e in &entries {
        let fields = serde_json::json!([
            prev_hash,
            e.seq,
            e.at,
            e.actor_id,
            e.actor_role,
            e.action,
            e.client_id,
            e.target,
            e.address,
            e.outcome,
        ]);
        let new_hash = hash(fields.to_string().as_bytes());
        sqlx::query(
            "UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE chain = '' AND seq = $3",
        )
        .bind(&prev_hash)
        .bind(&new_hash)
        .bind(e.seq)
        .execute(db.pool())
        .await
        .unwrap();
        prev_hash = new_hash;
    }
    sqlx::query("UPDATE audit_chains SET seq = $1, hash = $2 WHERE id = ''")
        .bind(entries.last().map_or(0, |e| e.seq))
        .bind(&prev_hash)
        .execute(db.pool())
        .await
        .unwrap();
}

fn plain_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    app::secrets::hex(&sha2::Sha256::digest(bytes))
}

fn keyed_with(key: &'static [u8]) -> impl Fn(&[u8]) -> String {
    move |bytes| {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        mac.update(bytes);
        app::secrets::hex(&mac.finalize().into_bytes())
    }
}

fn look(action: &'static str) -> AuditEvent {
    AuditEvent {
        actor_id: Some("someone".into()),
        actor_role: Some("case_manager".into()),
        action,
        client_id: Some("a-client".into()),
        target: None,
        address: None,
        outcome: Outcome::Allowed,
        organisation_id: None,
    }
}

/// Someone with the database but not the key cuts the trail back, alters an entry and chains
/// it all again, plainly or with the demo's key: the trail no longer verifies. With the key
/// it would; that is what the key is for.
#[tokio::test]
async fn a_trail_chained_again_without_the_key_does_not_verify() {
    on_each_engine(|t| async move {
        let key: &'static [u8] = b"a key from the configuration, kept apart from the database!!";
        let db = t.db.clone().with_audit_key(db::AuditKey::new(key));
        for action in ["read.plan", "read.stage", "read.caseload", "read.plan"] {
            db::record_audit_now(&db, &[look(action)], Utc::now())
                .await
                .unwrap();
        }
        assert!(matches!(
            db::verify_audit_chain(&db).await.unwrap(),
            db::ChainCheck::Intact { .. }
        ));
        sqlx::query("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)")
            .execute(db.pool())
            .await
            .unwrap();
        sqlx::query(
            "UPDATE audit_events SET action = 'read.referrals' WHERE action = 'read.caseload'",
        )
        .execute(db.pool())
        .await
        .unwrap();
        for (how, hash) in [
            (
                "plainly",
                Box::new(plain_sha256) as Box<dyn Fn(&[u8]) -> String>,
            ),
            (
                "with the demo's key",
                Box::new(keyed_with(
                    b"waypoint development audit key: not for production",
                )),
            ),
        ] {
            chain_again(&db, hash).await;
            assert!(
                matches!(
                    db::verify_audit_chain(&db).await.unwrap(),
                    db::ChainCheck::Broken { at_seq: 1, .. }
                ),
                "{}: chained again {how}",
                t.engine
            );
        }
        chain_again(&db, keyed_with(key)).await;
        assert!(matches!(
            db::verify_audit_chain(&db).await.unwrap(),
            db::ChainCheck::Intact { entries: 3, .. }
        ));
        t
    })
    .await;
}

/// A trail written before the hashes were keyed is keyed once, at the first start after the
/// upgrade, and says so in an entry of its own. Later, a trail marked unkeyed (someone with
/// the database chained it again plainly and set the mark) is refused, never keyed: that
/// would launder the rewrite. `waypoint audit key` keys it only when its plain chain holds.
#[tokio::test]
async fn an_old_plain_trail_is_keyed_once_and_never_again_by_itself() {
    on_each_engine(|t| async move {
        for action in ["read.plan", "read.stage"] {
            db::record_audit_now(&t.db, &[look(action)], Utc::now())
                .await
                .unwrap();
        }
        // As before the upgrade: plain hashes, and neither the mark nor the reset codes'
        // table (which the same migration adds), and one trail with one head. On one
        // connection: SQLite checks a new table name against the schema the connection
        // knows.
        chain_again(&t.db, plain_sha256).await;
        let mut conn = t.db.pool().acquire().await.unwrap();
        for sql in [
            "DROP TABLE staff_reset_codes",
            "CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1),
                 seq INTEGER NOT NULL, hash TEXT NOT NULL)",
            "INSERT INTO audit_head (id, seq, hash) SELECT 1, seq, hash FROM audit_chains
             WHERE id = ''",
            "DROP TABLE audit_chains",
            "CREATE TABLE audit_before (seq INTEGER PRIMARY KEY, at TEXT NOT NULL,
                 actor_id TEXT, actor_role TEXT, action TEXT NOT NULL, client_id TEXT,
                 target TEXT, address TEXT, outcome TEXT NOT NULL, prev_hash TEXT NOT NULL,
                 hash TEXT NOT NULL)",
            "INSERT INTO audit_before SELECT seq, at, actor_id, actor_role, action, client_id,
                 target, address, outcome, prev_hash, hash FROM audit_events",
            "DROP TABLE audit_events",
            "ALTER TABLE audit_before RENAME TO audit_events",
            "DELETE FROM _sqlx_migrations WHERE version IN (20261202000002, 20261203000014)",
        ] {
            sqlx::query(sql).execute(&mut *conn).await.unwrap();
        }
        drop(conn);
        t.db.migrate().await.unwrap();
        assert_eq!(
            db::verify_audit_chain(&t.db).await.unwrap(),
            db::ChainCheck::Intact {
                entries: 3,
                chains: 1
            },
            "{}",
            t.engine
        );
        let keyed: Option<String> =
            sqlx::query_scalar("SELECT target FROM audit_events WHERE action = 'audit.keyed'")
                .fetch_optional(t.db.pool())
                .await
                .unwrap();
        assert_eq!(keyed.as_deref(), Some("2"));
        let heads = db::audit_heads(&t.db).await.unwrap();
        t.db.migrate().await.unwrap();
        assert_eq!(db::audit_heads(&t.db).await.unwrap(), heads, "once only");

        // Rewritten and chained again plainly, with the mark set back: refused.
        sqlx::query("UPDATE audit_events SET action = 'read.referrals' WHERE seq = 2")
            .execute(t.db.pool())
            .await
            .unwrap();
        chain_again(&t.db, plain_sha256).await;
        sqlx::query("UPDATE audit_chains SET keyed = 0 WHERE id = ''")
            .execute(t.db.pool())
            .await
            .unwrap();
        assert!(matches!(
            t.db.migrate().await,
            Err(db::DbError::AuditTrailNotKeyed)
        ));
        assert!(matches!(
            db::verify_audit_chain(&t.db).await.unwrap(),
            db::ChainCheck::Broken { .. }
        ));
        // Keyed by hand, as `waypoint audit key` does, only when its plain chain holds.
        sqlx::query("UPDATE audit_events SET hash = 'cut' WHERE seq = 3")
            .execute(t.db.pool())
            .await
            .unwrap();
        assert_eq!(
            db::key_audit_trail(&t.db, Utc::now()).await.unwrap(),
            db::KeyedTrail::Broken {
                at_seq: 3,
                reason: "the entry was altered"
            }
        );
        t
    })
    .await;
}

/// On https (a real deployment) the server does not start without its own audit key.
#[tokio::test]
async fn the_server_does_not_start_on_https_without_an_audit_key() {
    let t = crate::helpers::sqlite().await;
    let mut config = server::config::Config::for_tests(&t.url);
    config.public_url = "https://waypoint.example".into();
    let started = server::startup::Application::build(config.clone()).await;
    assert!(matches!(
        started,
        Err(server::startup::StartError::AuditKeyMissing)
    ));
    config.audit_key = Some("a".repeat(64).parse().unwrap());
    assert!(server::startup::Application::build(config).await.is_ok());
    t.cleanup().await;
}

/// Each organisation's entries are a chain of their own, and each names its chain in its
/// hash: an entry moved from one program's chain into another's, with both heads set to
/// match, does not verify.
#[tokio::test]
async fn an_entry_moved_to_another_organisations_chain_does_not_verify() {
    on_each_engine(|t| async move {
        for organisation in ["org-a", "org-b"] {
            let event = AuditEvent {
                organisation_id: Some(organisation.into()),
                ..look("read.plan")
            };
            db::record_audit_now(&t.db, &[event], Utc::now())
                .await
                .unwrap();
        }
        assert_eq!(
            db::verify_audit_chain(&t.db).await.unwrap(),
            db::ChainCheck::Intact {
                entries: 2,
                chains: 3
            },
            "{}: the two programs' and the shared one",
            t.engine
        );
        let moved: (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_events WHERE chain = 'org-a'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        for sql in [
            "DELETE FROM audit_events WHERE chain = 'org-b'",
            "UPDATE audit_events SET chain = 'org-b' WHERE chain = 'org-a'",
        ] {
            sqlx::query(sql).execute(t.db.pool()).await.unwrap();
        }
        for (chain, seq, hash) in [("org-a", 0, "0".repeat(64)), ("org-b", moved.0, moved.1)] {
            sqlx::query("UPDATE audit_chains SET seq = $1, hash = $2 WHERE id = $3")
                .bind(seq)
                .bind(hash)
                .bind(chain)
                .execute(t.db.pool())
                .await
                .unwrap();
        }
        assert_eq!(
            db::verify_audit_chain(&t.db).await.unwrap(),
            db::ChainCheck::Broken {
                chain: "org-b".into(),
                at_seq: 1,
                reason: "the entry was altered"
            },
            "{}",
            t.engine
        );
        t
    })
    .await;
}
