//! The error type of this crate.

use ggen_core::{Diagnostic, Location};
use thiserror::Error;

use crate::lang::ACCEPTED_LANGUAGES;

/// Everything that can go wrong in `ggen-lang`.
///
/// None of these errors has a file position of its own: the inputs are single strings (a filter
/// argument, a `ggen.toml [types.<lang>]` key). Callers that know where the string came from wrap
/// the error with their location.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LangError {
    /// A language name that is not one of the accepted names.
    #[error("unknown language `{name}`; accepted names: {ACCEPTED_LANGUAGES}")]
    UnknownLanguage {
        /// The name as given.
        name: String,
    },

    /// `ordinalize` was given something that is not an integer.
    #[error("cannot ordinalize `{input}`: expected an integer such as `1`, `-3` or `112`")]
    NotANumber {
        /// The input as given.
        input: String,
    },

    /// `deordinalize` was given something that is not an ordinal number.
    #[error(
        "cannot deordinalize `{input}`: expected an integer with its English ordinal suffix, such as `1st`, `2nd`, `3rd` or `11th`"
    )]
    NotAnOrdinal {
        /// The input as given.
        input: String,
    },

    /// A key of a type-table override that is neither a full IRI, a CURIE with a known prefix,
    /// nor `*`.
    #[error("invalid type-table key `{key}` for language `{lang}`: {reason}")]
    InvalidTypeKey {
        /// The canonical language name of the table being overridden.
        lang: &'static str,
        /// The key as given.
        key: String,
        /// Why the key was refused.
        reason: String,
    },

    /// A type-table override whose value (the target type) is empty.
    #[error("empty type for `{key}` in the `{lang}` type table")]
    EmptyTypeValue {
        /// The canonical language name of the table being overridden.
        lang: &'static str,
        /// The key whose value is empty.
        key: String,
    },
}

impl Diagnostic for LangError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownLanguage { .. } => "lang-unknown-language",
            Self::NotANumber { .. } => "lang-not-a-number",
            Self::NotAnOrdinal { .. } => "lang-not-an-ordinal",
            Self::InvalidTypeKey { .. } => "lang-invalid-type-key",
            Self::EmptyTypeValue { .. } => "lang-empty-type-value",
        }
    }

    fn location(&self) -> Option<&Location> {
        None
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::UnknownLanguage { .. } => Some(format!(
                "use one of: {ACCEPTED_LANGUAGES} (names are case-insensitive)"
            )),
            Self::NotANumber { .. } | Self::NotAnOrdinal { .. } => None,
            Self::InvalidTypeKey { .. } => Some(
                "write a full datatype IRI (`http://www.w3.org/2001/XMLSchema#date`), a CURIE with \
                 the prefix `xsd:`, `rdf:` or `rdfs:` (`xsd:date`), or `*` for the fallback type"
                    .to_owned(),
            ),
            Self::EmptyTypeValue { .. } => {
                Some("give the target type as a non-empty string, e.g. `\"String\"`".to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_name_the_input() {
        let e = LangError::UnknownLanguage {
            name: "cobol".into(),
        };
        assert_eq!(e.code(), "lang-unknown-language");
        let msg = e.to_string();
        assert!(msg.contains("`cobol`"), "{msg}");
        for name in [
            "rust",
            "typescript",
            "ts",
            "python",
            "py",
            "java",
            "go",
            "sql",
        ] {
            assert!(msg.contains(name), "{msg} lacks {name}");
        }
        for name in [
            "postgres",
            "postgresql",
            "graphql",
            "json-schema",
            "jsonschema",
        ] {
            assert!(msg.contains(name), "{msg} lacks {name}");
        }
        assert!(e.help().is_some());
        assert!(e.location().is_none());

        let e = LangError::InvalidTypeKey {
            lang: "rust",
            key: "foo:bar".into(),
            reason: "unknown prefix `foo:`".into(),
        };
        assert_eq!(e.code(), "lang-invalid-type-key");
        assert!(e.to_string().contains("`foo:bar`"));
        assert!(e.to_string().contains("`rust`"));
        assert!(e.help().is_some_and(|h| h.contains("xsd:")));

        let e = LangError::NotANumber { input: "x".into() };
        assert_eq!(e.code(), "lang-not-a-number");
        let e = LangError::NotAnOrdinal { input: "x".into() };
        assert_eq!(e.code(), "lang-not-an-ordinal");
        let e = LangError::EmptyTypeValue {
            lang: "go",
            key: "xsd:date".into(),
        };
        assert_eq!(e.code(), "lang-empty-type-value");
        assert!(e.to_string().contains("xsd:date"));
    }
}
