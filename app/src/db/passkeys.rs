use super::{instant_text, new_id, Db, Result};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredPasskey {
    pub id: String,
    pub person_id: String,
    pub credential_id: String,
    /// webauthn-rs's `Passkey`, as JSON.
    pub passkey: String,
    pub device: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

const COLUMNS: &str = "id, person_id, credential_id, passkey, device, created_at, last_used_at";

pub async fn passkeys_of(db: &Db, person_id: &str) -> Result<Vec<StoredPasskey>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM passkeys WHERE person_id = $1 ORDER BY created_at, id"
    ))
    .bind(person_id)
    .fetch_all(db.pool())
    .await?)
}

pub async fn insert_passkey(
    conn: &mut AnyConnection,
    person_id: &str,
    credential_id: &str,
    passkey: &str,
    device: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO passkeys (id, person_id, credential_id, passkey, device, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credential_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(person_id)
    .bind(credential_id)
    .bind(passkey)
    .bind(device)
    .bind(instant_text(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// After a sign-in: the new signature counter and when it was used.
pub async fn passkey_used(
    conn: &mut AnyConnection,
    id: &str,
    passkey: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE passkeys SET passkey = $2, last_used_at = $3 WHERE id = $1")
        .bind(id)
        .bind(passkey)
        .bind(instant_text(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes one of a person's passkeys, in the change under way; false when it is not theirs.
pub async fn remove_passkey(conn: &mut AnyConnection, person_id: &str, id: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND person_id = $2")
        .bind(id)
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A ceremony's server half, kept until the browser answers (at most a few minutes).
pub struct NewCeremony<'a> {
    pub person_id: &'a str,
    pub kind: &'a str,
    pub state: &'a str,
    /// A sign-in's try, settled when the passkey answers.
    pub attempt_id: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

/// A ceremony taken out to finish it.
pub struct Ceremony {
    pub person_id: String,
    pub state: String,
    pub attempt_id: Option<String>,
}

pub async fn insert_ceremony(
    conn: &mut AnyConnection,
    ceremony: &NewCeremony<'_>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO passkey_ceremonies (id, person_id, kind, state, attempt_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(ceremony.person_id)
    .bind(ceremony.kind)
    .bind(ceremony.state)
    .bind(ceremony.attempt_id)
    .bind(instant_text(ceremony.expires_at))
    .execute(conn)
    .await?;
    Ok(id)
}

/// Takes a ceremony's state out, once. Expired ones are gone.
pub async fn take_ceremony(
    db: &Db,
    id: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<Option<Ceremony>> {
    let found: Option<(String, String, Option<String>)> = sqlx::query_as(
        "DELETE FROM passkey_ceremonies WHERE id = $1 AND kind = $2 AND expires_at > $3
         RETURNING person_id, state, attempt_id",
    )
    .bind(id)
    .bind(kind)
    .bind(instant_text(now))
    .fetch_optional(db.pool())
    .await?;
    Ok(found.map(|(person_id, state, attempt_id)| Ceremony {
        person_id,
        state,
        attempt_id,
    }))
}

/// Forgets ceremonies nobody finished.
pub async fn prune_ceremonies(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let ceremonies = ("passkey_ceremonies", "id");
    super::prune_in_batches(db, ceremonies, "expires_at <= $1", &instant_text(now)).await
}
