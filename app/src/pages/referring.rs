//! Referrals as a case manager makes and moves them: to a service of the program's directory,
//! along the status pipeline, with the next step written for the client, the contact at the
//! service, the day it was sent and the day to follow up; and what the service was told,
//! under the consent to share the client signed. They reach the client at once (not the
//! contact, the follow-up or the notes of what was told).
use crate::domain::{
    long_date, ConsentToShare, LifeDomain, ReferralForm, ReferralRecord, ReferralStatus,
    SaveAnswer, ServiceChoice, ServiceHandover, ServiceHandoverForm, CONSENT_PART_MAX_CHARS,
    CONTACT_NAME_MAX_CHARS, FOLLOW_UP_DEFAULT_DAYS, NEXT_STEP_MAX_CHARS, PHONE_MAX_CHARS,
    SERVICE_NOTE_MAX_CHARS,
};
use crate::error::AppError;
use crate::pages::editing::{problem_at, reload_after, Choice, DateField, SaveMessage, TextField};
use chrono::{Datelike, Duration, NaiveDate};
use leptos::prelude::*;

/// Refers the client to a service of the directory.
#[server(endpoint = "add-referral")]
pub async fn add_referral(
    client_id: String,
    referral: ReferralForm,
) -> Result<SaveAnswer, AppError> {
    crate::request::answer("referral.add", async move {
        let (state, asking) = crate::request::asking().await?;
        crate::actions::referrals::add(&state.db, &asking, &client_id, referral).await
    })
    .await
}

/// Moves a referral along, if it is still at `version`.
#[server(endpoint = "save-referral")]
pub async fn save_referral(
    client_id: String,
    referral_id: String,
    version: i64,
    referral: ReferralForm,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::referrals::save;
    crate::request::answer("referral.save", async move {
        let (state, asking) = crate::request::asking().await?;
        let (client, id) = (&client_id, &referral_id);
        save(&state.db, &asking, client, id, version, referral).await
    })
    .await
}

/// Records what a service was told, under the consent the client signed.
#[server(endpoint = "tell-service")]
pub async fn tell_service(
    client_id: String,
    referral_id: String,
    handover: ServiceHandoverForm,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::referrals::hand_over;
    crate::request::answer("referral.hand_over", async move {
        let (state, asking) = crate::request::asking().await?;
        hand_over(&state.db, &asking, &client_id, &referral_id, handover).await
    })
    .await
}

/// Records that the client took a consent to share back.
#[server(endpoint = "withdraw-consent")]
pub async fn withdraw_consent(
    client_id: String,
    consent_id: String,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::referrals::withdraw_consent;
    crate::request::answer("referral.withdraw_consent", async move {
        let (state, asking) = crate::request::asking().await?;
        withdraw_consent(&state.db, &asking, &client_id, &consent_id).await
    })
    .await
}

#[component]
pub fn Referrals(
    client_id: String,
    referrals: Vec<ReferralRecord>,
    services: Vec<ServiceChoice>,
    today: NaiveDate,
) -> impl IntoView {
    view! {
        <section aria-labelledby="referrals-heading">
            <h2 id="referrals-heading">"Referrals"</h2>
            {if referrals.is_empty() {
                view! { <p>"None yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {referrals.into_iter().map(|record| view! {
                            <li><ReferralEditor client_id=client_id.clone() record today/></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <details class="card">
                <summary>"Refer to a service"</summary>
                <ReferralFormView client_id=client_id.clone() record=None services today/>
            </details>
        </section>
    }
}

#[component]
fn ReferralEditor(client_id: String, record: ReferralRecord, today: NaiveDate) -> impl IntoView {
    let referral = &record.referral;
    let due = record.follow_up_due(today);
    let follow_up = record.follow_up_on.map(|on| {
        let class = if due { "attention-text" } else { "" };
        let words = if due {
            "Follow-up was due"
        } else {
            "Follow up by"
        };
        view! { <p class=class>{format!("{words} {}", long_date(on, today))}</p> }
    });
    let contact = match (&record.contact_name, &record.contact_phone) {
        (None, None) => None,
        (name, phone) => Some(
            [name.as_deref(), phone.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    let shared_with = match &record.contact_name {
        Some(name) => format!("{}, {name}", referral.service.name),
        None => referral.service.name.clone(),
    };
    let consents = referral.consents.clone();
    let handovers = record.handovers.clone();
    let referral_id = referral.id.to_string();
    view! {
        <article class="card referral-editor">
            <h3>{referral.service.name.clone()}</h3>
            <p class="small">{format!("{} · {}", referral.status.staff_label(), referral.domain.staff_label())}</p>
            {referral.made_on.map(|on| view! { <p class="small">{format!("Sent {}", long_date(on, today))}</p> })}
            {follow_up}
            {contact.map(|c| view! { <p>"Contact: "{c}</p> })}
            {referral.next_step.clone().map(|n| view! { <p>"Next step for the client: "{n}</p> })}
            {(!consents.is_empty()).then(|| view! {
                <h4>"What the service was told"</h4>
                <ul class="plain-list">
                    {consents.into_iter().map(|consent| {
                        let note = handovers.iter().find(|h| h.consent_id == consent.id).cloned();
                        view! { <li><ConsentEntry client_id=client_id.clone() consent note today/></li> }
                    }).collect_view()}
                </ul>
            })}
            <details>
                <summary>"Update"</summary>
                <ReferralFormView client_id=client_id.clone() record=Some(record.clone()) services=Vec::new() today/>
            </details>
            <details>
                <summary>"Record what the service was told"</summary>
                <HandoverFormView client_id referral_id shared_with today/>
            </details>
        </article>
    }
}

/// One consent to share, the note of what was told under it, and (while it is in force) the
/// button for when the client takes it back.
#[component]
fn ConsentEntry(
    client_id: String,
    consent: ConsentToShare,
    note: Option<ServiceHandover>,
    today: NaiveDate,
) -> impl IntoView {
    let withdraw = ServerAction::<WithdrawConsent>::new();
    reload_after(withdraw);
    let answer = Signal::derive(move || withdraw.value().get());
    let version = RwSignal::new(0);
    let state = if let Some(on) = consent.withdrawn_on {
        format!("Taken back {}", long_date(on, today))
    } else if consent.in_force(today) {
        format!("Until {}", long_date(consent.expires_on, today))
    } else {
        format!("Ended {}", long_date(consent.expires_on, today))
    };
    let in_force = consent.in_force(today);
    view! {
        <div class="consent">
            <dl class="profile">
                <dt>"Shared"</dt><dd>{consent.shared_what.clone()}</dd>
                <dt>"With"</dt><dd>{consent.shared_with.clone()}</dd>
                <dt>"Why"</dt><dd>{consent.purpose.clone()}</dd>
                <dt>"Signed"</dt><dd>{long_date(consent.agreed_on, today)}</dd>
                <dt>"Consent"</dt><dd>{state}</dd>
            </dl>
            {note.map(|n| view! {
                <p class="note-text">{n.note}</p>
                <p class="small">{format!("Written by {}", n.written_by)}</p>
            })}
            {in_force.then(|| view! {
                <ActionForm action=withdraw attr:class="inline-form">
                    <SaveMessage answer version/>
                    <input type="hidden" name="client_id" value=client_id/>
                    <input type="hidden" name="consent_id" value=consent.id.to_string()/>
                    <button class="button secondary" type="submit">"Client took this back"</button>
                </ActionForm>
            })}
        </div>
    }
}

/// The form for a new referral (`record` none, with the directory's services) or for
/// moving one along.
#[component]
fn ReferralFormView(
    client_id: String,
    record: Option<ReferralRecord>,
    services: Vec<ServiceChoice>,
    today: NaiveDate,
) -> impl IntoView {
    let add = ServerAction::<AddReferral>::new();
    let save = ServerAction::<SaveReferral>::new();
    reload_after(add);
    reload_after(save);
    let answer = Signal::derive(move || save.value().get().or_else(|| add.value().get()));
    let referral = record.as_ref().map(|r| &r.referral);
    let version = RwSignal::new(referral.map_or(0, |r| r.version));
    let prefix = referral.map_or_else(
        || "new-referral".to_owned(),
        |r| format!("referral-{}", r.id),
    );
    let id = move |field: &str| format!("{prefix}-{field}");
    let status = referral.map_or(ReferralStatus::Referred, |r| r.status);
    let domain = referral.map_or(LifeDomain::Housing, |r| r.domain);
    let next_step = referral
        .and_then(|r| r.next_step.clone())
        .unwrap_or_default();
    let date_text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    // A new referral is sent today and followed up in two weeks, unless the case manager
    // says otherwise.
    let (made_on, follow_up_on) = match &record {
        Some(r) => (date_text(r.referral.made_on), date_text(r.follow_up_on)),
        None => (
            today.to_string(),
            (today + Duration::days(FOLLOW_UP_DEFAULT_DAYS)).to_string(),
        ),
    };
    let contact_name = record
        .as_ref()
        .and_then(|r| r.contact_name.clone())
        .unwrap_or_default();
    let contact_phone = record
        .as_ref()
        .and_then(|r| r.contact_phone.clone())
        .unwrap_or_default();
    let referral_id = referral.map(|r| r.id.to_string());
    let max_year = today.year() + 1;
    let next_id = id("next-step");
    let fields = view! {
        <SaveMessage answer version/>
        <input type="hidden" name="client_id" value=client_id/>
        <Choice id=id("status") name="referral[status]" label="Where it stands" value=status.code().to_owned()
            options=ReferralStatus::ALL.iter().map(|s| (s.code(), s.staff_label())).collect()
            problem=problem_at(answer, "status")/>
        <Choice id=id("domain") name="referral[domain]" label="Part of life" value=domain.code().to_owned()
            options=LifeDomain::ALL.iter().map(|d| (d.code(), d.staff_label())).collect()
            problem=problem_at(answer, "domain")/>
        <DateField id=id("made-on") name="referral[made_on]" label="Day it was sent"
            value=made_on max_year problem=problem_at(answer, "made_on")/>
        <DateField id=id("follow-up-on") name="referral[follow_up_on]" label="Day to follow up"
            value=follow_up_on max_year problem=problem_at(answer, "follow_up_on")/>
        <TextField id=id("contact-name") name="referral[contact_name]" label="Who to ask for (optional)"
            value=contact_name max=CONTACT_NAME_MAX_CHARS required=false problem=problem_at(answer, "contact_name")/>
        <TextField id=id("contact-phone") name="referral[contact_phone]" label="Their phone (optional)"
            value=contact_phone max=PHONE_MAX_CHARS required=false problem=problem_at(answer, "contact_phone")/>
        <div class="field">
            <label for=next_id.clone()>"Next step, in words for the client (optional)"</label>
            <textarea id=next_id.clone() name="referral[next_step]" rows="2" maxlength=NEXT_STEP_MAX_CHARS
                aria-describedby=format!("{next_id}-problem")>{next_step}</textarea>
            <p id=format!("{next_id}-problem") class="field-problem">{problem_at(answer, "next_step")}</p>
        </div>
    };
    match referral_id {
        Some(referral_id) => view! {
            <ActionForm action=save attr:class="form">
                {fields}
                <input type="hidden" name="referral_id" value=referral_id/>
                <input type="hidden" name="version" prop:value=move || version.get().to_string()/>
                <button class="button" type="submit">"Save referral"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <ActionForm action=add attr:class="form">
                <div class="field">
                    <label for="new-referral-service">"Service"</label>
                    <select id="new-referral-service" name="referral[service_id]" required=true
                        aria-describedby="new-referral-service-problem">
                        <option value="">"Choose a service"</option>
                        {services.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                    </select>
                    <p id="new-referral-service-problem" class="field-problem">{problem_at(answer, "service_id")}</p>
                </div>
                {fields}
                <button class="button" type="submit">"Refer"</button>
            </ActionForm>
        }
        .into_any(),
    }
}

/// What the service was told, with the consent it was told under: each part 42 CFR Part 2
/// asks a consent to name, and the signed form.
#[component]
fn HandoverFormView(
    client_id: String,
    referral_id: String,
    shared_with: String,
    today: NaiveDate,
) -> impl IntoView {
    let tell = ServerAction::<TellService>::new();
    reload_after(tell);
    let answer = Signal::derive(move || tell.value().get());
    let version = RwSignal::new(0);
    let prefix = format!("handover-{referral_id}");
    let id = move |field: &str| format!("{prefix}-{field}");
    let max_year = today.year() + 1;
    let note_id = id("note");
    let signed_id = id("signed");
    view! {
        <ActionForm action=tell attr:class="form">
            <SaveMessage answer version/>
            <input type="hidden" name="client_id" value=client_id/>
            <input type="hidden" name="referral_id" value=referral_id/>
            <TextField id=id("shared-what") name="handover[shared_what]" label="What the client agreed may be shared"
                value=String::new() max=CONSENT_PART_MAX_CHARS problem=problem_at(answer, "shared_what")/>
            <TextField id=id("shared-with") name="handover[shared_with]" label="With whom"
                value=shared_with max=CONSENT_PART_MAX_CHARS problem=problem_at(answer, "shared_with")/>
            <TextField id=id("purpose") name="handover[purpose]" label="What for"
                value=String::new() max=CONSENT_PART_MAX_CHARS problem=problem_at(answer, "purpose")/>
            <DateField id=id("agreed-on") name="handover[agreed_on]" label="Day the client signed"
                value=today.to_string() max_year required=true problem=problem_at(answer, "agreed_on")/>
            <DateField id=id("expires-on") name="handover[expires_on]" label="Consent ends on (within a year)"
                value=String::new() max_year required=true problem=problem_at(answer, "expires_on")/>
            <div class="field">
                <label for=note_id.clone()>"What the service was told"</label>
                <textarea id=note_id.clone() name="handover[note]" rows="4" required=true maxlength=SERVICE_NOTE_MAX_CHARS
                    aria-describedby=format!("{note_id}-problem")></textarea>
                <p id=format!("{note_id}-problem") class="field-problem">{problem_at(answer, "note")}</p>
            </div>
            <div class="field">
                <label class="check" for=signed_id.clone()>
                    <input id=signed_id.clone() type="checkbox" name="handover[signed]" value="on" required=true
                        aria-describedby=format!("{signed_id}-problem")/>
                    "The client signed the consent form, which says they can take it back"
                </label>
                <p id=format!("{signed_id}-problem") class="field-problem">{problem_at(answer, "signed")}</p>
            </div>
            <button class="button" type="submit">"Save what was told"</button>
        </ActionForm>
    }
}
