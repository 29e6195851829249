//! The reopen rule, offline. Online, after 15 idle minutes the server asks for the passphrase
//! again. Offline, the phone does: the copy's key opens only with it (`keys`), wrapped under
//! a key derived from the passphrase the last time it was typed on this phone and accepted.
//! Five wrong passphrases in a row wipe the copy. See SECURITY.md.
use super::keys::{self, ROUNDS};
use super::{base64, storage_error, unbase64, utc_now, window, wipe, CURRENT, PREFIX};
use chrono::DateTime;
use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser::TYPED_PASSPHRASE as TYPED;
/// When the person last opened one of their pages on this phone (milliseconds).
const ACTIVE: &str = "waypoint.active";
/// Wrong passphrases in a row, per person (`device::owner_of_entry` knows the name).
fn wrong_tries_name(owner: &str) -> String {
    format!("{PREFIX}wrong-tries.{owner}")
}
/// Wrong passphrases in a row after which the phone wipes its copy.
const MAX_WRONG_TRIES: u32 = 5;
/// The key derived from a passphrase being sent to the server (never the passphrase), with
/// its salt and the mark its form carries; kept until the server's answer says whether the
/// passphrase was accepted.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Typed {
    salt: String,
    derived: String,
    mark: String,
}

/// Keeps a check of a passphrase being sent to the server; the mark to send with it. It
/// becomes the person's once a sync says who they are and the server's answer to that very
/// form said the passphrase was accepted (`adopt_typed_passphrase`).
pub async fn remember_passphrase(passphrase: &str) -> Result<String, JsValue> {
    let mut salt = [0u8; 16];
    window()
        .crypto()?
        .get_random_values_with_u8_array(&mut salt)?;
    let mark = super::random_hex()?;
    let derived = keys::derive(passphrase, &salt, ROUNDS).await?;
    let typed = Typed {
        salt: base64(&salt),
        derived: base64(&derived),
        mark: mark.clone(),
    };
    LocalStorage::set(TYPED, typed).map_err(storage_error)?;
    Ok(mark)
}

/// The mark of the passphrase the server last accepted from a form of this phone (its
/// cookie, read once: it is removed here).
fn accepted_mark() -> Option<String> {
    let document: web_sys::HtmlDocument = window().document()?.dyn_into().ok()?;
    let cookies = document.cookie().ok()?;
    let prefix = format!("{}=", crate::domain::TYPED_COOKIE);
    let mark = cookies
        .split("; ")
        .find_map(|cookie| cookie.strip_prefix(prefix.as_str()))
        .map(str::to_owned)?;
    let _ = document.set_cookie(&format!("{prefix}; Path=/; Max-Age=0"));
    Some(mark)
}

/// The server accepted the session of `owner`, whose copy is open: the passphrase typed
/// last was theirs if the server's answer to the form it was typed into said so (a
/// passphrase typed on a sign-in that never completed is dropped), and from now on it opens
/// their copy offline.
pub async fn adopt_typed_passphrase(owner: &str) {
    let Ok(typed) = LocalStorage::get::<Typed>(TYPED) else {
        return;
    };
    LocalStorage::delete(TYPED);
    if accepted_mark().as_deref() == Some(typed.mark.as_str()) {
        if let (Some(salt), Some(derived)) = (unbase64(&typed.salt), unbase64(&typed.derived)) {
            let _ = keys::wrap_under_passphrase(owner, &salt, &derived).await;
        }
    }
}

/// The person opened one of their pages.
pub fn mark_active() {
    let _ = LocalStorage::set(ACTIVE, utc_now().timestamp_millis());
}

/// Whether the phone must ask for the passphrase before showing its copy.
pub fn must_reopen() -> bool {
    let last_active = LocalStorage::get::<i64>(ACTIVE)
        .ok()
        .and_then(DateTime::from_timestamp_millis);
    crate::domain::must_reopen(last_active, utc_now())
}

/// Checks a passphrase typed offline; the page to go to next.
pub async fn unlock_here(passphrase: &str) -> String {
    const CANNOT_CHECK: &str = "/unlock?problem=offline_unlock";
    let Some(owner) = LocalStorage::get::<String>(CURRENT).ok() else {
        return "/sign-in".to_owned();
    };
    match keys::open_with_passphrase(&owner, passphrase).await {
        None => CANNOT_CHECK.to_owned(),
        Some(true) => {
            LocalStorage::delete(wrong_tries_name(&owner));
            mark_active();
            "/".to_owned()
        }
        Some(false) => {
            let tries = LocalStorage::get::<u32>(wrong_tries_name(&owner)).unwrap_or(0) + 1;
            if tries >= MAX_WRONG_TRIES {
                wipe().await;
                "/sign-in?problem=offline_wiped".to_owned()
            } else {
                let _ = LocalStorage::set(wrong_tries_name(&owner), tries);
                format!(
                    "/unlock?problem=wrong_passphrase&left={}",
                    MAX_WRONG_TRIES - tries
                )
            }
        }
    }
}
