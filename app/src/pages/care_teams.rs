//! The admin's care-teams page (`/admin/care-teams`): each client's primary and second case
//! manager, the office's phone and hours, and each case manager's own line. What is set
//! here is what a client sees under "Your care team".
use crate::components::loaded;
use crate::domain::{
    CareTeamForm, OfficeForm, SaveAnswer, WorkPhoneForm, OFFICE_HOURS_MAX_CHARS, PHONE_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, SaveMessage, Saves, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

pub const CARE_TEAMS_PATH: &str = "/admin/care-teams";

/// A case manager, for the choices and the phone list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseManagerLine {
    pub person_id: String,
    pub name: String,
    pub phone: Option<String>,
}

/// A client and the ids of their team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientTeamRow {
    pub client_id: String,
    /// "Full name (called Preferred)".
    pub name: String,
    pub primary: Option<String>,
    pub secondary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareTeams {
    pub office_phone: Option<String>,
    pub office_hours: Option<String>,
    /// Active case managers, by name.
    pub case_managers: Vec<CaseManagerLine>,
    pub clients: Vec<ClientTeamRow>,
}

#[server(endpoint = "care-teams")]
pub async fn get_care_teams() -> Result<CareTeams, AppError> {
    use crate::{db, domain::Role, request};
    request::answer("read.care_teams", async move {
        let (state, asking) = request::asking().await?;
        let admin = asking.as_role(Role::Admin)?;
        let org = &admin.organisation_id;
        let (office_phone, office_hours) = db::office_of(&state.db, org).await?;
        let case_managers = db::staff_of_organisation(&state.db, org)
            .await?
            .into_iter()
            .filter(|s| s.role == Role::CaseManager.code() && s.deactivated_at.is_none())
            .map(|s| CaseManagerLine {
                person_id: s.person_id,
                name: s.display_name,
                phone: s.work_phone,
            })
            .collect();
        let teams = db::care_teams_of_organisation(&state.db, org).await?;
        let ids: Vec<&str> = teams.iter().map(|t| t.client_id.as_str()).collect();
        crate::audit::record_read(&state.db, &asking, "read.care_teams", &ids).await?;
        let clients = teams
            .into_iter()
            .map(|t| ClientTeamRow {
                name: if t.full_name.starts_with(&t.preferred_name) {
                    t.full_name
                } else {
                    format!("{} (called {})", t.full_name, t.preferred_name)
                },
                client_id: t.client_id,
                primary: t.primary_id,
                secondary: t.secondary_id,
            })
            .collect();
        Ok(CareTeams {
            office_phone,
            office_hours,
            case_managers,
            clients,
        })
    })
    .await
}

/// Sets a client's primary and second case manager.
#[server(endpoint = "set-care-team")]
pub async fn set_care_team(client_id: String, team: CareTeamForm) -> Result<SaveAnswer, AppError> {
    crate::request::answer("care_team.set", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::care_teams::set_care_team(&state.db, &asking, &client_id, team).await
    })
    .await
}

/// Sets the office's phone and hours.
#[server(endpoint = "set-office")]
pub async fn set_office(office: OfficeForm) -> Result<SaveAnswer, AppError> {
    crate::request::answer("organisation.office", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::care_teams::set_office(&state.db, &asking, office).await
    })
    .await
}

/// Sets a case manager's own line.
#[server(endpoint = "set-work-phone")]
pub async fn set_work_phone(
    person_id: String,
    staff: WorkPhoneForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("staff.work_phone", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::care_teams::set_work_phone(&state.db, &asking, &person_id, staff).await
    })
    .await
}

#[component]
pub fn CareTeamsPage() -> impl IntoView {
    let saved = RwSignal::new(0_u32);
    provide_context(Saves(saved));
    let teams = Resource::new(move || saved.get(), |_| get_care_teams());
    view! {
        <Title text="Care teams"/>
        {loaded(teams, |teams| view! { <CareTeamsView teams/> })}
    }
}

#[component]
fn CareTeamsView(teams: CareTeams) -> impl IntoView {
    let CareTeams {
        office_phone,
        office_hours,
        case_managers,
        clients,
    } = teams;
    let choices: Vec<(String, String)> = case_managers
        .iter()
        .map(|c| (c.person_id.clone(), c.name.clone()))
        .collect();
    view! {
        <div class="care-teams">
            <nav class="crumbs" aria-label="Breadcrumb"><a class="link" href="/admin">"Administration"</a></nav>
            <h1>"Care teams"</h1>
            <p>"Clients see their care team, the office's phone and hours, and each case manager's line on their Today page."</p>
            <OfficeFormView phone=office_phone.unwrap_or_default() hours=office_hours.unwrap_or_default()/>
            <section aria-labelledby="lines-heading">
                <h2 id="lines-heading">"Case managers' lines"</h2>
                <ul class="plain-list">
                    {case_managers.into_iter().map(|c| view! { <li><WorkPhoneFormView line=c/></li> }).collect_view()}
                </ul>
            </section>
            <section aria-labelledby="teams-heading">
                <h2 id="teams-heading">"Clients and their teams"</h2>
                {if clients.is_empty() {
                    view! { <p>"No clients yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list team-rows">
                            {clients.into_iter().map(|row| view! { <li><TeamFormView row choices=choices.clone()/></li> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

#[component]
fn OfficeFormView(phone: String, hours: String) -> impl IntoView {
    let save = ServerAction::<SetOffice>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(0);
    view! {
        <section aria-labelledby="office-heading">
            <h2 id="office-heading">"The office"</h2>
            <ActionForm action=save attr:class="form">
                <SaveMessage answer version/>
                <TextField id="office-phone".to_owned() name="office[phone]" label="Office phone (optional)"
                    value=phone max=PHONE_MAX_CHARS required=false problem=problem_at(answer, "phone")/>
                <TextField id="office-hours".to_owned() name="office[hours]" label="Office hours, in plain words (optional)"
                    value=hours max=OFFICE_HOURS_MAX_CHARS required=false problem=problem_at(answer, "hours")/>
                <button class="button" type="submit">"Save the office details"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn WorkPhoneFormView(line: CaseManagerLine) -> impl IntoView {
    let save = ServerAction::<SetWorkPhone>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(0);
    let id = format!("phone-{}", line.person_id);
    let label = format!("Line for {}", line.name);
    view! {
        <ActionForm action=save attr:class="form row">
            <SaveMessage answer version/>
            <input type="hidden" name="person_id" value=line.person_id/>
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id.clone() name="staff[phone]" type="tel" value=line.phone.unwrap_or_default()
                    maxlength=PHONE_MAX_CHARS autocomplete="off" aria-describedby=format!("{id}-problem")/>
                <p id=format!("{id}-problem") class="field-problem">{problem_at(answer, "phone")}</p>
            </div>
            <button class="button secondary" type="submit" aria-label=format!("Save the line for {}", line.name)>"Save"</button>
        </ActionForm>
    }
}

/// One client's team: primary and second case manager, saved together.
#[component]
fn TeamFormView(row: ClientTeamRow, choices: Vec<(String, String)>) -> impl IntoView {
    let save = ServerAction::<SetCareTeam>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(0);
    let client_id = row.client_id.clone();
    let select = move |field: &'static str,
                       label: String,
                       chosen: Option<String>,
                       none: &'static str| {
        let id = format!("{field}-{client_id}");
        let options = choices
            .iter()
            .map(|(person, name)| {
                let selected = chosen.as_deref() == Some(person.as_str());
                view! { <option value=person.clone() selected=selected>{name.clone()}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <select id=id.clone() name=format!("team[{field}]") aria-describedby=format!("{id}-problem")>
                    <option value="">{none}</option>
                    {options}
                </select>
                <p id=format!("{id}-problem") class="field-problem">{problem_at(answer, field)}</p>
            </div>
        }
    };
    view! {
        <article class="card">
            <h3>{row.name.clone()}</h3>
            <ActionForm action=save attr:class="form row">
                <SaveMessage answer version/>
                <input type="hidden" name="client_id" value=row.client_id.clone()/>
                {select("primary", format!("Primary for {}", row.name), row.primary.clone(), "Choose")}
                {select("secondary", format!("Second for {}", row.name), row.secondary.clone(), "No one")}
                <button class="button secondary" type="submit" aria-label=format!("Save the team of {}", row.name)>"Save"</button>
            </ActionForm>
        </article>
    }
}
