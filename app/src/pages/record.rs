//! A client's record as their case manager keeps it, in sections with their own addresses:
//! the overview (what needs attention, who they are, what is next), the plan, appointments,
//! referrals and resources, and the history. Each section loads only its own part, and each
//! read is audited under the section's name.
//!
//! The forms here are Leptos action forms: the workspace is for staff computers and needs
//! the wasm, so that a refused save keeps what was typed on the page.
use crate::components::page_or_error;
use crate::components::Loading;
use crate::domain::{
    long_date, time_label, Appointment, Assessment, Attention, CaseNote, CheckIn, Episode,
    Handover, LeaveMessages, Message, ReferralRecord, Resource as DirectoryResource,
    SafetyPlanVersion, SaveAnswer, ServiceChoice, Share, StageStep,
};
use crate::error::AppError;
use crate::pages::assessing::AssessmentSection;
use crate::pages::case_notes::CaseNotes;
use crate::pages::chosen_resources::ChosenResources;
use crate::pages::closing::{CaseState, Episodes};
use crate::pages::editing::{reload_after, Saves};
use crate::pages::handover::{HandOverCard, Handovers};
use crate::pages::planning::{PlanSection, PlanWork};
use crate::pages::referring::Referrals;
use crate::pages::safety_planning::SafetyPlanSection;
use crate::pages::schedule::Schedule;
use crate::pages::staff::{NewCode, NewCodeCard};
use crate::pages::stages::{StageNow, StageTimeline};
use crate::pages::team_messages::TeamMessages;
use chrono::{NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// How many check-ins the history lists, and the overview.
#[cfg(feature = "ssr")]
const CHECK_INS_SHOWN: i64 = 50;
#[cfg(feature = "ssr")]
const LATEST_CHECK_INS: i64 = 5;
/// How many assessments the section lists (the latest two are shown whole).
#[cfg(feature = "ssr")]
const ASSESSMENTS_SHOWN: i64 = 12;
/// How many of the next appointments the overview shows.
#[cfg(feature = "ssr")]
const NEXT_APPOINTMENTS: usize = 3;

/// The parts of a record, each at its own address under `/caseload/<client>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordSection {
    #[default]
    Overview,
    Plan,
    Appointments,
    Referrals,
    Assessment,
    SafetyPlan,
    Messages,
    Notes,
    History,
}

impl RecordSection {
    pub const ALL: [RecordSection; 9] = [
        RecordSection::Overview,
        RecordSection::Plan,
        RecordSection::Appointments,
        RecordSection::Referrals,
        RecordSection::Assessment,
        RecordSection::SafetyPlan,
        RecordSection::Messages,
        RecordSection::Notes,
        RecordSection::History,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RecordSection::Overview => "Overview",
            RecordSection::Plan => "Plan",
            RecordSection::Appointments => "Appointments",
            RecordSection::Referrals => "Referrals and resources",
            RecordSection::Assessment => "Assessment",
            RecordSection::SafetyPlan => "Safety plan",
            RecordSection::Messages => "Messages",
            RecordSection::Notes => "Case notes",
            RecordSection::History => "History",
        }
    }

    /// The section's address for one client.
    pub fn href(self, client_id: &str) -> String {
        match self {
            RecordSection::Overview => format!("/caseload/{client_id}"),
            RecordSection::Plan => format!("/caseload/{client_id}/plan"),
            RecordSection::Appointments => format!("/caseload/{client_id}/appointments"),
            RecordSection::Referrals => format!("/caseload/{client_id}/referrals"),
            RecordSection::Assessment => format!("/caseload/{client_id}/assessment"),
            RecordSection::SafetyPlan => format!("/caseload/{client_id}/safety-plan"),
            RecordSection::Messages => format!("/caseload/{client_id}/messages"),
            RecordSection::Notes => format!("/caseload/{client_id}/notes"),
            RecordSection::History => format!("/caseload/{client_id}/history"),
        }
    }

    /// The audit trail's name for a read of this section.
    #[cfg(feature = "ssr")]
    fn read_action(self) -> &'static str {
        match self {
            RecordSection::Overview => "read.client_record",
            RecordSection::Plan => "read.client_plan",
            RecordSection::Appointments => "read.client_appointments",
            RecordSection::Referrals => "read.client_referrals",
            RecordSection::Assessment => "read.client_assessment",
            RecordSection::SafetyPlan => "read.client_safety_plan",
            RecordSection::Messages => "read.client_messages",
            RecordSection::Notes => "read.case_notes",
            RecordSection::History => "read.client_history",
        }
    }

    /// Where a reason for attention is dealt with.
    fn for_attention(attention: Attention) -> RecordSection {
        match attention {
            Attention::NewMessage => RecordSection::Messages,
            Attention::NewCheckIn => RecordSection::History,
            Attention::MissedAppointment => RecordSection::Appointments,
            Attention::OverdueStep
            | Attention::ReviewOverdue
            | Attention::ReviewSoon
            | Attention::NewSuggestion => RecordSection::Plan,
            Attention::ReferralFollowUp => RecordSection::Referrals,
            Attention::AssessmentDue => RecordSection::Assessment,
        }
    }
}

/// One section of a client's record, with what every section shows at its top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    pub client_id: String,
    pub preferred_name: String,
    pub pronouns: Option<String>,
    /// The program's wall clock now.
    pub now: NaiveDateTime,
    pub part: RecordPart,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "section", rename_all = "snake_case")]
pub enum RecordPart {
    Overview(Box<Overview>),
    Plan(PlanWork),
    Appointments {
        /// From three months ago to three months ahead.
        appointments: Vec<Appointment>,
    },
    Referrals {
        referrals: Vec<ReferralRecord>,
        /// The directory's services a new referral can go to.
        services: Vec<ServiceChoice>,
        /// The program's resources, those chosen for the client first.
        resources: Vec<DirectoryResource>,
    },
    Assessment {
        /// Latest first.
        assessments: Vec<Assessment>,
    },
    SafetyPlan {
        /// Every version, latest first.
        versions: Vec<SafetyPlanVersion>,
    },
    Messages {
        /// Every conversation's, oldest first.
        messages: Vec<Message>,
        /// The supporters' conversations the team may answer now (by grant), with what
        /// each is shared.
        answerable: Vec<(String, Vec<Share>)>,
        /// Sent with the answer forms, so that an answer sent twice counts once.
        form_key: String,
    },
    Notes {
        /// Latest contact first.
        notes: Vec<CaseNote>,
    },
    History {
        check_ins: Vec<CheckIn>,
        /// Every stage change, oldest first.
        stages: Vec<StageStep>,
        /// Latest first.
        handovers: Vec<Handover>,
        /// First first.
        episodes: Vec<Episode>,
    },
}

impl RecordPart {
    fn section(&self) -> RecordSection {
        match self {
            RecordPart::Overview(_) => RecordSection::Overview,
            RecordPart::Plan(_) => RecordSection::Plan,
            RecordPart::Appointments { .. } => RecordSection::Appointments,
            RecordPart::Referrals { .. } => RecordSection::Referrals,
            RecordPart::Assessment { .. } => RecordSection::Assessment,
            RecordPart::SafetyPlan { .. } => RecordSection::SafetyPlan,
            RecordPart::Messages { .. } => RecordSection::Messages,
            RecordPart::Notes { .. } => RecordSection::Notes,
            RecordPart::History { .. } => RecordSection::History,
        }
    }
}

/// What needs attention, who the client is and how to reach them, and what is next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub attention: Vec<Attention>,
    /// The last attended appointment, check-in or noted contact.
    pub last_contact: Option<NaiveDate>,
    /// The plan's next review.
    pub next_review: Option<NaiveDate>,
    pub full_name: String,
    pub date_of_birth: Option<String>,
    pub phone: Option<String>,
    /// Whether messages may be left at that phone; none if never asked.
    pub leave_messages: Option<LeaveMessages>,
    pub preferred_language: Option<String>,
    pub program_start_on: String,
    pub pharmacy: Option<String>,
    /// Each case manager's name, and "primary" or "secondary".
    pub care_team: Vec<(String, String)>,
    /// Whether the client has set up their sign-in.
    pub signed_up: bool,
    /// A set-up code for them just made by this case manager, shown once.
    pub new_code: Option<NewCode>,
    /// The stage change in force now.
    pub stage: Option<StageStep>,
    /// The next few appointments, soonest first.
    pub next_appointments: Vec<Appointment>,
    /// The latest check-ins, newest first.
    pub check_ins: Vec<CheckIn>,
    /// The program's other active case managers (id, name), to hand the client over to.
    pub colleagues: Vec<(String, String)>,
    /// The latest handover of the client, if recent.
    pub handover: Option<Handover>,
    /// The latest episode of care: open, or closed with its aftercare plan.
    pub episode: Option<Episode>,
}

/// One section of the record of a client on the asker's care team.
#[server(endpoint = "client-record")]
pub async fn get_client_record(
    client_id: String,
    #[server(default)] section: RecordSection,
) -> Result<ClientRecord, AppError> {
    use crate::{clock, db, request, session};
    request::answer(section.read_action(), async move {
        let (state, asking) = request::asking().await?;
        let (person, home) = session::case_manager_of(&state.db, &asking, &client_id).await?;
        let client_id = home.client_id.clone();
        let db = &state.db;
        let profile = db::client_profile_for_case_manager(db, &person.person_id, &client_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = clock::local_now(&home);
        let today = now.date();
        let part = match section {
            RecordSection::Overview => {
                let entry = db::caseload_entry(db, &person.person_id, &client_id, now).await?;
                let (next, _) = crate::domain::upcoming_and_past(
                    db::appointments_between(db, &client_id, now, now + chrono::Duration::days(90))
                        .await?,
                    now,
                );
                let stages = crate::domain::stage_steps(&db::stage_history(db, &client_id).await?);
                let leave_messages = match profile.leave_messages.as_deref() {
                    Some(code) => Some(LeaveMessages::from_code(code).map_err(db::DbError::from)?),
                    None => None,
                };
                let named = std::iter::once((client_id.as_str(), profile.preferred_name.as_str()));
                RecordPart::Overview(Box::new(Overview {
                    last_contact: entry.as_ref().and_then(|e| e.last_contact),
                    next_review: entry.as_ref().and_then(|e| e.next_review),
                    attention: entry.map(|e| e.attention).unwrap_or_default(),
                    full_name: profile.full_name,
                    date_of_birth: profile.date_of_birth,
                    phone: profile.phone,
                    leave_messages,
                    preferred_language: profile.preferred_language,
                    program_start_on: profile.program_start_on,
                    pharmacy: profile.pharmacy,
                    care_team: db::care_team_of(db, &client_id).await?,
                    signed_up: db::sign_in_name_of(db, &client_id).await?.is_some(),
                    new_code: NewCode::take(&state, &person.person_id, named),
                    stage: stages.last().cloned(),
                    next_appointments: next
                        .into_iter()
                        .filter(Appointment::is_expected)
                        .take(NEXT_APPOINTMENTS)
                        .collect(),
                    check_ins: db::check_ins_for_case_manager(
                        db,
                        &person.person_id,
                        &client_id,
                        today,
                        LATEST_CHECK_INS,
                    )
                    .await?,
                    colleagues: db::staff_of_organisation(db, &home.organisation_id)
                        .await?
                        .into_iter()
                        .filter(|s| {
                            s.role == crate::domain::Role::CaseManager.code()
                                && s.deactivated_at.is_none()
                                && s.person_id != person.person_id
                        })
                        .map(|s| (s.person_id, s.display_name))
                        .collect(),
                    handover: db::handovers_of_client(db, &client_id)
                        .await?
                        .into_iter()
                        .next()
                        .filter(|h| {
                            chrono::Utc::now() - h.at
                                < chrono::Duration::days(crate::domain::HANDOVER_SHOWN_DAYS)
                        }),
                    episode: db::episodes_of_client(db, &client_id).await?.pop(),
                }))
            }
            RecordSection::Plan => RecordPart::Plan(
                crate::pages::planning::load_plan(db, &person.person_id, &client_id).await?,
            ),
            RecordSection::Appointments => RecordPart::Appointments {
                appointments: db::appointments_between(
                    db,
                    &client_id,
                    now - chrono::Duration::days(90),
                    now + chrono::Duration::days(90),
                )
                .await?,
            },
            RecordSection::Referrals => RecordPart::Referrals {
                referrals: db::referral_records(db, &person.person_id, &client_id).await?,
                services: db::open_services(db, &home.organisation_id).await?,
                resources: db::resources_for_client(db, &client_id).await?,
            },
            RecordSection::Assessment => RecordPart::Assessment {
                assessments: db::assessments_of_client(db, &client_id, ASSESSMENTS_SHOWN).await?,
            },
            RecordSection::SafetyPlan => RecordPart::SafetyPlan {
                versions: db::safety_plan_history(db, &person.person_id, &client_id).await?,
            },
            RecordSection::Messages => RecordPart::Messages {
                messages: crate::actions::messages::open_for_team(db, &asking, &client_id).await?,
                answerable: crate::actions::messages::answerable_grants(db, &home).await?,
                form_key: crate::secrets::new_form_key()?,
            },
            RecordSection::Notes => RecordPart::Notes {
                notes: db::case_notes_for_case_manager(db, &person.person_id, &client_id).await?,
            },
            RecordSection::History => RecordPart::History {
                check_ins: db::check_ins_for_case_manager(
                    db,
                    &person.person_id,
                    &client_id,
                    today,
                    CHECK_INS_SHOWN,
                )
                .await?,
                stages: crate::domain::stage_steps(&db::stage_history(db, &client_id).await?),
                handovers: db::handovers_of_client(db, &client_id).await?,
                episodes: db::episodes_of_client(db, &client_id).await?,
            },
        };
        crate::audit::record_read(db, &asking, section.read_action(), &[&client_id]).await?;
        Ok(ClientRecord {
            client_id,
            preferred_name: profile.preferred_name,
            pronouns: profile.pronouns,
            now,
            part,
        })
    })
    .await
}

/// Marks the client's check-ins as read by this case manager.
#[server(endpoint = "check-ins-seen")]
pub async fn mark_check_ins_seen(client_id: String) -> Result<SaveAnswer, AppError> {
    crate::request::answer("check_in.seen", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::check_ins::mark_seen(&state.db, &asking, &client_id).await
    })
    .await
}

/// One section of a client's record; `section` comes from the route.
#[component]
pub fn RecordPage(section: RecordSection) -> impl IntoView {
    let params = use_params_map();
    // Every save bumps this, and the section is loaded again.
    let saved = RwSignal::new(0_u32);
    provide_context(Saves(saved));
    let record = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), saved.get()),
        move |(id, _)| get_client_record(id, section),
    );
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                page_or_error(record.await, |record| view! { <RecordView record/> })
            })}
        </Transition>
    }
}

pub const RECORD_TITLE: &str = "Client record";

#[component]
fn RecordView(record: ClientRecord) -> impl IntoView {
    let ClientRecord {
        client_id,
        preferred_name,
        pronouns,
        now,
        part,
    } = record;
    let today = now.date();
    let current = part.section();
    let id = client_id.clone();
    let body = match part {
        RecordPart::Overview(overview) => {
            view! { <OverviewSection client_id=id overview=*overview now/> }.into_any()
        }
        RecordPart::Plan(plan) => view! { <PlanSection client_id=id plan today/> }.into_any(),
        RecordPart::Appointments { appointments } => {
            view! { <Schedule client_id=id appointments now/> }.into_any()
        }
        RecordPart::Referrals {
            referrals,
            services,
            resources,
        } => view! {
            <Referrals client_id=id.clone() referrals services today/>
            <ChosenResources client_id=id resources/>
        }
        .into_any(),
        RecordPart::Assessment { assessments } => {
            view! { <AssessmentSection client_id=id assessments today/> }.into_any()
        }
        RecordPart::SafetyPlan { versions } => {
            view! { <SafetyPlanSection client_id=id versions today/> }.into_any()
        }
        RecordPart::Messages {
            messages,
            answerable,
            form_key,
        } => view! { <TeamMessages client_id=id messages answerable form_key today/> }.into_any(),
        RecordPart::Notes { notes } => view! { <CaseNotes client_id=id notes today/> }.into_any(),
        RecordPart::History {
            check_ins,
            stages,
            handovers,
            episodes,
        } => view! {
            <Episodes episodes today/>
            <CheckIns client_id=id check_ins today/>
            <StageTimeline steps=stages today/>
            <section aria-labelledby="handovers-heading">
                <h2 id="handovers-heading">"Handovers"</h2>
                {if handovers.is_empty() {
                    view! { <p>"None."</p> }.into_any()
                } else {
                    view! { <Handovers handovers today with_names=false/> }.into_any()
                }}
            </section>
        }
        .into_any(),
    };
    view! {
        // Not the client's name: a title stays in the browser's history.
        <Title text=RECORD_TITLE/>
        <div class="record-page">
            <nav class="crumbs" aria-label="Breadcrumb"><a class="link" href="/caseload">"Caseload"</a></nav>
            <h1>{preferred_name}</h1>
            {pronouns.map(|p| view! { <p class="small">{format!("Pronouns: {p}")}</p> })}
            <SectionLinks client_id current/>
            {body}
        </div>
    }
}

/// The record's sections, the one shown marked as the current page.
#[component]
fn SectionLinks(client_id: String, current: RecordSection) -> impl IntoView {
    view! {
        <nav class="sections" aria-label="Parts of the record">
            <ul>
                {RecordSection::ALL.iter().map(|&section| view! {
                    <li>
                        <a href=section.href(&client_id)
                            aria-current=(section == current).then_some("page")>{section.label()}</a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// What needs attention first, then who the client is, their stage, what is next and what
/// they last said.
#[component]
fn OverviewSection(client_id: String, overview: Overview, now: NaiveDateTime) -> impl IntoView {
    let today = now.date();
    let attention = overview.attention.clone();
    let next = overview.next_appointments.clone();
    let appointments_href = RecordSection::Appointments.href(&client_id);
    let history_href = RecordSection::History.href(&client_id);
    let notes_href = RecordSection::Notes.href(&client_id);
    let plan_href = RecordSection::Plan.href(&client_id);
    view! {
        {overview.new_code.clone().map(|new| view! { <NewCodeCard new/> })}
        <section aria-labelledby="attention-heading">
            <h2 id="attention-heading">"Needs attention"</h2>
            {if attention.is_empty() {
                view! { <p>"Nothing right now."</p> }.into_any()
            } else {
                view! {
                    <ul class="attention-list">
                        {attention.into_iter().map(|a| view! {
                            <li><a class="link" href=RecordSection::for_attention(a).href(&client_id)>{a.label()}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p>
                <strong>"Next review: "</strong>
                {overview.next_review.map_or_else(|| "none yet (no plan sent)".to_owned(), |on| long_date(on, today))}
                " · "<a class="link" href=plan_href>"Plan and reviews"</a>
            </p>
            <p>
                <strong>"Last contact: "</strong>
                {overview.last_contact.map_or_else(|| "none recorded".to_owned(), |on| long_date(on, today))}
                " · "<a class="link" href=notes_href>"Case notes"</a>
            </p>
        </section>
        <CaseState client_id=client_id.clone() episode=overview.episode.clone() today/>
        {overview.handover.clone().map(|h| view! {
            <section class="card highlight" aria-labelledby="handover-heading">
                <h2 id="handover-heading">{format!("Handed over by {}", h.from)}</h2>
                <p class="small">{format!("To {}, {}", h.to, long_date(h.at.date_naive(), today))}</p>
                <p class="note-text">{h.note}</p>
            </section>
        })}
        <Profile client_id=client_id.clone() overview=overview.clone()/>
        <HandOverCard client_id=client_id.clone() colleagues=overview.colleagues.clone()/>
        <StageNow client_id=client_id.clone() latest=overview.stage.clone() today/>
        <section aria-labelledby="next-heading">
            <h2 id="next-heading">"Next appointments"</h2>
            {if next.is_empty() {
                view! { <p>"None booked."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {next.into_iter().map(|a| view! {
                            <li>
                                <strong>{format!("{}, {}", long_date(a.starts_at.date(), today), time_label(a.starts_at.time()))}</strong>
                                {format!(": {} · {} · {}", a.kind.staff_label(), a.place, a.status.staff_label())}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a class="link" href=appointments_href>"All appointments, and booking"</a></p>
        </section>
        <CheckIns client_id=client_id check_ins=overview.check_ins today/>
        <p><a class="link" href=history_href>"All check-ins and the stage history"</a></p>
    }
}

/// Who the client is and how to reach them, as intake recorded it, and their sign-in.
#[component]
fn Profile(client_id: String, overview: Overview) -> impl IntoView {
    let team = overview
        .care_team
        .iter()
        .map(|(name, role)| {
            if role == "primary" {
                format!("{name} (primary)")
            } else {
                name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let messages = overview.leave_messages.map(|m| match m {
        LeaveMessages::Yes => "Messages may be left",
        LeaveMessages::No => "Do not leave messages",
    });
    let sign_in = if overview.signed_up {
        "Set up. A new code replaces it and signs them out everywhere."
    } else {
        "Not set up yet. Make a code when they are with you."
    };
    view! {
        <section aria-labelledby="profile-heading">
            <h2 id="profile-heading">"About them"</h2>
            <dl class="profile">
                <dt>"Full name"</dt><dd>{overview.full_name}</dd>
                {overview.date_of_birth.map(|d| view! { <dt>"Date of birth"</dt><dd>{d}</dd> })}
                {overview.phone.map(|p| view! { <dt>"Phone"</dt><dd><a class="link" href=format!("tel:{p}")>{p.clone()}</a>{messages.map(|m| format!(" · {m}"))}</dd> })}
                {overview.preferred_language.map(|l| view! { <dt>"Preferred language"</dt><dd>{l}</dd> })}
                <dt>"In treatment since"</dt><dd>{overview.program_start_on}</dd>
                {overview.pharmacy.map(|p| view! { <dt>"Pharmacy"</dt><dd>{p}</dd> })}
                <dt>"Care team"</dt><dd>{team}</dd>
                <dt>"Phone sign-in"</dt><dd>{sign_in}</dd>
            </dl>
            <form method="post" action="/caseload/enrollment-code">
                <input type="hidden" name="client_id" value=client_id/>
                <input type="hidden" name="back" value="record"/>
                <button class="button secondary" type="submit">"Make a set-up code"</button>
            </form>
        </section>
    }
}

#[component]
fn CheckIns(client_id: String, check_ins: Vec<CheckIn>, today: NaiveDate) -> impl IntoView {
    let seen = ServerAction::<MarkCheckInsSeen>::new();
    reload_after(seen);
    let any_new = check_ins.iter().any(|c| c.new);
    view! {
        <section aria-labelledby="check-ins-heading">
            <h2 id="check-ins-heading">"Check-ins from the client"</h2>
            {if check_ins.is_empty() {
                view! { <p>"None yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="check-ins">
                        {check_ins.into_iter().map(|c| view! {
                            <li class:new=c.new>
                                {c.new.then(|| view! { <span class="tag new">"New"</span> })}
                                <strong>{c.kind.staff_label()}</strong>
                                {c.about.map(|a| format!(": {a}"))}
                                {c.note.map(|n| view! { <q class="note">{n}</q> })}
                                <span class="small block">{long_date(c.at.date_naive(), today)}" · "{c.at.format("%H:%M UTC").to_string()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {any_new.then(|| view! {
                <ActionForm action=seen>
                    <input type="hidden" name="client_id" value=client_id/>
                    <button class="button secondary" type="submit">"Mark as seen"</button>
                </ActionForm>
            })}
        </section>
    }
}
