//! Command implementations: translate arguments into library calls and results into reports.

pub mod ai;
pub mod completions;
pub mod endpoint;
pub mod graph;
pub mod hook;
pub mod lifecycle;
pub mod marketplace;
pub mod new;
pub mod plan_view;
pub mod project;
pub mod regenerate;
pub mod template;
pub mod tree;
pub mod utils;
pub mod watch;

use std::path::{Path, PathBuf};

use crate::cli::GlobalArgs;
use crate::output::{CmdError, Style, eprint_line};

/// What every command gets.
pub struct Ctx {
    /// Global options.
    pub global: GlobalArgs,
    /// Styling.
    pub style: Style,
}

impl Ctx {
    /// The current directory.
    pub fn cwd(&self) -> Result<PathBuf, CmdError> {
        std::env::current_dir()
            .map_err(|e| CmdError::new("io", format!("cannot read the current directory: {e}")))
    }

    /// The project root (directory of ggen.toml), searching upwards.
    pub fn project_root(&self) -> Result<PathBuf, CmdError> {
        let cwd = self.cwd()?;
        ggen_engine::find_project_root(&cwd)
            .ok_or_else(|| CmdError::diag(&ggen_engine::EngineError::NoManifest { dir: cwd }))
    }

    /// Print a warning on stderr (unless --quiet).
    pub fn warn(&self, msg: &str) {
        if !self.global.quiet {
            eprint_line(&format!("{}: {msg}", self.style.paint("33;1", "warning")));
        }
    }
}

/// Display a path relative to the current directory when possible.
pub fn shown(path: &Path) -> String {
    match std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
    {
        Some(p) => p.display().to_string(),
        None => path.display().to_string(),
    }
}
