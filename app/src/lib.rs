#![recursion_limit = "256"]
//! Waypoint: a support-plan companion for people in methadone maintenance treatment.
//!
//! This crate is compiled twice: with `ssr` into the server (pages rendered to HTML, server
//! functions, database access) and with `hydrate` into the browser's wasm.

#[cfg(feature = "browser")]
pub mod browser;
pub mod components;
#[cfg(feature = "client")]
pub mod device;
pub mod domain;
pub mod error;
pub mod notice;
pub mod pages;

// The server's layers, from the ground up (ARCHITECTURE.md has the map).
#[cfg(feature = "ssr")]
pub mod actions;
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod bundle;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod proxy;
#[cfg(feature = "ssr")]
pub mod push;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;

#[cfg(any(feature = "ssr", feature = "staff"))]
use leptos::prelude::*;
#[cfg(any(feature = "ssr", feature = "staff"))]
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around every page.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::{HashedStylesheet, MetaTags};
    // The page's bundle starts after the page has loaded and painted (see `bundle`): no
    // hint or preload puts the wasm ahead of the page's own content. The client bundle's
    // start registers the service worker, which keeps it for the phone to open offline;
    // staff pages (with the staff bundle, on a computer at the clinic) do not.
    let start = bundle::Bundle::for_request(&options).start_script();
    let nonce = leptos::nonce::use_nonce();
    let language = leptos::prelude::use_context::<http::request::Parts>()
        .map(|parts| domain::page_language(parts.uri.path()))
        .unwrap_or(domain::Language::English);
    view! {
        <!DOCTYPE html>
        <html lang=language.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4f4a"/>
                <meta name="referrer" content="no-referrer"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options/>
                <script type="module" nonce=nonce>{start}</script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Which pages each side holds. The server renders every page. The staff bundle hydrates
/// the staff pages and meets every other page as `OtherBundle`, which loads it, with its
/// own bundle, from the server (`components::is_staff_page` is how the server chooses). The
/// client bundle holds no router: the client's pages come whole from the server and are
/// not hydrated; offline, `device::pages` shows them from the phone's copy.
#[cfg(any(feature = "ssr", feature = "staff"))]
mod bundle_pages {
    macro_rules! pages {
        ($holds:meta: $($page:ident in $module:ident),+ $(,)?) => {
            $(
                #[cfg($holds)]
                pub use crate::pages::$module::$page;
                #[cfg(not($holds))]
                pub use crate::components::OtherBundle as $page;
            )+
        };
    }
    pages!(feature = "ssr":
        TodayPage in today, PlanPage in plan, AppointmentsPage in appointments,
        AppointmentPage in appointments, ReferralsPage in referrals, SupportPage in support,
        SafetyPlanPage in safety, SafetyEditPage in safety, MessagesPage in messages,
        SignInPage in sign_in, UnlockPage in sign_in, EnrolPage in sign_in, JoinPage in sign_in,
        ResetPage in sign_in,
        AccountPage in account, SeenPage in account, NotificationsPage in notifications,
        SupportersPage in sharing,
        SupportingPage in sharing, SharedRecordPage in sharing,
        LibraryHomePage in library, LibraryTopicPage in library, LibraryArticlePage in library,
        LibrarySearchPage in library,
    );
    pub use crate::pages::care_teams::CareTeamsPage;
    pub use crate::pages::directory::DirectoryPage;
    pub use crate::pages::intake::IntakePage;
    pub use crate::pages::library_editing::{LibraryArticleEditPage, LibraryShelfPage};
    pub use crate::pages::planning::ComparePage;
    pub use crate::pages::record::{RecordPage, RecordSection};
    pub use crate::pages::staff::{AdminPage, CaseloadPage};
}

/// A section of a client's record: one route each, so each has its own address.
#[cfg(any(feature = "ssr", feature = "staff"))]
fn record(section: bundle_pages::RecordSection) -> impl IntoView {
    view! { <bundle_pages::RecordPage section/> }
}

#[cfg(any(feature = "ssr", feature = "staff"))]
#[component]
pub fn App() -> impl IntoView {
    use bundle_pages::RecordSection as Section;
    leptos_meta::provide_meta_context();
    view! {
        // Deliberately plain: a title on a shared phone or a lock screen must not say
        // what the app is for.
        <leptos_meta::Title formatter=components::page_title/>
        <Router>
            <components::Layout>
                // Every page renders completely on the server before the first byte is sent:
                // slow phones get a whole, readable page, and errors can still set the status.
                <Routes fallback=|| view! { <components::ErrorPage error=error::AppError::NotFound/> }>
                    <Route path=path!("/") view=bundle_pages::TodayPage ssr=SsrMode::Async/>
                    <Route path=path!("/plan") view=bundle_pages::PlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/appointments") view=bundle_pages::AppointmentsPage ssr=SsrMode::Async/>
                    <Route path=path!("/appointments/:id") view=bundle_pages::AppointmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/referrals") view=bundle_pages::ReferralsPage ssr=SsrMode::Async/>
                    <Route path=path!("/support") view=bundle_pages::SupportPage ssr=SsrMode::Async/>
                    <Route path=path!("/safety") view=bundle_pages::SafetyPlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/safety/edit") view=bundle_pages::SafetyEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/messages") view=bundle_pages::MessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=bundle_pages::SignInPage/>
                    <Route path=path!("/unlock") view=bundle_pages::UnlockPage/>
                    <Route path=path!("/enrol") view=bundle_pages::EnrolPage/>
                    <Route path=path!("/join") view=bundle_pages::JoinPage/>
                    <Route path=path!("/reset") view=bundle_pages::ResetPage/>
                    <Route path=path!("/account") view=bundle_pages::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/seen") view=bundle_pages::SeenPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/notifications") view=bundle_pages::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/supporters") view=bundle_pages::SupportersPage ssr=SsrMode::Async/>
                    <Route path=path!("/supporting") view=bundle_pages::SupportingPage ssr=SsrMode::Async/>
                    <Route path=path!("/supporting/:id") view=bundle_pages::SharedRecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/learn/:code/:language") view=bundle_pages::LibraryHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/learn/:code/:language/t/:number") view=bundle_pages::LibraryTopicPage ssr=SsrMode::Async/>
                    <Route path=path!("/learn/:code/:language/a/:number") view=bundle_pages::LibraryArticlePage ssr=SsrMode::Async/>
                    <Route path=path!("/learn/:code/:language/search") view=bundle_pages::LibrarySearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/caseload") view=bundle_pages::CaseloadPage ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/new") view=bundle_pages::IntakePage ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id") view=|| record(Section::Overview) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/plan") view=|| record(Section::Plan) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/appointments") view=|| record(Section::Appointments) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/referrals") view=|| record(Section::Referrals) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/assessment") view=|| record(Section::Assessment) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/safety-plan") view=|| record(Section::SafetyPlan) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/messages") view=|| record(Section::Messages) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/notes") view=|| record(Section::Notes) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/history") view=|| record(Section::History) ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/compare") view=bundle_pages::ComparePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=bundle_pages::AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/directory") view=bundle_pages::DirectoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/care-teams") view=bundle_pages::CareTeamsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/library") view=bundle_pages::LibraryShelfPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/library/:number") view=bundle_pages::LibraryArticleEditPage ssr=SsrMode::Async/>
                </Routes>
            </components::Layout>
        </Router>
    }
}

/// Starts the staff bundle on a staff page rendered by the server.
#[cfg(feature = "staff")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    browser::started();
    // A passphrase typed on the way here led to pages with no copy: it is not kept.
    browser::forget_typed_passphrase();
}

/// Starts the client bundle on a page rendered by the server: the page is whole already
/// (not hydrated). The phone's copy syncs, the forms the phone handles itself are watched,
/// and the page's slots get what only the browser can do (passkeys, the check-ins the
/// server could not record).
#[cfg(feature = "client")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start() {
    // Panic messages in the console while developing; a release leaves out the code that
    // writes them (the wasm aborts either way).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let location = web_sys::window().map(|w| w.location());
    let path = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let search = location.and_then(|l| l.search().ok()).unwrap_or_default();
    let on_own_page = components::is_own_page(&path);
    // A passphrase typed on the way here that was refused, or that led to pages with no copy,
    // is not kept.
    let typing_passphrase = matches!(path.as_str(), "/sign-in" | "/unlock" | "/enrol" | "/join");
    if search.contains("problem=") || !(on_own_page || typing_passphrase) {
        browser::forget_typed_passphrase();
    }
    device::start_syncing(on_own_page);
    device::watch_forms();
    device::watch_buttons();
    device::fill_slots();
    browser::started();
}

/// Starts the client bundle in the offline shell (`/offline`, served by the service worker
/// when a page cannot be fetched): there is no page from the server, so the phone shows the
/// address's page from its copy.
#[cfg(feature = "client")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount_offline() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    device::pages::show();
    device::start_syncing(true);
    device::watch_forms();
    device::watch_buttons();
    browser::started();
}
