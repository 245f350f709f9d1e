//! `ggen template regenerate [<template>...]`: run again the templates whose outputs the receipt
//! records (all of them, or the named ones), with the same merge rules as `ggen project gen`.

use std::collections::BTreeSet;

use clap::Args;
use ggen_engine::{Receipt, Workspace, parse_cli_vars};
use ggen_template::Template;
use serde_json::json;

use crate::cli::RunArgs;
use crate::cmd::Ctx;
use crate::cmd::marketplace::LockArgs;
use crate::cmd::project::{execute, gen_options};
use crate::output::{CmdError, Report};

/// `ggen template regenerate`
#[derive(Debug, Args, Clone)]
pub struct RegenerateArgs {
    /// Templates whose recorded outputs to regenerate, as paths or as the receipt names them
    /// (default: every template the receipt records).
    #[arg(value_name = "TEMPLATE")]
    pub templates: Vec<String>,
    /// Shared generation options.
    #[command(flatten)]
    pub run: RunArgs,
    /// Packs: --locked / --frozen (ggen.lock must not change).
    #[command(flatten)]
    pub lock: LockArgs,
}

/// A glob matching exactly `name` (`--only` takes globs).
fn escape_glob(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}') {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}

/// The receipt's name of a template given on the command line.
fn recorded_name(
    ctx: &Ctx,
    ws: &Workspace,
    given: &str,
    recorded: &BTreeSet<String>,
) -> Result<String, CmdError> {
    if recorded.contains(given) {
        return Ok(given.to_owned());
    }
    // A path relative to the current directory.
    if let Ok(abs) = ctx.cwd()?.join(given).canonicalize() {
        let name = ws.display_name(&abs);
        if recorded.contains(&name) {
            return Ok(name);
        }
    }
    let list: Vec<&str> = recorded.iter().map(String::as_str).collect();
    Err(CmdError {
        help: Some(format!(
            "templates with recorded outputs: {}",
            list.join(", ")
        )),
        ..CmdError::new(
            "usage",
            format!("template `{given}` has no outputs recorded in .ggen/receipt.json"),
        )
    })
}

/// Run `ggen template regenerate`.
pub fn run(ctx: &Ctx, args: &RegenerateArgs) -> Result<Report, CmdError> {
    let root = ctx.project_root()?;
    let vars = parse_cli_vars(&args.run.vars).map_err(|m| CmdError::new("usage", m))?;
    let mut ws = Workspace::from_project(&root, &vars)?;
    let writes = !(args.run.dry_run || args.run.check);
    crate::cmd::marketplace::attach_packs(ctx, &mut ws, args.lock, writes)?;
    let receipt = match &ws.receipt_path {
        Some(p) => Receipt::load(p)?,
        None => None,
    }
    .ok_or_else(|| {
        CmdError::new(
            "no-receipt",
            "nothing was generated yet (no .ggen/receipt.json); run `ggen project gen` first",
        )
    })?;
    let recorded: BTreeSet<String> = receipt
        .outputs
        .iter()
        .flat_map(|o| o.template.split(", "))
        .map(str::to_owned)
        .collect();
    let selected: BTreeSet<String> = if args.templates.is_empty() {
        recorded.clone()
    } else {
        args.templates
            .iter()
            .map(|t| recorded_name(ctx, &ws, t, &recorded))
            .collect::<Result<_, _>>()?
    };
    if selected.is_empty() {
        return Ok(Report::new(
            "the receipt records no outputs: nothing to regenerate\n".into(),
            json!({ "entries": [], "counts": {}, "templates": [] }),
        ));
    }
    // Every template of the project selected: a full run (the receipt is not marked partial).
    let every = ws
        .all_templates()
        .into_iter()
        .filter(|(t, _)| !Template::is_partial_file(&t.abs))
        .all(|(t, _)| selected.contains(&t.rel));
    let only: Vec<String> = if every {
        Vec::new()
    } else {
        selected.iter().map(|t| escape_glob(t)).collect()
    };
    let opts = gen_options(&args.run, &only)?;
    let what = if args.templates.is_empty() {
        "regenerated".to_owned()
    } else {
        format!(
            "regenerated {}",
            selected.iter().cloned().collect::<Vec<_>>().join(", ")
        )
    };
    let mut report = execute(ctx, &ws, &args.run, &opts, &what)?;
    if let serde_json::Value::Object(m) = &mut report.json {
        m.insert("templates".into(), json!(selected));
    }
    Ok(report)
}
