//! Moving up: a whole SQLite database copied into an empty PostgreSQL one (`waypoint
//! copy-to`), and a consistent SQLite backup while the server runs (`waypoint backup`).
//! The schema on both sides is the migrations', so a copy is rows only: every table,
//! parents before the tables that refer to them, in batches, read from one snapshot of the
//! source and written in one transaction, so a copy that fails leaves the target empty.
use super::{Db, DbError, Engine, Result};
use sqlx::{AnyConnection, Row};

/// Rows a batch reads and writes: far below either engine's limit on values in one
/// statement for the widest table.
const ROWS_PER_BATCH: usize = 200;

/// A table and how many rows it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub rows: i64,
}

/// Why a copy was not made.
#[derive(Debug, thiserror::Error)]
pub enum CopyRefused {
    #[error("copy-to copies from a SQLite database")]
    SourceNotSqlite,
    #[error("the target database already holds people: copy only into an empty one")]
    TargetNotEmpty,
    #[error("backup is for SQLite; back up PostgreSQL with its own tools (pg_dump)")]
    BackupNotSqlite,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A column's value, as the schema's two kinds of column hold it.
enum Value {
    Integer(Option<i64>),
    Text(Option<String>),
}

/// A table's columns, each with whether it holds integers.
struct Table {
    name: String,
    columns: Vec<(String, bool)>,
}

/// The application's tables of a SQLite database (not sqlx's record of migrations, which
/// the target has of its own), each after every table it refers to.
async fn tables_in_order(conn: &mut AnyConnection) -> Result<Vec<Table>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'
         ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut parents = Vec::new();
    for name in &names {
        let refers: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
                .bind(name)
                .fetch_all(&mut *conn)
                .await?;
        parents.push(refers);
    }
    let mut ordered: Vec<String> = Vec::new();
    while ordered.len() < names.len() {
        let ready: Vec<String> = names
            .iter()
            .zip(&parents)
            .filter(|(name, _)| !ordered.contains(name))
            .filter(|(name, refers)| {
                refers
                    .iter()
                    .all(|parent| parent == *name || ordered.contains(parent))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if ready.is_empty() {
            return Err(DbError::Corrupt(
                "the tables refer to each other in a circle".into(),
            ));
        }
        ordered.extend(ready);
    }
    let mut tables = Vec::new();
    for name in ordered {
        let columns: Vec<(String, String)> =
            sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?;
        let columns = columns
            .into_iter()
            // SQLite's own rule: a declared type with "INT" in it holds integers.
            .map(|(column, kind)| (column, kind.to_ascii_uppercase().contains("INT")))
            .collect();
        tables.push(Table { name, columns });
    }
    Ok(tables)
}

/// How many rows each table holds, in `tables`' order.
pub async fn count_rows(db: &Db, tables: &[String]) -> Result<Vec<TableRows>> {
    let mut counted = Vec::new();
    for table in tables {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(db.pool())
            .await?;
        counted.push(TableRows {
            table: table.clone(),
            rows,
        });
    }
    Ok(counted)
}

/// Copies every row of `from` (SQLite) into `to` (migrated, with nobody in it yet): what
/// each table held, in the order copied. The target's own first rows (the shared audit
/// chain's empty head) give way to the source's.
pub async fn copy_database(from: &Db, to: &Db) -> std::result::Result<Vec<TableRows>, CopyRefused> {
    if from.engine() != Engine::Sqlite {
        return Err(CopyRefused::SourceNotSqlite);
    }
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(to.pool())
        .await
        .map_err(DbError::from)?;
    if people > 0 {
        return Err(CopyRefused::TargetNotEmpty);
    }
    // One read transaction: a snapshot, whatever the server does meanwhile.
    let mut source = from.pool().begin().await.map_err(DbError::from)?;
    let tables = tables_in_order(&mut source).await?;
    let mut target = to.begin().await?;
    for table in tables.iter().rev() {
        sqlx::query(&format!("DELETE FROM {}", table.name))
            .execute(&mut *target)
            .await
            .map_err(DbError::from)?;
    }
    let mut copied = Vec::new();
    for table in &tables {
        let rows = copy_table(&mut source, &mut target, table).await?;
        copied.push(TableRows {
            table: table.name.clone(),
            rows,
        });
    }
    target.commit().await.map_err(DbError::from)?;
    source.rollback().await.map_err(DbError::from)?;
    Ok(copied)
}

async fn copy_table(
    source: &mut AnyConnection,
    target: &mut AnyConnection,
    table: &Table,
) -> Result<i64> {
    let names: Vec<&str> = table
        .columns
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    let list = names.join(", ");
    let mut after = 0_i64;
    let mut copied = 0;
    loop {
        // By rowid, which every table here has: pages that do not shift as they are read.
        let rows = sqlx::query(&format!(
            "SELECT rowid AS copy_rowid, {list} FROM {} WHERE rowid > $1 ORDER BY rowid LIMIT {ROWS_PER_BATCH}",
            table.name
        ))
        .bind(after)
        .fetch_all(&mut *source)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(copied);
        };
        after = last.try_get("copy_rowid")?;
        let mut values = Vec::with_capacity(rows.len() * names.len());
        for row in &rows {
            for (at, (column, integer)) in table.columns.iter().enumerate() {
                let value = if *integer {
                    row.try_get(at + 1).map(Value::Integer)
                } else {
                    row.try_get(at + 1).map(Value::Text)
                };
                values.push(value.map_err(|error| {
                    DbError::Corrupt(format!("{}.{column}: {error}", table.name))
                })?);
            }
        }
        let sql = format!(
            "INSERT INTO {} ({list}) VALUES {}",
            table.name,
            super::placeholder_rows(rows.len(), names.len())
        );
        let mut insert = sqlx::query(&sql);
        for value in values {
            insert = match value {
                Value::Integer(value) => insert.bind(value),
                Value::Text(value) => insert.bind(value),
            };
        }
        insert.execute(&mut *target).await?;
        copied += i64::try_from(rows.len()).map_err(|e| DbError::Corrupt(e.to_string()))?;
    }
}

/// The application's tables of `db` (SQLite), parents first.
pub async fn table_names(db: &Db) -> Result<Vec<String>> {
    let mut conn = db.pool().acquire().await?;
    Ok(tables_in_order(&mut conn)
        .await?
        .into_iter()
        .map(|table| table.name)
        .collect())
}

/// Writes a consistent copy of a SQLite database to `path` (which must not exist yet)
/// while the server goes on using it: `VACUUM INTO` reads one snapshot.
pub async fn backup_sqlite(db: &Db, path: &str) -> std::result::Result<(), CopyRefused> {
    if db.engine() != Engine::Sqlite {
        return Err(CopyRefused::BackupNotSqlite);
    }
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(db.pool())
        .await
        .map_err(DbError::from)?;
    Ok(())
}
