//! The sparse index: `config.json`, `index/<id>`, `search.json` and the archives, exactly as
//! `docs/registry-api.md` describes them.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use ggen_pack::PackId;
use ggen_pack::index::{DEFAULT_DL, RegistryConfig};
use semver::Version;

use super::{PathParam, cacheable, db_error, not_modified};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::{AppState, etag_of};

/// Index files change: clients and proxies may store them but must revalidate (ETag).
pub const INDEX_CACHE_CONTROL: &str = "public, no-cache";
/// Archives never change.
pub const ARCHIVE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// The server's public base URL, with a trailing `/`.
pub fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &st.config.public_url {
        let mut u = u.clone();
        if !u.ends_with('/') {
            u.push('/');
        }
        return u;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        })
        .unwrap_or("localhost");
    format!("http://{host}/")
}

/// `GET /config.json`.
#[utoipa::path(
    get,
    path = "/config.json",
    tag = "index",
    responses(
        (status = 200, description = "Registry configuration: `dl` (download template), `api` (this server's API base URL), `name`", content_type = "application/json",
         headers(("ETag" = String, description = "Strong validator"), ("Cache-Control" = String, description = "`public, no-cache`"))),
        (status = 304, description = "Not modified (If-None-Match)")
    )
)]
pub async fn config_json(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let base = base_url(&st, &headers);
    let cfg = RegistryConfig {
        dl: DEFAULT_DL.to_owned(),
        api: Some(format!("{base}api/v1")),
        name: st.config.name.clone(),
    };
    let body = Bytes::from(cfg.to_json());
    let etag = etag_of(&body);
    cacheable(
        &headers,
        body,
        &etag,
        "application/json",
        INDEX_CACHE_CONTROL,
    )
}

/// `GET /index/{id}`.
#[utoipa::path(
    get,
    path = "/index/{id}",
    tag = "index",
    params(("id" = String, Path, description = "Pack id, e.g. `io.ggen.rust-models`")),
    responses(
        (status = 200, description = "One JSON index line per published version, in publication order", content_type = "text/plain",
         headers(("ETag" = String, description = "Strong validator"), ("Cache-Control" = String, description = "`public, no-cache`"))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "Unknown pack (or not a valid pack id)", body = ErrorBody),
        (status = 503, description = "Database unavailable and the index is not cached", body = ErrorBody)
    )
)]
pub async fn index_file(
    State(st): State<Arc<AppState>>,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let unknown =
        || ApiError::not_found("unknown-pack", format!("no pack `{id}` in this registry"));
    let Ok(pid) = PackId::parse(&id) else {
        return Err(unknown());
    };
    let entry = st
        .index(&pid)
        .await
        .map_err(db_error)?
        .ok_or_else(unknown)?;
    Ok(cacheable(
        &headers,
        entry.body.clone(),
        &entry.etag,
        "text/plain; charset=utf-8",
        INDEX_CACHE_CONTROL,
    ))
}

/// `GET /search.json`.
#[utoipa::path(
    get,
    path = "/search.json",
    tag = "index",
    responses(
        (status = 200, description = "Latest non-yanked version of every pack (for static-registry clients; this server's clients use the search API)", content_type = "application/json",
         headers(("ETag" = String, description = "Strong validator"))),
        (status = 304, description = "Not modified (If-None-Match)")
    )
)]
pub async fn search_json(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let (body, etag) = st.search_file();
    cacheable(
        &headers,
        body,
        &etag,
        "application/json",
        INDEX_CACHE_CONTROL,
    )
}

/// `GET /packs/{id}/{file}` where `file` is `<version>.tar.gz`.
#[utoipa::path(
    get,
    path = "/packs/{id}/{file}",
    tag = "index",
    params(
        ("id" = String, Path, description = "Pack id"),
        ("file" = String, Path, description = "`<version>.tar.gz`, e.g. `1.2.0.tar.gz`")
    ),
    responses(
        (status = 200, description = "The archive; its SHA-256 is the index line's `cksum`", content_type = "application/gzip",
         headers(("ETag" = String, description = "The archive's SHA-256, quoted"), ("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "Unknown pack or version", body = ErrorBody),
        (status = 503, description = "Database or storage unavailable", body = ErrorBody)
    )
)]
pub async fn archive(
    State(st): State<Arc<AppState>>,
    PathParam((id, file)): PathParam<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let unknown_pack =
        || ApiError::not_found("unknown-pack", format!("no pack `{id}` in this registry"));
    let unknown_version = || {
        ApiError::not_found(
            "unknown-version",
            format!("no archive `{file}` for pack `{id}`"),
        )
    };
    let pid = PackId::parse(&id).map_err(|_| unknown_pack())?;
    let vers = file
        .strip_suffix(".tar.gz")
        .and_then(|v| Version::parse(v).ok())
        .ok_or_else(unknown_version)?;
    let entry = st
        .index(&pid)
        .await
        .map_err(db_error)?
        .ok_or_else(unknown_pack)?;
    let row = entry.find(&vers).ok_or_else(unknown_version)?;
    let cksum = row.line.cksum.clone();
    let etag = format!("\"{}\"", cksum.strip_prefix("sha256:").unwrap_or(&cksum));
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let caching = [
        (header::ETAG, etag_value),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(ARCHIVE_CACHE_CONTROL),
        ),
    ];
    if not_modified(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, caching).into_response());
    }
    let bytes = match st.storage.get_archive(&cksum).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            return Err(ApiError::internal(&format!(
                "archive {cksum} of {pid} {vers} is missing from storage"
            )));
        }
        Err(e) => {
            tracing::warn!(error = %e, "storage unavailable");
            return Err(ApiError::unavailable("archive storage"));
        }
    };
    st.metrics.download(bytes.len());
    Ok((
        StatusCode::OK,
        caching,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/gzip"),
        )],
        bytes,
    )
        .into_response())
}
