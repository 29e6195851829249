use crate::db::Db;
use axum::extract::FromRef;
use axum_extra::extract::cookie::Key;
use leptos::prelude::LeptosOptions;

/// What every request can reach. Leptos provides it as context to server functions.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Signs the session cookie.
    pub session_key: Key,
}
