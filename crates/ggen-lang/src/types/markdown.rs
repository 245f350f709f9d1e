//! Markdown rendering of type tables, and the text of `TYPES.md`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{PREFIXES, TypeTables, builtin, expand_curie};
use crate::lang::Lang;

const INTRO: &str = "\
# Built-in type tables

<!-- Generated from crates/ggen-lang/src/types by the test `types_doc`; do not edit by hand.
     After changing the code run:
     GGEN_UPDATE_TYPES_MD=1 cargo test -p ggen-lang --test types_doc -->

How ggen maps XSD and RDF datatypes to types in each target language; these tables back the
`type_for(lang)` template filter. They cover every XSD datatype that RDF 1.1 allows in
literals, plus `rdf:langString`, `rdf:PlainLiteral`, `rdf:HTML`, `rdf:XMLLiteral` and
`rdfs:Literal`.

A project replaces or adds entries per language in `ggen.toml`:

```toml
[types.rust]
\"xsd:decimal\" = \"f64\"                         # instead of rust_decimal::Decimal
\"xsd:date\" = \"String\"                         # without chrono
\"http://example.org/dt#money\" = \"Money\"       # a custom datatype, as a full IRI
\"*\" = \"String\"                                # the fallback for datatypes not listed
```

Keys are full IRIs, CURIEs with the prefixes `xsd:`, `rdf:` or `rdfs:`, or `*`. Any other
prefix is an error (write the full IRI). A datatype missing from the table maps to the
fallback type (set with `*`, by default the type of `xsd:string`), and the lookup reports that
the fallback was used so the caller can warn. A property whose range is a class rather than a
datatype (an object reference) maps to the type of `xsd:string` without a warning; override
`xsd:string` to change both.

";

const NOTES: &str = "
## Notes

- **Rust**: `rust_decimal::Decimal` and the `chrono` types need those crates (with their
  `serde` features when the generated types derive serde). Without chrono, override
  `xsd:date`, `xsd:dateTime`, `xsd:dateTimeStamp` and `xsd:time` to `String`; to avoid
  rust_decimal, override `xsd:decimal` to `f64` (lossy). `Vec<u8>` for the binary types holds
  the decoded bytes; serde writes it as an array of numbers, not as base64 or hex text.
- **TypeScript**: every numeric type is `number`, which holds integers exactly only up to
  2^53; dates, times and binary values are their lexical strings.
- **Python**: `Decimal` comes from `decimal`, and `date`, `datetime` and `time` from
  `datetime`; the generated module must import them.
- **Java**: boxed types (`Long`, `Integer`, `Boolean`, …) so fields can be null and be used in
  generics; other classes are fully qualified (`java.math.BigDecimal`, `java.time.LocalDate`) so
  no import is needed. `xsd:unsignedLong` needs `java.math.BigInteger`, as Java has no
  unsigned 64-bit type.
- **Go**: `xsd:decimal` is `float64` (lossy; override with a decimal package's type if exact
  values matter). Dates and date-times are `time.Time`; a time of day has no standard Go type
  and is a `string`.
- **SQL**: PostgreSQL types. The unbounded XSD integer types use `BIGINT`, like
  `xsd:integer`; `xsd:unsignedLong` needs `NUMERIC(20, 0)`, PostgreSQL having no unsigned
  types.
- **GraphQL**: only the built-in scalars (`String`, `Int`, `Float`, `Boolean`), so a schema
  needs no custom scalar declarations. GraphQL's `Int` is a signed 32-bit integer: every XSD
  integer type maps to it, so values outside that range are rejected by GraphQL servers;
  override with a custom scalar (e.g. `\"xsd:long\" = \"BigInt\"`) where they can occur.
  `Float` for `xsd:decimal` is lossy.
- **JSON Schema**: each type is a schema fragment (draft 2020-12). Bounded integer types carry
  their `minimum`/`maximum`; `format` values are those of the JSON Schema specification;
  `xsd:anyURI` uses `iri-reference` because anyURI admits relative references and non-ASCII
  characters.
- **Time zones**: `xsd:dateTime` and `xsd:time` make the time zone optional, but
  `chrono::DateTime<chrono::Utc>`, `java.time.OffsetDateTime` and JSON Schema's `date-time`
  and `time` formats (RFC 3339) require one, and `TIMESTAMPTZ` reads a value without one in the
  session's time zone. When your data has no time zones, override with a naive type
  (`chrono::NaiveDateTime`, `java.time.LocalDateTime`, `TIMESTAMP`).
- **Durations**: an `xsd:duration` may combine months with days and seconds, which
  `chrono::Duration`, Python's `timedelta`, `java.time.Duration` and Go's `time.Duration`
  cannot represent exactly, so it maps to the string type, except in SQL (`INTERVAL` accepts
  ISO 8601 durations). `xsd:dayTimeDuration` and `xsd:yearMonthDuration` are mapped the same
  way for consistency.
- **`xsd:gYear`** maps to a 32-bit integer; lexical forms with a time zone (`2024Z`) do not fit
  it, so override it to the string type if your data has them. The other `g…` types
  (`gYearMonth`, `gMonth`, `gDay`, `gMonthDay`) map to the string type.
";

/// The full text of `crates/ggen-lang/TYPES.md`: an introduction, the built-in tables and notes.
pub fn reference_markdown() -> String {
    format!("{INTRO}{}{NOTES}", TypeTables::builtin().markdown_table())
}

impl TypeTables {
    /// The tables as one Markdown table: a row per datatype (built-in datatypes in
    /// documentation order, then other IRIs sorted), a column per language, and two final rows
    /// for the fallback type and the object-reference type. A missing entry is shown as `—`.
    pub fn markdown_table(&self) -> String {
        let builtin_iris: Vec<String> = builtin::ROWS
            .iter()
            .filter_map(|r| expand_curie(r.curie))
            .collect();
        let extra: BTreeSet<&str> = Lang::ALL
            .into_iter()
            .flat_map(|lang| self.entries(lang).map(|(iri, _)| iri))
            .filter(|iri| !builtin_iris.iter().any(|b| b == iri))
            .collect();

        let mut out = String::new();
        out.push_str("| datatype |");
        for lang in Lang::ALL {
            let _ = write!(out, " {} |", lang.name());
        }
        out.push_str("\n|---|");
        for _ in Lang::ALL {
            out.push_str("---|");
        }
        out.push('\n');

        let iris = builtin_iris.iter().map(String::as_str).chain(extra);
        for iri in iris {
            let _ = write!(out, "| {} |", code(&display_iri(iri)));
            for lang in Lang::ALL {
                let cell = self
                    .entries(lang)
                    .find(|(k, _)| *k == iri)
                    .map_or_else(|| "—".to_owned(), |(_, ty)| code(ty));
                let _ = write!(out, " {cell} |");
            }
            out.push('\n');
        }
        out.push_str("| *fallback* |");
        for lang in Lang::ALL {
            let _ = write!(out, " {} |", code(self.fallback_type(lang)));
        }
        out.push_str("\n| *object reference* |");
        for lang in Lang::ALL {
            let _ = write!(out, " {} |", code(&self.get_object(lang).ty));
        }
        out.push('\n');
        out
    }
}

/// A CURIE for IRIs in the known namespaces, `<iri>` otherwise.
fn display_iri(iri: &str) -> String {
    PREFIXES
        .iter()
        .find_map(|(prefix, ns)| {
            iri.strip_prefix(ns)
                .filter(|local| !local.contains(['/', '#']))
                .map(|local| format!("{prefix}:{local}"))
        })
        .unwrap_or_else(|| format!("<{iri}>"))
}

/// A Markdown code span usable in a table cell.
fn code(s: &str) -> String {
    let escaped = s.replace('|', "\\|");
    if escaped.contains('`') {
        format!("`` {escaped} ``")
    } else {
        format!("`{escaped}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_code_spans() {
        assert_eq!(
            display_iri("http://www.w3.org/2001/XMLSchema#date"),
            "xsd:date"
        );
        assert_eq!(
            display_iri("http://www.w3.org/2000/01/rdf-schema#Literal"),
            "rdfs:Literal"
        );
        assert_eq!(
            display_iri("http://example.org/x"),
            "<http://example.org/x>"
        );
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }

    #[test]
    fn overrides_show_up_in_the_table() {
        let t = TypeTables::builtin()
            .with_overrides(
                "go",
                [("http://example.org/dt#money", "Money"), ("*", "any")],
            )
            .unwrap();
        let md = t.markdown_table();
        let row = md
            .lines()
            .find(|l| l.starts_with("| `<http://example.org/dt#money>`"))
            .unwrap();
        assert_eq!(row.matches("—").count(), 7, "{row}");
        assert!(row.contains("`Money`"));
        let fallback = md.lines().find(|l| l.starts_with("| *fallback*")).unwrap();
        assert!(fallback.contains("`any`"));
        assert!(fallback.contains("`String`"));
    }
}
