//! Token administration (admin scope): create, list, revoke.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{Empty, authenticate, require};
use super::{PathParam, db_error, read_limited};
use crate::auth::{self, Need, TokenError};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// Request to create a token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// A name to recognise it by (1 to 100 characters).
    name: String,
    /// Scopes: `publish:<namespace>`, `yank:<namespace>` (`*` for every pack), `admin`.
    scopes: Vec<String>,
}

/// A created token; `token` is shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenDoc {
    /// Token id.
    id: i64,
    /// Name.
    name: String,
    /// Normalised scopes.
    scopes: Vec<String>,
    /// The bearer token (`ggr_<id>_<secret>`). Only its hash is stored: it cannot be shown
    /// again.
    token: String,
}

/// A token without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDoc {
    /// Token id.
    id: i64,
    /// Name.
    name: String,
    /// Scopes.
    scopes: Vec<String>,
    /// Creation time (seconds since the epoch).
    created_at: i64,
    /// Revocation time, when revoked.
    revoked_at: Option<i64>,
    /// Last use.
    last_used_at: Option<i64>,
}

/// Token list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    /// Every token, by id.
    tokens: Vec<TokenDoc>,
}

/// `POST /api/v1/tokens`.
#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "admin",
    security(("bearer" = [])),
    request_body(content = CreateToken, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; the token text is returned once", body = CreatedTokenDoc),
        (status = 400, description = "Invalid JSON, name or scope", body = ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "No admin scope", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody)
    )
)]
pub async fn create_token(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<CreatedTokenDoc>)> {
    let a = authenticate(&st, &headers).await?;
    require(&a, Need::Admin)?;
    let lim = &st.config.limits;
    let bytes = read_limited(
        &headers,
        body,
        lim.max_json_bytes,
        Duration::from_secs(lim.body_timeout_secs),
    )
    .await?;
    let req: CreateToken = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request("invalid-json", format!("invalid request: {e}")))?;
    let created = auth::create_token(&st.db, &req.name, &req.scopes)
        .await
        .map_err(|e| match e {
            TokenError::Db(e) => db_error(e),
            other => ApiError::bad_request("invalid-token-request", other.to_string()),
        })?;
    tracing::info!(token_id = created.id, by = a.id, "token created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenDoc {
            id: created.id,
            name: req.name.trim().to_owned(),
            scopes: created.scopes.iter().map(ToString::to_string).collect(),
            token: created.token,
        }),
    ))
}

/// `GET /api/v1/tokens`.
#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every token (never the secrets)", body = TokenList),
        (status = 401, description = "No, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "No admin scope", body = ErrorBody)
    )
)]
pub async fn list_tokens(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> ApiResult<Json<TokenList>> {
    let a = authenticate(&st, &headers).await?;
    require(&a, Need::Admin)?;
    let rows = st.db.tokens().await.map_err(db_error)?;
    Ok(Json(TokenList {
        tokens: rows
            .into_iter()
            .map(|r| TokenDoc {
                id: r.id,
                name: r.name,
                scopes: r.scopes.split_whitespace().map(str::to_owned).collect(),
                created_at: r.created_at,
                revoked_at: r.revoked_at,
                last_used_at: r.last_used_at,
            })
            .collect(),
    }))
}

/// `DELETE /api/v1/tokens/{token_id}`.
#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{token_id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("token_id" = i64, Path, description = "Token id")),
    responses(
        (status = 200, description = "Revoked", body = Empty),
        (status = 401, description = "No, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "No admin scope", body = ErrorBody),
        (status = 404, description = "Unknown or already revoked token", body = ErrorBody)
    )
)]
pub async fn revoke_token(
    State(st): State<Arc<AppState>>,
    PathParam(token_id): PathParam<i64>,
    headers: HeaderMap,
) -> ApiResult<Json<Empty>> {
    let a = authenticate(&st, &headers).await?;
    require(&a, Need::Admin)?;
    if !st.db.revoke_token(token_id).await.map_err(db_error)? {
        return Err(ApiError::not_found(
            "unknown-token",
            format!("no active token with id {token_id}"),
        ));
    }
    tracing::info!(token_id, by = a.id, "token revoked");
    Ok(Json(Empty {}))
}
