//! Development-only sign-in, compiled out of release builds: pick a demo client and get the
//! signed session cookie that the client pages read. Real sign-in replaces this.
use crate::demo::DEMO_ORGANISATION_ID;
use app::db;
use app::session::{session_cookie, SESSION_COOKIE};
use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::cookie::{Cookie, SignedCookieJar};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dev/sign-in", get(sign_in_page).post(sign_in))
        .route("/dev/sign-out", post(sign_out))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn sign_in_page(State(state): State<AppState>) -> Response {
    let clients = match db::clients_of_organisation(&state.db, DEMO_ORGANISATION_ID).await {
        Ok(clients) => clients,
        Err(error) => {
            tracing::error!(%error, "dev sign-in: could not list clients");
            return (StatusCode::SERVICE_UNAVAILABLE, "Database unavailable").into_response();
        }
    };
    let buttons: String = clients
        .iter()
        .map(|c| {
            format!(
                "<li><button name=\"client\" value=\"{}\">{}</button> <small>{}</small></li>",
                escape(&c.client_id),
                escape(&c.preferred_name),
                escape(c.case_manager.as_deref().unwrap_or("no case manager")),
            )
        })
        .collect();
    let empty = if clients.is_empty() {
        "<p>No demo clients yet. Run <code>waypoint seed-demo</code>.</p>"
    } else {
        ""
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Demo sign-in · Waypoint</title></head><body><main>\
         <h1>Demo sign-in</h1><p>Development builds only. Choose a fictitious client.</p>{empty}\
         <form method=\"post\" action=\"/dev/sign-in\"><ul>{buttons}</ul></form>\
         </main></body></html>"
    ))
    .into_response()
}

#[derive(Deserialize)]
struct SignIn {
    client: String,
}

async fn sign_in(
    State(state): State<AppState>,
    jar: SignedCookieJar,
    Form(form): Form<SignIn>,
) -> Response {
    match db::client_home(&state.db, &form.client).await {
        Ok(Some(home)) => {
            (jar.add(session_cookie(home.client_id)), Redirect::to("/")).into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, "No such client").into_response(),
        Err(error) => {
            tracing::error!(%error, "dev sign-in failed");
            (StatusCode::SERVICE_UNAVAILABLE, "Database unavailable").into_response()
        }
    }
}

async fn sign_out(jar: SignedCookieJar) -> impl IntoResponse {
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/dev/sign-in"),
    )
}
