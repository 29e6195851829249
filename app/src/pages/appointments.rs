use crate::components::FormMessage;
use crate::components::{served, AppointmentCard, AppointmentDetails};
use crate::domain::{long_date, Appointment, CheckInKind, CHECK_IN_NOTE_MAX_CHARS};
use crate::error::AppError;
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentList {
    pub today: NaiveDate,
    pub upcoming: Vec<Appointment>,
    pub past: Vec<Appointment>,
}

impl AppointmentList {
    pub fn from_copy(copy: &crate::domain::DeviceCopy, now: chrono::NaiveDateTime) -> Option<Self> {
        copy.profile()?;
        let all = copy
            .appointments()
            .into_iter()
            .map(|a| a.appointment)
            .collect();
        let (upcoming, past) = crate::domain::upcoming_and_past(all, now);
        Some(AppointmentList {
            today: now.date(),
            upcoming,
            past,
        })
    }
}

#[server(endpoint = "appointments")]
pub async fn get_appointments() -> Result<AppointmentList, AppError> {
    use crate::{clock, db, domain::upcoming_and_past, request};
    crate::request::answer("read.appointments", async move {
        let (state, home) = request::signed_in_client().await?;
        let now = clock::local_now(&home);
        let (from, to) = crate::domain::client_window(now);
        let all = db::appointments_between(&state.db, &home.client_id, from, to).await?;
        let (upcoming, past) = upcoming_and_past(all, now);
        Ok(AppointmentList {
            today: now.date(),
            upcoming,
            past,
        })
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentDetail {
    pub today: NaiveDate,
    pub appointment: Appointment,
    /// The client's latest answer about it, if any.
    pub answer: Option<(CheckInKind, DateTime<Utc>)>,
    /// Whether it is still ahead and booked, so that the client can answer.
    pub can_answer: bool,
    pub form_key: String,
}

impl AppointmentDetail {
    /// One appointment from the phone's copy. An answer given offline is kept on the phone
    /// until it can be sent (`device`).
    pub fn from_copy(
        copy: &crate::domain::DeviceCopy,
        now: chrono::NaiveDateTime,
        id: &str,
    ) -> Option<Self> {
        let held = copy
            .appointments()
            .into_iter()
            .find(|a| a.appointment.id.as_str() == id)?;
        Some(AppointmentDetail {
            today: now.date(),
            can_answer: held.appointment.can_be_answered(now),
            appointment: held.appointment,
            answer: held.answer,
            form_key: String::new(),
        })
    }
}

/// One of the signed-in client's appointments. Someone else's appointment, an unknown one
/// and a malformed id all answer "not found", alike.
#[server(endpoint = "appointment")]
pub async fn get_appointment(id: String) -> Result<AppointmentDetail, AppError> {
    use crate::{clock, db, domain::RecordId, request};
    crate::request::answer("read.appointment", async move {
        let (state, home) = request::signed_in_client().await?;
        let id = RecordId::parse(&id).ok_or(AppError::NotFound)?;
        let appointment = db::appointment_of_client(&state.db, &home.client_id, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        let answer = db::appointment_answers(&state.db, &home.client_id, id.as_str())
            .await?
            .into_iter()
            .find(|(kind, _)| *kind != CheckInKind::StepDone);
        let now = clock::local_now(&home);
        let can_answer = appointment.can_be_answered(now);
        Ok(AppointmentDetail {
            today: now.date(),
            appointment,
            answer,
            can_answer,
            form_key: crate::secrets::new_form_key()?,
        })
    })
    .await
}

pub const TITLE: &str = "Appointments";

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    view! {
        <Title text=TITLE/>
        {served(get_appointments, |list| view! { <AppointmentListView list/> })}
    }
}

#[component]
pub fn AppointmentListView(list: AppointmentList) -> impl IntoView {
    let today = list.today;
    let cards = |appointments: Vec<Appointment>, empty: &'static str| {
        if appointments.is_empty() {
            Either::Left(view! { <p class="card">{empty}</p> })
        } else {
            Either::Right(view! {
                <ul class="plain-list">
                    {appointments
                        .into_iter()
                        .map(|appointment| view! { <li><AppointmentCard appointment today/></li> })
                        .collect_view()}
                </ul>
            })
        }
    };
    view! {
        <h1>"Appointments"</h1>
        <section aria-labelledby="upcoming-heading">
            <h2 id="upcoming-heading">"Coming up"</h2>
            {cards(list.upcoming, "Nothing booked right now.")}
        </section>
        <section aria-labelledby="past-heading">
            <h2 id="past-heading">"Earlier"</h2>
            {cards(list.past, "No appointments in the last two months.")}
        </section>
    }
}

#[component]
pub fn AppointmentPage() -> impl IntoView {
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    served(
        move || get_appointment(id),
        |detail| {
            view! {
                <Title text=APPOINTMENT_TITLE/>
                <AppointmentView detail/>
            }
        },
    )
}

/// The appointment page's title. Titles end up in the browser's history and tab switcher,
/// where anyone holding the phone can read them: never the kind of appointment
/// ("Counselling", "Pharmacy pick-up"), which the page's own heading shows.
pub const APPOINTMENT_TITLE: &str = "Appointment";

#[component]
pub fn AppointmentView(detail: AppointmentDetail) -> impl IntoView {
    let calendar = format!("/appointments/{}/calendar.ics", detail.appointment.id);
    view! {
        <h1>{detail.appointment.kind.label()}</h1>
        <FormMessage/>
        <div class="card">
            <AppointmentDetails appointment=detail.appointment.clone() today=detail.today/>
        </div>
        <AppointmentAnswer detail/>
        <ul class="plain-list links">
            <li><a class="link" href=calendar download="appointment.ics">"Add to my calendar"</a></li>
            <li><a class="link" href="/appointments">"All appointments"</a></li>
        </ul>
    }
}

/// What the client said about coming, and the two answers they can give.
#[component]
fn AppointmentAnswer(detail: AppointmentDetail) -> impl IntoView {
    let said = detail.answer.map(|(kind, at)| {
        let what = match kind {
            CheckInKind::CantCome => "You said you can't make it",
            _ => "You said you will be there",
        };
        view! { <p class="card said">{format!("{what} ({}).", long_date(at.date_naive(), detail.today))}</p> }
    });
    let id = detail.appointment.id.to_string();
    let forms = detail.can_answer.then(|| {
        view! {
            <section aria-labelledby="answer-heading">
                <h2 id="answer-heading">"Let your case manager know"</h2>
                <form class="form" method="post" action="/check-ins/appointment">
                    <input type="hidden" name="appointment_id" value=id.clone()/>
                    <input type="hidden" name="key" value=detail.form_key.clone()/>
                    <button class="button" type="submit" name="answer" value="come">"I'll be there"</button>
                </form>
                <form class="form" method="post" action="/check-ins/appointment">
                    <input type="hidden" name="appointment_id" value=id/>
                    <input type="hidden" name="key" value=detail.form_key/>
                    <div class="field">
                        <label for="note">"Can't make it? You can add a short note (optional)"</label>
                        <textarea id="note" name="note" rows="3" maxlength=CHECK_IN_NOTE_MAX_CHARS></textarea>
                    </div>
                    <button class="button secondary" type="submit" name="answer" value="cant_come">"I can't make it"</button>
                </form>
            </section>
        }
    });
    view! { {said} {forms} }
}
