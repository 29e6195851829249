//! Who is asking. A request's session cookie is read once, by the [`Asking`] extractor: the
//! security middleware runs it first and the answer stays in the request, so form posts,
//! plain routes, the sync route and server functions (through `request`) all start from the
//! same answer. [`Asking::as_role`] is the one rule for who is told what. Nothing reads a
//! person's id from a URL or a form.
use crate::db::{self, ClientHome, LiveSession, SessionEnd};
use crate::domain::{device_label, session_rules, RecordId, Role};
use crate::error::AppError;
use crate::proxy::TrustedProxies;
use crate::secrets::secret_hash;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use chrono::{DateTime, Duration, Utc};
use http::request::Parts;
use std::net::SocketAddr;

/// A signed-in person, as the request knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub session_id: String,
    pub person_id: String,
    pub role: Role,
    pub organisation_id: String,
    pub display_name: String,
}

/// Whose session a request carries.
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

impl ClientAddress {
    /// The client's address for a connection from `peer` (see [`TrustedProxies`]).
    pub fn of(proxies: &TrustedProxies, peer: SocketAddr, headers: &http::HeaderMap) -> Self {
        ClientAddress(proxies.client_address(peer.ip(), headers).to_string())
    }
}

/// Who is asking, from where and on what device: what every entry point and every action
/// starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asking {
    pub visitor: Visitor,
    pub address: ClientAddress,
    /// A plain description of the device (see `domain::device_label`).
    pub device: String,
    /// The tokens of the device cookie: this phone has signed in to those accounts before.
    pub known_device_tokens: Vec<String>,
}

impl Asking {
    /// The person behind the session, whether signed in or locked.
    pub fn holder(&self) -> Option<&SignedIn> {
        match &self.visitor {
            Visitor::SignedIn(person) | Visitor::Locked(person) => Some(person),
            Visitor::Anonymous => None,
        }
    }

    /// The signed-in person, whatever their role.
    pub fn signed_in(&self) -> Result<&SignedIn, AppError> {
        match &self.visitor {
            Visitor::SignedIn(person) => Ok(person),
            Visitor::Locked(_) => Err(AppError::Locked),
            Visitor::Anonymous => Err(AppError::NotSignedIn),
        }
    }

    /// The signed-in person if they have `role`. Anyone else of another role is told the
    /// page does not exist, exactly as for a record that does not exist.
    pub fn as_role(&self, role: Role) -> Result<&SignedIn, AppError> {
        let person = self.signed_in()?;
        if person.role == role {
            Ok(person)
        } else {
            Err(AppError::NotFound)
        }
    }
}

impl<S> FromRequestParts<S> for Asking
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    /// Only when the database cannot say who the session belongs to.
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if let Some(asking) = parts.extensions.get::<Asking>() {
            return Ok(asking.clone());
        }
        let state = AppState::from_ref(state);
        let unresolved = Unresolved::of(parts, &state);
        let token = unresolved.token.as_deref();
        let visitor = resolve_visitor(&state.db, token, true, Utc::now())
            .await
            .map_err(|error| {
                tracing::error!(%error, "could not look up the session");
                AppError::Unavailable
            })?;
        let asking = unresolved.resolved(visitor);
        parts.extensions.insert(asking.clone());
        Ok(asking)
    }
}

/// A request before its session is looked up: what [`Asking`] is made from. The sync route
/// looks the session up itself, in the one query that also reads where the sync starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The session cookie's token, as sent.
    pub token: Option<String>,
    pub address: ClientAddress,
    pub device: String,
    pub known_device_tokens: Vec<String>,
}

impl Unresolved {
    pub fn of(parts: &Parts, state: &AppState) -> Self {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|peer| ClientAddress::of(&state.trusted_proxies, peer.0, &parts.headers))
            .unwrap_or(ClientAddress(String::new()));
        let agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Unresolved {
            token: session_token(&parts.headers, state.secure_cookies),
            address,
            device: device_label(agent),
            known_device_tokens: device_tokens(&parts.headers, state.secure_cookies),
        }
    }

    /// The hash a live session of this token is found by; none for a malformed token.
    pub fn token_hash(&self) -> Option<String> {
        self.token
            .as_deref()
            .filter(|token| token.len() == 64)
            .map(secret_hash)
    }

    /// Who is asking, once the session is looked up.
    pub fn resolved(self, visitor: Visitor) -> Asking {
        let asking = Asking {
            visitor,
            address: self.address,
            device: self.device,
            known_device_tokens: self.known_device_tokens,
        };
        if let Some(person) = asking.holder() {
            // The request's span (server/src/startup.rs) declares these.
            let span = tracing::Span::current();
            span.record("actor_role", person.role.code());
            span.record("actor_id", person.person_id.as_str());
        }
        asking
    }
}

impl<S> FromRequestParts<S> for Unresolved
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Unresolved::of(parts, &AppState::from_ref(state)))
    }
}

/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// Decides who a session cookie's token belongs to, ending sessions that ran out.
pub async fn resolve_visitor(
    db: &db::Db,
    token: Option<&str>,
    activity: bool,
    now: DateTime<Utc>,
) -> Result<Visitor, db::DbError> {
    let Some(token) = token.filter(|t| t.len() == 64) else {
        return Ok(Visitor::Anonymous);
    };
    let session = db::live_session(db, &secret_hash(token)).await?;
    visitor_of(db, session, activity, now).await
}

/// Who a live session (if any) makes the visitor now, ending it if it ran out.
/// `activity`: whether the request is the person's doing (a page, a form), which keeps the
/// session from locking, or the phone's own (an automatic sync), which does not: a phone
/// left unlocked on a table must still lock after the idle time.
pub async fn visitor_of(
    db: &db::Db,
    session: Option<LiveSession>,
    activity: bool,
    now: DateTime<Utc>,
) -> Result<Visitor, db::DbError> {
    let Some(session) = session else {
        return Ok(Visitor::Anonymous);
    };
    let Ok(role) = Role::from_code(&session.role) else {
        return Ok(Visitor::Anonymous);
    };
    let rules = session_rules(role);
    if now >= session.expires_at {
        db::expire_session(db, &session.session_id, SessionEnd::Expired, now).await?;
        return Ok(Visitor::Anonymous);
    }
    let person = signed_in_from(&session, role);
    if now - session.last_seen_at > rules.idle {
        if rules.idle_ends {
            db::expire_session(db, &session.session_id, SessionEnd::Idle, now).await?;
            return Ok(Visitor::Anonymous);
        }
        return Ok(Visitor::Locked(person));
    }
    if activity && now - session.last_seen_at > TOUCH_EVERY {
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

/// The signed-in client's own record, as every client page and client action starts.
pub async fn own_record(db: &db::Db, client: &SignedIn) -> Result<ClientHome, AppError> {
    db::client_home(db, &client.person_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The signed-in case manager asking, and the record of the client named by `client_id` if
/// that client is on their care team: who may read or change a client's record. Anyone else,
/// a malformed id, someone else's client and no client at all answer alike.
pub async fn case_manager_of<'a>(
    db: &db::Db,
    asking: &'a Asking,
    client_id: &str,
) -> Result<(&'a SignedIn, ClientHome), AppError> {
    let case_manager = asking.as_role(Role::CaseManager)?;
    let client_id = RecordId::parse(client_id).ok_or(AppError::NotFound)?;
    if !db::on_care_team(db, &case_manager.person_id, client_id.as_str()).await? {
        return Err(AppError::NotFound);
    }
    let home = db::client_home(db, client_id.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((case_manager, home))
}

/// The cookie's name: with the `__Host-` prefix (which browsers only accept over TLS, for
/// this exact host and path `/`) when served over TLS.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-waypoint"
    } else {
        "waypoint"
    }
}

/// The session token a request's cookie carries, if any.
pub fn session_token(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    axum_extra::extract::cookie::CookieJar::from_headers(headers)
        .get(session_cookie_name(secure))
        .map(|cookie| cookie.value().to_owned())
}

/// A `Set-Cookie` value for a session token: readable only by the server, sent only to this
/// site, and `Secure` over TLS. It lasts as long as the longest the session can; the server
/// ends sessions earlier (idle, signed out) on its own.
pub fn session_cookie(token: &str, secure: bool, role: Role) -> String {
    let name = session_cookie_name(secure);
    let flag = if secure { "; Secure" } else { "" };
    let max_age = session_rules(role).lifetime.num_seconds();
    format!("{name}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{flag}")
}

/// The cookie telling the phone that the passphrase marked `mark` was accepted: readable by
/// the page's script (it holds no secret), for two minutes.
pub fn typed_cookie(mark: &str, secure: bool) -> String {
    let flag = if secure { "; Secure" } else { "" };
    let name = crate::domain::TYPED_COOKIE;
    format!("{name}={mark}; Path=/; Max-Age=120; SameSite=Strict{flag}")
}

/// How long a phone is remembered as one that has signed in before (its cookie, and its
/// token on the server once unused), and how many people's tokens one phone keeps (a
/// shared phone).
pub const DEVICE_MEMORY: Duration = Duration::days(180);
pub const DEVICE_TOKENS_KEPT: usize = 4;

pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-waypoint_d"
    } else {
        "waypoint_d"
    }
}

/// The device cookie's tokens (hex, joined by dots); anything else in it is ignored.
pub fn device_tokens(headers: &http::HeaderMap, secure: bool) -> Vec<String> {
    let jar = axum_extra::extract::cookie::CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(device_cookie_name(secure)) else {
        return Vec::new();
    };
    cookie
        .value()
        .split('.')
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .take(DEVICE_TOKENS_KEPT)
        .map(str::to_owned)
        .collect()
}

/// A `Set-Cookie` value for the device cookie. Signing out leaves it: it says only that
/// this phone has signed in before, and holds no session.
pub fn device_cookie(tokens: &[String], secure: bool) -> String {
    let name = device_cookie_name(secure);
    let flag = if secure { "; Secure" } else { "" };
    let max_age = DEVICE_MEMORY.num_seconds();
    let value = tokens.join(".");
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{flag}")
}

/// A `Set-Cookie` value that removes the named cookie.
pub fn cookie_removal(name: &str) -> String {
    format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
}

/// The cookie that carries a just-made code (enrollment, invite) to the page that shows it,
/// once. Signed, so it cannot be forged; tied to the person who made the code.
pub const NEW_CODE_COOKIE: &str = "waypoint_new_code";

/// The language a reader last read the library in, so `/learn` opens in it again. Not
/// personal (it says only which of two languages); readable by nothing but the server.
pub const LANGUAGE_COOKIE: &str = "waypoint_lang";

/// A `Set-Cookie` value keeping `language` for a year.
pub fn language_cookie(language: crate::domain::Language, secure: bool) -> String {
    let flag = if secure { "; Secure" } else { "" };
    let code = language.code();
    format!("{LANGUAGE_COOKIE}={code}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{flag}")
}

/// The language kept in the cookie, if any.
pub fn kept_language(headers: &http::HeaderMap) -> Option<crate::domain::Language> {
    let jar = axum_extra::extract::cookie::CookieJar::from_headers(headers);
    crate::domain::Language::from_code(jar.get(LANGUAGE_COOKIE)?.value()).ok()
}

/// The language to open the library in: the one last read in, else the browser's choice.
pub fn chosen_language(headers: &http::HeaderMap) -> crate::domain::Language {
    kept_language(headers).unwrap_or_else(|| {
        let asked = headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        crate::domain::Language::from_accept_language(asked)
    })
}
