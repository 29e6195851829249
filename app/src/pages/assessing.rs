//! The assessment section of a client's record: the latest assessment area by area, how it
//! compares with the one before, goals started from an area of need, and the form for a new
//! assessment, started from the last.
use crate::domain::{
    area_prompt, compare_assessments, long_date, AreaForm, Assessment, AssessmentForm, LifeDomain,
    Need, SaveAnswer, AREA_TEXT_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, DateField, SaveMessage};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Records an assessment of every life area.
#[server(endpoint = "record-assessment")]
pub async fn record_assessment(
    client_id: String,
    assessment: AssessmentForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("assessment.record", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::assessments::record(&state.db, &asking, &client_id, assessment).await
    })
    .await
}

/// The section: `assessments` latest first.
#[component]
pub fn AssessmentSection(
    client_id: String,
    assessments: Vec<Assessment>,
    today: NaiveDate,
) -> impl IntoView {
    let start = AssessmentForm::from_last(assessments.first(), today);
    let latest = assessments.first().cloned();
    let before = assessments.get(1).cloned();
    let earlier: Vec<NaiveDate> = assessments.iter().skip(1).map(|a| a.assessed_on).collect();
    view! {
        {match latest.clone() {
            None => view! {
                <section aria-labelledby="assessment-heading">
                    <h2 id="assessment-heading">"Assessment"</h2>
                    <p>"No assessment yet. Start one with the client below."</p>
                </section>
            }.into_any(),
            Some(latest) => view! { <LatestAssessment client_id=client_id.clone() latest today/> }.into_any(),
        }}
        {latest.zip(before).map(|(latest, before)| view! { <Comparison latest before today/> })}
        {(!earlier.is_empty()).then(|| view! {
            <p class="small">{format!("Earlier assessments: {}", earlier.iter().map(|d| long_date(*d, today)).collect::<Vec<_>>().join(", "))}</p>
        })}
        <details class="card" open=assessments.is_empty()>
            <summary>{if assessments.is_empty() { "Start an assessment" } else { "Start a new assessment from this one" }}</summary>
            <AssessmentFormView client_id start today/>
        </details>
    }
}

#[component]
fn LatestAssessment(client_id: String, latest: Assessment, today: NaiveDate) -> impl IntoView {
    let plan = format!("/caseload/{client_id}/plan");
    view! {
        <section aria-labelledby="assessment-heading">
            <h2 id="assessment-heading">{format!("Assessment of {}", long_date(latest.assessed_on, today))}</h2>
            <p class="small">{format!("By {}", latest.recorded_by)}</p>
            <ul class="plain-list areas">
                {latest.areas.into_iter().map(|area| {
                    let need_class = if area.need >= Need::HighNeed { "attention-text" } else { "" };
                    let start_goal = area.need.is_a_need().then(|| {
                        let href = format!("{plan}?area={}", area.area.code());
                        let label = format!("Start a goal for {}", area.area.staff_label());
                        view! { <a class="link" href=href>{label}</a> }
                    });
                    view! {
                        <li class="card">
                            <h3>{area.area.staff_label()}</h3>
                            <p><strong class=need_class>{area.need.staff_label()}</strong></p>
                            <dl class="profile">
                                {area.strengths.map(|t| view! { <dt>"Strengths"</dt><dd class="note-text">{t}</dd> })}
                                {area.own_words.map(|t| view! { <dt>"In their words"</dt><dd class="note-text">{t}</dd> })}
                                {area.staff_notes.map(|t| view! { <dt>"Staff notes"</dt><dd class="note-text">{t}</dd> })}
                            </dl>
                            {start_goal}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Comparison(latest: Assessment, before: Assessment, today: NaiveDate) -> impl IntoView {
    let (from, to) = (
        long_date(before.assessed_on, today),
        long_date(latest.assessed_on, today),
    );
    let rows = compare_assessments(&before, &latest);
    let label = |need: Option<Need>| need.map_or("Not assessed", Need::staff_label);
    view! {
        <table class="table">
            <caption>"Compared with the assessment before"</caption>
            <thead><tr><th scope="col">"Area"</th><th scope="col">{from}</th><th scope="col">{to}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(area, was, is)| view! {
                    <tr class:changed=was != is>
                        <th scope="row">{area.staff_label()}</th><td>{label(was)}</td><td>{label(is)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn AssessmentFormView(client_id: String, start: AssessmentForm, today: NaiveDate) -> impl IntoView {
    let record = ServerAction::<RecordAssessment>::new();
    reload_after(record);
    let answer = Signal::derive(move || record.value().get());
    let version = RwSignal::new(0);
    let max_year = chrono::Datelike::year(&today);
    // Once saved, the fields go back to what the page gives them, so that the section,
    // reloaded, starts the next assessment from this one (dated today) rather than keep
    // what was typed (a page reloaded in place keeps typed values over new ones).
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(SaveAnswer::Saved)) = record.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    view! {
        <ActionForm action=record node_ref=form attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <DateField id="assessed-on".to_owned() name="assessment[assessed_on]" label="Day of the assessment"
                value=start.assessed_on.clone() max_year required=true problem=problem_at(answer, "assessed_on")/>
            {LifeDomain::ALL.iter().map(|&area| {
                let typed = start.areas.get(area.code()).cloned().unwrap_or_default();
                view! { <AreaFields area typed answer/> }
            }).collect_view()}
            <button class="button" type="submit">"Save the assessment"</button>
        </ActionForm>
    }
}

/// One area's level of need and notes.
#[component]
fn AreaFields(
    area: LifeDomain,
    typed: AreaForm,
    answer: Signal<Option<Result<SaveAnswer, AppError>>>,
) -> impl IntoView {
    let code = area.code();
    let id = move |field: &str| format!("area-{code}-{field}");
    let name = move |field: &str| format!("assessment[areas][{code}][{field}]");
    let problem = move |field: &'static str| {
        let key = format!("{code}.{field}");
        move || match answer.get() {
            Some(Ok(SaveAnswer::Invalid(problems))) => problems.about(&key).map(str::to_owned),
            _ => None,
        }
    };
    let text = move |field: &'static str, label: &'static str, value: String| {
        view! {
            <div class="field">
                <label for=id(field)>{label}</label>
                <textarea id=id(field) name=name(field) rows="2" maxlength=AREA_TEXT_MAX_CHARS
                    aria-describedby=id(&format!("{field}-problem"))>{value}</textarea>
                <p id=id(&format!("{field}-problem")) class="field-problem">{problem(field)}</p>
            </div>
        }
    };
    view! {
        <fieldset class="field area">
            <legend>{area.staff_label()}</legend>
            <p class="small">{area_prompt(area)}</p>
            <div class="field">
                <label for=id("need")>{format!("Need: {}", area.staff_label())}</label>
                <select id=id("need") name=name("need") required=true aria-describedby=id("need-problem")>
                    <option value="">"Choose"</option>
                    {Need::ALL.iter().map(|need| view! {
                        <option value=need.code() selected=typed.need == need.code()>{need.staff_label()}</option>
                    }).collect_view()}
                </select>
                <p id=id("need-problem") class="field-problem">{problem("need")}</p>
            </div>
            {text("strengths", "Strengths", typed.strengths)}
            {text("own_words", "In their own words", typed.own_words)}
            {text("staff_notes", "Staff notes (the client does not see these)", typed.staff_notes)}
        </fieldset>
    }
}
