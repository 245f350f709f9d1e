//! RDF for ggen: load every common syntax into one in-memory store, run SPARQL against it, and
//! hash the loaded dataset canonically (RDFC-1.0) so receipts do not depend on formatting.
//!
//! ```
//! use ggen_graph::{GraphBuilder, RdfSyntax, QueryOptions};
//! let mut b = GraphBuilder::new();
//! b.add_text("inline.ttl", "@prefix ex: <http://ex.org/> . ex:a a ex:Thing .", RdfSyntax::Turtle)?;
//! let graph = b.build()?;
//! assert_eq!(graph.len(), 1);
//! let rows = graph.select("SELECT ?s WHERE { ?s a ex:Thing }", &QueryOptions::default().with_prefix("ex", "http://ex.org/"))?;
//! assert_eq!(rows.rows.len(), 1);
//! # Ok::<_, ggen_graph::GraphError>(())
//! ```

mod build;
mod canon;
pub mod diff;
pub mod endpoint;
mod error;
pub mod exact;
pub mod export;
mod graph;
mod parallel;
mod prefixes;
mod query;
pub mod results;
mod source;
pub mod stats;
mod syntax;
pub mod term;
mod timeout;
pub mod visualize;

pub use build::GraphBuilder;
pub use canon::{canonical_nquads, canonicalize_quads};
pub use diff::{GraphDiff, diff};
pub use endpoint::{EndpointAuth, EndpointConfig, EndpointError, RemoteEndpoint, RequestMethod};
pub use error::GraphError;
pub use exact::{ExactLiterals, ExactObjects, store_form};
pub use export::{ExportOptions, NamedGraphs, export, export_quads};
pub use graph::{Graph, SourceInfo};
pub use prefixes::{Prefixes, WELL_KNOWN_PREFIXES};
pub use query::{QueryOptions, QueryOutput, Solutions, parse_query};
pub use results::ResultsFormat;
pub use source::QuerySource;
pub use stats::{GraphStats, stats};
pub use syntax::RdfSyntax;
pub use visualize::{DiagramFormat, VisualizeOptions, visualize};

/// Re-exports of the RDF model types that appear in this crate's API.
pub mod model {
    pub use oxigraph::model::{
        BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple,
    };
}
