//! The program's directory of services and resources, as admins keep it.
use super::resources::{ResourceRow, RESOURCE_COLUMNS};
use super::{
    date_text, insert_resource, insert_service, read_id, read_optional_date, saved_or_stored,
    Result, Saved,
};
use super::{Db, NewResource, NewService};
use crate::domain::{
    DirectoryEntry, PlainText, RecordId, ResourceFields, ServiceFields, ServiceForm,
};
use chrono::NaiveDate;
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: String,
    name: String,
    description: String,
    phone: Option<String>,
    address: Option<String>,
    retired_on: Option<String>,
    version: i64,
}

impl TryFrom<ServiceRow> for DirectoryEntry {
    type Error = super::DbError;

    fn try_from(r: ServiceRow) -> Result<Self> {
        Ok(DirectoryEntry {
            id: read_id(&r.id)?,
            service: Some(ServiceForm {
                name: r.name.clone(),
                description: r.description.clone(),
                phone: r.phone.clone().unwrap_or_default(),
                address: r.address.unwrap_or_default(),
            }),
            resource: None,
            name: r.name,
            description: r.description,
            kind: None,
            phone: r.phone,
            retired_on: read_optional_date(r.retired_on)?,
            version: r.version,
        })
    }
}

const SERVICES: &str = "SELECT id, name, description, phone, address, retired_on, version
                        FROM services WHERE organisation_id = $1";
fn resources(rest: &str) -> String {
    format!(
        "SELECT {RESOURCE_COLUMNS}, 0 AS recommended FROM resources r
         WHERE r.organisation_id = $1 {rest}"
    )
}

/// Optional text as stored.
fn text_of(text: &Option<PlainText>) -> Option<&str> {
    text.as_ref().map(PlainText::as_str)
}

/// The program's services, those in use first, by name.
pub async fn directory_services(db: &Db, organisation_id: &str) -> Result<Vec<DirectoryEntry>> {
    let rows: Vec<ServiceRow> = sqlx::query_as(&format!(
        "{SERVICES} ORDER BY CASE WHEN retired_on IS NULL THEN 0 ELSE 1 END, name, id"
    ))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(DirectoryEntry::try_from).collect()
}

/// The program's resources, those in use first, in the program's order.
pub async fn directory_resources(db: &Db, organisation_id: &str) -> Result<Vec<DirectoryEntry>> {
    let rows: Vec<ResourceRow> = sqlx::query_as(&resources(
        "ORDER BY CASE WHEN r.retired_on IS NULL THEN 0 ELSE 1 END, r.position, r.id",
    ))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(DirectoryEntry::try_from).collect()
}

/// Adds a service (`id` none) or changes one still at `expected_version`.
pub async fn save_service(
    conn: &mut AnyConnection,
    organisation_id: &str,
    id: Option<&RecordId>,
    expected_version: i64,
    fields: &ServiceFields,
) -> Result<Saved<DirectoryEntry>> {
    let (phone, address) = (text_of(&fields.phone), text_of(&fields.address));
    let Some(id) = id else {
        let service = NewService {
            name: fields.name.as_str(),
            description: fields.description.as_str(),
            phone,
            address,
        };
        let id = insert_service(conn, organisation_id, &service).await?;
        return Ok(Saved::Saved { id, version: 1 });
    };
    let updated = sqlx::query(
        "UPDATE services SET name = $1, description = $2, phone = $3, address = $4,
                             version = version + 1
         WHERE organisation_id = $5 AND id = $6 AND version = $7",
    )
    .bind(fields.name.as_str())
    .bind(fields.description.as_str())
    .bind(phone)
    .bind(address)
    .bind(organisation_id)
    .bind(id.as_str())
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    let sql = format!("{SERVICES} AND id = $2");
    let stored = entry_as_stored::<ServiceRow>(conn, &sql, organisation_id, id);
    saved_or_stored(updated.rows_affected(), id, expected_version, stored).await
}

/// Adds a resource at the end of the program's list (`id` none) or changes one still at
/// `expected_version`.
pub async fn save_resource(
    conn: &mut AnyConnection,
    organisation_id: &str,
    id: Option<&RecordId>,
    expected_version: i64,
    fields: &ResourceFields,
) -> Result<Saved<DirectoryEntry>> {
    let (phone, website) = (text_of(&fields.phone), text_of(&fields.website));
    let Some(id) = id else {
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM resources WHERE organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_one(&mut *conn)
        .await?;
        let resource = NewResource {
            kind: fields.kind,
            audience: fields.audience,
            name: fields.name.as_str(),
            description: fields.description.as_str(),
            how_to_reach: fields.how_to_reach.as_str(),
            phone,
            website,
            position,
        };
        let id = insert_resource(conn, organisation_id, &resource).await?;
        return Ok(Saved::Saved { id, version: 1 });
    };
    let updated = sqlx::query(
        "UPDATE resources SET kind = $1, audience = $2, name = $3, description = $4,
                              how_to_reach = $5, phone = $6, website = $7, version = version + 1
         WHERE organisation_id = $8 AND id = $9 AND version = $10",
    )
    .bind(fields.kind.code())
    .bind(fields.audience.code())
    .bind(fields.name.as_str())
    .bind(fields.description.as_str())
    .bind(fields.how_to_reach.as_str())
    .bind(phone)
    .bind(website)
    .bind(organisation_id)
    .bind(id.as_str())
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    let sql = resources("AND r.id = $2");
    let stored = entry_as_stored::<ResourceRow>(conn, &sql, organisation_id, id);
    saved_or_stored(updated.rows_affected(), id, expected_version, stored).await
}

/// An entry as it now stands, read with `sql` (`$1` the organisation, `$2` the entry), to
/// show beside a save that came second.
async fn entry_as_stored<R>(
    conn: &mut AnyConnection,
    sql: &str,
    organisation_id: &str,
    id: &RecordId,
) -> Result<Option<DirectoryEntry>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    DirectoryEntry: TryFrom<R, Error = super::DbError>,
{
    let row: Option<R> = sqlx::query_as(sql)
        .bind(organisation_id)
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.map(DirectoryEntry::try_from).transpose()
}

/// Which part of the directory an entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryPart {
    Services,
    Resources,
}

/// Retires an entry from `on`: it is offered no more, and stays on what already names it.
/// Retiring again changes nothing. False if the program has no such entry.
pub async fn retire_entry(
    conn: &mut AnyConnection,
    organisation_id: &str,
    part: DirectoryPart,
    id: &RecordId,
    on: NaiveDate,
) -> Result<bool> {
    let table = match part {
        DirectoryPart::Services => "services",
        DirectoryPart::Resources => "resources",
    };
    let found: Option<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM {table} WHERE organisation_id = $1 AND id = $2"
    ))
    .bind(organisation_id)
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    if found.is_none() {
        return Ok(false);
    }
    sqlx::query(&format!(
        "UPDATE {table} SET retired_on = $1, version = version + 1
         WHERE organisation_id = $2 AND id = $3 AND retired_on IS NULL"
    ))
    .bind(date_text(on))
    .bind(organisation_id)
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(true)
}
