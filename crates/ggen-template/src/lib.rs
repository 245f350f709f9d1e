//! The ggen template format: a YAML frontmatter (output path, SPARQL queries, injection and write
//! settings) and a minijinja body, rendered with strict undefined variables, RDF-aware values,
//! case/inflection/code filters and XSD→language type tables.
//!
//! See `docs/templates.md` for the user reference.

mod error;
pub mod frontmatter;
mod functions;
mod render;
mod template;
pub mod values;

pub use error::TemplateError;
pub use frontmatter::{
    Frontmatter, InjectPosition, Injection, NamedQuery, OnMissingAnchor, ToSpec,
};
pub use ggen_lang::types::TypeTables;
pub use render::{RenderOptions, Renderer, base_context, row_context};
pub use template::{TEMPLATE_EXTENSIONS, Template};
