//! The `ggen-registry` binary: `token create`, `serve` with structured JSON logs carrying
//! request ids (and never a token, even at debug level), and graceful shutdown on SIGTERM that
//! lets an in-flight publish finish while refusing new connections.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use ggen_pack::registry::publish_http;

const BIN: &str = env!("CARGO_BIN_EXE_ggen-registry");

fn cmd(data: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data").arg(data);
    for v in [
        "GGEN_REGISTRY_DATABASE",
        "GGEN_REGISTRY_STORAGE",
        "GGEN_REGISTRY_CONFIG",
        "GGEN_REGISTRY_BIND",
    ] {
        c.env_remove(v);
    }
    c
}

fn create_token(data: &Path, scopes: &[&str]) -> String {
    let mut c = cmd(data);
    c.args(["token", "create", "--name", "ci"]);
    for s in scopes {
        c.args(["--scope", s]);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Start `serve` on a free port; returns the child, its base URL and the log file.
fn serve(data: &Path, log: &Path, extra_env: &[(&str, &str)]) -> (Child, String) {
    let mut c = cmd(data);
    c.args(["serve", "--bind", "127.0.0.1:0"])
        .env("GGEN_REGISTRY_RATE_LIMIT_IP", "0")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap());
    for (k, v) in extra_env {
        c.env(k, v);
    }
    let mut child = c.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("ggen-registry listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, format!("{url}/"))
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn token_command_validates_scopes() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let out = cmd(&data)
        .args(["token", "create", "--name", "x", "--scope", "superuser"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid scope `superuser`"), "{err}");
    let tok = create_token(&data, &["publish:io.acme", "admin"]);
    assert!(tok.starts_with("ggr_1_") && tok.len() == 6 + 64, "{tok}");
    let list = cmd(&data).args(["token", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    assert_eq!(text, "1\tci\tpublish:io.acme admin\tactive\n");
    assert!(!text.contains(&tok[6..]));
    let out = cmd(&data).args(["token", "revoke", "1"]).output().unwrap();
    assert!(out.status.success());
    let list = cmd(&data).args(["token", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).ends_with("\trevoked\n"));
}

#[test]
fn serve_logs_json_with_request_ids_and_never_tokens() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let token = create_token(&data, &["publish:*"]);
    let log = t.path().join("server.log");
    let (mut child, url) = serve(&data, &log, &[("GGEN_REGISTRY_LOG", "debug")]);

    let b = pack(t.path(), "io.log.pack", "1.0.0", None);
    let api = format!("{url}api/v1");
    publish_http(&api, &token, &b.line, &b.archive, &http_opts()).unwrap();
    let bogus = format!("ggr_1_{}", "c".repeat(64));
    let r = request(
        "PUT",
        &format!("{api}/packs"),
        &[
            ("authorization", &format!("Bearer {bogus}")),
            ("x-request-id", "bad-token-call"),
        ],
        Some(b"x"),
    );
    r.assert_error(401, "unauthorized");
    let r = request(
        "GET",
        &format!("{url}index/io.log.pack"),
        &[
            ("x-request-id", "trace-me-123"),
            ("authorization", &format!("Bearer {token}")),
        ],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-request-id"), Some("trace-me-123"));
    let generated = get(&format!("{url}healthz"));
    let generated_id = generated.header("x-request-id").unwrap().to_owned();

    sigterm(&child);
    assert!(wait_exit(&mut child).success());
    let text = std::fs::read_to_string(&log).unwrap();
    let secret = token.rsplit('_').next().unwrap();
    assert!(!text.contains(secret), "the token leaked into the log");
    assert!(!text.contains(&"c".repeat(64)), "a presented token leaked");
    assert!(!text.to_lowercase().contains("bearer"), "{text}");
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let request_line = |id: &str| {
        events
            .iter()
            .find(|e| e["message"] == "request" && e["span"]["request_id"] == id)
            .unwrap_or_else(|| panic!("no access log line for {id}:\n{text}"))
            .clone()
    };
    let e = request_line("trace-me-123");
    assert_eq!(e["level"], "INFO");
    assert_eq!(e["method"], "GET");
    assert_eq!(e["path"], "/index/io.log.pack");
    assert_eq!(e["route"], "/index/{id}");
    assert_eq!(e["status"], 200);
    assert!(e["duration_ms"].is_f64());
    assert_eq!(request_line("bad-token-call")["status"], 401);
    request_line(&generated_id);
    // the publish is logged with its request id
    assert!(
        events.iter().any(|e| e["message"] == "published"
            && e["pack"] == "io.log.pack"
            && e["span"]["request_id"].is_string()),
        "{text}"
    );
    assert!(events.iter().any(|e| e["message"] == "listening"));
    assert!(events.iter().any(|e| e["message"] == "stopped"));
}

#[test]
fn sigterm_lets_an_in_flight_publish_finish() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let token = create_token(&data, &["publish:*"]);
    let log = t.path().join("server.log");
    let (mut child, url) = serve(&data, &log, &[]);
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let b = pack(t.path(), "io.slow.pack", "1.0.0", None);
    let body = body(&b);
    let (first, rest) = body.split_at(body.len() / 2);

    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "PUT /api/v1/packs HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/vnd.ggen.publish.v1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    conn.write_all(first).unwrap();
    conn.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    sigterm(&child);
    // new connections are refused once shutdown began
    let start = Instant::now();
    while std::net::TcpStream::connect(&addr).is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still accepting connections"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(child.try_wait().unwrap().is_none(), "exited too early");
    // the request in flight completes
    conn.write_all(rest).unwrap();
    let mut resp = String::new();
    conn.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("\"vers\":\"1.0.0\""), "{resp}");
    assert!(wait_exit(&mut child).success());
    // and it was stored: a new server on the same data serves it
    let log2 = t.path().join("server2.log");
    let (mut child2, url2) = serve(&data, &log2, &[]);
    assert_eq!(
        get(&format!("{url2}packs/io.slow.pack/1.0.0.tar.gz")).body,
        b.archive
    );
    sigterm(&child2);
    assert!(wait_exit(&mut child2).success());
}
