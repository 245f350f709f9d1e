//! `ggen graph …`: load, query, export, diff, validate, visualize and count RDF graphs.

mod compare;
mod convert;
mod draw;
mod query;
mod stats;
mod validate;

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ggen_engine::{Progress, Workspace};
use ggen_graph::{Graph, GraphBuilder, Prefixes, RdfSyntax};

use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report};
use crate::progress::Bar;

/// `ggen graph …`
#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Parse RDF files and report triples, prefixes, the canonical hash and errors.
    #[command(
        after_help = "Examples:\n  ggen graph load ontology/*.ttl\n  ggen graph load data.jsonld --store .ggen/graph   # also write a canonical N-Quads snapshot"
    )]
    Load(convert::LoadArgs),
    /// Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).
    #[command(
        after_help = "Examples:\n  ggen graph query 'SELECT ?c WHERE { ?c a owl:Class }' --graph shop.ttl\n  ggen graph query --file q.rq --format csv\n  ggen graph query 'CONSTRUCT WHERE { ?s a ?c }' --graph shop.ttl --format turtle\n  ggen graph query --endpoint https://example.org/sparql --bearer-env SPARQL_TOKEN 'ASK { ?s ?p ?o }'"
    )]
    Query(query::QueryArgs),
    /// Convert RDF files to another syntax, or to canonical N-Quads.
    #[command(
        after_help = "Examples:\n  ggen graph export schema.ttl --to jsonld --out schema.jsonld\n  ggen graph export a.ttl b.rdf --to nquads --canonical > all.nq"
    )]
    Export(convert::ExportArgs),
    /// Compare two graphs: triples added and removed, blank-node aware (exit 1 when they differ).
    #[command(after_help = "Example:\n  ggen graph diff schema.ttl schema.jsonld")]
    Diff(compare::DiffArgs),
    /// Validate data against SHACL shapes (exit 1 on violations).
    #[command(
        after_help = "Examples:\n  ggen graph validate data.ttl --shapes shapes.ttl\n  ggen graph validate data.ttl --shapes shapes.ttl --format ttl > report.ttl"
    )]
    Validate(validate::ValidateArgs),
    /// Draw a graph as DOT, Mermaid, JSON, or SVG/PNG (through Graphviz).
    #[command(
        after_help = "Examples:\n  ggen graph visualize shop.ttl --classes --format mermaid\n  ggen graph visualize shop.ttl --format svg --out shop.svg"
    )]
    Visualize(draw::VisualizeArgs),
    /// Count triples, subjects, predicates, objects, classes, properties and namespaces.
    #[command(after_help = "Example:\n  ggen graph stats ontology/*.ttl")]
    Stats(stats::StatsArgs),
}

/// Dispatch `ggen graph …`.
pub fn run(ctx: &Ctx, cmd: GraphCommand) -> Result<Report, CmdError> {
    match cmd {
        GraphCommand::Load(a) => convert::load(ctx, &a),
        GraphCommand::Query(a) => query::run(ctx, a),
        GraphCommand::Export(a) => convert::export(ctx, &a),
        GraphCommand::Diff(a) => compare::run(ctx, &a),
        GraphCommand::Validate(a) => validate::run(ctx, &a),
        GraphCommand::Visualize(a) => draw::run(ctx, &a),
        GraphCommand::Stats(a) => stats::run(ctx, &a),
    }
}

/// How input files are read (shared by the graph commands).
#[derive(Debug, Clone, Default, Args)]
pub struct InputArgs {
    /// Syntax of every input file (default: by extension): turtle, ntriples, nquads, trig,
    /// rdfxml, jsonld, n3.
    #[arg(long = "from", value_name = "SYNTAX")]
    pub from: Option<String>,
    /// Base IRI for relative IRIs in the inputs.
    #[arg(long, value_name = "IRI")]
    pub base: Option<String>,
}

/// A user-given RDF syntax name, or a clear error listing the accepted ones.
pub fn syntax_named(name: &str) -> Result<RdfSyntax, CmdError> {
    RdfSyntax::from_name(name).ok_or_else(|| {
        CmdError::new(
            "rdf-unknown-syntax",
            format!(
                "unknown RDF format `{name}` (accepted: {})",
                RdfSyntax::accepted_names()
            ),
        )
    })
}

/// Load files into one graph (progress on stderr for large inputs).
pub fn load_files(ctx: &Ctx, files: &[PathBuf], input: &InputArgs) -> Result<Graph, CmdError> {
    let syntax = input.from.as_deref().map(syntax_named).transpose()?;
    let bar = Bar::new(&ctx.global);
    bar.begin("parse", Some(files.len() as u64));
    let mut b = GraphBuilder::new();
    b.set_base(input.base.as_deref())?;
    for f in files {
        b.add_file_as(f, Path::new(&shown(f)), syntax)?;
        bar.inc(1);
    }
    bar.end();
    bar.begin("build", None);
    let g = b.build()?;
    bar.end();
    Ok(g)
}

/// The project's graph (ggen.toml), with the project's prefixes and base.
pub fn project_graph(ctx: &Ctx) -> Result<(Graph, Prefixes, Option<String>), CmdError> {
    let root = ctx.project_root()?;
    let ws = Workspace::from_project(&root, &Default::default())?;
    let g = ggen_engine::load_graph(&ws, &Bar::new(&ctx.global))?;
    let mut p = g.prefixes().clone();
    p.extend_from(&ws.prefixes);
    Ok((g, p, ws.base.clone()))
}

/// The well-known prefixes with the graph's own over them.
pub fn display_prefixes(g: &Graph) -> Prefixes {
    let mut p = Prefixes::well_known();
    p.extend_from(g.prefixes());
    p
}

/// Write `bytes` to `out` atomically, or return them as the text to print.
pub fn write_or_print(out: Option<&Path>, bytes: Vec<u8>) -> Result<Option<String>, CmdError> {
    match out {
        Some(path) => {
            ggen_core::fs::write_atomic(path, &bytes).map_err(|e| {
                CmdError::new("io", format!("cannot write {}: {e}", path.display()))
            })?;
            Ok(None)
        }
        None => Ok(Some(String::from_utf8(bytes).map_err(|_| {
            CmdError::new(
                "usage",
                "the output is binary: write it to a file with --out",
            )
        })?)),
    }
}
