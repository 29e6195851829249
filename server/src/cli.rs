//! Command-line tasks beside serving: organisations, staff accounts, clients (for imports),
//! the audit check and Web Push keys.
use crate::config::{
    AuditCommand, ClientCommand, Config, OrganisationCommand, PushCommand, UserCommand,
};
use crate::startup::{connect_and_migrate, StartError};
use app::db::{self, ChainCheck};
use app::domain::{IntakeAnswer, Role};
use std::io::Read;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Copy(#[from] db::CopyRefused),
    #[error("{0}")]
    Refused(String),
    #[error("could not read the passphrase from standard input: {0}")]
    Input(#[from] std::io::Error),
}

pub async fn user(config: &Config, command: UserCommand) -> Result<(), CliError> {
    let UserCommand::Create {
        role,
        name,
        sign_in_name,
        organisation,
    } = command;
    let role = match Role::from_code(&role) {
        Ok(role @ (Role::CaseManager | Role::Admin)) => role,
        _ => {
            return Err(CliError::Refused(
                "--role must be case_manager or admin; clients enrol with a code from their case manager".into(),
            ))
        }
    };
    let mut passphrase = String::new();
    std::io::stdin().read_to_string(&mut passphrase)?;
    let passphrase = passphrase.trim_end_matches(['\n', '\r']);
    let db = connect_and_migrate(config).await?;
    let organisation = organisation_or_only(&db, organisation).await?;
    let staff = app::actions::admin::NewStaff {
        name_shown: &name,
        role,
        sign_in_name: &sign_in_name,
        passphrase,
    };
    let now = chrono::Utc::now();
    let by = app::actions::AddedBy::CommandLine {
        organisation_id: &organisation,
    };
    let created = app::actions::admin::add_staff(&db, by, staff, now).await;
    let created = created.map_err(|error| CliError::Refused(error.to_string()))?;
    db.close().await;
    match created {
        Ok(person_id) => {
            println!("created {} {person_id} ({sign_in_name})", role.code());
            Ok(())
        }
        Err(problem) => Err(CliError::Refused(problem.label().to_owned())),
    }
}

/// The organisation named, or the only one there is.
async fn organisation_or_only(db: &db::Db, named: Option<String>) -> Result<String, CliError> {
    if let Some(id) = named {
        return Ok(id);
    }
    match db::organisation_ids(db).await?.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(CliError::Refused(
            "there is no organisation yet; make one with `waypoint organisation create`".into(),
        )),
        _ => Err(CliError::Refused(
            "there are several organisations; say which with --organisation".into(),
        )),
    }
}

pub async fn organisation(config: &Config, command: OrganisationCommand) -> Result<(), CliError> {
    let OrganisationCommand::Create { name, time_zone } = command;
    let db = connect_and_migrate(config).await?;
    let now = chrono::Utc::now();
    let made = app::actions::admin::add_organisation(&db, &name, &time_zone, now).await;
    db.close().await;
    match made.map_err(|error| CliError::Refused(error.to_string()))? {
        Ok(id) => {
            println!("created organisation {id}");
            Ok(())
        }
        Err(problem) => Err(CliError::Refused(problem.to_owned())),
    }
}

pub async fn client(config: &Config, command: ClientCommand) -> Result<(), CliError> {
    let ClientCommand::Create {
        full_name,
        preferred_name,
        date_of_birth,
        treatment_start,
        case_manager,
        second_case_manager,
        pronouns,
        phone,
        leave_messages,
        preferred_language,
        pharmacy,
        organisation,
    } = command;
    let db = connect_and_migrate(config).await?;
    let organisation = organisation_or_only(&db, organisation).await?;
    let person = |name: String| {
        let db = &db;
        async move {
            db::person_with_sign_in_name(db, &name)
                .await?
                .ok_or_else(|| CliError::Refused(format!("nobody signs in as {name}")))
        }
    };
    let primary_case_manager = person(case_manager).await?;
    let second_case_manager = match second_case_manager {
        Some(name) => person(name).await?,
        None => String::new(),
    };
    let form = app::domain::IntakeForm {
        full_name,
        preferred_name,
        pronouns: pronouns.unwrap_or_default(),
        date_of_birth,
        phone: phone.unwrap_or_default(),
        leave_messages,
        preferred_language: preferred_language.unwrap_or_default(),
        pharmacy: pharmacy.unwrap_or_default(),
        program_start_on: treatment_start,
        primary_case_manager,
        second_case_manager,
    };
    let by = app::actions::AddedBy::CommandLine {
        organisation_id: &organisation,
    };
    let added = app::actions::intake::add_client(&db, by, form, chrono::Utc::now()).await;
    db.close().await;
    match added.map_err(|error| CliError::Refused(error.to_string()))? {
        IntakeAnswer::Added { client_id } => {
            println!("created client {client_id}");
            Ok(())
        }
        IntakeAnswer::Exists { client_id } => Err(CliError::Refused(format!(
            "a client with this name and date of birth is in the program already: {}",
            client_id.unwrap_or_default()
        ))),
        IntakeAnswer::Invalid(problems) => Err(CliError::Refused(
            problems
                .0
                .iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

/// `waypoint push keys`: a new key pair, as the setting to add and the public half.
pub fn push(command: PushCommand) -> Result<(), CliError> {
    let PushCommand::Keys = command;
    let key =
        app::push::VapidKey::generate().map_err(|error| CliError::Refused(error.to_string()))?;
    println!("WAYPOINT_VAPID_PRIVATE_KEY={}", key.private());
    println!(
        "# public key (browsers subscribe with it; the server sends it to them): {}",
        key.public()
    );
    Ok(())
}

pub async fn audit(config: &Config, command: AuditCommand) -> Result<(), CliError> {
    // Reads only (no migration, which could change the trail), except `key`.
    let db = crate::startup::connect(config).await?;
    let outcome = match command {
        AuditCommand::Head => {
            for head in db::audit_heads(&db).await? {
                println!("{}", head_text(&head));
            }
            Ok(())
        }
        AuditCommand::Verify { expect } => verify(&db, expect.as_deref()).await,
        AuditCommand::Key => match db::key_audit_trail(&db, chrono::Utc::now()).await? {
            db::KeyedTrail::AlreadyKeyed => {
                println!("the audit trail is keyed already: nothing done");
                Ok(())
            }
            db::KeyedTrail::Keyed { entries } => {
                println!("the audit trail is keyed: {entries} entries; keep the new `waypoint audit head`");
                Ok(())
            }
            db::KeyedTrail::Broken { at_seq, reason } => Err(CliError::Refused(format!(
                "audit trail broken at entry {at_seq}: {reason}; not keyed"
            ))),
        },
    };
    db.close().await;
    outcome
}

/// A chain's head as `waypoint audit head` prints it: `SEQ:HASH` for the shared chain (as
/// the one chain was printed before there were more), `CHAIN:SEQ:HASH` for an
/// organisation's.
fn head_text(head: &db::ChainHead) -> String {
    if head.chain == db::SHARED_CHAIN {
        format!("{}:{}", head.seq, head.hash)
    } else {
        format!("{}:{}:{}", head.chain, head.seq, head.hash)
    }
}

/// The heads in `text` (the output of `waypoint audit head`, whole or in part).
fn heads_in(text: &str) -> Option<Vec<db::ChainHead>> {
    text.split_whitespace()
        .map(|head| {
            let mut parts = head.rsplitn(3, ':');
            let hash = parts.next()?.to_owned();
            let seq = parts.next()?.parse().ok()?;
            let chain = parts.next().unwrap_or(db::SHARED_CHAIN).to_owned();
            Some(db::ChainHead { chain, seq, hash })
        })
        .collect()
}

async fn verify(db: &db::Db, expect: Option<&str>) -> Result<(), CliError> {
    let (entries, chains) = match db::verify_audit_chain(db).await? {
        ChainCheck::Intact { entries, chains } => (entries, chains),
        ChainCheck::Broken {
            chain,
            at_seq,
            reason,
        } => {
            let which = if chain == db::SHARED_CHAIN {
                String::new()
            } else {
                format!(" (chain {chain})")
            };
            return Err(CliError::Refused(format!(
                "audit trail broken at entry {at_seq}{which}: {reason}"
            )));
        }
    };
    if let Some(expected) = expect {
        let heads = heads_in(expected).ok_or_else(|| {
            CliError::Refused("--expect takes the lines of `waypoint audit head`".into())
        })?;
        // An empty chain's head (0) holds nothing to find again.
        for head in heads.into_iter().filter(|head| head.seq > 0) {
            if db::audit_entry_hash(db, &head.chain, head.seq)
                .await?
                .as_deref()
                != Some(head.hash.as_str())
            {
                return Err(CliError::Refused(format!(
                    "audit trail cut back or rewritten: entry {} is not the one kept elsewhere",
                    head_text(&head)
                )));
            }
        }
    }
    let plural = if chains == 1 { "" } else { "s" };
    println!("audit trail intact: {entries} entries in {chains} chain{plural}");
    Ok(())
}

pub async fn backup(config: &Config, file: &str) -> Result<(), CliError> {
    if std::path::Path::new(file).exists() {
        return Err(CliError::Refused(format!(
            "{file} exists already: name a new file"
        )));
    }
    let db = crate::startup::connect(config).await?;
    let outcome = db::backup_sqlite(&db, file).await;
    db.close().await;
    outcome?;
    println!("backed up to {file}");
    Ok(())
}

/// Copies the SQLite database into PostgreSQL, then checks there what it copied: each
/// table's rows as many as were read (from one snapshot: the server may go on meanwhile,
/// though stopping it first means nothing written after the copy is left behind), and
/// every audit chain intact under the same key.
pub async fn copy_to(config: &Config, url: &str) -> Result<(), CliError> {
    let from = connect_and_migrate(config).await?;
    let target = Config {
        database_url: url.to_owned(),
        ..config.clone()
    };
    let to = connect_and_migrate(&target).await?;
    let outcome = copy_and_check(&from, &to).await;
    from.close().await;
    to.close().await;
    outcome
}

async fn copy_and_check(from: &db::Db, to: &db::Db) -> Result<(), CliError> {
    let copied = db::copy_database(from, to).await?;
    let tables: Vec<String> = copied.iter().map(|t| t.table.clone()).collect();
    let there = db::count_rows(to, &tables).await?;
    for (read, found) in copied.iter().zip(&there) {
        if read != found {
            return Err(CliError::Refused(format!(
                "{}: {} rows read, {} found in the copy",
                read.table, read.rows, found.rows
            )));
        }
        println!("{:<28} {:>9}", read.table, read.rows);
    }
    match db::verify_audit_chain(to).await? {
        ChainCheck::Intact { entries, chains } => {
            println!("copied; audit trail intact there: {entries} entries in {chains} chains");
            Ok(())
        }
        ChainCheck::Broken {
            chain,
            at_seq,
            reason,
        } => Err(CliError::Refused(format!(
            "the copy's audit trail is broken at entry {at_seq} of chain {chain:?}: {reason}"
        ))),
    }
}
