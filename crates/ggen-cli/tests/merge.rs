#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Regeneration that keeps hand edits: the merge matrix (clean merge, conflict markers, plain
//! update, deleted files, protected regions, resolving), merge policies, the baseline store and
//! `ggen template regenerate`.

mod common;

use std::path::PathBuf;

use common::{ggen, json};
use serde_json::Value;

const MANIFEST: &str = r#"[project]
name = "m"

[graph]
sources = ["ontology/*.ttl"]
prefixes = { ex = "http://example.org/m#" }
"#;

const ONTOLOGY: &str = r#"@prefix ex: <http://example.org/m#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:Customer a owl:Class ; rdfs:label "Customer" ; rdfs:comment "A customer." .
ex:Order a owl:Class ; rdfs:label "Order" ; rdfs:comment "An order." .
ex:Product a owl:Class ; rdfs:label "Product" ; rdfs:comment "A product." .
"#;

const MODEL: &str = r#"---
to: model.txt
sparql:
  classes: |
    SELECT ?label ?comment WHERE { ?c a owl:Class ; rdfs:label ?label ; rdfs:comment ?comment } ORDER BY ?label
---
# Model

{% for c in sparql_results.classes %}
## {{ c.label }}

{{ c.comment }}

{% endfor %}
# end
"#;

const KEEP: &str = r#"---
to: keep.rs
sparql:
  classes: |
    SELECT ?label WHERE { ?c a owl:Class ; rdfs:label ?label } ORDER BY ?label
---
// generated
// ggen:keep:begin imports
// your imports
// ggen:keep:end imports
{% for c in sparql_results.classes %}
pub struct {{ c.label }};
{% endfor %}
/* ggen:keep:begin tail */
/* ggen:keep:end tail */
"#;

/// What `model.txt` holds after the first generation.
const MODEL_TXT: &str = "# Model\n\n## Customer\n\nA customer.\n\n## Order\n\nAn order.\n\n## Product\n\nA product.\n\n# end\n";

struct Proj {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Proj {
    /// A generated project (`model.txt`, `keep.rs`).
    fn new() -> Self {
        let p = Proj {
            dir: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
        };
        p.write("ggen.toml", MANIFEST);
        p.write("ontology/m.ttl", ONTOLOGY);
        p.write("templates/model.txt.tmpl", MODEL);
        p.write("templates/keep.rs.tmpl", KEEP);
        let (code, doc) = p.generate(&[]);
        assert_eq!(code, 0, "{doc}");
        assert_eq!(p.read("generated/model.txt"), MODEL_TXT);
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

    /// Replace text in a file (which must contain it).
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let t = self.read(rel);
        assert!(t.contains(from), "{rel} lacks {from:?}:\n{t}");
        self.write(rel, &t.replacen(from, to, 1));
    }

    /// Run `ggen --json <args>`: exit code and the JSON document.
    fn run(&self, args: &[&str]) -> (i32, Value) {
        let out = ggen(self.dir.path(), self.home.path())
            .arg("--json")
            .args(args)
            .output()
            .unwrap();
        (out.status.code().unwrap(), json(&out))
    }

    /// Run `ggen project gen` (human output): exit code, stdout, stderr.
    fn gen_human(&self, extra: &[&str]) -> (i32, String, String) {
        let out = ggen(self.dir.path(), self.home.path())
            .args(["project", "gen"])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn generate(&self, extra: &[&str]) -> (i32, Value) {
        let mut args = vec!["project", "gen"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn receipt(&self) -> Value {
        serde_json::from_str(&self.read(".ggen/receipt.json")).unwrap()
    }

    fn recorded(&self, path: &str) -> Value {
        self.receipt()["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == path)
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn blobs(&self) -> Vec<String> {
        let dir = self.path(".ggen/baseline/sha256");
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

fn entry<'a>(doc: &'a Value, path: &str) -> &'a Value {
    doc["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("no entries: {doc}"))
        .iter()
        .find(|e| e["path"] == path)
        .unwrap_or_else(|| panic!("no entry {path}: {doc}"))
}

fn sha(text: &str) -> String {
    ggen_core::hash::sha256_hex(text.as_bytes())
}

#[test]
fn user_edit_and_unrelated_model_change_merge_cleanly() {
    let p = Proj::new();
    p.edit("generated/model.txt", "# end\n", "# end (my note)\n");
    p.edit("ontology/m.ttl", "A customer.", "A person who buys.");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(e["action"], "merge", "{e}");
    assert!(e["reason"].as_str().unwrap().contains("merged"), "{e}");
    let merged = p.read("generated/model.txt");
    assert!(
        merged.contains("A person who buys.") && merged.contains("# end (my note)"),
        "both changes: {merged}"
    );
    assert_eq!(doc["counts"]["merge"], 1);
    // The receipt records the generated side, which is in the baseline store.
    let generated = MODEL_TXT.replace("A customer.", "A person who buys.");
    assert_eq!(p.recorded("generated/model.txt")["sha256"], sha(&generated));
    assert_eq!(e["generated_sha256"], sha(&generated));
    assert_eq!(
        std::fs::read_to_string(p.path(".ggen/baseline/sha256").join(sha(&generated))).unwrap(),
        generated
    );
    // Running again keeps the edits and changes nothing; no drift.
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(entry(&doc, "generated/model.txt")["action"], "unchanged");
    assert_eq!(p.read("generated/model.txt"), merged);
    let (code, doc) = p.generate(&["--check"]);
    assert_eq!((code, &doc["drift"]), (0, &Value::Bool(false)), "{doc}");
}

#[test]
fn overlapping_change_writes_markers_exits_1_and_lists_the_file() {
    let p = Proj::new();
    p.edit("generated/model.txt", "An order.", "An order (mine).");
    p.edit(
        "ontology/m.ttl",
        "An order.",
        "An order placed by a customer.",
    );
    p.edit("ontology/m.ttl", "A product.", "Something sold.");
    let (code, stdout, _) = p.gen_human(&[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("conflict generated/model.txt")
            && stdout.contains("conflict markers written into generated/model.txt"),
        "{stdout}"
    );
    let text = p.read("generated/model.txt");
    assert_eq!(
        text,
        "# Model\n\n## Customer\n\nA customer.\n\n## Order\n\n<<<<<<< ours\nAn order (mine).\n=======\nAn order placed by a customer.\n>>>>>>> generated\n\n## Product\n\nSomething sold.\n\n# end\n",
        "the unrelated change merged, the overlapping one marked"
    );
    // Other outputs were regenerated normally.
    assert!(p.read("generated/keep.rs").contains("pub struct Product;"));
    let rec = p.recorded("generated/model.txt");
    assert_eq!(rec["conflict"], true, "{rec}");
    // The JSON plan tells conflicts with markers apart.
    let p = Proj::new();
    p.edit("generated/model.txt", "An order.", "An order (mine).");
    p.edit(
        "ontology/m.ttl",
        "An order.",
        "An order placed by a customer.",
    );
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 1, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(
        (&e["action"], &e["markers"]),
        (&Value::from("conflict"), &Value::Bool(true)),
        "{e}"
    );
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains("1 conflicting region"),
        "{e}"
    );
    assert_eq!(doc["conflicts"], true);
    assert_eq!(doc["counts"]["conflict"], 1);
}

#[test]
fn leftover_markers_refuse_the_run_until_resolved_then_it_is_clean() {
    let p = Proj::new();
    p.edit("generated/model.txt", "An order.", "An order (mine).");
    p.edit(
        "ontology/m.ttl",
        "An order.",
        "An order placed by a customer.",
    );
    assert_eq!(p.generate(&[]).0, 1);
    let with_markers = p.read("generated/model.txt");
    let receipt = p.read(".ggen/receipt.json");
    // Refused: exit 1, the file named, nothing touched.
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["error"]["code"], "unresolved-conflicts", "{doc}");
    assert_eq!(doc["error"]["file"], "generated/model.txt");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("remain in generated/model.txt"),
        "{doc}"
    );
    for args in [&["--check"][..], &["--dry-run"][..]] {
        assert_eq!(p.generate(args).0, 1, "{args:?}");
    }
    let (code, doc) = p.run(&["project", "diff"]);
    assert_eq!(
        (code, &doc["error"]["code"]),
        (1, &Value::from("unresolved-conflicts"))
    );
    assert_eq!(p.read("generated/model.txt"), with_markers);
    assert_eq!(p.read(".ggen/receipt.json"), receipt);
    // verify reports it.
    let (code, doc) = p.run(&["project", "verify"]);
    assert_eq!(code, 1);
    let v = doc["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"] == "generated/model.txt")
        .unwrap()
        .clone();
    assert_eq!(v["status"], "conflict", "{doc}");
    // Resolve by hand: the next run is clean and keeps the resolution.
    let resolved = with_markers.replace(
        "<<<<<<< ours\nAn order (mine).\n=======\nAn order placed by a customer.\n>>>>>>> generated\n",
        "An order placed by a customer (mine).\n",
    );
    p.write("generated/model.txt", &resolved);
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(entry(&doc, "generated/model.txt")["action"], "unchanged");
    assert_eq!(p.read("generated/model.txt"), resolved);
    assert!(p.recorded("generated/model.txt").get("conflict").is_none());
    let (code, doc) = p.generate(&["--check"]);
    assert_eq!(code, 0, "{doc}");
    // A later model change merges into the resolved file.
    p.edit("ontology/m.ttl", "A customer.", "A person who buys.");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(entry(&doc, "generated/model.txt")["action"], "merge");
    let now = p.read("generated/model.txt");
    assert!(
        now.contains("A person who buys.") && now.contains("(mine)"),
        "{now}"
    );
}

#[test]
fn force_overrides_leftover_markers() {
    let p = Proj::new();
    p.edit("generated/model.txt", "An order.", "An order (mine).");
    p.edit(
        "ontology/m.ttl",
        "An order.",
        "An order placed by a customer.",
    );
    assert_eq!(p.generate(&[]).0, 1);
    let (code, doc) = p.generate(&["--force"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        p.read("generated/model.txt"),
        MODEL_TXT.replace("An order.", "An order placed by a customer.")
    );
    assert_eq!(p.generate(&[]).0, 0);
}

#[test]
fn no_user_edit_is_a_plain_update() {
    let p = Proj::new();
    p.edit("ontology/m.ttl", "A customer.", "A person who buys.");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(e["action"], "update", "{e}");
    assert!(
        e.get("reason").is_none() && e.get("generated_sha256").is_none(),
        "{e}"
    );
    assert_eq!(
        p.read("generated/model.txt"),
        MODEL_TXT.replace("A customer.", "A person who buys.")
    );
}

#[test]
fn a_deleted_generated_file_is_reported_not_recreated_unless_forced() {
    let p = Proj::new();
    let recorded = p.recorded("generated/model.txt");
    std::fs::remove_file(p.path("generated/model.txt")).unwrap();
    for _ in 0..2 {
        let (code, doc) = p.generate(&[]);
        assert_eq!(code, 0, "{doc}");
        let e = entry(&doc, "generated/model.txt");
        assert_eq!(e["action"], "skip", "{e}");
        assert_eq!(
            e["reason"],
            "deleted by you since the last generation (use --force to recreate)"
        );
        assert!(!p.path("generated/model.txt").exists());
        assert_eq!(
            p.recorded("generated/model.txt"),
            recorded,
            "still remembered"
        );
    }
    // Also after a model change.
    p.edit("ontology/m.ttl", "A customer.", "A person who buys.");
    let (_, stdout, _) = p.gen_human(&["-v"]);
    assert!(
        stdout.contains("skip generated/model.txt  (deleted by you since the last generation"),
        "{stdout}"
    );
    assert!(!p.path("generated/model.txt").exists());
    let (code, doc) = p.generate(&["--force"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(entry(&doc, "generated/model.txt")["action"], "create");
    assert!(p.read("generated/model.txt").contains("A person who buys."));
}

#[test]
fn deleting_every_generated_file_is_a_clean_regeneration() {
    let p = Proj::new();
    std::fs::remove_dir_all(p.path("generated")).unwrap();
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["counts"]["create"], 2, "{doc}");
    assert_eq!(p.read("generated/model.txt"), MODEL_TXT);
}

#[test]
fn protected_regions_are_kept_byte_for_byte() {
    let p = Proj::new();
    // Odd bytes on purpose: trailing spaces, a tab, CRLF, a line without the comment syntax.
    let mine = "use std::fmt;   \r\n\tuse crate::x; // mine\nconst N: u8 = 1;\n";
    p.edit("generated/keep.rs", "// your imports\n", mine);
    let region = |text: &str| -> String {
        let a = text.find("// ggen:keep:begin imports\n").unwrap() + 27;
        let b = text.find("// ggen:keep:end imports").unwrap();
        text[a..b].to_owned()
    };
    assert_eq!(region(&p.read("generated/keep.rs")), mine);
    // A model change rewrites the rest and keeps the region.
    p.write(
        "ontology/m.ttl",
        &format!("{ONTOLOGY}ex:Zebra a owl:Class ; rdfs:label \"Zebra\" ; rdfs:comment \"Z.\" .\n"),
    );
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/keep.rs");
    assert_eq!(e["action"], "update", "{e}");
    assert_eq!(e["reason"], "protected region `imports` kept", "{e}");
    let text = p.read("generated/keep.rs");
    assert!(text.contains("pub struct Zebra;"), "{text}");
    assert_eq!(region(&text), mine);
    // The file is now exactly what ggen generated (with your region): no edits to merge.
    assert_eq!(p.recorded("generated/keep.rs")["sha256"], sha(&text));
    // Editing only the region again: regenerating with no other change leaves the file alone.
    let mine = "use std::fmt;\nuse std::io;\n";
    let text = text.replace(
        "use std::fmt;   \r\n\tuse crate::x; // mine\nconst N: u8 = 1;\n",
        mine,
    );
    p.write("generated/keep.rs", &text);
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(entry(&doc, "generated/keep.rs")["action"], "unchanged");
    assert_eq!(p.read("generated/keep.rs"), text);
    // Even --force keeps protected regions.
    p.edit("ontology/m.ttl", "\"Zebra\"", "\"Zed\"");
    p.edit(
        "generated/keep.rs",
        "// generated\n",
        "// generated (edited outside)\n",
    );
    let (code, doc) = p.generate(&["--force"]);
    assert_eq!(code, 0, "{doc}");
    let text = p.read("generated/keep.rs");
    assert!(
        text.contains("pub struct Zed;") && !text.contains("edited outside"),
        "{text}"
    );
    assert_eq!(region(&text), mine);
}

#[test]
fn a_protected_region_the_new_output_lacks_is_a_conflict() {
    let p = Proj::new();
    p.edit(
        "generated/keep.rs",
        "/* ggen:keep:begin tail */\n",
        "/* ggen:keep:begin tail */\nfn mine() {}\n",
    );
    let before = p.read("generated/keep.rs");
    p.edit(
        "templates/keep.rs.tmpl",
        "/* ggen:keep:begin tail */\n/* ggen:keep:end tail */\n",
        "",
    );
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 1, "{doc}");
    let e = entry(&doc, "generated/keep.rs");
    assert_eq!(e["action"], "conflict", "{e}");
    assert!(e.get("markers").is_none(), "{e}");
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains("the new output has no protected region `tail`"),
        "{e}"
    );
    assert_eq!(p.read("generated/keep.rs"), before, "left alone");
    // Malformed markers in your file: also left alone.
    p.edit("generated/keep.rs", "/* ggen:keep:end tail */\n", "");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 1, "{doc}");
    assert!(
        entry(&doc, "generated/keep.rs")["reason"]
            .as_str()
            .unwrap()
            .contains("has no `ggen:keep:end tail`"),
        "{doc}"
    );
    // --force drops the region.
    let (code, _) = p.generate(&["--force"]);
    assert_eq!(code, 0);
    assert!(!p.read("generated/keep.rs").contains("fn mine"));
}

#[test]
fn malformed_regions_in_a_template_are_an_error_naming_it() {
    let p = Proj::new();
    p.edit("templates/keep.rs.tmpl", "/* ggen:keep:end tail */\n", "");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 2, "{doc}");
    assert_eq!(doc["error"]["code"], "keep-region");
    assert_eq!(doc["error"]["file"], "templates/keep.rs.tmpl");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("generated/keep.rs"),
        "{doc}"
    );
}

#[test]
fn merge_policies_from_the_command_line() {
    // keep-ours: overlapping changes keep your lines, unrelated ones merge, no markers.
    let p = Proj::new();
    p.edit("generated/model.txt", "An order.", "An order (mine).");
    p.edit(
        "ontology/m.ttl",
        "An order.",
        "An order placed by a customer.",
    );
    p.edit("ontology/m.ttl", "A product.", "Something sold.");
    let (code, doc) = p.generate(&["--merge", "keep-ours"]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(e["action"], "merge", "{e}");
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains("1 overlapping region kept as you wrote it"),
        "{e}"
    );
    let text = p.read("generated/model.txt");
    assert!(
        text.contains("An order (mine).")
            && text.contains("Something sold.")
            && !text.contains("<<<<<<<"),
        "{text}"
    );

    // overwrite: the new output replaces your edits.
    let p = Proj::new();
    p.edit("generated/model.txt", "# end\n", "# end (mine)\n");
    p.edit("ontology/m.ttl", "A customer.", "A person.");
    let (code, doc) = p.generate(&["--merge", "overwrite"]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(e["action"], "update");
    assert_eq!(e["reason"], "hand edits overwritten (--merge overwrite)");
    assert_eq!(
        p.read("generated/model.txt"),
        MODEL_TXT.replace("A customer.", "A person.")
    );

    // markers-only: even an unrelated generated change becomes a conflict block.
    let p = Proj::new();
    p.edit("generated/model.txt", "# end\n", "# end (mine)\n");
    p.edit("ontology/m.ttl", "A customer.", "A person.");
    let (code, doc) = p.generate(&["--merge", "markers-only"]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(entry(&doc, "generated/model.txt")["markers"], true);
    let text = p.read("generated/model.txt");
    assert!(
        text.contains("<<<<<<< ours\nA customer.\n=======\nA person.\n>>>>>>> generated\n")
            && text.contains("# end (mine)\n"),
        "{text}"
    );

    // A bad policy is a usage error.
    let (code, _, stderr) = p.gen_human(&["--merge", "theirs"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("keep-ours"), "{stderr}");
}

#[test]
fn merge_policy_from_the_frontmatter_and_the_command_line_over_it() {
    let p = Proj::new();
    p.edit(
        "templates/model.txt.tmpl",
        "to: model.txt\n",
        "to: model.txt\nmerge: keep-ours\n",
    );
    p.edit("generated/model.txt", "An order.", "An order (mine).");
    p.edit(
        "ontology/m.ttl",
        "An order.",
        "An order placed by a customer.",
    );
    p.edit("ontology/m.ttl", "A product.", "Something sold.");
    // --dry-run: the plan shows what each policy would do, and writes nothing.
    let (code, doc) = p.generate(&["--dry-run"]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(e["action"], "merge");
    assert!(
        e["reason"].as_str().unwrap().contains("merge: keep-ours"),
        "{e}"
    );
    let (code, doc) = p.generate(&["--dry-run", "--merge", "three-way"]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(entry(&doc, "generated/model.txt")["markers"], true);
    assert!(!p.read("generated/model.txt").contains("Something sold."));
    let (code, _) = p.generate(&[]);
    assert_eq!(code, 0);
    let text = p.read("generated/model.txt");
    assert!(
        text.contains("An order (mine).\n\n") && text.contains("Something sold."),
        "{text}"
    );
    // An invalid `merge:` value names the template and line.
    p.edit(
        "templates/model.txt.tmpl",
        "merge: keep-ours",
        "merge: mine",
    );
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 2, "{doc}");
    assert_eq!(doc["error"]["file"], "templates/model.txt.tmpl");
    assert_eq!(doc["error"]["line"], 3);
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`merge: mine` is not one of three-way, overwrite, keep-ours, markers-only"),
        "{doc}"
    );
}

#[test]
fn without_a_baseline_an_edited_file_is_left_alone_as_before() {
    let p = Proj::new();
    std::fs::remove_dir_all(p.path(".ggen/baseline")).unwrap();
    p.edit("generated/model.txt", "# end\n", "# end (mine)\n");
    p.edit("ontology/m.ttl", "A customer.", "A person.");
    let edited = p.read("generated/model.txt");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 1, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(e["action"], "conflict");
    assert!(e.get("markers").is_none());
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains("no baseline to merge with"),
        "{e}"
    );
    assert_eq!(p.read("generated/model.txt"), edited);
    // markers-only works without a baseline: your file against the new output.
    let (code, _) = p.generate(&["--merge", "markers-only"]);
    assert_eq!(code, 1);
    let text = p.read("generated/model.txt");
    assert!(
        text.contains("<<<<<<< ours\nA customer.\n=======\nA person.\n>>>>>>> generated\n"),
        "{text}"
    );
    assert!(
        text.contains("<<<<<<< ours\n# end (mine)\n=======\n# end\n>>>>>>> generated\n"),
        "{text}"
    );
}

#[test]
fn the_baseline_holds_exactly_the_recorded_contents() {
    let p = Proj::new();
    let expect = |p: &Proj| {
        let mut want: Vec<String> = p.receipt()["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["sha256"].as_str().unwrap().to_owned())
            .collect();
        want.sort();
        want.dedup();
        assert_eq!(p.blobs(), want);
        for h in want {
            let text = std::fs::read(p.path(".ggen/baseline/sha256").join(&h)).unwrap();
            assert_eq!(ggen_core::hash::sha256_hex(&text), h);
        }
    };
    expect(&p);
    assert_eq!(p.blobs().len(), 2);
    // A model change replaces both blobs; the old ones are removed.
    let old = p.blobs();
    p.edit("ontology/m.ttl", "\"Product\"", "\"Item\"");
    assert_eq!(p.generate(&[]).0, 0);
    expect(&p);
    assert!(p.blobs().iter().all(|b| !old.contains(b)));
    // Dry runs and checks write nothing to the store.
    p.edit("ontology/m.ttl", "\"Item\"", "\"Thing\"");
    let before = p.blobs();
    assert_eq!(p.generate(&["--dry-run"]).0, 0);
    assert_eq!(p.generate(&["--check"]).0, 1);
    assert_eq!(p.blobs(), before);
    // A damaged blob counts as missing (no merge from a wrong base), and is repaired by the next
    // generation of that content.
    let model = p.recorded("generated/model.txt")["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(p.path(".ggen/baseline/sha256").join(&model), "garbage\n").unwrap();
    p.edit("generated/model.txt", "# end\n", "# end (mine)\n");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 1, "{doc}");
    assert!(
        entry(&doc, "generated/model.txt")["reason"]
            .as_str()
            .unwrap()
            .contains("no baseline"),
        "{doc}"
    );
}

#[test]
fn receipts_stay_deterministic() {
    let a = Proj::new();
    let b = Proj::new();
    for p in [&a, &b] {
        p.edit("generated/model.txt", "An order.", "An order (mine).");
        p.edit(
            "ontology/m.ttl",
            "An order.",
            "An order placed by a customer.",
        );
        assert_eq!(p.generate(&[]).0, 1);
    }
    assert_eq!(a.read(".ggen/receipt.json"), b.read(".ggen/receipt.json"));
    assert_eq!(a.blobs(), b.blobs());
}

#[test]
fn template_regenerate_all_or_named_templates() {
    let p = Proj::new();
    p.edit("generated/model.txt", "# end\n", "# end (my note)\n");
    p.edit("ontology/m.ttl", "\"Customer\"", "\"Client\"");
    // Only the named template's outputs (a path relative to the current directory).
    let (code, doc) = p.run(&["template", "regenerate", "templates/model.txt.tmpl"]);
    assert_eq!(code, 0, "{doc}");
    let paths: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["generated/model.txt"]);
    assert_eq!(entry(&doc, "generated/model.txt")["action"], "merge");
    assert_eq!(
        doc["templates"],
        serde_json::json!(["templates/model.txt.tmpl"])
    );
    assert_eq!(p.receipt()["partial"], true, "like --only");
    let text = p.read("generated/model.txt");
    assert!(
        text.contains("## Client") && text.contains("(my note)"),
        "{text}"
    );
    assert!(p.read("generated/keep.rs").contains("pub struct Customer;"));
    // All recorded templates.
    let (code, doc) = p.run(&["template", "regenerate"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(entry(&doc, "generated/keep.rs")["action"], "update");
    assert!(p.read("generated/keep.rs").contains("pub struct Client;"));
    assert_eq!(p.receipt().get("partial"), None, "a full run");
    // Same merge rules: an overlapping change conflicts, and leftover markers refuse the run.
    p.edit(
        "generated/keep.rs",
        "pub struct Client;",
        "pub struct Client; // mine",
    );
    p.edit("ontology/m.ttl", "\"Client\"", "\"Buyer\"");
    let (code, doc) = p.run(&["template", "regenerate", "templates/keep.rs.tmpl"]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(entry(&doc, "generated/keep.rs")["markers"], true);
    let (code, doc) = p.run(&["template", "regenerate"]);
    assert_eq!(
        (code, &doc["error"]["code"]),
        (1, &Value::from("unresolved-conflicts"))
    );
    // An unknown template is a usage error listing the recorded ones.
    let out = ggen(p.dir.path(), p.home.path())
        .args(["template", "regenerate", "templates/nope.tmpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("template `templates/nope.tmpl` has no outputs recorded")
            && err.contains("templates/keep.rs.tmpl, templates/model.txt.tmpl"),
        "{err}"
    );
}

#[test]
fn template_regenerate_needs_a_receipt() {
    let d = tempfile::tempdir().unwrap();
    let h = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("ggen.toml"), MANIFEST).unwrap();
    let out = ggen(d.path(), h.path())
        .args(["--json", "template", "regenerate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "no-receipt");
}

#[test]
fn the_same_change_on_both_sides_is_an_update() {
    let p = Proj::new();
    p.edit("generated/model.txt", "A customer.", "A person who buys.");
    p.edit("ontology/m.ttl", "A customer.", "A person who buys.");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(
        e["action"], "unchanged",
        "the file already is the new output: {e}"
    );
    // The same change plus one the generator alone makes.
    let p = Proj::new();
    p.edit("generated/model.txt", "A customer.", "A person who buys.");
    p.edit("ontology/m.ttl", "A customer.", "A person who buys.");
    p.edit("ontology/m.ttl", "A product.", "Something sold.");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(e["action"], "update", "{e}");
    assert_eq!(e["reason"], "your edits are already in the new output");
    assert_eq!(
        p.recorded("generated/model.txt")["sha256"],
        sha(&p.read("generated/model.txt"))
    );
}

#[test]
fn keep_ours_without_a_baseline_and_files_ggen_never_wrote() {
    let p = Proj::new();
    std::fs::remove_dir_all(p.path(".ggen/baseline")).unwrap();
    p.edit("generated/model.txt", "# end\n", "# end (mine)\n");
    p.edit("ontology/m.ttl", "A customer.", "A person.");
    let edited = p.read("generated/model.txt");
    let (code, doc) = p.generate(&["--merge", "keep-ours"]);
    assert_eq!(code, 0, "{doc}");
    let e = entry(&doc, "generated/model.txt");
    assert_eq!(e["action"], "skip", "{e}");
    assert_eq!(
        e["reason"],
        "edited since ggen last wrote it; keeping your version (--merge keep-ours)"
    );
    assert_eq!(p.read("generated/model.txt"), edited);

    // A file that exists but that ggen never wrote.
    let p = Proj::new();
    p.write(
        "templates/extra.txt.tmpl",
        "---\nto: extra.txt\n---\nline one\ngenerated two\n",
    );
    p.write("generated/extra.txt", "line one\nmine two\n");
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 1, "{doc}");
    let e = entry(&doc, "generated/extra.txt");
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .starts_with("exists and was not written by ggen; keeping it"),
        "{e}"
    );
    assert_eq!(p.read("generated/extra.txt"), "line one\nmine two\n");
    // The receipt has no record for it, so the next run does not answer from the fast path:
    // the conflict is reported again.
    assert_eq!(p.receipt()["partial"], true);
    let (code, doc) = p.generate(&[]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["fast_path"], false);
    let (code, doc) = p.generate(&["--merge", "keep-ours"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(entry(&doc, "generated/extra.txt")["action"], "skip");
    assert_eq!(p.read("generated/extra.txt"), "line one\nmine two\n");
    let (code, doc) = p.generate(&["--merge", "markers-only"]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(
        p.read("generated/extra.txt"),
        "line one\n<<<<<<< ours\nmine two\n=======\ngenerated two\n>>>>>>> generated\n"
    );
}
