//! Support for the marketplace CLI tests: pack sources, registry configuration, file-tree
//! hashes, and a std-only HTTP/1.1 server on 127.0.0.1 that serves a directory registry with
//! ETags and implements the publish/yank API (copied from ggen-pack's test support).

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
use ggen_pack::sign::SecretKey;

/// Write a pack source directory `<root>/<id>-<version>`: a manifest with `[vars]` defaults, a
/// template that uses a partial, the partial, and an ontology file contributing one class.
pub fn write_pack(root: &Path, id: &str, version: &str, deps: &[(&str, &str)]) -> PathBuf {
    let name = id.rsplit('.').next().unwrap();
    let dir = root.join(format!("{id}-{version}"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    let mut m = format!(
        "[pack]\nid = \"{id}\"\nversion = \"{version}\"\ndescription = \"Class lists for {name}\"\nlicense = \"MIT\"\nkeywords = [\"test\", \"{name}\"]\ncategories = [\"models\"]\nggen = \">=0.1, <2\"\n"
    );
    if !deps.is_empty() {
        m.push_str("\n[dependencies]\n");
        for (d, r) in deps {
            m.push_str(&format!("\"{d}\" = \"{r}\"\n"));
        }
    }
    m.push_str(
        "\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[vars]\ngreeting = \"hello\"\nout_dir = \"pack-out\"\n",
    );
    std::fs::write(dir.join("ggen-pack.toml"), m).unwrap();
    std::fs::write(
        dir.join(format!("templates/{name}.txt.tmpl")),
        format!(
            "---\nto: \"{{{{ out_dir }}}}/{name}.txt\"\nsparql:\n  classes: |\n    SELECT ?c WHERE {{ ?c a owl:Class }} ORDER BY ?c\n---\n{{% import \"_{name}_fmt.tmpl\" as fmt %}}\n{{{{ greeting }}}} from {id} {version}\n{{% for r in sparql_results.classes %}}\n{{{{ fmt.item(r.c | local) }}}}\n{{% endfor %}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("templates/_{name}_fmt.tmpl")),
        "{% macro item(x) %}- {{ x }}{% endmacro %}\n",
    )
    .unwrap();
    let class = {
        let mut c = name.chars();
        let first = c.next().unwrap().to_ascii_uppercase();
        format!("{first}{}", c.as_str()).replace('-', "")
    };
    std::fs::write(
        dir.join("ontology/vocab.ttl"),
        format!(
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix p: <http://example.org/packs/{name}#> .\np:{class}FromPack a owl:Class .\n"
        ),
    )
    .unwrap();
    dir
}

/// A project with an ontology and a template of its own.
pub fn write_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("ggen.toml"),
        "# my project\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[output]\ndir = \"generated\"\n\n[vars]\ngreeting = \"hi\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("ontology/model.ttl"),
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix ex: <http://example.org/demo#> .\nex:Customer a owl:Class .\n",
    )
    .unwrap();
}

/// A fixed test publisher key written to `path` (mode 0600).
pub fn key_file(path: &Path, seed: u8) -> SecretKey {
    let k = SecretKey::from_seed(&[seed; 32]);
    k.write(path, true).unwrap();
    k
}

/// One `[[registry]]` entry.
pub fn registry_toml(name: &str, index: &str, trusted: &[&SecretKey], require: bool) -> String {
    let keys: Vec<String> = trusted
        .iter()
        .map(|k| format!("\"{}\"", k.public_key().to_base64_spki()))
        .collect();
    format!(
        "[[registry]]\nname = \"{name}\"\nindex = \"{}\"\ntrusted_keys = [{}]\nrequire_signatures = {require}\n",
        index.replace('\\', "\\\\"),
        keys.join(", ")
    )
}

/// Write `<home>/config/config.toml`.
pub fn write_config(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join("config")).unwrap();
    std::fs::write(home.join("config/config.toml"), text).unwrap();
}

/// SHA-256 of every regular file below `root` (relative paths). Missing root → empty.
pub fn tree_hashes(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn rec(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                rec(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, ggen_core::hash::sha256_hex(std::fs::read(&p).unwrap()));
            }
        }
    }
    rec(root, root, &mut out);
    out
}

/// [`tree_hashes`] without the empty lock files that serialise writers (`.ggen.lock.lock` in
/// projects, `.lock` in caches and registries), which are created once and never deleted.
pub fn state_hashes(root: &Path) -> BTreeMap<String, String> {
    let mut h = tree_hashes(root);
    h.retain(|k, v| {
        let lock = k == ".ggen.lock.lock" || k == ".lock" || k.ends_with("/.lock");
        if lock {
            assert_eq!(
                *v,
                ggen_core::hash::sha256_hex(b""),
                "lock files stay empty"
            );
        }
        !lock
    });
    h
}

/// `sha256:<hex>` of a file.
pub fn checksum_of(path: &Path) -> String {
    ggen_core::hash::sha256_checksum(std::fs::read(path).unwrap())
}

/// A home, a registry, pack sources and a project in one temporary directory.
pub struct Setup {
    pub _t: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    pub project: PathBuf,
    pub registry: PathBuf,
    pub sources: PathBuf,
}

impl Setup {
    /// A home with a publisher key and a directory registry `team` that trusts it, an empty
    /// registry directory and a project.
    pub fn new() -> Self {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        let home = root.join("home");
        let project = root.join("project");
        let registry = root.join("registry");
        let sources = root.join("sources");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&sources).unwrap();
        write_project(&project);
        let key = key_file(&home.join("publisher.key"), 7);
        write_config(
            &home,
            &format!(
                "{}\n[publish]\nkey = \"{}\"\n",
                registry_toml("team", &registry.to_string_lossy(), &[&key], true),
                home.join("publisher.key").display()
            ),
        );
        Self {
            _t: t,
            root,
            home,
            project,
            registry,
            sources,
        }
    }

    pub fn ggen(&self, dir: &Path) -> assert_cmd::Command {
        crate::common::ggen(dir, &self.home)
    }

    pub fn run_json(&self, dir: &Path, args: &[&str]) -> serde_json::Value {
        let out = self.ggen(dir).args(args).arg("--json").output().unwrap();
        let doc = crate::common::json(&out);
        assert!(
            out.status.success(),
            "ggen {args:?} failed: {doc:#}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        doc
    }

    pub fn publish(&self, id: &str, version: &str, deps: &[(&str, &str)]) -> serde_json::Value {
        let src = write_pack(&self.sources, id, version, deps);
        self.run_json(
            &self.root,
            &[
                "marketplace",
                "publish",
                src.to_str().unwrap(),
                "--registry",
                "team",
            ],
        )
    }
}

/// A file's text.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

// ---------------------------------------------------------------------------------------------
// HTTP server

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
