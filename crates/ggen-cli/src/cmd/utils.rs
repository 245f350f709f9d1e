//! `ggen utils …`: `doctor` (real checks, each with a fix) and `env` (resolved configuration).

mod doctor;
mod env;
pub mod secrets;

use clap::Subcommand;

use crate::cmd::Ctx;
use crate::output::{CmdError, Report};

/// `ggen utils …`
#[derive(Debug, Subcommand)]
pub enum UtilsCommand {
    /// Check the installation, configuration, registries and the current project (exit 1 when
    /// a check fails).
    #[command(after_help = "Examples:\n  ggen utils doctor\n  ggen utils doctor --json")]
    Doctor,
    /// Show resolved directories, configuration, registries and GGEN_* variables (secrets
    /// masked); --set persists a setting.
    #[command(
        after_help = "Examples:\n  ggen utils env\n  ggen utils env --set ai.provider=ollama --set ai.max_tokens=2048"
    )]
    Env {
        /// Write KEY=VALUE to the configuration file (dotted key; the value is parsed as TOML
        /// when it parses, else kept as a string). Repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
}

/// Dispatch `ggen utils …`.
pub fn run(ctx: &Ctx, cmd: UtilsCommand) -> Result<Report, CmdError> {
    match cmd {
        UtilsCommand::Doctor => doctor::run(ctx),
        UtilsCommand::Env { set } => env::run(ctx, &set),
    }
}

/// The resolved directories (`GGEN_CONFIG_DIR`, `GGEN_CACHE_DIR`, `--config`).
pub(crate) fn dirs(ctx: &Ctx) -> Result<ggen_core::config::Dirs, CmdError> {
    ggen_core::config::Dirs::resolve(ctx.global.config.as_deref()).map_err(|e| CmdError::diag(&e))
}
