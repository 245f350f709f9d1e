//! What ggen knows about target languages, as plain string functions.
//!
//! This crate has no template engine and no RDF library in it: every function takes strings and
//! returns a `String` (or a `Result` where the input can be invalid), so the template crate can
//! register them as filters one by one.
//!
//! - [`case`]: identifier casing (`camel`, `pascal`, `snake`, `kebab`, `shouty_snake`, …) and
//!   [`case::by_name`] to look a case filter up by its template name.
//! - [`inflect`]: English inflection for identifiers (`pluralize`, `singularize`,
//!   `ordinalize`, `deordinalize`, `foreign_key`, `demodulize`, `deconstantize`).
//! - [`code`]: safe identifiers ([`code::ident`]), comments and doc comments, indentation.
//! - [`reserved`]: the reserved-word lists behind `ident`.
//! - [`types`]: XSD/RDF datatype → language type tables with project overrides.
//! - [`Lang`]: the languages (`rust`, `typescript`, `python`, `java`, `go`, `sql`, `graphql`,
//!   `json-schema`) and their accepted names; [`LangError`]: what can go wrong.
//!
//! ```
//! use ggen_lang::{case, code, inflect, types::TypeTables};
//!
//! let class = "user_profile";
//! assert_eq!(case::pascal(class), "UserProfile");
//! assert_eq!(inflect::pluralize(&case::snake("UserProfile")), "user_profiles");
//! assert_eq!(code::ident("type", "rust")?, "r#type");
//! assert_eq!(code::doc("A user.\nWith a profile.", "rust")?, "/// A user.\n/// With a profile.");
//!
//! let tables = TypeTables::builtin();
//! let date = tables.lookup("python", "http://www.w3.org/2001/XMLSchema#date")?;
//! assert_eq!((date.ty.as_str(), date.fallback), ("date", false));
//! # Ok::<(), ggen_lang::LangError>(())
//! ```

pub mod case;
pub mod code;
mod error;
pub mod inflect;
mod lang;
pub mod reserved;
pub mod types;

pub use error::LangError;
pub use lang::Lang;
pub use types::{TypeLookup, TypeTables};
