use super::*;

fn id(s: &str, lang: &str) -> String {
    ident(s, lang).unwrap()
}

#[test]
fn rust_identifiers() {
    assert_eq!(id("type", "rust"), "r#type");
    assert_eq!(id("gen", "rust"), "r#gen");
    assert_eq!(id("async", "rust"), "r#async");
    assert_eq!(id("self", "rust"), "self_");
    assert_eq!(id("Self", "rust"), "Self_");
    assert_eq!(id("super", "rust"), "super_");
    assert_eq!(id("crate", "rust"), "crate_");
    assert_eq!(id("", "rust"), "__");
    assert_eq!(id("_", "rust"), "__");
    assert_eq!(id("union", "rust"), "union");
    assert_eq!(id("Type", "rust"), "Type");
    assert_eq!(id("2fa", "rust"), "_2fa");
    assert_eq!(id("hello world", "rust"), "hello_world");
    assert_eq!(id("a-b.c", "rust"), "a_b_c");
    assert_eq!(id("größe", "rust"), "größe");
    assert_eq!(id("🦀crab", "rust"), "_crab");
    assert_eq!(id("\u{301}e", "rust"), "_\u{301}e");
    assert_eq!(id("r#type", "rust"), "r_type");
    assert_eq!(id("日本語", "rust"), "日本語");
    assert_eq!(id("tiếng_việt", "rust"), "tiếng_việt");
    assert_eq!(id("x\u{200d}y", "rust"), "x_y");
    // A CJK ideograph from Unicode 15 (extension H) is replaced.
    assert_eq!(id("a\u{31350}", "rust"), "a_");
    assert_eq!(id("Ⅻ", "rust"), "__");
}

#[test]
fn every_reserved_word_is_escaped_in_every_language() {
    for lang in Lang::ALL {
        for w in lang.reserved_words() {
            let escaped = lang.ident(w);
            assert_ne!(&escaped, w, "{lang}: {w}");
            assert!(!lang.is_reserved(&escaped), "{lang}: {w} -> {escaped}");
        }
    }
}

#[test]
fn other_languages() {
    assert_eq!(id("class", "typescript"), "class_");
    assert_eq!(id("$ref", "ts"), "$ref");
    assert_eq!(id("2x", "ts"), "_2x");
    assert_eq!(id("string", "ts"), "string");
    assert_eq!(id("from", "python"), "from_");
    assert_eq!(id("None", "py"), "None_");
    assert_eq!(id("none", "py"), "none");
    assert_eq!(id("match", "python"), "match");
    assert_eq!(id("type", "python"), "type");
    assert_eq!(id("_", "python"), "_");
    assert_eq!(id("", "python"), "_");
    assert_eq!(id("größe", "python"), "größe");
    assert_eq!(id("class", "java"), "class_");
    assert_eq!(id("_", "java"), "__");
    assert_eq!(id("", "java"), "__");
    assert_eq!(id("var", "java"), "var");
    assert_eq!(id("größe", "java"), "gr__e");
    assert_eq!(id("$x", "java"), "_x");
    assert_eq!(id("type", "go"), "type_");
    assert_eq!(id("string", "go"), "string");
    assert_eq!(id("_", "go"), "__");
    assert_eq!(id("", "go"), "__");
    assert_eq!(id("user", "sql"), "\"user\"");
    assert_eq!(id("User", "postgres"), "\"User\"");
    assert_eq!(id("ORDER", "postgresql"), "\"ORDER\"");
    assert_eq!(id("name", "sql"), "name");
    assert_eq!(id("order date", "sql"), "order_date");
    assert_eq!(id("1st", "sql"), "_1st");
    assert_eq!(id("null", "graphql"), "null_");
    assert_eq!(id("type", "graphql"), "type");
    assert_eq!(id("__typename", "graphql"), "_typename");
    assert_eq!(id("__", "graphql"), "_");
    assert_eq!(id("", "graphql"), "_");
    assert_eq!(id("größe", "graphql"), "gr__e");
    assert_eq!(id("my key", "json-schema"), "my key");
    assert_eq!(id("", "jsonschema"), "_");
}

#[test]
fn unknown_language_is_an_error() {
    for f in [ident, comment, doc] {
        let err = f("x", "cobol").unwrap_err();
        assert_eq!(
            err,
            LangError::UnknownLanguage {
                name: "cobol".into()
            }
        );
    }
}

#[test]
fn comments() {
    let text = "one\n\ntwo";
    assert_eq!(comment(text, "rust").unwrap(), "// one\n//\n// two");
    assert_eq!(comment(text, "ts").unwrap(), "// one\n//\n// two");
    assert_eq!(comment(text, "java").unwrap(), "// one\n//\n// two");
    assert_eq!(comment(text, "go").unwrap(), "// one\n//\n// two");
    assert_eq!(comment(text, "python").unwrap(), "# one\n#\n# two");
    assert_eq!(comment(text, "graphql").unwrap(), "# one\n#\n# two");
    assert_eq!(comment(text, "sql").unwrap(), "-- one\n--\n-- two");
    assert_eq!(comment(text, "json-schema").unwrap(), text);
    assert_eq!(comment("", "rust").unwrap(), "");
    assert_eq!(comment("a\n", "rust").unwrap(), "// a\n");
    assert_eq!(comment("a\r\nb\r\n", "rust").unwrap(), "// a\r\n// b\r\n");
    assert_eq!(comment("a\rb", "rust").unwrap(), "// a\n// b");
    assert_eq!(comment("a\u{2028}b", "ts").unwrap(), "// a\n// b");
    assert_eq!(comment("  \n x", "rust").unwrap(), "//\n//  x");
    assert_eq!(comment("\n", "sql").unwrap(), "--\n");
    assert_eq!(comment("\n\n", "sql").unwrap(), "--\n--\n");
    assert_eq!(comment("C:\\users", "java").unwrap(), "// C:\\\\users");
    assert_eq!(
        comment("nul\0 esc\u{1b}\ttab", "py").unwrap(),
        "# nul\\x00 esc\\x1b\ttab"
    );
}

#[test]
fn docs() {
    let text = "A user.\n\nHas a name.";
    assert_eq!(
        doc(text, "rust").unwrap(),
        "/// A user.\n///\n/// Has a name."
    );
    assert_eq!(
        doc(text, "typescript").unwrap(),
        "/**\n * A user.\n *\n * Has a name.\n */"
    );
    assert_eq!(
        doc(text, "java").unwrap(),
        "/**\n * A user.\n *\n * Has a name.\n */"
    );
    assert_eq!(doc(text, "go").unwrap(), "// A user.\n//\n// Has a name.");
    assert_eq!(doc(text, "sql").unwrap(), "-- A user.\n--\n-- Has a name.");
    assert_eq!(
        doc(text, "python").unwrap(),
        "\"\"\"A user.\n\nHas a name.\n\"\"\""
    );
    assert_eq!(
        doc(text, "graphql").unwrap(),
        "\"\"\"\nA user.\n\nHas a name.\n\"\"\""
    );
    assert_eq!(doc(text, "json-schema").unwrap(), text);
    for lang in Lang::ALL {
        assert_eq!(lang.doc(""), "", "{lang}");
        assert_eq!(lang.comment(""), "", "{lang}");
    }
    assert_eq!(doc("x\n", "ts").unwrap(), "/**\n * x\n */\n");
}

#[test]
fn doc_comment_terminators_are_escaped() {
    assert_eq!(doc("a */ b", "ts").unwrap(), "/**\n * a *\\/ b\n */");
    assert_eq!(doc("a */ b", "java").unwrap(), "/**\n * a *&#47; b\n */");
    assert_eq!(
        doc("see \\u000a", "java").unwrap(),
        "/**\n * see \\\\u000a\n */"
    );
    assert_eq!(
        doc("a \"\"\" b", "graphql").unwrap(),
        "\"\"\"\na \\\"\"\" b\n\"\"\""
    );
}

#[test]
fn java_unicode_escapes_are_neutralised() {
    assert_eq!(escape_java_unicode("\\u"), "\\\\u");
    assert_eq!(escape_java_unicode("\\\\u"), "\\\\u");
    assert_eq!(escape_java_unicode("\\\\\\u"), "\\\\\\\\u");
    assert_eq!(escape_java_unicode("\\x u"), "\\x u");
    assert_eq!(escape_java_unicode("\\uuuu0041"), "\\\\uuuu0041");
}

#[test]
fn python_docstrings() {
    assert_eq!(doc("One line.", "python").unwrap(), "\"\"\"One line.\"\"\"");
    assert_eq!(
        doc("say \"hi\"", "python").unwrap(),
        "\"\"\"say \"hi\\\"\"\"\""
    );
    assert_eq!(
        doc("a \"\"\" b", "python").unwrap(),
        "\"\"\"a \\\"\\\"\\\" b\"\"\""
    );
    assert_eq!(doc("C:\\dir", "python").unwrap(), "\"\"\"C:\\\\dir\"\"\"");
    assert_eq!(doc("nul\0", "python").unwrap(), "\"\"\"nul\\x00\"\"\"");
    assert_eq!(doc("tab\there", "python").unwrap(), "\"\"\"tab\there\"\"\"");
    assert_eq!(
        doc("first\nsecond \"", "python").unwrap(),
        "\"\"\"first\nsecond \\\"\n\"\"\""
    );
}

#[test]
fn indentation() {
    assert_eq!(indent("a\nb", 2), "  a\n  b");
    assert_eq!(indent("a\n\nb\n", 4), "    a\n\n    b\n");
    assert_eq!(indent("a\r\n\r\nb", 1), " a\r\n\r\n b");
    assert_eq!(indent("  \nx", 2), "  \n  x");
    assert_eq!(indent("", 3), "");
    assert_eq!(indent("x", 0), "x");
}
