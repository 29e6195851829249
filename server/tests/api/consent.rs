//! Sharing with supporters through the real forms, the audit trail behind every look, and
//! the headers every answer carries.
use crate::helpers::{named, on_each_engine, seeded, spawn_app, sqlite};
use app::db::{self, ChainCheck};
use chrono::{Duration, Utc};

/// The invite code shown once on the client's page after making an invite.
pub(crate) async fn invite(client: &crate::helpers::TestApp, shares: &[&str]) -> String {
    let ends_on = (Utc::now() + Duration::days(30)).date_naive().to_string();
    let mut form = vec![("label", "Mum"), ("ends_on", ends_on.as_str())];
    let names: Vec<String> = shares.iter().map(|s| format!("share_{s}")).collect();
    form.extend(names.iter().map(|n| (n.as_str(), "on")));
    assert_eq!(
        client.post_form("/supporters/invite", &form).await.1,
        "/supporters"
    );
    let (status, body) = client.call("supporters", &[]).await;
    assert_eq!(status, 200);
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    page["new_code"]
        .as_str()
        .expect("the new code, once")
        .to_owned()
}

/// Joins with an invite code as "Rita"; where the join form sends the browser next.
pub(crate) async fn join(supporter: &crate::helpers::TestApp, code: &str) -> String {
    supporter
        .post_form(
            "/join",
            &[
                ("code", code),
                ("display_name", "Rita"),
                ("sign_in_name", "rita"),
                ("passphrase", "lantern by the quiet river"),
                ("repeat_passphrase", "lantern by the quiet river"),
            ],
        )
        .await
        .1
}

#[tokio::test]
async fn a_supporter_sees_only_what_is_shared_until_it_is_revoked() {
    on_each_engine(|t| async move {
        let clients = seeded(&t.db).await;
        let alex = named(&clients, "Alex");
        let app = spawn_app(&t).await;
        let client = app.browser_signed_in("alex").await;
        let code = invite(&client, &["goals"]).await;
        // Shown once only.
        assert!(!client.call("supporters", &[]).await.1.contains(&code));

        let supporter = app.browser();
        assert_eq!(join(&supporter, &code).await, "/supporting");
        let (_, listing) = supporter.call("supporting", &[]).await;
        let listing: serde_json::Value = serde_json::from_str(&listing).unwrap();
        let grant_id = listing["clients"][0]["grant_id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(listing["clients"][0]["preferred_name"], "Alex");

        let (status, shared) = supporter
            .call("shared_record", &[("grant_id", &grant_id)])
            .await;
        assert_eq!(status, 200, "{}", t.engine);
        let shared: serde_json::Value = serde_json::from_str(&shared).unwrap();
        let plan = db::support_plan(&t.db, &alex.client_id).await.unwrap();
        assert_eq!(shared["goals"].as_array().unwrap().len(), plan.goals.len());
        assert!(
            shared["appointments"].is_null(),
            "appointments were not shared"
        );
        assert!(shared["stages"].is_null(), "stage was not shared");
        // Goal text and status only: no step or id reaches the supporter, in
        // the answer, the page or the phone's copy.
        let (_, page) = supporter.get(&format!("/supporting/{grant_id}")).await;
        let (_, copy) = supporter
            .post_json(
                app::domain::SYNC_PATH,
                &app::domain::DeviceCopy::default().request(),
            )
            .await;
        let answer = serde_json::to_string(&shared).unwrap();
        for goal in &plan.goals {
            assert!(answer.contains(&goal.own_words) && copy.contains(&goal.own_words));
            for sent in [&answer, &page, &copy] {
                assert!(!sent.contains(&goal.id.to_string()), "{}", t.engine);
                for step in &goal.steps {
                    assert!(!sent.contains(&step.description), "{}", step.description);
                }
            }
        }
        // The supporter's own pages are theirs: the client's pages are not.
        assert_eq!(supporter.call("plan", &[]).await.0, 404);

        // The client sees who can see what, and Rita's look is on the client's record.
        let (_, supporters) = client.call("supporters", &[]).await;
        assert!(
            supporters.contains("Rita") && supporters.contains("Active"),
            "{supporters}"
        );
        let (_, looks) = client.call("record_looks", &[]).await;
        assert!(looks.contains("Rita (Supporter)"), "{looks}");

        // Revoking takes effect on the very next request.
        assert_eq!(
            client
                .post_form("/supporters/revoke", &[("grant_id", &grant_id)])
                .await
                .1,
            "/supporters?notice=access_ended"
        );
        assert_eq!(
            supporter
                .call("shared_record", &[("grant_id", &grant_id)])
                .await
                .0,
            404
        );
        let (_, listing) = supporter.call("supporting", &[]).await;
        let listing: serde_json::Value = serde_json::from_str(&listing).unwrap();
        assert_eq!(listing["clients"], serde_json::json!([]));
        // The invite cannot be used again, and the grant's whole story is kept.
        assert_eq!(
            app.browser().post_form("/join", &[("code", &code)]).await.1,
            "/join?problem=name_missing"
        );
        let history: Vec<String> = sqlx::query_scalar(
            "SELECT change FROM supporter_grant_history WHERE grant_id = $1 ORDER BY version",
        )
        .bind(&grant_id)
        .fetch_all(t.db.pool())
        .await
        .unwrap();
        assert_eq!(history, ["created", "accepted", "revoked"]);
        // Every entry says where it came from, form posts included.
        let without_address: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE address IS NULL")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        assert_eq!(without_address, 0, "{}", t.engine);
        t
    })
    .await;
}

#[tokio::test]
async fn an_expired_grant_shows_nothing_the_next_day() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    let client = app.browser_signed_in("alex").await;
    let code = invite(&client, &["appointments", "goals", "stage"]).await;
    let supporter = app.browser();
    let (_, to) = supporter
        .post_form(
            "/join",
            &[
                ("code", code.as_str()),
                ("display_name", "Rita"),
                ("sign_in_name", "rita"),
                ("passphrase", "lantern by the quiet river"),
                ("repeat_passphrase", "lantern by the quiet river"),
            ],
        )
        .await;
    assert_eq!(to, "/supporting");
    let grant_id: String = sqlx::query_scalar("SELECT id FROM supporter_grants")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    let (status, shared) = supporter
        .call("shared_record", &[("grant_id", &grant_id)])
        .await;
    assert_eq!(status, 200);
    assert!(shared.contains("\"stages\":[") && shared.contains("\"appointments\":["));
    sqlx::query("UPDATE supporter_grants SET ends_on = $1")
        .bind(db::date_text((Utc::now() - Duration::days(2)).date_naive()))
        .execute(t.db.pool())
        .await
        .unwrap();
    assert_eq!(
        supporter
            .call("shared_record", &[("grant_id", &grant_id)])
            .await
            .0,
        404
    );
    t.cleanup().await;
}

#[tokio::test]
async fn the_audit_trail_detects_a_removed_or_altered_entry() {
    on_each_engine(|t| async move {
        seeded(&t.db).await;
        let app = spawn_app(&t).await;
        let case_manager = app.browser_signed_in("amara").await;
        assert_eq!(case_manager.call("caseload", &[]).await.0, 200);
        let ChainCheck::Intact { entries, .. } = db::verify_audit_chain(&t.db).await.unwrap()
        else {
            panic!("a fresh trail is intact");
        };
        assert!(entries > 5, "{entries}");
        // No health information in the trail: ids and action names only.
        let texts: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_events")
            .fetch_all(t.db.pool())
            .await
            .unwrap();
        assert!(texts.iter().all(|a| a
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')));

        // The case manager's organisation's chain, where what she did went.
        let chain: String = sqlx::query_scalar(
            "SELECT organisation_id FROM people WHERE display_name = 'Amara Okafor'",
        )
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        let broken = |at_seq, reason| ChainCheck::Broken {
            chain: chain.clone(),
            at_seq,
            reason,
        };
        for (sql, found) in [
            (
                "UPDATE audit_events SET action = 'read.today' WHERE chain = $1 AND seq = 3",
                broken(3, "the entry was altered"),
            ),
            (
                "DELETE FROM audit_events WHERE chain = $1 AND seq = 3",
                broken(3, "an entry is missing"),
            ),
            (
                "DELETE FROM audit_events WHERE chain = $1 AND seq >= 3",
                broken(3, "entries at the end are missing"),
            ),
        ] {
            sqlx::query(sql)
                .bind(&chain)
                .execute(t.db.pool())
                .await
                .unwrap();
            assert_eq!(
                db::verify_audit_chain(&t.db).await.unwrap(),
                found,
                "{}",
                t.engine
            );
        }
        t
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_keep_every_chain_unbroken() {
    on_each_engine(|t| async move {
        let mut tasks = Vec::new();
        for n in 0..20 {
            let db = t.db.clone();
            tasks.push(tokio::spawn(async move {
                let event = db::AuditEvent {
                    actor_id: None,
                    actor_role: None,
                    action: if n % 2 == 0 {
                        "sign_in.failed"
                    } else {
                        "read.library"
                    },
                    client_id: None,
                    target: None,
                    address: Some("192.0.2.1".into()),
                    // Allowed: refusals by nobody known are counted, not chained.
                    outcome: db::Outcome::Allowed,
                    // Two organisations' chains and the shared one, each made by whichever
                    // writer comes first.
                    organisation_id: match n % 3 {
                        0 => Some("org-a".into()),
                        1 => Some("org-b".into()),
                        _ => None,
                    },
                };
                loop {
                    // SQLite answers "busy" to a writer that cannot wait; try again.
                    match db::record_audit_now(&db, std::slice::from_ref(&event), Utc::now()).await
                    {
                        Ok(()) => break,
                        Err(_) => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(
            db::verify_audit_chain(&t.db).await.unwrap(),
            ChainCheck::Intact {
                entries: 20,
                chains: 3
            },
            "{}",
            t.engine
        );
        t
    })
    .await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let t = sqlite().await;
    seeded(&t.db).await;
    let app = spawn_app(&t).await;
    let library = format!(
        "/learn/{}/en",
        db::first_library_code(&t.db).await.unwrap().unwrap()
    );
    for path in ["/sign-in", library.as_str(), "/", "/no-such-page"] {
        let response = app
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_else(|| panic!("{path} has no {name}"))
        };
        let policy = header("content-security-policy");
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "'wasm-unsafe-eval'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("cache-control"), "no-store");
        // The one inline script carries this response's nonce.
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap()
            .to_owned();
        let body = response.text().await.unwrap();
        // Scripts from a file (`src`) are this site's own, allowed by `'self'`.
        let inline_scripts = body.matches("<script").count() - body.matches("<script src=").count();
        let with_nonce = body.matches(&format!("nonce=\"{nonce}\"")).count();
        assert!(
            inline_scripts >= 1 && with_nonce == inline_scripts,
            "{path}: {inline_scripts} scripts, {with_nonce} with the nonce"
        );
    }
    t.cleanup().await;
}
