//! The nonce of a page's inline script: made fresh for every response by the security
//! middleware, named in its Content-Security-Policy, and put on the script by Leptos (or by
//! the offline shell).
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    /// A new nonce of 128 random bits; `None` when the system has no randomness.
    pub fn new() -> Option<CspNonce> {
        let bytes = app::secrets::random_bytes::<16>().ok()?;
        Some(CspNonce(app::secrets::hex(&bytes).into()))
    }
}

/// Hands the nonce of the request under way to Leptos, which puts it on the inline script
/// that starts the wasm.
pub fn provide_to_leptos() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}
