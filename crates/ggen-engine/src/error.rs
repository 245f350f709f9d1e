use std::path::PathBuf;

use ggen_core::{Diagnostic, Location};
use ggen_graph::GraphError;
use ggen_template::TemplateError;

/// Errors of the generation pipeline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No `ggen.toml` was found.
    #[error("no ggen.toml in {} or any parent directory (create one with `ggen project init`)", dir.display())]
    NoManifest {
        /// Where the search started.
        dir: PathBuf,
    },
    /// `ggen.toml` is invalid.
    #[error("{location}: {message}")]
    Manifest {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// An RDF or SPARQL problem.
    #[error(transparent)]
    Graph(Box<GraphError>),
    /// A template problem.
    #[error(transparent)]
    Template(Box<TemplateError>),
    /// A problem tied to one template, with its location.
    #[error("{location}: {message}")]
    InTemplate {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
        /// Stable code.
        code: &'static str,
    },
    /// Two outputs render to the same path.
    #[error(
        "two outputs write {path}: {first} and {second} (each path may be written by one template; use `inject: true` to add to a file)"
    )]
    DuplicateOutput {
        /// The path.
        path: String,
        /// The first writer (template and row).
        first: String,
        /// The second writer.
        second: String,
    },
    /// `to:` leaves the output root.
    #[error(
        "{location}: output path `{path}` leaves the output root {root} (use --allow-outside-root to permit)"
    )]
    OutsideRoot {
        /// The template.
        location: Location,
        /// The rendered path.
        path: String,
        /// The output root.
        root: String,
    },
    /// An injection could not be placed.
    #[error("{location}: {message}")]
    Injection {
        /// The template.
        location: Location,
        /// What went wrong (names the target file).
        message: String,
    },
    /// A shell hook was requested without `--allow-shell`.
    #[error(
        "{location}: template wants to run `{key}: {command}`; shell commands run only with --allow-shell"
    )]
    ShellNotAllowed {
        /// The template.
        location: Location,
        /// `sh_before` or `sh_after`.
        key: &'static str,
        /// The rendered command.
        command: String,
    },
    /// A shell hook or formatter failed.
    #[error("{location}: `{command}` failed ({status}){}", if output.is_empty() { String::new() } else { format!(":\n{output}") })]
    CommandFailed {
        /// The template (or ggen.toml for formatters).
        location: Location,
        /// The command.
        command: String,
        /// Exit status description.
        status: String,
        /// Last lines of its output.
        output: String,
    },
    /// The receipt is unreadable.
    #[error("{}: invalid receipt: {message} (delete it to regenerate from scratch; hand-edit protection then starts over)", path.display())]
    Receipt {
        /// The receipt path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The graph violates SHACL shapes.
    #[error("{location}: the graph does not conform to the SHACL shapes ({shapes}):\n{report}")]
    ShaclViolation {
        /// Where the shapes were named (template `shape:` or ggen.toml).
        location: Location,
        /// The shapes files.
        shapes: String,
        /// The validation report (focus node, path, value, message per result).
        report: String,
    },
    /// Conflict markers ggen wrote in an earlier run are still in generated files.
    #[error(
        "conflict markers from an earlier run remain in {}: resolve them (search for `<<<<<<< ours`) and run again, or rerun with --force to replace the files with the generated content",
        paths.join(", ")
    )]
    UnresolvedConflicts {
        /// The first such file.
        location: Location,
        /// Every such file (relative to the project root).
        paths: Vec<String>,
    },
    /// A saved plan no longer matches its inputs.
    #[error("{}: the plan is stale: {input} {change} since it was made; make a new one with `ggen project plan`", plan.display())]
    StalePlan {
        /// The plan file.
        plan: PathBuf,
        /// The input that differs (a path, `ggen.toml`, a pack id, an environment variable…).
        input: String,
        /// How it differs (`changed`, `was added`, `was removed`…).
        change: String,
    },
    /// A saved plan file is unreadable or was altered.
    #[error("{}: {message}", path.display())]
    PlanFile {
        /// The plan file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A feature that is not available in this build or not yet delivered.
    #[error("{location}: {message}")]
    Unsupported {
        /// Where it was requested.
        location: Location,
        /// What is missing.
        message: String,
    },
}

impl From<GraphError> for EngineError {
    fn from(e: GraphError) -> Self {
        Self::Graph(Box::new(e))
    }
}

impl From<TemplateError> for EngineError {
    fn from(e: TemplateError) -> Self {
        Self::Template(Box::new(e))
    }
}

impl EngineError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

impl Diagnostic for EngineError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::NoManifest { .. } => "no-manifest",
            Self::Manifest { .. } => "manifest",
            Self::Graph(e) => e.code(),
            Self::Template(e) => e.code(),
            Self::InTemplate { code, .. } => code,
            Self::DuplicateOutput { .. } => "duplicate-output",
            Self::OutsideRoot { .. } => "outside-root",
            Self::Injection { .. } => "injection",
            Self::ShellNotAllowed { .. } => "shell-not-allowed",
            Self::CommandFailed { .. } => "command-failed",
            Self::Receipt { .. } => "receipt",
            Self::ShaclViolation { .. } => "shacl-violation",
            Self::Unsupported { .. } => "unsupported",
            Self::UnresolvedConflicts { .. } => "unresolved-conflicts",
            Self::StalePlan { .. } => "stale-plan",
            Self::PlanFile { .. } => "plan-file",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::Graph(e) => e.location(),
            Self::Template(e) => e.location(),
            Self::Manifest { location, .. }
            | Self::InTemplate { location, .. }
            | Self::OutsideRoot { location, .. }
            | Self::Injection { location, .. }
            | Self::ShellNotAllowed { location, .. }
            | Self::CommandFailed { location, .. }
            | Self::ShaclViolation { location, .. }
            | Self::Unsupported { location, .. }
            | Self::UnresolvedConflicts { location, .. } => Some(location),
            _ => None,
        }
    }
}
