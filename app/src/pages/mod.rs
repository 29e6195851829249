//! The pages. Each file holds a page or a few related ones: the server function that loads
//! each (thin: who is asking, then scoped queries) and the components that show it.

pub mod account;
pub mod appointments;
pub mod assessing;
pub mod care_teams;
pub mod case_notes;
pub mod chosen_resources;
pub mod closing;
pub mod directory;
pub mod editing;
pub mod handover;
pub mod intake;
pub mod library;
pub mod library_editing;
pub mod messages;
pub mod notifications;
pub mod passkeys;
pub mod plan;
pub mod planning;
pub mod record;
pub mod referrals;
pub mod referring;
pub mod safety;
pub mod safety_planning;
pub mod schedule;
pub mod sharing;
pub mod sign_in;
pub mod staff;
pub mod stages;
pub mod suggestions;
pub mod support;
pub mod team_messages;
pub mod today;
