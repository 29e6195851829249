//! The program's wall clock: what "now" and "today" are where the client's program is.
//! Appointment times are kept in that clock (see ARCHITECTURE.md).
use crate::db::ClientHome;
use chrono::{NaiveDateTime, Utc};

/// The current time where the client's program is.
pub fn local_now(home: &ClientHome) -> NaiveDateTime {
    local_time_in(&home.time_zone)
}

/// The current time in an IANA time zone; UTC (with a warning) for one unknown here.
pub fn local_time_in(time_zone: &str) -> NaiveDateTime {
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        tracing::warn!(%time_zone, "unknown time zone; using UTC");
    }
    crate::domain::local_time_of(time_zone, Utc::now())
}
