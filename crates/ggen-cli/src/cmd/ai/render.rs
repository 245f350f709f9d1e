//! Query results for people (an aligned table) and as SPARQL 1.1 Query Results JSON.
//!
//! The same shapes as `ggen graph query` prints (see `cmd/graph.rs`; the two could share one
//! module).

use ggen_graph::model::Term;
use ggen_graph::{Prefixes, QueryOutput};
use serde_json::{Value, json};

/// SPARQL 1.1 Query Results JSON for solutions and booleans; N-Triples lines for graphs.
pub fn results_json(out: &QueryOutput) -> Value {
    let term = |t: &Term| match t {
        Term::NamedNode(n) => json!({ "type": "uri", "value": n.as_str() }),
        Term::BlankNode(b) => json!({ "type": "bnode", "value": b.as_str() }),
        Term::Literal(l) => {
            let mut v = json!({ "type": "literal", "value": l.value() });
            if let Some(m) = v.as_object_mut() {
                if let Some(lang) = l.language() {
                    m.insert("xml:lang".into(), json!(lang));
                } else if l.datatype().as_str() != "http://www.w3.org/2001/XMLSchema#string" {
                    m.insert("datatype".into(), json!(l.datatype().as_str()));
                }
            }
            v
        }
        #[allow(unreachable_patterns)]
        other => json!({ "type": "triple", "value": other.to_string() }),
    };
    match out {
        QueryOutput::Solutions(s) => {
            let bindings: Vec<Value> = s
                .rows
                .iter()
                .map(|r| {
                    Value::Object(
                        s.variables
                            .iter()
                            .zip(r)
                            .filter_map(|(v, c)| c.as_ref().map(|c| (v.clone(), term(c))))
                            .collect(),
                    )
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

fn cell(t: &Term, prefixes: &Prefixes) -> String {
    match t {
        Term::NamedNode(n) => prefixes
            .shorten(n.as_str())
            .unwrap_or_else(|| format!("<{}>", n.as_str())),
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

/// Results for people: an aligned table with a row count, `true`/`false`, or N-Triples.
pub fn human(out: &QueryOutput, prefixes: &Prefixes) -> String {
    match out {
        QueryOutput::Boolean(b) => format!("{b}\n"),
        QueryOutput::Graph(t) => t.iter().map(|t| format!("{t} .\n")).collect(),
        QueryOutput::Solutions(s) => {
            let rows: Vec<Vec<String>> = s
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| c.as_ref().map(|t| cell(t, prefixes)).unwrap_or_default())
                        .collect()
                })
                .collect();
            let mut widths: Vec<usize> =
                s.variables.iter().map(|v| v.chars().count() + 1).collect();
            for r in &rows {
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
            let mut out = line(s.variables.iter().map(|v| format!("?{v}")).collect());
            out.push_str(&format!(
                "|{}|\n",
                widths
                    .iter()
                    .map(|w| "-".repeat(w + 2))
                    .collect::<Vec<_>>()
                    .join("|")
            ));
            for r in rows {
                out.push_str(&line(r));
            }
            out.push_str(&format!("{} row(s)\n", s.rows.len()));
            out
        }
    }
}
