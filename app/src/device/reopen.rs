//! The reopen rule, offline. Online, after 15 idle minutes the server asks for the passphrase
//! again. Offline, the phone does: against a check made from the passphrase the last time it
//! was typed on this phone (PBKDF2-SHA256 through WebCrypto, with a random salt), kept with
//! the copy and wiped with it. Five wrong passphrases in a row wipe the copy. See SECURITY.md.
use super::{base64, storage_error, subtle, unbase64, utc_now, window, wipe, CURRENT, PREFIX};
use chrono::DateTime;
use gloo_storage::{LocalStorage, Storage};
use js_sys::Uint8Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::browser::TYPED_PASSPHRASE as TYPED;
/// When the person last opened one of their pages on this phone (milliseconds).
const ACTIVE: &str = "waypoint.active";
/// Wrong passphrases in a row, per person (`device::owner_of_entry` knows the name).
fn wrong_tries_name(owner: &str) -> String {
    format!("{PREFIX}wrong-tries.{owner}")
}
/// Wrong passphrases in a row after which the phone wipes its copy.
const MAX_WRONG_TRIES: u32 = 5;
/// PBKDF2 rounds: the OWASP figure for PBKDF2-SHA256; about a second on a cheap phone.
const ROUNDS: u32 = 600_000;

fn check_name(owner: &str) -> String {
    format!("{PREFIX}passphrase-check.{owner}")
}

/// What the phone keeps to recognise a passphrase: never the passphrase.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PassphraseCheck {
    salt: String,
    rounds: u32,
    hash: String,
}

/// A check of a passphrase being sent to the server, with the mark its form carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Typed {
    check: PassphraseCheck,
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
    let mut mark = [0u8; 16];
    window()
        .crypto()?
        .get_random_values_with_u8_array(&mut mark)?;
    let mark: String = mark.iter().map(|b| format!("{b:02x}")).collect();
    let hash = derive(passphrase, &salt, ROUNDS).await?;
    let check = PassphraseCheck {
        salt: base64(&salt),
        rounds: ROUNDS,
        hash: base64(&hash),
    };
    let typed = Typed {
        check,
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

/// The server accepted the session of `owner`: the passphrase typed last was theirs, if the
/// server's answer to the form it was typed into said so (a passphrase typed on a sign-in
/// that never completed stays unadopted, and is dropped).
pub fn adopt_typed_passphrase(owner: &str) {
    let Ok(typed) = LocalStorage::get::<Typed>(TYPED) else {
        return;
    };
    if accepted_mark().as_deref() == Some(typed.mark.as_str()) {
        let _ = LocalStorage::set(check_name(owner), typed.check);
    }
    LocalStorage::delete(TYPED);
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
    let Ok(check) = LocalStorage::get::<PassphraseCheck>(check_name(&owner)) else {
        return CANNOT_CHECK.to_owned();
    };
    let Some(salt) = unbase64(&check.salt) else {
        return CANNOT_CHECK.to_owned();
    };
    match derive(passphrase, &salt, check.rounds).await {
        Ok(hash) if base64(&hash) == check.hash => {
            LocalStorage::delete(wrong_tries_name(&owner));
            mark_active();
            "/".to_owned()
        }
        Ok(_) => {
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
        Err(_) => CANNOT_CHECK.to_owned(),
    }
}

/// PBKDF2-SHA256 of the passphrase: 256 bits.
async fn derive(passphrase: &str, salt: &[u8], rounds: u32) -> Result<Vec<u8>, JsValue> {
    let usages = js_sys::Array::of1(&"deriveBits".into());
    let material: web_sys::CryptoKey = JsFuture::from(subtle()?.import_key_with_str(
        "raw",
        &Uint8Array::from(passphrase.as_bytes()),
        "PBKDF2",
        false,
        &usages,
    )?)
    .await?
    .dyn_into()?;
    let params =
        web_sys::Pbkdf2Params::new("PBKDF2", &"SHA-256".into(), rounds, &Uint8Array::from(salt));
    let bits = JsFuture::from(subtle()?.derive_bits_with_object(&params, &material, 256)?).await?;
    Ok(Uint8Array::new(&bits).to_vec())
}
