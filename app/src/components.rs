//! Pieces shared by the pages: the frame around them, the error page, and small parts.
use crate::domain::{
    day_label, duration_label, page_language, tel_href, time_label, Appointment, NaiveDateExt,
    Resource, SharedAppointment, LIBRARY_WORDS,
};
use crate::error::AppError;
use crate::notice::{Notice, Problem};
use chrono::{NaiveDate, NaiveDateTime};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

/// The title of every page: deliberately plain, since a title on a shared phone or a lock
/// screen must not say what the app is for.
pub fn page_title(page: String) -> String {
    format!("{page} · Waypoint")
}

/// The address of the page on screen, for the pieces that depend on it: the router's on
/// the server and in the staff bundle (`Layout`), the phone's own in the offline pages.
#[derive(Clone, Copy)]
pub struct Address {
    pub path: Signal<String>,
    /// The query, without the leading `?`.
    pub query: Signal<String>,
}

impl Address {
    fn here() -> Option<Address> {
        use_context::<Address>()
    }
}

/// The value of `name` in a query string (`a=1&b=2`), for the short codes and numbers the
/// form handlers send back (nothing there needs decoding).
fn query_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

/// Where the browser fills in what only it can do (passkeys, the check-ins the server
/// could not record): empty as the server sends it, so the page is whole without the wasm.
#[component]
pub fn Slot(name: &'static str) -> impl IntoView {
    view! { <div data-slot=name></div> }
}

/// The slot for the lines about the phone's copy, in every page's frame.
pub const DEVICE_LINES: &str = "device-lines";

/// The pages a signed-in client moves between with the tab bar.
pub fn is_client_page(path: &str) -> bool {
    matches!(
        path,
        "/" | "/plan"
            | "/appointments"
            | "/referrals"
            | "/support"
            | "/safety"
            | "/safety/edit"
            | "/messages"
    ) || path.starts_with("/appointments/")
}

/// The pages with the signed-in person's own things, which the phone keeps a copy of and
/// shows offline: the client's, and a supporter's list and each client's shared page.
pub fn is_own_page(path: &str) -> bool {
    is_client_page(path) || path == "/supporting" || path.starts_with("/supporting/")
}

/// The library's pages: open to everyone and the same for every reader, so they come with
/// no wasm (see `bundle::Bundle::library`).
pub fn is_library_page(path: &str) -> bool {
    path == "/learn" || path.starts_with("/learn/")
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
    #[cfg(feature = "staff")]
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
    #[cfg(not(feature = "staff"))]
    let _ = address;
    view! { <Loading/> }
}

/// The frame of every page rendered by the router (on the server, and in the staff
/// bundle): the router's address for the pieces that depend on it, around `Frame`.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    provide_context(Address {
        path: Signal::derive(move || location.pathname.get()),
        query: Signal::derive(move || location.search.get()),
    });
    view! { <Frame>{children()}</Frame> }
}

/// A skip link, a plain header, the page, and (on the client's pages) the tab bar. The lines
/// about the phone's copy go in their slot, as HTML: the client bundle fills it on a page
/// from the server, and passes them in when it shows the phone's own pages.
#[component]
pub fn Frame<C>(
    children: TypedChildren<C>,
    #[prop(optional)] lines: Option<String>,
) -> impl IntoView
where
    C: IntoView + 'static,
{
    let path = Address::here()
        .map(|address| address.path)
        .unwrap_or_else(|| Signal::derive(String::new));
    let client_page = move || is_client_page(&path.get());
    // Everywhere but the pages for getting in and the library (the same for every reader).
    let account_link = move || {
        let path = path.get();
        !(matches!(
            path.as_str(),
            "/sign-in" | "/unlock" | "/enrol" | "/join" | "/account"
        ) || is_library_page(&path))
    };
    let skip = move || LIBRARY_WORDS.of(page_language(&path.get())).skip_link;
    view! {
        <a class="skip-link" href="#main">{skip}</a>
        <header class="top-bar">
            <a class="brand" href="/">"Waypoint"</a>
            {move || account_link().then(|| view! { <a class="top-link" href="/account">"Account"</a> })}
        </header>
        <main id="main" tabindex="-1">
            <div data-slot=DEVICE_LINES inner_html=lines></div>
            {children.into_inner()()}
        </main>
        // Shown by `/register-sw.js` when a new version has been downloaded.
        <div id="update-ready" class="update-ready" role="status" hidden>
            <p>"A new version of Waypoint is ready."</p>
            <button type="button" class="button">"Reload"</button>
        </div>
        {move || client_page().then(|| view! { <ClientTabBar path/> })}
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

/// Whether the tab for `href` is the page at `path`: "/" only on Today itself, the others
/// on their pages below too.
fn is_current_tab(href: &str, path: &str) -> bool {
    path == href || (href != "/" && path.starts_with(href) && path[href.len()..].starts_with('/'))
}

/// Plain links: each page of the client's comes whole from the server.
#[component]
fn ClientTabBar(path: Signal<String>) -> impl IntoView {
    view! {
        <nav class="tab-bar" aria-label="Main">
            {CLIENT_TABS.into_iter().map(|(href, label, icon)| view! {
                <a href=href aria-current=move || is_current_tab(href, &path.get()).then_some("page")>
                    <Icon path=icon/>
                    <span>{label}</span>
                </a>
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

/// The body of a hydrated page (staff) whose information comes from one server function:
/// rendered whole on the server, and the error page (with its status) when loading fails.
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

/// The body of a client's or supporter's page: rendered whole on the server from its server
/// function's answer, or the error page with its status. These pages are not hydrated, so
/// the answer is not written into the page a second time for the browser.
pub fn served<T, V, F>(
    answer: impl FnOnce() -> F + Send + 'static,
    render: fn(T) -> V,
) -> impl IntoView
where
    F: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    T: Send + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move { page_or_error(answer().await, render) })}
        </Suspense>
    }
}

/// The problem or notice a form handler sent the person back with, said in words.
#[component]
pub fn FormMessage() -> impl IntoView {
    let query = Address::here()
        .map(|address| address.query)
        .unwrap_or_else(|| Signal::derive(String::new));
    move || {
        let query = query.read();
        let value = |name| query_value(&query, name);
        if let Some(problem) = value("problem").and_then(|c| Problem::from_code(&c).ok()) {
            let text = match (problem, value("minutes")) {
                (Problem::Wait, Some(minutes))
                    if minutes.len() < 4 && minutes.chars().all(|c| c.is_ascii_digit()) =>
                {
                    format!("Too many tries. For your safety, please wait {minutes} minutes before trying again.")
                }
                (Problem::WrongPassphrase, _) => match value("left").as_deref() {
                    Some("1") => format!("{} One more wrong try and this phone removes its copy of your plan.", problem.label()),
                    Some(left @ ("2" | "3" | "4")) => format!("{} After {left} more wrong tries, this phone removes its copy of your plan.", problem.label()),
                    _ => problem.label().to_owned(),
                },
                _ => problem.label().to_owned(),
            };
            Some(Either::Left(
                view! { <p class="message problem" role="alert">{text}</p> },
            ))
        } else {
            value("notice")
                .and_then(|c| Notice::from_code(&c).ok())
                .map(|notice| {
                    Either::Right(
                        view! { <p class="message notice" role="status">{notice.label()}</p> },
                    )
                })
        }
    }
}

/// What a person sees when something is not right, and what to do about it; the page's
/// title and status say so too.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::error::set_response_status(error);
    view! {
        <Title text=error.heading()/>
        <ErrorMessage error/>
    }
}

/// The heading, the plain message and the way on, for any page that meets `error`.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let (href, next) = match error {
        AppError::NotSignedIn => ("/sign-in", "Sign in"),
        AppError::Locked => ("/unlock", "Enter passphrase"),
        _ => ("/", "Go to Today"),
    };
    view! {
        <section class="error-page">
            <h1>{error.heading()}</h1>
            <p>{error.to_string()}</p>
            <a class="button" href=href>{next}</a>
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
fn when_label(starts_at: NaiveDateTime, today: NaiveDate) -> String {
    format!(
        "{}, {}",
        day_label(starts_at.date(), today),
        time_label(starts_at.time())
    )
}

/// An appointment in a list: what, when, where, linking to its details.
#[component]
pub fn AppointmentCard(appointment: Appointment, today: NaiveDate) -> impl IntoView {
    let href = format!("/appointments/{}", appointment.id);
    let when = when_label(appointment.starts_at, today);
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

/// An appointment a client shares with a supporter: what, when, where. Not a link: the
/// supporter has no page of the client's appointments to open.
#[component]
pub fn SharedAppointmentCard(appointment: SharedAppointment, today: NaiveDate) -> impl IntoView {
    view! {
        <div class="card appointment-card">
            <span class="card-title">{appointment.kind.label()}</span>
            <span class="when">{when_label(appointment.starts_at, today)}</span>
            <span>{appointment.place}</span>
        </div>
    }
}

/// The details of an appointment: when, how long, where, with whom, what to bring.
#[component]
pub fn AppointmentDetails(appointment: Appointment, today: NaiveDate) -> impl IntoView {
    let when = when_label(appointment.starts_at, today);
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
    // A peer group's hours and place, said as such.
    let how = if resource.kind == crate::domain::ResourceKind::PeerSupport {
        format!("When and where: {}", resource.how_to_reach)
    } else {
        resource.how_to_reach.clone()
    };
    view! {
        <article class="card resource-card">
            <h3>{resource.name.clone()}</h3>
            {resource.recommended.then(|| view! { <p class="tag">"Picked for you"</p> })}
            <p>{resource.description.clone()}</p>
            <p class="how">{how}</p>
            {call}
            {site}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_found_by_name() {
        let query = "problem=wrong_passphrase&left=4";
        assert_eq!(query_value(query, "left").as_deref(), Some("4"));
        assert_eq!(
            query_value(query, "problem").as_deref(),
            Some("wrong_passphrase")
        );
        assert_eq!(query_value(query, "notice"), None);
        assert_eq!(query_value("", "left"), None);
        assert_eq!(query_value("leftover=1", "left"), None);
    }

    #[test]
    fn a_tab_is_current_on_its_page_and_below_it() {
        assert!(is_current_tab("/", "/"));
        assert!(!is_current_tab("/", "/plan"));
        assert!(is_current_tab("/appointments", "/appointments"));
        assert!(is_current_tab("/appointments", "/appointments/7"));
        assert!(!is_current_tab("/plan", "/planner"));
    }
}

/// A labelled input with a hint, sized for thumbs.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = 256)] max: usize,
    /// Filled in already (a code that came in a link).
    #[prop(optional)]
    value: Option<String>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                maxlength=max
                value=value
                required=true
                autocapitalize="none"
                spellcheck="false"
                aria-describedby=hint.map(|_| hint_id.clone())
            />
        </div>
    }
}
