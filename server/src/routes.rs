//! Plain HTTP routes beside the pages.
use app::domain::Role;
use app::session::Asking;
use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// 200 when the database answers, 503 when it does not.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: database did not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

#[derive(serde::Deserialize)]
pub struct AuditRange {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The audit trail for a date range (UTC, both days included) as CSV, for admins only.
pub async fn audit_csv(
    State(state): State<AppState>,
    asking: Asking,
    axum::extract::Query(range): axum::extract::Query<AuditRange>,
) -> Response {
    if let Err(refused) = asking.as_role(Role::Admin) {
        return refused.into_response();
    }
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    let (Some(from), Some(to)) = (day(&range.from), day(&range.to)) else {
        return (
            StatusCode::BAD_REQUEST,
            "Please give both dates as year-month-day, for example 2026-11-01.",
        )
            .into_response();
    };
    if to < from || (to - from).num_days() > 366 {
        return (
            StatusCode::BAD_REQUEST,
            "Please choose a range of at most a year, ending on or after its start.",
        )
            .into_response();
    }
    let start = from.and_time(chrono::NaiveTime::MIN).and_utc();
    let end = (to + chrono::Duration::days(1))
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    let now = chrono::Utc::now();
    let entries = match app::actions::admin::export_audit(&state.db, &asking, start, end, now).await
    {
        Ok(entries) => entries,
        Err(refused) => return refused.into_response(),
    };
    let mut csv = String::from(
        "seq,at_utc,actor_id,actor_role,action,client_id,target,address,outcome,hash\n",
    );
    for e in entries {
        let fields = [
            e.seq.to_string(),
            e.at,
            e.actor_id.unwrap_or_default(),
            e.actor_role.unwrap_or_default(),
            e.action,
            e.client_id.unwrap_or_default(),
            e.target.unwrap_or_default(),
            e.address.unwrap_or_default(),
            e.outcome,
            e.hash,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        csv,
    )
        .into_response()
}

/// Quotes a CSV field, and defuses values a spreadsheet would run as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// `/learn`: the library in the language last read in (else the browser's), of the
/// signed-in person's program, else of this server's first program (a clinic's own link
/// is `/learn/<code>`, for which this picks only the language).
pub async fn library_entry(
    State(state): State<AppState>,
    asking: Asking,
    headers: axum::http::HeaderMap,
    code: Option<axum::extract::Path<String>>,
) -> Response {
    let language = app::session::chosen_language(&headers);
    let code = match code {
        Some(axum::extract::Path(code)) => Ok(Some(code)),
        None => match &asking.visitor {
            app::session::Visitor::SignedIn(person) => {
                app::db::library_code_of_organisation(&state.db, &person.organisation_id).await
            }
            _ => app::db::first_library_code(&state.db).await,
        },
    };
    match code {
        Ok(Some(code)) => {
            axum::response::Redirect::to(&app::domain::library_href(&code, language, ""))
                .into_response()
        }
        Ok(None) => app::error::AppError::NotFound.into_response(),
        Err(error) => app::error::AppError::from(error).into_response(),
    }
}
