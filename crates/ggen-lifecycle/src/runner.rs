//! Executing a [`Plan`]: commands with `sh -c` in the phase's directory, output streamed to the
//! [`Reporter`], the first failure stops the run, cached phases are skipped.
//!
//! Cache: a target is *cacheable* when its phase lists `inputs` and does not set
//! `cache = false`. It is skipped (status `cached`) when, compared with its last success,
//! (1) the commands, variables and directory are the same, (2) the input files (patterns
//! expanded, every file's path and SHA-256) are the same, and (3) every recorded output file
//! still exists with the recorded SHA-256 and the output patterns match no other file — and at
//! least one output was recorded when `outputs` are declared. `no_cache` forces the run (the
//! success is still recorded).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use ggen_core::Location;
use serde::Serialize;

use crate::duration::now_rfc3339;
use crate::error::{Error, Result};
use crate::exec::{Exit, ShellCommand, run_shell};
use crate::fileset;
use crate::plan::{Lifecycle, Plan, PlanStep, PlanTarget, RunOptions, StepReason};
use crate::report::{Reporter, StepKind, StepRef, StepStatus};
use crate::state::{CacheEntry, PhaseRun, RunRecord, StateStore, StepSummary};

/// The outcome of a run (also carried, partially, by a run's error).
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// `[project] name`.
    pub project: String,
    /// The phases asked for.
    pub requested: Vec<String>,
    /// The environment.
    pub env: Option<String>,
    /// Whether every step succeeded or was cached.
    pub ok: bool,
    /// Wall time.
    pub duration_ms: u64,
    /// Each phase in each place, in execution order.
    pub steps: Vec<StepResult>,
}

impl RunReport {
    /// Labels (`phase` / `phase@workspace`) of the steps whose commands ran.
    pub fn executed(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter(|s| !s.commands.is_empty())
            .map(StepResult::label)
            .collect()
    }

    /// Labels of the steps skipped by the cache.
    pub fn cached(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter(|s| s.status == StepStatus::Cached)
            .map(StepResult::label)
            .collect()
    }
}

/// One phase in one place.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    /// The phase.
    pub phase: String,
    /// The workspace, if any.
    pub workspace: Option<String>,
    /// Why it ran.
    pub reason: StepReason,
    /// Outcome.
    pub status: StepStatus,
    /// Wall time, including cache checks.
    pub duration_ms: u64,
    /// The commands that ran.
    pub commands: Vec<CommandResult>,
    /// Why it was cached, or what failed.
    pub message: Option<String>,
}

impl StepResult {
    /// `phase` or `phase@workspace`.
    pub fn label(&self) -> String {
        match &self.workspace {
            Some(w) => format!("{}@{w}", self.phase),
            None => self.phase.clone(),
        }
    }
}

/// One command's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct CommandResult {
    /// The command line.
    pub command: String,
    /// Exit code, when it exited.
    pub exit_code: Option<i32>,
    /// Signal, when it was killed by one (not by the timeout).
    pub signal: Option<i32>,
    /// Whether it ran past its timeout (its process group was killed).
    pub timed_out: bool,
    /// Wall time.
    pub duration_ms: u64,
}

/// Why a target failed.
enum Failure {
    Exit {
        command: String,
        code: Option<i32>,
        signal: Option<i32>,
    },
    Timeout {
        command: String,
        timeout: std::time::Duration,
    },
    Spawn {
        command: String,
        source: std::io::Error,
    },
    Cancelled,
    /// Cancelled between steps: no phase was running.
    CancelledBefore,
    Other(Error),
}

fn ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Lifecycle {
    /// Plan and run `phases` (one for `run`, several for `pipeline`).
    ///
    /// A failing command stops the run: the error ([`Error::CommandFailed`],
    /// [`Error::TimedOut`]) names phase, workspace, command and exit code and carries the
    /// partial [`RunReport`] (see [`Error::run_report`]).
    pub fn run(
        &self,
        phases: &[String],
        options: &RunOptions,
        reporter: &dyn Reporter,
    ) -> Result<RunReport> {
        let plan = self.plan(phases, options)?;
        self.run_plan(&plan, options, reporter)
    }

    /// Run an already computed plan (e.g. the one shown by `--dry-run`).
    pub fn run_plan(
        &self,
        plan: &Plan,
        options: &RunOptions,
        reporter: &dyn Reporter,
    ) -> Result<RunReport> {
        let _span = tracing::info_span!(
            "ggen.lifecycle.run",
            project = %plan.project,
            phases = ?plan.requested,
            env = plan.env.as_deref().unwrap_or("")
        )
        .entered();
        let started_at = now_rfc3339();
        let start = Instant::now();
        let store = StateStore::new(&self.root);
        // Fail early on an unreadable state file rather than after the first phase.
        store.read()?;
        let mut report = RunReport {
            project: plan.project.clone(),
            requested: plan.requested.clone(),
            env: plan.env.clone(),
            ok: true,
            duration_ms: 0,
            steps: Vec::new(),
        };
        let mut failure: Option<(String, Option<String>, Failure)> = None;
        let cancelled = || {
            options
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::SeqCst))
        };
        for step in &plan.steps {
            if cancelled() {
                failure = Some((step.phase.clone(), None, Failure::CancelledBefore));
                break;
            }
            let results = run_step(step, options, reporter, &store);
            for (target, (r, f)) in step
                .targets
                .iter()
                .zip(results)
                .filter_map(|(t, r)| r.map(|r| (t, r)))
            {
                report.steps.push(r);
                if let (Some(f), None) = (f, &failure) {
                    failure = Some((step.phase.clone(), target.workspace.clone(), f));
                }
            }
            if failure.is_some() {
                break;
            }
        }
        report.ok = failure.is_none();
        report.duration_ms = ms(start.elapsed());
        let record = RunRecord {
            started_at,
            duration_ms: report.duration_ms,
            requested: report.requested.clone(),
            env: report.env.clone(),
            ok: report.ok,
            steps: report
                .steps
                .iter()
                .map(|s| StepSummary {
                    label: s.label(),
                    status: s.status,
                    duration_ms: s.duration_ms,
                })
                .collect(),
        };
        store.update(|s| s.runs.push(record))?;
        match failure {
            None => Ok(report),
            Some((phase, workspace, f)) => Err(match f {
                Failure::Exit {
                    command,
                    code,
                    signal,
                } => Error::CommandFailed {
                    phase,
                    workspace,
                    command,
                    exit_code: code,
                    signal,
                    report: Box::new(report),
                },
                Failure::Timeout { command, timeout } => Error::TimedOut {
                    phase,
                    workspace,
                    command,
                    timeout,
                    report: Box::new(report),
                },
                Failure::Spawn { command, source } => Error::Spawn {
                    phase,
                    command,
                    source,
                },
                Failure::Cancelled => Error::Cancelled {
                    phase: Some(phase),
                    report: Box::new(report),
                },
                Failure::CancelledBefore => Error::Cancelled {
                    phase: None,
                    report: Box::new(report),
                },
                Failure::Other(e) => e,
            }),
        }
    }
}

/// A target's result, and why it failed when it did.
type TargetOutcome = (StepResult, Option<Failure>);

/// Run every target of a step (concurrently when the phase is `parallel`). Targets not started
/// because another failed first are `None`.
fn run_step(
    step: &PlanStep,
    options: &RunOptions,
    reporter: &dyn Reporter,
    store: &StateStore,
) -> Vec<Option<TargetOutcome>> {
    if !step.parallel || step.targets.len() < 2 {
        let mut out = Vec::new();
        let mut failed = false;
        for target in &step.targets {
            if failed {
                out.push(None);
                continue;
            }
            let r = run_target(step, target, options, reporter, store);
            failed = r.1.is_some();
            out.push(Some(r));
        }
        return out;
    }
    let workers = match options.max_parallel {
        0 => std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
        n => n,
    }
    .min(step.targets.len());
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let slots: Vec<std::sync::Mutex<Option<TargetOutcome>>> = step
        .targets
        .iter()
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    let work = || {
        loop {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let i = next.fetch_add(1, Ordering::SeqCst);
            let (Some(target), Some(slot)) = (step.targets.get(i), slots.get(i)) else {
                break;
            };
            let r = run_target(step, target, options, reporter, store);
            if r.1.is_some() {
                stop.store(true, Ordering::SeqCst);
            }
            if let Ok(mut s) = slot.lock() {
                *s = Some(r);
            }
        }
    };
    std::thread::scope(|scope| {
        // This thread is one of the workers; a worker the system refuses to start only means
        // fewer targets at once (this thread runs what is left).
        for _ in 1..workers {
            let _ = std::thread::Builder::new().spawn_scoped(scope, work);
        }
        work();
    });
    slots
        .into_iter()
        .map(|m| m.into_inner().ok().flatten())
        .collect()
}

fn run_target(
    step: &PlanStep,
    target: &PlanTarget,
    options: &RunOptions,
    reporter: &dyn Reporter,
    store: &StateStore,
) -> TargetOutcome {
    let step_ref = StepRef {
        name: step.phase.clone(),
        workspace: target.workspace.clone(),
        kind: StepKind::Phase,
    };
    let label = step_ref.label();
    let started_at = now_rfc3339();
    let start = Instant::now();
    let _span = tracing::info_span!(
        "ggen.lifecycle.phase",
        phase = %step.phase,
        workspace = target.workspace.as_deref().unwrap_or("")
    )
    .entered();
    reporter.step_started(&step_ref);
    let mut result = StepResult {
        phase: step.phase.clone(),
        workspace: target.workspace.clone(),
        reason: step.reason.clone(),
        status: StepStatus::Succeeded,
        duration_ms: 0,
        commands: Vec::new(),
        message: None,
    };
    let finish = |mut result: StepResult, failure: Option<Failure>| -> TargetOutcome {
        result.duration_ms = ms(start.elapsed());
        tracing::info!(
            status = ?result.status,
            duration_ms = result.duration_ms,
            "phase finished"
        );
        reporter.step_finished(
            &step_ref,
            result.status,
            result.duration_ms,
            result.message.as_deref(),
        );
        let run = PhaseRun {
            started_at: started_at.clone(),
            duration_ms: result.duration_ms,
            status: result.status,
        };
        let saved = store.update(|s| {
            s.phases.entry(label.clone()).or_default().last_run = Some(run);
        });
        match (failure, saved) {
            (Some(f), _) => (result, Some(f)),
            (None, Err(e)) => (result, Some(Failure::Other(e))),
            (None, Ok(())) => (result, None),
        }
    };

    if target.commands.is_empty() {
        result.status = StepStatus::NoCommands;
        return finish(result, None);
    }

    // Cache check. Inputs are hashed before the commands run.
    let mut fresh: Option<(String, String, usize)> = None;
    if target.cacheable {
        let key = cache_key(target);
        let inputs = match fileset::hash_matching(&target.abs_dir, &target.inputs) {
            Ok(files) => files,
            Err(message) => {
                result.status = StepStatus::Error;
                result.message = Some(message.clone());
                return finish(
                    result,
                    Some(Failure::Other(files_error(target, "inputs", &message))),
                );
            }
        };
        let inputs_digest = fileset::digest(&target.inputs, &inputs);
        if !options.no_cache {
            let previous = store
                .read()
                .ok()
                .and_then(|s| s.phases.get(&label).and_then(|p| p.last_success.clone()));
            match check_cache(previous.as_ref(), &key, &inputs_digest, target) {
                Ok(when) => {
                    result.status = StepStatus::Cached;
                    result.message = Some(format!("inputs and outputs unchanged since {when}"));
                    return finish(result, None);
                }
                Err(why) => result.message = Some(why),
            }
        }
        fresh = Some((key, inputs_digest, inputs.len()));
    }

    for command in &target.commands {
        reporter.command_started(&step_ref, command);
        let shell = ShellCommand {
            command,
            dir: &target.abs_dir,
            env: &target.env,
            timeout: target.timeout(),
            kill_grace: options.kill_grace,
            args: &[],
            name: "ggen-phase",
            stdin: None,
            cancel: options.cancel.as_deref(),
        };
        let outcome = run_shell(&shell, &mut |stream, line| {
            reporter.output_line(&step_ref, stream, line)
        });
        let (exit, took) = match outcome {
            Ok(v) => v,
            Err(source) => {
                result.status = StepStatus::Error;
                result.message = Some(format!("could not start `{command}`: {source}"));
                return finish(
                    result,
                    Some(Failure::Spawn {
                        command: command.clone(),
                        source,
                    }),
                );
            }
        };
        let (code, signal, timed_out) = match exit {
            Exit::Code(c) => (Some(c), None, false),
            Exit::Signal(s) => (None, Some(s), false),
            Exit::TimedOut => (None, None, true),
            Exit::Cancelled => (None, None, false),
        };
        result.commands.push(CommandResult {
            command: command.clone(),
            exit_code: code,
            signal,
            timed_out,
            duration_ms: ms(took),
        });
        if exit == Exit::Cancelled {
            result.status = StepStatus::Cancelled;
            result.message = Some(format!("`{command}` cancelled (process group killed)"));
            return finish(result, Some(Failure::Cancelled));
        }
        if timed_out {
            result.status = StepStatus::TimedOut;
            let timeout = target.timeout();
            result.message = Some(format!(
                "`{command}` timed out after {} (process group killed)",
                crate::duration::format_duration(timeout)
            ));
            return finish(
                result,
                Some(Failure::Timeout {
                    command: command.clone(),
                    timeout,
                }),
            );
        }
        if !exit.success() {
            result.status = StepStatus::Failed;
            result.message = Some(match (code, signal) {
                (Some(c), _) => format!("`{command}` exited with code {c}"),
                (_, Some(s)) => format!("`{command}` was killed by signal {s}"),
                _ => format!("`{command}` failed"),
            });
            return finish(
                result,
                Some(Failure::Exit {
                    command: command.clone(),
                    code,
                    signal,
                }),
            );
        }
    }

    if let Some((key, inputs_digest, input_files)) = fresh {
        let outputs = match fileset::hash_matching(&target.abs_dir, &target.outputs) {
            Ok(o) => o,
            Err(message) => {
                result.status = StepStatus::Error;
                result.message = Some(message.clone());
                return finish(
                    result,
                    Some(Failure::Other(files_error(target, "outputs", &message))),
                );
            }
        };
        let entry = CacheEntry {
            finished_at: now_rfc3339(),
            key,
            inputs_digest,
            input_files,
            outputs,
        };
        if let Err(e) = store.update(|s| {
            s.phases.entry(label.clone()).or_default().last_success = Some(entry);
        }) {
            result.status = StepStatus::Error;
            return finish(result, Some(Failure::Other(e)));
        }
    }
    finish(result, None)
}

fn files_error(target: &PlanTarget, what: &str, message: &str) -> Error {
    Error::Invalid {
        location: Location::file(&target.defined_in),
        message: format!("{what} of a phase in `{}`: {message}", target.dir),
        help: None,
    }
}

/// SHA-256 over what, besides inputs, determines a phase's result.
fn cache_key(target: &PlanTarget) -> String {
    let mut h = ggen_core::hash::Sha256Hasher::new();
    h.update(b"dir\0");
    h.update(target.dir.as_bytes());
    for c in &target.commands {
        h.update(b"\0cmd\0");
        h.update(c.as_bytes());
    }
    for (k, v) in &target.env {
        if k == "GGEN_PROJECT_ROOT" {
            continue; // moving the checkout must not invalidate the cache
        }
        h.update(b"\0env\0");
        h.update(k.as_bytes());
        h.update(b"=");
        h.update(v.as_bytes());
    }
    for o in &target.outputs {
        h.update(b"\0out\0");
        h.update(o.as_bytes());
    }
    h.finish_hex()
}

/// `Ok(time of the last success)` when the target can be skipped, `Err(reason)` otherwise.
fn check_cache(
    previous: Option<&CacheEntry>,
    key: &str,
    inputs_digest: &str,
    target: &PlanTarget,
) -> std::result::Result<String, String> {
    let Some(prev) = previous else {
        return Err("no previous success recorded".into());
    };
    if prev.key != key {
        return Err("commands, variables or outputs changed since the last success".into());
    }
    if prev.inputs_digest != inputs_digest {
        return Err("inputs changed since the last success".into());
    }
    if !target.outputs.is_empty() && prev.outputs.is_empty() {
        return Err("the last success produced none of the declared outputs".into());
    }
    let now = fileset::hash_matching(&target.abs_dir, &target.outputs)
        .map_err(|e| format!("outputs cannot be read: {e}"))?;
    for (path, sha) in &prev.outputs {
        match now.get(path) {
            None => return Err(format!("output `{path}` is missing")),
            Some(s) if s != sha => {
                return Err(format!("output `{path}` changed since the last success"));
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = now.keys().find(|p| !prev.outputs.contains_key(*p)) {
        return Err(format!("output `{extra}` appeared since the last success"));
    }
    Ok(prev.finished_at.clone())
}
