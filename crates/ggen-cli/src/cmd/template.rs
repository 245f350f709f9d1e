//! `ggen template …`

use std::path::{Path, PathBuf};

use ggen_engine::lint::{Finding, Severity};
use ggen_engine::scaffold::{StarterKind, starter};
use ggen_engine::{Workspace, find_project_root, parse_cli_vars};
use ggen_template::{Template, ToSpec};
use serde_json::json;

use crate::cli::{TemplateCommand, TemplateKind};
use crate::cmd::project::{execute, gen_options};
use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report, exit};

/// Dispatch `ggen template …`.
pub fn run(ctx: &Ctx, cmd: TemplateCommand) -> Result<Report, CmdError> {
    match cmd {
        TemplateCommand::GenerateTree(args) => crate::cmd::tree::generate_tree(ctx, &args),
        TemplateCommand::GenerateRdf(args) => crate::cmd::tree::generate_rdf(ctx, &args),
        TemplateCommand::Generate {
            template,
            rdf,
            out,
            run,
        } => {
            let cwd = ctx.cwd()?;
            let vars = parse_cli_vars(&run.vars).map_err(|m| CmdError::new("usage", m))?;
            let project = find_project_root(&cwd);
            let ws = match (&project, rdf.is_empty()) {
                // Inside a project and no --rdf: the project's graph, vars and receipt.
                (Some(root), true) => {
                    let mut ws = Workspace::from_project(root, &vars)?;
                    let abs = if template.is_absolute() {
                        template.clone()
                    } else {
                        cwd.join(&template)
                    };
                    let abs = abs
                        .canonicalize()
                        .map_err(|e| CmdError::new("io", format!("{}: {e}", template.display())))?;
                    ws.templates.retain(|t| t.abs == abs);
                    if ws.templates.is_empty() {
                        let rel = ggen_engine::InputFile {
                            rel: abs
                                .strip_prefix(&ws.root)
                                .map(ggen_core::fs::slash_path)
                                .unwrap_or_else(|_| abs.display().to_string()),
                            abs: abs.clone(),
                        };
                        if let Some(parent) = abs.parent() {
                            ws.template_dirs.insert(0, parent.to_path_buf());
                        }
                        ws.templates.push(rel);
                        // A template outside the project's template dirs is not recorded in the receipt.
                        ws.receipt_path = None;
                    }
                    if let Some(out) = &out {
                        ws.output_root = if out.is_absolute() {
                            out.clone()
                        } else {
                            cwd.join(out)
                        };
                    }
                    let only: Vec<String> = ws.templates.iter().map(|t| t.rel.clone()).collect();
                    let opts = gen_options(&run, &only)?;
                    return execute(ctx, &ws, &run, &opts, &format!("generated {}", shown(&abs)));
                }
                _ => Workspace::standalone(
                    &cwd,
                    &template,
                    &rdf,
                    out.as_deref().unwrap_or(Path::new(".")),
                    &vars,
                )?,
            };
            let opts = gen_options(&run, &[])?;
            execute(
                ctx,
                &ws,
                &run,
                &opts,
                &format!("generated {}", template.display()),
            )
        }
        TemplateCommand::List { dir } => list(ctx, dir),
        TemplateCommand::Show { template } => show(ctx, &template),
        TemplateCommand::Lint { templates } => lint(ctx, templates),
        TemplateCommand::New { name, kind, dir } => new(ctx, &name, kind, dir),
        TemplateCommand::Regenerate(args) => crate::cmd::regenerate::run(ctx, &args),
    }
}

/// Template files: given ones, or the project's.
fn project_templates(ctx: &Ctx) -> Result<Vec<(PathBuf, String)>, CmdError> {
    let root = ctx.project_root()?;
    let ws = Workspace::from_project(&root, &Default::default())?;
    let files = ws
        .templates
        .iter()
        .map(|t| (t.abs.clone(), t.rel.clone()))
        .collect();
    Ok(files)
}

fn list(ctx: &Ctx, dir: Option<PathBuf>) -> Result<Report, CmdError> {
    let files: Vec<(PathBuf, String)> = match dir {
        Some(d) => {
            let cwd = ctx.cwd()?;
            let mut v = Vec::new();
            walk(&cwd.join(&d), &mut v)?;
            v.sort();
            v.into_iter()
                .map(|p| {
                    let s = shown(&p);
                    (p, s)
                })
                .collect()
        }
        None => project_templates(ctx)?,
    };
    let mut rows = Vec::new();
    let mut human = String::new();
    for (path, name) in files {
        match Template::load(&path, &name) {
            Ok(t) => {
                let fm = &t.frontmatter;
                let to = match &fm.to {
                    ToSpec::Path(p) => p.clone(),
                    ToSpec::Skip => "(skipped)".into(),
                    ToSpec::Missing => {
                        if t.is_partial {
                            "(partial)".into()
                        } else {
                            "(no `to:`)".into()
                        }
                    }
                };
                human.push_str(&format!(
                    "{name}\n    {}{}\n",
                    if t.is_partial { "partial" } else { "to: " },
                    if t.is_partial {
                        String::new()
                    } else {
                        to.clone()
                    }
                ));
                if let Some(d) = &fm.description {
                    human.push_str(&format!("    {d}\n"));
                }
                rows.push(json!({ "path": name, "partial": t.is_partial, "to": to, "description": fm.description, "foreach": fm.foreach }));
            }
            Err(e) => {
                human.push_str(&format!(
                    "{name}\n    {} {e}\n",
                    ctx.style.paint("31", "invalid:")
                ));
                rows.push(json!({ "path": name, "error": e.to_string() }));
            }
        }
    }
    if rows.is_empty() {
        human.push_str("no templates found\n");
    }
    Ok(Report::new(human, json!({ "templates": rows })))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CmdError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CmdError::new("io", format!("{}: {e}", dir.display())))?;
    for e in entries {
        let e = e?;
        let p = e.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if Template::is_template_file(&p) {
            out.push(p);
        }
    }
    Ok(())
}

fn show(ctx: &Ctx, template: &Path) -> Result<Report, CmdError> {
    let name = shown(&ctx.cwd()?.join(template));
    let t = Template::load(template, &name)?;
    let fm = &t.frontmatter;
    let mut h = format!("{name}\n");
    if let Some(d) = &fm.description {
        h.push_str(&format!("  description: {d}\n"));
    }
    let to = match &fm.to {
        ToSpec::Path(p) => Some(p.clone()),
        _ => None,
    };
    h.push_str(&format!(
        "  to: {}\n",
        to.as_deref()
            .unwrap_or(if t.is_partial { "(partial)" } else { "(none)" })
    ));
    if let Some(f) = &fm.foreach {
        h.push_str(&format!("  foreach: {f}\n"));
    }
    if let Some(w) = &fm.when {
        h.push_str(&format!("  when: {w}\n"));
    }
    if !fm.vars.is_empty() {
        h.push_str("  vars:\n");
        for (k, v) in &fm.vars {
            if v.is_null() {
                h.push_str(&format!("    {k} (required)\n"));
            } else {
                h.push_str(&format!("    {k} = {v}\n"));
            }
        }
    }
    for (label, qs) in [("sparql", &fm.sparql), ("construct", &fm.construct)] {
        for q in qs {
            h.push_str(&format!("  {label} {} (line {}):\n", q.name, q.line));
            for l in q.text.lines() {
                h.push_str(&format!("    {l}\n"));
            }
        }
    }
    if let Some(inj) = &fm.inject {
        h.push_str(&format!("  inject: {:?}\n", inj.position));
    }
    let queries: Vec<_> = fm
        .sparql
        .iter()
        .map(|q| json!({ "name": q.name, "line": q.line, "query": q.text }))
        .collect();
    let constructs: Vec<_> = fm
        .construct
        .iter()
        .map(|q| json!({ "name": q.name, "line": q.line, "query": q.text }))
        .collect();
    Ok(Report::new(
        h,
        json!({
            "path": name, "partial": t.is_partial, "description": fm.description, "to": to, "foreach": fm.foreach,
            "when": fm.when, "vars": fm.vars, "sparql": queries, "construct": constructs,
            "inject": fm.inject.is_some(), "unknown_keys": fm.unknown_keys.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        }),
    ))
}

fn lint(ctx: &Ctx, templates: Vec<PathBuf>) -> Result<Report, CmdError> {
    let cwd = ctx.cwd()?;
    let ws = find_project_root(&cwd)
        .map(|root| Workspace::from_project(&root, &Default::default()))
        .transpose()?;
    let files: Vec<(PathBuf, String)> = if templates.is_empty() {
        project_templates(ctx)?
    } else {
        templates
            .iter()
            .map(|t| (cwd.join(t), shown(&cwd.join(t))))
            .collect()
    };
    let (vars, prefixes, dirs) = match &ws {
        Some(ws) => (ws.vars.clone(), ws.prefixes.clone(), ws.search_dirs()),
        None => Default::default(),
    };
    let mut all: Vec<Finding> = Vec::new();
    for (path, name) in &files {
        all.extend(ggen_engine::lint::lint(path, name, &vars, &prefixes, &dirs));
    }
    let errors = all.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    let mut human = String::new();
    for f in &all {
        let label = match f.severity {
            Severity::Error => ctx.style.paint("31;1", "error"),
            Severity::Warning => ctx.style.paint("33;1", "warning"),
        };
        human.push_str(&format!(
            "{label}: {}: {}\n",
            f.location,
            f.message.trim_start_matches(&format!("{}: ", f.location))
        ));
    }
    human.push_str(&format!(
        "{} template(s) checked: {errors} error(s), {warnings} warning(s)\n",
        files.len()
    ));
    Ok(Report::new(human, json!({ "templates": files.iter().map(|f| &f.1).collect::<Vec<_>>(), "findings": all, "errors": errors, "warnings": warnings }))
        .with_exit(if errors > 0 { exit::CHECK_FAILED } else { exit::OK }))
}

fn new(
    ctx: &Ctx,
    name: &str,
    kind: TemplateKind,
    dir: Option<PathBuf>,
) -> Result<Report, CmdError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(CmdError::new(
            "usage",
            format!("template name `{name}` must be a plain file name"),
        ));
    }
    let cwd = ctx.cwd()?;
    let dir = match dir {
        Some(d) => cwd.join(d),
        None => match find_project_root(&cwd) {
            Some(root) => {
                let ws = Workspace::from_project(&root, &Default::default())?;
                ws.template_dirs
                    .first()
                    .cloned()
                    .unwrap_or_else(|| root.join("templates"))
            }
            None => cwd.join("templates"),
        },
    };
    let kind = match kind {
        TemplateKind::Rust => StarterKind::Rust,
        TemplateKind::Typescript => StarterKind::Typescript,
        TemplateKind::Python => StarterKind::Python,
        TemplateKind::Generic => StarterKind::Generic,
    };
    let (file, content) = starter(name, kind);
    let path = dir.join(&file);
    if path.exists() {
        return Err(CmdError::new(
            "exists",
            format!("{} already exists", shown(&path)),
        ));
    }
    ggen_core::fs::write_atomic(&path, content.as_bytes())
        .map_err(|e| CmdError::new("io", format!("{}: {e}", path.display())))?;
    Ok(Report::new(
        format!("created {}\n", shown(&path)),
        json!({ "path": shown(&path) }),
    ))
}
