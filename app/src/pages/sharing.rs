//! Sharing with supporters: the client's list of who sees what (with invites and one-tap
//! revoking), the supporter's view of what was shared, and the education library that is
//! open to everyone.
use crate::components::FormMessage;
use crate::components::{served, ResourceCard, SharedAppointmentCard};
use crate::domain::{Resource, SafetyPlanParts, Share, SharedAppointment, SharedGoal, Stage};
use crate::error::AppError;
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
                    <legend>"What can they see?"</legend>
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

#[server(endpoint = "supporting")]
pub async fn get_supporting() -> Result<Vec<SharingClient>, AppError> {
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
        let clients: Vec<&str> = clients.iter().map(String::as_str).collect();
        crate::audit::record_read(&state.db, &asking, "read.supporting", &clients).await?;
        Ok(sharing)
    })
    .await
}

#[component]
pub fn SupportingPage() -> impl IntoView {
    view! {
        <Title text="Shared with you"/>
        {served(get_supporting, |sharing| {
            if sharing.is_empty() {
                view! {
                    <h1>"Shared with you"</h1>
                    <p>"No one is sharing anything with you right now."</p>
                    <a class="link" href="/learn">"Read about supporting someone"</a>
                }.into_any()
            } else {
                view! {
                    <h1>"Shared with you"</h1>
                    <PassOnNotice/>
                    <ul class="plain-list">
                        {sharing.into_iter().map(|c| if c.closed {
                            view! {
                                <li><p class="card">{format!(
                                    "{}'s time with the program has ended, so what they shared with you has ended too.",
                                    c.preferred_name
                                )}</p></li>
                            }.into_any()
                        } else {
                            view! {
                                <li><a class="card" href=format!("/supporting/{}", c.grant_id)>
                                    <span class="card-title">{c.preferred_name}</span>
                                </a></li>
                            }.into_any()
                        }).collect_view()}
                    </ul>
                    <a class="link" href="/learn">"Read about supporting someone"</a>
                }.into_any()
            }
        })}
    }
}

/// What one client shares with the signed-in supporter, and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedRecord {
    pub preferred_name: String,
    pub today: NaiveDate,
    pub ends_on: NaiveDate,
    pub appointments: Option<Vec<SharedAppointment>>,
    pub goals: Option<Vec<SharedGoal>>,
    pub stages: Option<Vec<Stage>>,
    pub safety_plan: Option<SafetyPlanParts>,
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
        let shared = db::shared_with_supporter(&state.db, &grant, &home, now).await?;
        audit::record_read(&state.db, &asking, "read.shared_record", &[&home.client_id]).await?;
        Ok(SharedRecord {
            preferred_name: shared.preferred_name,
            today: now.date(),
            ends_on: shared.ends_on,
            appointments: shared.appointments,
            goals: shared.goals,
            stages: shared.stages,
            safety_plan: shared.safety_plan,
        })
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
        <Title text="Shared with you"/>
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

#[component]
fn SharedRecordView(record: SharedRecord) -> impl IntoView {
    let today = record.today;
    view! {
        <h1>{format!("What {} shares with you", record.preferred_name)}</h1>
        <PassOnNotice/>
        <p>{format!("Shared until {}.", record.ends_on.format("%B %-d, %Y"))}</p>
        {record.stages.map(|stages| view! {
            <section aria-labelledby="stage-heading">
                <h2 id="stage-heading">"Stage of care"</h2>
                <p>{stages.iter().map(|s| s.label()).collect::<Vec<_>>().join(" and ")}</p>
            </section>
        })}
        {record.appointments.map(|appointments| view! {
            <section aria-labelledby="appointments-heading">
                <h2 id="appointments-heading">"Upcoming appointments"</h2>
                {if appointments.is_empty() {
                    view! { <p>"Nothing in the next 30 days."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {appointments.into_iter().map(|appointment| view! { <li><SharedAppointmentCard appointment today/></li> }).collect_view()}
                        </ul>
                    }.into_any()
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
