//! Who is asking. Every server function starts here and scopes its queries by the answer.
//!
//! Until real sign-in exists, a client is identified by a signed cookie that only a
//! development build can set (see the server's `dev` routes). Nothing reads a client id
//! from a URL.
use crate::db::{self, ClientHome};
use crate::error::AppError;
use crate::state::AppState;
use axum_extra::extract::cookie::{Cookie, SameSite, SignedCookieJar};
use leptos::prelude::*;

pub const SESSION_COOKIE: &str = "waypoint_session";

/// The signed-in client, with what every client page needs.
pub async fn signed_in_client() -> Result<(AppState, ClientHome), AppError> {
    let state = use_context::<AppState>().ok_or(AppError::Unavailable)?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::NotSignedIn)?;
    let jar = SignedCookieJar::from_headers(&parts.headers, state.session_key.clone());
    let client_id = jar
        .get(SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .ok_or(AppError::NotSignedIn)?;
    let home = db::client_home(&state.db, &client_id)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    Ok((state, home))
}

/// The cookie that signs a client in: readable only by the server, sent only to this site,
/// and gone when the browser closes.
pub fn session_cookie(client_id: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, client_id))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build()
}

/// The current time where the client's program is.
pub fn local_now(home: &ClientHome) -> chrono::NaiveDateTime {
    let now = chrono::Utc::now();
    match home.time_zone.parse::<chrono_tz::Tz>() {
        Ok(zone) => now.with_timezone(&zone).naive_local(),
        Err(_) => {
            tracing::warn!(time_zone = %home.time_zone, "unknown time zone; using UTC");
            now.naive_utc()
        }
    }
}
