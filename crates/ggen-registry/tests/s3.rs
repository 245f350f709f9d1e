//! Archives in an S3-compatible object store (feature `s3`), against an in-process fake S3 on
//! 127.0.0.1 (path-style PUT/GET/HEAD/DELETE, in memory): publish stores the archive under the
//! configured prefix with signed requests, downloads come back from the bucket, readiness checks
//! it, and an unreachable store answers 503 without detail.

#![cfg(feature = "s3")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::*;

#[derive(Default)]
struct Fake {
    objects: Mutex<BTreeMap<String, Vec<u8>>>,
    log: Mutex<Vec<(String, String, bool)>>,
}

async fn object(
    State(f): State<Arc<Fake>>,
    method: Method,
    Path((bucket, key)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signed = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("AWS4-HMAC-SHA256 Credential=test-key/"));
    f.log
        .lock()
        .unwrap()
        .push((method.to_string(), format!("{bucket}/{key}"), signed));
    if bucket != "packs" || !signed {
        return (
            StatusCode::FORBIDDEN,
            "<Error><Code>AccessDenied</Code></Error>",
        )
            .into_response();
    }
    let meta = |len: usize| {
        [
            (header::ETAG, format!("\"{len:x}\"")),
            (
                header::LAST_MODIFIED,
                "Sat, 21 Nov 2026 09:00:00 GMT".to_owned(),
            ),
            (header::CONTENT_LENGTH, len.to_string()),
        ]
    };
    let mut objects = f.objects.lock().unwrap();
    match method {
        Method::PUT => {
            let len = body.len();
            objects.insert(key, body.to_vec());
            (StatusCode::OK, [(header::ETAG, format!("\"{len:x}\""))]).into_response()
        }
        Method::GET | Method::HEAD => match objects.get(&key) {
            Some(data) => {
                let body = if method == Method::HEAD {
                    Vec::new()
                } else {
                    data.clone()
                };
                (StatusCode::OK, meta(data.len()), body).into_response()
            }
            None => (
                StatusCode::NOT_FOUND,
                "<Error><Code>NoSuchKey</Code></Error>",
            )
                .into_response(),
        },
        Method::DELETE => {
            objects.remove(&key);
            StatusCode::NO_CONTENT.into_response()
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// Start the fake on its own runtime; returns the endpoint and the shared state.
fn fake_s3(rt: &tokio::runtime::Runtime) -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    let app = Router::new()
        .route("/{bucket}/{*key}", axum::routing::any(object))
        .with_state(fake.clone());
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), fake)
}

#[test]
fn archives_in_an_s3_compatible_bucket() {
    let rt = runtime();
    let (endpoint, fake) = fake_s3(&rt);
    let t = tempfile::tempdir().unwrap();
    let mut c = test_config(&t.path().join("data"));
    c.storage.url = Some("s3://packs/registry/prod".into());
    c.storage.s3_endpoint = Some(endpoint);
    c.storage.s3_allow_http = true;
    c.storage.s3_path_style = true;
    c.storage.s3_access_key_id = Some("test-key".into());
    c.storage.s3_secret_access_key = Some("test-secret".into());
    let s = TestServer::start(c);
    assert!(s.state.storage.description().contains("s3 bucket packs"));

    let tok = s.token(&["publish:*"]);
    let b = pack(t.path(), "io.s3.pack", "1.0.0", None);
    assert_eq!(publish_raw(&s, Some(&tok), &body(&b)).status, 200);
    let hex = b.line.cksum.trim_start_matches("sha256:");
    let stored = fake
        .objects
        .lock()
        .unwrap()
        .get(&format!("registry/prod/archives/sha256/{hex}.tar.gz"))
        .cloned();
    assert_eq!(stored.as_deref(), Some(b.archive.as_slice()));
    assert!(
        !t.path().join("data/archives").exists(),
        "nothing on the local disk"
    );
    let dl = get(&format!("{}packs/io.s3.pack/1.0.0.tar.gz", s.url));
    assert_eq!(dl.body, b.archive);
    assert_eq!(get(&format!("{}readyz", s.url)).status, 200);
    assert!(
        fake.log
            .lock()
            .unwrap()
            .iter()
            .all(|(_, _, signed)| *signed),
        "every request is signed"
    );
    assert!(
        fake.log
            .lock()
            .unwrap()
            .iter()
            .any(|(m, k, _)| m == "HEAD" && k == "packs/registry/prod/.ggen-registry")
    );

    // the bucket loses the readiness marker and the archive: readiness fails, downloads 500
    fake.objects.lock().unwrap().clear();
    let r = get(&format!("{}readyz", s.url));
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["storage"], "unavailable");
    let r = get(&format!("{}packs/io.s3.pack/1.0.0.tar.gz", s.url));
    r.assert_error(500, "internal");
    assert!(!r.text().contains("registry/prod"), "{}", r.text());
}

#[test]
fn an_unreachable_store_is_a_clean_503() {
    let t = tempfile::tempdir().unwrap();
    let rt = runtime();
    let (endpoint, _fake) = fake_s3(&rt);
    let mut c = test_config(&t.path().join("data"));
    c.storage.url = Some("s3://packs".into());
    c.storage.s3_endpoint = Some(endpoint);
    c.storage.s3_allow_http = true;
    c.storage.s3_path_style = true;
    c.storage.s3_access_key_id = Some("test-key".into());
    c.storage.s3_secret_access_key = Some("test-secret".into());
    let s = TestServer::start(c);
    drop(rt); // the fake S3 stops
    let tok = s.token(&["publish:*"]);
    let b = pack(t.path(), "io.s3.gone", "1.0.0", None);
    let r = publish_raw(&s, Some(&tok), &body(&b));
    r.assert_error(503, "unavailable");
    assert!(s.block_on(s.db().all_lines()).unwrap().is_empty());
}
