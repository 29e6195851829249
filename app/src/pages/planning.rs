//! The plan as the case manager works on it: goals and steps edited as a draft, then sent
//! as a revision with a summary, and any two revisions compared. Every save carries the
//! version it was based on; a save over someone else's newer one is refused and both are
//! shown.
use crate::components::page_or_error;
use crate::components::Loading;
use crate::domain::{
    long_date, Goal, GoalChange, GoalDifference, GoalForm, GoalStatus, Horizon, LifeDomain,
    PlanReview, PlanRevision, ReviewForm, ReviewParticipant, ReviewTiming, SaveAnswer, Step,
    StepDoer, StepForm, Suggestion, GOAL_MAX_CHARS, OTHER_SERVICES_MAX_CHARS, REVIEW_EVERY_DAYS,
    REVIEW_TEXT_MAX_CHARS, STEP_MAX_CHARS, SUMMARY_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, Choice, DateField, SaveMessage, TextField};
use crate::pages::suggestions::Suggestions;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// The plan section of a client's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanWork {
    /// The plan as it is being edited, with versions.
    pub goals: Vec<Goal>,
    /// The number of the latest revision sent (0 before the first).
    pub latest_revision: i64,
    /// What the draft changes compared with the latest revision: not sent yet.
    pub draft: Vec<GoalDifference>,
    pub revisions: Vec<PlanRevision>,
    /// The plan's next review: agreed at the latest review, or 90 days after the first send.
    pub next_review: Option<NaiveDate>,
    /// Every review, latest first.
    pub reviews: Vec<PlanReview>,
    /// What the client suggested, newest first.
    pub suggestions: Vec<Suggestion>,
}

/// Loads the plan of a client on the case manager's care team.
#[cfg(feature = "ssr")]
pub async fn load_plan(
    db: &crate::db::Db,
    case_manager_id: &str,
    client_id: &str,
) -> Result<PlanWork, AppError> {
    let goals = crate::db::working_plan(db, client_id).await?;
    let revisions = crate::db::plan_revisions(db, client_id).await?;
    let latest_revision = revisions.first().map_or(0, |r| r.number);
    let sent = match latest_revision {
        0 => Vec::new(),
        n => crate::db::plan_snapshot(db, client_id, n)
            .await?
            .unwrap_or_default(),
    };
    let draft = crate::domain::compare_plans(&sent, &goals);
    let (next_review, _) = crate::db::review_dates(db, client_id).await?;
    Ok(PlanWork {
        goals,
        latest_revision,
        draft,
        revisions,
        next_review,
        reviews: crate::db::plan_reviews(db, client_id).await?,
        suggestions: crate::db::suggestions_for_case_manager(db, case_manager_id, client_id)
            .await?,
    })
}

/// Records a review of the plan with the date of the next one.
#[server(endpoint = "record-review")]
pub async fn record_review(client_id: String, review: ReviewForm) -> Result<SaveAnswer, AppError> {
    crate::request::answer("plan.review", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::reviews::record(&state.db, &asking, &client_id, review).await
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

/// The draft, the goals with their steps, and the revisions sent.
#[component]
pub fn PlanSection(client_id: String, plan: PlanWork, today: NaiveDate) -> impl IntoView {
    // `?area=housing`: a goal started from an area of need in the assessment.
    let area = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("area")
        .and_then(|code| LifeDomain::from_code(&code).ok());
    view! {
        <Reviews client_id=client_id.clone() next=plan.next_review reviews=plan.reviews.clone() today/>
        <Suggestions client_id=client_id.clone() suggestions=plan.suggestions.clone() today/>
        <Draft client_id=client_id.clone() plan=plan.clone() today/>
        <section aria-labelledby="goals-heading">
            <h2 id="goals-heading">"Goals"</h2>
            <ol class="plain-list goal-editors">
                {plan.goals.iter().map(|goal| view! {
                    <li><GoalEditor client_id=client_id.clone() goal=goal.clone() today/></li>
                }).collect_view()}
            </ol>
            <details class="card" open=area.is_some()>
                <summary>"Add a goal"</summary>
                <GoalFormView client_id=client_id.clone() goal=None today area/>
            </details>
        </section>
        <Revisions client_id revisions=plan.revisions today/>
    }
}

/// What is not sent yet, and the form that sends it.
#[component]
fn Draft(client_id: String, plan: PlanWork, today: NaiveDate) -> impl IntoView {
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
    let status = match plan.revisions.first() {
        Some(latest) => format!(
            "The client has update {}, sent {} by {}.",
            latest.number,
            long_date(latest.sent_at.date_naive(), today),
            latest.sent_by
        ),
        None => "The client has not been sent a plan yet.".to_owned(),
    };
    let draft = plan.draft;
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
                        <input type="hidden" name="client_id" value=client_id/>
                        <input type="hidden" name="after_revision" value=plan.latest_revision/>
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
            <p class="small">{format!("{} · {} · {}", goal.status.staff_label(), goal.domain.staff_label(), goal.horizon.staff_label())}</p>
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
fn GoalFormView(
    client_id: String,
    goal: Option<Goal>,
    today: NaiveDate,
    /// The life area a new goal starts in.
    #[prop(default = None)]
    area: Option<LifeDomain>,
) -> impl IntoView {
    let save = ServerAction::<SaveGoal>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(goal.as_ref().map_or(0, |g| g.version));
    let form = goal.as_ref().map(GoalForm::of).unwrap_or_else(|| GoalForm {
        status: GoalStatus::NotStarted.code().to_owned(),
        domain: area.map(|a| a.code().to_owned()).unwrap_or_default(),
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
                options=GoalStatus::ALL.iter().map(|s| (s.code(), s.staff_label())).collect()
                problem=problem_at(answer, "status")/>
            <Choice id=id("domain") name="goal[domain]" label="Part of life" value=form.domain
                options=LifeDomain::ALL.iter().map(|s| (s.code(), s.staff_label())).collect()
                problem=problem_at(answer, "domain")/>
            <Choice id=id("horizon") name="goal[horizon]" label="When" value=form.horizon
                options=Horizon::ALL.iter().map(|s| (s.code(), s.staff_label())).collect()
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
        <span class="small block">{step.doer.staff_label()}{due}{done}</span>
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
                options=StepDoer::ALL.iter().map(|s| (s.code(), s.staff_label())).collect()
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
            <p class="small">{format!("{} · {}", goal.status.staff_label(), goal.target_date.map(|d| format!("target {d}")).unwrap_or_default())}</p>
            <ul>
                {goal.steps.into_iter().map(|s| view! {
                    <li>{s.description}{s.done_on.map(|d| format!(" (done {d})"))}</li>
                }).collect_view()}
            </ul>
        }.into_any(),
    }
    };
    view! {
        <nav class="crumbs" aria-label="Breadcrumb"><a class="link" href=format!("/caseload/{client_id}/plan")>{preferred_name}</a></nav>
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

/// The next review and how near it is, the form to record one, and every review so far.
#[component]
fn Reviews(
    client_id: String,
    next: Option<NaiveDate>,
    reviews: Vec<PlanReview>,
    today: NaiveDate,
) -> impl IntoView {
    let next_line = match next {
        None => "No review yet: the first comes 90 days after the plan is first sent.".to_owned(),
        Some(on) => {
            let when = long_date(on, today);
            match ReviewTiming::of(on, today) {
                ReviewTiming::Overdue => format!("Next review: {when}. It is overdue."),
                ReviewTiming::Soon => format!("Next review: {when}, within two weeks."),
                ReviewTiming::Later => format!("Next review: {when}."),
            }
        }
    };
    let overdue = next.is_some_and(|on| ReviewTiming::of(on, today) != ReviewTiming::Later);
    let next_class = if overdue { "attention-text" } else { "" };
    view! {
        <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">"Reviews"</h2>
            <p class=next_class><strong>{next_line}</strong></p>
            <details class="card">
                <summary>"Record a review"</summary>
                <ReviewFormView client_id today/>
            </details>
            {(!reviews.is_empty()).then(|| view! {
                <ol class="plain-list reviews">
                    {reviews.into_iter().map(|review| view! { <li><ReviewEntry review today/></li> }).collect_view()}
                </ol>
            })}
        </section>
    }
}

#[component]
fn ReviewEntry(review: PlanReview, today: NaiveDate) -> impl IntoView {
    let (recorded_by, review) = (review.recorded_by, review.review);
    let mut who: Vec<String> = review
        .took_part
        .iter()
        .filter(|w| **w != ReviewParticipant::OtherService)
        .map(|w| w.staff_label().to_owned())
        .collect();
    if review.took_part.contains(&ReviewParticipant::OtherService) {
        who.push(
            review
                .other_services
                .clone()
                .unwrap_or_else(|| "other services".to_owned()),
        );
    }
    view! {
        <article class="card">
            <h3>{format!("Review of {}", long_date(review.reviewed_on, today))}</h3>
            <dl class="profile">
                <dt>"Took part"</dt><dd>{who.join(", ")}</dd>
                <dt>"Looked at"</dt><dd class="note-text">{review.what_reviewed}</dd>
                {review.what_changed.map(|c| view! { <dt>"What changed"</dt><dd class="note-text">{c}</dd> })}
                <dt>"Next review"</dt><dd>{long_date(review.next_review_on, today)}</dd>
            </dl>
            <p class="small">{format!("Recorded by {recorded_by}")}</p>
        </article>
    }
}

#[component]
fn ReviewFormView(client_id: String, today: NaiveDate) -> impl IntoView {
    let record = ServerAction::<RecordReview>::new();
    reload_after(record);
    let answer = Signal::derive(move || record.value().get());
    let version = RwSignal::new(0);
    let max_year = crate::domain::latest_form_year(today);
    let next = today + chrono::Duration::days(REVIEW_EVERY_DAYS);
    let area = move |id: &'static str,
                     name: &'static str,
                     label: &'static str,
                     field: &'static str,
                     required: bool| {
        let problem_id = format!("{id}-problem");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <textarea id=id name=name rows="3" required=required maxlength=REVIEW_TEXT_MAX_CHARS
                    aria-describedby=problem_id.clone()></textarea>
                <p id=problem_id class="field-problem">{problem_at(answer, field)}</p>
            </div>
        }
    };
    view! {
        <ActionForm action=record attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <DateField id="review-on".to_owned() name="review[reviewed_on]" label="Day of the review"
                value=today.to_string() max_year required=true problem=problem_at(answer, "reviewed_on")/>
            <fieldset class="field" aria-describedby="review-took-part-problem">
                <legend>"Who took part"</legend>
                {ReviewParticipant::ALL.iter().map(|&who| {
                    let id = format!("review-{}", who.code());
                    let label_for = id.clone();
                    view! {
                        <label class="check" for=label_for>
                            <input type="checkbox" id=id name=format!("review[took_part][{}]", who.code()) value="on"
                                checked=matches!(who, ReviewParticipant::Client | ReviewParticipant::CaseManager)/>
                            {who.staff_label()}
                        </label>
                    }
                }).collect_view()}
                <p id="review-took-part-problem" class="field-problem">{problem_at(answer, "took_part")}</p>
            </fieldset>
            <TextField id="review-other-services".to_owned() name="review[other_services]"
                label="Which other services (optional)" value=String::new() max=OTHER_SERVICES_MAX_CHARS
                required=false problem=problem_at(answer, "other_services")/>
            {area("review-what", "review[what_reviewed]", "What you looked at together", "what_reviewed", true)}
            {area("review-changed", "review[what_changed]", "What changed (optional)", "what_changed", false)}
            <DateField id="review-next".to_owned() name="review[next_review_on]" label="Next review, as agreed"
                value=next.to_string() max_year required=true problem=problem_at(answer, "next_review_on")/>
            <button class="button" type="submit">"Record the review"</button>
        </ActionForm>
    }
}
