//! Handing a client over to a colleague, as a case manager does it from the record, and the
//! handovers as the record's history and the caseload show them.
use crate::domain::{long_date, Handover, HandoverForm, SaveAnswer, HANDOVER_NOTE_MAX_CHARS};
use crate::error::AppError;
use crate::pages::editing::{problem_at, SaveMessage};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Hands the client over: the colleague takes this case manager's place on the team.
#[server(endpoint = "hand-over")]
pub async fn hand_over(client_id: String, handover: HandoverForm) -> Result<SaveAnswer, AppError> {
    crate::request::answer("care_team.handover", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::care_teams::hand_over(&state.db, &asking, &client_id, handover).await
    })
    .await
}

/// The form, folded. Once the client is handed over this case manager no longer sees the
/// record, so the caseload opens, where the handover is listed.
#[component]
pub fn HandOverCard(client_id: String, colleagues: Vec<(String, String)>) -> impl IntoView {
    let action = ServerAction::<HandOver>::new();
    let answer = Signal::derive(move || action.value().get());
    let version = RwSignal::new(0);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(SaveAnswer::Saved)) = action.value().get() {
            navigate("/caseload", Default::default());
        }
    });
    let to_problem = problem_at(answer, "to");
    view! {
        <details class="card">
            <summary>"Hand this client over to a colleague"</summary>
            <ActionForm action attr:class="form">
                <SaveMessage answer version/>
                <input type="hidden" name="client_id" value=client_id/>
                <div class="field">
                    <label for="handover-to">"Who takes over"</label>
                    <select id="handover-to" name="handover[to]" required=true aria-describedby="handover-to-problem">
                        <option value="">"Choose a colleague"</option>
                        {colleagues.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                    <p id="handover-to-problem" class="field-problem">{to_problem}</p>
                </div>
                <div class="field">
                    <label for="handover-note">"What they should know"</label>
                    <textarea id="handover-note" name="handover[note]" rows="4" required=true
                        maxlength=HANDOVER_NOTE_MAX_CHARS aria-describedby="handover-note-problem"></textarea>
                    <p id="handover-note-problem" class="field-problem">{problem_at(answer, "note")}</p>
                </div>
                <p class="small">"You leave the care team, and the record leaves your caseload."</p>
                <button class="button" type="submit">"Hand over"</button>
            </ActionForm>
        </details>
    }
}

/// Handovers, latest first: on the record's history, and on the caseload of whoever handed
/// the client on (`with_names`, naming the client).
#[component]
pub fn Handovers(handovers: Vec<Handover>, today: NaiveDate, with_names: bool) -> impl IntoView {
    view! {
        <ul class="plain-list handovers">
            {handovers.into_iter().map(|h| {
                let who = if with_names {
                    format!("{}: handed over to {}", h.preferred_name, h.to)
                } else {
                    format!("{} handed over to {}", h.from, h.to)
                };
                view! {
                    <li class="card">
                        <p><strong>{who}</strong>{format!(", {}", long_date(h.at.date_naive(), today))}</p>
                        <p class="note-text">{h.note}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
