use crate::db::Db;
use axum::extract::FromRef;
use axum_extra::extract::cookie::Key;
use leptos::prelude::LeptosOptions;

/// The origin of a public address, as browsers write it in `Origin`: scheme, host and a
/// port other than the scheme's own.
pub fn origin_of(public_url: &str) -> String {
    url::Url::parse(public_url)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_default()
}

/// What every request can reach. Leptos provides it as context to server functions.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Signs the short-lived cookie that carries a new code to the page that shows it once.
    pub session_key: Key,
    /// Served over TLS: cookies are `Secure` with the `__Host-` prefix, and HSTS is sent.
    pub secure_cookies: bool,
    /// The address people use (`WAYPOINT_PUBLIC_URL`), for links in codes.
    pub public_url: String,
    /// Its origin (`https://host[:port]`), what a browser's `Origin` header must say.
    #[from_ref(skip)]
    pub public_origin: String,
    /// The WebAuthn relying party; `None` when the public address has no domain name.
    pub webauthn: Option<std::sync::Arc<webauthn_rs::Webauthn>>,
    /// Whose forwarding headers say where a request comes from (`WAYPOINT_TRUSTED_PROXIES`).
    pub trusted_proxies: std::sync::Arc<crate::proxy::TrustedProxies>,
    /// What sends notifications; `None` when they are off (no VAPID key in a deployment).
    pub push: Option<crate::push::Pusher>,
}
