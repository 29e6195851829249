//! Wall clocks of IANA time zones: the program's clock that appointments are kept in, and
//! the instants its times name (server only: the zone table stays out of the wasm).
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

/// The wall clock of `time_zone` at `now` (UTC for a zone unknown here).
pub fn local_time_of(time_zone: &str, now: DateTime<Utc>) -> NaiveDateTime {
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(zone) => now.with_timezone(&zone).naive_local(),
        Err(_) => now.naive_utc(),
    }
}

/// The instant a wall-clock time of `time_zone` names. In the hour the clocks go back it
/// names two: the first. In the hour they skip it names none: the same time an hour later
/// (a 2:30 reminder on the night of the change comes at 3:30).
pub fn instant_of(time_zone: &str, at: NaiveDateTime) -> DateTime<Utc> {
    let Ok(zone) = time_zone.parse::<chrono_tz::Tz>() else {
        return at.and_utc();
    };
    match zone.from_local_datetime(&at).earliest() {
        Some(instant) => instant.with_timezone(&Utc),
        None => zone
            .from_local_datetime(&(at + Duration::hours(1)))
            .earliest()
            .map_or(at.and_utc(), |instant| instant.with_timezone(&Utc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn text(at: DateTime<Utc>) -> String {
        at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    fn local(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn wall_clock_times_become_instants_across_a_change_of_clocks() {
        let toronto = "America/Toronto";
        // Standard time (UTC-5) before 8 March 2026, daylight time (UTC-4) after.
        assert_eq!(
            text(instant_of(toronto, local(7, 19, 0))),
            "2026-03-08T00:00:00Z"
        );
        assert_eq!(
            text(instant_of(toronto, local(8, 19, 0))),
            "2026-03-08T23:00:00Z"
        );
        // 2:30 does not exist that night: it comes at 3:30 daylight time.
        assert_eq!(
            text(instant_of(toronto, local(8, 2, 30))),
            "2026-03-08T07:30:00Z"
        );
        assert_eq!(
            local_time_of(toronto, instant_of(toronto, local(9, 8, 0))),
            local(9, 8, 0)
        );
        assert_eq!(
            text(instant_of("Nowhere/Else", local(9, 8, 0))),
            "2026-03-09T08:00:00Z"
        );
    }
}
