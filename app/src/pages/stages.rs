//! A client's stage of care as their case manager records it: the stages held now with the
//! form for a change (several stages may be held at once), and the timeline of changes, kept
//! for good.
use crate::domain::{
    long_date, SaveAnswer, Stage, StageChange, StageDirection, StageForm, StageStep,
    STAGE_NOTE_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, DateField, SaveMessage};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Records a change of stage from a date, with an optional note. Changes are only added.
#[server(endpoint = "record-stage")]
pub async fn record_stage(client_id: String, change: StageForm) -> Result<SaveAnswer, AppError> {
    crate::request::answer("stage.record", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::stages::record(&state.db, &asking, &client_id, change).await
    })
    .await
}

/// What a step of the timeline says, in plain words.
fn step_words(step: &StageStep) -> String {
    let names = |stages: &[Stage]| {
        stages
            .iter()
            .map(|s| s.staff_label())
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let mut parts = Vec::new();
    if !step.started.is_empty() {
        parts.push(format!("Started {}", names(&step.started)));
    }
    if !step.ended.is_empty() {
        parts.push(format!("ended {}", names(&step.ended)));
    }
    let way = match step.direction {
        StageDirection::Start => "",
        StageDirection::Forward => " (a step along)",
        StageDirection::Back => " (a step back, which is a normal part of care)",
        StageDirection::Alongside => "",
    };
    format!("{}{way}", parts.join("; "))
}

/// The stages held now, and the form to record a change.
#[component]
pub fn StageNow(client_id: String, latest: Option<StageStep>, today: NaiveDate) -> impl IntoView {
    let current = latest.as_ref().map(|s| {
        s.change
            .stages
            .iter()
            .map(|s| s.staff_label())
            .collect::<Vec<_>>()
            .join(", ")
    });
    let since = latest
        .as_ref()
        .map(|s| format!(" (since {})", long_date(s.change.effective_on, today)));
    let latest: Option<StageChange> = latest.map(|s| s.change);
    view! {
        <section aria-labelledby="stage-heading">
            <h2 id="stage-heading">"Stage of care"</h2>
            <p><strong>"Now: "</strong>{current.unwrap_or_else(|| "Not recorded yet".to_owned())}{since}</p>
            <details class="card">
                <summary>"Record a change of stage"</summary>
                <StageFormView client_id latest today/>
            </details>
        </section>
    }
}

/// Every change of stage, newest first: kept for good.
#[component]
pub fn StageTimeline(steps: Vec<StageStep>, today: NaiveDate) -> impl IntoView {
    view! {
        <section aria-labelledby="stage-history-heading">
            <h2 id="stage-history-heading">"Stage of care over time"</h2>
            {steps.is_empty().then(|| view! { <p>"Not recorded yet."</p> })}
            <ol class="timeline" reversed=true>
                {steps.into_iter().rev().map(|step| view! {
                    <li>
                        <strong>{long_date(step.change.effective_on, today)}</strong>": "{step_words(&step)}
                        {step.change.note.clone().map(|n| view! { <span class="small block">{n}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn StageFormView(
    client_id: String,
    latest: Option<StageChange>,
    today: NaiveDate,
) -> impl IntoView {
    let record = ServerAction::<RecordStage>::new();
    reload_after(record);
    let answer = Signal::derive(move || record.value().get());
    let version = RwSignal::new(0);
    let held = move |stage: Stage| latest.as_ref().is_some_and(|l| l.stages.contains(stage));
    let max_year = chrono::Datelike::year(&today);
    view! {
        <ActionForm action=record attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <fieldset class="field" aria-describedby="stages-problem">
                <legend>"Stages from this date (one or more)"</legend>
                {Stage::ALL.iter().map(|&stage| {
                    let id = format!("stage-{}", stage.code());
                    let label_for = id.clone();
                    view! {
                        <label class="check" for=label_for>
                            <input type="checkbox" id=id name=format!("change[stages][{}]", stage.code()) value="on" checked=held(stage)/>
                            {stage.staff_label()}
                        </label>
                    }
                }).collect_view()}
                <p id="stages-problem" class="field-problem">{problem_at(answer, "stages")}</p>
            </fieldset>
            <DateField id="stage-effective-on".to_owned() name="change[effective_on]" label="From"
                value=today.to_string() max_year required=true problem=problem_at(answer, "effective_on")/>
            <div class="field">
                <label for="stage-note">"Note (optional)"</label>
                <textarea id="stage-note" name="change[note]" rows="2" maxlength=STAGE_NOTE_MAX_CHARS
                    aria-describedby="stage-note-problem"></textarea>
                <p id="stage-note-problem" class="field-problem">{problem_at(answer, "note")}</p>
            </div>
            <button class="button" type="submit">"Record the change"</button>
        </ActionForm>
    }
}
