//! Code-shaped output: safe identifiers, comments, doc comments, indentation.
//!
//! # `ident`: safe identifiers
//!
//! [`ident`] turns any string into an identifier of the target language, in three steps:
//!
//! 1. **Characters.** Every character that cannot appear in an identifier becomes `_` (one `_`
//!    per character; runs are not collapsed): `hello world` → `hello_world`. Rust, Python and
//!    TypeScript also keep non-ASCII letters and combining marks where Unicode's
//!    `XID_Start`/`XID_Continue` rule (the one these languages use) allows them, but only from
//!    long-stable blocks: Latin-1 letters, Latin Extended-A/B and Additional, combining
//!    diacritics, Greek, Cyrillic, Hebrew, Arabic, Devanagari, Hiragana, Katakana, CJK
//!    ideographs up to U+9FEF and Hangul syllables (`größe` and `日本語` stay as they are).
//!    Characters from newer Unicode versions are replaced because compilers built on older
//!    Unicode data reject them, and invisible joiners (U+200C, U+200D) are replaced too.
//!    TypeScript also keeps `$`. Java, Go, SQL and GraphQL keep only ASCII letters, digits and
//!    `_` (GraphQL allows nothing else; for the others this is a conservative subset, so
//!    `größe` → `gr__e`). An empty input becomes `_`.
//! 2. **Start.** A first character that may not start an identifier (a digit) gets a `_`
//!    prefix: `2fa` → `_2fa`.
//! 3. **Reserved words** (lists in [`crate::reserved`]) are escaped the way each language
//!    does it:
//!
//! | language | escape | example |
//! |---|---|---|
//! | rust | raw identifier `r#…`; `self`, `Self`, `super`, `crate` (which cannot be raw) and `_` get a trailing `_` | `type` → `r#type`, `self` → `self_`, empty → `__` |
//! | typescript | trailing `_` | `class` → `class_` |
//! | python | trailing `_` (PEP 8); soft keywords (`match`, `case`, `type`, `_`) are not escaped | `from` → `from_` |
//! | java | trailing `_` (`_` itself is a keyword since Java 9) | `class` → `class_`, empty → `__` |
//! | go | trailing `_`; the blank identifier `_` becomes `__` | `type` → `type_` |
//! | sql | double quotes, text unchanged; matched case-insensitively | `user` → `"user"` |
//! | graphql | trailing `_` for `true`/`false`/`null`; leading `__` (reserved for introspection) collapsed to one `_` | `null` → `null_`, `__typename` → `_typename` |
//! | json-schema | none: any string is a valid property name, so the input is returned unchanged (empty → `_`) | `my key` → `my key` |
//!
//! Matching is case-sensitive except for SQL. A quoted SQL identifier is case-sensitive
//! (`"User"` and `"user"` are different names), so pass lowercase names (e.g. through `snake`)
//! when unquoted references must match; PostgreSQL truncates identifiers longer than 63 bytes,
//! which `ident` does not do for you.
//!
//! ```
//! use ggen_lang::code::ident;
//! assert_eq!(ident("type", "rust").unwrap(), "r#type");
//! assert_eq!(ident("self", "rust").unwrap(), "self_");
//! assert_eq!(ident("2fa code", "python").unwrap(), "_2fa_code");
//! assert_eq!(ident("user", "sql").unwrap(), "\"user\"");
//! assert!(ident("x", "cobol").is_err());
//! ```
//!
//! # `comment` and `doc`
//!
//! [`comment`] prefixes every line with the language's line-comment marker; [`doc`] writes a
//! documentation comment. A line that is empty or only whitespace gets the bare marker, with no
//! trailing space. Lines are separated by `\n`, `\r\n`, `\r`, U+2028 or U+2029 (JavaScript
//! ends comments at the last two); the output uses `\r\n` if the input contains any `\r\n`,
//! otherwise `\n`, and ends with a line break exactly when the input does. An empty input gives
//! an empty output.
//!
//! | language | `comment` | `doc` |
//! |---|---|---|
//! | rust | `// line` | `/// line` |
//! | typescript | `// line` | `/**` ⏎ ` * line` ⏎ ` */`, with `*/` in the text written `*\/` |
//! | python | `# line`, control characters other than tab written `\xNN` (Python source cannot contain NUL) | a docstring literal: `"""line"""` for one line; for several, `"""first` ⏎ lines ⏎ `"""` (PEP 257). Backslashes are doubled, `"` in runs of three or more and at the very end are escaped, control characters other than tab become `\xNN`, so the docstring's value is the text, with `\n` line breaks and, for several lines, a final `\n` before the closing quotes (checked with Python's parser in `tests/toolchains.rs`) |
//! | java | `// line` | like typescript, with `*/` written `*&#47;` (an HTML entity, as Javadoc renders HTML) |
//! | go | `// line` | `// line` (Go doc comments are ordinary comments) |
//! | sql | `-- line`, control characters other than tab written `\xNN` (query text cannot contain NUL) | `-- line`, likewise |
//! | graphql | `# line` | a block-string description: `"""` ⏎ lines ⏎ `"""`, with `"""` in the text written `\"""` |
//! | json-schema | text unchanged | text unchanged (JSON has no comments; put the text in a `description` with a JSON-escaping filter) |
//!
//! For Java, comments and doc comments also neutralise `\u`: the compiler decodes Unicode escapes
//! everywhere, even in comments, so `C:\users` in a comment is a compile error. A backslash that
//! would start an escape is doubled.
//!
//! ```
//! use ggen_lang::code::{comment, doc};
//! assert_eq!(comment("one\n\ntwo", "rust").unwrap(), "// one\n//\n// two");
//! assert_eq!(doc("A user.", "typescript").unwrap(), "/**\n * A user.\n */");
//! assert_eq!(doc("A user.", "python").unwrap(), "\"\"\"A user.\"\"\"");
//! ```

use unicode_ident::{is_xid_continue, is_xid_start};

use crate::error::LangError;
use crate::lang::Lang;
use crate::reserved;

/// A safe identifier for `lang` (a language name, see [`Lang::parse`]); see the module
/// documentation for the rules.
///
/// # Errors
///
/// [`LangError::UnknownLanguage`] when `lang` is not a known language name.
pub fn ident(s: &str, lang: &str) -> Result<String, LangError> {
    Ok(Lang::parse(lang)?.ident(s))
}

/// Every line of `text` prefixed with the line-comment marker of `lang`.
///
/// # Errors
///
/// [`LangError::UnknownLanguage`] when `lang` is not a known language name.
pub fn comment(text: &str, lang: &str) -> Result<String, LangError> {
    Ok(Lang::parse(lang)?.comment(text))
}

/// `text` as a documentation comment of `lang`.
///
/// # Errors
///
/// [`LangError::UnknownLanguage`] when `lang` is not a known language name.
pub fn doc(text: &str, lang: &str) -> Result<String, LangError> {
    Ok(Lang::parse(lang)?.doc(text))
}

/// `n` spaces before every line of `text` that is not empty or whitespace-only. Lines are
/// separated by `\n`; line endings (including `\r\n`) are kept as they are.
///
/// ```
/// use ggen_lang::code::indent;
/// assert_eq!(indent("a\n\n  b\n", 4), "    a\n\n      b\n");
/// ```
pub fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::with_capacity(text.len() + n * 4);
    for piece in text.split_inclusive('\n') {
        if !piece.trim().is_empty() {
            out.push_str(&pad);
        }
        out.push_str(piece);
    }
    out
}

impl Lang {
    /// The reserved words [`Lang::ident`] escapes (see [`crate::reserved`]); empty for JSON
    /// Schema.
    pub fn reserved_words(self) -> &'static [&'static str] {
        match self {
            Lang::Rust => reserved::RUST,
            Lang::TypeScript => reserved::TYPESCRIPT,
            Lang::Python => reserved::PYTHON,
            Lang::Java => reserved::JAVA,
            Lang::Go => reserved::GO,
            Lang::Sql => reserved::SQL,
            Lang::GraphQl => reserved::GRAPHQL,
            Lang::JsonSchema => &[],
        }
    }

    /// `true` when `word` is one of [`Lang::reserved_words`] (case-insensitively for SQL).
    pub fn is_reserved(self, word: &str) -> bool {
        match self {
            Lang::Sql => reserved::SQL.contains(&word.to_ascii_lowercase().as_str()),
            _ => self.reserved_words().contains(&word),
        }
    }

    /// A safe identifier in this language; see the [module documentation](crate::code).
    pub fn ident(self, s: &str) -> String {
        if self == Lang::JsonSchema {
            return if s.is_empty() {
                "_".to_owned()
            } else {
                s.to_owned()
            };
        }
        let name = self.sanitize(s);
        match self {
            Lang::Rust if name == "_" || reserved::RUST_NOT_RAW.contains(&name.as_str()) => {
                format!("{name}_")
            }
            Lang::Rust if self.is_reserved(&name) => format!("r#{name}"),
            Lang::Go if name == "_" => "__".to_owned(),
            Lang::Sql if self.is_reserved(&name) => format!("\"{name}\""),
            Lang::GraphQl if name.starts_with("__") => {
                format!("_{}", name.trim_start_matches('_'))
            }
            _ if self.is_reserved(&name) => format!("{name}_"),
            _ => name,
        }
    }

    /// Replace invalid characters by `_`, prefix `_` when the first character cannot start an
    /// identifier, and turn an empty input into `_`.
    fn sanitize(self, s: &str) -> String {
        let unicode = matches!(self, Lang::Rust | Lang::Python | Lang::TypeScript);
        let dollar = self == Lang::TypeScript;
        let valid = |c: char| {
            c == '_'
                || c.is_ascii_alphanumeric()
                || (dollar && c == '$')
                || (unicode && in_stable_block(c) && is_xid_continue(c))
        };
        let mut out = String::with_capacity(s.len() + 1);
        for c in s.chars() {
            if out.is_empty() {
                let starts = c == '_'
                    || c.is_ascii_alphabetic()
                    || (dollar && c == '$')
                    || (unicode && in_stable_block(c) && is_xid_start(c));
                if !starts && valid(c) {
                    out.push('_');
                }
            }
            out.push(if valid(c) { c } else { '_' });
        }
        if out.is_empty() {
            out.push('_');
        }
        out
    }

    /// Every line of `text` prefixed with this language's line-comment marker; JSON Schema
    /// returns `text` unchanged. See the [module documentation](crate::code).
    pub fn comment(self, text: &str) -> String {
        let marker = match self {
            Lang::Rust | Lang::TypeScript | Lang::Java | Lang::Go => "//",
            Lang::Python | Lang::GraphQl => "#",
            Lang::Sql => "--",
            Lang::JsonSchema => return text.to_owned(),
        };
        let text = self.escape_for_comment(text);
        prefixed_lines(&text, marker)
    }

    /// `text` as a documentation comment of this language; JSON Schema returns `text`
    /// unchanged. See the [module documentation](crate::code).
    pub fn doc(self, text: &str) -> String {
        match self {
            Lang::Rust => prefixed_lines(text, "///"),
            Lang::Go | Lang::Sql => self.comment(text),
            Lang::TypeScript => block_comment(&text.replace("*/", "*\\/")),
            Lang::Java => block_comment(&escape_java_unicode(&text.replace("*/", "*&#47;"))),
            Lang::Python => python_docstring(text),
            Lang::GraphQl => graphql_description(text),
            Lang::JsonSchema => text.to_owned(),
        }
    }

    fn escape_for_comment(self, text: &str) -> String {
        match self {
            Lang::Java => escape_java_unicode(text),
            // Python source and PostgreSQL query text cannot contain NUL, even in a comment.
            Lang::Python | Lang::Sql => text
                .chars()
                .map(|c| match c {
                    '\n' | '\r' | '\t' => c.to_string(),
                    c if is_escaped_control(c) => format!("\\x{:02x}", c as u32),
                    c => c.to_string(),
                })
                .collect(),
            _ => text.to_owned(),
        }
    }
}

/// Unicode blocks whose identifier characters compilers with older Unicode data (Python 3.11
/// uses Unicode 14) know, apart from [`RECENT_IN_STABLE_BLOCKS`]. `tests/toolchains.rs`
/// compiles every character kept.
const STABLE_BLOCKS: &[(char, char)] = &[
    ('\u{00C0}', '\u{024F}'), // Latin-1 letters, Latin Extended-A and -B
    ('\u{0300}', '\u{036F}'), // combining diacritical marks
    ('\u{0370}', '\u{03FF}'), // Greek and Coptic
    ('\u{0400}', '\u{052F}'), // Cyrillic and Cyrillic Supplement
    ('\u{0590}', '\u{05FF}'), // Hebrew
    ('\u{0600}', '\u{06FF}'), // Arabic
    ('\u{0900}', '\u{097F}'), // Devanagari
    ('\u{1E00}', '\u{1EFF}'), // Latin Extended Additional
    ('\u{3040}', '\u{30FF}'), // Hiragana and Katakana
    ('\u{4E00}', '\u{9FEF}'), // CJK Unified Ideographs (to Unicode 11)
    ('\u{AC00}', '\u{D7A3}'), // Hangul syllables
];

/// Characters of those blocks that became identifier characters after Unicode 15.0 (U+30FB
/// KATAKANA MIDDLE DOT in 15.1; U+05C8 and U+05C9 later), which Python 3.11 rejects.
const RECENT_IN_STABLE_BLOCKS: &[char] = &['\u{05C8}', '\u{05C9}', '\u{30FB}'];

fn in_stable_block(c: char) -> bool {
    STABLE_BLOCKS.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
        && !RECENT_IN_STABLE_BLOCKS.contains(&c)
}

/// The lines of a text, how to end them, and whether the text ended with a line break.
struct Lines<'a> {
    lines: Vec<&'a str>,
    eol: &'static str,
    trailing_break: bool,
}

fn split_lines(text: &str) -> Lines<'_> {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
            lines.push(text.get(start..i).unwrap_or_default());
            if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                chars.next();
            }
            start = chars.peek().map_or(text.len(), |&(j, _)| j);
        }
    }
    let trailing_break = !lines.is_empty() && start == text.len();
    if !trailing_break {
        lines.push(text.get(start..).unwrap_or_default());
    }
    Lines {
        lines,
        eol,
        trailing_break,
    }
}

/// Join `lines` with `eol`, adding a final `eol` when the input had one.
fn join(lines: &[String], split: &Lines<'_>) -> String {
    let mut out = lines.join(split.eol);
    if split.trailing_break {
        out.push_str(split.eol);
    }
    out
}

fn marker_line(marker: &str, line: &str) -> String {
    if line.trim().is_empty() {
        marker.to_owned()
    } else {
        format!("{marker} {line}")
    }
}

fn prefixed_lines(text: &str, marker: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let split = split_lines(text);
    let lines: Vec<String> = split.lines.iter().map(|l| marker_line(marker, l)).collect();
    join(&lines, &split)
}

/// `/**`, ` * line` for each line, ` */`.
fn block_comment(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let split = split_lines(text);
    let mut lines = Vec::with_capacity(split.lines.len() + 2);
    lines.push("/**".to_owned());
    lines.extend(split.lines.iter().map(|l| marker_line(" *", l)));
    lines.push(" */".to_owned());
    join(&lines, &split)
}

/// Double a backslash that would start a Java Unicode escape (`\u`), i.e. one preceded by an
/// even number of backslashes.
fn escape_java_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0usize;
    for c in text.chars() {
        if c == 'u' && run % 2 == 1 {
            out.push('\\');
        }
        run = if c == '\\' { run + 1 } else { 0 };
        out.push(c);
    }
    out
}

/// A Python docstring literal whose value is exactly `text`.
fn python_docstring(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let split = split_lines(text);
    let count = split.lines.len();
    let mut lines: Vec<String> = split
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| python_escape(l, i + 1 == count))
        .collect();
    if let Some(first) = lines.first_mut() {
        first.insert_str(0, "\"\"\"");
    }
    if count == 1 {
        if let Some(only) = lines.first_mut() {
            only.push_str("\"\"\"");
        }
    } else {
        lines.push("\"\"\"".to_owned());
    }
    join(&lines, &split)
}

/// Escape one docstring line: backslashes, control characters, quotes in runs of three or
/// more, and (on the last line) quotes at the end, which would merge with the closing `"""`.
fn python_escape(line: &str, last: bool) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '"' {
            let run = chars.iter().skip(i).take_while(|&&q| q == '"').count();
            let at_end = i + run == chars.len();
            let escape = run >= 3 || (last && at_end);
            for _ in 0..run {
                out.push_str(if escape { "\\\"" } else { "\"" });
            }
            i += run;
            continue;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push('\t'),
            c if is_escaped_control(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Control characters Python and SQL comments and Python docstrings write as `\xNN` (line
/// breaks are handled before, tab is kept).
fn is_escaped_control(c: char) -> bool {
    (c as u32) < 0x20 || c == '\u{7f}'
}

/// A GraphQL block-string description: `"""`, the lines, `"""`.
fn graphql_description(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let split = split_lines(text);
    let mut lines = Vec::with_capacity(split.lines.len() + 2);
    lines.push("\"\"\"".to_owned());
    lines.extend(split.lines.iter().map(|l| l.replace("\"\"\"", "\\\"\"\"")));
    lines.push("\"\"\"".to_owned());
    join(&lines, &split)
}

#[cfg(test)]
mod tests;
