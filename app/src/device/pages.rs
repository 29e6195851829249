//! What the client bundle shows itself. Online, the client's pages come whole from the server
//! and the bundle only fills their slots. When a page cannot be fetched (the offline shell,
//! `/offline`) or once the phone has kept a check-in offline, it shows the person's pages
//! from the phone's copy: the same views the server renders, in the same frame, rendered to
//! HTML here as the server renders them (no reactive DOM: a change renders the page again).
use super::lines::{self, NOT_RECORDED_SEEN, REMOVE_OTHER_COPIES, SIGN_OUT_HERE};
use super::{copy_for_page, forget_not_recorded, remove_other_copies, sign_out_and_leave, window};
use crate::components::{page_title, Address, ErrorMessage, Frame, DEVICE_LINES};
use crate::domain::{DeviceCopy, PhonePage};
use crate::error::AppError;
use crate::pages::appointments::{
    AppointmentDetail, AppointmentList, AppointmentListView, AppointmentView, APPOINTMENT_TITLE,
};
use crate::pages::messages::{self, MessageList, MessageListView};
use crate::pages::notifications::{self, TurnOnButton, TURN_ON_NOTIFICATIONS};
use crate::pages::passkeys::{self, PasskeyButton, ADD_PASSKEY, PASSKEY_SIGN_IN};
use crate::pages::plan::{PlanOverview, PlanView};
use crate::pages::referrals::{ReferralList, ReferralListView};
use crate::pages::safety::{SafetyPage, SafetyView};
use crate::pages::sharing::{
    library_from_copy, shared_record_from_copy, supporting_from_copy, LibraryView,
    SharedRecordView, SupportingView, LEARN_TITLE, SHARED_TITLE,
};
use crate::pages::sign_in::{SignInView, UnlockView, SIGN_IN_TITLE, UNLOCK_TITLE};
use crate::pages::support::{resources_from_copy, SupportView};
use crate::pages::today::{TodayOverview, TodayView};
use crate::pages::{appointments, plan, referrals, safety, support, today};
use leptos::prelude::*;
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static SHOWN: Cell<bool> = const { Cell::new(false) };
    /// Counts renderings begun, so that one that finishes after a later one changes nothing.
    static RENDERINGS: Cell<u32> = const { Cell::new(0) };
}

/// Readies a page from the server: fills its slots. The page holds no router: when the
/// history moves to another address within it (back from a page the staff bundle's router
/// opened, say), that page is loaded afresh.
pub fn fill_slots() {
    show_lines();
    let passkey_buttons = [
        (ADD_PASSKEY, "Add a passkey"),
        (PASSKEY_SIGN_IN, "Sign in with a passkey"),
    ];
    for (action, label) in passkey_buttons {
        if let Some(slot) = slot_named(action) {
            let asks_passphrase = action == ADD_PASSKEY;
            let button = view! { <PasskeyButton action label asks_passphrase/> };
            slot.set_inner_html(&button.to_html());
        }
    }
    if let Some(slot) = slot_named(TURN_ON_NOTIFICATIONS) {
        slot.set_inner_html(&view! { <TurnOnButton/> }.to_html());
    }
    on_window("popstate", || {
        if !are_shown() {
            let _ = window().location().reload();
        }
    });
}

fn slot_named(name: &str) -> Option<web_sys::Element> {
    let selector = format!("[data-slot=\"{name}\"]");
    window()
        .document()?
        .query_selector(&selector)
        .ok()
        .flatten()
}

fn on_window(event: &str, handle: impl Fn() + 'static) {
    let handle = Closure::<dyn Fn()>::new(handle);
    let _ = window().add_event_listener_with_callback(event, handle.as_ref().unchecked_ref());
    handle.forget();
}

/// Says again what the lines about the copy say: the whole page when the phone's pages are
/// shown, else the slot of the page from the server.
pub fn show_lines() {
    if are_shown() {
        show();
    } else if let Some(slot) = slot_named(DEVICE_LINES) {
        slot.set_inner_html(&lines::html().unwrap_or_default());
    }
}

/// Handles the buttons this bundle renders (`data-device-action`), on any page: one listener.
pub fn watch_buttons() {
    let clicked = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        let button = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|target| target.closest("[data-device-action]").ok().flatten());
        let Some(button) = button else {
            return;
        };
        let action = button
            .get_attribute("data-device-action")
            .unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            match action.as_str() {
                SIGN_OUT_HERE => sign_out_and_leave().await,
                NOT_RECORDED_SEEN => forget_not_recorded().await,
                REMOVE_OTHER_COPIES => remove_other_copies().await,
                ADD_PASSKEY => say_next_to(&button, passkeys::browser::add_passkey().await),
                TURN_ON_NOTIFICATIONS => {
                    say_next_to(&button, notifications::browser::turn_on(&button).await)
                }
                PASSKEY_SIGN_IN => {
                    say_next_to(&button, passkeys::browser::sign_in_with_passkey().await)
                }
                _ => {}
            }
        });
    });
    if let Some(document) = window().document() {
        let _ =
            document.add_event_listener_with_callback("click", clicked.as_ref().unchecked_ref());
    }
    clicked.forget();
}

/// Puts `message` in the status line after `button`.
fn say_next_to(button: &web_sys::Element, message: String) {
    if let Some(status) = button.next_element_sibling() {
        status.set_text_content(Some(&message));
    }
}

fn browser_address() -> (String, String) {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    (path, query.trim_start_matches('?').to_owned())
}

/// Whether the phone's pages are on screen (instead of a page from the server).
pub fn are_shown() -> bool {
    SHOWN.with(Cell::get)
}

/// Shows the page at the browser's address from the phone's copy, in place of whatever is
/// on screen, or shows it again (the copy changed).
pub fn show() {
    if !SHOWN.with(|shown| shown.replace(true)) {
        // Back and forward between the addresses `open` put in the history.
        on_window("popstate", show);
    }
    let rendering = RENDERINGS.with(|count| {
        count.set(count.get().wrapping_add(1));
        count.get()
    });
    wasm_bindgen_futures::spawn_local(async move {
        let (path, query) = browser_address();
        let page = PhonePage::at(&path);
        let copy = if page.shows_copy() {
            copy_for_page().await
        } else {
            Err(AppError::Offline)
        };
        if RENDERINGS.with(Cell::get) != rendering {
            return;
        }
        let address = Address {
            path: Signal::stored(path),
            query: Signal::stored(query),
        };
        let (title, html) = Owner::new().with(|| {
            provide_context(address);
            page_html(page, copy)
        });
        if let Some(document) = window().document() {
            document.set_title(&page_title(title.to_owned()));
            if let Some(body) = document.body() {
                body.set_inner_html(&html);
            }
        }
    });
}

/// Opens `address` among the phone's pages without asking the network: the only way once a
/// wipe has taken the service worker's shell.
pub fn open(address: &str) {
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(address));
    }
    show();
}

/// What `build` makes of the copy: the page's information, or why there is none.
fn from_copy<T>(
    copy: &Result<DeviceCopy, AppError>,
    build: impl FnOnce(&DeviceCopy, chrono::NaiveDateTime) -> Option<T>,
) -> Result<T, AppError> {
    let copy = copy.as_ref().map_err(|error| *error)?;
    build(copy, super::local_now()).ok_or(AppError::Offline)
}

/// A page's view in the frame every page has, with the lines about the copy, as HTML.
fn framed(page: impl IntoView + 'static) -> String {
    view! { <Frame lines=lines::html().unwrap_or_default()>{page}</Frame> }.to_html()
}

/// The page's title and HTML, given the copy (for the pages that show it).
fn page_html(page: PhonePage, copy: Result<DeviceCopy, AppError>) -> (&'static str, String) {
    let shown = match page {
        PhonePage::Today => from_copy(&copy, TodayOverview::from_copy)
            .map(|overview| (today::TITLE, framed(view! { <TodayView overview/> }))),
        PhonePage::Plan => from_copy(&copy, PlanOverview::from_copy)
            .map(|overview| (plan::TITLE, framed(view! { <PlanView overview/> }))),
        PhonePage::Appointments => from_copy(&copy, AppointmentList::from_copy).map(|list| {
            (
                appointments::TITLE,
                framed(view! { <AppointmentListView list/> }),
            )
        }),
        PhonePage::Appointment(id) => from_copy(&copy, |copy, now| {
            AppointmentDetail::from_copy(copy, now, &id)
        })
        .map(|detail| {
            (
                APPOINTMENT_TITLE,
                framed(view! { <AppointmentView detail/> }),
            )
        }),
        PhonePage::Referrals => from_copy(&copy, ReferralList::from_copy)
            .map(|list| (referrals::TITLE, framed(view! { <ReferralListView list/> }))),
        PhonePage::Safety => from_copy(&copy, SafetyPage::from_copy)
            .map(|page| (safety::TITLE, framed(view! { <SafetyView page/> }))),
        PhonePage::Messages => from_copy(&copy, MessageList::from_copy)
            .map(|list| (messages::TITLE, framed(view! { <MessageListView list/> }))),
        PhonePage::Support => from_copy(&copy, resources_from_copy)
            .map(|resources| (support::TITLE, framed(view! { <SupportView resources/> }))),
        PhonePage::Learn => from_copy(&copy, library_from_copy)
            .map(|library| (LEARN_TITLE, framed(view! { <LibraryView library/> }))),
        PhonePage::Supporting => from_copy(&copy, supporting_from_copy)
            .map(|supporting| (SHARED_TITLE, framed(view! { <SupportingView supporting/> }))),
        PhonePage::SharedRecord(id) => {
            from_copy(&copy, |copy, now| shared_record_from_copy(copy, now, &id))
                .map(|record| (SHARED_TITLE, framed(view! { <SharedRecordView record/> })))
        }
        PhonePage::SignIn => Ok((SIGN_IN_TITLE, framed(view! { <SignInView/> }))),
        PhonePage::Unlock => Ok((UNLOCK_TITLE, framed(view! { <UnlockView/> }))),
        PhonePage::NeedsConnection => Err(AppError::Offline),
    };
    shown.unwrap_or_else(|error| (error.heading(), framed(view! { <ErrorMessage error/> })))
}
