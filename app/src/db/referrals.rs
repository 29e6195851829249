use super::{date_text, new_id, read_date, read_id, Db, Result};
use crate::domain::{sort_referrals, LifeDomain, Referral, ReferralStatus, Service};
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
}

/// The client's referrals: open ones first, most recently changed first.
pub async fn referrals_of_client(db: &Db, client_id: &str) -> Result<Vec<Referral>> {
    let rows: Vec<ReferralRow> = sqlx::query_as(
        "SELECT r.id, r.domain, r.status, r.next_step, r.updated_on,
                s.name AS service_name, s.description AS service_description,
                s.phone AS service_phone, s.address AS service_address
         FROM referrals r
         JOIN services s ON s.id = r.service_id
         WHERE r.client_id = $1",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    let mut referrals = rows
        .into_iter()
        .map(|r| {
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
            })
        })
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
