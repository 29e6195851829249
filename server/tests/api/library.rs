//! The family's library: each program's own, stocked with the starter articles in English
//! and French, read by anyone with no sign-in, searched forgivingly, published words only.
use crate::helpers::{on_each_engine, seeded, spawn_app, sqlite};
use app::db;
use app::domain::Language;
use chrono::Utc;

/// The demo program's library.
async fn demo_library(db: &db::Db) -> db::Library {
    let code = db::first_library_code(db).await.unwrap().unwrap();
    db::library_by_code(db, &code).await.unwrap().unwrap()
}

#[tokio::test]
async fn every_program_has_its_own_starter_library_in_both_languages() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let demo = demo_library(&t.db).await;
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
        let org = demo_library(&t.db).await.organisation_id;
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
        let org = demo_library(&t.db).await.organisation_id;
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

    // Nothing about a reader of the library is kept, signed in or not: not their reading,
    // not a page they could not find.
    let audited = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_events")
            .fetch_one(t.db.pool())
            .await
            .unwrap()
    };
    let alex = app.browser_signed_in("alex").await;
    let before = audited().await;
    for path in [
        format!("/learn/{code}/fr/a/4"),
        format!("/learn/{code}/en/a/999"),
    ] {
        alex.get(&path).await;
    }
    assert_eq!(audited().await, before);
    t.cleanup().await;
}

#[tokio::test]
async fn an_admin_edits_previews_publishes_and_checks_an_article() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let admin = app.browser_signed_in("sam.admin").await;
        let db::Library {
            organisation_id: org,
            code,
        } = demo_library(&t.db).await;
        let read = || async {
            db::library_article(&t.db, &org, Language::French, 2)
                .await
                .unwrap()
                .unwrap()
        };
        let before = read().await;
        let save = |based_on: &'static str, title: &'static str, body: String| {
            let admin = &admin;
            async move {
                admin
                    .call(
                        "save-library-text",
                        &[
                            ("number", "2"),
                            ("language", "fr"),
                            ("based_on", based_on),
                            ("text[title]", title),
                            ("text[summary]", "Un résumé."),
                            ("text[body]", &body),
                        ],
                    )
                    .await
            }
        };
        // A draft, with a script and a `javascript:` link in it.
        let body = "## Les premières semaines\n\nUn texte simple. <script>alert(1)</script>\n\n\
                    [Appuyez](javascript:alert(2)) <a href=\"javascript:alert(3)\">ici</a>"
            .to_owned();
        let (status, answer) = save("1", "Les premières semaines, revues", body.clone()).await;
        assert_eq!(
            (status, answer.as_str()),
            (200, "\"Saved\""),
            "{}",
            t.engine
        );
        assert_eq!(read().await, before, "a draft is not what readers read");
        let (_, draft) = admin.call("library-draft", &[("number", "2")]).await;
        assert!(
            draft.contains("Les premières semaines, revues"),
            "the editor has the draft"
        );
        assert!(draft.contains("Un texte simple."), "and its preview");

        // Someone saved over version 1 first: refused, both versions shown.
        let (_, answer) = save("1", "Autre titre", "Autre texte.".to_owned()).await;
        assert!(
            answer.contains("Conflict") && answer.contains("Autre titre"),
            "{answer}"
        );

        // Publishing an older version than the latest is refused; the latest goes out.
        let publish = |version: &'static str| {
            let admin = &admin;
            async move {
                let args = [("number", "2"), ("language", "fr"), ("version", version)];
                admin.call("publish-library-text", &args).await
            }
        };
        assert_eq!(publish("1").await.1, "\"Outdated\"");
        assert_eq!(publish("2").await.1, "\"Saved\"");
        let after = read().await;
        assert_eq!(after.link.title, "Les premières semaines, revues");
        let html = after.html.to_lowercase();
        assert!(
            !html.contains("<script") && !html.contains("javascript:"),
            "{html}"
        );
        assert!(html.contains("un texte simple."));
        assert_eq!(publish("2").await.1, "\"Outdated\"", "published once");

        // The reader's page shows it, and says who checked it once an admin has.
        let page = app.browser().get(&format!("/learn/{code}/fr/a/2")).await.1;
        assert!(page.contains("Les premières semaines, revues"));
        assert!(page.contains("pas encore vérifié"));
        assert_eq!(
            admin
                .call("check-library-article", &[("number", "2")])
                .await
                .1,
            "\"Saved\""
        );
        let page = app.browser().get(&format!("/learn/{code}/fr/a/2")).await.1;
        assert!(page.contains("Vérifié par"), "{page:.300}");

        // Bad input: nothing saved, the problem said at its field.
        let (_, empty) = save("2", "", String::new()).await;
        assert!(
            empty.contains("Invalid") && empty.contains("title") && empty.contains("body"),
            "{empty}"
        );
        let (status, long) = save("2", "Long", "a ".repeat(50_000)).await;
        assert_eq!(status, 200);
        assert!(
            long.contains("Invalid") && long.contains("too long"),
            "{long:.200}"
        );
        let versions: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM library_texts x JOIN library_articles a ON a.id = x.article_id
             WHERE a.organisation_id = $1 AND a.number = 2 AND x.language = 'fr'",
        )
        .bind(&org)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        assert_eq!(versions, 2, "every save a version; refused ones none");

        // A new article is a draft nobody reads until it is published; retired, it goes.
        let (_, added) = admin
            .call(
                "add-library-article",
                &[("topic_number", "1"), ("title", "Horaires")],
            )
            .await;
        assert_eq!(added, "\"Saved\"");
        let shelf = db::library_shelf(&t.db, &org).await.unwrap();
        let new = shelf[0]
            .articles
            .iter()
            .find(|a| a.title == "Horaires")
            .unwrap();
        assert_eq!(new.number, 17);
        assert_eq!(
            db::library_article(&t.db, &org, Language::English, 17)
                .await
                .unwrap(),
            None
        );
        let (_, retired) = admin
            .call(
                "retire-library-item",
                &[("kind", "article"), ("number", "2"), ("retire", "true")],
            )
            .await;
        assert_eq!(retired, "\"Saved\"");
        assert_eq!(
            db::library_article(&t.db, &org, Language::French, 2)
                .await
                .unwrap(),
            None
        );
        t
    })
    .await;
}

#[tokio::test]
async fn articles_and_topics_move_within_their_list() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let org = demo_library(&t.db).await.organisation_id;
        let order = || async {
            db::library_topics(&t.db, &org, Language::English)
                .await
                .unwrap()
                .iter()
                .map(|t| {
                    (
                        t.number,
                        t.articles.iter().map(|a| a.number).collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let before = order().await;
        assert_eq!(before[0], (1, vec![1, 2, 3]));
        let mut tx = t.db.begin().await.unwrap();
        assert!(
            db::move_library_item(&mut tx, &org, db::LibraryItem::Article, 2, true)
                .await
                .unwrap()
        );
        assert!(
            !db::move_library_item(&mut tx, &org, db::LibraryItem::Article, 2, true)
                .await
                .unwrap(),
            "first already"
        );
        assert!(
            db::move_library_item(&mut tx, &org, db::LibraryItem::Topic, 1, false)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let after = order().await;
        assert_eq!(after[0].0, 2, "{}", t.engine);
        assert_eq!(after[1], (1, vec![2, 1, 3]));
        t
    })
    .await;
}

#[tokio::test]
async fn a_supporter_reads_about_the_clients_stage_and_starts_where_their_library_says() {
    use crate::helpers::{add_supporter, id_of, sync};
    use app::domain::{DeviceCopy, Share, Stage};
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let stages = db::stage_history(&t.db, &alex)
            .await
            .unwrap()
            .pop()
            .expect("the demo gives Alex a stage")
            .stages;
        let code = db::first_library_code(&t.db).await.unwrap().unwrap();

        // With the stage share: at most four articles about the stage, from Alex's library.
        let (with_stage, grant) =
            add_supporter(&app, &t, &alex, &[Share::Stage], "sup.stage").await;
        let (status, shared) = with_stage
            .call_value("shared_record", &[("grant_id", grant.as_str())])
            .await;
        assert_eq!(status, 200, "{}", t.engine);
        let reading = &shared["stage_articles"];
        assert_eq!(reading["code"], code.as_str(), "{shared}");
        let articles = reading["articles"].as_array().expect("a list of articles");
        assert!(
            !articles.is_empty() && articles.len() <= 4,
            "{}: {reading}",
            t.engine
        );
        for article in articles {
            let about: Vec<Stage> = serde_json::from_value(article["stages"].clone()).unwrap();
            assert!(
                about.iter().any(|stage| stages.contains(*stage)),
                "about the client's stage: {article}"
            );
        }
        // The page links each, by number, in English.
        let (_, page) = with_stage.get(&format!("/supporting/{grant}")).await;
        assert!(page.contains("Read about this stage"), "{}", t.engine);
        let first = articles[0]["number"].as_i64().unwrap();
        assert!(
            page.contains(&format!("href=\"/learn/{code}/en/a/{first}\"")),
            "{page}"
        );

        // Without it, nothing about the stage: neither the stage nor what to read about it.
        let (goals_only, other_grant) =
            add_supporter(&app, &t, &alex, &[Share::Goals], "sup.nostage").await;
        let (status, shared) = goals_only
            .call_value("shared_record", &[("grant_id", other_grant.as_str())])
            .await;
        assert_eq!(status, 200);
        assert!(
            shared["stages"].is_null() && shared["stage_articles"].is_null(),
            "{shared}"
        );
        let (_, page) = goals_only.get(&format!("/supporting/{other_grant}")).await;
        assert!(!page.contains("Read about this stage"), "{}", t.engine);

        // The list leads with "Start here" of the supporter's own program, in its order.
        let (status, supporting) = with_stage.call_value("supporting", &[]).await;
        assert_eq!(status, 200, "{}", t.engine);
        assert_eq!(supporting["start_here"]["code"], code.as_str());
        let start_here = supporting["start_here"]["articles"]
            .as_array()
            .expect("Start here");
        assert!(!start_here.is_empty(), "{supporting}");
        let places: Vec<i64> = start_here
            .iter()
            .map(|article| article["start_here"].as_i64().expect("a place"))
            .collect();
        assert!(places.windows(2).all(|w| w[0] <= w[1]), "{places:?}");
        assert_eq!(supporting["clients"][0]["grant_id"], grant.as_str());
        assert_eq!(supporting["clients"][0]["preferred_name"], "Alex");
        let (_, page) = with_stage.get("/supporting").await;
        let start = page.find("Start here").expect("a Start here section");
        let alex_link = page
            .find(&format!("href=\"/supporting/{grant}\""))
            .expect("a link to what Alex shares");
        assert!(start < alex_link, "Start here comes first");

        // The phone's copy carries the same, for these pages offline.
        let mut copy = DeviceCopy::default();
        sync(&with_stage, &mut copy).await;
        let kept = copy.shared();
        assert_eq!(kept.len(), 1, "{}", t.engine);
        assert_eq!(
            kept[0]
                .stage_articles
                .as_ref()
                .map(|links| links.articles.len()),
            Some(articles.len())
        );
        assert_eq!(kept[0].start_here.articles.len(), start_here.len());
        assert_eq!(kept[0].start_here.code, code);
        t
    })
    .await;
}
