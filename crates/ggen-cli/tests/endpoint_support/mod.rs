//! Shared by the endpoint tests (loopback server and Virtuoso).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use ggen_graph::{Graph, GraphBuilder};

use crate::common;

/// The shop ontology files, as loaded by `examples/shop/ggen.toml`.
pub fn shop_ontology_files() -> Vec<std::path::PathBuf> {
    let dir = common::repo_root().join("examples/shop/ontology");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ttl"))
        .collect();
    files.sort();
    files
}

/// The shop ontology in a local graph.
pub fn shop_graph() -> Graph {
    let mut b = GraphBuilder::new();
    for f in shop_ontology_files() {
        b.add_file(&f, None).unwrap();
    }
    b.build().unwrap()
}

/// Point the project's `ggen.toml` at a SPARQL endpoint: `[graph] sources` and `shapes` (which
/// need a local graph) are replaced by `endpoint = url` and the `extra` lines.
pub fn use_endpoint(project: &Path, url: &str, extra: &[&str]) {
    let path = project.join("ggen.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    let mut replaced = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("sources") {
            out.push(format!("endpoint = \"{url}\""));
            out.extend(extra.iter().map(|s| (*s).to_owned()));
            replaced = true;
        } else if t.starts_with("shapes") {
            continue;
        } else {
            out.push(line.to_owned());
        }
    }
    assert!(replaced, "no `sources` line in {}", path.display());
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
}

/// `examples/shop` generated from its local files (the reference for endpoint runs).
pub fn local_generation() -> common::Shop {
    let shop = common::Shop::new();
    let out = shop.ggen().args(["project", "gen", "-q"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(common::tree(&shop.generated()).len(), 32);
    shop
}

/// Assert two trees are byte-identical, naming the files that differ.
pub fn assert_same_tree(got: &Path, want: &Path) {
    let got: BTreeMap<String, Vec<u8>> = common::tree(got);
    let want: BTreeMap<String, Vec<u8>> = common::tree(want);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "different file sets");
    let differing: Vec<&String> = got
        .iter()
        .filter(|(k, v)| want.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty(),
        "files differ: {differing:?}\nfirst one, got:\n{}",
        differing
            .first()
            .map(|k| String::from_utf8_lossy(&got[*k]).into_owned())
            .unwrap_or_default()
    );
}
