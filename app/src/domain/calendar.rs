//! A client's appointments as iCalendar (RFC 5545), for the calendar address phone
//! calendars poll and for one appointment's "Add to my calendar". Written by the
//! `icalendar` crate (escaping, line folding, CRLF). A calendar is read on a phone's home
//! screen and in its notifications, so each appointment is only "Appointment" unless the
//! client chose to see the place and what to bring.
use super::Detail;
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

/// The calendar's name in the phone's list of calendars.
pub const CALENDAR_NAME: &str = "Waypoint";

/// One appointment as a calendar has it: instants, so no time zone table is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    pub id: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub place: String,
    pub what_to_bring: Option<String>,
    pub cancelled: bool,
    /// Goes up with every change, so a calendar replaces its copy (`SEQUENCE`).
    pub version: i64,
}

/// The whole calendar, as text.
pub fn calendar_text(entries: &[CalendarEntry], detail: Detail, now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(CALENDAR_NAME);
    for entry in entries {
        let mut event = Event::new();
        event
            .uid(&format!("{}@waypoint", entry.id))
            .summary("Appointment")
            .starts(entry.starts)
            .ends(entry.ends)
            .sequence(u32::try_from(entry.version).unwrap_or(0))
            .timestamp(now)
            .status(if entry.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if detail == Detail::Detailed {
            event.location(&entry.place);
            if let Some(bring) = &entry.what_to_bring {
                event.description(&format!("Bring: {bring}"));
            }
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> CalendarEntry {
        let starts = "2026-03-09T14:00:00Z".parse().unwrap();
        CalendarEntry {
            id: "a1".into(),
            starts,
            ends: starts + chrono::Duration::minutes(45),
            place: "Room 2, 10 King St; side door".into(),
            what_to_bring: Some("Health card, list of questions".into()),
            cancelled: false,
            version: 3,
        }
    }

    #[test]
    fn a_discreet_calendar_says_only_appointment() {
        let text = calendar_text(&[entry()], Detail::Discreet, Utc::now());
        assert!(text.contains("SUMMARY:Appointment\r\n"), "{text}");
        assert!(text.contains("DTSTART:20260309T140000Z\r\n"), "{text}");
        assert!(text.contains("SEQUENCE:3\r\n") && text.contains("UID:a1@waypoint\r\n"));
        assert!(
            !text.contains("Room 2") && !text.contains("Health card"),
            "{text}"
        );
    }

    #[test]
    fn a_detailed_calendar_escapes_what_the_case_manager_wrote() {
        let mut cancelled = entry();
        cancelled.cancelled = true;
        let text = calendar_text(&[cancelled], Detail::Detailed, Utc::now());
        assert!(
            text.contains("LOCATION:Room 2\\, 10 King St\\; side door\r\n"),
            "{text}"
        );
        assert!(
            text.contains("DESCRIPTION:Bring: Health card\\, list of questions"),
            "{text}"
        );
        assert!(text.contains("STATUS:CANCELLED\r\n"), "{text}");
    }
}
