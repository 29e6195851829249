//! Reaching people on their phones: what a notification may say on a lock screen, when
//! reminders are due, quiet hours, and how long a failed delivery waits. No I/O.
//!
//! A lock screen is seen by whoever holds the phone, so the words never name treatment, the
//! program, a service or anyone's health: "Reminder for 10 am", "You have an update". A
//! client may choose a little more ("Appointment tomorrow at 10 am"), never more than that.
use super::{coded_enum, time_label};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

coded_enum! {
    NotificationKind ("notification kind") {
        EveningReminder = "evening_reminder" => "Appointment reminder the evening before",
        SoonReminder = "soon_reminder" => "Appointment reminder two hours before",
        DailyReminder = "daily_reminder" => "Daily reminder",
        PlanUpdated = "plan_updated" => "Your plan was updated",
        AppointmentMoved = "appointment_moved" => "An appointment was moved",
        AppointmentCancelled = "appointment_cancelled" => "An appointment was cancelled",
        Message = "message" => "A new message",
    }
}

coded_enum! {
    /// How much a notification says on the lock screen.
    Detail ("notification detail") {
        Discreet = "discreet" => "Only \"You have an update\" or \"Reminder for 10 am\"",
        Detailed = "detailed" => "A little more, like \"Appointment tomorrow at 10 am\"",
    }
}

coded_enum! {
    Switch ("on or off") {
        On = "on" => "On",
        Off = "off" => "Off",
    }
}

impl Switch {
    pub fn is_on(self) -> bool {
        self == Switch::On
    }

    pub fn of(on: bool) -> Switch {
        if on {
            Switch::On
        } else {
            Switch::Off
        }
    }
}

/// The hour of the evening-before reminder, on the program's clock.
pub const EVENING_REMINDER_AT: NaiveTime = match NaiveTime::from_hms_opt(19, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// How long before an appointment the second reminder comes.
pub const SOON_REMINDER_BEFORE: Duration = Duration::hours(2);

/// A reminder not sent within this long of its time (the server was down) is not sent late:
/// "Reminder for 9 am" at noon helps nobody.
pub const REMINDER_LATE_LIMIT: Duration = Duration::hours(1);

/// After this many failed tries a notification is given up.
pub const MOST_DELIVERY_ATTEMPTS: i64 = 8;

/// What a person chose. The defaults are what a person has before choosing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    pub evening_reminder: Switch,
    pub soon_reminder: Switch,
    /// The daily reminder's time on the program's clock, if they want one.
    pub daily_reminder_at: Option<NaiveTime>,
    pub quiet: Option<QuietHours>,
    pub detail: Detail,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            evening_reminder: Switch::On,
            soon_reminder: Switch::On,
            daily_reminder_at: None,
            quiet: None,
            detail: Detail::Discreet,
        }
    }
}

/// Hours in which nothing is shown; `until` before `from` means across midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub from: NaiveTime,
    pub until: NaiveTime,
}

impl QuietHours {
    pub fn contains(&self, time: NaiveTime) -> bool {
        if self.from <= self.until {
            self.from <= time && time < self.until
        } else {
            time >= self.from || time < self.until
        }
    }

    /// The first moment at or after `at` (wall clock) outside the quiet hours.
    pub fn first_moment_after(&self, at: NaiveDateTime) -> NaiveDateTime {
        if !self.contains(at.time()) {
            return at;
        }
        let end_today = at.date().and_time(self.until);
        if end_today > at {
            end_today
        } else {
            end_today + Duration::days(1)
        }
    }
}

/// When a notification wanted at `at` (wall clock) may be shown: then, or when the quiet
/// hours end. `None` when that is too late to be of use (`deadline`, the appointment's
/// start for its reminders).
pub fn showing_time(
    at: NaiveDateTime,
    quiet: Option<QuietHours>,
    deadline: Option<NaiveDateTime>,
) -> Option<NaiveDateTime> {
    let shown = quiet.map_or(at, |quiet| quiet.first_moment_after(at));
    match deadline {
        Some(deadline) if shown >= deadline => None,
        _ => Some(shown),
    }
}

/// The two reminders of an appointment starting at `starts_at` (wall clock): the evening
/// before at [`EVENING_REMINDER_AT`] and two hours before. The second is wall clock too,
/// as a person reads it: on the night the clocks change the instants differ by an hour
/// from plain subtraction, which the conversion to instants (`db`) accounts for.
pub fn evening_reminder_time(starts_at: NaiveDateTime) -> NaiveDateTime {
    (starts_at.date() - Duration::days(1)).and_time(EVENING_REMINDER_AT)
}

/// A notification to queue for a person: one row per device they turned notifications on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NotificationKind,
    /// What makes it this one notification however often it is queued (by two instances,
    /// by every round of the reminders).
    pub dedupe_key: String,
    /// The wall-clock time it is about, for its words (reminders only).
    pub about_time: Option<NaiveTime>,
    /// The page a tap opens.
    pub open_path: String,
    /// When it should show, on the program's clock; `None` for at once.
    pub wanted_at: Option<NaiveDateTime>,
    /// Not worth showing from then on (an appointment's start).
    pub deadline: Option<NaiveDateTime>,
}

impl Notice {
    fn now(kind: NotificationKind, key: String, open_path: String) -> Notice {
        Notice {
            kind,
            dedupe_key: format!("{}:{key}", kind.code()),
            about_time: None,
            open_path,
            wanted_at: None,
            deadline: None,
        }
    }

    /// Revision `number` of the client's plan was sent.
    pub fn plan_updated(number: i64) -> Notice {
        Notice::now(
            NotificationKind::PlanUpdated,
            number.to_string(),
            "/plan".into(),
        )
    }

    /// Someone on the care team answered (message `message_id`); a tap opens the
    /// conversation at `open_path`.
    pub fn message(message_id: &str, open_path: String) -> Notice {
        Notice::now(NotificationKind::Message, message_id.to_owned(), open_path)
    }

    /// An appointment moved (to `version`) or cancelled.
    pub fn appointment_changed(appointment_id: &str, version: i64, cancelled: bool) -> Notice {
        let kind = if cancelled {
            NotificationKind::AppointmentCancelled
        } else {
            NotificationKind::AppointmentMoved
        };
        Notice::now(
            kind,
            format!("{appointment_id}:{version}"),
            format!("/appointments/{appointment_id}"),
        )
    }

    /// An appointment's reminder (`EveningReminder` or `SoonReminder`), wanted at
    /// `wanted_at`: once for each time the appointment is booked at, so a moved appointment
    /// is reminded again.
    pub fn appointment_reminder(
        kind: NotificationKind,
        appointment_id: &str,
        starts_at: NaiveDateTime,
        wanted_at: NaiveDateTime,
    ) -> Notice {
        Notice {
            kind,
            dedupe_key: format!("{}:{appointment_id}:{starts_at}", kind.code()),
            about_time: Some(starts_at.time()),
            open_path: format!("/appointments/{appointment_id}"),
            wanted_at: Some(wanted_at),
            deadline: Some(starts_at),
        }
    }

    /// The daily reminder of `day` at `at`: once per day of the program's calendar.
    pub fn daily_reminder(day: NaiveDate, at: NaiveTime) -> Notice {
        let kind = NotificationKind::DailyReminder;
        Notice {
            kind,
            dedupe_key: format!("{}:{day}", kind.code()),
            about_time: Some(at),
            open_path: "/".into(),
            wanted_at: Some(day.and_time(at)),
            deadline: Some(day.and_time(at) + REMINDER_LATE_LIMIT),
        }
    }
}

/// The words on the lock screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockScreen {
    pub title: String,
    pub body: String,
}

/// The app's own name, the only title a notification has: it says nothing about anyone.
pub const NOTIFICATION_TITLE: &str = "Waypoint";

impl LockScreen {
    /// What a notification of `kind` says, about a time (`about`, wall clock "HH:MM") if it
    /// has one, at the detail the person chose.
    pub fn of(kind: NotificationKind, about: Option<NaiveTime>, detail: Detail) -> LockScreen {
        let at = about.map(time_label);
        let body = match (detail, kind, at) {
            (Detail::Detailed, NotificationKind::EveningReminder, Some(at)) => {
                format!("Appointment tomorrow at {at}")
            }
            (Detail::Detailed, NotificationKind::SoonReminder, Some(at)) => {
                format!("Appointment today at {at}")
            }
            (Detail::Detailed, NotificationKind::DailyReminder, Some(at)) => {
                format!("Your daily reminder for {at}")
            }
            (Detail::Detailed, NotificationKind::PlanUpdated, _) => "Your plan was updated".into(),
            (Detail::Detailed, NotificationKind::AppointmentMoved, _) => {
                "An appointment was moved".into()
            }
            (Detail::Detailed, NotificationKind::AppointmentCancelled, _) => {
                "An appointment was cancelled".into()
            }
            (Detail::Detailed, NotificationKind::Message, _) => "You have a new message".into(),
            (_, _, Some(at)) => format!("Reminder for {at}"),
            (_, _, None) => "You have an update".into(),
        };
        LockScreen {
            title: NOTIFICATION_TITLE.to_owned(),
            body,
        }
    }
}

/// How long the `attempt`th failed try (1 for the first) waits before the next: 30 seconds,
/// doubling, at most an hour.
pub fn retry_delay(attempt: i64) -> Duration {
    let doublings = attempt.clamp(1, 8) - 1;
    Duration::seconds((30i64 << doublings).min(3600))
}

/// What a push service's answer means for a notification (RFC 8030 §5, RFC 8292 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushOutcome {
    Delivered,
    /// The subscription is gone (the person turned notifications off in the browser, or it
    /// expired): forget it and everything queued for it.
    Gone,
    /// Try again later (the service is busy or failed, or the network did).
    Retry,
    /// The service refused this message for good (too large, a key it does not accept).
    Refused,
}

impl PushOutcome {
    pub fn of_status(status: u16) -> PushOutcome {
        match status {
            200..=299 => PushOutcome::Delivered,
            404 | 410 => PushOutcome::Gone,
            408 | 425 | 429 | 500..=599 => PushOutcome::Retry,
            _ => PushOutcome::Refused,
        }
    }
}

/// The notifications form as posted: a ticked box sends "on", an unticked one nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationForm {
    #[serde(default)]
    pub evening_reminder: String,
    #[serde(default)]
    pub soon_reminder: String,
    #[serde(default)]
    pub daily_reminder_at: String,
    #[serde(default)]
    pub quiet_from: String,
    #[serde(default)]
    pub quiet_until: String,
    #[serde(default)]
    pub detail: String,
}

impl NotificationForm {
    /// The choices, or `None` when a time cannot be read or quiet hours have one end only.
    pub fn check(&self) -> Option<NotificationSettings> {
        let time = |text: &str| -> Option<Option<NaiveTime>> {
            if text.trim().is_empty() {
                Some(None)
            } else {
                parse_clock_time(text).map(Some)
            }
        };
        let quiet = match (time(&self.quiet_from)?, time(&self.quiet_until)?) {
            (Some(from), Some(until)) if from != until => Some(QuietHours { from, until }),
            (None, None) => None,
            _ => return None,
        };
        Some(NotificationSettings {
            evening_reminder: Switch::of(self.evening_reminder == "on"),
            soon_reminder: Switch::of(self.soon_reminder == "on"),
            daily_reminder_at: time(&self.daily_reminder_at)?,
            quiet,
            detail: Detail::from_code(&self.detail).unwrap_or(Detail::Discreet),
        })
    }
}

/// The wall-clock "HH:MM" a form or the database holds, as a time.
pub fn parse_clock_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

/// A time as "HH:MM", the form the database and `<input type="time">` use.
pub fn clock_time_text(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .unwrap()
            .and_time(time(h, m))
    }

    /// Words that would tell whoever holds the phone what the app is for.
    const TELLING: &[&str] = &[
        "methadone",
        "treatment",
        "clinic",
        "dose",
        "dosing",
        "opioid",
        "pharmacy",
        "pick-up",
        "counsel",
        "recovery",
        "addiction",
        "substance",
        "drug",
        "health",
        "care",
        "case manager",
        "program",
        "therapy",
        "prescri",
        "naloxone",
        "overdose",
    ];

    #[test]
    fn no_lock_screen_text_tells_what_the_app_is_for() {
        for &kind in NotificationKind::ALL {
            for &detail in Detail::ALL {
                for about in [None, Some(time(10, 0)), Some(time(21, 30))] {
                    let shown = LockScreen::of(kind, about, detail);
                    let words = format!("{} {}", shown.title, shown.body).to_lowercase();
                    for telling in TELLING {
                        assert!(!words.contains(telling), "{kind:?} {detail:?}: {words}");
                    }
                    assert!(shown.body.len() <= 40, "short enough for any lock screen");
                }
            }
        }
    }

    #[test]
    fn discreet_text_says_only_an_update_or_a_time() {
        let ten = Some(time(10, 0));
        let discreet = |kind| LockScreen::of(kind, ten, Detail::Discreet).body;
        assert_eq!(
            discreet(NotificationKind::EveningReminder),
            "Reminder for 10 am"
        );
        assert_eq!(
            discreet(NotificationKind::DailyReminder),
            "Reminder for 10 am"
        );
        assert_eq!(
            LockScreen::of(NotificationKind::PlanUpdated, None, Detail::Discreet).body,
            "You have an update"
        );
        assert_eq!(
            LockScreen::of(NotificationKind::Message, None, Detail::Discreet).body,
            "You have an update"
        );
        assert_eq!(
            LockScreen::of(NotificationKind::EveningReminder, ten, Detail::Detailed).body,
            "Appointment tomorrow at 10 am"
        );
    }

    #[test]
    fn quiet_hours_hold_a_notification_until_they_end() {
        let night = QuietHours {
            from: time(22, 0),
            until: time(7, 0),
        };
        assert!(night.contains(time(23, 0)) && night.contains(time(6, 59)));
        assert!(!night.contains(time(7, 0)) && !night.contains(time(21, 59)));
        assert_eq!(night.first_moment_after(at(9, 23, 0)), at(10, 7, 0));
        assert_eq!(night.first_moment_after(at(10, 5, 0)), at(10, 7, 0));
        assert_eq!(night.first_moment_after(at(10, 12, 0)), at(10, 12, 0));
        let afternoon = QuietHours {
            from: time(13, 0),
            until: time(15, 0),
        };
        assert_eq!(afternoon.first_moment_after(at(10, 14, 0)), at(10, 15, 0));
        // A reminder held past the appointment is not sent at all.
        assert_eq!(
            showing_time(at(10, 6, 0), Some(night), Some(at(10, 6, 30))),
            None
        );
        assert_eq!(
            showing_time(at(10, 6, 0), Some(night), Some(at(10, 8, 0))),
            Some(at(10, 7, 0))
        );
        assert_eq!(showing_time(at(10, 6, 0), None, None), Some(at(10, 6, 0)));
    }

    #[test]
    fn the_form_keeps_only_whole_choices() {
        let form = NotificationForm {
            evening_reminder: "on".into(),
            daily_reminder_at: "08:30".into(),
            quiet_from: "22:00".into(),
            quiet_until: "07:00".into(),
            detail: "detailed".into(),
            ..NotificationForm::default()
        };
        let settings = form.check().unwrap();
        assert!(settings.evening_reminder.is_on() && !settings.soon_reminder.is_on());
        assert_eq!(settings.daily_reminder_at, Some(time(8, 30)));
        assert_eq!(settings.quiet.unwrap().until, time(7, 0));
        assert_eq!(settings.detail, Detail::Detailed);
        let one_end = NotificationForm {
            quiet_from: "22:00".into(),
            ..NotificationForm::default()
        };
        assert_eq!(one_end.check(), None);
        let unreadable = NotificationForm {
            daily_reminder_at: "8 in the morning".into(),
            ..NotificationForm::default()
        };
        assert_eq!(unreadable.check(), None);
        assert_eq!(
            NotificationForm::default().check().unwrap().detail,
            Detail::Discreet
        );
    }

    #[test]
    fn reminders_come_the_evening_before() {
        assert_eq!(evening_reminder_time(at(9, 10, 0)), at(8, 19, 0));
        assert_eq!(
            evening_reminder_time(at(1, 8, 30)).date().to_string(),
            "2026-02-28"
        );
    }

    #[test]
    fn failed_deliveries_wait_longer_each_time() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(7), Duration::seconds(1920));
        assert_eq!(retry_delay(8), Duration::seconds(3600));
        assert_eq!(retry_delay(50), Duration::seconds(3600));
    }

    #[test]
    fn push_answers_say_what_to_do() {
        assert_eq!(PushOutcome::of_status(201), PushOutcome::Delivered);
        assert_eq!(PushOutcome::of_status(410), PushOutcome::Gone);
        assert_eq!(PushOutcome::of_status(404), PushOutcome::Gone);
        assert_eq!(PushOutcome::of_status(500), PushOutcome::Retry);
        assert_eq!(PushOutcome::of_status(429), PushOutcome::Retry);
        assert_eq!(PushOutcome::of_status(413), PushOutcome::Refused);
        assert_eq!(PushOutcome::of_status(403), PushOutcome::Refused);
    }
}
