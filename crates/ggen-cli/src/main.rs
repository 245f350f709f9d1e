//! The `ggen` binary: a thin shell over the ggen libraries.

mod cli;
mod cmd;
mod logging;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::output::{CmdError, Style, emit, emit_error};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version to stdout and usage errors to stderr.
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayVersion
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => 0,
                _ => 2,
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let _log_guard = logging::init(&cli.global);
    let style = Style::new(cli.global.color);
    if let Some(dir) = &cli.global.directory
        && let Err(e) = std::env::set_current_dir(dir)
    {
        emit_error(
            &cli.global,
            style,
            &CmdError::new(
                "io",
                format!("cannot change to directory {}: {e}", dir.display()),
            ),
        );
        return ExitCode::from(output::exit::ERROR);
    }
    let ctx = cmd::Ctx {
        global: cli.global.clone(),
        style,
    };
    let result = match cli.command {
        Command::Template(c) => cmd::template::run(&ctx, c),
        Command::Project(c) => cmd::project::run(&ctx, c),
        Command::Graph(c) => cmd::graph::run(&ctx, c),
        Command::Ai(args) => cmd::ai::run(&ctx, args),
        Command::Lifecycle(c) => cmd::lifecycle::run(&ctx, c),
        Command::Hook(c) => cmd::hook::run(&ctx, c),
        Command::Marketplace(c) => cmd::marketplace::run(&ctx, c),
        Command::Utils(c) => cmd::utils::run(&ctx, c),
        Command::Sync(args) => cmd::project::generate(&ctx, &args),
        Command::Completions { shell } => cmd::completions::run(shell),
        Command::GenerateMan { out } => cmd::completions::man(&out),
    };
    match result {
        Ok(report) => {
            emit(&ctx.global, &report);
            ExitCode::from(report.exit)
        }
        Err(e) => {
            emit_error(&ctx.global, style, &e);
            ExitCode::from(e.exit)
        }
    }
}
