//! The HTTP API on SQLite: sparse index with ETags and cache headers, archives, ranked search
//! with pagination (the client's ranking), pack metadata, yank/unyank, health, readiness,
//! metrics, JSON errors for unknown routes and methods.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;
use ggen_pack::index::{IndexLine, parse_index_file};
use ggen_pack::search::{SearchEntry, SearchIndex, SearchQuery};

fn publish_ok(s: &TestServer, token: &str, b: &Built) {
    let r = publish_raw(s, Some(token), &body(b));
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(j["id"], b.line.id.as_str());
    assert_eq!(j["vers"], b.line.vers.to_string());
    assert_eq!(j["cksum"], b.line.cksum.as_str());
}

#[test]
fn sparse_index_and_archives_with_etags_and_cache_headers() {
    let s = TestServer::sqlite();
    let t = tempfile::tempdir().unwrap();
    let tok = s.token(&["publish:io.acme"]);
    let v1 = pack(t.path(), "io.acme.models", "1.0.0", Some(&key(7)));
    let v2 = pack(t.path(), "io.acme.models", "1.1.0", None);
    publish_ok(&s, &tok, &v1);
    publish_ok(&s, &tok, &v2);

    // config.json names this server's API
    let c = get(&format!("{}config.json", s.url));
    assert_eq!(c.status, 200);
    let cj = c.json();
    assert_eq!(cj["dl"], "packs/{id}/{version}.tar.gz");
    assert_eq!(cj["api"], s.api());
    assert!(c.header("etag").unwrap().starts_with('"'));
    assert_eq!(c.header("cache-control"), Some("public, no-cache"));

    // index/<id>: one line per version in publication order, exactly the published lines
    let idx = get(&format!("{}index/io.acme.models", s.url));
    assert_eq!(idx.status, 200, "{}", idx.text());
    let id = ggen_pack::PackId::parse("io.acme.models").unwrap();
    let lines = parse_index_file(&idx.text(), std::path::Path::new("index"), &id).unwrap();
    assert_eq!(lines, vec![v1.line.clone(), v2.line.clone()]);
    assert_eq!(
        idx.text(),
        format!("{}\n{}\n", v1.line.to_json(), v2.line.to_json())
    );
    let etag = idx.header("etag").unwrap().to_owned();
    assert_eq!(idx.header("cache-control"), Some("public, no-cache"));
    // revalidation
    let again = request(
        "GET",
        &format!("{}index/io.acme.models", s.url),
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = request(
        "GET",
        &format!("{}index/io.acme.models", s.url),
        &[("if-none-match", "\"something-else\"")],
        None,
    );
    assert_eq!(other.status, 200);
    // HEAD works without a body
    let head = request("HEAD", &format!("{}index/io.acme.models", s.url), &[], None);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    // archives: the exact bytes, immutable caching, the checksum as ETag
    let a = get(&format!("{}packs/io.acme.models/1.0.0.tar.gz", s.url));
    assert_eq!(a.status, 200);
    assert_eq!(a.body, v1.archive);
    assert_eq!(ggen_core::hash::sha256_checksum(&a.body), v1.line.cksum);
    assert_eq!(a.header("content-type"), Some("application/gzip"));
    assert_eq!(
        a.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let aetag = a.header("etag").unwrap().to_owned();
    assert_eq!(
        aetag,
        format!("\"{}\"", v1.line.cksum.trim_start_matches("sha256:"))
    );
    let a304 = request(
        "GET",
        &format!("{}packs/io.acme.models/1.0.0.tar.gz", s.url),
        &[("if-none-match", &aetag)],
        None,
    );
    assert_eq!(a304.status, 304);

    // unknown things are JSON 404s
    get(&format!("{}index/io.acme.nothing", s.url)).assert_error(404, "unknown-pack");
    get(&format!("{}index/..%2F..%2Fetc%2Fpasswd", s.url)).assert_error(404, "unknown-pack");
    get(&format!("{}index/Not.An.Id", s.url)).assert_error(404, "unknown-pack");
    get(&format!("{}packs/io.acme.models/9.9.9.tar.gz", s.url))
        .assert_error(404, "unknown-version");
    get(&format!("{}packs/io.acme.models/1.0.0.zip", s.url)).assert_error(404, "unknown-version");
    get(&format!("{}packs/io.acme.nothing/1.0.0.tar.gz", s.url)).assert_error(404, "unknown-pack");

    // search.json: the latest version of each pack
    let sj = get(&format!("{}search.json", s.url));
    assert_eq!(sj.status, 200);
    let f = ggen_pack::search::SearchFile::parse(&sj.text(), std::path::Path::new("s")).unwrap();
    assert_eq!(f.packs.len(), 1);
    assert_eq!(f.packs[0].vers.to_string(), "1.1.0");
    let etag = sj.header("etag").unwrap().to_owned();
    let sj2 = request(
        "GET",
        &format!("{}search.json", s.url),
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(sj2.status, 304);
}

#[test]
fn search_ranks_and_pages_exactly_like_the_client() {
    let s = TestServer::sqlite();
    let t = tempfile::tempdir().unwrap();
    let tok = s.token(&["publish:*"]);
    let ids = [
        "io.c.rust",
        "io.a.rusty",
        "io.b.rust-models",
        "rust.c.other",
        "io.d.trust-me",
        "io.x.tools",
        "io.z.describes",
        "io.q.sql-ddl",
        "org.example.web-api",
        "org.example.web-ui",
    ];
    let mut entries = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let b = pack(t.path(), id, &format!("1.{n}.0"), None);
        publish_ok(&s, &tok, &b);
        entries.push(SearchEntry::from_lines(&[b.line]).unwrap());
    }
    // plus 25 packs for paging
    for n in 0..25 {
        let b = pack(t.path(), &format!("com.bulk.pack{n:02}"), "0.1.0", None);
        publish_ok(&s, &tok, &b);
        entries.push(SearchEntry::from_lines(&[b.line]).unwrap());
    }
    let local = SearchIndex::new(entries);
    type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, usize, usize);
    let cases: Vec<Case> = vec![
        ("rust", None, None, 20, 0),
        ("rust", None, None, 3, 2),
        ("Rust models", None, None, 20, 0),
        ("", None, None, 20, 0),
        ("", None, None, 20, 20),
        ("pack", None, None, 7, 14),
        ("", Some("MODELS"), None, 50, 0),
        ("", None, Some("rust"), 50, 0),
        ("web", None, None, 20, 0),
        ("nothing-like-this", None, None, 20, 0),
    ];
    for (q, cat, kw, limit, offset) in cases {
        let mut url = format!(
            "{}/search?q={}&limit={limit}&offset={offset}",
            s.api(),
            q.replace(' ', "+")
        );
        if let Some(c) = cat {
            url.push_str(&format!("&category={c}"));
        }
        if let Some(k) = kw {
            url.push_str(&format!("&keyword={k}"));
        }
        let r = get(&url);
        assert_eq!(r.status, 200, "{url}: {}", r.text());
        let j = r.json();
        let query = SearchQuery {
            text: q.to_owned(),
            category: cat.map(str::to_owned),
            keyword: kw.map(str::to_owned),
            limit: Some(limit),
            offset,
        };
        let (want, total) = local.search_with_total(&query);
        let want_json = serde_json::to_value(&want).unwrap();
        assert_eq!(j["hits"], want_json, "{url}");
        assert_eq!(j["total"], total, "{url}");
        assert_eq!(j["offset"], offset);
        assert_eq!(j["limit"], limit);
        // the client's response type parses it
        let parsed: ggen_pack::registry::wire::SearchResponse =
            serde_json::from_slice(&r.body).unwrap();
        assert_eq!(parsed.hits, want);
    }
    // default page size 20, at most 100
    let r = get(&format!("{}/search", s.api())).json();
    assert_eq!(r["hits"].as_array().unwrap().len(), 20);
    assert_eq!(r["total"], 35);
    let r = get(&format!("{}/search?limit=1000", s.api())).json();
    assert_eq!(r["limit"], 100);
    get(&format!("{}/search?limit=many", s.api())).assert_error(400, "invalid-query");
    get(&format!("{}/search?q={}", s.api(), "x".repeat(300))).assert_error(400, "query-too-long");
}

#[test]
fn pack_metadata_yank_and_unyank() {
    let s = TestServer::sqlite();
    let t = tempfile::tempdir().unwrap();
    let tok = s.token(&["publish:io.acme", "yank:io.acme"]);
    let k = key(3);
    let v1 = pack(t.path(), "io.acme.models", "1.0.0", Some(&k));
    let v2 = pack(t.path(), "io.acme.models", "1.1.0", Some(&k));
    let pre = pack(t.path(), "io.acme.models", "2.0.0-beta.1", None);
    for b in [&v1, &v2, &pre] {
        publish_ok(&s, &tok, b);
    }
    let meta = get(&format!("{}/packs/io.acme.models", s.api()));
    assert_eq!(meta.status, 200);
    let m = meta.json();
    assert_eq!(m["latest"], "1.1.0");
    assert_eq!(m["description"], "Test pack models");
    let vers: Vec<&str> = m["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["vers"].as_str().unwrap())
        .collect();
    assert_eq!(vers, vec!["2.0.0-beta.1", "1.1.0", "1.0.0"]);
    let first = &m["versions"][2];
    assert_eq!(first["cksum"], v1.line.cksum.as_str());
    assert_eq!(first["size"], v1.archive.len());
    assert_eq!(first["signatures"][0]["key"], k.key_id().as_str());
    assert_eq!(first["download"], "/packs/io.acme.models/1.0.0.tar.gz");
    assert_eq!(first["yanked"], false);
    get(&format!("{}/packs/io.acme.nope", s.api())).assert_error(404, "unknown-pack");

    let idx_url = format!("{}index/io.acme.models", s.url);
    let etag_before = get(&idx_url).header("etag").unwrap().to_owned();
    let yank_url = format!("{}/packs/io.acme.models/1.1.0/yank", s.api());
    let auth = format!("Bearer {tok}");
    let r = request("DELETE", &yank_url, &[("authorization", &auth)], None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), serde_json::json!({}));
    // the index line is rewritten, nothing else; the ETag changes
    let idx = get(&idx_url);
    assert_ne!(idx.header("etag").unwrap(), etag_before);
    let lines: Vec<IndexLine> = idx
        .text()
        .lines()
        .map(|l| IndexLine::parse(l, ggen_core::Location::file("x")).unwrap())
        .collect();
    assert_eq!(
        lines.iter().map(|l| l.yanked).collect::<Vec<_>>(),
        vec![false, true, false]
    );
    let mut expected = v2.line.clone();
    expected.yanked = true;
    assert_eq!(lines[1], expected);
    // search shows the newest non-yanked release; metadata marks the version
    let hits = get(&format!("{}/search?q=models", s.api())).json();
    assert_eq!(hits["hits"][0]["entry"]["vers"], "1.0.0");
    let m = get(&format!("{}/packs/io.acme.models", s.api())).json();
    assert_eq!(m["latest"], "1.0.0");
    assert_eq!(m["versions"][1]["yanked"], true);
    // yanked archives stay downloadable (lockfiles pin them)
    assert_eq!(
        get(&format!("{}packs/io.acme.models/1.1.0.tar.gz", s.url)).body,
        v2.archive
    );
    // unyank
    let r = request("PUT", &yank_url, &[("authorization", &auth)], None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(get(&idx_url).header("etag").unwrap(), etag_before);
    let hits = get(&format!("{}/search?q=models", s.api())).json();
    assert_eq!(hits["hits"][0]["entry"]["vers"], "1.1.0");
    // unknown version, invalid version
    request(
        "DELETE",
        &format!("{}/packs/io.acme.models/3.0.0/yank", s.api()),
        &[("authorization", &auth)],
        None,
    )
    .assert_error(404, "unknown-version");
    request(
        "DELETE",
        &format!("{}/packs/io.acme.models/latest/yank", s.api()),
        &[("authorization", &auth)],
        None,
    )
    .assert_error(400, "invalid-version");

    // yanking every version hides the pack from search but keeps its index
    for v in ["1.0.0", "1.1.0", "2.0.0-beta.1"] {
        let r = request(
            "DELETE",
            &format!("{}/packs/io.acme.models/{v}/yank", s.api()),
            &[("authorization", &auth)],
            None,
        );
        assert_eq!(r.status, 200);
    }
    assert_eq!(
        get(&format!("{}/search", s.api())).json()["total"],
        0,
        "all yanked"
    );
    assert_eq!(get(&idx_url).status, 200);
    assert_eq!(
        get(&format!("{}/packs/io.acme.models", s.api())).json()["latest"],
        serde_json::Value::Null
    );
}

#[test]
fn health_readiness_and_metrics() {
    let s = TestServer::sqlite();
    let t = tempfile::tempdir().unwrap();
    let h = get(&format!("{}healthz", s.url));
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["status"], "ok");
    let r = get(&format!("{}readyz", s.url));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        serde_json::json!({"status": "ready", "database": "ok", "storage": "ok"})
    );
    assert!(r.header("x-request-id").is_some());

    let tok = s.token(&["publish:*"]);
    let b = pack(t.path(), "io.m.one", "1.0.0", None);
    publish_ok(&s, &tok, &b);
    publish_raw(&s, Some(&tok), &body(&b)).assert_error(409, "version-exists");
    get(&format!("{}index/io.m.one", s.url));
    get(&format!("{}packs/io.m.one/1.0.0.tar.gz", s.url));
    get(&format!("{}nowhere", s.url));
    let m = get(&format!("{}metrics", s.url));
    assert_eq!(m.status, 200);
    assert!(
        m.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = m.text();
    for want in [
        "ggen_registry_http_requests_total{method=\"GET\",route=\"/index/{id}\",status=\"200\"} 1\n",
        "ggen_registry_http_requests_total{method=\"PUT\",route=\"/api/v1/packs\",status=\"200\"} 1\n",
        "ggen_registry_http_requests_total{method=\"PUT\",route=\"/api/v1/packs\",status=\"409\"} 1\n",
        "ggen_registry_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n",
        "ggen_registry_http_request_duration_seconds_count{method=\"GET\",route=\"/index/{id}\"} 1\n",
        "ggen_registry_http_request_duration_seconds_bucket{method=\"GET\",route=\"/index/{id}\",le=\"+Inf\"} 1\n",
        "ggen_registry_publishes_total{result=\"ok\"} 1\n",
        "ggen_registry_publishes_total{result=\"rejected\"} 1\n",
        "ggen_registry_downloads_total 1\n",
        "ggen_registry_packs 1\n",
        "# TYPE ggen_registry_http_request_duration_seconds histogram\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // every line is a comment or `name{labels} value`
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (_, value) = line.rsplit_once(' ').unwrap();
        value.parse::<f64>().unwrap_or_else(|_| panic!("{line}"));
    }
}

#[test]
fn unknown_routes_methods_and_parameters_are_json_errors() {
    let s = TestServer::sqlite();
    get(&format!("{}no/such/route", s.url)).assert_error(404, "not-found");
    let r = request("POST", &format!("{}healthz", s.url), &[], Some(b"x"));
    r.assert_error(405, "method-not-allowed");
    request("DELETE", &format!("{}/tokens/abc", s.api()), &[], None)
        .assert_error(400, "invalid-path");
    // the page and its script
    let page = get(&s.url);
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'")
    );
    assert!(page.text().contains("<script src=\"/ui.js\"></script>"));
    let js = get(&format!("{}ui.js", s.url));
    assert_eq!(js.status, 200);
    assert!(
        !js.text().contains("innerHTML"),
        "the page inserts text only"
    );
}
