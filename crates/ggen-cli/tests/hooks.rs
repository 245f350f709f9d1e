//! `ggen hook …` in real git repositories: the README's pre-commit recipe blocks a real
//! `git commit` when generated code is stale, foreign hooks are kept, `core.hooksPath` is
//! honoured, `hook run` exit codes and pre-push input, the log and the on-change watcher.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{Shop, json};

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn ggen_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ggen"))
}

/// A directory holding a fake `ggen` that always succeeds: put first on PATH, it would make
/// the recipe pass if hooks used `ggen` from PATH instead of the binary under test.
fn fake_ggen_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("ggen");
    std::fs::write(&f, "#!/bin/sh\necho fake ggen >&2\nexit 0\n").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

/// `git` in `dir`, isolated from the user's configuration, with `fake` first on PATH.
fn git(dir: &Path, home: &Path, fake: &Path, args: &[&str]) -> Output {
    let path = format!(
        "{}:{}",
        fake.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GGEN_CONFIG_DIR", home.join("config"))
        .env("GGEN_CACHE_DIR", home.join("cache"))
        .env_remove("GGEN_LOG")
        .env("PATH", path)
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, home: &Path, fake: &Path, args: &[&str]) -> String {
    let o = git(dir, home, fake, args);
    assert!(
        o.status.success(),
        "git {args:?} failed:\n{}\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

fn commit_count(dir: &Path, home: &Path, fake: &Path) -> usize {
    git_ok(dir, home, fake, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn readme_pre_commit_recipe_blocks_stale_generated_code() {
    let shop = Shop::new();
    let dir = shop.path();
    let home = shop.home.path();
    let fake = fake_ggen_dir();
    let fake = fake.path();
    git_ok(dir, home, fake, &["init", "-q"]);
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    git_ok(dir, home, fake, &["add", "-A"]);
    git_ok(dir, home, fake, &["commit", "-q", "-m", "initial"]);

    // The recipe from the README.
    let out = shop
        .ggen()
        .args([
            "hook",
            "create",
            "pre-commit",
            "--name",
            "ggen-sync",
            "--run",
            "ggen project diff --check",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = dir.join(".git/hooks/pre-commit");
    let mode = std::fs::metadata(&script).unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, "hook script is not executable: {mode:o}");
    let body = std::fs::read_to_string(&script).unwrap();
    assert!(body.contains("# ggen-hook: managed by ggen"), "{body}");
    // The script calls the ggen under test by its absolute path.
    let bin = ggen_bin().canonicalize().unwrap();
    assert!(
        body.contains(&bin.display().to_string()),
        "script does not call {}:\n{body}",
        bin.display()
    );
    assert!(dir.join(".ggen/hooks.toml").is_file());

    // Change the ontology without regenerating: the commit is refused.
    let props = dir.join("ontology/properties.ttl");
    let changed = std::fs::read_to_string(&props)
        .unwrap()
        .replace("rdfs:range xsd:int .", "rdfs:range xsd:long .");
    std::fs::write(&props, changed).unwrap();
    git_ok(dir, home, fake, &["add", "-A"]);
    let before = commit_count(dir, home, fake);
    let o = git(dir, home, fake, &["commit", "-q", "-m", "stale"]);
    assert!(
        !o.status.success(),
        "commit with stale generated code passed:\n{}",
        text(&o.stderr)
    );
    let err = text(&o.stderr);
    assert!(err.contains("ggen-sync"), "{err}");
    assert!(
        !err.contains("fake ggen"),
        "the hook used ggen from PATH:\n{err}"
    );
    assert_eq!(commit_count(dir, home, fake), before);

    // Regenerate: the same commit passes.
    shop.ggen()
        .args(["project", "gen", "-q"])
        .assert()
        .success();
    git_ok(dir, home, fake, &["add", "-A"]);
    let o = git(dir, home, fake, &["commit", "-q", "-m", "regenerated"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(commit_count(dir, home, fake), before + 1);

    // Both executions are in the log.
    let out = shop
        .ggen()
        .args(["hook", "monitor", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc = json(&out);
    let entries = doc["log"]["entries"].as_array().unwrap();
    let statuses: Vec<&str> = entries
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["failed", "passed"]);
    assert!(entries.iter().all(|e| e["hook"] == "ggen-sync"));

    // Remove: the script is gone and commits are no longer checked.
    shop.ggen()
        .args(["hook", "remove", "ggen-sync"])
        .assert()
        .success();
    assert!(!script.exists());
    let out = shop
        .ggen()
        .args(["hook", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["hooks"].as_array().unwrap().len(), 0);
}

fn repo() -> (tempfile::TempDir, tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let fake = fake_ggen_dir();
    git_ok(dir.path(), home.path(), fake.path(), &["init", "-q"]);
    (dir, home, fake)
}

#[test]
fn foreign_hook_is_refused_then_chained_and_restored() {
    let (dir, home, fake) = repo();
    let d = dir.path();
    let hooks = d.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let foreign = "#!/bin/sh\necho foreign ran >> foreign.log\nexit 0\n";
    std::fs::write(hooks.join("pre-commit"), foreign).unwrap();
    std::fs::set_permissions(
        hooks.join("pre-commit"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let create = |extra: &[&str]| {
        let mut c = common::ggen(d, home.path());
        c.args([
            "hook",
            "create",
            "pre-commit",
            "--name",
            "check",
            "--run",
            "echo ggen ran >> ggen.log",
        ])
        .args(extra);
        c.output().unwrap()
    };
    let out = create(&["--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(json(&out)["error"]["code"], "hook-foreign");
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        foreign
    );
    // --force never overwrites: it chains like --chain.
    let out = create(&["--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.ggen-chained")).unwrap(),
        foreign
    );
    // A real commit runs both, the foreign one first.
    std::fs::write(d.join("a.txt"), "a").unwrap();
    git_ok(d, home.path(), fake.path(), &["add", "a.txt"]);
    git_ok(d, home.path(), fake.path(), &["commit", "-q", "-m", "a"]);
    assert_eq!(
        std::fs::read_to_string(d.join("foreign.log")).unwrap(),
        "foreign ran\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("ggen.log")).unwrap(),
        "ggen ran\n"
    );
    // Removing the last hook puts the foreign script back.
    common::ggen(d, home.path())
        .args(["hook", "remove", "check"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        foreign
    );
    assert!(!hooks.join("pre-commit.ggen-chained").exists());
}

#[test]
fn core_hooks_path_is_honoured() {
    let (dir, home, fake) = repo();
    let d = dir.path();
    git_ok(
        d,
        home.path(),
        fake.path(),
        &["config", "core.hooksPath", ".githooks"],
    );
    common::ggen(d, home.path())
        .args([
            "hook",
            "create",
            "pre-commit",
            "--name",
            "deny",
            "--run",
            "echo denied >&2; exit 1",
        ])
        .assert()
        .success();
    assert!(d.join(".githooks/pre-commit").is_file());
    assert!(!d.join(".git/hooks/pre-commit").exists());
    std::fs::write(d.join("a.txt"), "a").unwrap();
    git_ok(d, home.path(), fake.path(), &["add", "a.txt"]);
    let o = git(d, home.path(), fake.path(), &["commit", "-q", "-m", "a"]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("denied"), "{}", text(&o.stderr));
    let out = common::ggen(d, home.path())
        .args(["hook", "validate", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
    let doc = json(&out);
    assert!(
        doc["validation"]["hooks_dir"]
            .as_str()
            .unwrap()
            .ends_with(".githooks")
    );
}

#[test]
fn hook_run_exit_codes_arguments_and_pre_push_input() {
    let (dir, home, _fake) = repo();
    let d = dir.path();
    let g = || common::ggen(d, home.path());
    g().args([
        "hook",
        "create",
        "pre-push",
        "--name",
        "refs",
        "--run",
        "cat > refs.txt; echo \"$1 $2\" > args.txt",
    ])
    .assert()
    .success();
    let out = g()
        .args([
            "hook",
            "run",
            "pre-push",
            "origin",
            "https://example.org/r.git",
            "--json",
        ])
        .write_stdin("refs/heads/main abc refs/heads/main def\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json(&out)["run"]["ok"], true);
    assert_eq!(
        std::fs::read_to_string(d.join("refs.txt")).unwrap(),
        "refs/heads/main abc refs/heads/main def\n"
    );
    // `--json` after the hook arguments is ggen's flag, not a hook argument.
    assert_eq!(
        std::fs::read_to_string(d.join("args.txt")).unwrap(),
        "origin https://example.org/r.git\n"
    );

    // A failing hook: exit 1, its output tail in the report, later hooks not run.
    g().args([
        "hook",
        "create",
        "pre-commit",
        "--name",
        "fails",
        "--run",
        "echo failing-line; exit 7",
    ])
    .assert()
    .success();
    g().args([
        "hook",
        "create",
        "pre-commit",
        "--name",
        "after",
        "--run",
        "true",
    ])
    .assert()
    .success();
    let out = g()
        .args(["-q", "hook", "run", "pre-commit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("failing-line"), "{stdout}");
    assert!(stdout.contains("exit code 7"), "{stdout}");
    assert!(
        stdout.contains("after") && stdout.contains("not run"),
        "{stdout}"
    );
    let out = g()
        .args(["hook", "run", "pre-commit", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["run"]["not_run"][0], "after");
    // Live output went to stderr, not stdout.
    assert!(text(&out.stderr).contains("failing-line"));

    // An error (unreadable records): exit 2.
    std::fs::write(d.join(".ggen/hooks.toml"), "[[hook]]\nname = \n").unwrap();
    let out = g()
        .args(["hook", "run", "pre-commit", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert!(doc["error"]["line"].as_u64().is_some(), "{doc}");
}

#[test]
fn list_validate_and_duplicate_names() {
    let (dir, home, _fake) = repo();
    let d = dir.path();
    let g = || common::ggen(d, home.path());
    g().args([
        "hook",
        "create",
        "post-merge",
        "--name",
        "regen",
        "--run",
        "ggen project gen",
    ])
    .assert()
    .success();
    // Same name again: refused (exit 2); with --force: replaced.
    let out = g()
        .args([
            "hook",
            "create",
            "post-merge",
            "--name",
            "regen",
            "--run",
            "true",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "hook");
    let out = g()
        .args([
            "hook",
            "create",
            "post-merge",
            "--name",
            "regen",
            "--run",
            "ggen project gen -q",
            "--force",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json(&out)["replaced"]["command"], "ggen project gen");
    let out = g().args(["hook", "list", "--json"]).output().unwrap();
    let doc = json(&out);
    assert_eq!(doc["hooks"].as_array().unwrap().len(), 1);
    assert_eq!(doc["hooks"][0]["command"], "ggen project gen -q");
    assert_eq!(doc["hooks"][0]["event"], "post-merge");

    let out = g().args(["hook", "validate", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(json(&out)["validation"]["ok"], true);
    // Deleting the installed script is caught.
    std::fs::remove_file(d.join(".git/hooks/post-merge")).unwrap();
    let out = g().args(["hook", "validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("post-merge"),
        "{}",
        text(&out.stdout)
    );
    let out = g().args(["hook", "validate", "--json"]).output().unwrap();
    assert_eq!(json(&out)["ok"], false);

    // Remove with --json: one document naming what was removed.
    let out = g()
        .args(["hook", "remove", "regen", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_eq!(doc["removed"]["record"]["name"], "regen");
    assert_eq!(doc["removed"]["record"]["event"], "post-merge");
    // Removing an unknown hook is an error.
    let out = g().args(["hook", "remove", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Outside a git repository, creating a git hook is an error naming git.
    let plain = tempfile::tempdir().unwrap();
    let out = common::ggen(plain.path(), home.path())
        .args([
            "hook",
            "create",
            "pre-commit",
            "--name",
            "x",
            "--run",
            "true",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "git");
}

#[test]
fn monitor_watch_runs_on_change_hooks_until_interrupted() {
    let (dir, home, _fake) = repo();
    let d = dir.path();
    std::fs::create_dir_all(d.join("ontology")).unwrap();
    common::ggen(d, home.path())
        .args([
            "hook",
            "create",
            "on-change",
            "--name",
            "note",
            "--run",
            "echo \"batch:$*\" >> changes.txt",
            "--watch",
            "ontology/**/*.ttl",
        ])
        .assert()
        .success();
    let child = std::process::Command::new(ggen_bin())
        .current_dir(d)
        .args(["hook", "monitor", "--watch", "--json"])
        .env("HOME", home.path())
        .env("GGEN_CONFIG_DIR", home.path().join("config"))
        .env("GGEN_CACHE_DIR", home.path().join("cache"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Keep touching the file until the watcher has picked it up (it needs a moment to start).
    let changes = d.join("changes.txt");
    let wait_for = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if std::fs::read_to_string(&changes).is_ok_and(|t| t.contains(what)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no batch with {what}");
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut n = 0;
    while !changes.exists() && Instant::now() < deadline {
        n += 1;
        std::fs::write(d.join("ontology/a.ttl"), format!("# {n}\n")).unwrap();
        std::thread::sleep(Duration::from_millis(500));
    }
    wait_for("ontology/a.ttl");
    // A change that matches no pattern runs nothing; the next matching change runs again.
    std::fs::write(d.join("README.md"), "readme\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    std::fs::write(d.join("ontology/b.ttl"), "# b\n").unwrap();
    wait_for("ontology/b.ttl");
    let pid = child.id().to_string();
    Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let recorded = std::fs::read_to_string(&changes).unwrap();
    assert!(
        recorded.lines().all(|l| l.contains("ontology/")),
        "a batch without a watched file ran the hook:\n{recorded}"
    );
    let doc = json(&out);
    assert!(!doc["batches"].as_array().unwrap().is_empty());
    assert_eq!(doc["batches"][0]["executions"][0]["hook"], "note");
}
