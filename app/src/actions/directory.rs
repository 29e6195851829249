//! The program's directory as its admin keeps it: services clients are referred to and
//! resources for clients and families, added, edited under version checks, and retired
//! (offered no more, kept on what already names them).
use super::{answer_of, kept_if_saved, traced};
use crate::audit;
use crate::clock::local_time_in;
use crate::db::{self, Db, DirectoryPart};
use crate::domain::{row, DirectoryEntry, RecordId, ResourceForm, Role, SaveAnswer, ServiceForm};
use crate::error::AppError;
use crate::session::{Asking, SignedIn};

fn entry_rows(entry: &DirectoryEntry) -> Vec<(String, String)> {
    vec![
        row("Name", entry.name.as_str()),
        row("Description", entry.description.as_str()),
        row("Phone", entry.phone.clone().unwrap_or_default()),
    ]
}

/// Who may change the directory: an admin, of their own organisation's.
fn admin(asking: &Asking) -> Result<&SignedIn, AppError> {
    asking.as_role(Role::Admin)
}

/// Adds a service (empty `service_id`) or changes one still at `version`.
pub async fn save_service(
    db: &Db,
    asking: &Asking,
    service_id: &str,
    version: i64,
    form: ServiceForm,
) -> Result<SaveAnswer, AppError> {
    let action = "directory.service.save";
    traced(action, asking, async {
        let organisation = &admin(asking)?.organisation_id;
        let fields = match form.check() {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let id = RecordId::parse_or_new(service_id).map_err(|_| AppError::NotFound)?;
        let mut change = db.change().await?;
        let saved =
            db::save_service(&mut change, organisation, id.as_ref(), version, &fields).await?;
        let yours = vec![
            row("Name", fields.name.as_str()),
            row("Description", fields.description.as_str()),
        ];
        let answer = answer_of(saved, yours, |e| Some((entry_rows(e), e.version)))?;
        kept_if_saved(change, answer, audit::allowed(asking, action)).await
    })
    .await
}

/// Adds a resource at the end of the program's list (empty `resource_id`) or changes one
/// still at `version`.
pub async fn save_resource(
    db: &Db,
    asking: &Asking,
    resource_id: &str,
    version: i64,
    form: ResourceForm,
) -> Result<SaveAnswer, AppError> {
    let action = "directory.resource.save";
    traced(action, asking, async {
        let organisation = &admin(asking)?.organisation_id;
        let fields = match form.check() {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let id = RecordId::parse_or_new(resource_id).map_err(|_| AppError::NotFound)?;
        let mut change = db.change().await?;
        let saved =
            db::save_resource(&mut change, organisation, id.as_ref(), version, &fields).await?;
        let yours = vec![
            row("Name", fields.name.as_str()),
            row("Description", fields.description.as_str()),
        ];
        let answer = answer_of(saved, yours, |e| Some((entry_rows(e), e.version)))?;
        kept_if_saved(change, answer, audit::allowed(asking, action)).await
    })
    .await
}

/// Retires a "service" or a "resource" of the directory from the program's today.
pub async fn retire(
    db: &Db,
    asking: &Asking,
    part: &str,
    entry_id: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "directory.retire";
    traced(action, asking, async {
        let organisation = &admin(asking)?.organisation_id;
        let part = match part {
            "service" => DirectoryPart::Services,
            "resource" => DirectoryPart::Resources,
            _ => return Err(AppError::NotFound),
        };
        let id = RecordId::parse(entry_id).ok_or(AppError::NotFound)?;
        let mut change = db.change().await?;
        let zone = db::time_zone_of_organisation_in(&mut change, organisation).await?;
        let today = local_time_in(&zone).date();
        if !db::retire_entry(&mut change, organisation, part, &id, today).await? {
            return Err(AppError::NotFound);
        }
        let saved = (SaveAnswer::Saved, Some(id.to_string()));
        kept_if_saved(change, saved, audit::allowed(asking, action)).await
    })
    .await
}
