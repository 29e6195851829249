//! Referrals as a case manager makes and moves them: to a service of the program's directory,
//! along the status pipeline, with the next step written for the client. They reach the
//! client at once.
use crate::domain::{
    LifeDomain, Referral, ReferralForm, ReferralStatus, SaveAnswer, ServiceChoice,
    NEXT_STEP_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, Choice, SaveMessage};
use leptos::prelude::*;

/// Refers the client to a service of the directory.
#[server(endpoint = "add-referral")]
pub async fn add_referral(
    client_id: String,
    referral: ReferralForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("referral.add", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::referrals::add(&state.db, &asking, &client_id, referral).await
    })
    .await
}

/// Moves a referral along, if it is still at `version`.
#[server(endpoint = "save-referral")]
pub async fn save_referral(
    client_id: String,
    referral_id: String,
    version: i64,
    referral: ReferralForm,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::referrals::save;
    crate::request::answer("referral.save", async move {
        let (state, asking) = crate::request::asking().await?;
        let (client, id) = (&client_id, &referral_id);
        save(&state.db, &asking, client, id, version, referral).await
    })
    .await
}

#[component]
pub fn Referrals(
    client_id: String,
    referrals: Vec<Referral>,
    services: Vec<ServiceChoice>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="referrals-heading">
            <h2 id="referrals-heading">"Referrals"</h2>
            {if referrals.is_empty() {
                view! { <p>"None yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {referrals.into_iter().map(|referral| view! {
                            <li><ReferralEditor client_id=client_id.clone() referral/></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <details class="card">
                <summary>"Refer to a service"</summary>
                <ReferralFormView client_id=client_id.clone() referral=None services/>
            </details>
        </section>
    }
}

#[component]
fn ReferralEditor(client_id: String, referral: Referral) -> impl IntoView {
    view! {
        <article class="card referral-editor">
            <h3>{referral.service.name.clone()}</h3>
            <p class="small">{format!("{} · {}", referral.status.staff_label(), referral.domain.staff_label())}</p>
            {referral.next_step.clone().map(|n| view! { <p>"Next step for the client: "{n}</p> })}
            <details>
                <summary>"Update"</summary>
                <ReferralFormView client_id referral=Some(referral) services=Vec::new()/>
            </details>
        </article>
    }
}

/// The form for a new referral (`referral` none, with the directory's services) or for
/// moving one along.
#[component]
fn ReferralFormView(
    client_id: String,
    referral: Option<Referral>,
    services: Vec<ServiceChoice>,
) -> impl IntoView {
    let add = ServerAction::<AddReferral>::new();
    let save = ServerAction::<SaveReferral>::new();
    reload_after(add);
    reload_after(save);
    let answer = Signal::derive(move || save.value().get().or_else(|| add.value().get()));
    let version = RwSignal::new(referral.as_ref().map_or(0, |r| r.version));
    let prefix = referral.as_ref().map_or_else(
        || "new-referral".to_owned(),
        |r| format!("referral-{}", r.id),
    );
    let id = move |field: &str| format!("{prefix}-{field}");
    let status = referral
        .as_ref()
        .map_or(ReferralStatus::Referred, |r| r.status);
    let domain = referral.as_ref().map_or(LifeDomain::Housing, |r| r.domain);
    let next_step = referral
        .as_ref()
        .and_then(|r| r.next_step.clone())
        .unwrap_or_default();
    let next_id = id("next-step");
    let fields = view! {
        <SaveMessage answer version/>
        <input type="hidden" name="client_id" value=client_id/>
        <Choice id=id("status") name="referral[status]" label="Where it stands" value=status.code().to_owned()
            options=ReferralStatus::ALL.iter().map(|s| (s.code(), s.staff_label())).collect()
            problem=problem_at(answer, "status")/>
        <Choice id=id("domain") name="referral[domain]" label="Part of life" value=domain.code().to_owned()
            options=LifeDomain::ALL.iter().map(|d| (d.code(), d.staff_label())).collect()
            problem=problem_at(answer, "domain")/>
        <div class="field">
            <label for=next_id.clone()>"Next step, in words for the client (optional)"</label>
            <textarea id=next_id.clone() name="referral[next_step]" rows="2" maxlength=NEXT_STEP_MAX_CHARS
                aria-describedby=format!("{next_id}-problem")>{next_step}</textarea>
            <p id=format!("{next_id}-problem") class="field-problem">{problem_at(answer, "next_step")}</p>
        </div>
    };
    match referral {
        Some(referral) => view! {
            <ActionForm action=save attr:class="form">
                {fields}
                <input type="hidden" name="referral_id" value=referral.id.to_string()/>
                <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
                <button class="button" type="submit">"Save referral"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <ActionForm action=add attr:class="form">
                <div class="field">
                    <label for="new-referral-service">"Service"</label>
                    <select id="new-referral-service" name="referral[service_id]" required=true
                        aria-describedby="new-referral-service-problem">
                        <option value="">"Choose a service"</option>
                        {services.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                    </select>
                    <p id="new-referral-service-problem" class="field-problem">{problem_at(answer, "service_id")}</p>
                </div>
                {fields}
                <button class="button" type="submit">"Refer"</button>
            </ActionForm>
        }
        .into_any(),
    }
}
