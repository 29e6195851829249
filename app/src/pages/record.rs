//! A client's record as their case manager keeps it: profile and care team, the client's
//! check-ins, and the plan: goals and steps edited as a draft, then sent as a revision with a
//! summary. Every save carries the version it was based on; a save over someone else's newer
//! one is refused and both are shown.
//!
//! The forms here are Leptos action forms: the workspace is for staff computers and needs
//! the wasm, so that a refused save keeps what was typed on the page.
use crate::components::page_or_error;
use crate::components::Loading;
use crate::domain::{
    long_date, Appointment, CheckIn, Goal, GoalChange, GoalDifference, GoalForm, GoalStatus,
    Horizon, LeaveMessages, LifeDomain, PlanRevision, Referral, SaveAnswer, ServiceChoice,
    StageStep, Step, StepDoer, StepForm, GOAL_MAX_CHARS, STEP_MAX_CHARS, SUMMARY_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::chosen_resources::ChosenResources;
use crate::pages::editing::{
    problem_at, reload_after, Choice, DateField, SaveMessage, Saves, TextField,
};
use crate::pages::referring::Referrals;
use crate::pages::schedule::Schedule;
use crate::pages::staff::{NewCode, NewCodeCard};
use crate::pages::stages::StageTimeline;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// How many check-ins the record lists.
#[cfg(feature = "ssr")]
const CHECK_INS_SHOWN: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    pub client_id: String,
    pub preferred_name: String,
    pub full_name: String,
    pub pronouns: Option<String>,
    pub date_of_birth: Option<String>,
    pub phone: Option<String>,
    /// Whether messages may be left at that phone; none if never asked.
    pub leave_messages: Option<LeaveMessages>,
    pub preferred_language: Option<String>,
    pub program_start_on: String,
    pub pharmacy: Option<String>,
    /// Whether the client has set up their sign-in.
    pub signed_up: bool,
    /// A set-up code for them just made by this case manager, shown once.
    pub new_code: Option<NewCode>,
    /// Each case manager's name, and "primary" or "secondary".
    pub care_team: Vec<(String, String)>,
    pub today: NaiveDate,
    /// The plan as it is being edited, with versions.
    pub goals: Vec<Goal>,
    /// The number of the latest revision sent (0 before the first).
    pub latest_revision: i64,
    /// What the draft changes compared with the latest revision: not sent yet.
    pub draft: Vec<GoalDifference>,
    pub revisions: Vec<PlanRevision>,
    pub check_ins: Vec<CheckIn>,
    /// The program's wall clock now.
    pub now: chrono::NaiveDateTime,
    /// From a month ago to three months ahead, soonest first.
    pub appointments: Vec<Appointment>,
    /// Every stage change, oldest first.
    pub stages: Vec<StageStep>,
    pub referrals: Vec<Referral>,
    /// The directory's services a new referral can go to.
    pub services: Vec<ServiceChoice>,
    /// The program's resources, those chosen for the client first.
    pub resources: Vec<crate::domain::Resource>,
}

#[server(endpoint = "client-record")]
pub async fn get_client_record(client_id: String) -> Result<ClientRecord, AppError> {
    use crate::{clock, db, domain::compare_plans, request, session};
    request::answer("read.client_record", async move {
        let (state, asking) = request::asking().await?;
        let (person, home) = session::case_manager_of(&state.db, &asking, &client_id).await?;
        let client_id = home.client_id.clone();
        let profile = db::client_profile_for_case_manager(&state.db, &person.person_id, &client_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = clock::local_now(&home);
        let today = now.date();
        let appointments = db::appointments_between(
            &state.db,
            &client_id,
            now - chrono::Duration::days(30),
            now + chrono::Duration::days(90),
        )
        .await?;
        let stages = crate::domain::stage_steps(&db::stage_history(&state.db, &client_id).await?);
        let referrals = db::referrals_of_client(&state.db, &client_id).await?;
        let services = db::open_services(&state.db, &home.organisation_id).await?;
        let resources = db::resources_for_client(&state.db, &client_id).await?;
        let goals = db::working_plan(&state.db, &client_id).await?;
        let revisions = db::plan_revisions(&state.db, &client_id).await?;
        let latest_revision = revisions.first().map_or(0, |r| r.number);
        let sent = match latest_revision {
            0 => Vec::new(),
            n => db::plan_snapshot(&state.db, &client_id, n)
                .await?
                .unwrap_or_default(),
        };
        let draft = compare_plans(&sent, &goals);
        let check_ins = db::check_ins_for_case_manager(
            &state.db,
            &person.person_id,
            &client_id,
            today,
            CHECK_INS_SHOWN,
        )
        .await?;
        let care_team = db::care_team_of(&state.db, &client_id).await?;
        let signed_up = db::sign_in_name_of(&state.db, &client_id).await?.is_some();
        let named = std::iter::once((client_id.as_str(), profile.preferred_name.as_str()));
        let new_code = NewCode::take(&state, &person.person_id, named);
        let leave_messages = match profile.leave_messages.as_deref() {
            Some(code) => Some(LeaveMessages::from_code(code).map_err(db::DbError::from)?),
            None => None,
        };
        crate::audit::record_read(&state.db, &asking, "read.client_record", &[&client_id]).await?;
        Ok(ClientRecord {
            client_id,
            preferred_name: profile.preferred_name,
            full_name: profile.full_name,
            pronouns: profile.pronouns,
            date_of_birth: profile.date_of_birth,
            phone: profile.phone,
            leave_messages,
            preferred_language: profile.preferred_language,
            signed_up,
            new_code,
            program_start_on: profile.program_start_on,
            pharmacy: profile.pharmacy,
            care_team,
            today,
            goals,
            latest_revision,
            draft,
            revisions,
            check_ins,
            now,
            appointments,
            stages,
            referrals,
            services,
            resources,
        })
    })
    .await
}

/// Adds a goal (no `goal_id`) or changes one, if it is still at `version`.
#[server(endpoint = "save-goal")]
pub async fn save_goal(
    client_id: String,
    goal_id: String,
    version: i64,
    goal: GoalForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("plan.goal.save", async move {
        let (state, asking) = crate::request::asking().await?;
        let db = &state.db;
        crate::actions::plan::save_goal(db, &asking, &client_id, &goal_id, version, goal).await
    })
    .await
}

/// Adds a step to a goal (no `step_id`) or changes one, if it is still at `version`.
#[server(endpoint = "save-step")]
pub async fn save_step(
    client_id: String,
    goal_id: String,
    step_id: String,
    version: i64,
    step: StepForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("plan.step.save", async move {
        let (state, asking) = crate::request::asking().await?;
        let (client, goal) = (&client_id, &goal_id);
        crate::actions::plan::save_step(&state.db, &asking, client, goal, &step_id, version, step)
            .await
    })
    .await
}

/// Moves a goal one place "up" or "down" in the plan.
#[server(endpoint = "move-goal")]
pub async fn move_goal(
    client_id: String,
    goal_id: String,
    direction: String,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("plan.goal.move", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::plan::move_goal(&state.db, &asking, &client_id, &goal_id, &direction).await
    })
    .await
}

/// Sends the draft to the client as a new revision with a summary, unless someone sent one
/// after `after_revision` or nothing changed.
#[server(endpoint = "send-plan")]
pub async fn send_plan(
    client_id: String,
    after_revision: i64,
    summary: String,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("plan.send", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::plan::send_plan(&state.db, &asking, &client_id, after_revision, &summary)
            .await
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

#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    // Every save bumps this, and the record is loaded again.
    let saved = RwSignal::new(0_u32);
    provide_context(Saves(saved));
    let record = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), saved.get()),
        |(id, _)| get_client_record(id),
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
    let title = record.preferred_name.clone();
    let team = record
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
    view! {
        // Not the client's name: a title stays in the browser's history.
        <Title text=RECORD_TITLE/>
        <div class="record-page">
        <nav class="crumbs" aria-label="Breadcrumb"><a class="link" href="/caseload">"Caseload"</a></nav>
        <h1>{title}</h1>
        {record.new_code.clone().map(|new| view! { <NewCodeCard new/> })}
        <Profile record=record.clone() team/>
        <CheckIns client_id=record.client_id.clone() check_ins=record.check_ins.clone() today=record.today/>
        <StageTimeline client_id=record.client_id.clone() steps=record.stages.clone() today=record.today/>
        <Schedule client_id=record.client_id.clone() appointments=record.appointments.clone() now=record.now/>
        <Referrals client_id=record.client_id.clone() referrals=record.referrals.clone() services=record.services.clone()/>
        <ChosenResources client_id=record.client_id.clone() resources=record.resources.clone()/>
        <Draft record=record.clone()/>
        <section aria-labelledby="goals-heading">
            <h2 id="goals-heading">"Goals"</h2>
            <ol class="plain-list goal-editors">
                {record.goals.iter().map(|goal| view! {
                    <li><GoalEditor client_id=record.client_id.clone() goal=goal.clone() today=record.today/></li>
                }).collect_view()}
            </ol>
            <details class="card">
                <summary>"Add a goal"</summary>
                <GoalFormView client_id=record.client_id.clone() goal=None today=record.today/>
            </details>
        </section>
        <Revisions client_id=record.client_id.clone() revisions=record.revisions.clone() today=record.today/>
        </div>
    }
}

/// Who the client is and how to reach them, as intake recorded it, and their sign-in.
#[component]
fn Profile(record: ClientRecord, team: String) -> impl IntoView {
    let messages = record.leave_messages.map(|m| match m {
        LeaveMessages::Yes => "Messages may be left",
        LeaveMessages::No => "Do not leave messages",
    });
    let sign_in = if record.signed_up {
        "Set up. A new code replaces it and signs them out everywhere."
    } else {
        "Not set up yet. Make a code when they are with you."
    };
    view! {
        <dl class="profile">
            <dt>"Full name"</dt><dd>{record.full_name}</dd>
            {record.pronouns.map(|p| view! { <dt>"Pronouns"</dt><dd>{p}</dd> })}
            {record.date_of_birth.map(|d| view! { <dt>"Date of birth"</dt><dd>{d}</dd> })}
            {record.phone.map(|p| view! { <dt>"Phone"</dt><dd><a class="link" href=format!("tel:{p}")>{p.clone()}</a>{messages.map(|m| format!(" · {m}"))}</dd> })}
            {record.preferred_language.map(|l| view! { <dt>"Preferred language"</dt><dd>{l}</dd> })}
            <dt>"In treatment since"</dt><dd>{record.program_start_on}</dd>
            {record.pharmacy.map(|p| view! { <dt>"Pharmacy"</dt><dd>{p}</dd> })}
            <dt>"Care team"</dt><dd>{team}</dd>
            <dt>"Phone sign-in"</dt><dd>{sign_in}</dd>
        </dl>
        <form method="post" action="/caseload/enrollment-code">
            <input type="hidden" name="client_id" value=record.client_id/>
            <input type="hidden" name="back" value="record"/>
            <button class="button secondary" type="submit">"Make a set-up code"</button>
        </form>
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
                                <strong>{c.kind.label()}</strong>
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

/// What is not sent yet, and the form that sends it.
#[component]
fn Draft(record: ClientRecord) -> impl IntoView {
    let send = ServerAction::<SendPlan>::new();
    reload_after(send);
    let answer = send.value();
    let problem = move || {
        match answer.get() {
        Some(Ok(SaveAnswer::Invalid(problems))) => problems.about("summary").map(str::to_owned),
        Some(Ok(SaveAnswer::Outdated)) => Some(
            "Someone sent an update to this plan after you opened it. Please reload the page to see it before sending yours."
                .to_owned(),
        ),
        Some(Ok(SaveAnswer::NothingToSend)) => {
            Some("Nothing has changed since the last update, so there is nothing to send.".to_owned())
        }
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    }
    };
    let status = match record.revisions.first() {
        Some(latest) => format!(
            "The client has update {}, sent {} by {}.",
            latest.number,
            long_date(latest.sent_at.date_naive(), record.today),
            latest.sent_by
        ),
        None => "The client has not been sent a plan yet.".to_owned(),
    };
    let draft = record.draft.clone();
    view! {
        <section class="card draft" aria-labelledby="draft-heading">
            <h2 id="draft-heading">"Plan update"</h2>
            <p>{status}</p>
            {if draft.is_empty() {
                view! { <p>"No changes waiting to be sent."</p> }.into_any()
            } else {
                view! {
                    <p><strong>{format!("Not sent yet: {} {}", draft.len(), if draft.len() == 1 { "change" } else { "changes" })}</strong></p>
                    <ul class="changes">
                        {draft.into_iter().map(|d| view! { <li>{describe(&d)}</li> }).collect_view()}
                    </ul>
                    <ActionForm action=send attr:class="form">
                        <input type="hidden" name="client_id" value=record.client_id.clone()/>
                        <input type="hidden" name="after_revision" value=record.latest_revision/>
                        <div class="field">
                            <label for="summary">"What changed, in a few plain words for the client"</label>
                            <textarea id="summary" name="summary" rows="3" required=true maxlength=SUMMARY_MAX_CHARS
                                aria-describedby="summary-problem"></textarea>
                            <p id="summary-problem" class="field-problem" role="alert">{problem}</p>
                        </div>
                        <button class="button" type="submit">"Send to the client"</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// One line about a difference between two versions of a plan.
fn describe(difference: &GoalDifference) -> String {
    let words = difference
        .after
        .as_ref()
        .or(difference.before.as_ref())
        .map(|g| g.own_words.clone())
        .unwrap_or_default();
    match difference.change {
        GoalChange::Added => format!("New goal: {words}"),
        GoalChange::Removed => format!("Taken out: {words}"),
        GoalChange::Updated => format!("{words}: {} changed", difference.what.join(", ")),
    }
}

/// A goal with its steps, each editable, and buttons to move it.
#[component]
fn GoalEditor(client_id: String, goal: Goal, today: NaiveDate) -> impl IntoView {
    let moved = ServerAction::<MoveGoal>::new();
    reload_after(moved);
    let heading = goal.own_words.clone();
    let mover = |direction: &'static str, label: String| {
        let client_id = client_id.clone();
        let goal_id = goal.id.to_string();
        view! {
            <ActionForm action=moved>
                <input type="hidden" name="client_id" value=client_id/>
                <input type="hidden" name="goal_id" value=goal_id/>
                <input type="hidden" name="direction" value=direction/>
                <button class="button secondary" type="submit" aria-label=label>
                    {if direction == "up" { "Move up" } else { "Move down" }}
                </button>
            </ActionForm>
        }
    };
    view! {
        <article class="card goal-editor">
            <h3>{heading.clone()}</h3>
            <p class="small">{format!("{} · {} · {}", goal.status.label(), goal.domain.label(), goal.horizon.label())}</p>
            <div class="row">
                {mover("up", format!("Move up: {heading}"))}
                {mover("down", format!("Move down: {heading}"))}
            </div>
            <details>
                <summary>"Edit goal"</summary>
                <GoalFormView client_id=client_id.clone() goal=Some(goal.clone()) today/>
            </details>
            <h4>"Steps"</h4>
            <ol class="steps">
                {goal.steps.iter().map(|step| view! {
                    <li><StepEditor client_id=client_id.clone() goal_id=goal.id.to_string() step=step.clone() today/></li>
                }).collect_view()}
            </ol>
            <details>
                <summary>"Add a step"</summary>
                <StepFormView client_id=client_id.clone() goal_id=goal.id.to_string() step=None today/>
            </details>
        </article>
    }
}

/// The form for a new goal (`goal` none) or an existing one.
#[component]
fn GoalFormView(client_id: String, goal: Option<Goal>, today: NaiveDate) -> impl IntoView {
    let save = ServerAction::<SaveGoal>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(goal.as_ref().map_or(0, |g| g.version));
    let form = goal.as_ref().map(GoalForm::of).unwrap_or_else(|| GoalForm {
        status: GoalStatus::NotStarted.code().to_owned(),
        ..GoalForm::default()
    });
    let goal_id = goal.as_ref().map(|g| g.id.to_string()).unwrap_or_default();
    let prefix = if goal_id.is_empty() {
        "new-goal".to_owned()
    } else {
        format!("goal-{goal_id}")
    };
    let id = move |field: &str| format!("{prefix}-{field}");
    let max_date = crate::domain::latest_form_year(today);
    view! {
        <ActionForm action=save attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <input type="hidden" name="goal_id" value=goal_id/>
            <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
            <TextField id=id("own_words") name="goal[own_words]" label="The goal, in the client's own words"
                value=form.own_words max=GOAL_MAX_CHARS problem=problem_at(answer, "own_words")/>
            <Choice id=id("status") name="goal[status]" label="Status" value=form.status
                options=GoalStatus::ALL.iter().map(|s| (s.code(), s.label())).collect()
                problem=problem_at(answer, "status")/>
            <Choice id=id("domain") name="goal[domain]" label="Part of life" value=form.domain
                options=LifeDomain::ALL.iter().map(|s| (s.code(), s.label())).collect()
                problem=problem_at(answer, "domain")/>
            <Choice id=id("horizon") name="goal[horizon]" label="When" value=form.horizon
                options=Horizon::ALL.iter().map(|s| (s.code(), s.label())).collect()
                problem=problem_at(answer, "horizon")/>
            <DateField id=id("target_on") name="goal[target_on]" label="Target date (optional)" value=form.target_on
                max_year=max_date problem=problem_at(answer, "target_on")/>
            <button class="button" type="submit">{if goal.is_some() { "Save goal" } else { "Add goal" }}</button>
        </ActionForm>
    }
}

#[component]
fn StepEditor(client_id: String, goal_id: String, step: Step, today: NaiveDate) -> impl IntoView {
    let done = step
        .done_on
        .map(|d| format!(" · done {}", long_date(d, today)));
    let due = step
        .due_on
        .map(|d| format!(" · by {}", long_date(d, today)));
    view! {
        <span>{step.description.clone()}</span>
        <span class="small block">{step.doer.label()}{due}{done}</span>
        <details>
            <summary>"Edit step"</summary>
            <StepFormView client_id goal_id step=Some(step) today/>
        </details>
    }
}

#[component]
fn StepFormView(
    client_id: String,
    goal_id: String,
    step: Option<Step>,
    today: NaiveDate,
) -> impl IntoView {
    let save = ServerAction::<SaveStep>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(step.as_ref().map_or(0, |s| s.version));
    let step_id = step.as_ref().map(|s| s.id.to_string()).unwrap_or_default();
    let prefix = if step_id.is_empty() {
        format!("new-step-{goal_id}")
    } else {
        format!("step-{step_id}")
    };
    let id = move |field: &str| format!("{prefix}-{field}");
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let max_year = crate::domain::latest_form_year(today);
    view! {
        <ActionForm action=save attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <input type="hidden" name="goal_id" value=goal_id/>
            <input type="hidden" name="step_id" value=step_id/>
            <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
            <TextField id=id("description") name="step[description]" label="Step"
                value=step.as_ref().map(|s| s.description.clone()).unwrap_or_default()
                max=STEP_MAX_CHARS problem=problem_at(answer, "description")/>
            <Choice id=id("doer") name="step[doer]" label="Who does it"
                value=step.as_ref().map_or(StepDoer::Client, |s| s.doer).code().to_owned()
                options=StepDoer::ALL.iter().map(|s| (s.code(), s.label())).collect()
                problem=problem_at(answer, "doer")/>
            <DateField id=id("due_on") name="step[due_on]" label="Due (optional)"
                value=date(step.as_ref().and_then(|s| s.due_on)) max_year problem=problem_at(answer, "due_on")/>
            <DateField id=id("done_on") name="step[done_on]" label="Done on (optional)"
                value=date(step.as_ref().and_then(|s| s.done_on)) max_year problem=problem_at(answer, "done_on")/>
            <button class="button" type="submit">{if step.is_some() { "Save step" } else { "Add step" }}</button>
        </ActionForm>
    }
}

/// Every revision sent, and a form to compare any two.
#[component]
fn Revisions(client_id: String, revisions: Vec<PlanRevision>, today: NaiveDate) -> impl IntoView {
    let options = |selected: i64| {
        revisions
            .iter()
            .map(|r| {
                let n = r.number;
                view! { <option value=n selected=n == selected>{format!("Update {n}")}</option> }
            })
            .collect_view()
    };
    let newest = revisions.first().map_or(0, |r| r.number);
    let list = revisions
        .iter()
        .map(|r| {
            view! {
                <li>
                    <strong>{format!("Update {}", r.number)}</strong>
                    {format!(", {} by {}: ", long_date(r.sent_at.date_naive(), today), r.sent_by)}
                    {r.summary.clone()}
                </li>
            }
        })
        .collect_view();
    let can_compare = revisions.len() > 1;
    let (from, to) = (options(newest - 1), options(newest));
    view! {
        <section aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">"Updates sent"</h2>
            <ol class="revisions" reversed=true>{list}</ol>
            {can_compare.then(|| view! {
                <form class="form row" method="get" action=format!("/caseload/{client_id}/compare")>
                    <div class="field"><label for="from">"Compare update"</label><select id="from" name="from">{from}</select></div>
                    <div class="field"><label for="to">"with update"</label><select id="to" name="to">{to}</select></div>
                    <button class="button secondary" type="submit">"Compare"</button>
                </form>
            })}
        </section>
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionComparison {
    pub client_id: String,
    pub preferred_name: String,
    pub from: i64,
    pub to: i64,
    pub differences: Vec<GoalDifference>,
}

/// How the plan differed between two revisions sent to the client.
#[server(endpoint = "compare-revisions")]
pub async fn compare_revisions(
    client_id: String,
    from: i64,
    to: i64,
) -> Result<RevisionComparison, AppError> {
    use crate::{db, domain::compare_plans, request, session};
    request::answer("read.plan_revisions", async move {
        let (state, asking) = request::asking().await?;
        let (_, home) = session::case_manager_of(&state.db, &asking, &client_id).await?;
        let before = db::plan_snapshot(&state.db, &home.client_id, from)
            .await?
            .ok_or(AppError::NotFound)?;
        let after = db::plan_snapshot(&state.db, &home.client_id, to)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::audit::record_read(
            &state.db,
            &asking,
            "read.plan_revisions",
            &[&home.client_id],
        )
        .await?;
        Ok(RevisionComparison {
            client_id: home.client_id,
            preferred_name: home.preferred_name,
            from,
            to,
            differences: compare_plans(&before, &after),
        })
    })
    .await
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let comparison = Resource::new(
        move || {
            let number = |key: &str| {
                query
                    .read()
                    .get(key)
                    .and_then(|n| n.parse::<i64>().ok())
                    .unwrap_or(0)
            };
            (
                params.read().get("id").unwrap_or_default(),
                number("from"),
                number("to"),
            )
        },
        |(id, from, to)| compare_revisions(id, from, to),
    );
    view! {
        <Title text="Compare updates"/>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                page_or_error(comparison.await, |c| view! { <CompareView comparison=c/> })
            })}
        </Transition>
    }
}

#[component]
fn CompareView(comparison: RevisionComparison) -> impl IntoView {
    let RevisionComparison {
        client_id,
        preferred_name,
        from,
        to,
        differences,
    } = comparison;
    let side = |goal: Option<Goal>| {
        match goal {
        None => view! { <p class="small">"Not in this update"</p> }.into_any(),
        Some(goal) => view! {
            <p>{goal.own_words}</p>
            <p class="small">{format!("{} · {}", goal.status.label(), goal.target_date.map(|d| format!("target {d}")).unwrap_or_default())}</p>
            <ul>
                {goal.steps.into_iter().map(|s| view! {
                    <li>{s.description}{s.done_on.map(|d| format!(" (done {d})"))}</li>
                }).collect_view()}
            </ul>
        }.into_any(),
    }
    };
    view! {
        <nav class="crumbs" aria-label="Breadcrumb"><a class="link" href=format!("/caseload/{client_id}")>{preferred_name}</a></nav>
        <h1>{format!("Update {from} compared with update {to}")}</h1>
        {if differences.is_empty() {
            view! { <p>"The goals are the same in both."</p> }.into_any()
        } else {
            view! {
                <table class="table compare">
                    <caption>"Goals that differ"</caption>
                    <thead><tr><th scope="col">"What changed"</th><th scope="col">{format!("Update {from}")}</th><th scope="col">{format!("Update {to}")}</th></tr></thead>
                    <tbody>
                        {differences.into_iter().map(|d| {
                            let what = describe(&d);
                            view! {
                                <tr>
                                    <th scope="row">{what}</th>
                                    <td>{side(d.before)}</td>
                                    <td>{side(d.after)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}
