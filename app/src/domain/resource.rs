use super::{coded_enum, RecordId};
use serde::{Deserialize, Serialize};

coded_enum! {
    ResourceKind ("resource kind") {
        CrisisLine = "crisis_line" => "Help right now",
        PeerSupport = "peer_support" => "Peer support",
        FamilySupport = "family_support" => "For family and friends",
        Counselling = "counselling" => "Counselling",
        HarmReduction = "harm_reduction" => "Staying safer and naloxone",
        Housing = "housing" => "Housing",
        LegalAid = "legal_aid" => "Legal help",
        Vocational = "vocational" => "Work and training",
    }
}

coded_enum! {
    /// Who a resource is written for.
    Audience ("audience") {
        Client = "client" => "For you",
        Family = "family" => "For family and friends",
        Both = "both" => "For everyone",
    }
}

impl Audience {
    pub fn includes_client(self) -> bool {
        matches!(self, Audience::Client | Audience::Both)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub id: RecordId,
    pub kind: ResourceKind,
    pub audience: Audience,
    pub name: String,
    pub description: String,
    /// Hours, walk-in details, how to join.
    pub how_to_reach: String,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// Chosen for this client by their case manager.
    pub recommended: bool,
}

/// A phone number as a `tel:` link: digits and a leading plus only.
pub fn tel_href(phone: &str) -> String {
    let mut href = String::from("tel:");
    href.extend(
        phone
            .chars()
            .enumerate()
            .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
            .map(|(_, c)| c),
    );
    href
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tel_links_keep_only_digits() {
        assert_eq!(tel_href("1-866-531-2600"), "tel:18665312600");
        assert_eq!(tel_href("+1 (416) 555 0100"), "tel:+14165550100");
        assert_eq!(tel_href("988"), "tel:988");
    }

    #[test]
    fn family_resources_are_not_client_resources() {
        assert!(!Audience::Family.includes_client());
        assert!(Audience::Both.includes_client());
    }
}
