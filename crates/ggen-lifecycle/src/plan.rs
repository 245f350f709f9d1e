//! The planner: which phases run, where, in which order, with which commands and variables.
//!
//! Order for `run a` / `pipeline a b`:
//!
//! 1. `[hooks] before_all` phases, once per invocation;
//! 2. each requested phase, preceded (depth first, in declaration order) by its `depends_on`
//!    phases and then its `before_<phase>` hooks, and followed by its `after_<phase>` hooks;
//! 3. `[hooks] after_all` phases, once per invocation.
//!
//! Every phase runs at most once per invocation: a phase already run (as a dependency, a hook
//! or an earlier pipeline entry) is not run again. An `after_<phase>` hook naming a phase that
//! is already waiting for this one (e.g. `after_build = ["test"]` while running `test`, which
//! depends on `build`) is satisfied by that pending run. Cycles through `depends_on` and
//! `before_<phase>` hooks are errors naming the cycle (also checked at load time).
//!
//! Where a phase runs: in the project root, unless its `workspaces` lists workspace names (or
//! `"*"` for all of them, in name order); then once in each, concurrently when `parallel = true`.
//! A workspace directory with its own `make.toml` that defines the phase supplies that phase's
//! commands, `env`, `inputs`, `outputs`, `timeout` and `cache` for that workspace (v2.5
//! monorepos); otherwise the root definition is used. Ordering and hooks always come from the
//! root file. (v2.5 ran every phase in every workspace as soon as any workspace was declared,
//! and never in the root; list `workspaces = ["*"]` on a phase to get that behaviour.)
//!
//! Variables for a command, later entries overriding earlier ones: the inherited process
//! environment, the phase's `env`, `[env.<E>] vars` of the selected environment (an overlay
//! overrides the phase's defaults), the caller's extra variables, then `GGEN_ENV=<E>` (when an environment is selected), `GGEN_PHASE`,
//! `GGEN_PROJECT_ROOT` and, in a workspace, `GGEN_WORKSPACE`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ggen_core::Location;
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::model::{MAKE_FILE, MakeFile, Phase, PhaseTargets, Warning};

/// The default per-command timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// A project's lifecycle: its root `make.toml` and the `make.toml` files of its workspaces.
#[derive(Debug, Clone, Serialize)]
pub struct Lifecycle {
    /// The project root (the directory of the root `make.toml`).
    pub root: PathBuf,
    /// The root file.
    pub make: MakeFile,
    /// Workspaces that have their own `make.toml`, by workspace name.
    pub workspace_files: BTreeMap<String, MakeFile>,
}

/// Options shared by planning and running.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The environment (`--env`); the CLI falls back to `$GGEN_ENV`. `None`: no overlay and no
    /// `GGEN_ENV` set by ggen.
    pub env: Option<String>,
    /// Run phases even when their inputs and outputs are unchanged.
    pub no_cache: bool,
    /// Timeout for commands of phases without `timeout` (default 30 minutes).
    pub default_timeout: Duration,
    /// Between SIGTERM and SIGKILL when a command times out (default 2 s).
    pub kill_grace: Duration,
    /// Maximum concurrent workspaces for `parallel = true` phases (0 = number of CPUs).
    pub max_parallel: usize,
    /// Extra variables for every command (after the phase's `env`).
    pub extra_env: BTreeMap<String, String>,
    /// Set it to true to stop the run: the running commands' process groups are killed and no
    /// further step starts. Phase commands run in their own process groups, so the terminal's
    /// Ctrl-C does not reach them: the CLI's SIGINT handler should set this flag.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            env: None,
            no_cache: false,
            default_timeout: DEFAULT_TIMEOUT,
            kill_grace: Duration::from_secs(2),
            max_parallel: 0,
            extra_env: BTreeMap::new(),
            cancel: None,
        }
    }
}

/// Why a phase is in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "kebab-case")]
pub enum StepReason {
    /// Named on the command line.
    Requested,
    /// In `depends_on` of the given phase.
    DependencyOf(String),
    /// In `before_<phase>` of the given phase.
    BeforeHook(String),
    /// In `after_<phase>` of the given phase.
    AfterHook(String),
    /// In `[hooks] before_all`.
    BeforeAll,
    /// In `[hooks] after_all`.
    AfterAll,
}

impl std::fmt::Display for StepReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Requested => write!(f, "requested"),
            Self::DependencyOf(p) => write!(f, "dependency of {p}"),
            Self::BeforeHook(p) => write!(f, "before_{p} hook"),
            Self::AfterHook(p) => write!(f, "after_{p} hook"),
            Self::BeforeAll => write!(f, "before_all hook"),
            Self::AfterAll => write!(f, "after_all hook"),
        }
    }
}

/// The whole plan of one invocation.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// `[project] name`.
    pub project: String,
    /// The project root.
    pub root: PathBuf,
    /// The phases asked for.
    pub requested: Vec<String>,
    /// The environment.
    pub env: Option<String>,
    /// The steps, in execution order.
    pub steps: Vec<PlanStep>,
    /// Notes, e.g. an environment without an `[env.<name>]` table.
    pub warnings: Vec<String>,
}

/// One phase of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanStep {
    /// The phase.
    pub phase: String,
    /// Why it runs.
    pub reason: StepReason,
    /// Its targets run concurrently.
    pub parallel: bool,
    /// Where it runs (one entry for the root, or one per workspace).
    pub targets: Vec<PlanTarget>,
}

/// A phase in one place.
#[derive(Debug, Clone, Serialize)]
pub struct PlanTarget {
    /// The workspace, or `None` for the project root.
    pub workspace: Option<String>,
    /// The directory relative to the project root (`.` for the root).
    pub dir: String,
    /// The absolute directory.
    #[serde(skip)]
    pub abs_dir: PathBuf,
    /// The `make.toml` whose definition is used.
    pub defined_in: PathBuf,
    /// The commands, run in order with `sh -c`.
    pub commands: Vec<String>,
    /// Variables set for the commands (values of secret-looking names are masked when
    /// serialised).
    #[serde(serialize_with = "serialize_masked")]
    pub env: BTreeMap<String, String>,
    /// Per-command timeout.
    pub timeout_ms: u64,
    /// Input patterns.
    pub inputs: Vec<String>,
    /// Output patterns.
    pub outputs: Vec<String>,
    /// Whether input/output caching applies (`cache` not false and `inputs` not empty).
    pub cacheable: bool,
}

impl PlanTarget {
    /// The per-command timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

impl Plan {
    /// Every command in execution order, as `(label, command)` with label `phase` or
    /// `phase@workspace`.
    pub fn commands(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for step in &self.steps {
            for t in &step.targets {
                let label = match &t.workspace {
                    Some(w) => format!("{}@{w}", step.phase),
                    None => step.phase.clone(),
                };
                out.extend(t.commands.iter().map(|c| (label.clone(), c.clone())));
            }
        }
        out
    }

    /// The phase names in execution order.
    pub fn phase_order(&self) -> Vec<String> {
        self.steps.iter().map(|s| s.phase.clone()).collect()
    }
}

/// Is `name` likely to hold a secret (its value is masked in plans and logs)?
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "secret",
        "token",
        "password",
        "passwd",
        "credential",
        "private",
        "api_key",
        "apikey",
        "auth",
    ]
    .iter()
    .any(|w| n.contains(w))
        || n.ends_with("_key")
}

fn serialize_masked<S: Serializer>(
    env: &BTreeMap<String, String>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    let masked: BTreeMap<&str, &str> = env
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                if is_secret_name(k) { "***" } else { v.as_str() },
            )
        })
        .collect();
    masked.serialize(s)
}

impl Lifecycle {
    /// Load `<root>/make.toml` and the `make.toml` of every workspace that has one.
    pub fn load(root: &Path) -> Result<Self> {
        Self::from_file(&root.join(MAKE_FILE))
    }

    /// Load a root `make.toml` at `path` (the project root is its directory).
    pub fn from_file(path: &Path) -> Result<Self> {
        let make = MakeFile::load(path)?;
        let root = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // Absolute, so that GGEN_PROJECT_ROOT is right from inside a workspace directory.
        let root = std::path::absolute(&root).map_err(|e| Error::io(&root, e))?;
        let mut workspace_files = BTreeMap::new();
        for (name, ws) in &make.workspaces {
            let file = root.join(&ws.dir).join(MAKE_FILE);
            if file.is_file() {
                let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
                workspace_files.insert(name.clone(), MakeFile::parse(&text, &file, false)?);
            }
        }
        Ok(Self {
            root,
            make,
            workspace_files,
        })
    }

    /// Find the nearest `make.toml` in `start` or its ancestors.
    pub fn find(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|d| d.join(MAKE_FILE))
            .find(|f| f.is_file())
    }

    /// Warnings of the root file and the workspace files.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut out = self.make.warnings.clone();
        for f in self.workspace_files.values() {
            out.extend(f.warnings.iter().cloned());
        }
        out
    }

    /// The project name.
    pub fn project_name(&self) -> String {
        self.make
            .project
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    /// Plan the given phases (one for `run`, several for `pipeline`).
    pub fn plan(&self, phases: &[String], options: &RunOptions) -> Result<Plan> {
        for p in phases {
            self.make.phase(p)?;
        }
        let mut warnings = Vec::new();
        if let Some(env) = &options.env
            && !self.make.environments.contains_key(env)
        {
            warnings.push(format!(
                "environment `{env}` has no [env.{env}] table in {}: only GGEN_ENV is set",
                self.make.path.display()
            ));
        }
        let mut order = Ordering::default();
        for p in &self.make.hooks.before_all {
            order.visit(&self.make, p, StepReason::BeforeAll)?;
        }
        for p in phases {
            order.visit(&self.make, p, StepReason::Requested)?;
        }
        for p in &self.make.hooks.after_all {
            order.visit(&self.make, p, StepReason::AfterAll)?;
        }
        let mut steps = Vec::new();
        for (phase_name, reason) in order.steps {
            let phase = self.make.phase(&phase_name)?;
            steps.push(PlanStep {
                phase: phase_name.clone(),
                reason,
                parallel: phase.parallel,
                targets: self.targets(phase, options)?,
            });
        }
        Ok(Plan {
            project: self.project_name(),
            root: self.root.clone(),
            requested: phases.to_vec(),
            env: options.env.clone(),
            steps,
            warnings,
        })
    }

    fn targets(&self, phase: &Phase, options: &RunOptions) -> Result<Vec<PlanTarget>> {
        let names: Vec<String> = match &phase.targets {
            PhaseTargets::Root => return Ok(vec![self.target(phase, None, options)?]),
            PhaseTargets::AllWorkspaces => self.make.workspaces.keys().cloned().collect(),
            PhaseTargets::Workspaces(list) => list.clone(),
        };
        names
            .iter()
            .map(|w| self.target(phase, Some(w), options))
            .collect()
    }

    fn target(
        &self,
        phase: &Phase,
        workspace: Option<&str>,
        options: &RunOptions,
    ) -> Result<PlanTarget> {
        let (dir, def, defined_in) = match workspace {
            None => (PathBuf::new(), phase, self.make.path.clone()),
            Some(w) => {
                let ws = self.make.workspaces.get(w).ok_or_else(|| Error::Invalid {
                    location: Location::file(&self.make.path),
                    message: format!("phase `{}` names unknown workspace `{w}`", phase.name),
                    help: None,
                })?;
                match self
                    .workspace_files
                    .get(w)
                    .and_then(|f| f.phases.get(&phase.name).map(|p| (p, f.path.clone())))
                {
                    Some((p, file)) => (ws.dir.clone(), p, file),
                    None => (ws.dir.clone(), phase, self.make.path.clone()),
                }
            }
        };
        let abs_dir = self.checked_dir(&dir, workspace)?;
        // The phase's `env` is the base; the selected environment's overlay overrides it
        // (`env = { RUST_LOG = "info" }` + `[env.production] vars = { RUST_LOG = "warn" }`
        // gives `warn` in production).
        let mut env = def.env.clone();
        if let Some(e) = options
            .env
            .as_ref()
            .and_then(|e| self.make.environments.get(e))
        {
            env.extend(e.vars.clone());
        }
        env.extend(options.extra_env.clone());
        if let Some(e) = &options.env {
            env.insert("GGEN_ENV".into(), e.clone());
        }
        env.insert("GGEN_PHASE".into(), phase.name.clone());
        env.insert(
            "GGEN_PROJECT_ROOT".into(),
            self.root.to_string_lossy().into_owned(),
        );
        if let Some(w) = workspace {
            env.insert("GGEN_WORKSPACE".into(), w.to_owned());
        }
        let timeout = def.timeout().unwrap_or(options.default_timeout);
        Ok(PlanTarget {
            workspace: workspace.map(str::to_owned),
            dir: if dir.as_os_str().is_empty() {
                ".".into()
            } else {
                ggen_core::fs::slash_path(&dir)
            },
            abs_dir,
            defined_in,
            commands: def.commands.clone(),
            env,
            timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            inputs: def.inputs.clone(),
            outputs: def.outputs.clone(),
            cacheable: def.cache && !def.inputs.is_empty(),
        })
    }

    /// The absolute directory of a target; a workspace must exist and (after resolving
    /// symbolic links) stay inside the root.
    fn checked_dir(&self, dir: &Path, workspace: Option<&str>) -> Result<PathBuf> {
        let abs = self.root.join(dir);
        let Some(w) = workspace else {
            return Ok(abs);
        };
        let canon_root = self
            .root
            .canonicalize()
            .map_err(|e| Error::io(&self.root, e))?;
        let canon = abs.canonicalize().map_err(|e| Error::Invalid {
            location: Location::file(&self.make.path),
            message: format!("workspace `{w}` directory {}: {e}", abs.display()),
            help: Some("create the directory or fix [workspace] path".into()),
        })?;
        if !canon.starts_with(&canon_root) || !canon.is_dir() {
            return Err(Error::WorkspaceOutsideRoot {
                name: w.to_owned(),
                path: ggen_core::fs::slash_path(dir),
                location: Location::file(&self.make.path),
            });
        }
        Ok(abs)
    }
}

#[derive(Default)]
struct Ordering {
    steps: Vec<(String, StepReason)>,
    done: BTreeSet<String>,
    stack: Vec<String>,
}

impl Ordering {
    fn visit(&mut self, make: &MakeFile, phase: &str, reason: StepReason) -> Result<()> {
        if self.done.contains(phase) {
            return Ok(());
        }
        if let Some(pos) = self.stack.iter().position(|p| p == phase) {
            if matches!(reason, StepReason::AfterHook(_)) {
                // Already waiting for the phase that triggered this hook: it runs after it anyway.
                return Ok(());
            }
            let mut cycle: Vec<String> = self.stack.get(pos..).unwrap_or_default().to_vec();
            cycle.push(phase.to_owned());
            return Err(Error::Cycle {
                cycle,
                location: Some(Location::file(&make.path)),
            });
        }
        make.phase(phase)?;
        self.stack.push(phase.to_owned());
        for (next, edge) in make.prerequisites(phase) {
            let why = match edge {
                crate::model::Edge::DependsOn => StepReason::DependencyOf(phase.to_owned()),
                crate::model::Edge::BeforeHook => StepReason::BeforeHook(phase.to_owned()),
            };
            self.visit(make, next, why)?;
        }
        self.stack.pop();
        self.done.insert(phase.to_owned());
        self.steps.push((phase.to_owned(), reason));
        if let Some(after) = make.hooks.after.get(phase) {
            for a in after {
                self.visit(make, a, StepReason::AfterHook(phase.to_owned()))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lifecycle(text: &str) -> Lifecycle {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("make.toml");
        std::fs::write(&path, text).unwrap();
        let lc = Lifecycle::from_file(&path).unwrap();
        std::mem::forget(dir);
        lc
    }

    fn order(lc: &Lifecycle, phases: &[&str]) -> Vec<String> {
        let phases: Vec<String> = phases.iter().map(|s| s.to_string()).collect();
        lc.plan(&phases, &RunOptions::default())
            .unwrap()
            .steps
            .iter()
            .map(|s| format!("{}({})", s.phase, s.reason))
            .collect()
    }

    #[test]
    fn hooks_and_dependencies_once_each() {
        let lc = lifecycle(
            r#"
[project]
name = "p"
[lifecycle.gen]
command = "g"
[lifecycle.lint]
command = "l"
[lifecycle.build]
command = "b"
depends_on = ["gen"]
[lifecycle.test]
command = "t"
depends_on = ["build"]
[lifecycle.tools]
command = "tools"
[lifecycle.report]
command = "r"
[hooks]
before_all = ["tools"]
after_all = ["report"]
before_build = ["lint"]
after_build = ["test"]
"#,
        );
        assert_eq!(
            order(&lc, &["build"]),
            vec![
                "tools(before_all hook)",
                "gen(dependency of build)",
                "lint(before_build hook)",
                "build(requested)",
                "test(after_build hook)",
                "report(after_all hook)"
            ]
        );
        // `test` depends on `build`, whose after-hook is `test`: test still runs once, last.
        assert_eq!(
            order(&lc, &["test", "build", "tools"]),
            vec![
                "tools(before_all hook)",
                "gen(dependency of build)",
                "lint(before_build hook)",
                "build(dependency of test)",
                "test(requested)",
                "report(after_all hook)"
            ]
        );
    }

    #[test]
    fn unknown_requested_phase() {
        let lc = lifecycle("[project]\nname = \"p\"\n[lifecycle.build]\ncommand = \"b\"\n");
        let e = lc
            .plan(&["deploy".into()], &RunOptions::default())
            .unwrap_err();
        assert_eq!(e.to_string(), "unknown phase `deploy`");
        assert_eq!(
            ggen_core::Diagnostic::help(&e).unwrap(),
            "defined phases: build"
        );
    }

    #[test]
    fn env_overlay_and_masking() {
        let lc = lifecycle(
            r#"
[project]
name = "p"
[lifecycle.build]
command = "b"
env = { LEVEL = "phase" }
[env.production]
vars = { LEVEL = "prod", MODE = "fast", API_TOKEN = "s3cr3t" }
"#,
        );
        let opts = RunOptions {
            env: Some("production".into()),
            ..RunOptions::default()
        };
        let plan = lc.plan(&["build".into()], &opts).unwrap();
        let t = &plan.steps[0].targets[0];
        assert_eq!(t.env["LEVEL"], "prod");
        assert_eq!(t.env["MODE"], "fast");
        assert_eq!(t.env["GGEN_ENV"], "production");
        let json = serde_json::to_string(&plan).unwrap();
        assert!(!json.contains("s3cr3t"), "{json}");
        assert!(plan.warnings.is_empty());
        let opts = RunOptions {
            env: Some("staging".into()),
            ..RunOptions::default()
        };
        let plan = lc.plan(&["build".into()], &opts).unwrap();
        assert_eq!(plan.warnings.len(), 1);
        assert!(!plan.steps[0].targets[0].env.contains_key("MODE"));
    }
}
