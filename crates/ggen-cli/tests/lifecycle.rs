//! `ggen lifecycle …`: phases run in order once each with live output on stderr, cycles,
//! timeouts, the cache, dry runs, readiness and validation with exit codes, JSON documents.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;

use common::{ggen, json};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

const MAKE: &str = r#"
[project]
name = "demo"

[workspace.web]
path = "web"

[lifecycle.check-tools]
command = "echo check-tools >> $GGEN_PROJECT_ROOT/log.txt"

[lifecycle.generate]
command = "echo generate >> log.txt"

[lifecycle.lint]
command = "echo lint >> log.txt"

[lifecycle.build]
description = "Compile"
depends_on = ["generate"]
commands = ["echo build-$LEVEL >> log.txt", "echo streamed-$LEVEL-line", "cp src/in.txt out.txt"]
env = { LEVEL = "dev" }
inputs = ["src/**"]
outputs = ["out.txt"]

[lifecycle.web-build]
command = "echo web-build-$GGEN_WORKSPACE >> $GGEN_PROJECT_ROOT/log.txt"
workspaces = ["web"]

[lifecycle.test]
depends_on = ["build", "web-build"]
command = "echo test >> log.txt"

[hooks]
before_all = ["check-tools"]
before_build = ["lint"]

[env.production]
vars = { LEVEL = "prod", API_TOKEN = "tok-very-secret-123" }
"#;

fn demo() -> (tempfile::TempDir, tempfile::TempDir) {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "make.toml", MAKE);
    write(d.path(), "src/in.txt", "v1\n");
    std::fs::create_dir_all(d.path().join("web")).unwrap();
    (d, tempfile::tempdir().unwrap())
}

fn log(d: &Path) -> Vec<String> {
    std::fs::read_to_string(d.join("log.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn run_executes_each_command_once_in_order_and_streams_output() {
    let (d, home) = demo();
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "run", "test", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        log(d.path()),
        vec![
            "check-tools",
            "generate",
            "lint",
            "build-dev",
            "web-build-web",
            "test"
        ]
    );
    let doc = json(&out);
    assert_eq!(doc["ok"], true);
    let phases: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["phase"].as_str().unwrap())
        .collect();
    assert_eq!(
        phases,
        vec![
            "check-tools",
            "generate",
            "lint",
            "build",
            "web-build",
            "test"
        ]
    );
    // Command output streams to stderr; stdout holds only the JSON document.
    assert!(text(&out.stderr).contains("streamed-dev-line"));
    assert!(!text(&out.stdout).contains("streamed-dev-line"));

    // Unchanged inputs: build is skipped by the cache; --no-cache forces it.
    std::fs::remove_file(d.path().join("log.txt")).unwrap();
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "run", "build", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(log(d.path()), vec!["check-tools", "generate", "lint"]);
    let doc = json(&out);
    let build = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["phase"] == "build")
        .unwrap()
        .clone();
    assert_eq!(build["status"], "cached");
    std::fs::remove_file(d.path().join("log.txt")).unwrap();
    ggen(d.path(), home.path())
        .args(["lifecycle", "run", "build", "--no-cache", "-q"])
        .assert()
        .success();
    assert_eq!(
        log(d.path()),
        vec!["check-tools", "generate", "lint", "build-dev"]
    );
    // A changed input reruns it.
    std::fs::remove_file(d.path().join("log.txt")).unwrap();
    write(d.path(), "src/in.txt", "v2\n");
    ggen(d.path(), home.path())
        .args(["lifecycle", "run", "build", "-q"])
        .assert()
        .success();
    assert!(log(d.path()).contains(&"build-dev".to_owned()));
    assert_eq!(
        std::fs::read_to_string(d.path().join("out.txt")).unwrap(),
        "v2\n"
    );
    assert!(d.path().join(".ggen/lifecycle.json").is_file());
}

#[test]
fn environment_overlay_and_dry_run_never_show_secrets() {
    let (d, home) = demo();
    for args in [
        vec![
            "lifecycle",
            "run",
            "build",
            "--env",
            "production",
            "--dry-run",
        ],
        vec![
            "lifecycle",
            "run",
            "build",
            "--env",
            "production",
            "--dry-run",
            "--json",
        ],
        vec![
            "-vvv",
            "lifecycle",
            "show",
            "build",
            "--env",
            "production",
            "--json",
        ],
        vec!["lifecycle", "show", "build", "--env", "production"],
    ] {
        let out = ggen(d.path(), home.path())
            .args(&args)
            .env("GGEN_LOG", "trace")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            !all.contains("tok-very-secret-123"),
            "{args:?} leaked:\n{all}"
        );
        if args.contains(&"--json") {
            json(&out);
        }
    }
    // Dry run: the plan, in order, and nothing ran.
    let out = ggen(d.path(), home.path())
        .args([
            "lifecycle",
            "run",
            "build",
            "--env",
            "production",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    let pos = |s: &str| {
        stdout
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{stdout}"))
    };
    assert!(pos("check-tools") < pos("generate"));
    assert!(pos("generate") < pos("lint"));
    assert!(pos("lint") < pos("echo build-$LEVEL"));
    assert!(stdout.contains("LEVEL=prod"), "{stdout}");
    assert!(stdout.contains("API_TOKEN=****"), "{stdout}");
    assert!(!d.path().join("log.txt").exists());
    // The overlay really applies when running.
    ggen(d.path(), home.path())
        .args(["lifecycle", "run", "build", "--env", "production", "-q"])
        .assert()
        .success();
    assert!(log(d.path()).contains(&"build-prod".to_owned()));
    // GGEN_ENV selects the environment when --env is absent.
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "show", "build", "--json"])
        .env("GGEN_ENV", "production")
        .output()
        .unwrap();
    assert_eq!(json(&out)["plan"]["env"], "production");
}

#[test]
fn pipeline_runs_each_phase_at_most_once() {
    let (d, home) = demo();
    let out = ggen(d.path(), home.path())
        .args([
            "lifecycle",
            "pipeline",
            "generate",
            "build",
            "generate",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        log(d.path()),
        vec!["check-tools", "generate", "lint", "build-dev"]
    );
    // stdout is one JSON document listing each phase that ran, once.
    let doc = json(&out);
    assert_eq!(doc["ok"], true);
    assert_eq!(
        doc["requested"],
        serde_json::json!(["generate", "build", "generate"])
    );
    let ran: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "succeeded")
        .map(|s| s["phase"].as_str().unwrap())
        .collect();
    let mut unique = ran.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ran.len(), "a phase ran twice: {ran:?}");
    assert!(
        ran.contains(&"generate") && ran.contains(&"build"),
        "{ran:?}"
    );
}

#[test]
fn failing_phase_exits_1_and_names_phase_command_and_exit_code() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "make.toml",
        "[project]\nname = \"p\"\n[lifecycle.build]\ncommand = \"echo first-line; echo boom-line >&2; exit 3\"\n[lifecycle.test]\ndepends_on = [\"build\"]\ncommand = \"echo test >> log.txt\"\n",
    );
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "run", "test", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["code"], "lifecycle-command-failed");
    let msg = doc["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("phase `build`")
            && msg.contains("command `echo first-line; echo boom-line >&2; exit 3`")
            && msg.contains("exit code 3"),
        "{msg}"
    );
    assert_eq!(doc["steps"][0]["status"], "failed");
    assert_eq!(
        sorted_lines(&doc["steps"][0]["output_tail"]),
        vec!["boom-line", "first-line"]
    );
    assert!(!d.path().join("log.txt").exists());
    // Human output under --quiet still shows the failure with its output.
    let out = ggen(d.path(), home.path())
        .args(["-q", "lifecycle", "run", "test"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("boom-line") && stdout.contains("exit code 3"),
        "{stdout}"
    );
}

#[test]
fn cycles_unknown_phases_and_missing_make_toml_are_errors() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "make.toml",
        "[project]\nname = \"p\"\n[lifecycle.a]\ncommand = \"true\"\ndepends_on = [\"b\"]\n[lifecycle.b]\ncommand = \"true\"\ndepends_on = [\"a\"]\n",
    );
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "run", "a", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "lifecycle-cycle");
    let msg = doc["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("a -> b -> a") || msg.contains("b -> a -> b"),
        "{msg}"
    );
    assert!(doc["error"]["line"].as_u64().is_some());

    write(
        d.path(),
        "make.toml",
        "[project]\nname = \"p\"\n[lifecycle.build]\ncommand = \"true\"\n",
    );
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "run", "deploy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("unknown phase `deploy`") && err.contains("build"),
        "{err}"
    );

    let empty = tempfile::tempdir().unwrap();
    let out = ggen(empty.path(), home.path())
        .args(["lifecycle", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "lifecycle-no-make-toml");
}

#[test]
fn timeout_kills_the_command_and_its_children() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "make.toml",
        "[project]\nname = \"p\"\n[lifecycle.slow]\ntimeout = \"1s\"\ncommand = \"sleep 60 & echo $! > child.pid; wait\"\n",
    );
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "run", "slow", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "lifecycle-timeout");
    assert_eq!(doc["steps"][0]["status"], "timed-out");
    let pid = std::fs::read_to_string(d.path().join("child.pid")).unwrap();
    let pid = pid.trim();
    // Alive = exists and is not a zombie (an unreaped zombie is dead). The kill is sent before
    // ggen returns; allow the kernel a moment to deliver it.
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| {
                s.rsplit(')')
                    .next()
                    .map(|r| r.trim_start().starts_with('Z'))
            })
            .is_some_and(|zombie| !zombie)
    };
    let mut tries = 0;
    while alive() && tries < 50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        tries += 1;
    }
    assert!(!alive(), "the background child {pid} survived the timeout");
}

#[test]
fn list_and_show() {
    let (d, home) = demo();
    ggen(d.path(), home.path())
        .args(["lifecycle", "run", "generate", "-q"])
        .assert()
        .success();
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc = json(&out);
    assert_eq!(doc["project"], "demo");
    let names: Vec<&str> = doc["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "build",
            "check-tools",
            "generate",
            "lint",
            "test",
            "web-build"
        ]
    );
    let generate = &doc["phases"][2];
    assert_eq!(generate["last_runs"]["generate"]["status"], "succeeded");
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "list"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("build") && stdout.contains("Compile"),
        "{stdout}"
    );
    assert!(stdout.contains("environments: production"), "{stdout}");

    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "show", "build"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("depends on:  generate"), "{stdout}");
    assert!(stdout.contains("inputs:      src/**"), "{stdout}");
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "show", "build", "--json"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["phase"]["name"], "build");
    assert_eq!(doc["plan"]["steps"].as_array().unwrap().len(), 4);
}

// ---- readiness ----

/// Meets every default critical check, with CI and a Dockerfile.
fn ready_project(r: &Path) {
    write(
        r,
        "README.md",
        "# Shop\n\nShop is a small service that sells things. Run `cargo run` to start it and `cargo test` to test it.\n",
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
    write(r, "Dockerfile", "FROM rust:1.89\nCOPY . .\n");
    write(
        r,
        "src/main.rs",
        "fn main() {\n    let app = Router::new()\n        .route(\"/health\", get(health));\n}\n",
    );
}

/// Fails the critical checks; its README merely mentions authentication.
fn unready_project(r: &Path) {
    write(r, "README.md", "# auth\n\nauth auth\n");
    write(
        r,
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n",
    );
    write(r, "src/auth.rs", "// auth\npub fn auth() {}\n");
    let key = format!("{}{}", "AKIA", "Z7Q2EXAMPLE4KEY9");
    write(
        r,
        "config/settings.py",
        &format!("AWS_ACCESS_KEY_ID = \"{key}\"\n"),
    );
}

/// The lines of an `output_tail`, sorted: stdout and stderr are read by two threads, so the
/// relative order of lines from the two streams is not defined.
fn sorted_lines(tail: &serde_json::Value) -> Vec<&str> {
    let mut v: Vec<&str> = tail
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    v.sort_unstable();
    v
}

fn statuses(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["readiness"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn readiness_on_a_ready_and_an_unready_project() {
    let home = tempfile::tempdir().unwrap();
    let good = tempfile::tempdir().unwrap();
    ready_project(good.path());
    let out = ggen(good.path(), home.path())
        .args(["lifecycle", "readiness", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_eq!(
        statuses(&doc),
        pairs(&[
            ("readme", "met"),
            ("license", "met"),
            ("tests-present", "met"),
            ("no-secrets", "met"),
            ("ci-config", "met"),
            ("graph-valid", "skipped"),
            ("no-drift", "skipped"),
            ("lockfile-verified", "skipped"),
            ("receipt-present", "skipped"),
            ("dockerfile", "met"),
            ("health-endpoint", "met"),
        ])
    );
    assert_eq!(doc["readiness"]["score"], 100.0);
    ggen(good.path(), home.path())
        .args(["lifecycle", "validate", "--strict"])
        .assert()
        .code(0);

    let bad = tempfile::tempdir().unwrap();
    unready_project(bad.path());
    let out = ggen(bad.path(), home.path())
        .args(["lifecycle", "readiness", "--json"])
        .output()
        .unwrap();
    // readiness reports; only validate fails.
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    let st = statuses(&doc);
    // A README that merely says "auth" meets nothing.
    assert!(st.contains(&("readme".into(), "failed".into())), "{st:?}");
    assert!(st.contains(&("license".into(), "failed".into())), "{st:?}");
    assert!(
        st.contains(&("tests-present".into(), "failed".into())),
        "{st:?}"
    );
    assert!(
        st.contains(&("no-secrets".into(), "failed".into())),
        "{st:?}"
    );
    assert!(
        st.contains(&("ci-config".into(), "failed".into())),
        "{st:?}"
    );
    // Critical 0/4, important 0/1, nice-to-have 0/2 (no Dockerfile, no health route).
    assert_eq!(doc["readiness"]["score"], 0.0);
    let out = ggen(bad.path(), home.path())
        .args(["lifecycle", "validate", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("validation FAILED"), "{stdout}");
    assert!(
        stdout.contains("critical check `readme` failed"),
        "{stdout}"
    );
    // Without --strict, a failed critical check still fails validation.
    ggen(bad.path(), home.path())
        .args(["lifecycle", "validate"])
        .assert()
        .code(1);
    let out = ggen(bad.path(), home.path())
        .args(["lifecycle", "validate", "--json"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["validation"]["passed"], false);
}

#[test]
fn command_checks_show_status_duration_and_output_tail() {
    let home = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "make.toml",
        r#"[project]
name = "p"

[readiness.tests-pass]
category = "critical"
description = "Test suite passes"
check = "echo running-suite; echo assertion-failed-marker >&2; exit 4"

[readiness.docs]
category = "nice-to-have"
check = "true"

[readiness.lint]
category = "important"
check = "test -n \"$GGEN_ENV\""
"#,
    );
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "validate", "--env", "production"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("tests-pass"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("FAILED") && line.contains("exit"), "{line}");
    assert!(
        line.contains("ms") || line.contains('s'),
        "no duration: {line}"
    );
    assert!(stdout.contains("| assertion-failed-marker"), "{stdout}");
    // Met checks are listed with --detailed only.
    assert!(!stdout.contains("docs "), "{stdout}");
    let out = ggen(d.path(), home.path())
        .args([
            "lifecycle",
            "readiness",
            "--detailed",
            "--env",
            "production",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("docs") && stdout.contains("Test suite passes"),
        "{stdout}"
    );
    let out = ggen(d.path(), home.path())
        .args(["lifecycle", "readiness", "--json", "--env", "production"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["readiness"]["source"], "make-toml");
    let checks = doc["readiness"]["checks"].as_array().unwrap();
    let tests_pass = checks.iter().find(|c| c["name"] == "tests-pass").unwrap();
    assert_eq!(tests_pass["status"], "failed");
    assert!(tests_pass["duration_ms"].as_u64().is_some());
    assert_eq!(
        sorted_lines(&tests_pass["output_tail"]),
        vec!["assertion-failed-marker", "running-suite"]
    );
    let lint = checks.iter().find(|c| c["name"] == "lint").unwrap();
    assert_eq!(lint["status"], "met", "--env reaches command checks");
    // Critical 0/1, important 1/1, nice-to-have 1/1: 0.3 + 0.1 = 40.0.
    assert_eq!(doc["readiness"]["score"], 40.0);

    // --min-score: validate passes once the critical check passes and the score is enough.
    let fixed = std::fs::read_to_string(d.path().join("make.toml"))
        .unwrap()
        .replace("exit 4", "exit 0");
    write(d.path(), "make.toml", &fixed);
    ggen(d.path(), home.path())
        .args(["lifecycle", "validate", "--strict", "--min-score", "95"])
        .env_remove("GGEN_ENV")
        .assert()
        .code(1);
    ggen(d.path(), home.path())
        .args([
            "lifecycle",
            "validate",
            "--strict",
            "--min-score",
            "95",
            "--env",
            "ci",
        ])
        .assert()
        .code(0);
}

#[test]
fn ctrl_c_cancels_the_run_and_kills_the_phase_process_group() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "make.toml",
        "[project]\nname = \"p\"\n[lifecycle.slow]\ncommand = \"sleep 60 & echo $! > child.pid; wait\"\n[lifecycle.after]\ndepends_on = [\"slow\"]\ncommand = \"echo after >> log.txt\"\n",
    );
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_ggen"))
        .current_dir(d.path())
        .args(["lifecycle", "run", "after", "--json"])
        .env("HOME", home.path())
        .env("GGEN_CONFIG_DIR", home.path().join("config"))
        .env("GGEN_CACHE_DIR", home.path().join("cache"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid_file = d.path().join("child.pid");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !pid_file.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    // Ctrl-C in a terminal reaches ggen only: the phase runs in its own process group.
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "cancelled");
    assert_eq!(doc["steps"][0]["status"], "cancelled");
    assert!(
        !d.path().join("log.txt").exists(),
        "a phase ran after Ctrl-C"
    );
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let pid = pid.trim();
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| {
                s.rsplit(')')
                    .next()
                    .map(|r| r.trim_start().starts_with('Z'))
            })
            .is_some_and(|zombie| !zombie)
    };
    let mut tries = 0;
    while alive() && tries < 50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        tries += 1;
    }
    assert!(!alive(), "the phase's child {pid} survived Ctrl-C");
}
