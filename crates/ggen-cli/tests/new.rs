//! `ggen project new <name> --type <kind>`: every kind is created from its starter pack (built-in
//! registry, offline), generated, up to date right away, and builds: the Rust kinds pass
//! `cargo check --offline` when their dependencies are in the local cargo cache, the Python one
//! `py_compile` (and its own test), the TypeScript one `tsc --noEmit` when `tsc` is installed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{ggen, json, tree};

const KINDS: [&str; 5] = [
    "rust-cli",
    "rust-lib",
    "rust-web",
    "python-lib",
    "typescript-lib",
];

/// Create a project of `kind` named `name` in `dir` (offline, no git) and return the --json
/// document.
fn new_project(
    dir: &Path,
    home: &Path,
    name: &str,
    kind: &str,
    extra: &[&str],
) -> serde_json::Value {
    let o = ggen(dir, home)
        .args([
            "--offline",
            "--json",
            "project",
            "new",
            name,
            "--type",
            kind,
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "project new {kind} failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    json(&o)
}

fn on_path(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_kind_is_generated_and_up_to_date_right_after_creation() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let name = format!("p-{kind}");
        let doc = new_project(d.path(), home.path(), &name, kind, &["--no-git"]);
        let root = d.path().join(&name);
        assert_eq!(doc["type"], kind);
        assert_eq!(doc["installed"], true);
        assert_eq!(doc["git"], false);
        assert_eq!(
            doc["starter"],
            format!("io.ggen.starter-{kind} 1.0.0"),
            "{doc}"
        );
        for f in [
            "ggen.toml",
            "ggen.lock",
            ".ggen/receipt.json",
            "ontology/model.ttl",
        ] {
            assert!(root.join(f).is_file(), "{kind}: {f} missing");
        }
        let generated: Vec<&str> = doc["generated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        let expected: &[&str] = match kind {
            "python-lib" => &[
                "src/p_python_lib/models/__init__.py",
                "src/p_python_lib/models/priority.py",
                "src/p_python_lib/models/task.py",
            ],
            "typescript-lib" => &[
                "src/models/index.ts",
                "src/models/priority.ts",
                "src/models/task.ts",
            ],
            _ => &[
                "src/models/mod.rs",
                "src/models/priority.rs",
                "src/models/task.rs",
            ],
        };
        assert_eq!(generated, expected, "{kind}");
        // no staging directory is left next to it
        let leftovers: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("ggen-new"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        // `project gen` right after: every file unchanged, nothing written, ggen.lock untouched
        let before = tree(&root);
        let o = ggen(&root, home.path())
            .args(["--offline", "--json", "project", "gen"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let g = json(&o);
        assert_eq!(
            g["counts"],
            serde_json::json!({ "unchanged": 3 }),
            "{kind}: {g}"
        );
        assert_eq!(tree(&root), before, "{kind}: project gen changed files");
        let o = ggen(&root, home.path())
            .args(["--offline", "project", "diff", "--check"])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{kind}: drift right after creation"
        );
    }
    // the project name is rendered into the kind's manifest
    let cargo = std::fs::read_to_string(d.path().join("p-rust-web/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"p-rust-web\""), "{cargo}");
    assert!(cargo.contains("axum"), "{cargo}");
    let main = std::fs::read_to_string(d.path().join("p-rust-web/src/main.rs")).unwrap();
    assert!(main.contains(".route(\"/health\", get(health))"), "{main}");
    let clap = std::fs::read_to_string(d.path().join("p-rust-cli/Cargo.toml")).unwrap();
    assert!(clap.contains("clap = "), "{clap}");
    let py = std::fs::read_to_string(d.path().join("p-python-lib/pyproject.toml")).unwrap();
    assert!(py.contains("name = \"p-python-lib\""), "{py}");
}

/// The `(name, version)` of crates in the local cargo cache.
fn cached_crates() -> Vec<(String, String)> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    let mut out = Vec::new();
    let Ok(regs) = std::fs::read_dir(cargo_home.join("registry/cache")) else {
        return out;
    };
    for r in regs.flatten() {
        let Ok(files) = std::fs::read_dir(r.path()) else {
            continue;
        };
        for f in files.flatten() {
            let n = f.file_name().to_string_lossy().into_owned();
            if let Some(stem) = n.strip_suffix(".crate")
                && let Some(i) = stem.rfind('-')
            {
                out.push((stem[..i].to_owned(), stem[i + 1..].to_owned()));
            }
        }
    }
    out
}

#[test]
fn rust_kinds_pass_cargo_check_offline_when_their_dependencies_are_cached() {
    if !on_path("cargo") {
        eprintln!("SKIPPED: cargo is not on PATH");
        return;
    }
    let cached = cached_crates();
    let has = |name: &str, major: &str| {
        cached
            .iter()
            .any(|(n, v)| n == name && v.starts_with(major))
    };
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    // one target directory for the three, so shared dependencies build once
    let target = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (kind, deps) in [
        ("rust-lib", vec![("serde", "1."), ("serde_derive", "1.")]),
        (
            "rust-cli",
            vec![("serde", "1."), ("clap", "4."), ("clap_derive", "4.")],
        ),
        (
            "rust-web",
            vec![
                ("serde", "1."),
                ("axum", "0.8."),
                ("tokio", "1."),
                ("hyper", "1."),
            ],
        ),
    ] {
        let missing: Vec<&str> = deps
            .iter()
            .filter(|(n, m)| !has(n, m))
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            eprintln!("SKIPPED {kind}: not in the local cargo cache: {missing:?}");
            continue;
        }
        let name = format!("c-{kind}");
        new_project(d.path(), home.path(), &name, kind, &["--no-git"]);
        let o = Command::new("cargo")
            .args(["check", "--offline", "--quiet"])
            .current_dir(d.path().join(&name))
            .env("CARGO_TARGET_DIR", target.path())
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "cargo check --offline failed for {kind}:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        checked += 1;
    }
    eprintln!("cargo check --offline passed for {checked} of 3 Rust kinds");
    // The ggen workspace itself depends on serde, clap, axum, tokio and hyper, so building it
    // puts them in the cache: a skip here means the check above could not run, not a pass.
    assert_eq!(checked, 3, "every Rust kind must be checked");
}

#[test]
fn python_kind_compiles_and_its_generated_model_works() {
    let python = ["python3", "python"].into_iter().find(|p| on_path(p));
    let Some(python) = python else {
        eprintln!("SKIPPED: no python3 on PATH");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    new_project(d.path(), home.path(), "pylib", "python-lib", &["--no-git"]);
    let root = d.path().join("pylib");
    let files: Vec<String> = tree(&root)
        .into_keys()
        .filter(|f| f.ends_with(".py"))
        .collect();
    assert_eq!(files.len(), 5, "{files:?}");
    let o = Command::new(python)
        .args(["-m", "py_compile"])
        .args(&files)
        .current_dir(&root)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // the project's own test, without pytest
    let o = Command::new(python)
        .args([
            "-c",
            "import sys; sys.path[:0] = ['src', 'tests']; import test_models; test_models.test_the_generated_model_is_usable(); print('ok')",
        ])
        .current_dir(&root)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn typescript_kind_type_checks_when_tsc_is_installed() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    new_project(
        d.path(),
        home.path(),
        "tslib",
        "typescript-lib",
        &["--no-git"],
    );
    let root = d.path().join("tslib");
    let index = std::fs::read_to_string(root.join("src/models/index.ts")).unwrap();
    assert!(index.contains("export * from \"./task\";"), "{index}");
    if !on_path("tsc") {
        assert!(
            std::env::var("GGEN_REQUIRE_TSC").as_deref() != Ok("1"),
            "GGEN_REQUIRE_TSC=1 but no `tsc` on PATH"
        );
        eprintln!("SKIPPED: tsc is not on PATH; the TypeScript project was not type-checked");
        return;
    }
    let o = Command::new("tsc")
        .args(["--noEmit", "-p", "."])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn no_install_writes_only_the_project_files() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let doc = new_project(
        d.path(),
        home.path(),
        "bare",
        "rust-lib",
        &["--no-install", "--no-git"],
    );
    assert_eq!(doc["installed"], false);
    assert_eq!(doc["generated"], serde_json::json!([]));
    let root = d.path().join("bare");
    assert!(root.join("ggen.toml").is_file());
    assert!(!root.join("ggen.lock").exists());
    assert!(!root.join("src/models").exists());
    assert!(!root.join(".ggen").exists());
    // `project gen` then installs and generates
    let o = ggen(&root, home.path())
        .args(["--offline", "--json", "project", "gen"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["counts"], serde_json::json!({ "create": 3 }));
    assert!(root.join("src/models/task.rs").is_file());
}

#[test]
fn git_repository_and_the_offered_drift_hook() {
    if !on_path("git") {
        eprintln!("SKIPPED: git is not on PATH");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    // default: a repository, and the hook offered (printed), not installed
    let o = ggen(d.path(), home.path())
        .args(["--offline", "project", "new", "plain", "--type", "rust-lib"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(
            "ggen hook create pre-commit --name ggen-drift --run \"ggen project diff --check\""
        ),
        "{out}"
    );
    assert!(d.path().join("plain/.git").is_dir());
    assert!(!d.path().join("plain/.git/hooks/pre-commit").exists());
    // --hook installs it
    let doc = new_project(d.path(), home.path(), "hooked", "rust-lib", &["--hook"]);
    assert_eq!(doc["git"], true);
    assert_eq!(doc["hook"], true);
    let script = std::fs::read_to_string(d.path().join("hooked/.git/hooks/pre-commit")).unwrap();
    assert!(script.contains("hook run pre-commit"), "{script}");
    let o = ggen(&d.path().join("hooked"), home.path())
        .args(["--json", "hook", "list"])
        .output()
        .unwrap();
    let list = json(&o).to_string();
    assert!(list.contains("ggen project diff --check"), "{list}");
}

#[test]
fn refusals_leave_nothing_behind() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("taken")).unwrap();
    std::fs::write(d.path().join("taken/keep.txt"), "mine").unwrap();
    let before = tree(d.path());
    for args in [
        vec!["project", "new", "taken", "--type", "rust-cli"],
        vec!["project", "new", "9lives", "--type", "rust-cli"],
        vec![
            "project", "new", "ok", "--type", "rust-cli", "--var", "name=x",
        ],
    ] {
        let o = ggen(d.path(), home.path())
            .arg("--offline")
            .arg("--json")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(json(&o)["error"]["message"].is_string());
    }
    // a registry without the starter: refused before anything is written
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(
        empty.path().join("config.json"),
        "{\"dl\": \"packs/{id}/{version}.tar.gz\", \"api\": null, \"name\": \"empty\"}",
    )
    .unwrap();
    std::fs::create_dir_all(empty.path().join("index")).unwrap();
    std::fs::write(
        home.path().join("config/config.toml"),
        format!(
            "[[registry]]\nname = \"empty\"\nindex = {:?}\nrequire_signatures = false\n",
            empty.path().display().to_string()
        ),
    )
    .unwrap();
    let o = ggen(d.path(), home.path())
        .args([
            "--offline",
            "--json",
            "project",
            "new",
            "fresh",
            "--type",
            "rust-cli",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let msg = json(&o)["error"]["message"].as_str().unwrap().to_owned();
    assert!(msg.contains("io.ggen.starter-rust-cli"), "{msg}");
    assert_eq!(tree(d.path()), before, "a refused `project new` left files");
    let names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["taken"]);
}
