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
        };
        db::record_audit_now(&t.db, &[elsewhere], now)
            .await
            .unwrap();
        let app = spawn_app(&t).await;
        app.browser_signed_in("alex").await;
        let admin = app.browser_signed_in("sam.admin").await;
        let today = now.date_naive();
        let range = format!(
            "/admin/audit.csv?from={}&to={}",
            today - Duration::days(1),
            today + Duration::days(1)
        );
        let (status, export) = admin.get(&range).await;
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
