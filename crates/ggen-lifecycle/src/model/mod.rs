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

mod spans;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ggen_core::Location;
use serde::{Deserialize, Serialize};

use crate::duration::parse_duration;
use crate::error::{Error, Result};
use crate::readiness::{Category, CheckSpec, Requirement};
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

const TOP_KEYS: &[&str] = &[
    "project",
    "workspace",
    "lifecycle",
    "hooks",
    "env",
    "readiness",
];
const PROJECT_KEYS: &[&str] = &["name", "type", "version", "description"];
const WORKSPACE_KEYS: &[&str] = &["path", "framework", "runtime", "package_manager"];
const PHASE_KEYS: &[&str] = &[
    "description",
    "command",
    "commands",
    "depends_on",
    "env",
    "inputs",
    "outputs",
    "timeout",
    "parallel",
    "workspaces",
    "cache",
    "watch",
    "port",
];
const ENV_KEYS: &[&str] = &["description", "vars"];
const READINESS_KEYS: &[&str] = &["category", "description", "check", "timeout"];

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
        unknown_keys(&spans, &mut warnings);

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

        let workspaces = convert_workspaces(raw.workspace, &spans)?;
        let phases = convert_phases(raw.lifecycle, &workspaces, &spans)?;
        let hooks = convert_hooks(raw.hooks, &phases, &spans, &mut warnings)?;
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
            Some(reqs) => Some(convert_readiness(reqs, &spans)?),
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

fn invalid(location: Location, message: impl Into<String>) -> Error {
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

fn unknown_keys(spans: &Spans<'_>, warnings: &mut Vec<Warning>) {
    let mut warn = |loc: Location, what: &str, key: &str, known: &[&str]| {
        warnings.push(Warning {
            location: loc,
            message: format!(
                "unknown key `{key}` in {what} (ignored; known keys: {})",
                known.join(", ")
            ),
        });
    };
    for (key, loc) in spans.keys(&[]) {
        if !TOP_KEYS.contains(&key.as_str()) {
            warn(loc, "make.toml", &key, TOP_KEYS);
        }
    }
    for (key, loc) in spans.keys(&[Seg::Key("project")]) {
        if !PROJECT_KEYS.contains(&key.as_str()) {
            warn(loc, "[project]", &key, PROJECT_KEYS);
        }
    }
    let nested: [(&str, &[&str]); 4] = [
        ("workspace", WORKSPACE_KEYS),
        ("lifecycle", PHASE_KEYS),
        ("env", ENV_KEYS),
        ("readiness", READINESS_KEYS),
    ];
    for (table, known) in nested {
        for (name, _) in spans.keys(&[Seg::Key(table)]) {
            for (key, loc) in spans.keys(&[Seg::Key(table), Seg::Key(&name)]) {
                if !known.contains(&key.as_str()) {
                    warn(loc, &format!("[{table}.{name}]"), &key, known);
                }
            }
        }
    }
}

fn convert_workspaces(
    raw: BTreeMap<String, RawWorkspace>,
    spans: &Spans<'_>,
) -> Result<BTreeMap<String, Workspace>> {
    let mut out = BTreeMap::new();
    for (name, w) in raw {
        let location = spans.value(&[Seg::Key("workspace"), Seg::Key(&name), Seg::Key("path")]);
        let dir = ggen_core::fs::normalize_relative(Path::new(&w.path))
            .filter(|d| !d.as_os_str().is_empty())
            .ok_or_else(|| Error::WorkspaceOutsideRoot {
                name: name.clone(),
                path: w.path.clone(),
                location: location.clone(),
            })?;
        out.insert(
            name.clone(),
            Workspace {
                name,
                path: w.path,
                dir,
                framework: w.framework,
                runtime: w.runtime,
                package_manager: w.package_manager,
            },
        );
    }
    Ok(out)
}

fn convert_phases(
    raw: BTreeMap<String, RawPhase>,
    workspaces: &BTreeMap<String, Workspace>,
    spans: &Spans<'_>,
) -> Result<BTreeMap<String, Phase>> {
    let names: Vec<String> = raw.keys().cloned().collect();
    let mut out = BTreeMap::new();
    for (name, p) in raw {
        let at = |key: &str| spans.value(&[Seg::Key("lifecycle"), Seg::Key(&name), Seg::Key(key)]);
        let at_item = |key: &str, i: usize| {
            spans.value(&[
                Seg::Key("lifecycle"),
                Seg::Key(&name),
                Seg::Key(key),
                Seg::Index(i),
            ])
        };
        let commands = match (p.command, p.commands) {
            (Some(_), Some(_)) => {
                return Err(Error::Invalid {
                    location: spans.key(&[
                        Seg::Key("lifecycle"),
                        Seg::Key(&name),
                        Seg::Key("commands"),
                    ]),
                    message: format!("phase `{name}` sets both `command` and `commands`"),
                    help: Some("keep one: `command = \"…\"` or `commands = [\"…\", \"…\"]`".into()),
                });
            }
            (Some(c), None) => vec![c],
            (None, Some(cs)) => cs,
            (None, None) => Vec::new(),
        };
        for (i, c) in commands.iter().enumerate() {
            if c.trim().is_empty() {
                let loc = if commands.len() == 1 && at("command").line.is_some() {
                    at("command")
                } else {
                    at_item("commands", i)
                };
                return Err(invalid(loc, format!("phase `{name}` has an empty command")));
            }
        }
        for (i, dep) in p.depends_on.iter().enumerate() {
            if !names.contains(dep) {
                return Err(Error::UnknownPhase {
                    name: dep.clone(),
                    referenced_by: Some(format!("depends_on of `{name}`")),
                    location: Some(Box::new(at_item("depends_on", i))),
                    known: names.clone(),
                });
            }
            if dep == &name {
                return Err(Error::Cycle {
                    cycle: vec![name.clone(), name.clone()],
                    location: Some(at_item("depends_on", i)),
                });
            }
        }
        for key in ["inputs", "outputs"] {
            let list = if key == "inputs" {
                &p.inputs
            } else {
                &p.outputs
            };
            for (i, pattern) in list.iter().enumerate() {
                if let Err(message) = crate::fileset::check_pattern(pattern) {
                    return Err(invalid(
                        at_item(key, i),
                        format!("phase `{name}` {key}: {message}"),
                    ));
                }
            }
        }
        let timeout_ms = match p.timeout {
            None => None,
            Some(t) => {
                let text = t.into_string();
                let d = parse_duration(&text).map_err(|m| Error::Invalid {
                    location: at("timeout"),
                    message: format!("phase `{name}`: {m}"),
                    help: Some("write e.g. timeout = \"30s\", \"10m\" or \"1h30m\"".into()),
                })?;
                Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            }
        };
        let targets = match p.workspaces {
            None => PhaseTargets::Root,
            Some(list) if list.iter().any(|w| w == "*") => PhaseTargets::AllWorkspaces,
            Some(list) => {
                for (i, w) in list.iter().enumerate() {
                    if !workspaces.contains_key(w) {
                        let known: Vec<&str> = workspaces.keys().map(String::as_str).collect();
                        return Err(Error::Invalid {
                            location: at_item("workspaces", i),
                            message: format!("phase `{name}` names unknown workspace `{w}`"),
                            help: Some(if known.is_empty() {
                                "declare it with [workspace.<name>] path = \"…\"".into()
                            } else {
                                format!("declared workspaces: {}", known.join(", "))
                            }),
                        });
                    }
                }
                PhaseTargets::Workspaces(list)
            }
        };
        out.insert(
            name.clone(),
            Phase {
                name: name.clone(),
                description: p.description,
                commands,
                depends_on: p.depends_on,
                env: p
                    .env
                    .into_iter()
                    .map(|(k, v)| (k, v.into_string()))
                    .collect(),
                inputs: p.inputs,
                outputs: p.outputs,
                timeout_ms,
                parallel: p.parallel,
                targets,
                cache: p.cache.unwrap_or(true),
                watch: p.watch,
                port: p.port,
            },
        );
    }
    Ok(out)
}

fn convert_hooks(
    raw: BTreeMap<String, toml::Value>,
    phases: &BTreeMap<String, Phase>,
    spans: &Spans<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Hooks> {
    let names: Vec<String> = phases.keys().cloned().collect();
    let mut hooks = Hooks::default();
    for (key, value) in raw {
        let key_loc = spans.key(&[Seg::Key("hooks"), Seg::Key(&key)]);
        if key == "on_error" || key == "on_success" {
            warnings.push(Warning {
                location: key_loc,
                message: format!("[hooks] {key} is not supported (ignored, as in v2.5)"),
            });
            continue;
        }
        let (slot, target) = if key == "before_all" {
            (&mut hooks.before_all, None)
        } else if key == "after_all" {
            (&mut hooks.after_all, None)
        } else if let Some(phase) = key.strip_prefix("before_") {
            (
                hooks.before.entry(phase.to_owned()).or_default(),
                Some(phase.to_owned()),
            )
        } else if let Some(phase) = key.strip_prefix("after_") {
            (
                hooks.after.entry(phase.to_owned()).or_default(),
                Some(phase.to_owned()),
            )
        } else {
            warnings.push(Warning {
                location: key_loc,
                message: format!(
                    "unknown key `{key}` in [hooks] (ignored; expected before_all, after_all, before_<phase> or after_<phase>)"
                ),
            });
            continue;
        };
        if let Some(target) = &target
            && !phases.contains_key(target)
        {
            warnings.push(Warning {
                location: key_loc.clone(),
                message: format!("[hooks] {key}: no phase `{target}` is defined, so it never runs"),
            });
        }
        let list: Vec<String> = match value {
            toml::Value::String(s) => vec![s],
            toml::Value::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        toml::Value::String(s) => out.push(s),
                        _ => {
                            return Err(invalid(
                                spans.value(&[Seg::Key("hooks"), Seg::Key(&key), Seg::Index(i)]),
                                format!("[hooks] {key}: entries must be phase names (strings)"),
                            ));
                        }
                    }
                }
                out
            }
            _ => {
                return Err(invalid(
                    spans.value(&[Seg::Key("hooks"), Seg::Key(&key)]),
                    format!("[hooks] {key} must be a list of phase names"),
                ));
            }
        };
        for (i, phase) in list.iter().enumerate() {
            if !names.contains(phase) {
                return Err(Error::UnknownPhase {
                    name: phase.clone(),
                    referenced_by: Some(format!("hooks.{key}")),
                    location: Some(Box::new(spans.value(&[
                        Seg::Key("hooks"),
                        Seg::Key(&key),
                        Seg::Index(i),
                    ]))),
                    known: names.clone(),
                });
            }
        }
        slot.extend(list);
    }
    hooks.before.retain(|_, v| !v.is_empty());
    hooks.after.retain(|_, v| !v.is_empty());
    Ok(hooks)
}

fn convert_readiness(
    raw: BTreeMap<String, RawRequirement>,
    spans: &Spans<'_>,
) -> Result<Vec<Requirement>> {
    let mut out = Vec::new();
    for (name, r) in raw {
        let at = |key: &str| spans.value(&[Seg::Key("readiness"), Seg::Key(&name), Seg::Key(key)]);
        let check = CheckSpec::parse(&r.check).map_err(|message| Error::Invalid {
            location: at("check"),
            message: format!("[readiness.{name}] {message}"),
            help: Some(format!(
                "built-in checks: {}",
                crate::readiness::Builtin::ALL
                    .iter()
                    .map(|b| b.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        })?;
        let timeout_ms = match r.timeout {
            None => None,
            Some(t) => {
                let d = parse_duration(&t.into_string())
                    .map_err(|m| invalid(at("timeout"), format!("[readiness.{name}] {m}")))?;
                Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            }
        };
        out.push(Requirement {
            name,
            category: r.category,
            description: r.description,
            check,
            timeout_ms,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<MakeFile> {
        MakeFile::parse(text, Path::new("make.toml"), true)
    }

    #[test]
    fn v25_file_parses() {
        let text = r#"
[project]
name = "my-app"
type = "webapp"
version = "1.0.0"
description = "My app"

[workspace.frontend]
path = "apps/web"
framework = "next"

[lifecycle.dev]
description = "Start dev server"
command = "npm run dev"
watch = true
port = 3000

[lifecycle.build]
commands = ["echo a", "echo b"]
outputs = ["dist/"]
cache = true
workspaces = ["frontend"]
parallel = true

[lifecycle.test]
command = "npm test"

[hooks]
before_build = ["test"]
after_build = ["dev"]
before_deploy = ["test"]
on_error = "echo failed"
"#;
        let m = parse(text).unwrap();
        assert_eq!(m.project.as_ref().unwrap().name, "my-app");
        assert_eq!(m.phases["build"].commands, vec!["echo a", "echo b"]);
        assert_eq!(
            m.phases["build"].targets,
            PhaseTargets::Workspaces(vec!["frontend".into()])
        );
        assert_eq!(m.phases["dev"].port, Some(3000));
        assert_eq!(m.hooks.before["build"], vec!["test"]);
        assert_eq!(m.workspaces["frontend"].dir, PathBuf::from("apps/web"));
        let msgs: Vec<String> = m.warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            msgs.iter().any(|w| w.contains("on_error is not supported")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|w| w.contains("no phase `deploy`")),
            "{msgs:?}"
        );
    }

    #[test]
    fn unknown_keys_are_warnings_with_positions() {
        let m = parse("[project]\nname = \"x\"\n\n[lifecycle.build]\ncomand = \"make\"\n").unwrap();
        assert_eq!(m.warnings.len(), 1);
        assert_eq!(m.warnings[0].location.to_string(), "make.toml:5:1");
        assert!(m.warnings[0].message.contains("unknown key `comand`"));
    }

    #[test]
    fn syntax_and_type_errors_have_positions() {
        let e = parse("[project]\nname = \"x\"\n[lifecycle.build\n").unwrap_err();
        assert!(e.to_string().starts_with("make.toml:3:"), "{e}");
        let e =
            parse("[project]\nname = \"x\"\n[lifecycle.build]\nparallel = \"yes\"\n").unwrap_err();
        assert!(e.to_string().starts_with("make.toml:4:12"), "{e}");
    }

    #[test]
    fn missing_project_is_an_error_for_root_files_only() {
        let text = "[lifecycle.build]\ncommand = \"make\"\n";
        let e = parse(text).unwrap_err();
        assert!(e.to_string().contains("missing [project]"), "{e}");
        assert!(MakeFile::parse(text, Path::new("w/make.toml"), false).is_ok());
    }

    #[test]
    fn semantic_errors_name_positions() {
        let e = parse("[project]\nname = \"x\"\n[lifecycle.build]\ndepends_on = [\"gen\"]\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "make.toml:4:15: unknown phase `gen` (referenced by depends_on of `build`)"
        );
        let e = parse(
            "[project]\nname = \"x\"\n[lifecycle.build]\ncommand = \"a\"\ncommands = [\"b\"]\n",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("both `command` and `commands`"),
            "{e}"
        );
        let e = parse("[project]\nname = \"x\"\n[lifecycle.build]\ntimeout = \"10 parsecs\"\n")
            .unwrap_err();
        assert!(e.to_string().starts_with("make.toml:4:11:"), "{e}");
        let e =
            parse("[project]\nname = \"x\"\n[workspace.w]\npath = \"../elsewhere\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "make.toml:4:8: workspace `w` path `../elsewhere` is outside the project root"
        );
        let e = parse("[project]\nname = \"x\"\n[workspace.w]\npath = \"/abs\"\n").unwrap_err();
        assert!(e.to_string().contains("outside the project root"));
        let e =
            parse("[project]\nname = \"x\"\n[lifecycle.b]\ninputs = [\"../x/**\"]\n").unwrap_err();
        assert!(e.to_string().starts_with("make.toml:4:11:"), "{e}");
        let e =
            parse("[project]\nname = \"x\"\n[lifecycle.b]\nworkspaces = [\"nope\"]\n").unwrap_err();
        assert!(e.to_string().contains("unknown workspace `nope`"), "{e}");
        let e = parse("[project]\nname = \"x\"\n[hooks]\nbefore_all = [\"nope\"]\n").unwrap_err();
        assert!(
            e.to_string().contains("referenced by hooks.before_all"),
            "{e}"
        );
    }

    #[test]
    fn cycles_are_named() {
        let text = "[project]\nname = \"x\"\n\
            [lifecycle.a]\ndepends_on = [\"b\"]\n\
            [lifecycle.b]\ndepends_on = [\"c\"]\n\
            [lifecycle.c]\ndepends_on = [\"a\"]\n";
        let e = parse(text).unwrap_err();
        assert!(matches!(e, Error::Cycle { .. }));
        assert_eq!(
            e.to_string(),
            "make.toml:8:1: dependency cycle: a -> b -> c -> a"
        );

        let text = "[project]\nname = \"x\"\n\
            [lifecycle.a]\ncommand = \"true\"\n\
            [lifecycle.b]\ndepends_on = [\"a\"]\n\
            [hooks]\nbefore_a = [\"b\"]\n";
        let e = parse(text).unwrap_err();
        assert!(
            e.to_string().ends_with("dependency cycle: a -> b -> a"),
            "{e}"
        );

        let e =
            parse("[project]\nname = \"x\"\n[lifecycle.a]\ndepends_on = [\"a\"]\n").unwrap_err();
        assert!(e.to_string().ends_with("dependency cycle: a -> a"), "{e}");
    }

    #[test]
    fn env_values_may_be_scalars() {
        let m = parse(
            "[project]\nname = \"x\"\n[env.prod]\nvars = { LEVEL = 3, DEBUG = false, NAME = \"p\" }\n",
        )
        .unwrap();
        let vars = &m.environments["prod"].vars;
        assert_eq!(vars["LEVEL"], "3");
        assert_eq!(vars["DEBUG"], "false");
        assert_eq!(vars["NAME"], "p");
    }
}
