//! Typed configuration from the command line and the environment, with defaults that run
//! the demo on one machine.
use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(name = "waypoint", version, about = "Waypoint support-plan server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Bring the database schema up to date, then stop.
    Migrate,
    /// Add the fictitious demo program. Running it again changes nothing.
    SeedDemo {
        /// Clients in all, for measuring at scale (the demo has thirty; past those, names
        /// repeat with a number and have no sign-in).
        #[arg(long)]
        clients: Option<usize>,
        /// Programs to spread the clients over: Riverside, then "Program 2" and on, whose
        /// people have no sign-ins.
        #[arg(long, default_value_t = 1)]
        organisations: usize,
        /// Give every client past the thirty demo people a year of weekly appointments,
        /// check-ins and audit entries.
        #[arg(long)]
        history: bool,
    },
    /// Add an organisation (a program), for a new installation without the demo.
    #[command(subcommand)]
    Organisation(OrganisationCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Add clients, as intake does (for imports).
    #[command(subcommand)]
    Client(ClientCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Notifications by Web Push.
    #[command(subcommand)]
    Push(PushCommand),
    /// Write a consistent copy of the SQLite database to FILE while the server runs.
    Backup {
        /// A file that does not exist yet.
        file: String,
    },
    /// Copy the whole SQLite database (DATABASE_URL) into an empty PostgreSQL one, then
    /// check every table's rows and every audit chain there.
    CopyTo {
        /// The PostgreSQL database's address (postgres://...); its schema is made by the
        /// migrations.
        url: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum PushCommand {
    /// Make a new VAPID key pair, printed as the setting to add (WAYPOINT_VAPID_PRIVATE_KEY).
    /// Keep it: a new key stops every phone's notifications until each turns them on again.
    Keys,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Create a case manager or admin. The passphrase is read from standard input.
    Create {
        /// case_manager or admin
        #[arg(long)]
        role: String,
        /// The name colleagues see.
        #[arg(long)]
        name: String,
        /// What they type to sign in.
        #[arg(long)]
        sign_in_name: String,
        /// Organisation id; defaults to the only organisation when there is one.
        #[arg(long)]
        organisation: Option<String>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum OrganisationCommand {
    /// Create an organisation; prints its id.
    Create {
        /// The program's name, as staff see it.
        #[arg(long)]
        name: String,
        /// IANA time zone, e.g. America/Toronto: what "today" means for the program.
        #[arg(long)]
        time_zone: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ClientCommand {
    /// Add a client, with the same checks as the intake page; prints their id. A client
    /// with the same name and date of birth in the program is refused.
    Create {
        #[arg(long)]
        full_name: String,
        /// The name they want to be called.
        #[arg(long)]
        preferred_name: String,
        /// YYYY-MM-DD
        #[arg(long)]
        date_of_birth: String,
        /// YYYY-MM-DD
        #[arg(long)]
        treatment_start: String,
        /// Sign-in name of their primary case manager.
        #[arg(long)]
        case_manager: String,
        /// Sign-in name of a second case manager.
        #[arg(long)]
        second_case_manager: Option<String>,
        #[arg(long)]
        pronouns: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Whether messages may be left at that phone: yes or no.
        #[arg(long, default_value = "no")]
        leave_messages: String,
        #[arg(long)]
        preferred_language: Option<String>,
        #[arg(long)]
        pharmacy: Option<String>,
        /// Organisation id; defaults to the only organisation when there is one.
        #[arg(long)]
        organisation: Option<String>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Walk the whole audit trail and check that no entry was removed or altered.
    Verify {
        /// What `waypoint audit head` printed earlier and was kept elsewhere (one line or
        /// all, `SEQ:HASH` or `CHAIN:SEQ:HASH` each): the trail must still hold those
        /// entries, so a chain cut back behind one (and chained again by someone with the
        /// database) is found.
        #[arg(long)]
        expect: Option<String>,
    },
    /// Print each chain's newest entry, one line each (`SEQ:HASH` for the shared chain,
    /// `CHAIN:SEQ:HASH` for an organisation's), to keep somewhere the database's users
    /// cannot reach.
    Head,
    /// Key a trail marked as not keyed, after checking why it is (SECURITY.md): its plain
    /// chain must be intact, and an `audit.keyed` entry records that it was done.
    Key,
}

#[derive(Debug, Clone, Parser)]
pub struct Config {
    /// Where the data lives: `sqlite:<file>` or `postgres://...`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:data/waypoint.db")]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "WAYPOINT_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Largest number of database connections this instance holds.
    #[arg(long, env = "WAYPOINT_DB_CONNECTIONS", default_value_t = 10)]
    pub db_connections: u32,

    /// Secret of at least 64 characters that signs the short-lived cookie showing a just-made
    /// code once (sessions themselves are kept in the database). Without one, a random key is
    /// made at start, so a code made just before a restart, or on another instance, is not
    /// shown and must be made again. Set the same key on every instance.
    #[arg(long, env = "WAYPOINT_SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<Secret>,

    /// Secret of at least 64 characters that keys the audit trail's hashes (HMAC-SHA-256), so
    /// that someone with only the database cannot rewrite the trail and chain it again.
    /// Required when WAYPOINT_PUBLIC_URL starts with https://; without it (the demo) a key
    /// written in the source is used, which keys nothing. Keep it apart from the database's
    /// backups, the same on every instance, and never change it: the trail verifies only
    /// under the key it was written with.
    #[arg(long, env = "WAYPOINT_AUDIT_KEY", hide_env_values = true)]
    pub audit_key: Option<Secret>,

    /// The address people use to reach Waypoint. When it starts with https://, cookies are
    /// marked Secure with the __Host- prefix and browsers are told to use TLS only (HSTS).
    /// Passkeys need a domain name here (`localhost` counts), not an IP address.
    #[arg(
        long,
        env = "WAYPOINT_PUBLIC_URL",
        default_value = "http://localhost:3000"
    )]
    pub public_url: String,

    /// Reverse proxies in front of Waypoint, whose `Forwarded` or `X-Forwarded-For` header
    /// says which address a request comes from: addresses or ranges, separated by commas
    /// (`127.0.0.1,10.0.0.0/8`). Without it, the connection's own address is used, and behind
    /// a proxy every request would seem to come from the proxy: one person's wrong guesses
    /// would slow everyone down.
    #[arg(long, env = "WAYPOINT_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: app::proxy::TrustedProxies,

    /// Seconds a connection may take to send a request's head before it is closed.
    #[arg(long, env = "WAYPOINT_HEADER_TIMEOUT_SECONDS", default_value_t = 10)]
    pub header_timeout_seconds: u64,

    /// Seconds a request may take, body and answer, before it is answered 408.
    #[arg(long, env = "WAYPOINT_REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u64,

    /// The server's VAPID private key for Web Push (base64url; `waypoint push keys` makes
    /// one). The same on every instance. Without it, the demo uses a key written in the
    /// source, and a deployment over https has notifications off.
    #[arg(long, env = "WAYPOINT_VAPID_PRIVATE_KEY", hide_env_values = true)]
    pub vapid_private_key: Option<String>,

    /// Who push services may contact about this server's notifications: `mailto:` an
    /// address, or an https page. Defaults to the public address.
    #[arg(long, env = "WAYPOINT_VAPID_SUBJECT")]
    pub vapid_subject: Option<String>,

    /// The push services notifications may be sent to: host names (https; the host and
    /// those under it) separated by commas. A phone's subscription names one; no other
    /// address is ever posted to. The default is the services of Chrome, Firefox, Safari
    /// and Edge.
    #[arg(long, env = "WAYPOINT_PUSH_SERVICES", default_value = app::push::KNOWN_PUSH_SERVICES)]
    pub push_services: app::push::PushServices,

    /// Log format.
    #[arg(long, env = "WAYPOINT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A secret value that never appears in logs or debug output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl std::str::FromStr for Secret {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() < 64 {
            Err("must be at least 64 characters".into())
        } else {
            Ok(Secret(s.to_owned()))
        }
    }
}

impl Config {
    /// The configuration tests start from: a given database, any free port.
    pub fn for_tests(database_url: &str) -> Config {
        Config {
            database_url: database_url.to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_connections: 4,
            session_key: None,
            audit_key: None,
            public_url: "http://localhost".to_owned(),
            trusted_proxies: Default::default(),
            header_timeout_seconds: 10,
            request_timeout_seconds: 30,
            vapid_private_key: None,
            vapid_subject: None,
            push_services: Default::default(),
            log_format: LogFormat::Text,
        }
    }

    /// Whether this is a real deployment: people reach it over https.
    pub fn is_production(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// What sends notifications: the configured VAPID key, or in development the one in
    /// the source; `None` (notifications off) for a deployment without a key.
    pub fn pusher(&self) -> Result<Option<app::push::Pusher>, app::push::PushError> {
        let key = match &self.vapid_private_key {
            Some(private) => app::push::VapidKey::from_private(private)?,
            None if self.is_production() => return Ok(None),
            None => app::push::VapidKey::development(),
        };
        let subject = self
            .vapid_subject
            .clone()
            .unwrap_or_else(|| self.public_url.clone());
        app::push::Pusher::new(key, subject, self.push_services.clone()).map(Some)
    }

    /// The audit trail's key: the configured one, or in development the one in the source.
    /// `None` in production without a key, where the server must not start.
    pub fn audit_key(&self) -> Option<app::db::AuditKey> {
        match &self.audit_key {
            Some(secret) => Some(app::db::AuditKey::new(secret.expose().as_bytes())),
            None if self.is_production() => None,
            None => Some(app::db::AuditKey::development()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let secret: Secret = "k".repeat(64).parse().unwrap();
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert!("short".parse::<Secret>().is_err());
    }

    #[test]
    fn production_needs_its_own_audit_key() {
        let mut config = Config::for_tests("sqlite::memory:");
        assert!(config.audit_key().is_some(), "development runs without one");
        config.public_url = "https://waypoint.example.org".to_owned();
        assert!(config.audit_key().is_none());
        config.audit_key = Some("k".repeat(64).parse().unwrap());
        assert!(config.audit_key().is_some());
    }

    #[test]
    fn defaults_run_the_demo_locally() {
        let cli = Cli::try_parse_from(["waypoint"]).unwrap();
        assert!(cli.command.is_none());
        assert!(cli.config.database_url.starts_with("sqlite:"));
        assert_eq!(cli.config.addr.port(), 3000);
        // A domain name, so that passkeys work on the demo.
        assert!(app::auth::relying_party(&cli.config.public_url).is_ok());
    }
}
