//! SHACL Core for ggen: a typed shapes model read from a shapes graph, and a validator that
//! checks a data graph against it in place (direct quad lookups on the oxigraph store, no SPARQL
//! per focus node).
//!
//! ```
//! use ggen_graph::{GraphBuilder, RdfSyntax};
//! let mut shapes = GraphBuilder::new();
//! shapes.add_text("shapes.ttl", r#"
//!     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> .
//!     ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
//!       sh:property [ sh:path ex:name ; sh:minCount 1 ] ."#, RdfSyntax::Turtle)?;
//! let mut data = GraphBuilder::new();
//! data.add_text("data.ttl", "@prefix ex: <http://ex.org/> . ex:alice a ex:Person .", RdfSyntax::Turtle)?;
//! let shapes = ggen_shacl::Shapes::from_graph(&shapes.build()?)?;
//! let report = ggen_shacl::validate(&data.build()?, &shapes)?;
//! assert!(!report.conforms());
//! assert_eq!(report.results()[0].source_constraint_component,
//!            ggen_shacl::ConstraintComponent::MinCount);
//! println!("{}", report.to_text());
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```
//!
//! Literals are validated as the data wrote them: the oxigraph store keeps the XSD numeric,
//! boolean and date/time literals in canonical form (`"5"^^xsd:byte` reads back as
//! `"5"^^xsd:integer`), and the engine maps them back through the graph's exact-literal side
//! table ([`ggen_graph::ExactLiterals`]), so `sh:datatype xsd:byte`, `sh:pattern`, the length
//! constraints, `sh:hasValue` and `sh:in` see the original lexical form and datatype. Language
//! tags are lower-cased by the RDF parsers (RDF compares them case-insensitively).

mod component;
mod error;
mod parse;
mod path;
mod read;
mod report;
mod shapes;
mod turtle;
mod validate;
mod values;
mod vocab;

pub use component::{ConstraintComponent, NodeKind, Severity};
pub use error::ShaclError;
pub use path::Path;
pub use report::{SeverityCounts, ValidationReport, ValidationResult};
pub use shapes::{
    Closed, Constraint, NodeShape, Pattern, PropertyShape, Qualified, Shape, ShapeCommon, ShapeId,
    Shapes, Target,
};
pub use validate::{MAX_DEPTH, ValidationOptions, validate, validate_with};
pub use vocab::{RDF, RDFS, SH, XSD};
