use super::{coded_enum, RecordId};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

coded_enum! {
    AppointmentKind ("appointment kind") {
        Dosing = "dosing" => "Pharmacy pick-up",
        Prescriber = "prescriber" => "Prescriber visit",
        Counselling = "counselling" => "Counselling",
        Group = "group" => "Group session",
        CaseManagement = "case_management" => "Meeting with your case manager",
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
        Confirmed = "confirmed" => "You said you'll come",
        Cancelled = "cancelled" => "Cancelled",
        Attended = "attended" => "You went",
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
}

impl Appointment {
    pub fn ends_at(&self) -> NaiveDateTime {
        self.starts_at + Duration::minutes(self.duration_minutes)
    }

    /// Still to come (or under way) at `now`.
    pub fn is_upcoming(&self, now: NaiveDateTime) -> bool {
        self.ends_at() > now
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
