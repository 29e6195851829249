//! Moving up: `waypoint backup` (a consistent SQLite copy while the server runs) and
//! `waypoint copy-to` (a whole SQLite database into an empty PostgreSQL one), on the demo
//! with a trail of its own: every table's rows and every audit chain equal.
use crate::cli::waypoint;
use crate::helpers::{own_database, postgres_url, seeded_app, sqlite, sync};
use app::db::{self, ChainCheck, Db};
use app::domain::DeviceCopy;

#[tokio::test]
async fn a_sqlite_demo_backed_up_and_copied_to_postgresql_keeps_every_row_and_chain() {
    let t = sqlite().await;
    let (app, _) = seeded_app(&t).await;
    // Some use, so that the program's chain and the phones' sync state have rows too.
    let case_manager = app.browser_signed_in("amara").await;
    assert_eq!(case_manager.call("caseload", &[]).await.0, 200);
    let phone = app.browser_signed_in("alex").await;
    sync(&phone, &mut DeviceCopy::default()).await;
    let tables = db::table_names(&t.db).await.unwrap();
    assert!(tables.len() > 40, "{tables:?}");
    let position = |table: &str| tables.iter().position(|t| t == table).unwrap();
    assert!(
        position("organisations") < position("people"),
        "parents first"
    );
    let here = db::count_rows(&t.db, &tables).await.unwrap();
    let trail = db::verify_audit_chain(&t.db).await.unwrap();
    assert!(
        matches!(trail, ChainCheck::Intact { chains, .. } if chains >= 2),
        "{trail:?}"
    );

    // A backup, while the server runs.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db").display().to_string();
    let (ok, said) = waypoint(&t.url, &["backup", &file], "");
    assert!(ok, "{said}");
    let (again, said) = waypoint(&t.url, &["backup", &file], "");
    assert!(!again && said.contains("exists already"), "{said}");
    let backup = Db::connect(&format!("sqlite:{file}"), 1).await.unwrap();
    assert_eq!(db::count_rows(&backup, &tables).await.unwrap(), here);
    assert_eq!(db::verify_audit_chain(&backup).await.unwrap(), trail);
    backup.close().await;

    let Some(base) = postgres_url() else {
        eprintln!("TEST_POSTGRES_URL is not set: the copy to PostgreSQL skipped");
        return t.cleanup().await;
    };
    let (_own, url) = own_database(&base).await;
    let (ok, said) = waypoint(&t.url, &["copy-to", &url], "");
    assert!(ok, "{said}");
    assert!(said.contains("audit trail intact there"), "{said}");
    let there = Db::connect(&url, 2).await.unwrap();
    assert_eq!(db::count_rows(&there, &tables).await.unwrap(), here);
    assert_eq!(db::verify_audit_chain(&there).await.unwrap(), trail);
    // The copy is a working database: the server's own reads find the demo there.
    assert!(db::first_library_code(&there).await.unwrap().is_some());
    there.close().await;
    let (again, said) = waypoint(&t.url, &["copy-to", &url], "");
    assert!(!again && said.contains("already holds people"), "{said}");
    t.cleanup().await;
}
