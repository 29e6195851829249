//! The case manager's caseload: each client's place in care and what needs attention.
use super::{coded_enum, Stage};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// How far back a missed appointment still asks for attention.
pub const MISSED_RECENT_DAYS: i64 = 30;

coded_enum! {
    /// Why a client needs the case manager's attention.
    Attention ("attention") {
        NewMessage = "new_message" => "New message",
        NewCheckIn = "new_check_in" => "New check-in",
        NewSuggestion = "new_suggestion" => "Suggestion from the client",
        MissedAppointment = "missed_appointment" => "Missed an appointment",
        OverdueStep = "overdue_step" => "Step overdue",
        ReferralFollowUp = "referral_follow_up" => "Referral follow-up due",
        ReviewOverdue = "review_overdue" => "Review overdue",
        ReviewSoon = "review_soon" => "Review due within 14 days",
        AssessmentDue = "assessment_due" => "New assessment needed",
    }
}

/// One client on the caseload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadEntry {
    pub client_id: String,
    pub preferred_name: String,
    pub stages: Vec<Stage>,
    pub next_appointment: Option<NaiveDateTime>,
    /// The last attended appointment, check-in or case note of a contact (not of a try).
    pub last_contact: Option<NaiveDate>,
    /// The plan's next review: the latest review's agreed date, or 90 days after the first
    /// plan was sent.
    pub next_review: Option<NaiveDate>,
    pub attention: Vec<Attention>,
    /// The day the case was closed, when it is (a closed case asks for no attention).
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
}

/// What the case manager searched for: part of a name, a stage, a reason for attention.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseloadFilter {
    pub name: String,
    pub stage: Option<Stage>,
    pub needs: Option<Attention>,
    /// Closed cases instead of open ones.
    pub closed: bool,
}

impl CaseloadFilter {
    /// Reads the filter from the page's query; unknown codes count as no filter.
    pub fn from_query(
        name: Option<String>,
        stage: Option<String>,
        needs: Option<String>,
        cases: Option<String>,
    ) -> Self {
        CaseloadFilter {
            name: name.unwrap_or_default().trim().chars().take(60).collect(),
            stage: stage.and_then(|s| Stage::from_code(&s).ok()),
            needs: needs.and_then(|n| Attention::from_code(&n).ok()),
            closed: cases.as_deref() == Some("closed"),
        }
    }

    /// Whether it narrows the open cases at all.
    pub fn is_empty(&self) -> bool {
        self.name.is_empty() && self.stage.is_none() && self.needs.is_none() && !self.closed
    }

    pub fn admits(&self, entry: &CaseloadEntry) -> bool {
        let name = self.name.to_lowercase();
        entry.closed_on.is_some() == self.closed
            && (name.is_empty() || entry.preferred_name.to_lowercase().contains(&name))
            && self.stage.is_none_or(|s| entry.stages.contains(&s))
            && self.needs.is_none_or(|n| entry.attention.contains(&n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, stages: Vec<Stage>, attention: Vec<Attention>) -> CaseloadEntry {
        CaseloadEntry {
            client_id: name.to_lowercase(),
            preferred_name: name.to_owned(),
            stages,
            next_appointment: None,
            last_contact: None,
            next_review: None,
            attention,
            closed_on: None,
        }
    }

    #[test]
    fn the_filter_matches_name_parts_stage_and_attention_together() {
        let alex = entry(
            "Alex",
            vec![Stage::MethadoneMaintenance],
            vec![Attention::NewCheckIn],
        );
        let bea = entry("Bea", vec![Stage::Aftercare], vec![]);
        let by_name = CaseloadFilter::from_query(Some(" le ".into()), None, None, None);
        assert!(by_name.admits(&alex) && !by_name.admits(&bea));
        let by_stage = CaseloadFilter::from_query(None, Some("aftercare".into()), None, None);
        assert!(!by_stage.admits(&alex) && by_stage.admits(&bea));
        let by_need = CaseloadFilter::from_query(None, None, Some("new_check_in".into()), None);
        assert!(by_need.admits(&alex) && !by_need.admits(&bea));
        let unknown = CaseloadFilter::from_query(None, Some("moon".into()), Some("x".into()), None);
        assert!(unknown.is_empty() && unknown.admits(&bea));
        // Open cases by default; closed ones only when asked for.
        let closed = CaseloadEntry {
            closed_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            ..entry("Cleo", vec![], vec![])
        };
        assert!(!unknown.admits(&closed));
        let asked = CaseloadFilter::from_query(None, None, None, Some("closed".into()));
        assert!(asked.admits(&closed) && !asked.admits(&bea));
    }
}
