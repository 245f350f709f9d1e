//! `ggen template generate-tree` (v2.5 file-tree specs) and `ggen template generate-rdf`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;

use common::{ggen, json, repo_root, tree};

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const SPEC: &str = r##"name: service
description: A small service
variables:
  - name
defaults:
  port: "8080"
  docker: false
tree:
  - name: "{{ name }}"
    type: directory
    children:
      - name: src
        type: directory
        children:
          - name: main.rs
            type: file
            content: |
              fn main() {
                  println!("{{ name }} on {{ port }}");
              }
      - name: README.md
        type: file
        template: files/README.md.tmpl
      - name: run.sh
        type: file
        content: "#!/bin/sh\nexec ./{{ name | snake }}\n"
        mode: "0755"
      - name: "{% if docker %}Dockerfile{% endif %}"
        type: file
        content: "FROM scratch\n"
      - name: empty
        type: directory
"##;

const README: &str = "---\nvars:\n  owner: nobody\n---\n# {{ name | pascal }}\n\nOwned by {{ owner }}, port {{ port }}.\n";

fn spec_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "spec.yaml", SPEC);
    write(d.path(), "files/README.md.tmpl", README);
    d
}

#[test]
fn generate_tree_renders_names_contents_templates_and_modes() {
    let d = spec_dir();
    let home = tempfile::tempdir().unwrap();
    let o = ggen(d.path(), home.path())
        .args([
            "template",
            "generate-tree",
            "spec.yaml",
            "--var",
            "name=billing-api",
            "--var",
            "port=9000",
            "--out",
            "out",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("generated service: 3 files written, 0 unchanged"),
        "{stdout}"
    );
    let out = d.path().join("out");
    let files = tree(&out);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "billing-api/README.md",
            "billing-api/run.sh",
            "billing-api/src/main.rs"
        ]
    );
    assert_eq!(
        String::from_utf8_lossy(&files["billing-api/src/main.rs"]),
        "fn main() {\n    println!(\"billing-api on 9000\");\n}\n"
    );
    // a template file: filters, its frontmatter vars as defaults, the spec's vars
    assert_eq!(
        String::from_utf8_lossy(&files["billing-api/README.md"]),
        "# BillingApi\n\nOwned by nobody, port 9000.\n"
    );
    assert!(out.join("billing-api/empty").is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(out.join("billing-api/run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(m & 0o777, 0o755);
    }
    // the empty name skipped the Dockerfile; a variable turns it on
    let o = ggen(d.path(), home.path())
        .args([
            "--json",
            "template",
            "generate_tree", // the v2.5 spelling
            "spec.yaml",
            "--var",
            "name=billing-api",
            "--var",
            "port=9000",
            "--var",
            "docker=yes",
            "--out",
            "out",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = json(&o);
    assert_eq!(
        doc["written"],
        serde_json::json!(["billing-api/Dockerfile"])
    );
    let unchanged = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["action"] == "unchanged")
        .count();
    assert_eq!(unchanged, 3);
}

#[test]
fn missing_and_undefined_variables_are_located_in_the_spec() {
    let d = spec_dir();
    let home = tempfile::tempdir().unwrap();
    let o = ggen(d.path(), home.path())
        .args(["--json", "template", "generate-tree", "spec.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "tree-missing-var");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("variable `name` is required"),
        "{doc}"
    );
    assert_eq!(doc["error"]["file"], "spec.yaml");
    assert_eq!(doc["error"]["line"], 4, "{doc}");

    // an undefined variable inside a block scalar: the line of the spec file
    write(
        d.path(),
        "spec.yaml",
        &SPEC.replace("{{ port }}\");", "{{ prot }}\");"),
    );
    let o = ggen(d.path(), home.path())
        .args([
            "--json",
            "template",
            "generate-tree",
            "spec.yaml",
            "--var",
            "name=x",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert!(
        doc["error"]["message"].as_str().unwrap().contains("prot"),
        "{doc}"
    );
    assert_eq!(doc["error"]["file"], "spec.yaml", "{doc}");
    assert_eq!(doc["error"]["line"], 19, "{doc}");
    // nothing was written
    assert!(!d.path().join("x").exists());

    // invalid YAML shape: unknown key, with its line
    write(
        d.path(),
        "spec.yaml",
        "name: t\ntree:\n  - name: a\n    contnet: x\n",
    );
    let o = ggen(d.path(), home.path())
        .args(["--json", "template", "generate-tree", "spec.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "tree-spec");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("contnet"),
        "{doc}"
    );
    assert_eq!(doc["error"]["line"], 4, "{doc}");
}

#[test]
fn existing_files_are_not_overwritten_without_force_and_paths_cannot_escape() {
    let d = spec_dir();
    let home = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut c = ggen(d.path(), home.path());
        c.args([
            "template",
            "generate-tree",
            "spec.yaml",
            "--var",
            "name=svc",
        ])
        .args(extra);
        c.output().unwrap()
    };
    assert!(run(&[]).status.success());
    write(d.path(), "svc/README.md", "mine\n");
    let before = tree(d.path());
    let o = run(&["--var", "port=1"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("conflict svc/README.md"), "{stdout}");
    assert!(stdout.contains("nothing was written"), "{stdout}");
    assert_eq!(tree(d.path()), before, "a refused run wrote something");
    // dry run: nothing written either
    let o = run(&["--var", "port=1", "--force", "--dry-run"]);
    assert!(o.status.success());
    assert_eq!(tree(d.path()), before);
    // --force overwrites
    let o = run(&["--var", "port=1", "--force"]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(d.path().join("svc/README.md")).unwrap(),
        "# Svc\n\nOwned by nobody, port 1.\n"
    );
    // a name leaving the output directory
    write(
        d.path(),
        "bad.yaml",
        "name: bad\ntree:\n  - name: \"../{{ name }}\"\n    content: x\n",
    );
    let o = ggen(d.path(), home.path())
        .args([
            "--json",
            "template",
            "generate-tree",
            "bad.yaml",
            "--var",
            "name=esc",
            "--out",
            "sub",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["error"]["code"], "tree-path", "{doc}");
    assert_eq!(doc["error"]["line"], 3, "{doc}");
    assert!(!d.path().join("esc").exists());
}

#[test]
fn generate_rdf_with_a_template_file_is_template_generate() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "onto.ttl",
        "@prefix ex: <http://e/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\nex:A rdfs:label \"A\" .\n",
    );
    write(
        d.path(),
        "t.tmpl",
        "---\nto: labels.txt\nsparql:\n  l: \"SELECT ?l WHERE { ?s rdfs:label ?l }\"\n---\n{% for r in sparql_results.l %}{{ r.l }} {{ who }}{% endfor %}\n",
    );
    let o = ggen(d.path(), home.path())
        .args([
            "template",
            "generate-rdf",
            "--ontology",
            "onto.ttl",
            "--template",
            "t.tmpl",
            "--var",
            "who=me",
            "--out",
            "a",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o2 = ggen(d.path(), home.path())
        .args([
            "template", "generate", "t.tmpl", "--rdf", "onto.ttl", "--var", "who=me", "--out", "b",
        ])
        .output()
        .unwrap();
    assert!(o2.status.success());
    assert_eq!(
        std::fs::read_to_string(d.path().join("a/labels.txt")).unwrap(),
        "A me"
    );
    assert_eq!(tree(&d.path().join("a")), tree(&d.path().join("b")));
}

#[test]
fn generate_rdf_with_a_pack_renders_its_templates_against_the_ontology() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    for f in ["shop.ttl", "properties.ttl"] {
        std::fs::copy(
            repo_root().join("examples/shop/ontology").join(f),
            d.path().join(f),
        )
        .unwrap();
    }
    let o = ggen(d.path(), home.path())
        .args([
            "--offline",
            "--json",
            "template",
            "generate-rdf",
            "--ontology",
            "shop.ttl",
            "--ontology",
            "properties.ttl",
            "--template",
            "io.ggen.typescript-models",
            "--out",
            "web",
        ])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let doc = json(&o);
    assert!(doc["counts"]["create"].as_u64().unwrap() >= 3, "{doc}");
    let index = std::fs::read_to_string(d.path().join("web/src/models/index.ts")).unwrap();
    assert!(index.contains("export * from \"./product\";"), "{index}");
    let product = std::fs::read_to_string(d.path().join("web/src/models/product.ts")).unwrap();
    assert!(product.contains("export interface Product {"), "{product}");
    // nothing of the throw-away installation is left in the working directory
    let names: Vec<String> = tree(d.path()).into_keys().collect();
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("web/") || n.ends_with(".ttl")),
        "{names:?}"
    );

    // an unknown pack is an error with a suggestion
    let o = ggen(d.path(), home.path())
        .args([
            "--offline",
            "--json",
            "template",
            "generate-rdf",
            "--ontology",
            "shop.ttl",
            "--template",
            "io.ggen.typescript-model",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("io.ggen.typescript-models"),
        "{doc}"
    );
}
