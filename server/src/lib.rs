//! The `waypoint` server: configuration, command line, HTTP wiring and demo data. Pages,
//! server functions, domain rules and queries live in the `app` crate.

pub mod cli;
pub mod config;
pub mod demo;
pub mod forms;
pub mod nonce;
pub mod offline;
mod routes;
mod security;
pub mod startup;
pub mod sync;
pub mod telemetry;
