//! Support for the marketplace CLI tests: pack sources, registry configuration, file-tree
//! hashes, and a std-only HTTP/1.1 server on 127.0.0.1 that serves a directory registry with
//! ETags and implements the publish/yank API (ggen-pack's test support, included).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ggen_pack::sign::SecretKey;

/// Write a pack source directory `<root>/<id>-<version>`: a manifest with `[vars]` defaults, a
/// template that uses a partial, the partial, and an ontology file contributing one class.
pub fn write_pack(root: &Path, id: &str, version: &str, deps: &[(&str, &str)]) -> PathBuf {
    let name = id.rsplit('.').next().unwrap();
    let dir = root.join(format!("{id}-{version}"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    let mut m = format!(
        "[pack]\nid = \"{id}\"\nversion = \"{version}\"\ndescription = \"Class lists for {name}\"\nlicense = \"MIT\"\nkeywords = [\"test\", \"{name}\"]\ncategories = [\"models\"]\nggen = \">=0.1, <2\"\n"
    );
    if !deps.is_empty() {
        m.push_str("\n[dependencies]\n");
        for (d, r) in deps {
            m.push_str(&format!("\"{d}\" = \"{r}\"\n"));
        }
    }
    m.push_str(
        "\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[vars]\ngreeting = \"hello\"\nout_dir = \"pack-out\"\n",
    );
    std::fs::write(dir.join("ggen-pack.toml"), m).unwrap();
    std::fs::write(
        dir.join(format!("templates/{name}.txt.tmpl")),
        format!(
            "---\nto: \"{{{{ out_dir }}}}/{name}.txt\"\nsparql:\n  classes: |\n    SELECT ?c WHERE {{ ?c a owl:Class }} ORDER BY ?c\n---\n{{% import \"_{name}_fmt.tmpl\" as fmt %}}\n{{{{ greeting }}}} from {id} {version}\n{{% for r in sparql_results.classes %}}\n{{{{ fmt.item(r.c | local) }}}}\n{{% endfor %}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("templates/_{name}_fmt.tmpl")),
        "{% macro item(x) %}- {{ x }}{% endmacro %}\n",
    )
    .unwrap();
    let class = {
        let mut c = name.chars();
        let first = c.next().unwrap().to_ascii_uppercase();
        format!("{first}{}", c.as_str()).replace('-', "")
    };
    std::fs::write(
        dir.join("ontology/vocab.ttl"),
        format!(
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix p: <http://example.org/packs/{name}#> .\np:{class}FromPack a owl:Class .\n"
        ),
    )
    .unwrap();
    dir
}

/// A project with an ontology and a template of its own.
pub fn write_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("ggen.toml"),
        "# my project\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[output]\ndir = \"generated\"\n\n[vars]\ngreeting = \"hi\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("ontology/model.ttl"),
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix ex: <http://example.org/demo#> .\nex:Customer a owl:Class .\n",
    )
    .unwrap();
}

/// A fixed test publisher key written to `path` (mode 0600).
pub fn key_file(path: &Path, seed: u8) -> SecretKey {
    let k = SecretKey::from_seed(&[seed; 32]);
    k.write(path, true).unwrap();
    k
}

/// One `[[registry]]` entry.
pub fn registry_toml(name: &str, index: &str, trusted: &[&SecretKey], require: bool) -> String {
    let keys: Vec<String> = trusted
        .iter()
        .map(|k| format!("\"{}\"", k.public_key().to_base64_spki()))
        .collect();
    format!(
        "[[registry]]\nname = \"{name}\"\nindex = \"{}\"\ntrusted_keys = [{}]\nrequire_signatures = {require}\n",
        index.replace('\\', "\\\\"),
        keys.join(", ")
    )
}

/// Write `<home>/config/config.toml`.
pub fn write_config(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join("config")).unwrap();
    std::fs::write(home.join("config/config.toml"), text).unwrap();
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

/// [`tree_hashes`] without the empty lock files that serialise writers (`.ggen.lock.lock` in
/// projects, `.lock` in caches and registries), which are created once and never deleted.
pub fn state_hashes(root: &Path) -> BTreeMap<String, String> {
    let mut h = tree_hashes(root);
    h.retain(|k, v| {
        let lock = k == ".ggen.lock.lock" || k == ".lock" || k.ends_with("/.lock");
        if lock {
            assert_eq!(
                *v,
                ggen_core::hash::sha256_hex(b""),
                "lock files stay empty"
            );
        }
        !lock
    });
    h
}

/// `sha256:<hex>` of a file.
pub fn checksum_of(path: &Path) -> String {
    ggen_core::hash::sha256_checksum(std::fs::read(path).unwrap())
}

/// A home, a registry, pack sources and a project in one temporary directory.
pub struct Setup {
    pub _t: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    pub project: PathBuf,
    pub registry: PathBuf,
    pub sources: PathBuf,
}

impl Setup {
    /// A home with a publisher key and a directory registry `team` that trusts it, an empty
    /// registry directory and a project.
    pub fn new() -> Self {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        let home = root.join("home");
        let project = root.join("project");
        let registry = root.join("registry");
        let sources = root.join("sources");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&sources).unwrap();
        write_project(&project);
        let key = key_file(&home.join("publisher.key"), 7);
        write_config(
            &home,
            &format!(
                "{}\n[publish]\nkey = \"{}\"\n",
                registry_toml("team", &registry.to_string_lossy(), &[&key], true),
                home.join("publisher.key").display()
            ),
        );
        Self {
            _t: t,
            root,
            home,
            project,
            registry,
            sources,
        }
    }

    pub fn ggen(&self, dir: &Path) -> assert_cmd::Command {
        crate::common::ggen(dir, &self.home)
    }

    pub fn run_json(&self, dir: &Path, args: &[&str]) -> serde_json::Value {
        let out = self.ggen(dir).args(args).arg("--json").output().unwrap();
        let doc = crate::common::json(&out);
        assert!(
            out.status.success(),
            "ggen {args:?} failed: {doc:#}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        doc
    }

    pub fn publish(&self, id: &str, version: &str, deps: &[(&str, &str)]) -> serde_json::Value {
        let src = write_pack(&self.sources, id, version, deps);
        self.run_json(
            &self.root,
            &[
                "marketplace",
                "publish",
                src.to_str().unwrap(),
                "--registry",
                "team",
            ],
        )
    }
}

/// A file's text.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

// The HTTP registry server: the same as ggen-pack's test support.
#[path = "../../../ggen-pack/tests/support/http.rs"]
mod http;
#[allow(unused_imports)] // not every test binary starts a server
pub use http::*;
