//! Reserved-word lists, one per language, sorted (byte order) and free of duplicates.
//!
//! These are the words [`crate::code::ident`] escapes. Each list says what it contains and what
//! it leaves out on purpose; the principle is "words that cannot be used as the name of a
//! variable, field or parameter".

/// Rust 2024 edition: the strict keywords and the reserved keywords (including `gen`, reserved
/// since 2024). Weak keywords (`union`, `macro_rules`, `raw`, `safe`, `'static`) are valid
/// identifiers and are not listed. `_` is not an identifier either; [`crate::code::ident`]
/// handles it separately.
pub const RUST: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The Rust keywords that cannot be raw identifiers (`r#self` is an error).
pub const RUST_NOT_RAW: &[&str] = &["Self", "crate", "self", "super"];

/// TypeScript / JavaScript: the ECMAScript reserved words (including `await` and `yield`,
/// reserved in modules), the words reserved in strict mode (`implements`, `interface`, `let`,
/// `package`, `private`, `protected`, `public`, `static`), and `arguments` and `eval`, which
/// strict mode forbids as binding names. TypeScript's contextual keywords (`type`, `as`, `of`,
/// `declare`, `module`, `namespace`, …) and predefined type names (`string`, `number`, …) are
/// valid variable and property names and are not listed.
pub const TYPESCRIPT: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Python 3 keywords (`keyword.kwlist`). The soft keywords in [`PYTHON_SOFT`] are valid
/// identifiers and are **not** escaped: `match`, `case` and `type` are common field names and
/// work as such. Built-in names (`id`, `list`, `str`) may be shadowed and are not listed.
pub const PYTHON: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Python's soft keywords (`keyword.softkwlist`), listed for reference; not escaped.
pub const PYTHON_SOFT: &[&str] = &["_", "case", "match", "type"];

/// Java (17+): the reserved keywords including `_`, and the literals `false`, `null`, `true`.
/// Contextual keywords (`var`, `yield`, `record`, `sealed`, `permits`, `module`, …) are valid
/// variable names and are not listed.
pub const JAVA: &[&str] = &[
    "_",
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "false",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "true",
    "try",
    "void",
    "volatile",
    "while",
];

/// Go: the 25 keywords. Predeclared identifiers (`int`, `string`, `nil`, `true`, `len`, …) may be
/// shadowed and are not listed; the blank identifier `_` is handled by
/// [`crate::code::ident`].
pub const GO: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// PostgreSQL (16+), lowercase: the keywords classed "reserved" and "reserved (can be function
/// or type)" in the documentation's SQL key words appendix (`RESERVED_KEYWORD` and
/// `TYPE_FUNC_NAME_KEYWORD` in `src/include/parser/kwlist.h`). These cannot be table or
/// column names without quoting. Non-reserved keywords (`name`, `type`, `value`, …) and
/// keywords that may name columns (`between`, `time`, `values`, …) are not listed. Matched
/// case-insensitively.
pub const SQL: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// GraphQL: `true`, `false` and `null`, which cannot be enum values. GraphQL has no other
/// reserved words: `type`, `query`, `input`, `on` and the other keywords of the schema language
/// are valid field, argument and type names. Names starting with `__` are reserved for
/// introspection; [`crate::code::ident`] handles those separately.
pub const GRAPHQL: &[&str] = &["false", "null", "true"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_unique_and_complete() {
        for (name, list, len) in [
            ("RUST", RUST, 52),
            ("TYPESCRIPT", TYPESCRIPT, 48),
            ("PYTHON", PYTHON, 35),
            ("JAVA", JAVA, 54),
            ("GO", GO, 25),
            ("SQL", SQL, 101),
            ("GRAPHQL", GRAPHQL, 3),
            ("PYTHON_SOFT", PYTHON_SOFT, 4),
            ("RUST_NOT_RAW", RUST_NOT_RAW, 4),
        ] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted, list, "{name} must be sorted and without duplicates");
            assert_eq!(list.len(), len, "{name}");
        }
        for w in RUST_NOT_RAW {
            assert!(RUST.contains(w));
        }
        for w in SQL {
            assert_eq!(*w, w.to_lowercase());
        }
        for w in PYTHON_SOFT {
            assert!(!PYTHON.contains(w));
        }
    }

    #[test]
    fn spot_checks() {
        for w in ["gen", "async", "dyn", "try", "Self", "box", "yield"] {
            assert!(RUST.contains(&w), "{w}");
        }
        for w in ["union", "raw", "safe", "macro_rules"] {
            assert!(!RUST.contains(&w), "{w}");
        }
        for w in [
            "user",
            "order",
            "group",
            "table",
            "select",
            "system_user",
            "join",
        ] {
            assert!(SQL.contains(&w), "{w}");
        }
        for w in ["name", "type", "value", "time", "values", "between"] {
            assert!(!SQL.contains(&w), "{w}");
        }
        for w in ["nonlocal", "async", "await", "None"] {
            assert!(PYTHON.contains(&w), "{w}");
        }
    }
}
