use crate::components::loaded;
use crate::domain::{
    goals_by_domain, long_date, Goal, GoalChange, GoalStatus, Horizon, Step, SupportPlan,
};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOverview {
    pub today: NaiveDate,
    pub plan: SupportPlan,
}

#[server(endpoint = "plan")]
pub async fn get_plan() -> Result<PlanOverview, AppError> {
    use crate::{db, session};
    crate::error::answer("read.plan", async move {
        let (state, home) = session::signed_in_client().await?;
        let today = session::local_now(&home).date();
        let plan = db::support_plan(&state.db, &home.client_id).await?;
        Ok(PlanOverview { today, plan })
    })
    .await
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_plan());
    view! {
        <Title text="My plan"/>
        {loaded(overview, |overview| view! { <PlanView overview/> })}
    }
}

#[component]
fn PlanView(overview: PlanOverview) -> impl IntoView {
    let PlanOverview { today, plan } = overview;
    let latest_number = plan.latest.as_ref().map(|r| r.number);
    let update = plan.latest.map(|revision| {
        let changed = plan
            .goals
            .iter()
            .filter(|g| g.change_in(revision.number).is_some())
            .count();
        let changed_text = match changed {
            0 => "No goals changed.".to_owned(),
            1 => "1 goal is new or changed. It is marked below.".to_owned(),
            n => format!("{n} goals are new or changed. They are marked below."),
        };
        view! {
            <section class="card update" aria-labelledby="update-heading">
                <h2 id="update-heading">"Latest update"</h2>
                <p class="small">
                    {format!(
                        "{}, from {}",
                        long_date(revision.sent_at.date_naive(), today),
                        revision.sent_by,
                    )}
                </p>
                <p>{revision.summary}</p>
                <p class="small">{changed_text}</p>
            </section>
        }
        .into_any()
    });
    let horizons = Horizon::ALL.iter().map(|&horizon| {
        let groups = goals_by_domain(&plan.goals, horizon);
        let heading_id = format!("{}-heading", horizon.code());
        let labelled_by = heading_id.clone();
        view! {
            <section aria-labelledby=labelled_by>
                <h2 id=heading_id>{horizon.label()}</h2>
                {if groups.is_empty() {
                    view! { <p class="card">"No goals here yet."</p> }.into_any()
                } else {
                    groups
                        .into_iter()
                        .map(|(domain, goals)| view! {
                            <h3 class="domain">{domain.label()}</h3>
                            <ul class="plain-list">
                                {goals
                                    .into_iter()
                                    .map(|goal| view! {
                                        <li><GoalCard goal=goal.clone() today latest=latest_number/></li>
                                    })
                                    .collect_view()}
                            </ul>
                        })
                        .collect_view()
                        .into_any()
                }}
            </section>
        }
    });
    view! {
        <h1>"My plan"</h1>
        {update.unwrap_or_else(|| {
            view! {
                <section class="card update" aria-labelledby="update-heading">
                    <h2 id="update-heading">"Latest update"</h2>
                    <p>"Your case manager has not sent your plan yet."</p>
                </section>
            }
            .into_any()
        })}
        {horizons.collect_view()}
    }
}

#[component]
fn GoalCard(goal: Goal, today: NaiveDate, latest: Option<i64>) -> impl IntoView {
    let progress = goal.progress();
    let change = latest
        .and_then(|n| goal.change_in(n))
        .map(|change| match change {
            GoalChange::Added => view! { <span class="tag new">"New"</span> },
            GoalChange::Updated => view! { <span class="tag changed">"Updated"</span> },
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
                {goal.steps.into_iter().map(|step| view! { <StepItem step today/> }).collect_view()}
            </ol>
        </article>
    }
}

#[component]
fn StepItem(step: Step, today: NaiveDate) -> impl IntoView {
    let done = step.is_done();
    let overdue = step.is_overdue(today);
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
            </span>
        </li>
    }
}
