//! The `waypoint` server: configuration, command line, HTTP wiring and demo data. Pages,
//! server functions, domain rules and queries live in the `app` crate.

pub mod config;
pub mod demo;
#[cfg(debug_assertions)]
mod dev;
mod routes;
pub mod startup;
pub mod telemetry;
