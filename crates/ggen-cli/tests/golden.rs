#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Golden tests: every directory under `tests/fixtures/` is a project (`input/`) with the
//! expected tree of its output root after `ggen project gen` (`expected/`).
//!
//! Optional files in a case directory:
//! - `args`: the command line (one argument per line; default `project gen`)
//! - `exit`: the expected exit code (default 0)
//! - `stderr`: lines that must each appear in stderr (e.g. `templates/t.tmpl:3:7`)
//! - `stdout`: lines that must each appear in stdout
//! - `json-error`: `code file line column` expected in the `--json` error document
//! - `no-rerun`: skip the second run (which must otherwise report nothing to do)
//!
//! When the exit code is not 0 the output root must be exactly as in `input/` (nothing
//! half-written). Run with `GGEN_BLESS=1` to rewrite `expected/` from the actual output.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{ggen, tree};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read_opt(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok()
}

fn copy_tree(from: &Path, to: &Path) {
    for f in common::walk(from) {
        let dest = to.join(f.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&f, &dest).unwrap();
    }
}

fn run_case(case: &Path) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let project = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    copy_tree(&case.join("input"), project.path());
    let out_root = project.path().join("generated");
    let before: BTreeMap<String, Vec<u8>> = tree(&out_root);
    let args: Vec<String> = read_opt(&case.join("args"))
        .map(|s| {
            s.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_else(|| vec!["project".into(), "gen".into()]);
    let expected_exit: i32 = read_opt(&case.join("exit")).map_or(0, |s| s.trim().parse().unwrap());
    let out = ggen(project.path(), home.path())
        .args(&args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let ctx = || format!("case {name}\n--- stdout\n{stdout}--- stderr\n{stderr}");
    if out.status.code() != Some(expected_exit) {
        return Err(format!(
            "exit {:?}, expected {expected_exit}\n{}",
            out.status.code(),
            ctx()
        ));
    }
    if let Some(lines) = read_opt(&case.join("stderr")) {
        for l in lines.lines().filter(|l| !l.is_empty()) {
            if !stderr.contains(l) {
                return Err(format!("stderr lacks `{l}`\n{}", ctx()));
            }
        }
    }
    if let Some(lines) = read_opt(&case.join("stdout")) {
        for l in lines.lines().filter(|l| !l.is_empty()) {
            if !stdout.contains(l) {
                return Err(format!("stdout lacks `{l}`\n{}", ctx()));
            }
        }
    }
    if let Some(spec) = read_opt(&case.join("json-error")) {
        let mut json_args = vec!["--json".to_owned()];
        json_args.extend(args.iter().cloned());
        let o = ggen(project.path(), home.path())
            .args(&json_args)
            .output()
            .unwrap();
        let doc: serde_json::Value =
            serde_json::from_slice(&o.stdout).map_err(|e| format!("--json: {e}\n{}", ctx()))?;
        let parts: Vec<&str> = spec.split_whitespace().collect();
        let err = &doc["error"];
        let want = [("code", parts.first()), ("file", parts.get(1))];
        for (k, v) in want {
            if let Some(v) = v
                && err[k] != serde_json::json!(v)
            {
                return Err(format!("json error {k} = {}, expected {v}\n{doc}", err[k]));
            }
        }
        for (k, v) in [("line", parts.get(2)), ("column", parts.get(3))] {
            if let Some(v) = v
                && err[k] != serde_json::json!(v.parse::<u64>().unwrap())
            {
                return Err(format!("json error {k} = {}, expected {v}\n{doc}", err[k]));
            }
        }
    }
    let after = tree(&out_root);
    if expected_exit == 2 {
        if after != before {
            return Err(format!("an error run changed the output root\n{}", ctx()));
        }
        return Ok(());
    }
    let expected_dir = case.join("expected");
    if std::env::var_os("GGEN_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&expected_dir);
        std::fs::create_dir_all(&expected_dir).unwrap();
        for (rel, bytes) in &after {
            let p = expected_dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
    let expected = tree(&expected_dir);
    if after != expected {
        let mut msg = String::new();
        for k in expected
            .keys()
            .chain(after.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            match (expected.get(k), after.get(k)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(a), Some(b)) => msg.push_str(&format!(
                    "--- {k} differs\nexpected:\n{}\nactual:\n{}\n",
                    String::from_utf8_lossy(a),
                    String::from_utf8_lossy(b)
                )),
                (Some(_), None) => msg.push_str(&format!("--- {k} missing\n")),
                (None, Some(b)) => msg.push_str(&format!(
                    "--- {k} unexpected:\n{}\n",
                    String::from_utf8_lossy(b)
                )),
                (None, None) => {}
            }
        }
        return Err(format!(
            "output tree differs (GGEN_BLESS=1 to accept)\n{msg}{}",
            ctx()
        ));
    }
    if expected_exit == 0 && !case.join("no-rerun").exists() {
        let mut json_args = vec!["--json".to_owned()];
        json_args.extend(args.iter().cloned());
        let o = ggen(project.path(), home.path())
            .args(&json_args)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
            .map_err(|e| format!("rerun --json: {e}\n{}", ctx()))?;
        let counts = doc["counts"].as_object().cloned().unwrap_or_default();
        let busy: Vec<_> = counts
            .keys()
            .filter(|k| !matches!(k.as_str(), "unchanged" | "skip"))
            .collect();
        if !busy.is_empty() || tree(&out_root) != after {
            return Err(format!("the second run was not a no-op: {doc}"));
        }
    }
    Ok(())
}

#[test]
fn golden_fixtures() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("input").is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "expected the full fixture set, found {}",
        cases.len()
    );
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
