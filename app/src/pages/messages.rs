//! The client's messages with their care team: when the team reads them, that they are not
//! for emergencies and the crisis line, first; then a plain form (offline, the phone keeps
//! the message and sends it once it is back) and the conversation, newest first, with
//! whether the team has read each message.
use crate::components::{served, FormMessage};
use crate::domain::{
    long_date, team_hours_line, tel_href, time_label, Message, Resource, Sender, MESSAGE_MAX_CHARS,
    NOT_FOR_EMERGENCIES,
};
use crate::error::AppError;
use crate::pages::today::HelpNow;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageList {
    pub today: NaiveDate,
    /// Newest first.
    pub messages: Vec<Message>,
    /// Written on this phone and not sent yet, newest first (offline only).
    pub waiting: Vec<String>,
    pub office_hours: Option<String>,
    pub office_phone: Option<String>,
    pub crisis_line: Option<Resource>,
    /// Sent with the form, so that a message sent twice counts once.
    pub form_key: String,
}

impl MessageList {
    /// The conversation from the phone's copy. Its form carries no key: offline, the phone
    /// keeps the message under a key of its own (`device`).
    pub fn from_copy(copy: &crate::domain::DeviceCopy, now: chrono::NaiveDateTime) -> Option<Self> {
        use crate::domain::ResourceKind;
        let profile = copy.profile()?;
        let (messages, waiting) = copy.messages();
        Some(MessageList {
            today: now.date(),
            messages,
            waiting,
            office_hours: profile.care_team.office_hours.clone(),
            office_phone: profile.care_team.office_phone.clone(),
            crisis_line: copy
                .resources()
                .into_iter()
                .find(|r| r.kind == ResourceKind::CrisisLine),
            form_key: String::new(),
        })
    }
}

#[server(endpoint = "messages")]
pub async fn get_messages() -> Result<MessageList, AppError> {
    use crate::{clock, db, request};
    request::answer("read.messages", async move {
        let (state, asking) = request::asking().await?;
        let (home, messages) = crate::actions::messages::open_own(&state.db, &asking).await?;
        let team = db::care_team_card(&state.db, &home.client_id).await?;
        Ok(MessageList {
            today: clock::local_now(&home).date(),
            messages,
            waiting: Vec::new(),
            office_hours: team.office_hours,
            office_phone: team.office_phone,
            crisis_line: db::crisis_line_for_client(&state.db, &home.client_id).await?,
            form_key: crate::secrets::new_form_key()?,
        })
    })
    .await
}

pub const TITLE: &str = "Messages";

#[component]
pub fn MessagesPage() -> impl IntoView {
    view! {
        <Title text=TITLE/>
        {served(get_messages, |list| view! { <MessageListView list/> })}
    }
}

#[component]
pub fn MessageListView(list: MessageList) -> impl IntoView {
    let MessageList {
        today,
        messages,
        waiting,
        office_hours,
        office_phone,
        crisis_line,
        form_key,
    } = list;
    view! {
        <h1>"Messages"</h1>
        <FormMessage/>
        <section class="card" aria-labelledby="before-heading">
            <h2 id="before-heading" class="card-title">"Before you write"</h2>
            <p>{team_hours_line(office_hours.as_deref())}</p>
            <p><strong>{NOT_FOR_EMERGENCIES}</strong></p>
            {office_phone.map(|phone| view! {
                <p>"To talk to someone in the office, call "<a class="link" href=tel_href(&phone)>{phone.clone()}</a>"."</p>
            })}
        </section>
        {crisis_line.map(|line| view! { <HelpNow line/> })}
        <form class="form" method="post" action="/messages">
            <input type="hidden" name="key" value=form_key/>
            <div class="field">
                <label for="message-text">"Write to your care team"</label>
                <textarea id="message-text" name="text" rows="4" required=true maxlength=MESSAGE_MAX_CHARS></textarea>
            </div>
            <button class="button" type="submit">"Send"</button>
        </form>
        <section aria-labelledby="conversation-heading">
            <h2 id="conversation-heading">"Your messages"</h2>
            <Conversation messages waiting today mine="Read by your care team"/>
        </section>
    }
}

/// A conversation with the care team as the client or a supporter sees it, newest first:
/// what waits on the phone, then each message, with `mine` on each of the reader's own that
/// the team has read.
#[component]
pub fn Conversation(
    messages: Vec<Message>,
    waiting: Vec<String>,
    today: NaiveDate,
    mine: &'static str,
) -> impl IntoView {
    view! {
        {(messages.is_empty() && waiting.is_empty()).then(|| view! {
            <p>"No messages yet. The care team's answers will show here."</p>
        })}
        <ol class="plain-list messages">
            {waiting.into_iter().map(|text| view! {
                <li class="card message from-client">
                    <p class="note-text">{text}</p>
                    <p class="small">"Waiting to send. It goes when this phone is back online."</p>
                </li>
            }).collect_view()}
            {messages.into_iter().map(|message| view! {
                <li><MessageCard message today mine/></li>
            }).collect_view()}
        </ol>
    }
}

#[component]
fn MessageCard(message: Message, today: NaiveDate, mine: &'static str) -> impl IntoView {
    let from = match (message.sender, &message.author) {
        (Sender::Team, Some(author)) => author.clone(),
        (sender, _) => sender.label().to_owned(),
    };
    let when = format!(
        "{} at {}",
        long_date(message.sent_at.date(), today),
        time_label(message.sent_at.time())
    );
    let (class, state) = if message.sender == Sender::Team {
        ("card message from-team", None)
    } else if message.read_at.is_some() {
        ("card message from-client", Some(mine))
    } else {
        ("card message from-client", Some("Sent"))
    };
    view! {
        <article class=class>
            <p><strong>{from}</strong>" · "{when}</p>
            <p class="note-text">{message.text}</p>
            {state.map(|s| view! { <p class="small">{s}</p> })}
        </article>
    }
}
