//! Plain HTTP routes beside the pages.
use app::db::AuditEntry;
use app::domain::Role;
use app::error::AppError;
use app::session::Asking;
use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

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
    let export = match app::actions::admin::export_audit(&state.db, &asking, start, end, now).await
    {
        Ok(export) => export,
        Err(refused) => return refused.into_response(),
    };
    let header = "seq,at_utc,actor_id,actor_role,action,client_id,target,address,outcome,hash\n";
    // A page of entries in memory at a time: a year of a big program is millions of rows.
    // A page that fails midway ends the download unfinished (the browser says it failed).
    let db = state.db.clone();
    let pages = futures::stream::unfold(Some(None), move |after: Option<Option<AuditEntry>>| {
        let (db, export) = (db.clone(), export.clone());
        async move {
            let after = after?;
            match export.page(&db, after.as_ref()).await {
                Ok(page) if page.is_empty() => None,
                Ok(page) => {
                    let more = page.len() == app::db::AUDIT_PAGE;
                    let next = more.then(|| page.last().cloned());
                    Some((Ok(csv_lines(&page)), next))
                }
                Err(error) => {
                    tracing::error!(kind = error.kind(), "audit export stopped midway");
                    let stopped = std::io::Error::other("the audit export stopped midway");
                    Some((Err(stopped), None))
                }
            }
        }
    });
    let body = futures::stream::once(async move { Ok(header.to_owned()) }).chain(pages);
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response()
}

/// Entries as lines of the export's CSV.
fn csv_lines(entries: &[AuditEntry]) -> String {
    let mut csv = String::new();
    for e in entries {
        let seq = e.seq.to_string();
        let fields = [
            seq.as_str(),
            &e.at,
            e.actor_id.as_deref().unwrap_or_default(),
            e.actor_role.as_deref().unwrap_or_default(),
            &e.action,
            e.client_id.as_deref().unwrap_or_default(),
            e.target.as_deref().unwrap_or_default(),
            e.address.as_deref().unwrap_or_default(),
            &e.outcome,
            &e.hash,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }
    csv
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

/// How far back and ahead a calendar goes, in days.
const CALENDAR_DAYS_BACK: i64 = 30;
const CALENDAR_DAYS_AHEAD: i64 = 366;

/// A calendar answer: `text/calendar`, never kept by anything between.
fn calendar_answer(text: String, file_name: Option<&str>) -> Response {
    let mut response = (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/calendar; charset=utf-8",
        )],
        text,
    )
        .into_response();
    if let Some(name) = file_name {
        if let Ok(value) =
            axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        {
            response
                .headers_mut()
                .insert(axum::http::header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

/// `/calendar/<token>.ics`: the client's appointments for the phone calendar that polls
/// this private address. No session: the token is the key, kept only as its hash; an
/// unknown or ended one is "not found" like any missing page.
pub async fn calendar_feed(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let hash = app::secrets::secret_hash(token);
    let now = chrono::Utc::now();
    let answer = async {
        let client = app::db::client_of_calendar_token(&state.db, &hash)
            .await?
            .ok_or(AppError::NotFound)?;
        let home = app::db::client_home(&state.db, &client)
            .await?
            .ok_or(AppError::NotFound)?;
        let today = app::domain::local_time_of(&home.time_zone, now);
        let entries = app::db::calendar_entries(
            &state.db,
            &client,
            &home.time_zone,
            today - chrono::Duration::days(CALENDAR_DAYS_BACK),
            today + chrono::Duration::days(CALENDAR_DAYS_AHEAD),
        )
        .await?;
        let detail = app::db::notification_settings(&state.db, &client)
            .await?
            .detail;
        Ok::<_, AppError>(app::domain::calendar_text(&entries, detail, now))
    };
    match answer.await {
        Ok(text) => calendar_answer(text, None),
        Err(error) => error.into_response(),
    }
}

/// `/appointments/<id>/calendar.ics`: one of the signed-in client's appointments, to add
/// to a phone's calendar once.
pub async fn appointment_calendar(
    State(state): State<AppState>,
    asking: Asking,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let now = chrono::Utc::now();
    let answer = async {
        let home = app::session::own_record(&state.db, asking.as_role(Role::Client)?).await?;
        let id = app::domain::RecordId::parse(&id).ok_or(AppError::NotFound)?;
        let appointment = app::db::appointment_of_client(&state.db, &home.client_id, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        let entry = app::db::calendar_entry(appointment, &home.time_zone);
        let detail = app::db::notification_settings(&state.db, &home.client_id)
            .await?
            .detail;
        Ok::<_, AppError>(app::domain::calendar_text(&[entry], detail, now))
    };
    match answer.await {
        Ok(text) => calendar_answer(text, Some("appointment.ics")),
        Err(error) => error.into_response(),
    }
}
