//! Identifier casing: `camel`, `pascal`, `snake`, `kebab`, … as plain `&str -> String` functions.
//!
//! Word splitting follows [`heck`] 0.5: words are separated by any character that is not
//! alphanumeric (`_`, `-`, spaces, punctuation; those characters are dropped), by a
//! lowercase-to-uppercase change (`userProfile` → `user`, `Profile`), and before the last capital
//! of an acronym that is followed by a lowercase letter (`HTTPServer` → `HTTP`, `Server`).
//! Digits belong to the word they touch (`user2fa` is one word). Letters are classified with
//! Unicode's notion of case, so non-ASCII input works (`größe_wert` → `GrößeWert`) and nothing
//! panics on any input.
//!
//! ```
//! use ggen_lang::case;
//! assert_eq!(case::pascal("user_profile"), "UserProfile");
//! assert_eq!(case::snake("HTTPServer"), "http_server");
//! assert_eq!(case::kebab("hello world"), "hello-world");
//! assert_eq!(case::sentence("hello_world_example"), "Hello world example");
//!
//! // The template crate registers every filter by name:
//! let f = case::by_name("constant").unwrap();
//! assert_eq!(f("userProfile"), "USER_PROFILE");
//! ```

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase,
    ToTrainCase, ToUpperCamelCase,
};

/// The signature shared by every case function.
pub type CaseFn = fn(&str) -> String;

/// Every filter name (and alias) that [`by_name`] knows, in documentation order.
pub const NAMES: &[&str] = &[
    "camel",
    "pascal",
    "class",
    "pascal_case",
    "snake",
    "snake_case",
    "kebab",
    "param",
    "kebab_case",
    "shouty_snake",
    "constant",
    "shouty_kebab",
    "title",
    "titlecase",
    "sentence",
    "train",
    "lcfirst",
    "ucfirst",
    "upper",
    "lower",
];

/// The case function registered under `name` (a name or alias from [`NAMES`]).
///
/// ```
/// use ggen_lang::case;
/// for name in case::NAMES {
///     assert!(case::by_name(name).is_some());
/// }
/// assert!(case::by_name("camelCase").is_none());
/// ```
pub fn by_name(name: &str) -> Option<CaseFn> {
    let f: CaseFn = match name {
        "camel" => camel,
        "pascal" | "class" | "pascal_case" => pascal,
        "snake" | "snake_case" => snake,
        "kebab" | "param" | "kebab_case" => kebab,
        "shouty_snake" | "constant" => shouty_snake,
        "shouty_kebab" => shouty_kebab,
        "title" | "titlecase" => title,
        "sentence" => sentence,
        "train" => train,
        "lcfirst" => lcfirst,
        "ucfirst" => ucfirst,
        "upper" => upper,
        "lower" => lower,
        _ => return None,
    };
    Some(f)
}

/// lowerCamelCase: `user_profile` → `userProfile`.
pub fn camel(s: &str) -> String {
    s.to_lower_camel_case()
}

/// UpperCamelCase (PascalCase; filter aliases `class`, `pascal_case`): `user_profile` →
/// `UserProfile`.
pub fn pascal(s: &str) -> String {
    s.to_upper_camel_case()
}

/// snake_case (alias `snake_case`): `HTTPServer` → `http_server`.
pub fn snake(s: &str) -> String {
    s.to_snake_case()
}

/// kebab-case (aliases `param`, `kebab_case`): `hello world` → `hello-world`.
pub fn kebab(s: &str) -> String {
    s.to_kebab_case()
}

/// SHOUTY_SNAKE_CASE (alias `constant`): `userProfile` → `USER_PROFILE`.
pub fn shouty_snake(s: &str) -> String {
    s.to_shouty_snake_case()
}

/// SHOUTY-KEBAB-CASE: `userProfile` → `USER-PROFILE`.
pub fn shouty_kebab(s: &str) -> String {
    s.to_shouty_kebab_case()
}

/// Title Case (alias `titlecase`, which ggen 2.5 also treated as the same filter): every word
/// capitalised, the rest lowercased, joined by spaces: `hello_world` → `Hello World`.
pub fn title(s: &str) -> String {
    s.to_title_case()
}

/// Sentence case: the words lowercased and joined by spaces, the first letter capitalised:
/// `hello_world_example` → `Hello world example`, `HTTPServer` → `Http server`.
pub fn sentence(s: &str) -> String {
    ucfirst(&s.to_snake_case().replace('_', " "))
}

/// Train-Case: `hello_world` → `Hello-World`.
pub fn train(s: &str) -> String {
    s.to_train_case()
}

/// The first character lowercased, the rest unchanged: `HelloWorld` → `helloWorld`.
pub fn lcfirst(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The first character uppercased, the rest unchanged: `helloWorld` → `HelloWorld`.
pub fn ucfirst(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Every character uppercased (Unicode rules): `hello123_world` → `HELLO123_WORLD`.
pub fn upper(s: &str) -> String {
    s.to_uppercase()
}

/// Every character lowercased (Unicode rules): `HELLO` → `hello`.
pub fn lower(s: &str) -> String {
    s.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brief_examples() {
        assert_eq!(pascal("user_profile"), "UserProfile");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(kebab("hello world"), "hello-world");
    }

    #[test]
    fn each_function_on_a_snake_input() {
        let s = "user_profile";
        assert_eq!(camel(s), "userProfile");
        assert_eq!(pascal(s), "UserProfile");
        assert_eq!(snake(s), "user_profile");
        assert_eq!(kebab(s), "user-profile");
        assert_eq!(shouty_snake(s), "USER_PROFILE");
        assert_eq!(shouty_kebab(s), "USER-PROFILE");
        assert_eq!(title(s), "User Profile");
        assert_eq!(sentence(s), "User profile");
        assert_eq!(train(s), "User-Profile");
        assert_eq!(lcfirst("UserProfile"), "userProfile");
        assert_eq!(ucfirst("userProfile"), "UserProfile");
        assert_eq!(upper(s), "USER_PROFILE");
        assert_eq!(lower("User_Profile"), "user_profile");
    }

    #[test]
    fn each_function_on_a_camel_input_with_an_acronym() {
        let s = "parseHTTPResponse";
        assert_eq!(camel(s), "parseHttpResponse");
        assert_eq!(pascal(s), "ParseHttpResponse");
        assert_eq!(snake(s), "parse_http_response");
        assert_eq!(kebab(s), "parse-http-response");
        assert_eq!(shouty_snake(s), "PARSE_HTTP_RESPONSE");
        assert_eq!(shouty_kebab(s), "PARSE-HTTP-RESPONSE");
        assert_eq!(title(s), "Parse Http Response");
        assert_eq!(sentence(s), "Parse http response");
        assert_eq!(train(s), "Parse-Http-Response");
    }

    #[test]
    fn ggen_2_5_expectations_hold() {
        assert_eq!(pascal("hello_world"), "HelloWorld");
        assert_eq!(pascal("HelloWorld"), "HelloWorld");
        assert_eq!(snake("HelloWorld"), "hello_world");
        assert_eq!(camel("hello_world"), "helloWorld");
        assert_eq!(camel("user"), "user");
        assert_eq!(kebab("hello-world"), "hello-world");
        assert_eq!(kebab("hello@world#test"), "hello-world-test");
        assert_eq!(title("hello_world"), "Hello World");
        assert_eq!(by_name("titlecase").unwrap()("hello_world"), "Hello World");
        assert_eq!(sentence("hello_world_example"), "Hello world example");
        assert_eq!(train("hello_world"), "Hello-World");
        assert_eq!(shouty_kebab(&kebab("UserProfile")), "USER-PROFILE");
        assert_eq!(upper(&snake(&pascal("hello_world"))), "HELLO_WORLD");
        assert_eq!(lcfirst("helloWorld"), "helloWorld");
        assert_eq!(ucfirst("HelloWorld"), "HelloWorld");
    }

    #[test]
    fn empty_input_gives_empty_output_everywhere() {
        for name in NAMES {
            assert_eq!(by_name(name).unwrap()(""), "", "{name}");
        }
    }

    #[test]
    fn unicode_input_is_handled() {
        assert_eq!(pascal("größe_wert"), "GrößeWert");
        assert_eq!(snake("ÉtatCivil"), "état_civil");
        assert_eq!(ucfirst("ßtraße"), "SStraße");
        assert_eq!(lcfirst("Ærø"), "ærø");
        assert_eq!(upper("straße"), "STRASSE");
        assert_eq!(kebab("日本語 テキスト"), "日本語-テキスト");
        for name in NAMES {
            let f = by_name(name).unwrap();
            for s in [
                "🦀 crab_Case",
                "İstanbul",
                "ǅemal",
                "\u{301}e",
                "a\u{0}b",
                "ﬃ",
            ] {
                let _ = f(s);
            }
        }
    }

    #[test]
    fn by_name_covers_every_name_and_aliases_agree() {
        assert_eq!(NAMES.len(), 20);
        let probe = "someHTTP_value 2go";
        let same = [
            ("pascal", &["class", "pascal_case"][..]),
            ("snake", &["snake_case"]),
            ("kebab", &["param", "kebab_case"]),
            ("shouty_snake", &["constant"]),
            ("title", &["titlecase"]),
        ];
        for (canonical, aliases) in same {
            let expected = by_name(canonical).unwrap()(probe);
            for alias in aliases {
                assert_eq!(by_name(alias).unwrap()(probe), expected, "{alias}");
            }
        }
        assert!(by_name("Pascal").is_none());
        assert!(by_name("").is_none());
    }
}
