//! What goes into the audit trail about the request under way: who (from the session), from
//! where, and which action on which client. The trail itself is in `db::audit`; an action
//! records its entry in its own transaction (`actions::change`), and reads are recorded here
//! before their answer is sent.
use crate::db::{self, AuditEvent, Outcome};
use crate::error::AppError;
use crate::session::Asking;
use chrono::Utc;

/// An entry about an action of the person asking (signed in or locked; none when
/// anonymous), allowed. Say more with `about`, `on`, `by` and `refused`.
pub fn allowed(asking: &Asking, action: &'static str) -> AuditEvent {
    let person = asking.holder();
    AuditEvent {
        actor_id: person.map(|p| p.person_id.clone()),
        actor_role: person.map(|p| p.role.code().to_owned()),
        action,
        client_id: None,
        target: None,
        address: Some(asking.address.0.clone()),
        outcome: Outcome::Allowed,
        organisation_id: person.map(|p| p.organisation_id.clone()),
    }
}

/// Records that the person asking read clients' data, for each client other than
/// themselves. The read is not served if it cannot be recorded.
pub async fn record_read(
    db: &db::Db,
    asking: &Asking,
    action: &'static str,
    client_ids: &[&str],
) -> Result<(), AppError> {
    let reader = asking.holder().map(|p| p.person_id.as_str());
    let events: Vec<_> = client_ids
        .iter()
        .filter(|client| Some(**client) != reader)
        .map(|client| allowed(asking, action).about(client))
        .collect();
    db::record_audit_now(db, &events, Utc::now()).await?;
    Ok(())
}

/// Records a refused request. Never fails the request: a refusal is answered either way,
/// and a failure to record it is logged.
pub async fn record_refusal(
    db: &db::Db,
    asking: &Asking,
    action: &'static str,
    client_id: Option<&str>,
) {
    let mut refusal = allowed(asking, action).refused();
    refusal.client_id = client_id.map(str::to_owned);
    if let Err(error) = db::record_audit_now(db, &[refusal], Utc::now()).await {
        tracing::error!(%error, action, "could not record a refusal in the audit trail");
    }
}
