use super::{date_text, instant_text, new_id, read_date, read_id, read_instant, Db, Result};
use super::{saved_or_stored, Saved};
use crate::domain::{
    sort_referrals, ConsentToShare, LifeDomain, RecordId, Referral, ReferralFields, ReferralRecord,
    ReferralStatus, Service, ServiceChoice, ServiceHandover, ServiceHandoverFields,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use std::collections::HashMap;

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
    made_on: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    follow_up_on: Option<String>,
}

const SELECT: &str = "SELECT r.id, r.domain, r.status, r.next_step, r.updated_on, \
     s.name AS service_name, s.description AS service_description, \
     s.phone AS service_phone, s.address AS service_address, r.version, r.made_on, \
     r.contact_name, r.contact_phone, r.follow_up_on \
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
            made_on: r.made_on.as_deref().map(read_date).transpose()?,
            consents: Vec::new(),
        })
    }
}

impl ReferralRow {
    fn into_record(self) -> Result<ReferralRecord> {
        Ok(ReferralRecord {
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            follow_up_on: self.follow_up_on.as_deref().map(read_date).transpose()?,
            referral: Referral::try_from(self)?,
            handovers: Vec::new(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct HandoverRow {
    id: String,
    referral_id: String,
    note: String,
    shared_what: String,
    shared_with: String,
    purpose: String,
    agreed_on: String,
    expires_on: String,
    withdrawn_on: Option<String>,
    written_by: String,
    written_at: String,
}

impl HandoverRow {
    fn consent(&self) -> Result<ConsentToShare> {
        Ok(ConsentToShare {
            id: read_id(&self.id)?,
            shared_what: self.shared_what.clone(),
            shared_with: self.shared_with.clone(),
            purpose: self.purpose.clone(),
            agreed_on: read_date(&self.agreed_on)?,
            expires_on: read_date(&self.expires_on)?,
            withdrawn_on: self.withdrawn_on.as_deref().map(read_date).transpose()?,
        })
    }
}

/// The client's consents to share and what was told under them, newest first, by referral.
async fn handovers_of_client(
    db: &Db,
    client_id: &str,
) -> Result<HashMap<String, Vec<HandoverRow>>> {
    let rows: Vec<HandoverRow> = sqlx::query_as(
        "SELECT h.id, h.referral_id, h.note, h.shared_what, h.shared_with, h.purpose,
                h.agreed_on, h.expires_on, h.withdrawn_on, p.display_name AS written_by,
                h.written_at
         FROM referral_handovers h JOIN people p ON p.id = h.written_by
         WHERE h.client_id = $1
         ORDER BY h.agreed_on DESC, h.written_at DESC, h.id DESC",
    )
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    let mut by_referral: HashMap<String, Vec<HandoverRow>> = HashMap::new();
    for row in rows {
        by_referral
            .entry(row.referral_id.clone())
            .or_default()
            .push(row);
    }
    Ok(by_referral)
}

/// The client's referrals with their consents (not the notes of what was told): open ones
/// first, most recently changed first.
pub async fn referrals_of_client(db: &Db, client_id: &str) -> Result<Vec<Referral>> {
    let rows: Vec<ReferralRow> = sqlx::query_as(&format!("{SELECT} WHERE r.client_id = $1"))
        .bind(client_id)
        .fetch_all(db.pool())
        .await?;
    let mut handovers = handovers_of_client(db, client_id).await?;
    let mut referrals = rows
        .into_iter()
        .map(|row| {
            let mut referral = Referral::try_from(row)?;
            for handover in handovers.remove(referral.id.as_str()).unwrap_or_default() {
                referral.consents.push(handover.consent()?);
            }
            Ok(referral)
        })
        .collect::<Result<Vec<_>>>()?;
    sort_referrals(&mut referrals);
    Ok(referrals)
}

/// The referrals of a client on this case manager's care team, with the staff's parts
/// (contact, follow-up, what the service was told); none for anyone else's client.
pub async fn referral_records(
    db: &Db,
    case_manager_id: &str,
    client_id: &str,
) -> Result<Vec<ReferralRecord>> {
    let rows: Vec<ReferralRow> = sqlx::query_as(&format!(
        "{SELECT} JOIN care_team t ON t.client_id = r.client_id AND t.case_manager_id = $1
         WHERE r.client_id = $2"
    ))
    .bind(case_manager_id)
    .bind(client_id)
    .fetch_all(db.pool())
    .await?;
    let mut handovers = if rows.is_empty() {
        HashMap::new()
    } else {
        handovers_of_client(db, client_id).await?
    };
    let mut records = rows
        .into_iter()
        .map(|row| {
            let mut record = row.into_record()?;
            for handover in handovers
                .remove(record.referral.id.as_str())
                .unwrap_or_default()
            {
                let consent = handover.consent()?;
                record.handovers.push(ServiceHandover {
                    consent_id: consent.id.clone(),
                    note: handover.note,
                    written_by: handover.written_by,
                    written_at: read_instant(&handover.written_at)?,
                });
                record.referral.consents.push(consent);
            }
            Ok(record)
        })
        .collect::<Result<Vec<_>>>()?;
    records.sort_by(|a, b| {
        let key = |r: &ReferralRecord| (r.referral.status.is_open(), r.referral.updated_on);
        key(b).cmp(&key(a))
    });
    Ok(records)
}

/// Records what a service was told about the client under their consent, if the referral
/// is theirs (`None` if not).
pub async fn insert_service_handover(
    conn: &mut AnyConnection,
    client_id: &str,
    referral_id: &RecordId,
    handover: &ServiceHandoverFields,
    written_by: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO referral_handovers (id, referral_id, client_id, note, shared_what,
                                         shared_with, purpose, agreed_on, expires_on,
                                         written_by, written_at)
         SELECT $1, r.id, r.client_id, $2, $3, $4, $5, $6, $7, $8, $9
         FROM referrals r WHERE r.id = $10 AND r.client_id = $11",
    )
    .bind(&id)
    .bind(handover.note.as_str())
    .bind(handover.shared_what.as_str())
    .bind(handover.shared_with.as_str())
    .bind(handover.purpose.as_str())
    .bind(date_text(handover.agreed_on))
    .bind(date_text(handover.expires_on))
    .bind(written_by)
    .bind(instant_text(now))
    .bind(referral_id.as_str())
    .bind(client_id)
    .execute(conn)
    .await?;
    Ok((inserted.rows_affected() == 1).then_some(id))
}

/// Records that the client took a consent back on `on`: `Some(true)` when it did,
/// `Some(false)` when it was taken back already, `None` when the consent is not theirs.
pub async fn withdraw_consent(
    conn: &mut AnyConnection,
    client_id: &str,
    consent_id: &RecordId,
    on: NaiveDate,
) -> Result<Option<bool>> {
    let updated = sqlx::query(
        "UPDATE referral_handovers SET withdrawn_on = $1
         WHERE client_id = $2 AND id = $3 AND withdrawn_on IS NULL",
    )
    .bind(date_text(on))
    .bind(client_id)
    .bind(consent_id.as_str())
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 1 {
        return Ok(Some(true));
    }
    let known: Option<String> =
        sqlx::query_scalar("SELECT id FROM referral_handovers WHERE client_id = $1 AND id = $2")
            .bind(client_id)
            .bind(consent_id.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(known.map(|_| false))
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
    pub contact_name: Option<&'a str>,
    pub contact_phone: Option<&'a str>,
    pub made_on: Option<NaiveDate>,
    pub follow_up_on: Option<NaiveDate>,
}

pub async fn insert_referral(
    conn: &mut AnyConnection,
    client_id: &str,
    referral: &NewReferral<'_>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO referrals (id, client_id, service_id, domain, status, next_step, updated_on,
                                contact_name, contact_phone, made_on, follow_up_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(client_id)
    .bind(referral.service_id)
    .bind(referral.domain.code())
    .bind(referral.status.code())
    .bind(referral.next_step)
    .bind(date_text(referral.updated_on))
    .bind(referral.contact_name)
    .bind(referral.contact_phone)
    .bind(referral.made_on.map(date_text))
    .bind(referral.follow_up_on.map(date_text))
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
        contact_name: fields.contact_name.as_ref().map(|t| t.as_str()),
        contact_phone: fields.contact_phone.as_ref().map(|t| t.as_str()),
        made_on: fields.made_on,
        follow_up_on: fields.follow_up_on,
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
) -> Result<Saved<ReferralRecord>> {
    let updated = sqlx::query(
        "UPDATE referrals SET domain = $1, status = $2, next_step = $3, updated_on = $4,
                              contact_name = $5, contact_phone = $6, made_on = $7,
                              follow_up_on = $8, version = version + 1
         WHERE client_id = $9 AND id = $10 AND version = $11",
    )
    .bind(fields.domain.code())
    .bind(fields.status.code())
    .bind(fields.next_step.as_ref().map(|t| t.as_str()))
    .bind(date_text(today))
    .bind(fields.contact_name.as_ref().map(|t| t.as_str()))
    .bind(fields.contact_phone.as_ref().map(|t| t.as_str()))
    .bind(fields.made_on.map(date_text))
    .bind(fields.follow_up_on.map(date_text))
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
        row.map(ReferralRow::into_record).transpose()
    };
    saved_or_stored(
        updated.rows_affected(),
        referral_id,
        expected_version,
        stored,
    )
    .await
}
