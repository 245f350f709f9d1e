//! The `make.toml` model.
//!
//! Everything the earlier ggen (v2.5) accepted still parses: `[project]` (`name`, `type`,
//! `version`, `description`), `[workspace.<name>]` (`path`, `framework`, `runtime`,
//! `package_manager`), `[lifecycle.<phase>]` (`description`, `command` or `commands`, `watch`,
//! `port`, `outputs`, `cache`, `workspaces`, `parallel`) and `[hooks]` (`before_all`,
//! `after_all`, `before_<phase>`, `after_<phase>`). New keys: `depends_on`, `env`, `inputs`,
//! `timeout` on phases, `[env.<name>] vars`, and `[readiness.<name>]`.
//!
//! v2.5 silently ignored keys it did not know; this loader keeps them working but reports each
//! as a [`Warning`] with its position (a typo such as `comand` is then visible). `on_error` and
//! `on_success` in `[hooks]` (never implemented by v2.5) are accepted with a warning.
//!
//! Errors name the file, line and column. Semantic checks done at load time: `command` and
//! `commands` together, unknown phases in `depends_on` and hooks, cycles through `depends_on`
//! and `before_<phase>` hooks (named `a -> b -> a`), invalid `timeout`, workspace paths leaving
//! the root, glob patterns in `inputs`/`outputs` that are invalid or leave the root, unknown
//! workspaces in a phase's `workspaces`, unknown `builtin:` readiness checks.

mod convert;
mod spans;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ggen_core::Location;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::readiness::{Category, Requirement};
pub(crate) use spans::{Seg, Spans};

/// The file name looked for in a project root.
pub const MAKE_FILE: &str = "make.toml";

/// A parsed and validated `make.toml`.
#[derive(Debug, Clone, Serialize)]
pub struct MakeFile {
    /// The file it was read from.
    pub path: PathBuf,
    /// `[project]`; required in a project's root file, optional in a workspace's own file.
    pub project: Option<ProjectInfo>,
    /// `[workspace.<name>]`, sorted by name.
    pub workspaces: BTreeMap<String, Workspace>,
    /// `[lifecycle.<phase>]`, sorted by name.
    pub phases: BTreeMap<String, Phase>,
    /// `[hooks]`.
    pub hooks: Hooks,
    /// `[env.<name>]` overlays, sorted by name.
    pub environments: BTreeMap<String, Environment>,
    /// `[readiness.<name>]` requirements, sorted by name; `None` when the table is absent (the
    /// default requirement set then applies, see [`crate::readiness`]).
    pub readiness: Option<Vec<Requirement>>,
    /// Keys that were accepted but are unknown or ignored.
    pub warnings: Vec<Warning>,
}

/// A non-fatal problem found while loading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// `[project]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectInfo {
    /// Project name.
    pub name: String,
    /// Free-form type (`app`, `webapp`, `library`, ...).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub project_type: Option<String>,
    /// Version string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `[workspace.<name>]`: a sub-project directory in which phases can run.
#[derive(Debug, Clone, Serialize)]
pub struct Workspace {
    /// The workspace name (the table key).
    pub name: String,
    /// The path as written.
    pub path: String,
    /// The normalised path relative to the project root (never empty, never leaving the root).
    pub dir: PathBuf,
    /// v2.5 metadata, shown by `lifecycle show`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// v2.5 metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// v2.5 metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_manager: Option<String>,
}

/// Where a phase runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "names")]
pub enum PhaseTargets {
    /// In the project root (the default).
    Root,
    /// In every workspace (`workspaces = ["*"]`).
    AllWorkspaces,
    /// In the named workspaces, in the order given.
    Workspaces(Vec<String>),
}

/// `[lifecycle.<phase>]`.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// The phase name (the table key).
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The commands, from `command` or `commands` (may be empty: an aggregate phase).
    pub commands: Vec<String>,
    /// Phases that run first.
    pub depends_on: Vec<String>,
    /// Extra environment variables for this phase's commands.
    pub env: BTreeMap<String, String>,
    /// Input glob patterns (relative to where the phase runs).
    pub inputs: Vec<String>,
    /// Output paths or glob patterns (relative to where the phase runs).
    pub outputs: Vec<String>,
    /// Per-command timeout in milliseconds, when set (the run's default applies otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Run the phase's workspaces concurrently.
    pub parallel: bool,
    /// Where the phase runs.
    pub targets: PhaseTargets,
    /// `cache = false` turns input/output caching off for this phase.
    pub cache: bool,
    /// v2.5 metadata: a long-running (watch-mode) phase.
    pub watch: bool,
    /// v2.5 metadata: the port the phase serves on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

impl Phase {
    /// The per-command timeout, when the phase sets one.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout_ms.map(Duration::from_millis)
    }
}

/// `[hooks]`: phase names to run around other phases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Hooks {
    /// Run once at the start of every invocation.
    pub before_all: Vec<String>,
    /// Run once at the end of every successful invocation.
    pub after_all: Vec<String>,
    /// `before_<phase>`, keyed by phase.
    pub before: BTreeMap<String, Vec<String>>,
    /// `after_<phase>`, keyed by phase.
    pub after: BTreeMap<String, Vec<String>>,
}

/// `[env.<name>]`: variables applied when the run's environment is `<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct Environment {
    /// The environment name.
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Variables.
    pub vars: BTreeMap<String, String>,
}

// ---- raw serde shapes ----

#[derive(Deserialize)]
struct RawMake {
    project: Option<ProjectInfo>,
    #[serde(default)]
    workspace: BTreeMap<String, RawWorkspace>,
    #[serde(default)]
    lifecycle: BTreeMap<String, RawPhase>,
    #[serde(default)]
    hooks: BTreeMap<String, toml::Value>,
    #[serde(default)]
    env: BTreeMap<String, RawEnv>,
    readiness: Option<BTreeMap<String, RawRequirement>>,
}

#[derive(Deserialize)]
struct RawWorkspace {
    path: String,
    framework: Option<String>,
    runtime: Option<String>,
    package_manager: Option<String>,
}

#[derive(Deserialize)]
struct RawPhase {
    description: Option<String>,
    command: Option<String>,
    commands: Option<Vec<String>>,
    #[serde(default)]
    depends_on: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, Scalar>,
    #[serde(default)]
    inputs: Vec<String>,
    #[serde(default)]
    outputs: Vec<String>,
    timeout: Option<Scalar>,
    #[serde(default)]
    parallel: bool,
    workspaces: Option<Vec<String>>,
    cache: Option<bool>,
    #[serde(default)]
    watch: bool,
    port: Option<u16>,
}

#[derive(Deserialize)]
struct RawEnv {
    description: Option<String>,
    #[serde(default)]
    vars: BTreeMap<String, Scalar>,
}

#[derive(Deserialize)]
struct RawRequirement {
    category: Category,
    description: Option<String>,
    check: String,
    timeout: Option<Scalar>,
}

/// Environment values and timeouts may be written as strings, numbers or booleans.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Self::Str(s) => s,
            Self::Int(i) => i.to_string(),
            Self::Float(f) => f.to_string(),
            Self::Bool(b) => b.to_string(),
        }
    }
}

impl MakeFile {
    /// Read and validate a project's root `make.toml` (`[project] name` required).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path, true)
    }

    /// Parse `text` as the contents of `path`. `require_project` demands a `[project]` table
    /// with a `name` (true for a project's root file, false for a workspace's own file).
    pub fn parse(text: &str, path: &Path, require_project: bool) -> Result<Self> {
        let raw: RawMake = toml::from_str(text).map_err(|e| toml_error(&e, text, path))?;
        let spans = Spans::new(text, path);
        let mut warnings = Vec::new();
        convert::unknown_keys(&spans, &mut warnings);

        if require_project && raw.project.is_none() {
            return Err(Error::Invalid {
                location: spans.file(),
                message: "missing [project] table (with at least `name`)".into(),
                help: Some("add:\n[project]\nname = \"my-project\"".into()),
            });
        }
        if let Some(p) = &raw.project
            && p.name.trim().is_empty()
        {
            return Err(invalid(
                spans.value(&[Seg::Key("project"), Seg::Key("name")]),
                "[project] name must not be empty",
            ));
        }

        let workspaces = convert::convert_workspaces(raw.workspace, &spans)?;
        let phases = convert::convert_phases(raw.lifecycle, &workspaces, &spans)?;
        let hooks = convert::convert_hooks(raw.hooks, &phases, &spans, &mut warnings)?;
        let environments = raw
            .env
            .into_iter()
            .map(|(name, e)| {
                let env = Environment {
                    name: name.clone(),
                    description: e.description,
                    vars: e
                        .vars
                        .into_iter()
                        .map(|(k, v)| (k, v.into_string()))
                        .collect(),
                };
                (name, env)
            })
            .collect();
        let readiness = match raw.readiness {
            None => None,
            Some(reqs) => Some(convert::convert_readiness(reqs, &spans)?),
        };

        let make = Self {
            path: path.to_path_buf(),
            project: raw.project,
            workspaces,
            phases,
            hooks,
            environments,
            readiness,
            warnings,
        };
        make.check_cycles(&spans)?;
        Ok(make)
    }

    /// The phase names, sorted.
    pub fn phase_names(&self) -> Vec<String> {
        self.phases.keys().cloned().collect()
    }

    /// The phase called `name`, or [`Error::UnknownPhase`].
    pub fn phase(&self, name: &str) -> Result<&Phase> {
        self.phases.get(name).ok_or_else(|| Error::UnknownPhase {
            name: name.to_owned(),
            referenced_by: None,
            location: None,
            known: self.phase_names(),
        })
    }

    /// The edges used for ordering: a phase's `depends_on` followed by its `before_<phase>`
    /// hooks.
    pub(crate) fn prerequisites(&self, phase: &str) -> Vec<(&str, Edge)> {
        let mut out = Vec::new();
        if let Some(p) = self.phases.get(phase) {
            out.extend(p.depends_on.iter().map(|d| (d.as_str(), Edge::DependsOn)));
        }
        if let Some(h) = self.hooks.before.get(phase) {
            out.extend(h.iter().map(|d| (d.as_str(), Edge::BeforeHook)));
        }
        out
    }

    fn check_cycles(&self, spans: &Spans<'_>) -> Result<()> {
        // Depth-first search in name order, so the reported cycle is deterministic.
        let mut done: BTreeSet<&str> = BTreeSet::new();
        for start in self.phases.keys() {
            let mut stack: Vec<&str> = Vec::new();
            self.dfs(start, &mut stack, &mut done, spans)?;
        }
        Ok(())
    }

    fn dfs<'a>(
        &'a self,
        phase: &'a str,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        spans: &Spans<'_>,
    ) -> Result<()> {
        if done.contains(phase) {
            return Ok(());
        }
        stack.push(phase);
        for (next, edge) in self.prerequisites(phase) {
            if let Some(pos) = stack.iter().position(|p| *p == next) {
                let mut cycle: Vec<String> = stack
                    .get(pos..)
                    .unwrap_or_default()
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                cycle.push(next.to_owned());
                let location = match edge {
                    Edge::DependsOn => spans.key(&[
                        Seg::Key("lifecycle"),
                        Seg::Key(phase),
                        Seg::Key("depends_on"),
                    ]),
                    Edge::BeforeHook => {
                        let key = format!("before_{phase}");
                        spans.key(&[Seg::Key("hooks"), Seg::Key(&key)])
                    }
                };
                return Err(Error::Cycle {
                    cycle,
                    location: Some(location),
                });
            }
            self.dfs(next, stack, done, spans)?;
        }
        stack.pop();
        done.insert(phase);
        Ok(())
    }
}

/// Why one phase must run before another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edge {
    DependsOn,
    BeforeHook,
}

pub(super) fn invalid(location: Location, message: impl Into<String>) -> Error {
    Error::Invalid {
        location,
        message: message.into(),
        help: None,
    }
}

/// Convert a toml error into one with file, line and column.
pub(crate) fn toml_error(e: &toml::de::Error, text: &str, path: &Path) -> Error {
    let location = match e.span() {
        Some(span) => {
            let (line, col) = ggen_core::line_col_of_offset(text, span.start);
            Location::at(path, line, col)
        }
        None => Location::file(path),
    };
    Error::Toml {
        location,
        message: e.message().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests;
