//! The lines about the phone's copy at the top of a page: that the page shows the copy (and
//! how old it is), and the check-ins the server could not record. Rendered to HTML for the
//! slot every page's frame has; their buttons are `data-device-action`s (`pages`).
use super::{local_now, local_time_of, not_recorded, other_copies, shown_offline, ShownOffline};
use crate::domain::{day_in_sentence, time_label};
use leptos::prelude::*;

/// The button that signs out of this phone, which works offline.
pub const SIGN_OUT_HERE: &str = "sign-out-here";
/// The button that says the person has seen that some check-ins were not recorded.
pub const NOT_RECORDED_SEEN: &str = "not-recorded-seen";
/// The button that removes other people's copies from a shared phone.
pub const REMOVE_OTHER_COPIES: &str = "remove-other-copies";

/// What the lines say now, as HTML; nothing when there is nothing to say.
pub fn html() -> Option<String> {
    let (shown, refused, others) = (shown_offline(), not_recorded(), other_copies());
    (shown.is_some() || refused > 0 || others > 0).then(|| {
        view! {
            {shown.map(|shown| view! { <OfflineLine shown/> })}
            {(refused > 0).then(|| view! { <NotRecordedLine refused/> })}
            {(others > 0).then(|| view! { <OtherCopiesLine/> })}
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
            "1 thing you sent is kept on this phone. It will be sent when you're back online."
                .to_owned(),
        ),
        n => Some(format!(
            "{n} things you sent are kept on this phone. They will be sent when you're back online."
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

/// On a shared phone: someone else's copy is kept here too (locked, under their own key),
/// so that what they saved reaches the server when they sign in again. The person signed in
/// now may remove it.
#[component]
fn OtherCopiesLine() -> impl IntoView {
    view! {
        <div class="other-copies card" role="status">
            <p>"Someone else has also used Waypoint on this phone. Their information stays here, locked, until they sign in again, so nothing they saved is lost."</p>
            <p>"You can remove it from this phone. Anything they saved here and did not send yet would then be lost."</p>
            <button type="button" class="button secondary" data-device-action=REMOVE_OTHER_COPIES>
                "Remove their information from this phone"
            </button>
        </div>
    }
}
