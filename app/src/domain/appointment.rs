use super::form::{code, date, optional_text, text};
use super::{coded_enum, FieldProblems, PlainText, RecordId};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

coded_enum! {
    AppointmentKind ("appointment kind") {
        Dosing = "dosing" => "Pharmacy pick-up",
        Prescriber = "prescriber" => "Prescriber visit",
        Counselling = "counselling" => "Counselling",
        Group = "group" => "Group session",
        CaseManagement = "case_management" => "Meeting with your case manager" staff "Case management",
        MedicalCheck = "medical_check" => "Check-up or lab test",
        MentalHealth = "mental_health" => "Mental health visit",
        Legal = "legal" => "Legal or court",
        Housing = "housing" => "Housing",
        Vocational = "vocational" => "Work or training",
        Other = "other" => "Appointment",
    }
}

coded_enum! {
    AppointmentStatus ("appointment status") {
        Scheduled = "scheduled" => "Booked",
        Confirmed = "confirmed" => "You said you'll come" staff "Client said they'll come",
        Cancelled = "cancelled" => "Cancelled",
        Attended = "attended" => "You went" staff "Attended",
        Missed = "missed" => "Missed",
    }
}

/// One appointment. Times are the clinic's wall-clock time, which is what the client reads
/// on a card or a calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: RecordId,
    pub kind: AppointmentKind,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i64,
    pub place: String,
    pub with_whom: Option<String>,
    pub what_to_bring: Option<String>,
    pub status: AppointmentStatus,
    /// Set when this is one of a weekly series.
    pub repeats_weekly: bool,
    /// Bumped on every change, so that two editors can't overwrite each other unseen.
    #[serde(default)]
    pub version: i64,
}

impl Appointment {
    pub fn ends_at(&self) -> NaiveDateTime {
        self.starts_at + Duration::minutes(self.duration_minutes)
    }

    /// Still to come (or under way) at `now`.
    pub fn is_upcoming(&self, now: NaiveDateTime) -> bool {
        self.ends_at() > now
    }

    /// Still ahead and booked, so that the client can say whether they will come.
    pub fn can_be_answered(&self, now: NaiveDateTime) -> bool {
        self.starts_at > now && self.is_expected()
    }

    /// Worth showing as the next thing to go to.
    pub fn is_expected(&self) -> bool {
        matches!(
            self.status,
            AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
        )
    }
}

/// Splits appointments into those to come (soonest first) and those gone (latest first).
pub fn upcoming_and_past(
    mut appointments: Vec<Appointment>,
    now: NaiveDateTime,
) -> (Vec<Appointment>, Vec<Appointment>) {
    appointments.sort_by_key(|a| a.starts_at);
    let (upcoming, mut past): (Vec<_>, Vec<_>) =
        appointments.into_iter().partition(|a| a.is_upcoming(now));
    past.reverse();
    (upcoming, past)
}

/// The appointments a client's list shows and their phone keeps: from two months back
/// (older ones stay stored, just not listed) to three months ahead.
pub fn client_window(now: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    (now - Duration::days(60), now + Duration::days(90))
}

/// The longest a weekly series may run in one go; past that, a new series is set up.
pub const MAX_WEEKLY_OCCURRENCES: usize = 52;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepeatError {
    #[error("The last date must be on or after the first appointment.")]
    EndsBeforeStart,
    #[error("A weekly appointment can repeat for up to a year. Choose an earlier last date.")]
    TooLong,
}

/// "Every week at this time, until this date."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyRepeat {
    first: NaiveDateTime,
    until: NaiveDate,
}

impl WeeklyRepeat {
    pub fn new(first: NaiveDateTime, until: NaiveDate) -> Result<Self, RepeatError> {
        if until < first.date() {
            return Err(RepeatError::EndsBeforeStart);
        }
        let weeks = (until - first.date()).num_days() / 7;
        if weeks >= MAX_WEEKLY_OCCURRENCES as i64 {
            return Err(RepeatError::TooLong);
        }
        Ok(WeeklyRepeat { first, until })
    }

    pub fn first(&self) -> NaiveDateTime {
        self.first
    }

    pub fn until(&self) -> NaiveDate {
        self.until
    }

    /// Every start time in the series: same weekday and clock time, up to and including
    /// the last date.
    pub fn occurrences(&self) -> Vec<NaiveDateTime> {
        std::iter::successors(Some(self.first), |at| Some(*at + Duration::weeks(1)))
            .take_while(|at| at.date() <= self.until)
            .collect()
    }
}

/// What a place, a name and a "bring" note may hold, in characters.
pub const PLACE_MAX_CHARS: usize = 120;
pub const WITH_WHOM_MAX_CHARS: usize = 80;
pub const BRING_MAX_CHARS: usize = 200;

/// An appointment as typed into the booking or moving form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppointmentForm {
    pub kind: String,
    pub date: String,
    pub time: String,
    pub duration_minutes: String,
    pub place: String,
    pub with_whom: String,
    pub what_to_bring: String,
    /// The last date of a weekly repeat; empty for a single appointment.
    pub repeat_until: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentFields {
    pub kind: AppointmentKind,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i64,
    pub place: PlainText,
    pub with_whom: Option<PlainText>,
    pub what_to_bring: Option<PlainText>,
    pub repeat: Option<WeeklyRepeat>,
}

impl AppointmentForm {
    /// Checks the form at the program's wall-clock time `now`: an appointment is booked or
    /// moved to a time still to come.
    pub fn check(&self, now: NaiveDateTime) -> Result<AppointmentFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let kind = code(
            &self.kind,
            AppointmentKind::from_code,
            "kind",
            &mut problems,
        );
        let day = match date(&self.date, "date", now.date(), &mut problems) {
            Some(None) => {
                problems.add("date", "Please choose a date.");
                None
            }
            day => day.flatten(),
        };
        let time = chrono::NaiveTime::parse_from_str(self.time.trim(), "%H:%M")
            .map_err(|_| problems.add("time", "Please enter a time, like 14:30."))
            .ok();
        let starts_at = match (day, time) {
            (Some(day), Some(time)) if day.and_time(time) < now => {
                problems.add(
                    "date",
                    "This time has passed. Please choose a time still to come.",
                );
                None
            }
            (Some(day), Some(time)) => Some(day.and_time(time)),
            _ => None,
        };
        let duration_minutes = match self.duration_minutes.trim().parse::<i64>() {
            Ok(minutes) if (5..=720).contains(&minutes) => Some(minutes),
            _ => {
                problems.add(
                    "duration_minutes",
                    "Please enter how long it lasts, from 5 to 720 minutes.",
                );
                None
            }
        };
        let place = text(&self.place, PLACE_MAX_CHARS, "place", &mut problems);
        let with_whom = optional_text(
            &self.with_whom,
            WITH_WHOM_MAX_CHARS,
            "with_whom",
            &mut problems,
        );
        let what_to_bring = optional_text(
            &self.what_to_bring,
            BRING_MAX_CHARS,
            "what_to_bring",
            &mut problems,
        );
        let repeat = match (
            starts_at,
            date(
                &self.repeat_until,
                "repeat_until",
                now.date(),
                &mut problems,
            ),
        ) {
            (_, Some(None)) => Some(None),
            (Some(first), Some(Some(until))) => WeeklyRepeat::new(first, until)
                .map_err(|e| problems.add("repeat_until", e.to_string()))
                .ok()
                .map(Some),
            _ => None,
        };
        let fields = (|| {
            Some(AppointmentFields {
                kind: kind?,
                starts_at: starts_at?,
                duration_minutes: duration_minutes?,
                place: place?,
                with_whom: with_whom?,
                what_to_bring: what_to_bring?,
                repeat: repeat?,
            })
        })();
        problems.or(fields)
    }

    /// The form filled in with an appointment as stored.
    pub fn of(appointment: &Appointment) -> AppointmentForm {
        AppointmentForm {
            kind: appointment.kind.code().to_owned(),
            date: appointment.starts_at.date().to_string(),
            time: appointment.starts_at.format("%H:%M").to_string(),
            duration_minutes: appointment.duration_minutes.to_string(),
            place: appointment.place.clone(),
            with_whom: appointment.with_whom.clone().unwrap_or_default(),
            what_to_bring: appointment.what_to_bring.clone().unwrap_or_default(),
            repeat_until: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveTime};
    use proptest::prelude::*;

    fn at(month: u32, day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, month, day)
            .unwrap()
            .and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap())
    }

    fn appointment(starts_at: NaiveDateTime, status: AppointmentStatus) -> Appointment {
        Appointment {
            id: RecordId::parse("00000000-0000-4000-8000-000000000001").unwrap(),
            kind: AppointmentKind::Counselling,
            starts_at,
            duration_minutes: 60,
            place: "Clinic".into(),
            with_whom: None,
            what_to_bring: None,
            status,
            repeats_weekly: false,
            version: 1,
        }
    }

    fn form() -> AppointmentForm {
        AppointmentForm {
            kind: "counselling".into(),
            date: "2026-03-02".into(),
            time: "09:30".into(),
            duration_minutes: "60".into(),
            place: " Clinic room 2 ".into(),
            with_whom: String::new(),
            what_to_bring: String::new(),
            repeat_until: String::new(),
        }
    }

    #[test]
    fn a_good_appointment_form_is_typed() {
        let fields = form().check(at(3, 1, 9)).unwrap();
        assert_eq!(fields.starts_at, at(3, 2, 9) + Duration::minutes(30));
        assert_eq!(fields.place.as_str(), "Clinic room 2");
        assert_eq!(fields.with_whom, None);
        assert_eq!(fields.repeat, None);
    }

    #[test]
    fn an_appointment_cannot_be_booked_in_the_past_or_repeat_backwards() {
        let problems = form().check(at(3, 3, 9)).unwrap_err();
        assert!(problems.about("date").unwrap().contains("passed"));
        let mut backwards = form();
        backwards.repeat_until = "2026-02-01".into();
        let problems = backwards.check(at(3, 1, 9)).unwrap_err();
        assert!(problems.about("repeat_until").is_some());
        let mut weekly = form();
        weekly.repeat_until = "2026-03-16".into();
        let repeat = weekly.check(at(3, 1, 9)).unwrap().repeat.unwrap();
        assert_eq!(repeat.occurrences().len(), 3);
    }

    #[test]
    fn missing_and_silly_values_are_each_named() {
        let bad = AppointmentForm {
            kind: "party".into(),
            date: String::new(),
            time: "25:00".into(),
            duration_minutes: "0".into(),
            place: String::new(),
            ..AppointmentForm::default()
        };
        let problems = bad.check(at(3, 1, 9)).unwrap_err();
        for field in ["kind", "date", "time", "duration_minutes", "place"] {
            assert!(problems.about(field).is_some(), "{field}");
        }
    }

    #[test]
    fn weekly_repeats_include_the_last_date() {
        let repeat =
            WeeklyRepeat::new(at(3, 2, 9), NaiveDate::from_ymd_opt(2026, 3, 23).unwrap()).unwrap();
        assert_eq!(
            repeat.occurrences(),
            vec![at(3, 2, 9), at(3, 9, 9), at(3, 16, 9), at(3, 23, 9)]
        );
    }

    #[test]
    fn a_repeat_on_its_first_day_happens_once() {
        let repeat =
            WeeklyRepeat::new(at(3, 2, 9), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()).unwrap();
        assert_eq!(repeat.occurrences(), vec![at(3, 2, 9)]);
    }

    #[test]
    fn a_repeat_must_end_after_it_starts_and_within_a_year() {
        let first = at(3, 2, 9);
        assert_eq!(
            WeeklyRepeat::new(first, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            Err(RepeatError::EndsBeforeStart)
        );
        assert_eq!(
            WeeklyRepeat::new(first, NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()),
            Err(RepeatError::TooLong)
        );
        assert!(WeeklyRepeat::new(first, NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()).is_ok());
    }

    #[test]
    fn repeats_cross_month_and_year_ends() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 22)
            .unwrap()
            .and_hms_opt(8, 30, 0)
            .unwrap();
        let repeat =
            WeeklyRepeat::new(first, NaiveDate::from_ymd_opt(2027, 1, 12).unwrap()).unwrap();
        let dates: Vec<String> = repeat
            .occurrences()
            .iter()
            .map(|d| d.date().to_string())
            .collect();
        assert_eq!(
            dates,
            ["2026-12-22", "2026-12-29", "2027-01-05", "2027-01-12"]
        );
    }

    #[test]
    fn an_appointment_under_way_is_still_upcoming() {
        let a = appointment(at(3, 2, 9), AppointmentStatus::Scheduled);
        assert!(a.is_upcoming(at(3, 2, 9) + Duration::minutes(30)));
        assert!(!a.is_upcoming(at(3, 2, 10)));
    }

    #[test]
    fn upcoming_is_soonest_first_and_past_is_latest_first() {
        let now = at(3, 10, 12);
        let list = vec![
            appointment(at(3, 12, 9), AppointmentStatus::Scheduled),
            appointment(at(3, 1, 9), AppointmentStatus::Attended),
            appointment(at(3, 11, 9), AppointmentStatus::Confirmed),
            appointment(at(3, 5, 9), AppointmentStatus::Missed),
        ];
        let (upcoming, past) = upcoming_and_past(list, now);
        let days = |v: &[Appointment]| v.iter().map(|a| a.starts_at.day()).collect::<Vec<_>>();
        assert_eq!(days(&upcoming), vec![11, 12]);
        assert_eq!(days(&past), vec![5, 1]);
    }

    proptest! {
        #[test]
        fn occurrences_are_a_week_apart_on_the_same_weekday(
            offset in 0i64..365, weeks in 0i64..52, extra in 0i64..7
        ) {
            let first = at(1, 1, 10) + Duration::days(offset);
            let until = first.date() + Duration::days(weeks * 7 + extra);
            match WeeklyRepeat::new(first, until) {
                Ok(repeat) => {
                    let all = repeat.occurrences();
                    prop_assert_eq!(all.len() as i64, weeks + 1);
                    prop_assert!(all.len() <= MAX_WEEKLY_OCCURRENCES);
                    for pair in all.windows(2) {
                        prop_assert_eq!(pair[1] - pair[0], Duration::weeks(1));
                    }
                    prop_assert!(all.iter().all(|d| d.weekday() == first.weekday() && d.date() <= until));
                }
                Err(e) => prop_assert_eq!(e, RepeatError::TooLong),
            }
        }
    }
}
