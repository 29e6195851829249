//! Messages with the care team, on both engines: the client writes from the page (a double
//! tap counts once; bad input keeps nothing) and from the phone's queue offline (sent
//! twice, kept once); only the client's own care team reads them, which marks them read for
//! the client to see; an answer reaches the client's phone as a discreet notification and
//! handles what it answered; "handled" alone clears the caseload's flag; every step is in
//! the audit trail and nothing is ever removed. A supporter writes to the team, in a
//! conversation of their own, only while the client lets them.
use crate::helpers::*;
use crate::notifications::{config_for, payload, turn_on, WITHIN};
use crate::push_service::PushService;
use app::db;
use app::domain::{Attention, CheckInAction, DeviceCopy, Receipt, Sender, Share};
use chrono::Utc;

const KEY: &str = "0123456789abcdef0123456789abcdef";
const OTHER_KEY: &str = "fedcba9876543210fedcba9876543210";

#[tokio::test]
async fn a_client_and_their_care_team_write_to_each_other_once_each() {
    on_each_engine(|t| async move {
        let push = PushService::start().await;
        let clients = seeded(&t.db).await;
        let alex = id_of(&clients, "Alex");
        let bea = id_of(&clients, "Bea");
        let amara_id = person_named(&t.db, "amara").await;
        let (config, key) = config_for(&t, &push);
        let app = spawn_app_with(&t, config).await;
        let phone = app.browser_signed_in("alex").await;
        let subscription = turn_on(&phone, &push, &key).await;

        // Before the first message: the team's hours, not for emergencies, the crisis line.
        let (status, page) = phone.get("/messages").await;
        assert_eq!(status, 200);
        for said in [
            "Your care team reads messages during office hours",
            "Messages are not for emergencies",
            "No messages yet.",
        ] {
            assert!(page.contains(said), "{}: {said}", t.engine);
        }
        assert!(
            page.contains("href=\"tel:"),
            "the crisis line is one tap away"
        );

        // From the page: a double tap counts once; bad input keeps nothing.
        let written = "Can we move Thursday?\r\nI start a new job.";
        for _ in 0..2 {
            let (_, to) = phone
                .post_form("/messages", &[("text", written), ("key", KEY)])
                .await;
            assert_eq!(to, "/messages?notice=message_sent", "{}", t.engine);
        }
        let long = "a".repeat(2_001);
        for text in [long.as_str(), "bell\u{7}", "   "] {
            let (_, to) = phone
                .post_form("/messages", &[("text", text), ("key", OTHER_KEY)])
                .await;
            assert_eq!(to, "/messages?problem=message_invalid");
        }
        let (_, to) = phone
            .post_form("/messages", &[("text", "Hi"), ("key", "short")])
            .await;
        assert_eq!(to, "/messages?problem=not_found");
        assert_eq!(rows_about(&t.db, "messages", &alex).await, 1);

        // Offline, from the phone's queue: sent twice, kept once; the copy shows it waiting
        // until then, and afterwards as sent.
        let mut copy = DeviceCopy::default();
        sync(&phone, &mut copy).await;
        copy.queue(
            "a1b2c3d4e5f60718-message".into(),
            Utc::now(),
            CheckInAction::Message {
                text: "Also: the bus was late again.".into(),
                grant_id: None,
            },
        );
        assert_eq!(copy.messages().1, vec!["Also: the bus was late again."]);
        let (status, _) = phone.post_json("/api/v1/sync", &copy.request()).await;
        assert_eq!(status, 200);
        let answer = sync(&phone, &mut copy).await;
        assert_eq!(
            answer.receipts,
            vec![("a1b2c3d4e5f60718-message".into(), Receipt::AlreadyRecorded)],
            "{}",
            t.engine
        );
        let (kept, waiting) = copy.messages();
        assert!(waiting.is_empty());
        assert_eq!(
            kept.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
            vec![
                "Also: the bus was late again.",
                "Can we move Thursday?\nI start a new job."
            ]
        );
        assert_eq!(rows_about(&t.db, "messages", &alex).await, 2);

        // Only Alex's care team: not another case manager, not another client, not a
        // supporter (none of whom see it or can answer).
        let attention = || attention_of(&t.db, &amara_id, &alex);
        assert!(attention().await.contains(&Attention::NewMessage));
        let priya = app.browser_signed_in("priya").await;
        let args = [("client_id", alex.as_str()), ("section", "messages")];
        let (status, _) = priya.call("client-record", &args).await;
        assert_eq!(status, 404);
        let reply = [
            ("client_id", alex.as_str()),
            ("text", "Yes. Thursday at 4 pm works."),
            ("key", KEY),
        ];
        let (status, _) = priya.call("answer-message", &reply).await;
        assert_eq!(status, 404);
        let bea_phone = app.browser_signed_in("bea").await;
        let (_, beas) = bea_phone.get("/messages").await;
        assert!(!beas.contains("new job"), "{}", t.engine);
        assert_eq!(rows_about(&t.db, "messages", &bea).await, 0);
        assert!(!phone
            .get("/messages")
            .await
            .1
            .contains("Read by your care team"));

        // Amara opens the section: Alex's messages are read, which Alex sees.
        let amara = app.browser_signed_in("amara").await;
        let (status, body) = amara.call("client-record", &args).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("the bus was late again"), "{body}");
        let (_, page) = phone.get("/messages").await;
        assert!(page.contains("Read by your care team"), "{}", t.engine);

        // Too long an answer is refused and keeps nothing; an answer sent twice counts once.
        let too_long = long.clone();
        let (_, refused) = amara
            .call_value(
                "answer-message",
                &[
                    ("client_id", alex.as_str()),
                    ("text", too_long.as_str()),
                    ("key", KEY),
                ],
            )
            .await;
        assert!(invalid_at(&refused, "text"), "{refused}");
        for _ in 0..2 {
            let (status, answered) = amara.call("answer-message", &reply).await;
            assert_eq!((status, answered.as_str()), (200, "\"Saved\""));
        }
        assert_eq!(rows_about(&t.db, "messages", &alex).await, 3);
        assert!(!attention().await.contains(&Attention::NewMessage));

        // The answer reaches Alex's phone, saying nothing of what it is about.
        let arrived = push.wait_for(1, WITHIN).await;
        assert_eq!(arrived.len(), 1, "{}: the answer", t.engine);
        let shown = payload(&arrived[0]);
        assert_eq!(shown["title"], "Waypoint");
        assert_eq!(shown["body"], "You have an update");
        assert_eq!(shown["path"], "/messages");
        assert_eq!(arrived[0].endpoint, subscription.endpoint);
        for telling in ["Thursday", "Amara", "methadone"] {
            assert!(
                !arrived[0].payload.contains(telling),
                "{}",
                arrived[0].payload
            );
        }
        let (_, page) = phone.get("/messages").await;
        assert!(page.contains("Yes. Thursday at 4 pm works."));
        sync(&phone, &mut copy).await;
        let (kept, _) = copy.messages();
        assert_eq!(kept[0].sender, Sender::Team);
        assert_eq!(kept[0].author.as_deref(), Some("Amara Okafor"));
        assert!(
            kept[0].handled_by.is_none(),
            "the client is not told who handled what"
        );

        // A new message flags the caseload again until it is marked handled.
        let (_, to) = phone
            .post_form("/messages", &[("text", "Thank you!"), ("key", OTHER_KEY)])
            .await;
        assert_eq!(to, "/messages?notice=message_sent");
        assert!(attention().await.contains(&Attention::NewMessage));
        let (status, _) = priya
            .call("messages-handled", &[("client_id", alex.as_str())])
            .await;
        assert_eq!(status, 404);
        let (status, handled) = amara
            .call("messages-handled", &[("client_id", alex.as_str())])
            .await;
        assert_eq!((status, handled.as_str()), (200, "\"Saved\""));
        assert!(!attention().await.contains(&Attention::NewMessage));
        let team_view = db::messages_for_case_manager(&t.db, &amara_id, &alex, "UTC")
            .await
            .unwrap();
        assert_eq!(team_view.len(), 4);
        assert!(team_view
            .iter()
            .filter(|m| m.is_to_team())
            .all(|m| m.handled_by.as_deref() == Some("Amara Okafor")));

        let actions = [
            "message.write",
            "message.read",
            "message.answer",
            "message.handled",
            "read.client_messages",
        ];
        assert_eq!(
            allowed_entries(&t.db, &alex, &actions).await,
            8,
            "{}",
            t.engine
        );
        push.stop();
        t
    })
    .await;
}

#[tokio::test]
async fn a_supporter_writes_to_the_team_only_while_the_client_lets_them() {
    on_each_engine(|t| async move {
        let push = PushService::start().await;
        let clients = seeded(&t.db).await;
        let alex = id_of(&clients, "Alex");
        let amara_id = person_named(&t.db, "amara").await;
        let (config, key) = config_for(&t, &push);
        let app = spawn_app_with(&t, config).await;
        let shares = [Share::Goals, Share::Messages];
        let (mum, grant) = add_supporter(&app, &t, &alex, &shares, "sup.mum").await;
        let (cousin, other) = add_supporter(&app, &t, &alex, &[Share::Goals], "sup.cousin").await;
        let subscription = turn_on(&mum, &push, &key).await;
        let page_of = |grant: &str| format!("/supporting/{grant}");

        // Only the supporter Alex lets write has the form, and only for their own grant.
        let (_, page) = mum.get(&page_of(&grant)).await;
        assert!(
            page.contains("action=\"/supporting/messages\""),
            "{}",
            t.engine
        );
        assert!(page.contains("Messages are not for emergencies"));
        let (_, cousins) = cousin.get(&page_of(&other)).await;
        assert!(!cousins.contains("/supporting/messages"));
        for (who, on) in [(&cousin, &other), (&cousin, &grant)] {
            let form = [("grant_id", on.as_str()), ("text", "Hello"), ("key", KEY)];
            let (status, _) = who.post_form("/supporting/messages", &form).await;
            assert_eq!(status, 404, "{}", t.engine);
        }
        let written = "How is Alex doing with the new dose?";
        for _ in 0..2 {
            let form = [
                ("grant_id", grant.as_str()),
                ("text", written),
                ("key", KEY),
            ];
            let (_, to) = mum.post_form("/supporting/messages", &form).await;
            assert_eq!(to, format!("/supporting/{grant}?notice=message_sent"));
        }

        // Offline on the supporter's phone: sent twice, kept once.
        let mut copy = DeviceCopy::default();
        sync(&mum, &mut copy).await;
        copy.queue(
            "a1b2c3d4e5f60718-mum".into(),
            Utc::now(),
            CheckInAction::Message {
                text: "Also, may I come to the next visit?".into(),
                grant_id: Some(grant.clone()),
            },
        );
        let (status, _) = mum.post_json("/api/v1/sync", &copy.request()).await;
        assert_eq!(status, 200);
        let answer = sync(&mum, &mut copy).await;
        assert_eq!(
            answer.receipts,
            vec![("a1b2c3d4e5f60718-mum".into(), Receipt::AlreadyRecorded)],
            "{}",
            t.engine
        );
        let shared = copy.shared();
        assert_eq!(shared[0].messages.as_ref().map(Vec::len), Some(2));
        assert_eq!(rows_about(&t.db, "messages", &alex).await, 2);

        // Not in Alex's own conversation; the team sees it apart, told what Mum may see.
        let alex_phone = app.browser_signed_in("alex").await;
        assert!(!alex_phone.get("/messages").await.1.contains("new dose"));
        let attention = attention_of(&t.db, &amara_id, &alex).await;
        assert!(attention.contains(&Attention::NewMessage));
        let amara = app.browser_signed_in("amara").await;
        let section = [("client_id", alex.as_str()), ("section", "messages")];
        let (status, body) = amara.call("client-record", &section).await;
        assert_eq!(status, 200);
        assert!(body.contains("new dose") && body.contains(&grant), "{body}");

        // The answer reaches Mum's phone, discreetly, and opens her page of Alex's.
        let reply = [
            ("client_id", alex.as_str()),
            ("grant_id", grant.as_str()),
            ("text", "Alex is doing well. Ask Alex about the visit."),
            ("key", KEY),
        ];
        let (status, answered) = amara.call("answer-message", &reply).await;
        assert_eq!((status, answered.as_str()), (200, "\"Saved\""));
        let arrived = push.wait_for(1, WITHIN).await;
        assert_eq!(arrived.len(), 1, "{}: the answer", t.engine);
        assert_eq!(arrived[0].endpoint, subscription.endpoint);
        let shown = payload(&arrived[0]);
        assert_eq!(shown["body"], "You have an update");
        assert_eq!(shown["path"], page_of(&grant));
        let (_, page) = mum.get(&page_of(&grant)).await;
        assert!(page.contains("Ask Alex about the visit."));
        assert!(page.contains("Read by the care team"));
        assert!(!alex_phone.get("/messages").await.1.contains("Ask Alex"));

        // A grant that never let them write is never answered; once Alex takes Mum's share
        // back, neither side writes in hers.
        let to_cousin = [
            ("client_id", alex.as_str()),
            ("grant_id", other.as_str()),
            ("text", "Hello"),
            ("key", OTHER_KEY),
        ];
        assert_eq!(amara.call("answer-message", &to_cousin).await.0, 404);
        let (status, _) = alex_phone
            .post_form("/supporters/revoke", &[("grant_id", grant.as_str())])
            .await;
        assert_eq!(status, 303);
        let mut late = reply;
        late[3] = ("key", OTHER_KEY);
        assert_eq!(amara.call("answer-message", &late).await.0, 404);
        let form = [
            ("grant_id", grant.as_str()),
            ("text", "Hi?"),
            ("key", OTHER_KEY),
        ];
        assert_eq!(mum.post_form("/supporting/messages", &form).await.0, 404);
        assert_eq!(
            rows_about(&t.db, "messages", &alex).await,
            3,
            "{}",
            t.engine
        );
        push.stop();
        t
    })
    .await;
}
