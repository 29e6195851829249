//! The forms the phone handles itself: offline, check-ins are kept on the phone, "Sign out"
//! wipes it, and the passphrase is checked here (`reopen`); online, a typed passphrase leaves a
//! check behind for those offline reopenings. Everything else, and these forms whenever the
//! phone cannot handle them, post to the server as they do without the app's script.
use super::{
    holds_copy, load, pages, reopen, save, shown_offline, sign_out_and_leave, storage_error,
    sync_now, utc_now, window, wipes, COPY_LOCK, CURRENT,
};
use crate::domain::CheckInAction;
use gloo_storage::{LocalStorage, Storage};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Marks a form the phone has finished with, so that it posts as it is.
const POST_AS_IS: &str = "data-post-as-is";
/// Marks a form the phone is handling.
const HANDLING: &str = "data-handling";

/// What to do with the form once the phone has handled it.
pub enum Then {
    /// Nothing more: the page shows the outcome, or went elsewhere.
    Done,
    /// Send it to the server as it is.
    PostAsIs,
    /// Send it with one more field (hidden).
    PostWith(&'static str, String),
}

type Handling = Pin<Box<dyn Future<Output = Then>>>;

/// Listens for every form sent on the page (before the browser sends it).
pub fn watch_forms() {
    let on_submit = Closure::<dyn Fn(web_sys::SubmitEvent)>::new(on_submit);
    if let Some(document) = window().document() {
        let _ = document.add_event_listener_with_callback_and_bool(
            "submit",
            on_submit.as_ref().unchecked_ref(),
            true,
        );
    }
    on_submit.forget();
}

fn on_submit(event: web_sys::SubmitEvent) {
    let Some(form) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    if form.has_attribute(POST_AS_IS) {
        return;
    }
    // A second tap while the first is handled (a double tap) sends nothing more: offline,
    // each tap would be a check-in of its own.
    if form.has_attribute(HANDLING) {
        event.prevent_default();
        return;
    }
    let submitter = event.submitter();
    let fields = web_sys::FormData::new_with_form(&form).ok();
    let field = |name: &str| {
        let pressed = submitter
            .as_ref()
            .filter(|button| button.get_attribute("name").as_deref() == Some(name));
        match pressed {
            Some(button) => button.get_attribute("value"),
            None => fields.as_ref()?.get(name).as_string(),
        }
    };
    let Some(handling) = handling(&form.get_attribute("action").unwrap_or_default(), field) else {
        return;
    };
    event.prevent_default();
    let _ = form.set_attribute(HANDLING, "");
    wasm_bindgen_futures::spawn_local(async move {
        match handling.await {
            // Ready for the next time: a typed passphrase or note does not stay on screen.
            Then::Done => {
                form.reset();
                let _ = form.remove_attribute(HANDLING);
            }
            Then::PostAsIs => post_as_is(&form, submitter.as_ref()),
            Then::PostWith(name, value) => {
                if let Some(field) = hidden_field(name, &value) {
                    let _ = form.append_child(&field);
                }
                post_as_is(&form, submitter.as_ref());
            }
        }
    });
}

fn post_as_is(form: &web_sys::HtmlFormElement, submitter: Option<&web_sys::HtmlElement>) {
    let _ = form.set_attribute(POST_AS_IS, "");
    let _ = form.request_submit_with_submitter(submitter);
}

/// `<input type="hidden" name=… value=…>`.
fn hidden_field(name: &str, value: &str) -> Option<web_sys::Element> {
    let field = window().document()?.create_element("input").ok()?;
    field.set_attribute("type", "hidden").ok()?;
    field.set_attribute("name", name).ok()?;
    field.set_attribute("value", value).ok()?;
    Some(field)
}

/// How the phone handles a form sent to `address`, if it does.
fn handling(address: &str, field: impl Fn(&str) -> Option<String>) -> Option<Handling> {
    let offline = !window().navigator().on_line() || shown_offline().is_some();
    match address {
        "/sign-out" if offline => Some(Box::pin(async {
            sign_out_and_leave().await;
            Then::Done
        })),
        // Online, the phone forgets this person's copy first, then the server ends the
        // session (other people's copies on a shared phone stay).
        "/sign-out" => Some(Box::pin(async {
            super::wipe().await;
            Then::PostAsIs
        })),
        "/unlock" if offline && holds_copy() => {
            let passphrase = field("passphrase")?;
            Some(Box::pin(async move {
                pages::open(&reopen::unlock_here(&passphrase).await);
                Then::Done
            }))
        }
        "/sign-in" | "/unlock" | "/enrol" | "/join" if !offline => {
            let passphrase = field("passphrase")?;
            Some(Box::pin(async move {
                // A sign-out made offline is told now, under its own session, and never
                // later under the one this form starts (a shared phone): if it cannot be
                // told, that session's cookie is replaced anyway and it ends when it expires.
                super::end_session_if_pending().await;
                super::forget_pending_sign_out();
                // The check is only a convenience for later: the sign-in goes on without it.
                match reopen::remember_passphrase(&passphrase).await {
                    Ok(mark) => Then::PostWith(crate::domain::TYPED_FIELD, mark),
                    Err(_) => Then::PostAsIs,
                }
            }))
        }
        _ if offline
            && (address.starts_with("/check-ins/")
                || address == "/suggestions"
                || address == "/messages"
                || address == "/supporting/messages")
            && holds_copy() =>
        {
            let action = CheckInAction::of_form(address, field)?;
            Some(Box::pin(async move {
                match keep_check_in(action).await {
                    Ok(()) => Then::Done,
                    // The copy could not be opened: the form goes as it is.
                    Err(_) => Then::PostAsIs,
                }
            }))
        }
        _ => None,
    }
}

/// Queues a check-in in the phone's copy, shows it (the page from the server on screen gives
/// way to the phone's own), and tries to send it.
async fn keep_check_in(action: CheckInAction) -> Result<(), JsValue> {
    {
        let lock = COPY_LOCK.with(std::rc::Rc::clone);
        let _one_at_a_time = lock.lock().await;
        let read_at = wipes();
        let owner: String = LocalStorage::get(CURRENT).map_err(storage_error)?;
        let mut copy = load().await.ok_or_else(|| JsValue::from_str("no copy"))?;
        copy.queue(super::random_hex()?, utc_now(), action);
        save(&owner, &copy, read_at).await?;
    }
    pages::show();
    sync_now().await;
    Ok(())
}
