//! Building the application: database, state, routes, listener. Tests use the same path
//! with port 0 and a fresh database.
use crate::config::Config;
use crate::{forms, nonce, offline, routes, security};
use app::db::{Db, DbError};
use app::state::AppState;
use app::{shell, App};
use axum::http::{header, HeaderValue, Method};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use axum_extra::extract::cookie::Key;
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("demo data: {0}")]
    Demo(#[from] crate::demo::DemoError),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("page settings: {0}")]
    Leptos(String),
    #[error("session key: {0}")]
    SessionKey(String),
    #[error("WAYPOINT_AUDIT_KEY must be set when WAYPOINT_PUBLIC_URL is https (see README)")]
    AuditKeyMissing,
    #[error("notifications: {0}")]
    Push(String),
}

/// Connects to the database with the audit trail's key, without changing anything.
pub async fn connect(config: &Config) -> Result<Db, StartError> {
    let key = config.audit_key().ok_or(StartError::AuditKeyMissing)?;
    if config.audit_key.is_none() {
        tracing::warn!(
            "WAYPOINT_AUDIT_KEY is not set: the audit trail is keyed with the demo's key"
        );
    }
    Ok(Db::connect(&config.database_url, config.db_connections)
        .await?
        .with_audit_key(key))
}

pub async fn connect_and_migrate(config: &Config) -> Result<Db, StartError> {
    let db = connect(config).await?;
    db.migrate().await?;
    Ok(db)
}

pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    router: Router,
    db: Db,
    pusher: Option<app::push::Pusher>,
    limits: Limits,
}

impl Application {
    /// Connects to the database, brings it up to date, and binds the listener.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let db = connect_and_migrate(&config).await?;
        Self::with_db(config, db).await
    }

    /// As [`Application::build`], with a database the caller already connected and migrated.
    pub async fn with_db(config: Config, db: Db) -> Result<Self, StartError> {
        let leptos_options = leptos_options(&config)?;
        let session_key = match &config.session_key {
            Some(secret) => Key::try_from(secret.expose().as_bytes())
                .map_err(|e| StartError::SessionKey(e.to_string()))?,
            None => {
                // Sessions live in the database and survive a restart either way; the key only
                // signs the cookie that shows a just-made code once.
                tracing::warn!(
                    "WAYPOINT_SESSION_KEY is not set: a set-up or invite code made just before \
                     a restart (or on another instance) is not shown; make it again"
                );
                Key::generate()
            }
        };
        let webauthn = match app::auth::relying_party(&config.public_url) {
            Ok(webauthn) => Some(std::sync::Arc::new(webauthn)),
            Err(reason) => {
                tracing::warn!(%reason, "passkeys are off");
                None
            }
        };
        let pusher = config
            .pusher()
            .map_err(|e| StartError::Push(e.to_string()))?;
        if pusher.is_none() {
            tracing::warn!("WAYPOINT_VAPID_PRIVATE_KEY is not set: notifications are off");
        }
        let state = AppState {
            push: pusher.clone(),
            webauthn,
            leptos_options,
            db: db.clone(),
            session_key,
            secure_cookies: config.is_production(),
            public_url: config.public_url.clone(),
            public_origin: app::state::origin_of(&config.public_url),
            trusted_proxies: std::sync::Arc::new(config.trusted_proxies.clone()),
        };
        let router = router(state);
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        Ok(Application {
            listener,
            address,
            router,
            db,
            pusher,
            limits: Limits {
                header_read: std::time::Duration::from_secs(config.header_timeout_seconds),
                request: std::time::Duration::from_secs(config.request_timeout_seconds),
            },
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until SIGTERM or Ctrl-C, then lets requests under way finish.
    pub async fn run_until_stopped(self) -> Result<(), StartError> {
        let mut jobs = vec![tokio::spawn(housekeeping(self.db.clone()))];
        if let Some(pusher) = self.pusher {
            jobs.push(tokio::spawn(app::push::keep_delivering(
                self.db.clone(),
                pusher,
            )));
            jobs.push(tokio::spawn(app::push::keep_reminding(self.db.clone())));
        }
        let served = serve(self.listener, self.router, self.limits, shutdown_signal()).await;
        for job in jobs {
            job.abort();
        }
        served?;
        self.db.close().await;
        tracing::info!("waypoint stopped cleanly");
        Ok(())
    }
}

/// How long a connection may take. A phone on a slow network sends a request's head in well
/// under a second; a connection that has not in `header_read` is someone holding it open on
/// purpose (slowloris) and is closed. A request whose answer takes longer than `request`
/// (a body trickled in, a stuck database) is answered 408 and its work dropped.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read: std::time::Duration,
    pub request: std::time::Duration,
}

/// Accepts connections until `stop`, each served by hyper with the header-read timeout, then
/// waits (at most 30 s) for the requests under way.
async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), StartError> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use tower::ServiceExt;
    let router = router.layer(tower_http::timeout::TimeoutLayer::with_status_code(
        axum::http::StatusCode::REQUEST_TIMEOUT,
        limits.request,
    ));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, for one: wait a moment rather than spin.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = router.clone().map_request(
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request.map(axum::body::Body::new)
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(service);
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read);
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection closed early (a timeout, the phone went away) is nothing to log.
            let _ = connection.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(std::time::Duration::from_secs(30)) => {
            tracing::warn!("stopped with requests still under way after 30 s");
        }
    }
    Ok(())
}

/// Hourly, on one instance of however many share the database (`db::claim_round`; each
/// looks every five minutes whether a round is due): forgets what was sent to devices whose
/// sessions are over (sessions left to expire are never ended by a request) and their push
/// subscriptions, tries at secrets too old to count, passkey ceremonies nobody finished,
/// and notifications sent a month ago. Nothing here grows for ever.
async fn housekeeping(db: Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(5 * 60));
    loop {
        every.tick().await;
        let now = chrono::Utc::now();
        match app::db::claim_round(&db, "housekeeping", now, chrono::Duration::hours(1)).await {
            Ok(true) => tidy(&db, now).await,
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "housekeeping: could not claim a round"),
        }
    }
}

/// One round of housekeeping; each part goes on when another fails.
pub async fn tidy(db: &Db, now: chrono::DateTime<chrono::Utc>) {
    if let Err(error) = app::db::forget_sync_of_past_sessions(db, now).await {
        tracing::warn!(%error, "housekeeping: could not forget past sessions' sync state");
    }
    if let Err(error) = app::db::prune_attempts(db, now - app::auth::FAILURE_MEMORY).await {
        tracing::warn!(%error, "housekeeping: could not forget old sign-in tries");
    }
    if let Err(error) = app::db::prune_known_devices(db, now - app::session::DEVICE_MEMORY).await {
        tracing::warn!(%error, "housekeeping: could not forget devices unused for months");
    }
    if let Err(error) = app::db::prune_ceremonies(db, now).await {
        tracing::warn!(%error, "housekeeping: could not forget unfinished passkey ceremonies");
    }
    if let Err(error) = app::db::prune_notifications(db, now - chrono::Duration::days(30)).await {
        tracing::warn!(%error, "housekeeping: could not forget old notifications");
    }
}

fn leptos_options(config: &Config) -> Result<LeptosOptions, StartError> {
    let mut options = leptos::config::get_configuration(None)
        .map_err(|e| StartError::Leptos(e.to_string()))?
        .leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "waypoint".into();
    }
    options.site_addr = config.addr;
    // cargo-leptos writes the content hashes of the wasm, JS and CSS beside the binary;
    // with them, asset names change with their content and can be cached for good.
    options.hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
        .is_some_and(|path| path.exists());
    Ok(options)
}

fn router(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let pkg_cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let pkg = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(pkg_cache),
        ))
        .service(
            ServeDir::new(format!("{}/{}", options.site_root, options.site_pkg_dir))
                .precompressed_br()
                .precompressed_gzip(),
        );
    plain_routes()
        .into_iter()
        .fold(Router::new(), |router, (path, _, handler)| {
            router.route(path, handler)
        })
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .leptos_routes_with_context(&state, page_routes(), nonce::provide_to_leptos, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(nonce::provide_to_leptos, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::protect,
        ))
        .layer(CompressionLayer::new().compress_when(made_per_request()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(record_answer),
        )
        .with_state(state)
}

/// Every route besides the pages, the server functions and the files, in one table with its
/// method, so that the authorisation tests can check each has a row.
fn plain_routes() -> Vec<(&'static str, Method, MethodRouter<AppState>)> {
    let mut routes = vec![
        ("/healthz", Method::GET, get(routes::healthz)),
        ("/admin/audit.csv", Method::GET, get(routes::audit_csv)),
        ("/learn", Method::GET, get(routes::library_entry)),
        ("/learn/{code}", Method::GET, get(routes::library_entry)),
        ("/calendar/{file}", Method::GET, get(routes::calendar_feed)),
        (
            "/appointments/{id}/calendar.ics",
            Method::GET,
            get(routes::appointment_calendar),
        ),
        (crate::sync::PATH, Method::POST, post(crate::sync::sync)),
        (
            offline::SERVICE_WORKER,
            Method::GET,
            get(offline::service_worker),
        ),
        (
            offline::OFFLINE_SHELL,
            Method::GET,
            get(offline::offline_shell),
        ),
    ];
    routes.extend(
        forms::table()
            .into_iter()
            .map(|(path, handler)| (path, Method::POST, handler)),
    );
    routes
}

/// The method and path of every route the router answers besides pages and files: the
/// plain routes above and every server function.
pub fn routes() -> Vec<(Method, String)> {
    let plain = plain_routes()
        .into_iter()
        .map(|(path, method, _)| (method, path.to_owned()));
    let server_functions =
        leptos::server_fn::axum::server_fn_paths().map(|(path, method)| (method, path.to_owned()));
    plain.chain(server_functions).collect()
}

/// What is compressed as it is sent: pages and answers, which are made per request. Static
/// files never are: a release build has their `.br` and `.gz` beside them
/// (`.ci/precompress.sh`), sent as they are by `ServeDir`.
fn made_per_request() -> impl Predicate {
    let file = |kind: &'static str| NotForContentType::const_new(kind);
    DefaultPredicate::new()
        .and(file("application/wasm"))
        .and(file("text/javascript"))
        .and(file("application/javascript"))
        .and(file("text/css"))
        .and(file("image/svg+xml"))
        .and(file("application/manifest+json"))
        .and(file("text/plain"))
}

/// Every request's span: what was asked (the path, never the query, which can hold a name
/// typed into a search), by whom (role and id, recorded by the `Asking` extractor) and the
/// answer's status.
/// The path as logs keep it: a calendar address is a secret (whoever has it reads the
/// client's appointments), so its token is left out.
fn logged_path(path: &str) -> &str {
    if path.starts_with("/calendar/") {
        "/calendar/…"
    } else {
        path
    }
}

fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = logged_path(request.uri().path()),
        actor_role = tracing::field::Empty,
        actor_id = tracing::field::Empty,
        status = tracing::field::Empty,
    )
}

fn record_answer(
    response: &axum::http::Response<axum::body::Body>,
    latency: std::time::Duration,
    span: &tracing::Span,
) {
    span.record("status", response.status().as_u16());
    tracing::info!(ms = latency.as_millis() as u64, "answered");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("stopping: finishing requests under way");
}

/// The paths of the app's pages, as the router declares them (`/caseload/:id`), so that tests
/// can check they walk every one.
pub fn page_paths() -> Vec<String> {
    page_routes()
        .iter()
        .map(|route| route.path().to_owned())
        .collect()
}

/// The app's page routes, worked out once per process. While Leptos works them out it holds
/// back every resource load in the whole process, and a resource first polled then never
/// loads (leptos-rs/leptos#4773): a page being rendered by another server in the same
/// process (the integration tests start many) would hang for good.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}
