//! The client's safety plan: one tap from Today, on the phone for when the network is not,
//! and a plain form to change it. What to do in an overdose and the crisis line are always
//! there, written or not.
use crate::components::{served, FormMessage};
use crate::domain::SaveAnswer;
use crate::domain::{
    helper_fields, long_date, tel_href, Resource, SafetyPlan, SafetyPlanForm, SafetyPlanParts,
    HELPERS_MAX, HELPER_NAME_MAX_CHARS, OVERDOSE_SIGNS, OVERDOSE_STAY, OVERDOSE_STEPS,
    PHONE_MAX_CHARS, SAFETY_PART_MAX_CHARS,
};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// The safety plan page: the plan (if written) and the crisis line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyPage {
    pub today: NaiveDate,
    pub plan: Option<SafetyPlan>,
    pub crisis_line: Option<Resource>,
}

impl SafetyPage {
    pub fn from_copy(copy: &crate::domain::DeviceCopy, now: chrono::NaiveDateTime) -> Option<Self> {
        use crate::domain::ResourceKind;
        let profile = copy.profile()?;
        Some(SafetyPage {
            today: now.date(),
            plan: profile.safety_plan.clone(),
            crisis_line: copy
                .resources()
                .into_iter()
                .find(|r| r.kind == ResourceKind::CrisisLine),
        })
    }
}

#[server(endpoint = "safety")]
pub async fn get_safety() -> Result<SafetyPage, AppError> {
    use crate::{clock, db, request};
    crate::request::answer("read.safety_plan", async move {
        let (state, home) = request::signed_in_client().await?;
        Ok(SafetyPage {
            today: clock::local_now(&home).date(),
            plan: db::safety_plan(&state.db, &home.client_id).await?,
            crisis_line: db::crisis_line_for_client(&state.db, &home.client_id).await?,
        })
    })
    .await
}

pub const TITLE: &str = "Safety plan";

#[component]
pub fn SafetyPlanPage() -> impl IntoView {
    view! {
        <Title text=TITLE/>
        {served(get_safety, |page| view! { <SafetyView page/> })}
    }
}

#[component]
pub fn SafetyView(page: SafetyPage) -> impl IntoView {
    let SafetyPage {
        today,
        plan,
        crisis_line,
    } = page;
    let saved = plan.as_ref().map(|p| {
        let who = if p.saved_by_client {
            "you"
        } else {
            "your case manager"
        };
        format!("Last changed {} by {who}.", long_date(p.saved_on, today))
    });
    let parts = plan.map(|p| p.parts).unwrap_or_default();
    view! {
        <h1>"My safety plan"</h1>
        <FormMessage/>
        {crisis_line.map(|line| {
            let phone = line.phone.clone().unwrap_or_default();
            view! {
                <a class="button" href=tel_href(&phone)>{format!("Call {} now", line.name)}</a>
            }
        })}
        {if parts.is_empty() {
            Either::Left(view! {
                <p class="card">"You and your case manager can write this plan together: the signs that things are getting hard, what helps, and who to call. You can also start it yourself."</p>
            })
        } else {
            Either::Right(view! { <SafetyParts parts/> })
        }}
        <Overdose/>
        {saved.map(|s| view! { <p class="small">{s}</p> })}
        <a class="button secondary" href="/safety/edit">"Change my plan"</a>
    }
}

/// The written parts, each under its heading; parts not written are left out.
#[component]
pub fn SafetyParts(parts: SafetyPlanParts) -> impl IntoView {
    let part = |heading: &'static str, text: String| {
        (!text.is_empty()).then(|| {
            view! {
                <section class="card">
                    <h2 class="card-title">{heading}</h2>
                    <p class="note-text">{text}</p>
                </section>
            }
        })
    };
    view! {
        {part("Signs things are getting hard", parts.warning_signs)}
        {part("What can set me off", parts.triggers)}
        {part("What helps me cope", parts.coping)}
        {(!parts.helpers.is_empty()).then(|| view! {
            <section class="card">
                <h2 class="card-title">"People I can call"</h2>
                <ul class="plain-list helpers">
                    {parts.helpers.into_iter().map(|h| view! {
                        <li>
                            {match h.phone {
                                Some(phone) => Either::Left(view! {
                                    <a class="button secondary" href=tel_href(&phone)>{format!("Call {} ({phone})", h.name)}</a>
                                }),
                                None => Either::Right(view! { <p>{h.name}</p> }),
                            }}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {part("Places that help", parts.places)}
        {part("My naloxone", parts.naloxone)}
    }
}

/// What an overdose looks like and what to do, step by step.
#[component]
pub fn Overdose() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="overdose-heading">
            <h2 id="overdose-heading" class="card-title">"If someone overdoses"</h2>
            <p>"Signs:"</p>
            <ul>{OVERDOSE_SIGNS.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}</ul>
            <p>"What to do:"</p>
            <ol>{OVERDOSE_STEPS.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}</ol>
            <p><strong>{OVERDOSE_STAY}</strong></p>
        </section>
    }
}

/// The plan in its form, to change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyEdit {
    pub form: SafetyPlanForm,
    pub version: i64,
}

#[server(endpoint = "safety_edit")]
pub async fn get_safety_edit() -> Result<SafetyEdit, AppError> {
    use crate::{db, request};
    crate::request::answer("read.safety_plan", async move {
        let (state, home) = request::signed_in_client().await?;
        let plan = db::safety_plan(&state.db, &home.client_id).await?;
        Ok(SafetyEdit {
            form: plan
                .as_ref()
                .map(|p| SafetyPlanForm::of(&p.parts))
                .unwrap_or_default(),
            version: plan.map_or(0, |p| p.version),
        })
    })
    .await
}

pub const EDIT_TITLE: &str = TITLE;

#[component]
pub fn SafetyEditPage() -> impl IntoView {
    view! {
        <Title text=EDIT_TITLE/>
        {served(get_safety_edit, |edit| view! {
            <h1>"Change my safety plan"</h1>
            <FormMessage/>
            <p>"Write what is true for you. Every part is optional, and your case manager sees what you save."</p>
            <form class="form" method="post" action="/safety">
                <input type="hidden" name="version" value=edit.version.to_string()/>
                <SafetyFields form=edit.form prefix="safety"/>
                <button class="button" type="submit">"Save my plan"</button>
            </form>
            <a class="link" href="/safety">"Back without saving"</a>
        })}
    }
}

/// The plan's fields, for the client's form and the case manager's (whose `answer` says
/// what to fix, at each field). The browser holds each to its limits and each number to the
/// characters a phone number has, so what was typed is not sent only to come back refused.
#[component]
pub fn SafetyFields(
    form: SafetyPlanForm,
    prefix: &'static str,
    #[prop(optional)] answer: Option<Signal<Option<Result<SaveAnswer, AppError>>>>,
    /// The name the fields are sent under (`plan` sends `plan[coping]`), if any.
    #[prop(optional)]
    within: Option<&'static str>,
) -> impl IntoView {
    let sent_as = move |field: &str| match within {
        Some(within) => format!("{within}[{field}]"),
        None => field.to_owned(),
    };
    let problem = move |field: String| {
        move || match answer.map(|a| a.get()) {
            Some(Some(Ok(SaveAnswer::Invalid(problems)))) => {
                problems.about(&field).map(str::to_owned)
            }
            _ => None,
        }
    };
    let area = move |name: &'static str, label: &'static str, hint: &'static str, value: String| {
        let id = format!("{prefix}-{name}");
        let hint_id = format!("{id}-hint");
        let problem_id = format!("{id}-problem");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <p id=hint_id.clone() class="hint">{hint}</p>
                <textarea id=id name=sent_as(name) rows="3" maxlength=SAFETY_PART_MAX_CHARS
                    aria-describedby=format!("{hint_id} {problem_id}")>{value}</textarea>
                <p id=problem_id class="field-problem">{problem(name.to_owned())}</p>
            </div>
        }
    };
    let helpers = [
        (form.helper_1_name.clone(), form.helper_1_phone.clone()),
        (form.helper_2_name.clone(), form.helper_2_phone.clone()),
        (form.helper_3_name.clone(), form.helper_3_phone.clone()),
        (form.helper_4_name.clone(), form.helper_4_phone.clone()),
    ];
    view! {
        {area("warning_signs", "Signs things are getting hard", "What you notice in yourself: thoughts, feelings, what you do.", form.warning_signs)}
        {area("triggers", "What can set me off", "People, places or times that make it harder.", form.triggers)}
        {area("coping", "What helps me cope", "Things you can do on your own to feel a bit better.", form.coping)}
        <fieldset class="field">
            <legend>{format!("People I can call (up to {HELPERS_MAX})")}</legend>
            {helpers.into_iter().enumerate().map(|(i, (name, phone))| {
                let (name_field, phone_field) = helper_fields(i);
                let name_id = format!("{prefix}-{name_field}");
                let phone_id = format!("{prefix}-{phone_field}");
                let (name_problem, phone_problem) = (problem(name_field.clone()), problem(phone_field.clone()));
                view! {
                    <div class="helper-row">
                        <label for=name_id.clone()>{format!("Person {}: name", i + 1)}</label>
                        <input id=name_id.clone() name=sent_as(&name_field) value=name maxlength=HELPER_NAME_MAX_CHARS
                            aria-describedby=format!("{name_id}-problem")/>
                        <p id=format!("{name_id}-problem") class="field-problem">{name_problem}</p>
                        <label for=phone_id.clone()>{format!("Person {}: phone", i + 1)}</label>
                        <input id=phone_id.clone() name=sent_as(&phone_field) type="tel" value=phone maxlength=PHONE_MAX_CHARS
                            pattern="[0-9 \\(\\)+.xXet\\-]{3,30}" autocomplete="off" aria-describedby=format!("{phone_id}-problem")/>
                        <p id=format!("{phone_id}-problem") class="field-problem">{phone_problem}</p>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        {area("places", "Places that help", "Somewhere safe to go, with people around.", form.places)}
        {area("naloxone", "My naloxone", "Where you keep your kit, and who near you knows how to use it.", form.naloxone)}
    }
}
