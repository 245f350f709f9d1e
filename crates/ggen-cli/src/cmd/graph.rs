//! `ggen graph …`

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use ggen_engine::Workspace;
use ggen_graph::model::Term;
use ggen_graph::{Graph, GraphBuilder, Prefixes, QueryOptions, QueryOutput, RdfSyntax};
use serde_json::json;

use crate::cli::{GraphCommand, QueryFormat};
use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report};
use crate::progress::Bar;

/// Dispatch `ggen graph …`.
pub fn run(ctx: &Ctx, cmd: GraphCommand) -> Result<Report, CmdError> {
    match cmd {
        GraphCommand::Load {
            files,
            format,
            base,
        } => load(ctx, &files, format.as_deref(), base.as_deref()),
        GraphCommand::Query {
            query: text,
            file,
            graph,
            format,
            endpoint,
        } => query(ctx, text, file, &graph, format, &endpoint),
    }
}

fn syntax_override(format: Option<&str>) -> Result<Option<RdfSyntax>, CmdError> {
    format
        .map(|f| {
            RdfSyntax::from_name(f).ok_or_else(|| {
                CmdError::new(
                    "rdf-unknown-syntax",
                    format!(
                        "unknown RDF format `{f}` (accepted: {})",
                        RdfSyntax::accepted_names()
                    ),
                )
            })
        })
        .transpose()
}

fn load(
    _ctx: &Ctx,
    files: &[PathBuf],
    format: Option<&str>,
    base: Option<&str>,
) -> Result<Report, CmdError> {
    let syntax = syntax_override(format)?;
    let mut b = GraphBuilder::new();
    b.set_base(base)?;
    for f in files {
        b.add_file_as(f, Path::new(&shown(f)), syntax)?;
    }
    let g = b.build()?;
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
    let prefixes: serde_json::Map<String, serde_json::Value> = g
        .prefixes()
        .iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    Ok(Report::new(
        human,
        json!({ "sources": g.sources(), "triples": g.len(), "prefixes": prefixes, "canonical_sha256": g.canonical_sha256() }),
    ))
}

fn project_graph(ctx: &Ctx) -> Result<(Graph, Prefixes, Option<String>), CmdError> {
    let root = ctx.project_root()?;
    let ws = Workspace::from_project(&root, &Default::default())?;
    let g = ggen_engine::load_graph(&ws, &Bar::new(&ctx.global))?;
    let mut p = g.prefixes().clone();
    p.extend_from(&ws.prefixes);
    Ok((g, p, ws.base.clone()))
}

fn query(
    ctx: &Ctx,
    text: Option<String>,
    file: Option<PathBuf>,
    graph: &[PathBuf],
    format: Option<QueryFormat>,
    endpoint: &crate::cmd::endpoint::EndpointArgs,
) -> Result<Report, CmdError> {
    let text = match (text, file) {
        (Some(t), _) => t,
        (None, Some(f)) => std::fs::read_to_string(&f)
            .map_err(|e| CmdError::new("io", format!("{}: {e}", f.display())))?,
        (None, None) => {
            if std::io::stdin().is_terminal() {
                return Err(CmdError::new(
                    "usage",
                    "give a query as an argument, with --file, or on stdin",
                ));
            }
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
    };
    // `--endpoint`, or the project's `[graph] endpoint`: the query runs on the server.
    let remote = if graph.is_empty() {
        crate::cmd::endpoint::remote_source(ctx, endpoint)?
    } else {
        None
    };
    let (out, prefixes) = if let Some(r) = remote {
        (r.query(&text)?, r.prefixes)
    } else {
        let (g, prefixes, base) = if graph.is_empty() {
            project_graph(ctx)?
        } else {
            let mut b = GraphBuilder::new();
            for f in graph {
                b.add_file_as(f, Path::new(&shown(f)), None)?;
            }
            let g = b.build()?;
            let p = g.prefixes().clone();
            (g, p, None)
        };
        let opts = QueryOptions::new()
            .with_prefixes(&prefixes)
            .with_base(base.as_deref());
        (g.query(&text, &opts)?, prefixes)
    };
    let mut shorten = Prefixes::well_known();
    shorten.extend_from(&prefixes);
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        QueryFormat::Table
    } else {
        QueryFormat::Tsv
    });
    let json_doc = results_json(&out);
    let human = match (&out, format) {
        (QueryOutput::Solutions(s), QueryFormat::Table) => table(&s.variables, &s.rows, &shorten),
        (QueryOutput::Solutions(s), QueryFormat::Csv) => delimited(&s.variables, &s.rows, ','),
        (QueryOutput::Solutions(s), QueryFormat::Tsv) => delimited(&s.variables, &s.rows, '\t'),
        (QueryOutput::Boolean(b), QueryFormat::Table | QueryFormat::Csv | QueryFormat::Tsv) => {
            format!("{b}\n")
        }
        (
            QueryOutput::Graph(t),
            QueryFormat::Table | QueryFormat::Nt | QueryFormat::Csv | QueryFormat::Tsv,
        ) => t.iter().map(|t| format!("{t} .\n")).collect(),
        (QueryOutput::Graph(t), QueryFormat::Ttl) => {
            let mut b = GraphBuilder::new();
            b.add_quads(t.iter().map(|t| {
                t.clone()
                    .in_graph(ggen_graph::model::GraphName::DefaultGraph)
            }));
            let g = b.build()?;
            String::from_utf8_lossy(&g.serialize(RdfSyntax::Turtle, &shorten)?).into_owned()
        }
        (_, QueryFormat::Json) => format!(
            "{}\n",
            serde_json::to_string_pretty(&json_doc).unwrap_or_default()
        ),
        (_, QueryFormat::Nt | QueryFormat::Ttl) => {
            return Err(CmdError::new(
                "usage",
                "nt/ttl output is for CONSTRUCT and DESCRIBE queries",
            ));
        }
    };
    Ok(Report::new(human, json!({ "results": json_doc })))
}

/// SPARQL 1.1 Query Results JSON for solutions and booleans; N-Triples lines for graphs.
fn results_json(out: &QueryOutput) -> serde_json::Value {
    let term = |t: &Term| match t {
        Term::NamedNode(n) => json!({ "type": "uri", "value": n.as_str() }),
        Term::BlankNode(b) => json!({ "type": "bnode", "value": b.as_str() }),
        Term::Literal(l) => {
            let mut v = json!({ "type": "literal", "value": l.value() });
            if let Some(lang) = l.language() {
                if let Some(m) = v.as_object_mut() {
                    m.insert("xml:lang".into(), json!(lang));
                }
            } else if l.datatype().as_str() != "http://www.w3.org/2001/XMLSchema#string"
                && let Some(m) = v.as_object_mut()
            {
                m.insert("datatype".into(), json!(l.datatype().as_str()));
            }
            v
        }
        #[allow(unreachable_patterns)]
        other => json!({ "type": "triple", "value": other.to_string() }),
    };
    match out {
        QueryOutput::Solutions(s) => {
            let bindings: Vec<serde_json::Value> = s
                .rows
                .iter()
                .map(|r| {
                    let m: serde_json::Map<String, serde_json::Value> = s
                        .variables
                        .iter()
                        .zip(r)
                        .filter_map(|(v, c)| c.as_ref().map(|c| (v.clone(), term(c))))
                        .collect();
                    serde_json::Value::Object(m)
                })
                .collect();
            json!({ "head": { "vars": s.variables }, "results": { "bindings": bindings } })
        }
        QueryOutput::Boolean(b) => json!({ "head": {}, "boolean": b }),
        QueryOutput::Graph(t) => {
            json!({ "triples": t.iter().map(ToString::to_string).collect::<Vec<_>>() })
        }
    }
}

fn cell_text(t: &Term, prefixes: &Prefixes) -> String {
    match t {
        Term::NamedNode(n) => prefixes
            .shorten(n.as_str())
            .unwrap_or_else(|| format!("<{}>", n.as_str())),
        Term::Literal(l)
            if l.language().is_none()
                && l.datatype().as_str() == "http://www.w3.org/2001/XMLSchema#string" =>
        {
            format!("\"{}\"", l.value())
        }
        Term::Literal(l) => match (l.language(), prefixes.shorten(l.datatype().as_str())) {
            (Some(lang), _) => format!("\"{}\"@{lang}", l.value()),
            (None, Some(dt)) => format!("\"{}\"^^{dt}", l.value()),
            (None, None) => t.to_string(),
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

fn delimited(vars: &[String], rows: &[Vec<Option<Term>>], sep: char) -> String {
    let esc = |s: String| -> String {
        if sep == ',' && (s.contains([',', '"', '\n', '\r'])) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else if sep == '\t' {
            s.replace(['\t', '\n'], " ")
        } else {
            s
        }
    };
    let mut out = String::new();
    let header: Vec<String> = vars
        .iter()
        .map(|v| {
            if sep == '\t' {
                format!("?{v}")
            } else {
                v.clone()
            }
        })
        .collect();
    out.push_str(&header.join(&sep.to_string()));
    out.push('\n');
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .map(|c| match c {
                None => String::new(),
                Some(t) if sep == '\t' => esc(t.to_string()),
                Some(t) => esc(ggen_graph::term::text(t)),
            })
            .collect();
        out.push_str(&line.join(&sep.to_string()));
        out.push('\n');
    }
    out
}
