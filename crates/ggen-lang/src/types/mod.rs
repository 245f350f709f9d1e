//! Type tables: XSD/RDF datatype IRIs → types in each target language.
//!
//! [`TypeTables::builtin`] holds the table documented in `crates/ggen-lang/TYPES.md` (which a
//! test regenerates from this code, so the two cannot disagree). Projects override entries per
//! language with [`TypeTables::with_overrides`], whose keys are full IRIs, CURIEs with the
//! prefixes `xsd:`, `rdf:` or `rdfs:`, or `*` for the fallback type.
//!
//! ```
//! use ggen_lang::types::{TypeLookup, TypeTables};
//!
//! let tables = TypeTables::builtin()
//!     .with_overrides("rust", [("xsd:decimal", "f64"), ("*", "serde_json::Value")])
//!     .unwrap();
//! let xsd_date = "http://www.w3.org/2001/XMLSchema#date";
//! assert_eq!(
//!     tables.lookup("rust", xsd_date).unwrap(),
//!     TypeLookup { ty: "chrono::NaiveDate".into(), fallback: false }
//! );
//! assert_eq!(tables.lookup("rust", "xsd:decimal").unwrap().ty, "f64");
//!
//! // An unknown datatype maps to the fallback type; `fallback: true` lets the caller warn.
//! let unknown = tables.lookup("rust", "http://example.org/dt#money").unwrap();
//! assert_eq!(unknown, TypeLookup { ty: "serde_json::Value".into(), fallback: true });
//!
//! // A property whose range is a class (an object reference) is not a datatype:
//! assert_eq!(tables.lookup_object("sql").unwrap().ty, "TEXT");
//! ```

mod builtin;
mod markdown;

use std::collections::BTreeMap;

use crate::error::LangError;
use crate::lang::Lang;

pub use markdown::reference_markdown;

/// The XML Schema datatypes namespace, `xsd:`.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
/// The RDF namespace, `rdf:`.
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
/// The RDF Schema namespace, `rdfs:`.
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";

/// The prefixes expanded in datatype names and override keys.
const PREFIXES: [(&str, &str); 3] = [("xsd", XSD), ("rdf", RDF), ("rdfs", RDFS)];

/// The result of a type lookup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeLookup {
    /// The type in the target language.
    pub ty: String,
    /// `true` when the datatype is not in the table and `ty` is the language's fallback type;
    /// callers should warn, naming the datatype.
    pub fallback: bool,
}

/// One language's table: datatype IRI → type, and the fallback when set with `*`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct LangTable {
    types: BTreeMap<String, String>,
    fallback: Option<String>,
}

/// Type tables for every language: the built-in ones, possibly with project overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeTables {
    tables: BTreeMap<Lang, LangTable>,
}

impl TypeTables {
    /// The built-in tables (see `TYPES.md`).
    pub fn builtin() -> TypeTables {
        let mut tables: BTreeMap<Lang, LangTable> = BTreeMap::new();
        for row in builtin::ROWS {
            let iri = expand_curie(row.curie).unwrap_or_else(|| row.curie.to_owned());
            for (lang, ty) in Lang::ALL.into_iter().zip(row.types) {
                tables
                    .entry(lang)
                    .or_default()
                    .types
                    .insert(iri.clone(), ty.to_owned());
            }
        }
        TypeTables { tables }
    }

    /// These tables with the entries of `overrides` replacing or adding to the table of `lang`
    /// (a language name, see [`Lang::parse`]); `ggen.toml [types.<lang>]` maps to one call.
    ///
    /// Keys are a full IRI (`http://www.w3.org/2001/XMLSchema#date`, also accepted in angle
    /// brackets), a CURIE with the prefix `xsd:`, `rdf:` or `rdfs:` (`xsd:date`), or `*`, which
    /// sets the fallback type for datatypes missing from the table. A full IRI is recognised by
    /// `://` after its scheme, or the scheme `urn:`; anything else with a colon is taken for a
    /// CURIE, so an unknown prefix is an error rather than a silently unmatched key. Values are
    /// the target types, used verbatim (for JSON Schema, a JSON fragment).
    ///
    /// The operation is all-or-nothing: on error nothing is returned but the error.
    ///
    /// # Errors
    ///
    /// - [`LangError::UnknownLanguage`] for an unknown `lang`;
    /// - [`LangError::InvalidTypeKey`] for a key that is not a valid IRI, CURIE or `*`, or that
    ///   names the same datatype as another key of the same call (`xsd:date` and its full IRI);
    /// - [`LangError::EmptyTypeValue`] for an empty or blank type.
    pub fn with_overrides<I, K, V>(mut self, lang: &str, overrides: I) -> Result<Self, LangError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let lang = Lang::parse(lang)?;
        let name = lang.name();
        let mut table = self.tables.get(&lang).cloned().unwrap_or_default();
        let mut seen: BTreeMap<Option<String>, String> = BTreeMap::new();
        for (key, value) in overrides {
            let (key, value) = (key.as_ref(), value.as_ref());
            let parsed = parse_key(name, key)?;
            if let Some(previous) = seen.insert(parsed.clone(), key.to_owned()) {
                return Err(LangError::InvalidTypeKey {
                    lang: name,
                    key: key.to_owned(),
                    reason: format!("it names the same datatype as the key `{previous}`"),
                });
            }
            if value.trim().is_empty() {
                return Err(LangError::EmptyTypeValue {
                    lang: name,
                    key: key.to_owned(),
                });
            }
            match parsed {
                Some(iri) => {
                    table.types.insert(iri, value.to_owned());
                }
                None => table.fallback = Some(value.to_owned()),
            }
        }
        self.tables.insert(lang, table);
        Ok(self)
    }

    /// The type of `datatype` in `lang` (a language name, see [`Lang::parse`]).
    ///
    /// `datatype` is a full IRI (as in a literal's `.datatype`), optionally in angle brackets,
    /// or a CURIE with the prefix `xsd:`, `rdf:` or `rdfs:`. A datatype missing from the table
    /// gives the fallback type with `fallback: true`. The fallback type is the one set with the
    /// override key `*`, or else the type `xsd:string` maps to.
    ///
    /// # Errors
    ///
    /// [`LangError::UnknownLanguage`] for an unknown `lang`.
    pub fn lookup(&self, lang: &str, datatype: &str) -> Result<TypeLookup, LangError> {
        Ok(self.get(Lang::parse(lang)?, datatype))
    }

    /// The type of an object reference (a property whose range is a class, so its values are
    /// IRIs of resources rather than literals) in `lang`: the type `xsd:string` maps to, with
    /// `fallback: false`. Only call this when the caller knows the value is a resource;
    /// [`TypeTables::lookup`] treats any IRI outside the table as an unknown datatype.
    ///
    /// # Errors
    ///
    /// [`LangError::UnknownLanguage`] for an unknown `lang`.
    pub fn lookup_object(&self, lang: &str) -> Result<TypeLookup, LangError> {
        Ok(self.get_object(Lang::parse(lang)?))
    }

    /// [`TypeTables::lookup`] for an already parsed language.
    pub fn get(&self, lang: Lang, datatype: &str) -> TypeLookup {
        let iri = normalize_datatype(datatype);
        match self.tables.get(&lang).and_then(|t| t.types.get(&iri)) {
            Some(ty) => TypeLookup {
                ty: ty.clone(),
                fallback: false,
            },
            None => TypeLookup {
                ty: self.fallback_type(lang).to_owned(),
                fallback: true,
            },
        }
    }

    /// [`TypeTables::lookup_object`] for an already parsed language.
    pub fn get_object(&self, lang: Lang) -> TypeLookup {
        TypeLookup {
            ty: self.string_type(lang).to_owned(),
            fallback: false,
        }
    }

    /// The fallback type of `lang`: the one set with `*`, or else the type of `xsd:string`.
    pub fn fallback_type(&self, lang: Lang) -> &str {
        self.tables
            .get(&lang)
            .and_then(|t| t.fallback.as_deref())
            .unwrap_or_else(|| self.string_type(lang))
    }

    /// The entries of `lang`'s table as (datatype IRI, type), sorted by IRI.
    pub fn entries(&self, lang: Lang) -> impl Iterator<Item = (&str, &str)> {
        self.tables
            .get(&lang)
            .into_iter()
            .flat_map(|t| t.types.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The type `xsd:string` maps to in `lang` (`String` if a table has lost it, which the
    /// public API cannot do).
    fn string_type(&self, lang: Lang) -> &str {
        let iri = format!("{XSD}string");
        self.tables
            .get(&lang)
            .and_then(|t| t.types.get(&iri))
            .map_or("String", String::as_str)
    }
}

impl Default for TypeTables {
    fn default() -> Self {
        TypeTables::builtin()
    }
}

/// Expand `xsd:x`, `rdf:x` or `rdfs:x`; `None` for anything else.
fn expand_curie(s: &str) -> Option<String> {
    let (prefix, local) = s.split_once(':')?;
    let (_, ns) = PREFIXES.iter().find(|(p, _)| *p == prefix)?;
    Some(format!("{ns}{local}"))
}

/// The IRI a datatype argument names: angle brackets removed, known CURIEs expanded.
fn normalize_datatype(datatype: &str) -> String {
    let d = datatype.trim();
    let d = d
        .strip_prefix('<')
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or(d);
    expand_curie(d).unwrap_or_else(|| d.to_owned())
}

/// Parse an override key: `None` for `*`, `Some(iri)` for an IRI or known CURIE.
fn parse_key(lang: &'static str, key: &str) -> Result<Option<String>, LangError> {
    let invalid = |reason: String| LangError::InvalidTypeKey {
        lang,
        key: key.to_owned(),
        reason,
    };
    if key == "*" {
        return Ok(None);
    }
    if key.is_empty() {
        return Err(invalid("the key is empty".to_owned()));
    }
    if let Some(c) = key
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"{}|^`\\".contains(*c))
    {
        return Err(invalid(format!("it contains the character {c:?}")));
    }
    let bracketed = key.strip_prefix('<').and_then(|k| k.strip_suffix('>'));
    if let Some(iri) = bracketed {
        return if is_full_iri(iri) {
            Ok(Some(iri.to_owned()))
        } else {
            Err(invalid(
                "the text in angle brackets is not a full IRI".to_owned(),
            ))
        };
    }
    if key.contains(['<', '>']) {
        return Err(invalid("unbalanced angle brackets".to_owned()));
    }
    if is_full_iri(key) {
        return Ok(Some(key.to_owned()));
    }
    let Some((prefix, local)) = key.split_once(':') else {
        return Err(invalid(format!(
            "it is neither an IRI nor a CURIE (did you mean `xsd:{key}`?)"
        )));
    };
    if !PREFIXES.iter().any(|(p, _)| *p == prefix) {
        return Err(invalid(format!(
            "unknown prefix `{prefix}:`; only `xsd:`, `rdf:` and `rdfs:` are expanded, write \
             other datatypes as full IRIs"
        )));
    }
    let valid_local = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !valid_local {
        return Err(invalid(format!(
            "`{local}` is not a valid local name after `{prefix}:`"
        )));
    }
    Ok(expand_curie(key))
}

/// `scheme://…` or `urn:…`, with a syntactically valid scheme and something after it.
fn is_full_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest_ok = match rest.strip_prefix("//") {
        Some(after) => !after.is_empty(),
        None => scheme.eq_ignore_ascii_case("urn") && !rest.is_empty(),
    };
    scheme_ok && rest_ok && !s.contains(['<', '>'])
}

#[cfg(test)]
mod tests;
