//! A safety plan the client keeps on their phone: the signs that things are getting hard,
//! what sets them off, what helps, people and places to turn to, where their naloxone is,
//! and what to do in an overdose. The client writes it with their case manager and either
//! can change it; each save is a new version, so nothing either of them wrote is lost.
use super::form::{optional_text, phone, PhoneOf};
use super::FieldProblems;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest each written part may be: a few lines a person can read in a hard moment.
pub const SAFETY_PART_MAX_CHARS: usize = 600;
/// How many people to call the plan lists.
pub const HELPERS_MAX: usize = 4;
/// The longest name of a person to call.
pub const HELPER_NAME_MAX_CHARS: usize = 60;

/// Someone the client can call, with their number (tap to call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Helper {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The written parts of a safety plan (empty text is a part not written yet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SafetyPlanParts {
    pub warning_signs: String,
    pub triggers: String,
    pub coping: String,
    pub helpers: Vec<Helper>,
    pub places: String,
    /// Where the client keeps naloxone, and who around them knows how to use it.
    pub naloxone: String,
}

impl SafetyPlanParts {
    pub fn is_empty(&self) -> bool {
        *self == SafetyPlanParts::default()
    }
}

/// The client's safety plan as it stands: its latest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyPlan {
    pub parts: SafetyPlanParts,
    pub version: i64,
    pub saved_on: NaiveDate,
    /// Whether the client saved this version themself (otherwise their case manager did).
    pub saved_by_client: bool,
}

/// One version in the plan's history, for the care team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyPlanVersion {
    pub plan: SafetyPlan,
    /// The name of whoever saved it.
    pub saved_by: String,
}

/// The signs of an opioid overdose, in plain words.
pub const OVERDOSE_SIGNS: [&str; 5] = [
    "They can't be woken up, or don't answer when you shout and shake them.",
    "Breathing is slow, noisy (like snoring or gurgling) or has stopped.",
    "Lips and fingertips look blue or grey.",
    "Pupils are very small, like pinpoints.",
    "Skin is cold and clammy.",
];

/// What to do, step by step, with nasal naloxone.
pub const OVERDOSE_STEPS: [&str; 6] = [
    "Shout their name and shake their shoulders.",
    "Call 911. Say they are not breathing or can't be woken up.",
    "Give naloxone: lay them on their back, put the nozzle in one nostril and press the plunger.",
    "If you know how, give breaths or chest compressions until they breathe.",
    "If they don't wake up in 2 to 3 minutes, give another dose.",
    "Stay with them. Once they breathe, roll them on their side.",
];

/// Why help must still come when they wake up: methadone lasts much longer than naloxone.
pub const OVERDOSE_STAY: &str = "Methadone lasts much longer than naloxone, so the overdose \
     can come back after it wears off. Stay with them until help comes, even if they wake up.";

/// The plan's form as typed: the parts, and up to [`HELPERS_MAX`] people in numbered
/// fields (`helper_1_name`, `helper_1_phone`, ...), so that a plain HTML form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SafetyPlanForm {
    pub warning_signs: String,
    pub triggers: String,
    pub coping: String,
    pub places: String,
    pub naloxone: String,
    pub helper_1_name: String,
    pub helper_1_phone: String,
    pub helper_2_name: String,
    pub helper_2_phone: String,
    pub helper_3_name: String,
    pub helper_3_phone: String,
    pub helper_4_name: String,
    pub helper_4_phone: String,
}

impl SafetyPlanForm {
    /// The form filled in with a plan, for changing it.
    pub fn of(parts: &SafetyPlanParts) -> Self {
        let helper = |i: usize| parts.helpers.get(i);
        let name = |i: usize| helper(i).map(|h| h.name.clone()).unwrap_or_default();
        let phone = |i: usize| helper(i).and_then(|h| h.phone.clone()).unwrap_or_default();
        SafetyPlanForm {
            warning_signs: parts.warning_signs.clone(),
            triggers: parts.triggers.clone(),
            coping: parts.coping.clone(),
            places: parts.places.clone(),
            naloxone: parts.naloxone.clone(),
            helper_1_name: name(0),
            helper_1_phone: phone(0),
            helper_2_name: name(1),
            helper_2_phone: phone(1),
            helper_3_name: name(2),
            helper_3_phone: phone(2),
            helper_4_name: name(3),
            helper_4_phone: phone(3),
        }
    }

    /// The people as typed, in order: (name, phone) for each of the slots.
    fn helper_slots(&self) -> [(&str, &str); HELPERS_MAX] {
        [
            (&self.helper_1_name, &self.helper_1_phone),
            (&self.helper_2_name, &self.helper_2_phone),
            (&self.helper_3_name, &self.helper_3_phone),
            (&self.helper_4_name, &self.helper_4_phone),
        ]
    }

    /// Checks every part at once. Any part may be empty; a number needs a name beside it.
    pub fn check(&self) -> Result<SafetyPlanParts, FieldProblems> {
        let mut problems = FieldProblems::default();
        let mut part = |raw: &str, field: &str| {
            optional_text(raw, SAFETY_PART_MAX_CHARS, field, &mut problems)
                .map(|t| t.map(|t| t.as_str().to_owned()).unwrap_or_default())
        };
        let warning_signs = part(&self.warning_signs, "warning_signs");
        let triggers = part(&self.triggers, "triggers");
        let coping = part(&self.coping, "coping");
        let places = part(&self.places, "places");
        let naloxone = part(&self.naloxone, "naloxone");
        let mut helpers = Some(Vec::new());
        for (i, (name, number)) in self.helper_slots().into_iter().enumerate() {
            let (name_field, phone_field) = helper_fields(i);
            let name = optional_text(name, HELPER_NAME_MAX_CHARS, &name_field, &mut problems);
            let number = phone(number, &phone_field, PhoneOf::Service, &mut problems);
            match (name, number) {
                (Some(Some(name)), Some(number)) => {
                    if let Some(helpers) = helpers.as_mut() {
                        helpers.push(Helper {
                            name: name.as_str().to_owned(),
                            phone: number.map(|n| n.as_str().to_owned()),
                        });
                    }
                }
                (Some(None), Some(None)) => {}
                (Some(None), Some(Some(_))) => {
                    problems.add(&name_field, "Please write whose number this is.");
                    helpers = None;
                }
                _ => helpers = None,
            }
        }
        let parts = (|| {
            Some(SafetyPlanParts {
                warning_signs: warning_signs?,
                triggers: triggers?,
                coping: coping?,
                helpers: helpers?,
                places: places?,
                naloxone: naloxone?,
            })
        })();
        problems.or(parts)
    }
}

/// The form's field names for the person in slot `i` (from 0).
pub fn helper_fields(i: usize) -> (String, String) {
    (
        format!("helper_{}_name", i + 1),
        format!("helper_{}_phone", i + 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_may_be_empty_and_a_number_needs_a_name() {
        assert_eq!(
            SafetyPlanForm::default().check().unwrap(),
            SafetyPlanParts::default()
        );
        let form = SafetyPlanForm {
            coping: "  Walk to the river. Call my sister.  ".into(),
            helper_2_name: "Mum".into(),
            helper_2_phone: "416-555-0199".into(),
            helper_3_name: "Jo".into(),
            ..SafetyPlanForm::default()
        };
        let parts = form.check().unwrap();
        assert_eq!(parts.coping, "Walk to the river. Call my sister.");
        assert_eq!(
            parts.helpers,
            [
                Helper {
                    name: "Mum".into(),
                    phone: Some("416-555-0199".into())
                },
                Helper {
                    name: "Jo".into(),
                    phone: None
                }
            ]
        );
        assert_eq!(SafetyPlanForm::of(&parts).check().unwrap(), parts);
    }

    #[test]
    fn bad_parts_are_told_at_their_fields() {
        let form = SafetyPlanForm {
            warning_signs: "a".repeat(10_000),
            triggers: "bell\u{7}".into(),
            helper_1_phone: "416-555-0199".into(),
            helper_4_name: "Sam".into(),
            helper_4_phone: "call me".into(),
            ..SafetyPlanForm::default()
        };
        let problems = form.check().unwrap_err();
        for field in [
            "warning_signs",
            "triggers",
            "helper_1_name",
            "helper_4_phone",
        ] {
            assert!(problems.about(field).is_some(), "{field}");
        }
        assert!(problems.about("coping").is_none());
    }
}
