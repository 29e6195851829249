//! Case notes as a case manager keeps them: a note of each contact (or try), newest first,
//! and the form for a new one. Staff only: nothing here reaches the client or a supporter.
use crate::domain::{
    long_date, CaseNote, CaseNoteForm, ContactKind, SaveAnswer, CASE_NOTE_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, Choice, DateField, SaveMessage};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Adds a note of a contact with the client.
#[server(endpoint = "add-case-note")]
pub async fn add_case_note(client_id: String, note: CaseNoteForm) -> Result<SaveAnswer, AppError> {
    crate::request::answer("case_note.add", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::case_notes::add(&state.db, &asking, &client_id, note).await
    })
    .await
}

#[component]
pub fn CaseNotes(client_id: String, notes: Vec<CaseNote>, today: NaiveDate) -> impl IntoView {
    view! {
        <section aria-labelledby="notes-heading">
            <h2 id="notes-heading">"Case notes"</h2>
            <p class="small">"For the care team only. The client does not see these."</p>
            <details class="card" open=notes.is_empty()>
                <summary>"Add a note"</summary>
                <CaseNoteFormView client_id today/>
            </details>
            {if notes.is_empty() {
                view! { <p>"No notes yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="plain-list case-notes">
                        {notes.into_iter().map(|note| view! {
                            <li class="card">
                                <p><strong>{long_date(note.contact_on, today)}" · "{note.kind.staff_label()}</strong></p>
                                <p class="note-text">{note.text}</p>
                                <p class="small">{format!("Written by {} on {}", note.written_by, note.written_at.format("%Y-%m-%d"))}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn CaseNoteFormView(client_id: String, today: NaiveDate) -> impl IntoView {
    let add = ServerAction::<AddCaseNote>::new();
    reload_after(add);
    let answer = Signal::derive(move || add.value().get());
    let version = RwSignal::new(0);
    let max_year = chrono::Datelike::year(&today);
    view! {
        <ActionForm action=add attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <Choice id="note-kind".to_owned() name="note[kind]" label="What kind of contact"
                value=ContactKind::InPerson.code().to_owned()
                options=ContactKind::ALL.iter().map(|k| (k.code(), k.staff_label())).collect()
                problem=problem_at(answer, "kind")/>
            <DateField id="note-contact-on".to_owned() name="note[contact_on]" label="Day of the contact"
                value=today.to_string() max_year required=true problem=problem_at(answer, "contact_on")/>
            <div class="field">
                <label for="note-text">"What happened"</label>
                <textarea id="note-text" name="note[text]" rows="4" required=true maxlength=CASE_NOTE_MAX_CHARS
                    aria-invalid=move || problem_at(answer, "text")().is_some().to_string()
                    aria-describedby="note-text-problem"></textarea>
                <p id="note-text-problem" class="field-problem">{problem_at(answer, "text")}</p>
            </div>
            <button class="button" type="submit">"Add note"</button>
        </ActionForm>
    }
}
