//! What every request passes through: who is asking (the session, through the `Asking`
//! extractor), whether a change comes from this site, and the security headers on every
//! answer.
use crate::nonce::CspNonce;
use app::audit;
use app::domain::{home_of, Role};
use app::session::{
    cookie_removal, session_cookie_name, session_token, Asking, ClientAddress, Visitor,
};
use app::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

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
                | app::bundle::LIBRARY_SCRIPT
                | crate::offline::OFFLINE_SHELL
        )
}

/// A change must come from a page of this site. Browsers say where a request came from in
/// `Sec-Fetch-Site`, which is trusted when present. Without it (older browsers), `Origin`
/// must be this site's public address (`WAYPOINT_PUBLIC_URL`), not whatever the `Host`
/// header says, which a proxy or the sender chooses; `Origin: null` is what a same-origin
/// form sends under `Referrer-Policy: no-referrer` in some of those browsers, so it passes,
/// and `SameSite=Lax` keeps the session cookie off any cross-site post. A change with
/// neither header is refused: every browser sends one of them, so no one's cookies can be
/// ridden through it, and a program that sends neither has no business changing anything.
fn is_cross_site(headers: &HeaderMap, public_origin: &str) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match text("origin") {
        None => true,
        Some("null") => false,
        Some(origin) => origin != public_origin,
    }
}

fn changes_something(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn protect(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if changes_something(request.method()) && is_cross_site(request.headers(), &state.public_origin)
    {
        let nobody = Asking {
            visitor: Visitor::Anonymous,
            address: ClientAddress::of(&state.trusted_proxies, peer, request.headers()),
            device: String::new(),
            known_device_tokens: Vec::new(),
        };
        audit::record_refusal(&state.db, &nobody, "request.cross_site", None).await;
        let refused = (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        );
        return with_security_headers(refused.into_response(), &state, None, true);
    }
    let personal = !is_static(&path);
    let (mut parts, body) = request.into_parts();
    let mut stale_cookie = false;
    // The sync route looks its session up itself, with where the sync starts (one query).
    if personal && path != crate::sync::PATH {
        // Who is asking, worked out once: every handler after this finds it in the request.
        let asking = match Asking::from_request_parts(&mut parts, &state).await {
            Ok(asking) => asking,
            Err(error) => return with_security_headers(error.into_response(), &state, None, true),
        };
        // The brand link and old bookmarks lead to "/": staff and supporters start elsewhere.
        if let Visitor::SignedIn(person) = &asking.visitor {
            if path == "/" && parts.method == Method::GET && person.role != Role::Client {
                let home = axum::response::Redirect::to(home_of(person.role));
                return with_security_headers(home.into_response(), &state, None, true);
            }
        }
        stale_cookie = session_token(&parts.headers, state.secure_cookies).is_some()
            && asking.visitor == Visitor::Anonymous;
    }
    let Some(nonce) = CspNonce::new() else {
        tracing::error!("no randomness for the page's nonce");
        let down = (
            StatusCode::SERVICE_UNAVAILABLE,
            "Please try again in a minute.",
        );
        return with_security_headers(down.into_response(), &state, None, true);
    };
    parts.extensions.insert(nonce.clone());
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if stale_cookie {
        drop_session_cookie(&mut response, &state);
    }
    with_security_headers(response, &state, Some(&nonce), personal)
}

/// The session ended (signed out elsewhere, expired): the dead cookie goes too.
pub fn drop_session_cookie(response: &mut Response, state: &AppState) {
    let removal = cookie_removal(session_cookie_name(state.secure_cookies));
    if let Ok(value) = HeaderValue::from_str(&removal) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
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

    const SITE: &str = "https://w.example";

    #[test]
    fn only_same_site_browser_requests_pass() {
        // Neither header: not a browser, refused.
        assert!(is_cross_site(&headers(&[]), SITE));
        assert!(!is_cross_site(
            &headers(&[("origin", "https://w.example")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "https://evil.example")]),
            SITE
        ));
        // The Host header is the sender's to choose: only the public address counts.
        assert!(is_cross_site(
            &headers(&[("host", "evil.example"), ("origin", "https://evil.example")]),
            SITE
        ));
        // What a same-origin form sends under `Referrer-Policy: no-referrer`.
        assert!(!is_cross_site(&headers(&[("origin", "null")]), SITE));
        assert!(!is_cross_site(
            &headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "null"), ("sec-fetch-site", "cross-site")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            SITE
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            SITE
        ));
    }
}
