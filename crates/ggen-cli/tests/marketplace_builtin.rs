//! The built-in first-party registry: with no registry configured, `search` and `install` work
//! offline from the copy of `marketplace/` embedded in the binary, its packs are trusted, and
//! generation with `io.ggen.rust-models` works; the embedded copy matches the directory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod marketplace_support;

use std::path::Path;

use common::{ggen, json, repo_root};
use marketplace_support::{read, registry_toml, write_config};

/// The documented key id of the first-party registry (marketplace/README.md).
const KEY_ID: &str = "ed25519:96d3e3a3b178fe5e";

fn ok_json(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = cmd.arg("--json").output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}

/// A project over the shop example's ontology with no templates of its own.
fn shop_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("ontology")).unwrap();
    for f in ["shop.ttl", "properties.ttl", "shapes.ttl"] {
        std::fs::copy(
            repo_root().join("examples/shop/ontology").join(f),
            dir.join("ontology").join(f),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("ggen.toml"),
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[templates]\ndirs = []\n\n[output]\ndir = \"generated\"\n\n[types.rust]\n\"xsd:decimal\" = \"f64\"\n\"xsd:date\" = \"String\"\n\"xsd:dateTime\" = \"String\"\n",
    )
    .unwrap();
}

#[test]
fn builtin_registry_embeds_every_marketplace_pack() {
    let t = tempfile::tempdir().unwrap();
    let index_dir = repo_root().join("marketplace/index");
    let mut ids: Vec<String> = std::fs::read_dir(&index_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let all = ok_json(
        ggen(t.path(), t.path())
            .args(["marketplace", "search", "--limit", "1000"])
            .arg("--offline"),
    );
    let listed: Vec<&str> = all["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed, ids,
        "the built-in registry differs from marketplace/: update src/cmd/marketplace/builtin.rs"
    );
    for id in &ids {
        let lines: Vec<serde_json::Value> = read(&index_dir.join(id))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for line in &lines {
            let spec = format!("{id}@{}", line["vers"].as_str().unwrap());
            let info = ok_json(
                ggen(t.path(), t.path())
                    .args(["marketplace", "info", &spec])
                    .arg("--offline"),
            );
            assert_eq!(info["checksum"], line["cksum"], "{spec}");
            assert_eq!(info["signature_status"], "verified", "{spec}");
            assert_eq!(info["versions"].as_array().unwrap().len(), lines.len());
            // the archive is embedded too (info reads its manifest)
            assert!(info["manifest"].is_object(), "{spec}: {info:#}");
        }
    }
}

#[test]
fn search_install_and_generate_offline_with_no_registry_configured() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let project = t.path().join("shop");
    std::fs::create_dir_all(&home).unwrap();
    shop_project(&project);

    let out = ggen(&project, &home)
        .args(["--offline", "marketplace", "search", "rust"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("io.ggen.rust-models "), "{text}");

    let doc = ok_json(ggen(&project, &home).args([
        "--offline",
        "marketplace",
        "install",
        "io.ggen.rust-models",
    ]));
    assert_eq!(
        doc["packs"].as_array().unwrap().len(),
        2,
        "with its dependency"
    );
    let lock = read(&project.join("ggen.lock"));
    assert_eq!(
        lock.matches("source = \"registry+builtin:ggen\"").count(),
        2,
        "{lock}"
    );
    assert_eq!(
        lock.matches(&format!("signed-by = [\"{KEY_ID}\"]")).count(),
        2,
        "{lock}"
    );
    let index = read(&repo_root().join("marketplace/index/io.ggen.rust-models"));
    let line: serde_json::Value = serde_json::from_str(index.lines().last().unwrap()).unwrap();
    assert!(lock.contains(line["cksum"].as_str().unwrap()), "{lock}");

    ok_json(ggen(&project, &home).args(["--offline", "project", "gen", "--frozen"]));
    let customer = read(&project.join("generated/src/models/customer.rs"));
    assert!(customer.contains("pub struct Customer {"), "{customer}");
    let receipt: serde_json::Value =
        serde_json::from_str(&read(&project.join(".ggen/receipt.json"))).unwrap();
    let packs: Vec<&str> = receipt["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(packs, ["io.ggen.common-types", "io.ggen.rust-models"]);

    // configuring another registry later keeps the packs locked from the built-in one usable
    write_config(
        &home,
        &registry_toml("team", &t.path().join("team").to_string_lossy(), &[], true),
    );
    std::fs::remove_dir_all(project.join("generated")).unwrap();
    std::fs::remove_dir_all(home.join("cache")).unwrap();
    ok_json(ggen(&project, &home).args(["project", "gen"]));
    assert!(project.join("generated/src/models/customer.rs").exists());
    // but the built-in registry is not searched any more
    let found = ok_json(ggen(&project, &home).args(["marketplace", "search", "rust"]));
    assert!(found["packs"].as_array().unwrap().is_empty(), "{found:#}");
}

#[test]
fn ggen_default_registry_replaces_the_builtin_copy() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let copy = t.path().join("marketplace");
    for f in common::walk(&repo_root().join("marketplace")) {
        let rel = f.strip_prefix(repo_root().join("marketplace")).unwrap();
        std::fs::create_dir_all(copy.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(&f, copy.join(rel)).unwrap();
    }
    let project = t.path().join("shop");
    shop_project(&project);
    ok_json(
        ggen(&project, &home)
            .env("GGEN_DEFAULT_REGISTRY", &copy)
            .args(["marketplace", "install", "io.ggen.rust-models"]),
    );
    let lock = read(&project.join("ggen.lock"));
    assert!(
        lock.contains(&format!("source = \"registry+{}\"", copy.display())),
        "{lock}"
    );
    // the documented key is trusted for it: a pack signed by another key is refused
    let other = ggen_pack::sign::SecretKey::from_seed(&[3; 32]);
    let reg = ggen_pack::registry::DirRegistry::open(&copy.to_string_lossy()).unwrap();
    let src = t.path().join("src");
    std::fs::create_dir_all(src.join("templates")).unwrap();
    std::fs::write(
        src.join("ggen-pack.toml"),
        "[pack]\nid = \"io.ggen.extra\"\nversion = \"1.0.0\"\ndescription = \"x\"\n",
    )
    .unwrap();
    let bytes = ggen_pack::archive::build_archive(&src).unwrap();
    reg.publish(&bytes, Some(&other), &Default::default())
        .unwrap();
    let out = ggen(&project, &home)
        .env("GGEN_DEFAULT_REGISTRY", &copy)
        .args(["marketplace", "install", "io.ggen.extra", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "untrusted-pack");
}
