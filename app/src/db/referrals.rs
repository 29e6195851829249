use super::{date_text, new_id, read_date, read_id, Db, Result};
use super::{saved_or_stored, Saved};
use crate::domain::{
    sort_referrals, LifeDomain, RecordId, Referral, ReferralFields, ReferralStatus, Service,
    ServiceChoice,
};
use chrono::NaiveDate;
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct ReferralRow {
    id: String,
    domain: String,
    status: String,
    next_step: Option<String>,
    updated_on: String,
    service_name: String,
    service_description: String,
    service_phone: Option<String>,
    service_address: Option<String>,
    version: i64,
}

const SELECT: &str = "SELECT r.id, r.domain, r.status, r.next_step, r.updated_on, \
     s.name AS service_name, s.description AS service_description, \
     s.phone AS service_phone, s.address AS service_address, r.version \
     FROM referrals r JOIN services s ON s.id = r.service_id";

impl TryFrom<ReferralRow> for Referral {
    type Error = super::DbError;

    fn try_from(r: ReferralRow) -> Result<Self> {
        Ok(Referral {
            id: read_id(&r.id)?,
            service: Service {
                name: r.service_name,
                description: r.service_description,
                phone: r.service_phone,
                address: r.service_address,
            },
            domain: LifeDomain::from_code(&r.domain)?,
            status: ReferralStatus::from_code(&r.status)?,
            next_step: r.next_step,
            updated_on: read_date(&r.updated_on)?,
            version: r.version,
        })
    }
}

/// The client's referrals: open ones first, most recently changed first.
pub async fn referrals_of_client(db: &Db, client_id: &str) -> Result<Vec<Referral>> {
    let rows: Vec<ReferralRow> = sqlx::query_as(&format!("{SELECT} WHERE r.client_id = $1"))
        .bind(client_id)
        .fetch_all(db.pool())
        .await?;
    let mut referrals = rows
        .into_iter()
        .map(Referral::try_from)
        .collect::<Result<Vec<_>>>()?;
    sort_referrals(&mut referrals);
    Ok(referrals)
}

pub struct NewService<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub phone: Option<&'a str>,
    pub address: Option<&'a str>,
}

pub async fn insert_service(
    conn: &mut AnyConnection,
    organisation_id: &str,
    service: &NewService<'_>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO services (id, organisation_id, name, description, phone, address)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(service.name)
    .bind(service.description)
    .bind(service.phone)
    .bind(service.address)
    .execute(conn)
    .await?;
    Ok(id)
}

pub struct NewReferral<'a> {
    pub service_id: &'a str,
    pub domain: LifeDomain,
    pub status: ReferralStatus,
    pub next_step: Option<&'a str>,
    pub updated_on: NaiveDate,
}

pub async fn insert_referral(
    conn: &mut AnyConnection,
    client_id: &str,
    referral: &NewReferral<'_>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO referrals (id, client_id, service_id, domain, status, next_step, updated_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(referral.service_id)
    .bind(referral.domain.code())
    .bind(referral.status.code())
    .bind(referral.next_step)
    .bind(date_text(referral.updated_on))
    .execute(conn)
    .await?;
    Ok(id)
}

/// The services of the directory a client can be referred to now (not retired), by name.
pub async fn open_services(db: &Db, organisation_id: &str) -> Result<Vec<ServiceChoice>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, name FROM services WHERE organisation_id = $1 AND retired_on IS NULL
         ORDER BY name, id",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|(id, name)| {
            Ok(ServiceChoice {
                id: read_id(&id)?,
                name,
            })
        })
        .collect()
}

/// Refers the client to a service of their program's directory that is not retired. `None`
/// when there is no such service.
pub async fn add_referral(
    conn: &mut AnyConnection,
    client_id: &str,
    fields: &ReferralFields,
    today: NaiveDate,
) -> Result<Option<String>> {
    let Some(service_id) = &fields.service_id else {
        return Ok(None);
    };
    let open: Option<String> = sqlx::query_scalar(
        "SELECT s.id FROM services s
         JOIN people p ON p.organisation_id = s.organisation_id
         WHERE s.id = $1 AND p.id = $2 AND s.retired_on IS NULL",
    )
    .bind(service_id.as_str())
    .bind(client_id)
    .fetch_optional(&mut *conn)
    .await?;
    if open.is_none() {
        return Ok(None);
    }
    let referral = NewReferral {
        service_id: service_id.as_str(),
        domain: fields.domain,
        status: fields.status,
        next_step: fields.next_step.as_ref().map(|t| t.as_str()),
        updated_on: today,
    };
    Ok(Some(insert_referral(conn, client_id, &referral).await?))
}

/// Moves a referral along its pipeline and rewrites the next step, if it is still at
/// `expected_version`. The service stays as it was referred to, retired or not.
pub async fn save_referral(
    conn: &mut AnyConnection,
    client_id: &str,
    referral_id: &RecordId,
    expected_version: i64,
    fields: &ReferralFields,
    today: NaiveDate,
) -> Result<Saved<Referral>> {
    let updated = sqlx::query(
        "UPDATE referrals SET domain = $1, status = $2, next_step = $3, updated_on = $4,
                              version = version + 1
         WHERE client_id = $5 AND id = $6 AND version = $7",
    )
    .bind(fields.domain.code())
    .bind(fields.status.code())
    .bind(fields.next_step.as_ref().map(|t| t.as_str()))
    .bind(date_text(today))
    .bind(client_id)
    .bind(referral_id.as_str())
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    let stored = async {
        let row: Option<ReferralRow> =
            sqlx::query_as(&format!("{SELECT} WHERE r.client_id = $1 AND r.id = $2"))
                .bind(client_id)
                .bind(referral_id.as_str())
                .fetch_optional(&mut *conn)
                .await?;
        row.map(Referral::try_from).transpose()
    };
    saved_or_stored(
        updated.rows_affected(),
        referral_id,
        expected_version,
        stored,
    )
    .await
}
