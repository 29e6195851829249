//! Pieces shared by the pages: the frame around them, the error page, and small parts.
use crate::domain::{
    day_label, duration_label, tel_href, time_label, Appointment, NaiveDateExt, Resource,
};
use crate::error::AppError;
use crate::notice::{Notice, Problem};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// A page's answer from the server, or, when the server cannot be reached, what the phone's
/// copy says (see `device`). On the server, the answer as it is.
pub async fn or_from_copy<T>(
    answer: Result<T, AppError>,
    from_copy: impl FnOnce(&crate::domain::DeviceCopy, chrono::NaiveDateTime) -> Option<T>,
) -> Result<T, AppError> {
    #[cfg(feature = "hydrate")]
    {
        crate::device::or_from_copy(answer, from_copy).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = from_copy;
        answer
    }
}

/// What the client pages load from: moves when the phone's copy changed in a way the page
/// on screen should show (see `device::copy_changes`). Always 0 on the server.
pub fn copy_changes() -> u32 {
    #[cfg(feature = "hydrate")]
    {
        crate::device::copy_changes()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}

/// While a page shows the phone's copy: says so, how old it is, and offers to sign out of
/// this phone (which works offline).
#[component]
fn OfflineLine() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let line = move || {
        let shown = crate::device::shown_offline().get()?;
        let today = crate::device::local_now().date();
        let saved = match shown.synced_at.map(crate::device::local_time_of) {
            Some(at) => format!(
                "You're offline. This was saved on this phone {} at {}.",
                day_label(at.date(), today).to_lowercase(),
                time_label(at.time())
            ),
            None => "You're offline. This was saved on this phone.".to_owned(),
        };
        let waiting = match shown.waiting {
            0 => None,
            1 => Some(
                "1 check-in is kept on this phone. It will be sent when you're back online."
                    .to_owned(),
            ),
            n => Some(format!(
                "{n} check-ins are kept on this phone. They will be sent when you're back online."
            )),
        };
        Some((saved, waiting))
    };
    #[cfg(not(feature = "hydrate"))]
    let line = move || None::<(String, Option<String>)>;
    let sign_out = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(crate::device::sign_out_and_leave());
    };
    move || {
        line().map(|(saved, waiting)| {
            view! {
                <div class="offline-line card" role="status">
                    <p>{saved}</p>
                    {waiting.map(|text| view! { <p class="waiting">{text}</p> })}
                    <button type="button" class="button secondary" on:click=sign_out>
                        "Sign out of this phone"
                    </button>
                </div>
            }
        })
    }
}

/// Check-ins from this phone that the server could not record (the step or appointment is
/// no longer the client's): said until the person has seen it, so none is lost unnoticed.
#[component]
fn NotRecordedLine() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let count = move || crate::device::not_recorded().get();
    #[cfg(not(feature = "hydrate"))]
    let count = move || 0_usize;
    let seen = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(crate::device::forget_not_recorded());
    };
    move || {
        let text = match count() {
            0 => return None,
            1 => "A check-in from this phone could not be recorded: its step or appointment is no longer in your plan. Please tell your case manager.".to_owned(),
            n => format!("{n} check-ins from this phone could not be recorded: their steps or appointments are no longer in your plan. Please tell your case manager."),
        };
        Some(view! {
            <div class="not-recorded card" role="alert">
                <p>{text}</p>
                <button type="button" class="button secondary" on:click=seen>"OK"</button>
            </div>
        })
    }
}

/// The pages a signed-in client moves between with the tab bar.
pub fn is_client_page(path: &str) -> bool {
    matches!(
        path,
        "/" | "/plan" | "/appointments" | "/referrals" | "/support"
    ) || path.starts_with("/appointments/")
}

/// The staff's pages (case managers' and admins'), which come with the staff bundle; every
/// other page comes with the client bundle (see `bundle_pages` in lib.rs).
pub fn is_staff_page(path: &str) -> bool {
    ["/caseload", "/admin"]
        .iter()
        .any(|start| path == *start || path.starts_with(&format!("{start}/")))
}

/// A page of the other bundle, reached by a link inside the app: it is loaded whole from
/// the server, which sends it with its own bundle.
#[component]
pub fn OtherBundle() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let address = move || {
        let (path, query) = (location.pathname.get(), location.search.get());
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let address = address();
        // After the router has put the address in the history (it does once the page is
        // shown), so that the load takes that entry's place: one entry, not two.
        set_timeout(
            move || {
                let Some(window) = web_sys::window() else {
                    return;
                };
                let here = window.location();
                let _ = if here.pathname().ok().as_deref() == address.split('?').next() {
                    here.replace(&address)
                } else {
                    here.assign(&address)
                };
            },
            std::time::Duration::ZERO,
        );
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = address;
    view! { <Loading/> }
}

/// The frame of every page: a skip link, a plain header, the page, and (on the client's
/// pages) the tab bar.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let client_page = move || is_client_page(&location.pathname.get());
    #[cfg(feature = "hydrate")]
    {
        let navigate = leptos_router::hooks::use_navigate();
        crate::device::set_navigate(move |path| navigate(path, Default::default()));
    }
    // Everywhere but the pages for getting in.
    let account_link = move || {
        !matches!(
            location.pathname.get().as_str(),
            "/sign-in" | "/unlock" | "/enrol" | "/join" | "/learn" | "/account"
        )
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="top-bar">
            <a class="brand" href="/">"Waypoint"</a>
            <Show when=account_link>
                <a class="top-link" href="/account">"Account"</a>
            </Show>
        </header>
        <main id="main" tabindex="-1">
            <OfflineLine/>
            <NotRecordedLine/>
            {children()}
        </main>
        // Shown by `/register-sw.js` when a new version has been downloaded.
        <div id="update-ready" class="update-ready" role="status" hidden>
            <p>"A new version of Waypoint is ready."</p>
            <button type="button" class="button">"Reload"</button>
        </div>
        <Show when=client_page>
            <ClientTabBar/>
        </Show>
    }
}

/// The client's pages in the tab bar: where, what it is called, its icon's line.
const CLIENT_TABS: [(&str, &str, &str); 5] = [
    ("/", "Today", "M12 4v2M12 18v2M4 12h2M18 12h2M6.3 6.3l1.4 1.4M16.3 16.3l1.4 1.4M6.3 17.7l1.4-1.4M16.3 7.7l1.4-1.4M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8"),
    ("/plan", "Plan", "M9 6h11M9 12h11M9 18h11M4 6l1 1 2-2M4 12l1 1 2-2M4 18l1 1 2-2"),
    ("/appointments", "Appointments", "M5 6h14v14H5zM5 10h14M9 3v4M15 3v4"),
    ("/referrals", "Referrals", "M4 12h13M13 7l5 5-5 5"),
    ("/support", "Support", "M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z"),
];

#[component]
fn ClientTabBar() -> impl IntoView {
    view! {
        <nav class="tab-bar" aria-label="Main">
            {CLIENT_TABS.into_iter().map(|(href, label, icon)| view! {
                // "/" is the current page only on Today itself, not under every other page.
                <A href=href exact=href == "/">
                    <Icon path=icon/>
                    <span>{label}</span>
                </A>
            }).collect_view()}
        </nav>
    }
}

/// A line icon, hidden from screen readers: the text beside it says the same.
#[component]
fn Icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=path/>
        </svg>
    }
}

/// A page's result: its view, or the error page with the right status code.
pub fn page_or_error<T, V>(result: Result<T, AppError>, render: impl FnOnce(T) -> V) -> AnyView
where
    V: IntoView + 'static,
{
    match result {
        Ok(value) => render(value).into_any(),
        Err(error) => view! { <ErrorPage error/> }.into_any(),
    }
}

/// The body of a page whose information comes from one server function: rendered whole on
/// the server, and the error page (with its status) when loading fails.
pub fn loaded<T, V>(
    resource: leptos::prelude::Resource<Result<T, AppError>>,
    render: fn(T) -> V,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { page_or_error(resource.await, render) })}
        </Transition>
    }
}

/// The problem or notice a form handler sent the person back with, said in words.
#[component]
pub fn FormMessage() -> impl IntoView {
    let query = use_query_map();
    move || {
        let query = query.read();
        if let Some(problem) = query
            .get("problem")
            .and_then(|c| Problem::from_code(&c).ok())
        {
            let text = match (problem, query.get("minutes")) {
                (Problem::Wait, Some(minutes))
                    if minutes.len() < 4 && minutes.chars().all(|c| c.is_ascii_digit()) =>
                {
                    format!("Too many tries. For your safety, please wait {minutes} minutes before trying again.")
                }
                (Problem::WrongPassphrase, _) => match query.get("left").as_deref() {
                    Some("1") => format!("{} One more wrong try and this phone removes its copy of your plan.", problem.label()),
                    Some(left @ ("2" | "3" | "4")) => format!("{} After {left} more wrong tries, this phone removes its copy of your plan.", problem.label()),
                    _ => problem.label().to_owned(),
                },
                _ => problem.label().to_owned(),
            };
            Some(view! { <p class="message problem" role="alert">{text}</p> }.into_any())
        } else {
            query
                .get("notice")
                .and_then(|c| Notice::from_code(&c).ok())
                .map(|notice| {
                    view! { <p class="message notice" role="status">{notice.label()}</p> }
                        .into_any()
                })
        }
    }
}

/// What a person sees when something is not right, and what to do about it.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::error::set_response_status(error);
    let next = match error {
        AppError::NotSignedIn => {
            view! { <a class="button" href="/sign-in">"Sign in"</a> }.into_any()
        }
        AppError::Locked => {
            view! { <a class="button" href="/unlock">"Enter passphrase"</a> }.into_any()
        }
        _ => view! { <a class="button" href="/">"Go to Today"</a> }.into_any(),
    };
    view! {
        <Title text=error.heading()/>
        <section class="error-page">
            <h1>{error.heading()}</h1>
            <p>{error.to_string()}</p>
            {next}
        </section>
    }
}

/// Shown while a page's information is on its way (only ever seen after the first page,
/// since the server sends each first page complete).
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

/// "Tomorrow, 9:30 am".
fn when_label(appointment: &Appointment, today: NaiveDate) -> String {
    format!(
        "{}, {}",
        day_label(appointment.starts_at.date(), today),
        time_label(appointment.starts_at.time())
    )
}

/// An appointment in a list: what, when, where, linking to its details.
#[component]
pub fn AppointmentCard(appointment: Appointment, today: NaiveDate) -> impl IntoView {
    let href = format!("/appointments/{}", appointment.id);
    let when = when_label(&appointment, today);
    let cancelled = !appointment.is_expected();
    view! {
        <a class="card appointment-card" class:muted=cancelled href=href>
            <span class="card-title">{appointment.kind.label()}</span>
            <span class="when">{when}</span>
            <span>{appointment.place.clone()}</span>
            <span class="status">{appointment.status.label()}</span>
        </a>
    }
}

/// The details of an appointment: when, how long, where, with whom, what to bring.
#[component]
pub fn AppointmentDetails(appointment: Appointment, today: NaiveDate) -> impl IntoView {
    let when = when_label(&appointment, today);
    view! {
        <dl class="details">
            <dt>"When"</dt>
            <dd>{when}</dd>
            <dt>"How long"</dt>
            <dd>{duration_label(appointment.duration_minutes)}</dd>
            <dt>"Where"</dt>
            <dd>{appointment.place.clone()}</dd>
            {appointment.with_whom.clone().map(|who| view! { <dt>"With"</dt><dd>{who}</dd> })}
            {appointment.what_to_bring.clone().map(|bring| view! { <dt>"Bring"</dt><dd>{bring}</dd> })}
            <dt>"Status"</dt>
            <dd>{appointment.status.label()}</dd>
            {appointment.repeats_weekly.then(|| view! { <dt>"Repeats"</dt><dd>{format!("Every {}", appointment.starts_at.date().weekday_name())}</dd> })}
        </dl>
    }
}

/// A resource and how to reach it: a call button when there is a phone number.
#[component]
pub fn ResourceCard(resource: Resource) -> impl IntoView {
    let call = resource.phone.clone().map(|phone| {
        let label = format!("Call {phone}");
        view! { <a class="button" href=tel_href(&phone)>{label}</a> }
    });
    let site = resource.website.clone().map(|url| {
        view! { <a class="link" href=url.clone() rel="noopener noreferrer">{format!("Website: {}", url.trim_start_matches("https://"))}</a> }
    });
    view! {
        <article class="card resource-card">
            <h3>{resource.name.clone()}</h3>
            {resource.recommended.then(|| view! { <p class="tag">"Picked for you"</p> })}
            <p>{resource.description.clone()}</p>
            <p class="how">{resource.how_to_reach.clone()}</p>
            {call}
            {site}
        </article>
    }
}
