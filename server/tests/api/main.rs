//! Server integration tests, in one binary for fast linking. Every database test runs on a
//! fresh SQLite file and, when `TEST_POSTGRES_URL` is set, on a fresh PostgreSQL schema.
mod actions;
mod assessments;
mod audit;
mod bad_input;
mod care_teams;
mod case_notes;
mod cli;
mod consent;
mod discretion;
mod episodes;
mod helpers;
mod http;
mod intake;
mod library;
mod logs;
mod matrix;
mod queries;
mod referrals;
mod reviews;
mod safety_plans;
mod seed;
mod sign_in;
mod suggestions;
mod sync;
mod sync_faults;
mod workspace;
