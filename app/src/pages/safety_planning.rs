//! The safety plan as the case manager writes it with the client: the plan as it stands,
//! the form to change it (refused, with both versions, when it changed since it was
//! opened) and every earlier version with who saved it.
use crate::domain::{long_date, SafetyPlanForm, SafetyPlanVersion, SaveAnswer};
use crate::error::AppError;
use crate::pages::editing::{reload_after, SaveMessage};
use crate::pages::safety::{Overdose, SafetyFields, SafetyParts};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Saves the client's safety plan over `version` (0 when there is none yet).
#[server(endpoint = "save-safety-plan")]
pub async fn save_safety_plan(
    client_id: String,
    version: i64,
    plan: SafetyPlanForm,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::safety_plans::save;
    crate::request::answer("safety_plan.save", async move {
        let (state, asking) = crate::request::asking().await?;
        save(&state.db, &asking, &client_id, version, plan).await
    })
    .await
}

#[component]
pub fn SafetyPlanSection(
    client_id: String,
    versions: Vec<SafetyPlanVersion>,
    today: NaiveDate,
) -> impl IntoView {
    let mut versions = versions.into_iter();
    let current = versions.next();
    let earlier: Vec<SafetyPlanVersion> = versions.collect();
    let form = current
        .as_ref()
        .map(|v| SafetyPlanForm::of(&v.plan.parts))
        .unwrap_or_default();
    let version = current.as_ref().map_or(0, |v| v.plan.version);
    view! {
        <section aria-labelledby="safety-heading">
            <h2 id="safety-heading">"Safety plan"</h2>
            {match current {
                Some(current) => view! {
                    <p class="small">{saved_line(&current, today)}</p>
                    <SafetyParts parts=current.plan.parts/>
                }
                .into_any(),
                None => view! { <p>"Not written yet. Write it with the client; they can also change it from their phone."</p> }.into_any(),
            }}
            <details class="card">
                <summary>"Change the plan"</summary>
                <SafetyPlanFormView client_id form version/>
            </details>
            <Overdose/>
            {(!earlier.is_empty()).then(|| view! {
                <details class="card">
                    <summary>{format!("Earlier versions ({})", earlier.len())}</summary>
                    <ol class="plain-list">
                        {earlier.into_iter().map(|v| view! {
                            <li>
                                <h3>{saved_line(&v, today)}</h3>
                                <SafetyParts parts=v.plan.parts/>
                            </li>
                        }).collect_view()}
                    </ol>
                </details>
            })}
        </section>
    }
}

/// "Version 3, saved on ... by ..." (the client, or the staff member by name).
fn saved_line(version: &SafetyPlanVersion, today: NaiveDate) -> String {
    let by = if version.plan.saved_by_client {
        format!("{} (the client)", version.saved_by)
    } else {
        version.saved_by.clone()
    };
    format!(
        "Version {}, saved {} by {by}",
        version.plan.version,
        long_date(version.plan.saved_on, today)
    )
}

#[component]
fn SafetyPlanFormView(client_id: String, form: SafetyPlanForm, version: i64) -> impl IntoView {
    let save = ServerAction::<SaveSafetyPlan>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(version);
    view! {
        <ActionForm action=save attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
            <SafetyFields form prefix="staff-safety" answer within="plan"/>
            <button class="button" type="submit">"Save the plan"</button>
        </ActionForm>
    }
}
