//! The key of each person's copy on this phone, and what opens it. The copy is encrypted
//! with AES-GCM under a random 256-bit data key, which the phone keeps only wrapped: under
//! the server's half of the person's copy key (in each sync answer while they are signed in
//! and unlocked, never stored here) and under a key derived from their passphrase
//! (PBKDF2-SHA256). Open, it is kept for this tab only (session storage) while the person
//! uses it, and dropped when the phone locks. So offline, a copy opens only with the
//! passphrase: editing what the phone stores cannot open it. See SECURITY.md.
use super::{base64, open, seal, storage_error, subtle, unbase64, window, PREFIX};
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use js_sys::Uint8Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// PBKDF2 rounds: the OWASP figure for PBKDF2-SHA256; about a second on a cheap phone.
pub(super) const ROUNDS: u32 = 600_000;

/// The data key wrapped under the passphrase.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PassWrap {
    salt: String,
    rounds: u32,
    sealed: String,
}

/// The data key of one person's copy, wrapped each way the phone can open it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Wraps {
    server: String,
    pass: Option<PassWrap>,
}

/// Where a person's wrapped key is kept (`device::owner_of_entry` knows the name).
pub(super) fn wraps_name(owner: &str) -> String {
    format!("{PREFIX}copy-key.{owner}")
}

fn open_name(owner: &str) -> String {
    format!("{PREFIX}open-key.{owner}")
}

/// The data key of `owner`, when it is open in this tab.
pub(super) fn open_key(owner: &str) -> Option<Vec<u8>> {
    let key: String = SessionStorage::get(open_name(owner)).ok()?;
    unbase64(&key)
}

fn keep_open(owner: &str, key: &[u8]) {
    let _ = SessionStorage::set(open_name(owner), base64(key));
}

/// Closes `owner`'s copy in this tab: the passphrase (or the server) opens it again.
pub(super) fn close(owner: &str) {
    SessionStorage::delete(open_name(owner));
}

/// An AES-GCM key from raw bytes, usable by this page only.
pub(super) async fn aes_key(raw: &[u8]) -> Result<web_sys::CryptoKey, JsValue> {
    let usages = js_sys::Array::of2(&"encrypt".into(), &"decrypt".into());
    let key =
        subtle()?.import_key_with_str("raw", &Uint8Array::from(raw), "AES-GCM", false, &usages)?;
    JsFuture::from(key).await?.dyn_into()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    text.len()
        .is_multiple_of(2)
        .then(|| {
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten()
}

/// What opening a person's data key came to.
pub(super) enum Opened {
    /// Open in this tab now.
    Open,
    /// Nothing to open it with here (no server half, or offline after the lock).
    Closed,
    /// The phone has a copy for them whose key no longer opens: it can never be read.
    Lost,
}

/// The data key of `owner`: open in this tab, or unwrapped with the server's half (`server`,
/// hex, from a sync answer), or a new one wrapped under it when the phone has none for them.
pub(super) async fn data_key(owner: &str, server: Option<&str>) -> Result<Opened, JsValue> {
    if open_key(owner).is_some() {
        return Ok(Opened::Open);
    }
    let Some(server) = server.and_then(unhex) else {
        return Ok(Opened::Closed);
    };
    let server = aes_key(&server).await?;
    let key = match LocalStorage::get::<Wraps>(wraps_name(owner)) {
        Ok(wraps) => match open(&server, &wraps.server).await {
            Ok(key) => key,
            Err(_) => return Ok(Opened::Lost),
        },
        Err(_) => {
            let mut key = [0u8; 32];
            window()
                .crypto()?
                .get_random_values_with_u8_array(&mut key)?;
            let wraps = Wraps {
                server: seal(&server, &key).await?,
                pass: None,
            };
            LocalStorage::set(wraps_name(owner), wraps).map_err(storage_error)?;
            key.to_vec()
        }
    };
    keep_open(owner, &key);
    Ok(Opened::Open)
}

/// Wraps `owner`'s open data key under the key derived from their passphrase (`derived`,
/// made with `salt`), in place of any earlier one.
pub(super) async fn wrap_under_passphrase(
    owner: &str,
    salt: &[u8],
    derived: &[u8],
) -> Result<(), JsValue> {
    let key = open_key(owner).ok_or_else(|| JsValue::from_str("not open"))?;
    let mut wraps: Wraps = LocalStorage::get(wraps_name(owner)).map_err(storage_error)?;
    wraps.pass = Some(PassWrap {
        salt: base64(salt),
        rounds: ROUNDS,
        sealed: seal(&aes_key(derived).await?, &key).await?,
    });
    LocalStorage::set(wraps_name(owner), wraps).map_err(storage_error)
}

/// Opens `owner`'s copy with a passphrase typed on the phone: `Some(true)` opened,
/// `Some(false)` the wrong passphrase, `None` nothing here to check it against.
pub(super) async fn open_with_passphrase(owner: &str, passphrase: &str) -> Option<bool> {
    let wraps: Wraps = LocalStorage::get(wraps_name(owner)).ok()?;
    let pass = wraps.pass?;
    let salt = unbase64(&pass.salt)?;
    let derived = derive(passphrase, &salt, pass.rounds).await.ok()?;
    let wrapping = aes_key(&derived).await.ok()?;
    match open(&wrapping, &pass.sealed).await {
        Ok(key) => {
            keep_open(owner, &key);
            Some(true)
        }
        Err(_) => Some(false),
    }
}

/// PBKDF2-SHA256 of the passphrase: 256 bits.
pub(super) async fn derive(passphrase: &str, salt: &[u8], rounds: u32) -> Result<Vec<u8>, JsValue> {
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
