use super::{coded_enum, LifeDomain, RecordId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum! {
    ReferralStatus ("referral status") {
        Suggested = "suggested" => "Suggested",
        Referred = "referred" => "Referral sent",
        Accepted = "accepted" => "Accepted",
        Waitlisted = "waitlisted" => "On the waiting list",
        Attending = "attending" => "You're going" staff "Attending",
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
    /// Bumped on every change, so that two editors can't overwrite each other unseen.
    #[serde(default)]
    pub version: i64,
}

/// What the next step for the client may say, in characters.
pub const NEXT_STEP_MAX_CHARS: usize = 300;

/// A referral as typed into the form. `service_id` is only read for a new referral.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralForm {
    pub service_id: String,
    pub domain: String,
    pub status: String,
    pub next_step: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralFields {
    pub service_id: Option<RecordId>,
    pub domain: LifeDomain,
    pub status: ReferralStatus,
    pub next_step: Option<super::PlainText>,
}

impl ReferralForm {
    /// Checks the form; `new` asks for a service from the directory.
    pub fn check(&self, new: bool) -> Result<ReferralFields, super::FieldProblems> {
        use super::form::{code, optional_text};
        let mut problems = super::FieldProblems::default();
        let service_id = if new {
            match RecordId::parse(self.service_id.trim()) {
                Some(id) => Some(Some(id)),
                None => {
                    problems.add("service_id", "Please choose a service from the directory.");
                    None
                }
            }
        } else {
            Some(None)
        };
        let domain = code(&self.domain, LifeDomain::from_code, "domain", &mut problems);
        let status = code(
            &self.status,
            ReferralStatus::from_code,
            "status",
            &mut problems,
        );
        let next_step = optional_text(
            &self.next_step,
            NEXT_STEP_MAX_CHARS,
            "next_step",
            &mut problems,
        );
        let fields = (|| {
            Some(ReferralFields {
                service_id: service_id?,
                domain: domain?,
                status: status?,
                next_step: next_step?,
            })
        })();
        problems.or(fields)
    }
}

/// A service in the directory, as a case manager picks one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChoice {
    pub id: RecordId,
    pub name: String,
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
    fn a_new_referral_needs_a_service_and_known_words() {
        let form = ReferralForm {
            service_id: String::new(),
            domain: "housing".into(),
            status: "maybe".into(),
            next_step: " ".into(),
        };
        let problems = form.check(true).unwrap_err();
        assert!(problems.about("service_id").is_some());
        assert!(problems.about("status").is_some());
        assert_eq!(problems.about("next_step"), None);
        let change = ReferralForm {
            status: "waitlisted".into(),
            ..form
        };
        let fields = change.check(false).unwrap();
        assert_eq!(fields.next_step, None);
        assert_eq!(fields.status, ReferralStatus::Waitlisted);
    }

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
            version: 1,
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
