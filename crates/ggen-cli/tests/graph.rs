#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `ggen graph`: export between every syntax (schema.org round trips, canonical N-Quads),
//! diff, validate, visualize, stats, query formats and time limits, load snapshots, and clear
//! errors with exit code 2 for bad input.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{ggen, json, repo_root};

struct Dirs {
    work: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Dirs {
    fn new() -> Self {
        Self {
            work: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.work.path()
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        ggen(self.path(), self.home.path())
            .args(args)
            .output()
            .unwrap()
    }
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn schema_org(file: &str) -> String {
    repo_root()
        .join("testdata/schema.org")
        .join(file)
        .display()
        .to_string()
}

const SCHEMA_ORG: [&str; 4] = [
    "schemaorg-current-https.ttl",
    "schemaorg-current-https.nt",
    "schemaorg-current-https.rdf",
    "schemaorg-current-https.jsonld",
];

/// Every syntax ggen writes, with the extension it gets.
const WRITABLE: [(&str, &str); 7] = [
    ("turtle", "ttl"),
    ("ntriples", "nt"),
    ("nquads", "nq"),
    ("trig", "trig"),
    ("rdfxml", "rdf"),
    ("jsonld", "jsonld"),
    ("n3", "n3"),
];

#[test]
fn every_graph_command_has_help_with_an_example() {
    let d = Dirs::new();
    for verb in [
        "load",
        "query",
        "export",
        "diff",
        "validate",
        "visualize",
        "stats",
    ] {
        let o = d.run(&["graph", verb, "--help"]);
        assert!(o.status.success(), "{verb}");
        assert!(stdout(&o).contains("Example"), "{verb}: {}", stdout(&o));
    }
}

/// Export one schema.org file to every syntax; `graph diff` finds each output isomorphic to
/// the input (exit 0).
fn round_trip(input: &str) {
    let d = Dirs::new();
    let input = schema_org(input);
    for (syntax, ext) in WRITABLE {
        let out = format!("out.{ext}");
        let o = d.run(&["graph", "export", &input, "--to", syntax, "--out", &out]);
        assert!(o.status.success(), "{syntax}: {}", stderr(&o));
        let o = d.run(&["--json", "graph", "diff", &input, &out]);
        assert_eq!(o.status.code(), Some(0), "{syntax}: {}", stdout(&o));
        let doc = json(&o);
        assert_eq!(doc["isomorphic"], true, "{syntax}");
        assert_eq!(doc["counts"]["unchanged"], 17_949, "{syntax}");
    }
}

#[test]
fn export_round_trips_schema_org_turtle() {
    round_trip(SCHEMA_ORG[0]);
}

#[test]
fn export_round_trips_schema_org_ntriples() {
    round_trip(SCHEMA_ORG[1]);
}

#[test]
fn export_round_trips_schema_org_rdfxml() {
    round_trip(SCHEMA_ORG[2]);
}

#[test]
fn export_round_trips_schema_org_jsonld() {
    round_trip(SCHEMA_ORG[3]);
}

#[test]
fn canonical_export_is_byte_identical_across_runs_and_syntaxes() {
    let d = Dirs::new();
    let mut outputs = Vec::new();
    for (i, input) in SCHEMA_ORG.iter().chain([&SCHEMA_ORG[0]]).enumerate() {
        let out = format!("c{i}.nq");
        let o = d.run(&[
            "graph",
            "export",
            &schema_org(input),
            "--to",
            "nquads",
            "--canonical",
            "--out",
            &out,
        ]);
        assert!(o.status.success(), "{input}: {}", stderr(&o));
        outputs.push(std::fs::read(d.path().join(out)).unwrap());
    }
    for o in &outputs {
        assert!(o == &outputs[0], "canonical exports differ");
    }
    // The bytes are what the canonical hash hashes, and the lines are sorted and unique.
    let o = d.run(&["--json", "graph", "load", &schema_org(SCHEMA_ORG[0])]);
    let hash = json(&o)["canonical_sha256"].as_str().unwrap().to_owned();
    assert_eq!(ggen_core::hash::sha256_hex(&outputs[0]), hash);
    let text = String::from_utf8(outputs[0].clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 17_949);
    assert!(lines.windows(2).all(|w| w[0] < w[1]));
    // N-Triples canonical output of a graph without named graphs is the same text.
    let o = d.run(&[
        "graph",
        "export",
        &schema_org(SCHEMA_ORG[1]),
        "--to",
        "nt",
        "--canonical",
    ]);
    assert!(o.stdout == outputs[0], "{}", stderr(&o));
}

#[test]
fn canonical_export_labels_blank_nodes_the_same_way_whatever_the_input() {
    let d = Dirs::new();
    d.write(
        "a.ttl",
        "@prefix ex: <http://ex.org/> .\nex:a ex:addr [ ex:city \"Oslo\" ; ex:zip \"0150\" ] ; ex:tags ( \"x\" \"y\" ) .\n",
    );
    d.write(
        "b.nt",
        "_:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"y\" .\n\
         _:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .\n\
         <http://ex.org/a> <http://ex.org/tags> _:l1 .\n\
         _:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l2 .\n\
         _:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"x\" .\n\
         _:addr <http://ex.org/zip> \"0150\" .\n\
         <http://ex.org/a> <http://ex.org/addr> _:addr .\n\
         _:addr <http://ex.org/city> \"Oslo\" .\n",
    );
    let a = d.run(&["graph", "export", "a.ttl", "--to", "nq", "--canonical"]);
    let b = d.run(&["graph", "export", "b.nt", "--to", "nq", "--canonical"]);
    assert!(a.status.success() && b.status.success());
    assert_eq!(stdout(&a), stdout(&b));
    assert!(stdout(&a).contains("_:c14n0"), "{}", stdout(&a));
    // --canonical is N-Quads or N-Triples only.
    let o = d.run(&["graph", "export", "a.ttl", "--to", "ttl", "--canonical"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--canonical"), "{}", stderr(&o));
}

#[test]
fn export_keeps_prefixes_and_exact_literals() {
    let d = Dirs::new();
    d.write(
        "in.ttl",
        "@prefix ex: <http://ex.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix unused: <http://unused.example/> .\n\
         ex:a ex:n \"07\"^^xsd:integer ; ex:b \"5\"^^xsd:byte ; ex:d \"4.0\"^^xsd:decimal ; ex:t \"1\"^^xsd:boolean .\n",
    );
    for syntax in ["turtle", "trig"] {
        let o = d.run(&["graph", "export", "in.ttl", "--to", syntax]);
        let text = stdout(&o);
        assert!(text.contains("@prefix ex: <http://ex.org/> ."), "{text}");
        assert!(text.contains("@prefix xsd:"), "{text}");
        assert!(!text.contains("unused"), "{text}");
    }
    let o = d.run(&["graph", "export", "in.ttl", "--to", "nt"]);
    let text = stdout(&o);
    for lit in [
        "\"07\"^^<http://www.w3.org/2001/XMLSchema#integer>",
        "\"5\"^^<http://www.w3.org/2001/XMLSchema#byte>",
        "\"4.0\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
        "\"1\"^^<http://www.w3.org/2001/XMLSchema#boolean>",
    ] {
        assert!(text.contains(lit), "{lit} missing:\n{text}");
    }
    // "07" and "7" are different terms: the graphs differ.
    d.write(
        "seven.ttl",
        "@prefix ex: <http://ex.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\
         ex:a ex:n \"7\"^^xsd:integer ; ex:b \"5\"^^xsd:byte ; ex:d \"4.0\"^^xsd:decimal ; ex:t \"1\"^^xsd:boolean .\n",
    );
    let o = d.run(&["--json", "graph", "diff", "in.ttl", "seven.ttl"]);
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    assert_eq!(
        doc["removed"],
        serde_json::json!([
            "<http://ex.org/a> <http://ex.org/n> \"07\"^^<http://www.w3.org/2001/XMLSchema#integer> ."
        ])
    );
}

#[test]
fn named_graphs_need_a_dataset_syntax_or_an_explicit_choice() {
    let d = Dirs::new();
    d.write(
        "d.trig",
        "@prefix ex: <http://ex.org/> .\nex:a ex:p 1 .\nex:g { ex:b ex:p 2 . ex:c ex:p 3 }\n",
    );
    let o = d.run(&["--json", "graph", "export", "d.trig", "--to", "turtle"]);
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "rdf-named-graphs");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2 quad(s) in named graphs"),
        "{doc}"
    );
    let o = d.run(&["graph", "export", "d.trig", "--to", "nt", "--merge-graphs"]);
    assert_eq!(stdout(&o).lines().count(), 3);
    let o = d.run(&[
        "graph",
        "export",
        "d.trig",
        "--to",
        "nt",
        "--default-graph-only",
    ]);
    assert_eq!(stdout(&o).lines().count(), 1);
    for (syntax, ext) in [("nquads", "nq"), ("trig", "trig"), ("jsonld", "jsonld")] {
        let out = format!("o.{ext}");
        assert!(
            d.run(&["graph", "export", "d.trig", "--to", syntax, "-o", &out])
                .status
                .success()
        );
        assert_eq!(
            d.run(&["graph", "diff", "d.trig", &out]).status.code(),
            Some(0)
        );
    }
}

#[test]
fn diff_reports_added_removed_and_blank_node_groups() {
    let d = Dirs::new();
    d.write(
        "a.ttl",
        "@prefix ex: <http://ex.org/> .\nex:a ex:p ex:b ; ex:addr [ ex:city \"Oslo\" ] , [ ex:city \"Rome\" ] .\n",
    );
    d.write(
        "b.ttl",
        "@prefix ex: <http://ex.org/> .\nex:a ex:p ex:c ; ex:addr [ ex:city \"Rome\" ] , [ ex:city \"Paris\" ] .\n",
    );
    let o = d.run(&["graph", "diff", "a.ttl", "b.ttl"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("- <http://ex.org/a> <http://ex.org/p> <http://ex.org/b> ."),
        "{text}"
    );
    assert!(
        text.contains("+ <http://ex.org/a> <http://ex.org/p> <http://ex.org/c> ."),
        "{text}"
    );
    assert!(
        text.contains("+   _:c14n0 <http://ex.org/city> \"Paris\" ."),
        "{text}"
    );
    assert!(
        text.contains("3 triple(s) removed, 3 added, 2 unchanged"),
        "{text}"
    );
    let doc = json(&d.run(&["--json", "graph", "diff", "a.ttl", "b.ttl"]));
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["isomorphic"], false);
    assert_eq!(doc["removed_groups"].as_array().unwrap().len(), 1);
    assert_eq!(doc["added_groups"].as_array().unwrap().len(), 1);
    assert_eq!(doc["counts"]["unchanged"], 2);
    // The same graph written differently (other blank node labels and order): isomorphic.
    d.write(
        "a2.nt",
        "_:x <http://ex.org/city> \"Rome\" .\n<http://ex.org/a> <http://ex.org/addr> _:y .\n\
         <http://ex.org/a> <http://ex.org/p> <http://ex.org/b> .\n_:y <http://ex.org/city> \"Oslo\" .\n\
         <http://ex.org/a> <http://ex.org/addr> _:x .\n",
    );
    let o = d.run(&["graph", "diff", "a.ttl", "a2.nt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("isomorphic: "), "{}", stdout(&o));
}

const SHAPES: &str = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\
@prefix ex: <http://example.org/> .\n\
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;\n\
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype xsd:string ] ;\n\
  sh:property [ sh:path ex:age ; sh:datatype xsd:int ; sh:maxInclusive 150 ] ;\n\
  sh:property [ sh:path ex:email ; sh:pattern \"@\" ; sh:severity sh:Warning ] ;\n\
  sh:property [ sh:path ex:knows ; sh:class ex:Person ] .\n";

const DATA: &str = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\
@prefix ex: <http://example.org/> .\n\
ex:alice a ex:Person ; ex:name \"Alice\" ; ex:age \"30\"^^xsd:int ; ex:email \"alice@example.org\" ; ex:knows ex:bob .\n\
ex:bob a ex:Person ; ex:age \"200\"^^xsd:int ; ex:knows ex:rex .\n\
ex:carol a ex:Person ; ex:name 42 ; ex:age 31 ; ex:email \"carol.example.org\" .\n\
ex:rex a ex:Dog .\n";

#[test]
fn validate_reports_exactly_the_known_violations() {
    let d = Dirs::new();
    d.write("shapes.ttl", SHAPES);
    d.write("data.ttl", DATA);
    let o = d.run(&[
        "--json",
        "graph",
        "validate",
        "data.ttl",
        "--shapes",
        "shapes.ttl",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["conforms"], false);
    const EX: &str = "http://example.org/";
    const SH: &str = "http://www.w3.org/ns/shacl#";
    let got: BTreeSet<(String, String, String, String)> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["focusNode"].as_str().unwrap().to_owned(),
                r["resultPath"].as_str().unwrap_or("").to_owned(),
                r["sourceConstraintComponent"].as_str().unwrap().to_owned(),
                r["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let t = |focus: &str, path: &str, comp: &str, sev: &str| {
        (
            format!("<{EX}{focus}>"),
            format!("<{EX}{path}>"),
            format!("{SH}{comp}ConstraintComponent"),
            sev.to_owned(),
        )
    };
    let expected: BTreeSet<_> = [
        t("bob", "name", "MinCount", "Violation"),
        t("bob", "age", "MaxInclusive", "Violation"),
        t("bob", "knows", "Class", "Violation"),
        t("carol", "name", "Datatype", "Violation"),
        // 31 is an xsd:integer, not an xsd:int.
        t("carol", "age", "Datatype", "Violation"),
        t("carol", "email", "Pattern", "Warning"),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, expected);
    assert_eq!(doc["counts"]["violations"], 5);
    assert_eq!(doc["counts"]["warnings"], 1);
    // Text and Turtle reports.
    let o = d.run(&["graph", "validate", "data.ttl", "--shapes", "shapes.ttl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("ex:carol"), "{}", stdout(&o));
    let o = d.run(&[
        "graph",
        "validate",
        "data.ttl",
        "-s",
        "shapes.ttl",
        "--format",
        "ttl",
    ]);
    assert!(stdout(&o).contains("sh:ValidationReport"), "{}", stdout(&o));
}

#[test]
fn validate_exit_codes_warnings_strict_and_conforming() {
    let d = Dirs::new();
    d.write("shapes.ttl", SHAPES);
    // Only a warning: exit 0 (the report still says it does not conform), 1 with --strict.
    d.write(
        "warn.ttl",
        "@prefix ex: <http://example.org/> .\nex:dan a ex:Person ; ex:name \"Dan\" ; ex:email \"nowhere\" .\n",
    );
    let o = d.run(&[
        "--json",
        "graph",
        "validate",
        "warn.ttl",
        "-s",
        "shapes.ttl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(json(&o)["conforms"], false);
    let o = d.run(&[
        "graph",
        "validate",
        "warn.ttl",
        "-s",
        "shapes.ttl",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(1));
    d.write(
        "ok.ttl",
        "@prefix ex: <http://example.org/> .\nex:eve a ex:Person ; ex:name \"Eve\" .\n",
    );
    let o = d.run(&[
        "graph",
        "validate",
        "ok.ttl",
        "-s",
        "shapes.ttl",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("Conforms: yes"), "{}", stdout(&o));
    // Malformed shapes are an error (2), not a failed check.
    d.write(
        "bad-shapes.ttl",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\nex:S a sh:NodeShape ; sh:targetClass ex:Person ; sh:property [ sh:path ex:x ; sh:minCount \"many\" ] .\n",
    );
    let o = d.run(&["graph", "validate", "ok.ttl", "-s", "bad-shapes.ttl"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// schema.org's published shapes file has 25 IRIs with a second `#`: percent-encode it, and
/// move the shapes to https://schema.org/ like the data.
fn repaired_schema_org_shapes() -> String {
    let text = std::fs::read_to_string(schema_org("schemaorg-shapes.shacl")).unwrap();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    const START: &str = "<http://schema.org/validation#";
    while let Some(i) = rest.find(START) {
        out.push_str(&rest[..i + START.len()]);
        rest = &rest[i + START.len()..];
        let end = rest.find('>').unwrap();
        out.push_str(&rest[..end].replace('#', "%23"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace(
        "@prefix schema1: <http://schema.org/> .",
        "@prefix schema1: <https://schema.org/> .",
    )
}

#[test]
fn validate_schema_org_against_its_shapes() {
    let d = Dirs::new();
    // As published, the shapes file is not valid Turtle: a clear error at its position.
    let shapes = schema_org("schemaorg-shapes.shacl");
    let data = schema_org("schemaorg-current-https.ttl");
    let o = d.run(&["--json", "graph", "validate", &data, "--shapes", &shapes]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "rdf-syntax");
    assert_eq!(doc["error"]["line"], 3785);
    // Repaired, validation of the whole vocabulary completes (its enumeration members are the
    // typed nodes) and conforms.
    d.write("shapes.shacl", &repaired_schema_org_shapes());
    let o = d.run(&[
        "--json",
        "graph",
        "validate",
        &data,
        "--shapes",
        "shapes.shacl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["conforms"], true);
    assert_eq!(doc["counts"]["focusChecks"], 2500);
}

const NASTY: &str = "@prefix ex: <http://ex.org/> .\n\
ex:a ex:label \"q\\\"uote b\\\\ack\\nline <tag> | {brace} # é 日本\" .\n";

#[test]
fn visualize_escapes_labels_in_dot_and_mermaid() {
    let d = Dirs::new();
    d.write("n.ttl", NASTY);
    let o = d.run(&["graph", "visualize", "n.ttl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dot = stdout(&o);
    assert!(
        dot.contains(
            r#"n1 [label="\"q\"uote b\\ack\nline <tag> | {brace} # é 日本\"", shape=box, style=rounded];"#
        ),
        "{dot}"
    );
    assert!(dot.contains("n0 [label=\"ex:a\"];"), "{dot}");
    assert!(dot.contains("n0 -> n1 [label=\"ex:label\"];"), "{dot}");
    let o = d.run(&["graph", "visualize", "n.ttl", "--format", "mermaid"]);
    let m = stdout(&o);
    assert!(
        m.contains(
            "n1[\"#quot;q#quot;uote b\\ack<br/>line #lt;tag#gt; #124; #123;brace#125; #35; é 日本#quot;\"]"
        ),
        "{m}"
    );
    assert!(m.starts_with("flowchart LR\n"), "{m}");
    let o = d.run(&["--json", "graph", "visualize", "n.ttl", "--format", "json"]);
    let doc = json(&o);
    let content: serde_json::Value =
        serde_json::from_str(doc["content"].as_str().unwrap()).unwrap();
    assert_eq!(
        content["nodes"][1]["label"],
        "\"q\"uote b\\ack\nline <tag> | {brace} # é 日本\""
    );
}

#[test]
fn visualize_class_diagram() {
    let d = Dirs::new();
    d.write(
        "o.ttl",
        "@prefix ex: <http://ex.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
         @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n\
         ex:Animal a owl:Class . ex:Dog rdfs:subClassOf ex:Animal . ex:Person a owl:Class .\n\
         ex:name rdfs:domain ex:Animal ; rdfs:range xsd:string .\n\
         ex:owner rdfs:domain ex:Dog ; rdfs:range ex:Person .\n",
    );
    let o = d.run(&[
        "graph",
        "visualize",
        "o.ttl",
        "--classes",
        "--format",
        "mermaid",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "flowchart LR\n  n0[\"<b>ex:Animal</b><br/>ex:name: xsd:string\"]\n  n1[\"ex:Dog\"]\n  n2[\"ex:Person\"]\n  \
         n1 -.->|\"subClassOf\"| n0\n  n1 -->|\"ex:owner\"| n2\n"
    );
}

#[test]
fn visualize_svg_and_png_need_graphviz() {
    let d = Dirs::new();
    d.write("n.ttl", NASTY);
    // PNG is binary: it needs --out.
    let o = d.run(&["graph", "visualize", "n.ttl", "--format", "png"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    // Without `dot` on PATH: a clear error naming the package.
    let empty = tempfile::tempdir().unwrap();
    let o = ggen(d.path(), d.home.path())
        .env("PATH", empty.path())
        .args(["--json", "graph", "visualize", "n.ttl", "--format", "svg"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "graphviz-missing");
    assert!(
        stderr(&o).contains("apt-get install graphviz"),
        "{}",
        stderr(&o)
    );
    // With Graphviz installed, SVG renders (and PNG to a file).
    let has_dot = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dot {
        eprintln!("SKIPPED: Graphviz `dot` is not installed; SVG/PNG rendering not exercised");
        return;
    }
    let o = d.run(&["graph", "visualize", "n.ttl", "--format", "svg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("<svg"), "{}", stdout(&o));
    assert!(stdout(&o).contains("日本"), "{}", stdout(&o));
    let o = d.run(&[
        "graph",
        "visualize",
        "n.ttl",
        "--format",
        "png",
        "-o",
        "g.png",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let png = std::fs::read(d.path().join("g.png")).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
}

#[test]
fn stats_on_a_tiny_graph_are_exact() {
    let d = Dirs::new();
    d.write(
        "t.ttl",
        "@prefix ex: <http://ex.org/ns#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n\
         ex:Person a owl:Class . ex:Pet a owl:Class .\n\
         ex:alice a ex:Person ; ex:name \"Alice\" ; ex:age 30 ; ex:knows ex:bob .\n\
         ex:bob a ex:Person ; ex:name \"Bob\" ; ex:age 30 ; ex:address [ ex:city \"Oslo\" ] .\n",
    );
    let o = d.run(&["--json", "graph", "stats", "t.ttl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = &json(&o)["stats"];
    assert_eq!(s["triples"], 11);
    assert_eq!(s["subjects"], 5);
    assert_eq!(s["predicates"], 6);
    assert_eq!(s["objects"], 8);
    assert_eq!(s["literals"], 4);
    assert_eq!(s["blank_nodes"], 1);
    assert_eq!(s["named_graphs"], 0);
    let classes: Vec<(String, u64)> = s["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["short"].as_str().unwrap().to_owned(),
                c["instances"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        classes,
        vec![
            ("ex:Person".to_owned(), 2),
            ("owl:Class".to_owned(), 2),
            ("ex:Pet".to_owned(), 0),
        ]
    );
    let props: Vec<(String, u64)> = s["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["short"].as_str().unwrap().to_owned(),
                p["triples"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        props,
        vec![
            ("rdf:type".to_owned(), 4),
            ("ex:age".to_owned(), 2),
            ("ex:name".to_owned(), 2),
            ("ex:address".to_owned(), 1),
            ("ex:city".to_owned(), 1),
            ("ex:knows".to_owned(), 1),
        ]
    );
    assert_eq!(s["namespaces"][0]["namespace"], "http://ex.org/ns#");
    assert_eq!(s["namespaces"][0]["prefix"], "ex");
    assert_eq!(s["namespaces"][0]["iris"], 9);
    let o = d.run(&["graph", "stats", "t.ttl"]);
    assert!(
        stdout(&o).starts_with("triples        11\n"),
        "{}",
        stdout(&o)
    );
}

const PEOPLE: &str = "@prefix ex: <http://ex.org/> .\nex:a ex:name \"A, \\\"the\\\" first\"@en ; ex:n 1 .\nex:b ex:name \"B\" ; ex:n 2 .\n";

#[test]
fn query_writes_every_format() {
    let d = Dirs::new();
    d.write("p.ttl", PEOPLE);
    let q = "SELECT ?s ?name WHERE { ?s ex:name ?name } ORDER BY ?s";
    let run = |format: &str| {
        let o = d.run(&["graph", "query", q, "-g", "p.ttl", "--format", format]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        stdout(&o)
    };
    let j: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(j["head"]["vars"], serde_json::json!(["s", "name"]));
    assert_eq!(
        j["results"]["bindings"][0]["name"],
        serde_json::json!({"type": "literal", "value": "A, \"the\" first", "xml:lang": "en"})
    );
    assert_eq!(
        run("csv"),
        "s,name\r\nhttp://ex.org/a,\"A, \"\"the\"\" first\"\r\nhttp://ex.org/b,B\r\n"
    );
    assert_eq!(
        run("tsv"),
        "?s\t?name\n<http://ex.org/a>\t\"A, \\\"the\\\" first\"@en\n<http://ex.org/b>\t\"B\"\n"
    );
    let xml = run("xml");
    assert!(
        xml.starts_with(
            "<?xml version=\"1.0\"?><sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">"
        ),
        "{xml}"
    );
    assert!(xml.contains("<binding name=\"name\"><literal xml:lang=\"en\">A, &quot;the&quot; first</literal></binding>"), "{xml}");
    assert_eq!(
        run("table"),
        "| ?s   | ?name                 |\n|------|-----------------------|\n| ex:a | \"A, \\\"the\\\" first\"@en |\n| ex:b | \"B\"                   |\n2 row(s)\n"
    );
    // ASK.
    let o = d.run(&[
        "graph",
        "query",
        "ASK { ex:a ex:n 1 }",
        "-g",
        "p.ttl",
        "--format",
        "json",
    ]);
    assert_eq!(stdout(&o), "{\"head\":{},\"boolean\":true}\n");
    let o = d.run(&[
        "graph",
        "query",
        "ASK { ex:a ex:n 2 }",
        "-g",
        "p.ttl",
        "--format",
        "tsv",
    ]);
    assert_eq!(stdout(&o), "false\n");
    // CONSTRUCT in RDF syntaxes; JSON means JSON-LD for graphs.
    let c = "CONSTRUCT { ?s ex:label ?name } WHERE { ?s ex:name ?name }";
    let o = d.run(&["graph", "query", c, "-g", "p.ttl", "--format", "turtle"]);
    let ttl = stdout(&o);
    assert!(ttl.contains("@prefix ex: <http://ex.org/> ."), "{ttl}");
    assert!(ttl.contains("ex:b ex:label \"B\" ."), "{ttl}");
    let o = d.run(&["graph", "query", c, "-g", "p.ttl", "--format", "nt"]);
    assert_eq!(stdout(&o).lines().count(), 2);
    let o = d.run(&["graph", "query", c, "-g", "p.ttl", "--format", "jsonld"]);
    let _: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let o = d.run(&["graph", "query", c, "-g", "p.ttl", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(2));
    let o = d.run(&["graph", "query", q, "-g", "p.ttl", "--format", "turtle"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("CONSTRUCT and DESCRIBE"),
        "{}",
        stderr(&o)
    );
    // DESCRIBE.
    let o = d.run(&[
        "graph",
        "query",
        "DESCRIBE ex:b",
        "-g",
        "p.ttl",
        "--format",
        "nt",
    ]);
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    // The query from stdin, and --json.
    let o = ggen(d.path(), d.home.path())
        .args(["--json", "graph", "query", "-g", "p.ttl"])
        .write_stdin("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        json(&o)["results"]["results"]["bindings"][0]["n"]["value"],
        "4"
    );
}

#[test]
fn runaway_query_is_stopped_by_the_timeout() {
    let d = Dirs::new();
    let mut ttl = String::from("@prefix ex: <http://ex.org/> .\n");
    for i in 0..200 {
        ttl.push_str(&format!("ex:s{i} ex:p ex:s{} .\n", (i + 1) % 200));
    }
    d.write("ring.ttl", &ttl);
    // Two explosive queries: one that notices its cancellation at the next store read, and a
    // property-path closure that reads rarely (stopped by the command giving up on it).
    for q in [
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?f ?s ?g }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (ex:p|^ex:p)* ?b . ?c ex:p* ?d }",
    ] {
        let start = Instant::now();
        let o = d.run(&[
            "--json",
            "graph",
            "query",
            q,
            "-g",
            "ring.ttl",
            "--timeout",
            "0.5",
        ]);
        let took = start.elapsed();
        assert_eq!(o.status.code(), Some(2), "{q}: {}", stdout(&o));
        let doc = json(&o);
        assert_eq!(doc["error"]["code"], "sparql-timeout", "{doc}");
        assert!(
            doc["error"]["message"]
                .as_str()
                .unwrap()
                .contains("time limit of 500 ms"),
            "{doc}"
        );
        // Minutes of work cut to the limit plus a grace second (generous bound for a loaded
        // machine and process start-up).
        assert!(took < Duration::from_secs(20), "{q}: {took:?}");
    }
    // A fast query under a time limit answers normally.
    let o = d.run(&[
        "graph",
        "query",
        "ASK { ex:s1 ex:p ex:s2 }",
        "-g",
        "ring.ttl",
        "--timeout",
        "5",
        "--format",
        "tsv",
    ]);
    assert_eq!(stdout(&o), "true\n");
}

#[test]
fn bad_input_gives_clear_errors_and_exit_2() {
    let d = Dirs::new();
    d.write("p.ttl", PEOPLE);
    // A malformed query: line and column (in the query file).
    d.write("q.rq", "SELECT ?s\nWHERE { ?s ex:name }\n");
    let o = d.run(&["--json", "graph", "query", "--file", "q.rq", "-g", "p.ttl"]);
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "sparql-syntax");
    assert_eq!(doc["error"]["file"], "q.rq");
    assert_eq!(doc["error"]["line"], 2);
    assert_eq!(doc["error"]["column"], 20);
    assert!(
        stderr(&o).contains("q.rq:2:20: invalid SPARQL"),
        "{}",
        stderr(&o)
    );
    // Inline query text: the position within the text.
    let o = d.run(&[
        "--json",
        "graph",
        "query",
        "SELECT * WHERE { ?s ?p }",
        "-g",
        "p.ttl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["error"]["line"], 1);
    // Unknown formats.
    for args in [
        vec!["graph", "export", "p.ttl", "--to", "yaml"],
        vec![
            "graph", "query", "ASK {}", "-g", "p.ttl", "--format", "yaml",
        ],
        vec!["graph", "stats", "p.ttl", "--from", "yaml"],
        vec!["graph", "visualize", "p.ttl", "--format", "pdf"],
        vec![
            "graph", "validate", "p.ttl", "-s", "p.ttl", "--format", "html",
        ],
    ] {
        let o = d.run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("yaml")
                || stderr(&o).contains("pdf")
                || stderr(&o).contains("html"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let o = d.run(&["graph", "export", "data.yaml", "--to", "ttl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot tell the RDF syntax of data.yaml"),
        "{}",
        stderr(&o)
    );
    // Unreadable files: missing, a directory, a query file that does not exist.
    std::fs::create_dir(d.path().join("dir.ttl")).unwrap();
    for args in [
        vec!["graph", "stats", "missing.ttl"],
        vec!["graph", "diff", "p.ttl", "missing.ttl"],
        vec!["graph", "export", "dir.ttl", "--to", "nt"],
        vec!["graph", "validate", "p.ttl", "-s", "missing.ttl"],
        vec!["graph", "query", "--file", "missing.rq", "-g", "p.ttl"],
    ] {
        let o = d.run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("cannot read"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // Malformed RDF: file, line and column.
    d.write(
        "bad.ttl",
        "@prefix ex: <http://ex.org/> .\nex:a ex:b \"open .\n",
    );
    let o = d.run(&["--json", "graph", "export", "bad.ttl", "--to", "nt"]);
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "rdf-syntax");
    assert_eq!(doc["error"]["file"], "bad.ttl");
    assert_eq!(doc["error"]["line"], 2);
    // A negative time limit.
    let o = d.run(&["graph", "query", "ASK {}", "-g", "p.ttl", "--timeout", "-1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn load_store_writes_a_canonical_snapshot() {
    let d = Dirs::new();
    d.write("p.ttl", PEOPLE);
    let o = d.run(&["--json", "graph", "load", "p.ttl", "--store", "snap"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    let hash = doc["canonical_sha256"].as_str().unwrap().to_owned();
    let snap = std::fs::read(d.path().join("snap/graph.nq")).unwrap();
    assert_eq!(ggen_core::hash::sha256_hex(&snap), hash);
    assert_eq!(doc["store"]["path"], "snap/graph.nq");
    let o = d.run(&["--json", "graph", "load", "snap/graph.nq"]);
    assert_eq!(json(&o)["canonical_sha256"], hash.as_str());
    let o = d.run(&[
        "graph",
        "query",
        "ASK { ex:b ex:n 2 }",
        "-g",
        "snap/graph.nq",
        "--format",
        "tsv",
    ]);
    // The snapshot has no prefixes: ex: is undefined there.
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let o = d.run(&[
        "graph",
        "query",
        "ASK { <http://ex.org/b> <http://ex.org/n> 2 }",
        "-g",
        "snap/graph.nq",
        "--format",
        "tsv",
    ]);
    assert_eq!(stdout(&o), "true\n");
}
