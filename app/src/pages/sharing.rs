//! Sharing with supporters: the client's list of who sees what (with invites and one-tap
//! revoking), the supporter's view of what was shared, and the education library that is
//! open to everyone.
use crate::components::FormMessage;
use crate::components::{served, ResourceCard, SharedAppointmentCard};
use crate::domain::{
    library_href, Language, LibraryLinks, Message, Resource, SafetyPlanParts, Share,
    SharedAppointment, SharedCopy, SharedGoal, Stage, LIBRARY_WORDS, MESSAGE_MAX_CHARS,
    NOT_FOR_EMERGENCIES,
};
use crate::error::AppError;
use crate::pages::messages::Conversation;
use crate::pages::safety::{Overdose, SafetyParts};
use chrono::NaiveDate;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantState {
    /// The invite has not been accepted yet.
    Waiting,
    Active,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupporterListing {
    pub grant_id: String,
    pub label: String,
    pub supporter_name: Option<String>,
    pub shares: Vec<Share>,
    pub ends_on: NaiveDate,
    pub state: GrantState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supporters {
    pub today: NaiveDate,
    pub supporters: Vec<SupporterListing>,
    /// An invite code just made, shown once, and the link that carries it.
    pub new_code: Option<String>,
    pub new_link: Option<String>,
}

#[server(endpoint = "supporters")]
pub async fn get_supporters() -> Result<Supporters, AppError> {
    use crate::{clock, db, request};
    request::answer("read.supporters", async move {
        let (state, home) = request::signed_in_client().await?;
        let today = clock::local_now(&home).date();
        let names = db::supporter_names(&state.db, &home.client_id).await?;
        let supporters = db::grants_of_client(&state.db, &home.client_id)
            .await?
            .into_iter()
            .map(|grant| SupporterListing {
                state: if !grant.is_active(today) {
                    GrantState::Ended
                } else if grant.supporter_id.is_none() {
                    GrantState::Waiting
                } else {
                    GrantState::Active
                },
                supporter_name: names
                    .iter()
                    .find(|(id, _)| *id == grant.grant_id)
                    .map(|(_, name)| name.clone()),
                grant_id: grant.grant_id,
                label: grant.label,
                shares: grant.shares,
                ends_on: grant.ends_on,
            })
            .collect();
        let new_code = request::take_new_code(&state, &home.client_id);
        Ok(Supporters {
            today,
            supporters,
            new_link: new_code
                .as_deref()
                .map(|code| crate::auth::code_link(&state.public_url, "join", code)),
            new_code,
        })
    })
    .await
}

#[component]
pub fn SupportersPage() -> impl IntoView {
    view! {
        <Title text="People I share with"/>
        {served(get_supporters, |s| view! { <SupportersView supporters=s/> })}
    }
}

#[component]
fn SupportersView(supporters: Supporters) -> impl IntoView {
    let today = supporters.today;
    view! {
        <h1>"People I share with"</h1>
        <FormMessage/>
        {supporters.new_code.map(|code| view! {
            <section class="card highlight" aria-labelledby="code-heading">
                <h2 id="code-heading">"Invite code"</h2>
                <p class="code">{code}</p>
                <p>"Give this code to the person you invited. They go to the sign-in page and choose \"I was invited as a supporter\". It works once, for 3 days. You won't see it again."</p>
                {supporters.new_link.map(|link| view! {
                    <p>"Or send them this link:"</p>
                    <p class="link-text">{link}</p>
                })}
            </section>
        })}
        <p>"Family and friends only see what you choose, until the date you choose. Education pages are open to them always."</p>
        {if supporters.supporters.is_empty() {
            view! { <p>"You are not sharing with anyone."</p> }.into_any()
        } else {
            view! {
                <ul class="plain-list">
                    {supporters.supporters.into_iter().map(|listing| view! { <li><SupporterCard listing/></li> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <InviteForm today/>
    }
}

fn shares_label(shares: &[Share]) -> String {
    if shares.is_empty() {
        "Education pages only".to_owned()
    } else {
        shares
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[component]
fn SupporterCard(listing: SupporterListing) -> impl IntoView {
    let who = match &listing.supporter_name {
        Some(name) => format!("{} ({name})", listing.label),
        None => listing.label.clone(),
    };
    let state = match listing.state {
        GrantState::Waiting => "Invite not used yet",
        GrantState::Active => "Can see this now",
        GrantState::Ended => "Ended: sees nothing",
    };
    let ended = listing.state == GrantState::Ended;
    view! {
        <article class="card" class:muted=ended>
            <h2 class="card-title">{who}</h2>
            <p>{format!("Sees: {}", shares_label(&listing.shares))}</p>
            <p>{format!("Until {}", listing.ends_on.format("%B %-d, %Y"))}</p>
            <p class="status">{state}</p>
            {(!ended).then(|| view! {
                <form method="post" action="/supporters/revoke">
                    <input type="hidden" name="grant_id" value=listing.grant_id.clone()/>
                    <button class="button danger" type="submit">"Stop sharing"</button>
                </form>
            })}
        </article>
    }
}

#[component]
fn InviteForm(today: NaiveDate) -> impl IntoView {
    let min = (today + chrono::Duration::days(1)).to_string();
    let max = (today + chrono::Duration::days(crate::domain::GRANT_MAX_DAYS)).to_string();
    let suggested = (today + chrono::Duration::days(90)).to_string();
    view! {
        <section aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <form class="form" method="post" action="/supporters/invite">
                <div class="field">
                    <label for="label">"Who is it?"</label>
                    <p class="hint" id="label-hint">"Only you see this, for example \"Mum\"."</p>
                    <input id="label" name="label" type="text" maxlength="40" required=true aria-describedby="label-hint"/>
                </div>
                <fieldset class="field">
                    <legend>"What can they see or do?"</legend>
                    {Share::ALL.iter().map(|share| {
                        let id = format!("share_{}", share.code());
                        view! {
                            <label class="check" for=id.clone()>
                                <input type="checkbox" id=id.clone() name=id.clone()/>
                                {share.label()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="ends_on">"Until"</label>
                    <input id="ends_on" name="ends_on" type="date" min=min max=max value=suggested required=true/>
                </div>
                <button class="button" type="submit">"Make an invite code"</button>
            </form>
        </section>
    }
}

/// A client who shares with the signed-in supporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharingClient {
    pub grant_id: String,
    pub preferred_name: String,
    /// Their case was closed, which ended what they shared (said, with no link).
    #[serde(default)]
    pub closed: bool,
}

/// The supporter's list: who shares with them, and where their own program's library
/// suggests they start reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supporting {
    pub clients: Vec<SharingClient>,
    /// The "Start here" articles of the supporter's own program's library.
    #[serde(default)]
    pub start_here: LibraryLinks,
}

/// The page titles of a supporter's pages.
pub const SHARED_TITLE: &str = "Shared with you";

/// The list from the phone's copy: the clients whose shares it holds that have not ended
/// (a case closed since the last sync is not known here), and the "Start here" every shared
/// item carries. None for a client's copy.
pub fn supporting_from_copy(
    copy: &crate::domain::DeviceCopy,
    now: chrono::NaiveDateTime,
) -> Option<Supporting> {
    if copy.profile().is_some() {
        return None;
    }
    let shared = copy.shared();
    let start_here = shared
        .first()
        .map(|item| item.start_here.clone())
        .unwrap_or_default();
    let clients = shared
        .into_iter()
        .filter(|item| now.date() <= item.ends_on)
        .map(|item| SharingClient {
            grant_id: item.grant_id,
            preferred_name: item.preferred_name,
            closed: false,
        })
        .collect();
    Some(Supporting {
        clients,
        start_here,
    })
}

#[server(endpoint = "supporting")]
pub async fn get_supporting() -> Result<Supporting, AppError> {
    use crate::{clock, db, domain::Role, request};
    request::answer("read.supporting", async move {
        let (state, asking) = request::asking().await?;
        let person = asking.as_role(Role::Supporter)?;
        let mut sharing = Vec::new();
        let mut clients = Vec::new();
        for grant in db::grants_of_supporter(&state.db, &person.person_id).await? {
            let Some(home) = db::client_home(&state.db, &grant.client_id).await? else {
                continue;
            };
            if grant.is_active(clock::local_now(&home).date()) {
                clients.push(home.client_id);
                sharing.push(SharingClient {
                    grant_id: grant.grant_id,
                    preferred_name: home.preferred_name,
                    closed: false,
                });
            }
        }
        let since =
            chrono::Utc::now() - chrono::Duration::days(crate::domain::SIGN_IN_AFTER_CLOSING_DAYS);
        for (grant_id, preferred_name) in
            db::ended_by_closing(&state.db, &person.person_id, since).await?
        {
            sharing.push(SharingClient {
                grant_id,
                preferred_name,
                closed: true,
            });
        }
        let start_here = db::start_here_of_organisation(&state.db, &person.organisation_id).await?;
        let clients: Vec<&str> = clients.iter().map(String::as_str).collect();
        crate::audit::record_read(&state.db, &asking, "read.supporting", &clients).await?;
        Ok(Supporting {
            clients: sharing,
            start_here,
        })
    })
    .await
}

#[component]
pub fn SupportingPage() -> impl IntoView {
    view! {
        <Title text=SHARED_TITLE/>
        {served(get_supporting, |supporting| view! { <SupportingView supporting/> })}
    }
}

/// The supporter's list, from the server or the phone's copy (no `into_any`: the client
/// bundle renders it with `to_html`).
#[component]
pub fn SupportingView(supporting: Supporting) -> impl IntoView {
    let Supporting {
        clients,
        start_here,
    } = supporting;
    let start_here = (!start_here.articles.is_empty()).then(|| {
        view! {
            <section aria-labelledby="start-heading">
                <h2 id="start-heading">"Start here"</h2>
                <p>"A few short pages for family and friends, to begin with."</p>
                <ArticleLinks links=start_here/>
            </section>
        }
    });
    let sharing = if clients.is_empty() {
        Either::Left(view! { <p>"No one is sharing anything with you right now."</p> })
    } else {
        Either::Right(view! {
            <section aria-labelledby="sharing-heading">
                <h2 id="sharing-heading">"People who share with you"</h2>
                <PassOnNotice/>
                <ul class="plain-list">
                    {clients.into_iter().map(|client| view! { <li><SharingClientCard client/></li> }).collect_view()}
                </ul>
            </section>
        })
    };
    view! {
        <h1>"Shared with you"</h1>
        {start_here}
        {sharing}
        <a class="link" href="/learn">"Read about supporting someone"</a>
    }
}

/// One client on the supporter's list: a link to what they share, or, once their case has
/// closed, a line saying that it ended.
#[component]
fn SharingClientCard(client: SharingClient) -> impl IntoView {
    if client.closed {
        Either::Left(view! {
            <p class="card">{format!(
                "{}'s time with the program has ended, so what they shared with you has ended too.",
                client.preferred_name
            )}</p>
        })
    } else {
        Either::Right(view! {
            <a class="card" href=format!("/supporting/{}", client.grant_id)>
                <span class="card-title">{client.preferred_name}</span>
            </a>
        })
    }
}

/// Articles of a program's library (in English) as links, each with its reading time.
#[component]
fn ArticleLinks(links: LibraryLinks) -> impl IntoView {
    let LibraryLinks { code, articles } = links;
    let words = LIBRARY_WORDS.of(Language::English);
    view! {
        <ul class="plain-list article-list">
            {articles.into_iter().map(|article| {
                let href = library_href(&code, Language::English, &format!("a/{}", article.number));
                let minutes = format!("{} {}", article.minutes, words.minutes_read);
                view! {
                    <li class="card article-card">
                        <a class="article-link" href=href>{article.title}</a>
                        <p class="meta">{minutes}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// What one client shares with the signed-in supporter, and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedRecord {
    pub grant_id: String,
    pub preferred_name: String,
    pub today: NaiveDate,
    pub ends_on: NaiveDate,
    pub appointments: Option<Vec<SharedAppointment>>,
    pub goals: Option<Vec<SharedGoal>>,
    pub stages: Option<Vec<Stage>>,
    pub safety_plan: Option<SafetyPlanParts>,
    /// With the stage share: the library's articles about the client's stage.
    #[serde(default)]
    pub stage_articles: Option<LibraryLinks>,
    /// With the messages share: the supporter's conversation with the client's care team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<crate::domain::Message>>,
    /// What the supporter wrote to the team on this phone offline, not sent yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting: Vec<String>,
    /// Sent with the message form, so that a message sent twice counts once (none from the
    /// phone's copy: offline, the phone keeps the message under a key of its own).
    #[serde(default)]
    pub form_key: String,
}

impl SharedRecord {
    /// The page of one share on `today` (the client's date on the server, the phone's
    /// offline): the same for the server's answer and the phone's copy.
    pub fn of_shared(shared: SharedCopy, today: NaiveDate) -> SharedRecord {
        SharedRecord {
            grant_id: shared.grant_id,
            preferred_name: shared.preferred_name,
            today,
            ends_on: shared.ends_on,
            appointments: shared.appointments,
            goals: shared.goals,
            stages: shared.stages,
            safety_plan: shared.safety_plan,
            stage_articles: shared.stage_articles,
            messages: shared.messages,
            waiting: Vec::new(),
            form_key: String::new(),
        }
    }
}

/// One client's share from the phone's copy, while it has not ended; appointments that
/// have begun since the copy was synced are left out.
pub fn shared_record_from_copy(
    copy: &crate::domain::DeviceCopy,
    now: chrono::NaiveDateTime,
    grant_id: &str,
) -> Option<SharedRecord> {
    let mut shared = copy
        .shared()
        .into_iter()
        .find(|item| item.grant_id == grant_id)?;
    if now.date() > shared.ends_on {
        return None;
    }
    if let Some(appointments) = &mut shared.appointments {
        appointments.retain(|appointment| appointment.starts_at >= now);
    }
    let mut record = SharedRecord::of_shared(shared, now.date());
    record.waiting = copy.waiting_messages_of_grant(grant_id);
    Some(record)
}

#[server(endpoint = "shared_record")]
pub async fn get_shared_record(grant_id: String) -> Result<SharedRecord, AppError> {
    use crate::{audit, clock, db, domain::Role, request};
    request::answer("read.shared_record", async move {
        let (state, asking) = request::asking().await?;
        let person = asking.as_role(Role::Supporter)?;
        let grant = db::grant_of_supporter(&state.db, &person.person_id, &grant_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let home = db::client_home(&state.db, &grant.client_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = clock::local_now(&home);
        if !grant.is_active(now.date()) {
            // Revoked or expired: refused at once, and the refusal is on the client's record.
            let client = Some(grant.client_id.as_str());
            audit::record_refusal(&state.db, &asking, "read.shared_record", client).await;
            return Err(AppError::NotFound);
        }
        crate::actions::messages::open_as_supporter(&state.db, &asking, &grant).await?;
        let shared = db::shared_with_supporter(&state.db, &grant, &home, now).await?;
        audit::record_read(&state.db, &asking, "read.shared_record", &[&home.client_id]).await?;
        let mut record = SharedRecord::of_shared(shared, now.date());
        if record.messages.is_some() {
            record.form_key = crate::secrets::new_form_key()?;
        }
        Ok(record)
    })
    .await
}

#[component]
pub fn SharedRecordPage() -> impl IntoView {
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    view! {
        <Title text=SHARED_TITLE/>
        {served(move || get_shared_record(id), |record| view! { <SharedRecordView record/> })}
    }
}

/// On every page that shows a supporter anything about a client.
#[component]
fn PassOnNotice() -> impl IntoView {
    view! {
        <p class="message notice" role="note">
            "This was shared with you in trust. Please keep it to yourself: don't pass it on, copy it or show it to others."
        </p>
    }
}

/// One client's share, from the server or the phone's copy (no `into_any`: the client
/// bundle renders it with `to_html`).
#[component]
pub fn SharedRecordView(record: SharedRecord) -> impl IntoView {
    let today = record.today;
    let stage_articles = record
        .stage_articles
        .filter(|links| !links.articles.is_empty());
    view! {
        <h1>{format!("What {} shares with you", record.preferred_name)}</h1>
        <FormMessage/>
        <PassOnNotice/>
        <p>{format!("Shared until {}.", record.ends_on.format("%B %-d, %Y"))}</p>
        {record.stages.map(|stages| view! {
            <section aria-labelledby="stage-heading">
                <h2 id="stage-heading">"Stage of care"</h2>
                <p>{stages.iter().map(|s| s.label()).collect::<Vec<_>>().join(" and ")}</p>
                {stage_articles.map(|links| view! {
                    <h3>"Read about this stage"</h3>
                    <ArticleLinks links/>
                })}
            </section>
        })}
        {record.appointments.map(|appointments| view! {
            <section aria-labelledby="appointments-heading">
                <h2 id="appointments-heading">"Upcoming appointments"</h2>
                {if appointments.is_empty() {
                    Either::Left(view! { <p>"Nothing in the next 30 days."</p> })
                } else {
                    Either::Right(view! {
                        <ul class="plain-list">
                            {appointments.into_iter().map(|appointment| view! { <li><SharedAppointmentCard appointment today/></li> }).collect_view()}
                        </ul>
                    })
                }}
            </section>
        })}
        {record.goals.map(|goals| view! {
            <section aria-labelledby="goals-heading">
                <h2 id="goals-heading">"Goals"</h2>
                <ul class="plain-list">
                    {goals.into_iter().map(|goal| view! {
                        <li class="card">
                            <p class="card-title">{goal.own_words}</p>
                            <p class="status">{goal.status.label()}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {record.safety_plan.map(|parts| view! {
            <h2>{format!("{}'s safety plan", record.preferred_name)}</h2>
            {if parts.is_empty() {
                Either::Left(view! { <p>"Nothing written yet."</p> })
            } else {
                Either::Right(view! { <SafetyParts parts/> })
            }}
            <Overdose/>
        })}
        {record.messages.map(|messages| view! {
            <SupporterMessages grant_id=record.grant_id name=record.preferred_name messages
                waiting=record.waiting form_key=record.form_key today/>
        })}
    }
}

/// A supporter's conversation with the client's care team, when the client lets them write:
/// not for emergencies; a plain form (offline, the phone keeps the message and sends it
/// once it is back); the conversation, newest first.
#[component]
fn SupporterMessages(
    grant_id: String,
    name: String,
    messages: Vec<Message>,
    waiting: Vec<String>,
    form_key: String,
    today: NaiveDate,
) -> impl IntoView {
    view! {
        <section aria-labelledby="messages-heading">
            <h2 id="messages-heading">{format!("Write to {name}'s care team")}</h2>
            <p>"The care team answers during office hours. They can talk with you only about what "{name.clone()}" shares with you."</p>
            <p><strong>{NOT_FOR_EMERGENCIES}</strong></p>
            <form class="form" method="post" action="/supporting/messages">
                <input type="hidden" name="grant_id" value=grant_id/>
                <input type="hidden" name="key" value=form_key/>
                <div class="field">
                    <label for="message-text">"Your message"</label>
                    <textarea id="message-text" name="text" rows="4" required=true maxlength=MESSAGE_MAX_CHARS></textarea>
                </div>
                <button class="button" type="submit">"Send"</button>
            </form>
            <Conversation messages waiting today mine="Read by the care team"/>
        </section>
    }
}

pub const LEARN_TITLE: &str = "Supporting someone";

/// The library from the phone's copy (a client's phone keeps it with their own things).
pub fn library_from_copy(
    copy: &crate::domain::DeviceCopy,
    _now: chrono::NaiveDateTime,
) -> Option<Vec<Resource>> {
    Some(copy.articles()).filter(|articles| !articles.is_empty())
}

#[component]
pub fn LibraryView(library: Vec<Resource>) -> impl IntoView {
    view! {
        <h1>"Supporting someone"</h1>
        <p>"Help and information for family and friends. Open to everyone; no sign-in needed."</p>
        <section aria-labelledby="library-heading">
            <h2 id="library-heading">"Where to find help and information"</h2>
            <ul class="plain-list">
                {library.into_iter().map(|resource| view! { <li><ResourceCard resource/></li> }).collect_view()}
            </ul>
        </section>
    }
}
