//! Lifecycle runs on fixture projects: order, environments, workspaces, timeouts, caching.

// Test helpers outside `#[test]` functions may unwrap too (clippy.toml only covers the tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::time::{Duration, Instant};

use ggen_core::Diagnostic;
use ggen_lifecycle::{
    Error, Event, Lifecycle, RecordingReporter, Reporter, RunOptions, StepReason, StepStatus,
    Stream, load_state,
};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_default()
}

fn phases(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Every command appends one line to `$GGEN_PROJECT_ROOT/run.log`.
const FIXTURE: &str = r#"
[project]
name = "fixture"
version = "0.1.0"

[workspace.web]
path = "web"

[lifecycle.setup]
description = "Check tools"
command = 'echo "setup env=$GGEN_ENV" >> "$GGEN_PROJECT_ROOT/run.log"'

[lifecycle.generate]
command = 'echo generate >> "$GGEN_PROJECT_ROOT/run.log"'

[lifecycle.lint]
command = 'echo lint >> "$GGEN_PROJECT_ROOT/run.log"'

[lifecycle.bundle]
command = 'echo "bundle dir=$(basename "$PWD") ws=$GGEN_WORKSPACE" >> "$GGEN_PROJECT_ROOT/run.log"'
workspaces = ["web"]

[lifecycle.build]
description = "Compile"
depends_on = ["generate"]
env = { MODE = "release" }
commands = [
  'echo "build level=$LOG_LEVEL mode=$MODE" >> "$GGEN_PROJECT_ROOT/run.log"',
  'echo hello-from-build; echo warn-from-build >&2',
]

[lifecycle.test]
depends_on = ["build"]
command = 'echo test >> "$GGEN_PROJECT_ROOT/run.log"'

[hooks]
before_all = ["setup"]
before_build = ["lint", "bundle"]

[env.production]
vars = { LOG_LEVEL = "warn", MODE = "production" }
"#;

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "make.toml", FIXTURE);
    std::fs::create_dir_all(dir.path().join("web")).unwrap();
    dir
}

#[test]
fn build_runs_expected_commands_in_order_once_each() {
    let dir = fixture();
    let root = dir.path();
    let lc = Lifecycle::load(root).unwrap();
    let opts = RunOptions {
        env: Some("production".into()),
        ..RunOptions::default()
    };
    let reporter = RecordingReporter::new();
    let report = lc.run(&phases(&["build"]), &opts, &reporter).unwrap();
    assert!(report.ok);
    assert_eq!(
        read(root, "run.log"),
        "setup env=production\n\
         generate\n\
         lint\n\
         bundle dir=web ws=web\n\
         build level=warn mode=production\n"
    );
    assert_eq!(
        report.executed(),
        vec!["setup", "generate", "lint", "bundle@web", "build"]
    );
    let reasons: Vec<StepReason> = report.steps.iter().map(|s| s.reason.clone()).collect();
    assert_eq!(
        reasons,
        vec![
            StepReason::BeforeAll,
            StepReason::DependencyOf("build".into()),
            StepReason::BeforeHook("build".into()),
            StepReason::BeforeHook("build".into()),
            StepReason::Requested,
        ]
    );
    // Live output reached the reporter, line by line, from both streams (two pipes: their
    // relative order is not defined).
    let mut lines: Vec<(Stream, String)> = reporter
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Output { step, stream, line } if step.label() == "build" => Some((stream, line)),
            _ => None,
        })
        .collect();
    lines.sort_by_key(|(s, _)| *s == Stream::Stderr);
    assert_eq!(
        lines,
        vec![
            (Stream::Stdout, "hello-from-build".to_string()),
            (Stream::Stderr, "warn-from-build".to_string())
        ]
    );

    // The plan (dry run) lists the same commands and runs nothing.
    std::fs::remove_file(root.join("run.log")).unwrap();
    let plan = lc.plan(&phases(&["build"]), &opts).unwrap();
    let labels: Vec<String> = plan.commands().into_iter().map(|(l, _)| l).collect();
    assert_eq!(
        labels,
        vec!["setup", "generate", "lint", "bundle@web", "build", "build"]
    );
    assert!(!root.join("run.log").exists());
    // Plans serialise to JSON.
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["steps"][3]["targets"][0]["workspace"], "web");
}

#[test]
fn pipeline_runs_each_phase_once() {
    let dir = fixture();
    let root = dir.path();
    let lc = Lifecycle::load(root).unwrap();
    let report = lc
        .run(
            &phases(&["lint", "test", "build"]),
            &RunOptions::default(),
            &RecordingReporter::new(),
        )
        .unwrap();
    assert_eq!(
        read(root, "run.log"),
        "setup env=\nlint\ngenerate\nbundle dir=web ws=web\nbuild level= mode=release\ntest\n"
    );
    assert_eq!(report.steps.len(), 6);
    let state = load_state(root).unwrap();
    assert_eq!(state.runs.len(), 1);
    assert!(state.runs[0].ok);
    assert_eq!(state.runs[0].requested, vec!["lint", "test", "build"]);
    assert_eq!(
        state.phases["bundle@web"].last_run.as_ref().unwrap().status,
        StepStatus::Succeeded
    );
}

#[test]
fn cycle_is_rejected_with_the_cycle_named() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "make.toml",
        "[project]\nname = \"c\"\n\n[lifecycle.a]\ncommand = \"true\"\ndepends_on = [\"b\"]\n\n\
         [lifecycle.b]\ncommand = \"true\"\ndepends_on = [\"c\"]\n\n\
         [lifecycle.c]\ncommand = \"true\"\ndepends_on = [\"a\"]\n",
    );
    let err = Lifecycle::load(dir.path()).unwrap_err();
    assert_eq!(err.code(), "lifecycle-cycle");
    let msg = err.to_string();
    assert!(msg.contains("dependency cycle: a -> b -> c -> a"), "{msg}");
    let loc = err.location().unwrap();
    assert!(loc.file.ends_with("make.toml"));
    assert_eq!((loc.line, loc.column), (Some(14), Some(1)));
}

/// Is `pid` a running (not zombie) process?
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => false,
        Ok(stat) => {
            let state = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .chars()
                .next();
            state != Some('Z')
        }
    }
}

#[test]
fn timeout_kills_command_and_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "make.toml",
        r#"
[project]
name = "slow"

[lifecycle.slow]
command = 'sleep 60 & echo $! > child.pid; echo started; wait'
timeout = "1s"

[lifecycle.after]
depends_on = ["slow"]
command = 'echo should-not-run > after.txt'
"#,
    );
    let lc = Lifecycle::load(root).unwrap();
    let opts = RunOptions {
        kill_grace: Duration::from_millis(500),
        ..RunOptions::default()
    };
    let reporter = RecordingReporter::new();
    let err = lc.run(&phases(&["after"]), &opts, &reporter).unwrap_err();
    assert_eq!(err.code(), "lifecycle-timeout");
    assert_eq!(
        err.to_string(),
        "phase `slow`: command `sleep 60 & echo $! > child.pid; echo started; wait` timed out after 1s and was killed (with its process group)"
    );
    let report = err.run_report().unwrap();
    assert!(!report.ok);
    assert_eq!(report.steps.len(), 1);
    assert_eq!(report.steps[0].status, StepStatus::TimedOut);
    assert!(report.steps[0].commands[0].timed_out);
    assert_eq!(reporter.lines_of("slow"), vec!["started"]);
    assert!(!root.join("after.txt").exists());

    // The grandchild `sleep 60` was killed with the group.
    let pid: u32 = read(root, "child.pid").trim().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!alive(pid), "grandchild {pid} survived the timeout");

    let state = load_state(root).unwrap();
    assert!(!state.runs[0].ok);
    assert_eq!(state.runs[0].steps[0].status, StepStatus::TimedOut);
}

#[test]
fn failing_command_stops_the_run_naming_phase_command_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "make.toml",
        r#"
[project]
name = "fail"

[lifecycle.check]
commands = ["echo one", "exit 3", "echo never > never.txt"]

[lifecycle.ship]
depends_on = ["check"]
command = "echo shipped > shipped.txt"

[hooks]
after_all = ["ship"]
"#,
    );
    let lc = Lifecycle::load(root).unwrap();
    let err = lc
        .run(
            &phases(&["check"]),
            &RunOptions::default(),
            &RecordingReporter::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "lifecycle-command-failed");
    assert_eq!(
        err.to_string(),
        "phase `check`: command `exit 3` failed with exit code 3"
    );
    match &err {
        Error::CommandFailed { exit_code, .. } => assert_eq!(*exit_code, Some(3)),
        other => panic!("unexpected {other:?}"),
    }
    assert!(!root.join("never.txt").exists());
    assert!(
        !root.join("shipped.txt").exists(),
        "after_all must not run after a failure"
    );
    let steps = &err.run_report().unwrap().steps;
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].commands.len(), 2);
}

#[test]
fn unchanged_inputs_skip_the_cached_phase() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "make.toml",
        r#"
[project]
name = "cache"

[lifecycle.compile]
command = 'mkdir -p out && cat src/*.txt > out/result.txt && echo ran >> count.log'
inputs = ["src/**"]
outputs = ["out/result.txt"]
"#,
    );
    write(root, "src/a.txt", "alpha\n");
    let lc = Lifecycle::load(root).unwrap();
    let run = |opts: &RunOptions| {
        lc.run(&phases(&["compile"]), opts, &RecordingReporter::new())
            .unwrap()
    };
    let defaults = RunOptions::default();

    let r1 = run(&defaults);
    assert_eq!(r1.executed(), vec!["compile"]);
    assert_eq!(
        r1.steps[0].message.as_deref(),
        Some("no previous success recorded")
    );
    let r2 = run(&defaults);
    assert_eq!(r2.cached(), vec!["compile"]);
    assert!(r2.executed().is_empty());
    assert!(
        r2.steps[0]
            .message
            .as_deref()
            .unwrap()
            .starts_with("inputs and outputs unchanged since ")
    );
    assert_eq!(read(root, "count.log"), "ran\n");

    // A changed input reruns it.
    write(root, "src/a.txt", "beta\n");
    let r3 = run(&defaults);
    assert_eq!(r3.executed(), vec!["compile"]);
    assert_eq!(
        r3.steps[0].message.as_deref(),
        Some("inputs changed since the last success")
    );
    assert_eq!(read(root, "out/result.txt"), "beta\n");
    assert_eq!(run(&defaults).cached(), vec!["compile"]);

    // A new input file too.
    write(root, "src/b.txt", "gamma\n");
    assert_eq!(run(&defaults).executed(), vec!["compile"]);

    // A modified or missing output reruns it.
    write(root, "out/result.txt", "tampered\n");
    let r = run(&defaults);
    assert_eq!(r.executed(), vec!["compile"]);
    assert_eq!(
        r.steps[0].message.as_deref(),
        Some("output `out/result.txt` changed since the last success")
    );
    std::fs::remove_file(root.join("out/result.txt")).unwrap();
    let r = run(&defaults);
    assert_eq!(
        r.steps[0].message.as_deref(),
        Some("output `out/result.txt` is missing")
    );

    // no_cache forces a run.
    let forced = RunOptions {
        no_cache: true,
        ..RunOptions::default()
    };
    assert_eq!(run(&forced).executed(), vec!["compile"]);
    assert_eq!(read(root, "count.log").lines().count(), 6);

    // A different environment (variables) is a different cache key.
    let prod = RunOptions {
        env: Some("production".into()),
        ..RunOptions::default()
    };
    assert_eq!(run(&prod).executed(), vec!["compile"]);
    assert_eq!(run(&prod).cached(), vec!["compile"]);

    let state = load_state(root).unwrap();
    let entry = state.phases["compile"].last_success.as_ref().unwrap();
    assert_eq!(entry.input_files, 2);
    assert!(entry.outputs.contains_key("out/result.txt"));
}

#[test]
fn parallel_workspaces_run_concurrently_with_prefixed_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Each side waits for the other to start: run one after the other, the first would time out.
    write(
        root,
        "make.toml",
        r#"
[project]
name = "mono"

[workspace.a]
path = "apps/a"

[workspace.b]
path = "apps/b"

[lifecycle.build]
command = 'touch "$GGEN_PROJECT_ROOT/$GGEN_WORKSPACE.started"; for i in $(seq 1 200); do [ -f "$GGEN_PROJECT_ROOT/$OTHER.started" ] && break; sleep 0.05; done; [ -f "$GGEN_PROJECT_ROOT/$OTHER.started" ] && echo "saw $OTHER"'
workspaces = ["*"]
parallel = true
timeout = "20s"
"#,
    );
    // The workspaces' own make.toml files set OTHER for the phase (v2.5 monorepo layout).
    let ws_file = |other: &str| {
        format!(
            "[lifecycle.build]\nenv = {{ OTHER = \"{other}\" }}\ncommand = '''{}'''\ntimeout = \"20s\"\n",
            r#"touch "$GGEN_PROJECT_ROOT/$GGEN_WORKSPACE.started"; for i in $(seq 1 200); do [ -f "$GGEN_PROJECT_ROOT/$OTHER.started" ] && break; sleep 0.05; done; [ -f "$GGEN_PROJECT_ROOT/$OTHER.started" ] && echo "saw $OTHER""#
        )
    };
    write(root, "apps/a/make.toml", &ws_file("b"));
    write(root, "apps/b/make.toml", &ws_file("a"));
    let lc = Lifecycle::load(root).unwrap();
    assert_eq!(lc.workspace_files.len(), 2);
    let reporter = RecordingReporter::new();
    let report = lc
        .run(&phases(&["build"]), &RunOptions::default(), &reporter)
        .unwrap();
    assert_eq!(report.executed(), vec!["build@a", "build@b"]);
    assert_eq!(reporter.lines_of("build@a"), vec!["saw b"]);
    assert_eq!(reporter.lines_of("build@b"), vec!["saw a"]);

    // The writer reporter prefixes workspace output.
    let text = ggen_lifecycle::WriterReporter::new(Vec::new());
    for e in reporter.events() {
        if let ggen_lifecycle::Event::Output { step, stream, line } = e {
            text.output_line(&step, stream, &line);
        }
    }
    let out = String::from_utf8(text.into_inner()).unwrap();
    assert!(
        out.contains("[a] saw b\n") && out.contains("[b] saw a\n"),
        "{out}"
    );
}

#[test]
fn workspace_outside_root_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(dir.path().join("outside")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("outside"), root.join("link")).unwrap();
    write(
        &root,
        "make.toml",
        "[project]\nname = \"x\"\n[workspace.w]\npath = \"link\"\n[lifecycle.b]\ncommand = \"true\"\nworkspaces = [\"w\"]\n",
    );
    let lc = Lifecycle::load(&root).unwrap();
    let err = lc
        .plan(&phases(&["b"]), &RunOptions::default())
        .unwrap_err();
    assert_eq!(err.code(), "lifecycle-workspace-outside-root");

    write(
        &root,
        "make.toml",
        "[project]\nname = \"x\"\n[workspace.w]\npath = \"../outside\"\n",
    );
    let err = Lifecycle::load(&root).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:4:8: workspace `w` path `../outside` is outside the project root",
            root.join("make.toml").display()
        )
    );
}

#[test]
fn cancellation_kills_the_running_phase_and_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "make.toml",
        r#"
[project]
name = "cancel"

[lifecycle.long]
command = 'sleep 60 & echo $! > child.pid; wait'

[lifecycle.next]
depends_on = ["long"]
command = 'touch next-ran'
"#,
    );
    let lc = Lifecycle::load(root).unwrap();
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let opts = RunOptions {
        cancel: Some(cancel.clone()),
        kill_grace: Duration::from_millis(300),
        ..RunOptions::default()
    };
    let err = std::thread::scope(|s| {
        s.spawn(|| {
            let deadline = Instant::now() + Duration::from_secs(20);
            while !root.join("child.pid").exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        lc.run(&phases(&["next"]), &opts, &RecordingReporter::new())
            .unwrap_err()
    });
    assert_eq!(err.code(), "cancelled");
    assert_eq!(err.to_string(), "run cancelled during phase `long`");
    let report = err.run_report().unwrap();
    assert_eq!(report.steps.len(), 1);
    assert_eq!(report.steps[0].status, StepStatus::Cancelled);
    assert!(!root.join("next-ran").exists());
    let pid: u32 = read(root, "child.pid").trim().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!alive(pid), "grandchild {pid} survived cancellation");
}

#[test]
fn list_shows_phases_with_their_last_runs() {
    let dir = fixture();
    let root = dir.path();
    let lc = Lifecycle::load(root).unwrap();
    lc.run(
        &phases(&["build"]),
        &RunOptions::default(),
        &RecordingReporter::new(),
    )
    .unwrap();
    let list = lc.list().unwrap();
    let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["build", "bundle", "generate", "lint", "setup", "test"]
    );
    let build = &list[0];
    assert_eq!(build.description.as_deref(), Some("Compile"));
    assert_eq!(build.depends_on, vec!["generate"]);
    assert_eq!(build.before, vec!["lint", "bundle"]);
    assert_eq!(build.last_runs["build"].status, StepStatus::Succeeded);
    assert_eq!(
        list[1].last_runs.keys().collect::<Vec<_>>(),
        vec!["bundle@web"]
    );
    assert!(list[5].last_runs.is_empty(), "test did not run");
    let json = serde_json::to_value(&list).unwrap();
    assert_eq!(json[1]["targets"]["kind"], "workspaces");
}
