//! `graph validate`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ggen_shacl::{Shapes, validate};

use super::{InputArgs, load_files};
use crate::cmd::Ctx;
use crate::output::{CmdError, Report, exit};

/// `graph validate --format`
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// Results grouped by focus node.
    #[default]
    Text,
    /// The report as JSON.
    Json,
    /// A `sh:ValidationReport` graph in Turtle.
    Ttl,
}

/// `graph validate`
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Data files (merged into one data graph).
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// Shapes files (SHACL Core; merged into one shapes graph).
    #[arg(long, short = 's', required = true, value_name = "SHAPES")]
    pub shapes: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit 1 on any result (warnings and infos too), not only on violations.
    #[arg(long)]
    pub strict: bool,
    /// Input options (for data and shapes).
    #[command(flatten)]
    pub input: InputArgs,
}

/// `ggen graph validate`: exit 1 when some result is a violation (with `--strict`, when the
/// data does not conform at all, i.e. on any result).
pub fn run(ctx: &Ctx, a: &ValidateArgs) -> Result<Report, CmdError> {
    let data = load_files(ctx, &a.data, &a.input)?;
    let shapes_graph = load_files(ctx, &a.shapes, &a.input)?;
    let shapes = Shapes::from_graph(&shapes_graph).map_err(|e| CmdError::diag(&e))?;
    let report = validate(&data, &shapes).map_err(|e| CmdError::diag(&e))?;
    let failed = if a.strict {
        !report.conforms()
    } else {
        report.has_violations()
    };
    let human = match a.format {
        ReportFormat::Text => report.to_text(),
        ReportFormat::Json => format!("{}\n", report.to_json()),
        ReportFormat::Ttl => report.to_turtle().map_err(|e| CmdError::diag(&e))?,
    };
    let code = if failed { exit::CHECK_FAILED } else { exit::OK };
    Ok(Report::new(human, report.to_json_value()).with_exit(code))
}
