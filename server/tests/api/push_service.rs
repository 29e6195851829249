//! A Web Push service on the loopback, standing in for the browsers' push services in tests
//! and benchmarks: it refuses what RFC 8030 (push), RFC 8292 (VAPID) and RFC 8291 (message
//! encryption) say a push service refuses, decrypts each message as the browser would, and
//! keeps what arrived. Tests can script failing answers (500 once, 410 for good, ...).
// This test binary and `examples/push_stand_in.rs` each use a different part of it.
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64ct::{Base64UrlUnpadded, Encoding};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::rand_core::{OsRng, RngCore};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::SecretKey;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpSocket;
use tokio::sync::oneshot;
use web_push_native::Auth;

/// The largest body taken: push services must take 4096 bytes (RFC 8030 section 7.2) and the
/// large ones take no more, so a sender must fit its message in it.
const MAX_BODY: usize = 4096;
/// How far ahead a VAPID token may expire (RFC 8292 section 2).
const MAX_VAPID_AHEAD_SECONDS: f64 = 24.0 * 60.0 * 60.0;
const URGENCIES: [&str; 4] = ["very-low", "low", "normal", "high"];
/// Room for a benchmark's burst of connections (Tokio's `bind` listens with 1024).
const BACKLOG: u32 = 4096;

/// A browser's push subscription. It serialises as `PushSubscription.toJSON()` does:
/// `{"endpoint": .., "keys": {"p256dh": .., "auth": ..}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    /// The user agent's public key: an uncompressed P-256 point, base64url without padding.
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url without padding.
    pub auth: String,
}

impl Serialize for Subscription {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_json::json!({
            "endpoint": self.endpoint,
            "keys": { "p256dh": self.p256dh, "auth": self.auth },
        })
        .serialize(serializer)
    }
}

/// A message the push service accepted, decrypted.
#[derive(Clone, Debug)]
pub struct Arrived {
    pub endpoint_id: String,
    /// The subscription's endpoint URL.
    pub endpoint: String,
    pub payload: String,
    pub ttl: u64,
    pub urgency: Option<String>,
    pub topic: Option<String>,
    /// The VAPID `sub` claim: the sender's contact.
    pub subject: String,
    pub at: Instant,
}

/// The push service; it stops serving when dropped.
pub struct PushService {
    shared: Arc<Shared>,
    address: SocketAddr,
    /// Dropping it ends the server (the receiving side sees the channel close).
    _shutdown: oneshot::Sender<()>,
}

struct Shared {
    /// `http://127.0.0.1:PORT`: what VAPID tokens must name as their audience.
    origin: String,
    state: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// By endpoint id, the last segment of the endpoint URL.
    endpoints: HashMap<String, Endpoint>,
    arrived: Vec<Arrived>,
}

struct Endpoint {
    url: String,
    /// Shared so a request can take them out of the lock for the slow cryptography.
    keys: Arc<Keys>,
    tries: usize,
    /// The status to answer instead, and for how many more requests.
    scripted: Option<(StatusCode, usize)>,
}

struct Keys {
    secret: SecretKey,
    auth: Auth,
    /// The VAPID public key the subscription was made for, when it was given one.
    application_server_key: Option<Vec<u8>>,
}

/// A refusal: the status and, in the body, why (for whoever reads a failing test).
type Refusal = (StatusCode, String);

impl Shared {
    /// Poison is ignored: a test that panicked with the lock held must not fail later requests.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl PushService {
    /// Starts on a free loopback port.
    pub async fn start() -> PushService {
        PushService::start_on(0).await
    }

    /// Starts on `port` of the loopback (0 for any free one).
    pub async fn start_on(port: u16) -> PushService {
        let socket = TcpSocket::new_v4().expect("push stand-in socket");
        // A fixed port can be taken again at once after an earlier run.
        socket.set_reuseaddr(true).expect("SO_REUSEADDR");
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .expect("bind the push stand-in");
        let listener = socket.listen(BACKLOG).expect("listen");
        let address = listener.local_addr().expect("push stand-in address");
        let shared = Arc::new(Shared {
            origin: format!("http://{address}"),
            state: Mutex::default(),
        });
        let router = Router::new()
            .route("/push/{id}", post(push))
            .with_state(Arc::clone(&shared));
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    // Sent or dropped: either way the service is done.
                    let _ = stopped.await;
                })
                .await
                .expect("push stand-in stopped serving");
        });
        PushService {
            shared,
            address,
            _shutdown: shutdown,
        }
    }

    /// Stops accepting connections and ends the open ones once idle.
    pub fn stop(self) {
        drop(self);
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`, the `aud` a VAPID token for this service must carry.
    pub fn origin(&self) -> &str {
        &self.shared.origin
    }

    /// A new subscription, as `pushManager.subscribe()` makes without an
    /// `applicationServerKey`: any VAPID key may push to it.
    pub fn subscribe(&self) -> Subscription {
        self.register(None)
    }

    /// A new subscription made with `applicationServerKey` (base64url): pushes to it must be
    /// signed with that key, or they are refused with 403 (RFC 8292 section 4.2).
    pub fn subscribe_for(&self, application_server_key: &str) -> Subscription {
        let key = Base64UrlUnpadded::decode_vec(application_server_key.trim_end_matches('='))
            .expect("applicationServerKey is base64url");
        VerifyingKey::from_sec1_bytes(&key).expect("applicationServerKey is a P-256 public key");
        self.register(Some(key))
    }

    fn register(&self, application_server_key: Option<Vec<u8>>) -> Subscription {
        let secret = SecretKey::random(&mut OsRng);
        let mut auth = [0u8; 16];
        OsRng.fill_bytes(&mut auth);
        let id = random_id();
        let url = format!("{}/push/{id}", self.shared.origin);
        let subscription = Subscription {
            endpoint: url.clone(),
            p256dh: Base64UrlUnpadded::encode_string(
                secret.public_key().to_encoded_point(false).as_bytes(),
            ),
            auth: Base64UrlUnpadded::encode_string(&auth),
        };
        let keys = Arc::new(Keys {
            secret,
            auth: Auth::from(auth),
            application_server_key,
        });
        let endpoint = Endpoint {
            url,
            keys,
            tries: 0,
            scripted: None,
        };
        self.shared.lock().endpoints.insert(id, endpoint);
        subscription
    }

    /// The next `times` requests to `endpoint` are answered `status` and not delivered
    /// (`usize::MAX` for always); after them it answers normally again.
    pub fn answer_next(&self, endpoint: &str, status: u16, times: usize) {
        let status = StatusCode::from_u16(status).expect("an HTTP status");
        self.with_endpoint(endpoint, |found| {
            found.scripted = (times > 0).then_some((status, times));
        });
    }

    /// How many requests reached `endpoint`, whatever they were answered.
    pub fn tries(&self, endpoint: &str) -> usize {
        self.with_endpoint(endpoint, |found| found.tries)
    }

    /// Every message accepted so far, in the order they arrived.
    pub fn arrived(&self) -> Vec<Arrived> {
        self.shared.lock().arrived.clone()
    }

    pub fn arrived_count(&self) -> usize {
        self.shared.lock().arrived.len()
    }

    /// The messages accepted for the subscription with this endpoint URL.
    pub fn arrived_for(&self, endpoint: &str) -> Vec<Arrived> {
        let inner = self.shared.lock();
        inner
            .arrived
            .iter()
            .filter(|arrived| arrived.endpoint == endpoint)
            .cloned()
            .collect()
    }

    /// What arrived once at least `count` messages have, or when `within` is up.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Arrived> {
        let deadline = Instant::now() + within;
        // Counting only, so a poll does not copy thousands of messages.
        while self.arrived_count() < count && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.arrived()
    }

    fn with_endpoint<R>(&self, endpoint: &str, f: impl FnOnce(&mut Endpoint) -> R) -> R {
        let id = endpoint
            .strip_prefix(self.shared.origin.as_str())
            .and_then(|rest| rest.strip_prefix("/push/"))
            .unwrap_or_default();
        match self.shared.lock().endpoints.get_mut(id) {
            Some(found) => f(found),
            None => panic!("{endpoint} is not an endpoint of this push service"),
        }
    }
}

/// `POST /push/{id}`: one push message (RFC 8030 section 5).
async fn push(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    // Counted and scripted under the lock; the cryptography below runs outside it.
    let (url, keys) = {
        let mut inner = shared.lock();
        let Some(endpoint) = inner.endpoints.get_mut(&id) else {
            return Err(refusal(StatusCode::NOT_FOUND, "no such subscription"));
        };
        endpoint.tries += 1;
        if let Some((status, left)) = endpoint.scripted {
            // `left` is at least 1: `answer_next` keeps no script for 0 requests.
            endpoint.scripted = (left > 1).then_some((status, left - 1));
            return Err((status, String::new()));
        }
        (endpoint.url.clone(), Arc::clone(&endpoint.keys))
    };

    let ttl = text(&headers, "ttl")?
        .and_then(|ttl| ttl.trim().parse::<u64>().ok())
        .ok_or_else(|| refusal(StatusCode::BAD_REQUEST, "TTL must be a number of seconds"))?;
    let encoding = text(&headers, "content-encoding")?;
    if encoding.is_none_or(|encoding| !encoding.trim().eq_ignore_ascii_case("aes128gcm")) {
        return Err(refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding must be aes128gcm (RFC 8291)",
        ));
    }
    let authorization = text(&headers, "authorization")?
        .ok_or_else(|| refusal(StatusCode::UNAUTHORIZED, "no VAPID Authorization"))?;
    let vapid = check_vapid(authorization, &shared.origin)
        .map_err(|why| (StatusCode::UNAUTHORIZED, why))?;
    let made_for = keys.application_server_key.as_ref();
    if made_for.is_some_and(|expected| *expected != vapid.key) {
        return Err(refusal(
            StatusCode::FORBIDDEN,
            "k= is not the key this subscription was made with",
        ));
    }
    let urgency = text(&headers, "urgency")?.map(str::to_owned);
    if urgency
        .as_deref()
        .is_some_and(|urgency| !URGENCIES.contains(&urgency))
    {
        return Err(refusal(
            StatusCode::BAD_REQUEST,
            "Urgency must be very-low, low, normal or high",
        ));
    }
    let topic = text(&headers, "topic")?.map(str::to_owned);
    if topic.as_deref().is_some_and(|topic| !valid_topic(topic)) {
        return Err(refusal(
            StatusCode::BAD_REQUEST,
            "Topic must be 1 to 32 base64url characters",
        ));
    }
    if body.len() > MAX_BODY {
        return Err(refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over {MAX_BODY} bytes"),
        ));
    }
    // ece-native divides the body by the header's record size without checking it first.
    if record_size(&body).is_none_or(|size| size < 18) {
        return Err(refusal(
            StatusCode::BAD_REQUEST,
            "the aes128gcm header needs a record size of at least 18 (RFC 8188)",
        ));
    }
    let plain = web_push_native::decrypt(body.to_vec(), &keys.secret, &keys.auth)
        .map_err(|error| refusal(StatusCode::BAD_REQUEST, format!("cannot decrypt: {error}")))?;
    let payload = String::from_utf8(plain)
        .map_err(|_| refusal(StatusCode::BAD_REQUEST, "the message is not UTF-8 text"))?;

    shared.lock().arrived.push(Arrived {
        endpoint_id: id,
        endpoint: url,
        payload,
        ttl,
        urgency,
        topic,
        subject: vapid.subject,
        at: Instant::now(),
    });
    let location = format!("{}/message/{}", shared.origin, random_id());
    let headers = [
        (header::LOCATION, location),
        (HeaderName::from_static("ttl"), ttl.to_string()),
    ];
    Ok((StatusCode::CREATED, headers).into_response())
}

/// What a valid VAPID `Authorization` says.
struct Vapid {
    /// The application server's public key (`k=`), as sent.
    key: Vec<u8>,
    subject: String,
}

/// Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292 section 3): an ES256 token
/// signed by `k`, for this origin, expiring within a day, naming a contact.
fn check_vapid(authorization: &str, origin: &str) -> Result<Vapid, String> {
    let (scheme, parameters) = authorization
        .trim()
        .split_once(' ')
        .ok_or("Authorization must be `vapid t=.., k=..`")?;
    if !scheme.eq_ignore_ascii_case("vapid") {
        return Err(format!("the scheme is {scheme:?}, not vapid"));
    }
    let (mut token, mut key) = (None, None);
    for parameter in parameters.split(',') {
        match parameter.trim().split_once('=') {
            Some(("t", value)) => token = Some(value.trim()),
            Some(("k", value)) => key = Some(value.trim()),
            _ => {}
        }
    }
    let token = token.ok_or("no t= (the JWT)")?;
    let key = key.ok_or("no k= (the public key)")?;
    // Padding is tolerated here, as the large push services do.
    let key = Base64UrlUnpadded::decode_vec(key.trim_end_matches('='))
        .map_err(|_| "k= is not base64url")?;
    let verifying_key =
        VerifyingKey::from_sec1_bytes(&key).map_err(|_| "k= is not a P-256 public key")?;

    let (signed, signature) = token.rsplit_once('.').ok_or("the JWT has no signature")?;
    let (jwt_header, claims) = signed.split_once('.').ok_or("the JWT has no claims")?;
    if claims.contains('.') {
        return Err("the JWT has more than three parts".into());
    }
    let jwt_header = json_part(jwt_header, "header")?;
    if jwt_header.get("alg").and_then(Value::as_str) != Some("ES256") {
        return Err("the JWT's alg must be ES256".into());
    }
    let signature = Base64UrlUnpadded::decode_vec(signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or("the JWT signature must be r and s, 64 bytes, base64url")?;
    verifying_key
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| "the JWT signature does not match k=")?;

    let claims = json_part(claims, "claims")?;
    let audience = claims.get("aud").and_then(Value::as_str);
    if audience != Some(origin) {
        return Err(format!(
            "aud is {audience:?}; it must be this push service's origin, {origin} (port included)"
        ));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the clock is before 1970")?
        .as_secs_f64();
    let expires = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or("exp must be a number")?;
    if expires <= now || expires > now + MAX_VAPID_AHEAD_SECONDS {
        return Err("exp must be in the future and within 24 hours".into());
    }
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|sub| sub.starts_with("mailto:") || sub.starts_with("https:"))
        .ok_or("sub must be a mailto: or https: contact")?;
    Ok(Vapid {
        key,
        subject: subject.to_owned(),
    })
}

/// One base64url JSON part of a JWT.
fn json_part(part: &str, name: &str) -> Result<Value, String> {
    Base64UrlUnpadded::decode_vec(part)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| format!("the JWT {name} is not base64url JSON"))
}

/// A header's value; `None` when absent, a refusal when it is not visible ASCII.
fn text<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, Refusal> {
    headers
        .get(name)
        .map(|value| {
            value
                .to_str()
                .map_err(|_| refusal(StatusCode::BAD_REQUEST, format!("{name} is not text")))
        })
        .transpose()
}

/// The record size in an aes128gcm header (RFC 8188 section 2.1: salt, then 4 bytes).
fn record_size(body: &[u8]) -> Option<u32> {
    let bytes: [u8; 4] = body.get(16..20)?.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

/// RFC 8030 section 5.4: at most 32 characters of the base64url alphabet.
fn valid_topic(topic: &str) -> bool {
    (1..=32).contains(&topic.len())
        && topic
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn refusal(status: StatusCode, why: impl Into<String>) -> Refusal {
    (status, why.into())
}

/// 128 random bits, base64url: an id nobody can guess, as real endpoints are.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    Base64UrlUnpadded::encode_string(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::SigningKey;

    /// `Authorization: vapid ..` for `audience`, as an application server signs it.
    fn vapid_for(key: &SigningKey, audience: &str) -> String {
        let encode = Base64UrlUnpadded::encode_string;
        let expires = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
            + 3600;
        let claims = serde_json::json!({
            "aud": audience,
            "exp": expires,
            "sub": "mailto:push@example.org",
        });
        let signed = format!(
            "{}.{}",
            encode(br#"{"typ":"JWT","alg":"ES256"}"#),
            encode(claims.to_string().as_bytes())
        );
        let signature: Signature = key.sign(signed.as_bytes());
        format!(
            "vapid t={signed}.{}, k={}",
            encode(&signature.to_bytes()),
            encode(key.verifying_key().to_encoded_point(false).as_bytes())
        )
    }

    /// `text` encrypted for `subscription`, as an application server does (RFC 8291).
    fn encrypted(subscription: &Subscription, text: &str) -> Vec<u8> {
        let p256dh = Base64UrlUnpadded::decode_vec(&subscription.p256dh).expect("p256dh");
        let auth = Base64UrlUnpadded::decode_vec(&subscription.auth).expect("auth");
        let public = p256::PublicKey::from_sec1_bytes(&p256dh).expect("a P-256 key");
        web_push_native::encrypt(text.into(), &public, &Auth::clone_from_slice(&auth))
            .expect("encrypt")
    }

    #[tokio::test]
    async fn the_stand_in_refuses_what_a_push_service_refuses() {
        let service = PushService::start().await;
        let subscription = service.subscribe();
        let endpoint = subscription.endpoint.as_str();
        let key = SigningKey::random(&mut OsRng);
        let vapid = vapid_for(&key, service.origin());
        let body = encrypted(&subscription, "hello");
        let http = reqwest::Client::new();
        let status = |sent: reqwest::Result<reqwest::Response>| {
            sent.expect("the stand-in answers").status().as_u16()
        };
        let signed = |url: &str, authorization: &str| {
            http.post(url)
                .header("ttl", "60")
                .header("content-encoding", "aes128gcm")
                .header("authorization", authorization)
                .body(body.clone())
        };

        assert_eq!(status(signed(endpoint, &vapid).send().await), 201);
        let arrived = service.arrived_for(endpoint);
        assert_eq!(arrived.len(), 1);
        assert_eq!(arrived[0].payload, "hello");
        assert_eq!(arrived[0].subject, "mailto:push@example.org");

        let without_vapid = http
            .post(endpoint)
            .header("ttl", "60")
            .header("content-encoding", "aes128gcm")
            .body(body.clone());
        assert_eq!(status(without_vapid.send().await), 401);
        let without_ttl = http
            .post(endpoint)
            .header("content-encoding", "aes128gcm")
            .header("authorization", &vapid)
            .body(body.clone());
        assert_eq!(status(without_ttl.send().await), 400);
        let unknown = format!("{}/push/unknown", service.origin());
        assert_eq!(status(signed(&unknown, &vapid).send().await), 404);
        // An `aud` without the port, as web-push-native's own VAPID signing makes it.
        let portless = vapid_for(&key, "http://127.0.0.1");
        assert_eq!(status(signed(endpoint, &portless).send().await), 401);

        service.answer_next(endpoint, 500, 1);
        assert_eq!(status(signed(endpoint, &vapid).send().await), 500);
        assert_eq!(status(signed(endpoint, &vapid).send().await), 201);
        assert_eq!(service.tries(endpoint), 6, "every request but the 404");
        assert_eq!(service.wait_for(2, Duration::ZERO).await.len(), 2);
    }
}
