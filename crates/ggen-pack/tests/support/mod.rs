//! Test support: pack sources, projects, file-tree hashes and a std-only HTTP server that
//! serves a directory registry (with ETags) and the publish/yank API.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ggen_pack::PackId;
use ggen_pack::cache::Cache;
use ggen_pack::install::{InstallOptions, Installer, RegistryHandle};
use ggen_pack::registry::DirRegistry;
use ggen_pack::sign::{SecretKey, TrustedKeys};

/// Write a pack source directory: manifest, one template, one ontology file.
pub fn write_pack(root: &Path, id: &str, version: &str, deps: &[(&str, &str)]) -> PathBuf {
    let dir = root.join(format!("{id}-{version}"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    let mut m = format!(
        "[pack]\nid = \"{id}\"\nversion = \"{version}\"\ndescription = \"Test pack {id}\"\nlicense = \"MIT\"\nkeywords = [\"test\", \"{}\"]\ncategories = [\"models\"]\nggen = \">=0.1, <2\"\n",
        id.rsplit('.').next().unwrap()
    );
    if !deps.is_empty() {
        m.push_str("\n[dependencies]\n");
        for (d, r) in deps {
            m.push_str(&format!("\"{d}\" = \"{r}\"\n"));
        }
    }
    std::fs::write(dir.join("ggen-pack.toml"), m).unwrap();
    std::fs::write(
        dir.join("templates/model.rs.tmpl"),
        format!("---\nto: \"src/{id}.rs\"\n---\n// {id} {version}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("ontology/types.ttl"),
        format!("@prefix ex: <http://example.org/{id}#> .\nex:V ex:version \"{version}\" .\n"),
    )
    .unwrap();
    dir
}

/// Build the archive of a pack source and publish it to a directory registry.
pub fn publish(
    reg: &DirRegistry,
    src: &Path,
    key: Option<&SecretKey>,
) -> ggen_pack::index::IndexLine {
    let bytes = ggen_pack::archive::build_archive(src).unwrap();
    reg.publish(&bytes, key, &Default::default()).unwrap()
}

/// A fixed test-only publisher key.
pub fn test_key(seed: u8) -> SecretKey {
    SecretKey::from_seed(&[seed; 32])
}

/// A project directory with a `ggen.toml` (with a comment, to check it is kept).
pub fn project(root: &Path) -> PathBuf {
    let p = root.join("project");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(
        p.join("ggen.toml"),
        "# my project\n[project]\nname = \"shop\"  # keep me\nversion = \"0.1.0\"\n\n[vars]\ncrate_name = \"shop\"\n",
    )
    .unwrap();
    p
}

/// An installer over one registry handle.
pub fn installer(
    registry: Box<dyn ggen_pack::registry::Registry>,
    trusted: &[&SecretKey],
    require_signatures: bool,
    cache: &Path,
    project: &Path,
    options: InstallOptions,
) -> Installer {
    let handle = RegistryHandle {
        name: "test".into(),
        registry,
        trusted_keys: trusted
            .iter()
            .map(|k| k.public_key())
            .collect::<TrustedKeys>(),
        require_signatures,
    };
    Installer::new(vec![handle], Cache::new(cache), project, options)
}

/// Options with the ggen version set.
pub fn options() -> InstallOptions {
    InstallOptions {
        ggen_version: Some(semver::Version::new(0, 1, 0)),
        ..InstallOptions::default()
    }
}

/// SHA-256 of every regular file below `root` (relative paths). Missing root → empty.
pub fn tree_hashes(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn rec(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                rec(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, ggen_core::hash::sha256_hex(std::fs::read(&p).unwrap()));
            }
        }
    }
    rec(root, root, &mut out);
    out
}

/// [`tree_hashes`] of a project without the (empty) sidecar lock file `.ggen.lock.lock`, which
/// the installer creates to serialise processes and never deletes.
pub fn project_hashes(root: &Path) -> BTreeMap<String, String> {
    let mut h = tree_hashes(root);
    if let Some(empty) = h.remove(".ggen.lock.lock") {
        assert_eq!(
            empty,
            ggen_core::hash::sha256_hex(b""),
            "the sidecar lock file stays empty"
        );
    }
    h
}

pub fn id(s: &str) -> PackId {
    PackId::parse(s).unwrap()
}

// The HTTP registry server (also used by ggen-cli's marketplace tests).
mod http;
#[allow(unused_imports)] // not every test binary starts a server
pub use http::*;
