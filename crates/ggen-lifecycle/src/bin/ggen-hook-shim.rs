//! A minimal stand-in for `ggen hook run <event> [args...]`, so that the integration tests can
//! drive real `git commit`s through installed hook scripts before the `ggen` CLI exists. It is
//! also the reference for how the CLI wires [`HookManager::run`]: project = current directory
//! (the installed script changes into it), live output to stderr, exit 1 when a hook failed.

use std::io::{Read, Write};
use std::process::ExitCode;

use ggen_lifecycle::WriterReporter;
use ggen_lifecycle::hooks::{HookEvent, HookManager};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stderr = std::io::stderr();
    let (Some("hook"), Some("run"), Some(event)) = (
        args.first().map(String::as_str),
        args.get(1).map(String::as_str),
        args.get(2),
    ) else {
        let _ = writeln!(stderr, "usage: ggen-hook-shim hook run <event> [args...]");
        return ExitCode::from(2);
    };
    let Some(event) = HookEvent::from_name(event) else {
        let _ = writeln!(stderr, "unknown hook event `{event}`");
        return ExitCode::from(2);
    };
    let hook_args: Vec<String> = args.iter().skip(3).cloned().collect();
    let mut input = Vec::new();
    if event == HookEvent::PrePush {
        let _ = std::io::stdin().read_to_end(&mut input);
    }
    let root = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(stderr, "cannot read the current directory: {e}");
            return ExitCode::from(2);
        }
    };
    let reporter = WriterReporter::new(std::io::stderr());
    let stdin = (event == HookEvent::PrePush).then_some(input.as_slice());
    match HookManager::new(root).run(event, &hook_args, stdin, &reporter) {
        Ok(report) if report.ok => ExitCode::SUCCESS,
        Ok(report) => {
            let failed = report
                .executions
                .last()
                .map(|e| e.hook.clone())
                .unwrap_or_default();
            let _ = writeln!(stderr, "ggen: {event} hook `{failed}` failed");
            ExitCode::from(1)
        }
        Err(e) => {
            let _ = writeln!(stderr, "ggen: {e}");
            ExitCode::from(2)
        }
    }
}
