//! `ggen lifecycle …`: project phases from `make.toml`, production readiness.

pub mod live;
mod readiness;

use std::path::PathBuf;

use clap::{Args, Subcommand};
use ggen_lifecycle::{
    Error as LcError, Lifecycle, Plan, RunOptions, RunReport, StepStatus, is_secret_name,
};
use serde_json::json;

use crate::cmd::Ctx;
use crate::cmd::lifecycle::live::{LiveReporter, cancel_flag, indented, ms, status_word};
use crate::output::{CmdError, Report, exit};

/// `ggen lifecycle …`
#[derive(Debug, Subcommand)]
pub enum LifecycleCommand {
    /// List the phases of make.toml with their last runs.
    #[command(after_help = "Example:\n  ggen lifecycle list")]
    List,
    /// Show one phase: its definition, last runs and what `run` would execute.
    #[command(after_help = "Example:\n  ggen lifecycle show build --env production")]
    Show {
        /// The phase.
        phase: String,
        /// Environment for the plan (`[env.<name>]`; default: $GGEN_ENV).
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
    },
    /// Run phases with their dependencies and hooks (output streams to stderr).
    #[command(
        after_help = "Examples:\n  ggen lifecycle run build\n  ggen lifecycle run deploy --env production --dry-run\n  ggen lifecycle run test --no-cache"
    )]
    Run(PhaseArgs),
    /// Run several phases in order, each phase at most once.
    #[command(after_help = "Example:\n  ggen lifecycle pipeline lint test build")]
    Pipeline(PhaseArgs),
    /// Run the production-readiness checks and show the score.
    #[command(
        after_help = "Examples:\n  ggen lifecycle readiness\n  ggen lifecycle readiness --detailed --json"
    )]
    Readiness {
        /// Show every check with its description and message, not only the failing ones.
        #[arg(long)]
        detailed: bool,
        /// Environment for command checks (`[env.<name>]`; default: $GGEN_ENV).
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
        /// Run only these checks (repeatable).
        #[arg(long, value_name = "CHECK")]
        only: Vec<String>,
    },
    /// Fail (exit 1) when the project is not ready: a critical check fails, or with --strict
    /// the score is below the minimum.
    #[command(
        after_help = "Examples:\n  ggen lifecycle validate\n  ggen lifecycle validate --env production --strict --min-score 80"
    )]
    Validate {
        /// Environment for command checks (`[env.<name>]`; default: $GGEN_ENV).
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
        /// Also fail when the overall score is below --min-score.
        #[arg(long)]
        strict: bool,
        /// Minimum overall score in percent for --strict.
        #[arg(long, value_name = "N", default_value_t = ggen_lifecycle::readiness::DEFAULT_MIN_SCORE)]
        min_score: f64,
        /// Show every check, not only the failing ones.
        #[arg(long)]
        detailed: bool,
    },
}

/// Arguments of `run` and `pipeline`.
#[derive(Debug, Args)]
pub struct PhaseArgs {
    /// The phases to run.
    #[arg(required = true, value_name = "PHASE")]
    pub phases: Vec<String>,
    /// Environment (`[env.<name>]` overlay, exported as GGEN_ENV; default: $GGEN_ENV).
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// Run phases even when their inputs and outputs are unchanged.
    #[arg(long)]
    pub no_cache: bool,
    /// Print what would run, in order, and run nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

/// Dispatch `ggen lifecycle …`.
pub fn run(ctx: &Ctx, cmd: LifecycleCommand) -> Result<Report, CmdError> {
    match cmd {
        LifecycleCommand::List => list(ctx),
        LifecycleCommand::Show { phase, env } => show(ctx, &phase, env),
        LifecycleCommand::Run(args) | LifecycleCommand::Pipeline(args) => run_phases(ctx, &args),
        LifecycleCommand::Readiness {
            detailed,
            env,
            only,
        } => readiness::readiness(ctx, detailed, env, only),
        LifecycleCommand::Validate {
            env,
            strict,
            min_score,
            detailed,
        } => readiness::validate(ctx, env, strict, min_score, detailed),
    }
}

/// `--env`, else `$GGEN_ENV`.
pub(crate) fn env_or_default(env: Option<String>) -> Option<String> {
    env.or_else(|| std::env::var("GGEN_ENV").ok().filter(|v| !v.is_empty()))
}

fn load(ctx: &Ctx) -> Result<Lifecycle, CmdError> {
    let cwd = ctx.cwd()?;
    let file = Lifecycle::find(&cwd).ok_or_else(|| CmdError {
        help: Some(
            "create make.toml with a [project] name and [lifecycle.<phase>] tables (see docs/lifecycle.md)"
                .into(),
        ),
        ..CmdError::new(
            "lifecycle-no-make-toml",
            format!("no make.toml in {} or its parents", cwd.display()),
        )
    })?;
    let lc = Lifecycle::from_file(&file).map_err(|e| CmdError::diag(&e))?;
    for w in lc.warnings() {
        ctx.warn(&w.to_string());
    }
    Ok(lc)
}

fn list(ctx: &Ctx) -> Result<Report, CmdError> {
    let lc = load(ctx)?;
    let phases = lc.list().map_err(|e| CmdError::diag(&e))?;
    let mut human = format!(
        "{}: {} phase(s) in {}\n",
        lc.project_name(),
        phases.len(),
        crate::cmd::shown(&lc.make.path)
    );
    let width = phases.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in &phases {
        let mut line = format!(
            "  {:width$}  {}",
            p.name,
            p.description.as_deref().unwrap_or("")
        );
        if !p.depends_on.is_empty() {
            line.push_str(&format!("  [depends on: {}]", p.depends_on.join(", ")));
        }
        if let Some(run) = p.last_runs.get(&p.name) {
            line.push_str(&format!(
                "  (last: {} {} at {})",
                status_word(&ctx.style, run.status),
                ms(run.duration_ms),
                run.started_at
            ));
        }
        human.push_str(line.trim_end());
        human.push('\n');
    }
    let hooks = &lc.make.hooks;
    if !hooks.before_all.is_empty() || !hooks.after_all.is_empty() {
        human.push_str(&format!(
            "hooks: before_all = [{}], after_all = [{}]\n",
            hooks.before_all.join(", "),
            hooks.after_all.join(", ")
        ));
    }
    let envs: Vec<&String> = lc.make.environments.keys().collect();
    if !envs.is_empty() {
        human.push_str(&format!(
            "environments: {}\n",
            envs.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let json = json!({
        "project": lc.project_name(),
        "root": lc.root,
        "make_toml": lc.make.path,
        "phases": phases,
        "hooks": hooks,
        "environments": envs,
        "workspaces": lc.make.workspaces,
    });
    Ok(Report::new(human, json))
}

fn show(ctx: &Ctx, phase: &str, env: Option<String>) -> Result<Report, CmdError> {
    let lc = load(ctx)?;
    let summary = lc
        .list()
        .map_err(|e| CmdError::diag(&e))?
        .into_iter()
        .find(|p| p.name == phase);
    let options = RunOptions {
        env: env_or_default(env),
        ..RunOptions::default()
    };
    // Also reports an unknown phase with the list of defined ones.
    let plan = lc
        .plan(&[phase.to_owned()], &options)
        .map_err(|e| CmdError::diag(&e))?;
    let def = lc.make.phase(phase).map_err(|e| CmdError::diag(&e))?;
    let mut human = format!("phase {phase}\n");
    if let Some(d) = &def.description {
        human.push_str(&format!("  description: {d}\n"));
    }
    for c in &def.commands {
        human.push_str(&format!("  command:     {c}\n"));
    }
    if !def.depends_on.is_empty() {
        human.push_str(&format!("  depends on:  {}\n", def.depends_on.join(", ")));
    }
    if !def.inputs.is_empty() {
        human.push_str(&format!("  inputs:      {}\n", def.inputs.join(", ")));
    }
    if !def.outputs.is_empty() {
        human.push_str(&format!("  outputs:     {}\n", def.outputs.join(", ")));
    }
    if let Some(t) = def.timeout() {
        human.push_str(&format!(
            "  timeout:     {}\n",
            ggen_lifecycle::format_duration(t)
        ));
    }
    if let Some(s) = &summary {
        for (label, run) in &s.last_runs {
            human.push_str(&format!(
                "  last run:    {label} {} {} at {}\n",
                status_word(&ctx.style, run.status),
                ms(run.duration_ms),
                run.started_at
            ));
        }
    }
    human.push_str(&plan_text(&plan));
    for w in &plan.warnings {
        ctx.warn(w);
    }
    Ok(Report::new(
        human,
        json!({ "phase": summary, "plan": plan }),
    ))
}

/// The plan as text: steps in order with why, where and what runs. Values of variables whose
/// names look secret are masked.
pub(crate) fn plan_text(plan: &Plan) -> String {
    let mut out = format!(
        "plan: {}{}\n",
        plan.requested.join(" "),
        plan.env
            .as_ref()
            .map(|e| format!(" (env {e})"))
            .unwrap_or_default()
    );
    for (i, step) in plan.steps.iter().enumerate() {
        out.push_str(&format!("  {}. {}  ({})\n", i + 1, step.phase, step.reason));
        for t in &step.targets {
            let place = match &t.workspace {
                Some(w) => format!("in workspace {w} ({})", t.dir),
                None => "in the project root".to_owned(),
            };
            let mut notes = vec![place];
            if step.parallel && step.targets.len() > 1 {
                notes.push("parallel".into());
            }
            if t.cacheable {
                notes.push("cached when inputs are unchanged".into());
            }
            out.push_str(&format!("       {}\n", notes.join(", ")));
            if t.commands.is_empty() {
                out.push_str("       (no commands)\n");
            }
            for c in &t.commands {
                out.push_str(&format!("       $ {c}\n"));
            }
            let vars: Vec<String> = t
                .env
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "GGEN_PROJECT_ROOT" | "GGEN_PHASE"))
                .map(|(k, v)| {
                    if is_secret_name(k) {
                        format!("{k}=****")
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            if !vars.is_empty() {
                out.push_str(&format!("       env: {}\n", vars.join(" ")));
            }
        }
    }
    out
}

fn run_phases(ctx: &Ctx, args: &PhaseArgs) -> Result<Report, CmdError> {
    let lc = load(ctx)?;
    let options = RunOptions {
        env: env_or_default(args.env.clone()),
        no_cache: args.no_cache,
        cancel: Some(cancel_flag()),
        ..RunOptions::default()
    };
    let plan = lc
        .plan(&args.phases, &options)
        .map_err(|e| CmdError::diag(&e))?;
    for w in &plan.warnings {
        ctx.warn(w);
    }
    if args.dry_run {
        let mut human = plan_text(&plan);
        human.push_str("dry run: nothing was run\n");
        return Ok(Report::new(human, json!({ "dry_run": true, "plan": plan })));
    }
    let reporter = LiveReporter::new(!ctx.global.quiet, ctx.style);
    match lc.run_plan(&plan, &options, &reporter) {
        Ok(report) => Ok(run_report(ctx, &report, None, &reporter)),
        Err(e) => match e.run_report() {
            Some(partial) => {
                let partial = partial.clone();
                Ok(run_report(ctx, &partial, Some(&e), &reporter))
            }
            None => Err(CmdError::diag(&e)),
        },
    }
}

fn run_report(
    ctx: &Ctx,
    report: &RunReport,
    error: Option<&LcError>,
    reporter: &LiveReporter,
) -> Report {
    let mut human = String::new();
    let width = report
        .steps
        .iter()
        .map(|s| s.label().len())
        .max()
        .unwrap_or(0);
    let mut steps_json = Vec::new();
    for s in &report.steps {
        let label = s.label();
        human.push_str(&format!(
            "  {label:width$}  {:9}  {:>7}",
            status_word(&ctx.style, s.status),
            ms(s.duration_ms)
        ));
        if let Some(m) = &s.message {
            human.push_str(&format!("  {m}"));
        }
        human.push('\n');
        let failed = matches!(
            s.status,
            StepStatus::Failed | StepStatus::TimedOut | StepStatus::Error | StepStatus::Cancelled
        );
        let tail = if failed {
            reporter.tail(&label)
        } else {
            Vec::new()
        };
        // Streamed already unless --quiet; repeat the tail when it was not shown.
        if failed && ctx.global.quiet && !tail.is_empty() {
            human.push_str(&indented(&tail, "      | "));
        }
        let mut v = serde_json::to_value(s).unwrap_or_default();
        if let Some(m) = v.as_object_mut() {
            m.insert("output_tail".into(), json!(tail));
        }
        steps_json.push(v);
    }
    let ran = report.executed().len();
    let cached = report.cached().len();
    human.push_str(&format!(
        "{}: {} step(s), {ran} ran, {cached} cached, {}\n",
        if error.is_none() { "done" } else { "failed" },
        report.steps.len(),
        ms(report.duration_ms)
    ));
    let mut json = json!({
        "project": report.project,
        "requested": report.requested,
        "env": report.env,
        "duration_ms": report.duration_ms,
        "steps": steps_json,
    });
    let mut code = exit::OK;
    if let Some(e) = error {
        use ggen_core::Diagnostic as _;
        human.push_str(&format!("error: {e}\n"));
        if let Some(h) = e.help() {
            human.push_str(&format!("  help: {h}\n"));
        }
        if let Some(m) = json.as_object_mut() {
            m.insert(
                "error".into(),
                json!({ "code": e.code(), "message": e.to_string(), "help": e.help() }),
            );
        }
        // A cancelled run is an interruption, not a failed check.
        code = if matches!(e, LcError::Cancelled { .. }) {
            exit::ERROR
        } else {
            exit::CHECK_FAILED
        };
    }
    Report::new(human, json).with_exit(code)
}

/// The directory readiness looks at: the directory of make.toml, else the ggen project root,
/// else the current directory.
pub(crate) fn readiness_root(ctx: &Ctx) -> Result<(PathBuf, Option<Lifecycle>), CmdError> {
    let cwd = ctx.cwd()?;
    if let Some(file) = Lifecycle::find(&cwd) {
        let lc = Lifecycle::from_file(&file).map_err(|e| CmdError::diag(&e))?;
        for w in lc.warnings() {
            ctx.warn(&w.to_string());
        }
        return Ok((lc.root.clone(), Some(lc)));
    }
    let root = ggen_engine::find_project_root(&cwd).unwrap_or(cwd);
    Ok((root, None))
}
