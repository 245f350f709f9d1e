//! The crate's error type. Every variant has a stable code ([`Diagnostic::code`]) and, where the
//! input has one, a file/line/column location.

use std::path::PathBuf;
use std::time::Duration;

use ggen_core::{Diagnostic, Location};

use crate::runner::RunReport;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in lifecycle, readiness and hook operations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A TOML file does not parse or does not match the expected shape.
    #[error("{location}: {message}")]
    Toml {
        /// Where the problem is.
        location: Location,
        /// What is wrong.
        message: String,
    },

    /// A value in `make.toml` (or `.ggen/hooks.toml`) parses but is not acceptable.
    #[error("{location}: {message}")]
    Invalid {
        /// Where the problem is.
        location: Location,
        /// What is wrong.
        message: String,
        /// How to fix it, when there is an obvious fix.
        help: Option<String>,
    },

    /// A phase name that no `[lifecycle.<name>]` table defines.
    #[error("{}unknown phase `{name}`{}", prefix(location.as_deref()), referenced_by.as_ref().map(|r| format!(" (referenced by {r})")).unwrap_or_default())]
    UnknownPhase {
        /// The phase name.
        name: String,
        /// What referred to it (`depends_on of build`, `hooks.before_all`, ...).
        referenced_by: Option<String>,
        /// Where it is referenced, when it comes from a file.
        location: Option<Box<Location>>,
        /// The defined phases, for the help text.
        known: Vec<String>,
    },

    /// `depends_on` (or `before_<phase>` hooks) form a cycle.
    #[error("{}dependency cycle: {}", prefix(location.as_ref()), cycle.join(" -> "))]
    Cycle {
        /// The phases of the cycle, first and last equal (`a -> b -> a`).
        cycle: Vec<String>,
        /// Where the edge closing the cycle is declared.
        location: Option<Location>,
    },

    /// A workspace path leaves the project root.
    #[error("{location}: workspace `{name}` path `{path}` is outside the project root")]
    WorkspaceOutsideRoot {
        /// The workspace name.
        name: String,
        /// The path as written.
        path: String,
        /// Where it is declared.
        location: Location,
    },

    /// A command could not be started.
    #[error("phase `{phase}`: could not start `{command}`: {source}")]
    Spawn {
        /// The phase (or hook / check) name.
        phase: String,
        /// The command line.
        command: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A phase command exited unsuccessfully. The run stopped; `report` holds what ran.
    #[error("phase `{phase}`{}: command `{command}` {}", workspace.as_ref().map(|w| format!(" in workspace `{w}`")).unwrap_or_default(), exit_text(*exit_code, *signal))]
    CommandFailed {
        /// The phase.
        phase: String,
        /// The workspace, when the phase ran in one.
        workspace: Option<String>,
        /// The command line.
        command: String,
        /// The exit code, when the process exited normally.
        exit_code: Option<i32>,
        /// The signal that ended it, when it was killed by a signal.
        signal: Option<i32>,
        /// The steps of the run up to and including the failing one.
        report: Box<RunReport>,
    },

    /// A phase command ran past its timeout; its process group was killed.
    #[error("phase `{phase}`{}: command `{command}` timed out after {} and was killed (with its process group)", workspace.as_ref().map(|w| format!(" in workspace `{w}`")).unwrap_or_default(), crate::duration::format_duration(*timeout))]
    TimedOut {
        /// The phase.
        phase: String,
        /// The workspace, when the phase ran in one.
        workspace: Option<String>,
        /// The command line.
        command: String,
        /// The timeout that was exceeded.
        timeout: Duration,
        /// The steps of the run up to and including the failing one.
        report: Box<RunReport>,
    },

    /// The caller cancelled the run (e.g. Ctrl-C); the running command's process group was
    /// killed.
    #[error("run cancelled{}", phase.as_ref().map(|p| format!(" during phase `{p}`")).unwrap_or_default())]
    Cancelled {
        /// The phase that was running, if any.
        phase: Option<String>,
        /// The steps of the run so far.
        report: Box<RunReport>,
    },

    /// `.ggen/lifecycle.json` exists but cannot be read as lifecycle state.
    #[error("{path}: invalid lifecycle state: {message}")]
    State {
        /// The state file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// A git operation needed for hooks failed (not a git repository, git missing, ...).
    #[error("git: {message}")]
    Git {
        /// What went wrong, including git's own message.
        message: String,
    },

    /// A git hook script that ggen did not write is already installed.
    #[error("{path}: a hook that ggen did not install is already present")]
    ForeignHook {
        /// The existing script.
        path: PathBuf,
    },

    /// A hook record problem: duplicate or unknown name, bad event, ...
    #[error("{message}")]
    Hook {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
    },

    /// Watching files for `on-change` hooks failed.
    #[error("watch: {message}")]
    Watch {
        /// The watcher's message.
        message: String,
    },
}

fn prefix(location: Option<&Location>) -> String {
    location.map(|l| format!("{l}: ")).unwrap_or_default()
}

fn exit_text(code: Option<i32>, signal: Option<i32>) -> String {
    match (code, signal) {
        (Some(c), _) => format!("failed with exit code {c}"),
        (None, Some(s)) => format!("was killed by signal {s}"),
        (None, None) => "failed".to_owned(),
    }
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// The partial run report carried by [`Error::CommandFailed`], [`Error::TimedOut`] and
    /// [`Error::Cancelled`].
    pub fn run_report(&self) -> Option<&RunReport> {
        match self {
            Self::CommandFailed { report, .. }
            | Self::TimedOut { report, .. }
            | Self::Cancelled { report, .. } => Some(report),
            _ => None,
        }
    }
}

impl Diagnostic for Error {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::Toml { .. } => "toml-syntax",
            Self::Invalid { .. } => "lifecycle-invalid",
            Self::UnknownPhase { .. } => "lifecycle-unknown-phase",
            Self::Cycle { .. } => "lifecycle-cycle",
            Self::WorkspaceOutsideRoot { .. } => "lifecycle-workspace-outside-root",
            Self::Spawn { .. } => "lifecycle-spawn",
            Self::CommandFailed { .. } => "lifecycle-command-failed",
            Self::TimedOut { .. } => "lifecycle-timeout",
            Self::Cancelled { .. } => "cancelled",
            Self::State { .. } => "lifecycle-state",
            Self::Git { .. } => "git",
            Self::ForeignHook { .. } => "hook-foreign",
            Self::Hook { .. } => "hook",
            Self::Watch { .. } => "watch",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::Toml { location, .. }
            | Self::Invalid { location, .. }
            | Self::WorkspaceOutsideRoot { location, .. } => Some(location),
            Self::UnknownPhase { location, .. } => location.as_deref(),
            Self::Cycle { location, .. } => location.as_ref(),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::Invalid { help, .. } | Self::Hook { help, .. } => help.clone(),
            Self::UnknownPhase { known, .. } => Some(if known.is_empty() {
                "make.toml defines no phases; add a [lifecycle.<name>] table".to_owned()
            } else {
                format!("defined phases: {}", known.join(", "))
            }),
            Self::Cycle { .. } => Some(
                "remove one of the `depends_on` (or `before_*` hook) edges of the cycle".into(),
            ),
            Self::WorkspaceOutsideRoot { .. } => {
                Some("use a relative path below the directory of make.toml".into())
            }
            Self::TimedOut { .. } => Some(
                "raise the phase's `timeout` (e.g. timeout = \"1h\") if it needs longer".into(),
            ),
            Self::ForeignHook { path } => Some(format!(
                "pass chain = true (`--chain`) to keep it and run it before ggen's hooks, or move {} away",
                path.display()
            )),
            _ => None,
        }
    }
}
