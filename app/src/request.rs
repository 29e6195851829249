//! The server functions' side of a request: the person asking, found in the request Leptos
//! provides as context by the same [`Asking`] extractor the form posts use, and [`answer`],
//! which every server function's body runs inside.
use crate::audit;
use crate::db::ClientHome;
use crate::domain::Role;
use crate::error::{set_response_status, AppError};
use crate::session::{self, Asking, NEW_CODE_COOKIE};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use leptos::prelude::use_context;

/// The app's state and the person asking the request under way.
pub async fn asking() -> Result<(AppState, Asking), AppError> {
    let state = use_context::<AppState>().ok_or(AppError::Unavailable)?;
    let mut parts = use_context::<http::request::Parts>().ok_or(AppError::Unavailable)?;
    let asking = Asking::from_request_parts(&mut parts, &state).await?;
    Ok((state, asking))
}

/// The signed-in client, with what every client page needs.
pub async fn signed_in_client() -> Result<(AppState, ClientHome), AppError> {
    let (state, asking) = asking().await?;
    let home = session::own_record(&state.db, asking.as_role(Role::Client)?).await?;
    Ok((state, home))
}

/// Runs a server function's body so that every failure answers with its own status (401,
/// 404, 503 rather than Leptos's 500), on a page rendered on the server and on a call from
/// the browser alike, and every refusal is in the audit trail under `action`.
pub async fn answer<T>(
    action: &'static str,
    body: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = answer_public(body).await;
    if let Err(error) = &result {
        if matches!(
            error,
            AppError::NotFound | AppError::NotSignedIn | AppError::Locked
        ) {
            if let Ok((state, asking)) = asking().await {
                audit::record_refusal(&state.db, &asking, action, None).await;
            }
        }
    }
    result
}

/// As [`answer`], for the public library's pages: a failure still sets its own status, but
/// nothing about the reader goes into the audit trail (a reader of public pages is nobody
/// the program knows, and nothing of their reading is kept beyond the request log).
pub async fn answer_public<T>(
    body: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = body.await;
    if let Err(error) = &result {
        set_response_status(*error);
    }
    result
}

/// The code this person just made, if any; the cookie is removed as it is read.
pub fn take_new_code(state: &AppState, person_id: &str) -> Option<String> {
    use axum_extra::extract::cookie::SignedCookieJar;
    let parts = use_context::<http::request::Parts>()?;
    let jar = SignedCookieJar::from_headers(&parts.headers, state.session_key.clone());
    let value = jar.get(NEW_CODE_COOKIE)?.value().to_owned();
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(removal) = http::HeaderValue::from_str(&session::cookie_removal(NEW_CODE_COOKIE))
        {
            response.append_header(http::header::SET_COOKIE, removal);
        }
    }
    let (owner, code) = value.split_once('|')?;
    (owner == person_id).then(|| code.to_owned())
}
