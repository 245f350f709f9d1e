//! Eight real `ggen marketplace install` processes started at once in one project, each adding a
//! different pack, sharing one cache: every pack ends in ggen.lock and ggen.toml, the cache
//! verifies, and the lockfile is byte-identical to a sequential install's.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod marketplace_support;

use std::process::{Command, Stdio};

use marketplace_support::*;

const N: usize = 8;

fn ids() -> Vec<String> {
    (0..N).map(|i| format!("io.example.pack{i}")).collect()
}

#[test]
fn eight_concurrent_installs_in_one_project_lose_nothing() {
    let s = Setup::new();
    // publish directly with the library (faster than eight publish processes); every other pack
    // depends on the shared base pack, so the processes also race on common entries
    let reg = ggen_pack::registry::DirRegistry::init(&s.registry, "team").unwrap();
    let key = ggen_pack::sign::SecretKey::from_seed(&[7; 32]);
    let publish = |id: &str, deps: &[(&str, &str)]| {
        let src = write_pack(&s.sources, id, "1.0.0", deps);
        let bytes = ggen_pack::archive::build_archive(&src).unwrap();
        reg.publish(&bytes, Some(&key), &Default::default())
            .unwrap();
    };
    publish("io.example.base", &[]);
    for (i, id) in ids().iter().enumerate() {
        if i % 2 == 0 {
            publish(id, &[("io.example.base", "^1")]);
        } else {
            publish(id, &[]);
        }
    }

    let bin = assert_cmd::cargo::cargo_bin("ggen");
    let children: Vec<_> = ids()
        .iter()
        .map(|id| {
            Command::new(&bin)
                .current_dir(&s.project)
                .env("HOME", &s.home)
                .env("GGEN_CONFIG_DIR", s.home.join("config"))
                .env("GGEN_CACHE_DIR", s.home.join("cache"))
                .env("NO_COLOR", "1")
                .env_remove("GGEN_LOG")
                .env_remove("GGEN_CONFIG")
                .args(["marketplace", "install", id, "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // each process printed one JSON document
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["ok"], true);
    }

    let lock = read(&s.project.join("ggen.lock"));
    let manifest = read(&s.project.join("ggen.toml"));
    for id in ids() {
        assert!(
            lock.contains(&format!("id = \"{id}\"")),
            "{id} missing:\n{lock}"
        );
        assert!(
            manifest.contains(&format!("\"{id}\" = \"^1.0.0\"")),
            "{id} missing:\n{manifest}"
        );
    }
    assert_eq!(lock.matches("[[pack]]").count(), N + 1, "{lock}");
    assert!(manifest.starts_with("# my project\n"), "{manifest}");

    // the cache: one archive and one extracted directory per pack, no temporary leftovers,
    // and every locked pack verifies
    let cache = s.home.join("cache");
    let names = |d: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(cache.join(d))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names("archives/sha256").len(),
        N + 1,
        "{:?}",
        names("archives/sha256")
    );
    assert_eq!(names("src").len(), N + 1, "{:?}", names("src"));
    let verify = s.run_json(&s.project, &["marketplace", "verify"]);
    assert_eq!(verify["verified"], true);
    assert_eq!(verify["packs"].as_array().unwrap().len(), N + 1);

    // the same lockfile as installing one after another in reverse order
    let p = s.root.join("sequential");
    write_project(&p);
    for id in ids().iter().rev() {
        s.run_json(&p, &["marketplace", "install", id]);
    }
    assert_eq!(read(&p.join("ggen.lock")), lock);
    // and the project generates with all of them
    let gen_doc = s.run_json(&s.project, &["project", "gen"]);
    assert_eq!(gen_doc["ok"], true);
    for i in 0..N {
        assert!(
            s.project
                .join(format!("generated/pack-out/pack{i}.txt"))
                .exists()
        );
    }
}
