//! What a browser keeps outside the page: titles go into the history and the tab switcher,
//! where anyone holding a shared phone (or a clinic computer) can read them. No title names
//! a kind of care, and none names a client.
use crate::helpers::{add_supporter, id_of, seeded, spawn_app, sqlite, TestApp};
use app::db;
use app::domain::Share;
use chrono::{Duration, Utc};
use std::collections::BTreeSet;

/// Every title a page may have, before " · Waypoint".
const NEUTRAL_TITLES: &[&str] = &[
    "Today",
    "My plan",
    "Appointments",
    "Appointment",
    "Referrals",
    "Support",
    "Messages",
    "Sign in",
    "Welcome back",
    "Set up your sign-in",
    "Join as a supporter",
    "Choose a new passphrase",
    "Account",
    "Notifications",
    "Who has seen my information",
    "People I share with",
    "Shared with you",
    "Supporting someone",
    "Caseload",
    "Client record",
    "New client",
    "Compare updates",
    "Administration",
    "Directory",
    "Care teams",
    "Safety plan",
    "Page not found",
    "Please sign in",
    // The library's every page, in English and French: never the article's title.
    "Library",
    "Bibliothèque",
];

fn title_of(page: &str) -> Option<&str> {
    let start = page.find("<title>")? + "<title>".len();
    let end = start + page[start..].find("</title>")?;
    Some(&page[start..end])
}

#[tokio::test]
async fn every_page_of_every_role_has_a_neutral_title() {
    let t = sqlite().await;
    let clients = seeded(&t.db).await;
    let alex = id_of(&clients, "Alex");
    let app = spawn_app(&t).await;
    let now = Utc::now().naive_utc();
    let appointment = db::appointments_between(&t.db, &alex, now, now + Duration::days(30))
        .await
        .unwrap()[0]
        .id
        .to_string();
    let (supporter, grant) = add_supporter(&app, &t, &alex, Share::ALL, "sup.all").await;
    let mut people: Vec<(&str, TestApp)> =
        vec![("anonymous", app.browser()), ("supporter", supporter)];
    for name in ["alex", "amara", "sam.admin"] {
        people.push((name, app.browser_signed_in(name).await));
    }
    let allowed: BTreeSet<String> = NEUTRAL_TITLES
        .iter()
        .map(|title| format!("{title} · Waypoint"))
        .collect();
    let mut walked = BTreeSet::new();
    let library = db::first_library_code(&t.db).await.unwrap().unwrap();
    for route in server::startup::page_paths() {
        let path = route
            .replace("/learn/{code}/{language}", &format!("/learn/{library}/fr"))
            .replace("/t/{number}", "/t/2")
            .replace("/a/{number}", "/a/4")
            .replace("/admin/library/{number}", "/admin/library/4")
            .replace(
                "/appointments/{id}",
                &format!("/appointments/{appointment}"),
            )
            .replace("/supporting/{id}", &format!("/supporting/{grant}"))
            .replace(
                "/caseload/{id}/compare",
                &format!("/caseload/{alex}/compare?from=1&to=2"),
            )
            .replace("/caseload/{id}", &format!("/caseload/{alex}"));
        assert!(!path.contains('{'), "{route}: give the test an id for it");
        for (who, browser) in &people {
            let (status, page) = browser.get(&path).await;
            let Some(title) = title_of(&page) else {
                continue;
            };
            assert!(allowed.contains(title), "{path} as {who}: title {title:?}");
            assert!(!title.contains("Alex"), "{path} as {who}: {title:?}");
            if status == 200 {
                walked.insert(route.clone());
            }
        }
    }
    let routes: BTreeSet<String> = server::startup::page_paths().into_iter().collect();
    let unseen: Vec<_> = routes.difference(&walked).collect();
    assert!(unseen.is_empty(), "pages nobody could open: {unseen:?}");
    t.cleanup().await;
}
