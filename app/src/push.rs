//! Delivering the notification queue by Web Push, and queueing reminders when they are due.
//! Both are the server's own jobs, nobody's action: they run on every instance, and the
//! queue's claims (`db::claim_deliveries`) and keys (`Notice::dedupe_key`) make each
//! notification go out once however many run.
//!
//! Web Push is three standards: RFC 8291 encrypts the message for the browser's keys
//! (`web-push-native`, RustCrypto's P-256, HKDF and AES-GCM), RFC 8292 signs a short token
//! that says who sends (VAPID, below: `web-push-native`'s own leaves the port out of the
//! audience, which a push service on a non-default port refuses), and RFC 8030 is the POST.
use crate::db::{self, Db, Delivery, PushSubscription};
use crate::domain::{
    evening_reminder_time, instant_of, local_time_of, retry_delay, LockScreen, Notice,
    NotificationKind, PushOutcome, REMINDER_LATE_LIMIT, SOON_REMINDER_BEFORE,
};
use base64ct::{Base64UrlUnpadded, Encoding};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use futures::StreamExt;
use p256::ecdsa::signature::Signer;

/// How long a claimed round may take before another instance may try its rows again.
const LEASE: Duration = Duration::minutes(2);
/// How many notifications one round claims, and how many are sent at once.
const ROUND: i64 = 500;
const AT_ONCE: usize = 64;
/// How long a push service keeps a message for a phone that is off (RFC 8030 `TTL`).
const KEEP_FOR_SECONDS: u64 = 12 * 60 * 60;

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error(
        "the VAPID private key must be 32 bytes in base64url (`waypoint push keys` makes one)"
    )]
    Malformed,
    #[error(transparent)]
    NoRandomness(#[from] crate::secrets::NoRandomness),
    #[error("could not set up the HTTP client for push services: {0}")]
    Client(String),
}

/// The server's VAPID key pair (RFC 8292): browsers subscribe with its public half, and
/// push services accept only messages it signed.
#[derive(Clone)]
pub struct VapidKey {
    signing: p256::ecdsa::SigningKey,
    public: String,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VapidKey({})", self.public)
    }
}

impl VapidKey {
    pub fn generate() -> Result<VapidKey, PushError> {
        loop {
            // A random 32 bytes is a valid key but for about one in 2^32 values.
            let bytes = crate::secrets::random_bytes::<32>()?;
            if let Ok(key) = VapidKey::from_bytes(&bytes) {
                return Ok(key);
            }
        }
    }

    /// The key a development server uses without one configured: written here, so it
    /// keeps nothing from anyone, but the demo's phones stay subscribed across restarts.
    pub fn development() -> VapidKey {
        const DEVELOPMENT: [u8; 32] = *b"waypoint development vapid key!!";
        match VapidKey::from_bytes(&DEVELOPMENT) {
            Ok(key) => key,
            // Any 32 bytes below the curve's order make a key; these are ASCII, far below.
            Err(_) => unreachable!("the development key is a valid P-256 scalar"),
        }
    }

    /// The private key as configured (`WAYPOINT_VAPID_PRIVATE_KEY`): base64url, unpadded.
    pub fn from_private(text: &str) -> Result<VapidKey, PushError> {
        let bytes = Base64UrlUnpadded::decode_vec(text.trim()).map_err(|_| PushError::Malformed)?;
        VapidKey::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<VapidKey, PushError> {
        let signing =
            p256::ecdsa::SigningKey::from_slice(bytes).map_err(|_| PushError::Malformed)?;
        let point = signing.verifying_key().to_encoded_point(false);
        let public = Base64UrlUnpadded::encode_string(point.as_bytes());
        Ok(VapidKey { signing, public })
    }

    pub fn private(&self) -> String {
        Base64UrlUnpadded::encode_string(&self.signing.to_bytes())
    }

    /// The public key as browsers take it (`applicationServerKey`): the uncompressed point.
    pub fn public(&self) -> &str {
        &self.public
    }

    /// The `Authorization` header for a message to `endpoint` (RFC 8292 §2-3): a JWT signed
    /// with ES256 whose audience is the push service's origin, valid for 12 hours.
    pub fn authorization(
        &self,
        endpoint: &url::Url,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Option<String> {
        let audience = endpoint.origin().ascii_serialization();
        if audience == "null" {
            return None;
        }
        let header = Base64UrlUnpadded::encode_string(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": (now + Duration::hours(12)).timestamp(),
            "sub": subject,
        });
        let claims = Base64UrlUnpadded::encode_string(claims.to_string().as_bytes());
        let signed = format!("{header}.{claims}");
        let signature: p256::ecdsa::Signature = self.signing.sign(signed.as_bytes());
        let signature = Base64UrlUnpadded::encode_string(&signature.to_bytes());
        Some(format!("vapid t={signed}.{signature}, k={}", self.public))
    }
}

/// What sends: the key, who to contact about it (`mailto:` or the public address), and one
/// HTTP client for every push service.
#[derive(Clone)]
pub struct Pusher {
    key: VapidKey,
    subject: String,
    services: PushServices,
    http: reqwest::Client,
}

impl Pusher {
    pub fn new(
        key: VapidKey,
        subject: String,
        services: PushServices,
    ) -> Result<Pusher, PushError> {
        // No redirects: a push service answers where it is; a redirect could lead anywhere.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(15))
            .connect_timeout(std::time::Duration::from_secs(5))
            .build()
            .map_err(|error| PushError::Client(error.to_string()))?;
        Ok(Pusher {
            key,
            subject,
            services,
            http,
        })
    }

    pub fn key(&self) -> &VapidKey {
        &self.key
    }

    pub fn services(&self) -> &PushServices {
        &self.services
    }

    /// Sends one notification; what became of it.
    async fn send(&self, delivery: &Delivery, now: DateTime<Utc>) -> Sent {
        let Some(request) = self.request(delivery, now) else {
            return Sent::Refused("subscription".into());
        };
        match request.send().await {
            Ok(answer) => {
                let status = answer.status().as_u16();
                match PushOutcome::of_status(status) {
                    PushOutcome::Delivered => Sent::Delivered,
                    PushOutcome::Gone => Sent::Gone,
                    PushOutcome::Retry => Sent::Retry(status.to_string()),
                    PushOutcome::Refused => Sent::Refused(status.to_string()),
                }
            }
            Err(error) => {
                tracing::debug!(%error, "push service not reached");
                Sent::Retry("network".into())
            }
        }
    }

    /// The encrypted POST (RFC 8030 §5, RFC 8291 §4), or `None` for a subscription whose
    /// address or keys cannot be used.
    fn request(&self, delivery: &Delivery, now: DateTime<Utc>) -> Option<reqwest::RequestBuilder> {
        let subscription = &delivery.subscription;
        let endpoint = url::Url::parse(&subscription.endpoint).ok()?;
        // Checked when kept too; checked again in case the list changed since.
        if !self.services.allows(&endpoint) {
            return None;
        }
        let ua_public = Base64UrlUnpadded::decode_vec(&subscription.p256dh).ok()?;
        let ua_public = web_push_native::p256::PublicKey::from_sec1_bytes(&ua_public).ok()?;
        let auth = Base64UrlUnpadded::decode_vec(&subscription.auth).ok()?;
        if auth.len() != 16 {
            return None;
        }
        let auth = web_push_native::Auth::clone_from_slice(&auth);
        let body =
            web_push_native::encrypt(payload(delivery).into_bytes(), &ua_public, &auth).ok()?;
        let authorization = self.key.authorization(&endpoint, &self.subject, now)?;
        let urgency = match delivery.kind {
            NotificationKind::SoonReminder | NotificationKind::DailyReminder => "high",
            _ => "normal",
        };
        Some(
            self.http
                .post(endpoint)
                .header("TTL", KEEP_FOR_SECONDS)
                .header("Urgency", urgency)
                .header("Content-Encoding", "aes128gcm")
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", authorization)
                .body(body),
        )
    }
}

/// What the service worker receives (encrypted): the words and the page to open. The tag
/// lets a second copy of one notification replace the first on the phone.
pub fn payload(delivery: &Delivery) -> String {
    let shown = LockScreen::of(delivery.kind, delivery.about_time, delivery.detail);
    serde_json::json!({
        "title": shown.title,
        "body": shown.body,
        "path": delivery.open_path,
        "tag": delivery.dedupe_key,
    })
    .to_string()
}

enum Sent {
    Delivered,
    Gone,
    Retry(String),
    Refused(String),
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub delivered: usize,
    pub failed: usize,
}

/// Claims the notifications due and sends them, many at once.
pub async fn deliver_due(db: &Db, pusher: &Pusher, now: DateTime<Utc>) -> db::Result<Round> {
    let claim = db::new_id();
    let due = db::claim_deliveries(db, &claim, now, now + LEASE, ROUND).await?;
    let claimed = due.len();
    let outcomes = futures::stream::iter(due)
        .map(|delivery| {
            let claim = &claim;
            async move {
                let sent = pusher.send(&delivery, now).await;
                let delivered = matches!(sent, Sent::Delivered);
                if let Err(error) = settle(db, &delivery, claim, sent).await {
                    tracing::warn!(%error, "could not record a notification's delivery");
                }
                delivered
            }
        })
        .buffer_unordered(AT_ONCE)
        .collect::<Vec<bool>>()
        .await;
    let delivered = outcomes.iter().filter(|delivered| **delivered).count();
    Ok(Round {
        claimed,
        delivered,
        failed: claimed - delivered,
    })
}

async fn settle(db: &Db, delivery: &Delivery, claim: &str, sent: Sent) -> db::Result<()> {
    let now = Utc::now();
    match sent {
        Sent::Delivered => db::mark_delivered(db, &delivery.id, claim, now).await,
        Sent::Gone => db::remove_push_subscription(db, &delivery.subscription.id).await,
        Sent::Retry(problem) => {
            let next = now + retry_delay(delivery.attempts);
            db::mark_not_delivered(db, &delivery.id, claim, &problem, true, next).await
        }
        Sent::Refused(problem) => {
            tracing::warn!(%problem, "a push service refused a notification");
            db::mark_not_delivered(db, &delivery.id, claim, &problem, false, now).await
        }
    }
}

/// Delivers for as long as the server runs: every round that found work is followed at
/// once by another, otherwise it waits a second.
pub async fn keep_delivering(db: Db, pusher: Pusher) {
    loop {
        match deliver_due(&db, &pusher, Utc::now()).await {
            Ok(round) if round.claimed > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not deliver notifications"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// Queues reminders every minute for as long as the server runs, on one instance of
/// however many share the database (the first to claim the minute's round; a round run
/// twice would still queue each reminder once, by its key, but do all the reading twice).
pub async fn keep_reminding(db: Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        let now = Utc::now();
        // A little under the tick, so that an instance whose tick comes late is not
        // refused its own next round.
        let round = db::claim_round(&db, "reminders", now, Duration::seconds(50)).await;
        let queued = match round {
            Ok(true) => queue_due_reminders(&db, now).await,
            Ok(false) => continue,
            Err(error) => Err(error),
        };
        if let Err(error) = queued {
            tracing::warn!(%error, "could not queue reminders");
        }
    }
}

/// Queues every reminder whose time has come by `now` and is not past (appointments' the
/// evening before and two hours before, as each client chose; daily ones), each once.
/// How many were queued.
pub async fn queue_due_reminders(db: &Db, now: DateTime<Utc>) -> db::Result<u64> {
    let mut due: Vec<(db::Subscriber, Notice)> = Vec::new();
    // Wide enough for any time zone (UTC-12 to UTC+14) and an evening reminder a day and
    // five hours ahead; each is then checked on its own program's clock.
    let utc = now.naive_utc();
    let found = db::appointments_to_remind(
        db,
        now,
        utc - Duration::hours(14),
        utc + Duration::hours(44),
    )
    .await?;
    for appointment in found {
        let Ok(starts_at) = NaiveDateTime::parse_from_str(&appointment.starts_at, "%Y-%m-%dT%H:%M")
        else {
            continue;
        };
        let subscriber = appointment.subscriber;
        let chosen = subscriber.settings;
        let zone = subscriber.time_zone.as_str();
        let starts = instant_of(zone, starts_at);
        let reminders = [
            (
                NotificationKind::EveningReminder,
                chosen.evening_reminder.is_on(),
                instant_of(zone, evening_reminder_time(starts_at)),
            ),
            (
                NotificationKind::SoonReminder,
                chosen.soon_reminder.is_on(),
                starts - SOON_REMINDER_BEFORE,
            ),
        ];
        for (kind, wanted, at) in reminders {
            if wanted && at <= now && now < at + REMINDER_LATE_LIMIT && now < starts {
                let wanted_at = local_time_of(zone, at);
                let notice = Notice::appointment_reminder(
                    kind,
                    &appointment.appointment_id,
                    starts_at,
                    wanted_at,
                );
                due.push((subscriber.clone(), notice));
            }
        }
    }
    for subscriber in db::daily_reminders(db, now).await? {
        let Some(at) = subscriber.settings.daily_reminder_at else {
            continue;
        };
        let today = local_time_of(&subscriber.time_zone, now).date();
        let wanted = instant_of(&subscriber.time_zone, today.and_time(at));
        if wanted <= now && now < wanted + REMINDER_LATE_LIMIT {
            due.push((subscriber, Notice::daily_reminder(today, at)));
        }
    }
    let mut queued = 0;
    // A thousand to a change: a whole program's round in one would keep SQLite's one writer
    // (a client saving a check-in) waiting for all of it.
    for chunk in due.chunks(1000) {
        let mut tx = db.begin().await?;
        queued += db::queue_notices(&mut tx, chunk, now).await?;
        tx.commit().await?;
    }
    Ok(queued)
}

/// The push services a subscription may name. A subscription's address comes from the
/// browser, so anyone signed in could name any address and have the server post to it (a
/// server-side request to the clinic's own network): only these are ever sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushServices(Vec<String>);

/// The services of the browsers people use: Chrome and Android's, Firefox's, Safari's and
/// Edge's. Each allows its host and the hosts under it, over https.
pub const KNOWN_PUSH_SERVICES: &str = "fcm.googleapis.com,push.services.mozilla.com,\
                                       push.apple.com,notify.windows.com";

impl std::str::FromStr for PushServices {
    type Err = std::convert::Infallible;

    /// Host names separated by commas (https, the host or one under it), or whole origins
    /// (`http://127.0.0.1:4000`, for a stand-in in tests).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(PushServices(
            text.split(',')
                .map(|entry| entry.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|entry| !entry.is_empty())
                .collect(),
        ))
    }
}

impl Default for PushServices {
    fn default() -> Self {
        KNOWN_PUSH_SERVICES
            .parse()
            .unwrap_or(PushServices(Vec::new()))
    }
}

impl PushServices {
    pub fn allows(&self, endpoint: &url::Url) -> bool {
        let origin = endpoint.origin().ascii_serialization();
        let host = endpoint.host_str().unwrap_or_default();
        self.0.iter().any(|entry| {
            if entry.contains("://") {
                *entry == origin
            } else {
                endpoint.scheme() == "https"
                    && (host == entry || host.ends_with(&format!(".{entry}")))
            }
        })
    }

    /// A subscription as a browser gives it, if it names an allowed service and keys that
    /// can be encrypted for.
    pub fn subscription_of(
        &self,
        endpoint: &str,
        p256dh: &str,
        auth: &str,
    ) -> Option<PushSubscription> {
        let endpoint_ok =
            endpoint.len() <= 2000 && url::Url::parse(endpoint).is_ok_and(|url| self.allows(&url));
        let key_ok = Base64UrlUnpadded::decode_vec(p256dh)
            .ok()
            .and_then(|key| web_push_native::p256::PublicKey::from_sec1_bytes(&key).ok())
            .is_some();
        let auth_ok = Base64UrlUnpadded::decode_vec(auth).is_ok_and(|auth| auth.len() == 16);
        (endpoint_ok && key_ok && auth_ok).then(|| PushSubscription {
            id: db::new_id(),
            endpoint: endpoint.to_owned(),
            p256dh: p256dh.to_owned(),
            auth: auth.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;

    #[test]
    fn vapid_tokens_name_the_push_service_with_its_port() {
        let key = VapidKey::generate().unwrap();
        let again = VapidKey::from_private(&key.private()).unwrap();
        assert_eq!(again.public(), key.public());
        let endpoint = url::Url::parse("http://127.0.0.1:4567/push/abc").unwrap();
        let now = Utc::now();
        let header = key
            .authorization(&endpoint, "mailto:team@example.org", now)
            .unwrap();
        let (token, k) = header
            .strip_prefix("vapid t=")
            .and_then(|rest| rest.split_once(", k="))
            .unwrap();
        assert_eq!(k, key.public());
        let parts: Vec<&str> = token.split('.').collect();
        let claims: serde_json::Value =
            serde_json::from_slice(&Base64UrlUnpadded::decode_vec(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "http://127.0.0.1:4567");
        assert_eq!(claims["sub"], "mailto:team@example.org");
        let signature =
            p256::ecdsa::Signature::from_slice(&Base64UrlUnpadded::decode_vec(parts[2]).unwrap())
                .unwrap();
        key.signing
            .verifying_key()
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .unwrap();
        assert!(VapidKey::from_private("too short").is_err());
    }

    #[test]
    fn only_usable_subscriptions_to_known_services_are_kept() {
        let key = VapidKey::generate().unwrap();
        let auth = Base64UrlUnpadded::encode_string(&[7u8; 16]);
        let known = PushServices::default();
        let fcm = "https://fcm.googleapis.com/fcm/send/abc";
        assert!(known.subscription_of(fcm, key.public(), &auth).is_some());
        let mozilla = "https://updates.push.services.mozilla.com/wpush/v2/abc";
        assert!(known
            .subscription_of(mozilla, key.public(), &auth)
            .is_some());
        for elsewhere in [
            "http://fcm.googleapis.com/fcm/send/abc",
            "https://evilfcm.googleapis.com.example.org/x",
            "https://10.0.0.5/admin",
            "http://127.0.0.1:4000/push/1",
            "javascript:alert(1)",
        ] {
            assert!(
                known
                    .subscription_of(elsewhere, key.public(), &auth)
                    .is_none(),
                "{elsewhere}"
            );
        }
        assert!(known.subscription_of(fcm, "AAAA", &auth).is_none());
        assert!(known.subscription_of(fcm, key.public(), "AAAA").is_none());
        let stand_in: PushServices = "http://127.0.0.1:4000".parse().unwrap();
        assert!(stand_in
            .subscription_of("http://127.0.0.1:4000/push/1", key.public(), &auth)
            .is_some());
        assert!(stand_in
            .subscription_of("http://127.0.0.1:4001/push/1", key.public(), &auth)
            .is_none());
    }
}
