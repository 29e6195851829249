//! Who is asking. The server's middleware resolves the session cookie once per request
//! ([`resolve_visitor`]) and leaves the answer in the request; every server function starts
//! from it ([`signed_in`], [`signed_in_client`]) and scopes its queries by it. Nothing reads
//! a person's id from a URL or a form.
use crate::auth;
use crate::db::{self, ClientHome, LiveSession, SessionEnd};
use crate::domain::Role;
use crate::error::AppError;
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

/// A signed-in person, as the request knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub session_id: String,
    pub person_id: String,
    pub role: Role,
    pub organisation_id: String,
    pub display_name: String,
}

/// What the middleware found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visitor {
    Anonymous,
    SignedIn(SignedIn),
    /// Signed in, but away long enough that the passphrase is asked again.
    Locked(SignedIn),
}

/// Where the request came from, for throttling and the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// How long sessions last, by role (see SECURITY.md).
pub struct SessionRules {
    /// Longest a session can last, however active.
    pub lifetime: Duration,
    /// Idle time after which staff are signed out, and clients and supporters asked for
    /// their passphrase again.
    pub idle: Duration,
    /// Whether going idle ends the session (staff) or only locks it (clients, supporters).
    pub idle_ends: bool,
}

pub fn session_rules(role: Role) -> SessionRules {
    let idle = Duration::minutes(crate::domain::REOPEN_AFTER_IDLE_MINUTES);
    match role {
        Role::CaseManager | Role::Admin => SessionRules {
            lifetime: Duration::hours(12),
            idle,
            idle_ends: true,
        },
        Role::Client | Role::Supporter => SessionRules {
            lifetime: Duration::days(30),
            idle,
            idle_ends: false,
        },
    }
}

/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The cookie's name: with the `__Host-` prefix (which browsers only accept over TLS, for
/// this exact host and path `/`) when served over TLS.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-waypoint"
    } else {
        "waypoint"
    }
}

/// Where each role starts.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Client => "/",
        Role::Supporter => "/supporting",
        Role::CaseManager => "/caseload",
        Role::Admin => "/admin",
    }
}

/// Decides who a session cookie's token belongs to, ending sessions that ran out.
pub async fn resolve_visitor(
    db: &db::Db,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Visitor, db::DbError> {
    let Some(token) = token.filter(|t| t.len() == 64) else {
        return Ok(Visitor::Anonymous);
    };
    let Some(session) = db::live_session(db, &auth::secret_hash(token)).await? else {
        return Ok(Visitor::Anonymous);
    };
    let Ok(role) = Role::from_code(&session.role) else {
        return Ok(Visitor::Anonymous);
    };
    let rules = session_rules(role);
    if now >= session.expires_at {
        db::end_session(db, &session.session_id, SessionEnd::Expired, now).await?;
        return Ok(Visitor::Anonymous);
    }
    let person = signed_in_from(&session, role);
    if now - session.last_seen_at > rules.idle {
        if rules.idle_ends {
            db::end_session(db, &session.session_id, SessionEnd::Idle, now).await?;
            return Ok(Visitor::Anonymous);
        }
        return Ok(Visitor::Locked(person));
    }
    if now - session.last_seen_at > TOUCH_EVERY {
        db::touch_session(db, &session.session_id, now).await?;
    }
    Ok(Visitor::SignedIn(person))
}

fn signed_in_from(session: &LiveSession, role: Role) -> SignedIn {
    SignedIn {
        session_id: session.session_id.clone(),
        person_id: session.person_id.clone(),
        role,
        organisation_id: session.organisation_id.clone(),
        display_name: session.display_name.clone(),
    }
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The visitor of the request under way.
pub fn visitor() -> Visitor {
    parts()
        .and_then(|p| p.extensions.get::<Visitor>().cloned())
        .unwrap_or(Visitor::Anonymous)
}

pub fn client_address() -> Option<String> {
    parts().and_then(|p| p.extensions.get::<ClientAddress>().map(|a| a.0.clone()))
}

fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Unavailable)
}

/// The signed-in person, whatever their role.
pub async fn signed_in() -> Result<(AppState, SignedIn), AppError> {
    match visitor() {
        Visitor::SignedIn(person) => Ok((state()?, person)),
        Visitor::Locked(_) => Err(AppError::Locked),
        Visitor::Anonymous => Err(AppError::NotSignedIn),
    }
}

/// The signed-in person if they have `role`. Anyone else is told the page does not exist,
/// exactly as for a record that does not exist.
pub async fn signed_in_as(role: Role) -> Result<(AppState, SignedIn), AppError> {
    let (state, person) = signed_in().await?;
    if person.role == role {
        Ok((state, person))
    } else {
        Err(AppError::NotFound)
    }
}

/// The signed-in client, with what every client page needs.
pub async fn signed_in_client() -> Result<(AppState, ClientHome), AppError> {
    let (state, person) = signed_in_as(Role::Client).await?;
    let home = db::client_home(&state.db, &person.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((state, home))
}

/// The signed-in case manager, with the client named by `client_id` if that client is on
/// their care team. A malformed id, someone else's client and no client at all answer alike.
pub async fn case_manager_of(
    client_id: &str,
) -> Result<(AppState, SignedIn, ClientHome), AppError> {
    let (state, person) = signed_in_as(Role::CaseManager).await?;
    let client_id = crate::domain::RecordId::parse(client_id).ok_or(AppError::NotFound)?;
    if !db::on_care_team(&state.db, &person.person_id, client_id.as_str()).await? {
        return Err(AppError::NotFound);
    }
    let home = db::client_home(&state.db, client_id.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((state, person, home))
}

/// The cookie that carries a just-made code (enrollment, invite) to the page that shows it,
/// once. Signed, so it cannot be forged; tied to the person who made the code.
pub const NEW_CODE_COOKIE: &str = "waypoint_new_code";

/// The code this person just made, if any; the cookie is removed as it is read.
pub fn take_new_code(state: &AppState, person_id: &str) -> Option<String> {
    use axum_extra::extract::cookie::SignedCookieJar;
    let parts = parts()?;
    let jar = SignedCookieJar::from_headers(&parts.headers, state.session_key.clone());
    let value = jar.get(NEW_CODE_COOKIE)?.value().to_owned();
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(removal) =
            http::HeaderValue::from_str(&crate::auth::cookie_removal(NEW_CODE_COOKIE))
        {
            response.append_header(http::header::SET_COOKIE, removal);
        }
    }
    let (owner, code) = value.split_once('|')?;
    (owner == person_id).then(|| code.to_owned())
}

/// The current time where the client's program is.
pub fn local_now(home: &ClientHome) -> chrono::NaiveDateTime {
    local_time_in(&home.time_zone)
}

pub fn local_time_in(time_zone: &str) -> chrono::NaiveDateTime {
    let now = Utc::now();
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(zone) => now.with_timezone(&zone).naive_local(),
        Err(_) => {
            tracing::warn!(%time_zone, "unknown time zone; using UTC");
            now.naive_utc()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_sessions_are_short_and_end_when_idle() {
        let staff = session_rules(Role::CaseManager);
        assert_eq!(staff.lifetime, Duration::hours(12));
        assert_eq!(staff.idle, Duration::minutes(15));
        assert!(staff.idle_ends);
        let client = session_rules(Role::Client);
        assert!(!client.idle_ends);
        assert_eq!(client.idle, Duration::minutes(15));
    }
}
