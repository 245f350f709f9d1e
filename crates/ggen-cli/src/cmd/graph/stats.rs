//! `graph stats`.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{InputArgs, display_prefixes, load_files};
use crate::cmd::Ctx;
use crate::output::{CmdError, Report};

/// `graph stats`
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// RDF files (counted together).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// How many classes, properties and namespaces to list (the JSON output has all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
}

/// `ggen graph stats`
pub fn run(ctx: &Ctx, a: &StatsArgs) -> Result<Report, CmdError> {
    let g = load_files(ctx, &a.files, &a.input)?;
    let s = ggen_graph::stats(&g, &display_prefixes(&g))?;
    let mut h = String::new();
    let _ = writeln!(h, "triples        {}", s.triples);
    if s.named_graphs > 0 {
        let _ = writeln!(
            h,
            "  default graph {} (plus {} named graph(s))",
            s.default_graph_triples, s.named_graphs
        );
    }
    let _ = writeln!(h, "subjects       {}", s.subjects);
    let _ = writeln!(h, "predicates     {}", s.predicates);
    let _ = writeln!(h, "objects        {}", s.objects);
    let _ = writeln!(h, "  literals     {}", s.literals);
    let _ = writeln!(h, "blank nodes    {}", s.blank_nodes);
    let more = |n: usize| {
        if n > a.top {
            format!(" (top {} of {n})", a.top)
        } else {
            String::new()
        }
    };
    let _ = writeln!(h, "\nclasses: {}{}", s.classes.len(), more(s.classes.len()));
    for c in s.classes.iter().take(a.top) {
        let _ = writeln!(
            h,
            "  {:>8}  {}",
            c.instances,
            c.short.clone().unwrap_or_else(|| format!("<{}>", c.class))
        );
    }
    let _ = writeln!(
        h,
        "\nproperties: {}{}",
        s.properties.len(),
        more(s.properties.len())
    );
    for p in s.properties.iter().take(a.top) {
        let _ = writeln!(
            h,
            "  {:>8}  {}",
            p.triples,
            p.short
                .clone()
                .unwrap_or_else(|| format!("<{}>", p.property))
        );
    }
    let _ = writeln!(
        h,
        "\nnamespaces: {}{}",
        s.namespaces.len(),
        more(s.namespaces.len())
    );
    for n in s.namespaces.iter().take(a.top) {
        let prefix = n
            .prefix
            .as_deref()
            .map(|p| format!("{p}: "))
            .unwrap_or_default();
        let _ = writeln!(h, "  {:>8}  {prefix}<{}>", n.iris, n.namespace);
    }
    Ok(Report::new(h, json!({ "stats": s })))
}
