//! `graph query`.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use ggen_graph::model::{GraphName, Term};
use ggen_graph::results::{write_boolean, write_solutions};
use ggen_graph::{
    ExportOptions, Graph, GraphError, Prefixes, QueryOptions, QueryOutput, RdfSyntax, ResultsFormat,
};
use serde_json::json;

use super::{InputArgs, load_files, project_graph};
use crate::cmd::endpoint::{EndpointArgs, remote_source};
use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report};

/// After the time limit, how long to wait for the evaluation to notice its cancellation before
/// giving up on it (the process then exits, which stops it).
const GRACE: Duration = Duration::from_secs(1);

/// `graph query`
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query text (or use --file, or stdin).
    pub query: Option<String>,
    /// Read the query from a file (syntax errors are reported at its lines and columns).
    #[arg(long, short = 'F', value_name = "FILE", conflicts_with = "query")]
    pub file: Option<PathBuf>,
    /// RDF files to query (default: the project's graph, or its endpoint).
    #[arg(long, short = 'g', value_name = "FILE")]
    pub graph: Vec<PathBuf>,
    /// Output: table (default on a terminal), json, xml, csv, tsv (SELECT/ASK; the W3C SPARQL
    /// results formats), or an RDF syntax for CONSTRUCT/DESCRIBE: turtle (ttl), ntriples (nt),
    /// nquads, trig, rdfxml, jsonld, n3. Default when piped: tsv, or ntriples for graphs.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Stop the query after this many seconds (0: no limit).
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub timeout: f64,
    /// Remote SPARQL endpoint options.
    #[command(flatten)]
    pub endpoint: EndpointArgs,
}

/// What `--format` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Results(ResultsFormat),
    Rdf(RdfSyntax),
}

fn parse_format(name: &str) -> Result<Format, CmdError> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "table" => Format::Table,
        "json" => Format::Results(ResultsFormat::Json),
        "xml" => Format::Results(ResultsFormat::Xml),
        "csv" => Format::Results(ResultsFormat::Csv),
        "tsv" => Format::Results(ResultsFormat::Tsv),
        other => match RdfSyntax::from_name(other) {
            Some(s) => Format::Rdf(s),
            None => {
                return Err(CmdError::new(
                    "usage",
                    format!(
                        "unknown --format `{name}` (accepted: table, json, xml, csv, tsv, or an RDF syntax for CONSTRUCT/DESCRIBE: {})",
                        RdfSyntax::accepted_names()
                    ),
                ));
            }
        },
    })
}

fn query_text(a: &QueryArgs) -> Result<String, CmdError> {
    match (&a.query, &a.file) {
        (Some(t), _) => Ok(t.clone()),
        (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| {
            CmdError::new("io", format!("cannot read query file {}: {e}", f.display()))
        }),
        (None, None) => {
            if std::io::stdin().is_terminal() {
                return Err(CmdError::new(
                    "usage",
                    "give a query as an argument, with --file, or on stdin",
                ));
            }
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            Ok(s)
        }
    }
}

/// `ggen graph query`
pub fn run(ctx: &Ctx, a: QueryArgs) -> Result<Report, CmdError> {
    // Validate the arguments before any loading.
    let format = a.format.as_deref().map(parse_format).transpose()?;
    if !a.timeout.is_finite() || a.timeout < 0.0 {
        return Err(CmdError::new(
            "usage",
            "--timeout is a number of seconds (0 for no limit)",
        ));
    }
    let limit = (a.timeout > 0.0).then(|| Duration::from_secs_f64(a.timeout));
    let text = query_text(&a)?;
    // `--endpoint`, or the project's `[graph] endpoint`: the query runs on the server.
    let remote = if a.graph.is_empty() {
        remote_source(ctx, &a.endpoint)?
    } else {
        None
    };
    let (out, prefixes) = if let Some(r) = remote {
        // A time limit lowers the request's overall timeout.
        let out = match limit {
            Some(_) => r.query_limited(&text, limit)?,
            None => r.query(&text)?,
        };
        (out, r.prefixes)
    } else {
        let (g, prefixes, base) = if a.graph.is_empty() {
            project_graph(ctx)?
        } else {
            let g = load_files(ctx, &a.graph, &InputArgs::default())?;
            let p = g.prefixes().clone();
            (g, p, None)
        };
        let mut opts = QueryOptions::new()
            .with_prefixes(&prefixes)
            .with_base(base.as_deref());
        if let Some(f) = &a.file {
            opts = opts.with_source(shown(f), 1, 0);
        }
        if let Some(l) = limit {
            opts = opts.with_timeout(l);
        }
        (run_limited(g, text, opts, limit)?, prefixes)
    };
    let mut shorten = Prefixes::well_known();
    shorten.extend_from(&prefixes);
    let terminal = std::io::stdout().is_terminal();
    let format = format.unwrap_or(match (&out, terminal) {
        (_, true) => Format::Table,
        (QueryOutput::Graph(_), false) => Format::Rdf(RdfSyntax::NTriples),
        (_, false) => Format::Results(ResultsFormat::Tsv),
    });
    let human = render(&out, format, &shorten)?;
    Ok(Report::new(
        human,
        json!({ "results": results_json(&out)? }),
    ))
}

/// Run the query on a worker thread and give up after the limit (plus a grace period): the
/// evaluation is cancelled at the limit through its cancellation token, and if it does not
/// notice (some evaluations read the store rarely), the command returns the timeout error and
/// the process exit stops the worker.
fn run_limited(
    g: Graph,
    text: String,
    opts: QueryOptions,
    limit: Option<Duration>,
) -> Result<QueryOutput, CmdError> {
    let Some(limit) = limit else {
        return Ok(g.query(&text, &opts)?);
    };
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("sparql".into())
        .spawn(move || {
            let _ = tx.send(g.query(&text, &opts));
        })
        .map_err(|e| CmdError::new("io", format!("cannot start the query thread: {e}")))?;
    match rx.recv_timeout(limit + GRACE) {
        Ok(result) => Ok(result?),
        Err(_) => Err(CmdError::diag(&GraphError::query_timeout(None, limit))),
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, CmdError> {
    String::from_utf8(bytes).map_err(|e| CmdError::new("io", format!("output is not UTF-8: {e}")))
}

/// The graph of a CONSTRUCT/DESCRIBE answer, blank nodes canonically labelled.
fn graph_quads(t: &[ggen_graph::model::Triple]) -> Vec<ggen_graph::model::Quad> {
    ggen_graph::canonicalize_quads(
        t.iter()
            .map(|t| t.clone().in_graph(GraphName::DefaultGraph))
            .collect(),
    )
}

fn render(out: &QueryOutput, format: Format, prefixes: &Prefixes) -> Result<String, CmdError> {
    let form_error = |what: &str| {
        CmdError::new(
            "usage",
            format!("--format {what} does not apply to this query's answer"),
        )
    };
    Ok(match (out, format) {
        (QueryOutput::Solutions(s), Format::Table) => table(&s.variables, &s.rows, prefixes),
        (QueryOutput::Solutions(s), Format::Results(f)) => utf8(write_solutions(s, f)?)?,
        (QueryOutput::Boolean(b), Format::Table) => format!("{b}\n"),
        (QueryOutput::Boolean(b), Format::Results(f)) => utf8(write_boolean(*b, f)?)?,
        (QueryOutput::Solutions(_) | QueryOutput::Boolean(_), Format::Rdf(s)) => {
            return Err(CmdError::new(
                "usage",
                format!(
                    "--format {} is for CONSTRUCT and DESCRIBE queries; SELECT and ASK answers are table, json, xml, csv or tsv",
                    s.name()
                ),
            ));
        }
        (QueryOutput::Graph(t), Format::Table) => utf8(ggen_graph::export_quads(
            graph_quads(t),
            &ExportOptions::new(RdfSyntax::Turtle).with_prefixes(prefixes.clone()),
        )?)?,
        (QueryOutput::Graph(t), Format::Results(ResultsFormat::Json)) => utf8(
            ggen_graph::export_quads(graph_quads(t), &ExportOptions::new(RdfSyntax::JsonLd))?,
        )?,
        (QueryOutput::Graph(_), Format::Results(f)) => {
            return Err(form_error(&format!(
                "{} (a results format; a graph answer is written in an RDF syntax such as turtle or ntriples)",
                f.name()
            )));
        }
        (QueryOutput::Graph(t), Format::Rdf(s)) => utf8(ggen_graph::export_quads(
            graph_quads(t),
            &ExportOptions::new(s).with_prefixes(prefixes.clone()),
        )?)?,
    })
}

/// SPARQL 1.1 Query Results JSON for solutions and booleans; N-Triples lines for graphs.
fn results_json(out: &QueryOutput) -> Result<serde_json::Value, CmdError> {
    let doc = match out {
        QueryOutput::Solutions(s) => write_solutions(s, ResultsFormat::Json)?,
        QueryOutput::Boolean(b) => write_boolean(*b, ResultsFormat::Json)?,
        QueryOutput::Graph(t) => {
            let lines: Vec<String> = ggen_graph::export_quads(
                graph_quads(t),
                &ExportOptions::new(RdfSyntax::NTriples).canonical(),
            )
            .map(|b| {
                String::from_utf8_lossy(&b)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })?;
            return Ok(json!({ "triples": lines }));
        }
    };
    serde_json::from_slice(&doc).map_err(|e| CmdError::new("io", format!("results JSON: {e}")))
}

/// A table cell: IRIs shortened, literals with their language or shortened datatype, line
/// breaks and tabs shown escaped so the table stays aligned.
fn cell_text(t: &Term, prefixes: &Prefixes) -> String {
    let quoted = |v: &str| {
        format!(
            "\"{}\"",
            v.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
                .replace('\r', "\\r")
                .replace('\t', "\\t")
        )
    };
    match t {
        Term::NamedNode(n) => prefixes
            .shorten(n.as_str())
            .unwrap_or_else(|| format!("<{}>", n.as_str())),
        Term::Literal(l)
            if l.language().is_none()
                && l.datatype().as_str() == "http://www.w3.org/2001/XMLSchema#string" =>
        {
            quoted(l.value())
        }
        Term::Literal(l) => match (l.language(), prefixes.shorten(l.datatype().as_str())) {
            (Some(lang), _) => format!("{}@{lang}", quoted(l.value())),
            (None, Some(dt)) => format!("{}^^{dt}", quoted(l.value())),
            (None, None) => format!("{}^^<{}>", quoted(l.value()), l.datatype().as_str()),
        },
        other => other.to_string(),
    }
}

fn table(vars: &[String], rows: &[Vec<Option<Term>>], prefixes: &Prefixes) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    c.as_ref()
                        .map(|t| cell_text(t, prefixes))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = vars.iter().map(|v| v.chars().count() + 1).collect();
    for r in &cells {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |items: Vec<String>| -> String {
        let parts: Vec<String> = items
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count()))))
            .collect();
        format!("| {} |\n", parts.join(" | "))
    };
    let mut out = line(vars.iter().map(|v| format!("?{v}")).collect());
    out.push_str(&format!(
        "|{}|\n",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    ));
    for r in cells {
        out.push_str(&line(r));
    }
    out.push_str(&format!("{} row(s)\n", rows.len()));
    out
}
