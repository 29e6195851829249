//! What a phone needs to open the app with no network: the service worker (`/sw.js`, with
//! the list of files it keeps) and the offline shell (`/offline`), which starts the app
//! without a server-rendered page. Neither carries anyone's information.
use crate::nonce::CspNonce;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use leptos::prelude::LeptosOptions;

pub const SERVICE_WORKER: &str = "/sw.js";
pub const OFFLINE_SHELL: &str = "/offline";

/// The app shell: the files a phone keeps so the app opens offline. Their names carry a hash
/// of their content, so a new build is a new list and a new cache.
#[derive(Debug, Clone)]
pub struct Shell {
    pub script: String,
    pub wasm: String,
    pub styles: String,
    /// Changes whenever any file of the shell does.
    pub version: String,
}

impl Shell {
    /// Works out the shell's file names as Leptos does for its own `<link>`s: from the
    /// hashes cargo-leptos writes beside the binary, when file hashing is on.
    pub fn of(options: &LeptosOptions) -> Shell {
        let name = options.output_name.to_string();
        let pkg = options.site_pkg_dir.to_string();
        let hashes = if options.hash_files {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let hash_of = |kind: &str| {
            hashes.lines().find_map(|line| {
                let (file, hash) = line.trim().split_once(':')?;
                (file == kind).then(|| hash.trim().to_owned())
            })
        };
        let named = |kind: &str, unhashed: &str, extension: &str| match hash_of(kind) {
            Some(hash) => format!("/{pkg}/{name}.{hash}.{extension}"),
            None => format!("/{pkg}/{name}{unhashed}.{extension}"),
        };
        let script = named("js", "", "js");
        let wasm = named("wasm", "_bg", "wasm");
        let styles = named("css", "", "css");
        let version = match (hash_of("js"), hash_of("wasm"), hash_of("css")) {
            (Some(js), Some(wasm), Some(css)) => format!("{js}-{wasm}-{css}"),
            // Unhashed (a development build without cargo-leptos): a new start is a new
            // version, so the phone never keeps stale files.
            _ => format!("dev-{}", chrono::Utc::now().timestamp()),
        };
        Shell {
            script,
            wasm,
            styles,
            version,
        }
    }

    fn files(&self) -> Vec<&str> {
        vec![
            &self.script,
            &self.wasm,
            &self.styles,
            OFFLINE_SHELL,
            "/register-sw.js",
            "/manifest.webmanifest",
            "/favicon.svg",
            "/icons/icon-192.png",
            "/icons/icon-512.png",
            "/icons/maskable-512.png",
            "/icons/apple-touch-icon.png",
        ]
    }
}

/// `/sw.js`: the worker's code with this build's shell in front of it.
pub async fn service_worker(shell: Shell) -> Response {
    let files = serde_json::to_string(&shell.files()).unwrap_or_else(|_| "[]".to_owned());
    let version = serde_json::to_string(&shell.version).unwrap_or_else(|_| "\"\"".to_owned());
    let body = format!(
        "const VERSION = {version};\nconst SHELL = {files};\n{}",
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
pub async fn offline_shell(shell: Shell, Extension(nonce): Extension<CspNonce>) -> Response {
    let Shell {
        script,
        wasm,
        styles,
        ..
    } = shell;
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
