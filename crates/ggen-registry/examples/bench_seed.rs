//! Seed a running registry server with packs for the load benchmark, then export what a static
//! server needs to serve the same index (for the nginx comparison) and the request lists for
//! `wrk`.
//!
//! ```text
//! cargo run --release -p ggen-registry --example bench_seed -- URL TOKEN PACKS OUTDIR
//! ```
//!
//! Packs are `io.bench<g>.pack-<n>` with keywords from a small vocabulary; every tenth pack has
//! three versions. Publishing goes through `ggen_pack::registry::publish_http` (the same
//! validation as any publish). `OUTDIR` receives `config.json`, `index/<id>` (the bytes the
//! server serves), `index-paths.txt` and `search-paths.txt`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ggen_pack::index::IndexLine;
use ggen_pack::manifest::Manifest;
use ggen_pack::registry::{HttpOptions, publish_http};

const WORDS: [&str; 12] = [
    "rust",
    "serde",
    "sql",
    "api",
    "web",
    "models",
    "graphql",
    "typescript",
    "python",
    "kotlin",
    "docs",
    "tests",
];

fn id_of(n: usize) -> String {
    format!("io.bench{}.pack-{n:05}", n % 20)
}

fn write_pack(dir: &Path, n: usize, version: &str) -> PathBuf {
    let id = id_of(n);
    let d = dir.join(format!("{id}-{version}"));
    std::fs::create_dir_all(d.join("templates")).unwrap();
    let (a, b) = (WORDS[n % WORDS.len()], WORDS[(n / 7) % WORDS.len()]);
    std::fs::write(
        d.join("ggen-pack.toml"),
        format!(
            "[pack]\nid = \"{id}\"\nversion = \"{version}\"\ndescription = \"Benchmark pack {n} generating {a} and {b} code\"\nlicense = \"MIT\"\nkeywords = [\"{a}\", \"{b}\"]\ncategories = [\"bench\"]\nggen = \">=0.1, <2\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("templates/out.txt.tmpl"),
        format!("---\nto: \"out/{n}.txt\"\n---\npack {n} {version}\n"),
    )
    .unwrap();
    d
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, token, packs, out] = args.as_slice() else {
        panic!("usage: bench_seed URL TOKEN PACKS OUTDIR");
    };
    let url = format!("{}/", url.trim_end_matches('/'));
    let api = format!("{url}api/v1");
    let packs: usize = packs.parse().unwrap();
    let out = PathBuf::from(out);
    std::fs::create_dir_all(out.join("index")).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let opts = HttpOptions {
        timeout: Duration::from_secs(60),
        ..HttpOptions::default()
    };
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (next, api, token, opts) = (next.clone(), api.clone(), token.clone(), opts.clone());
            let dir = scratch.path().join(format!("w{w}"));
            std::thread::spawn(move || {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= packs {
                        break;
                    }
                    let versions: &[&str] = if n % 10 == 0 {
                        &["1.0.0", "1.1.0", "2.0.0"]
                    } else {
                        &["1.0.0"]
                    };
                    for v in versions {
                        let src = write_pack(&dir, n, v);
                        let archive = ggen_pack::archive::build_archive(&src).unwrap();
                        let m = Manifest::load_dir(&src).unwrap();
                        let ck = ggen_core::hash::sha256_checksum(&archive);
                        let line = IndexLine::from_manifest(&m, &ck, vec![]);
                        publish_http(&api, &token, &line, &archive, &opts).unwrap();
                        std::fs::remove_dir_all(&src).unwrap();
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    println!(
        "published {packs} packs in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    // export the served index files byte for byte, and the request lists
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let get = |path: &str| -> Vec<u8> {
        agent
            .get(&format!("{url}{path}"))
            .call()
            .unwrap()
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .unwrap()
    };
    std::fs::write(out.join("config.json"), get("config.json")).unwrap();
    let mut index_paths = std::fs::File::create(out.join("index-paths.txt")).unwrap();
    for n in 0..packs {
        let id = id_of(n);
        std::fs::write(out.join("index").join(&id), get(&format!("index/{id}"))).unwrap();
        writeln!(index_paths, "/index/{id}").unwrap();
    }
    let mut search_paths = std::fs::File::create(out.join("search-paths.txt")).unwrap();
    for n in 0..200 {
        let q = match n % 5 {
            0 => WORDS[n % WORDS.len()].to_owned(),
            1 => id_of(n * 37 % packs),
            2 => format!("pack-{:03}", n % 100),
            3 => format!("bench{} {}", n % 20, WORDS[n % WORDS.len()]),
            _ => format!("{} code", WORDS[(n / 3) % WORDS.len()]),
        };
        writeln!(
            search_paths,
            "/api/v1/search?q={}&limit=20",
            q.replace(' ', "+")
        )
        .unwrap();
    }
    println!("exported {packs} index files to {}", out.display());
}
