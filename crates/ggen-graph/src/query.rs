use std::path::PathBuf;

use ggen_core::Location;
use oxigraph::model::{Term, Triple};
use oxigraph::sparql::QueryResults;
use spargebra::algebra::GraphPattern;
use spargebra::{Query, SparqlParser};

use crate::error::GraphError;
use crate::graph::Graph;
use crate::prefixes::Prefixes;

/// How to parse and run a query: prefixes, base IRI, and where the text came from (for errors).
#[derive(Debug, Clone, Default)]
pub struct QueryOptions {
    prefixes: Prefixes,
    base: Option<String>,
    name: Option<String>,
    source: Option<(PathBuf, u64, u64)>,
    no_well_known: bool,
    timeout: Option<std::time::Duration>,
}

impl QueryOptions {
    /// Options with the well-known prefixes only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a prefix.
    #[must_use]
    pub fn with_prefix(mut self, prefix: &str, iri: &str) -> Self {
        self.prefixes.insert(prefix, iri);
        self
    }

    /// Add prefixes (they override earlier ones).
    #[must_use]
    pub fn with_prefixes(mut self, prefixes: &Prefixes) -> Self {
        self.prefixes.extend_from(prefixes);
        self
    }

    /// Set the base IRI.
    #[must_use]
    pub fn with_base(mut self, base: Option<&str>) -> Self {
        self.base = base.map(str::to_owned);
        self
    }

    /// Name the query in error messages.
    #[must_use]
    pub fn with_name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// Say where the query text sits in a file: the file, the 1-based line of the query's first
    /// line, and the number of columns its lines are indented by (for YAML block scalars). Syntax
    /// errors are then reported at file positions.
    #[must_use]
    pub fn with_source(mut self, file: impl Into<PathBuf>, first_line: u64, indent: u64) -> Self {
        self.source = Some((file.into(), first_line, indent));
        self
    }

    /// Stop the query (with [`GraphError::QueryTimeout`]) when it runs longer than `limit`. The
    /// evaluation is cancelled at its next read of the store; a few evaluations read rarely and
    /// overrun (property-path closures): for a hard bound, run the query on a thread you can
    /// abandon, as `ggen graph query` does.
    #[must_use]
    pub fn with_timeout(mut self, limit: std::time::Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// The time limit, if any.
    pub fn timeout(&self) -> Option<std::time::Duration> {
        self.timeout
    }

    /// Do not predeclare the well-known prefixes.
    #[must_use]
    pub fn without_well_known_prefixes(mut self) -> Self {
        self.no_well_known = true;
        self
    }

    /// The effective prefix map (well-known ones first, then the added ones over them).
    pub fn effective_prefixes(&self) -> Prefixes {
        let mut p = if self.no_well_known {
            Prefixes::new()
        } else {
            Prefixes::well_known()
        };
        p.extend_from(&self.prefixes);
        p
    }

    /// The base IRI, if any.
    pub fn base(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// The query's name, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where the query text starts (file and line), when [`QueryOptions::with_source`] said.
    pub fn location(&self) -> Option<Location> {
        self.source
            .as_ref()
            .map(|(file, line, _)| Location::line(file, *line))
    }
}

/// The rows of a SELECT query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Solutions {
    /// Projected variable names (without `?`), in projection order.
    pub variables: Vec<String>,
    /// One entry per solution; each has one cell per variable (`None` when unbound).
    pub rows: Vec<Vec<Option<Term>>>,
}

impl Solutions {
    /// The value of `var` in row `row`.
    pub fn get(&self, row: usize, var: &str) -> Option<&Term> {
        let col = self.variables.iter().position(|v| v == var)?;
        self.rows.get(row)?.get(col)?.as_ref()
    }
}

/// The result of any query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryOutput {
    /// SELECT
    Solutions(Solutions),
    /// ASK
    Boolean(bool),
    /// CONSTRUCT / DESCRIBE
    Graph(Vec<Triple>),
}

impl QueryOutput {
    fn form(&self) -> &'static str {
        match self {
            Self::Solutions(_) => "SELECT",
            Self::Boolean(_) => "ASK",
            Self::Graph(_) => "CONSTRUCT/DESCRIBE",
        }
    }
}

/// Parse a query with the options' prefixes and base, reporting syntax errors with a position.
pub fn parse_query(text: &str, opts: &QueryOptions) -> Result<Query, GraphError> {
    let mut parser = SparqlParser::new();
    if let Some(b) = &opts.base {
        parser = parser
            .with_base_iri(b.as_str())
            .map_err(|e| GraphError::InvalidIri {
                iri: b.clone(),
                message: e.to_string(),
            })?;
    }
    for (p, iri) in opts.effective_prefixes().iter() {
        parser = parser
            .with_prefix(p, iri)
            .map_err(|e| GraphError::InvalidIri {
                iri: iri.to_owned(),
                message: e.to_string(),
            })?;
    }
    parser
        .parse_query(text)
        .map_err(|e| query_syntax_error(&e.to_string(), text, opts))
}

/// Turn peg's "expected one of …" (which lists character classes) into a short message that
/// names the offending text and the keywords or punctuation that could follow.
fn readable_message(msg: &str, text: &str, line: u64, column: u64) -> String {
    let found: String = text
        .lines()
        .nth(usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX))
        .and_then(|l| {
            l.chars()
                .skip(usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX))
                .collect::<String>()
                .into()
        })
        .unwrap_or_default();
    let token: String = found
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(40)
        .collect();
    if msg.contains("Prefix not found") {
        // Walk back to the start of the prefixed name.
        let line_text = text
            .lines()
            .nth(usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX))
            .unwrap_or("");
        let upto: String = line_text
            .chars()
            .take(usize::try_from(column.saturating_sub(1)).unwrap_or(0))
            .collect();
        let start = upto
            .rfind(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
            .map_or(0, |i| i + 1);
        let name = upto.get(start..).unwrap_or("");
        let prefix = name.split(':').next().unwrap_or(name);
        return format!(
            "undefined prefix `{prefix}:` (declare it with PREFIX, in `prefixes:` or in ggen.toml [graph] prefixes)"
        );
    }
    let Some(list) = msg
        .strip_prefix("expected one of ")
        .or_else(|| msg.strip_prefix("expected "))
    else {
        return msg.to_owned();
    };
    let mut items: Vec<&str> = Vec::new();
    for item in list.split(", ") {
        let item = item.trim();
        if item.starts_with('"') && !items.contains(&item) {
            items.push(item);
        }
    }
    let found_desc = if token.is_empty() {
        "end of query".to_owned()
    } else {
        format!("`{token}`")
    };
    if items.is_empty() {
        format!("unexpected {found_desc}")
    } else {
        let shown: Vec<&str> = items.iter().take(8).copied().collect();
        let more = if items.len() > 8 { ", …" } else { "" };
        format!(
            "unexpected {found_desc}; expected one of {}{more}",
            shown.join(", ")
        )
    }
}

fn query_syntax_error(raw: &str, text: &str, opts: &QueryOptions) -> GraphError {
    // peg reports "error at LINE:COL: expected ..."
    let parsed = raw.strip_prefix("error at ").and_then(|rest| {
        let (pos, msg) = rest.split_once(": ")?;
        let (l, c) = pos.split_once(':')?;
        Some((
            l.parse::<u64>().ok()?,
            c.parse::<u64>().ok()?,
            msg.to_owned(),
        ))
    });
    match parsed {
        Some((line, column, message)) => {
            let message = readable_message(&message, text, line, column);
            // peg reports "end of input" failures after trailing whitespace; point at the last token.
            let (line, column) = clamp_to_last_token(text, line, column);
            let location = Some(match &opts.source {
                Some((file, first, indent)) => {
                    Location::at(file, first + line - 1, column + indent)
                }
                None => Location::at(
                    opts.name
                        .as_deref()
                        .map_or_else(|| PathBuf::from("<query>"), PathBuf::from),
                    line,
                    column,
                ),
            });
            GraphError::QuerySyntax {
                name: opts.name.clone(),
                location,
                message,
            }
        }
        None => GraphError::QuerySyntax {
            name: opts.name.clone(),
            location: opts.source.as_ref().map(|(f, _, _)| Location::file(f)),
            message: raw.to_owned(),
        },
    }
}

/// When (line, column) lies in trailing whitespace, move it to the last non-blank character.
fn clamp_to_last_token(text: &str, line: u64, column: u64) -> (u64, u64) {
    let mut offset = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i as u64 + 1 == line {
            offset += l
                .chars()
                .take(usize::try_from(column.saturating_sub(1)).unwrap_or(0))
                .map(char::len_utf8)
                .sum::<usize>();
            break;
        }
        offset += l.len();
    }
    let rest_blank = text.get(offset..).is_none_or(|r| r.trim().is_empty());
    if !rest_blank {
        return (line, column);
    }
    let trimmed = text.trim_end();
    let Some(last) = trimmed.char_indices().last().map(|(i, _)| i) else {
        return (line, column);
    };
    ggen_core::line_col_of_offset(text, last)
}

/// Whether the solutions of this query come in an order the query itself defines.
pub(crate) fn has_order_by(query: &Query) -> bool {
    let Query::Select { pattern, .. } = query else {
        return true;
    };
    let mut p = pattern;
    loop {
        match p {
            GraphPattern::OrderBy { .. } => return true,
            GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. } => p = inner,
            _ => return false,
        }
    }
}

impl Graph {
    /// Run any query. SELECT results of a query without ORDER BY are sorted (by the N-Triples
    /// form of their cells, in projection order) so that the row order is defined.
    pub fn query(&self, text: &str, opts: &QueryOptions) -> Result<QueryOutput, GraphError> {
        let query = parse_query(text, opts)?;
        self.run(query, opts)
    }

    /// Run an already parsed query.
    pub fn run(&self, query: Query, opts: &QueryOptions) -> Result<QueryOutput, GraphError> {
        let ordered = has_order_by(&query);
        let deadline = crate::timeout::Deadline::start(opts.timeout);
        let eval_err =
            |e: &dyn std::fmt::Display| crate::timeout::eval_error(e, opts, deadline.as_ref());
        let results = crate::timeout::evaluator(deadline.as_ref())
            .for_query(query)
            .on_store(self.store())
            .execute()
            .map_err(|e| eval_err(&e))?;
        Ok(match results {
            QueryResults::Solutions(iter) => {
                let variables: Vec<String> = iter
                    .variables()
                    .iter()
                    .map(|v| v.as_str().to_owned())
                    .collect();
                let mut rows = Vec::new();
                for sol in iter {
                    let sol = sol.map_err(|e| eval_err(&e))?;
                    rows.push(
                        variables
                            .iter()
                            .map(|v| sol.get(v.as_str()).cloned())
                            .collect::<Vec<_>>(),
                    );
                }
                if !ordered {
                    rows.sort_by_cached_key(|r| {
                        r.iter()
                            .map(|c| c.as_ref().map(crate::term::nt))
                            .collect::<Vec<_>>()
                    });
                }
                QueryOutput::Solutions(Solutions { variables, rows })
            }
            QueryResults::Boolean(b) => QueryOutput::Boolean(b),
            QueryResults::Graph(iter) => {
                let mut triples = iter
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| eval_err(&e))?;
                triples.sort_by_cached_key(ToString::to_string);
                QueryOutput::Graph(triples)
            }
        })
    }

    /// Run a SELECT query.
    pub fn select(&self, text: &str, opts: &QueryOptions) -> Result<Solutions, GraphError> {
        match self.query(text, opts)? {
            QueryOutput::Solutions(s) => Ok(s),
            other => Err(form_error(&other, "SELECT", opts)),
        }
    }

    /// Run an ASK query.
    pub fn ask(&self, text: &str, opts: &QueryOptions) -> Result<bool, GraphError> {
        match self.query(text, opts)? {
            QueryOutput::Boolean(b) => Ok(b),
            other => Err(form_error(&other, "ASK", opts)),
        }
    }

    /// Run a CONSTRUCT or DESCRIBE query.
    pub fn construct(&self, text: &str, opts: &QueryOptions) -> Result<Vec<Triple>, GraphError> {
        match self.query(text, opts)? {
            QueryOutput::Graph(t) => Ok(t),
            other => Err(form_error(&other, "CONSTRUCT", opts)),
        }
    }
}

pub(crate) fn form_error(
    found: &QueryOutput,
    expected: &'static str,
    opts: &QueryOptions,
) -> GraphError {
    GraphError::QueryForm {
        name: opts.name.clone(),
        found: found.form(),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GraphBuilder, RdfSyntax};

    fn graph() -> Graph {
        let mut b = GraphBuilder::new();
        b.add_text(
            "t.ttl",
            "@prefix ex: <http://ex.org/> . ex:b a ex:C ; ex:n 2 . ex:a a ex:C ; ex:n 1 . ex:c a ex:D .",
            RdfSyntax::Turtle,
        )
        .unwrap();
        b.build().unwrap()
    }

    #[test]
    fn select_ask_construct() {
        let g = graph();
        let o = QueryOptions::new().with_prefix("ex", "http://ex.org/");
        let s = g
            .select(
                "SELECT ?s ?n WHERE { ?s a ex:C ; ex:n ?n } ORDER BY DESC(?n)",
                &o,
            )
            .unwrap();
        assert_eq!(s.variables, vec!["s", "n"]);
        assert_eq!(s.get(0, "s").unwrap().to_string(), "<http://ex.org/b>");
        assert!(g.ask("ASK { ex:c a ex:D }", &o).unwrap());
        let t = g
            .construct("CONSTRUCT { ?s a ex:E } WHERE { ?s a ex:C }", &o)
            .unwrap();
        assert_eq!(t.len(), 2);
        assert!(matches!(
            g.select("ASK { ?s ?p ?o }", &o),
            Err(GraphError::QueryForm { .. })
        ));
    }

    #[test]
    fn unordered_results_are_sorted() {
        let g = graph();
        let o = QueryOptions::new().with_prefix("ex", "http://ex.org/");
        let s = g.select("SELECT ?s WHERE { ?s a ex:C }", &o).unwrap();
        let names: Vec<String> = s
            .rows
            .iter()
            .map(|r| r[0].as_ref().unwrap().to_string())
            .collect();
        assert_eq!(names, vec!["<http://ex.org/a>", "<http://ex.org/b>"]);
    }

    #[test]
    fn syntax_error_positions() {
        let g = graph();
        let e = g
            .select(
                "SELECT ?s\nWHERE { ?s a }",
                &QueryOptions::new().with_name("classes"),
            )
            .unwrap_err();
        let loc = ggen_core::Diagnostic::location(&e).unwrap();
        assert_eq!(loc.line, Some(2));
        assert!(e.to_string().contains("`classes`"), "{e}");
        let e = g
            .select(
                "SELECT ?s\nWHERE { ?s a }",
                &QueryOptions::new().with_source("t.tmpl", 10, 4),
            )
            .unwrap_err();
        let loc = ggen_core::Diagnostic::location(&e).unwrap();
        assert_eq!(loc.line, Some(11));
        assert_eq!(loc.file, PathBuf::from("t.tmpl"));
    }

    #[test]
    fn undefined_prefix_is_an_error() {
        let g = graph();
        let e = g
            .select("SELECT ?s WHERE { ?s a nope:C }", &QueryOptions::new())
            .unwrap_err();
        assert!(e.to_string().contains("undefined prefix `nope:`"), "{e}");
        let e = g
            .select("SELECT ?s WHERE { ?s ?p }", &QueryOptions::new())
            .unwrap_err();
        assert!(e.to_string().contains("unexpected end of query"), "{e}");
    }
}
