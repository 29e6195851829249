//! The build's files that start the app in a browser: the script, the wasm and the styles,
//! by the names the build gave them (with a hash of their content when file hashing is on,
//! so a new build is new names and the old files can be cached for good). There are two
//! bundles: the client's (built by cargo-leptos, the app shell the service worker keeps)
//! and the staff's (built beside it by `.ci/build-staff.sh`). Pages start the app with the
//! bundle of their kind.
use leptos::prelude::LeptosOptions;
use std::sync::OnceLock;

/// The staff bundle's file names start with this, in the site's package folder.
pub const STAFF_OUTPUT: &str = "waypoint-staff";
/// The staff bundle's hashes, beside the binary (as cargo-leptos writes `hash.txt`).
pub const STAFF_HASH_FILE: &str = "staff-hash.txt";
/// The library pages' only script (from `public/`).
pub const LIBRARY_SCRIPT: &str = "/library.js";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub script: String,
    pub wasm: String,
    pub styles: String,
    /// Changes whenever any of the three does.
    pub version: String,
    /// Whether the service worker keeps it as the app shell (the client bundle).
    pub is_app_shell: bool,
    /// What the bundle exports to start on a page from the server: the client bundle's
    /// `start` (the page is whole, not hydrated), the staff bundle's `hydrate`.
    pub entry: &'static str,
}

impl Bundle {
    /// The client bundle, worked out once per process from the hashes cargo-leptos writes
    /// beside the binary, as Leptos does for its own `<link>`s.
    pub fn client(options: &LeptosOptions) -> &'static Bundle {
        static BUNDLE: OnceLock<Bundle> = OnceLock::new();
        let hash_file = options.hash_file.to_string();
        BUNDLE.get_or_init(|| Bundle {
            is_app_shell: true,
            entry: "start",
            ..Bundle::read(options, &options.output_name, &hash_file)
        })
    }

    /// The staff bundle, with its styles the client bundle's (there is one style sheet).
    pub fn staff(options: &LeptosOptions) -> &'static Bundle {
        static BUNDLE: OnceLock<Bundle> = OnceLock::new();
        BUNDLE.get_or_init(|| Bundle {
            styles: Bundle::client(options).styles.clone(),
            ..Bundle::read(options, STAFF_OUTPUT, STAFF_HASH_FILE)
        })
    }

    /// The library's pages need no wasm: a family member reading on prepaid data gets
    /// the page, the styles and a small plain script (`public/library.js`: save the
    /// library for offline, share, print), and the service worker that keeps what they
    /// read (without the client bundle, see `public/sw.js`).
    pub fn library(options: &LeptosOptions) -> &'static Bundle {
        static BUNDLE: OnceLock<Bundle> = OnceLock::new();
        BUNDLE.get_or_init(|| {
            let client = Bundle::client(options);
            Bundle {
                script: LIBRARY_SCRIPT.to_owned(),
                wasm: String::new(),
                styles: client.styles.clone(),
                version: client.version.clone(),
                is_app_shell: true,
                entry: "",
            }
        })
    }

    /// The bundle for the page of the request under way.
    pub fn for_request(options: &LeptosOptions) -> &'static Bundle {
        let path = leptos::prelude::use_context::<http::request::Parts>()
            .map(|parts| parts.uri.path().to_owned())
            .unwrap_or_default();
        if crate::components::is_staff_page(&path) {
            Bundle::staff(options)
        } else if crate::components::is_library_page(&path) {
            Bundle::library(options)
        } else {
            Bundle::client(options)
        }
    }

    fn read(options: &LeptosOptions, name: &str, hash_file: &str) -> Bundle {
        let pkg = options.site_pkg_dir.to_string();
        let hashes = if options.hash_files {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(hash_file)))
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
        let version = match (hash_of("js"), hash_of("wasm"), hash_of("css")) {
            (Some(js), Some(wasm), Some(css)) => format!("{js}-{wasm}-{css}"),
            // Unhashed (a development build without cargo-leptos): a new start is a new
            // version, so the phone never keeps stale files.
            _ => format!("dev-{}", chrono::Utc::now().timestamp()),
        };
        Bundle {
            script: named("js", "", "js"),
            wasm: named("wasm", "_bg", "wasm"),
            styles: named("css", "", "css"),
            version,
            is_app_shell: false,
            entry: "hydrate",
        }
    }

    /// The inline script that starts the bundle on a page rendered by the server, once the
    /// page has loaded, painted (the frame after `load`) and the browser is idle: nothing of
    /// the app is fetched ahead of the page's own content, which is whole and usable (plain
    /// forms) before the wasm arrives.
    /// A page the browser brings back from its back-forward cache is loaded afresh: it may
    /// show someone who has signed out since, or a page of the other bundle half left.
    pub fn start_script(&self) -> String {
        let (script, wasm, entry) = (&self.script, &self.wasm, self.entry);
        // The service worker that keeps the client bundle for offline is registered then too
        // (its script, and its download of the shell, come after the page as well).
        let worker = if self.is_app_shell {
            "const worker = document.createElement(\"script\");\
             worker.src = \"/register-sw.js\";\
             document.head.append(worker);"
        } else {
            ""
        };
        // The library's pages have a plain script and no wasm, and nothing to reload from
        // the back-forward cache (they are the same for everyone).
        let (begin, revisit) = if wasm.is_empty() {
            (format!("import({script:?});"), "")
        } else {
            // The wasm's download starts beside the script's (a hint added now, not in the
            // page's head), and the script's own fetch of it then takes that download.
            (
                format!(
                    "const hint = document.createElement(\"link\");\
                     Object.assign(hint, {{ rel: \"preload\", as: \"fetch\", href: {wasm:?}, crossOrigin: \"\" }});\
                     hint.type = \"application/wasm\";\
                     document.head.append(hint);\
                     import({script:?}).then((app) =>\
                       app.default({{ module_or_path: {wasm:?} }}).then(() => app.{entry}()));"
                ),
                "addEventListener(\"pageshow\", (shown) => shown.persisted && location.reload());",
            )
        };
        format!(
            "(() => {{\
               const start = () => {{ {worker} {begin} }};\
               const idle = () => \"requestIdleCallback\" in window\
                 ? requestIdleCallback(start, {{ timeout: 2000 }}) : setTimeout(start, 0);\
               const painted = () => requestAnimationFrame(() => setTimeout(idle, 0));\
               if (document.readyState === \"complete\") painted();\
               else addEventListener(\"load\", painted, {{ once: true }});\
               {revisit}\
             }})();"
        )
    }
}
