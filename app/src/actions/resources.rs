//! The resources a case manager chooses for one client from the program's directory.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::db::{self, Db};
use crate::domain::{RecordId, SaveAnswer};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};

/// Puts a resource on the client's list ("yes") or takes it off ("no"). Either is
/// idempotent, so two case managers choosing at once cannot undo each other unseen.
pub async fn choose(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    resource_id: &str,
    chosen: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "resource.choose";
    traced(action, asking, async {
        let (_, home) = case_manager_of(db, asking, client_id).await?;
        let id = RecordId::parse(resource_id).ok_or(AppError::NotFound)?;
        let chosen = match chosen {
            "yes" => true,
            "no" => false,
            _ => return Err(AppError::NotFound),
        };
        let mut change = db.change().await?;
        if !db::choose_resource(&mut change, &home.client_id, id.as_str(), chosen).await? {
            return Err(AppError::NotFound);
        }
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id.to_string())), entry).await
    })
    .await
}
