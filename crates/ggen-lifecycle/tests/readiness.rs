//! Readiness on fixture projects: exact statuses and scores, strict validation, command checks,
//! and the ggen-backed built-ins driven through a fake ggen executable.

// Test helpers outside `#[test]` functions may unwrap too (clippy.toml only covers the tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use ggen_lifecycle::readiness::{
    CheckStatus, ReadinessOptions, ReadinessReport, RequirementSource, assess,
};
use ggen_lifecycle::{MakeFile, NullReporter, RecordingReporter};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn statuses(report: &ReadinessReport) -> Vec<(String, CheckStatus)> {
    report
        .checks
        .iter()
        .map(|c| (c.name.clone(), c.status))
        .collect()
}

fn status(name: &str, s: CheckStatus) -> (String, CheckStatus) {
    (name.to_string(), s)
}

fn run(root: &Path) -> ReadinessReport {
    assess(root, None, &ReadinessOptions::default(), &NullReporter).unwrap()
}

/// Meets every default critical check; has CI and a Dockerfile, no health route.
fn good_project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(
        r,
        "README.md",
        "# Shop\n\n[![ci](https://x/badge.svg)](https://x)\n\nShop is a small service that \
         sells things. Run `cargo run` to start it and `cargo test` to test it.\n",
    );
    write(
        r,
        "LICENSE",
        "MIT License\n\nCopyright (c) 2026 Shop developers\n",
    );
    write(
        r,
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    write(
        r,
        "src/lib.rs",
        "pub fn add(a: i32, b: i32) -> i32 { a + b }\n",
    );
    write(
        r,
        "tests/add.rs",
        "#[test]\nfn adds() { assert_eq!(shop::add(1, 2), 3); }\n",
    );
    write(r, ".github/workflows/ci.yml", "on: push\njobs: {}\n");
    write(
        r,
        "Dockerfile",
        "FROM rust:1.89\nCOPY . .\nRUN cargo build --release\n",
    );
    d
}

/// Fails most critical checks; has tests and a health route.
fn bad_project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(r, "README.md", "# Shop\n\n<!-- TODO: write this -->\n");
    write(
        r,
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n",
    );
    write(
        r,
        "src/main.rs",
        "fn main() {\n    let app = Router::new()\n        .route(\"/health\", get(health));\n}\n",
    );
    write(r, "tests/smoke.rs", "#[test]\nfn smoke() {}\n");
    // Assembled at run time so this test file itself holds no AWS-key-shaped literal.
    let key = format!("{}{}", "AKIA", "Z7Q2EXAMPLE4KEY9");
    write(
        r,
        "config/settings.py",
        &format!("DEBUG = True\nAWS_ACCESS_KEY_ID = \"{key}\"\n"),
    );
    d
}

#[test]
fn project_meeting_the_critical_checks() {
    let d = good_project();
    let report = run(d.path());
    assert_eq!(report.source, RequirementSource::Default);
    use CheckStatus::*;
    assert_eq!(
        statuses(&report),
        vec![
            status("readme", Met),
            status("license", Met),
            status("tests-present", Met),
            status("no-secrets", Met),
            status("ci-config", Met),
            status("graph-valid", Skipped),
            status("no-drift", Skipped),
            status("lockfile-verified", Skipped),
            status("receipt-present", Skipped),
            status("dockerfile", Met),
            status("health-endpoint", Failed),
        ]
    );
    let cats: Vec<(usize, usize, Option<f64>)> = report
        .categories
        .iter()
        .map(|c| (c.met, c.total, c.score))
        .collect();
    assert_eq!(
        cats,
        vec![(4, 4, Some(100.0)), (1, 1, Some(100.0)), (1, 2, Some(50.0))]
    );
    // 0.6·1 + 0.3·1 + 0.1·0.5
    assert_eq!(report.score, Some(95.0));
    let v = report.validate(true, 90.0);
    assert!(v.passed, "{:?}", v.reasons);
    assert!(report.validate(false, 90.0).passed);
    assert!(!report.validate(true, 96.0).passed);
    // Met checks carry no output tail; the failing one says what is missing.
    let health = report
        .checks
        .iter()
        .find(|c| c.name == "health-endpoint")
        .unwrap();
    assert!(health.message.contains("no route named health"));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["score"], 95.0);
    assert_eq!(json["checks"][0]["status"], "met");
}

#[test]
fn project_failing_the_critical_checks() {
    let d = bad_project();
    let report = run(d.path());
    use CheckStatus::*;
    assert_eq!(
        statuses(&report),
        vec![
            status("readme", Failed),
            status("license", Failed),
            status("tests-present", Met),
            status("no-secrets", Failed),
            status("ci-config", Failed),
            status("graph-valid", Skipped),
            status("no-drift", Skipped),
            status("lockfile-verified", Skipped),
            status("receipt-present", Skipped),
            status("dockerfile", Failed),
            status("health-endpoint", Met),
        ]
    );
    // 0.6·(1/4) + 0.3·0 + 0.1·(1/2) = 0.2
    assert_eq!(report.score, Some(20.0));
    let v = report.validate(true, 90.0);
    assert!(!v.passed);
    assert_eq!(v.reasons.len(), 4, "{:?}", v.reasons);
    assert!(
        v.reasons[0].starts_with("critical check `readme` failed: README.md has no real content")
    );
    assert_eq!(v.reasons[3], "score 20.0 is below the minimum 90.0");
    assert!(!report.validate(false, 90.0).passed);

    let secrets = report
        .checks
        .iter()
        .find(|c| c.name == "no-secrets")
        .unwrap();
    assert_eq!(
        secrets.output_tail,
        vec!["config/settings.py:2: AWS access key ID"]
    );
    assert!(
        !serde_json::to_string(&report)
            .unwrap()
            .contains("EXAMPLE4KEY")
    );
    let health = report
        .checks
        .iter()
        .find(|c| c.name == "health-endpoint")
        .unwrap();
    assert_eq!(health.message, "src/main.rs:3: route /health");
}

#[test]
fn a_file_mentioning_auth_meets_nothing() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "notes.txt",
        "auth authentication health healthz readme license test tests Dockerfile FROM ci\n\
         TODO: add /health route, a LICENSE, a README, CI and tests. api_key auth token\n",
    );
    write(
        d.path(),
        "auth.rs",
        "// auth: handles health and license checks\nfn auth() {}\n",
    );
    let report = run(d.path());
    use CheckStatus::*;
    // Only `no-secrets` is met, legitimately: there is no secret. Nothing is met because a file
    // mentions auth, health, README, LICENSE, tests, Dockerfile or CI.
    assert_eq!(
        statuses(&report),
        vec![
            status("readme", Failed),
            status("license", Failed),
            status("tests-present", Failed),
            status("no-secrets", Met),
            status("ci-config", Failed),
            status("graph-valid", Skipped),
            status("no-drift", Skipped),
            status("lockfile-verified", Skipped),
            status("receipt-present", Skipped),
            status("dockerfile", Failed),
            status("health-endpoint", Failed),
        ]
    );
    assert_eq!(report.score, Some(15.0));
    assert!(!report.validate(false, 90.0).passed);
    // There is no "authentication" requirement to satisfy by substring: unknown built-ins are
    // rejected when make.toml is loaded.
    write(
        d.path(),
        "make.toml",
        "[project]\nname = \"x\"\n[readiness.auth]\ncategory = \"critical\"\ncheck = \"builtin:auth\"\n",
    );
    let err = MakeFile::load(&d.path().join("make.toml")).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("make.toml:5:9: [readiness.auth] unknown built-in check `auth`"),
        "{err}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn no_secrets_scans_git_tracked_files_only_in_a_repository() {
    let d = good_project();
    let r = d.path();
    git(r, &["init", "-q"]);
    git(r, &["add", "-A"]);
    let key = format!("{}{}", "ghp_", "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6");
    write(r, "local.env", &format!("GITHUB_TOKEN={key}\n"));
    let only = ReadinessOptions {
        only: vec!["no-secrets".into()],
        ..ReadinessOptions::default()
    };
    let report = assess(r, None, &only, &NullReporter).unwrap();
    assert_eq!(
        report.checks[0].status,
        CheckStatus::Met,
        "untracked file is not scanned"
    );
    assert!(report.checks[0].message.contains("git-tracked"));
    git(r, &["add", "local.env"]);
    let report = assess(r, None, &only, &NullReporter).unwrap();
    assert_eq!(report.checks[0].status, CheckStatus::Failed);
    assert_eq!(
        report.checks[0].output_tail,
        vec!["local.env:1: GitHub token"]
    );
    // Outside git, .gitignore is honoured.
    let d2 = good_project();
    write(d2.path(), ".gitignore", "local.env\n");
    write(d2.path(), "local.env", &format!("GITHUB_TOKEN={key}\n"));
    let report = assess(d2.path(), None, &only, &NullReporter).unwrap();
    assert_eq!(report.checks[0].status, CheckStatus::Met);
    std::fs::remove_file(d2.path().join(".gitignore")).unwrap();
    let report = assess(d2.path(), None, &only, &NullReporter).unwrap();
    assert_eq!(report.checks[0].status, CheckStatus::Failed);
}

#[test]
fn make_toml_requirements_with_commands() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    let make_text = r#"
[project]
name = "cmds"

[readiness.passes]
category = "critical"
description = "always passes"
check = "test \"$GGEN_ENV\" = production && test \"$REGION\" = eu"

[readiness.noisy-failure]
category = "important"
check = "for i in $(seq 1 30); do echo line$i; done; exit 4"

[readiness.hangs]
category = "nice-to-have"
check = "sleep 30"
timeout = "500ms"

[readiness.readme]
category = "important"
check = "builtin:readme"

[env.production]
vars = { REGION = "eu" }
"#;
    write(r, "make.toml", make_text);
    let make = MakeFile::load(&r.join("make.toml")).unwrap();
    let opts = ReadinessOptions {
        env: Some("production".into()),
        ..ReadinessOptions::default()
    };
    let reporter = RecordingReporter::new();
    let report = assess(r, Some(&make), &opts, &reporter).unwrap();
    assert_eq!(report.source, RequirementSource::MakeToml);
    use CheckStatus::*;
    assert_eq!(
        statuses(&report),
        vec![
            status("passes", Met),
            status("noisy-failure", Failed),
            status("readme", Failed),
            status("hangs", Error),
        ]
    );
    let noisy = &report.checks[1];
    assert_eq!(
        noisy.message,
        "`for i in $(seq 1 30); do echo line$i; done; exit 4` exited with code 4"
    );
    assert_eq!(noisy.output_tail.len(), 20);
    assert_eq!(noisy.output_tail.first().unwrap(), "line11");
    assert_eq!(noisy.output_tail.last().unwrap(), "line30");
    assert!(report.checks[3].message.contains("timed out after 500ms"));
    assert_eq!(reporter.lines_of("noisy-failure").len(), 30);
    // critical 1/1, important 0/2, nice 0/1 → 60.0
    assert_eq!(report.score, Some(60.0));

    // Without the environment the first check fails.
    let report = assess(r, Some(&make), &ReadinessOptions::default(), &NullReporter).unwrap();
    assert_eq!(report.checks[0].status, Failed);
}

#[test]
fn empty_categories_are_renormalised() {
    let d = good_project();
    let r = d.path();
    write(
        r,
        "make.toml",
        "[project]\nname = \"x\"\n\
         [readiness.readme]\ncategory = \"critical\"\ncheck = \"builtin:readme\"\n\
         [readiness.health]\ncategory = \"critical\"\ncheck = \"builtin:health-endpoint\"\n",
    );
    let make = MakeFile::load(&r.join("make.toml")).unwrap();
    let report = assess(r, Some(&make), &ReadinessOptions::default(), &NullReporter).unwrap();
    // Only critical checks: the overall score is the critical score (1 of 2), not 0.6·50.
    assert_eq!(report.score, Some(50.0));
    assert_eq!(report.categories[1].score, None);
}

/// A fake ggen that logs its arguments and exits with `$FAKE_GGEN_EXIT` (default 0).
fn fake_ggen(dir: &Path) -> PathBuf {
    let path = dir.join("fake-ggen");
    write(
        dir,
        "fake-ggen",
        "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/ggen-calls.log\"\necho \"fake ggen $1\"\nexit \"${FAKE_GGEN_EXIT:-0}\"\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn ggen_checks_run_the_ggen_executable() {
    let tools = tempfile::tempdir().unwrap();
    let ggen = fake_ggen(tools.path());
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(
        r,
        "ggen.toml",
        "[project]\nname = \"shop\"\n[graph]\nsources = [\"ontology/*.ttl\"]\nshapes = [\"shapes/*.ttl\"]\n",
    );
    write(
        r,
        "ontology/shop.ttl",
        "@prefix ex: <http://example.org/> .\n",
    );
    write(
        r,
        "ontology/extra.ttl",
        "@prefix ex: <http://example.org/> .\n",
    );
    write(
        r,
        "shapes/shop.ttl",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n",
    );
    write(r, "ggen.lock", "version = 1\n");
    write(
        r,
        ".ggen/receipt.json",
        "{\"schema\": 1, \"outputs\": [{\"path\": \"src/a.rs\"}]}\n",
    );
    let opts = ReadinessOptions {
        ggen: ggen.clone(),
        only: vec![
            "graph-valid".into(),
            "no-drift".into(),
            "lockfile-verified".into(),
            "receipt-present".into(),
        ],
        ..ReadinessOptions::default()
    };
    let report = assess(r, None, &opts, &NullReporter).unwrap();
    use CheckStatus::*;
    assert_eq!(
        statuses(&report),
        vec![
            status("graph-valid", Met),
            status("no-drift", Met),
            status("lockfile-verified", Met),
            status("receipt-present", Met),
        ]
    );
    assert_eq!(
        std::fs::read_to_string(tools.path().join("ggen-calls.log")).unwrap(),
        "graph validate ontology/extra.ttl ontology/shop.ttl --shapes shapes/shop.ttl\n\
         project diff --check\n\
         marketplace verify\n"
    );
    assert_eq!(
        report.checks[3].message,
        ".ggen/receipt.json parses (1 outputs recorded)"
    );

    // Exit 1 = failed (with the output tail), exit 2 = could not check (error).
    for (code, expected) in [("1", Failed), ("2", Error)] {
        write(
            r,
            "make.toml",
            &format!(
                "[project]\nname = \"x\"\n[readiness.no-drift]\ncategory = \"critical\"\ncheck = \"builtin:no-drift\"\n[env.ci]\nvars = {{ FAKE_GGEN_EXIT = \"{code}\" }}\n"
            ),
        );
        let make = MakeFile::load(&r.join("make.toml")).unwrap();
        let opts = ReadinessOptions {
            ggen: ggen.clone(),
            env: Some("ci".into()),
            ..ReadinessOptions::default()
        };
        let report = assess(r, Some(&make), &opts, &NullReporter).unwrap();
        assert_eq!(report.checks[0].status, expected, "exit {code}");
        assert_eq!(report.checks[0].output_tail, vec!["fake ggen project"]);
    }

    // A receipt that does not parse fails; outside a ggen project these checks are skipped.
    write(r, ".ggen/receipt.json", "{ not json");
    let receipt_only = ReadinessOptions {
        ggen: ggen.clone(),
        only: vec!["receipt-present".into()],
        ..ReadinessOptions::default()
    };
    let report = assess(r, None, &receipt_only, &NullReporter).unwrap();
    assert_eq!(report.checks[0].status, Failed);
    assert!(
        report.checks[0]
            .message
            .starts_with(".ggen/receipt.json does not parse: line 1")
    );
    std::fs::remove_file(r.join("ggen.toml")).unwrap();
    let report = assess(r, None, &opts_all(&ggen), &NullReporter).unwrap();
    for name in [
        "graph-valid",
        "no-drift",
        "lockfile-verified",
        "receipt-present",
    ] {
        let c = report.checks.iter().find(|c| c.name == name).unwrap();
        assert_eq!(c.status, Skipped, "{name}");
        assert_eq!(c.message, "skipped: not a ggen project (no ggen.toml)");
    }
}

fn opts_all(ggen: &Path) -> ReadinessOptions {
    ReadinessOptions {
        ggen: ggen.to_path_buf(),
        check_timeout: Duration::from_secs(60),
        ..ReadinessOptions::default()
    }
}
