//! SPARQL 1.1 Query Results JSON, read leniently where real servers differ from the letter of
//! the format: blank node labels that are not Turtle labels (Virtuoso sends `nodeID://b10000`)
//! are mapped to valid ones (injectively, per answer), and the legacy `typed-literal` type is
//! accepted. Everything else is checked: IRIs, language tags, the document's shape.

use std::collections::HashMap;
use std::io::Read;

use oxigraph::model::{BlankNode, Literal, NamedNode, Term};
use serde::Deserialize;

use crate::query::{QueryOutput, Solutions};

#[derive(Deserialize)]
struct Doc {
    head: Head,
    #[serde(default)]
    results: Option<Results>,
    #[serde(default)]
    boolean: Option<bool>,
}

#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    vars: Vec<String>,
}

#[derive(Deserialize)]
struct Results {
    bindings: Vec<HashMap<String, JsonTerm>>,
}

#[derive(Deserialize)]
struct JsonTerm {
    #[serde(rename = "type")]
    kind: String,
    value: serde_json::Value,
    #[serde(default)]
    datatype: Option<String>,
    #[serde(default, rename = "xml:lang")]
    lang: Option<String>,
}

/// Why a JSON answer could not be read.
pub(super) enum JsonError {
    /// Reading the body failed (the reader's own error).
    Io(std::io::Error),
    /// The document is not valid SPARQL results JSON.
    Syntax(String),
}

/// A reader that keeps the first I/O error, so that a timeout while reading the body is
/// reported as a timeout rather than as a JSON syntax error.
struct Tap<R> {
    inner: R,
    error: Option<std::io::Error>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let kind = e.kind();
                self.error.get_or_insert(e);
                Err(std::io::Error::new(kind, "read failed"))
            }
        }
    }
}

/// Parse a JSON answer. `boolean_expected`: the query was an ASK.
pub(super) fn parse<R: Read>(reader: R, boolean_expected: bool) -> Result<QueryOutput, JsonError> {
    let mut tap = Tap {
        inner: reader,
        error: None,
    };
    let doc: Doc = match serde_json::from_reader(&mut tap) {
        Ok(d) => d,
        Err(e) => {
            return Err(match tap.error.take() {
                Some(io) => JsonError::Io(io),
                None => JsonError::Syntax(e.to_string()),
            });
        }
    };
    let syntax = |m: &str| JsonError::Syntax(m.to_owned());
    match (doc.boolean, doc.results) {
        (Some(b), None) => {
            if boolean_expected {
                Ok(QueryOutput::Boolean(b))
            } else {
                Err(syntax(
                    "expected solutions to a SELECT query, got a boolean",
                ))
            }
        }
        (None, Some(results)) => {
            if boolean_expected {
                return Err(syntax(
                    "expected a boolean answer to an ASK query, got solutions",
                ));
            }
            solutions(doc.head.vars, results.bindings).map(QueryOutput::Solutions)
        }
        (Some(_), Some(_)) => Err(syntax("the document has both `boolean` and `results`")),
        (None, None) => Err(syntax("the document has neither `boolean` nor `results`")),
    }
}

fn solutions(
    variables: Vec<String>,
    bindings: Vec<HashMap<String, JsonTerm>>,
) -> Result<Solutions, JsonError> {
    // Blank node labels: kept when every one is a valid label, else all mapped (so that the
    // mapping cannot make two different labels equal).
    let all_valid = bindings
        .iter()
        .flat_map(HashMap::values)
        .all(|t| t.kind != "bnode" || t.value.as_str().is_some_and(|v| BlankNode::new(v).is_ok()));
    let mut rows = Vec::with_capacity(bindings.len());
    for mut b in bindings {
        let mut row = Vec::with_capacity(variables.len());
        for v in &variables {
            row.push(match b.remove(v) {
                Some(t) => Some(term(t, v, all_valid)?),
                None => None,
            });
        }
        rows.push(row);
    }
    Ok(Solutions { variables, rows })
}

fn term(t: JsonTerm, var: &str, keep_labels: bool) -> Result<Term, JsonError> {
    let err = |m: String| JsonError::Syntax(format!("binding of ?{var}: {m}"));
    let value = match t.value {
        serde_json::Value::String(s) => s,
        _ if t.kind == "triple" => {
            return Err(err("triple terms (RDF-star) are not supported".to_owned()));
        }
        other => return Err(err(format!("`value` must be a string, not {other}"))),
    };
    match t.kind.as_str() {
        "uri" => NamedNode::new(&value)
            .map(Term::from)
            .map_err(|e| err(format!("invalid IRI <{value}>: {e}"))),
        "bnode" => Ok(Term::from(if keep_labels {
            BlankNode::new(&value).map_err(|e| err(format!("invalid blank node: {e}")))?
        } else {
            BlankNode::new_unchecked(format!("x{}", hex::encode(value.as_bytes())))
        })),
        "literal" | "typed-literal" => {
            let literal = match (t.lang, t.datatype) {
                (Some(lang), _) => Literal::new_language_tagged_literal(value, &lang)
                    .map_err(|e| err(format!("invalid language tag `{lang}`: {e}")))?,
                (None, Some(dt)) => Literal::new_typed_literal(
                    value,
                    NamedNode::new(&dt)
                        .map_err(|e| err(format!("invalid datatype <{dt}>: {e}")))?,
                ),
                (None, None) => Literal::new_simple_literal(value),
            };
            Ok(Term::from(literal))
        }
        other => Err(err(format!("unknown term type `{other}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solutions_of(text: &str) -> Solutions {
        match parse(text.as_bytes(), false) {
            Ok(QueryOutput::Solutions(s)) => s,
            _ => panic!("not solutions"),
        }
    }

    #[test]
    fn virtuoso_answers() {
        let s = solutions_of(
            r#"{ "head": { "link": [], "vars": ["s", "o", "n"] },
  "results": { "distinct": false, "ordered": true, "bindings": [
    { "s": { "type": "uri", "value": "http://ex.org/a" }	, "o": { "type": "bnode", "value": "nodeID://b10000" }, "n": { "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1" }},
    { "s": { "type": "uri", "value": "http://ex.org/a" }	, "o": { "type": "bnode", "value": "nodeID://b10001" }, "n": { "type": "literal", "xml:lang": "de-AT", "value": "x" }} ] } }"#,
        );
        assert_eq!(s.variables, vec!["s", "o", "n"]);
        let o0 = s.rows[0][1].as_ref().unwrap().to_string();
        let o1 = s.rows[1][1].as_ref().unwrap().to_string();
        assert_ne!(o0, o1);
        assert!(o0.starts_with("_:x"), "{o0}");
        assert_eq!(
            s.rows[0][2].as_ref().unwrap().to_string(),
            "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"
        );
        assert_eq!(s.rows[1][2].as_ref().unwrap().to_string(), "\"x\"@de-at");
    }

    #[test]
    fn valid_labels_are_kept_and_unbound_is_none() {
        let s = solutions_of(
            r#"{"head":{"vars":["a","b"]},"results":{"bindings":[{"a":{"type":"bnode","value":"b0"}}]}}"#,
        );
        assert_eq!(s.rows[0][0].as_ref().unwrap().to_string(), "_:b0");
        assert_eq!(s.rows[0][1], None);
    }

    #[test]
    fn booleans_and_bad_documents() {
        assert!(matches!(
            parse(r#"{"head":{},"boolean":true}"#.as_bytes(), true),
            Ok(QueryOutput::Boolean(true))
        ));
        for bad in [
            r#"{"head":{},"boolean":true}"#,
            r#"{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"uri","value":"not an iri"}}]}}"#,
            r#"{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"weird","value":"x"}}]}}"#,
            r#"{"head":{"vars":["a"]}"#,
            r#"{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"x","xml:lang":"not a tag!"}}]}}"#,
        ] {
            assert!(
                matches!(parse(bad.as_bytes(), false), Err(JsonError::Syntax(_))),
                "{bad}"
            );
        }
    }
}
