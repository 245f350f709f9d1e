#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The command line itself: help, version, usage errors, JSON documents, exit codes,
//! starters, lint, graph commands. Human output is snapshot-tested with insta.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use common::{Shop, ggen, json};

fn tmp() -> (tempfile::TempDir, tempfile::TempDir) {
    (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap())
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn version_and_help() {
    let (d, h) = tmp();
    let o = ggen(d.path(), h.path()).arg("--version").output().unwrap();
    assert!(o.status.success());
    assert_eq!(stdout(&o), format!("ggen {}\n", env!("CARGO_PKG_VERSION")));
    let o = ggen(d.path(), h.path()).output().unwrap();
    assert!(stdout(&o).contains("Usage: ggen") || stderr(&o).contains("Usage: ggen"));
    let o = ggen(d.path(), h.path()).arg("--help").output().unwrap();
    insta::assert_snapshot!("help", stdout(&o));
    let o = ggen(d.path(), h.path())
        .args(["project", "gen", "--help"])
        .output()
        .unwrap();
    insta::assert_snapshot!("project_gen_help", stdout(&o));
}

#[test]
fn every_command_has_a_summary_and_an_example() {
    // Walk the real command tree through `--help` of each subcommand.
    let (d, h) = tmp();
    for path in [
        vec!["template", "generate"],
        vec!["template", "list"],
        vec!["template", "show"],
        vec!["template", "lint"],
        vec!["template", "new"],
        vec!["project", "init"],
        vec!["project", "gen"],
        vec!["project", "diff"],
        vec!["project", "verify"],
        vec!["graph", "load"],
        vec!["graph", "query"],
        vec!["sync"],
        vec!["completions"],
    ] {
        let o = ggen(d.path(), h.path())
            .args(&path)
            .arg("--help")
            .output()
            .unwrap();
        let text = stdout(&o);
        assert!(o.status.success(), "{path:?}");
        assert!(text.contains("Example"), "{path:?} has no example:\n{text}");
    }
}

#[test]
fn unknown_commands_suggest_the_closest() {
    let (d, h) = tmp();
    let o = ggen(d.path(), h.path()).arg("projet").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("project"), "{}", stderr(&o));
}

#[test]
fn errors_outside_a_project_are_clear_and_json_too() {
    let (d, h) = tmp();
    let o = ggen(d.path(), h.path())
        .args(["project", "gen"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no ggen.toml in"), "{}", stderr(&o));
    let o = ggen(d.path(), h.path())
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["code"], "no-manifest");
    assert!(
        stderr(&o).starts_with("error: "),
        "a human line goes to stderr too"
    );
}

#[test]
fn dry_run_prints_the_plan_with_diffs_and_writes_nothing() {
    let (d, h) = tmp();
    ggen(d.path(), h.path())
        .args(["project", "init", "--name", "demo"])
        .assert()
        .success();
    let o = ggen(d.path(), h.path())
        .args(["project", "gen", "--dry-run"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(!d.path().join("generated").exists());
    assert!(!d.path().join(".ggen/receipt.json").exists());
    let text = stdout(&o).replace(&d.path().display().to_string(), "[DIR]");
    insta::assert_snapshot!("dry_run", text);
    let o = ggen(d.path(), h.path())
        .args(["--json", "project", "gen", "--dry-run"])
        .output()
        .unwrap();
    let doc = json(&o);
    assert_eq!(doc["entries"][0]["action"], "create");
    assert!(
        doc["entries"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+# Classes")
    );
}

#[test]
fn starters_render_as_written_and_lint_clean() {
    let shop = Shop::new();
    for kind in ["rust", "typescript", "python", "generic"] {
        let name = format!("starter_{kind}");
        shop.ggen()
            .args(["template", "new", &name, "--kind", kind])
            .assert()
            .success();
    }
    let o = shop
        .ggen()
        .args(["--json", "template", "lint"])
        .output()
        .unwrap();
    let doc = json(&o);
    assert_eq!(doc["errors"], 0, "{doc}");
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let out_dir = shop.generated();
    assert!(out_dir.join("starter_rust/order.rs").is_file());
    assert!(out_dir.join("starter_typescript/order.ts").is_file());
    assert!(out_dir.join("starter_generic.md").is_file());
    let py = out_dir.join("starter_python/order.py");
    let out = std::process::Command::new("python3")
        .arg("-m")
        .arg("py_compile")
        .arg(&py)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A second `template new` with the same name refuses to overwrite.
    shop.ggen()
        .args(["template", "new", "starter_rust", "--kind", "rust"])
        .assert()
        .code(2);
}

#[test]
fn lint_reports_every_kind_of_problem_with_positions() {
    let (d, h) = tmp();
    std::fs::write(
        d.path().join("bad.tmpl"),
        "---\nto: \"{{ row.class | local }}.rs\"\nforeach: clases\nfroeach: x\nsparql:\n  classes: |\n    SELECT ?class WHERE { ?class a owl:Class }\n  broken: |\n    SELECT ?x WHERE { ?x a nope:Thing }\n---\n{{ row.label }} {{ undefined_thing }} {{ sparql_results.missing }}\n",
    )
    .unwrap();
    let o = ggen(d.path(), h.path())
        .args(["template", "lint", "bad.tmpl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("lint_bad", stdout(&o));
    std::fs::write(
        d.path().join("good.tmpl"),
        "---\nto: x.txt\nvars:\n  name: world\n---\nhello {{ name }}\n",
    )
    .unwrap();
    ggen(d.path(), h.path())
        .args(["template", "lint", "good.tmpl"])
        .assert()
        .success();
}

#[test]
fn template_list_and_show() {
    let shop = Shop::new();
    let o = shop.ggen().args(["template", "list"]).output().unwrap();
    assert!(o.status.success());
    insta::assert_snapshot!("template_list", stdout(&o));
    let o = shop
        .ggen()
        .args(["--json", "template", "show", "templates/rust/model.rs.tmpl"])
        .output()
        .unwrap();
    let doc = json(&o);
    assert_eq!(doc["foreach"], "classes");
    assert_eq!(doc["sparql"][0]["name"], "classes");
    assert_eq!(doc["sparql"][0]["line"], 7);
}

#[test]
fn template_generate_standalone_with_rdf_and_vars() {
    let (d, h) = tmp();
    std::fs::write(d.path().join("t.tmpl"), "---\nto: \"{{ out }}/{{ row.c | local | snake }}.txt\"\nforeach: q\nvars:\n  out: ~\nsparql:\n  q: SELECT ?c WHERE { ?c a owl:Class }\n---\n{{ row.c | local }} in {{ out }}\n").unwrap();
    std::fs::write(
        d.path().join("o.ttl"),
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . <http://e/OrderItem> a owl:Class .",
    )
    .unwrap();
    // The required variable is reported.
    let o = ggen(d.path(), h.path())
        .args(["template", "generate", "t.tmpl", "--rdf", "o.ttl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("required variable `out`"));
    ggen(d.path(), h.path())
        .args([
            "template",
            "generate",
            "t.tmpl",
            "--rdf",
            "o.ttl",
            "--var",
            "out=models",
            "--out",
            "build",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(d.path().join("build/models/order_item.txt")).unwrap(),
        "OrderItem in models\n"
    );
    // Re-running is a no-op; a changed template conflicts with the file (no receipt) unless --force.
    ggen(d.path(), h.path())
        .args([
            "template",
            "generate",
            "t.tmpl",
            "--rdf",
            "o.ttl",
            "--var",
            "out=models",
            "--out",
            "build",
        ])
        .assert()
        .success();
}

#[test]
fn graph_load_and_query() {
    let shop = Shop::new();
    let o = shop
        .ggen()
        .args([
            "--json",
            "graph",
            "load",
            "ontology/shop.ttl",
            "ontology/properties.ttl",
        ])
        .output()
        .unwrap();
    let doc = json(&o);
    assert!(doc["triples"].as_u64().unwrap() > 200);
    assert_eq!(doc["prefixes"]["shop"], "http://example.org/shop#");
    let q = "SELECT ?c ?label WHERE { ?c a owl:Class ; rdfs:label ?label } ORDER BY ?c LIMIT 3";
    let o = shop
        .ggen()
        .args(["graph", "query", q, "--format", "table"])
        .output()
        .unwrap();
    insta::assert_snapshot!("query_table", stdout(&o));
    let o = shop
        .ggen()
        .args(["graph", "query", q, "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o).lines().next(), Some("c,label"));
    let o = shop
        .ggen()
        .args(["graph", "query", q, "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["head"]["vars"], serde_json::json!(["c", "label"]));
    assert_eq!(doc["results"]["bindings"][0]["c"]["type"], "uri");
    let o = shop
        .ggen()
        .args([
            "graph",
            "query",
            "ASK { shop:Order a owl:Class }",
            "--format",
            "tsv",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "true\n");
    // Syntax errors name the position.
    let o = shop
        .ggen()
        .args([
            "--json",
            "graph",
            "query",
            "SELECT ?x WHERE { ?x a nope:X }",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "sparql-syntax");
    assert_eq!(doc["error"]["line"], 1);
}

#[test]
fn graph_load_errors_name_file_line_column() {
    let (d, h) = tmp();
    std::fs::write(
        d.path().join("bad.ttl"),
        "@prefix ex: <http://e/> .\n\nex:a ex:b .\n",
    )
    .unwrap();
    let o = ggen(d.path(), h.path())
        .args(["--json", "graph", "load", "bad.ttl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["file"], "bad.ttl");
    assert_eq!(doc["error"]["line"], 3);
    assert!(doc["error"]["column"].as_u64().is_some());
    let o = ggen(d.path(), h.path())
        .args(["graph", "load", "missing.ttl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.ttl"));
    let o = ggen(d.path(), h.path())
        .args(["graph", "load", "bad.ttl", "--format", "yaml"])
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("unknown RDF format `yaml`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn completions_for_every_shell() {
    let (d, h) = tmp();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = ggen(d.path(), h.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(o.status.success(), "{shell}");
        assert!(stdout(&o).contains("ggen"), "{shell}");
    }
}

#[test]
fn broken_pipe_is_a_clean_exit() {
    let (d, h) = tmp();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ggen"))
        .args(["completions", "bash"])
        .current_dir(d.path())
        .env("HOME", h.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte and close the pipe.
    let mut out = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    out.read_exact(&mut one).unwrap();
    drop(out);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit {status:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn sync_alias_and_only_filter() {
    let shop = Shop::new();
    let o = shop
        .ggen()
        .args(["--json", "sync", "--only", "templates/sql"])
        .output()
        .unwrap();
    let doc = json(&o);
    assert_eq!(doc["counts"]["create"], 1, "{doc}");
    assert!(shop.generated().join("sql/schema.sql").is_file());
    assert!(!shop.generated().join("rust").exists());
    // A full run later keeps the earlier output and adds the rest.
    let o = shop
        .ggen()
        .args(["--json", "project", "sync"])
        .output()
        .unwrap();
    let doc = json(&o);
    assert_eq!(doc["counts"]["create"], 31, "{doc}");
    assert_eq!(doc["counts"]["unchanged"], 1, "{doc}");
}

#[test]
fn change_directory_option() {
    let shop = Shop::new();
    let (d, h) = tmp();
    let o = ggen(d.path(), h.path())
        .arg("-C")
        .arg(shop.path())
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = ggen(d.path(), h.path())
        .arg("-C")
        .arg(Path::new("/definitely/missing"))
        .args(["project", "gen"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot change to directory"));
}
