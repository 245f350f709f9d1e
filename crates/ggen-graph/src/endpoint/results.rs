//! Reading an endpoint's answer: choosing the parser from the media type (or the first bytes
//! when the server sends none or a generic one), refusing HTML and other non-results, and
//! turning parse failures into clear errors.

use std::io::{BufRead, BufReader, Read};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, Term, Triple};
use sparesults::{
    QueryResultsFormat, QueryResultsParseError, QueryResultsParser, ReaderQueryResultsParserOutput,
};
use spargebra::Query;
use spargebra::algebra::GraphPattern;
use ureq::http::Response;

use super::EndpointConfig;
use super::error::EndpointError;
use super::http::{content_type, read_error};
use super::json;
use crate::query::{QueryOutput, Solutions};

/// The form of a query, which decides the Accept header and the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Select,
    Ask,
    Graph,
}

impl Form {
    pub(super) fn of(query: &Query) -> Self {
        match query {
            Query::Select { .. } => Self::Select,
            Query::Ask { .. } => Self::Ask,
            Query::Construct { .. } | Query::Describe { .. } => Self::Graph,
        }
    }

    pub(super) fn accept(self) -> &'static str {
        match self {
            Self::Select | Self::Ask => {
                "application/sparql-results+json, application/sparql-results+xml;q=0.8, text/tab-separated-values;q=0.5"
            }
            Self::Graph => {
                "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5, text/plain;q=0.2"
            }
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Self::Select | Self::Ask => "SPARQL results",
            Self::Graph => "RDF",
        }
    }
}

/// Sort solution rows the way [`crate::Graph::query`] sorts them when the query has no ORDER
/// BY: by the N-Triples form of their cells, in projection order, unbound first.
pub(super) fn sort_rows(rows: &mut [Vec<Option<Term>>]) {
    rows.sort_by_cached_key(|r| {
        r.iter()
            .map(|c| c.as_ref().map(ToString::to_string))
            .collect::<Vec<_>>()
    });
}

/// What the first bytes of a body look like.
#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Json,
    SparqlXml,
    Html,
    Empty,
    Other,
}

fn sniff(head: &[u8]) -> Sniffed {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = head.get(start..).unwrap_or_default();
    let lower: Vec<u8> = head.iter().take(512).map(u8::to_ascii_lowercase).collect();
    if head.is_empty() {
        Sniffed::Empty
    } else if lower.starts_with(b"{") {
        Sniffed::Json
    } else if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        Sniffed::Html
    } else if lower.starts_with(b"<") && lower.windows(7).any(|w| w == b"<sparql") {
        Sniffed::SparqlXml
    } else if lower.starts_with(b"<") && lower.windows(5).any(|w| w == b"<html") {
        Sniffed::Html
    } else {
        Sniffed::Other
    }
}

/// The LIMIT of a SELECT query, if it has one at the top.
fn limit(query: &Query) -> Option<usize> {
    let Query::Select { pattern, .. } = query else {
        return None;
    };
    let mut p = pattern;
    loop {
        match p {
            GraphPattern::Slice { length, .. } => return *length,
            GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::OrderBy { inner, .. } => p = inner,
            _ => return None,
        }
    }
}

fn header(response: &Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

/// Read the body of a successful response as the answer to `query` (of form `form`).
pub(super) fn read(
    response: Response<ureq::Body>,
    form: Form,
    query: &Query,
    url: &str,
    config: &EndpointConfig,
) -> Result<QueryOutput, EndpointError> {
    // Virtuoso answers 200 with partial results when a query runs past its time limit
    // ("anytime queries") and says so only in these headers.
    if let Some(state) = header(&response, "x-sql-state") {
        let message = header(&response, "x-sql-message").unwrap_or_default();
        return Err(EndpointError::Incomplete {
            url: url.to_owned(),
            message: format!("the server reports SQL state {state}: {message}")
                .trim_end_matches([':', ' '])
                .to_owned(),
        });
    }
    let max_rows = header(&response, "x-sparql-maxrows").and_then(|v| v.parse::<usize>().ok());
    let media = content_type(&response);
    let mut reader = BufReader::with_capacity(64 * 1024, response.into_body().into_reader());
    let head = reader
        .fill_buf()
        .map_err(|e| read_error(e, url, config))?
        .to_vec();
    let sniffed = sniff(&head);
    let shown_type = media
        .clone()
        .unwrap_or_else(|| "no Content-Type".to_owned());
    let not_results = || EndpointError::NotResults {
        url: url.to_owned(),
        content_type: shown_type.clone(),
        expected: form.expected(),
    };
    if media.as_deref().is_some_and(|m| m.contains("html")) || sniffed == Sniffed::Html {
        return Err(not_results());
    }
    if sniffed == Sniffed::Empty {
        return Err(EndpointError::Malformed {
            url: url.to_owned(),
            format: shown_type,
            message: "the response body is empty".into(),
        });
    }
    match form {
        Form::Select | Form::Ask => {
            let declared = media
                .as_deref()
                .and_then(QueryResultsFormat::from_media_type);
            let format = match (declared, &sniffed) {
                // `text/plain` maps to CSV, which we never ask for and which loses term types.
                (Some(QueryResultsFormat::Csv) | None, Sniffed::Json) => QueryResultsFormat::Json,
                (Some(QueryResultsFormat::Csv) | None, Sniffed::SparqlXml) => {
                    QueryResultsFormat::Xml
                }
                (Some(QueryResultsFormat::Csv) | None, _) => return Err(not_results()),
                (Some(f), _) => f,
            };
            let out = if format == QueryResultsFormat::Json {
                json::parse(reader, form == Form::Ask).map_err(|e| match e {
                    json::JsonError::Io(io) => read_error(io, url, config),
                    json::JsonError::Syntax(m) => malformed(url, format.name(), m),
                })?
            } else {
                read_solutions(reader, format, form, url, config)?
            };
            let out = canonical_booleans(out);
            if let (QueryOutput::Solutions(s), Some(max)) = (&out, max_rows)
                && s.rows.len() >= max
                && limit(query).is_none_or(|l| l > max)
            {
                return Err(EndpointError::Incomplete {
                    url: url.to_owned(),
                    message: format!(
                        "the server caps answers at {max} rows (X-SPARQL-MaxRows) and cut this one there"
                    ),
                });
            }
            Ok(out)
        }
        Form::Graph => {
            let format = media
                .as_deref()
                .and_then(RdfFormat::from_media_type)
                .ok_or_else(not_results)?;
            read_triples(reader, format, url, config).map(canonical_booleans)
        }
    }
}

fn malformed(url: &str, format: &str, message: impl Into<String>) -> EndpointError {
    EndpointError::Malformed {
        url: url.to_owned(),
        format: format.to_owned(),
        message: message.into(),
    }
}

fn read_solutions<R: Read>(
    reader: R,
    format: QueryResultsFormat,
    form: Form,
    url: &str,
    config: &EndpointConfig,
) -> Result<QueryOutput, EndpointError> {
    let name = format.name();
    let parse_err = |e: QueryResultsParseError| match e {
        QueryResultsParseError::Io(io) => read_error(io, url, config),
        QueryResultsParseError::Syntax(s) => malformed(url, name, s.to_string()),
    };
    match QueryResultsParser::from_format(format)
        .for_reader(reader)
        .map_err(parse_err)?
    {
        ReaderQueryResultsParserOutput::Solutions(solutions) => {
            if form == Form::Ask {
                return Err(malformed(
                    url,
                    name,
                    "expected a boolean answer to an ASK query, got solutions",
                ));
            }
            let variables: Vec<String> = solutions
                .variables()
                .iter()
                .map(|v| v.as_str().to_owned())
                .collect();
            let mut rows = Vec::new();
            for s in solutions {
                let s = s.map_err(parse_err)?;
                rows.push(
                    variables
                        .iter()
                        .map(|v| s.get(v.as_str()).cloned())
                        .collect::<Vec<_>>(),
                );
            }
            Ok(QueryOutput::Solutions(Solutions { variables, rows }))
        }
        ReaderQueryResultsParserOutput::Boolean(b) => {
            if form == Form::Select {
                return Err(malformed(
                    url,
                    name,
                    "expected solutions to a SELECT query, got a boolean",
                ));
            }
            Ok(QueryOutput::Boolean(b))
        }
    }
}

fn read_triples<R: Read>(
    reader: R,
    format: RdfFormat,
    url: &str,
    config: &EndpointConfig,
) -> Result<QueryOutput, EndpointError> {
    let mut triples = Vec::new();
    for q in RdfParser::from_format(format).for_reader(reader) {
        match q {
            Ok(q) => triples.push(Triple::from(q)),
            Err(oxigraph::io::RdfParseError::Io(io)) => return Err(read_error(io, url, config)),
            Err(oxigraph::io::RdfParseError::Syntax(s)) => {
                return Err(malformed(url, format.name(), s.to_string()));
            }
        }
    }
    Ok(QueryOutput::Graph(triples))
}

/// `"1"^^xsd:boolean` → `"true"^^xsd:boolean`, `"0"` → `"false"`: Virtuoso stores booleans as
/// numbers and answers `1`/`0` whatever the data said (usually `true`/`false`); the canonical
/// form is the same value and what a local graph gives for `true`.
fn canonical_boolean(t: Term) -> Term {
    if let Term::Literal(l) = &t
        && l.datatype() == xsd::BOOLEAN
        && (l.value() == "1" || l.value() == "0")
    {
        return Literal::new_typed_literal(
            if l.value() == "1" { "true" } else { "false" },
            xsd::BOOLEAN,
        )
        .into();
    }
    t
}

fn canonical_booleans(out: QueryOutput) -> QueryOutput {
    match out {
        QueryOutput::Solutions(mut s) => {
            for row in &mut s.rows {
                for cell in row.iter_mut() {
                    if let Some(t) = cell.take() {
                        *cell = Some(canonical_boolean(t));
                    }
                }
            }
            QueryOutput::Solutions(s)
        }
        QueryOutput::Graph(triples) => QueryOutput::Graph(
            triples
                .into_iter()
                .map(|mut t| {
                    t.object = canonical_boolean(t.object);
                    t
                })
                .collect(),
        ),
        other => other,
    }
}

/// Feed a canonical text form of an answer to a hasher.
pub(super) fn digest_into(out: &QueryOutput, h: &mut ggen_core::hash::Sha256Hasher) {
    match out {
        QueryOutput::Boolean(b) => h.update(format!("boolean {b}\n")),
        QueryOutput::Solutions(s) => {
            h.update(format!(
                "solutions {} {}\n",
                s.variables.len(),
                s.rows.len()
            ));
            h.update(s.variables.join(" "));
            h.update("\n");
            for r in &s.rows {
                for c in r {
                    match c {
                        Some(t) => h.update(t.to_string()),
                        None => h.update("UNDEF"),
                    }
                    h.update("\t");
                }
                h.update("\n");
            }
        }
        QueryOutput::Graph(t) => {
            h.update(format!("graph {}\n", t.len()));
            for t in t {
                h.update(format!("{t} .\n"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"  {\"head\":{}}"), Sniffed::Json);
        assert_eq!(sniff(b"\xEF\xBB\xBF{"), Sniffed::Json);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), Sniffed::Html);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><html xmlns=\"x\">"),
            Sniffed::Html
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">"),
            Sniffed::SparqlXml
        );
        assert_eq!(sniff(b"   \n"), Sniffed::Empty);
        assert_eq!(sniff(b"a,b\n1,2"), Sniffed::Other);
    }
}
