//! The directory page of the admin: services clients are referred to and resources clients
//! and families are offered. Add, edit, retire; retired entries stay on old referrals.
use crate::components::loaded;
use crate::domain::{
    Audience, DirectoryEntry, ResourceForm, ResourceKind, SaveAnswer, ServiceForm,
    CONTACT_MAX_CHARS, DESCRIPTION_MAX_CHARS, NAME_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, Choice, SaveMessage, Saves, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub services: Vec<DirectoryEntry>,
    pub resources: Vec<DirectoryEntry>,
}

#[server(endpoint = "directory")]
pub async fn get_directory() -> Result<Directory, AppError> {
    use crate::{db, domain::Role, request};
    request::answer("read.directory", async move {
        let (state, asking) = request::asking().await?;
        let admin = asking.as_role(Role::Admin)?;
        Ok(Directory {
            services: db::directory_services(&state.db, &admin.organisation_id).await?,
            resources: db::directory_resources(&state.db, &admin.organisation_id).await?,
        })
    })
    .await
}

#[server(endpoint = "save-service")]
pub async fn save_service(
    service_id: String,
    version: i64,
    service: ServiceForm,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::directory::{save_entry, EntryForm};
    crate::request::answer("directory.service.save", async move {
        let (state, asking) = crate::request::asking().await?;
        let form = EntryForm::Service(service);
        save_entry(&state.db, &asking, &service_id, version, form).await
    })
    .await
}

#[server(endpoint = "save-resource")]
pub async fn save_resource(
    resource_id: String,
    version: i64,
    resource: ResourceForm,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::directory::{save_entry, EntryForm};
    crate::request::answer("directory.resource.save", async move {
        let (state, asking) = crate::request::asking().await?;
        let form = EntryForm::Resource(resource);
        save_entry(&state.db, &asking, &resource_id, version, form).await
    })
    .await
}

/// Retires a "service" or a "resource" of the directory from today.
#[server(endpoint = "retire-entry")]
pub async fn retire_entry(part: String, entry_id: String) -> Result<SaveAnswer, AppError> {
    crate::request::answer("directory.retire", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::directory::retire(&state.db, &asking, &part, &entry_id).await
    })
    .await
}

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let saved = RwSignal::new(0_u32);
    provide_context(Saves(saved));
    let directory = Resource::new(move || saved.get(), |_| get_directory());
    view! {
        <Title text="Directory"/>
        {loaded(directory, |directory| view! { <DirectoryView directory/> })}
    }
}

#[component]
fn DirectoryView(directory: Directory) -> impl IntoView {
    view! {
        <div class="directory">
            <nav class="crumbs" aria-label="Breadcrumb"><a class="link" href="/admin">"Administration"</a></nav>
            <h1>"Directory"</h1>
            <section aria-labelledby="services-heading">
                <h2 id="services-heading">"Services clients are referred to"</h2>
                <ul class="plain-list">
                    {directory.services.into_iter().map(|entry| view! { <li><Entry entry part="service"/></li> }).collect_view()}
                </ul>
                <details class="card">
                    <summary>"Add a service"</summary>
                    <ServiceFormView entry=None/>
                </details>
            </section>
            <section aria-labelledby="resources-heading">
                <h2 id="resources-heading">"Resources for clients and families"</h2>
                <ul class="plain-list">
                    {directory.resources.into_iter().map(|entry| view! { <li><Entry entry part="resource"/></li> }).collect_view()}
                </ul>
                <details class="card">
                    <summary>"Add a resource"</summary>
                    <ResourceFormView entry=None/>
                </details>
            </section>
        </div>
    }
}

#[component]
fn Entry(entry: DirectoryEntry, part: &'static str) -> impl IntoView {
    let retire = ServerAction::<RetireEntry>::new();
    reload_after(retire);
    let answer = Signal::derive(move || retire.value().get());
    let version = RwSignal::new(entry.version);
    let name = entry.name.clone();
    let retired = entry
        .retired_on
        .map(|d| view! { <p class="small">{format!("Retired on {d}: offered no more, kept on old referrals.")}</p> });
    let (title, kind, description) = (
        entry.name.clone(),
        entry.kind.clone(),
        entry.description.clone(),
    );
    let retired_on = entry.retired_on;
    let entry_id = entry.id.to_string();
    let editing = retired_on.is_none().then(|| {
        let form = if part == "service" {
            view! { <ServiceFormView entry=Some(entry)/> }.into_any()
        } else {
            view! { <ResourceFormView entry=Some(entry)/> }.into_any()
        };
        view! {
            <details>
                <summary>"Edit"</summary>
                {form}
            </details>
            <ActionForm action=retire>
                <input type="hidden" name="part" value=part/>
                <input type="hidden" name="entry_id" value=entry_id/>
                <button class="button danger" type="submit" aria-label=format!("Retire {name}")>"Retire"</button>
            </ActionForm>
        }
    });
    view! {
        <article class="card" class:muted=retired_on.is_some()>
            <h3>{title}</h3>
            {kind.map(|k| view! { <p class="small">{k}</p> })}
            <p>{description}</p>
            {retired}
            <SaveMessage answer version/>
            {editing}
        </article>
    }
}

#[component]
fn ServiceFormView(entry: Option<DirectoryEntry>) -> impl IntoView {
    let save = ServerAction::<SaveService>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(entry.as_ref().map_or(0, |e| e.version));
    let form = entry
        .as_ref()
        .and_then(|e| e.service.clone())
        .unwrap_or_default();
    let entry_id = entry.as_ref().map(|e| e.id.to_string()).unwrap_or_default();
    let prefix = if entry_id.is_empty() {
        "new-service".to_owned()
    } else {
        format!("service-{entry_id}")
    };
    let id = move |field: &str| format!("{prefix}-{field}");
    view! {
        <ActionForm action=save attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="service_id" value=entry_id/>
            <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
            <TextField id=id("name") name="service[name]" label="Name" value=form.name max=NAME_MAX_CHARS problem=problem_at(answer, "name")/>
            <TextField id=id("description") name="service[description]" label="What it does" value=form.description
                max=DESCRIPTION_MAX_CHARS problem=problem_at(answer, "description")/>
            <TextField id=id("phone") name="service[phone]" label="Phone (optional)" value=form.phone max=30
                required=false problem=problem_at(answer, "phone")/>
            <TextField id=id("address") name="service[address]" label="Address (optional)" value=form.address
                max=CONTACT_MAX_CHARS required=false problem=problem_at(answer, "address")/>
            <button class="button" type="submit">{if entry.is_some() { "Save service" } else { "Add service" }}</button>
        </ActionForm>
    }
}

#[component]
fn ResourceFormView(entry: Option<DirectoryEntry>) -> impl IntoView {
    let save = ServerAction::<SaveResource>::new();
    reload_after(save);
    let answer = Signal::derive(move || save.value().get());
    let version = RwSignal::new(entry.as_ref().map_or(0, |e| e.version));
    let form = entry
        .as_ref()
        .and_then(|e| e.resource.clone())
        .unwrap_or_else(|| ResourceForm {
            kind: ResourceKind::PeerSupport.code().to_owned(),
            audience: Audience::Client.code().to_owned(),
            ..ResourceForm::default()
        });
    let entry_id = entry.as_ref().map(|e| e.id.to_string()).unwrap_or_default();
    let prefix = if entry_id.is_empty() {
        "new-resource".to_owned()
    } else {
        format!("resource-{entry_id}")
    };
    let id = move |field: &str| format!("{prefix}-{field}");
    view! {
        <ActionForm action=save attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="resource_id" value=entry_id/>
            <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
            <Choice id=id("kind") name="resource[kind]" label="Kind" value=form.kind
                options=ResourceKind::ALL.iter().map(|k| (k.code(), k.label())).collect() problem=problem_at(answer, "kind")/>
            <Choice id=id("audience") name="resource[audience]" label="For whom" value=form.audience
                options=Audience::ALL.iter().map(|a| (a.code(), a.label())).collect() problem=problem_at(answer, "audience")/>
            <TextField id=id("name") name="resource[name]" label="Name" value=form.name max=NAME_MAX_CHARS problem=problem_at(answer, "name")/>
            <TextField id=id("description") name="resource[description]" label="What it offers" value=form.description
                max=DESCRIPTION_MAX_CHARS problem=problem_at(answer, "description")/>
            <TextField id=id("how") name="resource[how_to_reach]" label="How to reach it" value=form.how_to_reach
                max=CONTACT_MAX_CHARS problem=problem_at(answer, "how_to_reach")/>
            <TextField id=id("phone") name="resource[phone]" label="Phone (optional)" value=form.phone max=30
                required=false problem=problem_at(answer, "phone")/>
            <TextField id=id("website") name="resource[website]" label="Website (optional)" value=form.website
                max=CONTACT_MAX_CHARS required=false problem=problem_at(answer, "website")/>
            <button class="button" type="submit">{if entry.is_some() { "Save resource" } else { "Add resource" }}</button>
        </ActionForm>
    }
}
