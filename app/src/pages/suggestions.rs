//! What the client suggested for their plan, as the care team sees it on the plan section:
//! each new one taken into the draft in the client's words, or answered; the settled ones
//! below, with what became of them.
use crate::domain::{
    long_date, LifeDomain, SaveAnswer, Suggestion, SuggestionState, SUGGESTION_ANSWER_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, Choice, SaveMessage};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Takes a suggestion into the draft: a goal in the part of life chosen, or a step.
#[server(endpoint = "take-suggestion")]
pub async fn take_suggestion(
    client_id: String,
    suggestion_id: String,
    #[server(default)] domain: String,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::suggestions::take;
    crate::request::answer("suggestion.take", async move {
        let (state, asking) = crate::request::asking().await?;
        take(&state.db, &asking, &client_id, &suggestion_id, &domain).await
    })
    .await
}

/// Answers a suggestion in words for the client.
#[server(endpoint = "answer-suggestion")]
pub async fn answer_suggestion(
    client_id: String,
    suggestion_id: String,
    answer: String,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::suggestions::answer as answer_it;
    crate::request::answer("suggestion.answer", async move {
        let (state, asking) = crate::request::asking().await?;
        answer_it(&state.db, &asking, &client_id, &suggestion_id, &answer).await
    })
    .await
}

#[component]
pub fn Suggestions(
    client_id: String,
    suggestions: Vec<Suggestion>,
    today: NaiveDate,
) -> impl IntoView {
    if suggestions.is_empty() {
        return None;
    }
    let (waiting, settled): (Vec<_>, Vec<_>) = suggestions
        .into_iter()
        .partition(|s| s.state == SuggestionState::Waiting);
    Some(view! {
        <section aria-labelledby="suggestions-heading">
            <h2 id="suggestions-heading">{format!("Suggestions from the client ({} new)", waiting.len())}</h2>
            <ul class="plain-list">
                {waiting.into_iter().map(|s| view! {
                    <li><WaitingSuggestion client_id=client_id.clone() suggestion=s today/></li>
                }).collect_view()}
            </ul>
            {(!settled.is_empty()).then(|| view! {
                <details class="card">
                    <summary>{format!("Earlier suggestions ({})", settled.len())}</summary>
                    <ul class="plain-list">
                        {settled.into_iter().map(|s| view! {
                            <li>
                                <p>{what_it_is(&s)}</p>
                                <p class="small">{format!("{} · sent {}", s.state.staff_label(), long_date(s.suggested_on, today))}</p>
                                {s.answer.map(|a| view! { <p class="note-text">{a}</p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    })
}

fn what_it_is(suggestion: &Suggestion) -> String {
    match &suggestion.goal {
        Some(goal) => format!("A step for \"{goal}\": {}", suggestion.text),
        None => format!("A goal: {}", suggestion.text),
    }
}

#[component]
fn WaitingSuggestion(client_id: String, suggestion: Suggestion, today: NaiveDate) -> impl IntoView {
    let take = ServerAction::<TakeSuggestion>::new();
    let answer = ServerAction::<AnswerSuggestion>::new();
    reload_after(take);
    reload_after(answer);
    let outcome = Signal::derive(move || answer.value().get().or_else(|| take.value().get()));
    let version = RwSignal::new(0);
    let id = suggestion.id.to_string();
    let answer_id = format!("answer-{id}");
    let is_goal = !suggestion.is_step();
    let choice_id = format!("take-{id}-domain");
    let (take_client, take_id) = (client_id.clone(), id.clone());
    view! {
        <article class="card">
            <h3>{what_it_is(&suggestion)}</h3>
            <p class="small">{format!("Sent {}", long_date(suggestion.suggested_on, today))}</p>
            <SaveMessage answer=outcome version/>
            <ActionForm action=take attr:class="form">
                <input type="hidden" name="client_id" value=take_client/>
                <input type="hidden" name="suggestion_id" value=take_id/>
                {is_goal.then(move || view! {
                    <Choice id=choice_id name="domain" label="Part of life" value=LifeDomain::Wellbeing.code().to_owned()
                        options=LifeDomain::ALL.iter().map(|d| (d.code(), d.staff_label())).collect()
                        problem=problem_at(outcome, "domain")/>
                })}
                <button class="button" type="submit">"Add to the draft, in their words"</button>
            </ActionForm>
            <details>
                <summary>"Answer instead"</summary>
                <ActionForm action=answer attr:class="form">
                    <input type="hidden" name="client_id" value=client_id/>
                    <input type="hidden" name="suggestion_id" value=id/>
                    <div class="field">
                        <label for=answer_id.clone()>"Your answer, in words for the client"</label>
                        <textarea id=answer_id.clone() name="answer" rows="3" required=true maxlength=SUGGESTION_ANSWER_MAX_CHARS
                            aria-describedby=format!("{answer_id}-problem")></textarea>
                        <p id=format!("{answer_id}-problem") class="field-problem">{problem_at(outcome, "answer")}</p>
                    </div>
                    <button class="button secondary" type="submit">"Send the answer"</button>
                </ActionForm>
            </details>
        </article>
    }
}
