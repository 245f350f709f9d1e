#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Large inputs take the multi-threaded paths (the ontology is parsed in chunks, `foreach` rows
//! are rendered on several threads, baseline blobs are stored beside the output writes): the
//! outputs and receipt must be those of small inputs, whatever the order, and the first error
//! in row order must be the one reported.

mod common;

use std::path::Path;

use common::{ggen, tree};

const ROWS: usize = 400;

const MANIFEST: &str = "[project]\nname = \"many\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\nprefixes = { ex = \"http://example.org/m#\" }\n";

const TEMPLATE: &str = r#"---
to: "out/{{ row.label }}.txt"
foreach: items
sparql:
  items: |
    SELECT ?label (GROUP_CONCAT(STR(?v); separator=",") AS ?vs) WHERE { ?c ex:label ?label ; ex:v ?v } GROUP BY ?label ORDER BY ?label
---
{{ row.label }}: {{ row.vs }}
"#;

/// Makes the one-file ontology large enough to be parsed in chunks (over 64 KiB).
const PADDING: &str = "A note that only makes the file larger, so that it is split between threads when parsed; it is not used by the template.";

/// Turtle for `ROWS` items with three values each; `order` permutes the statements.
fn ontology(order: &[usize]) -> String {
    let mut s = String::from("@prefix ex: <http://example.org/m#> .\n");
    for &i in order {
        s.push_str(&format!(
            "ex:i{i} ex:label \"item{i:04}\" ; ex:v {} , {} , {} ;\n    ex:note \"{PADDING}\" .\n",
            i * 3,
            i * 3 + 1,
            i * 3 + 2
        ));
    }
    s
}

fn project(dir: &Path, ttl_files: &[String], template: &str) {
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("ggen.toml"), MANIFEST).unwrap();
    for (i, ttl) in ttl_files.iter().enumerate() {
        std::fs::write(dir.join(format!("ontology/part{i}.ttl")), ttl).unwrap();
    }
    std::fs::write(dir.join("templates/item.txt.tmpl"), template).unwrap();
}

fn generate(ttl_files: &[String]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    project(dir.path(), ttl_files, TEMPLATE);
    ggen(dir.path(), home.path())
        .args(["project", "gen"])
        .assert()
        .success();
    let mut t = tree(dir.path());
    t.retain(|k, _| k.starts_with("generated/") || k == ".ggen/receipt.json");
    t
}

#[test]
fn large_inputs_generate_like_small_ones_in_any_order() {
    let forward: Vec<usize> = (0..ROWS).collect();
    let mut shuffled = forward.clone();
    // A fixed permutation (no randomness in tests): reverse, then interleave.
    shuffled.reverse();
    let (a, b) = shuffled.split_at(ROWS / 2);
    let interleaved: Vec<usize> = a.iter().zip(b).flat_map(|(x, y)| [*x, *y]).collect();
    // One large file (parsed in chunks, rows rendered in parallel) …
    assert!(ontology(&forward).len() > 64 * 1024);
    let one = generate(&[ontology(&forward)]);
    assert_eq!(
        one.keys()
            .filter(|k| k.starts_with("generated/out/"))
            .count(),
        ROWS
    );
    // GROUP_CONCAT follows the store's order, which is the canonical one: fixed, whatever
    // the input order (checked below), though not numeric.
    let text = String::from_utf8(one["generated/out/item0007.txt"].clone()).unwrap();
    let (label, values) = text.trim_end().split_once(": ").unwrap();
    assert_eq!(label, "item0007");
    let mut values: Vec<&str> = values.split(',').collect();
    values.sort_unstable();
    assert_eq!(values, ["21", "22", "23"]);
    // … the same statements shuffled in one file, and split into many small files.
    let shuffled_one = generate(&[ontology(&interleaved)]);
    let small_files: Vec<String> = interleaved.chunks(7).map(ontology).collect();
    let many = generate(&small_files);
    // The receipt records each source file's own hash, so compare the outputs and the
    // canonical graph hash.
    let outputs = |t: &std::collections::BTreeMap<String, Vec<u8>>| {
        t.iter()
            .filter(|(k, _)| k.starts_with("generated/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    assert!(outputs(&one) == outputs(&shuffled_one), "shuffled one file");
    assert!(outputs(&one) == outputs(&many), "split into many files");
    let hash = |t: &std::collections::BTreeMap<String, Vec<u8>>| {
        let r: serde_json::Value = serde_json::from_slice(&t[".ggen/receipt.json"]).unwrap();
        r["graph"]["canonical_sha256"].clone()
    };
    assert_eq!(hash(&one), hash(&many));
    assert_eq!(hash(&one), hash(&shuffled_one));
    assert!(hash(&one).is_string());
}

fn gen_error(path_row: &str, body_row: &str) -> String {
    let template = TEMPLATE
        .replace(
            "to: \"out/{{ row.label }}.txt\"",
            &format!("to: \"{{% if row.label == '{path_row}' %}}../../escape.txt{{% else %}}out/{{{{ row.label }}}}.txt{{% endif %}}\""),
        )
        .replace(
            "{{ row.label }}: {{ row.vs }}",
            &format!("{{% if row.label == '{body_row}' %}}{{{{ undefined_variable }}}}{{% endif %}}{{{{ row.label }}}}"),
        );
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[ontology(&(0..ROWS).collect::<Vec<_>>())],
        &template,
    );
    let out = ggen(dir.path(), home.path())
        .args(["project", "gen"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("generated").exists(), "nothing written");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_first_failing_row_in_order_is_reported() {
    // Rows are rendered on two threads (the first half here, the second on a worker); the
    // error reported is the one a one-by-one run meets first, whichever thread finds it.
    let err = gen_error("item0100", "item0300");
    assert!(err.contains("escape.txt"), "{err}");
    assert!(!err.contains("undefined_variable"), "{err}");
    let err = gen_error("item0300", "item0100");
    assert!(err.contains("undefined_variable"), "{err}");
    assert!(!err.contains("escape.txt"), "{err}");
}
