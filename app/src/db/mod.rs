//! The database layer: every query Waypoint runs is in this module, each scoped by the
//! person it is for. One set of portable SQL serves SQLite and PostgreSQL through sqlx's
//! `Any` driver (see ARCHITECTURE.md for why), proved by running the same tests on both.

mod accounts;
mod appointments;
mod assessments;
mod attempts;
mod audit;
mod calendar_feeds;
mod care_teams;
mod case_notes;
mod caseload;
mod check_ins;
mod clients;
mod copy;
mod directory;
mod episodes;
mod grants;
mod job_rounds;
mod library;
mod messages;
mod notifications;
mod passkeys;
mod plans;
mod referrals;
mod resources;
mod reviews;
mod safety_plans;
mod sessions;
mod stages;
mod stamps;
mod suggestions;
mod sync;

pub use accounts::*;
pub use appointments::*;
pub use assessments::*;
pub use attempts::*;
pub use audit::*;
pub use calendar_feeds::*;
pub use care_teams::*;
pub use case_notes::*;
pub use caseload::*;
pub use check_ins::*;
pub use clients::*;
pub use copy::*;
pub use directory::*;
pub use episodes::*;
pub use grants::*;
pub use job_rounds::*;
pub use library::*;
pub use messages::*;
pub use notifications::*;
pub use passkeys::*;
pub use plans::*;
pub use referrals::*;
pub use resources::*;
pub use reviews::*;
pub use safety_plans::*;
pub use sessions::*;
pub use stages::*;
pub use stamps::*;
pub use suggestions::*;
pub use sync::*;

use crate::domain::{RecordId, UnknownCode};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection};
use std::str::FromStr;
use std::time::Duration;

pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// What can go wrong below the HTTP layer. Never shown to a person: it is logged and turned
/// into [`crate::error::AppError`] in one place.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value could not be read: {0}")]
    Corrupt(String),
    #[error("database URL must start with sqlite: or postgres:")]
    UnsupportedUrl,
    #[error("could not create the data folder: {0}")]
    DataFolder(#[from] std::io::Error),
    #[error(transparent)]
    NoRandomness(#[from] crate::secrets::NoRandomness),
    #[error("JSON could not be written or read: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the audit trail is broken at entry {at_seq} ({reason}), so it was not keyed: see SECURITY.md, \"Audit trail\"")]
    AuditTrailBroken { at_seq: i64, reason: &'static str },
    #[error("the audit trail is marked as not keyed: see SECURITY.md, \"Audit trail\", before running `waypoint audit key`")]
    AuditTrailNotKeyed,
}

impl DbError {
    /// Whether the database refused a row because it would repeat a value that must be
    /// unique. The constraint decides, not a look beforehand, so a race has one winner.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Sqlx(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

impl From<UnknownCode> for DbError {
    fn from(e: UnknownCode) -> Self {
        DbError::Corrupt(e.to_string())
    }
}

/// What became of a save of an editable record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved<T> {
    /// Saved: the record's id and new version.
    Saved { id: String, version: i64 },
    /// Someone else saved first. The record as it now stands, for showing both versions.
    Conflict(Box<T>),
    /// Not this client's, or not there.
    NotFound,
}

impl<T> Saved<T> {
    /// Saved over `expected_version`.
    pub fn over(id: impl ToString, expected_version: i64) -> Self {
        Saved::Saved {
            id: id.to_string(),
            version: expected_version + 1,
        }
    }

    /// Not saved: the record as it now stands (someone saved first), or not found.
    pub fn refused(stored: Option<T>) -> Self {
        match stored {
            Some(record) => Saved::Conflict(Box::new(record)),
            None => Saved::NotFound,
        }
    }
}

/// The end of every versioned save: `UPDATE ... WHERE version = $n` changed `rows` rows. One
/// means saved over `expected_version`; none means someone saved first (or there is no such
/// record), and `stored` reads the record as it now stands to show both versions.
async fn saved_or_stored<T>(
    rows: u64,
    id: &RecordId,
    expected_version: i64,
    stored: impl std::future::Future<Output = Result<Option<T>>>,
) -> Result<Saved<T>> {
    if rows == 1 {
        Ok(Saved::over(id, expected_version))
    } else {
        Ok(Saved::refused(stored.await?))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> Result<Engine> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Engine::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

/// The connection pool, shared by every request.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
    audit_key: AuditKey,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Connects to `url`. A SQLite file and its folder are created when missing, so a first
    /// start needs no manual step.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db> {
        Self::connect_with(url, max_connections, None).await
    }

    /// As [`Db::connect`], with a statement run on every new connection (tests use it to put
    /// each run in its own PostgreSQL schema).
    pub async fn connect_with(
        url: &str,
        max_connections: u32,
        on_connect: Option<String>,
    ) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let engine = Engine::of_url(url)?;
        let url = match engine {
            Engine::Sqlite => prepare_sqlite_url(url)?,
            Engine::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                let on_connect = on_connect.clone();
                Box::pin(async move {
                    if let Some(sql) = on_connect {
                        sqlx::query(&sql).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            // A request dropped midway (its person went away) drops its transaction wherever it
            // was; one dropped just as `BEGIN` finished is left open with nothing to end it,
            // and on SQLite it would hold the write lock for every other change. The ping
            // comes after any rollback the drop queued, so a connection still inside a
            // transaction after it is closed rather than handed out again.
            .after_release(|conn, _meta| {
                Box::pin(async move {
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .connect_with(options)
            .await?;
        if engine == Engine::Sqlite {
            // Write-ahead logging lets pages be read while a write is under way. The setting
            // is kept in the file, so once is enough.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Db {
            pool,
            engine,
            audit_key: AuditKey::development(),
        })
    }

    /// The same pool, with the audit trail keyed by `key` (see `audit.rs`).
    pub fn with_audit_key(self, key: AuditKey) -> Db {
        Db {
            audit_key: key,
            ..self
        }
    }

    pub fn audit_key(&self) -> &AuditKey {
        &self.audit_key
    }

    /// Brings the schema up to date. Safe to run at every start. At the first start after
    /// the audit trail's hashes became keyed, it keys the trail written before ([`key_audit_trail`]);
    /// later, a trail marked unkeyed is refused, not keyed: someone marked it so, or it was
    /// found broken when it was to be keyed, and keying it now would hide what happened.
    /// Every program made before the library existed then gets the starter library.
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_schema().await?;
        stock_missing_libraries(self, Utc::now()).await?;
        Ok(())
    }

    async fn migrate_schema(&self) -> Result<()> {
        // Whether the trail had its `keyed` mark before these migrations (it has from then
        // on): in the one head it had, or in its chains' heads.
        let mut marked_before = false;
        for head in ["audit_head", "audit_chains"] {
            marked_before |= sqlx::query(&format!("SELECT keyed FROM {head}"))
                .fetch_optional(&self.pool)
                .await
                .is_ok();
        }
        MIGRATOR.run(&self.pool).await?;
        if shared_chain_keyed(self).await? {
            return Ok(());
        }
        if marked_before {
            return Err(DbError::AuditTrailNotKeyed);
        }
        match key_audit_trail(self, Utc::now()).await? {
            KeyedTrail::Keyed { entries } if entries > 0 => {
                tracing::warn!(
                    entries,
                    "the audit trail was keyed; note the new `waypoint audit head`"
                );
                Ok(())
            }
            KeyedTrail::AlreadyKeyed | KeyedTrail::Keyed { .. } => Ok(()),
            KeyedTrail::Broken { at_seq, reason } => {
                Err(DbError::AuditTrailBroken { at_seq, reason })
            }
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }

    /// A transaction for a change. On SQLite it takes the write lock at once (`IMMEDIATE`):
    /// a transaction that reads and only then writes would fail with "database is locked"
    /// when another write committed meanwhile, where waiting its turn succeeds.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        })
    }

    /// A change under way: see [`Change`].
    pub async fn change(&self) -> Result<Change> {
        Ok(Change {
            tx: self.begin().await?,
            audit_key: self.audit_key.clone(),
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A change under way: a transaction that is kept only together with its audit entries
/// ([`Change::keep`]), so a change and its entry are committed together or not at all.
/// Dropped without `keep`, nothing of it is written.
pub struct Change {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    audit_key: AuditKey,
}

impl Change {
    /// Records `entries` in the trail, bumps the change stamps of those whose devices'
    /// view they touch, and commits the change with them.
    pub async fn keep(mut self, entries: &[AuditEvent], now: DateTime<Utc>) -> Result<()> {
        bump_view_stamps(&mut self.tx, entries).await?;
        record_audit(&mut self.tx, &self.audit_key, entries, now).await?;
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for Change {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Change {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// `count` numbered placeholders from `$first`: `$1, $2, $3`, for a list of values.
fn placeholders(first: usize, count: usize) -> String {
    let marks: Vec<String> = (first..first + count).map(|n| format!("${n}")).collect();
    marks.join(", ")
}

/// `rows` groups of `width` numbered placeholders, `($1, $2), ($3, $4)`, for a statement
/// that writes many rows at once.
fn placeholder_rows(rows: usize, width: usize) -> String {
    let rows: Vec<String> = (0..rows)
        .map(|row| format!("({})", placeholders(row * width + 1, width)))
        .collect();
    rows.join(", ")
}

/// Rows one housekeeping statement deletes at most: a backlog goes in many short
/// statements, never one that holds a big table (or SQLite's one writer) for long.
pub const PRUNE_BATCH: usize = 1000;

/// Deletes the rows of `table` that `condition` finds (`$1` its one value), at most
/// [`PRUNE_BATCH`] a statement, picked by `key`; how many went.
async fn prune_in_batches(
    db: &Db,
    (table, key): (&str, &str),
    condition: &str,
    value: &str,
) -> Result<u64> {
    let sql = format!(
        "DELETE FROM {table} WHERE {key} IN
             (SELECT {key} FROM {table} WHERE {condition} LIMIT {PRUNE_BATCH})"
    );
    let mut gone = 0;
    loop {
        let deleted = sqlx::query(&sql)
            .bind(value)
            .execute(db.pool())
            .await?
            .rows_affected();
        gone += deleted;
        if deleted < PRUNE_BATCH as u64 {
            return Ok(gone);
        }
    }
}

/// Adds `mode=rwc` (create if missing) and makes the file's folder.
fn prepare_sqlite_url(url: &str) -> Result<String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if !path.is_empty() && path != ":memory:" {
        if let Some(folder) = std::path::Path::new(path).parent() {
            if !folder.as_os_str().is_empty() {
                std::fs::create_dir_all(folder)?;
            }
        }
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// A fresh id for a new record.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An id that sorts after every one this process made before it (a UUID v7: the time,
/// then a counter), for rows shown in the order they came in when they share a second
/// (messages). Not for an id whose time of making says more than its row does.
pub fn new_ordered_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

// Stored forms of dates and times; see the migration's header.
const DATE: &str = "%Y-%m-%d";
const LOCAL_TIME: &str = "%Y-%m-%dT%H:%M";
const INSTANT: &str = "%Y-%m-%dT%H:%M:%SZ";

pub fn date_text(date: NaiveDate) -> String {
    date.format(DATE).to_string()
}

pub fn local_time_text(at: NaiveDateTime) -> String {
    at.format(LOCAL_TIME).to_string()
}

pub fn instant_text(at: DateTime<Utc>) -> String {
    at.format(INSTANT).to_string()
}

fn read_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, DATE).map_err(|_| DbError::Corrupt(format!("date {text:?}")))
}

fn read_optional_date(text: Option<String>) -> Result<Option<NaiveDate>> {
    text.as_deref().map(read_date).transpose()
}

fn read_local_time(text: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, LOCAL_TIME)
        .map_err(|_| DbError::Corrupt(format!("local time {text:?}")))
}

fn read_instant(text: &str) -> Result<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, INSTANT)
        .map(|at| at.and_utc())
        .map_err(|_| DbError::Corrupt(format!("instant {text:?}")))
}

fn read_id(text: &str) -> Result<RecordId> {
    RecordId::parse(text).ok_or_else(|| DbError::Corrupt(format!("id {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = std::env::temp_dir().join(format!("waypoint-url-{}", new_id()));
        let url = format!("sqlite:{}/w.db", dir.display());
        assert_eq!(prepare_sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.is_dir());
        std::fs::remove_dir_all(dir).unwrap();
        assert_eq!(
            prepare_sqlite_url("sqlite::memory:?cache=shared").unwrap(),
            "sqlite::memory:?cache=shared&mode=rwc"
        );
        assert_eq!(
            prepare_sqlite_url("sqlite:x.db?mode=ro").unwrap(),
            "sqlite:x.db?mode=ro"
        );
    }

    #[test]
    fn json_failures_are_told_apart_from_corrupt_values() {
        let broken = serde_json::from_str::<Vec<i64>>("[1,").unwrap_err();
        let error = DbError::from(broken);
        assert!(matches!(error, DbError::Json(_)), "{error:?}");
        assert!(!error.is_unique_violation());
    }

    #[test]
    fn engines_are_chosen_by_scheme() {
        assert_eq!(Engine::of_url("sqlite:data/w.db").unwrap(), Engine::Sqlite);
        assert_eq!(
            Engine::of_url("postgres://u@h/db").unwrap(),
            Engine::Postgres
        );
        assert!(Engine::of_url("mysql://h/db").is_err());
    }

    #[test]
    fn stored_times_round_trip() {
        let at = NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(9, 5, 0)
            .unwrap();
        assert_eq!(read_local_time(&local_time_text(at)).unwrap(), at);
        assert_eq!(
            read_instant(&instant_text(at.and_utc())).unwrap(),
            at.and_utc()
        );
        assert_eq!(read_date(&date_text(at.date())).unwrap(), at.date());
        assert!(read_date("24/11/2026").is_err());
    }
}
