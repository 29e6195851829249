//! Intake: a case manager or an admin adds a client to the program (also from the command
//! line, for imports), with the client's care team.
use super::{traced, AddedBy, Outcome};
use crate::clock::local_time_in;
use crate::db::{self, Db, Intake, NewClientProfile};
use crate::domain::{identity_key, IntakeAnswer, IntakeForm, Role};
use crate::error::AppError;
use chrono::{DateTime, Utc};

impl Outcome for IntakeAnswer {
    fn outcome(&self) -> &'static str {
        match self {
            IntakeAnswer::Added { .. } => "saved",
            IntakeAnswer::Invalid(_) => "invalid",
            IntakeAnswer::Exists { .. } => "exists",
        }
    }
}

/// Adds a client. A case manager adding them is their primary case manager; an admin (or
/// the command line) names one in the form. A person already in the program (same name and
/// date of birth) is not added twice: the answer says so, with their id only for someone
/// on their care team.
pub async fn add_client(
    db: &Db,
    by: AddedBy<'_>,
    form: IntakeForm,
    now: DateTime<Utc>,
) -> Result<IntakeAnswer, AppError> {
    let action = "client.add";
    match by {
        AddedBy::SignedIn(asking) => {
            traced(action, asking, async {
                let person = asking.signed_in()?;
                let (primary, adder) = match person.role {
                    Role::CaseManager => (person.person_id.as_str(), Some(person)),
                    Role::Admin => (form.primary_case_manager.trim(), None),
                    _ => return Err(AppError::NotFound),
                };
                let organisation_id = person.organisation_id.as_str();
                let added = Adding {
                    organisation_id,
                    primary,
                    added_by: Some(&person.person_id),
                };
                let answer = added.add(db, &form, by.entry(action), now).await?;
                // Only their care team may open an existing record: an admin or another
                // case manager is told it exists, not which it is.
                Ok(match (answer, adder) {
                    (
                        IntakeAnswer::Exists {
                            client_id: Some(id),
                        },
                        Some(case_manager),
                    ) if db::on_care_team(db, &case_manager.person_id, &id).await? => {
                        IntakeAnswer::Exists {
                            client_id: Some(id),
                        }
                    }
                    (IntakeAnswer::Exists { .. }, _) => IntakeAnswer::Exists { client_id: None },
                    (answer, _) => answer,
                })
            })
            .await
        }
        AddedBy::CommandLine { organisation_id } => {
            let added = Adding {
                organisation_id,
                primary: form.primary_case_manager.trim(),
                added_by: None,
            };
            added.add(db, &form, by.entry(action), now).await
        }
    }
}

struct Adding<'a> {
    organisation_id: &'a str,
    primary: &'a str,
    added_by: Option<&'a str>,
}

impl Adding<'_> {
    async fn add(
        &self,
        db: &Db,
        form: &IntakeForm,
        entry: db::AuditEvent,
        now: DateTime<Utc>,
    ) -> Result<IntakeAnswer, AppError> {
        let time_zone = db::time_zone_of_organisation(db, self.organisation_id).await?;
        let today = local_time_in(&time_zone).date();
        let checked = form.check(today);
        let mut problems = checked.clone().err().unwrap_or_default();
        let second = form.second_case_manager.trim();
        let second = (!second.is_empty() && second != self.primary).then_some(second);
        let mut change = db.change().await?;
        let org = self.organisation_id;
        if !db::is_active_case_manager(&mut change, org, self.primary).await? {
            problems.add("primary_case_manager", "Please choose a case manager.");
        }
        if let Some(second) = second {
            if !db::is_active_case_manager(&mut change, org, second).await? {
                problems.add(
                    "second_case_manager",
                    "Please choose a case manager, or none.",
                );
            }
        }
        let fields = match problems.or(checked.ok()) {
            Ok(fields) => fields,
            Err(problems) => return Ok(IntakeAnswer::Invalid(problems)),
        };
        let client_id = db::new_id();
        let identity = identity_key(org, fields.full_name.as_str(), fields.date_of_birth);
        let full_name = fields.full_name.as_str();
        db::insert_person(&mut change, &client_id, org, full_name, Role::Client, now).await?;
        let profile = NewClientProfile {
            person_id: &client_id,
            preferred_name: fields.preferred_name.as_str(),
            pronouns: fields.pronouns.as_ref().map(|p| p.as_str()),
            program_start_on: fields.program_start_on,
            pharmacy: fields.pharmacy.as_ref().map(|p| p.as_str()),
            intake: Some(Intake {
                date_of_birth: fields.date_of_birth,
                phone: fields.phone.as_ref().map(|p| p.as_str()),
                leave_messages: fields.leave_messages,
                preferred_language: fields.preferred_language.as_ref().map(|l| l.as_str()),
                identity_key: &identity,
                added_by: self.added_by,
                added_at: now,
            }),
        };
        if db::insert_client_profile(&mut change, &profile)
            .await?
            .is_err()
        {
            // The unique index said so; the change is dropped and nothing is written.
            drop(change);
            let existing = db::client_with_identity(db, &identity).await?;
            return Ok(IntakeAnswer::Exists {
                client_id: existing,
            });
        }
        db::add_to_care_team(&mut change, &client_id, self.primary, true, today).await?;
        if let Some(second) = second {
            db::add_to_care_team(&mut change, &client_id, second, false, today).await?;
        }
        change.keep(&[entry.about(&client_id)], now).await?;
        Ok(IntakeAnswer::Added { client_id })
    }
}
