//! Signing in, coming back after a pause, and first-time set-up with a code. Plain forms
//! that post to the server's form handlers, so they work before (or without) the wasm.
use crate::components::{Field, FormMessage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub const SIGN_IN_TITLE: &str = "Sign in";
pub const UNLOCK_TITLE: &str = "Welcome back";

#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <Title text=SIGN_IN_TITLE/>
        <SignInView/>
    }
}

/// The sign-in page's body, also shown offline once the phone has signed out.
#[component]
pub fn SignInView() -> impl IntoView {
    view! {
        <h1>"Sign in"</h1>
        <FormMessage/>
        <form class="form" method="post" action="/sign-in">
            <Field id="sign_in_name" label="Sign-in name" autocomplete="username" max=64/>
            <Field id="passphrase" label="Passphrase" kind="password" autocomplete="current-password"/>
            <button class="button" type="submit">"Sign in"</button>
        </form>
        <crate::components::Slot name=crate::pages::passkeys::PASSKEY_SIGN_IN/>
        <section class="aside" aria-labelledby="new-heading">
            <h2 id="new-heading">"New here?"</h2>
            <p>"If you were given a code to set up your sign-in, start here."</p>
            <a class="button secondary" href="/enrol">"I have a set-up code"</a>
            <a class="button secondary" href="/join">"I was invited as a supporter"</a>
            <a class="link" href="/learn">"Read about supporting someone"</a>
        </section>
    }
}

#[component]
pub fn UnlockPage() -> impl IntoView {
    view! {
        <Title text=UNLOCK_TITLE/>
        <UnlockView/>
    }
}

/// The body of the page that asks for the passphrase again, also checked offline
/// (`device::reopen`).
#[component]
pub fn UnlockView() -> impl IntoView {
    view! {
        <h1>"Welcome back"</h1>
        <p>"For your privacy, please enter your passphrase again."</p>
        <FormMessage/>
        <form class="form" method="post" action="/unlock">
            <Field id="passphrase" label="Passphrase" kind="password" autocomplete="current-password"/>
            <button class="button" type="submit">"Go on"</button>
        </form>
        <form method="post" action="/sign-out">
            <button class="button secondary" type="submit">"Not you? Sign out"</button>
        </form>
    }
}

/// The fields for a new sign-in: a name and a passphrase typed twice.
#[component]
fn NewSignInFields() -> impl IntoView {
    view! {
        <Field
            id="sign_in_name"
            label="Choose a sign-in name"
            hint="3 to 32 letters, numbers, dots or dashes. It doesn't need to be your real name."
            autocomplete="username"
            max=64
        />
        <NewPassphraseFields label="Choose a passphrase"/>
    }
}

/// A new passphrase, typed twice (setting up, or changing it on the account page).
#[component]
pub fn NewPassphraseFields(label: &'static str) -> impl IntoView {
    view! {
        <Field
            id="passphrase"
            label=label
            hint="At least 8 characters. A few words you will remember works well, like \"blue kettle river song\"."
            kind="password"
            autocomplete="new-password"
        />
        <Field id="repeat_passphrase" label="Type the passphrase again" kind="password" autocomplete="new-password"/>
    }
}

/// A code that came in a link (`?code=`), if it looks like one.
fn code_from_link() -> Option<String> {
    use_query_map().read_untracked().get("code").filter(|code| {
        code.len() <= 16 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// The form that turns a code into a sign-in: the code (filled in when it came in a link),
/// any fields of the page's own, and a new sign-in name and passphrase.
#[component]
fn CodeForm(
    action: &'static str,
    code_label: &'static str,
    button: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let code = code_from_link();
    view! {
        <FormMessage/>
        <form class="form" method="post" action=action>
            <Field id="code" label=code_label hint="10 letters and numbers, like ABCDE-12345." max=32 value=code.unwrap_or_default()/>
            {children.map(|fields| fields())}
            <NewSignInFields/>
            <button class="button" type="submit">{button}</button>
        </form>
    }
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    view! {
        <Title text="Set up your sign-in"/>
        <h1>"Set up your sign-in"</h1>
        <p>"Use the code your case manager gave you. It works once, for 3 days."</p>
        <CodeForm action="/enrol" code_label="Set-up code" button="Set up and sign in"/>
    }
}

#[component]
pub fn JoinPage() -> impl IntoView {
    view! {
        <Title text="Join as a supporter"/>
        <h1>"Join as a supporter"</h1>
        <p>"Someone you support invited you. Their code works once, for 3 days."</p>
        <CodeForm action="/join" code_label="Invite code" button="Join and sign in">
            <Field id="display_name" label="Your name" hint="Shown to the person who invited you." autocomplete="name" max=60/>
        </CodeForm>
    }
}

/// A staff member chooses a new passphrase with the reset code their administrator gave
/// them; their sign-in name stays.
#[component]
pub fn ResetPage() -> impl IntoView {
    view! {
        <Title text="Choose a new passphrase"/>
        <h1>"Choose a new passphrase"</h1>
        <p>"Use the reset code your administrator gave you. It works once, for 24 hours."</p>
        <FormMessage/>
        <form class="form" method="post" action="/reset">
            <Field id="code" label="Reset code" hint="10 letters and numbers, like ABCDE-12345." max=32 value=code_from_link().unwrap_or_default()/>
            <Field id="sign_in_name" label="Your sign-in name" autocomplete="username" max=64/>
            <NewPassphraseFields label="Choose a new passphrase"/>
            <button class="button" type="submit">"Save and sign in"</button>
        </form>
    }
}
