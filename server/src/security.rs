//! What every request passes through: who is asking (the session), from where, whether a
//! change comes from this site, and the security headers on every answer.
use app::db::{self, AuditEvent, Outcome};
use app::domain::Role;
use app::session::{resolve_visitor, session_cookie_name, ClientAddress, Visitor};
use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::Utc;
use std::net::SocketAddr;
use std::sync::Arc;

/// The nonce of this response's inline script, shared with Leptos's renderer.
#[derive(Debug, Clone)]
pub struct CspNonce(pub Arc<str>);

/// Paths that carry no one's information and need no session.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/icons/")
        || matches!(
            path,
            "/favicon.svg"
                | "/manifest.webmanifest"
                | "/robots.txt"
                | "/healthz"
                | crate::offline::SERVICE_WORKER
                | "/register-sw.js"
                | crate::offline::OFFLINE_SHELL
        )
}

/// A change must come from a page of this site. Browsers say where a request came from in
/// `Sec-Fetch-Site`, which is trusted when present. Without it (older browsers), `Origin`
/// must name this host; `Origin: null` is what a same-origin form sends under
/// `Referrer-Policy: no-referrer`, so it passes, and `SameSite=Lax` keeps the session cookie
/// off any cross-site post. Programs that send neither header are not browsers, so no one's
/// cookies can be ridden through them.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (text("origin"), text("host")) {
        (None | Some("null"), _) => false,
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            origin_host != Some(host)
        }
        (Some(_), None) => true,
    }
}

fn changes_something(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn protect(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let address = peer.ip().to_string();
    let now = Utc::now();
    if changes_something(request.method()) && is_cross_site(request.headers()) {
        let refusal = AuditEvent {
            actor_id: None,
            actor_role: None,
            action: "request.cross_site",
            client_id: None,
            target: None,
            address: Some(address.clone()),
            outcome: Outcome::Refused,
        };
        if let Err(error) = db::record_audit_now(&state.db, &[refusal], now).await {
            tracing::error!(%error, "could not record a cross-site refusal");
        }
        let refused = (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        );
        return with_security_headers(refused.into_response(), &state, None, true);
    }
    let jar = CookieJar::from_headers(request.headers());
    let cookie_name = session_cookie_name(state.secure_cookies);
    let token = jar.get(cookie_name).map(|c| c.value().to_owned());
    let visitor = if is_static(&path) {
        Visitor::Anonymous
    } else {
        match resolve_visitor(&state.db, token.as_deref(), now).await {
            Ok(visitor) => visitor,
            Err(error) => {
                tracing::error!(%error, "could not look up the session");
                let unavailable = app::error::AppError::Unavailable;
                let down = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("{}. {unavailable}", unavailable.heading()),
                );
                return with_security_headers(down.into_response(), &state, None, true);
            }
        }
    };
    // The brand link and old bookmarks lead to "/": staff and supporters start elsewhere.
    if let Visitor::SignedIn(person) = &visitor {
        if path == "/" && request.method() == Method::GET && person.role != Role::Client {
            let home = axum::response::Redirect::to(crate::forms::home_of(person.role));
            return with_security_headers(home.into_response(), &state, None, true);
        }
    }
    let stale_cookie = token.is_some() && visitor == Visitor::Anonymous && !is_static(&path);
    let Ok(nonce_bytes) = app::auth::random_bytes::<16>() else {
        tracing::error!("no randomness for the page's nonce");
        let down = (
            StatusCode::SERVICE_UNAVAILABLE,
            "Please try again in a minute.",
        );
        return with_security_headers(down.into_response(), &state, None, true);
    };
    let nonce = CspNonce(app::auth::hex(&nonce_bytes).into());
    request.extensions_mut().insert(visitor);
    request.extensions_mut().insert(ClientAddress(address));
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    if stale_cookie {
        // The session ended (signed out elsewhere, expired): drop the dead cookie.
        if let Ok(value) = HeaderValue::from_str(&app::auth::cookie_removal(cookie_name)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    with_security_headers(response, &state, Some(&nonce), !is_static(&path))
}

fn with_security_headers(
    mut response: Response,
    state: &AppState,
    nonce: Option<&CspNonce>,
    personal: bool,
) -> Response {
    let script = match nonce {
        Some(nonce) => format!("'self' 'nonce-{}' 'wasm-unsafe-eval'", nonce.0),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    let policy = format!(
        "default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    );
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set(header::CONTENT_SECURITY_POLICY, &policy);
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if state.secure_cookies {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    if personal {
        set(header::CACHE_CONTROL, "no-store");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_same_site_browser_requests_pass() {
        assert!(!is_cross_site(&headers(&[])));
        assert!(!is_cross_site(&headers(&[
            ("host", "w.example"),
            ("origin", "https://w.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "w.example"),
            ("origin", "https://evil.example")
        ])));
        // What a same-origin form sends under `Referrer-Policy: no-referrer`.
        assert!(!is_cross_site(&headers(&[
            ("host", "w.example"),
            ("origin", "null")
        ])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "null"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
    }
}
