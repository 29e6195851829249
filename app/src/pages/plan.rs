use crate::components::served;
use crate::components::FormMessage;
use crate::domain::{
    goals_by_domain, long_date, AssessmentSummary, Goal, GoalChange, GoalStatus, Horizon,
    PlanChange, PlanRevision, RecordId, Step, StepDoer, SupportPlan, SUGGESTION_MAX_CHARS,
};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOverview {
    pub today: NaiveDate,
    pub plan: SupportPlan,
    /// Sent with this page's check-in forms, so that a form sent twice counts once.
    pub form_key: String,
}

impl PlanOverview {
    /// The plan from the phone's copy. Its forms carry no key: offline, the phone keeps what
    /// they say under a key of its own (`device`).
    pub fn from_copy(copy: &crate::domain::DeviceCopy, now: chrono::NaiveDateTime) -> Option<Self> {
        Some(PlanOverview {
            today: now.date(),
            plan: copy.plan(now.date())?,
            form_key: String::new(),
        })
    }
}

#[server(endpoint = "plan")]
pub async fn get_plan() -> Result<PlanOverview, AppError> {
    use crate::{clock, db, request};
    crate::request::answer("read.plan", async move {
        let (state, home) = request::signed_in_client().await?;
        let today = clock::local_now(&home).date();
        let plan = db::support_plan(&state.db, &home.client_id).await?;
        let form_key = crate::secrets::new_form_key()?;
        Ok(PlanOverview {
            today,
            plan,
            form_key,
        })
    })
    .await
}

pub const TITLE: &str = "My plan";

#[component]
pub fn PlanPage() -> impl IntoView {
    view! {
        <Title text=TITLE/>
        {served(get_plan, |overview| view! { <PlanView overview/> })}
    }
}

#[component]
pub fn PlanView(overview: PlanOverview) -> impl IntoView {
    let PlanOverview {
        today,
        plan,
        form_key,
    } = overview;
    let update = match plan.latest.clone() {
        Some(revision) => {
            Either::Left(view! { <WhatsNew revision changes=plan.changes.clone() today/> })
        }
        None => Either::Right(view! {
            <section class="card update" aria-labelledby="update-heading">
                <h2 id="update-heading">"Latest update"</h2>
                <p>"Your case manager has not sent your plan yet."</p>
            </section>
        }),
    };
    let horizons = Horizon::ALL.iter().map(|&horizon| {
        let groups = goals_by_domain(&plan.goals, horizon);
        let heading_id = format!("{}-heading", horizon.code());
        let labelled_by = heading_id.clone();
        view! {
            <section aria-labelledby=labelled_by>
                <h2 id=heading_id>{horizon.label()}</h2>
                {if groups.is_empty() {
                    Either::Left(view! { <p class="card">"No goals here yet."</p> })
                } else {
                    Either::Right(groups
                        .into_iter()
                        .map(|(domain, goals)| view! {
                            <h3 class="domain">{domain.label()}</h3>
                            <ul class="plain-list">
                                {goals
                                    .into_iter()
                                    .map(|goal| view! {
                                        <li><GoalCard goal=goal.clone() today change=plan.change_of(&goal.id) form_key=form_key.clone()/></li>
                                    })
                                    .collect_view()}
                            </ul>
                        })
                        .collect_view())
                }}
            </section>
        }
    });
    let review = plan.next_review.map(|on| {
        view! {
            <p class="review-date">
                <strong>{format!("Next review: {}. ", long_date(on, today))}</strong>
                "You and your case manager will look at your plan together."
            </p>
        }
    });
    let needs = plan
        .assessment
        .clone()
        .map(|summary| view! { <HowThingsAreGoing summary today/> });
    let ideas = view! { <YourIdeas plan=plan.clone() today form_key=form_key.clone()/> };
    view! {
        <h1>"My plan"</h1>
        <FormMessage/>
        {review}
        {update}
        {horizons.collect_view()}
        {ideas}
        {needs}
    }
}

/// The client's own ideas for the plan: a form for a new goal, and what became of each
/// idea sent. (A step is suggested on its goal's card.)
#[component]
fn YourIdeas(plan: SupportPlan, today: NaiveDate, form_key: String) -> impl IntoView {
    let goal_words = |id: &RecordId| {
        plan.goals
            .iter()
            .find(|g| &g.id == id)
            .map(|g| g.own_words.clone())
    };
    let sent: Vec<_> = plan
        .suggestions
        .iter()
        .map(|s| {
            let what = match s.goal_id.as_ref() {
                Some(goal) => match goal_words(goal) {
                    Some(words) => format!("A step for \"{words}\": {}", s.text),
                    None => format!("A step: {}", s.text),
                },
                None => format!("A goal: {}", s.text),
            };
            (what, s.clone())
        })
        .collect();
    view! {
        <section aria-labelledby="ideas-heading">
            <h2 id="ideas-heading">"Your ideas"</h2>
            <details class="card">
                <summary>"Suggest a goal"</summary>
                <SuggestForm goal_id=None form_key/>
            </details>
            {(!sent.is_empty()).then(|| view! {
                <ul class="plain-list">
                    {sent.into_iter().map(|(what, s)| view! {
                        <li class="card">
                            <p>{what}</p>
                            <p class="status">{s.state.label()}</p>
                            {s.answer.map(|a| view! { <p class="note-text">{a}</p> })}
                            <p class="small">{format!("Sent {}", long_date(s.suggested_on, today))}</p>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// A plain form for an idea: offline, the phone keeps it and sends it once it is back.
#[component]
fn SuggestForm(goal_id: Option<RecordId>, form_key: String) -> impl IntoView {
    let (field_id, label) = match &goal_id {
        Some(goal) => (format!("suggest-{goal}"), "Your idea for a step"),
        None => (
            "suggest-goal".to_owned(),
            "Your idea for a goal, in your words",
        ),
    };
    view! {
        <form class="form" method="post" action="/suggestions">
            <input type="hidden" name="goal_id" value=goal_id.map(|g| g.to_string()).unwrap_or_default()/>
            <input type="hidden" name="key" value=form_key/>
            <div class="field">
                <label for=field_id.clone()>{label}</label>
                <textarea id=field_id name="text" rows="2" required=true maxlength=SUGGESTION_MAX_CHARS></textarea>
            </div>
            <button class="button secondary" type="submit">"Send to my case manager"</button>
        </form>
    }
}

/// The latest assessment in plain words: each part of life and how much help it needs.
#[component]
fn HowThingsAreGoing(summary: AssessmentSummary, today: NaiveDate) -> impl IntoView {
    view! {
        <section aria-labelledby="needs-heading">
            <h2 id="needs-heading">"How things are going"</h2>
            <p class="small">{format!("From when you and your case manager last looked at each part of your life, {}.", long_date(summary.assessed_on, today))}</p>
            <ul class="plain-list card needs">
                {summary.needs.into_iter().map(|(area, need)| view! {
                    <li><strong>{area.label()}</strong>": "{need.label()}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The latest update: who sent it and when, what they said, and which goals it changed.
#[component]
fn WhatsNew(revision: PlanRevision, changes: Vec<PlanChange>, today: NaiveDate) -> impl IntoView {
    let listed = (!changes.is_empty()).then(|| {
        view! {
            <ul class="changes">
                {changes
                    .into_iter()
                    .map(|c| {
                        let what = match c.change {
                            GoalChange::Added => "New goal",
                            GoalChange::Updated => "Changed",
                            GoalChange::Removed => "Taken out of the plan",
                        };
                        view! { <li><strong>{what}": "</strong>{c.own_words}</li> }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <section class="card update" aria-labelledby="update-heading">
            <h2 id="update-heading">"What's new"</h2>
            <p class="small">
                {format!(
                    "{}, from {}",
                    long_date(revision.sent_at.date_naive(), today),
                    revision.sent_by,
                )}
            </p>
            <p class="summary">{revision.summary}</p>
            {listed}
        </section>
    }
}

#[component]
fn GoalCard(
    goal: Goal,
    today: NaiveDate,
    change: Option<GoalChange>,
    form_key: String,
) -> impl IntoView {
    let progress = goal.progress();
    let change = change.map(|change| {
        let (class, tag) = match change {
            GoalChange::Added => ("tag new", "New"),
            _ => ("tag changed", "Changed"),
        };
        view! { <span class=class>{tag}</span> }
    });
    let status_class = match goal.status {
        GoalStatus::Achieved => "status done",
        GoalStatus::Paused => "status paused",
        _ => "status",
    };
    view! {
        <article class="card goal">
            <h4>{goal.own_words.clone()} {change}</h4>
            <p class=status_class>{goal.status.label()}</p>
            {goal.target_date.map(|d| view! { <p class="small">{format!("Aiming for {}", long_date(d, today))}</p> })}
            <progress max=progress.total.max(1) value=progress.done aria-label="Steps done"></progress>
            <p class="small">{format!("{} of {} steps done", progress.done, progress.total)}</p>
            <ol class="steps">
                {goal.steps.into_iter().map(|step| view! { <StepItem step today form_key=form_key.clone()/> }).collect_view()}
            </ol>
            <details>
                <summary>"Suggest a step"</summary>
                <SuggestForm goal_id=Some(goal.id.clone()) form_key/>
            </details>
        </article>
    }
}

#[component]
fn StepItem(step: Step, today: NaiveDate, form_key: String) -> impl IntoView {
    let done = step.is_done();
    let overdue = step.is_overdue(today);
    let label = format!("I did this: {}", step.description);
    let when = match (step.done_on, step.due_on) {
        (Some(done_on), _) => Some(format!("Done {}", long_date(done_on, today))),
        (None, Some(due)) if overdue => Some(format!("Was due {}", long_date(due, today))),
        (None, Some(due)) => Some(format!("By {}", long_date(due, today))),
        (None, None) => None,
    };
    view! {
        <li class="step" class:done=done>
            <span class="step-mark" aria-hidden="true">{if done { "✓" } else { "○" }}</span>
            <span>
                <span class="visually-hidden">{if done { "Done: " } else { "To do: " }}</span>
                {step.description}
                <span class="small block">{step.doer.label()} {when.map(|w| format!(" · {w}"))}</span>
                {(!done && step.doer != StepDoer::CaseManager).then(|| view! {
                    <form class="inline-form" method="post" action="/check-ins/step">
                        <input type="hidden" name="step_id" value=step.id.to_string()/>
                        <input type="hidden" name="key" value=form_key/>
                        <button class="button secondary" type="submit" aria-label=label>"I did this"</button>
                    </form>
                })}
            </span>
        </li>
    }
}
