//! Checking what a person typed into a form: every problem found at once, each at its field
//! and in words they can act on. Shared by the browser and the server.
use super::PlainText;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How far ahead a date in a form may be.
const YEARS_AHEAD: i32 = 10;

/// The last year a date in a form may be in, counted from `today`.
pub fn latest_form_year(today: NaiveDate) -> i32 {
    today.year() + YEARS_AHEAD
}

/// One problem with one field of a form, in words the person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The form field's `name`.
    pub field: String,
    pub message: String,
}

/// Everything wrong with a form at once, so that the person can fix it in one go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblems(pub Vec<FieldProblem>);

impl FieldProblems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldProblem {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn about(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `value` when nothing was wrong, else every problem found.
    pub fn or<T>(self, value: Option<T>) -> Result<T, FieldProblems> {
        match value {
            Some(value) if self.is_empty() => Ok(value),
            _ => Err(self),
        }
    }
}

/// What became of a save of a staff form, for the form to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveAnswer {
    Saved,
    /// Nothing was saved: what to fix, field by field.
    Invalid(FieldProblems),
    /// Someone else saved this record first. Nothing was saved: their version and what this
    /// person tried to save, as (label, value) rows to compare, and the version now stored.
    Conflict {
        theirs: Vec<(String, String)>,
        yours: Vec<(String, String)>,
        version: i64,
    },
    /// Someone sent a plan update after this page was loaded.
    Outdated,
    /// The plan is the same as the latest update: there is nothing to send.
    NothingToSend,
}

/// A (label, value) row for showing a version of a record.
pub fn row(label: &str, value: impl Into<String>) -> (String, String) {
    (label.to_owned(), value.into())
}

pub(crate) fn text(
    raw: &str,
    max: usize,
    field: &str,
    problems: &mut FieldProblems,
) -> Option<PlainText> {
    PlainText::parse(raw, max)
        .map_err(|e| problems.add(field, e.to_string()))
        .ok()
}

pub(crate) fn code<T>(
    raw: &str,
    parse: fn(&str) -> Result<T, super::UnknownCode>,
    field: &str,
    problems: &mut FieldProblems,
) -> Option<T> {
    parse(raw)
        .map_err(|_| problems.add(field, "Please choose one of the options."))
        .ok()
}

/// An optional date from a date field: empty is none; otherwise a real date within reason.
pub(crate) fn date(
    raw: &str,
    field: &str,
    today: NaiveDate,
    problems: &mut FieldProblems,
) -> Option<Option<NaiveDate>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(None);
    }
    let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") else {
        problems.add(field, "Please enter a date, like 2027-01-31.");
        return None;
    };
    if date.year() < 2000 || date.year() > latest_form_year(today) {
        problems.add(
            field,
            format!("Please enter a date between 2000 and {YEARS_AHEAD} years from now."),
        );
        return None;
    }
    Some(Some(date))
}

/// Optional text: empty is none, otherwise as [`text`].
pub(crate) fn optional_text(
    raw: &str,
    max: usize,
    field: &str,
    problems: &mut FieldProblems,
) -> Option<Option<PlainText>> {
    if raw.trim().is_empty() {
        Some(None)
    } else {
        text(raw, max, field, problems).map(Some)
    }
}

/// The longest phone number a form takes, extension included.
pub const PHONE_MAX_CHARS: usize = 30;

/// Whose phone number a field holds: a person's line (7 to 15 digits), or a service's,
/// which may be a short number such as 988 or 211.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhoneOf {
    Person,
    Service,
}

/// An optional phone number as people write them: digits with spaces, dashes, dots,
/// brackets, a leading plus and an extension.
pub(crate) fn phone(
    raw: &str,
    field: &str,
    of: PhoneOf,
    problems: &mut FieldProblems,
) -> Option<Option<PlainText>> {
    let number = optional_text(raw, PHONE_MAX_CHARS, field, problems)?;
    let Some(number) = number else {
        return Some(None);
    };
    let digits = number.as_str().chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " -.()+xXext".contains(c);
    let (fewest, example) = match of {
        PhoneOf::Person => (7, "416-555-0123"),
        PhoneOf::Service => (3, "988 or 416-555-0123"),
    };
    if !(fewest..=15).contains(&digits) || !number.as_str().chars().all(allowed) {
        problems.add(
            field,
            format!("Please enter a phone number, like {example}."),
        );
        return None;
    }
    Some(Some(number))
}

/// How far back a day that has happened may be written up (a contact, a review, an
/// assessment): records are made soon after, not years later.
pub const PAST_DAYS_BACK: i64 = 366;

/// A required day that has happened: today (the program's) or up to a year before.
/// `missing` says what to enter when the field is empty.
pub(crate) fn past_day(
    raw: &str,
    field: &str,
    today: NaiveDate,
    missing: &str,
    problems: &mut FieldProblems,
) -> Option<NaiveDate> {
    match date(raw, field, today, problems)? {
        None => problems.add(field, missing),
        Some(day) if day > today => problems.add(
            field,
            "This has to have happened: please choose today or an earlier day.",
        ),
        Some(day) if (today - day).num_days() > PAST_DAYS_BACK => {
            problems.add(field, "Please choose a day within the last year.")
        }
        Some(day) => return Some(day),
    }
    None
}

/// A required day still to come: after today (the program's) and at most `within_days`
/// after it. `missing` says what to enter when the field is empty, `within` why the limit.
pub(crate) fn coming_day(
    raw: &str,
    field: &str,
    today: NaiveDate,
    (missing, within_days, within): (&str, i64, &str),
    problems: &mut FieldProblems,
) -> Option<NaiveDate> {
    match date(raw, field, today, problems)? {
        None => problems.add(field, missing),
        Some(day) if day <= today => problems.add(field, "Please choose a day after today."),
        Some(day) if (day - today).num_days() > within_days => problems.add(field, within),
        Some(day) => return Some(day),
    }
    None
}
