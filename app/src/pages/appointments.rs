use crate::components::{loaded, page_or_error, AppointmentCard, AppointmentDetails, Loading};
use crate::domain::Appointment;
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// How far back the list reaches: older appointments stay stored, just not listed.
pub const PAST_DAYS: i64 = 60;
/// How far ahead the list reaches.
pub const AHEAD_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentList {
    pub today: NaiveDate,
    pub upcoming: Vec<Appointment>,
    pub past: Vec<Appointment>,
}

#[server(endpoint = "appointments")]
pub async fn get_appointments() -> Result<AppointmentList, AppError> {
    use crate::{db, domain::upcoming_and_past, session};
    crate::error::answer("read.appointments", async move {
        let (state, home) = session::signed_in_client().await?;
        let now = session::local_now(&home);
        let all = db::appointments_between(
            &state.db,
            &home.client_id,
            now - chrono::Duration::days(PAST_DAYS),
            now + chrono::Duration::days(AHEAD_DAYS),
        )
        .await?;
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
}

/// One of the signed-in client's appointments. Someone else's appointment, an unknown one
/// and a malformed id all answer "not found", alike.
#[server(endpoint = "appointment")]
pub async fn get_appointment(id: String) -> Result<AppointmentDetail, AppError> {
    use crate::{db, domain::RecordId, session};
    crate::error::answer("read.appointment", async move {
        let (state, home) = session::signed_in_client().await?;
        let id = RecordId::parse(&id).ok_or(AppError::NotFound)?;
        let appointment = db::appointment_of_client(&state.db, &home.client_id, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(AppointmentDetail {
            today: session::local_now(&home).date(),
            appointment,
        })
    })
    .await
}

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| get_appointments());
    view! {
        <Title text="Appointments"/>
        {loaded(list, |list| view! { <AppointmentListView list/> })}
    }
}

#[component]
fn AppointmentListView(list: AppointmentList) -> impl IntoView {
    let today = list.today;
    let cards = |appointments: Vec<Appointment>, empty: &'static str| {
        if appointments.is_empty() {
            view! { <p class="card">{empty}</p> }.into_any()
        } else {
            view! {
                <ul class="plain-list">
                    {appointments
                        .into_iter()
                        .map(|appointment| view! { <li><AppointmentCard appointment today/></li> })
                        .collect_view()}
                </ul>
            }
            .into_any()
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
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_appointment,
    );
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                page_or_error(detail.await, |detail| {
                    let title = detail.appointment.kind.label();
                    view! {
                        <Title text=title/>
                        <h1>{title}</h1>
                        <div class="card">
                            <AppointmentDetails appointment=detail.appointment today=detail.today/>
                        </div>
                        <a class="link" href="/appointments">"All appointments"</a>
                    }
                })
            })}
        </Transition>
    }
}
