use crate::components::{served, AppointmentDetails};
use crate::domain::{
    long_date, tel_href, Aftercare, Appointment, CareTeam, Goal, Resource, StageChange,
};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// Everything the Today page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodayOverview {
    pub preferred_name: String,
    pub today: NaiveDate,
    pub next_appointment: Option<Appointment>,
    pub goals_in_progress: Vec<Goal>,
    pub stage: Option<StageChange>,
    pub crisis_line: Option<Resource>,
    pub care_team: CareTeam,
    /// Once the case is closed: what stays in place, who to call, how to come back.
    #[serde(default)]
    pub aftercare: Option<Aftercare>,
}

impl TodayOverview {
    /// The page at `now`: the next appointment still expected and the goals under way, from
    /// the client's appointments and plan. One rule for the server and the phone's copy.
    fn at(
        now: chrono::NaiveDateTime,
        preferred_name: String,
        appointments: Vec<Appointment>,
        goals: Vec<Goal>,
        stage: Option<StageChange>,
        crisis_line: Option<Resource>,
        (care_team, aftercare): (CareTeam, Option<Aftercare>),
    ) -> Self {
        use crate::domain::GoalStatus;
        TodayOverview {
            preferred_name,
            today: now.date(),
            next_appointment: appointments
                .into_iter()
                .find(|a| a.is_upcoming(now) && a.is_expected()),
            goals_in_progress: goals
                .into_iter()
                .filter(|g| g.status == GoalStatus::InProgress)
                .collect(),
            stage,
            crisis_line,
            care_team,
            aftercare,
        }
    }

    /// The Today page from the phone's copy, at the phone's time `now`.
    pub fn from_copy(copy: &crate::domain::DeviceCopy, now: chrono::NaiveDateTime) -> Option<Self> {
        use crate::domain::ResourceKind;
        let profile = copy.profile()?;
        Some(TodayOverview::at(
            now,
            profile.preferred_name.clone(),
            copy.appointments()
                .into_iter()
                .map(|a| a.appointment)
                .collect(),
            copy.plan(now.date())?.goals,
            copy.stage().cloned(),
            copy.resources()
                .into_iter()
                .find(|r| r.kind == ResourceKind::CrisisLine),
            (profile.care_team.clone(), profile.aftercare.clone()),
        ))
    }
}

#[server(endpoint = "today")]
pub async fn get_today() -> Result<TodayOverview, AppError> {
    use crate::{clock, db, request};
    crate::request::answer("read.today", async move {
        let (state, home) = request::signed_in_client().await?;
        let now = clock::local_now(&home);
        let soon = db::appointments_between(
            &state.db,
            &home.client_id,
            now - chrono::Duration::days(1),
            now + chrono::Duration::days(90),
        )
        .await?;
        let goals = db::sent_goals(&state.db, &home.client_id).await?;
        let stage = db::stage_history(&state.db, &home.client_id).await?.pop();
        let crisis_line = db::crisis_line_for_client(&state.db, &home.client_id).await?;
        let care_team = db::care_team_card(&state.db, &home.client_id).await?;
        let aftercare = db::aftercare_of_client(&state.db, &home.client_id).await?;
        Ok(TodayOverview::at(
            now,
            home.preferred_name,
            soon,
            goals,
            stage,
            crisis_line,
            (care_team, aftercare),
        ))
    })
    .await
}

pub const TITLE: &str = "Today";

#[component]
pub fn TodayPage() -> impl IntoView {
    view! {
        <Title text=TITLE/>
        {served(get_today, |overview| view! { <TodayView overview/> })}
    }
}

#[component]
pub fn TodayView(overview: TodayOverview) -> impl IntoView {
    let today = overview.today;
    let crisis_line_name = overview
        .crisis_line
        .as_ref()
        .and_then(|l| Some((l.name.clone(), l.phone.clone()?)));
    view! {
        <h1>{format!("Hi, {}", overview.preferred_name)}</h1>
        {overview.aftercare.map(|aftercare| view! { <AfterCare aftercare today/> })}
        {overview.crisis_line.map(|line| view! { <HelpNow line/> })}
        // One tap, also offline: the plan travels in the phone's copy.
        <a class="button secondary" href="/safety">"My safety plan"</a>
        <a class="button secondary" href="/messages">"Messages with my care team"</a>
        <section aria-labelledby="next-heading">
            <h2 id="next-heading">"Next appointment"</h2>
            {match overview.next_appointment {
                Some(appointment) => {
                    let href = format!("/appointments/{}", appointment.id);
                    Either::Left(view! {
                        <article class="card">
                            <h3>{appointment.kind.label()}</h3>
                            <AppointmentDetails appointment today/>
                            <a class="link" href=href>"See details"</a>
                        </article>
                    })
                }
                None => Either::Right(view! { <p class="card">"Nothing booked right now."</p> }),
            }}
        </section>
        <section aria-labelledby="goals-heading">
            <h2 id="goals-heading">"What you're working on"</h2>
            {if overview.goals_in_progress.is_empty() {
                Either::Left(view! { <p class="card">"No goals in progress. Your plan has the rest."</p> })
            } else {
                Either::Right(view! {
                    <ul class="plain-list">
                        {overview
                            .goals_in_progress
                            .into_iter()
                            .map(|goal| view! { <li><GoalNextStep goal/></li> })
                            .collect_view()}
                    </ul>
                })
            }}
            <a class="link" href="/plan">"See your whole plan"</a>
        </section>
        {overview.stage.map(|stage| view! { <StageNow stage/> })}
        <YourCareTeam team=overview.care_team crisis_line=crisis_line_name/>
    }
}

/// The aftercare plan, first on Today once the case is closed.
#[component]
fn AfterCare(aftercare: Aftercare, today: NaiveDate) -> impl IntoView {
    view! {
        <section class="card highlight" aria-labelledby="aftercare-heading">
            <h2 id="aftercare-heading">{format!("Your time with the program ended {}", long_date(aftercare.closed_on, today))}</h2>
            <h3>"What stays in place"</h3>
            <p class="note-text">{aftercare.supports.clone()}</p>
            <h3>"Who to call"</h3>
            <p class="note-text">{aftercare.contact.clone()}</p>
            <h3>"How to come back"</h3>
            <p class="note-text">{aftercare.come_back.clone()}</p>
            <p class="small">{format!("You can sign in here until {}.", long_date(aftercare.last_sign_in_day(), today))}</p>
        </section>
    }
}

/// Who to reach, how and when; out of hours, the crisis line.
#[component]
fn YourCareTeam(team: CareTeam, crisis_line: Option<(String, String)>) -> impl IntoView {
    let CareTeam {
        members,
        office_phone,
        office_hours,
    } = team;
    let office = match (office_phone, office_hours) {
        (None, None) => None,
        (phone, hours) => Some(view! {
            <p>
                <strong>"Office: "</strong>
                {phone.map(|p| view! { <a class="link" href=tel_href(&p)>{p.clone()}</a> })}
                {hours.map(|h| view! { <span class="block">{h}</span> })}
            </p>
        }),
    };
    view! {
        <section aria-labelledby="team-heading">
            <h2 id="team-heading">"Your care team"</h2>
            <div class="card">
                <ul class="plain-list team">
                    {members.into_iter().map(|m| view! {
                        <li>
                            <strong>{m.name}</strong>
                            {m.primary.then_some(" (your main contact)")}
                            {m.phone.map(|p| view! { <a class="link block" href=tel_href(&p)>{format!("Call {p}")}</a> })}
                        </li>
                    }).collect_view()}
                </ul>
                {office}
                {crisis_line.map(|(name, phone)| view! {
                    <p class="small">"When the office is closed, call "<a class="link" href=tel_href(&phone)>{name}</a>"."</p>
                })}
            </div>
        </section>
    }
}

/// The crisis line, as a button that calls it.
#[component]
pub fn HelpNow(line: Resource) -> impl IntoView {
    let phone = line.phone.clone().unwrap_or_default();
    view! {
        <aside class="help-now" aria-label="Help right now">
            <p>"Need to talk to someone now?"</p>
            <a class="button" href=tel_href(&phone)>{format!("Call {}", line.name)}</a>
            <p class="small">{line.how_to_reach.clone()}</p>
        </aside>
    }
}

#[component]
fn GoalNextStep(goal: Goal) -> impl IntoView {
    let progress = goal.progress();
    view! {
        <article class="card">
            <h3>{goal.own_words.clone()}</h3>
            <p class="small">{goal.domain.label()}</p>
            {match goal.next_step() {
                Some(step) => Either::Left(view! {
                    <p><strong>"Next step: "</strong>{step.description.clone()}</p>
                    <p class="small">{format!("Who: {}", step.doer.label())}</p>
                }),
                None => Either::Right(view! { <p>"All steps are done."</p> }),
            }}
            <p class="small">{format!("{} of {} steps done", progress.done, progress.total)}</p>
        </article>
    }
}

#[component]
fn StageNow(stage: StageChange) -> impl IntoView {
    view! {
        <section aria-labelledby="stage-heading">
            <h2 id="stage-heading">"Where you are in your care"</h2>
            <div class="card">
                {stage
                    .stages
                    .iter()
                    .map(|s| view! {
                        <h3>{s.label()}</h3>
                        <p>{s.meaning()}</p>
                    })
                    .collect_view()}
            </div>
        </section>
    }
}
