//! Dates and times said the way people say them. No locale tables: keeps the wasm small and
//! the server and browser rendering the very same words.
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The day of the week, spelled out.
pub trait NaiveDateExt {
    fn weekday_name(&self) -> &'static str;
}

impl NaiveDateExt for NaiveDate {
    fn weekday_name(&self) -> &'static str {
        weekday_name(self.weekday())
    }
}

/// "Tuesday 25 November", with the year only when it is not this year.
pub fn long_date(date: NaiveDate, today: NaiveDate) -> String {
    let month = MONTHS[date.month0() as usize];
    let mut text = format!("{} {} {month}", weekday_name(date.weekday()), date.day());
    if date.year() != today.year() {
        text.push_str(&format!(" {}", date.year()));
    }
    text
}

/// "Today", "Tomorrow", "Yesterday", or the long date.
pub fn day_label(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0 => "Today".into(),
        1 => "Tomorrow".into(),
        -1 => "Yesterday".into(),
        _ => long_date(date, today),
    }
}

/// A day inside a sentence: "today", "yesterday", "tomorrow", or "on Tuesday 4 November".
pub fn day_in_sentence(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        _ => format!("on {}", long_date(date, today)),
    }
}

/// "9:30 am", "12 pm".
pub fn time_label(time: NaiveTime) -> String {
    let (pm, hour) = time.hour12();
    let suffix = if pm { "pm" } else { "am" };
    match time.minute() {
        0 => format!("{hour} {suffix}"),
        minute => format!("{hour}:{minute:02} {suffix}"),
    }
}

/// "45 minutes", "1 hour", "1 hour 30 minutes".
pub fn duration_label(minutes: i64) -> String {
    let plural = |n: i64, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    match (minutes / 60, minutes % 60) {
        (0, m) => plural(m, "minute"),
        (h, 0) => plural(h, "hour"),
        (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn days_near_today_have_names() {
        let today = date(2026, 11, 24);
        assert_eq!(day_label(today, today), "Today");
        assert_eq!(day_label(date(2026, 11, 25), today), "Tomorrow");
        assert_eq!(day_label(date(2026, 11, 23), today), "Yesterday");
        assert_eq!(day_label(date(2026, 11, 27), today), "Friday 27 November");
        assert_eq!(day_in_sentence(today, today), "today");
        assert_eq!(day_in_sentence(date(2026, 11, 23), today), "yesterday");
        assert_eq!(
            day_in_sentence(date(2026, 11, 20), today),
            "on Friday 20 November"
        );
        assert_eq!(day_label(date(2027, 1, 5), today), "Tuesday 5 January 2027");
    }

    #[test]
    fn times_read_naturally() {
        assert_eq!(
            time_label(NaiveTime::from_hms_opt(9, 30, 0).unwrap()),
            "9:30 am"
        );
        assert_eq!(
            time_label(NaiveTime::from_hms_opt(12, 0, 0).unwrap()),
            "12 pm"
        );
        assert_eq!(
            time_label(NaiveTime::from_hms_opt(0, 5, 0).unwrap()),
            "12:05 am"
        );
        assert_eq!(
            time_label(NaiveTime::from_hms_opt(15, 0, 0).unwrap()),
            "3 pm"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_label(1), "1 minute");
        assert_eq!(duration_label(45), "45 minutes");
        assert_eq!(duration_label(60), "1 hour");
        assert_eq!(duration_label(90), "1 hour 30 minutes");
        assert_eq!(duration_label(120), "2 hours");
    }
}
