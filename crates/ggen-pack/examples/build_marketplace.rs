//! Rebuild the first-party registry `marketplace/` from `marketplace/sources/`:
//!
//! ```sh
//! cargo run -p ggen-pack --example build_marketplace            # rewrite marketplace/
//! cargo run -p ggen-pack --example build_marketplace -- --check # exit 1 when it is stale
//! ```
//!
//! Every pack directory below `marketplace/sources/` is archived deterministically, signed with
//! the TEST-ONLY key `crates/ggen-pack/tests/fixtures/marketplace-test-only.key` and published
//! into a fresh directory registry; the generated files (`config.json`, `index/`, `packs/`,
//! `keys/`, `search.json`) then replace those in `marketplace/`. The same sources always give
//! the same bytes. The test `marketplace::committed_registry_is_fresh` fails when they differ.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ggen_pack::archive::Limits;
use ggen_pack::sign::SecretKey;

/// Generated entries of the registry directory.
const GENERATED: &[&str] = &["config.json", "search.json", "index", "packs", "keys"];

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn rec(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                rec(root, &p, out);
            } else if let (Ok(rel), Ok(data)) = (p.strip_prefix(root), std::fs::read(&p)) {
                out.insert(rel.to_path_buf(), data);
            }
        }
    }
    let mut out = BTreeMap::new();
    for g in GENERATED {
        let p = root.join(g);
        if p.is_dir() {
            rec(root, &p, &mut out);
        } else if let Ok(data) = std::fs::read(&p) {
            out.insert(PathBuf::from(g), data);
        }
    }
    out
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let marketplace = repo.join("marketplace");
    let key_path = repo.join("crates/ggen-pack/tests/fixtures/marketplace-test-only.key");
    let run = || -> Result<bool, Box<dyn std::error::Error>> {
        let key = SecretKey::from_file_text(&std::fs::read_to_string(&key_path)?, &key_path)?;
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("registry");
        let lines = ggen_pack::registry::build_registry(
            &marketplace.join("sources"),
            &out,
            "ggen",
            Some(&key),
            &Limits::default(),
        )?;
        let fresh = files(&out);
        let current = files(&marketplace);
        if fresh == current {
            println!("marketplace/ is up to date ({} pack versions)", lines.len());
            return Ok(true);
        }
        if check {
            for (p, d) in &fresh {
                if current.get(p) != Some(d) {
                    eprintln!("stale or missing: marketplace/{}", p.display());
                }
            }
            for p in current.keys().filter(|p| !fresh.contains_key(*p)) {
                eprintln!("extra: marketplace/{}", p.display());
            }
            return Ok(false);
        }
        for g in GENERATED {
            let p = marketplace.join(g);
            if p.is_dir() {
                std::fs::remove_dir_all(&p)?;
            } else if p.exists() {
                std::fs::remove_file(&p)?;
            }
        }
        for (rel, data) in &fresh {
            let p = marketplace.join(rel);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&p, data)?;
        }
        for l in &lines {
            println!("{} {} {}", l.id, l.vers, l.cksum);
        }
        println!("marketplace/ rebuilt");
        Ok(true)
    };
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!(
                "marketplace/ is stale: run `cargo run -p ggen-pack --example build_marketplace`"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
