//! The ggen-pack client against the server, on SQLite and on PostgreSQL: publish with a token
//! (`publish_http`), search through the API, install through the sparse index with the
//! `Installer` (checksums and signatures verified by the client), yank/unyank, errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;
use ggen_pack::cache::Cache;
use ggen_pack::install::{InstallOptions, Installer, PackRequest, RegistryHandle};
use ggen_pack::lockfile::Lockfile;
use ggen_pack::registry::{
    HttpOptions, HttpRegistry, Registry, RegistryError, publish_http, yank_http,
};
use ggen_pack::search::{Rank, SearchQuery};
use ggen_pack::sign::TrustedKeys;

fn installer(url: &str, cache: &std::path::Path, project: &std::path::Path) -> Installer {
    let c = Cache::new(cache);
    let reg = HttpRegistry::new(
        url,
        HttpOptions {
            cache_dir: Some(c.index_dir(url)),
            ..http_opts()
        },
    )
    .unwrap();
    let handle = RegistryHandle {
        name: "team".into(),
        registry: Box::new(reg),
        trusted_keys: [key(7).public_key()].into_iter().collect::<TrustedKeys>(),
        require_signatures: true,
    };
    Installer::new(
        vec![handle],
        Cache::new(cache),
        project,
        InstallOptions {
            ggen_version: Some(semver::Version::new(0, 1, 0)),
            ..InstallOptions::default()
        },
    )
}

fn round_trip(s: &TestServer) {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    let token = s.token(&["publish:io.ggen", "yank:io.ggen"]);
    let k = key(7);
    // publish two packs, one depending on the other, signed by the publisher key
    for (id, v, deps) in [
        ("io.ggen.common-types", "1.0.3", vec![]),
        (
            "io.ggen.rust-models",
            "1.2.0",
            vec![("io.ggen.common-types", "^1.0")],
        ),
    ] {
        let b = build(&write_pack(&src, id, v, &deps), Some(&k));
        let resp = publish_http(&s.api(), &token, &b.line, &b.archive, &http_opts()).unwrap();
        assert_eq!(resp.id, id);
        assert_eq!(resp.cksum, b.line.cksum);
    }
    // errors the client maps
    let extra = build(&write_pack(&src, "io.ggen.extra", "0.1.0", &[]), None);
    assert!(matches!(
        publish_http(
            &s.api(),
            "ggr_1_nope",
            &extra.line,
            &extra.archive,
            &http_opts()
        ),
        Err(RegistryError::Unauthorized { .. })
    ));
    let outsider = s.token(&["publish:org.other"]);
    assert!(matches!(
        publish_http(
            &s.api(),
            &outsider,
            &extra.line,
            &extra.archive,
            &http_opts()
        ),
        Err(RegistryError::Forbidden { .. })
    ));
    publish_http(&s.api(), &token, &extra.line, &extra.archive, &http_opts()).unwrap();
    assert!(matches!(
        publish_http(&s.api(), &token, &extra.line, &extra.archive, &http_opts()),
        Err(RegistryError::VersionExists { .. })
    ));

    // search through the server's API (config.json names it)
    let http = HttpRegistry::new(&s.url, http_opts()).unwrap();
    assert_eq!(
        http.config().unwrap().api.as_deref(),
        Some(s.api().as_str())
    );
    let hits = http.search(&SearchQuery::new("rust")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].entry.id.as_str(), "io.ggen.rust-models");
    assert_eq!(hits[0].rank, Rank::Prefix);
    let all = http
        .search(&SearchQuery {
            limit: Some(2),
            offset: 1,
            ..SearchQuery::new("")
        })
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|h| h.entry.id.as_str()).collect();
    assert_eq!(ids, vec!["io.ggen.extra", "io.ggen.rust-models"]);

    // yank through the API: hidden from search, marked in the index
    yank_http(
        &s.api(),
        &token,
        &extra.line.id,
        &extra.line.vers,
        true,
        &http_opts(),
    )
    .unwrap();
    assert!(http.search(&SearchQuery::new("extra")).unwrap().is_empty());
    let idx = http.index(&extra.line.id).unwrap().unwrap();
    assert!(idx[0].yanked);
    assert!(matches!(
        yank_http(
            &s.api(),
            &token,
            &extra.line.id,
            &semver::Version::new(9, 0, 0),
            true,
            &http_opts()
        ),
        Err(RegistryError::UnknownVersion { .. })
    ));

    // install through the sparse index: the client verifies checksums and signatures
    let cache = t.path().join("cache");
    let project = t.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("ggen.toml"), "[project]\nname = \"p\"\n").unwrap();
    let report = installer(&s.url, &cache, &project)
        .install(&[PackRequest::parse("io.ggen.rust-models@^1").unwrap()])
        .unwrap();
    assert_eq!(report.packs.len(), 2);
    let lock = Lockfile::load(&project.join("ggen.lock")).unwrap();
    for id in ["io.ggen.common-types", "io.ggen.rust-models"] {
        let locked = lock.get(id).unwrap();
        let served = get(&format!("{}packs/{id}/{}.tar.gz", s.url, locked.version));
        assert_eq!(
            locked.checksum,
            ggen_core::hash::sha256_checksum(&served.body)
        );
        assert_eq!(locked.signed_by, vec![k.key_id()]);
        assert_eq!(locked.source, format!("registry+{}", s.url));
    }
    let installed = report
        .packs
        .iter()
        .find(|p| p.locked.id.as_str() == "io.ggen.rust-models")
        .unwrap();
    assert!(
        installed
            .dir
            .join("templates/rust-models.rs.tmpl")
            .is_file()
    );

    // a second project with the same cache revalidates the index (ETags) and installs again
    let p2 = t.path().join("p2");
    std::fs::create_dir_all(&p2).unwrap();
    std::fs::write(p2.join("ggen.toml"), "[project]\nname = \"p2\"\n").unwrap();
    installer(&s.url, &cache, &p2)
        .install(&[PackRequest::parse("io.ggen.rust-models").unwrap()])
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(p2.join("ggen.lock")).unwrap(),
        std::fs::read_to_string(project.join("ggen.lock")).unwrap()
    );
    let m = get(&format!("{}metrics", s.url)).text();
    assert!(
        m.contains("route=\"/index/{id}\",status=\"304\"}"),
        "index revalidated with If-None-Match: {m}"
    );
}

#[test]
fn ggen_pack_client_round_trip_on_sqlite() {
    round_trip(&TestServer::sqlite());
}

#[test]
fn ggen_pack_client_round_trip_on_postgres() {
    let Some(pg) = postgres("ggen_pack_client_round_trip_on_postgres") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut c = test_config(&dir.path().join("data"));
    c.database = Some(pg.database("registry"));
    let s = TestServer::start(c);
    assert_eq!(s.db().kind(), "postgres");
    round_trip(&s);
}
