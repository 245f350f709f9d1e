#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The shop example end to end: generation, compilation of the outputs, idempotence,
//! hand-edit protection, determinism and drift detection.

mod common;

use std::path::Path;
use std::process::Command as Std;

use common::{Shop, json, mtimes, tree};

#[test]
fn generates_every_target_and_a_receipt() {
    let shop = Shop::new();
    let out = shop
        .ggen()
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["counts"]["create"], 32);
    let files = tree(&shop.generated());
    for f in [
        "rust/src/models/order.rs",
        "rust/src/models/mod.rs",
        "typescript/src/order.ts",
        "python/shop_model/models.py",
        "sql/schema.sql",
        "docs/data-dictionary.md",
    ] {
        assert!(files.contains_key(f), "missing {f}");
    }
    let receipt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shop.path().join(".ggen/receipt.json")).unwrap())
            .unwrap();
    assert_eq!(receipt["outputs"].as_array().unwrap().len(), 32);
    assert_eq!(receipt["graph"]["sources"].as_array().unwrap().len(), 3);
    // Optional fields follow cardinalities; subclasses carry their parents' fields.
    let order = String::from_utf8(files["rust/src/models/order.rs"].clone()).unwrap();
    assert!(
        order.contains("pub shipping_address: Option<Address>,"),
        "{order}"
    );
    assert!(order.contains("pub line: Vec<OrderLine>,"), "{order}");
    assert!(order.contains("pub status: OrderStatus,"), "{order}");
    let physical = String::from_utf8(files["rust/src/models/physical_product.rs"].clone()).unwrap();
    assert!(
        physical.contains("pub sku: String,") && physical.contains("pub weight_grams: i32,"),
        "{physical}"
    );
}

#[test]
fn generated_rust_compiles() {
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let target = tempfile::tempdir().unwrap();
    let out = Std::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet"])
        .current_dir(shop.generated().join("rust"))
        .env("CARGO_TARGET_DIR", target.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn generated_python_compiles_and_imports() {
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let py = shop.generated().join("python");
    let out = Std::new("python3")
        .args([
            "-m",
            "py_compile",
            "shop_model/models.py",
            "shop_model/__init__.py",
        ])
        .current_dir(&py)
        .output()
        .expect("python3 is required for this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = "import shop_model as m\n\
p = m.PhysicalProduct(id='p', sku='s', product_name='n', price=1.0, active=True, weight_grams=3)\n\
assert isinstance(p, m.Product) and p.tag == [] and p.description is None\n\
o = m.Order(id='o', customer='c', order_number='1', placed_at='t', status=m.OrderStatus.PAID, total=2.0)\n\
assert o.line == [] and o.shipping_address is None\n\
print('ok')";
    let out = Std::new("python3")
        .args(["-c", script])
        .current_dir(&py)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn find_tsc() -> Option<std::path::PathBuf> {
    if let Ok(p) = std::env::var("GGEN_TSC") {
        return Some(p.into());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("tsc"))
            .find(|p| p.is_file())
    })
}

#[test]
fn generated_typescript_compiles_when_tsc_is_available() {
    let Some(tsc) = find_tsc() else {
        assert!(
            std::env::var("GGEN_REQUIRE_TSC").as_deref() != Ok("1"),
            "GGEN_REQUIRE_TSC=1 but no `tsc` on PATH"
        );
        eprintln!(
            "SKIPPED generated_typescript_compiles_when_tsc_is_available: no `tsc` on PATH (set GGEN_TSC or `npm install -g typescript`)"
        );
        return;
    };
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let ts = shop.generated().join("typescript");
    let files: Vec<String> = common::walk(&ts.join("src"))
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let out = Std::new(tsc)
        .args([
            "--strict",
            "--noEmit",
            "--target",
            "es2020",
            "--module",
            "es2020",
            "--moduleResolution",
            "node",
        ])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tsc failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn generated_sql_loads_into_postgresql_when_available() {
    let Some(pg) = common_pg::PgCluster::start() else {
        assert!(
            std::env::var("GGEN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "GGEN_REQUIRE_POSTGRES=1 but PostgreSQL could not be started"
        );
        eprintln!(
            "SKIPPED generated_sql_loads_into_postgresql_when_available: PostgreSQL (initdb/pg_ctl) not found or not startable"
        );
        return;
    };
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let out = pg.psql_file(&shop.generated().join("sql/schema.sql"));
    assert!(
        out.status.success(),
        "psql failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

mod common_pg {
    //! A throwaway PostgreSQL cluster in a temp dir (initdb + pg_ctl, unix socket only).
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    pub struct PgCluster {
        dir: tempfile::TempDir,
        as_user: Option<String>,
        port: u16,
    }

    fn bin(name: &str) -> Option<PathBuf> {
        let from_path = std::env::var_os("PATH").and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        });
        from_path.or_else(|| {
            let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin").join(name))
                .filter(|p| p.is_file())
                .collect();
            found.sort();
            found.pop()
        })
    }

    impl PgCluster {
        fn cmd(&self, program: &Path) -> Command {
            match &self.as_user {
                Some(u) => {
                    let mut c = Command::new("runuser");
                    c.args(["-u", u, "--"]).arg(program);
                    c
                }
                None => Command::new(program),
            }
        }

        pub fn start() -> Option<Self> {
            let (initdb, pg_ctl) = (bin("initdb")?, bin("pg_ctl")?);
            let dir = tempfile::tempdir().ok()?;
            // PostgreSQL refuses to run as root; run it as the `postgres` user then.
            let root = Command::new("id")
                .arg("-u")
                .output()
                .ok()
                .is_some_and(|o| o.stdout.starts_with(b"0\n"));
            let as_user = root.then(|| "postgres".to_owned());
            if as_user.is_some() {
                Command::new("chown")
                    .args(["-R", "postgres"])
                    .arg(dir.path())
                    .status()
                    .ok()?;
            }
            let port = 20000 + (std::process::id() % 20000) as u16;
            let c = Self { dir, as_user, port };
            let data = c.dir.path().join("data");
            let ok = c
                .cmd(&initdb)
                .arg("-D")
                .arg(&data)
                .args(["-U", "postgres", "-A", "trust"])
                .output()
                .ok()?
                .status
                .success();
            if !ok {
                return None;
            }
            let opts = format!(
                "-p {} -k {} -c listen_addresses=''",
                c.port,
                c.dir.path().display()
            );
            let ok = c
                .cmd(&pg_ctl)
                .arg("-D")
                .arg(&data)
                .args(["-o", &opts, "-w", "-l"])
                .arg(c.dir.path().join("log"))
                .arg("start")
                .output()
                .ok()?
                .status
                .success();
            ok.then_some(c)
        }

        pub fn psql_file(&self, file: &Path) -> Output {
            Command::new(bin("psql").expect("psql"))
                .args(["-h"])
                .arg(self.dir.path())
                .args([
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "postgres",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-q",
                    "-f",
                ])
                .arg(file)
                .output()
                .unwrap()
        }
    }

    impl Drop for PgCluster {
        fn drop(&mut self) {
            if let Some(pg_ctl) = bin("pg_ctl") {
                let _ = self
                    .cmd(&pg_ctl)
                    .arg("-D")
                    .arg(self.dir.path().join("data"))
                    .args(["-m", "immediate", "stop"])
                    .output();
            }
        }
    }
}

#[test]
fn second_run_is_unchanged_and_rewrites_nothing() {
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let before = mtimes(shop.path());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = shop
        .ggen()
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc = json(&out);
    assert_eq!(doc["counts"]["unchanged"], 32, "{doc}");
    assert_eq!(doc["counts"].as_object().unwrap().len(), 1, "{doc}");
    assert_eq!(doc["receipt_changed"], false);
    assert_eq!(
        mtimes(shop.path()),
        before,
        "a no-op run must not touch any file"
    );
    // The same holds on the slow path (no fast path when the receipt is gone is tested below).
    assert_eq!(doc["fast_path"], true);
}

#[test]
fn unchanged_on_the_slow_path_too() {
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    // Touch an input without changing what it means: the fast path is skipped, the full
    // pipeline runs, and still nothing is rewritten except the receipt (the source hash changed).
    let ttl = shop.path().join("ontology/shop.ttl");
    let mut text = std::fs::read_to_string(&ttl).unwrap();
    text.push_str("\n# a comment changes the file but not the graph\n");
    std::fs::write(&ttl, text).unwrap();
    let before = mtimes(&shop.generated());
    let out = shop
        .ggen()
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["fast_path"], false);
    assert_eq!(doc["counts"]["unchanged"], 32, "{doc}");
    assert_eq!(doc["receipt_changed"], true);
    assert_eq!(mtimes(&shop.generated()), before);
}

#[test]
fn hand_edits_are_protected_and_force_overwrites() {
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let file = shop.generated().join("rust/src/models/order.rs");
    // A hand edit on the line the model change below rewrites: the three-way merge cannot
    // combine them (an edit elsewhere would merge cleanly; see tests/merge.rs).
    let edited = std::fs::read_to_string(&file).unwrap().replace(
        "/// Number printed on the invoice.",
        "/// Number printed on the invoice. // my hand edit",
    );
    std::fs::write(&file, &edited).unwrap();
    // Change the model so that the file would be regenerated.
    let props = shop.path().join("ontology/properties.ttl");
    let text = std::fs::read_to_string(&props).unwrap().replace(
        "Number printed on the invoice.",
        "Number printed on every invoice.",
    );
    std::fs::write(&props, text).unwrap();
    let out = shop
        .ggen()
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "conflicts exit 1");
    let doc = json(&out);
    let entry = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "generated/rust/src/models/order.rs")
        .unwrap();
    assert_eq!(entry["action"], "conflict", "{entry}");
    assert!(
        entry["reason"].as_str().unwrap().contains("edited"),
        "{entry}"
    );
    assert_eq!(entry["markers"], true, "{entry}");
    let marked = std::fs::read_to_string(&file).unwrap();
    assert!(
        marked.contains(
            "<<<<<<< ours\n    /// Number printed on the invoice. // my hand edit\n=======\n    /// Number printed on every invoice.\n>>>>>>> generated\n"
        ),
        "the hand edit is intact, next to the generated line: {marked}"
    );
    // Other files were regenerated; the TypeScript interface has the new comment.
    assert!(
        std::fs::read_to_string(shop.generated().join("typescript/src/order.ts"))
            .unwrap()
            .contains("every invoice")
    );
    // Still protected on the next run: it refuses to run while the markers remain.
    shop.ggen().args(["project", "gen", "-q"]).assert().code(1);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), marked);
    // --force overwrites.
    shop.ggen()
        .args(["project", "gen", "--force", "-q"])
        .assert()
        .success();
    let now = std::fs::read_to_string(&file).unwrap();
    assert!(
        !now.contains("my hand edit") && now.contains("every invoice"),
        "{now}"
    );
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
}

#[test]
fn diff_check_detects_drift_and_clears_after_regenerating() {
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    shop.ggen()
        .args(["project", "diff", "--check"])
        .assert()
        .success();
    let props = shop.path().join("ontology/properties.ttl");
    let text = std::fs::read_to_string(&props)
        .unwrap()
        .replace("rdfs:range xsd:int .", "rdfs:range xsd:long .");
    std::fs::write(&props, text).unwrap();
    let out = shop
        .ggen()
        .args(["project", "diff", "--check"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("generated/rust/src/models/order_line.rs")
    );
    // `project diff` shows a unified diff and writes nothing.
    let out = shop.ggen().args(["project", "diff"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("-    pub quantity: i32,") && stdout.contains("+    pub quantity: i64,"),
        "{stdout}"
    );
    shop.ggen().args(["sync", "-q"]).assert().success();
    shop.ggen()
        .args(["project", "diff", "--check"])
        .assert()
        .success();
    shop.ggen().args(["sync", "--check"]).assert().success();
}

#[test]
fn verify_rehashes_outputs() {
    let shop = Shop::new();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    shop.ggen().args(["project", "verify"]).assert().success();
    std::fs::write(shop.generated().join("sql/schema.sql"), "-- gone\n").unwrap();
    std::fs::remove_file(shop.generated().join("docs/data-dictionary.md")).unwrap();
    let out = shop
        .ggen()
        .args(["--json", "project", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let status = |p: &str| {
        doc["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == p)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("generated/sql/schema.sql"), "modified");
    assert_eq!(status("generated/docs/data-dictionary.md"), "missing");
    assert_eq!(status("generated/rust/src/lib.rs"), "ok");
}

/// Generate the shop into `dir` after replacing its ontology by `files` (name → Turtle).
fn generate_with_sources(
    files: &[(&str, String)],
    sources_line: &str,
) -> (
    std::collections::BTreeMap<String, Vec<u8>>,
    serde_json::Value,
) {
    let shop = Shop::new();
    std::fs::remove_dir_all(shop.path().join("ontology")).unwrap();
    std::fs::create_dir_all(shop.path().join("ontology")).unwrap();
    for (name, text) in files {
        std::fs::write(shop.path().join("ontology").join(name), text).unwrap();
    }
    let manifest = std::fs::read_to_string(shop.path().join("ggen.toml"))
        .unwrap()
        .replace("sources = [\"ontology/*.ttl\"]", sources_line);
    std::fs::write(shop.path().join("ggen.toml"), manifest).unwrap();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let receipt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shop.path().join(".ggen/receipt.json")).unwrap())
            .unwrap();
    (tree(&shop.generated()), receipt)
}

/// Split Turtle statements (blocks separated by blank lines) of all ontology files, with the
/// prefixes repeated in each part.
fn statements() -> (String, Vec<String>) {
    let dir = common::repo_root().join("examples/shop/ontology");
    let mut prefixes = String::new();
    let mut blocks = Vec::new();
    for f in ["shop.ttl", "properties.ttl", "shapes.ttl"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        // A statement ends with a line ending in " ." (true of these hand-written files).
        let mut body = String::new();
        for line in text.lines() {
            if line.starts_with("@prefix") {
                if !prefixes.contains(line) {
                    prefixes.push_str(line);
                    prefixes.push('\n');
                }
                continue;
            }
            if line.trim_start().starts_with('#') || line.trim().is_empty() {
                continue;
            }
            body.push_str(line);
            body.push('\n');
            if line.trim_end().ends_with(" .") {
                blocks.push(std::mem::take(&mut body));
            }
        }
        assert!(
            body.trim().is_empty(),
            "unterminated statement in {f}: {body}"
        );
    }
    (prefixes, blocks)
}

#[test]
fn determinism_across_runs_file_splits_and_orders() {
    let (prefixes, blocks) = statements();
    assert!(blocks.len() > 40);
    let whole = vec![("all.ttl", format!("{prefixes}\n{}", blocks.join("\n")))];
    let (out_a, receipt_a) = generate_with_sources(&whole, "sources = [\"ontology/*.ttl\"]");
    let (out_b, receipt_b) = generate_with_sources(&whole, "sources = [\"ontology/*.ttl\"]");
    assert_eq!(out_a, out_b, "two runs, same bytes");
    assert_eq!(receipt_a, receipt_b, "two runs, same receipt");
    // Split into three files with the statements shuffled (a fixed permutation), listed in two orders.
    let mut shuffled: Vec<&String> = blocks.iter().collect();
    let n = shuffled.len();
    for i in 0..n {
        shuffled.swap(i, (i * 7 + 3) % n);
    }
    let part = |k: usize| {
        format!(
            "{prefixes}\n{}",
            shuffled
                .iter()
                .skip(k)
                .step_by(3)
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    let split = vec![("c.ttl", part(0)), ("a.ttl", part(1)), ("b.ttl", part(2))];
    let (out_c, receipt_c) = generate_with_sources(
        &split,
        "sources = [\"ontology/c.ttl\", \"ontology/a.ttl\", \"ontology/b.ttl\"]",
    );
    let (out_d, receipt_d) = generate_with_sources(
        &split,
        "sources = [\"ontology/b.ttl\", \"ontology/c.ttl\", \"ontology/a.ttl\"]",
    );
    assert_eq!(out_c, out_a, "split and shuffled input, same outputs");
    assert_eq!(out_d, out_a);
    // Receipts of the two orders differ only in the manifest's hash (ggen.toml lists the files
    // in a different order); sources are recorded sorted.
    let strip = |mut r: serde_json::Value| {
        r.as_object_mut().unwrap().remove("manifest");
        r
    };
    assert_eq!(strip(receipt_c.clone()), strip(receipt_d));
    assert_eq!(
        receipt_c["graph"]["canonical_sha256"], receipt_a["graph"]["canonical_sha256"],
        "the canonical hash ignores how the graph is split"
    );
    assert_eq!(receipt_c["outputs"], receipt_a["outputs"]);
}

#[test]
fn blank_nodes_render_stably() {
    // owl:oneOf lists and SHACL property shapes are blank nodes; print their labels.
    let shop = Shop::new();
    std::fs::write(
        shop.path().join("templates/bnodes.txt.tmpl"),
        "---\nto: bnodes.txt\nsparql:\n  shapes: |\n    SELECT ?ps ?path WHERE { ?s sh:property ?ps . ?ps sh:path ?path } ORDER BY ?path\n---\n{% for r in sparql_results.shapes %}{{ r.ps }} {{ r.path | local }}\n{% endfor %}",
    )
    .unwrap();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    let first = std::fs::read_to_string(shop.generated().join("bnodes.txt")).unwrap();
    assert!(first.starts_with("_:c14n"), "{first}");
    // Reorder the shapes file's statements: labels stay the same.
    let shapes = shop.path().join("ontology/shapes.ttl");
    let text = std::fs::read_to_string(&shapes).unwrap();
    let (head, rest) = text.split_once("\n\n").unwrap();
    let mut blocks: Vec<&str> = rest.split("\n\n").collect();
    blocks.reverse();
    std::fs::write(&shapes, format!("{head}\n\n{}", blocks.join("\n\n"))).unwrap();
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(shop.generated().join("bnodes.txt")).unwrap(),
        first
    );
}

#[test]
fn readme_first_command_works_from_the_repository_root() {
    // `cargo run --release -- -C examples/shop project gen` (here with the test binary, into a copy).
    let shop = Shop::new();
    let home = tempfile::tempdir().unwrap();
    let out = common::ggen(Path::new("/"), home.path())
        .arg("-C")
        .arg(shop.path())
        .args(["project", "gen"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("32 created"));
}

#[test]
fn env_reads_are_recorded_by_hash_and_invalidate_the_fast_path() {
    let shop = Shop::new();
    std::fs::write(
        shop.path().join("templates/env.txt.tmpl"),
        "---\nto: env.txt\n---\nchannel={{ env('GGEN_TEST_CHANNEL', 'dev') }}\n",
    )
    .unwrap();
    shop.ggen()
        .env("GGEN_TEST_CHANNEL", "secret-beta")
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(shop.generated().join("env.txt")).unwrap(),
        "channel=secret-beta\n"
    );
    let receipt = std::fs::read_to_string(shop.path().join(".ggen/receipt.json")).unwrap();
    assert!(
        receipt.contains("\"name\": \"GGEN_TEST_CHANNEL\""),
        "{receipt}"
    );
    assert!(
        !receipt.contains("secret-beta"),
        "the value itself is never recorded"
    );
    // Same value: fast path. Different value: full run, file updated.
    let out = shop
        .ggen()
        .env("GGEN_TEST_CHANNEL", "secret-beta")
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["fast_path"], true);
    let out = shop
        .ggen()
        .env("GGEN_TEST_CHANNEL", "stable")
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["fast_path"], false);
    assert_eq!(doc["counts"]["update"], 1, "{doc}");
}
