//! `graph load` and `graph export`.

use std::path::PathBuf;

use clap::Args;
use ggen_graph::{ExportOptions, NamedGraphs, RdfSyntax};
use serde_json::json;

use super::{InputArgs, display_prefixes, load_files, syntax_named, write_or_print};
use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report};

/// `graph load`
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// RDF files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Syntax of every file (default: by extension).
    #[arg(long, alias = "from", value_name = "SYNTAX")]
    pub format: Option<String>,
    /// Base IRI for relative IRIs.
    #[arg(long, value_name = "IRI")]
    pub base: Option<String>,
    /// Also write the loaded dataset to DIR/graph.nq as canonical N-Quads (reload it with
    /// `--graph DIR/graph.nq`; the file's SHA-256 is the canonical hash).
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
}

/// `ggen graph load`
pub fn load(ctx: &Ctx, a: &LoadArgs) -> Result<Report, CmdError> {
    let input = InputArgs {
        from: a.format.clone(),
        base: a.base.clone(),
    };
    let g = load_files(ctx, &a.files, &input)?;
    let mut human = String::new();
    for s in g.sources() {
        human.push_str(&format!(
            "{}  {} triples ({})\n",
            s.path, s.triples, s.syntax
        ));
    }
    human.push_str(&format!(
        "{} distinct triples, {} prefixes, canonical sha256 {}\n",
        g.len(),
        g.prefixes().len(),
        g.canonical_sha256()
    ));
    let mut store = serde_json::Value::Null;
    if let Some(dir) = &a.store {
        let bytes = ggen_graph::export(&g, &ExportOptions::new(RdfSyntax::NQuads).canonical())?;
        std::fs::create_dir_all(dir)
            .map_err(|e| CmdError::new("io", format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join("graph.nq");
        ggen_core::fs::write_atomic(&path, &bytes)
            .map_err(|e| CmdError::new("io", format!("cannot write {}: {e}", path.display())))?;
        human.push_str(&format!(
            "snapshot: {} ({} bytes of canonical N-Quads)\n",
            shown(&path),
            bytes.len()
        ));
        store = json!({ "path": shown(&path), "bytes": bytes.len() });
    }
    let prefixes: serde_json::Map<String, serde_json::Value> = g
        .prefixes()
        .iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    Ok(Report::new(
        human,
        json!({
            "sources": g.sources(),
            "triples": g.len(),
            "prefixes": prefixes,
            "canonical_sha256": g.canonical_sha256(),
            "store": store,
        }),
    ))
}

/// `graph export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// RDF files (merged into one dataset).
    #[arg(required = true, value_name = "IN")]
    pub inputs: Vec<PathBuf>,
    /// Output syntax: turtle (ttl), ntriples (nt), nquads (nq), trig, rdfxml (rdf), jsonld, n3
    /// (written as Turtle, which is valid N3).
    #[arg(long, value_name = "SYNTAX")]
    pub to: String,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Canonical N-Quads/N-Triples (RDFC-1.0 blank node labels, sorted lines): the same data
    /// always gives the same bytes. Needs --to nquads or --to ntriples.
    #[arg(long)]
    pub canonical: bool,
    /// Put the triples of named graphs into the default graph (for syntaxes without graphs).
    #[arg(long, conflicts_with = "default_graph_only")]
    pub merge_graphs: bool,
    /// Drop named graphs (for syntaxes without graphs).
    #[arg(long)]
    pub default_graph_only: bool,
    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
}

/// `ggen graph export`
pub fn export(ctx: &Ctx, a: &ExportArgs) -> Result<Report, CmdError> {
    let syntax = syntax_named(&a.to)?;
    if a.canonical && !matches!(syntax, RdfSyntax::NQuads | RdfSyntax::NTriples) {
        return Err(CmdError::new(
            "usage",
            format!(
                "--canonical writes N-Quads or N-Triples, not {}: use --to nquads or --to ntriples",
                syntax.name()
            ),
        ));
    }
    let g = load_files(ctx, &a.inputs, &a.input)?;
    let mut options = ExportOptions::new(syntax).with_prefixes(display_prefixes(&g));
    if a.canonical {
        options = options.canonical();
    }
    if a.merge_graphs {
        options = options.named_graphs(NamedGraphs::Merge);
    } else if a.default_graph_only {
        options = options.named_graphs(NamedGraphs::DefaultOnly);
    }
    let bytes = ggen_graph::export(&g, &options)?;
    let len = bytes.len();
    let sha = ggen_core::hash::sha256_hex(&bytes);
    let printed = write_or_print(a.out.as_deref(), bytes)?;
    let doc = json!({
        "syntax": syntax.name(),
        "canonical": a.canonical,
        "triples": g.len(),
        "canonical_sha256": g.canonical_sha256(),
        "out": a.out.as_deref().map(shown),
        "bytes": len,
        "sha256": sha,
        "content": printed,
    });
    let human = match printed {
        Some(text) => text,
        None => format!(
            "wrote {} triples as {} to {} ({len} bytes)\n",
            g.len(),
            syntax.name(),
            a.out.as_deref().map(shown).unwrap_or_default()
        ),
    };
    Ok(Report::new(human, doc))
}
