//! Small helpers shared by the TOML readers (manifest, lockfile, config).

use std::ops::Range;
use std::path::Path;

use ggen_core::{Location, line_col_of_offset};

/// Location of a byte span in `text` (its start), in `file`.
pub(crate) fn span_location(file: &Path, text: &str, span: &Range<usize>) -> Location {
    let (line, col) = line_col_of_offset(text, span.start);
    Location::at(file, line, col)
}

/// Location and message of a TOML parse or type error.
pub(crate) fn de_error(file: &Path, text: &str, err: &toml::de::Error) -> (Location, String) {
    let location = match err.span() {
        Some(span) => span_location(file, text, &span),
        None => Location::file(file),
    };
    (location, err.message().trim().to_owned())
}

/// Append `s` quoted as a TOML basic string.
pub(crate) fn quote_into(out: &mut String, s: &str) {
    if !s
        .bytes()
        .any(|b| b == b'"' || b == b'\\' || b < 0x20 || b == 0x7f)
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips() {
        for s in [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "tab\tnew\nline",
            "\u{1}",
        ] {
            let mut doc = "k = ".to_owned();
            quote_into(&mut doc, s);
            doc.push('\n');
            let t: toml::Table = toml::from_str(&doc).unwrap();
            assert_eq!(t["k"].as_str().unwrap(), s);
        }
    }
}
