//! Closing a case with the reason, the day and the aftercare plan, and reopening it as a new
//! episode; on the record's overview, and every episode in its history.
use crate::domain::{
    long_date, CloseForm, CloseReason, Episode, SaveAnswer, AFTERCARE_PART_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, Choice, DateField, SaveMessage};
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

/// Closes the client's case: their coming appointments and supporters' access end.
#[server(endpoint = "close-case")]
pub async fn close_case(
    client_id: String,
    #[server(default)] closing: CloseForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("episode.close", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::episodes::close(&state.db, &asking, &client_id, closing).await
    })
    .await
}

/// Reopens the client's case as a new episode from today.
#[server(endpoint = "reopen-case")]
pub async fn reopen_case(client_id: String) -> Result<SaveAnswer, AppError> {
    crate::request::answer("episode.reopen", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::episodes::reopen(&state.db, &asking, &client_id).await
    })
    .await
}

/// Where the case stands: open (with the form that closes it) or closed (with the aftercare
/// plan and the button that reopens it).
#[component]
pub fn CaseState(client_id: String, episode: Option<Episode>, today: NaiveDate) -> impl IntoView {
    let episode = episode?;
    let heading = match &episode.closing {
        None => format!(
            "Case open since {} (episode {})",
            long_date(episode.opened_on, today),
            episode.number
        ),
        Some(closing) => format!(
            "Case closed {}: {}",
            long_date(closing.aftercare.closed_on, today),
            closing.reason.label()
        ),
    };
    Some(view! {
        <section aria-labelledby="case-heading">
            <h2 id="case-heading">{heading}</h2>
            {match episode.closing {
                None => view! {
                    <details class="card">
                        <summary>"Close the case"</summary>
                        <CloseFormView client_id today/>
                    </details>
                }
                .into_any(),
                Some(closing) => view! {
                    <dl class="profile">
                        <dt>"Supports that stay"</dt><dd class="note-text">{closing.aftercare.supports.clone()}</dd>
                        <dt>"Who to call"</dt><dd class="note-text">{closing.aftercare.contact.clone()}</dd>
                        <dt>"How to come back"</dt><dd class="note-text">{closing.aftercare.come_back.clone()}</dd>
                        {closing.note.clone().map(|n| view! { <dt>"Note"</dt><dd class="note-text">{n}</dd> })}
                    </dl>
                    <p class="small">{format!(
                        "Closed by {}. The client can sign in until {} to read this, their safety plan and resources.",
                        closing.closed_by,
                        long_date(closing.aftercare.last_sign_in_day(), today)
                    )}</p>
                    <ReopenButton client_id/>
                }
                .into_any(),
            }}
        </section>
    })
}

#[component]
fn CloseFormView(client_id: String, today: NaiveDate) -> impl IntoView {
    let close = ServerAction::<CloseCase>::new();
    reload_after(close);
    let answer = Signal::derive(move || close.value().get());
    let version = RwSignal::new(0);
    let area = move |name: &'static str,
                     field: &'static str,
                     label: &'static str,
                     required: bool| {
        let id = format!("close-{field}");
        let problem_id = format!("{id}-problem");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <textarea id=id name=name rows="3" required=required maxlength=AFTERCARE_PART_MAX_CHARS
                    aria-describedby=problem_id.clone()></textarea>
                <p id=problem_id class="field-problem">{problem_at(answer, field)}</p>
            </div>
        }
    };
    view! {
        <ActionForm action=close attr:class="form">
            <SaveMessage answer version/>
            <p>"Closing ends the client's coming appointments and what their supporters can see (they are told why). The client can still sign in for 90 days to read the aftercare plan."</p>
            <input type="hidden" name="client_id" value=client_id/>
            <Choice id="close-reason".to_owned() name="closing[reason]" label="Why the case closes"
                value=CloseReason::PlanCompleted.code().to_owned()
                options=CloseReason::ALL.iter().map(|r| (r.code(), r.label())).collect()
                problem=problem_at(answer, "reason")/>
            <DateField id="close-on".to_owned() name="closing[closed_on]" label="Day it closes"
                value=today.to_string() max_year=today.year() required=true problem=problem_at(answer, "closed_on")/>
            {area("closing[supports]", "supports", "Aftercare: supports that stay in place", true)}
            {area("closing[contact]", "contact", "Aftercare: who to call", true)}
            {area("closing[come_back]", "come_back", "Aftercare: how to come back", true)}
            {area("closing[note]", "note", "Note (needed for \"Other\")", false)}
            <button class="button" type="submit">"Close the case"</button>
        </ActionForm>
    }
}

#[component]
fn ReopenButton(client_id: String) -> impl IntoView {
    let reopen = ServerAction::<ReopenCase>::new();
    reload_after(reopen);
    let answer = Signal::derive(move || reopen.value().get());
    let version = RwSignal::new(0);
    view! {
        <ActionForm action=reopen attr:class="inline-form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <button class="button" type="submit">"Reopen the case (a new episode)"</button>
        </ActionForm>
    }
}

/// Every episode of care, first first.
#[component]
pub fn Episodes(episodes: Vec<Episode>, today: NaiveDate) -> impl IntoView {
    view! {
        <section aria-labelledby="episodes-heading">
            <h2 id="episodes-heading">"Episodes of care"</h2>
            <ol class="plain-list">
                {episodes.into_iter().map(|e| {
                    let ended = e.closing.map(|c| format!(
                        ", closed {} ({})",
                        long_date(c.aftercare.closed_on, today),
                        c.reason.label()
                    ));
                    view! {
                        <li>{format!(
                            "Episode {}: opened {}{}",
                            e.number,
                            long_date(e.opened_on, today),
                            ended.unwrap_or_default()
                        )}</li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
