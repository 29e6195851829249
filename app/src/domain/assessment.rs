//! Assessments by life area: on a date, each of the plan's ten areas gets a level of need,
//! the client's strengths there and their own words, and the case manager's notes (which
//! the client never sees). Assessments are kept; a new one starts from the last, and any
//! two can be compared. The client sees a plain summary: areas and need levels only.
use super::form::{optional_text, past_day};
use super::{coded_enum, FieldProblems, LifeDomain};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const AREA_TEXT_MAX_CHARS: usize = 1000;

coded_enum! {
    /// How much help a life area needs now.
    Need ("need") {
        NoNeed = "none" => "Going OK" staff "No need",
        SomeNeed = "some" => "Some help would be good" staff "Some need",
        HighNeed = "high" => "A lot of help needed" staff "High need",
        Urgent = "urgent" => "Help needed now" staff "Urgent",
    }
}

impl Need {
    /// Worth a goal: some need or more.
    pub fn is_a_need(self) -> bool {
        self != Need::NoNeed
    }
}

/// What to ask about in each area: the factors case management looks at, where they
/// belong (substances and treatment history under treatment, motivation under wellbeing).
pub fn area_prompt(area: LifeDomain) -> &'static str {
    match area {
        LifeDomain::Treatment => "Substances used and how; treatment so far; whether they could attend a residential service",
        LifeDomain::PhysicalHealth => "Physical health, pain, infections, sleep, a doctor",
        LifeDomain::MentalHealth => "Mood, anxiety, trauma, support for mental health",
        LifeDomain::Housing => "Where they live, how safe and settled it is",
        LifeDomain::Income => "Money coming in, benefits, debts",
        LifeDomain::Education => "School, training and work, and what they hope for",
        LifeDomain::Legal => "Court dates, charges, probation, legal help",
        LifeDomain::Family => "Family and the people who support them",
        LifeDomain::Community => "Peer support, groups, ties to their community",
        LifeDomain::Wellbeing => "Motivation and readiness for change; coping day to day",
    }
}

/// One area of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaAssessment {
    pub area: LifeDomain,
    pub need: Need,
    pub strengths: Option<String>,
    /// What the client said, in their words.
    pub own_words: Option<String>,
    /// The case manager's notes: never shown to the client.
    pub staff_notes: Option<String>,
}

/// An assessment as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: String,
    pub assessed_on: NaiveDate,
    /// In the order of [`LifeDomain::ALL`].
    pub areas: Vec<AreaAssessment>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

impl Assessment {
    pub fn area(&self, area: LifeDomain) -> Option<&AreaAssessment> {
        self.areas.iter().find(|a| a.area == area)
    }

    /// What the client sees: the date and each area's need, nothing the case manager wrote.
    pub fn summary(&self) -> AssessmentSummary {
        AssessmentSummary {
            assessed_on: self.assessed_on,
            needs: self.areas.iter().map(|a| (a.area, a.need)).collect(),
        }
    }
}

/// The client's plain summary of their latest assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentSummary {
    pub assessed_on: NaiveDate,
    pub needs: Vec<(LifeDomain, Need)>,
}

/// One area as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AreaForm {
    pub need: String,
    pub strengths: String,
    pub own_words: String,
    pub staff_notes: String,
}

/// The assessment form as typed: the date, and each area by its code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentForm {
    pub assessed_on: String,
    pub areas: BTreeMap<String, AreaForm>,
}

/// An assessment that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentFields {
    pub assessed_on: NaiveDate,
    pub areas: Vec<AreaAssessment>,
}

impl AssessmentForm {
    /// Checks every area (each needs a level; the texts are optional) and the date (within
    /// the last year, not in the future). Problems are named `<area>.<field>`.
    pub fn check(&self, today: NaiveDate) -> Result<AssessmentFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let assessed_on = past_day(
            &self.assessed_on,
            "assessed_on",
            today,
            "Please enter the day of the assessment.",
            &mut problems,
        );
        if self
            .areas
            .keys()
            .any(|code| LifeDomain::from_code(code).is_err())
        {
            problems.add("areas", "Please assess only the areas listed.");
        }
        let empty = AreaForm::default();
        let mut areas = Vec::new();
        for &area in LifeDomain::ALL {
            let typed = self.areas.get(area.code()).unwrap_or(&empty);
            let field = |name: &str| format!("{}.{name}", area.code());
            let need = match Need::from_code(typed.need.trim()) {
                Ok(need) => Some(need),
                Err(_) => {
                    problems.add(&field("need"), "Please choose a level of need.");
                    None
                }
            };
            let mut text = |raw: &str, name: &str| {
                optional_text(raw, AREA_TEXT_MAX_CHARS, &field(name), &mut problems)
                    .map(|t| t.map(|t| t.as_str().to_owned()))
            };
            let strengths = text(&typed.strengths, "strengths");
            let own_words = text(&typed.own_words, "own_words");
            let staff_notes = text(&typed.staff_notes, "staff_notes");
            if let (Some(need), Some(strengths), Some(own_words), Some(staff_notes)) =
                (need, strengths, own_words, staff_notes)
            {
                areas.push(AreaAssessment {
                    area,
                    need,
                    strengths,
                    own_words,
                    staff_notes,
                });
            }
        }
        let fields = assessed_on.map(|assessed_on| AssessmentFields { assessed_on, areas });
        problems.or(fields)
    }

    /// A new assessment's form, started from the last one (or empty).
    pub fn from_last(last: Option<&Assessment>, today: NaiveDate) -> AssessmentForm {
        let areas = last
            .map(|a| {
                a.areas
                    .iter()
                    .map(|area| {
                        let text = |t: &Option<String>| t.clone().unwrap_or_default();
                        let typed = AreaForm {
                            need: area.need.code().to_owned(),
                            strengths: text(&area.strengths),
                            own_words: text(&area.own_words),
                            staff_notes: text(&area.staff_notes),
                        };
                        (area.area.code().to_owned(), typed)
                    })
                    .collect()
            })
            .unwrap_or_default();
        AssessmentForm {
            assessed_on: today.to_string(),
            areas,
        }
    }
}

/// Two assessments side by side, area by area: (area, earlier need, later need).
pub fn compare_assessments(
    earlier: &Assessment,
    later: &Assessment,
) -> Vec<(LifeDomain, Option<Need>, Option<Need>)> {
    LifeDomain::ALL
        .iter()
        .map(|&area| {
            let need = |a: &Assessment| a.area(area).map(|x| x.need);
            (area, need(earlier), need(later))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(on: &str, need: &str) -> AssessmentForm {
        AssessmentForm {
            assessed_on: on.into(),
            areas: LifeDomain::ALL
                .iter()
                .map(|a| {
                    let typed = AreaForm {
                        need: need.into(),
                        ..AreaForm::default()
                    };
                    (a.code().to_owned(), typed)
                })
                .collect(),
        }
    }

    #[test]
    fn every_area_needs_a_level_and_the_texts_are_bounded() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let ok = form("2026-12-03", "some").check(today).unwrap();
        assert_eq!(ok.areas.len(), 10);
        let mut bad = form("2026-12-04", "high");
        bad.areas.get_mut("housing").unwrap().need = "dire".into();
        bad.areas.get_mut("legal").unwrap().own_words = "a".repeat(10_000);
        bad.areas.get_mut("income").unwrap().staff_notes = "x\u{0}y".into();
        bad.areas.insert("astrology".into(), AreaForm::default());
        let problems = bad.check(today).unwrap_err();
        for field in [
            "assessed_on",
            "housing.need",
            "legal.own_words",
            "income.staff_notes",
            "areas",
        ] {
            assert!(problems.about(field).is_some(), "{field}");
        }
        assert!(form("", "none").check(today).is_err());
    }

    #[test]
    fn a_new_assessment_starts_from_the_last_and_the_client_sees_only_needs() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let mut typed = form("2026-11-01", "high");
        typed.areas.get_mut("housing").unwrap().staff_notes = "Landlord issue".into();
        let fields = typed.check(today).unwrap();
        let last = Assessment {
            id: "a".into(),
            assessed_on: fields.assessed_on,
            areas: fields.areas,
            recorded_by: "Amara".into(),
            recorded_at: Utc::now(),
        };
        let next = AssessmentForm::from_last(Some(&last), today);
        assert_eq!(next.assessed_on, "2026-12-03");
        assert_eq!(next.areas["housing"].need, "high");
        assert_eq!(next.areas["housing"].staff_notes, "Landlord issue");
        let summary = serde_json::to_string(&last.summary()).unwrap();
        assert!(!summary.contains("Landlord"));
        let mut later = last.clone();
        later.areas[0].need = Need::SomeNeed;
        let compared = compare_assessments(&last, &later);
        assert_eq!(
            compared[0],
            (
                LifeDomain::ALL[0],
                Some(Need::HighNeed),
                Some(Need::SomeNeed)
            )
        );
    }
}
