//! What a phone needs to open the app with no network: the service worker (`/sw.js`, with
//! the list of files it keeps) and the offline shell (`/offline`), which starts the app
//! without a server-rendered page. Neither carries anyone's information.
use crate::nonce::CspNonce;
use app::bundle::Bundle;
use app::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;

pub const SERVICE_WORKER: &str = "/sw.js";
pub const OFFLINE_SHELL: &str = "/offline";

/// The app shell: the files a phone keeps so the app opens offline. Their names carry a hash
/// of their content, so a new build is a new list and a new cache.
fn shell_files(bundle: &Bundle) -> Vec<&str> {
    vec![
        &bundle.script,
        &bundle.wasm,
        &bundle.styles,
        OFFLINE_SHELL,
        "/register-sw.js",
        app::bundle::LIBRARY_SCRIPT,
        "/manifest.webmanifest",
        "/favicon.svg",
        "/icons/icon-192.png",
        "/icons/icon-512.png",
        "/icons/maskable-512.png",
        "/icons/apple-touch-icon.png",
    ]
}

/// What the library's pages need offline, for a phone that has only read the library.
fn library_files(bundle: &Bundle) -> Vec<&str> {
    vec![
        &bundle.styles,
        app::bundle::LIBRARY_SCRIPT,
        "/register-sw.js",
        "/favicon.svg",
    ]
}

/// `/sw.js`: the worker's code with this build's shell in front of it.
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let bundle = Bundle::client(&state.leptos_options);
    let files = serde_json::to_string(&shell_files(bundle)).unwrap_or_else(|_| "[]".to_owned());
    let version = serde_json::to_string(&bundle.version).unwrap_or_else(|_| "\"\"".to_owned());
    let library = serde_json::to_string(&library_files(bundle)).unwrap_or_else(|_| "[]".to_owned());
    let body = format!(
        "const VERSION = {version};\nconst SHELL = {files};\nconst LIBRARY_SHELL = {library};\n{}",
        include_str!("../../public/sw.js")
    );
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    // Checked on every visit, so a new version is found as soon as it is deployed.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `/offline`: a page with no one's information that starts the app in the browser. The
/// service worker keeps it and answers with it when a page cannot be fetched.
pub async fn offline_shell(
    State(state): State<AppState>,
    Extension(nonce): Extension<CspNonce>,
) -> Response {
    let bundle = Bundle::client(&state.leptos_options);
    let Bundle {
        script,
        wasm,
        styles,
        ..
    } = bundle;
    let nonce = nonce.0;
    let page = format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#1d4f4a">
<meta name="referrer" content="no-referrer">
<title>Waypoint</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="stylesheet" href="{styles}">
<script src="/register-sw.js" defer></script>
<script type="module" nonce="{nonce}">
import start, {{ mount_offline }} from "{script}";
start({{ module_or_path: "{wasm}" }}).then(() => {{
  document.getElementById("offline-start")?.remove();
  mount_offline();
}});
</script>
</head>
<body>
<main id="offline-start" class="offline-start">
<h1>No connection</h1>
<p>Waypoint is opening what is saved on this phone.</p>
</main>
</body>
</html>
"##
    );
    Html(page).into_response()
}
