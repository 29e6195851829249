//! The resources a case manager chooses for one client from the program's directory: they
//! come first on the client's Support page.
use crate::domain::{Resource, SaveAnswer};
use crate::error::AppError;
use crate::pages::editing::{reload_after, SaveMessage};
use leptos::prelude::*;

/// Puts a resource on the client's list ("yes") or takes it off ("no").
#[server(endpoint = "choose-resource")]
pub async fn choose_resource(
    client_id: String,
    resource_id: String,
    chosen: String,
) -> Result<SaveAnswer, AppError> {
    use crate::actions::resources::choose;
    crate::request::answer("resource.choose", async move {
        let (state, asking) = crate::request::asking().await?;
        choose(&state.db, &asking, &client_id, &resource_id, &chosen).await
    })
    .await
}

#[component]
pub fn ChosenResources(client_id: String, resources: Vec<Resource>) -> impl IntoView {
    let choose = ServerAction::<ChooseResource>::new();
    reload_after(choose);
    let answer = Signal::derive(move || choose.value().get());
    let version = RwSignal::new(0);
    view! {
        <section aria-labelledby="resources-heading">
            <h2 id="resources-heading">"Resources chosen for the client"</h2>
            <SaveMessage answer version/>
            <ul class="plain-list choices">
                {resources.into_iter().map(|resource| {
                    let client_id = client_id.clone();
                    let (value, text, label) = if resource.recommended {
                        ("no", "Take off the list", format!("Take off the list: {}", resource.name))
                    } else {
                        ("yes", "Add to the list", format!("Add to the list: {}", resource.name))
                    };
                    view! {
                        <li class="row">
                            <span>
                                {resource.recommended.then(|| view! { <span class="tag">"Chosen"</span>" " })}
                                <strong>{resource.name.clone()}</strong>
                                <span class="small block">{resource.kind.staff_label()}</span>
                            </span>
                            <ActionForm action=choose>
                                <input type="hidden" name="client_id" value=client_id/>
                                <input type="hidden" name="resource_id" value=resource.id.to_string()/>
                                <input type="hidden" name="chosen" value=value/>
                                <button class="button secondary" type="submit" aria-label=label>{text}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
