//! The person's own account: signed-in devices, signing out, and (for clients) who has
//! looked at their information.
use crate::components::served;
use crate::components::FormMessage;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub session_id: String,
    pub description: String,
    pub signed_in: String,
    pub last_used: String,
    pub this_device: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub display_name: String,
    pub is_client: bool,
    /// A client or supporter: someone the app reaches with notifications.
    pub can_notify: bool,
    pub devices: Vec<Device>,
    pub passkeys: Vec<PasskeyListing>,
    /// "Your sign-in was reset on ... by ...", after staff reset it.
    pub reset: Option<String>,
}

/// A passkey, described by the device it was added on and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyListing {
    pub passkey_id: String,
    pub description: String,
}

/// "2026-11-26T14:05:00Z" as "2026-11-26 14:05 UTC".
#[cfg(feature = "ssr")]
fn instant_label(text: &str) -> String {
    text.replacen('T', " ", 1)
        .trim_end_matches(":00Z")
        .to_owned()
        + " UTC"
}

#[server(endpoint = "account")]
pub async fn get_account() -> Result<AccountOverview, AppError> {
    use crate::{db, domain::Role, request};
    request::answer("read.account", async move {
        let (state, asking) = request::asking().await?;
        let person = asking.signed_in()?.clone();
        let devices = db::live_sessions_of(&state.db, &person.person_id)
            .await?
            .into_iter()
            .map(|s| Device {
                this_device: s.session_id == person.session_id,
                session_id: s.session_id,
                description: s.device,
                signed_in: instant_label(&s.created_at),
                last_used: instant_label(&s.last_seen_at),
            })
            .collect();
        let passkeys = db::passkeys_of(&state.db, &person.person_id)
            .await?
            .into_iter()
            .map(|p| PasskeyListing {
                description: format!("{}, added {}", p.device, instant_label(&p.created_at)),
                passkey_id: p.id,
            })
            .collect();
        let reset = db::last_sign_in_reset(&state.db, &person.person_id)
            .await?
            .map(|(at, by)| format!("Your sign-in was reset on {} by {by}.", instant_label(&at)));
        Ok(AccountOverview {
            reset,
            passkeys,
            display_name: person.display_name,
            is_client: person.role == Role::Client,
            can_notify: matches!(person.role, Role::Client | Role::Supporter),
            devices,
        })
    })
    .await
}

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Account"/>
        {served(get_account, |account| view! { <AccountView account/> })}
    }
}

#[component]
fn AccountView(account: AccountOverview) -> impl IntoView {
    view! {
        <h1>"Account"</h1>
        <p>{format!("Signed in as {}.", account.display_name)}</p>
        {account.reset.map(|reset| view! { <p class="card">{reset}" If you didn't ask for this, tell your care team."</p> })}
        <FormMessage/>
        <form method="post" action="/sign-out">
            <button class="button" type="submit">"Sign out"</button>
        </form>
        {account.can_notify.then(|| view! {
            <ul class="plain-list links">
                <li><a class="link" href="/account/notifications">"Notifications and reminders"</a></li>
                {account.is_client.then(|| view! {
                    <li><a class="link" href="/supporters">"People I share with"</a></li>
                    <li><a class="link" href="/account/seen">"Who has seen my information"</a></li>
                })}
            </ul>
        })}
        <section aria-labelledby="passkeys-heading">
            <h2 id="passkeys-heading">"Passkeys"</h2>
            <p>"A passkey lets you sign in with your phone's screen lock instead of typing your passphrase."</p>
            {if account.passkeys.is_empty() {
                view! { <p>"You have no passkeys yet."</p> }.into_any()
            } else {
                view! {
                    <p>"If you don't know where a passkey came from, remove it."</p>
                    <ul class="plain-list">
                        {account.passkeys.into_iter().map(|passkey| view! { <li><PasskeyCard passkey/></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <crate::components::Slot name=crate::pages::passkeys::ADD_PASSKEY/>
        </section>
        <PassphraseForm/>
        <section aria-labelledby="devices-heading">
            <h2 id="devices-heading">"Signed-in devices"</h2>
            <p>"If you lost a phone or used a shared one, sign it out here."</p>
            <ul class="plain-list">
                {account.devices.into_iter().map(|device| view! { <li><DeviceCard device/></li> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn PasskeyCard(passkey: PasskeyListing) -> impl IntoView {
    view! {
        <article class="card">
            <p>{passkey.description}</p>
            <form method="post" action="/account/passkeys/remove">
                <input type="hidden" name="passkey_id" value=passkey.passkey_id/>
                <button class="button secondary" type="submit">"Remove this passkey"</button>
            </form>
        </article>
    }
}

/// Changing the passphrase: the current one first, so that someone holding an unlocked
/// phone cannot.
#[component]
fn PassphraseForm() -> impl IntoView {
    use crate::components::Field;
    use crate::pages::sign_in::NewPassphraseFields;
    view! {
        <section aria-labelledby="passphrase-heading">
            <h2 id="passphrase-heading">"Change your passphrase"</h2>
            <p>"Your other devices will be signed out."</p>
            <form class="form" method="post" action="/account/passphrase">
                <Field id="current_passphrase" label="Your passphrase now" kind="password" autocomplete="current-password"/>
                <NewPassphraseFields label="New passphrase"/>
                <button class="button" type="submit">"Change passphrase"</button>
            </form>
        </section>
    }
}

#[component]
fn DeviceCard(device: Device) -> impl IntoView {
    view! {
        <article class="card">
            <h3>{device.description.clone()}</h3>
            <p>{format!("Signed in {}. Last used {}.", device.signed_in, device.last_used)}</p>
            {if device.this_device {
                view! { <p class="tag">"This device"</p> }.into_any()
            } else {
                view! {
                    <form method="post" action="/account/devices/end">
                        <input type="hidden" name="session_id" value=device.session_id.clone()/>
                        <button class="button secondary" type="submit">"Sign this device out"</button>
                    </form>
                }.into_any()
            }}
        </article>
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLook {
    pub when: String,
    pub who: String,
    pub what: String,
    pub allowed: bool,
}

/// The client's own view of the audit trail about them.
#[server(endpoint = "record_looks")]
pub async fn get_record_looks() -> Result<Vec<RecordLook>, AppError> {
    use crate::{db, domain::Role, request};
    request::answer("read.record_looks", async move {
        let (state, home) = request::signed_in_client().await?;
        let looks = db::looks_at_client(&state.db, &home.client_id, 200).await?;
        Ok(looks
            .into_iter()
            .map(|look| {
                let role = look
                    .role
                    .as_deref()
                    .and_then(|r| Role::from_code(r).ok())
                    .map_or("Someone", Role::label);
                RecordLook {
                    when: instant_label(&look.at),
                    who: match look.who {
                        Some(name) => format!("{name} ({role})"),
                        None => role.to_owned(),
                    },
                    what: action_label(&look.action).to_owned(),
                    allowed: look.outcome == "allowed",
                }
            })
            .collect())
    })
    .await
}

/// What an audit action means, in plain words.
#[cfg(feature = "ssr")]
fn action_label(action: &str) -> &'static str {
    match action {
        "read.caseload" => "Saw your name in their list of clients",
        "read.shared_record" => "Looked at what you share with them",
        "grant.accept" => "Accepted your invitation",
        "enrollment_code.create" => "Made a set-up code for you",
        "sign_in.reset" => "Reset your sign-in and signed out your devices",
        a if a.starts_with("read.") => "Looked at your information",
        _ => "Changed your information",
    }
}

#[component]
pub fn SeenPage() -> impl IntoView {
    view! {
        <Title text="Who has seen my information"/>
        {served(get_record_looks, |looks| {
            let intro = view! {
                <h1>"Who has seen my information"</h1>
                <p>"Every time someone other than you looks at or changes your information, it is written down here."</p>
            };
            if looks.is_empty() {
                view! { {intro} <p>"No one else has looked at your information yet."</p> }.into_any()
            } else {
                view! {
                    {intro}
                    <ul class="plain-list">
                        {looks.into_iter().map(|look| view! {
                            <li class="card">
                                <p class="card-title">{look.who}</p>
                                <p>{look.what}{(!look.allowed).then_some(" (refused)")}</p>
                                <p class="when">{look.when}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        })}
    }
}
