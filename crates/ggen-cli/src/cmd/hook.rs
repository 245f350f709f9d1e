//! `ggen hook …`: git hooks that keep generated code honest.

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;
use ggen_lifecycle::hooks::{
    HOOKS_FILE, HookEvent, HookManager, HookRecord, HookRunReport, HookStatus, NewHook,
    WatchOptions,
};
use serde_json::json;

use crate::cmd::Ctx;
use crate::cmd::lifecycle::live::{LiveReporter, cancel_flag, cancelled, ggen_exe, indented, ms};
use crate::output::{CmdError, Report, eprint_line, exit};

/// Event names accepted on the command line.
const EVENTS: [&str; 6] = [
    "pre-commit",
    "pre-push",
    "post-merge",
    "post-checkout",
    "commit-msg",
    "on-change",
];

/// `ggen hook …`
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Record a hook and install the git hook script that runs it.
    #[command(
        after_help = "Examples:\n  ggen hook create pre-commit --name ggen-sync --run \"ggen project diff --check\"\n  ggen hook create on-change --name regen --run \"ggen project gen\" --watch 'ontology/**/*.ttl'"
    )]
    Create {
        /// When it runs: pre-commit, pre-push, post-merge, post-checkout, commit-msg or on-change.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(EVENTS))]
        event: String,
        /// Unique name (letters, digits, `.`, `_`, `-`).
        #[arg(long)]
        name: String,
        /// The shell command (run with `sh -c` in the project directory; `ggen` is this ggen).
        #[arg(long = "run", value_name = "COMMAND")]
        command: String,
        /// Files that trigger an on-change hook (glob, repeatable).
        #[arg(long, value_name = "GLOB")]
        watch: Vec<String>,
        /// Keep a hook script ggen did not write and run it before ggen's hooks.
        #[arg(long)]
        chain: bool,
        /// Replace a hook of the same name; chain to a foreign hook script (never overwrite it).
        #[arg(long)]
        force: bool,
        /// Record the hook disabled.
        #[arg(long)]
        disabled: bool,
    },
    /// List the recorded hooks.
    #[command(after_help = "Example:\n  ggen hook list --json")]
    List,
    /// Remove a hook (and ggen's git hook script when it was the last one of its event).
    #[command(after_help = "Example:\n  ggen hook remove ggen-sync")]
    Remove {
        /// The hook name.
        name: String,
    },
    /// Run the enabled hooks of an event in order (the installed git hook scripts call this).
    #[command(after_help = "Example:\n  ggen hook run pre-commit")]
    Run {
        /// The event.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(EVENTS))]
        event: String,
        /// Git's hook arguments, passed on as $1, $2, ... (after `--` when one starts with `-`).
        args: Vec<String>,
    },
    /// Check the records against the installed scripts (exit 1 on problems).
    #[command(after_help = "Example:\n  ggen hook validate")]
    Validate,
    /// Show the hook execution log; with --watch, run on-change hooks as files change.
    #[command(
        after_help = "Examples:\n  ggen hook monitor --limit 20\n  ggen hook monitor --watch"
    )]
    Monitor {
        /// Watch the project and run on-change hooks until Ctrl-C.
        #[arg(long)]
        watch: bool,
        /// Show only the last N log entries.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
}

/// Dispatch `ggen hook …`.
pub fn run(ctx: &Ctx, cmd: HookCommand) -> Result<Report, CmdError> {
    let root = hooks_root(ctx)?;
    let manager = HookManager::new(&root)
        .with_ggen(ggen_exe().to_string_lossy().into_owned())
        .with_cancel(cancel_flag());
    match cmd {
        HookCommand::Create {
            event,
            name,
            command,
            watch,
            chain,
            force,
            disabled,
        } => create(
            ctx,
            &manager,
            NewHook {
                name,
                event: event_of(&event)?,
                command,
                watch,
                enabled: !disabled,
                chain: chain || force,
            },
            force,
        ),
        HookCommand::List => list(&manager),
        HookCommand::Remove { name } => remove(&manager, &name),
        HookCommand::Run { event, args } => run_event(ctx, &manager, event_of(&event)?, &args),
        HookCommand::Validate => validate(&manager),
        HookCommand::Monitor { watch, limit } => {
            if watch {
                monitor_watch(ctx, &manager)
            } else {
                monitor_log(&manager, limit)
            }
        }
    }
}

fn event_of(name: &str) -> Result<HookEvent, CmdError> {
    HookEvent::from_name(name)
        .ok_or_else(|| CmdError::new("usage", format!("unknown hook event `{name}`")))
}

/// Where `.ggen/hooks.toml` lives: the nearest directory with ggen.toml, make.toml or
/// `.ggen/hooks.toml`, else the current directory. The installed scripts change into it
/// before calling `ggen hook run`, so every command resolves the same directory.
fn hooks_root(ctx: &Ctx) -> Result<PathBuf, CmdError> {
    let cwd = ctx.cwd()?;
    let found = cwd.ancestors().find(|d| {
        d.join(ggen_engine::MANIFEST_FILE).is_file()
            || d.join(ggen_lifecycle::MAKE_FILE).is_file()
            || d.join(HOOKS_FILE).is_file()
    });
    Ok(found.map_or(cwd.clone(), |d| d.to_path_buf()))
}

fn lc(e: ggen_lifecycle::Error) -> CmdError {
    CmdError::diag(&e)
}

fn create(ctx: &Ctx, manager: &HookManager, new: NewHook, force: bool) -> Result<Report, CmdError> {
    let existing = manager
        .list()
        .map_err(lc)?
        .into_iter()
        .find(|r| r.name == new.name);
    let mut replaced = None;
    if let Some(old) = existing.filter(|_| force) {
        manager.remove(&old.name).map_err(lc)?;
        replaced = Some(old);
    }
    let outcome = match manager.create(new) {
        Ok(o) => o,
        Err(e) => {
            // Put the replaced hook back; the new one was refused.
            if let Some(old) = replaced {
                let restore = NewHook {
                    name: old.name.clone(),
                    event: old.event,
                    command: old.command.clone(),
                    watch: old.watch.clone(),
                    enabled: old.enabled,
                    chain: true,
                };
                if let Err(r) = manager.create(restore) {
                    ctx.warn(&format!("could not restore hook `{}`: {r}", old.name));
                }
            }
            return Err(lc(e));
        }
    };
    let r = &outcome.record;
    let mut human = format!(
        "{} hook `{}` ({}): {}\n",
        if replaced.is_some() {
            "replaced"
        } else {
            "created"
        },
        r.name,
        r.event,
        r.command
    );
    if let Some(s) = &outcome.script {
        human.push_str(&format!(
            "  {} {}\n",
            if outcome.script_written {
                "installed"
            } else {
                "already installed:"
            },
            s.display()
        ));
    }
    if let Some(c) = &outcome.chained {
        human.push_str(&format!(
            "  kept the existing hook as {} (it runs first)\n",
            c.display()
        ));
    }
    if !r.enabled {
        human.push_str("  (disabled)\n");
    }
    Ok(Report::new(
        human,
        json!({ "created": outcome, "replaced": replaced }),
    ))
}

fn record_line(r: &HookRecord) -> String {
    let mut line = format!("  {:14} {:20} {}", r.event.name(), r.name, r.command);
    if !r.watch.is_empty() {
        line.push_str(&format!("  [watch: {}]", r.watch.join(", ")));
    }
    if !r.enabled {
        line.push_str("  (disabled)");
    }
    line.push('\n');
    line
}

fn list(manager: &HookManager) -> Result<Report, CmdError> {
    let records = manager.list().map_err(lc)?;
    let hooks_dir = manager.hooks_dir().ok();
    let mut human = if records.is_empty() {
        "no hooks recorded (create one with `ggen hook create`)\n".to_owned()
    } else {
        format!("{} hook(s) in {HOOKS_FILE}\n", records.len())
    };
    for r in &records {
        human.push_str(&record_line(r));
    }
    Ok(Report::new(
        human,
        json!({
            "root": manager.root(),
            "records_file": manager.records_path(),
            "hooks_dir": hooks_dir,
            "hooks": records,
        }),
    ))
}

fn remove(manager: &HookManager, name: &str) -> Result<Report, CmdError> {
    let o = manager.remove(name).map_err(lc)?;
    let mut human = format!("removed hook `{}` ({})\n", o.record.name, o.record.event);
    if let Some(s) = &o.script_removed {
        human.push_str(&format!("  deleted {}\n", s.display()));
    }
    if let Some(s) = &o.restored {
        human.push_str(&format!("  restored the previous hook {}\n", s.display()));
    }
    Ok(Report::new(human, json!({ "removed": o })))
}

fn execution_lines(report: &HookRunReport, show_tail: bool) -> String {
    let mut out = String::new();
    for e in &report.executions {
        let status = match e.status {
            HookStatus::Passed => "passed",
            HookStatus::Failed => "FAILED",
            HookStatus::TimedOut => "TIMED OUT",
            HookStatus::Error => "ERROR",
            HookStatus::Cancelled => "CANCELLED",
        };
        let code = e
            .exit_code
            .map(|c| format!(" (exit code {c})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:20} {status}{code}  {}\n",
            e.hook,
            ms(e.duration_ms)
        ));
        if show_tail && e.status != HookStatus::Passed {
            out.push_str(&indented(&e.output_tail, "    | "));
        }
    }
    for n in &report.not_run {
        out.push_str(&format!("  {n:20} not run\n"));
    }
    out
}

fn run_event(
    ctx: &Ctx,
    manager: &HookManager,
    event: HookEvent,
    args: &[String],
) -> Result<Report, CmdError> {
    // git passes pre-push's refs on standard input; every hook of the event gets them.
    let mut input = Vec::new();
    if event == HookEvent::PrePush {
        std::io::stdin()
            .read_to_end(&mut input)
            .map_err(|e| CmdError::new("io", format!("cannot read standard input: {e}")))?;
    }
    let stdin = (event == HookEvent::PrePush).then_some(input.as_slice());
    let reporter = LiveReporter::new(!ctx.global.quiet, ctx.style);
    let report = if event == HookEvent::OnChange {
        manager.run_on_change(args, &reporter)
    } else {
        manager.run(event, args, stdin, &reporter)
    }
    .map_err(lc)?;
    for w in &report.warnings {
        ctx.warn(w);
    }
    let mut human = format!("{} hooks: ", event.name());
    if report.executions.is_empty() {
        human.push_str("none enabled\n");
    } else if report.ok {
        human.push_str("passed\n");
    } else {
        human.push_str("FAILED\n");
    }
    human.push_str(&execution_lines(&report, ctx.global.quiet));
    if !report.ok {
        let failed = report
            .executions
            .last()
            .map(|e| e.hook.clone())
            .unwrap_or_default();
        human.push_str(&format!(
            "ggen: {event} hook `{failed}` failed; the git operation is stopped\n"
        ));
    }
    let code = if cancelled() {
        exit::ERROR
    } else if report.ok {
        exit::OK
    } else {
        exit::CHECK_FAILED
    };
    Ok(Report::new(human, json!({ "run": report })).with_exit(code))
}

fn validate(manager: &HookManager) -> Result<Report, CmdError> {
    let v = manager.validate().map_err(lc)?;
    let mut human = if v.ok {
        format!(
            "hooks ok: {} record(s) match the installed scripts\n",
            v.records
        )
    } else {
        format!("hooks: {} problem(s)\n", v.issues.len())
    };
    for i in &v.issues {
        let who = match (&i.hook, i.event) {
            (Some(h), _) => format!("hook `{h}`: "),
            (None, Some(e)) => format!("{e}: "),
            (None, None) => String::new(),
        };
        human.push_str(&format!("  - {who}{}\n", i.problem));
    }
    let code = if v.ok { exit::OK } else { exit::CHECK_FAILED };
    Ok(Report::new(human, json!({ "validation": v })).with_exit(code))
}

fn monitor_log(manager: &HookManager, limit: Option<usize>) -> Result<Report, CmdError> {
    let log = manager.read_log(limit).map_err(lc)?;
    let mut human = if log.entries.is_empty() {
        "no hook executions logged yet\n".to_owned()
    } else {
        String::new()
    };
    for e in &log.entries {
        let status = serde_json::to_value(e.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        human.push_str(&format!(
            "{}  {:14} {:20} {:10} {}\n",
            e.time,
            e.event.name(),
            e.hook,
            status,
            ms(e.duration_ms)
        ));
    }
    if log.malformed_lines > 0 {
        human.push_str(&format!(
            "({} malformed line(s) in the log skipped)\n",
            log.malformed_lines
        ));
    }
    Ok(Report::new(human, json!({ "log": log })))
}

fn monitor_watch(ctx: &Ctx, manager: &HookManager) -> Result<Report, CmdError> {
    let on_change: Vec<HookRecord> = manager
        .list()
        .map_err(lc)?
        .into_iter()
        .filter(|r| r.event == HookEvent::OnChange)
        .collect();
    if on_change.is_empty() {
        ctx.warn("no on-change hooks are recorded yet; records are re-read on every change");
    }
    if !ctx.global.quiet {
        eprint_line(&format!(
            "watching {} for changes (Ctrl-C to stop)",
            manager.root().display()
        ));
    }
    let stop = cancel_flag();
    let reporter = LiveReporter::new(!ctx.global.quiet, ctx.style);
    let mut batches = Vec::new();
    let quiet = ctx.global.quiet;
    manager
        .watch(&WatchOptions::default(), &stop, &reporter, &mut |report| {
            if !quiet {
                eprint_line(execution_lines(report, false).trim_end());
            }
            batches.push(report.clone());
        })
        .map_err(lc)?;
    let failed = batches.iter().filter(|b| !b.ok).count();
    let human = format!(
        "stopped watching: {} batch(es) of on-change hooks, {failed} failed\n",
        batches.len()
    );
    Ok(Report::new(human, json!({ "batches": batches })))
}
