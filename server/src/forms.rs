//! The form posts behind the sign-in, account, sharing, check-in, caseload and admin pages.
//! Plain HTML forms, so they work before the wasm loads and with no JavaScript at all. Each
//! handler reads the form, calls one action (`app::actions`), and sends the person back with
//! a problem or notice code; what they typed never goes into an address.
use app::actions::account;
use app::actions::admin::{self, NewStaff};
use app::actions::check_ins::{self, CheckInProblem, CheckedCheckIn};
use app::actions::enrollment::{self, ChosenSignIn};
use app::actions::grants::{self, Invite};
use app::actions::sessions::{self, SignIn, Started};
use app::actions::AddedBy;
use app::actions::{calendar, messages, notifications, safety_plans, suggestions};
use app::db::CheckInOutcome;
use app::domain::{
    home_of, is_form_key, is_typed_mark, CheckInAction, NotificationForm, RecordId, Role,
    SafetyPlanForm, Share,
};
use app::error::AppError;
use app::notice::{Notice, Problem};
use app::session::{
    cookie_removal, device_cookie, session_cookie, session_cookie_name, typed_cookie, Asking,
    NEW_CODE_COOKIE,
};
use app::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{post, MethodRouter};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, SameSite, SignedCookieJar};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Every form route (all POST), in one table; the router takes them from
/// `startup::plain_routes`.
pub(crate) fn table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/sign-in", post(sign_in)),
        ("/unlock", post(unlock)),
        ("/sign-out", post(sign_out)),
        ("/enrol", post(enrol)),
        ("/join", post(join)),
        ("/reset", post(reset_passphrase)),
        ("/account/devices/end", post(end_device)),
        ("/account/passphrase", post(change_passphrase)),
        ("/account/passkeys/remove", post(remove_passkey)),
        ("/account/notifications", post(choose_notifications)),
        ("/account/notifications/off", post(notifications_off)),
        ("/account/calendar", post(open_calendar)),
        ("/account/calendar/end", post(end_calendar)),
        ("/supporters/invite", post(invite_supporter)),
        ("/supporters/revoke", post(revoke_supporter)),
        ("/check-ins/step", post(step_done)),
        ("/check-ins/appointment", post(appointment_answer)),
        ("/safety", post(save_safety_plan)),
        ("/suggestions", post(suggest)),
        ("/messages", post(write_message)),
        ("/supporting/messages", post(write_message_as_supporter)),
        ("/caseload/enrollment-code", post(enrollment_code)),
        ("/admin/staff", post(add_staff)),
        ("/admin/end-sessions", post(end_all_sessions)),
        ("/admin/staff/deactivate", post(deactivate_staff)),
        ("/admin/staff/reactivate", post(reactivate_staff)),
        ("/admin/staff/reset-code", post(reset_code)),
    ]
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

/// How a form answers an action that refused or failed: someone not signed in is sent to
/// sign in, a locked session to unlock, someone of another role gets "not found" (as for a
/// page that does not exist), and anything else goes back to the form's page with a
/// problem. The detail of a failure was logged where it happened.
fn refused(page: &str, error: AppError) -> Response {
    match error {
        AppError::NotSignedIn => Redirect::to("/sign-in").into_response(),
        AppError::Locked => Redirect::to("/unlock").into_response(),
        AppError::NotFound => (StatusCode::NOT_FOUND, "Not found").into_response(),
        AppError::TooManyTries => back(page, Problem::Wait),
        AppError::Busy => busy(page),
        _ => back(page, Problem::Unavailable),
    }
}

/// Too many passphrase checks under way: "busy, try again in a moment", with the status and
/// `Retry-After` that say so to anything that reads them, and a link back to the form.
fn busy(page: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Waypoint</title></head><body><main><h1>{}</h1><p>{}</p>\
         <p><a href=\"{page}\">Try again</a></p></main></body></html>",
        AppError::Busy.heading(),
        AppError::Busy
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::RETRY_AFTER, app::error::BUSY_RETRY_AFTER_SECONDS),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        ],
        body,
    )
        .into_response()
}

/// How a form answers an action on one thing that may not be there (or not the person's):
/// `notice` when it was done, "not found" when there was nothing of theirs to do it to.
fn done_if_found(page: &str, notice: Notice, outcome: Result<bool, AppError>) -> Response {
    match outcome {
        Ok(true) => done(page, notice),
        Ok(false) => back(page, Problem::NotFound),
        Err(error) => refused(page, error),
    }
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

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Into a new session: its cookie (and the device cookie when the phone was new to the
/// account), and on to `to`.
/// Into the session: its cookie, the device's, and (when the form carried the phone's mark
/// for the passphrase typed into it) the cookie saying that passphrase was accepted.
fn signed_in_response(state: &AppState, started: &Started, to: &str, typed: &str) -> Response {
    let cookie = session_cookie(&started.token, state.secure_cookies, started.role);
    let mut response = with_cookie(Redirect::to(to).into_response(), &cookie);
    if let Some(tokens) = &started.device_tokens {
        response = with_cookie(response, &device_cookie(tokens, state.secure_cookies));
    }
    if is_typed_mark(typed) {
        response = with_cookie(response, &typed_cookie(typed, state.secure_cookies));
    }
    response
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    sign_in_name: String,
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    typed: String,
}

/// Where a sign-in or an unlock leads: home, or back to its page.
fn after_sign_in(
    state: &AppState,
    page: &str,
    typed: &str,
    outcome: Result<SignIn, AppError>,
) -> Response {
    match outcome {
        Ok(SignIn::Started(started)) => {
            signed_in_response(state, &started, home_of(started.role), typed)
        }
        Ok(SignIn::Wrong) => back(page, Problem::WrongSignIn),
        Ok(SignIn::Wait(until)) => wait(page, until),
        Err(error) => refused(page, error),
    }
}

async fn sign_in(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<SignInForm>,
) -> Response {
    let (name, passphrase, now) = (&form.sign_in_name, &form.passphrase, Utc::now());
    let outcome = sessions::sign_in(&state.db, &asking, name, passphrase, now).await;
    after_sign_in(&state, "/sign-in", &form.typed, outcome)
}

#[derive(Deserialize)]
struct UnlockForm {
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    typed: String,
}

async fn unlock(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<UnlockForm>,
) -> Response {
    let outcome = sessions::unlock(&state.db, &asking, &form.passphrase, Utc::now()).await;
    after_sign_in(&state, "/unlock", &form.typed, outcome)
}

async fn sign_out(State(state): State<AppState>, asking: Asking) -> Response {
    if let Err(error) = sessions::sign_out(&state.db, &asking, Utc::now()).await {
        return refused("/account", error);
    }
    let removal = cookie_removal(session_cookie_name(state.secure_cookies));
    let mut response = with_cookie(done("/sign-in", Notice::SignedOut), &removal);
    // Clears the browser's cache of this site. Not its storage: on a shared phone that holds
    // other people's copies (locked, with what they queued), which must outlive this
    // person's session; the app wipes this person's own copy before the form is sent, and at
    // the first sync after it without the app's script.
    response.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\""),
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
    #[serde(default)]
    typed: String,
}

impl NewSignInForm {
    fn chosen(&self) -> ChosenSignIn<'_> {
        ChosenSignIn {
            sign_in_name: &self.sign_in_name,
            passphrase: &self.passphrase,
            repeated: &self.repeat_passphrase,
        }
    }
}

/// Where a new sign-in leads: into its session, or back to its form with the problem.
fn new_sign_in(
    state: &AppState,
    page: &str,
    typed: &str,
    started: Result<Result<Started, Problem>, AppError>,
) -> Response {
    match started {
        Ok(Ok(started)) => signed_in_response(state, &started, home_of(started.role), typed),
        Ok(Err(problem)) => back(page, problem),
        Err(error) => refused(page, error),
    }
}

async fn enrol(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<NewSignInForm>,
) -> Response {
    let now = Utc::now();
    let started = enrollment::enrol(&state.db, &asking, &form.code, form.chosen(), now).await;
    new_sign_in(&state, "/enrol", &form.typed, started)
}

async fn join(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<NewSignInForm>,
) -> Response {
    let (code, name, now) = (&form.code, &form.display_name, Utc::now());
    let started = grants::join(&state.db, &asking, code, name, form.chosen(), now).await;
    new_sign_in(&state, "/join", &form.typed, started)
}

/// A staff member's new passphrase, with the reset code an admin gave them.
async fn reset_passphrase(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<NewSignInForm>,
) -> Response {
    let now = Utc::now();
    let started = account::reset_passphrase(&state.db, &asking, &form.code, form.chosen(), now);
    new_sign_in(&state, "/reset", &form.typed, started.await)
}

#[derive(Deserialize)]
struct DeviceForm {
    #[serde(default)]
    session_id: String,
}

async fn end_device(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<DeviceForm>,
) -> Response {
    const PAGE: &str = "/account";
    let outcome = sessions::end_device(&state.db, &asking, &form.session_id, Utc::now()).await;
    done_if_found(PAGE, Notice::DeviceEnded, outcome)
}

#[derive(Deserialize)]
struct PassphraseForm {
    #[serde(default)]
    current_passphrase: String,
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    repeat_passphrase: String,
}

async fn change_passphrase(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<PassphraseForm>,
) -> Response {
    const PAGE: &str = "/account";
    let typed = account::NewPassphrase {
        current: &form.current_passphrase,
        passphrase: &form.passphrase,
        repeated: &form.repeat_passphrase,
    };
    match account::change_passphrase(&state.db, &asking, typed, Utc::now()).await {
        Ok(Ok(())) => done(PAGE, Notice::PassphraseChanged),
        Ok(Err(problem)) => back(PAGE, problem),
        Err(error) => refused(PAGE, error),
    }
}

#[derive(Deserialize)]
struct PasskeyForm {
    #[serde(default)]
    passkey_id: String,
}

async fn remove_passkey(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<PasskeyForm>,
) -> Response {
    const PAGE: &str = "/account";
    let outcome = account::remove_passkey(&state.db, &asking, &form.passkey_id, Utc::now()).await;
    done_if_found(PAGE, Notice::PasskeyRemoved, outcome)
}

async fn choose_notifications(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<NotificationForm>,
) -> Response {
    const PAGE: &str = "/account/notifications";
    match notifications::choose(&state.db, &asking, &form, Utc::now()).await {
        Ok(Ok(notice)) => done(PAGE, notice),
        Ok(Err(problem)) => back(PAGE, problem),
        Err(error) => refused(PAGE, error),
    }
}

async fn notifications_off(State(state): State<AppState>, asking: Asking) -> Response {
    const PAGE: &str = "/account/notifications";
    match notifications::turn_off(&state.db, &asking, Utc::now()).await {
        Ok(()) => done(PAGE, Notice::NotificationsOff),
        Err(error) => refused(PAGE, error),
    }
}

/// A new calendar address, shown once on the page it leads back to (as a new code is).
async fn open_calendar(State(state): State<AppState>, asking: Asking) -> Response {
    const PAGE: &str = "/account/notifications";
    match calendar::open_feed(&state.db, &asking, Utc::now()).await {
        Ok(token) => match asking.holder() {
            Some(person) => with_new_code(
                done(PAGE, Notice::CalendarReady),
                &state,
                &person.person_id,
                &token,
            ),
            None => refused(PAGE, AppError::NotSignedIn),
        },
        Err(error) => refused(PAGE, error),
    }
}

async fn end_calendar(State(state): State<AppState>, asking: Asking) -> Response {
    const PAGE: &str = "/account/notifications";
    let outcome = calendar::end_feed(&state.db, &asking, Utc::now()).await;
    done_if_found(PAGE, Notice::CalendarEnded, outcome)
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

/// The one who made a code, to show it to: the signed-in person asking.
fn maker(asking: &Asking) -> &str {
    asking.holder().map_or("", |p| p.person_id.as_str())
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
    share_safety_plan: Option<String>,
    share_messages: Option<String>,
}

async fn invite_supporter(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<InviteForm>,
) -> Response {
    const PAGE: &str = "/supporters";
    let shares = [
        (form.share_appointments.is_some(), Share::Appointments),
        (form.share_goals.is_some(), Share::Goals),
        (form.share_stage.is_some(), Share::Stage),
        (form.share_safety_plan.is_some(), Share::SafetyPlan),
        (form.share_messages.is_some(), Share::Messages),
    ]
    .into_iter()
    .filter_map(|(on, share)| on.then_some(share))
    .collect();
    let invite = Invite {
        label: &form.label,
        ends_on: &form.ends_on,
        shares,
    };
    match grants::invite(&state.db, &asking, invite, Utc::now()).await {
        Ok(Ok(code)) => with_new_code(
            Redirect::to(PAGE).into_response(),
            &state,
            maker(&asking),
            &code,
        ),
        Ok(Err(problem)) => back(PAGE, problem),
        Err(error) => refused(PAGE, error),
    }
}

#[derive(Deserialize)]
struct SuggestionForm {
    #[serde(default)]
    goal_id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    key: String,
}

/// A goal or a step the client suggests from their plan page, once per page load and text
/// (a double tap counts once; two ideas from one page both count).
async fn suggest(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<SuggestionForm>,
) -> Response {
    const PAGE: &str = "/plan";
    if !is_form_key(&form.key) {
        return match asking.as_role(Role::Client) {
            Ok(_) => back(PAGE, Problem::NotFound),
            Err(error) => refused(PAGE, error),
        };
    }
    let key = format!(
        "form-{}-suggest-{}",
        form.key,
        app::secrets::secret_hash(&format!("{}\n{}", form.goal_id, form.text.trim()))
    );
    let suggestion = (Some(form.goal_id.as_str()), form.text.as_str());
    match suggestions::suggest(&state.db, &asking, suggestion, &key, None, Utc::now()).await {
        Ok(Ok(CheckInOutcome::NotFound)) => back(PAGE, Problem::NotFound),
        Ok(Ok(_)) => done(PAGE, Notice::SuggestionSent),
        Ok(Err(problem)) => back(PAGE, problem),
        Err(error) => refused(PAGE, error),
    }
}

#[derive(Deserialize)]
struct MessageForm {
    #[serde(default)]
    grant_id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    key: String,
}

/// A message from the client to their care team, once per page load and text (a double
/// tap counts once).
async fn write_message(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<MessageForm>,
) -> Response {
    send_message(&state, &asking, None, form, "/messages").await
}

/// A supporter's message to the care team of a client who lets them write.
async fn write_message_as_supporter(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<MessageForm>,
) -> Response {
    // Back to the client's page; the id goes into the address only if it is one.
    let page = match RecordId::parse(&form.grant_id) {
        Some(grant) => format!("/supporting/{grant}"),
        None => "/supporting".to_owned(),
    };
    let grant = form.grant_id.clone();
    send_message(&state, &asking, Some(&grant), form, &page).await
}

async fn send_message(
    state: &AppState,
    asking: &Asking,
    grant_id: Option<&str>,
    form: MessageForm,
    page: &str,
) -> Response {
    if !is_form_key(&form.key) {
        let role = if grant_id.is_some() {
            Role::Supporter
        } else {
            Role::Client
        };
        return match asking.as_role(role) {
            Ok(_) => back(page, Problem::NotFound),
            Err(error) => refused(page, error),
        };
    }
    let key = format!(
        "form-{}-message-{}",
        form.key,
        app::secrets::secret_hash(form.text.trim())
    );
    let message = (grant_id, form.text.as_str());
    match messages::write(&state.db, asking, message, &key, None, Utc::now()).await {
        Ok(Ok(_)) => done(page, Notice::MessageSent),
        Ok(Err(problem)) => back(page, problem),
        Err(error) => refused(page, error),
    }
}

#[derive(Deserialize)]
struct SafetyForm {
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    plan: SafetyPlanForm,
}

/// The client saves their safety plan: back to it with a notice, or to the form with the
/// problem (the browser holds each field to its limits first, so this is rare).
async fn save_safety_plan(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<SafetyForm>,
) -> Response {
    match safety_plans::save_own(&state.db, &asking, form.plan, form.version).await {
        Ok(Ok(notice)) => done("/safety", notice),
        Ok(Err(problem)) => back("/safety/edit", problem),
        Err(error) => refused("/safety/edit", error),
    }
}

#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    grant_id: String,
}

async fn revoke_supporter(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<RevokeForm>,
) -> Response {
    const PAGE: &str = "/supporters";
    let outcome = grants::revoke(&state.db, &asking, &form.grant_id, Utc::now()).await;
    done_if_found(PAGE, Notice::AccessEnded, outcome)
}

/// Records one check-in of a page's form, once per page-load key.
async fn record_check_in(
    state: &AppState,
    asking: &Asking,
    check_in: &CheckedCheckIn,
    key: &str,
) -> Result<CheckInOutcome, AppError> {
    check_ins::record(&state.db, asking, check_in, key, None, Utc::now()).await
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
    asking: Asking,
    Input(form): Input<StepDoneForm>,
) -> Response {
    const PAGE: &str = "/plan";
    let action = CheckInAction::StepDone {
        step_id: form.step_id,
    };
    let checked = CheckedCheckIn::of(&action);
    let Some(checked) = checked.ok().filter(|_| is_form_key(&form.key)) else {
        return match asking.as_role(Role::Client) {
            Ok(_) => back(PAGE, Problem::NotFound),
            Err(error) => refused(PAGE, error),
        };
    };
    let key = format!("form-{}-step-{}", form.key, checked.target());
    match record_check_in(&state, &asking, &checked, &key).await {
        Ok(CheckInOutcome::NotFound) => back(PAGE, Problem::NotFound),
        Ok(_) => done(PAGE, Notice::StepDone),
        Err(error) => refused(PAGE, error),
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
    asking: Asking,
    Input(form): Input<AppointmentAnswerForm>,
) -> Response {
    const LIST: &str = "/appointments";
    if let Err(error) = asking.as_role(Role::Client) {
        return refused(LIST, error);
    }
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
    match record_check_in(&state, &asking, &checked, &key).await {
        Ok(CheckInOutcome::NotFound) => back(LIST, Problem::NotFound),
        Ok(_) => done(&page, notice),
        Err(error) => refused(&page, error),
    }
}

#[derive(Deserialize)]
struct EnrollmentCodeForm {
    #[serde(default)]
    client_id: String,
    /// "record" when made from the client's record, which then shows it.
    #[serde(default)]
    back: String,
}

async fn enrollment_code(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<EnrollmentCodeForm>,
) -> Response {
    let made = enrollment::make_code(&state.db, &asking, &form.client_id, Utc::now()).await;
    let made = made.map(|made| made.map(|made| (made.client_id, made.code)));
    // The record's address from the id the action found, never from what was posted.
    let page = match (&made, form.back.as_str()) {
        (Ok(Some((client_id, _))), "record") => format!("/caseload/{client_id}"),
        _ => "/caseload".to_owned(),
    };
    code_made(&state, &asking, &page, made)
}

/// Back to `page`, which shows the code just made (for whom, the code) to the one who made
/// it, once; or the problem.
fn code_made(
    state: &AppState,
    asking: &Asking,
    page: &str,
    made: Result<Option<(String, String)>, AppError>,
) -> Response {
    match made {
        Ok(Some((for_whom, code))) => with_new_code(
            Redirect::to(page).into_response(),
            state,
            maker(asking),
            &format!("{for_whom}|{code}"),
        ),
        Ok(None) => back(page, Problem::NotFound),
        Err(error) => refused(page, error),
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
    asking: Asking,
    Input(form): Input<StaffForm>,
) -> Response {
    const PAGE: &str = "/admin";
    if let Err(error) = asking.as_role(Role::Admin) {
        return refused(PAGE, error);
    }
    let role = match Role::from_code(&form.role) {
        Ok(role @ (Role::CaseManager | Role::Admin)) => role,
        _ => return back(PAGE, Problem::NotFound),
    };
    let staff = NewStaff {
        name_shown: &form.display_name,
        role,
        sign_in_name: &form.sign_in_name,
        passphrase: &form.passphrase,
    };
    match admin::add_staff(&state.db, AddedBy::SignedIn(&asking), staff, Utc::now()).await {
        Ok(Ok(_)) => done(PAGE, Notice::StaffAdded),
        Ok(Err(problem)) => back(PAGE, problem),
        Err(error) => refused(PAGE, error),
    }
}

#[derive(Deserialize)]
struct SignInNameForm {
    #[serde(default)]
    sign_in_name: String,
}

async fn end_all_sessions(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<SignInNameForm>,
) -> Response {
    const PAGE: &str = "/admin";
    let outcome =
        sessions::end_everywhere(&state.db, &asking, &form.sign_in_name, Utc::now()).await;
    done_if_found(PAGE, Notice::SessionsEnded, outcome)
}

async fn deactivate_staff(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<SignInNameForm>,
) -> Response {
    set_staff_active(&state, &asking, &form.sign_in_name, false).await
}

async fn reactivate_staff(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<SignInNameForm>,
) -> Response {
    set_staff_active(&state, &asking, &form.sign_in_name, true).await
}

async fn reset_code(
    State(state): State<AppState>,
    asking: Asking,
    Input(form): Input<SignInNameForm>,
) -> Response {
    let made = admin::make_reset_code(&state.db, &asking, &form.sign_in_name, Utc::now()).await;
    let made = made.map(|made| made.map(|made| (made.person_id, made.code)));
    code_made(&state, &asking, "/admin", made)
}

async fn set_staff_active(state: &AppState, asking: &Asking, name: &str, active: bool) -> Response {
    const PAGE: &str = "/admin";
    let notice = if active {
        Notice::StaffReactivated
    } else {
        Notice::StaffDeactivated
    };
    let outcome = admin::set_staff_active(&state.db, asking, name, active, Utc::now()).await;
    done_if_found(PAGE, notice, outcome)
}
