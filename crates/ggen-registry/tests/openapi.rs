//! The OpenAPI document is generated from the route handlers (utoipa): it is OpenAPI 3.1, the
//! committed copy `crates/ggen-registry/openapi.json` matches it (regenerate with
//! `UPDATE_OPENAPI=1 cargo test -p ggen-registry --test openapi`), it lists exactly the
//! endpoints of the design, and every documented operation is routed by the server.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;

use common::*;

fn doc() -> serde_json::Value {
    serde_json::from_str(ggen_registry::http::openapi_json()).unwrap()
}

#[test]
fn the_committed_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = ggen_registry::http::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: run UPDATE_OPENAPI=1 cargo test -p ggen-registry --test openapi",
        path.display()
    );
    // the binary prints the same document
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ggen-registry"))
        .arg("openapi")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), generated);
}

#[test]
fn it_is_openapi_3_1_and_lists_exactly_the_designed_endpoints() {
    let d = doc();
    assert!(
        d["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        d["openapi"]
    );
    let mut ops = BTreeSet::new();
    for (path, item) in d["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch", "head"].contains(&method.as_str()) {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let expected: BTreeSet<String> = [
        "GET /config.json",
        "GET /index/{id}",
        "GET /search.json",
        "GET /packs/{id}/{file}",
        "GET /api/v1/search",
        "GET /api/v1/packs/{id}",
        "PUT /api/v1/packs",
        "DELETE /api/v1/packs/{id}/{version}/yank",
        "PUT /api/v1/packs/{id}/{version}/yank",
        "POST /api/v1/tokens",
        "GET /api/v1/tokens",
        "DELETE /api/v1/tokens/{token_id}",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /openapi.json",
        "GET /",
        "GET /ui.js",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(ops, expected);
    // error responses reference the error schema; publish documents its media type
    assert!(d["components"]["schemas"]["ErrorBody"].is_object());
    assert!(
        d["paths"]["/api/v1/packs"]["put"]["requestBody"]["content"]
            ["application/vnd.ggen.publish.v1"]
            .is_object()
    );
    assert!(d["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn every_documented_operation_is_routed() {
    let s = TestServer::sqlite();
    let d = doc();
    let mut checked = 0;
    for (path, item) in d["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if !["get", "put", "post", "delete"].contains(&method.as_str()) {
                continue;
            }
            let concrete = path
                .replace("{id}", "io.example.pack")
                .replace("{file}", "1.0.0.tar.gz")
                .replace("{version}", "1.0.0")
                .replace("{token_id}", "1");
            let url = format!("{}{}", s.url, concrete.trim_start_matches('/'));
            let r = request(&method.to_uppercase(), &url, &[], Some(b""));
            let code = serde_json::from_slice::<serde_json::Value>(&r.body)
                .ok()
                .and_then(|j| j["error"]["code"].as_str().map(str::to_owned));
            assert_ne!(r.status, 405, "{method} {path} is not routed");
            assert_ne!(
                code.as_deref(),
                Some("not-found"),
                "{method} {path} is not routed"
            );
            // every documented status is one the operation declares
            let declared = item[method]["responses"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>();
            assert!(
                declared.contains(&r.status.to_string()),
                "{method} {path} answered {} which is not documented ({declared:?})",
                r.status
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 18);
}
