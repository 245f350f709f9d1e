//! Security on SQLite: tokens (missing, malformed, unknown, wrong secret, wrong scope, revoked),
//! the admin API, bad publishes refused with a clear JSON error and nothing stored, signature
//! policy, rate limits per address and per token, and no internal detail in errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::{Read, Write};

use common::*;
use ggen_pack::registry::wire::encode_publish;

fn auth(token: &str) -> String {
    format!("Bearer {token}")
}

#[test]
fn publishing_needs_a_valid_token_with_the_right_scope() {
    let s = TestServer::sqlite();
    let t = tempfile::tempdir().unwrap();
    let b = pack(t.path(), "io.acme.models", "1.0.0", None);
    let good = s.token(&["publish:io.acme"]);
    let other_ns = s.token(&["publish:io.other", "yank:io.acme"]);
    let yank_only = s.token(&["yank:*"]);
    let admin = s.token(&["admin"]);
    let before = s.snapshot();

    let r = publish_raw(&s, None, &body(&b));
    r.assert_error(401, "unauthorized");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );
    let bad = request(
        "PUT",
        &format!("{}/packs", s.api()),
        &[("authorization", "Basic dXNlcjpwYXNz")],
        Some(&body(&b)),
    );
    bad.assert_error(401, "unauthorized");
    publish_raw(&s, Some("not-a-token"), &body(&b)).assert_error(401, "unauthorized");
    // well-formed but unknown id, and a known id with the wrong secret
    let unknown = format!("ggr_999_{}", "a".repeat(64));
    publish_raw(&s, Some(&unknown), &body(&b)).assert_error(401, "unauthorized");
    let (id, _) = ggen_registry::auth::parse_token(&good).unwrap();
    let wrong = format!("ggr_{id}_{}", "b".repeat(64));
    publish_raw(&s, Some(&wrong), &body(&b)).assert_error(401, "unauthorized");
    // scopes
    let r = publish_raw(&s, Some(&other_ns), &body(&b));
    r.assert_error(403, "forbidden");
    assert!(r.text().contains("io.acme.models"), "{}", r.text());
    publish_raw(&s, Some(&yank_only), &body(&b)).assert_error(403, "forbidden");
    publish_raw(&s, Some(&admin), &body(&b)).assert_error(403, "forbidden");
    // `io.acme` does not cover `io.acmex.*`
    let near = pack(t.path(), "io.acmex.models", "1.0.0", None);
    publish_raw(&s, Some(&good), &body(&near)).assert_error(403, "forbidden");
    assert_eq!(s.snapshot(), before, "nothing stored by refused requests");

    // the admin API revokes the token: it stops working at once
    let r = publish_raw(&s, Some(&good), &body(&b));
    assert_eq!(r.status, 200, "{}", r.text());
    let r = request(
        "DELETE",
        &format!("{}/tokens/{id}", s.api()),
        &[("authorization", &auth(&admin))],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let b2 = pack(t.path(), "io.acme.models", "1.0.1", None);
    let r = publish_raw(&s, Some(&good), &body(&b2));
    r.assert_error(401, "unauthorized");
    assert!(r.text().contains("revoked"), "{}", r.text());
    // yank needs the yank scope for the namespace
    let yank_url = format!("{}/packs/io.acme.models/1.0.0/yank", s.api());
    request("DELETE", &yank_url, &[], None).assert_error(401, "unauthorized");
    let publisher = s.token(&["publish:io.acme"]);
    request(
        "DELETE",
        &yank_url,
        &[("authorization", &auth(&publisher))],
        None,
    )
    .assert_error(403, "forbidden");
    let r = request(
        "DELETE",
        &yank_url,
        &[("authorization", &auth(&other_ns))],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn token_administration() {
    let s = TestServer::sqlite();
    let admin = s.token(&["admin"]);
    let publisher = s.token(&["publish:*"]);
    let url = format!("{}/tokens", s.api());
    let post = |tok: &str, body: &str| {
        request(
            "POST",
            &url,
            &[
                ("authorization", &auth(tok)),
                ("content-type", "application/json"),
            ],
            Some(body.as_bytes()),
        )
    };
    post(&publisher, r#"{"name":"x","scopes":["admin"]}"#).assert_error(403, "forbidden");
    request("POST", &url, &[], Some(b"{}")).assert_error(401, "unauthorized");
    let r = post(
        &admin,
        r#"{"name":"ci","scopes":["yank:io.acme","publish:io.acme"]}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let created = r.json();
    assert_eq!(
        created["scopes"],
        serde_json::json!(["publish:io.acme", "yank:io.acme"])
    );
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with(&format!("ggr_{}_", created["id"])));
    // only the hash is stored
    let row = s
        .block_on(s.db().token(created["id"].as_i64().unwrap()))
        .unwrap()
        .unwrap();
    let secret = token.rsplit('_').next().unwrap();
    assert_eq!(row.secret_sha256, ggen_core::hash::sha256_hex(secret));
    assert!(!row.secret_sha256.contains(secret));
    // the new token works
    let t = tempfile::tempdir().unwrap();
    let b = pack(t.path(), "io.acme.x", "1.0.0", None);
    assert_eq!(publish_raw(&s, Some(&token), &body(&b)).status, 200);
    // the list never shows secrets
    let list = request("GET", &url, &[("authorization", &auth(&admin))], None);
    assert_eq!(list.status, 200);
    assert!(!list.text().contains(secret));
    assert_eq!(list.json()["tokens"].as_array().unwrap().len(), 3);
    assert!(list.json()["tokens"][2]["last_used_at"].is_i64());
    // bad requests
    post(&admin, "{").assert_error(400, "invalid-json");
    post(&admin, r#"{"name":"x","scopes":["root"]}"#).assert_error(400, "invalid-token-request");
    post(&admin, r#"{"name":"x","scopes":[]}"#).assert_error(400, "invalid-token-request");
    post(&admin, r#"{"name":"","scopes":["admin"]}"#).assert_error(400, "invalid-token-request");
    post(&admin, r#"{"name":"x","scopes":["admin"],"extra":1}"#).assert_error(400, "invalid-json");
    let huge = format!(r#"{{"name":"{}","scopes":["admin"]}}"#, "x".repeat(100_000));
    post(&admin, &huge).assert_error(413, "body-too-large");
    request(
        "DELETE",
        &format!("{url}/12345"),
        &[("authorization", &auth(&admin))],
        None,
    )
    .assert_error(404, "unknown-token");
}

/// A raw gzip'd tar with arbitrary entry names.
fn raw_archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        {
            let old = h.as_old_mut();
            old.name = [0; 100];
            old.name[..name.len()].copy_from_slice(name.as_bytes());
        }
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mtime(0);
        h.set_cksum();
        tar.extend_from_slice(h.as_bytes());
        tar.extend_from_slice(data);
        tar.extend(std::iter::repeat_n(0u8, (512 - data.len() % 512) % 512));
    }
    tar.extend(std::iter::repeat_n(0u8, 1024));
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&tar).unwrap();
    enc.finish().unwrap()
}

/// Send a request head (and optionally part of a body) over raw TCP; return the response text.
fn raw_http(addr: &str, head: &str, body: &[u8]) -> String {
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.write_all(head.as_bytes()).unwrap();
    let _ = c.write_all(body);
    let mut out = Vec::new();
    let _ = c.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn bad_publishes_are_refused_with_clear_errors_and_nothing_is_stored() {
    let s = TestServer::sqlite_with(|c| c.limits.max_publish_bytes = 64 * 1024);
    let t = tempfile::tempdir().unwrap();
    let tok = s.token(&["publish:*"]);
    // a registered publisher key, so that signatures by it are verified
    let k = key(9);
    s.block_on(
        s.db()
            .add_key(&k.key_id(), &k.public_key().to_base64_spki(), "release"),
    )
    .unwrap();
    let good = pack(t.path(), "io.acme.models", "1.0.0", Some(&k));
    assert_eq!(publish_raw(&s, Some(&tok), &body(&good)).status, 200);
    let before = s.snapshot();
    let check = |name: &str, r: Resp, status: u16, code: &str| {
        r.assert_error(status, code);
        assert_eq!(s.snapshot(), before, "{name}: database or storage changed");
    };

    // duplicate version (even with different bytes)
    check(
        "duplicate",
        publish_raw(&s, Some(&tok), &body(&good)),
        409,
        "version-exists",
    );
    let other_src = write_pack(&t.path().join("o"), "io.acme.models", "1.0.0", &[]);
    std::fs::write(other_src.join("extra.txt"), "different bytes").unwrap();
    check(
        "duplicate with other bytes",
        publish_raw(&s, Some(&tok), &body(&build(&other_src, None))),
        409,
        "version-exists",
    );

    let fresh = pack(t.path(), "io.acme.fresh", "1.0.0", Some(&k));
    // checksum mismatch
    let mut line = fresh.line.clone();
    line.cksum = format!("sha256:{}", "0".repeat(64));
    line.sig = vec![];
    check(
        "checksum",
        publish_raw(
            &s,
            Some(&tok),
            &encode_publish(&line, &fresh.archive).unwrap(),
        ),
        400,
        "checksum-mismatch",
    );
    // bad signature: another key claiming the registered key's id
    let mut line = fresh.line.clone();
    let mut sig = key(10).sign("io.acme.fresh", "1.0.0", &line.cksum);
    sig.key = k.key_id();
    line.sig = vec![sig];
    let r = publish_raw(
        &s,
        Some(&tok),
        &encode_publish(&line, &fresh.archive).unwrap(),
    );
    assert!(r.text().contains(&k.key_id()), "{}", r.text());
    check("forged signature", r, 400, "signature-invalid");
    // a signature for another version, by the registered key
    let mut line = fresh.line.clone();
    line.sig = vec![k.sign("io.acme.fresh", "9.9.9", &line.cksum)];
    check(
        "replayed signature",
        publish_raw(
            &s,
            Some(&tok),
            &encode_publish(&line, &fresh.archive).unwrap(),
        ),
        400,
        "signature-invalid",
    );
    // malformed signature value
    let mut line = fresh.line.clone();
    line.sig[0].value = "not base64!".into();
    check(
        "malformed signature",
        publish_raw(
            &s,
            Some(&tok),
            &encode_publish(&line, &fresh.archive).unwrap(),
        ),
        400,
        "signature-invalid",
    );
    // path-traversal and other invalid ids
    for bad_id in [
        "../../etc/passwd",
        "io.acme/../../x",
        "IO.ACME.X",
        "single",
        "io..x",
    ] {
        let json = fresh.line.to_json().replace("io.acme.fresh", bad_id);
        let raw = frame(json.as_bytes(), &fresh.archive);
        check(bad_id, publish_raw(&s, Some(&tok), &raw), 400, "invalid-id");
    }
    // invalid semver
    for bad_v in ["1.0", "v1.0.0", "1.0.0.0", "latest", ""] {
        let json = fresh
            .line
            .to_json()
            .replace("\"vers\":\"1.0.0\"", &format!("\"vers\":\"{bad_v}\""));
        let raw = frame(json.as_bytes(), &fresh.archive);
        check(
            bad_v,
            publish_raw(&s, Some(&tok), &raw),
            400,
            "invalid-version",
        );
    }
    // metadata that differs from the archive's manifest
    let mut line = fresh.line.clone();
    line.description = "something else".into();
    let r = publish_raw(
        &s,
        Some(&tok),
        &encode_publish(&line, &fresh.archive).unwrap(),
    );
    assert!(r.text().contains("description"), "{}", r.text());
    check("metadata", r, 400, "metadata-mismatch");
    // metadata naming another version than the archive
    let mut line = fresh.line.clone();
    line.vers = semver::Version::new(2, 0, 0);
    line.sig = vec![];
    check(
        "other version",
        publish_raw(
            &s,
            Some(&tok),
            &encode_publish(&line, &fresh.archive).unwrap(),
        ),
        400,
        "metadata-mismatch",
    );
    // malformed manifest inside a well-formed archive
    let bad_manifest = raw_archive(&[(
        "ggen-pack.toml",
        b"[pack]\nid = \"io.acme.bad\"\nversion = 1\n",
    )]);
    let mut line = fresh.line.clone();
    line.cksum = ggen_core::hash::sha256_checksum(&bad_manifest);
    line.sig = vec![];
    let r = publish_raw(
        &s,
        Some(&tok),
        &encode_publish(&line, &bad_manifest).unwrap(),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.json()["error"]["code"]
            .as_str()
            .unwrap()
            .starts_with("manifest"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("ggen-pack.toml"), "{}", r.text());
    assert_eq!(s.snapshot(), before);
    // an archive with a path-traversal entry
    let evil = raw_archive(&[
        (
            "ggen-pack.toml",
            std::fs::read(
                write_pack(&t.path().join("e"), "io.acme.fresh", "1.0.0", &[])
                    .join("ggen-pack.toml"),
            )
            .unwrap()
            .as_slice(),
        ),
        ("../../outside.txt", b"pwned"),
    ]);
    let mut line = fresh.line.clone();
    line.cksum = ggen_core::hash::sha256_checksum(&evil);
    line.sig = vec![];
    check(
        "traversal entry",
        publish_raw(&s, Some(&tok), &encode_publish(&line, &evil).unwrap()),
        400,
        "archive-unsafe-path",
    );
    // not gzip at all
    let junk = b"this is not a tar.gz".to_vec();
    let mut line = fresh.line.clone();
    line.cksum = ggen_core::hash::sha256_checksum(&junk);
    line.sig = vec![];
    check(
        "junk archive",
        publish_raw(&s, Some(&tok), &encode_publish(&line, &junk).unwrap()),
        400,
        "archive-corrupt",
    );
    // broken framing, trailing bytes, non-JSON metadata
    check(
        "empty body",
        publish_raw(&s, Some(&tok), b""),
        400,
        "invalid-request",
    );
    let mut trailing = body(&fresh);
    trailing.push(0);
    check(
        "trailing",
        publish_raw(&s, Some(&tok), &trailing),
        400,
        "invalid-request",
    );
    check(
        "not json",
        publish_raw(&s, Some(&tok), &frame(b"{nope", &fresh.archive)),
        400,
        "invalid-metadata",
    );
    // wrong content type
    let r = request(
        "PUT",
        &format!("{}/packs", s.api()),
        &[
            ("authorization", &auth(&tok)),
            ("content-type", "application/json"),
        ],
        Some(&body(&fresh)),
    );
    check("content type", r, 415, "unsupported-media-type");
    // oversized: announced by Content-Length (answered before the body is sent) ...
    let addr = s
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let resp = raw_http(
        &addr,
        &format!(
            "PUT /api/v1/packs HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {tok}\r\nContent-Type: application/vnd.ggen.publish.v1\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n"
        ),
        b"",
    );
    assert!(resp.starts_with("HTTP/1.1 413"), "{resp}");
    assert!(resp.contains("\"code\":\"body-too-large\""), "{resp}");
    assert_eq!(s.snapshot(), before);
    // ... and streamed without a length (chunked)
    let big = vec![b'x'; 70 * 1024];
    let mut chunked = format!("{:x}\r\n", big.len()).into_bytes();
    chunked.extend_from_slice(&big);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let resp = raw_http(
        &addr,
        &format!(
            "PUT /api/v1/packs HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {tok}\r\nContent-Type: application/vnd.ggen.publish.v1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        ),
        &chunked,
    );
    assert!(resp.starts_with("HTTP/1.1 413"), "{resp}");
    assert_eq!(s.snapshot(), before);
    // the good pack still publishes after all that
    assert_eq!(publish_raw(&s, Some(&tok), &body(&fresh)).status, 200);
}

/// The publish framing around arbitrary metadata bytes.
fn frame(meta: &[u8], archive: &[u8]) -> Vec<u8> {
    let mut v = (meta.len() as u32).to_le_bytes().to_vec();
    v.extend_from_slice(meta);
    v.extend_from_slice(&(archive.len() as u32).to_le_bytes());
    v.extend_from_slice(archive);
    v
}

#[test]
fn signature_policy_with_required_signatures() {
    let s = TestServer::sqlite_with(|c| c.signatures.require = true);
    let t = tempfile::tempdir().unwrap();
    let tok = s.token(&["publish:*"]);
    let registered = key(1);
    s.block_on(s.db().add_key(
        &registered.key_id(),
        &registered.public_key().to_base64_spki(),
        "",
    ))
    .unwrap();
    let before = s.snapshot();
    let unsigned = pack(t.path(), "io.sig.unsigned", "1.0.0", None);
    publish_raw(&s, Some(&tok), &body(&unsigned)).assert_error(400, "signature-required");
    let stranger = pack(t.path(), "io.sig.stranger", "1.0.0", Some(&key(2)));
    publish_raw(&s, Some(&tok), &body(&stranger)).assert_error(400, "signature-required");
    assert_eq!(s.snapshot(), before);
    let signed = pack(t.path(), "io.sig.signed", "1.0.0", Some(&registered));
    assert_eq!(publish_raw(&s, Some(&tok), &body(&signed)).status, 200);
}

#[test]
fn rate_limits_per_address_and_per_token() {
    let s = TestServer::sqlite_with(|c| {
        c.rate_limit.ip_per_second = 0.5;
        c.rate_limit.ip_burst = 5;
    });
    for _ in 0..5 {
        assert_eq!(get(&format!("{}healthz", s.url)).status, 200);
    }
    let r = get(&format!("{}healthz", s.url));
    r.assert_error(429, "rate-limited");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    // a proxy header is ignored unless configured
    let r = request(
        "GET",
        &format!("{}healthz", s.url),
        &[("x-forwarded-for", "10.0.0.1")],
        None,
    );
    assert_eq!(r.status, 429);
    drop(s);

    let s = TestServer::sqlite_with(|c| {
        c.rate_limit.token_per_second = 0.5;
        c.rate_limit.token_burst = 2;
        c.client_ip_header = Some("x-forwarded-for".into());
        c.rate_limit.ip_per_second = 0.5;
        c.rate_limit.ip_burst = 5;
    });
    let a = s.token(&["admin"]);
    let b = s.token(&["admin"]);
    let list = |tok: &str| {
        request(
            "GET",
            &format!("{}/tokens", s.api()),
            &[("authorization", &auth(tok))],
            None,
        )
    };
    assert_eq!(list(&a).status, 200);
    assert_eq!(list(&a).status, 200);
    list(&a).assert_error(429, "rate-limited");
    // another token has its own budget
    assert_eq!(list(&b).status, 200);
    // four requests from this address so far; with the trusted proxy header, the right-most
    // forwarded address is the client and has its own budget
    let via = |ip: &str| {
        request(
            "GET",
            &format!("{}healthz", s.url),
            &[("x-forwarded-for", ip)],
            None,
        )
        .status
    };
    for _ in 0..5 {
        assert_eq!(via("192.0.2.1, 10.1.1.1"), 200);
    }
    assert_eq!(via("10.1.1.1"), 429);
    assert_eq!(get(&format!("{}healthz", s.url)).status, 200);
    assert_eq!(get(&format!("{}healthz", s.url)).status, 429);
    let m = request(
        "GET",
        &format!("{}metrics", s.url),
        &[("x-forwarded-for", "10.9.9.9")],
        None,
    )
    .text();
    assert!(m.contains("ggen_registry_rate_limited_total 3\n"), "{m}");
}

#[test]
fn storage_failures_answer_503_without_internal_detail() {
    let s = TestServer::sqlite();
    let t = tempfile::tempdir().unwrap();
    let tok = s.token(&["publish:*"]);
    // replace the archive directory by a file: every storage operation fails
    let dir = s.data.join("archives");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, "not a directory").unwrap();
    let b = pack(t.path(), "io.acme.models", "1.0.0", None);
    let r = publish_raw(&s, Some(&tok), &body(&b));
    r.assert_error(503, "unavailable");
    let text = r.text();
    for leak in [
        "archives",
        "/tmp",
        "os error",
        "Not a directory",
        "object_store",
    ] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
    // nothing was recorded in the database either
    assert!(s.block_on(s.db().all_lines()).unwrap().is_empty());
    let ready = get(&format!("{}readyz", s.url));
    assert_eq!(ready.status, 503);
    assert_eq!(ready.json()["storage"], "unavailable");
    assert_eq!(ready.json()["database"], "ok");
}
