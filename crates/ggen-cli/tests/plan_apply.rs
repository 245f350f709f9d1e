#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `ggen project plan --out plan.json` and `ggen project apply plan.json`: a saved plan records
//! its input hashes; applying refuses a stale plan naming the changed input, and otherwise
//! writes exactly the recorded contents.

mod common;

use std::path::PathBuf;

use common::{ggen, json, tree};
use serde_json::Value;

const MANIFEST: &str = r#"[project]
name = "p"

[graph]
sources = ["ontology/*.ttl"]
prefixes = { ex = "http://example.org/p#" }
"#;

const ONTOLOGY: &str = r#"@prefix ex: <http://example.org/p#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:Customer a owl:Class ; rdfs:label "Customer" ; rdfs:comment "A customer." .
ex:Order a owl:Class ; rdfs:label "Order" ; rdfs:comment "An order." .
"#;

const CLASSES: &str = r#"---
to: classes.txt
sparql:
  classes: |
    SELECT ?label ?comment WHERE { ?c a owl:Class ; rdfs:label ?label ; rdfs:comment ?comment } ORDER BY ?label
---
{% for c in sparql_results.classes %}
{{ c.label }}: {{ c.comment }}
{% endfor %}
"#;

const NAMES: &str = r#"---
to: names/{{ row.label | snake }}.txt
sparql:
  classes: |
    SELECT ?label WHERE { ?c a owl:Class ; rdfs:label ?label } ORDER BY ?label
foreach: classes
---
{{ row.label }} ({{ env("PLAN_TEST_CHANNEL", "none") }})
"#;

struct Proj {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Proj {
    fn new() -> Self {
        let p = Proj {
            dir: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
        };
        p.write("ggen.toml", MANIFEST);
        p.write("ontology/p.ttl", ONTOLOGY);
        p.write("templates/classes.txt.tmpl", CLASSES);
        p.write("templates/names.txt.tmpl", NAMES);
        p
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let t = self.read(rel);
        assert!(t.contains(from), "{rel} lacks {from:?}");
        self.write(rel, &t.replacen(from, to, 1));
    }

    fn run(&self, args: &[&str]) -> (i32, Value) {
        let out = ggen(self.dir.path(), self.home.path())
            .env_remove("PLAN_TEST_CHANNEL")
            .arg("--json")
            .args(args)
            .output()
            .unwrap();
        (out.status.code().unwrap(), json(&out))
    }

    fn plan(&self) -> Value {
        let (code, doc) = self.run(&["project", "plan", "--out", "plan.json"]);
        assert_eq!(code, 0, "{doc}");
        serde_json::from_str(&self.read("plan.json")).unwrap()
    }

    /// The project tree without the plan file.
    fn state(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        let mut t = tree(self.dir.path());
        t.remove("plan.json");
        t
    }
}

fn assert_stale(p: &Proj, input: &str, change: &str) {
    let before = p.state();
    let (code, doc) = p.run(&["project", "apply", "plan.json"]);
    assert_eq!(code, 2, "{doc}");
    assert_eq!(doc["error"]["code"], "stale-plan", "{doc}");
    let msg = doc["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!(
            "the plan is stale: {input} {change} since it was made"
        )),
        "{msg}"
    );
    assert_eq!(p.state(), before, "a refused plan writes nothing");
}

#[test]
fn a_saved_plan_applies_exactly_and_matches_a_direct_run() {
    let direct = Proj::new();
    let (code, _) = direct.run(&["project", "gen"]);
    assert_eq!(code, 0);

    let p = Proj::new();
    let before = p.state();
    let plan = p.plan();
    assert_eq!(p.state(), before, "planning writes only the plan");
    assert_eq!(plan["schema"], 1);
    assert_eq!(plan["previous_receipt"], Value::Null);
    assert_eq!(
        plan["receipt"]["graph"]["sources"][0]["path"],
        "ontology/p.ttl"
    );
    assert_eq!(plan["receipt"]["templates"].as_array().unwrap().len(), 2);
    assert_eq!(plan["receipt"]["env"][0]["name"], "PLAN_TEST_CHANNEL");
    let entries = plan["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e["action"] == "create"));
    assert!(
        entries
            .iter()
            .all(|e| e["disk_sha256"].is_null() && e["content"].is_string())
    );
    // Deterministic: planning again gives the same bytes.
    let first = p.read("plan.json");
    p.plan();
    assert_eq!(p.read("plan.json"), first);

    let (code, doc) = p.run(&["project", "apply", "plan.json"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["counts"]["create"], 3, "{doc}");
    assert_eq!(doc["applied"]["receipt_written"], true);
    // Same files, same receipt, same baseline as `project gen`.
    assert_eq!(p.state(), direct.state());
    // The applied project is up to date.
    let (code, doc) = p.run(&["project", "gen", "--check"]);
    assert_eq!(code, 0, "{doc}");
    // The plan cannot be applied twice: the tree it was made against is gone.
    assert_stale(&p, ".ggen/receipt.json", "was created");
}

#[test]
fn applying_writes_the_recorded_contents_without_rendering() {
    let p = Proj::new();
    p.plan();
    // Change what the plan says to write (and its hash): apply writes that, so it does not
    // render the templates again.
    let mut plan: Value = serde_json::from_str(&p.read("plan.json")).unwrap();
    for e in plan["entries"].as_array_mut().unwrap() {
        if e["path"] == "generated/classes.txt" {
            let text = "written from the plan\n";
            e["content"] = Value::from(text);
            e["sha256"] = Value::from(ggen_core::hash::sha256_hex(text.as_bytes()));
        }
    }
    p.write("plan.json", &serde_json::to_string_pretty(&plan).unwrap());
    let (code, doc) = p.run(&["project", "apply", "plan.json"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(p.read("generated/classes.txt"), "written from the plan\n");
}

#[test]
fn a_stale_plan_is_refused_naming_the_changed_input() {
    type Change = fn(&Proj);
    let cases: [(&str, &str, Change); 6] = [
        ("ontology/p.ttl", "changed", |p: &Proj| {
            p.edit("ontology/p.ttl", "An order.", "An order, placed.")
        }),
        ("templates/names.txt.tmpl", "changed", |p: &Proj| {
            p.edit(
                "templates/names.txt.tmpl",
                "{{ row.label }}",
                "* {{ row.label }}",
            )
        }),
        ("ggen.toml", "changed", |p: &Proj| {
            p.edit("ggen.toml", "name = \"p\"", "name = \"q\"")
        }),
        ("ontology/extra.ttl", "was added", |p: &Proj| {
            p.write("ontology/extra.ttl", "")
        }),
        ("templates/_partial.tmpl", "was added", |p: &Proj| {
            p.write("templates/_partial.tmpl", "x")
        }),
        ("generated/classes.txt", "changed", |p: &Proj| {
            p.write("generated/classes.txt", "my own file\n")
        }),
    ];
    for (input, change, make) in cases {
        let p = Proj::new();
        if input == "generated/classes.txt" {
            assert_eq!(p.run(&["project", "gen"]).0, 0);
            p.edit("ontology/p.ttl", "An order.", "An order, placed.");
        }
        p.plan();
        make(&p);
        assert_stale(&p, input, change);
    }
}

#[test]
fn a_plan_is_stale_when_the_receipt_or_an_environment_variable_changed() {
    let p = Proj::new();
    p.plan();
    // Another generation in between.
    assert_eq!(p.run(&["project", "gen"]).0, 0);
    p.plan();
    p.edit("ontology/p.ttl", "A customer.", "A buyer.");
    assert_eq!(p.run(&["project", "gen"]).0, 0);
    p.edit("ontology/p.ttl", "A buyer.", "A customer.");
    // Inputs and outputs are back as they were when planned; the receipt is not.
    std::fs::write(
        p.path("generated/classes.txt"),
        "Customer: A customer.\nOrder: An order.\n",
    )
    .unwrap();
    assert_stale(&p, ".ggen/receipt.json", "changed");

    let p = Proj::new();
    p.plan();
    let before = p.state();
    let out = ggen(p.dir.path(), p.home.path())
        .env("PLAN_TEST_CHANNEL", "beta")
        .args(["--json", "project", "apply", "plan.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("environment variable PLAN_TEST_CHANNEL changed"),
        "{doc}"
    );
    assert_eq!(p.state(), before);
}

#[test]
fn an_altered_or_foreign_plan_file_is_refused() {
    let p = Proj::new();
    p.plan();
    let before = p.state();
    let plan = p.read("plan.json");
    // Content that does not match its hash.
    p.write(
        "plan.json",
        &plan.replacen("Customer: A customer.", "Customer: tampered.", 1),
    );
    let (code, doc) = p.run(&["project", "apply", "plan.json"]);
    assert_eq!(code, 2, "{doc}");
    assert_eq!(doc["error"]["code"], "plan-file");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("entry generated/classes.txt: its content does not match its sha256"),
        "{doc}"
    );
    // A path that leaves the project.
    let mut v: Value = serde_json::from_str(&plan).unwrap();
    v["entries"][0]["path"] = Value::from("../outside.txt");
    p.write("plan.json", &serde_json::to_string(&v).unwrap());
    let (code, doc) = p.run(&["project", "apply", "plan.json"]);
    assert_eq!(code, 2, "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("outside the project root"),
        "{doc}"
    );
    assert!(!p.dir.path().parent().unwrap().join("outside.txt").exists());
    // Not a plan at all; a missing file.
    p.write("plan.json", "{\"hello\": 1}");
    let (code, doc) = p.run(&["project", "apply", "plan.json"]);
    assert_eq!(
        (code, &doc["error"]["code"]),
        (2, &Value::from("plan-file"))
    );
    let (code, doc) = p.run(&["project", "apply", "missing.json"]);
    assert_eq!(code, 2, "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing.json"),
        "{doc}"
    );
    assert_eq!(p.state(), before);
}

#[test]
fn plans_carry_merges_conflicts_and_deletions() {
    let p = Proj::new();
    assert_eq!(p.run(&["project", "gen"]).0, 0);
    // A hand edit that merges, one that conflicts, a deleted file.
    p.edit(
        "generated/classes.txt",
        "Customer: A customer.",
        "Customer: A customer (mine).",
    );
    p.edit("ontology/p.ttl", "A customer.", "A buyer.");
    p.write(
        "ontology/p.ttl",
        &format!(
            "{}ex:Zebra a owl:Class ; rdfs:label \"Zebra\" ; rdfs:comment \"Z.\" .\n",
            p.read("ontology/p.ttl")
        ),
    );
    std::fs::remove_file(p.path("generated/names/customer.txt")).unwrap();
    let (code, doc) = p.run(&["project", "plan", "--out", "plan.json"]);
    assert_eq!(code, 1, "conflicts: {doc}");
    assert_eq!(doc["out"], "plan.json");
    let plan: Value = serde_json::from_str(&p.read("plan.json")).unwrap();
    let e = |path: &str| -> Value {
        plan["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == path)
            .cloned()
            .unwrap()
    };
    let classes = e("generated/classes.txt");
    assert_eq!(classes["action"], "conflict");
    assert_eq!(classes["markers"], true);
    assert!(classes["generated"].is_string(), "{classes}");
    assert_eq!(e("generated/names/customer.txt")["action"], "skip");
    assert_eq!(e("generated/names/zebra.txt")["action"], "create");
    let (code, doc) = p.run(&["project", "apply", "plan.json"]);
    assert_eq!(code, 1, "{doc}");
    let text = p.read("generated/classes.txt");
    assert!(
        text == "<<<<<<< ours\nCustomer: A customer (mine).\n=======\nCustomer: A buyer.\n>>>>>>> generated\nOrder: An order.\nZebra: Z.\n",
        "{text}"
    );
    assert!(!p.path("generated/names/customer.txt").exists());
    // The leftover markers stop the next plan, as they stop `project gen`.
    let (code, doc) = p.run(&["project", "plan"]);
    assert_eq!(
        (code, &doc["error"]["code"]),
        (1, &Value::from("unresolved-conflicts"))
    );
    // The baseline holds the generated side, so resolving then merges cleanly.
    p.write(
        "generated/classes.txt",
        &text.replace(
            "<<<<<<< ours\nCustomer: A customer (mine).\n=======\nCustomer: A buyer.\n>>>>>>> generated\n",
            "Customer: A buyer (mine).\n",
        ),
    );
    let (code, doc) = p.run(&["project", "gen"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["counts"]["unchanged"], 3, "{doc}");
    let (code, doc) = p.run(&["project", "gen", "--check"]);
    assert_eq!(code, 0, "{doc}");
}

#[test]
fn plan_without_out_saves_nothing_and_hooks_need_allow_shell_again() {
    let p = Proj::new();
    let before = p.state();
    let out = ggen(p.dir.path(), p.home.path())
        .args(["project", "plan"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("plan: 3 created (nothing saved; use --out FILE to keep it)"),
        "{stdout}"
    );
    assert_eq!(p.state(), before);
    assert!(!p.path("plan.json").exists());

    p.edit(
        "templates/classes.txt.tmpl",
        "to: classes.txt\n",
        "to: classes.txt\nsh_after: echo done > hook.txt\n",
    );
    let (code, _) = p.run(&["project", "plan", "--out", "plan.json"]);
    assert_eq!(code, 2, "the plan itself needs --allow-shell");
    let (code, doc) = p.run(&["project", "plan", "--allow-shell", "--out", "plan.json"]);
    assert_eq!(code, 0, "{doc}");
    let (code, doc) = p.run(&["project", "apply", "plan.json"]);
    assert_eq!(code, 2, "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the plan runs shell commands (echo done > hook.txt); pass --allow-shell"),
        "{doc}"
    );
    assert!(!p.path("generated/classes.txt").exists());
    let (code, doc) = p.run(&["project", "apply", "--allow-shell", "plan.json"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(p.read("generated/hook.txt"), "done\n");
}
