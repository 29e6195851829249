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
    #[error("Please sign in to see your plan.")]
    NotSignedIn,
    #[error("Something went wrong on our side. Nothing you saved is lost. Please try again in a few minutes.")]
    Unavailable,
    #[error("We couldn't reach Waypoint. Check your connection and try again.")]
    Offline,
}

impl AppError {
    pub fn status(self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::NotSignedIn => 401,
            AppError::Unavailable => 503,
            AppError::Offline => 502,
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            AppError::NotFound => "Page not found",
            AppError::NotSignedIn => "Please sign in",
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

/// The one place where a server-side failure becomes what a person is told: the detail goes
/// to the log, the person gets a safe message.
#[cfg(feature = "ssr")]
impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> Self {
        tracing::error!(%error, "database request failed");
        AppError::Unavailable
    }
}
