//! Git hooks in temporary repositories, driven by real `git commit`s. The installed scripts call
//! the `ggen-hook-shim` binary of this crate (a stand-in for `ggen hook run`).

// Test helpers outside `#[test]` functions may unwrap too (clippy.toml only covers the tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ggen_core::Diagnostic;
use ggen_lifecycle::hooks::{HookEvent, HookManager, HookStatus, NewHook, WatchOptions};
use ggen_lifecycle::{NullReporter, RecordingReporter};

const SHIM: &str = env!("CARGO_BIN_EXE_ggen-hook-shim");

/// Run git with no system or global configuration (the real home directory stays untouched).
fn git_in(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_in(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    git(r, &["init", "-q", "-b", "main"]);
    git(r, &["config", "user.name", "Test User"]);
    git(r, &["config", "user.email", "test@example.org"]);
    git(r, &["config", "commit.gpgsign", "false"]);
    std::fs::write(r.join("README.md"), "hello\n").unwrap();
    git(r, &["add", "README.md"]);
    git(r, &["commit", "-q", "-m", "initial"]);
    d
}

/// Stage a change and try to commit it; returns whether the commit was created.
fn try_commit(repo: &Path, file: &str, message: &str) -> (bool, String) {
    std::fs::write(repo.join(file), format!("{message}\n")).unwrap();
    git(repo, &["add", file]);
    let before = git(repo, &["rev-parse", "HEAD"]);
    let out = git_in(repo, &["commit", "-q", "-m", message]);
    let after = git(repo, &["rev-parse", "HEAD"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.success(), before != after, "{stderr}");
    (before != after, stderr)
}

fn hook(name: &str, event: HookEvent, command: &str) -> NewHook {
    NewHook {
        name: name.into(),
        event,
        command: command.into(),
        watch: vec![],
        enabled: true,
        chain: false,
    }
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn installed_hook_blocks_and_passes_real_commits() {
    let d = repo();
    let r = d.path();
    let mgr = HookManager::new(r).with_ggen(SHIM);
    let out = mgr
        .create(hook(
            "needs-ok",
            HookEvent::PreCommit,
            "test -f ok || { echo 'ok file missing' >&2; exit 1; }",
        ))
        .unwrap();
    let script = r.join(".git/hooks/pre-commit");
    assert_eq!(out.script.as_deref(), Some(script.as_path()));
    assert!(out.script_written);
    assert_eq!(mode(&script), 0o755);
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.starts_with("#!/bin/sh\n# ggen-hook: managed by ggen"));
    assert!(text.contains(&format!("exec {SHIM} hook run pre-commit \"$@\"")));
    assert_eq!(mgr.list().unwrap().len(), 1);

    let (committed, stderr) = try_commit(r, "a.txt", "blocked");
    assert!(!committed);
    assert!(stderr.contains("ok file missing"), "{stderr}");
    assert!(
        stderr.contains("pre-commit hook `needs-ok` failed"),
        "{stderr}"
    );

    std::fs::write(r.join("ok"), "").unwrap();
    let (committed, _) = try_commit(r, "a.txt", "passes");
    assert!(committed);

    let log = mgr.read_log(None).unwrap();
    let statuses: Vec<(HookEvent, String, HookStatus)> = log
        .entries
        .iter()
        .map(|e| (e.event, e.hook.clone(), e.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (
                HookEvent::PreCommit,
                "needs-ok".to_string(),
                HookStatus::Failed
            ),
            (
                HookEvent::PreCommit,
                "needs-ok".to_string(),
                HookStatus::Passed
            ),
        ]
    );
    assert_eq!(log.entries[0].exit_code, Some(1));
    assert_eq!(mgr.read_log(Some(1)).unwrap().entries.len(), 1);
    assert!(mgr.validate().unwrap().ok);

    // Removing the hook removes the script; the commit then goes through without `ok`.
    std::fs::remove_file(r.join("ok")).unwrap();
    let removed = mgr.remove("needs-ok").unwrap();
    assert_eq!(removed.script_removed.as_deref(), Some(script.as_path()));
    assert!(!script.exists());
    assert!(mgr.list().unwrap().is_empty());
    let (committed, _) = try_commit(r, "a.txt", "no hook");
    assert!(committed);
    assert!(mgr.validate().unwrap().ok);
}

#[test]
fn the_script_stays_while_other_hooks_of_the_event_remain() {
    let d = repo();
    let r = d.path();
    let mgr = HookManager::new(r).with_ggen(SHIM);
    mgr.create(hook(
        "one",
        HookEvent::PreCommit,
        "echo one >> hooks-ran.txt",
    ))
    .unwrap();
    let second = mgr
        .create(hook(
            "two",
            HookEvent::PreCommit,
            "echo two >> hooks-ran.txt",
        ))
        .unwrap();
    assert!(!second.script_written, "ggen's script was already in place");
    let (committed, _) = try_commit(r, "a.txt", "both");
    assert!(committed);
    assert_eq!(
        std::fs::read_to_string(r.join("hooks-ran.txt")).unwrap(),
        "one\ntwo\n"
    );
    let out = mgr.remove("one").unwrap();
    assert!(out.script_removed.is_none());
    assert!(r.join(".git/hooks/pre-commit").exists());

    let dup = mgr
        .create(hook("two", HookEvent::PrePush, "true"))
        .unwrap_err();
    assert!(dup.to_string().contains("already exists"));
    let err = mgr.remove("nope").unwrap_err();
    assert_eq!(err.to_string(), "no hook named `nope` in .ggen/hooks.toml");
    let bad = mgr
        .create(hook("bad", HookEvent::PreCommit, "if then fi ("))
        .unwrap_err();
    assert!(bad.to_string().contains("does not parse"), "{bad}");
}

#[test]
fn run_stops_at_the_first_failure() {
    let d = repo();
    let r = d.path();
    let mgr = HookManager::new(r).with_ggen(SHIM);
    mgr.create(hook("first", HookEvent::PrePush, "echo first; exit 7"))
        .unwrap();
    mgr.create(hook(
        "second",
        HookEvent::PrePush,
        "echo second > second.txt",
    ))
    .unwrap();
    mgr.create(hook("disabled", HookEvent::PostMerge, "true"))
        .unwrap();
    mgr.set_enabled("disabled", false).unwrap();
    let reporter = RecordingReporter::new();
    let report = mgr
        .run(
            HookEvent::PrePush,
            &[],
            Some(b"refs/heads/main abc refs/heads/main def\n"),
            &reporter,
        )
        .unwrap();
    assert!(!report.ok);
    assert_eq!(report.executions.len(), 1);
    assert_eq!(report.executions[0].exit_code, Some(7));
    assert_eq!(report.executions[0].output_tail, vec!["first"]);
    assert_eq!(report.not_run, vec!["second"]);
    assert!(!r.join("second.txt").exists());
    assert_eq!(reporter.lines_of("first"), vec!["first"]);
    let report = mgr
        .run(HookEvent::PostMerge, &[], None, &NullReporter)
        .unwrap();
    assert!(report.ok && report.executions.is_empty());
}

#[test]
fn foreign_hook_is_refused_or_chained_and_restored() {
    let d = repo();
    let r = d.path();
    let script = r.join(".git/hooks/pre-commit");
    let foreign = "#!/bin/sh\necho foreign >> foreign-ran.txt\ntest ! -f foreign-blocks\n";
    std::fs::write(&script, foreign).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mgr = HookManager::new(r).with_ggen(SHIM);

    let err = mgr
        .create(hook(
            "ggen-check",
            HookEvent::PreCommit,
            "echo ggen >> ggen-ran.txt",
        ))
        .unwrap_err();
    assert_eq!(err.code(), "hook-foreign");
    assert_eq!(
        std::fs::read_to_string(&script).unwrap(),
        foreign,
        "never overwritten"
    );
    assert!(
        mgr.list().unwrap().is_empty(),
        "no record without an installed script"
    );

    let mut chained = hook(
        "ggen-check",
        HookEvent::PreCommit,
        "echo ggen >> ggen-ran.txt",
    );
    chained.chain = true;
    let out = mgr.create(chained).unwrap();
    let kept = r.join(".git/hooks/pre-commit.ggen-chained");
    assert_eq!(out.chained.as_deref(), Some(kept.as_path()));
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), foreign);

    let (committed, _) = try_commit(r, "a.txt", "both run");
    assert!(committed);
    assert_eq!(
        std::fs::read_to_string(r.join("foreign-ran.txt")).unwrap(),
        "foreign\n"
    );
    assert_eq!(
        std::fs::read_to_string(r.join("ggen-ran.txt")).unwrap(),
        "ggen\n"
    );

    // The foreign hook's failure still blocks the commit, before ggen's hooks run.
    std::fs::write(r.join("foreign-blocks"), "").unwrap();
    let (committed, _) = try_commit(r, "a.txt", "foreign says no");
    assert!(!committed);
    assert_eq!(
        std::fs::read_to_string(r.join("ggen-ran.txt")).unwrap(),
        "ggen\n"
    );
    std::fs::remove_file(r.join("foreign-blocks")).unwrap();

    let removed = mgr.remove("ggen-check").unwrap();
    assert_eq!(removed.restored.as_deref(), Some(script.as_path()));
    assert_eq!(std::fs::read_to_string(&script).unwrap(), foreign);
    assert!(!kept.exists());
}

#[test]
fn core_hooks_path_is_honoured() {
    let d = repo();
    let r = d.path();
    git(r, &["config", "core.hooksPath", ".githooks"]);
    let mgr = HookManager::new(r).with_ggen(SHIM);
    assert_eq!(mgr.hooks_dir().unwrap(), r.join(".githooks"));
    mgr.create(hook(
        "marker",
        HookEvent::PreCommit,
        "echo ran > hook-ran.txt",
    ))
    .unwrap();
    assert!(r.join(".githooks/pre-commit").exists());
    assert!(!r.join(".git/hooks/pre-commit").exists());
    let (committed, _) = try_commit(r, "a.txt", "via hooksPath");
    assert!(committed);
    assert!(r.join("hook-ran.txt").exists());
}

#[test]
fn linked_worktrees_share_the_hooks() {
    let d = repo();
    let r = d.path();
    let wt: PathBuf = r.join("wt");
    git(
        r,
        &["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()],
    );
    let mgr = HookManager::new(&wt).with_ggen(SHIM);
    let dir = mgr.hooks_dir().unwrap().canonicalize().unwrap();
    assert_eq!(dir, r.join(".git/hooks").canonicalize().unwrap());
    mgr.create(hook("wt-check", HookEvent::PreCommit, "test -f allow"))
        .unwrap();
    let (committed, _) = try_commit(&wt, "b.txt", "blocked in worktree");
    assert!(!committed);
    std::fs::write(wt.join("allow"), "").unwrap();
    let (committed, _) = try_commit(&wt, "b.txt", "allowed in worktree");
    assert!(committed);
    assert_eq!(mgr.read_log(None).unwrap().entries.len(), 2);
}

#[test]
fn project_in_a_subdirectory_and_commit_msg_arguments() {
    let d = repo();
    let r = d.path();
    let project = r.join("services/shop");
    std::fs::create_dir_all(&project).unwrap();
    let mgr = HookManager::new(&project).with_ggen(SHIM);
    // Runs in the project directory, with git's message file as $1.
    mgr.create(hook(
        "ticket",
        HookEvent::CommitMsg,
        "test -f project-marker && grep -q 'SHOP-[0-9]' \"$1\"",
    ))
    .unwrap();
    std::fs::write(project.join("project-marker"), "").unwrap();
    let text = std::fs::read_to_string(r.join(".git/hooks/commit-msg")).unwrap();
    assert!(text.contains("cd services/shop || exit 1"), "{text}");
    let (committed, _) = try_commit(r, "c.txt", "no ticket");
    assert!(!committed);
    let (committed, _) = try_commit(r, "c.txt", "SHOP-12 add carts");
    assert!(committed);
    assert!(project.join(".ggen/hooks.log").exists());
}

#[test]
fn validate_compares_records_with_scripts() {
    let d = repo();
    let r = d.path();
    let mgr = HookManager::new(r).with_ggen(SHIM);
    mgr.create(hook("check", HookEvent::PreCommit, "true"))
        .unwrap();
    mgr.create(hook("regen", HookEvent::PostMerge, "true"))
        .unwrap();
    let v = mgr.validate().unwrap();
    assert!(v.ok, "{:?}", v.issues);
    assert_eq!(v.records, 2);

    std::fs::remove_file(r.join(".git/hooks/post-merge")).unwrap();
    std::fs::write(
        r.join(".git/hooks/pre-push"),
        "#!/bin/sh\n# ggen-hook: managed by ggen\n# ggen-project: .\n# ggen-command: ggen\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            r.join(".git/hooks/pre-commit"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    let v = mgr.validate().unwrap();
    assert!(!v.ok);
    let problems: Vec<String> = v.issues.iter().map(|i| i.problem.clone()).collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems[0].ends_with("pre-commit is not executable"),
        "{problems:?}"
    );
    assert!(
        problems[1].ends_with("pre-push is installed but no hook is recorded for pre-push"),
        "{problems:?}"
    );
    assert!(
        problems[2].ends_with("post-merge is not installed"),
        "{problems:?}"
    );
}

#[test]
fn on_change_hooks_run_for_matching_files_and_from_the_watcher() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    let mgr = HookManager::new(r);
    let mut h = hook(
        "regen",
        HookEvent::OnChange,
        "cat data/in.txt > out.txt; echo \"$GGEN_CHANGED_FILES\" >> changed.log",
    );
    let err = mgr.create(h.clone()).unwrap_err();
    assert!(err.to_string().contains("needs watch patterns"));
    h.watch = vec!["data/*.txt".into()];
    let out = mgr.create(h).unwrap();
    assert!(
        out.script.is_none(),
        "on-change hooks install no git script"
    );

    std::fs::create_dir_all(r.join("data")).unwrap();
    std::fs::write(r.join("data/in.txt"), "one\n").unwrap();
    let report = mgr
        .run_on_change(&["README.md".into()], &NullReporter)
        .unwrap();
    assert!(report.executions.is_empty());
    let report = mgr
        .run_on_change(&["data/in.txt".into()], &NullReporter)
        .unwrap();
    assert!(report.ok);
    assert_eq!(std::fs::read_to_string(r.join("out.txt")).unwrap(), "one\n");

    // The watcher picks up a real change.
    std::fs::remove_file(r.join("out.txt")).unwrap();
    let stop = AtomicBool::new(false);
    let batches = std::sync::Mutex::new(0usize);
    std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            let mut count = 0;
            let res = mgr.watch(
                &WatchOptions {
                    debounce: Duration::from_millis(100),
                },
                &stop,
                &NullReporter,
                &mut |_| count += 1,
            );
            *batches.lock().unwrap() = count;
            res
        });
        let deadline = Instant::now() + Duration::from_secs(15);
        // Keep changing the file until the hook has run (the watcher needs a moment to start).
        let mut n = 0;
        while !r.join("out.txt").exists() && Instant::now() < deadline {
            n += 1;
            std::fs::write(r.join("data/in.txt"), format!("change {n}\n")).unwrap();
            std::thread::sleep(Duration::from_millis(300));
        }
        stop.store(true, Ordering::SeqCst);
        watcher.join().unwrap().unwrap();
    });
    let out = std::fs::read_to_string(r.join("out.txt")).unwrap();
    assert!(out.starts_with("change "), "{out}");
    assert!(*batches.lock().unwrap() >= 1);
    assert!(
        std::fs::read_to_string(r.join("changed.log"))
            .unwrap()
            .contains("data/in.txt")
    );
    let log = mgr.read_log(None).unwrap();
    assert!(
        log.entries
            .iter()
            .all(|e| e.event == HookEvent::OnChange && e.status == HookStatus::Passed)
    );
}

#[test]
fn hook_commands_find_the_ggen_that_runs_them() {
    let d = repo();
    let r = d.path();
    let bin = tempfile::tempdir().unwrap();
    let ggen = bin.path().join("ggen");
    std::fs::write(
        &ggen,
        "#!/bin/sh\necho \"ggen called with: $*\" > ggen-called.txt\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ggen, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mgr = HookManager::new(r).with_ggen(ggen.to_str().unwrap());
    mgr.create(hook(
        "sync",
        HookEvent::PostMerge,
        "ggen project diff --check",
    ))
    .unwrap();
    let report = mgr
        .run(HookEvent::PostMerge, &["0".into()], None, &NullReporter)
        .unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(
        std::fs::read_to_string(r.join("ggen-called.txt")).unwrap(),
        "ggen called with: project diff --check\n"
    );
}
