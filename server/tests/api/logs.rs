//! What the server writes in its logs: with `WAYPOINT_LOG_FORMAT=json`, every request and
//! every action is a span with its name, the role and id of who asked and how it ended, and
//! nothing a person typed or is called.
use crate::helpers::{id_of, seeded, sqlite};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The spans of each logged event, innermost last.
fn spans_of(line: &Value) -> Vec<&Value> {
    line["spans"]
        .as_array()
        .map(|spans| spans.iter().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn json_logs_show_each_action_with_who_asked_and_how_it_ended() {
    let t = sqlite().await;
    let clients = seeded(&t.db).await;
    let alex = id_of(&clients, "Alex");
    let mut server = Command::new(env!("CARGO_BIN_EXE_waypoint"))
        .args(["serve"])
        .env("DATABASE_URL", &t.url)
        .env("WAYPOINT_ADDR", "127.0.0.1:0")
        .env("WAYPOINT_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start waypoint");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut logged = Vec::new();
    let address = loop {
        let line = lines.next().expect("waypoint starts").expect("a log line");
        let event: Value = serde_json::from_str(&line).expect("each line is JSON");
        logged.push(line);
        if event["fields"]["message"] == "waypoint is listening" {
            break event["fields"]["address"].as_str().unwrap().to_owned();
        }
    };
    let app = crate::helpers::TestApp::at(format!("http://{address}"));
    app.sign_in("alex").await;
    let (_, to) = app
        .post_form("/supporters/revoke", &[("grant_id", "no-such-grant")])
        .await;
    assert_eq!(to, "/supporters?problem=not_found");
    server.kill().expect("stop waypoint");
    logged.extend(lines.map_while(Result::ok));
    server.wait().expect("waypoint stopped");

    let events: Vec<Value> = logged
        .iter()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let revoked = events
        .iter()
        .find(|e| {
            e["fields"]["message"] == "action finished"
                && spans_of(e)
                    .last()
                    .is_some_and(|s| s["action"] == "grant.revoke")
        })
        .expect("the revoke is logged");
    let spans = spans_of(revoked);
    let (request, action) = (spans[0], spans[spans.len() - 1]);
    assert_eq!(request["name"], "request");
    assert_eq!(request["path"], "/supporters/revoke");
    assert_eq!(request["actor_role"], "client");
    assert_eq!(request["actor_id"], alex.as_str());
    assert_eq!(action["name"], "action");
    assert_eq!(action["actor_role"], "client");
    assert_eq!(action["actor_id"], alex.as_str());
    assert_eq!(revoked["fields"]["outcome"], "not_found");
    let signed_in = events.iter().any(|e| {
        spans_of(e)
            .last()
            .is_some_and(|s| s["action"] == "sign_in" && s["outcome"] == "signed_in")
    });
    assert!(signed_in, "signing in is an action too");
    let answered = events
        .iter()
        .any(|e| e["fields"]["message"] == "answered" && spans_of(e)[0]["status"] == 303);
    assert!(answered, "each request's answer is logged with its status");
    let everything = logged.join("\n");
    for private in ["Alex", server::demo::DEMO_PASSPHRASE, "no-such-grant"] {
        assert!(!everything.contains(private), "the logs hold {private:?}");
    }
    t.cleanup().await;
}
