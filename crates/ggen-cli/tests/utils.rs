//! `ggen utils doctor` and `ggen utils env`, logging (`GGEN_LOG`, `--log-format json`, stage
//! durations) and secret masking everywhere.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

use common::{Shop, ggen, json};

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// A registry served over HTTP on 127.0.0.1: `config.json` from a directory registry, 404 for
/// everything else. Runs until the test process ends.
fn http_registry(config_json: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
            let (status, body) = if path.ends_with("/config.json") {
                ("200 OK", config_json.clone())
            } else {
                ("404 Not Found", String::new())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}/reg/")
}

/// A port with nothing listening.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn dir_registry(root: &Path) -> String {
    ggen_pack::registry::DirRegistry::init(root, "local").unwrap();
    std::fs::read_to_string(root.join("config.json")).unwrap()
}

fn write_config(home: &Path, text: &str) {
    let dir = home.join("config");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

fn checks(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn status_of(doc: &serde_json::Value, name: &str) -> String {
    checks(doc)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no check {name}: {doc}"))
        .1
}

/// A healthy project: the shop example generated, a directory registry and an HTTP registry
/// that answer, an AI provider with its key.
fn healthy() -> (Shop, tempfile::TempDir) {
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let regs = tempfile::tempdir().unwrap();
    let config_json = dir_registry(&regs.path().join("dir"));
    let url = http_registry(config_json);
    write_config(
        shop.home.path(),
        &format!(
            "# my config\n[ai]\nprovider = \"openai\"\napi_key_env = \"GGEN_TEST_LLM_CREDENTIAL\"\n\n[[registry]]\nname = \"local\"\nindex = \"{}\"\nrequire_signatures = false\n\n[[registry]]\nname = \"web\"\nindex = \"{url}\"\n",
            regs.path().join("dir").display()
        ),
    );
    (shop, regs)
}

const LLM_SECRET: &str = "sk-test-7f3a9c1e5b2d8f4a";
const REGISTRY_SECRET: &str = "reg-token-5e8c2a7f91b3";

#[test]
fn doctor_on_a_healthy_project_exits_0() {
    let (shop, _regs) = healthy();
    let out = shop
        .ggen()
        .args(["utils", "doctor", "--json"])
        .env("GGEN_TEST_LLM_CREDENTIAL", LLM_SECRET)
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(doc["ok"], true);
    for name in [
        "ggen",
        "git",
        "config",
        "cache",
        "registries",
        "registry local",
        "registry web",
        "ai",
        "ggen.toml",
        "sources",
        "templates",
        "receipt",
        "hooks",
    ] {
        assert_eq!(status_of(&doc, name), "ok", "{name}: {doc:#}");
    }
    assert_eq!(status_of(&doc, "lockfile"), "skip");
    assert_eq!(doc["summary"]["fail"], 0);
    // The key is reported present, never printed.
    assert!(!text(&out.stdout).contains(LLM_SECRET));
    assert!(!text(&out.stderr).contains(LLM_SECRET));
    let human = shop
        .ggen()
        .args(["utils", "doctor"])
        .env("GGEN_TEST_LLM_CREDENTIAL", LLM_SECRET)
        .output()
        .unwrap();
    let stdout = text(&human.stdout);
    assert!(
        stdout.contains("key present in $GGEN_TEST_LLM_CREDENTIAL"),
        "{stdout}"
    );
    assert!(!stdout.contains(LLM_SECRET));
}

#[test]
fn doctor_names_each_problem_and_exits_1() {
    let (shop, _regs) = healthy();
    // A broken ggen.toml, a cache "directory" below a regular file (unwritable even for root),
    // an HTTP registry with nothing listening.
    std::fs::write(shop.path().join("ggen.toml"), "[project\nname = \"shop\"\n").unwrap();
    let blocker = shop.home.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let cache = blocker.join("cache");
    let port = closed_port();
    write_config(
        shop.home.path(),
        &format!("[[registry]]\nname = \"gone\"\nindex = \"http://127.0.0.1:{port}/\"\n"),
    );
    let run = |json_out: bool| {
        let mut c = shop.ggen();
        c.args(["utils", "doctor"]).env("GGEN_CACHE_DIR", &cache);
        if json_out {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    let out = run(false);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let fail_line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with("FAIL") && l.contains(name))
            .unwrap_or_else(|| panic!("no FAIL line for {name}:\n{stdout}"))
            .to_owned()
    };
    assert!(fail_line("ggen.toml").contains("ggen.toml:1"), "{stdout}");
    assert!(
        fail_line("cache").contains(&cache.display().to_string()),
        "{stdout}"
    );
    assert!(
        fail_line("registry gone").contains(&format!("127.0.0.1:{port}")),
        "{stdout}"
    );
    assert!(stdout.matches("fix:").count() >= 3, "{stdout}");
    let doc = json(&run(true));
    assert_eq!(doc["ok"], false);
    assert_eq!(status_of(&doc, "ggen.toml"), "fail");
    assert_eq!(status_of(&doc, "cache"), "fail");
    assert_eq!(status_of(&doc, "registry gone"), "fail");
    assert_eq!(doc["summary"]["fail"], 3);
}

/// Breaks one thing in a fresh shop; returns extra environment variables.
type Setup = Box<dyn Fn(&Shop) -> Vec<(String, String)>>;

#[test]
fn doctor_each_problem_alone_fails() {
    // Each problem on its own makes doctor exit 1, so no single check hides the others.
    let cases: Vec<(&str, Setup)> = vec![
        (
            "ggen.toml",
            Box::new(|s: &Shop| {
                std::fs::write(s.path().join("ggen.toml"), "[graph]\nsources = 3\n").unwrap();
                vec![]
            }),
        ),
        (
            "cache",
            Box::new(|s: &Shop| {
                let f = s.home.path().join("file");
                std::fs::write(&f, "x").unwrap();
                vec![("GGEN_CACHE_DIR".into(), f.display().to_string())]
            }),
        ),
        (
            "registry gone",
            Box::new(|s: &Shop| {
                write_config(
                    s.home.path(),
                    &format!(
                        "[[registry]]\nname = \"gone\"\nindex = \"http://127.0.0.1:{}/\"\n",
                        closed_port()
                    ),
                );
                vec![]
            }),
        ),
        (
            "config",
            Box::new(|s: &Shop| {
                write_config(s.home.path(), "[ai\n");
                vec![]
            }),
        ),
        (
            "registries",
            Box::new(|s: &Shop| {
                write_config(
                    s.home.path(),
                    "[[registry]]\nname = \"k\"\nindex = \"/x\"\ntrusted_keys = [\"not-a-key\"]\n",
                );
                vec![]
            }),
        ),
        (
            "ai",
            Box::new(|s: &Shop| {
                write_config(s.home.path(), "[ai]\nprovider = \"anthropic\"\n");
                vec![]
            }),
        ),
        (
            "receipt",
            Box::new(|s: &Shop| {
                let f = s.generated().join("sql/schema.sql");
                let t = std::fs::read_to_string(&f).unwrap();
                std::fs::write(&f, format!("{t}-- edited\n")).unwrap();
                vec![]
            }),
        ),
        (
            "hooks",
            Box::new(|s: &Shop| {
                std::fs::create_dir_all(s.path().join(".ggen")).unwrap();
                std::fs::write(
                    s.path().join(".ggen/hooks.toml"),
                    "[[hook]]\nname = \"x\"\nevent = \"pre-commit\"\ncommand = \"true\"\n",
                )
                .unwrap();
                std::process::Command::new("git")
                    .args(["init", "-q"])
                    .current_dir(s.path())
                    .status()
                    .unwrap();
                vec![]
            }),
        ),
    ];
    for (name, setup) in cases {
        let shop = Shop::new();
        shop.ggen()
            .args(["project", "gen", "-q"])
            .assert()
            .success();
        let env = setup(&shop);
        let mut c = shop.ggen();
        c.args(["utils", "doctor", "--json"])
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("GGEN_AI_PROVIDER");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        let doc = json(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {doc:#}");
        assert_eq!(status_of(&doc, name), "fail", "{name}: {doc:#}");
        assert_eq!(doc["summary"]["fail"], 1, "{name}: {doc:#}");
    }
}

#[test]
fn doctor_outside_a_project_and_offline() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        "[[registry]]\nname = \"web\"\nindex = \"http://127.0.0.1:9/\"\n",
    );
    let out = ggen(d.path(), home.path())
        .args(["utils", "doctor", "--offline", "--json"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(status_of(&doc, "project"), "skip");
    // Offline: the network is not used; nothing cached yet is a warning.
    assert_eq!(status_of(&doc, "registry web"), "warn");
}

#[test]
fn env_shows_dirs_config_registries_and_masks_secrets() {
    let (shop, _regs) = healthy();
    let add = "\n[publish]\nkey = \"k\"\n[extra]\npassword = \"config-pass-4f8e2a\"\n";
    let file = shop.home.path().join("config/config.toml");
    let mut cfg = std::fs::read_to_string(&file).unwrap();
    cfg = cfg.replace(
        "name = \"web\"\n",
        "name = \"web\"\ntoken_env = \"GGEN_PUBLISHING\"\n",
    );
    cfg.push_str(add);
    std::fs::write(&file, cfg).unwrap();
    let secrets = [
        ("GGEN_TEST_LLM_CREDENTIAL", LLM_SECRET),
        ("GGEN_PUBLISHING", REGISTRY_SECRET),
        ("GGEN_REGISTRY_TOKEN", "another-token-91c2d"),
        ("OPENAI_API_KEY", "sk-openai-d41d8cd98f00"),
    ];
    for args in [
        vec!["utils", "env"],
        vec!["utils", "env", "--json"],
        vec!["-vvv", "utils", "env"],
        vec!["-vvv", "utils", "env", "--json", "--log-format", "json"],
        vec!["-vvv", "utils", "doctor"],
        vec!["-vvv", "utils", "doctor", "--json"],
    ] {
        let mut c = shop.ggen();
        c.args(&args)
            .env("GGEN_LOG", "trace")
            .env("GGEN_MODE", "plain-visible-value");
        for (k, v) in secrets {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let all = format!("{}\n{}", text(&out.stdout), text(&out.stderr));
        for (_, v) in secrets {
            assert!(!all.contains(v), "{args:?} printed a secret:\n{all}");
        }
        assert!(!all.contains("config-pass-4f8e2a"), "{args:?}:\n{all}");
        if args.contains(&"--json") {
            let doc = json(&out);
            if args.contains(&"env") {
                assert_eq!(doc["env"]["GGEN_PUBLISHING"], "****");
                assert_eq!(doc["env"]["GGEN_TEST_LLM_CREDENTIAL"], "****");
                assert_eq!(doc["env"]["GGEN_REGISTRY_TOKEN"], "****");
                assert_eq!(doc["env"]["GGEN_MODE"], "plain-visible-value");
                assert_eq!(doc["config"]["extra.password"], "****");
                assert_eq!(doc["config"]["ai.provider"], "openai");
                assert_eq!(
                    doc["dirs"]["cache_dir"],
                    shop.home.path().join("cache").display().to_string()
                );
                assert_eq!(doc["dirs"]["config_file"], file.display().to_string());
                let regs = doc["registries"].as_array().unwrap();
                assert_eq!(regs.len(), 2);
                assert_eq!(regs[1]["token_env"], "GGEN_PUBLISHING");
                assert_eq!(regs[1]["token_set"], true);
            }
        } else if args.contains(&"env") {
            let stdout = text(&out.stdout);
            assert!(stdout.contains("GGEN_PUBLISHING=****"), "{stdout}");
            assert!(stdout.contains("GGEN_MODE=plain-visible-value"), "{stdout}");
            assert!(stdout.contains("local"), "{stdout}");
        }
    }
}

#[test]
fn env_set_persists_typed_values_and_keeps_comments() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), "# keep me\n[ai]\nmodel = \"a\" # and me\n");
    let out = ggen(d.path(), home.path())
        .args([
            "utils",
            "env",
            "--set",
            "ai.model=gpt-4o",
            "--set",
            "ai.max_tokens=2048",
            "--set",
            "ai.stream=true",
            "--set",
            "cache.dirs=[\"a\", \"b\"]",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_eq!(doc["set"].as_array().unwrap().len(), 4);
    assert_eq!(doc["config"]["ai.max_tokens"], 2048);
    assert_eq!(doc["config"]["ai.stream"], true);
    let text_now = std::fs::read_to_string(home.path().join("config/config.toml")).unwrap();
    assert!(
        text_now.starts_with("# keep me\n[ai]\nmodel = \"gpt-4o\" # and me\n"),
        "{text_now}"
    );
    assert!(text_now.contains("max_tokens = 2048"), "{text_now}");
    assert!(text_now.contains("[cache]"), "{text_now}");
    // --config FILE redirects reads and writes.
    let other = d.path().join("other.toml");
    ggen(d.path(), home.path())
        .args([
            "--config",
            other.to_str().unwrap(),
            "utils",
            "env",
            "--set",
            "x=1",
        ])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "x = 1\n");
    // A secret-looking key's value is not echoed.
    let out = ggen(d.path(), home.path())
        .args(["utils", "env", "--set", "extra.api_token=tok-abcdef-123456"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !text(&out.stdout).contains("tok-abcdef-123456"),
        "{}",
        text(&out.stdout)
    );
    // Bad input: exit 2 with a clear message; the file is unchanged.
    let before = std::fs::read_to_string(home.path().join("config/config.toml")).unwrap();
    for bad in ["novalue", "ai=x", "ai.model.x=1"] {
        let out = ggen(d.path(), home.path())
            .args(["utils", "env", "--set", bad, "--json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert_eq!(json(&out)["ok"], false);
    }
    assert_eq!(
        std::fs::read_to_string(home.path().join("config/config.toml")).unwrap(),
        before
    );
    // A broken config file is reported with file:line:col.
    write_config(home.path(), "[ai]\nmodel = \n");
    let out = ggen(d.path(), home.path())
        .args(["utils", "env", "--set", "a=1", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "config-syntax");
    assert_eq!(doc["error"]["line"], 2);
}

#[test]
fn ggen_log_debug_shows_pipeline_stage_durations() {
    let shop = Shop::new();
    let out = shop
        .ggen()
        .args(["project", "gen"])
        .env("GGEN_LOG", "ggen=debug")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = text(&out.stderr);
    for stage in ["load", "render", "plan", "template"] {
        let line = err
            .lines()
            .find(|l| l.contains(&format!("{stage}: ggen_engine")) && l.contains(" close "))
            .unwrap_or_else(|| panic!("no duration for stage {stage}:\n{err}"));
        assert!(line.contains("time.busy="), "{line}");
    }
    // -vv (info, ggen=debug) shows the same spans without GGEN_LOG.
    let shop = Shop::new();
    let out = shop
        .ggen()
        .args(["-vv", "project", "gen"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.lines()
            .any(|l| l.contains("render: ggen_engine") && l.contains("time.busy=")),
        "{err}"
    );
    // Without GGEN_LOG or -v, nothing is logged.
    let shop = Shop::new();
    let out = shop.ggen().args(["project", "gen", "-q"]).output().unwrap();
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    // JSON log lines: one object per line with the span name and its duration.
    let shop = Shop::new();
    let out = shop
        .ggen()
        .args(["project", "gen", "-q", "--log-format", "json"])
        .env("GGEN_LOG", "ggen=debug")
        .output()
        .unwrap();
    let mut stages = Vec::new();
    for line in text(&out.stderr).lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if v["fields"]["message"] == "close" {
            assert!(v["fields"]["time.busy"].is_string(), "{line}");
            stages.push(v["span"]["name"].as_str().unwrap().to_owned());
        }
    }
    for stage in ["load", "render", "plan"] {
        assert!(stages.iter().any(|s| s == stage), "{stages:?}");
    }
    // The second run takes the fast path, also timed.
    let out = shop
        .ggen()
        .args(["project", "gen", "-q"])
        .env("GGEN_LOG", "ggen=debug")
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("fast_path"),
        "{}",
        text(&out.stderr)
    );
    // An invalid filter is reported, and the command still runs.
    let out = shop
        .ggen()
        .args(["project", "gen"])
        .env("GGEN_LOG", "ggen=notalevel")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("GGEN_LOG"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn secrets_never_reach_log_lines() {
    // The project name is logged (span field `project`) and here equals a secret from the
    // environment: the log writer must mask it, while the JSON result (stdout) is untouched.
    let secret = "ghp_0123456789abcdefSECRET";
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("make.toml"),
        format!("[project]\nname = \"{secret}\"\n[lifecycle.build]\ncommand = \"true\"\n"),
    )
    .unwrap();
    for format in ["text", "json"] {
        let out = ggen(d.path(), home.path())
            .args([
                "--log-format",
                format,
                "lifecycle",
                "run",
                "build",
                "--json",
            ])
            .env("GGEN_LOG", "trace")
            .env("GITHUB_TOKEN", secret)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(json(&out)["project"], secret);
        let err = text(&out.stderr);
        assert!(err.contains("ggen.lifecycle.run"), "{err}");
        assert!(err.contains("****"), "{err}");
        assert!(!err.contains(secret), "{err}");
        // Without the variable the name is not a secret and is logged as is.
        let out = ggen(d.path(), home.path())
            .args(["--log-format", format, "lifecycle", "run", "build"])
            .env("GGEN_LOG", "trace")
            .env_remove("GITHUB_TOKEN")
            .output()
            .unwrap();
        assert!(text(&out.stderr).contains(secret));
    }
}

/// With the `otel` feature, spans reach an OTLP/HTTP collector (a fake one on 127.0.0.1).
#[cfg(feature = "otel")]
#[test]
fn otel_exports_spans_over_otlp_http() {
    use std::io::Read;
    use std::sync::mpsc;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel::<(String, Vec<u8>)>();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = tx.send((head, body));
        }
    });
    let shop = Shop::new();
    let out = shop
        .ggen()
        .args(["project", "gen", "-q"])
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (head, body) = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("no OTLP request");
    assert!(head.starts_with("POST /v1/traces "), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("application/x-protobuf"),
        "{head}"
    );
    let find = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    for span in [&b"load"[..], b"render", b"plan", b"ggen"] {
        assert!(
            find(span),
            "span {:?} not exported",
            String::from_utf8_lossy(span)
        );
    }
}
