//! Passkeys (WebAuthn, with webauthn-rs): the relying party this server is. The ceremonies
//! that add one or sign in with one are actions (`actions::passkeys`).
use webauthn_rs::prelude::Url;
use webauthn_rs::{Webauthn, WebauthnBuilder};

/// The relying party for `public_url`. WebAuthn needs a domain name (`localhost` counts), so
/// an address such as `http://127.0.0.1:3000` has no passkeys.
pub fn relying_party(public_url: &str) -> Result<Webauthn, String> {
    let origin = Url::parse(public_url).map_err(|e| e.to_string())?;
    let rp_id = origin
        .domain()
        .ok_or("WAYPOINT_PUBLIC_URL must use a domain name for passkeys")?
        .to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|builder| builder.rp_name("Waypoint").allow_any_port(true).build())
        .map_err(|e| e.to_string())
}
