//! Versioned schema migrations, embedded in the binary: `migrations/sqlite/NNNN_*.sql` and
//! `migrations/postgres/NNNN_*.sql` (the same versions for both). sqlx records applied versions
//! and their checksums in `_sqlx_migrations`; an applied migration whose SQL changed is refused.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migrate, Migration, MigrationSource, MigrationType, Migrator};

use super::{Db, DbError};

type Embedded = &'static [(i64, &'static str, &'static str)];

const SQLITE: Embedded = &[
    (
        1,
        "initial",
        include_str!("../../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "publisher keys",
        include_str!("../../migrations/sqlite/0002_publisher_keys.sql"),
    ),
];

const POSTGRES: Embedded = &[
    (
        1,
        "initial",
        include_str!("../../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "publisher keys",
        include_str!("../../migrations/postgres/0002_publisher_keys.sql"),
    ),
];

/// The newest schema version this binary knows.
pub const LATEST: i64 = 2;

#[derive(Debug)]
struct Source {
    migrations: Embedded,
    upto: i64,
}

impl<'s> MigrationSource<'s> for Source {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(async move {
            Ok(self
                .migrations
                .iter()
                .filter(|(v, _, _)| *v <= self.upto)
                .map(|(v, d, sql)| {
                    Migration::new(
                        *v,
                        Cow::Borrowed(*d),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

impl Db {
    async fn migrator(&self, upto: i64) -> Result<Migrator, DbError> {
        let migrations = match self {
            Self::Sqlite(_) => SQLITE,
            Self::Postgres(_) => POSTGRES,
        };
        Ok(Migrator::new(Source { migrations, upto }).await?)
    }

    /// Apply every pending migration; returns the versions applied now (empty when the schema
    /// was current).
    pub async fn migrate(&self) -> Result<Vec<i64>, DbError> {
        self.migrate_to(LATEST).await
    }

    /// Apply pending migrations up to and including `version` (tests use this to build a
    /// database with an older schema).
    pub async fn migrate_to(&self, version: i64) -> Result<Vec<i64>, DbError> {
        let before = self.applied_migrations().await?;
        let m = self.migrator(version).await?;
        with_pool!(self, p => m.run(p).await)?;
        let after = self.applied_migrations().await?;
        Ok(after.into_iter().filter(|v| !before.contains(v)).collect())
    }

    /// The versions recorded as applied, ascending.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, DbError> {
        let mut versions: Vec<i64> = with_pool!(self, p => {
            let mut conn = p.acquire().await?;
            conn.ensure_migrations_table().await?;
            conn.list_applied_migrations().await?
        })
        .into_iter()
        .map(|m| m.version)
        .collect();
        versions.sort_unstable();
        Ok(versions)
    }
}
