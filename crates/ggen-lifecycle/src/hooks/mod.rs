//! Git hooks that run.
//!
//! Records live in `.ggen/hooks.toml` (`[[hook]]` tables: `name`, `event`, `command`,
//! `enabled`, and `watch` globs for `on-change`). For git events, [`HookManager::create`]
//! installs `<hooks dir>/<event>` — the directory from `git rev-parse --git-path hooks`, so
//! `core.hooksPath` and linked worktrees are honoured — as a small POSIX `sh` script with a
//! marker line that runs `<ggen> hook run <event> "$@"` from the project directory. A hook script
//! ggen did not write is never overwritten: with `chain = true` it is renamed to
//! `<event>.ggen-chained` and ggen's script runs it first (same arguments and input; its failure
//! aborts); otherwise creation fails with [`Error::ForeignHook`]. [`HookManager::remove`]
//! deletes the record and, when no record remains for the event, ggen's script, restoring a
//! chained hook. [`HookManager::run`] runs the event's enabled hooks in order (`sh -c`, in the
//! project directory, with git's hook arguments as `$1`, `$2`, ...), stops at the first failure
//! and reports it, and appends each execution to `.ggen/hooks.log` (JSON lines). Hook commands
//! get `GGEN_HOOK_EVENT` and `GGEN_HOOK_NAME`, and, when the configured ggen is an absolute path,
//! its directory first on `PATH` (so `ggen project diff --check` runs that same ggen).

mod git;
mod monitor;
mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::exec::{Exit, ShellCommand, Tail, run_shell};
use crate::report::{Reporter, StepKind, StepRef, StepStatus};

pub use git::{CHAINED_SUFFIX, SCRIPT_MARKER};
pub use monitor::{HookLog, HookLogEntry, WatchOptions};

/// The records file, relative to the project root.
pub const HOOKS_FILE: &str = ".ggen/hooks.toml";
/// The execution log, relative to the project root.
pub const HOOKS_LOG: &str = ".ggen/hooks.log";

/// When a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookEvent {
    /// Before a commit is created (`git commit`).
    PreCommit,
    /// Before refs are pushed (`git push`); the refs arrive on standard input.
    PrePush,
    /// After a merge (`git merge`, `git pull`).
    PostMerge,
    /// After a checkout or switch.
    PostCheckout,
    /// With the commit message file as `$1`.
    CommitMsg,
    /// Not a git hook: run by the file watcher when a file matching `watch` changes.
    OnChange,
}

impl HookEvent {
    /// The git events, in a fixed order.
    pub const GIT: [HookEvent; 5] = [
        HookEvent::PreCommit,
        HookEvent::PrePush,
        HookEvent::PostMerge,
        HookEvent::PostCheckout,
        HookEvent::CommitMsg,
    ];

    /// The name (also the git hook file name).
    pub fn name(self) -> &'static str {
        match self {
            Self::PreCommit => "pre-commit",
            Self::PrePush => "pre-push",
            Self::PostMerge => "post-merge",
            Self::PostCheckout => "post-checkout",
            Self::CommitMsg => "commit-msg",
            Self::OnChange => "on-change",
        }
    }

    /// Parse an event name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::GIT
            .into_iter()
            .chain([Self::OnChange])
            .find(|e| e.name() == name)
    }

    /// Whether git runs it (everything but `on-change`).
    pub fn is_git(self) -> bool {
        self != Self::OnChange
    }
}

impl std::fmt::Display for HookEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One record of `.ggen/hooks.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookRecord {
    /// Unique name.
    pub name: String,
    /// Event.
    pub event: HookEvent,
    /// Shell command (`sh -c`, in the project directory).
    pub command: String,
    /// Disabled hooks stay recorded (and installed) but do not run.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// For `on-change`: glob patterns of files that trigger it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub watch: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct HooksFile {
    #[serde(default, rename = "hook")]
    hooks: Vec<HookRecord>,
}

/// Arguments of [`HookManager::create`].
#[derive(Debug, Clone)]
pub struct NewHook {
    /// Unique name (letters, digits, `.`, `_`, `-`).
    pub name: String,
    /// Event.
    pub event: HookEvent,
    /// Shell command.
    pub command: String,
    /// Glob patterns (required for `on-change`, refused otherwise).
    pub watch: Vec<String>,
    /// Start enabled.
    pub enabled: bool,
    /// Keep a foreign hook script and run it first, instead of refusing.
    pub chain: bool,
}

/// What [`HookManager::create`] did.
#[derive(Debug, Clone, Serialize)]
pub struct CreateOutcome {
    /// The new record.
    pub record: HookRecord,
    /// The installed script (git events).
    pub script: Option<PathBuf>,
    /// Whether the script was written now (false: ggen's script was already in place).
    pub script_written: bool,
    /// A foreign hook renamed and chained to now.
    pub chained: Option<PathBuf>,
}

/// What [`HookManager::remove`] did.
#[derive(Debug, Clone, Serialize)]
pub struct RemoveOutcome {
    /// The removed record.
    pub record: HookRecord,
    /// ggen's script, when it was deleted (last record of its event).
    pub script_removed: Option<PathBuf>,
    /// A chained foreign hook moved back into place.
    pub restored: Option<PathBuf>,
}

/// Outcome of one hook execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookStatus {
    /// Exit 0.
    Passed,
    /// Non-zero exit or killed.
    Failed,
    /// Ran past the timeout.
    TimedOut,
    /// Could not start.
    Error,
    /// Stopped by the caller's cancellation flag.
    Cancelled,
}

/// One hook execution.
#[derive(Debug, Clone, Serialize)]
pub struct HookExecution {
    /// Hook name.
    pub hook: String,
    /// Command.
    pub command: String,
    /// Outcome.
    pub status: HookStatus,
    /// Exit code, when it exited.
    pub exit_code: Option<i32>,
    /// Wall time.
    pub duration_ms: u64,
    /// Last output lines when it did not pass.
    pub output_tail: Vec<String>,
}

/// Result of [`HookManager::run`].
#[derive(Debug, Clone, Serialize)]
pub struct HookRunReport {
    /// The event.
    pub event: HookEvent,
    /// Whether every hook passed (the git operation may proceed).
    pub ok: bool,
    /// Executions, in order, up to the first failure.
    pub executions: Vec<HookExecution>,
    /// Enabled hooks not run because an earlier one failed.
    pub not_run: Vec<String>,
    /// Problems that did not affect the outcome (e.g. the log could not be written).
    pub warnings: Vec<String>,
}

/// One problem found by [`HookManager::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookIssue {
    /// The hook concerned, if one.
    pub hook: Option<String>,
    /// The event concerned, if one.
    pub event: Option<HookEvent>,
    /// What is wrong.
    pub problem: String,
}

/// Result of [`HookManager::validate`].
#[derive(Debug, Clone, Serialize)]
pub struct HookValidation {
    /// No issues.
    pub ok: bool,
    /// The git hooks directory, when in a git repository.
    pub hooks_dir: Option<PathBuf>,
    /// Records checked.
    pub records: usize,
    /// Problems.
    pub issues: Vec<HookIssue>,
}

/// Manages the hooks of one ggen project.
#[derive(Debug, Clone)]
pub struct HookManager {
    root: PathBuf,
    ggen: String,
    timeout: Duration,
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl HookManager {
    /// Hooks of the project at `root` (where `.ggen/` lives); scripts call `ggen` from `PATH`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            ggen: "ggen".into(),
            timeout: crate::plan::DEFAULT_TIMEOUT,
            cancel: None,
        }
    }

    /// A flag that, once true, kills the running hook's process group (the CLI's SIGINT
    /// handler sets it) and stops the run.
    #[must_use]
    pub fn with_cancel(mut self, cancel: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// The ggen program installed scripts call (the CLI passes `std::env::current_exe()`).
    #[must_use]
    pub fn with_ggen(mut self, ggen: impl Into<String>) -> Self {
        self.ggen = ggen.into();
        self
    }

    /// Per-hook timeout for [`HookManager::run`] (default 30 minutes).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The records file.
    pub fn records_path(&self) -> PathBuf {
        self.root.join(HOOKS_FILE)
    }

    /// The git hooks directory of the repository containing the project.
    pub fn hooks_dir(&self) -> Result<PathBuf> {
        git::hooks_dir(&self.root)
    }

    /// All records, in file order.
    pub fn list(&self) -> Result<Vec<HookRecord>> {
        let path = self.records_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let file: HooksFile =
            toml::from_str(&text).map_err(|e| crate::model::toml_error(&e, &text, &path))?;
        Ok(file.hooks)
    }

    fn save(&self, hooks: Vec<HookRecord>) -> Result<()> {
        let path = self.records_path();
        let body = toml::to_string(&HooksFile { hooks }).map_err(|e| Error::Hook {
            message: format!("cannot serialise hook records: {e}"),
            help: None,
        })?;
        let text = format!("# ggen hook records: manage with `ggen hook create|remove`.\n\n{body}");
        ggen_core::fs::write_atomic(&path, text.as_bytes()).map_err(|e| Error::io(&path, e))
    }

    /// Record a hook and, for a git event, install its script.
    pub fn create(&self, new: NewHook) -> Result<CreateOutcome> {
        let mut records = self.list()?;
        validate_new(&new, &records)?;
        let record = HookRecord {
            name: new.name,
            event: new.event,
            command: new.command.trim().to_owned(),
            enabled: new.enabled,
            watch: new.watch,
        };
        let mut outcome = CreateOutcome {
            record: record.clone(),
            script: None,
            script_written: false,
            chained: None,
        };
        if record.event.is_git() {
            let installed = self.install(record.event, new.chain)?;
            outcome.script = Some(installed.path.clone());
            outcome.script_written = installed.written;
            outcome.chained = installed.chained.clone();
            records.push(record);
            if let Err(e) = self.save(records) {
                installed.undo();
                return Err(e);
            }
        } else {
            records.push(record);
            self.save(records)?;
        }
        Ok(outcome)
    }

    /// Enable or disable a hook.
    pub fn set_enabled(&self, name: &str, enabled: bool) -> Result<HookRecord> {
        let mut records = self.list()?;
        let record = records
            .iter_mut()
            .find(|r| r.name == name)
            .ok_or_else(|| unknown_hook(name))?;
        record.enabled = enabled;
        let out = record.clone();
        self.save(records)?;
        Ok(out)
    }

    /// Delete a record; when it was the last one of its git event, delete ggen's script and
    /// move a chained foreign hook back.
    pub fn remove(&self, name: &str) -> Result<RemoveOutcome> {
        let mut records = self.list()?;
        let pos = records
            .iter()
            .position(|r| r.name == name)
            .ok_or_else(|| unknown_hook(name))?;
        let record = records.remove(pos);
        let last_of_event = !records.iter().any(|r| r.event == record.event);
        let mut outcome = RemoveOutcome {
            record: record.clone(),
            script_removed: None,
            restored: None,
        };
        // Locate the hooks directory before changing anything: a failure leaves all as it was.
        let hooks_dir = if record.event.is_git() && last_of_event {
            Some(self.hooks_dir()?)
        } else {
            None
        };
        self.save(records)?;
        if let Some(dir) = hooks_dir {
            let script = dir.join(record.event.name());
            let ours = std::fs::read_to_string(&script)
                .ok()
                .and_then(|t| git::read_script(&t))
                .is_some();
            if ours {
                std::fs::remove_file(&script).map_err(|e| Error::io(&script, e))?;
                outcome.script_removed = Some(script.clone());
                let chained = dir.join(format!("{}{CHAINED_SUFFIX}", record.event.name()));
                if chained.exists() {
                    std::fs::rename(&chained, &script).map_err(|e| Error::io(&chained, e))?;
                    outcome.restored = Some(script);
                }
            }
        }
        Ok(outcome)
    }

    /// Install (or refresh) ggen's script for `event`.
    fn install(&self, event: HookEvent, chain: bool) -> Result<Installed> {
        let dir = self.hooks_dir()?;
        let prefix = git::prefix(&self.root)?;
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(event.name());
        let chained_path = dir.join(format!("{}{CHAINED_SUFFIX}", event.name()));
        let wanted = git::script(event, &self.ggen, &prefix);
        let mut chained = None;
        match std::fs::read_to_string(&path) {
            Ok(existing) => match git::read_script(&existing) {
                Some(info) => {
                    let mine = if prefix.is_empty() {
                        "."
                    } else {
                        prefix.as_str()
                    };
                    if info.project != mine {
                        return Err(Error::Hook {
                            message: format!(
                                "{} is ggen's hook for another project (`{}`), not for `{mine}`",
                                path.display(),
                                info.project
                            ),
                            help: Some(
                                "one repository can host the git hooks of one ggen project".into(),
                            ),
                        });
                    }
                    if existing == wanted {
                        return Ok(Installed {
                            path,
                            written: false,
                            chained: None,
                            previous: Previous::Same,
                        });
                    }
                    write_script(&path, &wanted)?;
                    return Ok(Installed {
                        path,
                        written: true,
                        chained: None,
                        previous: Previous::Ggen(existing),
                    });
                }
                None => {
                    if !chain {
                        return Err(Error::ForeignHook { path });
                    }
                    if chained_path.exists() {
                        return Err(Error::Hook {
                            message: format!(
                                "cannot chain {}: {} already exists",
                                path.display(),
                                chained_path.display()
                            ),
                            help: Some("merge the two scripts by hand, then retry".into()),
                        });
                    }
                    std::fs::rename(&path, &chained_path).map_err(|e| Error::io(&path, e))?;
                    chained = Some(chained_path);
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
        if let Err(e) = write_script(&path, &wanted) {
            if let Some(c) = &chained {
                let _ = std::fs::rename(c, &path);
            }
            return Err(e);
        }
        Ok(Installed {
            path,
            written: true,
            chained: chained.clone(),
            previous: match chained {
                Some(c) => Previous::Chained(c),
                None => Previous::None,
            },
        })
    }

    /// Run the enabled hooks of `event` in order, stopping at the first failure. `args` are
    /// git's hook arguments (`$1`, ...); `stdin` is passed to each hook (git's pre-push refs).
    /// Each execution is appended to `.ggen/hooks.log`.
    pub fn run(
        &self,
        event: HookEvent,
        args: &[String],
        stdin: Option<&[u8]>,
        reporter: &dyn Reporter,
    ) -> Result<HookRunReport> {
        let hooks: Vec<HookRecord> = self
            .list()?
            .into_iter()
            .filter(|h| h.event == event && h.enabled)
            .collect();
        self.run_records(event, &hooks, args, stdin, &[], reporter)
    }

    /// `PATH` with the directory of the configured ggen first, when it is an absolute path, so
    /// that a hook command written as `ggen …` runs the same ggen that runs the hook.
    fn path_with_ggen(&self) -> Option<String> {
        let ggen = Path::new(&self.ggen);
        let dir = ggen.parent().filter(|_| ggen.is_absolute())?;
        let mut parts = vec![dir.to_path_buf()];
        if let Some(current) = std::env::var_os("PATH") {
            parts.extend(std::env::split_paths(&current));
        }
        std::env::join_paths(parts)
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    }

    fn run_records(
        &self,
        event: HookEvent,
        hooks: &[HookRecord],
        args: &[String],
        stdin: Option<&[u8]>,
        extra_env: &[(String, String)],
        reporter: &dyn Reporter,
    ) -> Result<HookRunReport> {
        let mut report = HookRunReport {
            event,
            ok: true,
            executions: Vec::new(),
            not_run: Vec::new(),
            warnings: Vec::new(),
        };
        for hook in hooks {
            if !report.ok {
                report.not_run.push(hook.name.clone());
                continue;
            }
            let step = StepRef {
                name: hook.name.clone(),
                workspace: None,
                kind: StepKind::GitHook,
            };
            reporter.step_started(&step);
            reporter.command_started(&step, &hook.command);
            let mut env: std::collections::BTreeMap<String, String> =
                extra_env.iter().cloned().collect();
            if let Some(path) = self.path_with_ggen() {
                env.insert("PATH".into(), path);
            }
            env.insert("GGEN_HOOK_EVENT".into(), event.name().into());
            env.insert("GGEN_HOOK_NAME".into(), hook.name.clone());
            let mut tail = Tail::new(crate::readiness::TAIL_LINES);
            let shell = ShellCommand {
                command: &hook.command,
                dir: &self.root,
                env: &env,
                timeout: self.timeout,
                kill_grace: Duration::from_secs(2),
                args,
                name: &hook.name,
                stdin,
                cancel: self.cancel.as_deref(),
            };
            let result = run_shell(&shell, &mut |stream, line| {
                reporter.output_line(&step, stream, line);
                tail.push(line);
            });
            let (status, exit_code, duration) = match result {
                Ok((Exit::Code(0), d)) => (HookStatus::Passed, Some(0), d),
                Ok((Exit::Code(c), d)) => (HookStatus::Failed, Some(c), d),
                Ok((Exit::Signal(_), d)) => (HookStatus::Failed, None, d),
                Ok((Exit::TimedOut, d)) => (HookStatus::TimedOut, None, d),
                Ok((Exit::Cancelled, d)) => (HookStatus::Cancelled, None, d),
                Err(e) => {
                    tail.push(&format!("could not start: {e}"));
                    (HookStatus::Error, None, Duration::ZERO)
                }
            };
            let duration_ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
            let step_status = match status {
                HookStatus::Passed => StepStatus::Succeeded,
                HookStatus::Failed => StepStatus::Failed,
                HookStatus::TimedOut => StepStatus::TimedOut,
                HookStatus::Error => StepStatus::Error,
                HookStatus::Cancelled => StepStatus::Cancelled,
            };
            tracing::info!(
                event = event.name(),
                hook = %hook.name,
                status = ?status,
                duration_ms,
                "hook finished"
            );
            reporter.step_finished(&step, step_status, duration_ms, None);
            // A log that cannot be written must not block the git operation.
            if let Err(e) = self.log(&HookLogEntry {
                time: crate::duration::now_rfc3339(),
                event,
                hook: hook.name.clone(),
                status,
                duration_ms,
                exit_code,
            }) {
                report.warnings.push(format!("hook log not written: {e}"));
            }
            report.ok = status == HookStatus::Passed;
            report.executions.push(HookExecution {
                hook: hook.name.clone(),
                command: hook.command.clone(),
                status,
                exit_code,
                duration_ms,
                output_tail: if status == HookStatus::Passed {
                    Vec::new()
                } else {
                    tail.into_vec()
                },
            });
        }
        Ok(report)
    }

    fn log(&self, entry: &HookLogEntry) -> Result<()> {
        monitor::append(&self.root.join(HOOKS_LOG), entry)
    }
}

/// What `install` changed, so that `create` can undo it when saving the record fails.
struct Installed {
    path: PathBuf,
    written: bool,
    chained: Option<PathBuf>,
    previous: Previous,
}

enum Previous {
    None,
    Same,
    Ggen(String),
    Chained(PathBuf),
}

impl Installed {
    fn undo(self) {
        match self.previous {
            Previous::Same => {}
            Previous::None => {
                let _ = std::fs::remove_file(&self.path);
            }
            Previous::Ggen(text) => {
                let _ = std::fs::write(&self.path, text);
            }
            Previous::Chained(c) => {
                let _ = std::fs::rename(c, &self.path);
            }
        }
    }
}

fn write_script(path: &Path, text: &str) -> Result<()> {
    ggen_core::fs::write_atomic(path, text.as_bytes()).map_err(|e| Error::io(path, e))?;
    git::make_executable(path)
}

fn unknown_hook(name: &str) -> Error {
    Error::Hook {
        message: format!("no hook named `{name}` in {HOOKS_FILE}"),
        help: Some("`ggen hook list` shows the recorded hooks".into()),
    }
}

fn validate_new(new: &NewHook, records: &[HookRecord]) -> Result<()> {
    let bad = |message: String, help: Option<&str>| Error::Hook {
        message,
        help: help.map(str::to_owned),
    };
    let name_ok = !new.name.is_empty()
        && new
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !name_ok {
        return Err(bad(
            format!("invalid hook name `{}`", new.name),
            Some("use letters, digits, `.`, `_` and `-`"),
        ));
    }
    if records.iter().any(|r| r.name == new.name) {
        return Err(bad(
            format!("a hook named `{}` already exists", new.name),
            Some("choose another name or `ggen hook remove` the existing one"),
        ));
    }
    if new.command.trim().is_empty() {
        return Err(bad("the hook command is empty".into(), None));
    }
    sh_syntax(&new.command)
        .map_err(|e| bad(format!("the hook command does not parse: {e}"), None))?;
    match (new.event, new.watch.is_empty()) {
        (HookEvent::OnChange, true) => {
            return Err(bad(
                "an on-change hook needs watch patterns".into(),
                Some("e.g. watch = [\"ontology/**/*.ttl\"]"),
            ));
        }
        (HookEvent::OnChange, false) => {
            for w in &new.watch {
                crate::fileset::check_pattern(w).map_err(|e| bad(format!("watch: {e}"), None))?;
            }
        }
        (_, false) => {
            return Err(bad(
                format!(
                    "watch patterns only apply to on-change hooks, not {}",
                    new.event
                ),
                None,
            ));
        }
        (_, true) => {}
    }
    Ok(())
}

/// Check shell syntax with `sh -n`.
pub(crate) fn sh_syntax(command: &str) -> std::result::Result<(), String> {
    let out = std::process::Command::new("sh")
        .args(["-n", "-c", command])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}
