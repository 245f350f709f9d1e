//! Test support: an isolated `ggen` command and file-tree helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A `ggen` command isolated from the user's home, config and cache.
pub fn ggen(dir: &Path, home: &Path) -> Command {
    let mut c = Command::cargo_bin("ggen").unwrap();
    c.current_dir(dir)
        .env("HOME", home)
        .env("GGEN_CONFIG_DIR", home.join("config"))
        .env("GGEN_CACHE_DIR", home.join("cache"))
        .env("NO_COLOR", "1")
        .env_remove("GGEN_LOG")
        .env_remove("GGEN_CONFIG");
    c
}

/// Copy a directory tree (files only, no symlinks), skipping `generated/` and `.ggen/`.
pub fn copy_project(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        if first == "generated" || first == ".ggen" {
            continue;
        }
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &dest).unwrap();
    }
}

/// Every file below `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    fn rec(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                rec(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    rec(dir, &mut out);
    out.sort();
    out
}

/// Relative path → bytes of every file below `dir`.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// Relative path → modification time of every file below `dir`.
pub fn mtimes(dir: &Path) -> BTreeMap<String, std::time::SystemTime> {
    walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                std::fs::metadata(&p).unwrap().modified().unwrap(),
            )
        })
        .collect()
}

/// Parse stdout as one JSON document.
pub fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// A fresh temporary directory holding a copy of `examples/shop`, and a fake home.
pub struct Shop {
    pub dir: tempfile::TempDir,
    pub home: tempfile::TempDir,
}

impl Shop {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_project(&repo_root().join("examples/shop"), dir.path());
        Self {
            dir,
            home: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn ggen(&self) -> Command {
        ggen(self.dir.path(), self.home.path())
    }

    pub fn generated(&self) -> PathBuf {
        self.dir.path().join("generated")
    }
}
