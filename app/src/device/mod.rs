//! The phone's copy of its person's information, in the browser: encrypted with AES-GCM
//! (WebCrypto) under a data key kept only wrapped (`keys`: under the server's half online,
//! under the passphrase offline), stored with gloo-storage under the person's label, synced with
//! `/api/v1/sync` (`server/SYNC.md`), and wiped when the session is over. See SECURITY.md
//! for what this protects against and what not.
mod forms;
mod keys;
mod lines;
pub mod pages;
pub mod reopen;

pub use forms::watch_forms;
pub use pages::{fill_slots, watch_buttons};

use crate::browser::{post, Body};
use crate::domain::{DeviceCopy, SyncAnswer};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use gloo_storage::{LocalStorage, Storage};
use js_sys::Uint8Array;
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Everything this app keeps in the browser starts with this.
const PREFIX: &str = "waypoint.";
/// Whose copy the phone opens when offline.
const CURRENT: &str = "waypoint.current";
/// Set when the person signed out while offline: the server is told at the next chance.
/// Outside `PREFIX`, so a wipe keeps it; it holds nothing but "true".
const SIGN_OUT_PENDING: &str = "waypoint-sign-out-pending";

/// Whether the phone holds someone's copy.
fn holds_copy() -> bool {
    LocalStorage::get::<String>(CURRENT).is_ok()
}

fn storage_error(error: gloo_storage::errors::StorageError) -> JsValue {
    JsValue::from_str(&error.to_string())
}

fn copy_name(owner: &str) -> String {
    format!("{PREFIX}copy.{owner}")
}

/// When the page shows the phone's copy instead of the server's answer: when it was synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownOffline {
    pub synced_at: Option<DateTime<Utc>>,
    /// Check-ins kept on the phone until they can be sent.
    pub waiting: usize,
}

thread_local! {
    static SHOWN_OFFLINE: Cell<Option<ShownOffline>> = const { Cell::new(None) };
    static NOT_RECORDED: Cell<usize> = const { Cell::new(0) };
    static OTHER_COPIES: Cell<usize> = const { Cell::new(0) };
    // A sync and a check-in kept offline each read, change and write the copy: one at a
    // time, or one could write over what the other added.
    static COPY_LOCK: std::rc::Rc<futures::lock::Mutex<()>> = Default::default();
    // Moves at every wipe, so that work begun before it never writes the copy back.
    static WIPES: Cell<u32> = const { Cell::new(0) };
}

fn wipes() -> u32 {
    WIPES.with(|wipes| wipes.get())
}

/// How many check-ins from this phone the server refused (what they were about is gone);
/// the page says so until the person says they have seen it.
pub fn not_recorded() -> usize {
    NOT_RECORDED.with(Cell::get)
}

fn set_not_recorded(count: usize) {
    if NOT_RECORDED.with(|known| known.replace(count)) != count {
        pages::show_lines();
    }
}

/// How many other people's copies this phone keeps (a shared phone); the page says so,
/// with a button to remove them.
pub fn other_copies() -> usize {
    OTHER_COPIES.with(Cell::get)
}

fn set_other_copies(count: usize) {
    if OTHER_COPIES.with(|known| known.replace(count)) != count {
        pages::show_lines();
    }
}

/// The person has seen that some check-ins were not recorded.
pub async fn forget_not_recorded() {
    let lock = COPY_LOCK.with(std::rc::Rc::clone);
    let _one_at_a_time = lock.lock().await;
    let read_at = wipes();
    let (Ok(owner), Some(mut copy)) = (LocalStorage::get::<String>(CURRENT), load().await) else {
        return;
    };
    copy.refused.clear();
    if save(&owner, &copy, read_at).await.is_ok() {
        set_not_recorded(0);
    }
}

/// Set while the page shows the phone's copy; its frame says so.
pub fn shown_offline() -> Option<ShownOffline> {
    SHOWN_OFFLINE.with(Cell::get)
}

/// Now, by the phone's clock (chrono's clock is not compiled into the wasm).
fn utc_now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// The phone's wall-clock time now.
pub fn local_now() -> NaiveDateTime {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .and_then(|day| day.and_hms_opt(now.get_hours(), now.get_minutes(), now.get_seconds()))
    .unwrap_or_default()
}

/// 128 random bits, hex: the key of a check-in made on this phone, the mark of a typed
/// passphrase.
fn random_hex() -> Result<String, JsValue> {
    let mut bytes = [0u8; 16];
    window()
        .crypto()?
        .get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whose copy the phone opens now.
fn current_owner() -> Option<String> {
    LocalStorage::get(CURRENT).ok()
}

/// The copy of the person last synced on this phone, if it is there, readable and not too
/// old. A copy past its 30 days is wiped on the spot.
pub async fn load() -> Option<DeviceCopy> {
    load_of(&current_owner()?).await
}

/// Whether the phone keeps a copy for `owner`, open or not.
fn keeps_copy_of(owner: &str) -> bool {
    LocalStorage::get::<String>(copy_name(owner)).is_ok()
}

/// The copy kept for `owner`, as [`load`] reads it (their data key open in this tab).
async fn load_of(owner: &str) -> Option<DeviceCopy> {
    let sealed: String = LocalStorage::get(copy_name(owner)).ok()?;
    let key = keys::aes_key(&keys::open_key(owner)?).await.ok()?;
    let plain = open(&key, &sealed).await.ok()?;
    let copy: DeviceCopy = serde_json::from_slice(&plain).ok()?;
    if copy.is_too_old(utc_now()) {
        if current_owner().as_deref() == Some(owner) {
            wipe().await;
        } else {
            forget_owners(&[owner.to_owned()]).await;
        }
        return None;
    }
    Some(copy)
}

/// Encrypts and stores the copy of `owner` (their data key open in this tab), who becomes
/// the phone's current person, unless the phone was wiped since `read_at` (the number of
/// wipes when the copy was read).
async fn save(owner: &str, copy: &DeviceCopy, read_at: u32) -> Result<(), JsValue> {
    let key = keys::open_key(owner).ok_or_else(|| JsValue::from_str("closed"))?;
    let key = keys::aes_key(&key).await?;
    let plain = serde_json::to_vec(copy).map_err(|_| JsValue::from_str("not written"))?;
    let sealed = seal(&key, &plain).await?;
    if wipes() != read_at {
        return Err(JsValue::from_str("wiped meanwhile"));
    }
    LocalStorage::set(copy_name(owner), sealed).map_err(storage_error)?;
    LocalStorage::set(CURRENT, owner).map_err(storage_error)?;
    Ok(())
}

/// The owner a stored entry belongs to, for the entries kept per person.
fn owner_of_entry(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(PREFIX)?;
    ["copy.", "copy-key.", "wrong-tries."]
        .iter()
        .find_map(|kind| rest.strip_prefix(kind))
}

/// Every name the app keeps in this browser's storage.
fn stored_names() -> Vec<String> {
    let storage = LocalStorage::raw();
    (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|name| name.starts_with(PREFIX))
        .collect()
}

/// The people other than the current one whose copies this phone keeps (a shared phone).
fn other_owners() -> Vec<String> {
    let current = current_owner();
    stored_names()
        .iter()
        .filter_map(|name| name.strip_prefix(PREFIX)?.strip_prefix("copy."))
        .filter(|owner| Some(*owner) != current.as_deref())
        .map(str::to_owned)
        .collect()
}

/// Removes what the phone keeps for its current person (their copy, its wrapped and open
/// key, the idle clock) and the app's caches (the service worker fetches its
/// shell again on the next page it serves online). Other people's copies on a shared phone
/// stay, locked, for their own person's next sign-in.
pub async fn wipe() {
    WIPES.with(|wipes| wipes.set(wipes.get().wrapping_add(1)));
    let current = current_owner();
    for name in stored_names() {
        if owner_of_entry(&name).is_none_or(|owner| Some(owner) == current.as_deref()) {
            LocalStorage::delete(name);
        }
    }
    if let Ok(caches) = window().caches() {
        if let Ok(names) = JsFuture::from(caches.keys()).await {
            for name in js_sys::Array::from(&names).iter() {
                // The library's pages are public: they stay for the next reader.
                if let Some(name) = name.as_string().filter(|n| n != "waypoint-library") {
                    let _ = JsFuture::from(caches.delete(&name)).await;
                }
            }
        }
    }
    if let Some(owner) = current {
        keys::close(&owner);
    }
    SHOWN_OFFLINE.with(|shown| shown.set(None));
}

/// Removes the copies, keys and passphrase checks of `owners` (not the current person).
async fn forget_owners(owners: &[String]) {
    for name in stored_names() {
        if owner_of_entry(&name).is_some_and(|owner| owners.iter().any(|o| o == owner)) {
            LocalStorage::delete(name);
        }
    }
    for owner in owners {
        keys::close(owner);
    }
}

/// The person chose to remove the copies of the other people who used this phone.
pub async fn remove_other_copies() {
    let lock = COPY_LOCK.with(std::rc::Rc::clone);
    let _one_at_a_time = lock.lock().await;
    forget_owners(&other_owners()).await;
    set_other_copies(0);
}

/// What a sync came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synced {
    Done,
    /// No network, or the server could not answer: everything stays queued.
    NotNow,
    /// The session is over: the copy was wiped.
    Wiped,
    /// Locked, or a person with no copy (staff): nothing to do.
    Nothing,
}

/// Syncs the phone's copy (or starts one) with the server. On a shared phone the first
/// answer may say the session is someone else's: the copy sent from is set aside, untouched,
/// and the signed-in person's own copy (kept from before, or a new one) is synced instead.
/// A copy closed in this tab (its key not open here) is first opened with the server's half
/// of its key from an answer that asks nothing of it, then synced.
pub async fn sync_now() -> Synced {
    let lock = COPY_LOCK.with(std::rc::Rc::clone);
    let _one_at_a_time = lock.lock().await;
    for _ in 0..3 {
        let read_at = wipes();
        let current = current_owner();
        let copy = match &current {
            Some(owner) => load_of(owner).await,
            None => None,
        };
        let closed = copy.is_none() && current.as_deref().is_some_and(keeps_copy_of);
        let copy = copy.unwrap_or_default();
        let mut request = copy.request();
        // A copy kept before copies knew their owner is the current person's.
        request.owner = request.owner.or(current);
        request.key_only = closed;
        let Ok(body) = serde_json::to_string(&request) else {
            return Synced::NotNow;
        };
        let answer = match post(crate::domain::SYNC_PATH, Body::Json(&body)).await {
            // Read like the stored copy (from bytes), so every type is compiled in once.
            Ok((200, text)) => match serde_json::from_slice::<SyncAnswer>(text.as_bytes()) {
                Ok(answer) => answer,
                Err(_) => return Synced::NotNow,
            },
            Ok((401, text)) if text.contains("\"signed_out\"") => {
                wipe().await;
                return Synced::Wiped;
            }
            Ok((401 | 404, text)) => {
                // Locked after the idle time: the copy's key is closed in this tab too.
                if text.contains("\"locked\"") {
                    if let Some(owner) = current_owner() {
                        keys::close(&owner);
                    }
                }
                crate::browser::forget_typed_passphrase();
                return Synced::Nothing;
            }
            _ => return Synced::NotNow,
        };
        let owner = answer.owner.clone();
        let mut copy = copy;
        if request.owner.as_ref() != Some(&owner) {
            // Someone else's session than the copy sent from, or a phone with no current
            // copy: this person's copy becomes the current one. Their own kept copy (with
            // what they queued) is synced from, in another round; else this answer (all of
            // their things) starts a new one.
            if LocalStorage::set(CURRENT, &owner).is_err() {
                return Synced::NotNow;
            }
            // The copy set aside is closed in this tab too: only its person opens it again.
            if let Some(before) = &request.owner {
                keys::close(before);
            }
            if answer.cursor.is_empty() || keeps_copy_of(&owner) {
                continue;
            }
            copy = DeviceCopy::default();
        }
        match keys::data_key(&owner, answer.copy_key.as_deref()).await {
            Ok(keys::Opened::Open) if closed => continue,
            Ok(keys::Opened::Open) => {}
            // A copy whose key no longer opens can never be read: it goes, and this answer
            // starts a new one.
            Ok(keys::Opened::Lost) => {
                forget_owners(std::slice::from_ref(&owner)).await;
                copy = DeviceCopy::default();
                if keys::data_key(&owner, answer.copy_key.as_deref())
                    .await
                    .is_err()
                {
                    return Synced::NotNow;
                }
            }
            Ok(keys::Opened::Closed) | Err(_) => return Synced::NotNow,
        }
        let sent = !answer.receipts.is_empty();
        copy.apply(answer, utc_now());
        set_not_recorded(copy.refused.len());
        if save(&owner, &copy, read_at).await.is_err() {
            return Synced::NotNow;
        }
        reopen::adopt_typed_passphrase(&owner).await;
        set_other_copies(other_owners().len());
        // Back online: the page on screen was made from the copy, or before the check-ins
        // just sent were recorded; the server's page says how things stand now.
        if sent || pages::are_shown() {
            let _ = window().location().reload();
        }
        return Synced::Done;
    }
    Synced::NotNow
}

/// The phone's copy, for one of its person's pages on screen: unless the phone must ask for
/// the passphrase first (the reopen rule). The page's frame then says it shows the copy.
pub async fn copy_for_page() -> Result<DeviceCopy, crate::error::AppError> {
    use crate::error::AppError;
    let owner = current_owner().ok_or(AppError::Offline)?;
    if reopen::must_reopen() {
        keys::close(&owner);
    }
    let copy = match load_of(&owner).await {
        Some(copy) => copy,
        // Kept, but closed in this tab: only the passphrase opens it.
        None if keeps_copy_of(&owner) => return Err(AppError::Locked),
        None => return Err(AppError::Offline),
    };
    SHOWN_OFFLINE.with(|shown| {
        shown.set(Some(ShownOffline {
            synced_at: copy.synced_at,
            waiting: copy.outbox.len(),
        }))
    });
    NOT_RECORDED.with(|known| known.set(copy.refused.len()));
    OTHER_COPIES.with(|known| known.set(other_owners().len()));
    reopen::mark_active();
    Ok(copy)
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

fn subtle() -> Result<web_sys::SubtleCrypto, JsValue> {
    Ok(window().crypto()?.subtle())
}

/// AES-GCM with a fresh 96-bit nonce; the nonce and ciphertext, base64.
async fn seal(key: &web_sys::CryptoKey, plain: &[u8]) -> Result<String, JsValue> {
    let mut nonce = [0u8; 12];
    window()
        .crypto()?
        .get_random_values_with_u8_array(&mut nonce)?;
    let params = web_sys::AesGcmParams::new("AES-GCM", &Uint8Array::from(&nonce[..]));
    let sealed =
        JsFuture::from(subtle()?.encrypt_with_object_and_u8_array(&params, key, plain)?).await?;
    let mut out = nonce.to_vec();
    out.extend(Uint8Array::new(&sealed).to_vec());
    Ok(base64(&out))
}

async fn open(key: &web_sys::CryptoKey, sealed: &str) -> Result<Vec<u8>, JsValue> {
    let bytes = unbase64(sealed).ok_or_else(|| JsValue::from_str("not base64"))?;
    if bytes.len() < 12 {
        return Err(JsValue::from_str("too short"));
    }
    let (nonce, sealed) = bytes.split_at(12);
    let params = web_sys::AesGcmParams::new("AES-GCM", &Uint8Array::from(nonce));
    let plain =
        JsFuture::from(subtle()?.decrypt_with_object_and_u8_array(&params, key, sealed)?).await?;
    Ok(Uint8Array::new(&plain).to_vec())
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn unbase64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut bits = 0u32;
    let mut count = 0;
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = BASE64.iter().position(|c| *c == byte)? as u32;
        bits = bits << 6 | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// "Sign out of this phone", which works offline: everything is wiped at once, and the
/// server ends the session now or, when offline, at the next page opened online. True when
/// the server has ended it.
pub async fn sign_out_here() -> bool {
    wipe().await;
    let _ = LocalStorage::set(SIGN_OUT_PENDING, true);
    end_session_if_pending().await
}

/// Signs out of this phone and shows the sign-in page: from the server when it could be told
/// at once, else the app's own.
pub async fn sign_out_and_leave() {
    const SIGNED_OUT: &str = "/sign-in?notice=signed_out";
    if sign_out_here().await {
        let _ = window().location().assign(SIGNED_OUT);
    } else {
        pages::open(SIGNED_OUT);
    }
}

/// Tells the server about a sign-out made offline, if there is one; true once it has ended
/// the session.
async fn end_session_if_pending() -> bool {
    if LocalStorage::get::<bool>(SIGN_OUT_PENDING).is_err() {
        return false;
    }
    let ended = matches!(post("/sign-out", Body::Nothing).await, Ok((200..=299, _)));
    if ended {
        LocalStorage::delete(SIGN_OUT_PENDING);
    }
    ended
}

/// Drops a sign-out made offline that could not be told (a new sign-in replaces its cookie).
fn forget_pending_sign_out() {
    LocalStorage::delete(SIGN_OUT_PENDING);
}

/// Keeps the copy fresh: a sync now, and again whenever the network comes back. On a page
/// that is not the client's own (signing in, say), only a phone that holds a copy syncs:
/// if its session is over, that sync wipes it.
pub fn start_syncing(on_own_page: bool) {
    wasm_bindgen_futures::spawn_local(async move {
        end_session_if_pending().await;
        if on_own_page || holds_copy() {
            // The server just took this session as in use and unlocked: the person opened
            // one of their pages now (the 15 idle minutes offline count from here).
            if sync_now().await == Synced::Done && on_own_page {
                reopen::mark_active();
            }
        }
    });
    // Not the person's doing: a sync when the network comes back marks nothing. The phone's
    // pages on screen give way to the server's (the sync does so when it has a copy).
    let sync = || {
        wasm_bindgen_futures::spawn_local(async {
            end_session_if_pending().await;
            if holds_copy() {
                sync_now().await;
            } else if pages::are_shown() {
                let _ = window().location().reload();
            }
        });
    };
    let again = Closure::<dyn Fn()>::new(sync);
    let _ = window().add_event_listener_with_callback("online", again.as_ref().unchecked_ref());
    again.forget();
}

/// A moment as the phone's wall clock shows it.
pub fn local_time_of(at: DateTime<Utc>) -> NaiveDateTime {
    let offset_minutes = js_sys::Date::new_0().get_timezone_offset() as i64;
    at.naive_utc() - chrono::Duration::minutes(offset_minutes)
}
