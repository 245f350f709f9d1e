//! End to end with the real `ggen` binary against the real server, on SQLite and on
//! PostgreSQL: create a token → `ggen marketplace publish` (token from `token_env`, signed with
//! the configured key) → `search` → `install` in a project → `ggen project gen` uses the pack.
//!
//! The `ggen` binary is located next to this test's executable (`cargo test --workspace` builds
//! it); when it is missing or older than the sources it is built first with
//! `cargo build -p ggen-cli --bin ggen` into the same target directory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use ggen_pack::sign::SecretKey;

/// Newest modification time of the workspace's sources (crates/*/src, manifests, Cargo.lock).
fn newest_source(workspace: &Path) -> std::time::SystemTime {
    fn walk(p: &Path, newest: &mut std::time::SystemTime) {
        let Ok(meta) = std::fs::metadata(p) else {
            return;
        };
        if meta.is_dir() {
            for e in std::fs::read_dir(p).unwrap().flatten() {
                walk(&e.path(), newest);
            }
        } else if let Ok(m) = meta.modified() {
            *newest = (*newest).max(m);
        }
    }
    let mut newest = std::time::SystemTime::UNIX_EPOCH;
    walk(&workspace.join("Cargo.lock"), &mut newest);
    for c in std::fs::read_dir(workspace.join("crates"))
        .unwrap()
        .flatten()
    {
        walk(&c.path().join("src"), &mut newest);
        walk(&c.path().join("Cargo.toml"), &mut newest);
    }
    newest
}

/// The `ggen` binary of this target directory. `cargo test --workspace` has just built it; when
/// it is missing or older than the sources (e.g. `cargo test -p ggen-registry` after edits), it
/// is built here first. (Building it unconditionally would rebuild shared dependencies with
/// ggen-cli's own feature set after every workspace build.)
fn ggen_binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        // <target>/<profile>/deps/cli_e2e-<hash>
        let profile_dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
        let target = profile_dir.parent().unwrap().to_path_buf();
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let bin = profile_dir.join(format!("ggen{}", std::env::consts::EXE_SUFFIX));
        let fresh = std::fs::metadata(&bin)
            .and_then(|m| m.modified())
            .is_ok_and(|built| built >= newest_source(&workspace));
        if !fresh {
            let mut build = Command::new(env!("CARGO"));
            build
                .args(["build", "-q", "-p", "ggen-cli", "--bin", "ggen"])
                .env("CARGO_TARGET_DIR", &target)
                .current_dir(&workspace);
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                build.arg("--release");
            }
            let status = build.status().unwrap();
            assert!(status.success(), "building ggen failed");
        }
        assert!(bin.is_file(), "{} missing", bin.display());
        bin
    })
    .clone()
}

/// A pack like the marketplace CLI tests use: a template importing a partial, a vocabulary,
/// `[vars]` defaults.
fn write_pack(root: &Path, id: &str, version: &str) -> PathBuf {
    let name = id.rsplit('.').next().unwrap();
    let dir = root.join(format!("{id}-{version}"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    std::fs::write(
        dir.join("ggen-pack.toml"),
        format!(
            "[pack]\nid = \"{id}\"\nversion = \"{version}\"\ndescription = \"Class lists for {name}\"\nlicense = \"MIT\"\nkeywords = [\"test\", \"{name}\"]\ncategories = [\"models\"]\nggen = \">=0.1, <2\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[vars]\ngreeting = \"hello\"\nout_dir = \"pack-out\"\n"
        ),
    )
    .unwrap();
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
    std::fs::write(
        dir.join("ontology/vocab.ttl"),
        format!(
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix p: <http://example.org/packs/{name}#> .\np:FromPack a owl:Class .\n"
        ),
    )
    .unwrap();
    dir
}

fn write_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    std::fs::write(
        dir.join("ggen.toml"),
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[output]\ndir = \"generated\"\n\n[vars]\ngreeting = \"hi\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("ontology/model.ttl"),
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix ex: <http://example.org/demo#> .\nex:Customer a owl:Class .\n",
    )
    .unwrap();
}

struct Home {
    home: PathBuf,
}

impl Home {
    fn new(root: &Path, registry_url: &str, key: &SecretKey) -> Self {
        let home = root.join("home");
        std::fs::create_dir_all(home.join("config")).unwrap();
        let key_file = home.join("publisher.key");
        key.write(&key_file, true).unwrap();
        std::fs::write(
            home.join("config/config.toml"),
            format!(
                "[[registry]]\nname = \"team\"\nindex = \"{registry_url}\"\ntrusted_keys = [\"{}\"]\nrequire_signatures = true\ntoken_env = \"TEAM_TOKEN\"\n\n[publish]\nkey = \"{}\"\n",
                key.public_key().to_base64_spki(),
                key_file.display()
            ),
        )
        .unwrap();
        Self { home }
    }

    fn ggen(&self, dir: &Path, token: Option<&str>, args: &[&str]) -> serde_json::Value {
        let mut c = Command::new(ggen_binary());
        c.current_dir(dir)
            .args(args)
            .arg("--json")
            .env("HOME", &self.home)
            .env("GGEN_CONFIG_DIR", self.home.join("config"))
            .env("GGEN_CACHE_DIR", self.home.join("cache"))
            .env("NO_COLOR", "1")
            .env_remove("GGEN_LOG")
            .env_remove("GGEN_CONFIG")
            .env_remove("TEAM_TOKEN");
        if let Some(t) = token {
            c.env("TEAM_TOKEN", t);
        }
        let out = c.output().unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "ggen {args:?}: not JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert!(
            out.status.success(),
            "ggen {args:?} failed: {doc:#}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        doc
    }
}

fn publish_search_install_generate(s: &TestServer) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().canonicalize().unwrap();
    let key = key(7);
    let home = Home::new(&root, &s.url, &key);
    let token = s.token(&["publish:io.example", "yank:io.example"]);
    let src = write_pack(&root.join("sources"), "io.example.models", "1.0.0");

    let published = home.ggen(
        &root,
        Some(&token),
        &[
            "marketplace",
            "publish",
            src.to_str().unwrap(),
            "--registry",
            "team",
        ],
    );
    let cksum = published["checksum"].as_str().unwrap().to_owned();
    assert_eq!(published["signed_by"][0], key.key_id().as_str());
    let served = get(&format!("{}packs/io.example.models/1.0.0.tar.gz", s.url));
    assert_eq!(ggen_core::hash::sha256_checksum(&served.body), cksum);

    let found = home.ggen(&root, None, &["marketplace", "search", "models"]);
    assert_eq!(found["packs"][0]["id"], "io.example.models", "{found:#}");
    assert_eq!(found["packs"][0]["version"], "1.0.0");

    let project = root.join("project");
    write_project(&project);
    let installed = home.ggen(
        &project,
        None,
        &["marketplace", "install", "io.example.models"],
    );
    assert_eq!(
        installed["packs"][0]["checksum"],
        cksum.as_str(),
        "{installed:#}"
    );
    let lock = std::fs::read_to_string(project.join("ggen.lock")).unwrap();
    assert!(lock.contains(&format!("checksum = \"{cksum}\"")), "{lock}");
    assert!(
        lock.contains(&format!("source = \"registry+{}\"", s.url)),
        "{lock}"
    );

    home.ggen(&project, None, &["project", "gen"]);
    let out = std::fs::read_to_string(project.join("generated/pack-out/models.txt")).unwrap();
    assert!(out.contains("hi from io.example.models 1.0.0"), "{out}");
    assert!(
        out.contains("- Customer") && out.contains("- FromPack"),
        "{out}"
    );

    // the server saw the whole flow
    let m = get(&format!("{}metrics", s.url)).text();
    for want in [
        "method=\"PUT\",route=\"/api/v1/packs\",status=\"200\"",
        "method=\"GET\",route=\"/api/v1/search\",status=\"200\"",
        "method=\"GET\",route=\"/index/{id}\",status=\"200\"",
        "method=\"GET\",route=\"/packs/{id}/{file}\",status=\"200\"",
    ] {
        assert!(m.contains(want), "{want} not in\n{m}");
    }
}

#[test]
fn ggen_cli_publish_search_install_generate_on_sqlite() {
    publish_search_install_generate(&TestServer::sqlite());
}

#[test]
fn ggen_cli_publish_search_install_generate_on_postgres() {
    let Some(pg) = postgres("ggen_cli_publish_search_install_generate_on_postgres") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut c = test_config(&dir.path().join("data"));
    c.database = Some(pg.database("registry"));
    publish_search_install_generate(&TestServer::start(c));
}
