use crate::components::{served, ResourceCard};
use crate::domain::{Audience, Resource, ResourceKind};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "resources")]
pub async fn get_resources() -> Result<Vec<Resource>, AppError> {
    use crate::{db, request};
    crate::request::answer("read.resources", async move {
        let (state, home) = request::signed_in_client().await?;
        Ok(db::resources_for_client(&state.db, &home.client_id).await?)
    })
    .await
}

pub const TITLE: &str = "Support";

/// The page from the phone's copy.
pub fn resources_from_copy(
    copy: &crate::domain::DeviceCopy,
    _now: chrono::NaiveDateTime,
) -> Option<Vec<Resource>> {
    copy.profile().map(|_| copy.resources())
}

#[component]
pub fn SupportPage() -> impl IntoView {
    view! {
        <Title text=TITLE/>
        {served(get_resources, |resources| view! { <SupportView resources/> })}
    }
}

#[component]
pub fn SupportView(resources: Vec<Resource>) -> impl IntoView {
    let (crisis, rest): (Vec<_>, Vec<_>) = resources
        .into_iter()
        .partition(|r| r.kind == ResourceKind::CrisisLine);
    // Peer support has its own place, so that it can be found; a peer group for families
    // stays with the family's resources.
    let (peer, rest): (Vec<_>, Vec<_>) = rest
        .into_iter()
        .partition(|r| r.kind == ResourceKind::PeerSupport && r.audience.includes_client());
    let (for_you, for_family): (Vec<_>, Vec<_>) = rest
        .into_iter()
        .partition(|r| r.audience != Audience::Family);
    let section = |id: &'static str,
                   heading: &'static str,
                   intro: &'static str,
                   list: Vec<Resource>| {
        (!list.is_empty()).then(|| view! {
            <section aria-labelledby=id>
                <h2 id=id>{heading}</h2>
                <p>{intro}</p>
                <ul class="plain-list">
                    {list.into_iter().map(|resource| view! { <li><ResourceCard resource/></li> }).collect_view()}
                </ul>
            </section>
        })
    };
    view! {
        <h1>"Support"</h1>
        {section("now-heading", "Help right now", "Free and open any time, day or night.", crisis)}
        {section(
            "peer-heading",
            "Peer support",
            "People who have been there. When and where they meet:",
            peer,
        )}
        {section("you-heading", "For you", "Groups, people and places that can help.", for_you)}
        {section(
            "family-heading",
            "For family and friends",
            "You can pass these on to people who support you.",
            for_family,
        )}
    }
}
