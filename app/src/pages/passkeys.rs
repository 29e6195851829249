//! Passkeys in the browser: adding one on the account page, signing in with one on the
//! sign-in page. The buttons appear only once the wasm runs (in the pages' slots), since
//! WebAuthn needs it; the passphrase forms work without.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A ceremony under way: its id, and the options for the browser's authenticator in the
/// WebAuthn JSON form (`{"publicKey": ...}`), which the browser parses itself. Keeping the
/// WebAuthn types out of the wasm keeps it small.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ceremony {
    pub id: String,
    pub options: String,
}

#[cfg(feature = "ssr")]
mod server {
    use crate::actions::passkeys::PasskeyProblem;
    use crate::error::AppError;
    use crate::session::Asking;
    use crate::state::AppState;

    /// The app's state, the person asking, and the server's WebAuthn relying party.
    pub async fn start(
    ) -> Result<(AppState, Asking, std::sync::Arc<webauthn_rs::Webauthn>), AppError> {
        let (state, asking) = crate::request::asking().await?;
        let webauthn = state.webauthn.clone().ok_or_else(|| {
            tracing::warn!("passkeys are off: WAYPOINT_PUBLIC_URL has no domain name");
            AppError::PasskeyRefused
        })?;
        Ok((state, asking, webauthn))
    }

    pub fn problem(problem: PasskeyProblem) -> AppError {
        match problem {
            PasskeyProblem::Refused => AppError::PasskeyRefused,
            PasskeyProblem::Wait => AppError::TooManyTries,
            PasskeyProblem::WrongPassphrase => AppError::WrongPassphrase,
        }
    }

    /// A ceremony the action started, for the browser.
    pub fn ceremony<T: serde::Serialize>(
        started: Result<(String, T), PasskeyProblem>,
    ) -> Result<super::Ceremony, AppError> {
        let (id, options) = started.map_err(problem)?;
        let options = serde_json::to_string(&options).map_err(|_| AppError::Unavailable)?;
        Ok(super::Ceremony { id, options })
    }
}

#[server(endpoint = "passkey_registration_start")]
pub async fn start_passkey_registration(passphrase: String) -> Result<Ceremony, AppError> {
    use crate::actions::passkeys::start_registration;
    crate::request::answer("passkey.registration_start", async move {
        let (state, asking, webauthn) = server::start().await?;
        let now = chrono::Utc::now();
        let started = start_registration(&state.db, &webauthn, &asking, &passphrase, now).await?;
        server::ceremony(started)
    })
    .await
}

#[server(endpoint = "passkey_registration_finish")]
pub async fn finish_passkey_registration(
    ceremony: String,
    credential: String,
) -> Result<(), AppError> {
    use crate::actions::passkeys::finish_registration;
    crate::request::answer("passkey.registration_finish", async move {
        let (state, asking, webauthn) = server::start().await?;
        let now = chrono::Utc::now();
        finish_registration(&state.db, &webauthn, &asking, &ceremony, &credential, now)
            .await?
            .map_err(server::problem)
    })
    .await
}

#[server(endpoint = "passkey_sign_in_start")]
pub async fn start_passkey_sign_in(sign_in_name: String) -> Result<Ceremony, AppError> {
    use crate::actions::passkeys::start_sign_in;
    crate::request::answer("passkey.sign_in_start", async move {
        let (state, asking, webauthn) = server::start().await?;
        let now = chrono::Utc::now();
        server::ceremony(start_sign_in(&state.db, &webauthn, &asking, &sign_in_name, now).await?)
    })
    .await
}

/// Signs in with the passkey's answer; where the person starts.
#[server(endpoint = "passkey_sign_in_finish")]
pub async fn finish_passkey_sign_in(
    ceremony: String,
    credential: String,
) -> Result<String, AppError> {
    use crate::actions::passkeys::finish_sign_in;
    crate::request::answer("passkey.sign_in_finish", async move {
        let (state, asking, webauthn) = server::start().await?;
        let now = chrono::Utc::now();
        let started = finish_sign_in(&state.db, &webauthn, &asking, &ceremony, &credential, now)
            .await?
            .map_err(server::problem)?;
        let secure = state.secure_cookies;
        let mut cookies = vec![crate::session::session_cookie(
            &started.token,
            secure,
            started.role,
        )];
        if let Some(tokens) = &started.device_tokens {
            cookies.push(crate::session::device_cookie(tokens, secure));
        }
        let response =
            use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Unavailable)?;
        for cookie in cookies {
            let cookie = http::HeaderValue::from_str(&cookie).map_err(|_| AppError::Unavailable)?;
            response.append_header(http::header::SET_COOKIE, cookie);
        }
        Ok(crate::domain::home_of(started.role).to_owned())
    })
    .await
}

/// Where the account page's "Add a passkey" goes, and what its button does: WebAuthn needs
/// the wasm, so the server sends an empty slot and the client bundle fills it
/// (`device::pages`).
pub const ADD_PASSKEY: &str = "add-passkey";
/// Where the sign-in page's "Sign in with a passkey" goes, the same way.
pub const PASSKEY_SIGN_IN: &str = "passkey-sign-in";

/// The field for the passphrase that adding a passkey asks for first.
pub const PASSKEY_PASSPHRASE: &str = "passkey_passphrase";

/// The button in its slot (after the passphrase field, for adding one), and where its
/// outcome is said.
#[component]
pub fn PasskeyButton(
    action: &'static str,
    label: &'static str,
    #[prop(optional)] asks_passphrase: bool,
) -> impl IntoView {
    use crate::components::Field;
    view! {
        {asks_passphrase.then(|| view! {
            <Field
                id=PASSKEY_PASSPHRASE
                label="Your passphrase"
                hint="To add a passkey, type your passphrase first."
                kind="password"
                autocomplete="current-password"
            />
        })}
        <button class="button secondary" type="button" data-device-action=action>{label}</button>
        <p role="status"></p>
    }
}

#[cfg(feature = "client")]
pub mod browser {
    use super::*;
    use leptos::server_fn::ServerFn;
    use wasm_bindgen::prelude::*;

    // The browser turns WebAuthn JSON into its own objects and back
    // (`parseCreationOptionsFromJSON`, `toJSON`); browsers without those get no passkey
    // button's success, only the passphrase.
    #[wasm_bindgen(inline_js = r#"
        function supported() {
            return typeof PublicKeyCredential !== "undefined"
                && typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function";
        }
        export async function create_credential(options) {
            if (!supported()) throw new Error("unsupported");
            const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(JSON.parse(options).publicKey);
            const credential = await navigator.credentials.create({ publicKey });
            return JSON.stringify(credential.toJSON());
        }
        export async function get_credential(options) {
            if (!supported()) throw new Error("unsupported");
            const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(options).publicKey);
            const credential = await navigator.credentials.get({ publicKey });
            return JSON.stringify(credential.toJSON());
        }
    "#)]
    extern "C" {
        #[wasm_bindgen(catch)]
        async fn create_credential(options: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        async fn get_credential(options: &str) -> Result<JsValue, JsValue>;
    }

    const NO_PASSKEYS: &str = "This browser can't use passkeys. Please use your passphrase.";

    /// Calls one of the server functions above with a plain POST, as a form sends its
    /// fields: the browser bundle leaves out Leptos's client for server functions.
    async fn call<T: serde::de::DeserializeOwned>(
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<T, String> {
        use crate::browser::{post, Body};
        let (status, text) = post(path, Body::Form(fields))
            .await
            .map_err(|_| AppError::Offline.to_string())?;
        if (200..300).contains(&status) {
            serde_json::from_slice(text.as_bytes()).map_err(|_| AppError::Unavailable.to_string())
        } else {
            let error = serde_json::from_slice(text.as_bytes()).unwrap_or(AppError::Unavailable);
            Err(error.to_string())
        }
    }

    /// Adds a passkey; what to tell the person.
    pub async fn add_passkey() -> String {
        match register().await {
            Ok(()) => "Passkey added. Next time, you can sign in with it.".to_owned(),
            Err(problem) => problem,
        }
    }

    fn typed_into(id: &str) -> Option<web_sys::HtmlInputElement> {
        web_sys::window()?
            .document()?
            .get_element_by_id(id)?
            .dyn_into::<web_sys::HtmlInputElement>()
            .ok()
    }

    async fn register() -> Result<(), String> {
        let field = typed_into(PASSKEY_PASSPHRASE);
        let passphrase = field.as_ref().map(|f| f.value()).unwrap_or_default();
        if passphrase.is_empty() {
            return Err("Please type your passphrase first, then choose \"Add a passkey\".".into());
        }
        let asked = call(
            StartPasskeyRegistration::PATH,
            &[("passphrase", &passphrase)],
        )
        .await;
        if let Some(field) = &field {
            field.set_value("");
        }
        let ceremony: Ceremony = asked?;
        let credential = create_credential(&ceremony.options)
            .await
            .map_err(|_| "No passkey was added. You can try again.".to_owned())?
            .as_string()
            .ok_or_else(|| NO_PASSKEYS.to_owned())?;
        let fields = [
            ("ceremony", ceremony.id.as_str()),
            ("credential", &credential),
        ];
        call(FinishPasskeyRegistration::PATH, &fields).await
    }

    fn typed_sign_in_name() -> Option<String> {
        let name = typed_into("sign_in_name")?.value();
        (!name.trim().is_empty()).then_some(name)
    }

    /// Signs in with a passkey and goes to the person's home page; else what to tell them.
    pub async fn sign_in_with_passkey() -> String {
        sign_in().await.err().unwrap_or_default()
    }

    async fn sign_in() -> Result<(), String> {
        let name = typed_sign_in_name().ok_or_else(|| {
            "Please type your sign-in name first, then choose \"Sign in with a passkey\"."
                .to_owned()
        })?;
        let ceremony: Ceremony = call(StartPasskeySignIn::PATH, &[("sign_in_name", &name)]).await?;
        let credential = get_credential(&ceremony.options)
            .await
            .map_err(|_| AppError::PasskeyRefused.to_string())?
            .as_string()
            .ok_or_else(|| NO_PASSKEYS.to_owned())?;
        let fields = [
            ("ceremony", ceremony.id.as_str()),
            ("credential", &credential),
        ];
        let home: String = call(FinishPasskeySignIn::PATH, &fields).await?;
        // A whole new page: the session cookie is new.
        web_sys::window()
            .ok_or_else(|| NO_PASSKEYS.to_owned())?
            .location()
            .set_href(&home)
            .map_err(|_| NO_PASSKEYS.to_owned())
    }
}
