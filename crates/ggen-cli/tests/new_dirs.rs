#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Outputs into directories that do not exist yet are staged and moved into place with one
//! rename: the new directory appears whole, a failure leaves no trace, and no staging
//! directory is ever left behind.

mod common;

use std::path::Path;

use common::{ggen, json, walk};

const MANIFEST: &str = "[project]\nname = \"n\"\n\n[output]\ndir = \".\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\nprefixes = { ex = \"http://example.org/n#\" }\n";

fn ontology(labels: &[&str]) -> String {
    let mut s = String::from("@prefix ex: <http://example.org/n#> .\n");
    for (i, l) in labels.iter().enumerate() {
        s.push_str(&format!("ex:i{i} ex:label \"{l}\" .\n"));
    }
    s
}

fn template(to: &str) -> String {
    format!(
        "---\nto: \"{to}\"\nforeach: items\nsparql:\n  items: |\n    SELECT ?label WHERE {{ ?s ex:label ?label }} ORDER BY ?label\n---\n{{{{ row.label }}}}\n"
    )
}

/// A project writing into two new trees, and into an existing directory when `existing`.
fn project(labels: &[&str], existing: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("ontology")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::create_dir_all(root.join("existing")).unwrap();
    std::fs::write(root.join("ggen.toml"), MANIFEST).unwrap();
    std::fs::write(root.join("ontology/n.ttl"), ontology(labels)).unwrap();
    // Two new trees (one nested two levels deep) and one directory that exists.
    std::fs::write(
        root.join("templates/a.txt.tmpl"),
        template("generated/deep/{{ row.label }}.txt"),
    )
    .unwrap();
    std::fs::write(
        root.join("templates/b.txt.tmpl"),
        template("docs/{{ row.label }}.md"),
    )
    .unwrap();
    if existing {
        std::fs::write(
            root.join("templates/c.txt.tmpl"),
            template("existing/{{ row.label }}.txt"),
        )
        .unwrap();
    }
    dir
}

/// Staging directories left anywhere in the project.
fn leftovers(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    fn rec(d: &Path, found: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(".ggen-stage-") || name.starts_with(".ggen-tmp-") {
                found.push(e.path().display().to_string());
            }
            if e.file_type().unwrap().is_dir() {
                rec(&e.path(), found);
            }
        }
    }
    rec(root, &mut found);
    found
}

#[test]
fn new_directories_appear_whole_with_the_usual_permissions() {
    let dir = project(&["x", "y", "z"], true);
    let root = dir.path();
    let home = tempfile::tempdir().unwrap();
    let out = ggen(root, home.path())
        .args(["project", "gen", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc = json(&out);
    let created = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "create")
        .count();
    assert_eq!(created, 9, "{doc}");
    for l in ["x", "y", "z"] {
        assert_eq!(
            std::fs::read_to_string(root.join(format!("generated/deep/{l}.txt"))).unwrap(),
            format!("{l}\n")
        );
        assert!(root.join(format!("docs/{l}.md")).is_file());
        assert!(root.join(format!("existing/{l}.txt")).is_file());
    }
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // What the standard library creates under the same umask.
        std::fs::create_dir_all(root.join("ref/sub")).unwrap();
        std::fs::write(root.join("ref/sub/f"), "").unwrap();
        assert_eq!(mode(&root.join("generated")), mode(&root.join("ref")));
        assert_eq!(
            mode(&root.join("generated/deep")),
            mode(&root.join("ref/sub"))
        );
        assert_eq!(
            mode(&root.join("generated/deep/x.txt")),
            mode(&root.join("ref/sub/f"))
        );
        assert_eq!(
            mode(&root.join("existing/x.txt")),
            mode(&root.join("ref/sub/f"))
        );
    }
    // A second run changes nothing; a new row is written into the directories that now exist.
    let out = ggen(root, home.path())
        .args(["project", "gen", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    std::fs::write(root.join("ontology/n.ttl"), ontology(&["x", "y", "z", "w"])).unwrap();
    let out = ggen(root, home.path())
        .args(["project", "gen", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(root.join("generated/deep/w.txt").is_file());
    assert!(root.join("docs/w.md").is_file());
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}

#[test]
fn a_file_that_cannot_be_created_leaves_no_new_directory_behind() {
    // A 300-byte file name: every file system here refuses it (the limit is 255), after the
    // files before it in the same new directory were written.
    let long = "l".repeat(300);
    // (Only new directories: into an existing one, planning would already fail reading it.)
    let dir = project(&["a", "b", &long], false);
    let root = dir.path();
    let before = walk(root);
    let home = tempfile::tempdir().unwrap();
    let out = ggen(root, home.path())
        .args(["project", "gen"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The error names the output that failed.
    assert!(
        stderr.contains(&format!("deep/{long}.txt")) || stderr.contains(&format!("docs/{long}.md")),
        "{stderr}"
    );
    // Neither new tree exists, nothing is staged, no receipt.
    assert!(!root.join("generated").exists());
    assert!(!root.join("docs").exists());
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
    assert!(!root.join(".ggen/receipt.json").exists());
    let after: Vec<_> = walk(root)
        .into_iter()
        .filter(|p| !p.starts_with(root.join(".ggen")))
        .collect();
    assert_eq!(after, before);
}
