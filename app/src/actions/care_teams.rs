//! Care teams: a case manager hands a client over to a colleague; an admin sets a client's
//! team, the office's contact details and staff members' lines.
use super::traced;
use crate::audit;
use crate::clock::{local_now, local_time_in};
use crate::db::{self, Db, HandedOver};
use crate::domain::{
    CareTeamForm, FieldProblems, HandoverForm, OfficeForm, Role, SaveAnswer, WorkPhoneForm,
};
use crate::error::AppError;
use crate::session::{case_manager_of, Asking};
use chrono::Utc;

fn problem(field: &str, message: &str) -> SaveAnswer {
    let mut problems = FieldProblems::default();
    problems.add(field, message);
    SaveAnswer::Invalid(problems)
}

/// Hands the client over to a colleague with a note: the colleague takes this case
/// manager's place on the team, and this case manager leaves it.
pub async fn hand_over(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: HandoverForm,
) -> Result<SaveAnswer, AppError> {
    let action = "care_team.handover";
    traced(action, asking, async {
        let (from, home) = case_manager_of(db, asking, client_id).await?;
        let handover = match form.check() {
            Ok(handover) => handover,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let to = handover.to.as_str();
        if to == from.person_id {
            return Ok(problem("to", "Please choose a colleague: this is you."));
        }
        let mut change = db.change().await?;
        if !db::is_active_case_manager(&mut change, &home.organisation_id, to).await? {
            return Ok(problem("to", "Please choose a case manager from the list."));
        }
        let today = local_now(&home).date();
        let (client, note) = (&home.client_id, &handover.note);
        let done = db::hand_over(&mut change, client, &from.person_id, to, note, Utc::now(), today);
        match done.await? {
            HandedOver::Done => {}
            HandedOver::AlreadyOnTeam => {
                return Ok(problem("to", "They are on this care team already."));
            }
            HandedOver::NotOnTeam => return Err(AppError::NotFound),
            HandedOver::TeamChanged => {
                return Ok(problem(
                    "to",
                    "Someone changed this care team a moment ago. Please reload the page and try again.",
                ));
            }
        }
        let entry = audit::allowed(asking, action).about(client).on(to);
        change.keep(&[entry], Utc::now()).await?;
        Ok(SaveAnswer::Saved)
    })
    .await
}

/// Sets a client's care team (admin).
pub async fn set_care_team(
    db: &Db,
    asking: &Asking,
    client_id: &str,
    form: CareTeamForm,
) -> Result<SaveAnswer, AppError> {
    let action = "care_team.set";
    traced(action, asking, async {
        let admin = asking.as_role(Role::Admin)?;
        let org = &admin.organisation_id;
        let team = match form.check() {
            Ok(team) => team,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let time_zone = db::time_zone_of_organisation(db, org).await?;
        let today = local_time_in(&time_zone).date();
        let mut change = db.change().await?;
        if !db::client_in_organisation(&mut change, org, client_id).await? {
            return Err(AppError::NotFound);
        }
        let named = [
            ("primary", Some(&team.primary)),
            ("secondary", team.secondary.as_ref()),
        ];
        for (field, id) in named {
            let Some(id) = id else { continue };
            if !db::is_active_case_manager(&mut change, org, id.as_str()).await? {
                return Ok(problem(
                    field,
                    "Please choose a case manager from the list.",
                ));
            }
        }
        db::set_care_team(&mut change, client_id, &team, today).await?;
        let entry = audit::allowed(asking, action).about(client_id);
        change.keep(&[entry], Utc::now()).await?;
        Ok(SaveAnswer::Saved)
    })
    .await
}

/// Sets the office's phone and hours, which every client sees with their care team (admin).
pub async fn set_office(
    db: &Db,
    asking: &Asking,
    form: OfficeForm,
) -> Result<SaveAnswer, AppError> {
    let action = "organisation.office";
    traced(action, asking, async {
        let admin = asking.as_role(Role::Admin)?;
        let office = match form.check() {
            Ok(office) => office,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        db::set_office(&mut change, &admin.organisation_id, &office).await?;
        let entry = audit::allowed(asking, action).on(&admin.organisation_id);
        change.keep(&[entry], Utc::now()).await?;
        Ok(SaveAnswer::Saved)
    })
    .await
}

/// Sets a staff member's own line, which their clients see (admin).
pub async fn set_work_phone(
    db: &Db,
    asking: &Asking,
    person_id: &str,
    form: WorkPhoneForm,
) -> Result<SaveAnswer, AppError> {
    let action = "staff.work_phone";
    traced(action, asking, async {
        let admin = asking.as_role(Role::Admin)?;
        let phone = match form.check() {
            Ok(phone) => phone,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let set = db::set_work_phone(
            &mut change,
            &admin.organisation_id,
            person_id,
            phone.as_deref(),
        );
        if !set.await? {
            return Err(AppError::NotFound);
        }
        let entry = audit::allowed(asking, action).on(person_id);
        change.keep(&[entry], Utc::now()).await?;
        Ok(SaveAnswer::Saved)
    })
    .await
}
