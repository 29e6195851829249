//! The client's messages as the care team keeps them, in the record's Messages section:
//! the client's own conversation, then each supporter's, oldest first, with who handled each
//! message to the team; an answer (text only) and "handled" without one. A supporter's
//! conversation can be answered only while the client lets them write, and the team is
//! told what that supporter may see. Opening the section marks what was written to the
//! team read, which the writers see.
use crate::domain::{long_date, time_label, Message, SaveAnswer, Sender, Share, MESSAGE_MAX_CHARS};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, SaveMessage};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Answers in one of the client's conversations (`grant_id` empty: the client's own): the
/// writer is notified, and what was written to the team in it so far is handled.
#[server(endpoint = "answer-message")]
pub async fn answer_message(
    client_id: String,
    #[server(default)] grant_id: String,
    text: String,
    key: String,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("message.answer", async move {
        let (state, asking) = crate::request::asking().await?;
        let place = (client_id.as_str(), grant_id.as_str());
        crate::actions::messages::answer(&state.db, &asking, place, &text, &key).await
    })
    .await
}

/// Marks what was written to the team in one conversation so far as handled, without an
/// answer.
#[server(endpoint = "messages-handled")]
pub async fn mark_messages_handled(
    client_id: String,
    #[server(default)] grant_id: String,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("message.handled", async move {
        let (state, asking) = crate::request::asking().await?;
        let place = (client_id.as_str(), grant_id.as_str());
        crate::actions::messages::mark_handled(&state.db, &asking, place).await
    })
    .await
}

/// One conversation of the client's, as the section shows it.
struct Thread {
    /// Empty for the client's own.
    grant_id: String,
    heading: String,
    messages: Vec<Message>,
    /// What the supporter may see, while the team may answer them; `None` when it may not.
    shares: Option<Vec<Share>>,
}

/// The client's own conversation first (even with nothing in it), then each supporter's.
fn threads(messages: Vec<Message>, answerable: &[(String, Vec<Share>)]) -> Vec<Thread> {
    let mut threads = vec![Thread {
        grant_id: String::new(),
        heading: "With the client".to_owned(),
        messages: Vec::new(),
        shares: Some(Vec::new()),
    }];
    for message in messages {
        let grant_id = message.grant_id.clone().unwrap_or_default();
        match threads.iter_mut().find(|t| t.grant_id == grant_id) {
            Some(thread) => thread.messages.push(message),
            None => threads.push(Thread {
                heading: String::new(),
                shares: answerable
                    .iter()
                    .find(|(grant, _)| *grant == grant_id)
                    .map(|(_, shares)| shares.clone()),
                grant_id,
                messages: vec![message],
            }),
        }
    }
    for thread in threads.iter_mut().skip(1) {
        let name = thread
            .messages
            .iter()
            .find(|m| m.sender == Sender::Supporter)
            .and_then(|m| m.author.clone())
            .unwrap_or_else(|| "a supporter".to_owned());
        thread.heading = format!("With {name} (supporter)");
    }
    threads
}

#[component]
pub fn TeamMessages(
    client_id: String,
    messages: Vec<Message>,
    answerable: Vec<(String, Vec<Share>)>,
    form_key: String,
    today: NaiveDate,
) -> impl IntoView {
    let waiting = messages
        .iter()
        .filter(|m| m.is_to_team() && m.handled_by.is_none())
        .count();
    view! {
        <section aria-labelledby="messages-heading">
            <h2 id="messages-heading">{format!("Messages ({waiting} waiting)")}</h2>
            <p class="small">"Part of the record: kept as written. The writer sees your answer with your name, and that their messages were read."</p>
            {threads(messages, &answerable).into_iter().map(|thread| view! {
                <ThreadView client_id=client_id.clone() thread form_key=form_key.clone() today/>
            }).collect_view()}
        </section>
    }
}

#[component]
fn ThreadView(
    client_id: String,
    thread: Thread,
    form_key: String,
    today: NaiveDate,
) -> impl IntoView {
    let Thread {
        grant_id,
        heading,
        messages,
        shares,
    } = thread;
    let waiting = messages
        .iter()
        .any(|m| m.is_to_team() && m.handled_by.is_none());
    let is_supporter = !grant_id.is_empty();
    let may_see = shares.as_ref().filter(|_| is_supporter).map(|shares| {
        let seen: Vec<&str> = shares
            .iter()
            .filter(|s| **s != Share::Messages)
            .map(|s| s.label())
            .collect();
        if seen.is_empty() {
            "The client shares nothing else with them: answer without anything from the record."
                .to_owned()
        } else {
            format!(
                "The client shares with them: {}. Answer only about that.",
                seen.join(", ")
            )
        }
    });
    let heading_id = format!(
        "thread-{}",
        if is_supporter {
            grant_id.as_str()
        } else {
            "client"
        }
    );
    view! {
        <section class="thread" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone()>{heading}</h3>
            {may_see.map(|line| view! { <p class="small">{line}</p> })}
            {if messages.is_empty() {
                view! { <p>"No messages yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="plain-list messages">
                        {messages.into_iter().map(|message| view! {
                            <li><TeamMessageCard message today/></li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {match shares {
                Some(_) => view! { <AnswerForm client_id=client_id.clone() grant_id=grant_id.clone() form_key/> }.into_any(),
                None => view! { <p class="small">"The client no longer lets them write to the team: this conversation can't be answered."</p> }.into_any(),
            }}
            {waiting.then(|| view! { <HandledButton client_id grant_id/> })}
        </section>
    }
}

#[component]
fn TeamMessageCard(message: Message, today: NaiveDate) -> impl IntoView {
    let from = match (&message.sender, &message.author) {
        (Sender::Client, _) => "Client".to_owned(),
        (_, Some(author)) => author.clone(),
        (sender, None) => sender.staff_label().to_owned(),
    };
    let when = format!(
        "{} at {}",
        long_date(message.sent_at.date(), today),
        time_label(message.sent_at.time())
    );
    let state = if message.is_to_team() {
        match &message.handled_by {
            Some(by) => format!("Handled by {by}"),
            None => "Waiting for the team".to_owned(),
        }
    } else if message.read_at.is_some() {
        "Read".to_owned()
    } else {
        "Not read yet".to_owned()
    };
    let class = if message.is_to_team() {
        "card message from-client"
    } else {
        "card message from-team"
    };
    view! {
        <article class=class>
            <p><strong>{from}</strong>" · "{when}</p>
            <p class="note-text">{message.text}</p>
            <p class="small">{state}</p>
        </article>
    }
}

#[component]
fn AnswerForm(client_id: String, grant_id: String, form_key: String) -> impl IntoView {
    let send = ServerAction::<AnswerMessage>::new();
    reload_after(send);
    let answer = Signal::derive(move || send.value().get());
    let version = RwSignal::new(0);
    let field = format!(
        "answer-{}",
        if grant_id.is_empty() {
            "client"
        } else {
            grant_id.as_str()
        }
    );
    let problem = format!("{field}-problem");
    let label = if grant_id.is_empty() {
        "Your answer to the client"
    } else {
        "Your answer to the supporter"
    };
    view! {
        <ActionForm action=send attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <input type="hidden" name="grant_id" value=grant_id/>
            <input type="hidden" name="key" value=form_key/>
            <div class="field">
                <label for=field.clone()>{label}</label>
                <textarea id=field name="text" rows="4" required=true maxlength=MESSAGE_MAX_CHARS
                    aria-invalid=move || problem_at(answer, "text")().is_some().to_string()
                    aria-describedby=problem.clone()></textarea>
                <p id=problem class="field-problem">{problem_at(answer, "text")}</p>
            </div>
            <button class="button" type="submit">"Send the answer"</button>
        </ActionForm>
    }
}

#[component]
fn HandledButton(client_id: String, grant_id: String) -> impl IntoView {
    let handled = ServerAction::<MarkMessagesHandled>::new();
    reload_after(handled);
    view! {
        <ActionForm action=handled attr:class="form">
            <input type="hidden" name="client_id" value=client_id/>
            <input type="hidden" name="grant_id" value=grant_id/>
            <button class="button secondary" type="submit">"Mark as handled, no answer needed"</button>
        </ActionForm>
    }
}
