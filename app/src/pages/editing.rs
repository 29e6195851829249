//! What the staff's edit forms share: the fields with their problem text, the message when a
//! save is refused with both versions, and reloading the record after a save. The saves
//! themselves are actions (`actions::plan`, `actions::directory`, ...).
use crate::domain::SaveAnswer;
use crate::error::AppError;
use leptos::prelude::*;

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
