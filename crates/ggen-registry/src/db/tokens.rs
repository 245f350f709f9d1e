//! Token and publisher-key rows.

use super::{Db, DbError, now_secs};

/// A stored token (the secret itself is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Token id (the `<id>` of `ggr_<id>_<secret>`).
    pub id: i64,
    /// Name given at creation.
    pub name: String,
    /// Hex SHA-256 of the secret part.
    pub secret_sha256: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// Creation time.
    pub created_at: i64,
    /// Revocation time, if revoked.
    pub revoked_at: Option<i64>,
    /// Last successful authentication.
    pub last_used_at: Option<i64>,
}

/// A publisher key the server verifies signatures with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// `ed25519:<16 hex>`.
    pub key_id: String,
    /// Base64 public key (SPKI).
    pub public_key: String,
    /// Free-form name.
    pub name: String,
    /// When it was added.
    pub added_at: i64,
}

const TOKEN_COLUMNS: &str =
    "id, name, secret_sha256, scopes, created_at, revoked_at, last_used_at FROM tokens";

type TokenTuple = (i64, String, String, String, i64, Option<i64>, Option<i64>);

fn token_row(t: TokenTuple) -> TokenRow {
    let (id, name, secret_sha256, scopes, created_at, revoked_at, last_used_at) = t;
    TokenRow {
        id,
        name,
        secret_sha256,
        scopes,
        created_at,
        revoked_at,
        last_used_at,
    }
}

impl Db {
    /// Store a new token; returns its id.
    pub async fn create_token(
        &self,
        name: &str,
        secret_sha256: &str,
        scopes: &str,
    ) -> Result<i64, DbError> {
        let sql = "INSERT INTO tokens (name, secret_sha256, scopes, created_at) \
                   VALUES ($1, $2, $3, $4) RETURNING id";
        let now = now_secs();
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(name)
                .bind(secret_sha256)
                .bind(scopes)
                .bind(now)
                .fetch_one(p)
                .await
        })?)
    }

    /// A token by id.
    pub async fn token(&self, id: i64) -> Result<Option<TokenRow>, DbError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} WHERE id = $1");
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, TokenTuple>(&sql).bind(id).fetch_optional(p).await
        })?;
        Ok(row.map(token_row))
    }

    /// Every token, by id.
    pub async fn tokens(&self) -> Result<Vec<TokenRow>, DbError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} ORDER BY id");
        let rows = with_pool!(self, p => sqlx::query_as::<_, TokenTuple>(&sql).fetch_all(p).await)?;
        Ok(rows.into_iter().map(token_row).collect())
    }

    /// Revoke a token; `false` when it does not exist or was revoked already.
    pub async fn revoke_token(&self, id: i64) -> Result<bool, DbError> {
        let sql = "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
        let now = now_secs();
        let n = with_pool!(self, p => {
            sqlx::query(sql).bind(now).bind(id).execute(p).await.map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Record a successful authentication.
    pub async fn touch_token(&self, id: i64) -> Result<(), DbError> {
        let sql = "UPDATE tokens SET last_used_at = $1 WHERE id = $2";
        let now = now_secs();
        with_pool!(self, p => {
            sqlx::query(sql).bind(now).bind(id).execute(p).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Register a publisher key; `false` when the key id is registered already.
    pub async fn add_key(
        &self,
        key_id: &str,
        public_key: &str,
        name: &str,
    ) -> Result<bool, DbError> {
        let sql = "INSERT INTO publisher_keys (key_id, public_key, name, added_at) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT (key_id) DO NOTHING";
        let now = now_secs();
        let n = with_pool!(self, p => {
            sqlx::query(sql)
                .bind(key_id)
                .bind(public_key)
                .bind(name)
                .bind(now)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Every registered publisher key, by key id.
    pub async fn keys(&self) -> Result<Vec<KeyRow>, DbError> {
        let sql = "SELECT key_id, public_key, name, added_at FROM publisher_keys ORDER BY key_id";
        let rows = with_pool!(self, p => {
            sqlx::query_as::<_, (String, String, String, i64)>(sql).fetch_all(p).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(key_id, public_key, name, added_at)| KeyRow {
                key_id,
                public_key,
                name,
                added_at,
            })
            .collect())
    }

    /// Remove a publisher key; `false` when it was not registered.
    pub async fn remove_key(&self, key_id: &str) -> Result<bool, DbError> {
        let sql = "DELETE FROM publisher_keys WHERE key_id = $1";
        let n = with_pool!(self, p => {
            sqlx::query(sql).bind(key_id).execute(p).await.map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }
}
