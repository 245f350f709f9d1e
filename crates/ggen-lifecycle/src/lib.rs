//! Project lifecycle for ggen: `make.toml` phases, production-readiness checks and git hooks.
//!
//! - [`model`]: the `make.toml` model ([`MakeFile`]); v2.5 files keep working.
//! - [`Lifecycle`]: a project's root `make.toml` plus its workspaces' files;
//!   [`Lifecycle::plan`] computes the ordered [`Plan`] (shown by `lifecycle show` and
//!   `--dry-run`), [`Lifecycle::run`] executes it.
//! - [`readiness`]: requirements that run ([`readiness::assess`]), scoring and validation.
//! - [`hooks`]: git hooks recorded in `.ggen/hooks.toml` and installed as real scripts
//!   ([`hooks::HookManager`]).
//!
//! The library never prints: live output goes to a [`Reporter`] the caller supplies
//! ([`WriterReporter`] writes to any `Write`, [`RecordingReporter`] keeps events in memory).
//! Every result type derives `Serialize` for `--json` output. Errors are [`Error`], which
//! implements [`ggen_core::Diagnostic`].
//!
//! Unix only: commands run with `sh -c` in their own process group (killed as a whole on
//! timeout or cancellation), hooks are POSIX `sh` scripts.
//!
//! ```no_run
//! use ggen_lifecycle::{Lifecycle, RunOptions, WriterReporter};
//! # fn main() -> Result<(), ggen_lifecycle::Error> {
//! let lifecycle = Lifecycle::load(std::path::Path::new("."))?;
//! let reporter = WriterReporter::new(std::io::stderr());
//! let report = lifecycle.run(&["build".to_string()], &RunOptions::default(), &reporter)?;
//! assert!(report.ok);
//! # Ok(()) }
//! ```

mod duration;
mod error;
mod exec;
mod fileset;
pub mod hooks;
pub mod model;
mod plan;
pub mod readiness;
mod report;
mod runner;
mod state;
mod summary;

pub use duration::{format_duration, parse_duration};
pub use error::{Error, Result};
pub use model::{MAKE_FILE, MakeFile, Phase, PhaseTargets, Warning};
pub use plan::{
    DEFAULT_TIMEOUT, Lifecycle, Plan, PlanStep, PlanTarget, RunOptions, StepReason, is_secret_name,
};
pub use report::{
    Event, NullReporter, RecordingReporter, Reporter, StepKind, StepRef, StepStatus, Stream,
    WriterReporter,
};
pub use runner::{CommandResult, RunReport, StepResult};
pub use state::{
    CacheEntry, LifecycleState, PhaseRun, PhaseState, RunRecord, STATE_FILE, StepSummary,
    load_state,
};
pub use summary::PhaseSummary;
