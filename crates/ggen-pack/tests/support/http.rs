//! A std-only HTTP/1.1 test server on 127.0.0.1 that serves a directory registry (with ETags)
//! and implements the publish/yank API. Shared by ggen-pack's tests and ggen-cli's marketplace
//! tests (included there with `#[path]`).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ggen_pack::PackId;
use ggen_pack::registry::DirRegistry;
use ggen_pack::registry::wire::{ErrorBody, ErrorDetail, PublishResponse, decode_publish};

/// One request the server answered.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// A tiny HTTP/1.1 server on 127.0.0.1 serving a directory registry. `GET` serves files with
/// strong ETags (`"<sha256 prefix>"`) and answers `If-None-Match` with 304. `PUT /api/v1/packs`
/// and `DELETE|PUT /api/v1/packs/<id>/<version>/yank` implement the publish API over a
/// [`DirRegistry`] at the same root (bearer token required). `fail_next` makes the next N
/// requests answer 503.
pub struct Server {
    pub addr: String,
    pub log: Arc<Mutex<Vec<Logged>>>,
    pub fail_next: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start(root: PathBuf, token: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let fail_next = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (l2, f2, s2, tok) = (
            log.clone(),
            fail_next.clone(),
            stop.clone(),
            token.to_owned(),
        );
        let api = format!("{addr}/api/v1");
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (root, log, fail, tok, api) = (
                    root.clone(),
                    l2.clone(),
                    f2.clone(),
                    tok.clone(),
                    api.clone(),
                );
                std::thread::spawn(move || {
                    let _ = handle(conn, &root, &log, &fail, &tok, &api);
                });
            }
        });
        Self {
            addr,
            log,
            fail_next,
            stop,
        }
    }

    /// Base URL with a trailing slash.
    pub fn url(&self) -> String {
        format!("{}/", self.addr)
    }

    pub fn api(&self) -> String {
        format!("{}/api/v1", self.addr)
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // wake the accept loop
        let _ = TcpStream::connect(self.addr.trim_start_matches("http://"));
    }
}

fn respond(
    conn: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        503 => "Service Unavailable",
        _ => "Other",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes())?;
    if status != 304 && !head_only {
        conn.write_all(body)?;
    }
    conn.flush()
}

fn json_error(status: u16, code: &str, message: String) -> (u16, Vec<u8>) {
    let body = serde_json::to_vec(&ErrorBody {
        error: ErrorDetail {
            code: code.into(),
            message,
        },
    })
    .unwrap();
    (status, body)
}

fn handle(
    mut conn: TcpStream,
    root: &Path,
    log: &Mutex<Vec<Logged>>,
    fail: &AtomicUsize,
    token: &str,
    _api: &str,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let record = |status: u16| {
        log.lock().unwrap().push(Logged {
            method: method.clone(),
            path: path.clone(),
            status,
        });
    };

    if fail
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        record(503);
        return respond(&mut conn, 503, &[], b"try later", false);
    }
    if path.starts_with("/auth/") {
        record(401);
        return respond(&mut conn, 401, &[], b"", false);
    }
    if path.starts_with("/forbidden/") {
        record(403);
        return respond(&mut conn, 403, &[], b"", false);
    }

    if path == "/api/v1/search" && method == "GET" {
        let query = target.split_once('?').map(|x| x.1).unwrap_or_default();
        let mut q = ggen_pack::search::SearchQuery::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "q" => q.text = v,
                "category" => q.category = Some(v),
                "keyword" => q.keyword = Some(v),
                "limit" => q.limit = v.parse().ok(),
                "offset" => q.offset = v.parse().unwrap_or(0),
                _ => {}
            }
        }
        let reg = DirRegistry::open(&root.to_string_lossy()).unwrap();
        let hits = ggen_pack::registry::Registry::search(&reg, &q).unwrap();
        let body = serde_json::to_vec(&ggen_pack::registry::wire::SearchResponse { hits }).unwrap();
        record(200);
        return respond(
            &mut conn,
            200,
            &[("Content-Type", "application/json".into())],
            &body,
            false,
        );
    }
    if let Some(rest) = path.strip_prefix("/api/v1/packs") {
        let authorized = headers.get("authorization") == Some(&format!("Bearer {token}"));
        let (status, out) = if !authorized {
            json_error(401, "unauthorized", "missing or wrong token".into())
        } else {
            api_call(&method, rest, &body, root)
        };
        record(status);
        return respond(
            &mut conn,
            status,
            &[("Content-Type", "application/json".into())],
            &out,
            false,
        );
    }

    if (method != "GET" && method != "HEAD") || path.contains("..") {
        record(400);
        return respond(&mut conn, 400, &[], b"bad request", false);
    }
    let file = root.join(path.trim_start_matches('/'));
    match std::fs::read(&file) {
        Ok(data) if file.is_file() => {
            let etag = format!("\"{}\"", &ggen_core::hash::sha256_hex(&data)[..16]);
            if headers.get("if-none-match") == Some(&etag) {
                record(304);
                respond(&mut conn, 304, &[("ETag", etag)], b"", false)
            } else {
                record(200);
                respond(&mut conn, 200, &[("ETag", etag)], &data, method == "HEAD")
            }
        }
        _ => {
            record(404);
            respond(&mut conn, 404, &[], b"not found", false)
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn api_call(method: &str, rest: &str, body: &[u8], root: &Path) -> (u16, Vec<u8>) {
    let reg = DirRegistry::open(&root.to_string_lossy()).unwrap();
    if rest.is_empty() && method == "PUT" {
        let (line, archive) = match decode_publish(body) {
            Ok(x) => x,
            Err(e) => return json_error(400, "bad-request", e.to_string()),
        };
        return match reg.publish_line(&archive, &line) {
            Ok(()) => (
                200,
                serde_json::to_vec(&PublishResponse {
                    id: line.id.to_string(),
                    vers: line.vers.to_string(),
                    cksum: line.cksum.clone(),
                })
                .unwrap(),
            ),
            Err(ggen_pack::registry::RegistryError::VersionExists { .. }) => {
                json_error(409, "version-exists", "version exists".into())
            }
            Err(e) => json_error(400, "invalid", e.to_string()),
        };
    }
    let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    if let [id, version, "yank"] = parts.as_slice() {
        let (Ok(id), Ok(v)) = (PackId::parse(id), semver::Version::parse(version)) else {
            return json_error(400, "bad-request", "bad id or version".into());
        };
        let yanked = method == "DELETE";
        return match reg.set_yanked(&id, &v, yanked) {
            Ok(_) => (200, b"{}".to_vec()),
            Err(e) => json_error(404, "unknown-version", e.to_string()),
        };
    }
    json_error(404, "not-found", "no such endpoint".into())
}
