use super::{coded_enum, LifeDomain, RecordId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum! {
    ReferralStatus ("referral status") {
        Suggested = "suggested" => "Suggested",
        Referred = "referred" => "Referral sent",
        Accepted = "accepted" => "Accepted",
        Waitlisted = "waitlisted" => "On the waiting list",
        Attending = "attending" => "You're going",
        Completed = "completed" => "Finished",
        Declined = "declined" => "Not going ahead",
    }
}

impl ReferralStatus {
    /// Whether the referral still needs something from someone.
    pub fn is_open(self) -> bool {
        !matches!(self, ReferralStatus::Completed | ReferralStatus::Declined)
    }

    /// What the status means for the client, in plain words.
    pub fn meaning(self) -> &'static str {
        match self {
            ReferralStatus::Suggested => "You and your case manager talked about this service.",
            ReferralStatus::Referred => {
                "Your case manager sent the referral. We are waiting to hear back."
            }
            ReferralStatus::Accepted => "The service said yes. Next is getting started.",
            ReferralStatus::Waitlisted => "You have a place on the waiting list.",
            ReferralStatus::Attending => "You are using this service now.",
            ReferralStatus::Completed => "You finished with this service.",
            ReferralStatus::Declined => "This is not going ahead for now.",
        }
    }
}

/// A service a client can be referred to (an agency or program).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub name: String,
    pub description: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: RecordId,
    pub service: Service,
    pub domain: LifeDomain,
    pub status: ReferralStatus,
    /// What the client does next to be ready for the service.
    pub next_step: Option<String>,
    pub updated_on: NaiveDate,
}

/// Open referrals first (most recently changed first), then closed ones.
pub fn sort_referrals(referrals: &mut [Referral]) {
    referrals.sort_by(|a, b| {
        b.status
            .is_open()
            .cmp(&a.status.is_open())
            .then(b.updated_on.cmp(&a.updated_on))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_completed_and_declined_are_closed() {
        let closed: Vec<_> = ReferralStatus::ALL
            .iter()
            .filter(|s| !s.is_open())
            .collect();
        assert_eq!(
            closed,
            [&ReferralStatus::Completed, &ReferralStatus::Declined]
        );
    }

    #[test]
    fn open_referrals_come_first() {
        let referral = |status, day| Referral {
            id: RecordId::parse("00000000-0000-4000-8000-000000000001").unwrap(),
            service: Service {
                name: "S".into(),
                description: "D".into(),
                phone: None,
                address: None,
            },
            domain: LifeDomain::Housing,
            status,
            next_step: None,
            updated_on: NaiveDate::from_ymd_opt(2026, 2, day).unwrap(),
        };
        let mut list = vec![
            referral(ReferralStatus::Completed, 20),
            referral(ReferralStatus::Waitlisted, 1),
            referral(ReferralStatus::Referred, 5),
        ];
        sort_referrals(&mut list);
        let order: Vec<_> = list.iter().map(|r| r.status).collect();
        assert_eq!(
            order,
            [
                ReferralStatus::Referred,
                ReferralStatus::Waitlisted,
                ReferralStatus::Completed
            ]
        );
    }
}
