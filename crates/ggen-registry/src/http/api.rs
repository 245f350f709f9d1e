//! `/api/v1`: search, pack metadata, publish, yank and unyank.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use bytes::Bytes;
use ggen_pack::PackId;
use ggen_pack::registry::wire::PUBLISH_CONTENT_TYPE;
use ggen_pack::search::{Rank, SearchHit, SearchQuery};
use ggen_pack::sign::{PublicKey, TrustedKeys};
use semver::Version;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{PathParam, QueryParams, db_error, read_limited};
use crate::auth::{self, Need, Scope};
use crate::db::{Inserted, NewVersion};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::metrics::PublishResult;
use crate::publish;
use crate::state::AppState;

/// An authenticated token.
#[derive(Debug, Clone)]
pub struct Authed {
    /// Token id.
    pub id: i64,
    /// Its scopes.
    pub scopes: Vec<Scope>,
}

/// Check the bearer token: 401 when missing, unknown, wrong or revoked; 429 over the per-token
/// rate limit. The token text is never logged.
pub async fn authenticate(st: &AppState, headers: &HeaderMap) -> ApiResult<Authed> {
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized("this endpoint needs `Authorization: Bearer <token>`")
    })?;
    let token = value
        .to_str()
        .ok()
        .and_then(auth::bearer)
        .ok_or_else(|| ApiError::unauthorized("expected `Authorization: Bearer <token>`"))?;
    let invalid = || ApiError::unauthorized("invalid token");
    let (id, secret) = auth::parse_token(token).ok_or_else(invalid)?;
    let row = st
        .db
        .token(id)
        .await
        .map_err(db_error)?
        .ok_or_else(invalid)?;
    if !auth::secret_matches(secret, &row.secret_sha256) {
        return Err(invalid());
    }
    if row.revoked_at.is_some() {
        return Err(ApiError::unauthorized("this token has been revoked"));
    }
    if let Err(wait) = st.token_limiter.check(&id) {
        st.metrics.rate_limited();
        return Err(ApiError::rate_limited(wait.as_secs_f64().ceil() as u64));
    }
    let scopes = Scope::parse_list(&row.scopes).map_err(|e| ApiError::internal(&e))?;
    if let Err(e) = st.db.touch_token(id).await {
        tracing::warn!(error = %e, "could not record token use");
    }
    Ok(Authed { id, scopes })
}

/// Require a scope.
pub fn require(a: &Authed, need: Need<'_>) -> ApiResult<()> {
    if auth::allows(&a.scopes, need) {
        return Ok(());
    }
    Err(ApiError::forbidden(match need {
        Need::Publish(id) => format!("the token has no publish scope for `{id}`"),
        Need::Yank(id) => format!("the token has no yank scope for `{id}`"),
        Need::Admin => "the token has no admin scope".to_owned(),
    }))
}

/// Search query parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free text; several words must all match. Empty: every pack.
    q: Option<String>,
    /// Only packs with this category (case-insensitive, exact).
    category: Option<String>,
    /// Only packs with this keyword (case-insensitive, exact).
    keyword: Option<String>,
    /// Page size (default 20, at most 100).
    limit: Option<usize>,
    /// Matches to skip (default 0).
    offset: Option<usize>,
}

/// A pack in search results: its latest non-yanked version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchEntryDoc {
    /// Pack id.
    id: String,
    /// Latest non-yanked version.
    vers: String,
    /// Description.
    description: String,
    /// Keywords.
    keywords: Vec<String>,
    /// Categories.
    categories: Vec<String>,
    /// License.
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<String>,
}

/// How a pack matched, best first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RankDoc {
    /// Id or short name equals the query.
    Exact,
    /// Id or short name starts with it.
    Prefix,
    /// Id contains it.
    Substring,
    /// A keyword or category contains it.
    Keyword,
    /// The description contains it.
    Description,
    /// Empty query.
    All,
}

/// One search hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitDoc {
    /// The pack.
    entry: SearchEntryDoc,
    /// How it matched.
    rank: RankDoc,
}

/// Search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// The page of hits, best first, ties by id.
    hits: Vec<SearchHitDoc>,
    /// Matches before paging.
    total: usize,
    /// The offset applied.
    offset: usize,
    /// The page size applied.
    limit: usize,
}

fn hit_doc(h: SearchHit) -> SearchHitDoc {
    let e = h.entry;
    SearchHitDoc {
        entry: SearchEntryDoc {
            id: e.id.to_string(),
            vers: e.vers.to_string(),
            description: e.description,
            keywords: e.keywords,
            categories: e.categories,
            license: e.license,
        },
        rank: match h.rank {
            Rank::Exact => RankDoc::Exact,
            Rank::Prefix => RankDoc::Prefix,
            Rank::Substring => RankDoc::Substring,
            Rank::Keyword => RankDoc::Keyword,
            Rank::Description => RankDoc::Description,
            Rank::All => RankDoc::All,
        },
    }
}

/// `GET /api/v1/search`.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "api",
    params(SearchParams),
    responses(
        (status = 200, description = "Ranked hits (exact, prefix, substring, keyword, description; ties by id), yanked versions hidden", body = SearchResults),
        (status = 400, description = "Invalid parameters", body = ErrorBody)
    )
)]
pub async fn search(
    State(st): State<Arc<AppState>>,
    QueryParams(p): QueryParams<SearchParams>,
) -> ApiResult<Json<SearchResults>> {
    let text = p.q.unwrap_or_default();
    if text.len() > 256 {
        return Err(ApiError::bad_request(
            "query-too-long",
            "the query is longer than 256 bytes",
        ));
    }
    let lim = &st.config.limits;
    let limit = p
        .limit
        .unwrap_or(lim.default_search_limit)
        .min(lim.max_search_limit);
    let offset = p.offset.unwrap_or(0);
    let q = SearchQuery {
        text,
        category: p.category.filter(|c| !c.is_empty()),
        keyword: p.keyword.filter(|k| !k.is_empty()),
        limit: Some(limit),
        offset,
    };
    let (hits, total) = st.search(&q);
    Ok(Json(SearchResults {
        hits: hits.into_iter().map(hit_doc).collect(),
        total,
        offset,
        limit,
    }))
}

/// A dependency.
#[derive(Debug, Serialize, ToSchema)]
pub struct DepDoc {
    /// Pack id.
    id: String,
    /// Semver requirement.
    req: String,
}

/// A signature's algorithm and key id.
#[derive(Debug, Serialize, ToSchema)]
pub struct SigDoc {
    /// `ed25519`.
    alg: String,
    /// Key id.
    key: String,
}

/// One version of a pack.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDoc {
    /// Version.
    vers: String,
    /// `sha256:<hex>` of the archive.
    cksum: String,
    /// Yanked (hidden from new resolutions).
    yanked: bool,
    /// Publication time, seconds since the Unix epoch.
    published_at: i64,
    /// Archive size in bytes.
    size: i64,
    /// Dependencies.
    deps: Vec<DepDoc>,
    /// Compatible ggen versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    ggen: Option<String>,
    /// Signatures.
    signatures: Vec<SigDoc>,
    /// Archive path relative to the server root.
    download: String,
}

/// A pack and its versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct PackDoc {
    /// Pack id.
    id: String,
    /// Latest non-yanked version (the highest release, else the highest pre-release).
    latest: Option<String>,
    /// Description (of the latest version, else the newest).
    description: String,
    /// Keywords.
    keywords: Vec<String>,
    /// Categories.
    categories: Vec<String>,
    /// License.
    license: Option<String>,
    /// Every version, newest first.
    versions: Vec<VersionDoc>,
}

/// `GET /api/v1/packs/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/packs/{id}",
    tag = "api",
    params(("id" = String, Path, description = "Pack id")),
    responses(
        (status = 200, description = "Metadata and versions", body = PackDoc),
        (status = 404, description = "Unknown pack", body = ErrorBody),
        (status = 503, description = "Database unavailable and the pack is not cached", body = ErrorBody)
    )
)]
pub async fn pack(
    State(st): State<Arc<AppState>>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<PackDoc>> {
    let unknown =
        || ApiError::not_found("unknown-pack", format!("no pack `{id}` in this registry"));
    let pid = PackId::parse(&id).map_err(|_| unknown())?;
    let entry = st
        .index(&pid)
        .await
        .map_err(db_error)?
        .ok_or_else(unknown)?;
    let lines: Vec<_> = entry.rows.iter().map(|r| r.line.clone()).collect();
    let latest = ggen_pack::index::latest(&lines);
    let summary = latest.or_else(|| lines.iter().max_by(|a, b| a.vers.cmp(&b.vers)));
    let mut rows: Vec<_> = entry.rows.iter().collect();
    rows.sort_by(|a, b| b.line.vers.cmp(&a.line.vers));
    Ok(Json(PackDoc {
        id: pid.to_string(),
        latest: latest.map(|l| l.vers.to_string()),
        description: summary.map(|l| l.description.clone()).unwrap_or_default(),
        keywords: summary.map(|l| l.keywords.clone()).unwrap_or_default(),
        categories: summary.map(|l| l.categories.clone()).unwrap_or_default(),
        license: summary.and_then(|l| l.license.clone()),
        versions: rows
            .into_iter()
            .map(|r| {
                let l = &r.line;
                VersionDoc {
                    vers: l.vers.to_string(),
                    cksum: l.cksum.clone(),
                    yanked: l.yanked,
                    published_at: r.published_at,
                    size: r.size,
                    deps: l
                        .deps
                        .iter()
                        .map(|d| DepDoc {
                            id: d.id.to_string(),
                            req: d.req.to_string(),
                        })
                        .collect(),
                    ggen: l.ggen.as_ref().map(ToString::to_string),
                    signatures: l
                        .sig
                        .iter()
                        .map(|s| SigDoc {
                            alg: s.alg.clone(),
                            key: s.key.clone(),
                        })
                        .collect(),
                    download: format!("/packs/{}/{}.tar.gz", l.id, l.vers),
                }
            })
            .collect(),
    }))
}

/// Response of a successful publish.
#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    /// Pack id.
    id: String,
    /// Version.
    vers: String,
    /// The checksum recorded.
    cksum: String,
}

async fn known_keys(st: &AppState) -> ApiResult<TrustedKeys> {
    let rows = st.db.keys().await.map_err(db_error)?;
    let mut keys = TrustedKeys::new();
    for r in rows {
        match PublicKey::parse(&r.public_key) {
            Ok(k) => keys.insert(k),
            Err(e) => {
                tracing::warn!(key = %r.key_id, error = %e, "ignoring an invalid publisher key")
            }
        }
    }
    Ok(keys)
}

/// `PUT /api/v1/packs`.
#[utoipa::path(
    put,
    path = "/api/v1/packs",
    tag = "api",
    security(("bearer" = [])),
    request_body(
        content = Vec<u8>,
        content_type = "application/vnd.ggen.publish.v1",
        description = "u32 LE length + the index line (JSON, `yanked: false`) + u32 LE length + the .tar.gz archive (docs/registry-api.md)"
    ),
    responses(
        (status = 200, description = "Published", body = Published),
        (status = 400, description = "Malformed body, invalid id/version, bad manifest, metadata that differs from the archive, checksum mismatch or bad signature", body = ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token has no publish scope for this id", body = ErrorBody),
        (status = 409, description = "The version exists (versions are immutable)", body = ErrorBody),
        (status = 413, description = "Body or archive too large", body = ErrorBody),
        (status = 415, description = "Wrong Content-Type", body = ErrorBody),
        (status = 429, description = "Rate limited", body = ErrorBody),
        (status = 503, description = "Database or storage unavailable", body = ErrorBody)
    )
)]
pub async fn publish(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Published>> {
    let result = publish_inner(&st, &headers, body).await;
    st.metrics.publish(match &result {
        Ok(_) => PublishResult::Ok,
        Err(e) if e.status.is_server_error() => PublishResult::Failed,
        Err(_) => PublishResult::Rejected,
    });
    result
}

async fn publish_inner(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<Json<Published>> {
    let authed = authenticate(st, headers).await?;
    if !authed.scopes.iter().any(|s| matches!(s, Scope::Publish(_))) {
        return Err(ApiError::forbidden("the token has no publish scope"));
    }
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if ctype.split(';').next().map(str::trim) != Some(PUBLISH_CONTENT_TYPE) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            format!("expected Content-Type: {PUBLISH_CONTENT_TYPE}"),
        ));
    }
    let lim = &st.config.limits;
    let _slot = st
        .publish_slots
        .acquire()
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let bytes = read_limited(
        headers,
        body,
        lim.max_publish_bytes,
        Duration::from_secs(lim.body_timeout_secs),
    )
    .await?;
    let decoded = tokio::task::spawn_blocking(move || publish::decode(&bytes))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let line = decoded.line.clone();
    let id = line.id.to_string();
    let vers = line.vers.to_string();
    require(&authed, Need::Publish(&id))?;
    if st
        .db
        .version_cksum(&id, &vers)
        .await
        .map_err(db_error)?
        .is_some()
    {
        return Err(version_exists(&id, &vers));
    }
    let keys = known_keys(st).await?;
    let limits = st.config.archive_limits();
    let require_sig = st.config.signatures.require;
    let decoded = tokio::task::spawn_blocking(move || {
        publish::verify_request(&decoded, &limits, &keys, require_sig).map(|()| decoded)
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;
    let size = i64::try_from(decoded.archive.len()).unwrap_or(i64::MAX);
    if let Err(e) = st
        .storage
        .put_archive(&line.cksum, Bytes::from(decoded.archive))
        .await
    {
        tracing::warn!(error = %e, "storing an archive failed");
        return Err(ApiError::unavailable("archive storage"));
    }
    let new = NewVersion {
        line: &line,
        size,
        published_by: Some(authed.id),
    };
    match st.db.insert_version(&new).await {
        Ok(Inserted::Ok(_)) => {}
        Ok(Inserted::Exists(existing)) => {
            // Lost a race with another publish of this version. Identical bytes mean the
            // same archive object: keep it; otherwise remove ours (nobody else refers to it,
            // since an archive's manifest names exactly one id and version).
            if existing != line.cksum
                && let Err(e) = st.storage.delete_archive(&line.cksum).await
            {
                tracing::warn!(error = %e, "removing an unused archive failed");
            }
            return Err(version_exists(&id, &vers));
        }
        Err(e) => return Err(db_error(e)),
    }
    if let Err(e) = st.refresh(&id).await {
        tracing::warn!(error = %e, pack = %id, "refreshing the index cache failed; the poller will retry");
    }
    tracing::info!(pack = %id, version = %vers, token_id = authed.id, "published");
    Ok(Json(Published {
        id,
        vers,
        cksum: line.cksum,
    }))
}

fn version_exists(id: &str, vers: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "version-exists",
        format!(
            "{id} {vers} is already published (versions are immutable; publish a new version or yank this one)"
        ),
    )
}

/// Empty JSON object.
#[derive(Debug, Serialize, ToSchema)]
pub struct Empty {}

async fn set_yanked(
    st: &AppState,
    headers: &HeaderMap,
    id: &str,
    version: &str,
    yanked: bool,
) -> ApiResult<Json<Empty>> {
    let authed = authenticate(st, headers).await?;
    let pid = PackId::parse(id).map_err(|e| ApiError::bad_request("invalid-id", e.to_string()))?;
    let vers = Version::parse(version).map_err(|e| {
        ApiError::bad_request(
            "invalid-version",
            format!("invalid version `{version}`: {e}"),
        )
    })?;
    require(&authed, Need::Yank(pid.as_str()))?;
    let vers = vers.to_string();
    if !st
        .db
        .set_yanked(pid.as_str(), &vers, yanked)
        .await
        .map_err(db_error)?
    {
        return Err(ApiError::not_found(
            "unknown-version",
            format!("{pid} {vers} is not published in this registry"),
        ));
    }
    if let Err(e) = st.refresh(pid.as_str()).await {
        tracing::warn!(error = %e, pack = %pid, "refreshing the index cache failed; the poller will retry");
    }
    tracing::info!(pack = %pid, version = %vers, yanked, token_id = authed.id, "yank flag set");
    Ok(Json(Empty {}))
}

/// `DELETE /api/v1/packs/{id}/{version}/yank`.
#[utoipa::path(
    delete,
    path = "/api/v1/packs/{id}/{version}/yank",
    tag = "api",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Pack id"), ("version" = String, Path, description = "Version")),
    responses(
        (status = 200, description = "Yanked", body = Empty),
        (status = 400, description = "Invalid id or version", body = ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "No yank scope for this id", body = ErrorBody),
        (status = 404, description = "Unknown version", body = ErrorBody)
    )
)]
pub async fn yank(
    State(st): State<Arc<AppState>>,
    PathParam((id, version)): PathParam<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Json<Empty>> {
    set_yanked(&st, &headers, &id, &version, true).await
}

/// `PUT /api/v1/packs/{id}/{version}/yank`.
#[utoipa::path(
    put,
    path = "/api/v1/packs/{id}/{version}/yank",
    tag = "api",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Pack id"), ("version" = String, Path, description = "Version")),
    responses(
        (status = 200, description = "Unyanked", body = Empty),
        (status = 400, description = "Invalid id or version", body = ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "No yank scope for this id", body = ErrorBody),
        (status = 404, description = "Unknown version", body = ErrorBody)
    )
)]
pub async fn unyank(
    State(st): State<Arc<AppState>>,
    PathParam((id, version)): PathParam<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Json<Empty>> {
    set_yanked(&st, &headers, &id, &version, false).await
}
