//! What both browser bundles share: saying the app runs, forgetting a passphrase typed on
//! the way to pages the phone keeps no copy for, and a plain same-origin POST.
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A passphrase typed on this phone whose person is not known yet: the check the phone keeps
/// of it until a sync names them (`device::reopen`).
pub const TYPED_PASSPHRASE: &str = "waypoint.passphrase-typed";

/// Drops the check of a typed passphrase that led nowhere the phone keeps a copy for (a
/// wrong one, or someone without a copy, such as staff).
pub fn forget_typed_passphrase() {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.remove_item(TYPED_PASSPHRASE);
    }
}

/// Marks the page as running the app (`<html data-app="started">`), for the browser tests.
pub fn started() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-app", "started");
    }
}

/// What a POST sends.
pub enum Body<'a> {
    Nothing,
    Json(&'a str),
    /// Form fields, as a form or a server function reads them.
    Form(&'a [(&'a str, &'a str)]),
}

/// A same-origin POST; the status and the body of the answer (after redirects).
pub async fn post(path: &str, body: Body<'_>) -> Result<(u16, String), JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let (content, kind) = match body {
        Body::Nothing => (None, ""),
        Body::Json(json) => (Some(json.to_owned()), "application/json"),
        Body::Form(fields) => {
            let form = web_sys::UrlSearchParams::new()?;
            for (name, value) in fields {
                form.append(name, value);
            }
            (
                form.to_string().as_string(),
                "application/x-www-form-urlencoded",
            )
        }
    };
    if let Some(content) = content {
        init.set_body(&JsValue::from_str(&content));
        let headers = web_sys::Headers::new()?;
        headers.set("content-type", kind)?;
        init.set_headers(&headers);
    }
    let response: web_sys::Response = JsFuture::from(
        web_sys::window()
            .ok_or_else(|| JsValue::from_str("no window"))?
            .fetch_with_str_and_init(path, &init),
    )
    .await?
    .dyn_into()?;
    let text = JsFuture::from(response.text()?).await?;
    Ok((response.status(), text.as_string().unwrap_or_default()))
}
