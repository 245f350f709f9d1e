//! Lockfile and search benchmarks (divan). Run with
//! `cargo bench -p ggen-pack --bench packs`; numbers are recorded in docs/benchmarks-packs.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use ggen_pack::PackId;
use ggen_pack::archive::Limits;
use ggen_pack::cache::Cache;
use ggen_pack::lockfile::{LockedPack, Lockfile};
use ggen_pack::search::{SearchEntry, SearchFile, SearchIndex, SearchQuery};
use semver::Version;

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [100, 10_000];

fn pack(i: usize) -> LockedPack {
    let deps = if i > 1 {
        vec![
            (
                PackId::parse(&format!("io.bench.pack-{:05}", i / 2)).unwrap(),
                Version::new(1, (i / 2 % 7) as u64, 0),
            ),
            (
                PackId::parse(&format!("io.bench.pack-{:05}", i - 1)).unwrap(),
                Version::new(1, ((i - 1) % 7) as u64, 0),
            ),
        ]
    } else {
        vec![]
    };
    LockedPack {
        id: PackId::parse(&format!("io.bench.pack-{i:05}")).unwrap(),
        version: Version::new(1, (i % 7) as u64, 0),
        source: "registry+https://packs.example.org/".into(),
        checksum: ggen_core::hash::sha256_checksum(i.to_le_bytes()),
        signed_by: vec!["ed25519:3f2a9c0d11e4b7a5".into()],
        dependencies: deps,
    }
}

fn lockfile(n: usize) -> Lockfile {
    let mut l = Lockfile::new();
    for i in 0..n {
        l.insert(pack(i));
    }
    l
}

#[divan::bench(args = SIZES)]
fn lockfile_lookup(bencher: divan::Bencher, n: usize) {
    let l = lockfile(n);
    let ids: Vec<String> = (0..n)
        .step_by((n / 64).max(1))
        .map(|i| format!("io.bench.pack-{i:05}"))
        .collect();
    let mut k = 0usize;
    bencher.bench_local(|| {
        k = (k + 1) % ids.len();
        divan::black_box(l.get(divan::black_box(&ids[k])).is_some())
    });
}

#[divan::bench(args = SIZES)]
fn lockfile_add(bencher: divan::Bencher, n: usize) {
    let l = lockfile(n);
    let new = pack(n + 1);
    bencher
        .with_inputs(|| (l.clone(), new.clone()))
        .bench_local_values(|(mut l, p)| {
            l.insert(p);
            l
        });
}

#[divan::bench(args = SIZES)]
fn lockfile_serialize(bencher: divan::Bencher, n: usize) {
    let l = lockfile(n);
    bencher.bench_local(|| divan::black_box(l.to_toml()));
}

#[divan::bench(args = SIZES)]
fn lockfile_save(bencher: divan::Bencher, n: usize) {
    let l = lockfile(n);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ggen.lock");
    bencher.bench_local(|| l.save(&path).unwrap());
}

/// For comparison only: serialise and write with `std::fs::write` (no temporary file, no fsync,
/// not atomic) — shows how much of `lockfile_save` is the durability cost.
#[divan::bench(args = SIZES)]
fn lockfile_write_unsynced(bencher: divan::Bencher, n: usize) {
    let l = lockfile(n);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ggen.lock");
    bencher.bench_local(|| std::fs::write(&path, l.to_toml()).unwrap());
}

#[divan::bench(args = SIZES)]
fn lockfile_load(bencher: divan::Bencher, n: usize) {
    let l = lockfile(n);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ggen.lock");
    l.save(&path).unwrap();
    bencher.bench_local(|| divan::black_box(Lockfile::load(&path).unwrap()));
}

/// Parsing only (text already in memory).
#[divan::bench(args = SIZES)]
fn lockfile_parse(bencher: divan::Bencher, n: usize) {
    let text = lockfile(n).to_toml();
    bencher
        .bench_local(|| divan::black_box(Lockfile::parse(&text, Path::new("ggen.lock")).unwrap()));
}

#[divan::bench(args = SIZES)]
fn lockfile_verify_all(bencher: divan::Bencher, n: usize) {
    let l = lockfile(n);
    bencher.bench_local(|| l.check(Path::new("ggen.lock")).unwrap());
}

/// Re-hash the cached archive and extracted files of every locked pack (small packs of three
/// files each), as `ggen marketplace verify` does.
#[divan::bench(args = [100])]
fn cache_verify_all(bencher: divan::Bencher, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path().join("cache"));
    let limits = Limits::default();
    let mut lock = Lockfile::new();
    {
        let w = cache.lock().unwrap();
        for i in 0..n {
            let src = dir.path().join(format!("src{i}"));
            std::fs::create_dir_all(src.join("templates")).unwrap();
            std::fs::write(
                src.join("ggen-pack.toml"),
                format!(
                    "[pack]\nid = \"io.bench.p{i}\"\nversion = \"1.0.0\"\ndescription = \"d\"\n"
                ),
            )
            .unwrap();
            std::fs::write(
                src.join("templates/a.tmpl"),
                format!("---\nto: a{i}.rs\n---\nstruct A{i};\n"),
            )
            .unwrap();
            std::fs::write(
                src.join("templates/b.tmpl"),
                "---\nto: b.rs\n---\nstruct B;\n",
            )
            .unwrap();
            let bytes = ggen_pack::archive::build_archive(&src).unwrap();
            let ck = ggen_core::hash::sha256_checksum(&bytes);
            let id = PackId::parse(&format!("io.bench.p{i}")).unwrap();
            w.store_archive(&bytes, &ck).unwrap();
            w.ensure_source(&id, &Version::new(1, 0, 0), &ck, &bytes, &limits)
                .unwrap();
            lock.insert(LockedPack {
                id,
                version: Version::new(1, 0, 0),
                source: "registry+x".into(),
                checksum: ck,
                signed_by: vec![],
                dependencies: vec![],
            });
        }
    }
    bencher.bench_local(|| {
        for p in lock.iter() {
            assert!(
                cache
                    .check_pack(&p.id, &p.version, &p.checksum, &limits)
                    .unwrap()
                    .is_ok()
            );
        }
    });
}

fn search_entries(n: usize) -> Vec<SearchEntry> {
    const WORDS: [&str; 12] = [
        "rust",
        "typescript",
        "python",
        "sql",
        "models",
        "api",
        "docs",
        "graphql",
        "serde",
        "cli",
        "schema",
        "mermaid",
    ];
    (0..n)
        .map(|i| SearchEntry {
            id: PackId::parse(&format!("io.vendor{}.{}-pack-{i}", i % 97, WORDS[i % 12])).unwrap(),
            vers: Version::new(1, (i % 5) as u64, 0),
            description: format!(
                "Generates {} code and {} from OWL ontologies, pack number {i}",
                WORDS[(i + 3) % 12],
                WORDS[(i + 7) % 12]
            ),
            keywords: vec![WORDS[(i + 1) % 12].into(), WORDS[(i + 5) % 12].into()],
            categories: vec![WORDS[(i + 9) % 12].into()],
            license: Some("MIT".into()),
        })
        .collect()
}

#[divan::bench(args = [10_000])]
fn search_query(bencher: divan::Bencher, n: usize) {
    let idx = SearchIndex::new(search_entries(n));
    let q = SearchQuery {
        limit: Some(20),
        ..SearchQuery::new("rust")
    };
    bencher.bench_local(|| divan::black_box(idx.search(&q)));
}

#[divan::bench(args = [10_000])]
fn search_load_and_query(bencher: divan::Bencher, n: usize) {
    let text = SearchFile::new(search_entries(n)).to_json();
    let q = SearchQuery {
        limit: Some(20),
        ..SearchQuery::new("rust")
    };
    bencher.bench_local(|| {
        let f = SearchFile::parse(&text, Path::new("search.json")).unwrap();
        divan::black_box(SearchIndex::new(f.packs).search(&q))
    });
}

/// What `ggen marketplace search` does: search the `search.json` text directly.
#[divan::bench(args = [10_000])]
fn search_json_text(bencher: divan::Bencher, n: usize) {
    let text = SearchFile::new(search_entries(n)).to_json();
    let q = SearchQuery {
        limit: Some(20),
        ..SearchQuery::new("rust")
    };
    bencher.bench_local(|| {
        divan::black_box(
            ggen_pack::search::search_json(&text, Path::new("search.json"), &q).unwrap(),
        )
    });
}
