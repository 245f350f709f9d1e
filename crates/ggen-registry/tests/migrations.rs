//! Schema migrations on SQLite and PostgreSQL: from an empty database to the latest schema,
//! from a v1 database holding data (written the way a v1 server wrote it) to v2 with the data
//! still served and the old token still working, `ggen-registry migrate`, and refusal of an
//! applied migration whose recorded checksum no longer matches.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Command;

use common::*;
use ggen_registry::Config;
use ggen_registry::db::Db;
use ggen_registry::storage::Storage;

async fn exec(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
}

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn empty_to_latest(config: &Config) {
    std::fs::create_dir_all(&config.data).unwrap();
    let rt = runtime();
    let db = rt
        .block_on(Db::connect(&config.database_url(), &config.pool))
        .unwrap();
    assert!(rt.block_on(db.applied_migrations()).unwrap().is_empty());
    assert_eq!(rt.block_on(db.migrate()).unwrap(), vec![1, 2]);
    assert_eq!(rt.block_on(db.migrate()).unwrap(), Vec::<i64>::new());
    assert_eq!(rt.block_on(db.applied_migrations()).unwrap(), vec![1, 2]);
    // the v2 objects exist
    rt.block_on(exec(
        &db,
        "SELECT key_id, public_key, name, added_at FROM publisher_keys",
    ))
    .unwrap();
    rt.block_on(exec(&db, "SELECT last_used_at FROM tokens"))
        .unwrap();
    rt.block_on(exec(&db, "SELECT published_by FROM versions"))
        .unwrap();
    assert_eq!(rt.block_on(db.current_seq()).unwrap(), 0);
    rt.block_on(db.close());
}

fn v1_to_v2(config: Config) {
    let rt = runtime();
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(&config.data).unwrap();
    let db = rt
        .block_on(Db::connect(&config.database_url(), &config.pool))
        .unwrap();
    assert_eq!(rt.block_on(db.migrate_to(1)).unwrap(), vec![1]);
    // v1 has no publisher keys, no token usage, no publisher column
    assert!(
        rt.block_on(exec(&db, "SELECT last_used_at FROM tokens"))
            .is_err()
    );
    assert!(
        rt.block_on(exec(&db, "SELECT 1 FROM publisher_keys"))
            .is_err()
    );

    // data as a v1 server stored it: a token, a published version, its archive
    let secret = ggen_registry::auth::new_secret().unwrap();
    rt.block_on(exec(
        &db,
        &format!(
            "INSERT INTO tokens (name, secret_sha256, scopes, created_at) VALUES ('v1', {}, 'publish:io.old yank:io.old', 1700000000)",
            sql_str(&secret.sha256)
        ),
    ))
    .unwrap();
    let old = pack(t.path(), "io.old.pack", "1.0.0", Some(&key(4)));
    rt.block_on(exec(&db, "UPDATE registry_state SET seq = 1 WHERE id = 1"))
        .unwrap();
    rt.block_on(exec(
        &db,
        "INSERT INTO packs (id, created_at, seq) VALUES ('io.old.pack', 1700000000, 1)",
    ))
    .unwrap();
    rt.block_on(exec(
        &db,
        &format!(
            "INSERT INTO versions (pack_id, vers, line, cksum, size, yanked, published_at, seq) VALUES ('io.old.pack', '1.0.0', {}, {}, {}, FALSE, 1700000000, 1)",
            sql_str(&old.line.to_json()),
            sql_str(&old.line.cksum),
            old.archive.len()
        ),
    ))
    .unwrap();
    let storage = Storage::open(&config.storage, &config.data).unwrap();
    rt.block_on(storage.put_archive(&old.line.cksum, old.archive.clone().into()))
        .unwrap();
    rt.block_on(db.close());
    drop(rt);

    // the server applies migration 2 at start and serves the old data
    let s = TestServer::start(config);
    assert_eq!(s.block_on(s.db().applied_migrations()).unwrap(), vec![1, 2]);
    let idx = get(&format!("{}index/io.old.pack", s.url));
    assert_eq!(idx.status, 200);
    assert_eq!(idx.text(), format!("{}\n", old.line.to_json()));
    assert_eq!(
        get(&format!("{}packs/io.old.pack/1.0.0.tar.gz", s.url)).body,
        old.archive
    );
    assert_eq!(
        get(&format!("{}/search?q=old", s.api())).json()["hits"][0]["entry"]["id"],
        "io.old.pack"
    );
    // the v1 token still authenticates; its use and the publisher are now recorded
    let token = ggen_registry::auth::token_text(1, &secret.secret);
    let new = pack(t.path(), "io.old.pack", "1.1.0", None);
    let r = publish_raw(&s, Some(&token), &body(&new));
    assert_eq!(r.status, 200, "{}", r.text());
    let row = s.block_on(s.db().token(1)).unwrap().unwrap();
    assert!(row.last_used_at.is_some());
    let by: Option<i64> = s
        .block_on(async {
            match s.db() {
                Db::Sqlite(p) => {
                    sqlx::query_scalar("SELECT published_by FROM versions WHERE vers = '1.1.0'")
                        .fetch_one(p)
                        .await
                }
                Db::Postgres(p) => {
                    sqlx::query_scalar("SELECT published_by FROM versions WHERE vers = '1.1.0'")
                        .fetch_one(p)
                        .await
                }
            }
        })
        .unwrap();
    assert_eq!(by, Some(1));
    // publisher keys (new in v2) work
    let k = key(4);
    assert!(
        s.block_on(
            s.db()
                .add_key(&k.key_id(), &k.public_key().to_base64_spki(), "")
        )
        .unwrap()
    );
}

#[test]
fn sqlite_from_empty_to_latest() {
    let t = tempfile::tempdir().unwrap();
    empty_to_latest(&test_config(&t.path().join("data")));
}

#[test]
fn sqlite_upgrade_from_v1_keeps_data_and_tokens() {
    let t = tempfile::tempdir().unwrap();
    v1_to_v2(test_config(&t.path().join("data")));
}

#[test]
fn postgres_from_empty_to_latest() {
    let Some(pg) = postgres("postgres_from_empty_to_latest") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let mut c = test_config(&t.path().join("data"));
    c.database = Some(pg.database("fresh"));
    empty_to_latest(&c);
}

#[test]
fn postgres_upgrade_from_v1_keeps_data_and_tokens() {
    let Some(pg) = postgres("postgres_upgrade_from_v1_keeps_data_and_tokens") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let mut c = test_config(&t.path().join("data"));
    c.database = Some(pg.database("old"));
    v1_to_v2(c);
}

#[test]
fn a_changed_applied_migration_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let c = test_config(&t.path().join("data"));
    std::fs::create_dir_all(&c.data).unwrap();
    let rt = runtime();
    let db = rt
        .block_on(Db::connect(&c.database_url(), &c.pool))
        .unwrap();
    rt.block_on(db.migrate()).unwrap();
    rt.block_on(exec(
        &db,
        "UPDATE _sqlx_migrations SET checksum = X'00' WHERE version = 1",
    ))
    .unwrap();
    let e = rt.block_on(db.migrate()).unwrap_err();
    assert!(e.to_string().contains("migration"), "{e}");
    rt.block_on(db.close());
    // and the server refuses to start on it
    let e = rt.block_on(ggen_registry::open(c)).unwrap_err();
    assert!(e.to_string().contains("previously applied"), "{e}");
}

#[test]
fn migrate_command_reports_what_it_applied() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let bin = env!("CARGO_BIN_EXE_ggen-registry");
    let run = || {
        let out = Command::new(bin)
            .args(["migrate", "--data"])
            .arg(&data)
            .env_remove("GGEN_REGISTRY_DATABASE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // from v1 (as an older binary would have left it)
    std::fs::create_dir_all(&data).unwrap();
    let rt = runtime();
    let c = test_config(&data);
    let db = rt
        .block_on(Db::connect(&c.database_url(), &c.pool))
        .unwrap();
    rt.block_on(db.migrate_to(1)).unwrap();
    rt.block_on(db.close());
    assert_eq!(run(), "schema version 2 (1 migration(s) applied now: 2)\n");
    assert_eq!(run(), "schema version 2 (0 migration(s) applied now)\n");
    // from empty
    let other = t.path().join("other");
    let out = Command::new(bin)
        .args(["migrate", "--data"])
        .arg(&other)
        .env_remove("GGEN_REGISTRY_DATABASE")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "schema version 2 (2 migration(s) applied now: 1, 2)\n"
    );
}
