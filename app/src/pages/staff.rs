//! The staff side: a case manager's caseload (what needs attention, search, set-up codes
//! for clients) and the admin's page (staff accounts, ending a person's sessions, the audit
//! export). A client's record is in `record.rs`.
use crate::components::loaded;
use crate::components::FormMessage;
use crate::domain::{
    day_label, long_date, time_label, Attention, CaseloadEntry, CaseloadFilter, Handover, Stage,
};
use crate::error::AppError;
use crate::pages::handover::Handovers;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseload {
    pub today: NaiveDate,
    /// The clients the filter lets through, by name.
    pub clients: Vec<CaseloadEntry>,
    /// How many clients there are in all.
    pub total: usize,
    pub filter: CaseloadFilter,
    /// A set-up code just made, shown once.
    pub new_code: Option<NewCode>,
    /// The clients this case manager handed over lately.
    pub handed_over: Vec<Handover>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCode {
    pub client_name: String,
    pub code: String,
    /// The set-up page's address with the code in it, as an inline SVG QR code.
    pub qr_svg: Option<String>,
}

impl NewCode {
    /// The code just made by `maker` (kept for them once by the form that made it), if it
    /// is for one of `clients`: (id, name).
    #[cfg(feature = "ssr")]
    pub fn take<'a>(
        state: &crate::state::AppState,
        maker: &str,
        mut clients: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Option<NewCode> {
        let value = crate::request::take_new_code(state, maker)?;
        let (client_id, code) = value.split_once('|')?;
        let (_, name) = clients.find(|(id, _)| *id == client_id)?;
        let link = crate::auth::code_link(&state.public_url, "enrol", code);
        Some(NewCode {
            client_name: name.to_owned(),
            code: code.to_owned(),
            qr_svg: crate::auth::qr_svg(&link),
        })
    }
}

/// A set-up code just made, shown once.
#[component]
pub fn NewCodeCard(new: NewCode) -> impl IntoView {
    view! {
        <section class="card highlight" aria-labelledby="code-heading">
            <h2 id="code-heading">{format!("Set-up code for {}", new.client_name)}</h2>
            <p class="code">{new.code}</p>
            <p>"Read it out or write it down for them, or let them scan the square with their phone's camera. It works once, for 3 days, and replaces any earlier code. You won't see it again."</p>
            {new.qr_svg.map(|svg| view! {
                <div class="qr" role="img" aria-label="QR code that opens the set-up page with this code" inner_html=svg></div>
            })}
        </section>
    }
}

#[server(endpoint = "caseload")]
pub async fn get_caseload(#[server(default)] filter: CaseloadFilter) -> Result<Caseload, AppError> {
    use crate::{clock, db, domain::Role, request};
    request::answer("read.caseload", async move {
        let (state, asking) = request::asking().await?;
        let person = asking.as_role(Role::CaseManager)?;
        let time_zone = db::time_zone_of_organisation(&state.db, &person.organisation_id).await?;
        let now = clock::local_time_in(&time_zone);
        let everyone = db::caseload_overview(&state.db, &person.person_id, now).await?;
        let ids: Vec<&str> = everyone.iter().map(|c| c.client_id.as_str()).collect();
        crate::audit::record_read(&state.db, &asking, "read.caseload", &ids).await?;
        let listed = everyone.iter();
        let new_code = NewCode::take(
            &state,
            &person.person_id,
            listed.map(|c| (c.client_id.as_str(), c.preferred_name.as_str())),
        );
        let total = everyone.len();
        let clients = everyone.into_iter().filter(|c| filter.admits(c)).collect();
        let since = chrono::Utc::now() - chrono::Duration::days(crate::domain::HANDOVER_SHOWN_DAYS);
        let handed_over = db::handovers_by(&state.db, &person.person_id, since).await?;
        Ok(Caseload {
            today: now.date(),
            clients,
            total,
            filter,
            new_code,
            handed_over,
        })
    })
    .await
}

#[component]
pub fn CaseloadPage() -> impl IntoView {
    let query = use_query_map();
    let caseload = Resource::new(
        move || {
            let query = query.read();
            CaseloadFilter::from_query(
                query.get("name"),
                query.get("stage"),
                query.get("needs"),
                query.get("cases"),
            )
        },
        get_caseload,
    );
    view! {
        <Title text="Caseload"/>
        {loaded(caseload, |caseload| view! { <CaseloadView caseload/> })}
    }
}

#[component]
fn CaseloadView(caseload: Caseload) -> impl IntoView {
    let Caseload {
        today,
        clients,
        total,
        filter,
        new_code,
        handed_over,
    } = caseload;
    let shown = if filter.is_empty() {
        let open = clients.len();
        format!("{open} {}", if open == 1 { "client" } else { "clients" })
    } else {
        format!("{} of {total} clients match", clients.len())
    };
    view! {
        <h1>"Caseload"</h1>
        <FormMessage/>
        {new_code.map(|new| view! { <NewCodeCard new/> })}
        <p><a class="button secondary" href=crate::pages::intake::INTAKE_PATH>"Add a new client"</a></p>
        <CaseloadSearch filter/>
        <p role="status">{shown}</p>
        <table class="table caseload">
            <caption>"Your clients"</caption>
            <thead><tr>
                <th scope="col">"Name"</th>
                <th scope="col">"Stage"</th>
                <th scope="col">"Next appointment"</th>
                <th scope="col">"Last contact"</th>
                <th scope="col">"Needs attention"</th>
                <th scope="col">"Sign-in"</th>
            </tr></thead>
            <tbody>
                {clients.into_iter().map(|client| view! { <CaseloadRow client today/> }).collect_view()}
            </tbody>
        </table>
        {(!handed_over.is_empty()).then(|| view! {
            <section aria-labelledby="handed-over-heading">
                <h2 id="handed-over-heading">"Handed over in the last 30 days"</h2>
                <Handovers handovers=handed_over today with_names=true/>
            </section>
        })}
        <a class="link" href="/account">"Your account and devices"</a>
    }
}

/// Search by name and narrow by stage or by what needs attention. A plain GET form, so the
/// address keeps the search and works before the wasm has loaded.
#[component]
fn CaseloadSearch(filter: CaseloadFilter) -> impl IntoView {
    let stage = filter.stage.map(Stage::code).unwrap_or_default();
    let closed = filter.closed;
    let needs = filter.needs.map(Attention::code).unwrap_or_default();
    view! {
        <form class="form row search" method="get" action="/caseload" role="search" aria-label="Clients">
            <div class="field">
                <label for="name">"Name"</label>
                <input id="name" name="name" type="search" value=filter.name maxlength="60"/>
            </div>
            <div class="field">
                <label for="stage">"Stage"</label>
                <select id="stage" name="stage">
                    <option value="">"Any stage"</option>
                    {Stage::ALL.iter().map(|s| view! { <option value=s.code() selected=s.code() == stage>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="needs">"Needs attention"</label>
                <select id="needs" name="needs">
                    <option value="">"Anything or nothing"</option>
                    {Attention::ALL.iter().map(|a| view! { <option value=a.code() selected=a.code() == needs>{a.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="cases">"Cases"</label>
                <select id="cases" name="cases">
                    <option value="" selected=!closed>"Open"</option>
                    <option value="closed" selected=closed>"Closed"</option>
                </select>
            </div>
            <button class="button secondary" type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn CaseloadRow(client: CaseloadEntry, today: NaiveDate) -> impl IntoView {
    let stages = client
        .stages
        .iter()
        .map(|s| s.label())
        .collect::<Vec<_>>()
        .join(", ");
    let next = client
        .next_appointment
        .map(|at| format!("{}, {}", day_label(at.date(), today), time_label(at.time())));
    let last = client.last_contact.map(|d| long_date(d, today));
    let closed = client
        .closed_on
        .map(|d| format!("Closed {}", long_date(d, today)));
    view! {
        <tr>
            <th scope="row"><a class="link" href=format!("/caseload/{}", client.client_id)>{client.preferred_name.clone()}</a></th>
            <td>{stages}</td>
            <td>{next.unwrap_or_else(|| "None booked".to_owned())}</td>
            <td>{last.unwrap_or_else(|| "None yet".to_owned())}</td>
            <td>
                <ul class="tags">
                    {closed.map(|c| view! { <li class="tag">{c}</li> })}
                    {client.attention.iter().map(|a| view! { <li class="tag attention">{a.label()}</li> }).collect_view()}
                </ul>
            </td>
            <td>
                <form method="post" action="/caseload/enrollment-code">
                    <input type="hidden" name="client_id" value=client.client_id.clone()/>
                    <button class="button secondary" type="submit" aria-label=format!("Make a set-up code for {}", client.preferred_name)>
                        "Make a set-up code"
                    </button>
                </form>
            </td>
        </tr>
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub display_name: String,
    pub role: String,
    pub sign_in_name: Option<String>,
    pub active: bool,
}

/// The admin page: the organisation's staff, and a reset code just made, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Administration {
    pub staff: Vec<StaffMember>,
    pub reset_code: Option<StaffResetCode>,
}

/// A reset code for a staff member, to give them in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffResetCode {
    pub display_name: String,
    pub code: String,
    /// Where they use it.
    pub link: String,
}

#[server(endpoint = "admin")]
pub async fn get_staff() -> Result<Administration, AppError> {
    use crate::{db, domain::Role, request};
    request::answer("read.staff", async move {
        let (state, asking) = request::asking().await?;
        let person = asking.as_role(Role::Admin)?;
        let listed = db::staff_of_organisation(&state.db, &person.organisation_id).await?;
        let reset_code = request::take_new_code(&state, &person.person_id).and_then(|value| {
            let (person_id, code) = value.split_once('|')?;
            let staff = listed.iter().find(|s| s.person_id == person_id)?;
            Some(StaffResetCode {
                display_name: staff.display_name.clone(),
                code: code.to_owned(),
                link: format!("{}/reset", state.public_url.trim_end_matches('/')),
            })
        });
        let staff = listed
            .into_iter()
            .map(|s| StaffMember {
                display_name: s.display_name,
                role: Role::from_code(&s.role)
                    .map_or("Staff", Role::label)
                    .to_owned(),
                sign_in_name: s.sign_in_name,
                active: s.deactivated_at.is_none(),
            })
            .collect();
        Ok(Administration { staff, reset_code })
    })
    .await
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let staff = Resource::new(|| (), |_| get_staff());
    view! {
        <Title text="Administration"/>
        {loaded(staff, |administration| view! { <AdminView administration/> })}
    }
}

#[component]
fn AdminView(administration: Administration) -> impl IntoView {
    let Administration { staff, reset_code } = administration;
    view! {
        <h1>"Administration"</h1>
        <FormMessage/>
        {reset_code.map(|made| view! {
            <section class="card highlight" aria-labelledby="reset-code-heading">
                <h2 id="reset-code-heading">{format!("Reset code for {}", made.display_name)}</h2>
                <p class="code">{made.code}</p>
                <p>{format!("Give it to them in person. They choose a new passphrase with it at {}. It works once, for 24 hours. Their old passphrase and passkeys no longer work, and they are signed out everywhere. You won't see this code again.", made.link)}</p>
            </section>
        })}
        <p><a class="link" href="/admin/directory">"Directory of services and resources"</a></p>
        <p><a class="link" href="/admin/library">"Library for families and friends"</a></p>
        <p><a class="link" href=crate::pages::care_teams::CARE_TEAMS_PATH>"Care teams, office hours and phone lines"</a></p>
        <p><a class="link" href=crate::pages::intake::INTAKE_PATH>"Add a new client"</a></p>
        <table class="table">
            <caption>"Staff"</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Sign-in name"</th><th scope="col">"Status"</th></tr></thead>
            <tbody>
                {staff.into_iter().map(|s| view! {
                    <tr>
                        <th scope="row">{s.display_name}</th><td>{s.role}</td><td>{s.sign_in_name.unwrap_or_default()}</td>
                        <td>{if s.active { "Active" } else { "Deactivated" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <section aria-labelledby="add-heading">
            <h2 id="add-heading">"Add a staff member"</h2>
            <form class="form" method="post" action="/admin/staff">
                <div class="field"><label for="display_name">"Name"</label>
                    <input id="display_name" name="display_name" maxlength="60" required=true/></div>
                <div class="field"><label for="role">"Role"</label>
                    <select id="role" name="role">
                        <option value="case_manager">"Case manager"</option>
                        <option value="admin">"Administrator"</option>
                    </select></div>
                <div class="field"><label for="sign_in_name">"Sign-in name"</label>
                    <input id="sign_in_name" name="sign_in_name" maxlength="64" required=true autocomplete="off"/></div>
                <div class="field"><label for="passphrase">"First passphrase"</label>
                    <input id="passphrase" name="passphrase" type="password" maxlength="256" required=true autocomplete="new-password"/></div>
                <button class="button" type="submit">"Add"</button>
            </form>
        </section>
        <section aria-labelledby="end-heading">
            <h2 id="end-heading">"Sign a person out everywhere"</h2>
            <p>"For a lost or shared phone. They can sign in again with their passphrase."</p>
            <NameForm action="/admin/end-sessions" id="end_name" label="Their sign-in name" button="Sign out everywhere" class="button danger"/>
        </section>
        <section aria-labelledby="deactivate-heading">
            <h2 id="deactivate-heading">"Deactivate or reactivate a staff account"</h2>
            <p>"For someone who has left. They are signed out everywhere and taken off every care team; what they recorded stays, under their name."</p>
            <NameForm action="/admin/staff/deactivate" id="deactivate_name" label="Sign-in name to deactivate" button="Deactivate" class="button danger"/>
            <NameForm action="/admin/staff/reactivate" id="reactivate_name" label="Sign-in name to reactivate" button="Reactivate" class="button secondary"/>
        </section>
        <section aria-labelledby="reset-heading">
            <h2 id="reset-heading">"Give a reset code"</h2>
            <p>"For a staff member who forgot their passphrase, or whose passphrase someone else may know. They choose a new one with the code and keep their sign-in name."</p>
            <NameForm action="/admin/staff/reset-code" id="reset_name" label="Sign-in name to reset" button="Make a reset code" class="button secondary"/>
        </section>
        <section aria-labelledby="audit-heading">
            <h2 id="audit-heading">"Audit export"</h2>
            <form class="form" method="get" action="/admin/audit.csv">
                <div class="field"><label for="from">"From"</label><input id="from" name="from" type="date" required=true/></div>
                <div class="field"><label for="to">"To"</label><input id="to" name="to" type="date" required=true/></div>
                <button class="button secondary" type="submit">"Download CSV"</button>
            </form>
        </section>
        <a class="link" href="/account">"Your account and devices"</a>
    }
}

/// A form that acts on one person, named by their sign-in name.
#[component]
fn NameForm(
    action: &'static str,
    id: &'static str,
    label: &'static str,
    button: &'static str,
    class: &'static str,
) -> impl IntoView {
    view! {
        <form class="form" method="post" action=action>
            <div class="field"><label for=id>{label}</label>
                <input id=id name="sign_in_name" maxlength="64" required=true autocomplete="off"/></div>
            <button class=class type="submit">{button}</button>
        </form>
    }
}
