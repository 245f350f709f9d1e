//! `sh:pattern` with `sh:flags`, compiled with the `regex` crate.

/// Translate SHACL/XPath regex flags into a compiled regular expression.
pub(super) fn compile_pattern(pattern: &str, flags: Option<&str>) -> Result<regex::Regex, String> {
    let mut literal = false;
    let mut builder_flags = (false, false, false, false);
    for f in flags.unwrap_or("").chars() {
        match f {
            'i' => builder_flags.0 = true,
            'm' => builder_flags.1 = true,
            's' => builder_flags.2 = true,
            'x' => builder_flags.3 = true,
            'q' => literal = true,
            other => {
                return Err(format!(
                    "unknown sh:flags character `{other}` (expected s, m, i, x, q)"
                ));
            }
        }
    }
    let source = if literal {
        regex::escape(pattern)
    } else {
        pattern.to_owned()
    };
    regex::RegexBuilder::new(&source)
        .case_insensitive(builder_flags.0)
        .multi_line(builder_flags.1)
        .dot_matches_new_line(builder_flags.2)
        .ignore_whitespace(builder_flags.3)
        .build()
        .map_err(|e| format!("invalid sh:pattern regular expression: {e}"))
}

#[cfg(test)]
mod tests {
    use super::compile_pattern;

    #[test]
    fn flags_and_xpath_differences() {
        assert!(compile_pattern("^ab", Some("i")).unwrap().is_match("ABC"));
        assert!(compile_pattern("a.b", Some("q")).unwrap().is_match("xa.b"));
        assert!(!compile_pattern("a.b", Some("q")).unwrap().is_match("axb"));
        assert!(compile_pattern("^b$", Some("m")).unwrap().is_match("a\nb"));
        assert!(compile_pattern("a.b", Some("s")).unwrap().is_match("a\nb"));
        assert!(compile_pattern("a b", Some("x")).unwrap().is_match("ab"));
        // XPath-only escapes are rejected.
        assert!(compile_pattern(r"\i\c*", None).is_err());
        // XPath class subtraction is read by `regex` as a nested class (a union): documented.
        let sub = compile_pattern("^[a-z-[aeiou]]$", None).unwrap();
        assert!(sub.is_match("a"));
    }
}
