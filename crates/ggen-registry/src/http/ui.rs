//! The HTML search and browse page (`/`, with its script at `/ui.js`). Everything it shows comes
//! from `/api/v1/search` and `/api/v1/packs/{id}` and is inserted as text, never as HTML; the
//! Content-Security-Policy allows scripts from this origin only.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("ui/index.html");
const SCRIPT: &str = include_str!("ui/ui.js");
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// `GET /`.
#[utoipa::path(
    get,
    path = "/",
    tag = "ui",
    responses((status = 200, description = "The search and browse page", content_type = "text/html"))
)]
pub async fn page() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        PAGE,
    )
        .into_response()
}

/// `GET /ui.js`.
#[utoipa::path(
    get,
    path = "/ui.js",
    tag = "ui",
    responses((status = 200, description = "The page's script", content_type = "text/javascript"))
)]
pub async fn script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        SCRIPT,
    )
        .into_response()
}
