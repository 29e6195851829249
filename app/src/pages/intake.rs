//! Intake: a case manager or an admin adds a new client to the program. A case manager is
//! the new client's primary case manager and goes on to their record (and the set-up code
//! for their phone); an admin chooses the primary case manager and can add the next one.
use crate::components::loaded;
use crate::domain::{
    IntakeAnswer, IntakeForm, LeaveMessages, CLIENT_NAME_MAX_CHARS, EARLIEST_BIRTH_YEAR,
    LANGUAGE_MAX_CHARS, PHARMACY_MAX_CHARS, PHONE_MAX_CHARS, PRONOUNS_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{Choice, DateField, TextField};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

pub const INTAKE_PATH: &str = "/caseload/new";

/// What the intake form offers the person filling it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeChoices {
    /// An admin chooses the primary case manager; a case manager is it.
    pub by_admin: bool,
    /// The program's active case managers other than the one asking: (id, name).
    pub case_managers: Vec<(String, String)>,
    pub today: NaiveDate,
}

#[server(endpoint = "intake")]
pub async fn get_intake_choices() -> Result<IntakeChoices, AppError> {
    use crate::{clock, db, domain::Role, request};
    request::answer("read.intake", async move {
        let (state, asking) = request::asking().await?;
        let person = asking.signed_in()?;
        if !matches!(person.role, Role::CaseManager | Role::Admin) {
            return Err(AppError::NotFound);
        }
        let org = &person.organisation_id;
        let time_zone = db::time_zone_of_organisation(&state.db, org).await?;
        let case_managers = db::staff_of_organisation(&state.db, org)
            .await?
            .into_iter()
            .filter(|s| {
                s.role == Role::CaseManager.code()
                    && s.deactivated_at.is_none()
                    && s.person_id != person.person_id
            })
            .map(|s| (s.person_id, s.display_name))
            .collect();
        Ok(IntakeChoices {
            by_admin: person.role == Role::Admin,
            case_managers,
            today: clock::local_time_in(&time_zone).date(),
        })
    })
    .await
}

#[server(endpoint = "add-client")]
pub async fn add_client(client: IntakeForm) -> Result<IntakeAnswer, AppError> {
    crate::request::answer("client.add", async move {
        let (state, asking) = crate::request::asking().await?;
        let by = crate::actions::AddedBy::SignedIn(&asking);
        crate::actions::intake::add_client(&state.db, by, client, chrono::Utc::now()).await
    })
    .await
}

#[component]
pub fn IntakePage() -> impl IntoView {
    let choices = Resource::new(|| (), |_| get_intake_choices());
    view! {
        <Title text="New client"/>
        {loaded(choices, |choices| view! { <IntakeView choices/> })}
    }
}

#[component]
fn IntakeView(choices: IntakeChoices) -> impl IntoView {
    let add = ServerAction::<AddClient>::new();
    let answer = Signal::derive(move || add.value().get());
    // A case manager goes on to the new record; an admin stays to add the next client.
    let by_admin = choices.by_admin;
    let navigate = leptos_router::hooks::use_navigate();
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(IntakeAnswer::Added { client_id })) = answer.get() {
            if by_admin {
                if let Some(form) = form.get() {
                    form.reset();
                }
            } else {
                navigate(&format!("/caseload/{client_id}"), Default::default());
            }
        }
    });
    let problem = move |field: &'static str| {
        move || match answer.get() {
            Some(Ok(IntakeAnswer::Invalid(problems))) => problems.about(field).map(str::to_owned),
            _ => None,
        }
    };
    let today = choices.today;
    let max_year = crate::domain::latest_form_year(today);
    let others = choices.case_managers.clone();
    let case_manager_options = move |first: (&'static str, &'static str)| {
        let mut options = vec![(first.0.to_owned(), first.1.to_owned())];
        options.extend(others.iter().cloned());
        options
    };
    view! {
        <nav class="crumbs" aria-label="Breadcrumb">
            <a class="link" href=if by_admin { "/admin" } else { "/caseload" }>{if by_admin { "Administration" } else { "Caseload" }}</a>
        </nav>
        <h1>"New client"</h1>
        <IntakeMessage answer/>
        <ActionForm action=add node_ref=form attr:class="form intake">
            <fieldset>
                <legend>"About them"</legend>
                <TextField id="full_name".into() name="client[full_name]" label="Full name" value=String::new()
                    max=CLIENT_NAME_MAX_CHARS problem=problem("full_name")/>
                <TextField id="preferred_name".into() name="client[preferred_name]" label="The name they want to be called"
                    value=String::new() max=CLIENT_NAME_MAX_CHARS problem=problem("preferred_name")/>
                <TextField id="pronouns".into() name="client[pronouns]" label="Pronouns (optional)" value=String::new()
                    max=PRONOUNS_MAX_CHARS required=false problem=problem("pronouns")/>
                <div class="field">
                    <label for="date_of_birth">"Date of birth"</label>
                    <input id="date_of_birth" name="client[date_of_birth]" type="date" required=true
                        min=format!("{EARLIEST_BIRTH_YEAR}-01-01") max=today.to_string()
                        aria-invalid=move || problem("date_of_birth")().is_some().to_string()
                        aria-describedby="date_of_birth-problem"/>
                    <p id="date_of_birth-problem" class="field-problem">{problem("date_of_birth")}</p>
                </div>
                <TextField id="preferred_language".into() name="client[preferred_language]" label="Preferred language (optional)"
                    value=String::new() max=LANGUAGE_MAX_CHARS required=false problem=problem("preferred_language")/>
            </fieldset>
            <fieldset>
                <legend>"How to reach them"</legend>
                <div class="field">
                    <label for="phone">"Phone (optional)"</label>
                    <input id="phone" name="client[phone]" type="tel" maxlength=PHONE_MAX_CHARS autocomplete="off"
                        aria-invalid=move || problem("phone")().is_some().to_string() aria-describedby="phone-problem"/>
                    <p id="phone-problem" class="field-problem">{problem("phone")}</p>
                </div>
                <Choice id="leave_messages".into() name="client[leave_messages]" label="May we leave a message at this phone?"
                    value=LeaveMessages::No.code().to_owned()
                    options=LeaveMessages::ALL.iter().map(|m| (m.code(), m.label())).collect()
                    problem=problem("leave_messages")/>
            </fieldset>
            <fieldset>
                <legend>"Treatment"</legend>
                <DateField id="program_start_on".into() name="client[program_start_on]" label="Treatment start date"
                    value=today.to_string() max_year=max_year required=true problem=problem("program_start_on")/>
                <TextField id="pharmacy".into() name="client[pharmacy]" label="Pharmacy where they pick up their dose (optional)"
                    value=String::new() max=PHARMACY_MAX_CHARS required=false problem=problem("pharmacy")/>
            </fieldset>
            <fieldset>
                <legend>"Care team"</legend>
                {if by_admin {
                    view! {
                        <OwnedChoice id="primary_case_manager" name="client[primary_case_manager]" label="Primary case manager"
                            options=case_manager_options(("", "Choose a case manager")) problem=problem("primary_case_manager")/>
                    }.into_any()
                } else {
                    view! { <p>"You will be their primary case manager."</p> }.into_any()
                }}
                <OwnedChoice id="second_case_manager" name="client[second_case_manager]" label="Second case manager (optional)"
                    options=case_manager_options(("", "None")) problem=problem("second_case_manager")/>
            </fieldset>
            <button class="button" type="submit">"Add client"</button>
        </ActionForm>
    }
}

/// A choice among options made at run time (the program's case managers).
#[component]
fn OwnedChoice(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    problem: impl Fn() -> Option<String> + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let problem_id = format!("{id}-problem");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name aria-describedby=problem_id.clone()
                aria-invalid=move || problem().is_some().to_string()>
                {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
            </select>
            <p id=problem_id class="field-problem">{problem}</p>
        </div>
    }
}

/// What became of the form, above it.
#[component]
fn IntakeMessage(answer: Signal<Option<Result<IntakeAnswer, AppError>>>) -> impl IntoView {
    move || {
        match answer.get() {
        Some(Ok(IntakeAnswer::Invalid(_))) => Some(view! {
            <p class="message problem" role="alert">"The client was not added yet. Please fix what is marked below."</p>
        }.into_any()),
        Some(Ok(IntakeAnswer::Exists { client_id: Some(id) })) => Some(view! {
            <div class="message problem" role="alert">
                <p>"A client with this name and date of birth is already in your caseload. Nothing new was added."</p>
                <a class="button secondary" href=format!("/caseload/{id}")>"Open their record"</a>
            </div>
        }.into_any()),
        Some(Ok(IntakeAnswer::Exists { client_id: None })) => Some(view! {
            <p class="message problem" role="alert">"A client with this name and date of birth is already in the program. Nothing new was added. Their case manager or an administrator can add you to their care team."</p>
        }.into_any()),
        Some(Ok(IntakeAnswer::Added { .. })) => Some(view! {
            <p class="message" role="status">"The client was added. Their case manager can now make the set-up code for their phone."</p>
        }.into_any()),
        Some(Err(error)) => Some(view! { <p class="message problem" role="alert">{error.to_string()}</p> }.into_any()),
        None => None,
    }
    }
}
