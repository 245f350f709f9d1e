//! `ggen completions <shell>` and the hidden `ggen generate-man`.

use std::path::Path;

use clap::CommandFactory;
use serde_json::json;

use crate::cli::Cli;
use crate::output::{CmdError, Report};

/// Print a completion script.
pub fn run(shell: clap_complete::Shell) -> Result<Report, CmdError> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ggen", &mut buf);
    let script = String::from_utf8(buf).map_err(|e| CmdError::new("internal", e.to_string()))?;
    Ok(Report::new(
        script.clone(),
        json!({ "shell": shell.to_string(), "script": script }),
    ))
}

/// Write man pages for every command into `out`.
pub fn man(out: &Path) -> Result<Report, CmdError> {
    std::fs::create_dir_all(out)?;
    clap_mangen::generate_to(Cli::command(), out)?;
    Ok(Report::new(
        format!("man pages written to {}", out.display()),
        json!({ "dir": out.display().to_string() }),
    ))
}
