use crate::components::served;
use crate::domain::{long_date, tel_href, Referral};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralList {
    pub today: NaiveDate,
    pub referrals: Vec<Referral>,
}

impl ReferralList {
    pub fn from_copy(copy: &crate::domain::DeviceCopy, now: chrono::NaiveDateTime) -> Option<Self> {
        copy.profile()?;
        Some(ReferralList {
            today: now.date(),
            referrals: copy.referrals(),
        })
    }
}

#[server(endpoint = "referrals")]
pub async fn get_referrals() -> Result<ReferralList, AppError> {
    use crate::{clock, db, request};
    crate::request::answer("read.referrals", async move {
        let (state, home) = request::signed_in_client().await?;
        let referrals = db::referrals_of_client(&state.db, &home.client_id).await?;
        Ok(ReferralList {
            today: clock::local_now(&home).date(),
            referrals,
        })
    })
    .await
}

pub const TITLE: &str = "Referrals";

#[component]
pub fn ReferralsPage() -> impl IntoView {
    view! {
        <Title text=TITLE/>
        {served(get_referrals, |list| view! { <ReferralListView list/> })}
    }
}

#[component]
pub fn ReferralListView(list: ReferralList) -> impl IntoView {
    let today = list.today;
    view! {
        <h1>"Referrals"</h1>
        <p>"Services your case manager connected you with, and what comes next."</p>
        {if list.referrals.is_empty() {
            Either::Left(view! { <p class="card">"No referrals yet."</p> })
        } else {
            Either::Right(view! {
                <ul class="plain-list">
                    {list
                        .referrals
                        .into_iter()
                        .map(|referral| view! { <li><ReferralCard referral today/></li> })
                        .collect_view()}
                </ul>
            })
        }}
    }
}

#[component]
fn ReferralCard(referral: Referral, today: NaiveDate) -> impl IntoView {
    let service = referral.service;
    view! {
        <article class="card referral" class:muted=!referral.status.is_open()>
            <h2 class="card-title">{service.name}</h2>
            <p class="small">{referral.domain.label()}</p>
            <p class="status">{referral.status.label()}</p>
            <p>{referral.status.meaning()}</p>
            {referral.next_step.map(|step| view! {
                <p class="next-step"><strong>"What you do next: "</strong>{step}</p>
            })}
            <p class="small">{service.description}</p>
            {service.address.map(|address| view! { <p class="small">{address}</p> })}
            {service.phone.map(|phone| view! {
                <a class="button secondary" href=tel_href(&phone)>{format!("Call {phone}")}</a>
            })}
            {(!referral.consents.is_empty()).then(|| view! {
                <h3>"What you agreed we could share"</h3>
                <ul class="plain-list consents">
                    {referral.consents.iter().map(|c| view! { <li>{c.in_words(today)}</li> }).collect_view()}
                </ul>
                <p class="small">"You can take back your OK at any time: tell your case manager."</p>
            })}
            {referral.made_on.map(|on| view! { <p class="small">{format!("Referral sent: {}", long_date(on, today))}</p> })}
            <p class="small">{format!("Last change: {}", long_date(referral.updated_on, today))}</p>
        </article>
    }
}
