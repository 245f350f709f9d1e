//! Reading request bodies with a size limit and a deadline.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

use crate::error::ApiError;

/// Read a whole body: 413 as soon as it exceeds `limit` (or when `Content-Length` says it
/// will), 408 when it takes longer than `timeout`.
pub async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    limit: u64,
    timeout: Duration,
) -> Result<Bytes, ApiError> {
    if let Some(n) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && n > limit
    {
        return Err(ApiError::too_large(limit));
    }
    let read = async move {
        let mut body = body;
        let mut buf = BytesMut::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| {
                ApiError::bad_request("body-unreadable", "the request body could not be read")
            })?;
            if let Ok(data) = frame.into_data() {
                if (buf.len() as u64).saturating_add(data.len() as u64) > limit {
                    return Err(ApiError::too_large(limit));
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(buf.freeze())
    };
    tokio::time::timeout(timeout, read).await.map_err(|_| {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body-timeout",
            format!(
                "the request body was not received within {} seconds",
                timeout.as_secs()
            ),
        )
    })?
}
