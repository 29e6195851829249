//! The program's directory as its admin keeps it: services clients are referred to and
//! resources for clients and families, added, edited under version checks, and retired
//! (offered no more, kept on what already names them).
use super::{answer_of, kept_if_saved, traced};
use crate::audit;
use crate::clock::local_time_in;
use crate::db::{self, Db, DirectoryPart};
use crate::domain::{
    row, DirectoryEntry, RecordId, ResourceFields, ResourceForm, Role, SaveAnswer, ServiceFields,
    ServiceForm,
};
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

/// What an admin filled in for an entry of one part of the directory.
#[derive(Debug, Clone)]
pub enum EntryForm {
    Service(ServiceForm),
    Resource(ResourceForm),
}

/// Adds an entry (empty `entry_id`; a resource goes at the end of the program's list) or
/// changes one still at `version`.
pub async fn save_entry(
    db: &Db,
    asking: &Asking,
    entry_id: &str,
    version: i64,
    form: EntryForm,
) -> Result<SaveAnswer, AppError> {
    let action = match form {
        EntryForm::Service(_) => "directory.service.save",
        EntryForm::Resource(_) => "directory.resource.save",
    };
    traced(action, asking, async {
        let organisation = &admin(asking)?.organisation_id;
        let id = RecordId::parse_or_new(entry_id).map_err(|_| AppError::NotFound)?;
        let id = id.as_ref();
        let checked = match form {
            EntryForm::Service(form) => form.check().map(Checked::Service),
            EntryForm::Resource(form) => form.check().map(Checked::Resource),
        };
        let fields = match checked {
            Ok(fields) => fields,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let (saved, name, description) = match &fields {
            Checked::Service(f) => (
                db::save_service(&mut change, organisation, id, version, f).await?,
                &f.name,
                &f.description,
            ),
            Checked::Resource(f) => (
                db::save_resource(&mut change, organisation, id, version, f).await?,
                &f.name,
                &f.description,
            ),
        };
        let yours = vec![
            row("Name", name.as_str()),
            row("Description", description.as_str()),
        ];
        let answer = answer_of(saved, yours, |e| Some((entry_rows(e), e.version)))?;
        kept_if_saved(change, answer, audit::allowed(asking, action)).await
    })
    .await
}

enum Checked {
    Service(ServiceFields),
    Resource(ResourceFields),
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
