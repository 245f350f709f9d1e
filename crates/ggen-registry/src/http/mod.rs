//! The HTTP API: routes (documented with utoipa, so that the OpenAPI document is generated from
//! the handlers themselves), a middleware for request ids, access logs, metrics and the
//! per-address rate limit, and JSON errors for everything, including unknown routes and
//! rejected parameters.

mod admin;
mod api;
mod body;
mod health;
mod index;
mod ui;

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::DbError;
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::state::AppState;

pub use body::read_limited;

/// The OpenAPI document's static part; paths come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ggen registry",
        description = "Pack registry server for ggen: the sparse index (the same layout as a directory registry), archives, ranked search, publishing with scoped tokens, yank/unyank, health and metrics. Errors are `{\"error\":{\"code\",\"message\"}}`.",
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags(
        (name = "index", description = "Sparse index and archives (what `ggen marketplace install` reads)"),
        (name = "api", description = "Search, pack metadata, publish, yank"),
        (name = "admin", description = "Token administration (admin scope)"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
        (name = "ui", description = "The HTML search and browse page")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi
            .components
            .get_or_insert_with(utoipa::openapi::Components::new);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

fn api_router() -> (Router<Arc<AppState>>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(index::config_json))
        .routes(routes!(index::index_file))
        .routes(routes!(index::search_json))
        .routes(routes!(index::archive))
        .routes(routes!(api::search))
        .routes(routes!(api::pack))
        .routes(routes!(api::publish))
        .routes(routes!(api::yank, api::unyank))
        .routes(routes!(admin::create_token, admin::list_tokens))
        .routes(routes!(admin::revoke_token))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(health::openapi_json))
        .routes(routes!(ui::page))
        .routes(routes!(ui::script))
        .split_for_parts()
}

/// The OpenAPI 3.1 document (pretty JSON), generated from the route handlers.
pub fn openapi_json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut s = api_router().1.to_pretty_json().unwrap_or_default();
        s.push('\n');
        s
    })
}

/// The application: every route, JSON fallbacks, the middleware, and the state.
pub fn app(state: Arc<AppState>) -> Router {
    api_router()
        .0
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware,
        ))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("not-found", "no such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this endpoint does not support the request method",
    )
}

/// The id of the current request (`x-request-id`).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The client address the limits apply to.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

fn request_id(headers: &HeaderMap) -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    if let Some(v) = headers.get("x-request-id").and_then(|v| v.to_str().ok())
        && !v.is_empty()
        && v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return v.to_owned();
    }
    let prefix = PREFIX.get_or_init(|| {
        let mut b = [0u8; 4];
        let _ = getrandom::fill(&mut b);
        hex::encode(b)
    });
    format!("{prefix}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn client_ip(state: &AppState, req: &Request) -> IpAddr {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let Some(h) = &state.config.client_ip_header else {
        return peer;
    };
    req.headers()
        .get(h.as_str())
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(peer)
}

async fn middleware(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let path = req.uri().path().to_owned();
    let rid = request_id(req.headers());
    let ip = client_ip(&st, &req);
    let span = tracing::info_span!("request", request_id = %rid);
    req.extensions_mut().insert(RequestId(rid.clone()));
    req.extensions_mut().insert(ClientIp(ip));
    let mut resp = match st.ip_limiter.check(&ip) {
        Ok(()) => next.run(req).instrument(span.clone()).await,
        Err(wait) => {
            st.metrics.rate_limited();
            ApiError::rate_limited(wait.as_secs_f64().ceil() as u64).into_response()
        }
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&rid) {
        h.insert("x-request-id", v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let elapsed = start.elapsed();
    let status = resp.status().as_u16();
    st.metrics.record(&method, &route, status, elapsed);
    if st.config.log.access_log {
        span.in_scope(|| {
            tracing::info!(
                target: "ggen_registry::access",
                method = %method,
                path = %path,
                route = %route,
                status,
                duration_ms = elapsed.as_secs_f64() * 1000.0,
                client = %ip,
                "request"
            );
        });
    }
    resp
}

/// A path parameter extractor whose rejection is a JSON error.
pub struct PathParam<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|e| ApiError::bad_request("invalid-path", e.body_text()))
    }
}

/// A query-string extractor whose rejection is a JSON error.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|e| ApiError::bad_request("invalid-query", e.body_text()))
    }
}

/// Map a database error to a client error: 503 when unreachable, else 500 (logged).
pub fn db_error(e: DbError) -> ApiError {
    match e {
        DbError::Unavailable(cause) => {
            tracing::warn!(error = %cause, "database unavailable");
            ApiError::unavailable("database")
        }
        other => ApiError::internal(&other),
    }
}

/// Whether `If-None-Match` lists `etag` (or `*`). Weak comparison, as RFC 9110 asks for
/// `If-None-Match`.
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let want = strip(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == want)
}

/// A response with an ETag and Cache-Control that honours `If-None-Match`.
pub fn cacheable(
    headers: &HeaderMap,
    body: bytes::Bytes,
    etag: &str,
    content_type: &'static str,
    cache_control: &'static str,
) -> Response {
    let etag_value = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
    let common = [
        (header::ETAG, etag_value),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ),
    ];
    if not_modified(headers, etag) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        StatusCode::OK,
        common,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists() {
        let mut h = HeaderMap::new();
        assert!(!not_modified(&h, "\"a\""));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"a\""),
        );
        assert!(not_modified(&h, "\"a\""));
        assert!(!not_modified(&h, "\"b\""));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(not_modified(&h, "\"b\""));
    }

    #[test]
    fn request_ids() {
        let mut h = HeaderMap::new();
        let a = request_id(&h);
        let b = request_id(&h);
        assert_ne!(a, b);
        h.insert("x-request-id", HeaderValue::from_static("abc-123"));
        assert_eq!(request_id(&h), "abc-123");
        h.insert("x-request-id", HeaderValue::from_static("bad id\"x"));
        assert_ne!(request_id(&h), "bad id\"x");
    }
}
