//! Intake: the form a case manager (or an admin) fills in when a client joins the program,
//! its checks, and the rule that one person is one client in a program.
use super::form::{code, date, optional_text, phone, text, PhoneOf};
use super::{FieldProblems, PlainText};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub const CLIENT_NAME_MAX_CHARS: usize = 60;
pub const PRONOUNS_MAX_CHARS: usize = 30;
pub const LANGUAGE_MAX_CHARS: usize = 40;
pub const PHARMACY_MAX_CHARS: usize = 120;
/// The earliest year of birth the form takes.
pub const EARLIEST_BIRTH_YEAR: i32 = 1900;

super::coded_enum! {
    /// Whether the team may leave a message at the client's phone: a phone may be shared,
    /// or someone at home may not know about treatment.
    LeaveMessages ("choice about messages") {
        No = "no" => "No: do not leave messages",
        Yes = "yes" => "Yes, messages may be left",
    }
}

/// The intake form as typed. `primary_case_manager` is chosen by an admin; a case manager
/// adding a client is their primary case manager.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntakeForm {
    pub full_name: String,
    pub preferred_name: String,
    pub pronouns: String,
    pub date_of_birth: String,
    pub phone: String,
    pub leave_messages: String,
    pub preferred_language: String,
    pub pharmacy: String,
    pub program_start_on: String,
    pub primary_case_manager: String,
    /// A second case manager on the care team, or empty.
    pub second_case_manager: String,
}

/// An intake form that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeFields {
    pub full_name: PlainText,
    pub preferred_name: PlainText,
    pub pronouns: Option<PlainText>,
    pub date_of_birth: NaiveDate,
    pub phone: Option<PlainText>,
    pub leave_messages: LeaveMessages,
    pub preferred_language: Option<PlainText>,
    pub pharmacy: Option<PlainText>,
    pub program_start_on: NaiveDate,
}

impl IntakeForm {
    /// Checks every field at once, on the program's `today`.
    pub fn check(&self, today: NaiveDate) -> Result<IntakeFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let full_name = text(
            &self.full_name,
            CLIENT_NAME_MAX_CHARS,
            "full_name",
            &mut problems,
        );
        let preferred_name = text(
            &self.preferred_name,
            CLIENT_NAME_MAX_CHARS,
            "preferred_name",
            &mut problems,
        );
        let pronouns = optional_text(
            &self.pronouns,
            PRONOUNS_MAX_CHARS,
            "pronouns",
            &mut problems,
        );
        let date_of_birth = birth_date(&self.date_of_birth, today, &mut problems);
        let phone = phone(&self.phone, "phone", PhoneOf::Person, &mut problems);
        let leave_messages = code(
            &self.leave_messages,
            LeaveMessages::from_code,
            "leave_messages",
            &mut problems,
        );
        let preferred_language = optional_text(
            &self.preferred_language,
            LANGUAGE_MAX_CHARS,
            "preferred_language",
            &mut problems,
        );
        let pharmacy = optional_text(
            &self.pharmacy,
            PHARMACY_MAX_CHARS,
            "pharmacy",
            &mut problems,
        );
        let program_start_on = match date(
            &self.program_start_on,
            "program_start_on",
            today,
            &mut problems,
        ) {
            Some(None) => {
                problems.add(
                    "program_start_on",
                    "Please enter the date treatment started.",
                );
                None
            }
            Some(Some(day)) if day > today + chrono::Duration::days(366) => {
                problems.add(
                    "program_start_on",
                    "Please enter a date within the next year.",
                );
                None
            }
            day => day.flatten(),
        };
        let fields = (|| {
            Some(IntakeFields {
                full_name: full_name?,
                preferred_name: preferred_name?,
                pronouns: pronouns?,
                date_of_birth: date_of_birth?,
                phone: phone?,
                leave_messages: leave_messages?,
                preferred_language: preferred_language?,
                pharmacy: pharmacy?,
                program_start_on: program_start_on?,
            })
        })();
        problems.or(fields)
    }
}

fn birth_date(raw: &str, today: NaiveDate, problems: &mut FieldProblems) -> Option<NaiveDate> {
    let field = "date_of_birth";
    let raw = raw.trim();
    if raw.is_empty() {
        problems.add(field, "Please enter the date of birth.");
        return None;
    }
    let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") else {
        problems.add(field, "Please enter a date, like 1985-04-30.");
        return None;
    };
    if day.year() < EARLIEST_BIRTH_YEAR || day > today {
        problems.add(
            field,
            format!("Please enter a date between {EARLIEST_BIRTH_YEAR} and today."),
        );
        return None;
    }
    Some(day)
}

/// What makes a client the same person within a program: the organisation, the name in
/// lower case with single spaces, and the date of birth. Kept under a unique index.
pub fn identity_key(organisation_id: &str, full_name: &str, date_of_birth: NaiveDate) -> String {
    let name = full_name
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ");
    format!("{organisation_id}|{name}|{date_of_birth}")
}

/// What became of an intake form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntakeAnswer {
    /// The client was added: their record's id.
    Added { client_id: String },
    /// Nothing was saved: what to fix, field by field.
    Invalid(FieldProblems),
    /// A client with this name and date of birth is in the program already. Nothing was
    /// saved. Their id only when the person asking may open their record.
    Exists { client_id: Option<String> },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn form() -> IntakeForm {
        IntakeForm {
            full_name: "Jordan  Lee".into(),
            preferred_name: "Jo".into(),
            pronouns: "they/them".into(),
            date_of_birth: "1990-05-17".into(),
            phone: "+1 (416) 555-0123 ext 4".into(),
            leave_messages: "no".into(),
            preferred_language: String::new(),
            pharmacy: String::new(),
            program_start_on: "2026-11-30".into(),
            ..IntakeForm::default()
        }
    }

    #[test]
    fn a_whole_form_passes() {
        let fields = form().check(today()).unwrap();
        assert_eq!(fields.full_name.as_str(), "Jordan  Lee");
        assert_eq!(fields.leave_messages, LeaveMessages::No);
        assert_eq!(fields.pharmacy, None);
    }

    #[test]
    fn an_empty_form_names_every_required_field() {
        let problems = IntakeForm::default().check(today()).unwrap_err();
        for field in [
            "full_name",
            "preferred_name",
            "date_of_birth",
            "leave_messages",
            "program_start_on",
        ] {
            assert!(problems.about(field).is_some(), "{field}");
        }
        assert!(problems.about("phone").is_none());
    }

    #[test]
    fn long_text_control_characters_and_bad_dates_are_refused_at_their_field() {
        let mut bad = form();
        bad.full_name = "a".repeat(10_000);
        bad.pharmacy = "Main\u{7}Street".into();
        bad.date_of_birth = "2027-01-01".into();
        bad.program_start_on = "1999-12-31".into();
        bad.phone = "call me".into();
        let problems = bad.check(today()).unwrap_err();
        for field in [
            "full_name",
            "pharmacy",
            "date_of_birth",
            "program_start_on",
            "phone",
        ] {
            assert!(problems.about(field).is_some(), "{field}");
        }
        bad = form();
        bad.date_of_birth = "1899-12-31".into();
        assert!(bad
            .check(today())
            .unwrap_err()
            .about("date_of_birth")
            .is_some());
        bad.date_of_birth = "30/04/1985".into();
        assert!(bad
            .check(today())
            .unwrap_err()
            .about("date_of_birth")
            .is_some());
    }

    #[test]
    fn the_same_person_has_the_same_key_however_the_name_is_typed() {
        let born = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap();
        assert_eq!(
            identity_key("org", " Jordan   LEE ", born),
            identity_key("org", "jordan lee", born)
        );
        assert_ne!(
            identity_key("org", "Jordan Lee", born),
            identity_key("other", "Jordan Lee", born)
        );
        assert_ne!(
            identity_key("org", "Jordan Lee", born),
            identity_key("org", "Jordan Lee", born.succ_opt().unwrap())
        );
    }
}
