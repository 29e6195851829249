//! `POST /api/v1/sync`: the JSON face of sync protocol v1 (`server/SYNC.md`). The rules are
//! in `app::sync`; this maps who is asking and what went wrong to HTTP.
use app::domain::SyncRequest;
use app::session::{ClientAddress, Visitor};
use app::state::AppState;
use app::sync::SyncError;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

/// The path of protocol v1.
pub const PATH: &str = "/api/v1/sync";

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
    Extension(visitor): Extension<Visitor>,
    Extension(address): Extension<ClientAddress>,
    request: Result<Json<SyncRequest>, JsonRejection>,
) -> Response {
    let person = match visitor {
        Visitor::SignedIn(person) => person,
        // The device wipes its copy: this session is over (signed out, ended elsewhere,
        // expired).
        Visitor::Anonymous => {
            return refusal(
                StatusCode::UNAUTHORIZED,
                "signed_out",
                "Please sign in to go on.",
            )
        }
        // The device keeps its copy and asks for the passphrase.
        Visitor::Locked(_) => {
            return refusal(
                StatusCode::UNAUTHORIZED,
                "locked",
                "Welcome back. Please enter your passphrase to go on.",
            )
        }
    };
    let Ok(Json(request)) = request else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "malformed",
            "That request was not understood. Please update the app.",
        );
    };
    match app::sync::sync(&state.db, &person, &address, request, chrono::Utc::now()).await {
        Ok(answer) => Json(answer).into_response(),
        Err(SyncError::Protocol(_) | SyncError::TooManyCheckIns) => refusal(
            StatusCode::BAD_REQUEST,
            "malformed",
            "That request was not understood. Please update the app.",
        ),
        Err(SyncError::NoCopyForRole) => refusal(StatusCode::NOT_FOUND, "not_found", "Not found."),
        Err(error) => {
            tracing::error!(%error, "sync failed");
            refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Something went wrong on our side. Nothing you saved is lost. It will be sent again.",
            )
        }
    }
}
