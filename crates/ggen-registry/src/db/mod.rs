//! Database access through sqlx: SQLite (the embedded default) or PostgreSQL (scale-out). The
//! SQL is the same for both (numbered `$n` parameters work in SQLite too); only the migrations
//! differ in their DDL.
//!
//! Every write bumps the one-row change sequence `registry_state.seq` *first* in its
//! transaction, which takes the write lock (SQLite) or the row lock (PostgreSQL) up front: writes
//! are serialised, duplicate checks inside the transaction are race-free, and `packs.seq` lets
//! other servers find what changed.

/// Run `$body` with `$p` bound to the SQLite or the PostgreSQL pool (the body is compiled once
/// for each).
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            Db::Sqlite($p) => $body,
            Db::Postgres($p) => $body,
        }
    };
}

pub mod migrate;
mod tokens;

use std::str::FromStr;
use std::time::Duration;

use ggen_core::Location;
use ggen_pack::index::IndexLine;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, migrate::MigrateError};

pub use tokens::{KeyRow, TokenRow};

use crate::config::PoolConfig;

/// A connection pool to SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite (one file; one server process).
    Sqlite(SqlitePool),
    /// PostgreSQL (any number of servers).
    Postgres(PgPool),
}

/// Database errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The database cannot be reached (connection refused, pool timeout, I/O).
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[source] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] MigrateError),
    /// The database URL is not usable.
    #[error("invalid database URL `{url}`: {message}")]
    Url {
        /// The URL, password removed.
        url: String,
        /// Why.
        message: String,
    },
    /// Stored data does not parse.
    #[error("invalid data in the database: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Self::Unavailable(e),
            sqlx::Error::Database(ref d)
                if d.code().is_some_and(|c| {
                    // PostgreSQL: admin shutdown, cannot connect now, connection failures.
                    c.starts_with("57P") || c.starts_with("08")
                }) =>
            {
                Self::Unavailable(e)
            }
            _ => Self::Query(e),
        }
    }
}

impl ggen_core::Diagnostic for DbError {
    fn code(&self) -> &'static str {
        match self {
            Self::Unavailable(_) => "database-unavailable",
            Self::Query(_) => "database-error",
            Self::Migrate(_) => "migration-failed",
            Self::Url { .. } => "database-url",
            Self::Corrupt(_) => "database-corrupt",
        }
    }

    fn location(&self) -> Option<&Location> {
        None
    }
}

/// The URL with any password replaced by `***` (for messages and logs).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (auth, host) = match rest.split_once('@') {
        Some((a, h)) if !a.contains('/') => (a, h),
        _ => return url.to_owned(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => format!("{scheme}://{auth}@{host}"),
    }
}

/// Current time in seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// One stored version: its index line (with the current `yanked` flag) and bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// The index line.
    pub line: IndexLine,
    /// Publication time (seconds since the epoch).
    pub published_at: i64,
    /// Archive size in bytes.
    pub size: i64,
}

/// A version to insert.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    /// The index line (not yanked).
    pub line: &'a IndexLine,
    /// Archive size.
    pub size: i64,
    /// The publishing token's id.
    pub published_by: Option<i64>,
}

/// Outcome of [`Db::insert_version`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// Stored with this change sequence number.
    Ok(i64),
    /// The version exists already, with this checksum.
    Exists(String),
}

fn parse_line(text: &str, yanked: bool) -> Result<IndexLine, DbError> {
    let mut line = IndexLine::parse(text, Location::file("<database>"))
        .map_err(|e| DbError::Corrupt(e.to_string()))?;
    line.yanked = yanked;
    Ok(line)
}

impl Db {
    /// Connect (lazily: the first query opens connections). SQLite files are created when
    /// missing, in WAL mode.
    pub async fn connect(url: &str, pool: &PoolConfig) -> Result<Self, DbError> {
        let bad = |message: String| DbError::Url {
            url: redact_url(url),
            message,
        };
        let acquire = Duration::from_millis(pool.acquire_timeout_ms.max(1));
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|e| bad(e.to_string()))?;
            let p = PgPoolOptions::new()
                .max_connections(pool.max_connections.max(1))
                .acquire_timeout(acquire)
                .connect_lazy_with(opts);
            Ok(Self::Postgres(p))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| bad(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true);
            let p = SqlitePoolOptions::new()
                .max_connections(pool.max_connections.clamp(1, 8))
                .acquire_timeout(acquire)
                .connect_lazy_with(opts);
            Ok(Self::Sqlite(p))
        } else {
            Err(bad("expected sqlite://FILE or postgres://…".into()))
        }
    }

    /// `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Close every connection.
    pub async fn close(&self) {
        with_pool!(self, p => p.close().await);
    }

    /// A trivial query (readiness).
    pub async fn ping(&self) -> Result<(), DbError> {
        with_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Every version of a pack in publication order; `None` when the pack is unknown.
    pub async fn versions(&self, id: &str) -> Result<Option<Vec<VersionRow>>, DbError> {
        let sql = "SELECT line, yanked, published_at, size FROM versions \
                   WHERE pack_id = $1 ORDER BY seq";
        let rows = with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(id).fetch_all(p).await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<bool, _>(1)?,
                             r.try_get::<i64, _>(2)?, r.try_get::<i64, _>(3)?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        if rows.is_empty() {
            return Ok(None);
        }
        rows.into_iter()
            .map(|(text, yanked, published_at, size)| {
                Ok(VersionRow {
                    line: parse_line(&text, yanked)?,
                    published_at,
                    size,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()
            .map(Some)
    }

    /// Every index line of every pack, by pack id then publication order (to build the search
    /// index at start).
    pub async fn all_lines(&self) -> Result<Vec<IndexLine>, DbError> {
        let sql = "SELECT line, yanked FROM versions ORDER BY pack_id, seq";
        let rows = with_pool!(self, p => {
            let rows = sqlx::query(sql).fetch_all(p).await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<bool, _>(1)?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        rows.iter().map(|(t, y)| parse_line(t, *y)).collect()
    }

    /// The current change sequence number.
    pub async fn current_seq(&self) -> Result<i64, DbError> {
        let sql = "SELECT seq FROM registry_state WHERE id = 1";
        Ok(with_pool!(self, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await)?)
    }

    /// Packs changed after sequence number `seq`, oldest change first.
    pub async fn changes_since(&self, seq: i64) -> Result<Vec<(String, i64)>, DbError> {
        let sql = "SELECT id, seq FROM packs WHERE seq > $1 ORDER BY seq";
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, (String, i64)>(sql).bind(seq).fetch_all(p).await
        })?)
    }

    /// Number of packs.
    pub async fn pack_count(&self) -> Result<i64, DbError> {
        let sql = "SELECT COUNT(*) FROM packs";
        Ok(with_pool!(self, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await)?)
    }

    /// The checksum of a published version, if it exists.
    pub async fn version_cksum(&self, id: &str, vers: &str) -> Result<Option<String>, DbError> {
        let sql = "SELECT cksum FROM versions WHERE pack_id = $1 AND vers = $2";
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, String>(sql).bind(id).bind(vers).fetch_optional(p).await
        })?)
    }

    /// Insert a new version (and its pack) in one transaction. An existing version is reported,
    /// never overwritten.
    pub async fn insert_version(&self, v: &NewVersion<'_>) -> Result<Inserted, DbError> {
        let id = v.line.id.as_str();
        let vers = v.line.vers.to_string();
        let json = v.line.to_json();
        let now = now_secs();
        let result: Result<Inserted, sqlx::Error> = with_pool!(self, p => async {
            let mut tx = p.begin().await?;
            let seq: i64 = sqlx::query_scalar(
                "UPDATE registry_state SET seq = seq + 1 WHERE id = 1 RETURNING seq",
            )
            .fetch_one(&mut *tx)
            .await?;
            let existing: Option<String> =
                sqlx::query_scalar("SELECT cksum FROM versions WHERE pack_id = $1 AND vers = $2")
                    .bind(id)
                    .bind(&vers)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(ck) = existing {
                tx.rollback().await?;
                Ok(Inserted::Exists(ck))
            } else {
                sqlx::query(
                    "INSERT INTO packs (id, created_at, seq) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
                )
                .bind(id)
                .bind(now)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO versions (pack_id, vers, line, cksum, size, yanked, \
                     published_at, seq, published_by) \
                     VALUES ($1, $2, $3, $4, $5, FALSE, $6, $7, $8)",
                )
                .bind(id)
                .bind(&vers)
                .bind(&json)
                .bind(&v.line.cksum)
                .bind(v.size)
                .bind(now)
                .bind(seq)
                .bind(v.published_by)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Inserted::Ok(seq))
            }
        }
        .await);
        match result {
            Ok(r) => Ok(r),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                let ck = self.version_cksum(id, &vers).await?.unwrap_or_default();
                Ok(Inserted::Exists(ck))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Set a version's `yanked` flag. `false` when the version does not exist.
    pub async fn set_yanked(&self, id: &str, vers: &str, yanked: bool) -> Result<bool, DbError> {
        Ok(with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let seq: i64 = sqlx::query_scalar(
                "UPDATE registry_state SET seq = seq + 1 WHERE id = 1 RETURNING seq",
            )
            .fetch_one(&mut *tx)
            .await?;
            let n = sqlx::query("UPDATE versions SET yanked = $1 WHERE pack_id = $2 AND vers = $3")
                .bind(yanked)
                .bind(id)
                .bind(vers)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                tx.rollback().await?;
                false
            } else {
                sqlx::query("UPDATE packs SET seq = $1 WHERE id = $2")
                    .bind(seq)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                true
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
        assert_eq!(redact_url("sqlite:///a/b.db"), "sqlite:///a/b.db");
    }
}
