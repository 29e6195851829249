use super::{new_id, read_id, read_optional_date, Db, Result};
use crate::domain::{Audience, DirectoryEntry, Resource, ResourceForm, ResourceKind};
use sqlx::AnyConnection;

/// A row of the `resources` table, as every query of it reads it (`RESOURCE_COLUMNS`), with
/// whether the client's case manager chose it for them.
#[derive(sqlx::FromRow)]
pub(super) struct ResourceRow {
    id: String,
    kind: String,
    audience: String,
    name: String,
    description: String,
    how_to_reach: String,
    phone: Option<String>,
    website: Option<String>,
    retired_on: Option<String>,
    version: i64,
    recommended: i64,
}

/// The columns of [`ResourceRow`] from `resources r`, before `recommended`.
pub(super) const RESOURCE_COLUMNS: &str = "r.id, r.kind, r.audience, r.name, r.description, \
     r.how_to_reach, r.phone, r.website, r.retired_on, r.version";

impl TryFrom<ResourceRow> for Resource {
    type Error = super::DbError;

    fn try_from(r: ResourceRow) -> Result<Self> {
        Ok(Resource {
            id: read_id(&r.id)?,
            kind: ResourceKind::from_code(&r.kind)?,
            audience: Audience::from_code(&r.audience)?,
            name: r.name,
            description: r.description,
            how_to_reach: r.how_to_reach,
            phone: r.phone,
            website: r.website,
            recommended: r.recommended != 0,
        })
    }
}

impl TryFrom<ResourceRow> for DirectoryEntry {
    type Error = super::DbError;

    fn try_from(r: ResourceRow) -> Result<Self> {
        let kind = ResourceKind::from_code(&r.kind)?;
        let audience = Audience::from_code(&r.audience)?;
        Ok(DirectoryEntry {
            id: read_id(&r.id)?,
            resource: Some(ResourceForm {
                kind: r.kind,
                audience: r.audience,
                name: r.name.clone(),
                description: r.description.clone(),
                how_to_reach: r.how_to_reach,
                phone: r.phone.clone().unwrap_or_default(),
                website: r.website.unwrap_or_default(),
            }),
            service: None,
            name: r.name,
            description: r.description,
            kind: Some(format!("{} · {}", kind.label(), audience.label())),
            phone: r.phone,
            retired_on: read_optional_date(r.retired_on)?,
            version: r.version,
        })
    }
}

// Resources of the client's own program that are in use, each marked if the case manager
// picked it for this client.
fn for_client(rest: &str) -> String {
    format!(
        "SELECT {RESOURCE_COLUMNS},
                CASE WHEN cr.resource_id IS NULL THEN 0 ELSE 1 END AS recommended
         FROM resources r
         JOIN people p ON p.organisation_id = r.organisation_id AND p.id = $1
         LEFT JOIN client_resources cr ON cr.resource_id = r.id AND cr.client_id = $1
         WHERE r.retired_on IS NULL {rest}"
    )
}

/// Every resource the client's program offers, picked-for-them first, then in the program's
/// order.
pub async fn resources_for_client(db: &Db, client_id: &str) -> Result<Vec<Resource>> {
    let rows: Vec<ResourceRow> =
        sqlx::query_as(&for_client("ORDER BY recommended DESC, r.position, r.id"))
            .bind(client_id)
            .fetch_all(db.pool())
            .await?;
    rows.into_iter().map(Resource::try_from).collect()
}

/// The first crisis line of the client's program, for the "help now" link on every page.
pub async fn crisis_line_for_client(db: &Db, client_id: &str) -> Result<Option<Resource>> {
    let row: Option<ResourceRow> = sqlx::query_as(&for_client(
        "AND r.kind = 'crisis_line' ORDER BY r.position, r.id LIMIT 1",
    ))
    .bind(client_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(Resource::try_from).transpose()
}

pub struct NewResource<'a> {
    pub kind: ResourceKind,
    pub audience: Audience,
    pub name: &'a str,
    pub description: &'a str,
    pub how_to_reach: &'a str,
    pub phone: Option<&'a str>,
    pub website: Option<&'a str>,
    pub position: i64,
}

pub async fn insert_resource(
    conn: &mut AnyConnection,
    organisation_id: &str,
    resource: &NewResource<'_>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO resources (id, organisation_id, kind, audience, name, description,
                                how_to_reach, phone, website, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(resource.kind.code())
    .bind(resource.audience.code())
    .bind(resource.name)
    .bind(resource.description)
    .bind(resource.how_to_reach)
    .bind(resource.phone)
    .bind(resource.website)
    .bind(resource.position)
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn recommend_resource(
    conn: &mut AnyConnection,
    client_id: &str,
    resource_id: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO client_resources (client_id, resource_id) VALUES ($1, $2)")
        .bind(client_id)
        .bind(resource_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Puts one of the program's resources on the client's list (`chosen`), or takes it off.
/// Either is idempotent, so two case managers choosing at once cannot undo each other
/// unseen. False if the resource is not one of the client's program's, in use.
pub async fn choose_resource(
    conn: &mut AnyConnection,
    client_id: &str,
    resource_id: &str,
    chosen: bool,
) -> Result<bool> {
    let offered: Option<String> = sqlx::query_scalar(
        "SELECT r.id FROM resources r
         JOIN people p ON p.organisation_id = r.organisation_id AND p.id = $1
         WHERE r.id = $2 AND r.retired_on IS NULL",
    )
    .bind(client_id)
    .bind(resource_id)
    .fetch_optional(&mut *conn)
    .await?;
    if offered.is_none() {
        return Ok(false);
    }
    let sql = if chosen {
        "INSERT INTO client_resources (client_id, resource_id) VALUES ($1, $2)
         ON CONFLICT (client_id, resource_id) DO NOTHING"
    } else {
        "DELETE FROM client_resources WHERE client_id = $1 AND resource_id = $2"
    };
    sqlx::query(sql)
        .bind(client_id)
        .bind(resource_id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// The program's places for family and friends to get help: open to everyone, signed in
/// or not, on its library's home.
pub async fn family_resources(db: &Db, organisation_id: &str) -> Result<Vec<Resource>> {
    let rows: Vec<ResourceRow> = sqlx::query_as(&format!(
        "SELECT {RESOURCE_COLUMNS}, 0 AS recommended FROM resources r
         WHERE r.organisation_id = $1 AND r.retired_on IS NULL
           AND r.audience IN ('family', 'both')
         ORDER BY r.position, r.id"
    ))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(Resource::try_from).collect()
}
