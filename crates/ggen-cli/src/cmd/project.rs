//! `ggen project …` and `ggen sync`.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use ggen_core::Diagnostic;
use ggen_engine::{
    Action, EngineError, GenOptions, MergePolicy, Plan, SavedPlan, Workspace, parse_cli_vars,
};
use serde_json::json;

use crate::cli::{GenArgs, MergeArg, ProjectCommand, RunArgs};
use crate::cmd::Ctx;
use crate::cmd::marketplace::LockArgs;
use crate::cmd::plan_view::{self, Detail};
use crate::output::{CmdError, Report, exit};
use crate::progress::Bar;

/// Dispatch `ggen project …`.
pub fn run(ctx: &Ctx, cmd: ProjectCommand) -> Result<Report, CmdError> {
    match cmd {
        ProjectCommand::Init { name } => init(ctx, name),
        ProjectCommand::Gen(args) => generate(ctx, &args),
        ProjectCommand::Diff { check, vars } => diff(ctx, check, &vars),
        ProjectCommand::Verify => verify(ctx),
        ProjectCommand::Watch(args) => crate::cmd::watch::run(ctx, &args),
        ProjectCommand::New(args) => crate::cmd::new::run(ctx, &args),
        ProjectCommand::Plan(args) => plan_cmd(ctx, &args),
        ProjectCommand::Apply(args) => apply_cmd(ctx, &args),
    }
}

/// Build engine options from the shared run arguments.
pub fn gen_options(run: &RunArgs, only: &[String]) -> Result<GenOptions, CmdError> {
    let mut opts = GenOptions::default()
        .with_only(only.to_vec())
        .map_err(|m| CmdError::new("usage", m))?;
    opts.force = run.force;
    opts.allow_shell = run.allow_shell;
    opts.allow_outside_root = run.allow_outside_root;
    opts.strict = run.strict;
    opts.format = run.format;
    opts.merge = run.merge.map(|m| match m {
        MergeArg::ThreeWay => MergePolicy::ThreeWay,
        MergeArg::Overwrite => MergePolicy::Overwrite,
        MergeArg::KeepOurs => MergePolicy::KeepOurs,
        MergeArg::MarkersOnly => MergePolicy::MarkersOnly,
    });
    Ok(opts)
}

/// An engine error for the command line: conflict markers left from an earlier run are a
/// failed check (exit 1), like the conflicts that wrote them.
pub fn engine_err(e: EngineError) -> CmdError {
    let mut c = CmdError::diag(&e);
    if e.code() == "unresolved-conflicts" {
        c.exit = exit::CHECK_FAILED;
    }
    c
}

/// Lines telling what to do about the conflicts of a plan (empty when there are none).
pub fn conflict_advice(plan: &Plan) -> String {
    let conflicts = |markers: bool| -> Vec<&str> {
        plan.entries
            .iter()
            .filter(|e| e.action == Action::Conflict && e.markers == markers)
            .map(|e| e.path.as_str())
            .collect()
    };
    let mut out = String::new();
    let marked = conflicts(true);
    if !marked.is_empty() {
        out.push_str(&format!(
            "conflict markers written into {}: resolve them (look for `<<<<<<< ours`), then run again\n",
            marked.join(", ")
        ));
    }
    let left = conflicts(false);
    if !left.is_empty() {
        out.push_str(&format!(
            "conflicts were left untouched in {}: resolve them or rerun with --force\n",
            left.join(", ")
        ));
    }
    out
}

fn project_workspace(ctx: &Ctx, vars: &[String]) -> Result<Workspace, CmdError> {
    let root = ctx.project_root()?;
    let vars = parse_cli_vars(vars).map_err(|m| CmdError::new("usage", m))?;
    Ok(Workspace::from_project(&root, &vars)?)
}

/// Plan, then print (dry run), check, or apply. Shared by `project gen` and `template generate`.
pub fn execute(
    ctx: &Ctx,
    ws: &Workspace,
    run: &RunArgs,
    opts: &GenOptions,
    what: &str,
) -> Result<Report, CmdError> {
    let started = Instant::now();
    for w in &ws.warnings {
        ctx.warn(w);
    }
    let bar = Bar::new(&ctx.global);
    let plan = ggen_engine::plan(ws, opts, &bar).map_err(engine_err)?;
    for w in &plan.warnings {
        ctx.warn(w);
    }
    let elapsed_ms = started.elapsed().as_millis();
    if run.dry_run {
        let mut human = plan_view::human(ctx, &plan, Detail::Diffs);
        human.push_str(&format!(
            "dry run: {} (nothing written)\n",
            plan_view::summary(&plan)
        ));
        let exit_code = if plan.has_conflicts() {
            exit::CHECK_FAILED
        } else {
            exit::OK
        };
        return Ok(Report::new(human, plan_view::json(&plan, true, None)).with_exit(exit_code));
    }
    if run.check {
        let drift = plan.has_drift();
        let mut human = plan_view::human(ctx, &plan, Detail::Changes);
        if plan.receipt_changed && !plan.entries.iter().any(|e| e.action.writes()) {
            human
                .push_str("   update .ggen/receipt.json  (inputs changed; outputs are the same)\n");
        }
        human.push_str(&if drift {
            format!(
                "drift: {} — run `ggen project gen`\n",
                plan_view::summary(&plan)
            )
        } else {
            "up to date\n".to_owned()
        });
        return Ok(
            Report::new(human, plan_view::json(&plan, false, None)).with_exit(if drift {
                exit::CHECK_FAILED
            } else {
                exit::OK
            }),
        );
    }
    let applied = ggen_engine::apply(ws, &plan)?;
    let mut human = plan_view::human(ctx, &plan, Detail::Changes);
    let source = match plan
        .receipt
        .as_ref()
        .and_then(|r| r.graph.endpoint.as_ref())
    {
        Some(e) => format!("{} queries on {}", e.queries, e.url),
        None => format!("{} triples", plan.triples),
    };
    human.push_str(&format!(
        "{what}: {} ({source}{}) in {elapsed_ms} ms\n",
        plan_view::summary(&plan),
        if plan.fast_path {
            ", nothing changed since the receipt"
        } else {
            ""
        }
    ));
    let conflicts = plan.has_conflicts();
    human.push_str(&conflict_advice(&plan));
    let mut doc = plan_view::json(&plan, false, Some(&applied));
    if let serde_json::Value::Object(m) = &mut doc {
        m.insert("elapsed_ms".into(), json!(elapsed_ms));
    }
    Ok(Report::new(human, doc).with_exit(if conflicts {
        exit::CHECK_FAILED
    } else {
        exit::OK
    }))
}

/// `ggen project gen` / `ggen sync`.
pub fn generate(ctx: &Ctx, args: &GenArgs) -> Result<Report, CmdError> {
    let mut ws = project_workspace(ctx, &args.run.vars)?;
    let writes = !(args.run.dry_run || args.run.check);
    crate::cmd::marketplace::attach_packs(ctx, &mut ws, args.lock, writes)?;
    let opts = gen_options(&args.run, &args.only)?;
    let name = ws
        .project
        .as_ref()
        .map(|(n, _)| n.clone())
        .unwrap_or_default();
    execute(ctx, &ws, &args.run, &opts, &format!("generated {name}"))
}

fn diff(ctx: &Ctx, check: bool, vars: &[String]) -> Result<Report, CmdError> {
    let mut ws = project_workspace(ctx, vars)?;
    crate::cmd::marketplace::attach_packs(ctx, &mut ws, Default::default(), false)?;
    let plan = ggen_engine::plan(&ws, &GenOptions::default(), &Bar::new(&ctx.global))
        .map_err(engine_err)?;
    for w in &plan.warnings {
        ctx.warn(w);
    }
    let drift = plan.has_drift();
    let detail = if check {
        Detail::Changes
    } else {
        Detail::Diffs
    };
    let mut human = plan_view::human(ctx, &plan, detail);
    if plan.receipt_changed && !plan.entries.iter().any(|e| e.action.writes()) {
        human.push_str(
            "the receipt is out of date (inputs changed; generated files are the same)\n",
        );
    }
    human.push_str(if drift {
        "drift: run `ggen project gen`\n"
    } else {
        "no drift\n"
    });
    Ok(
        Report::new(human, plan_view::json(&plan, !check, None)).with_exit(if drift {
            exit::CHECK_FAILED
        } else {
            exit::OK
        }),
    )
}

fn verify(ctx: &Ctx) -> Result<Report, CmdError> {
    let ws = project_workspace(ctx, &[])?;
    let report = ggen_engine::verify(&ws)?;
    let mut human = String::new();
    let mut bad = 0;
    for (path, status, mode) in &report.outputs {
        let s = serde_json::to_value(status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        if *status != ggen_engine::VerifyStatus::Ok {
            bad += 1;
            let note = if *mode == ggen_engine::OutputMode::Inject {
                " (injection target: yours to edit)"
            } else {
                ""
            };
            human.push_str(&format!("{} {path}{note}\n", ctx.style.action(&s)));
        } else if ctx.global.verbose > 0 {
            human.push_str(&format!("{} {path}\n", ctx.style.action("ok")));
        }
    }
    let ok = report.ok();
    human.push_str(&format!(
        "{} of {} recorded outputs match the receipt{}\n",
        report.outputs.len() - bad,
        report.outputs.len(),
        if ok {
            ""
        } else {
            "; regenerate with `ggen project gen` (or --force to drop hand edits)"
        }
    ));
    let outputs: Vec<_> = report
        .outputs
        .iter()
        .map(|(p, s, m)| json!({ "path": p, "status": s, "mode": m }))
        .collect();
    Ok(
        Report::new(human, json!({ "outputs": outputs, "verified": ok })).with_exit(if ok {
            exit::OK
        } else {
            exit::CHECK_FAILED
        }),
    )
}

/// `ggen project plan`
#[derive(Debug, Args, Clone, Default)]
pub struct PlanArgs {
    /// Save the plan to this file (default: only show it).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Set a template variable (repeatable): --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Only run templates matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Overwrite files edited by hand since the last generation.
    #[arg(long, short = 'f')]
    pub force: bool,
    /// How files you edited meet the new output: three-way, overwrite, keep-ours, markers-only.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub merge: Option<MergeArg>,
    /// Allow templates' sh_before/sh_after commands (applying the plan needs it again).
    #[arg(long)]
    pub allow_shell: bool,
    /// Allow `to:` paths outside the output root.
    #[arg(long)]
    pub allow_outside_root: bool,
    /// Treat warnings (e.g. unknown frontmatter keys) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Run the formatters of `[output] format` on generated files.
    #[arg(long)]
    pub format: bool,
    /// Packs: --locked / --frozen (ggen.lock must not change).
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `ggen project apply`
#[derive(Debug, Args, Clone)]
pub struct ApplyArgs {
    /// The plan file (from `ggen project plan --out`).
    pub plan: PathBuf,
    /// Allow the plan's sh_before/sh_after commands to run.
    #[arg(long)]
    pub allow_shell: bool,
    /// Allow entries outside the project root.
    #[arg(long)]
    pub allow_outside_root: bool,
    /// Packs: --locked / --frozen (ggen.lock must not change).
    #[command(flatten)]
    pub lock: LockArgs,
}

fn plan_cmd(ctx: &Ctx, args: &PlanArgs) -> Result<Report, CmdError> {
    let mut ws = project_workspace(ctx, &args.vars)?;
    crate::cmd::marketplace::attach_packs(ctx, &mut ws, args.lock, false)?;
    for w in &ws.warnings {
        ctx.warn(w);
    }
    let run = RunArgs {
        vars: args.vars.clone(),
        force: args.force,
        allow_shell: args.allow_shell,
        allow_outside_root: args.allow_outside_root,
        strict: args.strict,
        format: args.format,
        merge: args.merge,
        ..RunArgs::default()
    };
    let opts = gen_options(&run, &args.only)?;
    let plan = ggen_engine::plan(&ws, &opts, &Bar::new(&ctx.global)).map_err(engine_err)?;
    for w in &plan.warnings {
        ctx.warn(w);
    }
    let saved = SavedPlan::new(&ws, &plan)?;
    let mut human = plan_view::human(ctx, &plan, Detail::Changes);
    let summary = plan_view::summary(&plan);
    let out = match &args.out {
        Some(out) => {
            let abs = ctx.cwd()?.join(out);
            ggen_core::fs::write_atomic(&abs, saved.to_json().as_bytes())
                .map_err(|e| CmdError::new("io", format!("{}: {e}", out.display())))?;
            human.push_str(&format!(
                "plan: {summary}; saved to {0} (apply it with `ggen project apply {0}`)\n",
                out.display()
            ));
            Some(out.display().to_string())
        }
        None => {
            human.push_str(&format!(
                "plan: {summary} (nothing saved; use --out FILE to keep it)\n"
            ));
            None
        }
    };
    human.push_str(&conflict_advice(&plan));
    let mut doc = plan_view::json(&plan, false, None);
    if let serde_json::Value::Object(m) = &mut doc {
        m.insert("out".into(), json!(out));
    }
    Ok(Report::new(human, doc).with_exit(if plan.has_conflicts() {
        exit::CHECK_FAILED
    } else {
        exit::OK
    }))
}

fn apply_cmd(ctx: &Ctx, args: &ApplyArgs) -> Result<Report, CmdError> {
    let started = Instant::now();
    let path = ctx.cwd()?.join(&args.plan);
    let saved = SavedPlan::load(&path).map_err(|e| match e {
        EngineError::Io { source, .. } => {
            CmdError::new("io", format!("{}: {source}", args.plan.display()))
        }
        other => CmdError::diag(&other),
    })?;
    let mut ws = project_workspace(ctx, &[])?;
    crate::cmd::marketplace::attach_packs(ctx, &mut ws, args.lock, false)?;
    saved.check_fresh(&ws, &args.plan)?;
    let plan = saved.to_plan(&ws, &args.plan, args.allow_shell, args.allow_outside_root)?;
    let applied = ggen_engine::apply(&ws, &plan)?;
    let mut human = plan_view::human(ctx, &plan, Detail::Changes);
    human.push_str(&format!(
        "applied {}: {} in {} ms\n",
        args.plan.display(),
        plan_view::summary(&plan),
        started.elapsed().as_millis()
    ));
    human.push_str(&conflict_advice(&plan));
    let mut doc = plan_view::json(&plan, false, Some(&applied));
    if let serde_json::Value::Object(m) = &mut doc {
        m.insert("plan".into(), json!(args.plan.display().to_string()));
    }
    Ok(Report::new(human, doc).with_exit(if plan.has_conflicts() {
        exit::CHECK_FAILED
    } else {
        exit::OK
    }))
}

fn init(ctx: &Ctx, name: Option<String>) -> Result<Report, CmdError> {
    let cwd = ctx.cwd()?;
    let manifest = cwd.join(ggen_engine::MANIFEST_FILE);
    if manifest.exists() {
        return Err(CmdError::new(
            "exists",
            format!("{} already exists", manifest.display()),
        ));
    }
    let name = name.unwrap_or_else(|| {
        cwd.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".to_owned())
    });
    let mut created = Vec::new();
    let write_new = |rel: &str, content: &str, created: &mut Vec<String>| -> Result<(), CmdError> {
        let p = cwd.join(rel);
        if p.exists() {
            return Ok(());
        }
        ggen_core::fs::write_atomic(&p, content.as_bytes())
            .map_err(|e| CmdError::new("io", format!("{rel}: {e}")))?;
        created.push(rel.to_owned());
        Ok(())
    };
    write_new(
        "ggen.toml",
        &ggen_engine::manifest::init_template(&name),
        &mut created,
    )?;
    write_new("ontology/model.ttl", &starter_ontology(&name), &mut created)?;
    write_new("templates/classes.md.tmpl", STARTER_TEMPLATE, &mut created)?;
    write_new(
        ".ggen/.gitignore",
        "# the receipt is meant to be committed\n",
        &mut created,
    )?;
    let human = format!(
        "initialised {name}: {}\nnext: edit ontology/model.ttl and templates/, then run `ggen project gen`\n",
        created.join(", ")
    );
    Ok(Report::new(
        human,
        json!({ "name": name, "created": created }),
    ))
}

fn starter_ontology(name: &str) -> String {
    format!(
        r#"@prefix ex: <http://example.org/{name}#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Thing a owl:Class ;
    rdfs:label "Thing" ;
    rdfs:comment "Replace me with your first class." .

ex:name a owl:DatatypeProperty ;
    rdfs:label "name" ;
    rdfs:domain ex:Thing ;
    rdfs:range xsd:string .
"#
    )
}

const STARTER_TEMPLATE: &str = r#"---
to: classes.md
description: A Markdown list of the ontology's classes
sparql:
  classes: |
    SELECT ?class ?label ?comment WHERE {
      ?class a owl:Class ; rdfs:label ?label .
      OPTIONAL { ?class rdfs:comment ?comment }
    } ORDER BY ?label
---
# Classes

{% for c in sparql_results.classes %}
- **{{ c.label }}** (`{{ c.class | prefixed }}`){% if c.comment is defined %}: {{ c.comment }}{% endif %}

{% endfor %}
"#;
