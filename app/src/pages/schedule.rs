//! A client's appointments as their case manager keeps them: book one or a weekly series,
//! move or change one, cancel it, mark it attended or missed. These reach the client at once;
//! no plan update is needed.
use crate::domain::{
    day_label, time_label, upcoming_and_past, Appointment, AppointmentForm, AppointmentKind,
    AppointmentStatus, SaveAnswer, BRING_MAX_CHARS, PLACE_MAX_CHARS, WITH_WHOM_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, Choice, DateField, SaveMessage, TextField};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Books an appointment, or a weekly series when `repeat_until` is filled in.
#[server(endpoint = "book-appointment")]
pub async fn book_appointment(
    client_id: String,
    appointment: AppointmentForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("appointment.book", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::appointments::book(&state.db, &asking, &client_id, appointment).await
    })
    .await
}

/// Moves or changes one appointment, if it is still at `version`.
#[server(endpoint = "save-appointment")]
pub async fn save_appointment(
    client_id: String,
    appointment_id: String,
    version: i64,
    appointment: AppointmentForm,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::appointments::save;
    crate::request::answer("appointment.save", async move {
        let (state, asking) = crate::request::asking().await?;
        let (client, id) = (&client_id, &appointment_id);
        save(&state.db, &asking, client, id, version, appointment).await
    })
    .await
}

/// Cancels an appointment, or marks it attended or missed, if it is still at `version`.
#[server(endpoint = "appointment-status")]
pub async fn set_appointment_status(
    client_id: String,
    appointment_id: String,
    version: i64,
    status: String,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::appointments::set_status;
    crate::request::answer("appointment.status", async move {
        let (state, asking) = crate::request::asking().await?;
        let (client, id) = (&client_id, &appointment_id);
        set_status(&state.db, &asking, client, id, version, &status).await
    })
    .await
}

/// The client's appointments, each with its changes, and the booking form: those to come
/// first, past ones still to be marked attended or missed next, and the rest folded away.
#[component]
pub fn Schedule(
    client_id: String,
    appointments: Vec<Appointment>,
    now: chrono::NaiveDateTime,
) -> impl IntoView {
    let today = now.date();
    let (upcoming, past) = upcoming_and_past(appointments, now);
    let (to_mark, done): (Vec<_>, Vec<_>) = past.into_iter().partition(Appointment::is_expected);
    let list = |appointments: Vec<Appointment>| {
        let client_id = client_id.clone();
        view! {
            <ul class="plain-list appointment-editors">
                {appointments.into_iter().map(|appointment| view! {
                    <li><AppointmentEditor client_id=client_id.clone() appointment now/></li>
                }).collect_view()}
            </ul>
        }
    };
    let done_count = done.len();
    view! {
        <section aria-labelledby="appointments-heading">
            <h2 id="appointments-heading">"Coming up"</h2>
            {if upcoming.is_empty() {
                view! { <p>"None booked in the next three months."</p> }.into_any()
            } else {
                list(upcoming).into_any()
            }}
            <details class="card">
                <summary>"Book an appointment"</summary>
                <AppointmentFormView client_id=client_id.clone() appointment=None today/>
            </details>
        </section>
        {(!to_mark.is_empty()).then(|| view! {
            <section aria-labelledby="to-mark-heading">
                <h2 id="to-mark-heading">"Past, not marked yet"</h2>
                <p>"Did they come? Mark each one attended or missed."</p>
                {list(to_mark)}
            </section>
        })}
        <details class="past">
            <summary>{format!("Past three months ({done_count})")}</summary>
            {if done_count == 0 {
                view! { <p>"None."</p> }.into_any()
            } else {
                list(done).into_any()
            }}
        </details>
    }
}

#[component]
fn AppointmentEditor(
    client_id: String,
    appointment: Appointment,
    now: chrono::NaiveDateTime,
) -> impl IntoView {
    let today = now.date();
    let status = ServerAction::<SetAppointmentStatus>::new();
    reload_after(status);
    let answer = Signal::derive(move || status.value().get());
    let version = RwSignal::new(appointment.version);
    let when = format!(
        "{}, {}",
        day_label(appointment.starts_at.date(), today),
        time_label(appointment.starts_at.time())
    );
    let title = format!("{}, {when}", appointment.kind.staff_label());
    let open = matches!(
        appointment.status,
        AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
    );
    let past = appointment.starts_at <= now;
    let appointment_id = appointment.id.to_string();
    let status_button = |code: &'static str, text: &'static str, label: String| {
        let client_id = client_id.clone();
        let id = appointment_id.clone();
        view! {
            <ActionForm action=status>
                <input type="hidden" name="client_id" value=client_id/>
                <input type="hidden" name="appointment_id" value=id/>
                <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
                <input type="hidden" name="status" value=code/>
                <button class="button secondary" type="submit" aria-label=label>{text}</button>
            </ActionForm>
        }
    };
    let buttons = open.then(|| {
        if past {
            view! {
                <div class="row">
                    {status_button("attended", "Attended", format!("Attended: {title}"))}
                    {status_button("missed", "Missed", format!("Missed: {title}"))}
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="row">{status_button("cancelled", "Cancel", format!("Cancel: {title}"))}</div>
            }
            .into_any()
        }
    });
    let series = appointment.repeats_weekly.then_some(" · weekly");
    let edit = (open && !past).then(|| {
        view! {
            <details>
                <summary>"Move or change"</summary>
                <AppointmentFormView client_id=client_id.clone() appointment=Some(appointment.clone()) today/>
            </details>
        }
    });
    view! {
        <article class="card appointment-editor">
            <h3>{title.clone()}</h3>
            <p class="small">{format!("{} · {}", appointment.place, appointment.status.staff_label())}{series}</p>
            <SaveMessage answer version/>
            {buttons}
            {edit}
        </article>
    }
}

/// The form to book an appointment (`appointment` none) or to move or change one.
#[component]
fn AppointmentFormView(
    client_id: String,
    appointment: Option<Appointment>,
    today: NaiveDate,
) -> impl IntoView {
    let book = ServerAction::<BookAppointment>::new();
    let save = ServerAction::<SaveAppointment>::new();
    reload_after(book);
    reload_after(save);
    let answer = Signal::derive(move || save.value().get().or_else(|| book.value().get()));
    let version = RwSignal::new(appointment.as_ref().map_or(0, |a| a.version));
    let form = appointment
        .as_ref()
        .map(AppointmentForm::of)
        .unwrap_or_else(|| AppointmentForm {
            kind: AppointmentKind::CaseManagement.code().to_owned(),
            duration_minutes: "60".to_owned(),
            ..AppointmentForm::default()
        });
    let prefix = appointment.as_ref().map_or_else(
        || "new-appointment".to_owned(),
        |a| format!("appointment-{}", a.id),
    );
    let id = move |field: &str| format!("{prefix}-{field}");
    let max_year = chrono::Datelike::year(&today) + 2;
    let fields = view! {
        <SaveMessage answer version/>
        <input type="hidden" name="client_id" value=client_id.clone()/>
        <Choice id=id("kind") name="appointment[kind]" label="What kind" value=form.kind
            options=AppointmentKind::ALL.iter().map(|k| (k.code(), k.staff_label())).collect()
            problem=problem_at(answer, "kind")/>
        <DateField id=id("date") name="appointment[date]" label="Date" value=form.date required=true
            max_year problem=problem_at(answer, "date")/>
        <div class="field">
            <label for=id("time")>"Time"</label>
            <input id=id("time") name="appointment[time]" type="time" value=form.time required=true
                aria-describedby=id("time-problem")/>
            <p id=id("time-problem") class="field-problem">{problem_at(answer, "time")}</p>
        </div>
        <div class="field">
            <label for=id("duration")>"How long (minutes)"</label>
            <input id=id("duration") name="appointment[duration_minutes]" type="number" min="5" max="720"
                value=form.duration_minutes required=true aria-describedby=id("duration-problem")/>
            <p id=id("duration-problem") class="field-problem">{problem_at(answer, "duration_minutes")}</p>
        </div>
        <TextField id=id("place") name="appointment[place]" label="Where" value=form.place
            max=PLACE_MAX_CHARS problem=problem_at(answer, "place")/>
        <TextField id=id("with_whom") name="appointment[with_whom]" label="With whom (optional)"
            value=form.with_whom max=WITH_WHOM_MAX_CHARS required=false problem=problem_at(answer, "with_whom")/>
        <TextField id=id("bring") name="appointment[what_to_bring]" label="What to bring (optional)"
            value=form.what_to_bring max=BRING_MAX_CHARS required=false problem=problem_at(answer, "what_to_bring")/>
    };
    match appointment {
        Some(appointment) => view! {
            <ActionForm action=save attr:class="form">
                {fields}
                <input type="hidden" name="appointment_id" value=appointment.id.to_string()/>
                <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
                <button class="button" type="submit">"Save appointment"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <ActionForm action=book attr:class="form">
                {fields}
                <DateField id="new-appointment-repeat".to_owned() name="appointment[repeat_until]"
                    label="Repeat weekly until (optional)" value=String::new() max_year
                    problem=problem_at(answer, "repeat_until")/>
                <button class="button" type="submit">"Book"</button>
            </ActionForm>
        }
        .into_any(),
    }
}
