//! Tampering, with real `ggen` processes: a flipped byte in an archive, a re-signed or
//! untrusted pack, an unsigned pack, a corrupted cache. Every refused install leaves the
//! project, its lockfile and the cache byte-identical (file hashes compared).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod marketplace_support;

use std::collections::BTreeMap;
use std::path::Path;

use common::json;
use marketplace_support::*;

/// Project and cache state (file hashes).
fn state(s: &Setup) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    (
        state_hashes(&s.project),
        state_hashes(&s.home.join("cache")),
    )
}

/// Run a refused install: exit 2 with `code`, and nothing changed. Returns the error message.
fn refused(s: &Setup, args: &[&str], code: &str) -> String {
    let before = state(s);
    let out = s
        .ggen(&s.project)
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} should be refused: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], code, "{doc:#}");
    assert_eq!(
        state(s),
        before,
        "{args:?} changed the project or the cache"
    );
    doc["error"]["message"].as_str().unwrap().to_owned()
}

fn flip_byte(path: &Path, at: usize) {
    let mut b = std::fs::read(path).unwrap();
    let i = at.min(b.len() - 1);
    b[i] ^= 0x01;
    std::fs::write(path, b).unwrap();
}

#[test]
fn a_flipped_byte_is_refused_before_extraction() {
    let s = Setup::new();
    s.publish("io.example.good", "1.0.0", &[]);
    s.publish("io.example.models", "1.0.0", &[]);
    s.run_json(&s.project, &["marketplace", "install", "io.example.good"]);
    let archive = s.registry.join("packs/io.example.models/1.0.0.tar.gz");
    let expected = checksum_of(&archive);
    flip_byte(&archive, 100);
    let actual = checksum_of(&archive);
    let msg = refused(
        &s,
        &["marketplace", "install", "io.example.models"],
        "checksum-mismatch",
    );
    assert!(
        msg.contains(&format!("expected {expected}")) && msg.contains(&format!("actual {actual}")),
        "{msg}"
    );
    // nothing of it was extracted
    let src = s.home.join("cache/src");
    let extracted: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        extracted.iter().all(|n| n.starts_with("io.example.good-")),
        "{extracted:?}"
    );

    // the tampered archive with its checksum also changed in the index: the trusted
    // signature no longer verifies
    let index = s.registry.join("index/io.example.models");
    std::fs::write(&index, read(&index).replace(&expected, &actual)).unwrap();
    let msg = refused(
        &s,
        &["marketplace", "install", "io.example.models"],
        "signature-invalid",
    );
    assert!(msg.contains("does not verify"), "{msg}");
}

#[test]
fn untrusted_and_unsigned_packs_are_refused_unless_allowed() {
    let s = Setup::new();
    s.publish("io.example.good", "1.0.0", &[]);
    s.run_json(&s.project, &["marketplace", "install", "io.example.good"]);
    // signed by a key the user does not trust
    let other = s.root.join("other.key");
    let other_key = key_file(&other, 9);
    let src = write_pack(&s.sources, "io.example.models", "1.0.0", &[]);
    s.run_json(
        &s.root,
        &[
            "marketplace",
            "publish",
            src.to_str().unwrap(),
            "--key",
            other.to_str().unwrap(),
        ],
    );
    let msg = refused(
        &s,
        &["marketplace", "install", "io.example.models"],
        "untrusted-pack",
    );
    assert!(msg.contains(&other_key.key_id()), "{msg}");
    // unsigned
    let src = write_pack(&s.sources, "io.example.plain", "1.0.0", &[]);
    let out = s
        .ggen(&s.root)
        .args(["marketplace", "publish"])
        .arg(&src)
        .arg("--allow-unsigned")
        .env("GGEN_CONFIG", s.root.join("no-publish-key.toml"))
        .output()
        .unwrap();
    // --config must exist when given explicitly
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(
        s.root.join("no-publish-key.toml"),
        registry_toml("team", &s.registry.to_string_lossy(), &[], true),
    )
    .unwrap();
    let out = s
        .ggen(&s.root)
        .args(["marketplace", "publish"])
        .arg(&src)
        .arg("--allow-unsigned")
        .env("GGEN_CONFIG", s.root.join("no-publish-key.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    refused(
        &s,
        &["marketplace", "install", "io.example.plain"],
        "unsigned-pack",
    );

    // --allow-unsigned accepts both, with warnings, and locks them without signers
    let out = s
        .ggen(&s.project)
        .args([
            "marketplace",
            "install",
            "io.example.models",
            "io.example.plain",
            "--allow-unsigned",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("signed only by untrusted keys"), "{err}");
    assert!(err.contains("io.example.plain 1.0.0 is unsigned"), "{err}");
    let lock = read(&s.project.join("ggen.lock"));
    let models = lock
        .split("[[pack]]")
        .find(|p| p.contains("io.example.models"))
        .unwrap();
    assert!(!models.contains("signed-by"), "{lock}");
    let good = lock
        .split("[[pack]]")
        .find(|p| p.contains("io.example.good"))
        .unwrap();
    assert!(good.contains("signed-by"), "{lock}");
}

#[test]
fn a_corrupted_cache_is_detected_by_verify_and_fetched_again() {
    let s = Setup::new();
    s.publish("io.example.models", "1.0.0", &[]);
    s.run_json(&s.project, &["marketplace", "install", "io.example.models"]);
    let cksum = checksum_of(&s.registry.join("packs/io.example.models/1.0.0.tar.gz"));
    let hex = cksum.strip_prefix("sha256:").unwrap();
    let cached = s.home.join("cache/archives/sha256").join(hex);
    assert_eq!(checksum_of(&cached), cksum);
    s.run_json(&s.project, &["marketplace", "verify"]);

    // 1. the cached archive
    flip_byte(&cached, 50);
    let out = s
        .ggen(&s.project)
        .args(["marketplace", "verify", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "verify fails");
    let doc = json(&out);
    assert_eq!(doc["verified"], false);
    assert_eq!(doc["packs"][0]["id"], "io.example.models");
    assert!(
        doc["packs"][0]["status"]
            .as_str()
            .unwrap()
            .contains("cached archive corrupted"),
        "{doc:#}"
    );
    // verify changes nothing
    assert_ne!(checksum_of(&cached), cksum);
    let lock = read(&s.project.join("ggen.lock"));
    let out = s
        .ggen(&s.project)
        .args(["marketplace", "install"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("was corrupted") && err.contains("discarded"),
        "{err}"
    );
    assert_eq!(checksum_of(&cached), cksum, "fetched again");
    assert_eq!(read(&s.project.join("ggen.lock")), lock);
    s.run_json(&s.project, &["marketplace", "verify"]);

    // 2. an extracted file (read-only in the cache)
    let src_dir = std::fs::read_dir(s.home.join("cache/src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let file = src_dir.join("templates/models.txt.tmpl");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::write(&file, "---\nto: evil.txt\n---\nevil\n").unwrap();
    let out = s
        .ggen(&s.project)
        .args(["marketplace", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("extracted files differ"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // generation repairs the cache before using it
    let out = s
        .ggen(&s.project)
        .args(["project", "gen"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("was modified"));
    assert!(!s.project.join("generated/evil.txt").exists());
    assert!(s.project.join("generated/pack-out/models.txt").exists());
    s.run_json(&s.project, &["marketplace", "verify"]);
}

#[test]
fn a_failed_install_of_several_packs_installs_none() {
    let s = Setup::new();
    s.publish("io.example.alpha", "1.0.0", &[]);
    s.publish("io.example.models", "1.0.0", &[]);
    flip_byte(&s.registry.join("packs/io.example.models/1.0.0.tar.gz"), 10);
    let before_manifest = read(&s.project.join("ggen.toml"));
    refused(
        &s,
        &[
            "marketplace",
            "install",
            "io.example.alpha",
            "io.example.models",
        ],
        "checksum-mismatch",
    );
    assert_eq!(read(&s.project.join("ggen.toml")), before_manifest);
    assert!(!s.project.join("ggen.lock").exists());
    assert!(
        state_hashes(&s.home.join("cache"))
            .keys()
            .all(|k| !k.starts_with("archives/"))
    );
}
