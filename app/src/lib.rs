#![recursion_limit = "256"]
//! Waypoint: a support-plan companion for people in methadone maintenance treatment.
//!
//! This crate is compiled twice: with `ssr` into the server (pages rendered to HTML, server
//! functions, database access) and with `hydrate` into the browser's wasm.

pub mod components;
#[cfg(feature = "hydrate")]
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
pub mod request;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's bundle starts the app after the page has painted and loaded (see
    // `bundle`): no hint or preload puts the wasm ahead of the page's own content. The
    // service worker keeps the client bundle for the phone to open offline; staff pages
    // (with the staff bundle, on a computer at the clinic) do not register it.
    #[cfg(feature = "ssr")]
    let (start, offline_app) = {
        let bundle = bundle::Bundle::for_request(&options);
        (bundle.start_script(), bundle.is_app_shell)
    };
    #[cfg(not(feature = "ssr"))]
    let (start, offline_app) = (String::new(), true);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4f4a"/>
                <meta name="referrer" content="no-referrer"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                {offline_app.then(|| view! { <script src="/register-sw.js" defer></script> })}
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

/// Which pages each browser bundle holds. The server renders every page. A client's or
/// supporter's phone gets the client bundle (`hydrate`), which meets the staff pages only as
/// `OtherBundle`; staff pages come with the staff bundle (`hydrate` + `staff`), which meets
/// the client's pages the same way. So neither bundle holds the other's code, and a link
/// from one bundle's page to the other's loads that page, with its bundle, from the server
/// (`components::is_staff_page` is how the server chooses).
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
    pages!(any(feature = "ssr", not(feature = "staff")):
        TodayPage in today, PlanPage in plan, AppointmentsPage in appointments,
        AppointmentPage in appointments, ReferralsPage in referrals, SupportPage in support,
        SignInPage in sign_in, UnlockPage in sign_in, EnrolPage in sign_in, JoinPage in sign_in,
        AccountPage in account, SeenPage in account, SupportersPage in sharing,
        SupportingPage in sharing, SharedRecordPage in sharing, LearnPage in sharing,
    );
    pages!(any(feature = "ssr", feature = "staff", not(feature = "hydrate")):
        CaseloadPage in staff, RecordPage in record, ComparePage in record, AdminPage in staff,
        DirectoryPage in directory,
    );
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // Deliberately plain: a title on a shared phone or a lock screen must not say
        // what the app is for.
        <Title formatter=|page: String| format!("{page} · Waypoint")/>
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
                    <Route path=path!("/sign-in") view=bundle_pages::SignInPage/>
                    <Route path=path!("/unlock") view=bundle_pages::UnlockPage/>
                    <Route path=path!("/enrol") view=bundle_pages::EnrolPage/>
                    <Route path=path!("/join") view=bundle_pages::JoinPage/>
                    <Route path=path!("/account") view=bundle_pages::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/seen") view=bundle_pages::SeenPage ssr=SsrMode::Async/>
                    <Route path=path!("/supporters") view=bundle_pages::SupportersPage ssr=SsrMode::Async/>
                    <Route path=path!("/supporting") view=bundle_pages::SupportingPage ssr=SsrMode::Async/>
                    <Route path=path!("/supporting/:id") view=bundle_pages::SharedRecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/learn") view=bundle_pages::LearnPage ssr=SsrMode::Async/>
                    <Route path=path!("/caseload") view=bundle_pages::CaseloadPage ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id") view=bundle_pages::RecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/caseload/:id/compare") view=bundle_pages::ComparePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=bundle_pages::AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/directory") view=bundle_pages::DirectoryPage ssr=SsrMode::Async/>
                </Routes>
            </components::Layout>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    started();
    let location = web_sys::window().map(|w| w.location());
    let path = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let search = location.and_then(|l| l.search().ok()).unwrap_or_default();
    let on_client_page = components::is_client_page(&path);
    // A passphrase typed on the way here that was refused, or that led to pages with no copy
    // (staff), is not kept.
    let typing_passphrase = matches!(path.as_str(), "/sign-in" | "/unlock" | "/enrol" | "/join");
    if search.contains("problem=") || !(on_client_page || typing_passphrase) {
        device::reopen::forget_typed_passphrase();
    }
    // Staff keep no copy on their computers.
    #[cfg(not(feature = "staff"))]
    {
        device::start_syncing(on_client_page);
        device::watch_forms();
    }
}

/// Starts the app in the offline shell (`/offline`, served by the service worker when a page
/// cannot be fetched): there is no server-rendered page to hydrate, so the app renders the
/// address's page itself.
#[cfg(all(feature = "hydrate", not(feature = "staff")))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount_offline() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    started();
    device::start_syncing(true);
    device::watch_forms();
}

/// Marks the page as running the app (`<html data-app="started">`), for the browser tests.
#[cfg(feature = "hydrate")]
fn started() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-app", "started");
    }
}
