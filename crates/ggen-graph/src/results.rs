//! Writing query answers in the W3C result formats (SPARQL 1.1 Query Results JSON, XML, CSV and
//! TSV), with `sparesults`' serializers. CONSTRUCT and DESCRIBE answers are graphs: write them
//! with [`export_quads`](crate::export::export_quads) in any RDF syntax.

use oxigraph::model::Variable;
use sparesults::{QueryResultsFormat, QueryResultsSerializer};

use crate::error::GraphError;
use crate::query::{QueryOutput, Solutions};

/// A W3C query results format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResultsFormat {
    /// SPARQL 1.1 Query Results JSON (`application/sparql-results+json`).
    Json,
    /// SPARQL Query Results XML (`application/sparql-results+xml`).
    Xml,
    /// SPARQL 1.1 Query Results CSV (lexical values only).
    Csv,
    /// SPARQL 1.1 Query Results TSV (terms in Turtle/N-Triples syntax).
    Tsv,
}

impl ResultsFormat {
    fn sparesults(self) -> QueryResultsFormat {
        match self {
            Self::Json => QueryResultsFormat::Json,
            Self::Xml => QueryResultsFormat::Xml,
            Self::Csv => QueryResultsFormat::Csv,
            Self::Tsv => QueryResultsFormat::Tsv,
        }
    }

    /// The format's name (`json`, `xml`, `csv`, `tsv`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Xml => "xml",
            Self::Csv => "csv",
            Self::Tsv => "tsv",
        }
    }
}

fn write_err(format: ResultsFormat, e: &std::io::Error) -> GraphError {
    GraphError::Export {
        syntax: format.name(),
        message: e.to_string(),
    }
}

/// Write SELECT solutions.
pub fn write_solutions(
    solutions: &Solutions,
    format: ResultsFormat,
) -> Result<Vec<u8>, GraphError> {
    let variables = solutions
        .variables
        .iter()
        .map(|v| {
            Variable::new(v.as_str()).map_err(|e| GraphError::Export {
                syntax: format.name(),
                message: format!("variable ?{v}: {e}"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut w = QueryResultsSerializer::from_format(format.sparesults())
        .serialize_solutions_to_writer(Vec::new(), variables.clone())
        .map_err(|e| write_err(format, &e))?;
    for row in &solutions.rows {
        w.serialize(
            variables
                .iter()
                .zip(row)
                .filter_map(|(v, t)| t.as_ref().map(|t| (v.as_ref(), t.as_ref()))),
        )
        .map_err(|e| write_err(format, &e))?;
    }
    w.finish().map_err(|e| write_err(format, &e))
}

/// Write an ASK answer. CSV and TSV define no boolean form: for them this writes `true` or
/// `false` on one line.
pub fn write_boolean(value: bool, format: ResultsFormat) -> Result<Vec<u8>, GraphError> {
    match format {
        ResultsFormat::Csv | ResultsFormat::Tsv => Ok(format!("{value}\n").into_bytes()),
        _ => QueryResultsSerializer::from_format(format.sparesults())
            .serialize_boolean_to_writer(Vec::new(), value)
            .map_err(|e| write_err(format, &e)),
    }
}

/// Write a SELECT or ASK answer; graphs are refused (use an RDF syntax for them).
pub fn write_results(output: &QueryOutput, format: ResultsFormat) -> Result<Vec<u8>, GraphError> {
    match output {
        QueryOutput::Solutions(s) => write_solutions(s, format),
        QueryOutput::Boolean(b) => write_boolean(*b, format),
        QueryOutput::Graph(_) => Err(GraphError::Export {
            syntax: format.name(),
            message: "a CONSTRUCT or DESCRIBE answer is a graph: write it in an RDF syntax (turtle, ntriples, …)".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GraphBuilder, QueryOptions, RdfSyntax};

    fn answers() -> Solutions {
        let mut b = GraphBuilder::new();
        b.add_text(
            "t.ttl",
            "@prefix ex: <http://ex.org/> . ex:a ex:p \"x, \\\"y\\\"\"@en . ex:b ex:p 2 . ex:c ex:q _:n .",
            RdfSyntax::Turtle,
        )
        .unwrap();
        b.build()
            .unwrap()
            .select(
                "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s",
                &QueryOptions::new(),
            )
            .unwrap()
    }

    #[test]
    fn json_is_the_w3c_format() {
        let out =
            String::from_utf8(write_solutions(&answers(), ResultsFormat::Json).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["head"]["vars"], serde_json::json!(["s", "o"]));
        let b = &v["results"]["bindings"];
        assert_eq!(
            b[0]["s"],
            serde_json::json!({"type": "uri", "value": "http://ex.org/a"})
        );
        assert_eq!(
            b[0]["o"],
            serde_json::json!({"type": "literal", "value": "x, \"y\"", "xml:lang": "en"})
        );
        assert_eq!(
            b[1]["o"],
            serde_json::json!({"type": "literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"})
        );
        assert_eq!(b[2]["o"]["type"], "bnode");
    }

    #[test]
    fn csv_tsv_xml() {
        let csv =
            String::from_utf8(write_solutions(&answers(), ResultsFormat::Csv).unwrap()).unwrap();
        assert!(
            csv.starts_with("s,o\r\nhttp://ex.org/a,\"x, \"\"y\"\"\"\r\n"),
            "{csv}"
        );
        let tsv =
            String::from_utf8(write_solutions(&answers(), ResultsFormat::Tsv).unwrap()).unwrap();
        assert!(
            tsv.starts_with(
                "?s\t?o\n<http://ex.org/a>\t\"x, \\\"y\\\"\"@en\n<http://ex.org/b>\t2\n"
            ),
            "{tsv}"
        );
        let xml =
            String::from_utf8(write_solutions(&answers(), ResultsFormat::Xml).unwrap()).unwrap();
        assert!(
            xml.contains("<literal xml:lang=\"en\">x, &quot;y&quot;</literal>"),
            "{xml}"
        );
        assert_eq!(
            String::from_utf8(write_boolean(true, ResultsFormat::Json).unwrap()).unwrap(),
            "{\"head\":{},\"boolean\":true}"
        );
        assert!(
            String::from_utf8(write_boolean(false, ResultsFormat::Xml).unwrap())
                .unwrap()
                .contains("<boolean>false</boolean>")
        );
    }
}
