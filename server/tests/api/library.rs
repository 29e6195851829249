//! The family's library: each program's own, stocked with the starter articles in English
//! and French, read by anyone with no sign-in, searched forgivingly, published words only.
use crate::helpers::{on_each_engine, seeded, spawn_app, sqlite};
use app::db;
use app::domain::Language;
use chrono::Utc;

#[tokio::test]
async fn every_program_has_its_own_starter_library_in_both_languages() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let demo = db::first_library_code(&t.db).await.unwrap().unwrap();
        let demo = db::library_by_code(&t.db, &demo).await.unwrap().unwrap();
        let english = db::library_topics(&t.db, &demo.organisation_id, Language::English)
            .await
            .unwrap();
        let french = db::library_topics(&t.db, &demo.organisation_id, Language::French)
            .await
            .unwrap();
        assert_eq!(english.len(), 5, "{}", t.engine);
        let count =
            |topics: &[app::domain::Topic]| topics.iter().map(|t| t.articles.len()).sum::<usize>();
        assert_eq!(count(&english), 16);
        assert_eq!(count(&french), 16);
        assert_eq!(english[0].title, "Methadone treatment");
        assert_eq!(french[0].title, "Le traitement à la méthadone");
        assert!(english[0].articles[0].minutes >= 2);
        assert_eq!(english[0].articles[0].start_here, Some(1));

        let article = db::library_article(&t.db, &demo.organisation_id, Language::French, 1)
            .await
            .unwrap()
            .unwrap();
        assert!(article.html.contains("<h2>"), "rendered from Markdown");
        assert!(article.html.contains("Sources"));
        assert_eq!(article.review, None, "a starter article is not checked yet");
        assert_eq!(article.topic_title, "Le traitement à la méthadone");

        // A second program: its own library (another code, the same starter articles)
        // and none of the first one's places for families.
        let mut change = t.db.begin().await.unwrap();
        db::insert_organisation(&mut change, "second-program", "Second", "UTC", Utc::now())
            .await
            .unwrap();
        change.commit().await.unwrap();
        let second: String = sqlx::query_scalar(
            "SELECT library_code FROM organisations WHERE id = 'second-program'",
        )
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        assert_ne!(second, demo.code);
        assert_eq!(second.len(), 8);
        let theirs = db::library_by_code(&t.db, &second).await.unwrap().unwrap();
        assert_eq!(theirs.organisation_id, "second-program");
        let their_topics = db::library_topics(&t.db, "second-program", Language::English)
            .await
            .unwrap();
        assert_eq!(count(&their_topics), 16);
        assert!(!db::family_resources(&t.db, &demo.organisation_id)
            .await
            .unwrap()
            .is_empty());
        assert!(db::family_resources(&t.db, "second-program")
            .await
            .unwrap()
            .is_empty());
        assert_eq!(db::library_by_code(&t.db, "nothing").await.unwrap(), None);
        t
    })
    .await;
}

#[tokio::test]
async fn search_forgives_case_accents_and_plurals_in_both_languages() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let code = db::first_library_code(&t.db).await.unwrap().unwrap();
        let org = db::library_by_code(&t.db, &code)
            .await
            .unwrap()
            .unwrap()
            .organisation_id;
        let search = |language, query: &'static str| {
            let (db, org) = (t.db.clone(), org.clone());
            async move {
                let words = app::domain::search_words(query);
                db::search_library(&db, &org, language, &words)
                    .await
                    .unwrap()
            }
        };
        let overdose = search(Language::English, "NALOXONE overdoses").await;
        assert!(!overdose.is_empty(), "{}", t.engine);
        assert!(
            overdose[0].title.starts_with("Overdose"),
            "{:?}",
            overdose[0].title
        );
        let children = search(Language::French, "ENFANTS").await;
        assert!(
            children.iter().any(|a| a.title.contains("enfants")),
            "{children:?}"
        );
        let safety = search(Language::French, "securite").await;
        assert!(!safety.is_empty(), "accents are forgiven");
        assert!(search(Language::English, "zzyzx").await.is_empty());
        // A word in French only is not found among the English words.
        assert!(search(Language::English, "médicament").await.is_empty());
        t
    })
    .await;
}

#[tokio::test]
async fn readers_see_the_published_words_never_a_draft() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let code = db::first_library_code(&t.db).await.unwrap().unwrap();
        let org = db::library_by_code(&t.db, &code)
            .await
            .unwrap()
            .unwrap()
            .organisation_id;
        let article_id: String = sqlx::query_scalar(
            "SELECT id FROM library_articles WHERE organisation_id = $1 AND number = 1",
        )
        .bind(&org)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        let draft = |version: i64, published: Option<&'static str>| {
            let (db, id) = (t.db.clone(), article_id.clone());
            async move {
                sqlx::query(
                    "INSERT INTO library_texts (article_id, language, version, title, summary,
                         body, html, search_text, words, saved_at, published_at)
                     VALUES ($1, 'en', $2, 'Draft title', 's', 'b', '<p>draft</p>', ' draft ', 1,
                             '2026-12-03T10:00:00Z', $3)",
                )
                .bind(id)
                .bind(version)
                .bind(published)
                .execute(db.pool())
                .await
                .unwrap();
            }
        };
        draft(2, None).await;
        let read = || async {
            db::library_article(&t.db, &org, Language::English, 1)
                .await
                .unwrap()
                .unwrap()
        };
        assert_ne!(read().await.link.title, "Draft title", "{}", t.engine);
        let words = app::domain::search_words("draft");
        assert!(db::search_library(&t.db, &org, Language::English, &words)
            .await
            .unwrap()
            .iter()
            .all(|a| a.number != 1));
        draft(3, Some("2026-12-03T11:00:00Z")).await;
        assert_eq!(read().await.link.title, "Draft title");
        // Retired, it is gone from the shelves and its address.
        sqlx::query("UPDATE library_articles SET retired_on = '2026-12-03' WHERE id = $1")
            .bind(&article_id)
            .execute(t.db.pool())
            .await
            .unwrap();
        assert_eq!(
            db::library_article(&t.db, &org, Language::English, 1)
                .await
                .unwrap(),
            None
        );
        t
    })
    .await;
}

#[tokio::test]
async fn anyone_reads_the_library_in_their_language_and_it_says_nothing_in_its_title() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    let code = db::first_library_code(&t.db).await.unwrap().unwrap();
    let get = |path: String, headers: &'static [(&'static str, &'static str)]| {
        let mut request = app.http.get(format!("{}{path}", app.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    let location =
        |response: &reqwest::Response| response.headers()["location"].to_str().unwrap().to_owned();

    // `/learn` leads to the library in the browser's language, then the one last read in.
    let english = get("/learn".into(), &[]).await.unwrap();
    assert_eq!(english.status(), 303);
    assert_eq!(location(&english), format!("/learn/{code}/en"));
    let french = get(
        "/learn".into(),
        &[("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")],
    )
    .await
    .unwrap();
    assert_eq!(location(&french), format!("/learn/{code}/fr"));
    let kept = get(
        "/learn".into(),
        &[("accept-language", "fr-CA"), ("cookie", "waypoint_lang=en")],
    )
    .await
    .unwrap();
    assert_eq!(location(&kept), format!("/learn/{code}/en"));

    let page = get(format!("/learn/{code}/fr/a/4"), &[]).await.unwrap();
    assert_eq!(page.status(), 200);
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("waypoint_lang=fr;"),
        "the switch is remembered: {cookie}"
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"fr\""),
        "the page says its language"
    );
    assert!(
        html.contains("<title>Bibliothèque · Waypoint</title>"),
        "only 'Library' in the title"
    );
    assert!(html.contains("naloxone"), "the article's words");
    assert!(
        html.contains(&format!("href=\"/learn/{code}/en/a/4\"")),
        "the same page in English"
    );
    assert!(
        !html.contains(".wasm"),
        "no wasm for a reader of the library"
    );
    assert!(html.contains("/library.js"));

    let search = get(format!("/learn/{code}/fr/search?q=Enfants"), &[])
        .await
        .unwrap();
    let html = search.text().await.unwrap();
    assert!(
        html.contains("Les enfants dans la famille") || html.contains("enfants"),
        "{html}"
    );

    for missing in [
        format!("/learn/{code}/de"),
        format!("/learn/{code}/en/a/999"),
        format!("/learn/{code}/en/t/0"),
        "/learn/nothing/en".to_owned(),
    ] {
        assert_eq!(
            get(missing.clone(), &[]).await.unwrap().status(),
            404,
            "{missing}"
        );
    }
    t.cleanup().await;
}
