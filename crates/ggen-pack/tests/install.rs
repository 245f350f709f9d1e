//! Installer behaviour: determinism, concurrency, update, remove, modes, yanked versions, bad
//! inputs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::path::{Path, PathBuf};

use ggen_pack::install::{Change, InstallError, InstallOptions, Installer, Mode, PackRequest};
use ggen_pack::lockfile::Lockfile;
use ggen_pack::registry::DirRegistry;
use support::*;

/// A registry with 8 independent packs `io.t.p0..p7` (each depending on `io.t.base`), plus
/// `io.t.base` 1.0.0 and 1.1.0.
fn registry(root: &Path) -> PathBuf {
    let dir = root.join("registry");
    let reg = DirRegistry::init(&dir, "t").unwrap();
    let src = root.join("src");
    publish(&reg, &write_pack(&src, "io.t.base", "1.0.0", &[]), None);
    for i in 0..8 {
        publish(
            &reg,
            &write_pack(
                &src,
                &format!("io.t.p{i}"),
                "1.0.0",
                &[("io.t.base", "^1.0")],
            ),
            None,
        );
    }
    publish(&reg, &write_pack(&src, "io.t.base", "1.1.0", &[]), None);
    dir
}

fn inst(reg: &Path, cache: &Path, project: &Path, mode: Mode) -> Installer {
    installer(
        Box::new(DirRegistry::open(&reg.to_string_lossy()).unwrap()),
        &[],
        false,
        cache,
        project,
        InstallOptions { mode, ..options() },
    )
}

fn fresh_project(root: &Path, name: &str) -> PathBuf {
    let p = root.join(name);
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join("ggen.toml"), "[project]\nname = \"x\"\n").unwrap();
    p
}

#[test]
fn lockfile_is_identical_whatever_the_install_order() {
    let t = tempfile::tempdir().unwrap();
    let reg = registry(t.path());
    let cache = t.path().join("cache");
    let a = fresh_project(t.path(), "a");
    let b = fresh_project(t.path(), "b");
    for i in 0..8 {
        inst(&reg, &cache, &a, Mode::Normal)
            .install(&[PackRequest::parse(&format!("io.t.p{i}")).unwrap()])
            .unwrap();
    }
    for i in (0..8).rev() {
        inst(&reg, &cache, &b, Mode::Normal)
            .install(&[PackRequest::parse(&format!("io.t.p{i}")).unwrap()])
            .unwrap();
    }
    let la = std::fs::read_to_string(a.join("ggen.lock")).unwrap();
    assert_eq!(la, std::fs::read_to_string(b.join("ggen.lock")).unwrap());
    assert_eq!(
        std::fs::read_to_string(a.join("ggen.toml")).unwrap(),
        std::fs::read_to_string(b.join("ggen.toml")).unwrap(),
        "[packs] is kept sorted when it was sorted"
    );
    // base 1.1.0 was picked once and shared
    assert_eq!(
        Lockfile::parse(&la, Path::new("l"))
            .unwrap()
            .get("io.t.base")
            .unwrap()
            .version
            .to_string(),
        "1.1.0"
    );
}

#[test]
fn eight_concurrent_installs_all_end_up_in_the_lockfile() {
    let t = tempfile::tempdir().unwrap();
    let reg = registry(t.path());
    let cache = t.path().join("cache");
    let project = fresh_project(t.path(), "p");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let (reg, cache, project, barrier) =
                (reg.clone(), cache.clone(), project.clone(), barrier.clone());
            std::thread::spawn(move || {
                let installer = inst(&reg, &cache, &project, Mode::Normal);
                barrier.wait();
                installer
                    .install(&[PackRequest::parse(&format!("io.t.p{i}")).unwrap()])
                    .unwrap();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let lock = Lockfile::load(&project.join("ggen.lock")).unwrap();
    for i in 0..8 {
        assert!(
            lock.get(&format!("io.t.p{i}")).is_some(),
            "io.t.p{i} missing"
        );
    }
    assert_eq!(lock.len(), 9);
    let manifest = std::fs::read_to_string(project.join("ggen.toml")).unwrap();
    for i in 0..8 {
        assert!(
            manifest.contains(&format!("\"io.t.p{i}\" = \"^1.0.0\"")),
            "{manifest}"
        );
    }
    // the cache is consistent
    let v = inst(&reg, &cache, &project, Mode::Normal).verify().unwrap();
    assert_eq!(v.len(), 9);
    assert!(v.iter().all(|e| e.status.is_ok()));
}

#[test]
fn update_moves_to_newer_versions_and_dry_run_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let reg_dir = t.path().join("registry");
    let reg = DirRegistry::init(&reg_dir, "t").unwrap();
    let src = t.path().join("src");
    publish(&reg, &write_pack(&src, "io.t.a", "1.9.0", &[]), None);
    let cache = t.path().join("cache");
    let project = fresh_project(t.path(), "p");
    inst(&reg_dir, &cache, &project, Mode::Normal)
        .install(&[PackRequest::parse("io.t.a@^1").unwrap()])
        .unwrap();
    publish(&reg, &write_pack(&src, "io.t.a", "1.10.0", &[]), None);
    publish(&reg, &write_pack(&src, "io.t.a", "2.0.0", &[]), None);

    // sync keeps the locked version
    let r = inst(&reg_dir, &cache, &project, Mode::Normal)
        .sync()
        .unwrap();
    assert!(r.changes.is_empty());
    assert_eq!(r.packs[0].locked.version.to_string(), "1.9.0");

    let before = project_hashes(&project);
    let dry = inst(&reg_dir, &cache, &project, Mode::Normal)
        .update(&[], true)
        .unwrap();
    assert_eq!(
        dry.changes,
        vec![Change::Updated {
            id: id("io.t.a"),
            from: semver::Version::new(1, 9, 0),
            to: semver::Version::new(1, 10, 0),
        }]
    );
    assert_eq!(dry.changes[0].to_string(), "update io.t.a 1.9.0 -> 1.10.0");
    assert_eq!(project_hashes(&project), before, "dry run writes nothing");

    // --locked refuses an update that changes the lockfile
    let e = inst(&reg_dir, &cache, &project, Mode::Locked)
        .update(&[], false)
        .unwrap_err();
    assert!(matches!(e, InstallError::LockfileWouldChange { .. }), "{e}");
    assert!(
        e.to_string().contains("update io.t.a 1.9.0 -> 1.10.0"),
        "{e}"
    );
    assert_eq!(project_hashes(&project), before);

    let r = inst(&reg_dir, &cache, &project, Mode::Normal)
        .update(&[id("io.t.a")], false)
        .unwrap();
    assert!(r.lockfile_written);
    let lock = Lockfile::load(&project.join("ggen.lock")).unwrap();
    assert_eq!(
        lock.get("io.t.a").unwrap().version.to_string(),
        "1.10.0",
        "semver, not string order; ^1 excludes 2.0.0"
    );
}

#[test]
fn remove_refuses_a_dependency_unless_forced() {
    let t = tempfile::tempdir().unwrap();
    let reg = registry(t.path());
    let cache = t.path().join("cache");
    let project = fresh_project(t.path(), "p");
    let i = inst(&reg, &cache, &project, Mode::Normal);
    i.install(&[
        PackRequest::parse("io.t.p0").unwrap(),
        PackRequest::parse("io.t.p1").unwrap(),
        PackRequest::parse("io.t.base").unwrap(),
    ])
    .unwrap();
    let before = project_hashes(&project);
    let e = i.remove(&[id("io.t.base")], false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot remove io.t.base: io.t.p0 1.0.0, io.t.p1 1.0.0 depend on it"
    );
    assert_eq!(project_hashes(&project), before);
    assert!(matches!(
        i.remove(&[id("io.t.nothere")], false),
        Err(InstallError::NotInstalled(_))
    ));

    // removing a leaf prunes it (base stays: p1 still needs it)
    let r = i.remove(&[id("io.t.p0")], false).unwrap();
    assert_eq!(
        r.changes,
        vec![Change::Removed {
            id: id("io.t.p0"),
            version: semver::Version::new(1, 0, 0)
        }]
    );
    let lock = Lockfile::load(&project.join("ggen.lock")).unwrap();
    assert_eq!(lock.len(), 2);

    // forced: the dependents go too
    let r = i.remove(&[id("io.t.base")], true).unwrap();
    assert_eq!(r.changes.len(), 2);
    let lock = Lockfile::load(&project.join("ggen.lock")).unwrap();
    assert!(lock.is_empty());
    let manifest = std::fs::read_to_string(project.join("ggen.toml")).unwrap();
    assert!(!manifest.contains("io.t."), "{manifest}");
}

#[test]
fn yanked_version_stays_installable_from_the_lockfile() {
    let t = tempfile::tempdir().unwrap();
    let reg_dir = t.path().join("registry");
    let reg = DirRegistry::init(&reg_dir, "t").unwrap();
    let src = t.path().join("src");
    publish(&reg, &write_pack(&src, "io.t.a", "1.0.0", &[]), None);
    publish(&reg, &write_pack(&src, "io.t.a", "1.1.0", &[]), None);
    let cache = t.path().join("cache");
    let project = fresh_project(t.path(), "p");
    inst(&reg_dir, &cache, &project, Mode::Normal)
        .install(&[PackRequest::parse("io.t.a").unwrap()])
        .unwrap();
    reg.set_yanked(&id("io.t.a"), &semver::Version::new(1, 1, 0), true)
        .unwrap();

    // a fresh machine (empty cache) with the lockfile still gets 1.1.0, even --locked
    let cache2 = t.path().join("cache2");
    let r = inst(&reg_dir, &cache2, &project, Mode::Locked)
        .sync()
        .unwrap();
    assert_eq!(r.packs[0].locked.version.to_string(), "1.1.0");

    // a new project does not pick the yanked version
    let other = fresh_project(t.path(), "other");
    let r = inst(&reg_dir, &cache2, &other, Mode::Normal)
        .install(&[PackRequest::parse("io.t.a").unwrap()])
        .unwrap();
    assert_eq!(r.packs[0].locked.version.to_string(), "1.0.0");
    // search hides nothing here (1.0.0 is live) but reports the live version
    let hits =
        ggen_pack::registry::Registry::search(&reg, &ggen_pack::search::SearchQuery::new("io.t.a"))
            .unwrap();
    assert_eq!(hits[0].entry.vers.to_string(), "1.0.0");
    // unyank restores it
    reg.set_yanked(&id("io.t.a"), &semver::Version::new(1, 1, 0), false)
        .unwrap();
    let hits =
        ggen_pack::registry::Registry::search(&reg, &ggen_pack::search::SearchQuery::new("io.t.a"))
            .unwrap();
    assert_eq!(hits[0].entry.vers.to_string(), "1.1.0");
}

#[test]
fn publishing_an_existing_version_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let reg = DirRegistry::init(&t.path().join("registry"), "t").unwrap();
    let src = write_pack(&t.path().join("src"), "io.t.a", "1.0.0", &[]);
    let line = publish(&reg, &src, None);
    let index_before = std::fs::read(t.path().join("registry/index/io.t.a")).unwrap();
    std::fs::write(src.join("templates/model.rs.tmpl"), "changed").unwrap();
    let bytes = ggen_pack::archive::build_archive(&src).unwrap();
    let e = reg.publish(&bytes, None, &Default::default()).unwrap_err();
    assert!(
        e.to_string().contains("io.t.a 1.0.0 is already published"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(t.path().join("registry/index/io.t.a")).unwrap(),
        index_before
    );
    let served = std::fs::read(t.path().join("registry/packs/io.t.a/1.0.0.tar.gz")).unwrap();
    assert_eq!(
        ggen_core::hash::sha256_checksum(served),
        line.cksum,
        "archive untouched"
    );
}

#[test]
fn same_directory_publishes_identical_bytes() {
    let t = tempfile::tempdir().unwrap();
    let src = write_pack(&t.path().join("src"), "io.t.a", "1.0.0", &[]);
    let r1 = DirRegistry::init(&t.path().join("r1"), "1").unwrap();
    let r2 = DirRegistry::init(&t.path().join("r2"), "2").unwrap();
    let a = publish(&r1, &src, Some(&test_key(3)));
    let b = publish(&r2, &src, Some(&test_key(3)));
    assert_eq!(a.cksum, b.cksum);
    assert_eq!(
        a.to_json(),
        b.to_json(),
        "Ed25519 signatures are deterministic too"
    );
    assert_eq!(
        std::fs::read(t.path().join("r1/packs/io.t.a/1.0.0.tar.gz")).unwrap(),
        std::fs::read(t.path().join("r2/packs/io.t.a/1.0.0.tar.gz")).unwrap()
    );
}

#[test]
fn bad_inputs_name_file_and_line() {
    let t = tempfile::tempdir().unwrap();
    let reg_dir = registry(t.path());
    let cache = t.path().join("cache");
    let project = fresh_project(t.path(), "p");
    let i = inst(&reg_dir, &cache, &project, Mode::Normal);

    // malformed lockfile
    std::fs::write(
        project.join("ggen.lock"),
        format!(
            "# This file is generated by ggen. Do not edit.\nversion = 1\n\n[[pack]]\nid = \"io.t.p0\"\nversion = \"one\"\nsource = \"registry+x\"\nchecksum = \"sha256:{}\"\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    let e = i
        .install(&[PackRequest::parse("io.t.p0").unwrap()])
        .unwrap_err();
    assert!(e.to_string().contains("ggen.lock:6:"), "{e}");
    std::fs::remove_file(project.join("ggen.lock")).unwrap();

    // malformed [packs] in ggen.toml
    std::fs::write(
        project.join("ggen.toml"),
        "[project]\nname = \"x\"\n[packs]\n\"io.t.p0\" = \"~>1\"\n",
    )
    .unwrap();
    let e = i.sync().unwrap_err();
    assert!(e.to_string().contains("ggen.toml:4:"), "{e}");
    std::fs::write(project.join("ggen.toml"), "[project]\nname = \"x\"\n").unwrap();

    // malformed index line
    let idx = reg_dir.join("index/io.t.p3");
    let mut text = std::fs::read_to_string(&idx).unwrap();
    text.push_str("{\"id\":\"io.t.p3\",\"vers\":\"2.0.0\",\"cksum\":\"md5:1\"}\n");
    std::fs::write(&idx, text).unwrap();
    let e = i
        .install(&[PackRequest::parse("io.t.p3").unwrap()])
        .unwrap_err();
    assert!(e.to_string().contains("index/io.t.p3:2"), "{e}");
    assert!(e.to_string().contains("invalid checksum"), "{e}");

    // malformed pack manifest at publish time
    let src = write_pack(&t.path().join("bad"), "io.t.bad", "1.0.0", &[]);
    std::fs::write(
        src.join("ggen-pack.toml"),
        "[pack]\nid = \"io.t.bad\"\nversion = \"1.0.0\"\ndescription = \"x\"\nkeywords = 5\n",
    )
    .unwrap();
    let bytes = ggen_pack::archive::build_archive(&src).unwrap();
    let reg = DirRegistry::open(&reg_dir.to_string_lossy()).unwrap();
    let e = reg.publish(&bytes, None, &Default::default()).unwrap_err();
    assert!(e.to_string().contains("ggen-pack.toml:5:"), "{e}");

    // bad request syntax and unknown pack with a suggestion
    assert!(PackRequest::parse("io.t.p0@^^1").is_err());
    let e = i
        .install(&[PackRequest::parse("io.t.p9x").unwrap()])
        .unwrap_err();
    assert!(e.to_string().contains("did you mean"), "{e}");

    // no ggen.toml
    let empty = t.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let e = inst(&reg_dir, &cache, &empty, Mode::Normal)
        .sync()
        .unwrap_err();
    assert!(e.to_string().contains("no ggen.toml"), "{e}");
}
