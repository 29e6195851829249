//! Messages between a client and their care team: written from the phone (also offline,
//! queued and sent once like check-ins), read, answered and marked handled by anyone on
//! the team. A supporter the client gave the messages share has a conversation of their
//! own with the team. Part of the record: kept, never edited away. Text only.
use super::{coded_enum, RecordId};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// The longest message anyone writes, in characters.
pub const MESSAGE_MAX_CHARS: usize = 2000;

/// How many of the latest messages the client's page and phone keep.
pub const MESSAGES_KEPT: i64 = 100;

coded_enum! {
    /// Who wrote a message.
    Sender ("sender") {
        Client = "client" => "You" staff "Client",
        Supporter = "supporter" => "Supporter",
        Team = "team" => "Your care team" staff "Care team",
    }
}

/// One message, as its reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: RecordId,
    pub sender: Sender,
    /// The name of the person on the team who wrote it (team messages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub text: String,
    /// On the program's wall clock.
    pub sent_at: NaiveDateTime,
    /// When the other side first read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<NaiveDateTime>,
    /// Who on the team handled a message to the team (the team's view only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled_by: Option<String>,
    /// The grant of a supporter's conversation (the team's view only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
}

impl Message {
    pub fn is_to_team(&self) -> bool {
        self.sender != Sender::Team
    }
}

/// What the client is told before the first message and above every conversation: when the
/// team reads messages, and that this is not the way to get help in an emergency.
pub fn team_hours_line(office_hours: Option<&str>) -> String {
    match office_hours {
        Some(hours) => format!("Your care team reads messages during office hours: {hours}."),
        None => "Your care team reads messages during office hours.".to_owned(),
    }
}

pub const NOT_FOR_EMERGENCIES: &str =
    "Messages are not for emergencies. If you need help now, call the crisis line or 911.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_team_is_told_apart_from_the_people_who_write_to_it() {
        let message = |sender| Message {
            id: RecordId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap(),
            sender,
            author: None,
            text: "Hi".into(),
            sent_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            read_at: None,
            handled_by: None,
            grant_id: None,
        };
        assert!(message(Sender::Client).is_to_team());
        assert!(message(Sender::Supporter).is_to_team());
        assert!(!message(Sender::Team).is_to_team());
        assert!(team_hours_line(Some("Mon to Fri, 9 to 5")).ends_with("Mon to Fri, 9 to 5."));
    }
}
