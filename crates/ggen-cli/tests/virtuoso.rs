#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]
//! Against a real SPARQL server: OpenLink Virtuoso (Debian's `virtuoso-opensource`, installed by
//! `.ci/virtuoso-setup.sh`). The test starts its own instance on free loopback ports in a
//! temporary directory, loads the shop ontology into a named graph with `isql-vt`, and checks
//! that generating `examples/shop` from it gives exactly the tree a local generation gives.
//!
//! Without `virtuoso-t` the test prints `SKIPPED: …` and passes, unless
//! `GGEN_REQUIRE_VIRTUOSO=1` (CI sets it), which makes a missing server a failure.

mod common;
mod endpoint_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Shop, json};
use endpoint_support::{assert_same_tree, shop_ontology_files, use_endpoint};

/// The named graph the ontology is loaded into.
const GRAPH: &str = "urn:ggen:test:shop";

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Virtuoso server of this test; killed when dropped.
struct Virtuoso {
    child: Child,
    dir: tempfile::TempDir,
    isql: PathBuf,
    http: u16,
    sql: u16,
}

impl Drop for Virtuoso {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Virtuoso {
    /// Start a server, or `None` (after printing why) when Virtuoso is not installed.
    fn start() -> Option<Virtuoso> {
        let required = std::env::var("GGEN_REQUIRE_VIRTUOSO").is_ok_and(|v| v == "1");
        let server = which("virtuoso-t");
        let isql = which("isql-vt").or_else(|| {
            // Upstream builds name it `isql`; only trust one next to virtuoso-t (unixODBC has an
            // unrelated `isql`).
            server
                .as_ref()
                .and_then(|s| s.parent().map(|d| d.join("isql")))
                .filter(|p| p.is_file())
        });
        let (Some(server), Some(isql)) = (server, isql) else {
            assert!(
                !required,
                "GGEN_REQUIRE_VIRTUOSO=1 but virtuoso-t/isql-vt are not on PATH (run .ci/virtuoso-setup.sh)"
            );
            eprintln!(
                "SKIPPED: virtuoso-t (and isql-vt) not found; install with .ci/virtuoso-setup.sh to run the Virtuoso endpoint test"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let (http, sql) = (free_port(), free_port());
        let d = dir.path().display().to_string();
        std::fs::create_dir_all(dir.path().join("vsp")).unwrap();
        let ini = format!(
            "[Database]\n\
             DatabaseFile = {d}/virtuoso.db\n\
             ErrorLogFile = {d}/virtuoso.log\n\
             LockFile = {d}/virtuoso.lck\n\
             TransactionFile = {d}/virtuoso.trx\n\
             xa_persistent_file = {d}/virtuoso.pxa\n\
             ErrorLogLevel = 7\n\
             FileExtend = 200\n\
             MaxCheckpointRemap = 2000\n\
             Striping = 0\n\
             TempStorage = TempDatabase\n\
             \n\
             [TempDatabase]\n\
             DatabaseFile = {d}/virtuoso-temp.db\n\
             TransactionFile = {d}/virtuoso-temp.trx\n\
             MaxCheckpointRemap = 2000\n\
             Striping = 0\n\
             \n\
             [Parameters]\n\
             ServerPort = 127.0.0.1:{sql}\n\
             DisableUnixSocket = 1\n\
             MaxClientConnections = 4\n\
             CheckpointInterval = 0\n\
             CaseMode = 2\n\
             DirsAllowed = ., {d}\n\
             NumberOfBuffers = 4000\n\
             MaxDirtyBuffers = 3000\n\
             MaxQueryMem = 100M\n\
             ThreadsPerQuery = 2\n\
             AsyncQueueMaxThreads = 4\n\
             \n\
             [HTTPServer]\n\
             ServerPort = 127.0.0.1:{http}\n\
             ServerRoot = {d}/vsp\n\
             MaxClientConnections = 4\n\
             ServerThreads = 4\n\
             EnabledDavVSP = 0\n\
             Charset = UTF-8\n\
             \n\
             [SPARQL]\n\
             ResultSetMaxRows = 100000\n\
             MaxQueryExecutionTime = 60\n\
             MaxQueryCostEstimationTime = 400\n"
        );
        std::fs::write(dir.path().join("virtuoso.ini"), ini).unwrap();
        let log = std::fs::File::create(dir.path().join("stdout.log")).unwrap();
        let child = Command::new(&server)
            .args(["+foreground", "+configfile"])
            .arg(dir.path().join("virtuoso.ini"))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut v = Virtuoso {
            child,
            dir,
            isql,
            http,
            sql,
        };
        v.wait_ready();
        Some(v)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/sparql", self.http)
    }

    fn log(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default();
        format!("{}\n{}", read("stdout.log"), read("virtuoso.log"))
    }

    fn wait_ready(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("virtuoso-t exited ({status}):\n{}", self.log());
            }
            // A raw HTTP request: ready when the SPARQL endpoint answers an ASK.
            let ok = std::net::TcpStream::connect(("127.0.0.1", self.http))
                .ok()
                .and_then(|mut s| {
                    use std::io::{Read, Write};
                    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
                    s.write_all(
                        b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\nAccept: application/sparql-results+json\r\n\r\n",
                    )
                    .ok()?;
                    let mut buf = String::new();
                    s.read_to_string(&mut buf).ok()?;
                    Some(buf.starts_with("HTTP/1.1 200") && buf.contains("true"))
                })
                .unwrap_or(false);
            if ok {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "virtuoso-t did not come up within 120 s:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Run SQL through isql; panic with its output when it reports an error.
    fn isql(&self, sql: &str) -> String {
        let out = Command::new(&self.isql)
            .arg(format!("127.0.0.1:{}", self.sql))
            .args(["dba", "dba"])
            .arg(format!("exec={sql}"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && !text.contains("*** Error"),
            "isql failed on {sql}:\n{text}"
        );
        text
    }

    /// Load Turtle files into `graph` (through DB.DBA.TTLP_MT; the files are copied into the
    /// server's allowed directory first).
    fn load(&self, files: &[PathBuf], graph: &str) {
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let copy = self.dir.path().join(&name);
            std::fs::copy(f, &copy).unwrap();
            self.isql(&format!(
                "DB.DBA.TTLP_MT(file_to_string_output('{}'), '', '{graph}');",
                copy.display()
            ));
        }
    }
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn graph_query(dir: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    common::ggen(dir, home)
        .args(["graph", "query"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn shop_from_virtuoso_is_byte_identical_to_local_generation() {
    let Some(v) = Virtuoso::start() else { return };
    let files = shop_ontology_files();
    v.load(&files, GRAPH);
    let count = v.isql(&format!(
        "SPARQL SELECT COUNT(*) FROM <{GRAPH}> WHERE {{ ?s ?p ?o }};"
    ));
    let local = endpoint_support::shop_graph();
    assert!(
        count.contains(&local.len().to_string()),
        "Virtuoso holds a different number of triples than the local graph ({}):\n{count}",
        local.len()
    );
    let url = v.url();
    let default_graph = format!("endpoint_default_graph = \"{GRAPH}\"");
    let local = endpoint_support::local_generation();
    let expected = local.generated();

    // Virtuoso 7.2 never answers direct POST (application/sparql-query) requests, so the
    // project sends form-encoded POSTs; GET works as well.
    for method in ["form", "get"] {
        let shop = Shop::new();
        let m = format!("endpoint_method = \"{method}\"");
        use_endpoint(shop.path(), &url, &[&default_graph, &m]);
        let out = shop
            .ggen()
            .args(["--json", "project", "gen"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{method}: {}", stderr(&out));
        assert_eq!(json(&out)["counts"]["create"], 32, "{method}");
        assert_same_tree(&shop.generated(), &expected);
        let receipt: serde_json::Value =
            serde_json::from_slice(&std::fs::read(shop.path().join(".ggen/receipt.json")).unwrap())
                .unwrap();
        assert_eq!(receipt["graph"]["endpoint"]["url"], url.as_str());
        assert_eq!(
            receipt["graph"]["endpoint"]["default_graphs"],
            serde_json::json!([GRAPH])
        );
        // Idempotent against the live server too.
        let out = shop
            .ggen()
            .args(["--json", "project", "gen"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(json(&out)["counts"]["unchanged"], 32);
    }

    // `graph query`: Virtuoso's answers equal the local graph's, term for term.
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut local_args: Vec<String> = Vec::new();
    for f in &files {
        local_args.push("--graph".into());
        local_args.push(f.display().to_string());
    }
    for (q, format) in [
        (
            "SELECT ?class ?prop ?range ?min ?max WHERE { ?prop rdfs:domain ?class ; rdfs:range ?range . OPTIONAL { ?s sh:targetClass ?class ; sh:property ?ps . ?ps sh:path ?prop . OPTIONAL { ?ps sh:minCount ?min } OPTIONAL { ?ps sh:maxCount ?max } } }",
            "json",
        ),
        (
            "SELECT ?m ?label ?comment WHERE { ?e owl:oneOf ?l . ?m a ?e ; rdfs:label ?label . OPTIONAL { ?m rdfs:comment ?comment } }",
            "json",
        ),
        (
            "SELECT ?s ?o WHERE { ?s <http://example.org/shop#embedded> ?o }",
            "json",
        ),
        ("ASK { ?p <http://example.org/shop#embedded> true }", "json"),
        (
            "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a owl:Class ; rdfs:label ?l }",
            "nt",
        ),
    ] {
        let remote = graph_query(
            dir.path(),
            home.path(),
            &[
                "--endpoint",
                &url,
                "--method",
                "form",
                "--default-graph",
                GRAPH,
                "--format",
                format,
                q,
            ],
        );
        assert!(remote.status.success(), "{q}: {}", stderr(&remote));
        let mut args: Vec<&str> = local_args.iter().map(String::as_str).collect();
        args.extend(["--format", format, q]);
        let local = graph_query(dir.path(), home.path(), &args);
        assert!(local.status.success(), "{}", stderr(&local));
        assert_eq!(
            String::from_utf8_lossy(&remote.stdout),
            String::from_utf8_lossy(&local.stdout),
            "{q}"
        );
    }

    // Direct POST: whatever this Virtuoso does, the outcome is an answer equal to the local
    // one or a clear timeout that points at `form`.
    let q = "ASK { ?c a owl:Class }";
    let out = graph_query(
        dir.path(),
        home.path(),
        &[
            "--endpoint",
            &url,
            "--default-graph",
            GRAPH,
            "--endpoint-timeout",
            "3",
            "--format",
            "json",
            q,
        ],
    );
    if out.status.success() {
        eprintln!("note: this Virtuoso answers direct POST queries");
        assert!(String::from_utf8_lossy(&out.stdout).contains("true"));
    } else {
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("did not answer within 3 s"), "{err}");
        assert!(err.contains("endpoint_method = \"form\""), "{err}");
    }

    // Real errors from a real server, each with exit code 2.
    let out = graph_query(
        dir.path(),
        home.path(),
        &[
            "--endpoint",
            &url.replace("/sparql", "/nowhere"),
            "--method",
            "form",
            q,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("(404 Not Found)"), "{}", stderr(&out));
    let shop = Shop::new();
    use_endpoint(
        shop.path(),
        &url,
        &[
            &default_graph,
            "endpoint_method = \"form\"",
            "endpoint_retries = 0",
        ],
    );
    std::fs::write(
        shop.path().join("templates/extra.txt.tmpl"),
        "---\nto: extra.txt\nsparql:\n  odd: \"SELECT (<urn:ggen:no-such-function>(1) AS ?x) WHERE {}\"\n---\n{{ sparql_results.odd }}\n",
    )
    .unwrap();
    let out = shop.ggen().args(["project", "gen"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("templates/extra.txt.tmpl:4: query `odd`: the SPARQL endpoint")
            && err.contains("failed (500 Internal Server Error): Virtuoso 42001 Error SR185"),
        "{err}"
    );
    assert!(!shop.generated().exists());
}
