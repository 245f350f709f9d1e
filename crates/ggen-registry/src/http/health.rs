//! Liveness, readiness, metrics and the OpenAPI document.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// How long each readiness check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Liveness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    status: &'static str,
}

/// Readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// `ready` or `not-ready`.
    status: &'static str,
    /// `ok` or `unavailable`.
    database: &'static str,
    /// `ok` or `unavailable`.
    storage: &'static str,
}

/// `GET /healthz`.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = Health))
)]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// `GET /readyz`.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Database and storage answer", body = Ready),
        (status = 503, description = "The database or the storage does not answer (within 2 s)", body = Ready)
    )
)]
pub async fn readyz(State(st): State<Arc<AppState>>) -> (StatusCode, Json<Ready>) {
    let (db, storage) = tokio::join!(
        tokio::time::timeout(CHECK_TIMEOUT, st.db.ping()),
        tokio::time::timeout(CHECK_TIMEOUT, st.storage.check()),
    );
    let db_ok = matches!(db, Ok(Ok(())));
    let storage_ok = matches!(storage, Ok(Ok(())));
    if let Ok(Err(e)) = &db {
        tracing::warn!(error = %e, "readiness: database check failed");
    }
    if let Ok(Err(e)) = &storage {
        tracing::warn!(error = %e, "readiness: storage check failed");
    }
    let word = |ok| if ok { "ok" } else { "unavailable" };
    let ready = db_ok && storage_ok;
    (
        if ready {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(Ready {
            status: if ready { "ready" } else { "not-ready" },
            database: word(db_ok),
            storage: word(storage_ok),
        }),
    )
}

/// `GET /metrics`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text format 0.0.4: ggen_registry_http_requests_total, ggen_registry_http_request_duration_seconds (histogram), ggen_registry_publishes_total, ggen_registry_downloads_total, …", content_type = "text/plain"))
)]
pub async fn metrics(State(st): State<Arc<AppState>>) -> Response {
    let text = st.metrics.render(&[
        (
            "packs",
            "Packs with a non-yanked version (search index size).",
            st.visible_packs() as f64,
        ),
        (
            "index_cache_entries",
            "Index files held in memory.",
            st.cached_indexes() as f64,
        ),
        (
            "uptime_seconds",
            "Seconds since the server started.",
            st.started.elapsed().as_secs_f64(),
        ),
    ]);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// `GET /openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "This OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        super::openapi_json(),
    )
        .into_response()
}
