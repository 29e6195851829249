//! The errors a person can meet, each with what to do about it. This is what crosses from the
//! server to the browser, so it carries no internal detail: the server logs that and sends
//! only the kind of problem.
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("We couldn't find that page. It may have moved, or the link may be wrong.")]
    NotFound,
    #[error("Please sign in to go on.")]
    NotSignedIn,
    #[error("Welcome back. Please enter your passphrase to go on.")]
    Locked,
    #[error("That passkey didn't work. Please try again, or use your passphrase.")]
    PasskeyRefused,
    #[error("Too many tries. For your safety, please wait a few minutes, then try again.")]
    TooManyTries,
    #[error("Something went wrong on our side. Nothing you saved is lost. Please try again in a few minutes.")]
    Unavailable,
    #[error("We couldn't reach Waypoint. Check your connection and try again.")]
    Offline,
}

impl AppError {
    pub fn status(self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::NotSignedIn | AppError::Locked => 401,
            AppError::PasskeyRefused => 400,
            AppError::TooManyTries => 429,
            AppError::Unavailable => 503,
            AppError::Offline => 502,
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            AppError::NotFound => "Page not found",
            AppError::NotSignedIn => "Please sign in",
            AppError::Locked => "Welcome back",
            AppError::PasskeyRefused => "Passkey not accepted",
            AppError::TooManyTries => "Please wait",
            AppError::Unavailable => "Something went wrong",
            AppError::Offline => "No connection",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        match error {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Offline,
            _ => AppError::Unavailable,
        }
    }
}

/// Sets the status of the response under way to what `error` deserves: the page's status
/// when rendering on the server, the call's status when a server function answers the
/// browser (instead of Leptos's default 500).
#[cfg(feature = "ssr")]
pub fn set_response_status(error: AppError) {
    use leptos::prelude::use_context;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            response.set_status(status);
        }
    }
}

/// Wraps a server function's body so that every failure answers with its own status, and
/// every refusal is in the audit trail under `action`.
#[cfg(feature = "ssr")]
pub async fn answer<T>(
    action: &'static str,
    body: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = body.await;
    if let Err(error) = &result {
        set_response_status(*error);
        if matches!(
            error,
            AppError::NotFound | AppError::NotSignedIn | AppError::Locked
        ) {
            crate::audit::record_refusal(action, None).await;
        }
    }
    result
}

#[cfg(feature = "ssr")]
impl From<crate::auth::NoRandomness> for AppError {
    fn from(error: crate::auth::NoRandomness) -> Self {
        tracing::error!(%error, "no randomness");
        AppError::Unavailable
    }
}

/// The one place where a server-side failure becomes what a person is told: the detail goes
/// to the log, the person gets a safe message.
#[cfg(feature = "ssr")]
impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> Self {
        tracing::error!(%error, "database request failed");
        AppError::Unavailable
    }
}
