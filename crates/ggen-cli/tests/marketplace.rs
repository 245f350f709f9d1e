//! `ggen marketplace` end to end with real processes: publish → search → install → project gen
//! against a directory registry and an HTTP registry on 127.0.0.1; the receipt and ggen.lock
//! name the packs with the registry's checksum; determinism; bad input with file and line;
//! unknown packs with suggestions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod marketplace_support;

use std::path::Path;

use common::json;
use marketplace_support::*;

#[test]
fn round_trip_publish_search_install_generate_with_a_directory_registry() {
    let s = Setup::new();
    // publish: lint-clean templates, signed with the configured key
    let published = s.publish("io.example.models", "1.0.0", &[]);
    assert_eq!(published["published"], true);
    let archive = s.registry.join("packs/io.example.models/1.0.0.tar.gz");
    let cksum = checksum_of(&archive);
    assert_eq!(published["checksum"], cksum.as_str());
    let key_id = ggen_pack::sign::SecretKey::from_seed(&[7; 32]).key_id();
    assert_eq!(published["signed_by"][0], key_id.as_str());
    // versions are immutable
    let again = s
        .ggen(&s.root)
        .args(["marketplace", "publish"])
        .arg(s.sources.join("io.example.models-1.0.0"))
        .args(["--registry", "team", "--json"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(json(&again)["error"]["code"], "version-exists");

    // search finds it (the configured registry replaces the built-in one)
    let found = s.run_json(&s.root, &["marketplace", "search", "models"]);
    let packs = found["packs"].as_array().unwrap();
    assert_eq!(packs.len(), 1, "{found:#}");
    assert_eq!(packs[0]["id"], "io.example.models");
    assert_eq!(packs[0]["version"], "1.0.0");
    assert_eq!(packs[0]["registry"], "team");

    // info shows the checksum and the verified signature
    let info = s.run_json(&s.root, &["marketplace", "info", "io.example.models"]);
    assert_eq!(info["checksum"], cksum.as_str());
    assert_eq!(info["signature_status"], "verified");
    assert_eq!(info["files"]["partials"][0], "templates/_models_fmt.tmpl");

    // a project template that imports the pack's partial
    std::fs::write(
        s.project.join("templates/own.md.tmpl"),
        "---\nto: own.md\n---\n{% import \"_models_fmt.tmpl\" as fmt %}\n{{ fmt.item(\"own\") }}\n",
    )
    .unwrap();
    // install in the project
    let installed = s.run_json(&s.project, &["marketplace", "install", "io.example.models"]);
    assert_eq!(installed["changes"][0]["action"], "add");
    assert_eq!(installed["packs"][0]["checksum"], cksum.as_str());
    let manifest = read(&s.project.join("ggen.toml"));
    assert!(
        manifest.starts_with("# my project\n"),
        "comments kept: {manifest}"
    );
    assert!(
        manifest.contains("[packs]\n\"io.example.models\" = \"^1.0.0\"\n"),
        "{manifest}"
    );
    let lock = read(&s.project.join("ggen.lock"));
    assert!(lock.contains(&format!("checksum = \"{cksum}\"")), "{lock}");
    assert!(
        lock.contains(&format!("source = \"registry+{}\"", s.registry.display())),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("signed-by = [\"{key_id}\"]")),
        "{lock}"
    );

    // generation uses the pack's template (with the project's `greeting` over the pack's
    // default and the pack's default `out_dir`), its ontology and its partial
    let gen_doc = s.run_json(&s.project, &["project", "gen"]);
    assert_eq!(gen_doc["ok"], true);
    let out = read(&s.project.join("generated/pack-out/models.txt"));
    assert!(out.contains("hi from io.example.models 1.0.0"), "{out}");
    assert!(out.contains("- Customer"), "project ontology: {out}");
    assert!(out.contains("- ModelsFromPack"), "pack ontology: {out}");
    assert_eq!(read(&s.project.join("generated/own.md")).trim(), "- own");
    // the receipt names the pack with the checksum
    let receipt: serde_json::Value =
        serde_json::from_str(&read(&s.project.join(".ggen/receipt.json"))).unwrap();
    assert_eq!(
        receipt["packs"],
        serde_json::json!([{"id": "io.example.models", "version": "1.0.0", "checksum": cksum}])
    );
    let outputs: Vec<&str> = receipt["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["template"].as_str().unwrap())
        .collect();
    assert!(
        outputs.contains(&"io.example.models/templates/models.txt.tmpl"),
        "{outputs:?}"
    );
    // second run: nothing changed
    let again = s.run_json(&s.project, &["project", "gen"]);
    assert_eq!(again["fast_path"], true, "{again:#}");

    // a new version: update shows old -> new, generation follows the lockfile
    s.publish("io.example.models", "1.1.0", &[]);
    let dry = s.run_json(&s.project, &["marketplace", "update", "--dry-run"]);
    assert_eq!(dry["changes"][0]["from"], "1.0.0");
    assert_eq!(dry["changes"][0]["version"], "1.1.0");
    assert_eq!(
        read(&s.project.join("ggen.lock")),
        lock,
        "dry run writes nothing"
    );
    s.run_json(&s.project, &["marketplace", "update"]);
    s.run_json(&s.project, &["project", "gen"]);
    let out = read(&s.project.join("generated/pack-out/models.txt"));
    assert!(out.contains("hi from io.example.models 1.1.0"), "{out}");
    let list = s.run_json(&s.project, &["marketplace", "list"]);
    assert_eq!(list["packs"][0]["version"], "1.1.0");
    assert_eq!(list["packs"][0]["verified"], true);
}

#[test]
fn round_trip_against_an_http_registry_on_localhost() {
    let s = Setup::new();
    // the registry directory served over HTTP with the publish API
    ggen_pack::registry::DirRegistry::init(&s.registry, "http").unwrap();
    let server = Server::start(s.registry.clone(), "s3cret");
    std::fs::write(
        s.registry.join("config.json"),
        format!(
            "{{\"dl\": \"packs/{{id}}/{{version}}.tar.gz\", \"api\": \"{}\", \"name\": \"http\"}}\n",
            server.api()
        ),
    )
    .unwrap();
    let key = ggen_pack::sign::SecretKey::from_seed(&[7; 32]);
    write_config(
        &s.home,
        &format!(
            "{}token_env = \"TEAM_TOKEN\"\n\n[publish]\nkey = \"{}\"\n",
            registry_toml("web", &server.url(), &[&key], true),
            s.home.join("publisher.key").display()
        ),
    );
    let src = write_pack(&s.sources, "io.example.models", "1.0.0", &[]);

    // publish through PUT /api/v1/packs: refused without the token, accepted with it
    let no_token = s
        .ggen(&s.root)
        .args(["marketplace", "publish"])
        .arg(&src)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    assert_eq!(json(&no_token)["error"]["code"], "no-token");
    let out = s
        .ggen(&s.root)
        .env("TEAM_TOKEN", "s3cret")
        .args(["marketplace", "publish"])
        .arg(&src)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cksum = json(&out)["checksum"].as_str().unwrap().to_owned();
    assert_eq!(
        checksum_of(&s.registry.join("packs/io.example.models/1.0.0.tar.gz")),
        cksum
    );

    // search through the API, install over HTTP, generate
    let found = s.run_json(&s.root, &["marketplace", "search", "example"]);
    assert_eq!(found["packs"][0]["id"], "io.example.models");
    s.run_json(&s.project, &["marketplace", "install", "io.example.models"]);
    let lock = read(&s.project.join("ggen.lock"));
    assert!(lock.contains(&format!("checksum = \"{cksum}\"")), "{lock}");
    assert!(
        lock.contains(&format!("source = \"registry+{}\"", server.url())),
        "{lock}"
    );
    s.run_json(&s.project, &["project", "gen"]);
    let out = read(&s.project.join("generated/pack-out/models.txt"));
    assert!(out.contains("hi from io.example.models 1.0.0"), "{out}");
    let receipt: serde_json::Value =
        serde_json::from_str(&read(&s.project.join(".ggen/receipt.json"))).unwrap();
    assert_eq!(receipt["packs"][0]["checksum"], cksum.as_str());
    let requests = server.requests();
    let hit = |m: &str, p: &str| requests.iter().any(|r| r.method == m && r.path == p);
    assert!(hit("PUT", "/api/v1/packs"), "{requests:?}");
    assert!(hit("GET", "/api/v1/search"), "{requests:?}");
    assert!(hit("GET", "/index/io.example.models"), "{requests:?}");
    assert!(
        hit("GET", "/packs/io.example.models/1.0.0.tar.gz"),
        "{requests:?}"
    );

    // offline afterwards: the archive and index come from the cache
    server.clear_log();
    std::fs::remove_dir_all(s.project.join("generated")).unwrap();
    std::fs::remove_dir_all(s.project.join(".ggen")).unwrap();
    s.run_json(&s.project, &["project", "gen", "--frozen"]);
    assert!(server.requests().is_empty(), "{:?}", server.requests());

    // yank through the API: search hides it, the lockfile keeps working
    let out = s
        .ggen(&s.root)
        .env("TEAM_TOKEN", "s3cret")
        .args(["marketplace", "yank", "io.example.models@1.0.0", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = s.run_json(&s.root, &["marketplace", "search", "example"]);
    assert!(found["packs"].as_array().unwrap().is_empty(), "{found:#}");
    s.run_json(&s.project, &["marketplace", "install"]);
}

#[test]
fn the_lockfile_is_the_same_whatever_the_install_order() {
    let s = Setup::new();
    s.publish("io.example.base", "1.0.0", &[]);
    s.publish("io.example.alpha", "1.0.0", &[("io.example.base", "^1.0")]);
    s.publish("io.example.beta", "2.0.0", &[]);
    let orders: [&[&str]; 3] = [
        &["io.example.alpha", "io.example.beta"],
        &["io.example.beta", "io.example.alpha"],
        &["io.example.beta", "io.example.base", "io.example.alpha"],
    ];
    let mut locks = Vec::new();
    for (i, order) in orders.iter().enumerate() {
        let p = s.root.join(format!("p{i}"));
        write_project(&p);
        for id in *order {
            s.run_json(&p, &["marketplace", "install", id]);
        }
        let lock = read(&p.join("ggen.lock"));
        if i == 2 {
            // base was asked for explicitly here, so ggen.toml differs, but not the lockfile
            assert!(read(&p.join("ggen.toml")).contains("io.example.base"));
        }
        locks.push(lock);
    }
    // and all at once
    let p = s.root.join("all");
    write_project(&p);
    s.run_json(
        &p,
        &["marketplace", "add", "io.example.beta", "io.example.alpha"],
    );
    locks.push(read(&p.join("ggen.lock")));
    for l in &locks[1..] {
        assert_eq!(l, &locks[0]);
    }
    assert!(
        locks[0].contains("dependencies = [\"io.example.base 1.0.0\"]"),
        "{}",
        locks[0]
    );
    // publishing the same directory again gives the same bytes
    let a = ggen_pack::archive::build_archive(&s.sources.join("io.example.beta-2.0.0")).unwrap();
    assert_eq!(
        ggen_core::hash::sha256_checksum(&a),
        checksum_of(&s.registry.join("packs/io.example.beta/2.0.0.tar.gz"))
    );
}

#[test]
fn unknown_packs_and_versions_suggest_close_matches() {
    let s = Setup::new();
    s.publish("io.example.models", "1.0.0", &[]);
    for args in [
        vec!["marketplace", "install", "io.example.model"],
        vec!["marketplace", "info", "io.example.modles"],
    ] {
        let out = s.ggen(&s.project).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unknown pack `") && err.contains("did you mean `io.example.models`?"),
            "{args:?}: {err}"
        );
    }
    let out = s
        .ggen(&s.project)
        .args(["marketplace", "install", "io.example.models@^2", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "no-matching-version");
    let msg = doc["error"]["message"].as_str().unwrap();
    assert!(msg.contains("available: 1.0.0"), "{msg}");
    let out = s
        .ggen(&s.project)
        .args(["marketplace", "info", "io.example.models@9.9.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("available: 1.0.0"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // nothing was written by the refusals
    assert!(!s.project.join("ggen.lock").exists());
}

/// Runs `args` expecting exit 2 and an error naming `file:line`.
fn expect_located_error(s: &Setup, dir: &Path, args: &[&str], file: &Path, line: u64) {
    let out = s.ggen(dir).args(args).arg("--json").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(
        Path::new(doc["error"]["file"].as_str().unwrap_or_default()),
        file,
        "{args:?}: {doc:#}"
    );
    assert_eq!(doc["error"]["line"], line, "{args:?}: {doc:#}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:{line}", file.display())),
        "{args:?}: {stderr}"
    );
}

#[test]
fn malformed_inputs_are_errors_naming_file_and_line() {
    let s = Setup::new();
    s.publish("io.example.models", "1.0.0", &[]);

    // a pack manifest
    let bad = s.sources.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("ggen-pack.toml"),
        "[pack]\nid = \"io.example.bad\"\nversion = \"one\"\ndescription = \"x\"\n",
    )
    .unwrap();
    expect_located_error(
        &s,
        &s.root,
        &[
            "marketplace",
            "publish",
            bad.to_str().unwrap(),
            "--registry",
            "team",
        ],
        &bad.join("ggen-pack.toml"),
        3,
    );

    // an index line
    let index = s.registry.join("index/io.example.models");
    let good_index = read(&index);
    std::fs::write(
        &index,
        format!("{good_index}{{\"id\": \"io.example.models\", \"vers\": \n"),
    )
    .unwrap();
    expect_located_error(
        &s,
        &s.project,
        &["marketplace", "install", "io.example.models"],
        &index,
        2,
    );
    std::fs::write(&index, &good_index).unwrap();

    // the lockfile
    s.run_json(&s.project, &["marketplace", "install", "io.example.models"]);
    let lock = s.project.join("ggen.lock");
    let text = read(&lock).replace("version = \"1.0.0\"", "version = \"1.0\"");
    std::fs::write(&lock, &text).unwrap();
    let line = text.lines().position(|l| l == "version = \"1.0\"").unwrap() as u64 + 1;
    for args in [
        &["marketplace", "list"][..],
        &["marketplace", "install"],
        &["project", "gen"],
    ] {
        expect_located_error(&s, &s.project, args, &lock, line);
    }

    // ggen.toml [packs]
    std::fs::write(
        s.project.join("ggen.lock"),
        "# This file is generated by ggen. Do not edit.\nversion = 1\n",
    )
    .unwrap();
    let manifest = s.project.join("ggen.toml");
    let text = read(&manifest).replace("\"^1.0.0\"", "\"^^1\"");
    std::fs::write(&manifest, &text).unwrap();
    let line = text.lines().position(|l| l.contains("^^1")).unwrap() as u64 + 1;
    expect_located_error(&s, &s.project, &["marketplace", "install"], &manifest, line);

    // the configuration file
    let config = s.home.join("config/config.toml");
    let text = format!(
        "{}[[registry]]\nname = \"x\"\nindexx = \"/tmp\"\n",
        read(&config)
    );
    std::fs::write(&config, &text).unwrap();
    let line = text.lines().position(|l| l.starts_with("indexx")).unwrap() as u64 + 1;
    expect_located_error(&s, &s.root, &["marketplace", "search", "x"], &config, line);
}

#[test]
fn publish_refuses_templates_that_do_not_lint_and_unsigned_packs_without_consent() {
    let s = Setup::new();
    let src = write_pack(&s.sources, "io.example.models", "1.0.0", &[]);
    std::fs::write(
        src.join("templates/broken.txt.tmpl"),
        "---\nto: broken.txt\n---\n{{ undefined_thing }}\n{% if %}\n",
    )
    .unwrap();
    let out = s
        .ggen(&s.root)
        .args(["marketplace", "publish"])
        .arg(&src)
        .args(["--registry", "team", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "lint errors are a failed check");
    let doc = json(&out);
    assert_eq!(doc["published"], false);
    assert!(!doc["lint"].as_array().unwrap().is_empty(), "{doc:#}");
    assert!(!s.registry.join("index").exists(), "nothing published");

    // without any key configured, publishing needs --allow-unsigned
    std::fs::remove_file(src.join("templates/broken.txt.tmpl")).unwrap();
    write_config(
        &s.home,
        &registry_toml("team", &s.registry.to_string_lossy(), &[], false),
    );
    let out = s
        .ggen(&s.root)
        .args(["marketplace", "publish"])
        .arg(&src)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "no-key");
    // a dry run validates and writes nothing
    let doc = s.run_json(
        &s.root,
        &["marketplace", "publish", src.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(doc["published"], false);
    assert!(!s.registry.exists());
    let doc = s.run_json(
        &s.root,
        &[
            "marketplace",
            "publish",
            src.to_str().unwrap(),
            "--allow-unsigned",
        ],
    );
    assert_eq!(doc["published"], true);
    assert_eq!(doc["signed_by"], serde_json::json!([]));
}

#[test]
fn keygen_and_sign() {
    let s = Setup::new();
    let key = s.root.join("keys/me.key");
    let doc = s.run_json(
        &s.root,
        &["marketplace", "keygen", "--out", key.to_str().unwrap()],
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let public = ggen_pack::sign::PublicKey::parse(doc["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(doc["key_id"], public.key_id().as_str());
    // an existing key is not overwritten
    let out = s
        .ggen(&s.root)
        .args(["marketplace", "keygen", "--out", key.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let src = write_pack(&s.sources, "io.example.models", "1.0.0", &[]);
    let doc = s.run_json(
        &s.root,
        &[
            "marketplace",
            "sign",
            src.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    );
    let sig: ggen_pack::sign::PackSignature =
        serde_json::from_value(doc["signature"].clone()).unwrap();
    let trusted: ggen_pack::sign::TrustedKeys = [public].into_iter().collect();
    let cksum = doc["checksum"].as_str().unwrap();
    assert_eq!(
        ggen_pack::sign::verify(
            "io.example.models",
            "1.0.0",
            cksum,
            std::slice::from_ref(&sig),
            &trusted
        )
        .unwrap(),
        ggen_pack::sign::Verification::Verified(vec![
            doc["signature"]["key"].as_str().unwrap().to_owned()
        ])
    );
    // the signature fails for another checksum
    let other = format!("sha256:{}", "0".repeat(64));
    assert!(
        ggen_pack::sign::verify("io.example.models", "1.0.0", &other, &[sig], &trusted).is_err()
    );
}

#[test]
fn locked_and_frozen_never_change_the_lockfile() {
    let s = Setup::new();
    s.publish("io.example.models", "1.0.0", &[]);
    s.publish("io.example.other", "1.0.0", &[]);
    s.run_json(&s.project, &["marketplace", "install", "io.example.models"]);
    let before = state_hashes(&s.project);
    for args in [
        &["marketplace", "install", "io.example.other", "--locked"][..],
        &["marketplace", "install", "io.example.other", "--frozen"],
        &[
            "--offline",
            "marketplace",
            "install",
            "io.example.other",
            "--locked",
        ],
    ] {
        let out = s
            .ggen(&s.project)
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let doc = json(&out);
        assert_eq!(doc["error"]["code"], "lockfile-would-change", "{doc:#}");
        assert!(
            doc["error"]["message"]
                .as_str()
                .unwrap()
                .contains("add io.example.other 1.0.0"),
            "{doc:#}"
        );
        assert_eq!(state_hashes(&s.project), before, "{args:?}");
    }
    // a requirement added to ggen.toml by hand: gen --locked refuses, --check refuses without
    // writing, plain gen installs it
    let manifest = s.project.join("ggen.toml");
    std::fs::write(
        &manifest,
        read(&manifest).replace("[packs]\n", "[packs]\n\"io.example.other\" = \"^1\"\n"),
    )
    .unwrap();
    let before = state_hashes(&s.project);
    for args in [
        &["project", "gen", "--locked"][..],
        &["project", "gen", "--frozen"],
        &["project", "gen", "--check"],
        &["project", "diff"],
    ] {
        let out = s
            .ggen(&s.project)
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(json(&out)["error"]["code"], "lockfile-would-change");
        assert_eq!(state_hashes(&s.project), before, "{args:?}");
    }
    s.run_json(&s.project, &["project", "gen"]);
    assert!(read(&s.project.join("ggen.lock")).contains("io.example.other"));
    assert!(s.project.join("generated/pack-out/other.txt").exists());
    s.run_json(&s.project, &["project", "gen", "--locked", "--check"]);
    // remove: from ggen.toml and ggen.lock, the outputs become orphans of the next gen
    let doc = s.run_json(&s.project, &["marketplace", "remove", "io.example.other"]);
    assert_eq!(doc["changes"][0]["action"], "remove");
    assert!(!read(&s.project.join("ggen.lock")).contains("io.example.other"));
    assert!(!read(&manifest).contains("io.example.other"));
}
