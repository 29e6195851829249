use super::form::{code, coming_day, date, optional_text, past_day, phone, text, PhoneOf};
use super::{coded_enum, FieldProblems, LifeDomain, PlainText, RecordId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

coded_enum! {
    ReferralStatus ("referral status") {
        Suggested = "suggested" => "Suggested",
        Referred = "referred" => "Referral sent",
        Accepted = "accepted" => "Accepted",
        Waitlisted = "waitlisted" => "On the waiting list",
        Attending = "attending" => "You're going" staff "Attending",
        Completed = "completed" => "Finished",
        Declined = "declined" => "Not going ahead",
    }
}

impl ReferralStatus {
    /// Whether the referral still needs something from someone.
    pub fn is_open(self) -> bool {
        !matches!(self, ReferralStatus::Completed | ReferralStatus::Declined)
    }

    /// Whether the case manager waits on the service (or the client) and so must follow up
    /// by a date: sent, accepted but not started, or waiting for a place.
    pub fn awaits_follow_up(self) -> bool {
        matches!(
            self,
            ReferralStatus::Referred | ReferralStatus::Accepted | ReferralStatus::Waitlisted
        )
    }

    /// What the status means for the client, in plain words.
    pub fn meaning(self) -> &'static str {
        match self {
            ReferralStatus::Suggested => "You and your case manager talked about this service.",
            ReferralStatus::Referred => {
                "Your case manager sent the referral. We are waiting to hear back."
            }
            ReferralStatus::Accepted => "The service said yes. Next is getting started.",
            ReferralStatus::Waitlisted => "You have a place on the waiting list.",
            ReferralStatus::Attending => "You are using this service now.",
            ReferralStatus::Completed => "You finished with this service.",
            ReferralStatus::Declined => "This is not going ahead for now.",
        }
    }
}

/// A service a client can be referred to (an agency or program).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub name: String,
    pub description: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: RecordId,
    pub service: Service,
    pub domain: LifeDomain,
    pub status: ReferralStatus,
    /// What the client does next to be ready for the service.
    pub next_step: Option<String>,
    pub updated_on: NaiveDate,
    /// Bumped on every change, so that two editors can't overwrite each other unseen.
    #[serde(default)]
    pub version: i64,
    /// The day the referral was sent (none while it is only talked about).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_on: Option<NaiveDate>,
    /// What the client agreed the service may be told, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consents: Vec<ConsentToShare>,
}

/// A client's consent to tell a service about them, with the parts 42 CFR Part 2 asks a
/// consent to name: what may be shared, with whom, what for, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentToShare {
    pub id: RecordId,
    pub shared_what: String,
    pub shared_with: String,
    pub purpose: String,
    pub agreed_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// The day the client took it back, if they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<NaiveDate>,
}

impl ConsentToShare {
    /// Whether the service may still be told what it names on `today`.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        self.withdrawn_on.is_none() && self.expires_on >= today
    }

    /// The consent in plain words for the client.
    pub fn in_words(&self, today: NaiveDate) -> String {
        let until = if let Some(on) = self.withdrawn_on {
            format!("You took this back on {}.", super::long_date(on, today))
        } else if self.expires_on < today {
            format!(
                "This ended on {}.",
                super::long_date(self.expires_on, today)
            )
        } else {
            format!(
                "This lasts until {}.",
                super::long_date(self.expires_on, today)
            )
        };
        format!(
            "On {} you agreed we could tell {}: {}. Why: {}. {until}",
            super::long_date(self.agreed_on, today),
            self.shared_with,
            self.shared_what,
            self.purpose,
        )
    }
}

/// A referral as its case manager works it: what the client sees, and the staff's parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralRecord {
    pub referral: Referral,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    /// What the service was told, each under one of `referral.consents` (by its id).
    pub handovers: Vec<ServiceHandover>,
}

impl ReferralRecord {
    /// Whether the follow-up date has passed on an open referral.
    pub fn follow_up_due(&self, today: NaiveDate) -> bool {
        self.referral.status.is_open() && self.follow_up_on.is_some_and(|on| on < today)
    }
}

/// A note of what the service was told, written under the client's consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceHandover {
    pub consent_id: RecordId,
    pub note: String,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
}

/// What the next step for the client may say, in characters.
pub const NEXT_STEP_MAX_CHARS: usize = 300;
/// The longest name of a contact at a service.
pub const CONTACT_NAME_MAX_CHARS: usize = 100;
/// How far ahead a follow-up may be set: a referral waiting on someone is looked at again
/// within three months.
pub const FOLLOW_UP_AT_MOST_DAYS: i64 = 92;
/// The follow-up a new referral's form suggests, in days from today.
pub const FOLLOW_UP_DEFAULT_DAYS: i64 = 14;
/// The longest of each part of a consent (what, with whom, why).
pub const CONSENT_PART_MAX_CHARS: usize = 300;
/// The longest handover note: what the service was told, not a report.
pub const SERVICE_NOTE_MAX_CHARS: usize = 2000;
/// How long a consent to share may last: at most a year, then it is asked again.
pub const CONSENT_AT_MOST_DAYS: i64 = 366;

/// A referral as typed into the form. `service_id` is only read for a new referral.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralForm {
    pub service_id: String,
    pub domain: String,
    pub status: String,
    pub next_step: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub made_on: String,
    pub follow_up_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralFields {
    pub service_id: Option<RecordId>,
    pub domain: LifeDomain,
    pub status: ReferralStatus,
    pub next_step: Option<PlainText>,
    pub contact_name: Option<PlainText>,
    pub contact_phone: Option<PlainText>,
    pub made_on: Option<NaiveDate>,
    pub follow_up_on: Option<NaiveDate>,
}

impl ReferralForm {
    /// Checks the form on `today` (the program's date); `new` asks for a service from the
    /// directory. Once sent, a referral needs the day it was made; while the case manager
    /// waits on someone, a follow-up date within three months. A closed referral keeps no
    /// follow-up.
    pub fn check(&self, new: bool, today: NaiveDate) -> Result<ReferralFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let service_id = if new {
            match RecordId::parse(self.service_id.trim()) {
                Some(id) => Some(Some(id)),
                None => {
                    problems.add("service_id", "Please choose a service from the directory.");
                    None
                }
            }
        } else {
            Some(None)
        };
        let domain = code(&self.domain, LifeDomain::from_code, "domain", &mut problems);
        let status = code(
            &self.status,
            ReferralStatus::from_code,
            "status",
            &mut problems,
        );
        let next_step = optional_text(
            &self.next_step,
            NEXT_STEP_MAX_CHARS,
            "next_step",
            &mut problems,
        );
        let contact_name = optional_text(
            &self.contact_name,
            CONTACT_NAME_MAX_CHARS,
            "contact_name",
            &mut problems,
        );
        let contact_phone = phone(
            &self.contact_phone,
            "contact_phone",
            PhoneOf::Service,
            &mut problems,
        );
        let sent = status.is_some_and(|s| s != ReferralStatus::Suggested);
        let made_on = if sent || !self.made_on.trim().is_empty() {
            past_day(
                &self.made_on,
                "made_on",
                today,
                "Please enter the day the referral was sent.",
                &mut problems,
            )
            .map(Some)
        } else {
            Some(None)
        };
        let follow_up_on = match status {
            Some(s) if s.awaits_follow_up() => {
                follow_up_day(&self.follow_up_on, today, &mut problems)
            }
            Some(s) if s.is_open() && !self.follow_up_on.trim().is_empty() => {
                follow_up_day(&self.follow_up_on, today, &mut problems)
            }
            _ => Some(None),
        };
        let fields = (|| {
            Some(ReferralFields {
                service_id: service_id?,
                domain: domain?,
                status: status?,
                next_step: next_step?,
                contact_name: contact_name?,
                contact_phone: contact_phone?,
                made_on: made_on?,
                follow_up_on: follow_up_on?,
            })
        })();
        problems.or(fields)
    }
}

/// A follow-up day from today (the case manager may mean to call today) to three months on.
fn follow_up_day(
    raw: &str,
    today: NaiveDate,
    problems: &mut FieldProblems,
) -> Option<Option<NaiveDate>> {
    let field = "follow_up_on";
    match date(raw, field, today, problems)? {
        None => problems.add(field, "Please choose a day to follow up."),
        Some(day) if day < today => problems.add(field, "Please choose today or a later day."),
        Some(day) if (day - today).num_days() > FOLLOW_UP_AT_MOST_DAYS => {
            problems.add(field, "Please choose a day within three months.")
        }
        Some(day) => return Some(Some(day)),
    }
    None
}

/// A handover note with the consent it is written under, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceHandoverForm {
    pub note: String,
    pub shared_what: String,
    pub shared_with: String,
    pub purpose: String,
    pub agreed_on: String,
    pub expires_on: String,
    /// "on" when the case manager ticked that the client signed the consent form.
    pub signed: String,
}

/// A handover that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceHandoverFields {
    pub note: PlainText,
    pub shared_what: PlainText,
    pub shared_with: PlainText,
    pub purpose: PlainText,
    pub agreed_on: NaiveDate,
    pub expires_on: NaiveDate,
}

impl ServiceHandoverForm {
    /// Checks the handover on `today`: a note, each part of the consent, the day the client
    /// agreed (within the last year), an end after today and within a year of it, and the
    /// signed form.
    pub fn check(&self, today: NaiveDate) -> Result<ServiceHandoverFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let note = text(&self.note, SERVICE_NOTE_MAX_CHARS, "note", &mut problems);
        let mut part =
            |raw: &str, field: &str| text(raw, CONSENT_PART_MAX_CHARS, field, &mut problems);
        let shared_what = part(&self.shared_what, "shared_what");
        let shared_with = part(&self.shared_with, "shared_with");
        let purpose = part(&self.purpose, "purpose");
        let agreed_on = past_day(
            &self.agreed_on,
            "agreed_on",
            today,
            "Please enter the day the client agreed.",
            &mut problems,
        );
        let expires_on = coming_day(
            &self.expires_on,
            "expires_on",
            today,
            (
                "Please enter the day the consent ends.",
                CONSENT_AT_MOST_DAYS,
                "Please choose a day within a year; ask the client again after that.",
            ),
            &mut problems,
        );
        if self.signed != "on" {
            problems.add(
                "signed",
                "Please have the client sign the consent form first, then tick this.",
            );
        }
        let fields = (|| {
            Some(ServiceHandoverFields {
                note: note?,
                shared_what: shared_what?,
                shared_with: shared_with?,
                purpose: purpose?,
                agreed_on: agreed_on?,
                expires_on: expires_on?,
            })
        })();
        problems.or(fields)
    }
}

/// A service in the directory, as a case manager picks one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChoice {
    pub id: RecordId,
    pub name: String,
}

/// Open referrals first (most recently changed first), then closed ones.
pub fn sort_referrals(referrals: &mut [Referral]) {
    referrals.sort_by(|a, b| {
        b.status
            .is_open()
            .cmp(&a.status.is_open())
            .then(b.updated_on.cmp(&a.updated_on))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_new_referral_needs_a_service_and_known_words() {
        let today = day("2026-12-03");
        let form = ReferralForm {
            domain: "housing".into(),
            status: "maybe".into(),
            next_step: " ".into(),
            ..ReferralForm::default()
        };
        let problems = form.check(true, today).unwrap_err();
        assert!(problems.about("service_id").is_some());
        assert!(problems.about("status").is_some());
        assert_eq!(problems.about("next_step"), None);
        let change = ReferralForm {
            status: "suggested".into(),
            ..form
        };
        let fields = change.check(false, today).unwrap();
        assert_eq!(fields.next_step, None);
        assert_eq!(fields.status, ReferralStatus::Suggested);
        assert_eq!((fields.made_on, fields.follow_up_on), (None, None));
    }

    #[test]
    fn a_sent_referral_has_its_day_and_a_follow_up_while_waiting() {
        let today = day("2026-12-03");
        let form = |status: &str, made: &str, follow: &str| ReferralForm {
            domain: "housing".into(),
            status: status.into(),
            made_on: made.into(),
            follow_up_on: follow.into(),
            ..ReferralForm::default()
        };
        let missing = form("referred", "", "").check(false, today).unwrap_err();
        assert!(missing.about("made_on").is_some());
        assert!(missing.about("follow_up_on").is_some());
        let ok = form("waitlisted", "2026-12-01", "2026-12-03")
            .check(false, today)
            .unwrap();
        assert_eq!(ok.made_on, Some(day("2026-12-01")));
        assert_eq!(ok.follow_up_on, Some(today));
        let past = form("referred", "2026-12-04", "2026-12-02").check(false, today);
        let past = past.unwrap_err();
        assert!(past.about("made_on").is_some() && past.about("follow_up_on").is_some());
        let far = form("accepted", "2026-12-01", "2027-06-01").check(false, today);
        assert!(far.unwrap_err().about("follow_up_on").is_some());
        // A closed referral keeps no follow-up; one in use may have one.
        let done = form("completed", "2026-11-01", "2026-12-10").check(false, today);
        assert_eq!(done.unwrap().follow_up_on, None);
        let attending = form("attending", "2026-11-01", "").check(false, today);
        assert_eq!(attending.unwrap().follow_up_on, None);
        let contact = ReferralForm {
            contact_name: "x".repeat(10_000),
            contact_phone: "call\u{7}me".into(),
            ..form("attending", "2026-11-01", "")
        };
        let bad = contact.check(false, today).unwrap_err();
        assert!(bad.about("contact_name").is_some() && bad.about("contact_phone").is_some());
    }

    #[test]
    fn a_handover_needs_every_part_of_the_consent_and_the_signed_form() {
        let today = day("2026-12-03");
        let form = ServiceHandoverForm {
            note: "Told them about the housing plan.".into(),
            shared_what: "Name, phone, housing goal".into(),
            shared_with: "Maple Street Housing, Dana Lee".into(),
            purpose: "To find a place to live".into(),
            agreed_on: "2026-12-03".into(),
            expires_on: "2027-06-03".into(),
            signed: "on".into(),
        };
        let ok = form.check(today).unwrap();
        assert_eq!(ok.expires_on, day("2027-06-03"));
        let unsigned = ServiceHandoverForm {
            signed: String::new(),
            ..form.clone()
        };
        assert!(unsigned.check(today).unwrap_err().about("signed").is_some());
        let bad = ServiceHandoverForm {
            note: " ".into(),
            shared_what: "a\u{0}b".into(),
            shared_with: "x".repeat(10_000),
            purpose: String::new(),
            agreed_on: "2026-12-04".into(),
            expires_on: "2028-01-01".into(),
            signed: "on".into(),
        };
        let problems = bad.check(today).unwrap_err();
        for field in [
            "note",
            "shared_what",
            "shared_with",
            "purpose",
            "agreed_on",
            "expires_on",
        ] {
            assert!(problems.about(field).is_some(), "{field}");
        }
        let ended = ServiceHandoverForm {
            expires_on: "2026-12-03".into(),
            ..form
        };
        assert!(ended
            .check(today)
            .unwrap_err()
            .about("expires_on")
            .is_some());
    }

    #[test]
    fn a_consent_is_in_force_until_it_ends_or_is_taken_back() {
        let today = day("2026-12-03");
        let mut consent = ConsentToShare {
            id: RecordId::parse("00000000-0000-4000-8000-000000000002").unwrap(),
            shared_what: "Name and phone".into(),
            shared_with: "Maple Street Housing".into(),
            purpose: "A place to live".into(),
            agreed_on: day("2026-11-01"),
            expires_on: today,
            withdrawn_on: None,
        };
        assert!(consent.in_force(today));
        assert!(!consent.in_force(day("2026-12-04")));
        assert!(consent
            .in_words(today)
            .contains("Maple Street Housing: Name and phone"));
        consent.withdrawn_on = Some(today);
        assert!(!consent.in_force(today));
        assert!(consent.in_words(today).starts_with("On "));
        assert!(consent.in_words(today).contains("You took this back"));
    }

    #[test]
    fn only_completed_and_declined_are_closed() {
        let closed: Vec<_> = ReferralStatus::ALL
            .iter()
            .filter(|s| !s.is_open())
            .collect();
        assert_eq!(
            closed,
            [&ReferralStatus::Completed, &ReferralStatus::Declined]
        );
    }

    #[test]
    fn open_referrals_come_first() {
        let referral = |status, day| Referral {
            id: RecordId::parse("00000000-0000-4000-8000-000000000001").unwrap(),
            service: Service {
                name: "S".into(),
                description: "D".into(),
                phone: None,
                address: None,
            },
            domain: LifeDomain::Housing,
            status,
            next_step: None,
            updated_on: NaiveDate::from_ymd_opt(2026, 2, day).unwrap(),
            version: 1,
            made_on: None,
            consents: Vec::new(),
        };
        let mut list = vec![
            referral(ReferralStatus::Completed, 20),
            referral(ReferralStatus::Waitlisted, 1),
            referral(ReferralStatus::Referred, 5),
        ];
        sort_referrals(&mut list);
        let order: Vec<_> = list.iter().map(|r| r.status).collect();
        assert_eq!(
            order,
            [
                ReferralStatus::Referred,
                ReferralStatus::Waitlisted,
                ReferralStatus::Completed
            ]
        );
    }
}
