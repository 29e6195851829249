//! The authorisation matrix: every route the router answers besides pages and files (each
//! server function, form route, the sync route, the audit export), called by every kind of
//! person, against what each may do. A denial must look exactly like a request for
//! something that does not exist; a supporter's answer holds only the fields of what was
//! shared. The routes come from the router's own table (`startup::routes`: the plain routes,
//! forms among them, and every server function), so a route added there without a row
//! fails the test.
use crate::helpers::{
    add_supporter, id_of, on_each_engine, seeded, spawn_app, TestApp, TestDb, SUPPORTER_PASSPHRASE,
};
use app::db;
use app::domain::{DeviceCopy, Share, SYNC_PATH};
use chrono::{Duration, Utc};
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    ClientB,
    SupporterAppointments,
    SupporterGoals,
    SupporterStage,
    SupporterRevoked,
    SupporterExpired,
    CaseManagerOfA,
    OtherCaseManager,
    Admin,
    /// Last, so that what A may change is still there when everyone else tries it.
    ClientA,
}

use Actor::*;

const ACTORS: [Actor; 11] = [
    Anonymous,
    ClientB,
    SupporterAppointments,
    SupporterGoals,
    SupporterStage,
    SupporterRevoked,
    SupporterExpired,
    CaseManagerOfA,
    OtherCaseManager,
    Admin,
    ClientA,
];

fn is_supporter(actor: Actor) -> bool {
    matches!(
        actor,
        SupporterAppointments
            | SupporterGoals
            | SupporterStage
            | SupporterRevoked
            | SupporterExpired
    )
}

fn is_active_supporter(actor: Actor) -> bool {
    matches!(
        actor,
        SupporterAppointments | SupporterGoals | SupporterStage
    )
}

/// What each active supporter was given.
fn shares_of(actor: Actor) -> &'static [Share] {
    match actor {
        SupporterAppointments => &[Share::Appointments],
        SupporterGoals => &[Share::Goals, Share::Messages],
        SupporterStage => &[Share::Stage, Share::SafetyPlan],
        _ => &[],
    }
}

/// The fields a supporter may be sent, share by share: the share's key in the answer and
/// the fields of each entry under it (`None`: each entry is a plain word). Written here,
/// apart from the answer types, so that a field added to one of those fails the matrix.
fn share_fields(share: Share) -> (&'static str, Option<&'static [&'static str]>) {
    match share {
        Share::Appointments => (
            "appointments",
            Some(&["kind", "starts_at", "duration_minutes", "place"]),
        ),
        Share::Goals => ("goals", Some(&["own_words", "status"])),
        Share::Messages => (
            "messages",
            Some(&["id", "sender", "author", "text", "sent_at", "read_at"]),
        ),
        Share::Stage => ("stages", None),
        Share::SafetyPlan => (
            "safety_plan",
            Some(&[
                "warning_signs",
                "triggers",
                "coping",
                "helpers",
                "places",
                "naloxone",
            ]),
        ),
    }
}

/// What every answer about a share carries, whatever was shared (`start_here`: the
/// library's first articles for any family member, nothing of the client's).
const SHARED_ALWAYS: [&str; 6] = [
    "grant_id",
    "preferred_name",
    "ends_on",
    "today",
    "start_here",
    "form_key",
];

/// Fails unless `answer` (a shared record, or a shared item of a supporter's sync) holds
/// exactly the fields of `shares`, each with something in it, and null for every other.
fn assert_only_shared(answer: &Value, shares: &[Share], seen: &str) {
    let fields = answer
        .as_object()
        .unwrap_or_else(|| panic!("{seen}: not an object"));
    for (key, value) in fields {
        if SHARED_ALWAYS.contains(&key.as_str()) {
            continue;
        }
        // The library's articles about the client's stage say the stage: only with it.
        if key == "stage_articles" {
            if shares.contains(&Share::Stage) {
                let links = value.as_object().unwrap_or_else(|| panic!("{seen}: {key}"));
                let got: BTreeSet<&str> = links.keys().map(String::as_str).collect();
                assert_eq!(got, BTreeSet::from(["code", "articles"]), "{seen}");
            } else {
                assert!(value.is_null(), "{seen}: `{key}` was not shared");
            }
            continue;
        }
        let share = Share::ALL
            .iter()
            .copied()
            .find(|share| share_fields(*share).0 == key)
            .unwrap_or_else(|| panic!("{seen}: `{key}` is in no share's list"));
        if !shares.contains(&share) {
            assert!(value.is_null(), "{seen}: `{key}` was not shared");
            continue;
        }
        // A list of entries, or one (the safety plan).
        let entries = match value {
            Value::Object(_) => std::slice::from_ref(value),
            _ => value
                .as_array()
                .unwrap_or_else(|| panic!("{seen}: `{key}` is a list or an object")),
        };
        assert!(
            !entries.is_empty(),
            "{seen}: `{key}` has something to check"
        );
        for entry in entries {
            match share_fields(share).1 {
                None => assert!(entry.is_string(), "{seen}: {key}: {entry}"),
                Some(allowed) => {
                    let got: BTreeSet<&str> = entry
                        .as_object()
                        .unwrap_or_else(|| panic!("{seen}: {key}: {entry}"))
                        .keys()
                        .map(String::as_str)
                        .collect();
                    // Fields left out when empty (who wrote a message, when it was read)
                    // may be missing; none may be there that is not on the list.
                    let allowed: BTreeSet<&str> = allowed.iter().copied().collect();
                    assert!(
                        got.is_subset(&allowed),
                        "{seen}: the fields of one of `{key}`: {got:?}"
                    );
                }
            }
        }
    }
    for share in shares {
        assert!(
            fields.contains_key(share_fields(*share).0),
            "{seen}: {share:?} is missing"
        );
    }
}

/// What an actor may get from a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum May {
    /// Allowed; `sees_a` says whether the answer may hold client A's information.
    Allow {
        sees_a: bool,
    },
    Deny,
    /// Considered, and turned down for what was sent (a bad passkey), saying only that.
    Reject,
}

use May::*;

fn only(actor: Actor, allowed: &[Actor]) -> May {
    if allowed.contains(&actor) {
        Allow { sees_a: true }
    } else {
        Deny
    }
}

/// Client A's own pages: A sees theirs, B sees B's own (never A's), everyone else nothing.
fn own_record(actor: Actor) -> May {
    match actor {
        ClientA => Allow { sees_a: true },
        ClientB => Allow { sees_a: false },
        _ => Deny,
    }
}

/// The people notifications reach: clients and supporters, each for themselves.
fn notifiable(actor: Actor) -> May {
    match actor {
        ClientA | ClientB => Allow { sees_a: false },
        a if is_supporter(a) => Allow { sees_a: false },
        _ => Deny,
    }
}

fn server_function_rule(endpoint: &str, actor: Actor) -> May {
    match endpoint {
        "today" | "plan" | "appointments" | "referrals" | "resources" | "record_looks"
        | "supporters" | "safety" | "safety_edit" | "messages" => own_record(actor),
        "appointment" => only(actor, &[ClientA]),
        "account" => match actor {
            Anonymous => Deny,
            a => Allow {
                sees_a: a == ClientA,
            },
        },
        // Each person's own choices, which say nothing about a client; a subscription from
        // the matrix names no known push service, so it is refused at the field.
        "notifications" | "notifications_on" => notifiable(actor),
        "supporting" => match actor {
            a if is_supporter(a) => Allow {
                sees_a: is_active_supporter(a),
            },
            _ => Deny,
        },
        "shared_record" => only(
            actor,
            &[SupporterAppointments, SupporterGoals, SupporterStage],
        ),
        // The library is open to everyone: published articles only, as every reader sees
        // them (drafts are not in these answers; `library.rs` shows it).
        "library-home" | "library-topic" | "library-article" | "library-search" => {
            Allow { sees_a: false }
        }
        "caseload" => match actor {
            CaseManagerOfA => Allow { sees_a: true },
            OtherCaseManager => Allow { sees_a: false },
            _ => Deny,
        },
        "client-record" | "compare-revisions" | "save-goal" | "save-step" | "move-goal"
        | "send-plan" | "check-ins-seen" | "book-appointment" | "save-appointment"
        | "appointment-status" | "record-stage" | "add-referral" | "save-referral"
        | "tell-service" | "withdraw-consent" | "save-safety-plan" | "take-suggestion"
        | "close-case" | "reopen-case" | "answer-suggestion" | "choose-resource"
        | "add-case-note" | "record-review" | "record-assessment" | "answer-message"
        | "messages-handled" => only(actor, &[CaseManagerOfA]),
        "save-service" | "save-resource" | "retire-entry" | "care-teams" | "set-care-team"
        | "set-office" | "set-work-phone" => only(actor, &[Admin]),
        // Drafts and editing: the program's admin only.
        "library-shelf"
        | "library-draft"
        | "save-library-text"
        | "publish-library-text"
        | "check-library-article"
        | "add-library-article"
        | "set-library-article"
        | "save-library-topic"
        | "move-library-item"
        | "retire-library-item" => only(actor, &[Admin]),
        // Amara names herself, which is refused at the field: the call is allowed, and Alex
        // stays on her caseload for the rows after it.
        "hand-over" => only(actor, &[CaseManagerOfA]),
        // Staff add clients: a case manager for themselves, an admin for a case manager.
        "intake" | "add-client" => match actor {
            CaseManagerOfA | OtherCaseManager | Admin => Allow { sees_a: false },
            _ => Deny,
        },
        "admin" | "directory" => match actor {
            Admin => Allow { sees_a: false },
            _ => Deny,
        },
        // With each one's own passphrase.
        "passkey_registration_start" => match actor {
            Anonymous => Deny,
            a => Allow {
                sees_a: a == ClientA,
            },
        },
        "passkey_registration_finish" => match actor {
            Anonymous => Deny,
            _ => Reject,
        },
        // Open to all, and Alex has no passkey: nobody gets a challenge for Alex.
        "passkey_sign_in_start" | "passkey_sign_in_finish" => Reject,
        other => panic!("server function /api/{other} has no row in the authorisation matrix"),
    }
}

fn form_rule(path: &str, actor: Actor) -> May {
    match path {
        "/sign-in" | "/enrol" | "/join" | "/reset" | "/sign-out" => Allow { sees_a: false },
        "/unlock" => match actor {
            Anonymous => Deny,
            _ => Allow { sees_a: false },
        },
        "/account/devices/end" | "/supporters/revoke" => only(actor, &[ClientA]),
        // A wrong current passphrase: back to the account page with the problem.
        "/account/passphrase" => match actor {
            Anonymous => Deny,
            _ => Allow { sees_a: false },
        },
        // A passkey nobody has: not found for everyone.
        "/account/passkeys/remove" => Deny,
        "/account/notifications" | "/account/notifications/off" => notifiable(actor),
        // Each client's own calendar address: made, then stopped.
        "/account/calendar" | "/account/calendar/end" => only(actor, &[ClientA, ClientB]),
        "/supporters/invite" => only(actor, &[ClientA, ClientB]),
        "/caseload/enrollment-code" => only(actor, &[CaseManagerOfA]),
        "/check-ins/step" | "/check-ins/appointment" => only(actor, &[ClientA]),
        // Each client saves their own plan; nobody else has one to save here.
        "/safety" | "/suggestions" | "/messages" => only(actor, &[ClientA, ClientB]),
        // Only the supporter whom Alex lets write, on their own grant.
        "/supporting/messages" => only(actor, &[SupporterGoals]),
        "/admin/staff" | "/admin/end-sessions" => only(actor, &[Admin]),
        // Daniel, who is no one else in the matrix: deactivated, then back.
        "/admin/staff/deactivate" | "/admin/staff/reactivate" | "/admin/staff/reset-code" => {
            only(actor, &[Admin])
        }
        other => panic!("form route {other} has no row in the authorisation matrix"),
    }
}

/// Everyone, signed in, with what the rows need.
struct Cast {
    browsers: Vec<(Actor, TestApp)>,
    alex_id: String,
    alex_appointment: String,
    alex_goal: String,
    alex_step: String,
    alex_referral: String,
    /// A consent to share that Alex signed, which Amara records as taken back.
    alex_consent: String,
    /// A suggestion of Alex's waiting for the care team.
    alex_suggestion: String,
    service: String,
    spare_service: String,
    resource: String,
    alex_spare_session: String,
    alex_spare_grant: String,
    grants: Vec<(Actor, String)>,
    /// Alex's case manager, whom the admin names on a new client's care team.
    amara_id: String,
    /// The demo program's library.
    library_code: String,
}

async fn cast(app: &TestApp, t: &TestDb) -> Cast {
    let clients = seeded(&t.db).await;
    let alex_id = id_of(&clients, "Alex");
    let now = Utc::now().naive_utc();
    let alex_appointment = db::appointments_between(&t.db, &alex_id, now, now + Duration::days(30))
        .await
        .unwrap()[0]
        .id
        .to_string();
    let plan = db::working_plan(&t.db, &alex_id).await.unwrap();
    let alex_goal = plan[0].id.to_string();
    let alex_step = plan[0].steps[0].id.to_string();
    let referrals = db::referrals_of_client(&t.db, &alex_id).await.unwrap();
    let alex_referral = referrals[0].id.to_string();
    let alex_suggestion: String = sqlx::query_scalar(
        "SELECT id FROM plan_suggestions WHERE client_id = $1 AND state = 'waiting'",
    )
    .bind(&alex_id)
    .fetch_one(t.db.pool())
    .await
    .expect("the demo gives Alex a suggestion waiting");
    let alex_consent = referrals
        .iter()
        .flat_map(|r| &r.consents)
        .next()
        .expect("the demo gives Alex a consent to share")
        .id
        .to_string();
    let service: String = sqlx::query_scalar("SELECT id FROM services ORDER BY name LIMIT 1")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    let spare_service: String =
        sqlx::query_scalar("SELECT id FROM services ORDER BY name DESC LIMIT 1")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    let resource: String = sqlx::query_scalar("SELECT id FROM resources ORDER BY name LIMIT 1")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    let mut browsers = vec![(Anonymous, app.browser())];
    for (actor, name) in [
        (ClientA, "alex"),
        (ClientB, "bea"),
        (CaseManagerOfA, "amara"),
        (OtherCaseManager, "priya"),
        (Admin, "sam.admin"),
    ] {
        let browser = app.browser();
        browser.sign_in(name).await;
        browsers.push((actor, browser));
    }
    let mut grants = Vec::new();
    for (actor, shares, name) in [
        (
            SupporterAppointments,
            &[Share::Appointments][..],
            "sup.appointments",
        ),
        (
            SupporterGoals,
            &[Share::Goals, Share::Messages][..],
            "sup.goals",
        ),
        (
            SupporterStage,
            &[Share::Stage, Share::SafetyPlan][..],
            "sup.stage",
        ),
        (SupporterRevoked, Share::ALL, "sup.revoked"),
        (SupporterExpired, Share::ALL, "sup.expired"),
    ] {
        let (browser, grant) = add_supporter(app, t, &alex_id, shares, name).await;
        browsers.push((actor, browser));
        grants.push((actor, grant));
    }
    let grant_of = |actor| grants.iter().find(|(a, _)| *a == actor).unwrap().1.clone();
    // Something in the conversation of the supporter who may write, for its fields' check.
    let writes = grant_of(SupporterGoals);
    let conversation = (alex_id.as_str(), db::Conversation::Supporter(&writes));
    let supporter = crate::helpers::person_named(&t.db, "sup.goals").await;
    let mut tx = t.db.begin().await.unwrap();
    let writer = (app::domain::Sender::Supporter, supporter.as_str());
    db::record_message(&mut tx, conversation, writer, "Hello", "matrix", Utc::now())
        .await
        .unwrap();
    assert!(
        db::revoke_grant(&mut tx, &alex_id, &grant_of(SupporterRevoked), Utc::now())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    sqlx::query("UPDATE supporter_grants SET ends_on = $1 WHERE id = $2")
        .bind(db::date_text((Utc::now() - Duration::days(2)).date_naive()))
        .bind(grant_of(SupporterExpired))
        .execute(t.db.pool())
        .await
        .unwrap();
    // Things of A's that only A may end: a second device and a second supporter.
    let alex_sessions = || async {
        sqlx::query_scalar::<_, String>("SELECT id FROM sessions WHERE person_id = $1")
            .bind(&alex_id)
            .fetch_all(t.db.pool())
            .await
            .unwrap()
    };
    let before = alex_sessions().await;
    app.browser().sign_in("alex").await;
    let alex_spare_session = alex_sessions()
        .await
        .into_iter()
        .find(|id| !before.contains(id))
        .unwrap();
    let (_, spare_grant) = add_supporter(app, t, &alex_id, &[Share::Goals], "sup.spare").await;
    browsers.sort_by_key(|(actor, _)| ACTORS.iter().position(|a| a == actor));
    Cast {
        browsers,
        alex_id,
        alex_appointment,
        alex_goal,
        alex_step,
        alex_referral,
        alex_consent,
        alex_suggestion,
        service,
        spare_service,
        resource,
        alex_spare_session,
        alex_spare_grant: spare_grant,
        grants,
        amara_id: db::person_with_sign_in_name(&t.db, "amara")
            .await
            .unwrap()
            .unwrap(),
        library_code: db::first_library_code(&t.db).await.unwrap().unwrap(),
    }
}

impl Cast {
    fn library(&self, rest: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        let mut args = vec![
            ("code", self.library_code.clone()),
            ("language", "fr".to_owned()),
        ];
        args.extend(rest.iter().map(|(k, v)| (*k, (*v).to_owned())));
        args
    }

    fn own_grant(&self, actor: Actor) -> &str {
        let own = self.grants.iter().find(|(a, _)| *a == actor);
        let first = &self.grants[0];
        &own.unwrap_or(first).1
    }

    fn server_function_args(&self, endpoint: &str, actor: Actor) -> Vec<(&'static str, String)> {
        let today = app::clock::local_time_in(server::demo::TIME_ZONE).date();
        match endpoint {
            "appointment" => vec![("id", self.alex_appointment.clone())],
            "shared_record" => vec![("grant_id", self.own_grant(actor).to_owned())],
            "passkey_registration_finish" | "passkey_sign_in_finish" => {
                vec![("ceremony", db::new_id()), ("credential", "{}".to_owned())]
            }
            "passkey_sign_in_start" => vec![("sign_in_name", "alex".to_owned())],
            "passkey_registration_start" if is_supporter(actor) => {
                vec![("passphrase", SUPPORTER_PASSPHRASE.to_owned())]
            }
            "passkey_registration_start" => {
                vec![("passphrase", server::demo::DEMO_PASSPHRASE.to_owned())]
            }
            "client-record" | "check-ins-seen" => vec![("client_id", self.alex_id.clone())],
            "library-home" => self.library(&[]),
            "library-draft" | "check-library-article" => vec![("number", "2".to_owned())],
            "save-library-text" => vec![
                ("number", "2".to_owned()),
                ("language", "en".to_owned()),
                ("based_on", "1".to_owned()),
                ("text[title]", format!("Edited by {actor:?}")),
                ("text[summary]", String::new()),
                ("text[body]", "Plain words.".to_owned()),
            ],
            "publish-library-text" => vec![
                ("number", "2".to_owned()),
                ("language", "en".to_owned()),
                ("version", "2".to_owned()),
            ],
            "add-library-article" => vec![
                ("topic_number", "1".to_owned()),
                ("title", format!("New by {actor:?}")),
            ],
            "set-library-article" => vec![
                ("number", "3".to_owned()),
                ("version", "1".to_owned()),
                ("topic_number", "2".to_owned()),
            ],
            "save-library-topic" => vec![
                ("number", "0".to_owned()),
                ("topic[title_en]", format!("Topic by {actor:?}")),
                ("topic[title_fr]", "Sujet".to_owned()),
            ],
            "move-library-item" => vec![
                ("kind", "article".to_owned()),
                ("number", "5".to_owned()),
                ("up", "true".to_owned()),
            ],
            "retire-library-item" => vec![
                ("kind", "article".to_owned()),
                ("number", "16".to_owned()),
                ("retire", "true".to_owned()),
            ],
            "library-topic" | "library-article" => self.library(&[("number", "1")]),
            "library-search" => self.library(&[("query", "naloxone")]),
            "add-client" => vec![
                ("client[full_name]", format!("Matrix {actor:?}")),
                ("client[preferred_name]", "Matrix".to_owned()),
                ("client[date_of_birth]", "1980-01-01".to_owned()),
                ("client[leave_messages]", "no".to_owned()),
                ("client[program_start_on]", "2026-01-05".to_owned()),
                ("client[primary_case_manager]", self.amara_id.clone()),
            ],
            "compare-revisions" => vec![
                ("client_id", self.alex_id.clone()),
                ("from", "1".to_owned()),
                ("to", "2".to_owned()),
            ],
            "save-goal" => vec![
                ("client_id", self.alex_id.clone()),
                ("goal_id", String::new()),
                ("version", "0".to_owned()),
                ("goal[domain]", "housing".to_owned()),
                ("goal[horizon]", "short_term".to_owned()),
                ("goal[own_words]", "A goal from the matrix".to_owned()),
                ("goal[status]", "not_started".to_owned()),
                ("goal[target_on]", String::new()),
            ],
            "save-step" => vec![
                ("client_id", self.alex_id.clone()),
                ("goal_id", self.alex_goal.clone()),
                ("step_id", String::new()),
                ("version", "0".to_owned()),
                ("step[description]", "A step from the matrix".to_owned()),
                ("step[doer]", "client".to_owned()),
                ("step[due_on]", String::new()),
                ("step[done_on]", String::new()),
            ],
            "move-goal" => vec![
                ("client_id", self.alex_id.clone()),
                ("goal_id", self.alex_goal.clone()),
                ("direction", "down".to_owned()),
            ],
            "book-appointment" | "save-appointment" | "appointment-status" => {
                let day = (Utc::now() + Duration::days(3)).date_naive().to_string();
                vec![
                    ("client_id", self.alex_id.clone()),
                    ("appointment_id", self.alex_appointment.clone()),
                    ("version", "1".to_owned()),
                    ("status", "cancelled".to_owned()),
                    ("appointment[kind]", "counselling".to_owned()),
                    ("appointment[date]", day),
                    ("appointment[time]", "10:00".to_owned()),
                    ("appointment[duration_minutes]", "60".to_owned()),
                    ("appointment[place]", "Room 4".to_owned()),
                ]
            }
            "save-service" => vec![
                ("service_id", String::new()),
                ("version", "0".to_owned()),
                ("service[name]", "Matrix service".to_owned()),
                ("service[description]", "From the matrix".to_owned()),
            ],
            "save-resource" => vec![
                ("resource_id", String::new()),
                ("version", "0".to_owned()),
                ("resource[kind]", "peer_support".to_owned()),
                ("resource[audience]", "client".to_owned()),
                ("resource[name]", "Matrix resource".to_owned()),
                ("resource[description]", "From the matrix".to_owned()),
                ("resource[how_to_reach]", "Drop in".to_owned()),
            ],
            "retire-entry" => vec![
                ("part", "service".to_owned()),
                ("entry_id", self.spare_service.clone()),
            ],
            "choose-resource" => vec![
                ("client_id", self.alex_id.clone()),
                ("resource_id", self.resource.clone()),
                ("chosen", "yes".to_owned()),
            ],
            "add-case-note" => vec![
                ("client_id", self.alex_id.clone()),
                ("note[kind]", "phone".to_owned()),
                (
                    "note[contact_on]",
                    chrono::Utc::now()
                        .date_naive()
                        .pred_opt()
                        .unwrap()
                        .to_string(),
                ),
                ("note[text]", "Called about the housing form.".to_owned()),
            ],
            "record-review" => {
                let today = chrono::Utc::now().date_naive();
                vec![
                    ("client_id", self.alex_id.clone()),
                    ("review[reviewed_on]", today.pred_opt().unwrap().to_string()),
                    ("review[took_part][client]", "on".to_owned()),
                    ("review[what_reviewed]", "Housing goals".to_owned()),
                    (
                        "review[next_review_on]",
                        (today + chrono::Duration::days(90)).to_string(),
                    ),
                ]
            }
            "record-assessment" => vec![
                ("client_id", self.alex_id.clone()),
                ("assessment[assessed_on]", "2026-01-01".to_owned()),
            ],
            "hand-over" => vec![
                ("client_id", self.alex_id.clone()),
                ("handover[to]", self.amara_id.clone()),
                ("handover[note]", "Housing form due Friday.".to_owned()),
            ],
            // The same person twice is refused at the field, so Alex's team stays.
            "set-care-team" => vec![
                ("client_id", self.alex_id.clone()),
                ("team[primary]", self.amara_id.clone()),
                ("team[secondary]", self.amara_id.clone()),
            ],
            "set-office" => vec![
                ("office[phone]", "416-555-0100".to_owned()),
                ("office[hours]", "Monday to Friday, 9 to 5".to_owned()),
            ],
            "set-work-phone" => vec![
                ("person_id", self.amara_id.clone()),
                ("staff[phone]", "416-555-0101".to_owned()),
            ],
            "record-stage" => vec![
                ("client_id", self.alex_id.clone()),
                ("change[stages][aftercare]", "on".to_owned()),
                ("change[effective_on]", "2026-01-01".to_owned()),
            ],
            "add-referral" | "save-referral" => vec![
                ("client_id", self.alex_id.clone()),
                ("referral_id", self.alex_referral.clone()),
                ("version", "1".to_owned()),
                ("referral[service_id]", self.service.clone()),
                ("referral[domain]", "housing".to_owned()),
                ("referral[status]", "referred".to_owned()),
                ("referral[made_on]", today.to_string()),
                ("referral[follow_up_on]", today.to_string()),
            ],
            // Refused at the `signed` field: allowed, and nothing is written.
            "tell-service" => vec![
                ("client_id", self.alex_id.clone()),
                ("referral_id", self.alex_referral.clone()),
                ("handover[note]", "From the matrix".to_owned()),
            ],
            "save-safety-plan" => vec![
                ("client_id", self.alex_id.clone()),
                ("version", "0".to_owned()),
                ("plan[coping]", "From the matrix".to_owned()),
            ],
            // Refused at the fields (no reason, no aftercare plan): allowed, and Alex's case
            // stays open; reopening an open case is answered with how it stands.
            "close-case" | "reopen-case" => vec![("client_id", self.alex_id.clone())],
            "take-suggestion" | "answer-suggestion" => vec![
                ("client_id", self.alex_id.clone()),
                ("suggestion_id", self.alex_suggestion.clone()),
                ("domain", "housing".to_owned()),
                ("answer", "From the matrix".to_owned()),
            ],
            "answer-message" => vec![
                ("client_id", self.alex_id.clone()),
                ("text", "From the matrix".to_owned()),
                ("key", "0123456789abcdef0123456789abcdef".to_owned()),
            ],
            "messages-handled" => vec![("client_id", self.alex_id.clone())],
            "withdraw-consent" => vec![
                ("client_id", self.alex_id.clone()),
                ("consent_id", self.alex_consent.clone()),
            ],
            "notifications_on" => vec![
                ("endpoint", "http://10.0.0.1/push/matrix".to_owned()),
                ("p256dh", "BAAA".to_owned()),
                ("auth", "AAAA".to_owned()),
            ],
            "send-plan" => vec![
                ("client_id", self.alex_id.clone()),
                ("after_revision", "2".to_owned()),
                ("summary", "From the matrix".to_owned()),
            ],
            _ => vec![],
        }
    }

    fn form_args(&self, path: &str) -> Vec<(&'static str, String)> {
        let tomorrow = (Utc::now() + Duration::days(2)).date_naive().to_string();
        let s = |v: &str| v.to_owned();
        match path {
            "/sign-in" => vec![
                ("sign_in_name", s("nobody-here")),
                ("passphrase", s("wrong")),
            ],
            "/unlock" => vec![("passphrase", s("wrong"))],
            "/enrol" | "/join" | "/reset" => vec![
                ("code", s("AAAAA-AAAAA")),
                ("sign_in_name", s("someone.new")),
            ],
            "/account/devices/end" => vec![("session_id", self.alex_spare_session.clone())],
            "/account/passphrase" => vec![
                ("current_passphrase", s("not the passphrase")),
                ("passphrase", s("a brand new passphrase")),
                ("repeat_passphrase", s("a brand new passphrase")),
            ],
            "/account/passkeys/remove" => vec![("passkey_id", s("no-such-passkey"))],
            "/account/notifications" => vec![
                ("evening_reminder", s("on")),
                ("daily_reminder_at", s("08:30")),
                ("detail", s("discreet")),
            ],
            "/supporters/revoke" => vec![("grant_id", self.alex_spare_grant.clone())],
            "/supporters/invite" => vec![
                ("label", s("Cousin")),
                ("ends_on", tomorrow),
                ("share_goals", s("on")),
            ],
            "/caseload/enrollment-code" => vec![("client_id", self.alex_id.clone())],
            "/messages" => vec![
                ("text", s("From the matrix: a message")),
                ("key", s("0123456789abcdef0123456789abcdef")),
            ],
            "/supporting/messages" => vec![
                (
                    "grant_id",
                    self.grants
                        .iter()
                        .find(|(actor, _)| *actor == SupporterGoals)
                        .map(|(_, grant)| grant.clone())
                        .unwrap_or_default(),
                ),
                ("text", s("From the matrix: a supporter's message")),
                ("key", s("0123456789abcdef0123456789abcdef")),
            ],
            "/suggestions" => vec![
                ("text", s("From the matrix: a goal")),
                ("key", s("0123456789abcdef0123456789abcdef")),
            ],
            "/safety" => vec![
                ("version", s("0")),
                ("coping", s("From the matrix: a walk by the river")),
            ],
            "/check-ins/step" => vec![
                ("step_id", self.alex_step.clone()),
                ("key", s("0123456789abcdef0123456789abcdef")),
            ],
            "/check-ins/appointment" => vec![
                ("appointment_id", self.alex_appointment.clone()),
                ("answer", s("come")),
                ("key", s("0123456789abcdef0123456789abcdef")),
            ],
            "/admin/staff" => vec![
                ("display_name", s("New Person")),
                ("role", s("case_manager")),
                ("sign_in_name", s("new.person")),
                ("passphrase", s("short")),
            ],
            "/admin/end-sessions" => vec![("sign_in_name", s("tara"))],
            "/admin/staff/deactivate" | "/admin/staff/reactivate" | "/admin/staff/reset-code" => {
                vec![("sign_in_name", s("daniel"))]
            }
            "/sign-out"
            | "/account/notifications/off"
            | "/account/calendar"
            | "/account/calendar/end" => vec![],
            other => panic!("form route {other} has no arguments in the matrix"),
        }
    }
}

fn as_pairs<'a>(args: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    args.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn every_role_gets_exactly_what_it_may() {
    on_each_engine(|t| async move {
        let app = spawn_app(&t).await;
        let cast = cast(&app, &t).await;
        let denial_bodies: BTreeSet<String> = [
            app::error::AppError::NotFound,
            app::error::AppError::NotSignedIn,
        ]
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
        let rejection_bodies: BTreeSet<String> = [
            app::error::AppError::PasskeyRefused,
            app::error::AppError::WrongPassphrase,
            app::error::AppError::TooManyTries,
        ]
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();

        // Every route of the router's table, sorted into its part of the matrix.
        let mut endpoints = Vec::new();
        let mut form_paths = Vec::new();
        for (method, path) in server::startup::routes() {
            let seen = format!("{method} {path}");
            match path.as_str() {
                "/healthz"
                | "/sw.js"
                | "/offline"
                | "/admin/audit.csv"
                | "/learn"
                | "/learn/{code}"
                | "/calendar/{file}"
                | "/appointments/{id}/calendar.ics"
                | SYNC_PATH => {
                    let expected = if path == SYNC_PATH { "POST" } else { "GET" };
                    assert_eq!(method.as_str(), expected, "{seen}");
                }
                p if p.starts_with("/api/") => {
                    assert_eq!(
                        method,
                        http::Method::POST,
                        "{seen}: server functions are POST"
                    );
                    endpoints.push(p["/api/".len()..].to_owned());
                }
                _ if method == http::Method::POST => form_paths.push(path),
                _ => panic!("{seen} has no row in the authorisation matrix"),
            }
        }
        endpoints.sort();
        assert!(endpoints.len() >= 18, "{endpoints:?}");
        let mut checked = 0;
        for endpoint in &endpoints {
            for (actor, browser) in &cast.browsers {
                let args = cast.server_function_args(endpoint, *actor);
                let (status, body) = browser.call(endpoint, &as_pairs(&args)).await;
                let seen = format!(
                    "{endpoint} as {actor:?} on {}: {status} {body:.200}",
                    t.engine
                );
                match server_function_rule(endpoint, *actor) {
                    Allow { sees_a } => {
                        assert_eq!(status, 200, "{seen}");
                        if endpoint == "shared_record" {
                            let answer = serde_json::from_str(&body).expect("json");
                            assert_only_shared(&answer, shares_of(*actor), &seen);
                        }
                        if !sees_a {
                            assert!(
                                !body.contains("Alex") && !body.contains(&cast.alex_id),
                                "{seen}"
                            );
                        }
                    }
                    Deny => {
                        assert!(matches!(status, 401 | 404), "{seen}");
                        assert!(
                            denial_bodies.contains(&body),
                            "a denial says nothing more: {seen}"
                        );
                    }
                    Reject => {
                        assert!(matches!(status, 400 | 429), "{seen}");
                        assert!(
                            rejection_bodies.contains(&body),
                            "a rejection says nothing more: {seen}"
                        );
                    }
                }
                checked += 1;
            }
        }

        // The audit export is an admin's alone.
        let today = Utc::now().date_naive();
        let range = format!(
            "/admin/audit.csv?from={}&to={today}",
            today - Duration::days(7)
        );
        for (actor, browser) in &cast.browsers {
            let (status, body) = browser.get(&range).await;
            if *actor == Admin {
                assert_eq!(status, 200, "audit export as admin: {body}");
                assert!(body.starts_with("seq,at_utc,actor_id"));
            } else {
                assert!(
                    matches!(status, 401 | 404),
                    "audit export as {actor:?}: {status}"
                );
                assert!(!body.contains("seq,"), "audit export as {actor:?}");
            }
        }
        // A calendar address nobody made is not found, whoever asks; one appointment's
        // calendar file is its client's alone.
        let alex_calendar = format!("/appointments/{}/calendar.ics", cast.alex_appointment);
        for (actor, browser) in &cast.browsers {
            let (status, body) = browser.get("/calendar/0123456789abcdef.ics").await;
            assert_eq!(status, 404, "calendar address as {actor:?}");
            assert!(!body.contains("VCALENDAR"), "calendar address as {actor:?}");
            let (status, body) = browser.get(&alex_calendar).await;
            if *actor == ClientA {
                assert_eq!(status, 200, "Alex's calendar file: {body}");
                assert!(body.contains("BEGIN:VEVENT"), "{body}");
            } else {
                assert!(
                    matches!(status, 401 | 404),
                    "calendar file as {actor:?}: {status}"
                );
                assert!(!body.contains("VEVENT"), "calendar file as {actor:?}");
            }
        }
        // Files that carry no one's information: the same for everyone.
        for path in ["/healthz", "/sw.js", "/offline"] {
            for (actor, browser) in &cast.browsers {
                let (status, body) = browser.get(path).await;
                assert_eq!(status, 200, "{path} as {actor:?}");
                assert!(!body.contains("Alex") && !body.contains(&cast.alex_id));
            }
        }

        // The library's way in: everyone is led to the program's library, and nothing else,
        // in the language each last read it in (French, above).
        for path in ["/learn".to_owned(), format!("/learn/{}", cast.library_code)] {
            for (actor, browser) in &cast.browsers {
                let (status, location) = browser.get_redirect(&path).await;
                assert_eq!(status, 303, "{path} as {actor:?}");
                assert_eq!(
                    location,
                    format!("/learn/{}/fr", cast.library_code),
                    "{path} as {actor:?}"
                );
            }
        }

        // The sync route: a client's own copy, what was shared with a supporter (and only
        // its fields), nothing for anyone else.
        let fresh = DeviceCopy::default().request();
        for (actor, browser) in &cast.browsers {
            let (status, body) = browser.post_json(SYNC_PATH, &fresh).await;
            let seen = format!("sync as {actor:?} on {}: {status} {body:.200}", t.engine);
            match actor {
                Anonymous => assert_eq!(status, 401, "{seen}"),
                CaseManagerOfA | OtherCaseManager | Admin => {
                    assert_eq!(status, 404, "{seen}");
                    assert!(!body.contains("Alex"), "{seen}");
                }
                ClientA => assert!(status == 200 && body.contains("Alex"), "{seen}"),
                _ => {
                    assert_eq!(status, 200, "{seen}");
                    let answer: Value = serde_json::from_str(&body).expect("json");
                    let shared: Vec<&Value> = answer["changed"]
                        .as_array()
                        .expect("changed items")
                        .iter()
                        .filter(|item| item["kind"] == "shared")
                        .map(|item| &item["value"])
                        .collect();
                    if is_active_supporter(*actor) {
                        assert_eq!(shared.len(), 1, "{seen}");
                        assert_only_shared(shared[0], shares_of(*actor), &seen);
                    } else {
                        assert!(shared.is_empty(), "{seen}");
                        assert!(
                            !body.contains("Alex") && !body.contains(&cast.alex_id),
                            "{seen}"
                        );
                    }
                }
            }
            checked += 1;
        }

        // Signing out last, so that everyone stays signed in for the other rows.
        form_paths.retain(|p| p != "/sign-out");
        form_paths.push("/sign-out".to_owned());
        for path in form_paths.iter().map(String::as_str) {
            for (actor, browser) in &cast.browsers {
                let args = cast.form_args(path);
                let (status, to) = browser.post_form(path, &as_pairs(&args)).await;
                let seen = format!("{path} as {actor:?} on {}: {status} -> {to}", t.engine);
                let denied = matches!(status, 401 | 403 | 404)
                    || to == "/sign-in"
                    || to == "/unlock"
                    || to.ends_with("problem=not_found");
                match form_rule(path, *actor) {
                    Allow { .. } => assert!(status == 303 && !denied, "{seen}"),
                    Deny => assert!(denied, "{seen}"),
                    Reject => unreachable!("form routes answer with a problem code"),
                }
                checked += 1;
            }
        }

        assert!(checked > 200, "{checked} cells");

        // Every look at A's data by someone else is in the audit trail, and so are refusals.
        let looks: Vec<(String, String)> = sqlx::query_as(
            "SELECT action, outcome FROM audit_events WHERE client_id = $1 AND actor_id <> $1",
        )
        .bind(&cast.alex_id)
        .fetch_all(t.db.pool())
        .await
        .unwrap();
        let count = |action: &str, outcome: &str| {
            looks
                .iter()
                .filter(|(a, o)| a == action && o == outcome)
                .count()
        };
        assert_eq!(
            count("read.shared_record", "allowed"),
            6,
            "three pages and three syncs: {looks:?}"
        );
        assert_eq!(
            count("read.shared_record", "refused"),
            2,
            "revoked and expired"
        );
        assert!(count("read.caseload", "allowed") >= 1);
        let refusals: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE outcome = 'refused' AND action LIKE 'read.%'",
        )
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        assert!(refusals >= 60, "refused reads are recorded: {refusals}");
        assert_eq!(
            db::verify_audit_chain(&t.db).await.unwrap(),
            db::ChainCheck::Intact {
                entries: sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
                    .fetch_one(t.db.pool())
                    .await
                    .unwrap(),
                chains: sqlx::query_scalar("SELECT COUNT(*) FROM audit_chains")
                    .fetch_one(t.db.pool())
                    .await
                    .unwrap()
            }
        );
        t
    })
    .await;
}
