//! Deterministic archives and the fail-closed extractor, against hand-built hostile archives.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use ggen_pack::archive::{ArchiveError, Limits, build_archive, extract_archive, read_archive};

// ---------------------------------------------------------------------------------------------
// raw archive construction

/// A raw tar header with an arbitrary name (bypassing the tar crate's path checks).
fn raw_header(name: &[u8], etype: u8, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    {
        let old = h.as_old_mut();
        old.name = [0; 100];
        old.name[..name.len()].copy_from_slice(name);
    }
    h.set_mode(0o644);
    h.set_size(size);
    h.set_entry_type(tar::EntryType::new(etype));
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    h.set_cksum();
    h
}

fn link_header(name: &[u8], etype: u8, target: &[u8]) -> tar::Header {
    let mut h = raw_header(name, etype, 0);
    {
        let old = h.as_old_mut();
        old.linkname = [0; 100];
        old.linkname[..target.len()].copy_from_slice(target);
    }
    h.set_cksum();
    h
}

/// Raw tar stream: header, data, padding per entry, then two zero blocks.
fn tar_stream(entries: &[(tar::Header, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (h, data) in entries {
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        out.extend(std::iter::repeat_n(0u8, pad));
    }
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn file(name: &str, data: &[u8]) -> (tar::Header, Vec<u8>) {
    (
        raw_header(name.as_bytes(), b'0', data.len() as u64),
        data.to_vec(),
    )
}

fn archive_of(entries: &[(tar::Header, Vec<u8>)]) -> Vec<u8> {
    gzip(&tar_stream(entries))
}

// ---------------------------------------------------------------------------------------------
// sandbox snapshots

/// Every path under `root` with the content of files (directories as `None`).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    fn rec(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                out.insert(rel, None);
                rec(root, &p, out);
            } else {
                out.insert(rel, Some(std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    rec(root, root, &mut out);
    out
}

/// Extract `bytes` into `<sandbox>/cache/pack` and check that it is refused, that nothing in the
/// sandbox changed and that the destination does not exist. Returns the error.
fn refuse(bytes: &[u8], limits: &Limits) -> ArchiveError {
    let sandbox = tempfile::tempdir().unwrap();
    let parent = sandbox.path().join("cache");
    std::fs::create_dir_all(&parent).unwrap();
    std::fs::write(parent.join("sentinel"), b"keep me").unwrap();
    let before = snapshot(sandbox.path());
    let dest = parent.join("pack");
    let err = extract_archive(bytes, &dest, limits).expect_err("archive must be refused");
    assert_eq!(
        snapshot(sandbox.path()),
        before,
        "sandbox changed after refusing: {err}"
    );
    assert!(!dest.exists());
    // the in-memory reader refuses it the same way
    let mem = read_archive(bytes, limits).expect_err("read_archive must refuse too");
    assert_eq!(
        std::mem::discriminant(&mem),
        std::mem::discriminant(&err),
        "{mem} vs {err}"
    );
    err
}

fn defaults() -> Limits {
    Limits::default()
}

// ---------------------------------------------------------------------------------------------
// hostile archives

#[test]
fn parent_dir_paths_refused() {
    for name in ["../evil.txt", "a/../../evil.txt", "a/..", ".."] {
        let bytes = archive_of(&[file("ok.txt", b"fine"), file(name, b"pwned")]);
        let err = refuse(&bytes, &defaults());
        assert!(
            matches!(&err, ArchiveError::UnsafePath { reason, .. } if reason.contains("..")),
            "{name}: {err}"
        );
        assert!(err.to_string().contains("unsafe path"), "{err}");
    }
}

#[test]
fn absolute_and_odd_paths_refused() {
    let target = format!("/tmp/ggen-pack-absolute-test-{}.txt", std::process::id());
    let bytes = archive_of(&[file(&target, b"pwned")]);
    let err = refuse(&bytes, &defaults());
    assert!(err.to_string().contains("absolute path"), "{err}");
    assert!(!Path::new(&target).exists());

    for (name, why) in [
        ("./a.txt", "`.` component"),
        ("a//b.txt", "empty path component"),
        ("..\\evil.txt", "backslash"),
        ("C:evil.txt", "`:`"),
    ] {
        let err = refuse(&archive_of(&[file(name, b"x")]), &defaults());
        assert!(err.to_string().contains(why), "{name}: {err}");
    }
}

#[test]
fn symlinks_and_hardlinks_refused() {
    let bytes = archive_of(&[(link_header(b"link", b'2', b"/etc/passwd"), vec![])]);
    let err = refuse(&bytes, &defaults());
    assert!(err.to_string().contains("symbolic link"), "{err}");

    let bytes = archive_of(&[
        file("real.txt", b"data"),
        (link_header(b"hard", b'1', b"real.txt"), vec![]),
    ]);
    let err = refuse(&bytes, &defaults());
    assert!(err.to_string().contains("hard link"), "{err}");
}

#[test]
fn devices_and_fifos_refused() {
    for (etype, kind) in [
        (b'3', "character device"),
        (b'4', "block device"),
        (b'6', "fifo"),
    ] {
        let bytes = archive_of(&[(raw_header(b"dev", etype, 0), vec![])]);
        let err = refuse(&bytes, &defaults());
        assert!(
            matches!(&err, ArchiveError::UnsupportedEntry { kind: k, .. } if k == kind),
            "{err}"
        );
    }
}

#[test]
fn sparse_two_gib_entry_refused() {
    // A GNU sparse entry: one 512-byte chunk at the end of a 2 GiB file.
    let two_gib: u64 = 2 * 1024 * 1024 * 1024;
    let mut h = raw_header(b"sparse.bin", b'S', 512);
    {
        let gnu = h.as_gnu_mut().unwrap();
        gnu.sparse[0].set_offset(two_gib - 512);
        gnu.sparse[0].set_length(512);
        gnu.set_real_size(two_gib);
    }
    h.set_cksum();
    let bytes = archive_of(&[(h, vec![7u8; 512])]);
    let err = refuse(&bytes, &defaults());
    assert!(
        matches!(&err, ArchiveError::UnsupportedEntry { kind, .. } if kind == "sparse file"),
        "{err}"
    );
}

#[test]
fn huge_declared_file_refused_on_its_header() {
    // Header claims 1 GiB; only 1 MiB of zeros follow. The header alone must stop it.
    let mut stream = raw_header(b"bomb.bin", b'0', 1 << 30).as_bytes().to_vec();
    stream.extend(std::iter::repeat_n(0u8, 1 << 20));
    let err = refuse(&gzip(&stream), &defaults());
    assert!(
        matches!(err, ArchiveError::FileTooLarge { size, .. } if size == 1 << 30),
        "{err}"
    );
}

#[test]
fn gzip_bomb_stops_at_the_decompressed_limit() {
    // 60 entries of 1 MiB of zeros: each is under the per-file limit, together they exceed the
    // 50 MiB decompressed limit, from a compressed archive of well under 1 MiB.
    let entries: Vec<_> = (0..60)
        .map(|i| file(&format!("z{i:02}.bin"), &vec![0u8; 1 << 20]))
        .collect();
    let bytes = archive_of(&entries);
    assert!(bytes.len() < 1 << 20, "compressed size {}", bytes.len());
    let err = refuse(&bytes, &defaults());
    assert!(
        matches!(
            err,
            ArchiveError::ArchiveTooLarge {
                what: "decompressed",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn decompressed_limit_is_enforced_while_streaming_a_single_file() {
    // With a 1 MiB archive limit and an 8 MiB per-file limit, a 4 MiB file passes its header
    // check and must be stopped by the streamed byte count.
    let limits = Limits {
        max_archive_bytes: 1 << 20,
        max_file_bytes: 8 << 20,
        max_entries: 10,
    };
    let bytes = archive_of(&[file("big.bin", &vec![0u8; 4 << 20])]);
    let err = refuse(&bytes, &limits);
    assert!(
        matches!(
            err,
            ArchiveError::ArchiveTooLarge {
                what: "decompressed",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn compressed_size_limit() {
    let limits = Limits {
        max_archive_bytes: 64,
        ..Limits::default()
    };
    let bytes = archive_of(&[file(
        "a.txt",
        b"some text that compresses to more than 64 bytes with headers",
    )]);
    let err = refuse(&bytes, &limits);
    assert!(
        matches!(
            err,
            ArchiveError::ArchiveTooLarge {
                what: "compressed",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn hundred_thousand_tiny_entries_refused() {
    let mut stream = Vec::with_capacity(100_000 * 512 + 1024);
    for i in 0..100_000 {
        stream.extend_from_slice(raw_header(format!("f{i}").as_bytes(), b'0', 0).as_bytes());
    }
    stream.extend(std::iter::repeat_n(0u8, 1024));
    let err = refuse(&gzip(&stream), &defaults());
    assert!(
        matches!(err, ArchiveError::TooManyEntries { limit: 10_000 }),
        "{err}"
    );
}

#[test]
fn duplicate_names_refused() {
    let bytes = archive_of(&[file("a.txt", b"one"), file("a.txt", b"two")]);
    let err = refuse(&bytes, &defaults());
    assert!(
        matches!(&err, ArchiveError::Duplicate { entry } if entry == "a.txt"),
        "{err}"
    );

    let bytes = archive_of(&[
        (raw_header(b"d/", b'5', 0), vec![]),
        (raw_header(b"d/", b'5', 0), vec![]),
    ]);
    assert!(matches!(
        refuse(&bytes, &defaults()),
        ArchiveError::Duplicate { .. }
    ));
}

#[test]
fn case_colliding_names_refused() {
    let bytes = archive_of(&[file("README.md", b"one"), file("readme.md", b"two")]);
    let err = refuse(&bytes, &defaults());
    assert!(
        matches!(&err, ArchiveError::CaseCollision { entry, other } if entry == "readme.md" && other == "README.md"),
        "{err}"
    );
    // via a directory component
    let bytes = archive_of(&[
        file("Templates/a.tmpl", b"a"),
        file("templates/b.tmpl", b"b"),
    ]);
    assert!(matches!(
        refuse(&bytes, &defaults()),
        ArchiveError::CaseCollision { .. }
    ));
}

#[test]
fn file_used_as_directory_refused() {
    let bytes = archive_of(&[file("a", b"file"), file("a/b.txt", b"x")]);
    assert!(matches!(
        refuse(&bytes, &defaults()),
        ArchiveError::PathConflict { .. }
    ));
}

#[test]
fn garbage_is_a_clear_error() {
    let err = refuse(b"this is not gzip", &defaults());
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
    let mut bytes = archive_of(&[file("a.txt", b"hello")]);
    let n = bytes.len();
    bytes.truncate(n / 2);
    let err = refuse(&bytes, &defaults());
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
}

// ---------------------------------------------------------------------------------------------
// building

fn write(root: &Path, rel: &str, data: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

fn sample_pack(root: &Path, reverse: bool) {
    let mut files = vec![
        (
            "ggen-pack.toml",
            "[pack]\nid = \"io.test.x\"\nversion = \"1.0.0\"\ndescription = \"x\"\n",
        ),
        ("templates/b.tmpl", "b"),
        ("templates/a.tmpl", "a"),
        ("ontology/x.ttl", "@prefix ex: <http://e/> ."),
    ];
    if reverse {
        files.reverse();
    }
    for (rel, data) in files {
        write(root, rel, data);
    }
}

#[test]
fn same_content_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    sample_pack(a.path(), false);
    std::thread::sleep(std::time::Duration::from_millis(20));
    sample_pack(b.path(), true);
    let x = build_archive(a.path()).unwrap();
    let y = build_archive(a.path()).unwrap();
    let z = build_archive(b.path()).unwrap();
    assert_eq!(x, y, "same directory twice");
    assert_eq!(
        x, z,
        "same content created in another order at another time"
    );
    // a content change changes the bytes
    write(b.path(), "templates/a.tmpl", "A");
    assert_ne!(x, build_archive(b.path()).unwrap());
}

#[test]
fn archive_entries_are_sorted_and_normalised() {
    let a = tempfile::tempdir().unwrap();
    sample_pack(a.path(), true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        write(a.path(), "bin/run.sh", "#!/bin/sh\n");
        std::fs::set_permissions(
            a.path().join("bin/run.sh"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
    }
    let bytes = build_archive(a.path()).unwrap();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut names = Vec::new();
    for e in ar.entries().unwrap() {
        let e = e.unwrap();
        let h = e.header();
        assert_eq!(h.mtime().unwrap(), 0);
        assert_eq!(h.uid().unwrap(), 0);
        assert_eq!(h.gid().unwrap(), 0);
        let mode = h.mode().unwrap();
        let name = String::from_utf8(e.path_bytes().to_vec()).unwrap();
        if h.entry_type().is_dir() || name.ends_with(".sh") {
            assert_eq!(mode, 0o755, "{name}");
        } else {
            assert_eq!(mode, 0o644, "{name}");
        }
        names.push(name);
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.contains(&"templates/a.tmpl".to_owned()));
    // gzip header: mtime 0
    assert_eq!(&bytes[4..8], &[0, 0, 0, 0]);
}

#[cfg(unix)]
#[test]
fn symlink_in_source_is_an_error() {
    let a = tempfile::tempdir().unwrap();
    sample_pack(a.path(), false);
    std::os::unix::fs::symlink("/etc/passwd", a.path().join("templates/evil.tmpl")).unwrap();
    let err = build_archive(a.path()).unwrap_err();
    assert!(
        matches!(err, ArchiveError::SpecialSourceFile { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("evil.tmpl"), "{err}");
}

#[test]
fn case_collision_in_source_is_an_error() {
    let a = tempfile::tempdir().unwrap();
    sample_pack(a.path(), false);
    write(a.path(), "templates/A.tmpl", "upper");
    if a.path().join("templates/a.tmpl").exists()
        && std::fs::read_to_string(a.path().join("templates/a.tmpl")).unwrap() == "upper"
    {
        return; // case-insensitive file system: cannot create the collision
    }
    let err = build_archive(a.path()).unwrap_err();
    assert!(matches!(err, ArchiveError::CaseCollision { .. }), "{err}");
}

#[test]
fn round_trip_extract() {
    let a = tempfile::tempdir().unwrap();
    sample_pack(a.path(), false);
    write(
        a.path(),
        &format!("deep/{}/file.txt", "d".repeat(120)),
        "long path",
    );
    let bytes = build_archive(a.path()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("x/pack");
    let n = extract_archive(bytes.as_slice(), &dest, &Limits::default()).unwrap();
    assert_eq!(n, 5);
    for rel in ["ggen-pack.toml", "templates/a.tmpl", "ontology/x.ttl"] {
        assert_eq!(
            std::fs::read(dest.join(rel)).unwrap(),
            std::fs::read(a.path().join(rel)).unwrap()
        );
    }
    assert_eq!(
        std::fs::read_to_string(dest.join(format!("deep/{}/file.txt", "d".repeat(120)))).unwrap(),
        "long path"
    );
    // nothing else left next to the destination
    let siblings: Vec<_> = std::fs::read_dir(out.path().join("x")).unwrap().collect();
    assert_eq!(siblings.len(), 1);
    // extracting again onto an existing destination is refused
    assert!(matches!(
        extract_archive(bytes.as_slice(), &dest, &Limits::default()),
        Err(ArchiveError::DestinationExists { .. })
    ));
    let files = read_archive(&bytes, &Limits::default()).unwrap();
    assert_eq!(files.len(), 5);
}
