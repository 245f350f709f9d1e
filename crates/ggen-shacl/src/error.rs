//! Errors of the SHACL engine.

use ggen_core::{Diagnostic, Location};

/// Errors from reading shapes and validating data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShaclError {
    /// A shape in the shapes graph is malformed (e.g. `sh:minCount "x"`, a broken RDF list, an
    /// invalid `sh:pattern`, a property shape with two `sh:path` values).
    #[error("{}malformed shape {shape}: {message}{}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default(), triple.as_ref().map(|t| format!(" (in the triple `{t}`)")).unwrap_or_default())]
    MalformedShape {
        /// The shape's IRI or blank node, in N-Triples form.
        shape: String,
        /// The offending triple, in N-Triples form, when one triple is to blame.
        triple: Option<String>,
        /// What is wrong.
        message: String,
        /// The shapes file, when the shapes graph was loaded from exactly one file.
        location: Option<Location>,
    },
    /// A SHACL path outside a shape (e.g. a report's `sh:resultPath`) is malformed.
    #[error("invalid SHACL path at {node}: {message}")]
    InvalidPath {
        /// The path's root node, in N-Triples form.
        node: String,
        /// What is wrong.
        message: String,
    },
    /// Validation nested deeper than the engine allows (a recursive shape over a long chain of
    /// data nodes).
    #[error(
        "validation of shape {shape} nested more than {limit} levels deep (at focus node {focus}); recursive shapes over long data chains are not supported"
    )]
    RecursionTooDeep {
        /// The shape being entered, in N-Triples form.
        shape: String,
        /// The focus node, in N-Triples form.
        focus: String,
        /// The depth limit.
        limit: usize,
    },
    /// Reading the RDF store failed.
    #[error("RDF store error during SHACL validation: {0}")]
    Store(String),
    /// An internal failure of the engine (a worker thread stopped unexpectedly).
    #[error("internal error in the SHACL engine: {0}")]
    Internal(String),
    /// Writing a report failed.
    #[error("cannot serialize the validation report: {0}")]
    Serialize(String),
}

impl Diagnostic for ShaclError {
    fn code(&self) -> &'static str {
        match self {
            Self::MalformedShape { .. } => "shacl-malformed-shape",
            Self::InvalidPath { .. } => "shacl-invalid-path",
            Self::RecursionTooDeep { .. } => "shacl-recursion",
            Self::Store(_) => "shacl-store",
            Self::Serialize(_) => "shacl-serialize",
            Self::Internal(_) => "shacl-internal",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::MalformedShape { location, .. } => location.as_ref(),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::MalformedShape { .. } => Some(
                "see the SHACL Core specification (https://www.w3.org/TR/shacl/) for the values each parameter accepts"
                    .to_owned(),
            ),
            Self::RecursionTooDeep { .. } => Some(
                "break the recursion in the shapes (e.g. replace `sh:node` on the recursive property with `sh:class`)"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

impl ShaclError {
    pub(crate) fn store(e: impl std::fmt::Display) -> Self {
        Self::Store(e.to_string())
    }
}
