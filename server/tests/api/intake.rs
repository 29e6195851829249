//! Intake on both engines, on a database with no demo data: a new program, its admin and
//! case managers, and the clients they add, through the real HTTP routes.
use crate::helpers::{on_each_engine, spawn_app, TestApp, TestDb};
use app::actions::{admin, intake, AddedBy};
use app::db::{self, Db};
use app::domain::{IntakeAnswer, IntakeForm, Role};
use chrono::Utc;
use serde_json::Value;

const PASSPHRASE: &str = "copper kettle by the window";

/// A program with no clients: an admin and two case managers (`cm.one`, `cm.two`).
async fn new_program(db: &Db) -> String {
    let made = admin::add_organisation(db, "Lakeside Program", "America/Toronto", Utc::now());
    let org = made.await.unwrap().unwrap();
    for (name, sign_in_name, role) in [
        ("Ada Admin", "ada.admin", Role::Admin),
        ("Casey One", "cm.one", Role::CaseManager),
        ("Robin Two", "cm.two", Role::CaseManager),
    ] {
        let staff = admin::NewStaff {
            name_shown: name,
            role,
            sign_in_name,
            passphrase: PASSPHRASE,
        };
        let by = AddedBy::CommandLine {
            organisation_id: &org,
        };
        admin::add_staff(db, by, staff, Utc::now())
            .await
            .unwrap()
            .unwrap();
    }
    org
}

async fn signed_in(app: &TestApp, sign_in_name: &str) -> TestApp {
    let browser = app.browser();
    let location = browser.sign_in_with(sign_in_name, PASSPHRASE).await;
    assert!(!location.contains("problem"), "{location}");
    browser
}

fn jordan() -> Vec<(&'static str, &'static str)> {
    vec![
        ("client[full_name]", "Jordan Lee"),
        ("client[preferred_name]", "Jo"),
        ("client[pronouns]", "they/them"),
        ("client[date_of_birth]", "1990-05-17"),
        ("client[phone]", "416-555-0199"),
        ("client[leave_messages]", "no"),
        ("client[preferred_language]", "English"),
        ("client[pharmacy]", "Main Street Pharmacy"),
        ("client[program_start_on]", "2026-11-30"),
    ]
}

async fn add(browser: &TestApp, args: &[(&str, &str)]) -> Value {
    let (status, body) = browser.call("add-client", args).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn client_count(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM client_profiles")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn id_of_staff(db: &Db, sign_in_name: &str) -> String {
    db::person_with_sign_in_name(db, sign_in_name)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_program_with_no_demo_data_takes_on_a_client_once() {
    on_each_engine(|t: TestDb| async move {
        new_program(&t.db).await;
        let app = spawn_app(&t).await;
        let one = signed_in(&app, "cm.one").await;
        let (status, page) = one.get("/caseload").await;
        assert_eq!(status, 200);
        assert!(page.contains("0 clients"), "{}", t.engine);
        assert!(page.contains("href=\"/caseload/new\""));

        // The form offers the other case manager as the second one, not the one asking.
        let (status, choices) = one.call("intake", &[]).await;
        assert_eq!(status, 200, "{choices}");
        let choices: Value = serde_json::from_str(&choices).unwrap();
        assert_eq!(choices["by_admin"], false);
        let others = choices["case_managers"].as_array().unwrap();
        assert_eq!(others.len(), 1);
        assert_eq!(others[0][1], "Robin Two");
        let two_id = others[0][0].as_str().unwrap().to_owned();

        let mut args = jordan();
        args.push(("client[second_case_manager]", &two_id));
        let added = add(&one, &args).await;
        let client_id = added["Added"]["client_id"].as_str().unwrap().to_owned();

        // On the caseload of both, the one who added them primary; the record shows intake.
        let (_, caseload) = one.get("/caseload").await;
        assert!(caseload.contains("1 client<") && caseload.contains("Jo</a>"));
        let (status, record) = one.get(&format!("/caseload/{client_id}")).await;
        assert_eq!(status, 200);
        for shown in [
            "Jordan Lee",
            "1990-05-17",
            "tel:416-555-0199",
            "Do not leave messages",
            "Casey One (primary), Robin Two",
            "Not set up yet",
        ] {
            assert!(record.contains(shown), "{shown} ({})", t.engine);
        }
        let two = signed_in(&app, "cm.two").await;
        let (status, _) = two.get(&format!("/caseload/{client_id}")).await;
        assert_eq!(status, 200);

        // The set-up code, made from the record, is shown there once.
        let (status, location) = one
            .post_form(
                "/caseload/enrollment-code",
                &[("client_id", &client_id), ("back", "record")],
            )
            .await;
        assert_eq!(
            (status, location.as_str()),
            (303, format!("/caseload/{client_id}").as_str())
        );
        let (_, record) = one.get(&format!("/caseload/{client_id}")).await;
        assert!(record.contains("Set-up code for Jo"), "{}", t.engine);
        let (_, again) = one.get(&format!("/caseload/{client_id}")).await;
        assert!(!again.contains("Set-up code for Jo"));

        // The same person again, typed differently: not added twice, and their care team
        // is offered their record.
        let mut twice = jordan();
        twice[0] = ("client[full_name]", "  jordan   LEE ");
        let exists = add(&one, &twice).await;
        assert_eq!(exists["Exists"]["client_id"], client_id.as_str());
        assert_eq!(client_count(&t.db).await, 1);

        // An admin names the primary case manager; told only that a duplicate exists.
        let admin = signed_in(&app, "ada.admin").await;
        let exists = add(&admin, &jordan()).await;
        assert_eq!(exists["Exists"]["client_id"], Value::Null, "{}", t.engine);
        let mut sam = jordan();
        sam[0] = ("client[full_name]", "Sam Rivera");
        sam[1] = ("client[preferred_name]", "Sam");
        let missing = add(&admin, &sam).await;
        assert_eq!(
            missing["Invalid"][0]["field"], "primary_case_manager",
            "{missing}"
        );
        sam.push(("client[primary_case_manager]", &two_id));
        let added = add(&admin, &sam).await;
        let sam_id = added["Added"]["client_id"].as_str().unwrap().to_owned();
        let (status, _) = two.get(&format!("/caseload/{sam_id}")).await;
        assert_eq!(status, 200);
        let (status, _) = one.get(&format!("/caseload/{sam_id}")).await;
        assert_eq!(status, 404, "not on Sam's care team");
        let adds: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'client.add'")
                .fetch_one(t.db.pool())
                .await
                .unwrap();
        assert_eq!(adds, 2);
        t
    })
    .await;
}

#[tokio::test]
async fn nobody_else_may_add_a_client_or_name_a_case_manager_of_another_program() {
    on_each_engine(|t: TestDb| async move {
        new_program(&t.db).await;
        let elsewhere = admin::add_organisation(&t.db, "Elsewhere", "UTC", Utc::now());
        let elsewhere = elsewhere.await.unwrap().unwrap();
        // Staff of another program, who must not end up on this one's care teams.
        let stranger = admin::NewStaff {
            name_shown: "Stranger",
            role: Role::CaseManager,
            sign_in_name: "cm.elsewhere",
            passphrase: PASSPHRASE,
        };
        let by = AddedBy::CommandLine {
            organisation_id: &elsewhere,
        };
        let stranger = admin::add_staff(&t.db, by, stranger, Utc::now()).await;
        let stranger = stranger.unwrap().unwrap();
        let app = spawn_app(&t).await;
        let (status, _) = app.browser().call("add-client", &jordan()).await;
        assert_eq!(status, 401);
        let mut args = jordan();
        args.push(("client[second_case_manager]", &stranger));
        let one = signed_in(&app, "cm.one").await;
        let refused = add(&one, &args).await;
        assert_eq!(refused["Invalid"][0]["field"], "second_case_manager");
        assert_eq!(client_count(&t.db).await, 0, "{}", t.engine);
        t
    })
    .await;
}

#[tokio::test]
async fn bad_intake_input_is_refused_at_its_field_and_changes_nothing() {
    on_each_engine(|t: TestDb| async move {
        new_program(&t.db).await;
        let app = spawn_app(&t).await;
        let one = signed_in(&app, "cm.one").await;
        let long = "a".repeat(10_000);
        let cases: [(&str, &str); 7] = [
            ("client[full_name]", ""),
            ("client[full_name]", &long),
            ("client[preferred_name]", "Jo\u{1b}[2J"),
            ("client[date_of_birth]", "2999-01-01"),
            ("client[date_of_birth]", "1850-01-01"),
            ("client[program_start_on]", "31/12/2026"),
            ("client[leave_messages]", "maybe"),
        ];
        for (field, value) in cases {
            let args: Vec<_> = jordan()
                .into_iter()
                .map(|(f, v)| if f == field { (f, value) } else { (f, v) })
                .collect();
            let refused = add(&one, &args).await;
            let name = field.trim_start_matches("client[").trim_end_matches(']');
            let problems = refused["Invalid"].as_array().unwrap();
            assert!(
                problems.iter().any(|p| p["field"] == name),
                "{field}={value:.20}: {refused} ({})",
                t.engine
            );
        }
        assert_eq!(client_count(&t.db).await, 0);
        t
    })
    .await;
}

#[tokio::test]
async fn the_same_person_added_at_the_same_moment_is_one_client() {
    on_each_engine(|t: TestDb| async move {
        let org = new_program(&t.db).await;
        let primary = id_of_staff(&t.db, "cm.one").await;
        let form = IntakeForm {
            full_name: "Jordan Lee".into(),
            preferred_name: "Jo".into(),
            date_of_birth: "1990-05-17".into(),
            leave_messages: "no".into(),
            program_start_on: "2026-11-30".into(),
            primary_case_manager: primary,
            ..IntakeForm::default()
        };
        let tries = (0..8).map(|_| {
            let (db, form, org) = (t.db.clone(), form.clone(), org.clone());
            tokio::spawn(async move {
                let by = AddedBy::CommandLine {
                    organisation_id: &org,
                };
                intake::add_client(&db, by, form, Utc::now()).await
            })
        });
        let mut added = 0;
        for answer in futures::future::join_all(tries).await {
            match answer.unwrap() {
                Ok(IntakeAnswer::Added { .. }) => added += 1,
                Ok(IntakeAnswer::Exists { client_id: Some(_) }) => {}
                other => panic!("{other:?} ({})", t.engine),
            }
        }
        assert_eq!(added, 1, "{}", t.engine);
        assert_eq!(client_count(&t.db).await, 1);
        t
    })
    .await;
}
