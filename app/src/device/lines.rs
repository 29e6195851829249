//! The lines about the phone's copy at the top of a page: that the page shows the copy (and
//! how old it is), and the check-ins the server could not record. Rendered to HTML for the
//! slot every page's frame has; their buttons are `data-device-action`s (`pages`).
use super::{local_now, local_time_of, not_recorded, shown_offline, ShownOffline};
use crate::domain::{day_in_sentence, time_label};
use leptos::prelude::*;

/// The button that signs out of this phone, which works offline.
pub const SIGN_OUT_HERE: &str = "sign-out-here";
/// The button that says the person has seen that some check-ins were not recorded.
pub const NOT_RECORDED_SEEN: &str = "not-recorded-seen";

/// What the lines say now, as HTML; nothing when there is nothing to say.
pub fn html() -> Option<String> {
    let (shown, refused) = (shown_offline(), not_recorded());
    (shown.is_some() || refused > 0).then(|| {
        view! {
            {shown.map(|shown| view! { <OfflineLine shown/> })}
            {(refused > 0).then(|| view! { <NotRecordedLine refused/> })}
        }
        .to_html()
    })
}

/// While a page shows the phone's copy: says so, how old it is, and offers to sign out of
/// this phone.
#[component]
fn OfflineLine(shown: ShownOffline) -> impl IntoView {
    let today = local_now().date();
    let saved = match shown.synced_at.map(local_time_of) {
        Some(at) => format!(
            "You're offline. This was saved on this phone {} at {}.",
            day_in_sentence(at.date(), today),
            time_label(at.time())
        ),
        None => "You're offline. This was saved on this phone.".to_owned(),
    };
    let waiting = match shown.waiting {
        0 => None,
        1 => Some(
            "1 check-in is kept on this phone. It will be sent when you're back online.".to_owned(),
        ),
        n => Some(format!(
            "{n} check-ins are kept on this phone. They will be sent when you're back online."
        )),
    };
    view! {
        <div class="offline-line card" role="status">
            <p>{saved}</p>
            {waiting.map(|text| view! { <p class="waiting">{text}</p> })}
            <button type="button" class="button secondary" data-device-action=SIGN_OUT_HERE>
                "Sign out of this phone"
            </button>
        </div>
    }
}

/// Check-ins from this phone that the server could not record (the step or appointment is
/// no longer the client's): said until the person has seen it, so none is lost unnoticed.
#[component]
fn NotRecordedLine(refused: usize) -> impl IntoView {
    let text = match refused {
        1 => "A check-in from this phone could not be recorded: its step or appointment is no longer in your plan. Please tell your case manager.".to_owned(),
        n => format!("{n} check-ins from this phone could not be recorded: their steps or appointments are no longer in your plan. Please tell your case manager."),
    };
    view! {
        <div class="not-recorded card" role="alert">
            <p>{text}</p>
            <button type="button" class="button secondary" data-device-action=NOT_RECORDED_SEEN>"OK"</button>
        </div>
    }
}
