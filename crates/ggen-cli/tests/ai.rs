//! `ggen ai …` end to end: the mock provider offline, and each provider's wire format against a
//! scripted HTTP server on 127.0.0.1 (no test reaches the internet).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Shop, ggen, json, repo_root};
use ggen_ai::testing::{Reply, ScriptedServer};
use serde_json::{Value, json};

const KEY: &str = "sk-ggen-test-7c1d93e0ab";

fn tmp() -> (tempfile::TempDir, tempfile::TempDir) {
    (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap())
}

/// A `ggen` command with no AI settings from the environment of the test process.
fn ai_cmd(dir: &Path, home: &Path) -> assert_cmd::Command {
    let mut c = ggen(dir, home);
    for v in [
        "GGEN_AI_PROVIDER",
        "GGEN_AI_MODEL",
        "GGEN_AI_BASE_URL",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "OLLAMA_HOST",
    ] {
        c.env_remove(v);
    }
    c
}

/// Fails when the key, or any 8 consecutive characters of it, appears in `text` (trace logs
/// can cut a header across lines, e.g. in hex dumps).
fn assert_no_key(text: &str) {
    let chars: Vec<char> = KEY.chars().collect();
    for w in chars.windows(8) {
        let piece: String = w.iter().collect();
        assert!(
            !text.contains(&piece),
            "part of the key (`{piece}`) leaked:\n{text}"
        );
    }
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A mock responses file (YAML list of block scalars).
fn mock_file(dir: &Path, replies: &[&str]) -> std::path::PathBuf {
    let mut yaml = String::new();
    for r in replies {
        yaml.push_str("- |-\n");
        for line in r.lines() {
            yaml.push_str("  ");
            yaml.push_str(line);
            yaml.push('\n');
        }
    }
    let p = dir.join("replies.yaml");
    std::fs::write(&p, yaml).unwrap();
    p
}

const BROKEN_SYNTAX: &str = "```turtle\n@prefix ex: <http://example.org/library#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\nex:Book a owl:Class ;\n    rdfs:label \"Book .\n```";

const NO_RANGE: &str = "```turtle\n@prefix ex: <http://example.org/library#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\nex:Book a owl:Class ;\n    rdfs:label \"Book\" .\n\nex:title a owl:DatatypeProperty ;\n    rdfs:label \"title\" ;\n    rdfs:domain ex:Book .\n```";

const VALID_TTL: &str = "@prefix ex: <http://example.org/library#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\nex:Book a owl:Class ;\n    rdfs:label \"Book\" .\n\nex:title a owl:DatatypeProperty ;\n    rdfs:label \"title\" ;\n    rdfs:domain ex:Book ;\n    rdfs:range xsd:string .\n";

fn valid_reply() -> String {
    format!("Here it is:\n\n```turtle\n{VALID_TTL}```\n")
}

fn openai_ok(text: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "model": "gpt-test",
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": text }, "finish_reason": "stop" }]
        }),
    )
}

/// The user messages of a recorded OpenAI-style request.
fn last_user_message(body: &Value) -> String {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .unwrap()["content"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_ai_command_has_a_summary_and_an_example() {
    let (d, h) = tmp();
    for sub in [
        vec!["ai"],
        vec!["ai", "generate-ontology"],
        vec!["ai", "sparql"],
        vec!["ai", "generate"],
        vec!["ai", "chat"],
        vec!["ai", "analyze"],
    ] {
        let o = ai_cmd(d.path(), h.path())
            .args(&sub)
            .arg("--help")
            .output()
            .unwrap();
        assert!(o.status.success(), "{sub:?}");
        assert!(stdout(&o).contains("Example"), "{sub:?}:\n{}", stdout(&o));
    }
}

#[test]
fn no_provider_configured_is_a_clear_error() {
    let (d, h) = tmp();
    let o = ai_cmd(d.path(), h.path())
        .args(["ai", "chat", "--message", "hi"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no AI provider configured"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn generate_ontology_repair_loop_with_the_mock_takes_three_rounds_and_writes_the_third() {
    let (d, h) = tmp();
    let replies = mock_file(d.path(), &[BROKEN_SYNTAX, NO_RANGE, &valid_reply()]);
    write(
        &d.path().join("ggen.toml"),
        "[project]\nname = \"lib\"\nversion = \"0.1.0\"\n",
    );
    let o = ai_cmd(d.path(), h.path())
        .env("GGEN_AI_PROVIDER", "mock")
        .args(["--json", "ai", "generate-ontology", "A library with books"])
        .arg("--mock-responses")
        .arg(&replies)
        .args(["--out", "ontology/library.ttl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["ok"], true);
    let rounds = doc["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 3);
    assert_eq!(rounds[0]["errors"][0]["code"], "turtle-syntax");
    assert_eq!(rounds[1]["errors"][0]["code"], "property-without-range");
    assert_eq!(
        rounds[1]["errors"][0]["message"],
        "property ex:title has no rdfs:range"
    );
    assert_eq!(rounds[2]["errors"], json!([]));
    assert_eq!(
        std::fs::read_to_string(d.path().join("ontology/library.ttl")).unwrap(),
        VALID_TTL
    );
    assert_eq!(doc["output"], "ontology/library.ttl");
    assert_eq!(doc["sidecar"], ".ggen/ai/library.json");
    let rec: Value = serde_json::from_str(
        &std::fs::read_to_string(d.path().join(".ggen/ai/library.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(rec["provider"], "mock");
    assert_eq!(rec["rounds"].as_array().unwrap().len(), 3);
    assert_eq!(rec["result_sha256"], doc["result_sha256"]);
    assert_eq!(
        rec["result_sha256"],
        ggen_core::hash::sha256_hex(VALID_TTL.as_bytes())
    );
}

#[test]
fn generate_ontology_human_output_lists_each_round() {
    let (d, h) = tmp();
    let replies = mock_file(d.path(), &[NO_RANGE, &valid_reply()]);
    let o = ai_cmd(d.path(), h.path())
        .env("GGEN_AI_PROVIDER", "mock")
        .args(["ai", "generate-ontology", "A library"])
        .arg("--mock-responses")
        .arg(&replies)
        .args(["--out", "lib.ttl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("round 1: 1 problem\n  - line 9: property ex:title has no rdfs:range [property-without-range]\nround 2: passed\nwrote lib.ttl (1 classes, 1 properties"),
        "{out}"
    );
    assert!(d.path().join(".ggen/ai/lib.json").exists());
}

#[test]
fn generate_ontology_when_every_round_fails_writes_nothing_and_exits_1_with_the_last_errors() {
    let (d, h) = tmp();
    let replies = mock_file(d.path(), &[BROKEN_SYNTAX, BROKEN_SYNTAX, NO_RANGE]);
    let before = common::tree(d.path());
    let o = ai_cmd(d.path(), h.path())
        .env("GGEN_AI_PROVIDER", "mock")
        .args(["ai", "generate-ontology", "A library"])
        .arg("--mock-responses")
        .arg(&replies)
        .args(["--out", "ontology/library.ttl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("did not pass the checks after 3 rounds; nothing was written"),
        "{out}"
    );
    assert!(out.contains("property ex:title has no rdfs:range"), "{out}");
    assert_eq!(
        common::tree(d.path()),
        before,
        "nothing written, not even the record"
    );

    // --json: one document, ok false, the rounds with their errors.
    let o = ai_cmd(d.path(), h.path())
        .env("GGEN_AI_PROVIDER", "mock")
        .args([
            "--json",
            "ai",
            "generate-ontology",
            "A library",
            "--max-rounds",
            "2",
        ])
        .arg("--mock-responses")
        .arg(&replies)
        .args(["--out", "ontology/library.ttl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["rounds"].as_array().unwrap().len(), 2);
    assert_eq!(common::tree(d.path()), before);
}

#[test]
fn generate_ontology_over_http_sends_each_rounds_errors_and_never_shows_the_key() {
    let server = ScriptedServer::start(vec![
        openai_ok(BROKEN_SYNTAX),
        openai_ok(NO_RANGE),
        openai_ok(&valid_reply()),
    ])
    .unwrap();
    let (d, h) = tmp();
    let o = ai_cmd(d.path(), h.path())
        .env("OPENAI_API_KEY", KEY)
        .env("GGEN_LOG", "trace")
        .args([
            "-vvv",
            "--json",
            "ai",
            "generate-ontology",
            "A library with books",
        ])
        .args([
            "--provider",
            "openai",
            "--model",
            "gpt-test",
            "--max-tokens",
            "321",
            "--temperature",
            "0.3",
        ])
        .arg("--base-url")
        .arg(format!("{}/v1", server.url()))
        .args(["--out", "library.ttl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3, "exactly three calls");
    for r in &reqs {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        let b = r.json();
        assert_eq!(b["model"], "gpt-test");
        assert_eq!(b["max_tokens"], 321);
        assert_eq!(b["temperature"], 0.3);
    }
    let doc = json(&o);
    let rounds = doc["rounds"].as_array().unwrap();
    let p2 = last_user_message(&reqs[1].json());
    let e1 = rounds[0]["errors"][0]["message"].as_str().unwrap();
    assert!(e1.starts_with("invalid Turtle"), "{e1}");
    assert!(p2.contains(e1) && p2.contains("line 5, column 16"), "{p2}");
    let p3 = last_user_message(&reqs[2].json());
    assert!(p3.contains("property ex:title has no rdfs:range"), "{p3}");
    assert!(!p3.contains(e1), "{p3}");
    assert_eq!(
        std::fs::read_to_string(d.path().join("library.ttl")).unwrap(),
        VALID_TTL
    );
    let logs = stderr(&o);
    assert!(
        logs.contains("TRACE") || logs.contains("DEBUG"),
        "logging was on:\n{logs}"
    );
    assert_no_key(&stdout(&o));
    assert_no_key(&logs);
    for f in common::walk(d.path()) {
        assert_no_key(&String::from_utf8_lossy(&std::fs::read(&f).unwrap()));
    }
}

#[test]
fn unauthorized_exits_2_saying_check_your_api_key_without_showing_it() {
    for verbose in [false, true] {
        let echo = format!("Incorrect API key provided: {KEY}. You can find your key at …");
        let server = ScriptedServer::start(vec![Reply::json(
            401,
            &json!({"error": {"message": echo, "type": "invalid_request_error"}}),
        )])
        .unwrap();
        let (d, h) = tmp();
        let mut c = ai_cmd(d.path(), h.path());
        c.env("OPENAI_API_KEY", KEY);
        if verbose {
            c.env("GGEN_LOG", "trace").arg("-vvv");
        }
        let o = c
            .args(["ai", "chat", "--message", "hello", "--provider", "openai"])
            .arg("--base-url")
            .arg(format!("{}/v1", server.url()))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains("check your API key"), "{err}");
        assert!(
            err.contains("HTTP 401") && err.contains("OPENAI_API_KEY"),
            "{err}"
        );
        assert!(
            err.contains("Incorrect API key provided: [redacted]"),
            "{err}"
        );
        assert_no_key(&err);
        assert_no_key(&stdout(&o));
    }
    // --json: the error document names the code.
    let server = ScriptedServer::start(vec![Reply::json(
        403,
        &json!({"error": {"message": "forbidden"}}),
    )])
    .unwrap();
    let (d, h) = tmp();
    let o = ai_cmd(d.path(), h.path())
        .env("ANTHROPIC_API_KEY", KEY)
        .args([
            "--json",
            "ai",
            "chat",
            "-m",
            "hi",
            "--provider",
            "anthropic",
            "--base-url",
        ])
        .arg(server.url())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "ai-auth");
    assert_no_key(&stdout(&o));
    assert_no_key(&stderr(&o));
}

#[test]
fn config_file_then_environment_then_flags() {
    let replies: Vec<Reply> = (0..3).map(|i| openai_ok(&format!("answer {i}"))).collect();
    let server = ScriptedServer::start(replies).unwrap();
    let (d, h) = tmp();
    write(
        &h.path().join("config/config.toml"),
        &format!(
            "[ai]\nprovider = \"openai\"\nmodel = \"cfg-model\"\nbase_url = \"{}/v1\"\napi_key_env = \"MY_TEST_KEY\"\nmax_tokens = 11\ntemperature = 0.1\ntimeout = 30\n",
            server.url()
        ),
    );
    let run = |env_model: Option<&str>, flags: &[&str]| {
        let mut c = ai_cmd(d.path(), h.path());
        if let Some(m) = env_model {
            c.env("GGEN_AI_MODEL", m);
        }
        let o = c
            .env("MY_TEST_KEY", KEY)
            .args(["--json", "ai", "chat", "-m", "hi"])
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        json(&o)
    };
    let doc = run(None, &[]);
    assert_eq!(doc["turns"][0]["assistant"], "answer 0");
    run(Some("env-model"), &[]);
    run(
        Some("env-model"),
        &[
            "--model",
            "flag-model",
            "--max-tokens",
            "22",
            "--temperature",
            "0.7",
        ],
    );
    let reqs = server.requests();
    let bodies: Vec<Value> = reqs.iter().map(|r| r.json()).collect();
    assert_eq!(
        bodies
            .iter()
            .map(|b| b["model"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["cfg-model", "env-model", "flag-model"]
    );
    assert_eq!(bodies[0]["max_tokens"], 11);
    assert_eq!(bodies[0]["temperature"], 0.1);
    assert_eq!(bodies[2]["max_tokens"], 22);
    assert_eq!(bodies[2]["temperature"], 0.7);
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn config_file_errors_name_the_file_and_setting() {
    let (d, h) = tmp();
    let o = ai_cmd(d.path(), h.path())
        .args([
            "--config",
            "missing.toml",
            "ai",
            "chat",
            "-m",
            "hi",
            "--provider",
            "mock",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
    write(
        &d.path().join("c.toml"),
        "[ai]\nprovider = \"mock\"\ntemperature = \"hot\"\n",
    );
    let o = ai_cmd(d.path(), h.path())
        .args(["--config", "c.toml", "ai", "chat", "-m", "hi"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("temperature") && stderr(&o).contains("expected a number"),
        "{}",
        stderr(&o)
    );
    write(
        &d.path().join("c.toml"),
        "[ai]\nprovider = \"mock\"\nmodel = \"from-config\"\n",
    );
    let o = ai_cmd(d.path(), h.path())
        .args(["--json", "--config", "c.toml", "ai", "chat", "-m", "hi"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["model"], "from-config");
}

#[test]
fn anthropic_and_ollama_from_the_command_line_carry_their_headers() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            200,
            &json!({"content": [{"type": "text", "text": "claude says hi"}], "stop_reason": "end_turn"}),
        ),
        Reply::json(
            200,
            &json!({"message": {"role": "assistant", "content": "llama says hi"}, "done": true}),
        ),
    ])
    .unwrap();
    let (d, h) = tmp();
    let o = ai_cmd(d.path(), h.path())
        .env("ANTHROPIC_API_KEY", KEY)
        .env("GGEN_AI_PROVIDER", "anthropic")
        .env("GGEN_AI_BASE_URL", server.url())
        .args([
            "--json",
            "ai",
            "chat",
            "-m",
            "hi",
            "--model",
            "claude-test",
            "--max-tokens",
            "77",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["turns"][0]["assistant"], "claude says hi");
    let host = server.url().trim_start_matches("http://").to_owned();
    let o = ai_cmd(d.path(), h.path())
        .env("GGEN_AI_PROVIDER", "ollama")
        .env("OLLAMA_HOST", &host)
        .args([
            "--json",
            "ai",
            "chat",
            "-m",
            "hi",
            "--model",
            "llama-test",
            "--temperature",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["turns"][0]["assistant"], "llama says hi");
    let reqs = server.requests();
    assert_eq!(reqs[0].path, "/v1/messages");
    assert_eq!(reqs[0].header("x-api-key"), Some(KEY));
    assert_eq!(reqs[0].header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(reqs[0].json()["model"], "claude-test");
    assert_eq!(reqs[0].json()["max_tokens"], 77);
    assert_eq!(reqs[1].path, "/api/chat");
    assert_eq!(reqs[1].json()["model"], "llama-test");
    assert_eq!(reqs[1].json()["options"]["temperature"], 0.0);
    assert_eq!(reqs[1].header("authorization"), None);
}

#[test]
fn chat_streams_to_the_terminal_and_keeps_history_across_turns() {
    let server = ScriptedServer::start(vec![
        Reply::sse(&[
            r#"{"choices":[{"delta":{"content":"Hello"}}]}"#,
            r#"{"choices":[{"delta":{"content":" there"}}]}"#,
            "[DONE]",
        ]),
        Reply::sse(&[r#"{"choices":[{"delta":{"content":"Second."}}]}"#, "[DONE]"]),
    ])
    .unwrap();
    let (d, h) = tmp();
    let o = ai_cmd(d.path(), h.path())
        .env("OPENAI_API_KEY", KEY)
        .args([
            "ai",
            "chat",
            "--provider",
            "openai",
            "-m",
            "first",
            "-m",
            "second",
            "--base-url",
        ])
        .arg(format!("{}/v1", server.url()))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Hello there\n\nSecond.\n");
    let reqs = server.requests();
    assert_eq!(reqs[0].json()["stream"], true);
    let second = reqs[1].json();
    let msgs: Vec<(String, String)> = second["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap().to_owned(),
                m["content"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(msgs[1], ("user".into(), "first".into()));
    assert_eq!(msgs[2], ("assistant".into(), "Hello there".into()));
    assert_eq!(msgs[3], ("user".into(), "second".into()));
}

#[test]
fn rate_limits_and_server_errors_are_retried_from_the_command_line() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, &json!({"error": {"message": "slow down"}})).header("retry-after", "1"),
        openai_ok("after 429"),
        Reply::json(500, &json!({"error": {"message": "boom"}})),
        Reply::json(503, &json!({"error": {"message": "busy"}})),
        openai_ok("after two 5xx"),
    ])
    .unwrap();
    let (d, h) = tmp();
    for expected in ["after 429", "after two 5xx"] {
        let o = ai_cmd(d.path(), h.path())
            .env("OPENAI_API_KEY", KEY)
            .args([
                "--json",
                "ai",
                "chat",
                "-m",
                "hi",
                "--provider",
                "openai",
                "--base-url",
            ])
            .arg(format!("{}/v1", server.url()))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(json(&o)["turns"][0]["assistant"], expected);
        assert!(stderr(&o).contains("retrying"), "{}", stderr(&o));
    }
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn invalid_json_empty_answers_and_timeouts_exit_2_with_clear_messages() {
    let server = ScriptedServer::start(vec![
        Reply::text(200, "this is not json"),
        Reply::json(200, &json!({"choices": [{"message": {"role": "assistant", "content": ""}, "finish_reason": "stop"}]})),
        openai_ok("too late").delayed(Duration::from_secs(4)),
    ])
    .unwrap();
    let (d, h) = tmp();
    for (expected, code) in [
        (
            "sent an invalid response: the body is not valid JSON",
            "ai-invalid-response",
        ),
        ("sent a response with no content", "ai-empty-response"),
        ("did not answer within 1s", "ai-timeout"),
    ] {
        let o = ai_cmd(d.path(), h.path())
            .env("OPENAI_API_KEY", KEY)
            .args([
                "--json",
                "ai",
                "chat",
                "-m",
                "hi",
                "--provider",
                "openai",
                "--timeout",
                "1",
                "--base-url",
            ])
            .arg(format!("{}/v1", server.url()))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{}", stderr(&o));
        assert_eq!(json(&o)["error"]["code"], code);
    }
}

#[test]
fn sparql_on_the_shop_example_runs_the_drafted_query() {
    let shop = Shop::new();
    let replies = mock_file(
        shop.path(),
        &[
            "```sparql\nSELECT ?class ?label WHERE {\n  ?class rdfs:subClassOf shop:Product ;\n         rdfs:label ?label .\n} ORDER BY ?class\n```",
        ],
    );
    let o = shop
        .ggen()
        .env_remove("GGEN_AI_MODEL")
        .env("GGEN_AI_PROVIDER", "mock")
        .args([
            "--json",
            "ai",
            "sparql",
            "Which kinds of product are there?",
        ])
        .arg("--mock-responses")
        .arg(&replies)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["rounds"].as_array().unwrap().len(), 1);
    let rows: Vec<(String, String)> = doc["results"]["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["class"]["value"].as_str().unwrap().to_owned(),
                b["label"]["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "http://example.org/shop#DigitalProduct".to_owned(),
                "Digital product".to_owned()
            ),
            (
                "http://example.org/shop#PhysicalProduct".to_owned(),
                "Physical product".to_owned()
            ),
        ]
    );
    assert!(doc["vocabulary"]["classes"].as_u64().unwrap() >= 10);

    // Human output: the query, then a table.
    let o = shop
        .ggen()
        .env("GGEN_AI_PROVIDER", "mock")
        .args(["ai", "sparql", "Which kinds of product are there?"])
        .arg("--mock-responses")
        .arg(&replies)
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.starts_with("SELECT ?class ?label WHERE {"), "{out}");
    assert!(
        out.contains("| shop:DigitalProduct  | Digital product  |"),
        "{out}"
    );
    assert!(out.contains("2 row(s)"), "{out}");
}

#[test]
fn sparql_prompt_is_grounded_in_the_graph_and_an_invalid_query_gets_one_repair_round() {
    let shop = Shop::new();
    let server = ScriptedServer::start(vec![
        openai_ok("```sparql\nSELECT ?class WHERE {\n  ?class rdfs:subClassOf shop:Product \n```"),
        openai_ok("```sparql\nSELECT ?class WHERE { ?class rdfs:subClassOf shop:Product } ORDER BY ?class\n```"),
    ])
    .unwrap();
    let o = shop
        .ggen()
        .env("OPENAI_API_KEY", KEY)
        .env_remove("GGEN_AI_PROVIDER")
        .args([
            "--json",
            "ai",
            "sparql",
            "Which kinds of product are there?",
            "--provider",
            "openai",
            "--base-url",
        ])
        .arg(format!("{}/v1", server.url()))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    let rounds = doc["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2, "one repair round");
    assert_eq!(rounds[0]["errors"][0]["code"], "sparql-syntax");
    assert_eq!(
        doc["results"]["results"]["bindings"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let first = last_user_message(&reqs[0].json());
    for grounded in [
        "PREFIX shop: <http://example.org/shop#>",
        "- shop:Product \"Product\" — Something the shop sells.",
        "shop:PhysicalProduct",
        "(datatype)",
        "Which kinds of product are there?",
    ] {
        assert!(
            first.contains(grounded),
            "`{grounded}` missing from:\n{first}"
        );
    }
    let repair = last_user_message(&reqs[1].json());
    let err = rounds[0]["errors"][0]["message"].as_str().unwrap();
    assert!(repair.contains(err), "{repair}");
}

#[test]
fn sparql_that_never_parses_exits_1() {
    let shop = Shop::new();
    let replies = mock_file(shop.path(), &["SELECT WHERE", "SELECT WHERE {"]);
    let o = shop
        .ggen()
        .env("GGEN_AI_PROVIDER", "mock")
        .args(["ai", "sparql", "anything", "--max-rounds", "2"])
        .arg("--mock-responses")
        .arg(&replies)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("the query did not pass the checks after 2 rounds"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn generate_template_is_repaired_until_template_lint_passes() {
    let shop = Shop::new();
    let bad = "````tmpl\n---\nto: \"docs/{{ row.class | local }}.md\"\nforeach: clases\nsparql:\n  classes: |\n    SELECT ?class WHERE { ?class a owl:Class } ORDER BY ?class\n---\n# {{ row.class | local }}\n````";
    let good = "````tmpl\n---\nto: \"docs/{{ row.class | local }}.md\"\nforeach: classes\nsparql:\n  classes: |\n    SELECT ?class WHERE { ?class a owl:Class } ORDER BY ?class\n---\n# {{ row.class | local }}\n````";
    let replies = mock_file(shop.path(), &[bad, good]);
    let o = shop
        .ggen()
        .env("GGEN_AI_PROVIDER", "mock")
        .args([
            "--json",
            "ai",
            "generate",
            "One Markdown page per class",
            "--template",
            "--out",
            "templates/docs/page.md.tmpl",
        ])
        .arg("--mock-responses")
        .arg(&replies)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["rounds"].as_array().unwrap().len(), 2);
    assert_eq!(
        doc["rounds"][0]["errors"][0]["code"],
        "template-unknown-foreach"
    );
    let written = shop.path().join("templates/docs/page.md.tmpl");
    assert!(
        std::fs::read_to_string(&written)
            .unwrap()
            .contains("foreach: classes")
    );
    let o = shop
        .ggen()
        .args(["template", "lint", "templates/docs/page.md.tmpl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn generate_code_prints_the_code_block() {
    let (d, h) = tmp();
    let replies = mock_file(
        d.path(),
        &["Sure:\n\n```rust\nfn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n```\n\nThat adds."],
    );
    let o = ai_cmd(d.path(), h.path())
        .args(["ai", "generate", "an add function in Rust"])
        .arg("--mock-responses")
        .arg(&replies)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n"
    );
}

#[test]
fn interactive_chat_reads_lines_with_reset_save_and_exit() {
    let (d, h) = tmp();
    let replies = mock_file(d.path(), &["one", "two", "three"]);
    let o = ai_cmd(d.path(), h.path())
        .env("GGEN_AI_PROVIDER", "mock")
        .args(["ai", "chat", "--interactive", "--mock-responses"])
        .arg(&replies)
        .write_stdin("hello\n/save first.md\n/reset\nagain\n/save second.json\n/exit\nnever sent\n")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "one\ntwo\n");
    assert!(
        stderr(&o).contains("conversation cleared"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("first.md")).unwrap(),
        "# ggen ai chat\n\n## user\n\nhello\n\n## assistant\n\none\n"
    );
    let second: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("second.json")).unwrap())
            .unwrap();
    assert_eq!(
        second,
        json!({"messages": [{"role": "user", "content": "again"}, {"role": "assistant", "content": "two"}]}),
        "/reset forgot the first exchange"
    );
}

#[test]
fn analyze_lists_findings_and_checks_suggested_turtle() {
    let shop = Shop::new();
    let replies = mock_file(
        shop.path(),
        &[
            "- templates/rust has no tests.\n- Orders lack a currency.\n\n```turtle\nshop:currency a owl:DatatypeProperty ; rdfs:domain shop:Order ; rdfs:range xsd:string .\n```",
        ],
    );
    let o = shop
        .ggen()
        .env("GGEN_AI_PROVIDER", "mock")
        .args([
            "--json",
            "ai",
            "analyze",
            ".",
            "--graph",
            "ontology/shop.ttl",
            "--graph",
            "ontology/properties.ttl",
        ])
        .arg("--mock-responses")
        .arg(&replies)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(
        doc["findings"],
        json!(["templates/rust has no tests.", "Orders lack a currency."])
    );
    assert_eq!(doc["suggestion"]["problems"], json!([]));
    assert!(
        doc["summary"]["included"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "ggen.toml")
    );
}

/// The shell commands of the "README walkthrough" section of docs/ai.md.
fn walkthrough_script() -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/ai.md")).unwrap();
    let section = doc
        .split("## README walkthrough")
        .nth(1)
        .expect("docs/ai.md has a README walkthrough section");
    let start = section.find("```sh\n").expect("a ```sh block") + 6;
    let end = start + section[start..].find("\n```").unwrap();
    section[start..end].to_owned()
}

#[test]
fn the_documented_walkthrough_runs_offline() {
    let script = walkthrough_script();
    assert!(script.contains("ggen ai generate-ontology"), "{script}");
    assert!(script.contains("ggen project gen"), "{script}");
    let (d, h) = tmp();
    common::copy_project(
        &repo_root().join("examples/ai"),
        &d.path().join("examples/ai"),
    );
    std::fs::write(d.path().join("walkthrough.sh"), &script).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("ggen");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = std::process::Command::new("sh")
        .arg("-eu")
        .arg("walkthrough.sh")
        .current_dir(d.path())
        .env("PATH", path)
        .env("HOME", h.path())
        .env("GGEN_CONFIG_DIR", h.path().join("config"))
        .env("GGEN_CACHE_DIR", h.path().join("cache"))
        .env("NO_COLOR", "1")
        .env_remove("GGEN_LOG")
        .env_remove("GGEN_AI_PROVIDER")
        .env_remove("GGEN_AI_MODEL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("property lib:dueDate has no rdfs:range"),
        "{out}"
    );
    assert!(
        out.contains("wrote ontology/model.ttl (4 classes, 11 properties"),
        "{out}"
    );
    assert!(out.contains("pub struct Loan {"), "{out}");
    assert!(out.contains("pub due_date: "), "{out}");
    let lib = d.path().join("library");
    assert!(lib.join(".ggen/ai/model.json").exists());
    assert!(lib.join("generated/model/book.rs").exists());
    let o = ggen(&lib, h.path())
        .args(["project", "gen", "--check"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "generated output is up to date: {}",
        stderr(&o)
    );
}
