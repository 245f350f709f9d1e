#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Outputs that no template produces any more are reported as orphans (and left on disk); with
//! `--only`, the outputs of templates not selected stay recorded instead.

mod common;

use common::{ggen, json};

const MANIFEST: &str = "[project]\nname = \"o\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\nprefixes = { ex = \"http://example.org/o#\" }\n";

const ONTOLOGY: &str = "@prefix ex: <http://example.org/o#> .\nex:a ex:label \"a\" .\nex:b ex:label \"b\" .\nex:c ex:label \"c\" .\n";

fn template(dir: &str) -> String {
    format!(
        "---\nto: \"{dir}/{{{{ row.label }}}}.txt\"\nforeach: items\nsparql:\n  items: |\n    SELECT ?label WHERE {{ ?s ex:label ?label }} ORDER BY ?label\n---\n{{{{ row.label }}}}\n"
    )
}

#[test]
fn outputs_of_a_removed_template_are_orphans_and_unselected_ones_stay_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("ontology")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("ggen.toml"), MANIFEST).unwrap();
    std::fs::write(root.join("ontology/o.ttl"), ONTOLOGY).unwrap();
    std::fs::write(root.join("templates/one.txt.tmpl"), template("one")).unwrap();
    std::fs::write(root.join("templates/two.txt.tmpl"), template("two")).unwrap();
    let run = |args: &[&str]| {
        let out = ggen(root, home.path())
            .args(["project", "gen", "--json"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        json(&out)
    };
    run(&[]);
    // Only `one` selected: `two`'s outputs are not orphans, and stay in the receipt.
    let doc = run(&["--only", "templates/one.txt.tmpl"]);
    assert_eq!(doc["orphans"], serde_json::json!([]), "{doc}");
    let paths: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "generated/one/a.txt",
            "generated/one/b.txt",
            "generated/one/c.txt"
        ],
        "{doc}"
    );
    let receipt = std::fs::read_to_string(root.join(".ggen/receipt.json")).unwrap();
    assert!(receipt.contains("generated/two/b.txt"), "{receipt}");
    // `two` removed: its three outputs are orphans, left on disk.
    std::fs::remove_file(root.join("templates/two.txt.tmpl")).unwrap();
    let doc = run(&[]);
    assert_eq!(
        doc["orphans"],
        serde_json::json!([
            "generated/two/a.txt",
            "generated/two/b.txt",
            "generated/two/c.txt"
        ]),
        "{doc}"
    );
    assert!(root.join("generated/two/a.txt").exists());
}
