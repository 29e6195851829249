//! The form posts behind the sign-in, account, sharing, caseload and admin pages. Plain HTML
//! forms, so they work before the wasm loads and with no JavaScript at all. Each handler
//! checks who is asking, does one thing, and sends the person back with a problem or notice
//! code; what they typed never goes into an address.
use app::auth::{self, Origin, SignIn, Unlock};
use app::db::{self, CheckInOutcome, NewGrant, SessionEnd};
use app::domain::{is_form_key, CheckInAction, PlainText, RecordId, Role, Share, GRANT_MAX_DAYS};
use app::notice::{Notice, Problem};
use app::session::{
    local_time_in, session_cookie_name, ClientAddress, SignedIn, Visitor, NEW_CODE_COOKIE,
};
use app::state::AppState;
use app::sync::{CheckInProblem, CheckedCheckIn};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{post, MethodRouter};
use axum::{Extension, Form, Router};
use axum_extra::extract::cookie::{Cookie, SameSite, SignedCookieJar};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;

/// Every form route, in one table, so the authorisation tests can check they cover each.
fn table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/sign-in", post(sign_in)),
        ("/unlock", post(unlock)),
        ("/sign-out", post(sign_out)),
        ("/enrol", post(enrol)),
        ("/join", post(join)),
        ("/account/devices/end", post(end_device)),
        ("/supporters/invite", post(invite_supporter)),
        ("/supporters/revoke", post(revoke_supporter)),
        ("/check-ins/step", post(step_done)),
        ("/check-ins/appointment", post(appointment_answer)),
        ("/caseload/enrollment-code", post(enrollment_code)),
        ("/admin/staff", post(add_staff)),
        ("/admin/end-sessions", post(end_all_sessions)),
    ]
}

pub fn routes() -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
}

/// The paths of the form routes (all POST).
pub fn paths() -> Vec<&'static str> {
    table().into_iter().map(|(path, _)| path).collect()
}

/// A form body, or a plain answer when it cannot be read at all (not form-encoded, not
/// UTF-8): nothing is changed either way.
pub struct Input<T>(T);

impl<T, S> axum::extract::FromRequest<S> for Input<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Response> {
        match Form::<T>::from_request(request, state).await {
            Ok(Form(value)) => Ok(Input(value)),
            Err(_) => Err((
                StatusCode::BAD_REQUEST,
                "We couldn't read that form, so nothing was changed. Please go back and try again.",
            )
                .into_response()),
        }
    }
}

fn back(path: &str, problem: Problem) -> Response {
    Redirect::to(&format!("{path}?problem={}", problem.code())).into_response()
}

fn done(path: &str, notice: Notice) -> Response {
    Redirect::to(&format!("{path}?notice={}", notice.code())).into_response()
}

fn unavailable(path: &str, error: db::DbError) -> Response {
    tracing::error!(%error, path, "form could not be handled");
    back(path, Problem::Unavailable)
}

fn wait(path: &str, until: DateTime<Utc>) -> Response {
    let minutes = ((until - Utc::now()).num_seconds() + 59) / 60;
    Redirect::to(&format!(
        "{path}?problem={}&minutes={}",
        Problem::Wait.code(),
        minutes.max(1)
    ))
    .into_response()
}

pub use app::session::home_of;

fn origin(headers: &HeaderMap, address: &ClientAddress) -> Origin {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Origin {
        address: address.0.clone(),
        device: auth::device_label(agent),
    }
}

fn signed_in_response(state: &AppState, started: &auth::Started, to: &str) -> Response {
    let cookie = auth::session_cookie(
        session_cookie_name(state.secure_cookies),
        &started.token,
        state.secure_cookies,
        started.role,
    );
    let mut response = Redirect::to(to).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Forms answer only the people they are for; anyone else is sent to sign in.
fn signed_in(visitor: &Visitor, role: Option<Role>) -> Option<&SignedIn> {
    match visitor {
        Visitor::SignedIn(person) if role.is_none_or(|r| r == person.role) => Some(person),
        _ => None,
    }
}

fn not_allowed(visitor: &Visitor) -> Response {
    match visitor {
        Visitor::Anonymous => Redirect::to("/sign-in").into_response(),
        Visitor::Locked(_) => Redirect::to("/unlock").into_response(),
        Visitor::SignedIn(_) => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    sign_in_name: String,
    #[serde(default)]
    passphrase: String,
}

async fn sign_in(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    Input(form): Input<SignInForm>,
) -> Response {
    let origin = origin(&headers, &address);
    match auth::sign_in(
        &state.db,
        &form.sign_in_name,
        &form.passphrase,
        &origin,
        Utc::now(),
    )
    .await
    {
        Ok(SignIn::Started(started)) => signed_in_response(&state, &started, home_of(started.role)),
        Ok(SignIn::Wrong) => back("/sign-in", Problem::WrongSignIn),
        Ok(SignIn::Wait(until)) => wait("/sign-in", until),
        Err(error) => unavailable("/sign-in", error),
    }
}

#[derive(Deserialize)]
struct UnlockForm {
    #[serde(default)]
    passphrase: String,
}

async fn unlock(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    Input(form): Input<UnlockForm>,
) -> Response {
    let person = match &visitor {
        Visitor::Locked(person) | Visitor::SignedIn(person) => person,
        Visitor::Anonymous => return Redirect::to("/sign-in").into_response(),
    };
    let origin = origin(&headers, &address);
    let outcome = auth::unlock(
        &state.db,
        &person.session_id,
        &person.person_id,
        &form.passphrase,
        &origin,
        Utc::now(),
    )
    .await;
    match outcome {
        Ok(Unlock::Renewed(token)) => {
            let started = auth::Started {
                token,
                role: person.role,
            };
            signed_in_response(&state, &started, home_of(person.role))
        }
        Ok(Unlock::Wrong) => back("/unlock", Problem::WrongSignIn),
        Ok(Unlock::Wait(until)) => wait("/unlock", until),
        Err(error) => unavailable("/unlock", error),
    }
}

async fn sign_out(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> Response {
    if let Visitor::SignedIn(person) | Visitor::Locked(person) = &visitor {
        if let Err(error) = db::end_session(
            &state.db,
            &person.session_id,
            SessionEnd::SignedOut,
            Utc::now(),
        )
        .await
        {
            return unavailable("/account", error);
        }
    }
    let mut response = done("/sign-in", Notice::SignedOut);
    let removal = auth::cookie_removal(session_cookie_name(state.secure_cookies));
    if let Ok(value) = HeaderValue::from_str(&removal) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    // Clears what this site stored in the browser, where the browser supports it.
    response.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\", \"storage\""),
    );
    response
}

/// The set-up and join forms: a code and a new sign-in (and, to join, a name to be shown).
#[derive(Deserialize)]
struct NewSignInForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    sign_in_name: String,
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    repeat_passphrase: String,
}

impl NewSignInForm {
    fn chosen(&self) -> auth::ChosenSignIn<'_> {
        auth::ChosenSignIn {
            sign_in_name: &self.sign_in_name,
            passphrase: &self.passphrase,
            repeated: &self.repeat_passphrase,
        }
    }
}

async fn enrol(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    Input(form): Input<NewSignInForm>,
) -> Response {
    let origin = origin(&headers, &address);
    let outcome = auth::enrol(&state.db, &form.code, form.chosen(), &origin, Utc::now()).await;
    match outcome {
        Ok(Ok(started)) => signed_in_response(&state, &started, "/"),
        Ok(Err(problem)) => back("/enrol", problem),
        Err(error) => unavailable("/enrol", error),
    }
}

async fn join(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    Input(form): Input<NewSignInForm>,
) -> Response {
    let origin = origin(&headers, &address);
    let outcome = auth::join(
        &state.db,
        &form.code,
        &form.display_name,
        form.chosen(),
        &origin,
        Utc::now(),
    )
    .await;
    match outcome {
        Ok(Ok(started)) => signed_in_response(&state, &started, "/supporting"),
        Ok(Err(problem)) => back("/join", problem),
        Err(error) => unavailable("/join", error),
    }
}

#[derive(Deserialize)]
struct DeviceForm {
    #[serde(default)]
    session_id: String,
}

async fn end_device(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Input(form): Input<DeviceForm>,
) -> Response {
    let Some(person) = signed_in(&visitor, None) else {
        return not_allowed(&visitor);
    };
    let ended = db::end_session_of_person(
        &state.db,
        &person.person_id,
        &form.session_id,
        SessionEnd::EndedByPerson,
        Utc::now(),
    )
    .await;
    match ended {
        Ok(true) => done("/account", Notice::DeviceEnded),
        Ok(false) => back("/account", Problem::NotFound),
        Err(error) => unavailable("/account", error),
    }
}

/// Sets the cookie that lets the next page show a new code once, to this person only.
fn with_new_code(
    mut response: Response,
    state: &AppState,
    person_id: &str,
    code: &str,
) -> Response {
    let cookie = Cookie::build((NEW_CODE_COOKIE, format!("{person_id}|{code}")))
        .path("/")
        .http_only(true)
        .secure(state.secure_cookies)
        .same_site(SameSite::Strict)
        .build();
    let jar = SignedCookieJar::new(state.session_key.clone()).add(cookie);
    for value in jar.into_response().headers().get_all(header::SET_COOKIE) {
        let ten_minutes = value.to_str().map(|v| format!("{v}; Max-Age=600"));
        if let Ok(Ok(value)) = ten_minutes.map(HeaderValue::try_from) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    ends_on: String,
    share_appointments: Option<String>,
    share_goals: Option<String>,
    share_stage: Option<String>,
}

async fn invite_supporter(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(address): Extension<ClientAddress>,
    Input(form): Input<InviteForm>,
) -> Response {
    const PAGE: &str = "/supporters";
    let Some(person) = signed_in(&visitor, Some(Role::Client)) else {
        return not_allowed(&visitor);
    };
    let Ok(label) = PlainText::parse(&form.label, 40) else {
        return back(PAGE, Problem::NameMissing);
    };
    let home = match db::client_home(&state.db, &person.person_id).await {
        Ok(Some(home)) => home,
        Ok(None) => return not_allowed(&Visitor::Anonymous),
        Err(error) => return unavailable(PAGE, error),
    };
    let today = local_time_in(&home.time_zone).date();
    let ends_on = match NaiveDate::parse_from_str(form.ends_on.trim(), "%Y-%m-%d") {
        Ok(date) if date > today && date <= today + Duration::days(GRANT_MAX_DAYS) => date,
        _ => return back(PAGE, Problem::EndDate),
    };
    let shares: Vec<Share> = [
        (form.share_appointments.is_some(), Share::Appointments),
        (form.share_goals.is_some(), Share::Goals),
        (form.share_stage.is_some(), Share::Stage),
    ]
    .into_iter()
    .filter_map(|(on, share)| on.then_some(share))
    .collect();
    let now = Utc::now();
    let created = async {
        let code = auth::new_code()?;
        let mut tx = state.db.begin().await?;
        let grant_id = db::create_grant(
            &mut tx,
            &NewGrant {
                client_id: &person.person_id,
                label: label.as_str(),
                shares: &shares,
                ends_on,
                invite_code_hash: &auth::secret_hash(&code),
                invite_expires_at: now + auth::CODE_LIFETIME,
            },
            now,
        )
        .await?;
        let client = Some(person.person_id.as_str());
        let event =
            app::audit::allowed_from(person, "grant.create", client, Some(&grant_id), &address);
        db::record_audit(&mut tx, &[event], now).await?;
        tx.commit().await?;
        Ok::<_, db::DbError>(code)
    };
    match created.await {
        Ok(code) => with_new_code(
            Redirect::to(PAGE).into_response(),
            &state,
            &person.person_id,
            &code,
        ),
        Err(error) => unavailable(PAGE, error),
    }
}

#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    grant_id: String,
}

async fn revoke_supporter(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(address): Extension<ClientAddress>,
    Input(form): Input<RevokeForm>,
) -> Response {
    const PAGE: &str = "/supporters";
    let Some(person) = signed_in(&visitor, Some(Role::Client)) else {
        return not_allowed(&visitor);
    };
    let now = Utc::now();
    let revoked = async {
        let mut tx = state.db.begin().await?;
        if !db::revoke_grant(&mut tx, &person.person_id, &form.grant_id, now).await? {
            return Ok(false);
        }
        let event = app::audit::allowed_from(
            person,
            "grant.revoke",
            Some(&person.person_id),
            Some(&form.grant_id),
            &address,
        );
        db::record_audit(&mut tx, &[event], now).await?;
        tx.commit().await?;
        Ok::<_, db::DbError>(true)
    };
    match revoked.await {
        Ok(true) => done(PAGE, Notice::AccessEnded),
        Ok(false) => back(PAGE, Problem::NotFound),
        Err(error) => unavailable(PAGE, error),
    }
}

/// Records one check-in of a page's form, once per page-load key.
async fn record_check_in(
    state: &AppState,
    client: &SignedIn,
    address: &ClientAddress,
    check_in: &CheckedCheckIn<'_>,
    key: &str,
) -> Result<CheckInOutcome, db::DbError> {
    app::sync::record_check_in(&state.db, client, address, check_in, key, None, Utc::now()).await
}

#[derive(Deserialize)]
struct StepDoneForm {
    #[serde(default)]
    step_id: String,
    #[serde(default)]
    key: String,
}

/// "I did this" on a step of the client's plan.
async fn step_done(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(address): Extension<ClientAddress>,
    Input(form): Input<StepDoneForm>,
) -> Response {
    const PAGE: &str = "/plan";
    let Some(client) = signed_in(&visitor, Some(Role::Client)) else {
        return not_allowed(&visitor);
    };
    let action = CheckInAction::StepDone {
        step_id: form.step_id,
    };
    let checked = CheckedCheckIn::of(&action);
    let Some(checked) = checked.ok().filter(|_| is_form_key(&form.key)) else {
        return back(PAGE, Problem::NotFound);
    };
    let key = format!("form-{}-step-{}", form.key, checked.target());
    match record_check_in(&state, client, &address, &checked, &key).await {
        Ok(CheckInOutcome::NotFound) => back(PAGE, Problem::NotFound),
        Ok(_) => done(PAGE, Notice::StepDone),
        Err(error) => unavailable(PAGE, error),
    }
}

#[derive(Deserialize)]
struct AppointmentAnswerForm {
    #[serde(default)]
    appointment_id: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    key: String,
}

/// "I'll be there" or "I can't make it" (with an optional note) on an appointment.
async fn appointment_answer(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(address): Extension<ClientAddress>,
    Input(form): Input<AppointmentAnswerForm>,
) -> Response {
    const LIST: &str = "/appointments";
    let Some(client) = signed_in(&visitor, Some(Role::Client)) else {
        return not_allowed(&visitor);
    };
    let appointment_id = form.appointment_id;
    let (action, notice) = match form.answer.as_str() {
        "come" => (CheckInAction::WillCome { appointment_id }, Notice::WillCome),
        "cant_come" => (
            CheckInAction::CantCome {
                appointment_id,
                note: Some(form.note),
            },
            Notice::CantCome,
        ),
        _ => return back(LIST, Problem::NotFound),
    };
    let checked = match CheckedCheckIn::of(&action) {
        Ok(checked) if is_form_key(&form.key) => checked,
        Ok(_) | Err(CheckInProblem::NotFound) => return back(LIST, Problem::NotFound),
        Err(CheckInProblem::NoteTooLong) => match RecordId::parse(action.target()) {
            Some(id) => return back(&format!("{LIST}/{id}"), Problem::NoteTooLong),
            None => return back(LIST, Problem::NotFound),
        },
    };
    let page = format!("{LIST}/{}", checked.target());
    let key = format!("form-{}-{}-{}", form.key, form.answer, checked.target());
    match record_check_in(&state, client, &address, &checked, &key).await {
        Ok(CheckInOutcome::NotFound) => back(LIST, Problem::NotFound),
        Ok(_) => done(&page, notice),
        Err(error) => unavailable(&page, error),
    }
}

#[derive(Deserialize)]
struct EnrollmentCodeForm {
    #[serde(default)]
    client_id: String,
}

async fn enrollment_code(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(address): Extension<ClientAddress>,
    Input(form): Input<EnrollmentCodeForm>,
) -> Response {
    const PAGE: &str = "/caseload";
    const ACTION: &str = "enrollment_code.create";
    let Some(person) = signed_in(&visitor, Some(Role::CaseManager)) else {
        return not_allowed(&visitor);
    };
    let now = Utc::now();
    let created = async {
        if !db::on_care_team(&state.db, &person.person_id, &form.client_id).await? {
            let refusal = db::AuditEvent {
                outcome: db::Outcome::Refused,
                ..app::audit::allowed_from(person, ACTION, Some(&form.client_id), None, &address)
            };
            db::record_audit_now(&state.db, &[refusal], now).await?;
            return Ok(None);
        }
        let code = auth::new_code()?;
        let mut tx = state.db.begin().await?;
        db::insert_enrollment_code(
            &mut tx,
            &auth::secret_hash(&code),
            &form.client_id,
            &person.person_id,
            now,
            now + auth::CODE_LIFETIME,
        )
        .await?;
        let event = app::audit::allowed_from(person, ACTION, Some(&form.client_id), None, &address);
        db::record_audit(&mut tx, &[event], now).await?;
        tx.commit().await?;
        Ok::<_, db::DbError>(Some(code))
    };
    match created.await {
        Ok(Some(code)) => with_new_code(
            Redirect::to(PAGE).into_response(),
            &state,
            &person.person_id,
            &format!("{}|{code}", form.client_id),
        ),
        Ok(None) => back(PAGE, Problem::NotFound),
        Err(error) => unavailable(PAGE, error),
    }
}

#[derive(Deserialize)]
struct StaffForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    sign_in_name: String,
    #[serde(default)]
    passphrase: String,
}

async fn add_staff(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Input(form): Input<StaffForm>,
) -> Response {
    const PAGE: &str = "/admin";
    let Some(person) = signed_in(&visitor, Some(Role::Admin)) else {
        return not_allowed(&visitor);
    };
    let role = match Role::from_code(&form.role) {
        Ok(role @ (Role::CaseManager | Role::Admin)) => role,
        _ => return back(PAGE, Problem::NotFound),
    };
    let staff = auth::NewStaff {
        organisation_id: &person.organisation_id,
        name_shown: &form.display_name,
        role,
        sign_in_name: &form.sign_in_name,
        passphrase: &form.passphrase,
        created_by: Some(&person.person_id),
    };
    let created = auth::create_staff(&state.db, staff, Utc::now()).await;
    match created {
        Ok(Ok(_)) => done(PAGE, Notice::StaffAdded),
        Ok(Err(problem)) => back(PAGE, problem),
        Err(error) => unavailable(PAGE, error),
    }
}

#[derive(Deserialize)]
struct EndSessionsForm {
    #[serde(default)]
    sign_in_name: String,
}

async fn end_all_sessions(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(address): Extension<ClientAddress>,
    Input(form): Input<EndSessionsForm>,
) -> Response {
    const PAGE: &str = "/admin";
    let Some(admin) = signed_in(&visitor, Some(Role::Admin)) else {
        return not_allowed(&visitor);
    };
    let now = Utc::now();
    let ended = async {
        let Ok(name) = app::domain::SignInName::parse(&form.sign_in_name) else {
            return Ok(false);
        };
        let Some(account) = db::account_by_sign_in_name(&state.db, name.as_str()).await? else {
            return Ok(false);
        };
        // Only people of the admin's own organisation.
        if db::person_in_organisation(&state.db, &admin.organisation_id, &account.person_id)
            .await?
            .is_none()
        {
            return Ok(false);
        }
        db::end_all_sessions(&state.db, &account.person_id, SessionEnd::EndedByAdmin, now).await?;
        let target = Some(account.person_id.as_str());
        let event = app::audit::allowed_from(admin, "sessions.end_all", None, target, &address);
        db::record_audit_now(&state.db, &[event], now).await?;
        Ok::<_, db::DbError>(true)
    };
    match ended.await {
        Ok(true) => done(PAGE, Notice::SessionsEnded),
        Ok(false) => back(PAGE, Problem::NotFound),
        Err(error) => unavailable(PAGE, error),
    }
}
