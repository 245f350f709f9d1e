use std::path::PathBuf;

use ggen_core::{Diagnostic, Location};

use crate::endpoint::EndpointError;

/// Errors from loading RDF and running SPARQL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// An input could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The syntax of a file could not be determined from its extension.
    #[error("cannot tell the RDF syntax of {} from its extension; name it with --format (accepted: {accepted})", path.display())]
    UnknownSyntax {
        /// The file.
        path: PathBuf,
        /// Accepted syntax names.
        accepted: &'static str,
    },
    /// A syntax error in RDF input.
    #[error("{location}: invalid {syntax}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// Which syntax was being parsed.
        syntax: &'static str,
        /// The parser's message.
        message: String,
    },
    /// A SPARQL query did not parse.
    #[error("{}invalid SPARQL{}: {message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default(), name.as_ref().map(|n| format!(" in query `{n}`")).unwrap_or_default())]
    QuerySyntax {
        /// The query's name (for named queries in templates).
        name: Option<String>,
        /// Where (line/column within the file or within the query text).
        location: Option<Location>,
        /// The parser's message.
        message: String,
    },
    /// A SPARQL query failed while running.
    #[error("SPARQL query{} failed: {message}", name.as_ref().map(|n| format!(" `{n}`")).unwrap_or_default())]
    QueryEvaluation {
        /// The query's name.
        name: Option<String>,
        /// The engine's message.
        message: String,
    },
    /// A query of the wrong form was given (e.g. CONSTRUCT where SELECT is expected).
    #[error("query{} is a {found} query, expected {expected}", name.as_ref().map(|n| format!(" `{n}`")).unwrap_or_default())]
    QueryForm {
        /// The query's name.
        name: Option<String>,
        /// What was found.
        found: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// An invalid IRI was given (base IRI or prefix).
    #[error("invalid IRI `{iri}`: {message}")]
    InvalidIri {
        /// The IRI.
        iri: String,
        /// Why.
        message: String,
    },
    /// The store failed.
    #[error("RDF store error: {0}")]
    Store(String),
    /// A remote SPARQL endpoint failed or gave an unusable answer.
    #[error("{}{}{source}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default(), name.as_ref().map(|n| format!("query `{n}`: ")).unwrap_or_default())]
    Endpoint {
        /// The query's name.
        name: Option<String>,
        /// Where the query's text is (its first line in a template).
        location: Option<Location>,
        /// What went wrong.
        #[source]
        source: EndpointError,
    },
    /// A query ran longer than its time limit and was stopped.
    #[error("SPARQL query{} stopped after the time limit of {limit}", name.as_ref().map(|n| format!(" `{n}`")).unwrap_or_default())]
    QueryTimeout {
        /// The query's name.
        name: Option<String>,
        /// The limit, human-readable (e.g. `60 s`).
        limit: String,
    },
    /// The data could not be written in the requested syntax.
    #[error("cannot write {syntax}: {message}")]
    Export {
        /// The output syntax.
        syntax: &'static str,
        /// Why.
        message: String,
    },
    /// The data has named graphs and the output syntax has none.
    #[error("the data has {quads} quad(s) in named graphs and {syntax} cannot hold named graphs")]
    NamedGraphsUnsupported {
        /// The output syntax.
        syntax: &'static str,
        /// Quads outside the default graph.
        quads: usize,
    },
}

impl From<EndpointError> for GraphError {
    fn from(source: EndpointError) -> Self {
        Self::Endpoint {
            name: None,
            location: None,
            source,
        }
    }
}

impl GraphError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// Attach a query name to a query error.
    #[must_use]
    pub fn with_query_name(self, query_name: &str) -> Self {
        match self {
            Self::QuerySyntax {
                location, message, ..
            } => Self::QuerySyntax {
                name: Some(query_name.to_owned()),
                location,
                message,
            },
            Self::QueryEvaluation { message, .. } => Self::QueryEvaluation {
                name: Some(query_name.to_owned()),
                message,
            },
            Self::QueryTimeout { limit, .. } => Self::QueryTimeout {
                name: Some(query_name.to_owned()),
                limit,
            },
            Self::QueryForm {
                found, expected, ..
            } => Self::QueryForm {
                name: Some(query_name.to_owned()),
                found,
                expected,
            },
            Self::Endpoint {
                source, location, ..
            } => Self::Endpoint {
                name: Some(query_name.to_owned()),
                location,
                source,
            },
            other => other,
        }
    }
}

impl Diagnostic for GraphError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::UnknownSyntax { .. } => "rdf-unknown-syntax",
            Self::Syntax { .. } => "rdf-syntax",
            Self::QuerySyntax { .. } => "sparql-syntax",
            Self::QueryEvaluation { .. } => "sparql-evaluation",
            Self::QueryForm { .. } => "sparql-form",
            Self::InvalidIri { .. } => "invalid-iri",
            Self::Store(_) => "store",
            Self::Endpoint { source, .. } => source.code(),
            Self::QueryTimeout { .. } => "sparql-timeout",
            Self::Export { .. } => "rdf-export",
            Self::NamedGraphsUnsupported { .. } => "rdf-named-graphs",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::Endpoint { source, .. } => source.help(),
            Self::QueryTimeout { .. } => Some(
                "raise the limit with --timeout, or narrow the query (LIMIT, more specific patterns)"
                    .into(),
            ),
            Self::NamedGraphsUnsupported { .. } => Some(
                "write nquads, trig or jsonld, or merge the graphs into the default graph (--merge-graphs)"
                    .into(),
            ),
            _ => None,
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::Syntax { location, .. } => Some(location),
            Self::QuerySyntax { location, .. } | Self::Endpoint { location, .. } => {
                location.as_ref()
            }
            _ => None,
        }
    }
}
