//! The target languages ggen knows, and how they are named.

use std::fmt;
use std::str::FromStr;

use crate::error::LangError;

/// The accepted language names, as printed in error messages.
pub(crate) const ACCEPTED_LANGUAGES: &str = "rust, typescript (ts), python (py), java, go, \
     sql (postgres, postgresql), graphql, json-schema (jsonschema)";

/// A target language.
///
/// Parse one from its name with [`Lang::parse`] (or [`str::parse`]); names are matched
/// case-insensitively after trimming surrounding whitespace:
///
/// | language | accepted names |
/// |---|---|
/// | [`Lang::Rust`] | `rust` |
/// | [`Lang::TypeScript`] | `typescript`, `ts` |
/// | [`Lang::Python`] | `python`, `py` |
/// | [`Lang::Java`] | `java` |
/// | [`Lang::Go`] | `go` |
/// | [`Lang::Sql`] (PostgreSQL) | `sql`, `postgres`, `postgresql` |
/// | [`Lang::GraphQl`] | `graphql` |
/// | [`Lang::JsonSchema`] | `json-schema`, `jsonschema` |
///
/// ```
/// use ggen_lang::Lang;
/// assert_eq!(Lang::parse("TS").unwrap(), Lang::TypeScript);
/// assert_eq!("postgresql".parse::<Lang>().unwrap(), Lang::Sql);
/// assert!(Lang::parse("cobol").unwrap_err().to_string().contains("json-schema"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Lang {
    /// Rust (2024 edition).
    Rust,
    /// TypeScript (and JavaScript in strict mode).
    TypeScript,
    /// Python 3.
    Python,
    /// Java (17+).
    Java,
    /// Go.
    Go,
    /// SQL, PostgreSQL dialect.
    Sql,
    /// GraphQL schema definition language.
    GraphQl,
    /// JSON Schema (draft 2020-12).
    JsonSchema,
}

impl Lang {
    /// Every language, in a fixed order (the order of the type-table columns).
    pub const ALL: [Lang; 8] = [
        Lang::Rust,
        Lang::TypeScript,
        Lang::Python,
        Lang::Java,
        Lang::Go,
        Lang::Sql,
        Lang::GraphQl,
        Lang::JsonSchema,
    ];

    /// The canonical name: `rust`, `typescript`, `python`, `java`, `go`, `sql`, `graphql`,
    /// `json-schema`.
    pub const fn name(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::TypeScript => "typescript",
            Lang::Python => "python",
            Lang::Java => "java",
            Lang::Go => "go",
            Lang::Sql => "sql",
            Lang::GraphQl => "graphql",
            Lang::JsonSchema => "json-schema",
        }
    }

    /// Every name (canonical and aliases) that [`Lang::parse`] accepts for this language.
    pub const fn names(self) -> &'static [&'static str] {
        match self {
            Lang::Rust => &["rust"],
            Lang::TypeScript => &["typescript", "ts"],
            Lang::Python => &["python", "py"],
            Lang::Java => &["java"],
            Lang::Go => &["go"],
            Lang::Sql => &["sql", "postgres", "postgresql"],
            Lang::GraphQl => &["graphql"],
            Lang::JsonSchema => &["json-schema", "jsonschema"],
        }
    }

    /// Parse a language name (case-insensitive, surrounding whitespace ignored).
    ///
    /// # Errors
    ///
    /// [`LangError::UnknownLanguage`], whose message lists the accepted names.
    pub fn parse(name: &str) -> Result<Lang, LangError> {
        let wanted = name.trim();
        Lang::ALL
            .into_iter()
            .find(|lang| lang.names().iter().any(|n| n.eq_ignore_ascii_case(wanted)))
            .ok_or_else(|| LangError::UnknownLanguage {
                name: name.to_owned(),
            })
    }
}

impl FromStr for Lang {
    type Err = LangError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_and_alias_parses() {
        let cases = [
            ("rust", Lang::Rust),
            ("typescript", Lang::TypeScript),
            ("ts", Lang::TypeScript),
            ("python", Lang::Python),
            ("py", Lang::Python),
            ("java", Lang::Java),
            ("go", Lang::Go),
            ("sql", Lang::Sql),
            ("postgres", Lang::Sql),
            ("postgresql", Lang::Sql),
            ("graphql", Lang::GraphQl),
            ("json-schema", Lang::JsonSchema),
            ("jsonschema", Lang::JsonSchema),
            ("  Rust ", Lang::Rust),
            ("GraphQL", Lang::GraphQl),
        ];
        for (name, lang) in cases {
            assert_eq!(Lang::parse(name), Ok(lang), "{name}");
            assert_eq!(name.parse::<Lang>(), Ok(lang), "{name}");
        }
    }

    #[test]
    fn canonical_names_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.name()), Ok(lang));
            assert_eq!(lang.to_string(), lang.name());
            assert_eq!(lang.names().first(), Some(&lang.name()));
        }
    }

    #[test]
    fn unknown_names_are_errors_listing_the_accepted_names() {
        for bad in ["", "cobol", "rs", "javascript", "json", "postgre sql"] {
            let err = Lang::parse(bad).unwrap_err();
            assert_eq!(
                err,
                LangError::UnknownLanguage {
                    name: bad.to_owned()
                }
            );
            let msg = err.to_string();
            for lang in Lang::ALL {
                for n in lang.names() {
                    assert!(msg.contains(n), "{msg} lacks {n}");
                }
            }
        }
    }
}
