//! The staff side, as far as sign-in reaches: a case manager's caseload (with set-up codes
//! for clients) and the admin's page (staff accounts, ending a person's sessions, the audit
//! export). The full workspace comes with the case-management issue.
use crate::components::loaded;
use crate::error::AppError;
use crate::pages::sign_in::FormMessage;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadClient {
    pub client_id: String,
    pub preferred_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseload {
    pub clients: Vec<CaseloadClient>,
    /// A set-up code just made, shown once.
    pub new_code: Option<NewCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCode {
    pub client_name: String,
    pub code: String,
    /// The set-up page's address with the code in it, as an inline SVG QR code.
    pub qr_svg: Option<String>,
}

#[server(endpoint = "caseload")]
pub async fn get_caseload() -> Result<Caseload, AppError> {
    use crate::{db, domain::Role, session};
    crate::error::answer("read.caseload", async move {
        let (state, person) = session::signed_in_as(Role::CaseManager).await?;
        let clients: Vec<CaseloadClient> = db::caseload(&state.db, &person.person_id)
            .await?
            .into_iter()
            .map(|c| CaseloadClient {
                client_id: c.client_id,
                preferred_name: c.preferred_name,
            })
            .collect();
        let ids: Vec<&str> = clients.iter().map(|c| c.client_id.as_str()).collect();
        crate::audit::record_read(&state, &person, "read.caseload", &ids).await?;
        let new_code = session::take_new_code(&state, &person.person_id).and_then(|value| {
            let (client_id, code) = value.split_once('|')?;
            let client = clients.iter().find(|c| c.client_id == client_id)?;
            let link = crate::auth::code_link(&state.public_url, "enrol", code);
            Some(NewCode {
                client_name: client.preferred_name.clone(),
                code: code.to_owned(),
                qr_svg: crate::auth::qr_svg(&link),
            })
        });
        Ok(Caseload { clients, new_code })
    })
    .await
}

#[component]
pub fn CaseloadPage() -> impl IntoView {
    let caseload = Resource::new(|| (), |_| get_caseload());
    view! {
        <Title text="Caseload"/>
        {loaded(caseload, |caseload| view! { <CaseloadView caseload/> })}
    }
}

#[component]
fn CaseloadView(caseload: Caseload) -> impl IntoView {
    view! {
        <h1>"Caseload"</h1>
        <FormMessage/>
        {caseload.new_code.map(|new| view! {
            <section class="card highlight" aria-labelledby="code-heading">
                <h2 id="code-heading">{format!("Set-up code for {}", new.client_name)}</h2>
                <p class="code">{new.code}</p>
                <p>"Read it out or write it down for them, or let them scan the square with their phone's camera. It works once, for 3 days, and replaces any earlier code. You won't see it again."</p>
                {new.qr_svg.map(|svg| view! {
                    <div class="qr" role="img" aria-label="QR code that opens the set-up page with this code" inner_html=svg></div>
                })}
            </section>
        })}
        <table class="table">
            <caption>"Your clients"</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Sign-in"</th></tr></thead>
            <tbody>
                {caseload.clients.into_iter().map(|client| view! {
                    <tr>
                        <th scope="row">{client.preferred_name.clone()}</th>
                        <td>
                            <form method="post" action="/caseload/enrollment-code">
                                <input type="hidden" name="client_id" value=client.client_id.clone()/>
                                <button class="button secondary" type="submit" aria-label=format!("Make a set-up code for {}", client.preferred_name)>
                                    "Make a set-up code"
                                </button>
                            </form>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <a class="link" href="/account">"Your account and devices"</a>
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub display_name: String,
    pub role: String,
    pub sign_in_name: Option<String>,
}

#[server(endpoint = "admin")]
pub async fn get_staff() -> Result<Vec<StaffMember>, AppError> {
    use crate::{db, domain::Role, session};
    crate::error::answer("read.staff", async move {
        let (state, person) = session::signed_in_as(Role::Admin).await?;
        Ok(
            db::staff_of_organisation(&state.db, &person.organisation_id)
                .await?
                .into_iter()
                .map(|s| StaffMember {
                    display_name: s.display_name,
                    role: Role::from_code(&s.role)
                        .map_or("Staff", Role::label)
                        .to_owned(),
                    sign_in_name: s.sign_in_name,
                })
                .collect(),
        )
    })
    .await
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let staff = Resource::new(|| (), |_| get_staff());
    view! {
        <Title text="Administration"/>
        {loaded(staff, |staff| view! { <AdminView staff/> })}
    }
}

#[component]
fn AdminView(staff: Vec<StaffMember>) -> impl IntoView {
    view! {
        <h1>"Administration"</h1>
        <FormMessage/>
        <table class="table">
            <caption>"Staff"</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Sign-in name"</th></tr></thead>
            <tbody>
                {staff.into_iter().map(|s| view! {
                    <tr><th scope="row">{s.display_name}</th><td>{s.role}</td><td>{s.sign_in_name.unwrap_or_default()}</td></tr>
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
            <form class="form" method="post" action="/admin/end-sessions">
                <div class="field"><label for="end_name">"Their sign-in name"</label>
                    <input id="end_name" name="sign_in_name" maxlength="64" required=true autocomplete="off"/></div>
                <button class="button danger" type="submit">"Sign out everywhere"</button>
            </form>
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
