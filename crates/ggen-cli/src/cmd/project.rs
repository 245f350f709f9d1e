//! `ggen project …` and `ggen sync`.

use std::time::Instant;

use ggen_engine::{GenOptions, Workspace, parse_cli_vars};
use serde_json::json;

use crate::cli::{GenArgs, ProjectCommand, RunArgs};
use crate::cmd::Ctx;
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
    Ok(opts)
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
    let plan = ggen_engine::plan(ws, opts, &bar)?;
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
    human.push_str(&format!(
        "{what}: {} ({} triples{}) in {elapsed_ms} ms\n",
        plan_view::summary(&plan),
        plan.triples,
        if plan.fast_path {
            ", nothing changed since the receipt"
        } else {
            ""
        }
    ));
    let conflicts = plan.has_conflicts();
    if conflicts {
        human.push_str("conflicts were left untouched; resolve them or rerun with --force\n");
    }
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
    let plan = ggen_engine::plan(&ws, &GenOptions::default(), &Bar::new(&ctx.global))?;
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
