//! Notifications: turning them on for the phone in hand, and choosing what they remind of,
//! when they keep quiet and how much they say. Turning on needs the browser (permission
//! and a push subscription), so its button is a slot the client bundle fills; the rest are
//! plain forms.
use crate::components::{served, FormMessage, Slot};
use crate::domain::{clock_time_text, Detail, NotificationSettings, EVENING_REMINDER_AT};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// Where the "Turn on notifications" button goes; its element carries the server's public
/// key in `data-push-key`.
pub const TURN_ON_NOTIFICATIONS: &str = "turn-on-notifications";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationChoices {
    /// Appointment and daily reminders are a client's; a supporter's are the rest.
    pub is_client: bool,
    /// Whether this session's device has notifications on.
    pub on_here: bool,
    /// The server's VAPID public key; `None` when notifications are not set up.
    pub push_key: Option<String>,
    pub settings: NotificationSettings,
    /// A client's calendar address.
    pub calendar: Option<CalendarChoice>,
}

/// A client's calendar address: since when one works, and the address itself only on the
/// page right after it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarChoice {
    pub open_since: Option<String>,
    pub new_address: Option<String>,
}

#[server(endpoint = "notifications")]
pub async fn get_notifications() -> Result<NotificationChoices, AppError> {
    use crate::{db, domain::Role, request};
    request::answer("read.notifications", async move {
        let (state, asking) = request::asking().await?;
        let person = asking.signed_in()?;
        if !matches!(person.role, Role::Client | Role::Supporter) {
            return Err(AppError::NotFound);
        }
        let calendar = if person.role == Role::Client {
            let open_since = db::calendar_feed_of_client(&state.db, &person.person_id).await?;
            let new_address = request::take_new_code(&state, &person.person_id).map(|token| {
                format!(
                    "{}/calendar/{token}.ics",
                    state.public_url.trim_end_matches('/')
                )
            });
            Some(CalendarChoice {
                open_since: open_since.map(|at| at.get(..10).unwrap_or_default().to_owned()),
                new_address,
            })
        } else {
            None
        };
        Ok(NotificationChoices {
            calendar,
            is_client: person.role == Role::Client,
            on_here: db::session_has_push(&state.db, &person.session_id).await?,
            push_key: state
                .push
                .as_ref()
                .map(|push| push.key().public().to_owned()),
            settings: db::notification_settings(&state.db, &person.person_id).await?,
        })
    })
    .await
}

/// Keeps this device's push subscription (the browser's `PushSubscription.toJSON()`);
/// `false` when it cannot be used.
#[server(endpoint = "notifications_on")]
pub async fn turn_on_notifications(
    endpoint: String,
    p256dh: String,
    auth: String,
) -> Result<bool, AppError> {
    use crate::actions::notifications::{turn_on, Subscribing};
    use crate::request;
    request::answer("notifications.on", async move {
        let (state, asking) = request::asking().await?;
        let push = state.push.as_ref().ok_or(AppError::Unavailable)?;
        let subscribing = Subscribing {
            endpoint: &endpoint,
            p256dh: &p256dh,
            auth: &auth,
        };
        let turned = turn_on(
            &state.db,
            &asking,
            push.services(),
            subscribing,
            chrono::Utc::now(),
        )
        .await?;
        Ok(turned.is_ok())
    })
    .await
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <Title text="Notifications"/>
        {served(get_notifications, |choices| view! { <NotificationsView choices/> })}
    }
}

#[component]
fn NotificationsView(choices: NotificationChoices) -> impl IntoView {
    let NotificationChoices {
        is_client,
        on_here,
        push_key,
        settings,
        calendar,
    } = choices;
    view! {
        <h1>"Notifications"</h1>
        <p>"Waypoint can remind you of appointments and tell you when something changes. Your lock screen never says what Waypoint is for."</p>
        <FormMessage/>
        <section aria-labelledby="here-heading">
            <h2 id="here-heading">"On this phone"</h2>
            <ThisPhone on_here push_key/>
            <p>"Anyone holding this phone can see them. Signing out turns them off."</p>
        </section>
        <ChoicesForm is_client settings/>
        {calendar.map(|calendar| view! { <CalendarSection calendar/> })}
    }
}

/// The calendar address: made, shown once, stopped. Phone calendars poll it.
#[component]
fn CalendarSection(calendar: CalendarChoice) -> impl IntoView {
    use leptos::either::EitherOf3;
    let state = match (calendar.new_address, calendar.open_since) {
        (Some(address), _) => {
            let subscribe =
                address
                    .replacen("https://", "webcal://", 1)
                    .replacen("http://", "webcal://", 1);
            EitherOf3::A(view! {
                <div class="field">
                    <label for="calendar_address">"Your calendar address"</label>
                    <p class="hint" id="calendar-hint">"Copy it into your phone's calendar (Add calendar, then From URL). It is shown only this once. Anyone with it can see your appointment times, so keep it to yourself."</p>
                    <input id="calendar_address" type="text" readonly=true value=address aria-describedby="calendar-hint"/>
                </div>
                <p><a class="button" href=subscribe>"Add to this phone's calendar"</a></p>
            })
        }
        (None, Some(since)) => EitherOf3::B(view! {
            <p>{format!("Your calendar address works since {since}. If you lost it, make a new one: the old one stops.")}</p>
        }),
        (None, None) => EitherOf3::C(view! {
            <p>"Your phone's calendar can show your appointments, and keep them up to date when they change. Each one says only Appointment, unless you chose to see more above."</p>
        }),
    };
    view! {
        <section aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">"Your calendar"</h2>
            {state}
            <form method="post" action="/account/calendar">
                <button class="button secondary" type="submit">"Make a calendar address"</button>
            </form>
            <form method="post" action="/account/calendar/end">
                <button class="button secondary" type="submit">"Stop my calendar address"</button>
            </form>
        </section>
    }
}

#[component]
fn ThisPhone(on_here: bool, push_key: Option<String>) -> impl IntoView {
    use leptos::either::EitherOf3;
    match (on_here, push_key) {
        (true, _) => EitherOf3::A(view! {
            <p>"Notifications are on for this phone."</p>
            <form method="post" action="/account/notifications/off">
                <button class="button secondary" type="submit">"Turn off on this phone"</button>
            </form>
        }),
        (false, Some(key)) => EitherOf3::B(view! {
            <p>"Notifications are off for this phone."</p>
            <div data-push-key=key>
                <Slot name=TURN_ON_NOTIFICATIONS/>
            </div>
        }),
        (false, None) => EitherOf3::C(view! {
            <p>"Notifications are not set up yet. Please ask your care team."</p>
        }),
    }
}

#[component]
fn ChoicesForm(is_client: bool, settings: NotificationSettings) -> impl IntoView {
    let time = |at: Option<chrono::NaiveTime>| at.map(clock_time_text).unwrap_or_default();
    let evening = crate::domain::time_label(EVENING_REMINDER_AT);
    view! {
        <section aria-labelledby="choices-heading">
            <h2 id="choices-heading">"Your choices"</h2>
            <p>"These are for all your devices."</p>
            <form class="form" method="post" action="/account/notifications">
                {is_client.then(|| view! {
                    <fieldset class="field">
                        <legend>"Remind me of appointments"</legend>
                        <label class="check" for="evening_reminder">
                            <input type="checkbox" id="evening_reminder" name="evening_reminder" value="on"
                                checked=settings.evening_reminder.is_on()/>
                            {format!("The evening before, at {evening}")}
                        </label>
                        <label class="check" for="soon_reminder">
                            <input type="checkbox" id="soon_reminder" name="soon_reminder" value="on"
                                checked=settings.soon_reminder.is_on()/>
                            "Two hours before"
                        </label>
                    </fieldset>
                    <div class="field">
                        <label for="daily_reminder_at">"Remind me every day at"</label>
                        <p class="hint" id="daily-hint">"For example, for a pick-up. Leave it empty for no daily reminder."</p>
                        <input type="time" id="daily_reminder_at" name="daily_reminder_at"
                            value=time(settings.daily_reminder_at) aria-describedby="daily-hint"/>
                    </div>
                })}
                <fieldset class="field">
                    <legend>"Quiet hours"</legend>
                    <p class="hint">"Nothing shows between these times. It waits until they end. Leave both empty for none."</p>
                    <label for="quiet_from">"From"</label>
                    <input type="time" id="quiet_from" name="quiet_from"
                        value=time(settings.quiet.map(|quiet| quiet.from))/>
                    <label for="quiet_until">"Until"</label>
                    <input type="time" id="quiet_until" name="quiet_until"
                        value=time(settings.quiet.map(|quiet| quiet.until))/>
                </fieldset>
                <fieldset class="field">
                    <legend>"What your lock screen and calendar say"</legend>
                    {Detail::ALL.iter().map(|&detail| {
                        let id = format!("detail_{}", detail.code());
                        view! {
                            <label class="check" for=id.clone()>
                                <input type="radio" id=id.clone() name="detail" value=detail.code()
                                    checked=settings.detail == detail/>
                                {detail.label()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button class="button" type="submit">"Save my choices"</button>
            </form>
        </section>
    }
}

/// The button in its slot, and where its outcome is said.
#[component]
pub fn TurnOnButton() -> impl IntoView {
    view! {
        <button class="button" type="button" data-device-action=TURN_ON_NOTIFICATIONS>
            "Turn on notifications"
        </button>
        <p role="status"></p>
    }
}

#[cfg(feature = "client")]
pub mod browser {
    use super::*;
    use leptos::server_fn::ServerFn;
    use wasm_bindgen::prelude::*;

    // The browser asks the person, then subscribes with the server's key. A subscription
    // this browser already had (someone else's, on a shared phone) is ended first, so the
    // new one has an address of its own.
    #[wasm_bindgen(inline_js = r#"
        export async function subscribe(key) {
            if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
                return "unsupported";
            }
            if (await Notification.requestPermission() !== "granted") return "denied";
            const registration = await navigator.serviceWorker.ready;
            const old = await registration.pushManager.getSubscription();
            if (old) await old.unsubscribe();
            const base64 = key.replace(/-/g, "+").replace(/_/g, "/");
            const applicationServerKey = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
            return JSON.stringify(subscription.toJSON());
        }
    "#)]
    extern "C" {
        #[wasm_bindgen(catch)]
        async fn subscribe(key: &str) -> Result<JsValue, JsValue>;
    }

    #[derive(Deserialize)]
    struct Subscription {
        endpoint: String,
        keys: Keys,
    }

    #[derive(Deserialize)]
    struct Keys {
        p256dh: String,
        auth: String,
    }

    const DENIED: &str = "This phone did not allow notifications. You can allow them in the browser's settings for this site, then try again.";
    const UNSUPPORTED: &str = "This browser can't show notifications. On an iPhone, add Waypoint to your home screen first.";

    /// Turns notifications on for this phone, then shows the page again; else what to say.
    pub async fn turn_on(button: &web_sys::Element) -> String {
        let key = button
            .closest("[data-push-key]")
            .ok()
            .flatten()
            .and_then(|holder| holder.get_attribute("data-push-key"))
            .unwrap_or_default();
        let answer = subscribe(&key)
            .await
            .ok()
            .and_then(|answer| answer.as_string());
        let subscription = match answer.as_deref() {
            Some("denied") => return DENIED.to_owned(),
            Some("unsupported") | None => return UNSUPPORTED.to_owned(),
            Some(json) => match serde_json::from_str::<Subscription>(json) {
                Ok(subscription) => subscription,
                Err(_) => return UNSUPPORTED.to_owned(),
            },
        };
        let fields = [
            ("endpoint", subscription.endpoint.as_str()),
            ("p256dh", subscription.keys.p256dh.as_str()),
            ("auth", subscription.keys.auth.as_str()),
        ];
        let sent = crate::browser::post(
            TurnOnNotifications::PATH,
            crate::browser::Body::Form(&fields),
        )
        .await;
        match sent {
            Ok((200, text)) if text.trim() == "true" => {
                let _ = web_sys::window().map(|window| window.location().reload());
                "Notifications are on for this phone.".to_owned()
            }
            Ok((200, _)) => crate::notice::Problem::NotificationsUnavailable
                .label()
                .to_owned(),
            Ok(_) => AppError::Unavailable.to_string(),
            Err(_) => AppError::Offline.to_string(),
        }
    }
}
