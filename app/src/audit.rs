//! What goes into the audit trail from the request under way: who (from the session),
//! from where, and which action on which client. The trail itself is in `db::audit`.
use crate::db::{self, AuditEvent, Outcome};
use crate::error::AppError;
use crate::session::{self, SignedIn, Visitor};
use crate::state::AppState;
use chrono::Utc;

fn event(
    actor: Option<&SignedIn>,
    action: &'static str,
    client_id: Option<&str>,
    target: Option<&str>,
    outcome: Outcome,
) -> AuditEvent {
    AuditEvent {
        actor_id: actor.map(|p| p.person_id.clone()),
        actor_role: actor.map(|p| p.role.code().to_owned()),
        action,
        client_id: client_id.map(str::to_owned),
        target: target.map(str::to_owned),
        address: session::client_address(),
        outcome,
    }
}

/// An event about the signed-in person's action, for the caller to record in its own
/// transaction. From a server function: the address comes from the request's context.
pub fn allowed(
    actor: &SignedIn,
    action: &'static str,
    client_id: &str,
    target: Option<&str>,
) -> AuditEvent {
    event(
        Some(actor),
        action,
        Some(client_id),
        target,
        Outcome::Allowed,
    )
}

/// An event about a staff member's action on no one client's record (the directory).
pub fn allowed_staff(actor: &SignedIn, action: &'static str, target: Option<&str>) -> AuditEvent {
    event(Some(actor), action, None, target, Outcome::Allowed)
}

/// As [`allowed`], for a plain HTTP handler, which has no Leptos context and passes the
/// address it took from the request.
pub fn allowed_from(
    actor: &SignedIn,
    action: &'static str,
    client_id: Option<&str>,
    target: Option<&str>,
    address: &session::ClientAddress,
) -> AuditEvent {
    AuditEvent {
        address: Some(address.0.clone()),
        ..event(Some(actor), action, client_id, target, Outcome::Allowed)
    }
}

/// Records that someone other than the client read the client's data. The read is not
/// served if it cannot be recorded.
pub async fn record_read(
    state: &AppState,
    actor: &SignedIn,
    action: &'static str,
    client_ids: &[&str],
) -> Result<(), AppError> {
    let events: Vec<_> = client_ids
        .iter()
        .filter(|client| **client != actor.person_id)
        .map(|client| allowed(actor, action, client, None))
        .collect();
    db::record_audit_now(&state.db, &events, Utc::now()).await?;
    Ok(())
}

/// Records a refused request. Never fails the request: a refusal is answered either way,
/// and a failure to record it is logged.
pub async fn record_refusal(action: &'static str, client_id: Option<&str>) {
    let Some(state) = leptos::prelude::use_context::<AppState>() else {
        return;
    };
    let actor = match session::visitor() {
        Visitor::SignedIn(person) | Visitor::Locked(person) => Some(person),
        Visitor::Anonymous => None,
    };
    let refusal = event(actor.as_ref(), action, client_id, None, Outcome::Refused);
    if let Err(error) = db::record_audit_now(&state.db, &[refusal], Utc::now()).await {
        tracing::error!(%error, action, "could not record a refusal in the audit trail");
    }
}
