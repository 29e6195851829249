//! What a client shares with a supporter, and the one shape each share has on the wire.
//!
//! A supporter's answers (the page, the phone's copy) are built only from the types here:
//! each share has its own, holding the fields the supporter's page shows and no more, so a
//! field of the client's record cannot reach a supporter by being added to `Goal` or
//! `Appointment`.
use super::{
    coded_enum, Appointment, AppointmentKind, ArticleLink, Goal, GoalStatus, Stage, Topic,
};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

coded_enum! {
    /// A part of the client's record a supporter may be allowed to see. Education is open
    /// to everyone and needs no share.
    Share ("share") {
        Appointments = "appointments" => "Upcoming appointments",
        Goals = "goals" => "Goals",
        Stage = "stage" => "Stage of care",
        SafetyPlan = "safety_plan" => "Safety plan",
        Messages = "messages" => "Write to your care team",
    }
}

/// The stored form of a set of shares: codes separated by spaces, in a fixed order.
pub fn shares_text(shares: &[Share]) -> String {
    Share::ALL
        .iter()
        .filter(|s| shares.contains(s))
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn parse_shares(text: &str) -> Result<Vec<Share>, super::UnknownCode> {
    let mut shares = text
        .split_whitespace()
        .map(Share::from_code)
        .collect::<Result<Vec<_>, _>>()?;
    shares.sort();
    shares.dedup();
    Ok(shares)
}

/// The longest a client can share for at once; they can renew.
pub const GRANT_MAX_DAYS: i64 = 366;

/// When a new share may end, counted from the client's `today`: from tomorrow to
/// [`GRANT_MAX_DAYS`] ahead. `None` for any other date, or text that is not a date.
pub fn grant_end_date(typed: &str, today: NaiveDate) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d").ok()?;
    (date > today && date <= today + Duration::days(GRANT_MAX_DAYS)).then_some(date)
}

/// The appointments a supporter sees when the client shares them: the coming month.
pub fn shared_window(now: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    (now, now + Duration::days(30))
}

/// A goal, as the goals share shows it: the client's own words and how far along it is.
/// Not its steps, life area or dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedGoal {
    pub own_words: String,
    pub status: GoalStatus,
}

impl From<&Goal> for SharedGoal {
    fn from(goal: &Goal) -> Self {
        SharedGoal {
            own_words: goal.own_words.clone(),
            status: goal.status,
        }
    }
}

/// An appointment, as the appointments share shows it: what, when and where, enough to
/// help someone get there. Not who it is with, what to bring, or its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedAppointment {
    pub kind: AppointmentKind,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i64,
    pub place: String,
}

impl From<&Appointment> for SharedAppointment {
    fn from(appointment: &Appointment) -> Self {
        SharedAppointment {
            kind: appointment.kind,
            starts_at: appointment.starts_at,
            duration_minutes: appointment.duration_minutes,
            place: appointment.place.clone(),
        }
    }
}

/// What one client shares with a supporter, under one grant: each part only if shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedCopy {
    pub grant_id: String,
    pub preferred_name: String,
    pub ends_on: NaiveDate,
    pub appointments: Option<Vec<SharedAppointment>>,
    pub goals: Option<Vec<SharedGoal>>,
    pub stages: Option<Vec<Stage>>,
    /// The written parts of the client's safety plan, when shared (none written: empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_plan: Option<super::SafetyPlanParts>,
    /// With the messages share: their conversation with the client's care team, newest
    /// first (copies from before this was sent have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<super::Message>>,
    /// With the stage share only: the articles of the client's program's library about
    /// their stage now ([`stage_articles`]). Copies from before this was sent have none.
    #[serde(default)]
    pub stage_articles: Option<LibraryLinks>,
    /// The "Start here" articles of the supporter's own program's library, for their list
    /// of who shares with them (filled in by the sync, the same in every shared item).
    #[serde(default)]
    pub start_here: LibraryLinks,
}

/// Some articles of one program's library, as a list links to them: the library's code
/// (in their addresses) and the articles, in English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryLinks {
    /// Empty when the program has no library.
    pub code: String,
    pub articles: Vec<ArticleLink>,
}

/// The most articles a supporter is offered about the client's stage.
pub const STAGE_ARTICLES_MAX: usize = 4;

/// The library's articles about any of `stages`, in the library's order, at most
/// [`STAGE_ARTICLES_MAX`].
pub fn stage_articles(topics: &[Topic], stages: &[Stage]) -> Vec<ArticleLink> {
    topics
        .iter()
        .flat_map(|topic| topic.articles.iter())
        .filter(|article| article.stages.iter().any(|stage| stages.contains(stage)))
        .take(STAGE_ARTICLES_MAX)
        .cloned()
        .collect()
}

/// The library's "Start here" articles, in their order there.
pub fn start_here_articles(topics: &[Topic]) -> Vec<ArticleLink> {
    let mut chosen: Vec<ArticleLink> = topics
        .iter()
        .flat_map(|topic| topic.articles.iter())
        .filter(|article| article.start_here.is_some())
        .cloned()
        .collect();
    chosen.sort_by_key(|article| article.start_here);
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_trip_in_a_fixed_order() {
        let text = shares_text(&[Share::Stage, Share::Appointments]);
        assert_eq!(text, "appointments stage");
        assert_eq!(
            parse_shares(&text).unwrap(),
            vec![Share::Appointments, Share::Stage]
        );
        assert_eq!(parse_shares("").unwrap(), vec![]);
        assert!(parse_shares("appointments diagnosis").is_err());
    }

    fn link(number: i64, start_here: Option<i64>, stages: &[Stage]) -> ArticleLink {
        ArticleLink {
            number,
            topic_number: 1,
            title: format!("Article {number}"),
            summary: String::new(),
            minutes: 3,
            start_here,
            stages: stages.to_vec(),
        }
    }

    #[test]
    fn a_supporter_reads_about_the_stage_and_starts_where_the_library_says() {
        let topics = vec![
            Topic {
                number: 1,
                title: "One".into(),
                articles: vec![
                    link(1, Some(2), &[]),
                    link(2, None, &[Stage::Stabilisation]),
                    link(
                        3,
                        None,
                        &[Stage::MethadoneMaintenance, Stage::Stabilisation],
                    ),
                ],
            },
            Topic {
                number: 2,
                title: "Two".into(),
                articles: vec![
                    link(4, Some(1), &[Stage::Stabilisation]),
                    link(5, None, &[Stage::Stabilisation]),
                    link(6, None, &[Stage::Stabilisation]),
                    link(7, None, &[Stage::Aftercare]),
                ],
            },
        ];
        let numbers = |links: Vec<ArticleLink>| links.iter().map(|a| a.number).collect::<Vec<_>>();
        assert_eq!(
            numbers(stage_articles(&topics, &[Stage::Stabilisation])),
            [2, 3, 4, 5],
            "in the library's order, at most four"
        );
        assert_eq!(
            numbers(stage_articles(
                &topics,
                &[Stage::MethadoneMaintenance, Stage::Aftercare]
            )),
            [3, 7]
        );
        assert!(stage_articles(&topics, &[]).is_empty());
        assert_eq!(numbers(start_here_articles(&topics)), [4, 1]);
    }

    #[test]
    fn a_share_end_is_from_tomorrow_to_a_year_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(grant_end_date("2026-03-01", today), None);
        assert!(grant_end_date(" 2026-03-02 ", today).is_some());
        assert!(grant_end_date("2027-03-02", today).is_some());
        assert_eq!(grant_end_date("2027-03-03", today), None);
        assert_eq!(grant_end_date("soon", today), None);
    }
}
