//! `POST /api/v1/sync`: the JSON face of sync protocol v1 (`server/SYNC.md`). The action is
//! `app::actions::sync`; this maps who is asking and what went wrong to HTTP.
use app::actions::sync::SyncError;
use app::domain::SyncRequest;
use app::error::AppError;
use app::session::{resolve_visitor, Unresolved};
use app::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};

/// The path of protocol v1.
pub const PATH: &str = app::domain::SYNC_PATH;

/// A refusal: a stable code for the device to act on, and words for the person.
fn refusal(status: StatusCode, code: &'static str, message: &'static str) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": code, "message": message })),
    )
        .into_response()
}

pub async fn sync(
    State(state): State<AppState>,
    caller: Unresolved,
    request: Result<Json<SyncRequest>, JsonRejection>,
) -> Response {
    let had_token = caller.token.is_some();
    let now = Utc::now();
    let answer = match request {
        Ok(Json(request)) => app::actions::sync::sync(&state.db, caller, request, now).await,
        Err(_) => Err(unreadable(&state, caller, now).await),
    };
    match answer {
        Ok(answer) => Json(answer).into_response(),
        Err(SyncError::Unreadable | SyncError::Protocol(_) | SyncError::TooManyCheckIns) => {
            refusal(
                StatusCode::BAD_REQUEST,
                "malformed",
                "That request was not understood. Please update the app.",
            )
        }
        Err(SyncError::NoCopyForRole) => refusal(StatusCode::NOT_FOUND, "not_found", "Not found."),
        Err(SyncError::App(AppError::NotSignedIn)) if had_token => {
            let mut response = refused(AppError::NotSignedIn);
            crate::security::drop_session_cookie(&mut response, &state);
            response
        }
        Err(SyncError::App(error)) => refused(error),
    }
}

/// A body that is not a sync request. Who is asking comes first: a signed-out phone learns
/// to wipe itself whatever it sent.
async fn unreadable(state: &AppState, caller: Unresolved, now: DateTime<Utc>) -> SyncError {
    let token = caller.token.as_deref();
    match resolve_visitor(&state.db, token, false, now).await {
        Ok(visitor) => match caller.resolved(visitor).signed_in() {
            Ok(_) => SyncError::Unreadable,
            Err(error) => error.into(),
        },
        Err(error) => AppError::from(error).into(),
    }
}

/// What the device is told when the action refused or failed.
fn refused(error: AppError) -> Response {
    match error {
        // The device wipes its copy: this session is over (signed out, ended elsewhere,
        // expired).
        AppError::NotSignedIn => refusal(
            StatusCode::UNAUTHORIZED,
            "signed_out",
            "Please sign in to go on.",
        ),
        // The device keeps its copy and asks for the passphrase.
        AppError::Locked => refusal(
            StatusCode::UNAUTHORIZED,
            "locked",
            "Welcome back. Please enter your passphrase to go on.",
        ),
        AppError::NotFound => refusal(StatusCode::NOT_FOUND, "not_found", "Not found."),
        // Logged where it happened.
        _ => refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Something went wrong on our side. Nothing you saved is lost. It will be sent again.",
        ),
    }
}
