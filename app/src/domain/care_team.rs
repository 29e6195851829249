//! A client's care team: the case managers who work with them (one primary), how the client
//! reaches them, and handing a client over from one case manager to another.
use super::form::{optional_text, phone, text, PhoneOf};
use super::{FieldProblems, RecordId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const HANDOVER_NOTE_MAX_CHARS: usize = 2000;
pub const OFFICE_HOURS_MAX_CHARS: usize = 200;
/// How long a handover stays on the caseload of the case manager who handed the client on.
pub const HANDOVER_SHOWN_DAYS: i64 = 30;

/// One member of the team as the client sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub name: String,
    pub primary: bool,
    pub phone: Option<String>,
}

/// Who the client's care team is and how to reach them: each member's line, and the
/// office's phone and hours. Out of hours, the program's crisis line (a resource).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareTeam {
    /// The primary case manager first.
    pub members: Vec<TeamMember>,
    pub office_phone: Option<String>,
    pub office_hours: Option<String>,
}

/// A client handed from one case manager to another, with what the new one should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub client_id: String,
    pub preferred_name: String,
    pub from: String,
    pub to: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// The handover form: to whom (a person id), and the note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandoverForm {
    pub to: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverFields {
    pub to: RecordId,
    pub note: String,
}

impl HandoverForm {
    pub fn check(&self) -> Result<HandoverFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let to = RecordId::parse(self.to.trim());
        if to.is_none() {
            problems.add("to", "Please choose who takes over.");
        }
        let note = text(&self.note, HANDOVER_NOTE_MAX_CHARS, "note", &mut problems);
        let fields = match (to, note) {
            (Some(to), Some(note)) => Some(HandoverFields {
                to,
                note: note.as_str().to_owned(),
            }),
            _ => None,
        };
        problems.or(fields)
    }
}

/// The care team as an admin sets it: a primary case manager and, if any, a second one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CareTeamForm {
    pub primary: String,
    pub secondary: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareTeamFields {
    pub primary: RecordId,
    pub secondary: Option<RecordId>,
}

impl CareTeamForm {
    pub fn check(&self) -> Result<CareTeamFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let primary = RecordId::parse(self.primary.trim());
        if primary.is_none() {
            problems.add("primary", "Please choose the primary case manager.");
        }
        let secondary = match self.secondary.trim() {
            "" => Some(None),
            id => match RecordId::parse(id) {
                Some(id) => Some(Some(id)),
                None => {
                    problems.add("secondary", "Please choose from the list.");
                    None
                }
            },
        };
        if let (Some(p), Some(Some(s))) = (&primary, &secondary) {
            if p == s {
                problems.add(
                    "secondary",
                    "The second case manager must be someone other than the primary.",
                );
            }
        }
        let fields = match (primary, secondary) {
            (Some(primary), Some(secondary)) => Some(CareTeamFields { primary, secondary }),
            _ => None,
        };
        problems.or(fields)
    }
}

/// The office's contact details, as the admin keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfficeForm {
    pub phone: String,
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeFields {
    pub phone: Option<String>,
    pub hours: Option<String>,
}

impl OfficeForm {
    pub fn check(&self) -> Result<OfficeFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let phone = phone(&self.phone, "phone", PhoneOf::Service, &mut problems);
        let hours = optional_text(&self.hours, OFFICE_HOURS_MAX_CHARS, "hours", &mut problems);
        let fields = match (phone, hours) {
            (Some(phone), Some(hours)) => Some(OfficeFields {
                phone: phone.map(|p| p.as_str().to_owned()),
                hours: hours.map(|h| h.as_str().to_owned()),
            }),
            _ => None,
        };
        problems.or(fields)
    }
}

/// A staff member's own line, as the admin keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkPhoneForm {
    pub phone: String,
}

impl WorkPhoneForm {
    pub fn check(&self) -> Result<Option<String>, FieldProblems> {
        let mut problems = FieldProblems::default();
        let phone = phone(&self.phone, "phone", PhoneOf::Person, &mut problems);
        problems.or(phone.map(|p| p.map(|p| p.as_str().to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AMARA: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const DANIEL: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    #[test]
    fn a_handover_names_a_colleague_and_says_what_they_should_know() {
        let ok = HandoverForm {
            to: DANIEL.into(),
            note: " Housing form is due Friday. ".into(),
        }
        .check()
        .unwrap();
        assert_eq!(ok.note, "Housing form is due Friday.");
        let bad = HandoverForm {
            to: "daniel".into(),
            note: "x".repeat(10_000),
        }
        .check()
        .unwrap_err();
        assert!(bad.about("to").is_some() && bad.about("note").is_some());
    }

    #[test]
    fn a_care_team_has_a_primary_and_maybe_someone_else() {
        let team = |p: &str, s: &str| {
            CareTeamForm {
                primary: p.into(),
                secondary: s.into(),
            }
            .check()
        };
        assert_eq!(team(AMARA, "").unwrap().secondary, None);
        assert!(team(AMARA, DANIEL).is_ok());
        assert!(team(AMARA, AMARA).unwrap_err().about("secondary").is_some());
        assert!(team("", "").unwrap_err().about("primary").is_some());
    }

    #[test]
    fn office_details_are_a_real_number_and_short_hours() {
        let office = |phone: &str, hours: &str| {
            OfficeForm {
                phone: phone.into(),
                hours: hours.into(),
            }
            .check()
        };
        assert!(office("416-555-0100", "Monday to Friday, 9 to 5").is_ok());
        assert!(office("", "").is_ok());
        assert!(office("ring us", "").unwrap_err().about("phone").is_some());
        let long = "a".repeat(10_000);
        assert!(office("", &long).unwrap_err().about("hours").is_some());
        assert!(office("", "9\u{0}5").unwrap_err().about("hours").is_some());
    }
}
