//! Tampering: every refused install leaves the project, the lockfile and the cache unchanged.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::path::Path;

use ggen_pack::cache::{ArchiveState, SourceState};
use ggen_pack::install::{InstallError, InstallOptions, InstallWarning, Installer, PackRequest};
use ggen_pack::registry::DirRegistry;
use ggen_pack::sign::SignError;
use support::*;

struct Fixture {
    t: tempfile::TempDir,
    key: ggen_pack::sign::SecretKey,
}

impl Fixture {
    /// A registry with `io.t.base 1.0.0` and `io.t.app 1.0.0` (depends on base), signed by `key`,
    /// and a project that already has `io.t.other` installed (so there is a lockfile and cache).
    fn new() -> Self {
        let t = tempfile::tempdir().unwrap();
        let key = test_key(7);
        let reg = DirRegistry::init(&t.path().join("registry"), "t").unwrap();
        let src = t.path().join("src");
        publish(
            &reg,
            &write_pack(&src, "io.t.base", "1.0.0", &[]),
            Some(&key),
        );
        publish(
            &reg,
            &write_pack(&src, "io.t.app", "1.0.0", &[("io.t.base", "^1")]),
            Some(&key),
        );
        publish(
            &reg,
            &write_pack(&src, "io.t.other", "1.0.0", &[]),
            Some(&key),
        );
        project(t.path());
        let f = Self { t, key };
        f.installer(&[&f.key], false)
            .install(&[PackRequest::parse("io.t.other").unwrap()])
            .unwrap();
        f
    }

    fn registry_dir(&self) -> std::path::PathBuf {
        self.t.path().join("registry")
    }

    fn project(&self) -> std::path::PathBuf {
        self.t.path().join("project")
    }

    fn cache(&self) -> std::path::PathBuf {
        self.t.path().join("cache")
    }

    fn installer(
        &self,
        trusted: &[&ggen_pack::sign::SecretKey],
        allow_unsigned: bool,
    ) -> Installer {
        installer(
            Box::new(DirRegistry::open(&self.registry_dir().to_string_lossy()).unwrap()),
            trusted,
            true,
            &self.cache(),
            &self.project(),
            InstallOptions {
                allow_unsigned,
                ..options()
            },
        )
    }

    fn snapshot(
        &self,
    ) -> (
        std::collections::BTreeMap<String, String>,
        std::collections::BTreeMap<String, String>,
    ) {
        (project_hashes(&self.project()), tree_hashes(&self.cache()))
    }
}

fn flip_byte(path: &Path, at: usize) {
    let mut b = std::fs::read(path).unwrap();
    b[at] ^= 0x01;
    std::fs::write(path, b).unwrap();
}

#[test]
fn flipped_byte_is_refused_before_extraction() {
    let f = Fixture::new();
    let archive = f.registry_dir().join("packs/io.t.app/1.0.0.tar.gz");
    let n = std::fs::metadata(&archive).unwrap().len() as usize;
    flip_byte(&archive, n / 2);
    let before = f.snapshot();
    let e = f
        .installer(&[&f.key], false)
        .install(&[PackRequest::parse("io.t.app").unwrap()])
        .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, InstallError::ChecksumMismatch { .. }), "{msg}");
    assert!(
        msg.starts_with("checksum mismatch for io.t.app 1.0.0: expected sha256:"),
        "{msg}"
    );
    assert!(msg.contains(", actual sha256:"), "{msg}");
    assert_eq!(f.snapshot(), before, "project and cache unchanged");
    // nothing of io.t.app (nor of io.t.base, fetched in the same operation) reached the cache
    assert!(!f.cache().join("src").read_dir().unwrap().any(|e| {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        n.starts_with("io.t.app") || n.starts_with("io.t.base")
    }));
}

#[test]
fn untrusted_key_refused_unless_allow_unsigned() {
    let f = Fixture::new();
    let stranger = test_key(99);
    let before = f.snapshot();
    let e = f
        .installer(&[&stranger], false)
        .install(&[PackRequest::parse("io.t.app").unwrap()])
        .unwrap_err();
    assert!(matches!(e, InstallError::Untrusted { .. }), "{e}");
    assert!(e.to_string().contains(&f.key.key_id()), "{e}");
    assert!(e.to_string().contains("not trusted"), "{e}");
    assert_eq!(f.snapshot(), before);

    let report = f
        .installer(&[&stranger], true)
        .install(&[PackRequest::parse("io.t.app").unwrap()])
        .unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| matches!(w, InstallWarning::Untrusted { .. }))
    );
    let lock = ggen_pack::lockfile::Lockfile::load(&f.project().join("ggen.lock")).unwrap();
    assert!(
        lock.get("io.t.app").unwrap().signed_by.is_empty(),
        "no trusted signer recorded"
    );
}

#[test]
fn unsigned_pack_refused_when_signatures_are_required() {
    let f = Fixture::new();
    let reg = DirRegistry::open(&f.registry_dir().to_string_lossy()).unwrap();
    publish(
        &reg,
        &write_pack(&f.t.path().join("src"), "io.t.plain", "1.0.0", &[]),
        None,
    );
    let before = f.snapshot();
    let e = f
        .installer(&[&f.key], false)
        .install(&[PackRequest::parse("io.t.plain").unwrap()])
        .unwrap_err();
    assert!(matches!(e, InstallError::Unsigned { .. }), "{e}");
    assert_eq!(f.snapshot(), before);
    let r = f
        .installer(&[&f.key], true)
        .install(&[PackRequest::parse("io.t.plain").unwrap()])
        .unwrap();
    assert!(
        r.warnings
            .iter()
            .any(|w| matches!(w, InstallWarning::Unsigned { .. }))
    );
}

#[test]
fn tampered_index_line_fails_the_signature() {
    let f = Fixture::new();
    // Swap in another archive and fix the checksum in the index: the signature no longer
    // matches (a trusted key signed the original checksum).
    let archive = f.registry_dir().join("packs/io.t.app/1.0.0.tar.gz");
    let evil_src = write_pack(&f.t.path().join("evil"), "io.t.app", "1.0.0", &[]);
    std::fs::write(
        evil_src.join("templates/model.rs.tmpl"),
        "---\nto: x\n---\nevil\n",
    )
    .unwrap();
    let evil = ggen_pack::archive::build_archive(&evil_src).unwrap();
    std::fs::write(&archive, &evil).unwrap();
    let index = f.registry_dir().join("index/io.t.app");
    let text = std::fs::read_to_string(&index).unwrap();
    let line =
        ggen_pack::index::IndexLine::parse(text.trim(), ggen_core::Location::file("x")).unwrap();
    let fixed = text.replace(&line.cksum, &ggen_core::hash::sha256_checksum(&evil));
    std::fs::write(&index, fixed).unwrap();
    let before = f.snapshot();
    let e = f
        .installer(&[&f.key], true) // even with allow_unsigned: a bad trusted signature is fatal
        .install(&[PackRequest::parse("io.t.app").unwrap()])
        .unwrap_err();
    assert!(
        matches!(e, InstallError::Signature(SignError::BadSignature { .. })),
        "{e}"
    );
    assert_eq!(f.snapshot(), before);
}

#[test]
fn corrupted_cache_is_detected_by_verify_and_refetched() {
    let f = Fixture::new();
    let inst = f.installer(&[&f.key], false);
    inst.install(&[PackRequest::parse("io.t.app").unwrap()])
        .unwrap();
    assert!(inst.verify().unwrap().iter().all(|e| e.status.is_ok()));

    let lock = ggen_pack::lockfile::Lockfile::load(&f.project().join("ggen.lock")).unwrap();
    let app = lock.get("io.t.app").unwrap().clone();
    let cache = ggen_pack::cache::Cache::new(f.cache());
    flip_byte(&cache.archive_path(&app.checksum).unwrap(), 30);

    let report = inst.verify().unwrap();
    let entry = report
        .iter()
        .find(|e| e.locked.id.as_str() == "io.t.app")
        .unwrap();
    assert!(
        matches!(entry.status.archive, ArchiveState::Corrupt { .. }),
        "{entry:?}"
    );
    assert!(
        report
            .iter()
            .filter(|e| e.locked.id.as_str() != "io.t.app")
            .all(|e| e.status.is_ok())
    );

    // the next sync detects it, discards it, fetches it again and reports it
    let lock_before = std::fs::read(f.project().join("ggen.lock")).unwrap();
    let r = inst.sync().unwrap();
    assert!(
        r.warnings
            .iter()
            .any(|w| matches!(w, InstallWarning::Cache(c) if c.to_string().contains("corrupted"))),
        "{:?}",
        r.warnings
    );
    assert!(inst.verify().unwrap().iter().all(|e| e.status.is_ok()));
    assert_eq!(
        std::fs::read(f.project().join("ggen.lock")).unwrap(),
        lock_before
    );

    // an extracted file edited by hand is detected too and repaired by sync
    let src = cache
        .source_path(&app.id, &app.version, &app.checksum)
        .unwrap()
        .join("templates/model.rs.tmpl");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&src, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::write(&src, "edited").unwrap();
    let entry = inst
        .verify()
        .unwrap()
        .into_iter()
        .find(|e| e.locked.id.as_str() == "io.t.app")
        .unwrap();
    assert!(
        matches!(entry.status.source, SourceState::Modified { .. }),
        "{entry:?}"
    );
    inst.sync().unwrap();
    assert!(inst.verify().unwrap().iter().all(|e| e.status.is_ok()));
}

#[test]
fn registry_replacing_a_locked_version_is_refused() {
    let f = Fixture::new();
    let lock_path = f.project().join("ggen.lock");
    let inst = f.installer(&[&f.key], false);
    // the registry rewrites io.t.other 1.0.0 with new content (and a fresh, valid signature)
    let other_src = write_pack(&f.t.path().join("again"), "io.t.other", "1.0.0", &[]);
    std::fs::write(other_src.join("README.md"), "changed").unwrap();
    let bytes = ggen_pack::archive::build_archive(&other_src).unwrap();
    let ck = ggen_core::hash::sha256_checksum(&bytes);
    std::fs::write(
        f.registry_dir().join("packs/io.t.other/1.0.0.tar.gz"),
        &bytes,
    )
    .unwrap();
    let m = ggen_pack::manifest::Manifest::load_dir(&other_src).unwrap();
    let line = ggen_pack::index::IndexLine::from_manifest(
        &m,
        &ck,
        vec![f.key.sign("io.t.other", "1.0.0", &ck)],
    );
    std::fs::write(
        f.registry_dir().join("index/io.t.other"),
        format!("{}\n", line.to_json()),
    )
    .unwrap();
    let before = f.snapshot();
    // an update re-reads the index and notices the changed checksum of the locked version
    let e = inst.update(&[], false).unwrap_err();
    assert!(matches!(e, InstallError::ChecksumChanged { .. }), "{e}");
    assert_eq!(f.snapshot(), before);
    assert!(lock_path.exists());
}
