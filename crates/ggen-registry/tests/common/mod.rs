//! Test support: an in-process registry server on 127.0.0.1 (its own tokio runtime, so that
//! test bodies stay synchronous and can use ggen-pack's blocking client), pack sources, a small
//! HTTP client, state snapshots, and a throwaway PostgreSQL cluster.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

pub mod pg;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ggen_pack::index::IndexLine;
use ggen_pack::manifest::Manifest;
use ggen_pack::registry::HttpOptions;
use ggen_pack::sign::SecretKey;
use ggen_registry::Config;
use ggen_registry::db::Db;
use ggen_registry::server::RunningServer;
use ggen_registry::state::AppState;

/// A server running on its own runtime.
pub struct TestServer {
    pub url: String,
    pub state: Arc<AppState>,
    pub data: PathBuf,
    rt: tokio::runtime::Runtime,
    server: Option<RunningServer>,
    _dir: Option<tempfile::TempDir>,
}

/// A configuration for tests: free port, no rate limits, no access log, fast polling.
pub fn test_config(data: &Path) -> Config {
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        data: data.to_owned(),
        ..Config::default()
    };
    c.rate_limit.ip_per_second = 0.0;
    c.rate_limit.token_per_second = 0.0;
    c.log.access_log = false;
    c.cache.poll_interval_ms = 100;
    c.limits.max_concurrent_publishes = 8;
    c
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

impl TestServer {
    /// A SQLite server in a fresh temporary data directory.
    pub fn sqlite() -> Self {
        Self::sqlite_with(|_| {})
    }

    /// A SQLite server with a customised configuration.
    pub fn sqlite_with(f: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut c = test_config(&data);
        f(&mut c);
        let mut s = Self::start(c);
        s._dir = Some(dir);
        s
    }

    /// Start a server with a configuration.
    pub fn start(config: Config) -> Self {
        let rt = runtime();
        let data = config.data.clone();
        let state = rt.block_on(ggen_registry::open(config)).unwrap();
        let server = rt
            .block_on(ggen_registry::start(
                state.clone(),
                std::future::pending::<()>(),
            ))
            .unwrap();
        Self {
            url: format!("http://{}/", server.addr),
            state,
            data,
            rt,
            server: Some(server),
            _dir: None,
        }
    }

    pub fn api(&self) -> String {
        format!("{}api/v1", self.url)
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Create a token with scopes.
    pub fn token(&self, scopes: &[&str]) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        self.block_on(ggen_registry::auth::create_token(
            self.db(),
            "test",
            &scopes,
        ))
        .unwrap()
        .token
    }

    /// Database rows and stored files, for "nothing changed" assertions.
    pub fn snapshot(&self) -> Snapshot {
        let versions = self
            .block_on(self.db().all_lines())
            .unwrap()
            .iter()
            .map(|l| l.to_json())
            .collect();
        let seq = self.block_on(self.db().current_seq()).unwrap();
        Snapshot {
            versions,
            seq,
            files: tree_hashes(&self.data.join("archives")),
        }
    }

    /// Graceful shutdown.
    pub fn stop(mut self) {
        if let Some(s) = self.server.take() {
            self.rt.block_on(s.shutdown()).unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            let _ = self.rt.block_on(s.shutdown());
        }
    }
}

/// What a server has stored.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub versions: Vec<String>,
    pub seq: i64,
    pub files: BTreeMap<String, String>,
}

/// SHA-256 of every regular file below `root`.
pub fn tree_hashes(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn rec(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
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

/// Write a pack source `<root>/<id>-<version>`: manifest, a template, an ontology file.
pub fn write_pack(root: &Path, id: &str, version: &str, deps: &[(&str, &str)]) -> PathBuf {
    let name = id.rsplit('.').next().unwrap();
    let dir = root.join(format!("{id}-{version}"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    let mut m = format!(
        "[pack]\nid = \"{id}\"\nversion = \"{version}\"\ndescription = \"Test pack {name}\"\nlicense = \"MIT\"\nkeywords = [\"test\", \"{name}\"]\ncategories = [\"models\"]\nggen = \">=0.1, <2\"\n"
    );
    if !deps.is_empty() {
        m.push_str("\n[dependencies]\n");
        for (d, r) in deps {
            m.push_str(&format!("\"{d}\" = \"{r}\"\n"));
        }
    }
    std::fs::write(dir.join("ggen-pack.toml"), m).unwrap();
    std::fs::write(
        dir.join(format!("templates/{name}.rs.tmpl")),
        format!("---\nto: \"src/{name}.rs\"\n---\n// {id} {version}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("ontology/types.ttl"),
        format!("@prefix ex: <http://example.org/{name}#> .\nex:V ex:version \"{version}\" .\n"),
    )
    .unwrap();
    dir
}

/// A built pack: its archive and index line (signed when a key is given).
pub struct Built {
    pub archive: Vec<u8>,
    pub line: IndexLine,
}

pub fn build(dir: &Path, key: Option<&SecretKey>) -> Built {
    let archive = ggen_pack::archive::build_archive(dir).unwrap();
    let m = Manifest::load_dir(dir).unwrap();
    let ck = ggen_core::hash::sha256_checksum(&archive);
    let sig = key
        .map(|k| vec![k.sign(m.id.as_str(), &m.version.to_string(), &ck)])
        .unwrap_or_default();
    Built {
        line: IndexLine::from_manifest(&m, &ck, sig),
        archive,
    }
}

/// Write and build a pack in one go.
pub fn pack(root: &Path, id: &str, version: &str, key: Option<&SecretKey>) -> Built {
    build(&write_pack(root, id, version, &[]), key)
}

pub fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed(&[seed; 32])
}

/// Client options without retries or caching.
pub fn http_opts() -> HttpOptions {
    HttpOptions {
        retries: 0,
        timeout: Duration::from_secs(30),
        ..HttpOptions::default()
    }
}

/// A raw HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// Assert an error document with this status and code.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{}",
            self.text()
        );
        let j = self.json();
        assert_eq!(j["error"]["code"], code, "{j}");
        assert!(
            j["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{j}"
        );
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Any request: method, URL, headers, optional body.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Resp {
    let mut b = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let a = agent();
    let mut resp = match body {
        Some(bytes) => a.run(b.body(bytes.to_vec()).unwrap()),
        None => a.run(b.body(()).unwrap()),
    }
    .unwrap();
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = resp
        .body_mut()
        .with_config()
        .limit(200 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    Resp {
        status,
        headers,
        body,
    }
}

pub fn get(url: &str) -> Resp {
    request("GET", url, &[], None)
}

/// `PUT /api/v1/packs` with a raw body.
pub fn publish_raw(server: &TestServer, token: Option<&str>, body: &[u8]) -> Resp {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut h = vec![(
        "content-type",
        ggen_pack::registry::wire::PUBLISH_CONTENT_TYPE,
    )];
    if let Some(a) = &auth {
        h.push(("authorization", a.as_str()));
    }
    request("PUT", &format!("{}/packs", server.api()), &h, Some(body))
}

/// Encode a publish body.
pub fn body(b: &Built) -> Vec<u8> {
    ggen_pack::registry::wire::encode_publish(&b.line, &b.archive).unwrap()
}

/// Whether the environment requires PostgreSQL (CI).
pub fn postgres_required() -> bool {
    std::env::var("GGEN_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// Start a throwaway PostgreSQL cluster, or print `SKIPPED: …` and return `None` when it is not
/// installed (panics instead when `GGEN_REQUIRE_POSTGRES=1`).
pub fn postgres(test: &str) -> Option<pg::PgCluster> {
    match pg::PgCluster::start() {
        Ok(c) => Some(c),
        Err(why) => {
            if postgres_required() {
                panic!("{test}: PostgreSQL is required (GGEN_REQUIRE_POSTGRES=1) but {why}");
            }
            println!("SKIPPED: {test}: {why}");
            eprintln!("SKIPPED: {test}: {why}");
            None
        }
    }
}
