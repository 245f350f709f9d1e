//! Concurrency: 50 concurrent publishes of distinct versions and 500 concurrent downloads, on
//! SQLite and on PostgreSQL. Every version is present exactly once in the index, and every
//! download's SHA-256 is checked against its index line. Also: concurrent publishes of the
//! *same* version: exactly one wins, the others get 409, nothing else is stored.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};

use common::*;
use ggen_pack::PackId;
use ggen_pack::index::{IndexLine, parse_index_file};
use ggen_pack::registry::{RegistryError, publish_http};

const PUBLISHES: usize = 50;
const DOWNLOADS: usize = 500;

fn storm(s: &TestServer) {
    let t = tempfile::tempdir().unwrap();
    let token = s.token(&["publish:io.storm"]);
    let k = key(5);
    let built: Vec<Built> = (0..PUBLISHES)
        .map(|n| pack(t.path(), "io.storm.pack", &format!("1.{n}.0"), Some(&k)))
        .collect();
    let built = Arc::new(built);
    let barrier = Arc::new(Barrier::new(PUBLISHES));
    let handles: Vec<_> = (0..PUBLISHES)
        .map(|n| {
            let (built, barrier, api, token) =
                (built.clone(), barrier.clone(), s.api(), token.clone());
            std::thread::spawn(move || {
                let b = &built[n];
                barrier.wait();
                publish_http(&api, &token, &b.line, &b.archive, &http_opts())
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }

    // every version exactly once, each line as published
    let text = get(&format!("{}index/io.storm.pack", s.url)).text();
    let id = PackId::parse("io.storm.pack").unwrap();
    let lines = parse_index_file(&text, std::path::Path::new("index"), &id).unwrap();
    assert_eq!(lines.len(), PUBLISHES);
    let versions: BTreeSet<String> = lines.iter().map(|l| l.vers.to_string()).collect();
    assert_eq!(versions.len(), PUBLISHES);
    for b in built.iter() {
        let l = lines.iter().find(|l| l.vers == b.line.vers).unwrap();
        assert_eq!(l, &b.line);
    }
    assert_eq!(
        get(&format!("{}/packs/io.storm.pack", s.api())).json()["latest"],
        format!("1.{}.0", PUBLISHES - 1)
    );

    // 500 concurrent downloads, each verified against the index
    let lines = Arc::new(lines);
    let barrier = Arc::new(Barrier::new(DOWNLOADS));
    let handles: Vec<_> = (0..DOWNLOADS)
        .map(|n| {
            let (lines, barrier, url) = (lines.clone(), barrier.clone(), s.url.clone());
            std::thread::spawn(move || {
                let l: &IndexLine = &lines[n % lines.len()];
                barrier.wait();
                let r = get(&format!("{url}packs/{}/{}.tar.gz", l.id, l.vers));
                assert_eq!(r.status, 200);
                assert_eq!(ggen_core::hash::sha256_checksum(&r.body), l.cksum);
                ggen_pack::archive::read_archive(&r.body, &Default::default()).unwrap();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let m = get(&format!("{}metrics", s.url)).text();
    assert!(
        m.contains(&format!("ggen_registry_downloads_total {DOWNLOADS}\n")),
        "{m}"
    );
    assert!(
        m.contains(&format!(
            "ggen_registry_publishes_total{{result=\"ok\"}} {PUBLISHES}\n"
        )),
        "{m}"
    );

    // racing publishes of one version with different bytes: one wins, nothing else stays
    let before = s.snapshot();
    let racers: Vec<Built> = (0..8)
        .map(|n| {
            let dir = write_pack(
                &t.path().join(format!("r{n}")),
                "io.storm.race",
                "1.0.0",
                &[],
            );
            std::fs::write(dir.join("who.txt"), format!("racer {n}")).unwrap();
            build(&dir, None)
        })
        .collect();
    let racers = Arc::new(racers);
    let barrier = Arc::new(Barrier::new(racers.len()));
    let handles: Vec<_> = (0..racers.len())
        .map(|n| {
            let (racers, barrier, api, token) =
                (racers.clone(), barrier.clone(), s.api(), token.clone());
            std::thread::spawn(move || {
                let b = &racers[n];
                barrier.wait();
                publish_http(&api, &token, &b.line, &b.archive, &http_opts())
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let winners: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_ok())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter(|r| r.is_err())
            .all(|r| matches!(r, Err(RegistryError::VersionExists { .. }))),
        "{results:?}"
    );
    let winner = &racers[winners[0]];
    let served = get(&format!("{}packs/io.storm.race/1.0.0.tar.gz", s.url));
    assert_eq!(served.body, winner.archive);
    let after = s.snapshot();
    assert_eq!(after.versions.len(), before.versions.len() + 1);
    let new_files: Vec<_> = after
        .files
        .keys()
        .filter(|k| !before.files.contains_key(*k))
        .collect();
    assert_eq!(
        new_files,
        vec![&format!(
            "archives/sha256/{}.tar.gz",
            winner.line.cksum.trim_start_matches("sha256:")
        )],
        "only the winner's archive is kept"
    );
}

#[test]
fn concurrent_publishes_and_downloads_on_sqlite() {
    storm(&TestServer::sqlite());
}

#[test]
fn concurrent_publishes_and_downloads_on_postgres() {
    let Some(pg) = postgres("concurrent_publishes_and_downloads_on_postgres") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut c = test_config(&dir.path().join("data"));
    c.database = Some(pg.database("registry"));
    let s = TestServer::start(c);
    storm(&s);
}
