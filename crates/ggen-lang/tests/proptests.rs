//! Property tests: no function panics on any input, and the documented invariants hold.

use ggen_lang::code::{comment, doc, ident, indent};
use ggen_lang::inflect::{
    deconstantize, demodulize, deordinalize, foreign_key, ordinalize, pluralize, singularize,
};
use ggen_lang::{Lang, TypeTables, case};
use proptest::prelude::*;
use unicode_ident::{is_xid_continue, is_xid_start};

/// Words for which `singularize(pluralize(w)) == w` is promised by the tests.
const WORDS: &[&str] = &[
    "user",
    "profile",
    "person",
    "child",
    "mouse",
    "man",
    "woman",
    "goose",
    "tooth",
    "foot",
    "ox",
    "criterion",
    "phenomenon",
    "matrix",
    "vertex",
    "appendix",
    "category",
    "city",
    "entry",
    "property",
    "query",
    "day",
    "key",
    "toy",
    "movie",
    "cookie",
    "zombie",
    "pie",
    "address",
    "class",
    "process",
    "access",
    "status",
    "bus",
    "bonus",
    "campus",
    "virus",
    "focus",
    "analysis",
    "crisis",
    "thesis",
    "hypothesis",
    "diagnosis",
    "synopsis",
    "emphasis",
    "oasis",
    "axis",
    "alias",
    "atlas",
    "bias",
    "canvas",
    "gas",
    "lens",
    "box",
    "tax",
    "fox",
    "index",
    "suffix",
    "church",
    "match",
    "branch",
    "batch",
    "cache",
    "niche",
    "epoch",
    "stomach",
    "dish",
    "hash",
    "buzz",
    "waltz",
    "quiz",
    "size",
    "leaf",
    "wolf",
    "half",
    "shelf",
    "knife",
    "wife",
    "life",
    "thief",
    "roof",
    "chief",
    "belief",
    "safe",
    "move",
    "archive",
    "curve",
    "olive",
    "glove",
    "hero",
    "potato",
    "tomato",
    "echo",
    "photo",
    "repo",
    "video",
    "shoe",
    "toe",
    "canoe",
    "menu",
    "guru",
    "sku",
    "bureau",
    "taxi",
    "api",
    "iri",
    "value",
    "type",
    "house",
    "cause",
    "course",
    "response",
    "database",
    "case",
    "phase",
    "release",
    "license",
    "price",
    "device",
    "order",
    "line",
    "item",
    "invoice",
    "customer",
    "product",
    "review",
    "shipment",
    "payment",
    "tag",
    "equipment",
    "information",
    "series",
    "species",
    "sheep",
    "data",
    "metadata",
    "fish",
    "news",
    "software",
    "salesperson",
    "grandchild",
];

fn word() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(WORDS)
}

/// An identifier-ish string: a prefix word and a last word in one of the casing styles.
fn compound() -> impl Strategy<Value = String> {
    (word(), word(), 0..5usize).prop_map(|(a, b, style)| match style {
        0 => b.to_owned(),
        1 => format!("{a}_{b}"),
        2 => case::pascal(&format!("{a}_{b}")),
        3 => case::camel(&format!("{a}_{b}")),
        _ => case::shouty_snake(&format!("{a}_{b}")),
    })
}

/// Arbitrary strings, biased towards the characters the functions look at.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9_ :./\\-\"*\\\\\r\n\u{2028}İßǅ́]{0,24}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn nothing_panics(s in text(), n in 0usize..12) {
        for name in case::NAMES {
            let _ = case::by_name(name).unwrap()(&s);
        }
        let _ = (pluralize(&s), singularize(&s), foreign_key(&s));
        let _ = (demodulize(&s), deconstantize(&s), ordinalize(&s), deordinalize(&s));
        let _ = indent(&s, n);
        let tables = TypeTables::builtin();
        for lang in Lang::ALL {
            let _ = (lang.ident(&s), lang.comment(&s), lang.doc(&s));
            let _ = tables.get(lang, &s);
            let _ = TypeTables::builtin().with_overrides(lang.name(), [(s.as_str(), "X")]);
        }
        let _ = (ident("x", &s), comment("x", &s), doc("x", &s), tables.lookup(&s, &s));
    }

    #[test]
    fn singularize_inverts_pluralize(w in compound()) {
        let plural = pluralize(&w);
        prop_assert_eq!(singularize(&plural), w.clone(), "plural was {}", plural);
    }

    #[test]
    fn pluralize_changes_only_the_last_word(a in word(), b in word()) {
        let plural = pluralize(&format!("{a}_{b}"));
        prop_assert_eq!(plural, format!("{a}_{}", pluralize(b)));
        let pascal = pluralize(&case::pascal(&format!("{a}_{b}")));
        prop_assert_eq!(pascal, format!("{}{}", case::pascal(a), case::pascal(&pluralize(b))));
    }

    #[test]
    fn ordinals_round_trip(n in any::<i64>(), big in "[0-9]{1,60}") {
        for s in [n.to_string(), big] {
            let ord = ordinalize(&s).unwrap();
            prop_assert_eq!(deordinalize(&ord).unwrap(), s);
        }
    }

    #[test]
    fn module_paths_split_at_the_same_place(s in "[A-Za-z:./]{0,16}") {
        let (head, last) = (deconstantize(&s), demodulize(&s));
        prop_assert!(s.starts_with(&head) && s.ends_with(&last));
        prop_assert!(head.len() + last.len() <= s.len());
        prop_assert!(!last.contains("::") && !last.contains(['.', '/']));
    }

    #[test]
    fn identifiers_are_valid_and_not_reserved(s in text()) {
        for lang in Lang::ALL {
            let id = lang.ident(&s);
            prop_assert!(!id.is_empty());
            if lang == Lang::JsonSchema {
                continue;
            }
            let bare = match lang {
                Lang::Rust => id.strip_prefix("r#").unwrap_or(&id),
                Lang::Sql => id.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(&id),
                _ => &id,
            };
            let unicode = matches!(lang, Lang::Rust | Lang::Python | Lang::TypeScript);
            let dollar = lang == Lang::TypeScript;
            let mut chars = bare.chars();
            let first = chars.next().unwrap();
            let starts = first == '_'
                || first.is_ascii_alphabetic()
                || (dollar && first == '$')
                || (unicode && is_xid_start(first));
            prop_assert!(starts, "{}: {:?}", lang, id);
            let continues = chars.all(|c| {
                c == '_'
                    || c.is_ascii_alphanumeric()
                    || (dollar && c == '$')
                    || (unicode && is_xid_continue(c))
            });
            prop_assert!(continues, "{}: {:?}", lang, id);
            if lang != Lang::Sql && bare == id {
                prop_assert!(!lang.is_reserved(&id), "{lang}: {id:?}");
            }
            if lang == Lang::GraphQl {
                prop_assert!(!id.starts_with("__"));
            }
            if matches!(lang, Lang::Rust | Lang::Go | Lang::Java) {
                prop_assert_ne!(id.as_str(), "_");
            }
        }
    }

    #[test]
    fn comments_prefix_every_line(s in text()) {
        for (lang, marker) in [(Lang::Rust, "//"), (Lang::Python, "#"), (Lang::Sql, "--")] {
            let c = lang.comment(&s);
            for line in c.split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line);
                if !line.is_empty() {
                    prop_assert!(line.starts_with(marker), "{lang}: {c:?}");
                    let spaced = format!("{marker} ");
                    let well_formed = line == marker || line.starts_with(&spaced);
                    prop_assert!(well_formed, "{}: {:?}", lang, c);
                }
            }
            let separators = ['\u{2028}', '\u{2029}'];
            let has_separator = c.contains(separators);
            prop_assert!(!has_separator, "{:?}", c);
            prop_assert!(!c.replace("\r\n", "").contains('\r'));
        }
        let d = Lang::TypeScript.doc(&s);
        if !s.is_empty() {
            prop_assert!(d.starts_with("/**"));
            prop_assert_eq!(d.matches("*/").count(), 1, "{:?}", d);
        }
    }

    #[test]
    fn indent_only_adds_leading_spaces(s in text(), n in 0usize..8) {
        let out = indent(&s, n);
        let pad = " ".repeat(n);
        let original: Vec<&str> = s.split('\n').collect();
        let indented: Vec<&str> = out.split('\n').collect();
        prop_assert_eq!(original.len(), indented.len());
        for (o, i) in original.iter().zip(&indented) {
            if o.trim().is_empty() {
                prop_assert_eq!(o, i);
            } else {
                prop_assert_eq!(format!("{pad}{o}"), *i);
            }
        }
    }

    #[test]
    fn snake_and_kebab_are_idempotent_on_ascii(s in "[a-zA-Z0-9_ \\-]{0,24}") {
        let snake = case::snake(&s);
        prop_assert_eq!(case::snake(&snake), snake.clone());
        let kebab = case::kebab(&s);
        prop_assert_eq!(case::kebab(&kebab), kebab);
        prop_assert!(snake.chars().all(|c| c == '_' || c.is_ascii_lowercase() || c.is_ascii_digit()));
    }
}
