//! What the staff's edit forms share: the answer a save gets, the fields with their problem
//! text, the message when a save is refused with both versions, and reloading the record
//! after a save.
use crate::domain::FieldProblems;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What became of a save, for the form to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveAnswer {
    Saved,
    /// Nothing was saved: what to fix, field by field.
    Invalid(FieldProblems),
    /// Someone else saved this record first. Nothing was saved: their version and what this
    /// person tried to save, as (label, value) rows to compare, and the version now stored.
    Conflict {
        theirs: Vec<(String, String)>,
        yours: Vec<(String, String)>,
        version: i64,
    },
    /// Someone sent a plan update after this page was loaded.
    Outdated,
    /// The plan is the same as the latest update: there is nothing to send.
    NothingToSend,
}

/// Runs one change of a client's record in a transaction with its audit entry; the entry
/// is written only if `change` reports that something was saved.
#[cfg(feature = "ssr")]
pub async fn change_record<F>(
    client_id: &str,
    action: &'static str,
    change: F,
) -> Result<SaveAnswer, AppError>
where
    F: for<'c> FnOnce(
        &'c mut sqlx::AnyConnection,
        &'c crate::db::ClientHome,
        &'c crate::session::SignedIn,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<(SaveAnswer, Option<String>), AppError>>
                + Send
                + 'c,
        >,
    >,
{
    crate::error::answer(action, async move {
        let (state, person, home) = crate::session::case_manager_of(client_id).await?;
        let mut tx = state.db.begin().await?;
        let (answer, target) = change(&mut tx, &home, &person).await?;
        finish(tx, answer, || {
            crate::audit::allowed(&person, action, &home.client_id, target.as_deref())
        })
        .await
    })
    .await
}

/// Ends a change's transaction: kept, with its audit entry, only if something was saved;
/// otherwise rolled back.
#[cfg(feature = "ssr")]
pub async fn finish(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    answer: SaveAnswer,
    event: impl FnOnce() -> crate::db::AuditEvent,
) -> Result<SaveAnswer, AppError> {
    if answer == SaveAnswer::Saved {
        crate::db::record_audit(&mut tx, &[event()], chrono::Utc::now()).await?;
        tx.commit().await.map_err(crate::db::DbError::from)?;
    }
    Ok(answer)
}

/// A save's answer from the database's: saved (with the id for the audit entry), refused
/// with both versions (`theirs` turns the stored record into rows and its version), or not
/// found.
#[cfg(feature = "ssr")]
pub fn answer_of<T>(
    saved: crate::db::Saved<T>,
    yours: Vec<(String, String)>,
    theirs: impl FnOnce(&T) -> Option<(Vec<(String, String)>, i64)>,
) -> Result<(SaveAnswer, Option<String>), AppError> {
    match saved {
        crate::db::Saved::Saved { id, .. } => Ok((SaveAnswer::Saved, Some(id))),
        crate::db::Saved::Conflict(stored) => {
            let (theirs, version) = theirs(&stored).ok_or(AppError::NotFound)?;
            Ok((
                SaveAnswer::Conflict {
                    theirs,
                    yours,
                    version,
                },
                None,
            ))
        }
        crate::db::Saved::NotFound => Err(AppError::NotFound),
    }
}

/// A (label, value) row for showing a version of a record.
pub fn row(label: &str, value: impl Into<String>) -> (String, String) {
    (label.to_owned(), value.into())
}

/// Bumped after every save, so that the record reloads.
#[derive(Clone, Copy)]
pub struct Saves(pub RwSignal<u32>);

/// Reloads the record after each successful save of `action`.
pub fn reload_after<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Output = SaveAnswer, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Output: Send + Sync,
{
    let Saves(saves) = expect_context::<Saves>();
    Effect::new(move |_| {
        if let Some(Ok(SaveAnswer::Saved)) = action.value().get() {
            saves.update(|n| *n += 1);
        }
    });
}

/// The problem with one field, or nothing.
pub fn problem_at(
    answer: Signal<Option<Result<SaveAnswer, AppError>>>,
    field: &'static str,
) -> impl Fn() -> Option<String> + Send + Sync + Copy {
    move || match answer.get() {
        Some(Ok(SaveAnswer::Invalid(problems))) => problems.about(field).map(str::to_owned),
        _ => None,
    }
}

/// The message above a form after a save that did not go through.
#[component]
pub fn SaveMessage(
    answer: Signal<Option<Result<SaveAnswer, AppError>>>,
    version: RwSignal<i64>,
) -> impl IntoView {
    move || {
        match answer.get() {
        Some(Ok(SaveAnswer::Invalid(_))) => Some(
            view! { <p class="message problem" role="alert">"Nothing was saved yet. Please fix what is marked below."</p> }
                .into_any(),
        ),
        Some(Ok(SaveAnswer::Conflict { theirs, yours, version: stored })) => {
            // Saving again now replaces their version with this one, knowingly.
            version.set(stored);
            Some(view! { <Conflict theirs yours/> }.into_any())
        }
        Some(Err(error)) => Some(view! { <p class="message problem" role="alert">{error.to_string()}</p> }.into_any()),
        _ => None,
    }
    }
}

/// Both versions side by side, when someone else saved first.
#[component]
fn Conflict(theirs: Vec<(String, String)>, yours: Vec<(String, String)>) -> impl IntoView {
    let list = |rows: Vec<(String, String)>| {
        view! {
            <dl>
                {rows.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
        }
    };
    view! {
        <div class="message problem conflict" role="alert">
            <p><strong>"Someone else saved this while you were editing it. Your changes are not saved yet."</strong></p>
            <div class="versions">
                <div>
                    <h4>"Their version (saved)"</h4>
                    {list(theirs)}
                </div>
                <div>
                    <h4>"Your version (not saved)"</h4>
                    {list(yours)}
                </div>
            </div>
            <p>"To keep theirs, reload the page. To keep yours instead, check the form and save again: it will replace theirs."</p>
        </div>
    }
}

#[component]
pub fn TextField(
    id: String,
    name: &'static str,
    label: &'static str,
    value: String,
    max: usize,
    problem: impl Fn() -> Option<String> + Send + Sync + Copy + 'static,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let problem_id = format!("{id}-problem");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name value=value required=required maxlength=max
                aria-invalid=move || problem().is_some().to_string() aria-describedby=problem_id.clone()/>
            <p id=problem_id class="field-problem">{problem}</p>
        </div>
    }
}

#[component]
pub fn DateField(
    id: String,
    name: &'static str,
    label: &'static str,
    value: String,
    max_year: i32,
    problem: impl Fn() -> Option<String> + Send + Sync + Copy + 'static,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let problem_id = format!("{id}-problem");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name type="date" value=value min="2000-01-01" max=format!("{max_year}-12-31")
                required=required
                aria-invalid=move || problem().is_some().to_string() aria-describedby=problem_id.clone()/>
            <p id=problem_id class="field-problem">{problem}</p>
        </div>
    }
}

#[component]
pub fn Choice(
    id: String,
    name: &'static str,
    label: &'static str,
    value: String,
    options: Vec<(&'static str, &'static str)>,
    problem: impl Fn() -> Option<String> + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let problem_id = format!("{id}-problem");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-describedby=problem_id.clone()>
                {options.into_iter().map(|(code, text)| view! {
                    <option value=code selected=code == value>{text}</option>
                }).collect_view()}
            </select>
            <p id=problem_id class="field-problem">{problem}</p>
        </div>
    }
}
