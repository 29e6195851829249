//! What the admin does for the whole program: adding staff accounts (also from the command
//! line), deactivating and reactivating them, and exporting the audit trail.
use super::enrollment::{add_sign_in, check_credentials, ChosenSignIn};
use super::{traced, AddedBy};
use crate::audit;
use crate::db::{self, AuditEntry, AuditEvent, Db};
use crate::domain::{shown_name, Role};
use crate::error::AppError;
use crate::notice::Problem;
use crate::session::Asking;
use chrono::{DateTime, Utc};

/// A staff member to add.
#[derive(Debug, Clone, Copy)]
pub struct NewStaff<'a> {
    pub name_shown: &'a str,
    pub role: Role,
    pub sign_in_name: &'a str,
    pub passphrase: &'a str,
}

/// Adds a case manager or admin; the new person's id.
pub async fn add_staff(
    db: &Db,
    by: AddedBy<'_>,
    staff: NewStaff<'_>,
    now: DateTime<Utc>,
) -> Result<Result<String, Problem>, AppError> {
    let action = "staff.create";
    match by {
        AddedBy::SignedIn(asking) => {
            traced(action, asking, async {
                let admin = asking.as_role(Role::Admin)?;
                let entry = by.entry(action);
                create_staff(db, &admin.organisation_id, staff, entry, now).await
            })
            .await
        }
        AddedBy::CommandLine { organisation_id } => {
            create_staff(db, organisation_id, staff, by.entry(action), now).await
        }
    }
}

async fn create_staff(
    db: &Db,
    organisation_id: &str,
    staff: NewStaff<'_>,
    entry: AuditEvent,
    now: DateTime<Utc>,
) -> Result<Result<String, Problem>, AppError> {
    if !matches!(staff.role, Role::CaseManager | Role::Admin) {
        return Ok(Err(Problem::NotFound));
    }
    let Some(name_shown) = shown_name(staff.name_shown) else {
        return Ok(Err(Problem::NameMissing));
    };
    let chosen = ChosenSignIn {
        sign_in_name: staff.sign_in_name,
        passphrase: staff.passphrase,
        repeated: staff.passphrase,
    };
    let credentials = match check_credentials(chosen).await? {
        Ok(credentials) => credentials,
        Err(problem) => return Ok(Err(problem)),
    };
    let mut change = db.change().await?;
    let person_id = db::new_id();
    let (id, role) = (&person_id, staff.role);
    db::insert_person(&mut change, id, organisation_id, &name_shown, role, now).await?;
    if let Err(taken) = add_sign_in(&mut change, id, &credentials, now).await? {
        return Ok(Err(taken));
    }
    change.keep(&[entry.on(&person_id)], now).await?;
    Ok(Ok(person_id))
}

/// A new organisation (`waypoint organisation create`): its id, or what is wrong with the
/// name or time zone.
pub async fn add_organisation(
    db: &Db,
    name: &str,
    time_zone: &str,
    now: DateTime<Utc>,
) -> Result<Result<String, &'static str>, AppError> {
    let Ok(name) = crate::domain::PlainText::parse(name, 120) else {
        return Ok(Err(
            "the name must be 1 to 120 characters, without control characters",
        ));
    };
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Ok(Err(
            "the time zone must be an IANA name, like America/Toronto",
        ));
    }
    let id = db::new_id();
    let mut change = db.change().await?;
    db::insert_organisation(&mut change, &id, name.as_str(), time_zone, now).await?;
    let by = AddedBy::CommandLine {
        organisation_id: &id,
    };
    change
        .keep(&[by.entry("organisation.create").on(&id)], now)
        .await?;
    Ok(Ok(id))
}

/// An admin deactivates (`active: false`) or reactivates a staff member of their own
/// organisation, named by sign-in name; false when there is no such staff member there (or
/// it is themselves).
pub async fn set_staff_active(
    db: &Db,
    asking: &Asking,
    sign_in_name: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let action = if active {
        "staff.reactivate"
    } else {
        "staff.deactivate"
    };
    traced(action, asking, async {
        let admin = asking.as_role(Role::Admin)?;
        let Ok(name) = crate::domain::SignInName::parse(sign_in_name) else {
            return Ok(false);
        };
        let Some(person) = db::person_with_sign_in_name(db, name.as_str()).await? else {
            return Ok(false);
        };
        let org = &admin.organisation_id;
        let mut change = db.change().await?;
        let done = if active {
            db::reactivate_staff(&mut change, org, &person).await?
        } else {
            db::deactivate_staff(&mut change, org, &person, &admin.person_id, now).await?
        };
        if !done {
            return Ok(false);
        }
        change
            .keep(&[audit::allowed(asking, action).on(&person)], now)
            .await?;
        Ok(true)
    })
    .await
}

/// A reset code just made for a staff member, shown once to the admin.
#[derive(Debug, Clone)]
pub struct ResetCode {
    pub person_id: String,
    pub code: String,
}

/// An admin gives a staff member of their organisation (named by sign-in name, not the
/// admin) a one-time code to choose a new passphrase with; their sign-in stops working at
/// once (sessions, passkeys, the old passphrase), as for a client's new set-up code. `None`
/// when there is no such active staff member there.
pub async fn make_reset_code(
    db: &Db,
    asking: &Asking,
    sign_in_name: &str,
    now: DateTime<Utc>,
) -> Result<Option<ResetCode>, AppError> {
    let action = "staff.reset_code";
    traced(action, asking, async {
        let admin = asking.as_role(Role::Admin)?;
        let Ok(name) = crate::domain::SignInName::parse(sign_in_name) else {
            return Ok(None);
        };
        let Some(person) = db::person_with_sign_in_name(db, name.as_str()).await? else {
            return Ok(None);
        };
        let code = crate::auth::new_code()?;
        let (org, by) = (&admin.organisation_id, &admin.person_id);
        let expires = now + crate::auth::RESET_CODE_LIFETIME;
        let mut change = db.change().await?;
        let hash = crate::secrets::secret_hash(&code);
        if !db::insert_reset_code(&mut change, &hash, org, &person, by, now, expires).await? {
            return Ok(None);
        }
        db::reset_sign_in(&mut change, &person, by, now).await?;
        let entries = [
            audit::allowed(asking, action).on(&person),
            audit::allowed(asking, "sign_in.reset").on(&person),
        ];
        change.keep(&entries, now).await?;
        Ok(Some(ResetCode {
            person_id: person,
            code,
        }))
    })
    .await
}

/// An admin exports the audit trail from `from` (inclusive) to `to` (exclusive): the export
/// is recorded first, then its entries are read a page at a time ([`AuditExport::page`]).
pub async fn export_audit(
    db: &Db,
    asking: &Asking,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<AuditExport, AppError> {
    let action = "audit.export";
    traced(action, asking, async {
        let admin = asking.as_role(Role::Admin)?;
        db::record_audit_now(db, &[audit::allowed(asking, action)], now).await?;
        Ok(AuditExport {
            organisation_id: admin.organisation_id.clone(),
            range: (from, to),
        })
    })
    .await
}

/// An export an admin was allowed and which is recorded: their organisation's entries in
/// the range, read a page at a time.
#[derive(Debug, Clone)]
pub struct AuditExport {
    organisation_id: String,
    range: (DateTime<Utc>, DateTime<Utc>),
}

impl AuditExport {
    /// The next page after `after` (none for the first); empty at the end.
    pub async fn page(
        &self,
        db: &Db,
        after: Option<&AuditEntry>,
    ) -> Result<Vec<AuditEntry>, AppError> {
        Ok(db::audit_page(db, &self.organisation_id, self.range, after).await?)
    }
}

impl super::Outcome for AuditExport {
    fn outcome(&self) -> &'static str {
        "done"
    }
}
