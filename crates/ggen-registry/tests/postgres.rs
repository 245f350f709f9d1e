//! PostgreSQL-specific behaviour: `/readyz` follows the database (unhealthy while it is stopped,
//! healthy again when it returns) while cached index files, search and downloads of cached packs
//! keep being served and everything that needs the database fails cleanly with 503; and two
//! servers sharing one database and one archive directory see each other's publishes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::time::{Duration, Instant};

use common::*;

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn readyz_follows_the_database_and_cached_responses_are_served_meanwhile() {
    let Some(pg) =
        postgres("readyz_follows_the_database_and_cached_responses_are_served_meanwhile")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut c = test_config(&dir.path().join("data"));
    c.database = Some(pg.database("registry"));
    c.pool.acquire_timeout_ms = 1000;
    let s = TestServer::start(c);
    let t = tempfile::tempdir().unwrap();
    let tok = s.token(&["publish:*"]);
    let cached = pack(t.path(), "io.pg.cached", "1.0.0", None);
    let uncached = pack(t.path(), "io.pg.uncached", "1.0.0", None);
    for b in [&cached, &uncached] {
        assert_eq!(publish_raw(&s, Some(&tok), &body(b)).status, 200);
    }
    // fill the cache for one pack only (a publish refreshes the search index, not the cache)
    let idx_url = format!("{}index/io.pg.cached", s.url);
    let idx = get(&idx_url);
    assert_eq!(idx.status, 200);
    assert_eq!(get(&format!("{}readyz", s.url)).status, 200);

    pg.stop();
    let r = get(&format!("{}readyz", s.url));
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(
        r.json(),
        serde_json::json!({"status": "not-ready", "database": "unavailable", "storage": "ok"})
    );
    // served from memory: the cached index file (same body and ETag), its archive, search
    let again = get(&idx_url);
    assert_eq!(again.status, 200);
    assert_eq!(again.body, idx.body);
    assert_eq!(again.header("etag"), idx.header("etag"));
    let etag = idx.header("etag").unwrap();
    assert_eq!(
        request("GET", &idx_url, &[("if-none-match", etag)], None).status,
        304
    );
    assert_eq!(
        get(&format!("{}packs/io.pg.cached/1.0.0.tar.gz", s.url)).body,
        cached.archive
    );
    assert_eq!(get(&format!("{}/search?q=pg", s.api())).json()["total"], 2);
    assert_eq!(get(&format!("{}config.json", s.url)).status, 200);
    assert_eq!(get(&format!("{}healthz", s.url)).status, 200);
    // what needs the database fails cleanly
    get(&format!("{}index/io.pg.uncached", s.url)).assert_error(503, "unavailable");
    let more = pack(t.path(), "io.pg.more", "1.0.0", None);
    let r = publish_raw(&s, Some(&tok), &body(&more));
    r.assert_error(503, "unavailable");
    assert!(!r.text().contains("127.0.0.1"), "{}", r.text());
    assert!(
        !r.text().to_lowercase().contains("connection"),
        "{}",
        r.text()
    );

    pg.restart();
    wait_for("readyz to turn healthy", || {
        get(&format!("{}readyz", s.url)).status == 200
    });
    assert_eq!(get(&format!("{}index/io.pg.uncached", s.url)).status, 200);
    assert_eq!(publish_raw(&s, Some(&tok), &body(&more)).status, 200);
    assert_eq!(get(&format!("{}index/io.pg.more", s.url)).status, 200);
}

#[test]
fn two_servers_on_one_database_see_each_others_changes() {
    let Some(pg) = postgres("two_servers_on_one_database_see_each_others_changes") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = pg.database("shared");
    let shared = dir.path().join("shared-archives");
    let cfg = |name: &str| {
        let mut c = test_config(&dir.path().join(name));
        c.database = Some(url.clone());
        c.storage.url = Some(shared.to_string_lossy().into_owned());
        c
    };
    let a = TestServer::start(cfg("a"));
    let b = TestServer::start(cfg("b"));
    let t = tempfile::tempdir().unwrap();
    let tok = a.token(&["publish:*", "yank:*"]);
    let v1 = pack(t.path(), "io.lb.pack", "1.0.0", None);
    assert_eq!(publish_raw(&a, Some(&tok), &body(&v1)).status, 200);
    // B serves A's publish (its archive from the shared directory) and caches the index
    let idx_b = format!("{}index/io.lb.pack", b.url);
    assert_eq!(get(&idx_b).text(), format!("{}\n", v1.line.to_json()));
    assert_eq!(
        get(&format!("{}packs/io.lb.pack/1.0.0.tar.gz", b.url)).body,
        v1.archive
    );
    // a token created through A works on B (publish through B)
    let v2 = pack(t.path(), "io.lb.pack", "1.1.0", None);
    assert_eq!(publish_raw(&b, Some(&tok), &body(&v2)).status, 200);
    // A had nothing cached; B refreshed itself at once
    assert_eq!(
        get(&format!("{}index/io.lb.pack", a.url))
            .text()
            .lines()
            .count(),
        2
    );
    assert_eq!(get(&idx_b).text().lines().count(), 2);
    // A caches, then B yanks: A's cache and search pick it up through the change poller
    let idx_a = format!("{}index/io.lb.pack", a.url);
    assert!(!get(&idx_a).text().contains("\"yanked\":true"));
    let r = request(
        "DELETE",
        &format!("{}/packs/io.lb.pack/1.1.0/yank", b.api()),
        &[("authorization", &format!("Bearer {tok}"))],
        None,
    );
    assert_eq!(r.status, 200);
    wait_for("server A to see the yank", || {
        get(&idx_a).text().contains("\"yanked\":true")
    });
    wait_for("server A's search to see the yank", || {
        get(&format!("{}/search?q=lb", a.api())).json()["hits"][0]["entry"]["vers"] == "1.0.0"
    });
}
