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
    #[error("That passphrase doesn't match. Please check it and try again.")]
    WrongPassphrase,
    #[error("Too many tries. For your safety, please wait a few minutes, then try again.")]
    TooManyTries,
    #[error("Something went wrong on our side. Nothing you saved is lost. Please try again in a few minutes.")]
    Unavailable,
    #[error("Waypoint is very busy right now. Please wait a moment, then try again.")]
    Busy,
    #[error("We couldn't reach Waypoint. Check your connection and try again.")]
    Offline,
    #[error("We couldn't read what this page sent, so nothing was changed. Please reload the page and try again.")]
    BadRequest,
}

impl AppError {
    pub fn status(self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::NotSignedIn | AppError::Locked => 401,
            AppError::PasskeyRefused | AppError::WrongPassphrase | AppError::BadRequest => 400,
            AppError::TooManyTries => 429,
            AppError::Unavailable | AppError::Busy => 503,
            AppError::Offline => 502,
        }
    }

    /// A stable word for the kind of problem, for logs.
    pub fn kind(self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::NotSignedIn => "not_signed_in",
            AppError::Locked => "locked",
            AppError::PasskeyRefused => "passkey_refused",
            AppError::WrongPassphrase => "wrong_passphrase",
            AppError::TooManyTries => "too_many_tries",
            AppError::Unavailable => "unavailable",
            AppError::Busy => "busy",
            AppError::Offline => "offline",
            AppError::BadRequest => "bad_request",
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            AppError::NotFound => "Page not found",
            AppError::NotSignedIn => "Please sign in",
            AppError::Locked => "Welcome back",
            AppError::PasskeyRefused => "Passkey not accepted",
            AppError::WrongPassphrase => "Please check your passphrase",
            AppError::TooManyTries => "Please wait",
            AppError::Unavailable => "Something went wrong",
            AppError::Busy => "Please wait a moment",
            AppError::Offline => "No connection",
            AppError::BadRequest => "Please try again",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        let error = match error {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Offline,
            // Arguments that cannot be read: the call itself is wrong, not the server.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            _ => AppError::Unavailable,
        };
        // On the server this runs before the function's body, which would set the status.
        #[cfg(feature = "ssr")]
        set_response_status(error);
        error
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

/// How long a busy answer asks the browser to wait before trying again.
#[cfg(feature = "ssr")]
pub const BUSY_RETRY_AFTER_SECONDS: &str = "2";

#[cfg(feature = "ssr")]
impl From<crate::auth::Busy> for AppError {
    fn from(_: crate::auth::Busy) -> Self {
        tracing::warn!("too many passphrase checks under way; asked to try again");
        AppError::Busy
    }
}

#[cfg(feature = "ssr")]
impl From<crate::secrets::NoRandomness> for AppError {
    fn from(error: crate::secrets::NoRandomness) -> Self {
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

/// The plain answer to a request outside Leptos (the security check, the audit export):
/// the status, and the heading and message a person reads.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::SERVICE_UNAVAILABLE);
        let mut response = (status, format!("{}. {self}", self.heading())).into_response();
        if self == AppError::Busy {
            response.headers_mut().insert(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static(BUSY_RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}
