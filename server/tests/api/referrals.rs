//! Referrals that do not get lost, on both engines: the contact, the day sent and the
//! follow-up checked at each field; the caseload asking once a follow-up has passed; what a
//! service was told, kept only with a signed consent naming what, with whom, why and until
//! when; the client seeing the consent (not the note) and its withdrawal.
use crate::helpers::{
    allowed_entries, attention_of, id_of, invalid_at, on_each_engine, person_named, rows_about,
    seeded_app, TestApp,
};
use app::db;
use app::domain::{Attention, DeviceCopy, SyncAnswer};
use chrono::Duration;
use serde_json::Value;

async fn save(
    browser: &TestApp,
    client: &str,
    referral: &str,
    version: i64,
    fields: &[(&str, &str)],
) -> (u16, Value) {
    let version = version.to_string();
    let mut args = vec![
        ("client_id", client),
        ("referral_id", referral),
        ("version", version.as_str()),
        ("referral[domain]", "housing"),
    ];
    args.extend_from_slice(fields);
    browser.call_value("save-referral", &args).await
}

async fn tell(
    browser: &TestApp,
    client: &str,
    referral: &str,
    fields: &[(&str, &str)],
) -> (u16, Value) {
    let mut args = vec![("client_id", client), ("referral_id", referral)];
    args.extend_from_slice(fields);
    browser.call_value("tell-service", &args).await
}

#[tokio::test]
async fn a_referral_is_followed_up_and_told_only_under_a_signed_consent() {
    on_each_engine(|t| async move {
        let (app, clients) = seeded_app(&t).await;
        let alex = id_of(&clients, "Alex");
        let bea = id_of(&clients, "Bea");
        let amara = app.browser_signed_in("amara").await;
        let amara_id = person_named(&t.db, "amara").await;
        let today = app::clock::local_time_in(server::demo::TIME_ZONE).date();
        let day = |days: i64| (today + Duration::days(days)).to_string();
        let records = db::referral_records(&t.db, &amara_id, &alex).await.unwrap();
        let record = records
            .iter()
            .find(|r| r.referral.status.is_open())
            .unwrap();
        let referral = record.referral.id.to_string();
        let version = record.referral.version;

        // Bad input is told at its field and changes nothing.
        let long = "a".repeat(10_000);
        let (yesterday, next_week, far) = (day(-1), day(7), day(200));
        let bad: [(&[(&str, &str)], &str); 7] = [
            (
                &[
                    ("referral[status]", "referred"),
                    ("referral[made_on]", &yesterday),
                ],
                "follow_up_on",
            ),
            (
                &[
                    ("referral[status]", "referred"),
                    ("referral[follow_up_on]", &next_week),
                ],
                "made_on",
            ),
            (
                &[
                    ("referral[status]", "waitlisted"),
                    ("referral[made_on]", &yesterday),
                    ("referral[follow_up_on]", &yesterday),
                ],
                "follow_up_on",
            ),
            (
                &[
                    ("referral[status]", "accepted"),
                    ("referral[made_on]", &yesterday),
                    ("referral[follow_up_on]", &far),
                ],
                "follow_up_on",
            ),
            (
                &[
                    ("referral[status]", "referred"),
                    ("referral[made_on]", &next_week),
                    ("referral[follow_up_on]", &next_week),
                ],
                "made_on",
            ),
            (
                &[
                    ("referral[status]", "attending"),
                    ("referral[made_on]", &yesterday),
                    ("referral[contact_name]", &long),
                ],
                "contact_name",
            ),
            (
                &[
                    ("referral[status]", "attending"),
                    ("referral[made_on]", &yesterday),
                    ("referral[contact_phone]", "call\u{7}me"),
                ],
                "contact_phone",
            ),
        ];
        for (fields, field) in bad {
            let (status, answer) = save(&amara, &alex, &referral, version, fields).await;
            assert_eq!(status, 200);
            assert!(invalid_at(&answer, field), "{field}: {answer}");
        }
        let unchanged = db::referral_records(&t.db, &amara_id, &alex).await.unwrap();
        assert_eq!(unchanged, records, "{}", t.engine);

        // A follow-up date that has passed on an open referral asks for attention; a new
        // date answers it.
        sqlx::query("UPDATE referrals SET follow_up_on = $1 WHERE id = $2")
            .bind(day(-2))
            .bind(&referral)
            .execute(t.db.pool())
            .await
            .unwrap();
        let attention = || attention_of(&t.db, &amara_id, &alex);
        assert!(
            attention().await.contains(&Attention::ReferralFollowUp),
            "{}",
            t.engine
        );
        let fields = [
            ("referral[status]", "waitlisted"),
            ("referral[made_on]", yesterday.as_str()),
            ("referral[follow_up_on]", next_week.as_str()),
            ("referral[contact_name]", "Dana Lee"),
            ("referral[contact_phone]", "416-555-0177 ext. 4"),
        ];
        let (_, saved) = save(&amara, &alex, &referral, version, &fields).await;
        assert_eq!(saved, "Saved", "{}", t.engine);
        assert!(!attention().await.contains(&Attention::ReferralFollowUp));
        let saved = db::referral_records(&t.db, &amara_id, &alex).await.unwrap();
        let saved = saved
            .iter()
            .find(|r| r.referral.id.as_str() == referral)
            .unwrap();
        assert_eq!(saved.contact_name.as_deref(), Some("Dana Lee"));
        assert_eq!(saved.follow_up_on, Some(today + Duration::days(7)));
        assert_eq!(saved.referral.made_on, Some(today - Duration::days(1)));

        // What the service was told: every part of the consent, and the signed form.
        let before = rows_about(&t.db, "referral_handovers", &alex).await;
        let (on, ends, too_late, tomorrow) = (today.to_string(), day(180), day(400), day(1));
        let good = [
            (
                "handover[note]",
                "Told them Alex needs a ground-floor room and mornings are best.",
            ),
            ("handover[shared_what]", "Name, phone, and the housing goal"),
            ("handover[shared_with]", "Northside Housing Help, Dana Lee"),
            ("handover[purpose]", "To find Alex a place to live"),
            ("handover[agreed_on]", on.as_str()),
            ("handover[expires_on]", ends.as_str()),
            ("handover[signed]", "on"),
        ];
        // The good form with one field typed otherwise (or, for an empty box, left out).
        let with = |field: &'static str, value: &str| {
            let mut fields: Vec<(&str, String)> = good
                .iter()
                .filter(|(f, _)| *f != field)
                .map(|(f, v)| (*f, v.to_string()))
                .collect();
            if !value.is_empty() || field != "handover[signed]" {
                fields.push((field, value.to_owned()));
            }
            fields
        };
        let cases = [
            (with("handover[signed]", ""), "signed"),
            (with("handover[note]", " "), "note"),
            (with("handover[note]", &long), "note"),
            (with("handover[shared_what]", "a\u{0}b"), "shared_what"),
            (with("handover[purpose]", ""), "purpose"),
            (with("handover[expires_on]", &too_late), "expires_on"),
            (with("handover[expires_on]", &on), "expires_on"),
            (with("handover[agreed_on]", &tomorrow), "agreed_on"),
        ];
        for (fields, field) in cases {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(f, v)| (*f, v.as_str())).collect();
            let (status, answer) = tell(&amara, &alex, &referral, &fields).await;
            assert_eq!(status, 200);
            assert!(invalid_at(&answer, field), "{field}: {answer}");
        }
        assert_eq!(rows_about(&t.db, "referral_handovers", &alex).await, before);

        // Not on the care team, or a referral of another client: as if it did not exist.
        let priya = app.browser_signed_in("priya").await;
        let (status, _) = tell(&priya, &alex, &referral, &good).await;
        assert_eq!(status, 404);
        let beas = db::referrals_of_client(&t.db, &bea).await.unwrap()[0]
            .id
            .to_string();
        let (status, _) = tell(&amara, &alex, &beas, &good).await;
        assert_eq!(status, 404);
        assert_eq!(rows_about(&t.db, "referral_handovers", &alex).await, before);
        assert_eq!(rows_about(&t.db, "referral_handovers", &bea).await, 1);

        let (_, told) = tell(&amara, &alex, &referral, &good).await;
        assert_eq!(told, "Saved", "{}", t.engine);
        assert_eq!(
            rows_about(&t.db, "referral_handovers", &alex).await,
            before + 1
        );
        assert_eq!(
            allowed_entries(&t.db, &alex, &["referral.hand_over"]).await,
            1
        );

        // Alex sees what was agreed on the referrals page and in the phone's copy, never the
        // note, the contact or the follow-up.
        let phone = app.browser_signed_in("alex").await;
        let (_, page) = phone.get("/referrals").await;
        assert!(
            page.contains("you agreed we could tell Northside Housing Help, Dana Lee"),
            "{}",
            t.engine
        );
        assert!(page.contains("To find Alex a place to live"));
        assert!(!page.contains("ground-floor") && !page.contains("416-555-0177"));
        let (status, body) = phone
            .post_json("/api/v1/sync", &DeviceCopy::default().request())
            .await;
        assert_eq!(status, 200);
        let _: SyncAnswer = serde_json::from_str(&body).unwrap();
        assert!(body.contains("To find Alex a place to live"));
        assert!(!body.contains("ground-floor") && !body.contains("416-555-0177"));
        assert!(!body.contains("follow_up"));

        // Alex takes the consent back: recorded once, however often it is pressed.
        let consent = db::referrals_of_client(&t.db, &alex)
            .await
            .unwrap()
            .into_iter()
            .flat_map(|r| r.consents)
            .find(|c| c.purpose == "To find Alex a place to live")
            .unwrap();
        let args = [
            ("client_id", alex.as_str()),
            ("consent_id", consent.id.as_str()),
        ];
        for _ in 0..2 {
            let (_, answer) = amara.call_value("withdraw-consent", &args).await;
            assert_eq!(answer, "Saved", "{}", t.engine);
        }
        assert_eq!(
            allowed_entries(&t.db, &alex, &["referral.withdraw_consent"]).await,
            1
        );
        let (status, _) = priya.call_value("withdraw-consent", &args).await;
        assert_eq!(status, 404);
        let (_, page) = phone.get("/referrals").await;
        assert!(page.contains("You took this back on"), "{}", t.engine);
        let taken_back = db::referrals_of_client(&t.db, &alex).await.unwrap();
        let consent = taken_back
            .iter()
            .flat_map(|r| &r.consents)
            .find(|c| c.id == consent.id);
        assert_eq!(consent.unwrap().withdrawn_on, Some(today));
        t
    })
    .await;
}
