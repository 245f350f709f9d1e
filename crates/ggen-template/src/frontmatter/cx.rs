//! Helpers for reading frontmatter values with positioned errors.

use std::collections::BTreeMap;
use std::path::Path;

use ggen_core::Location;
use serde_json::Value as Json;

use super::NamedQuery;
use crate::error::TemplateError;

pub(super) struct Cx<'a> {
    pub(super) file: &'a Path,
    pub(super) yaml: &'a str,
    pub(super) key_lines: &'a BTreeMap<String, u64>,
}

impl Cx<'_> {
    pub(super) fn loc(&self, key: &str) -> Location {
        Location::line(self.file, self.key_lines.get(key).copied().unwrap_or(2))
    }

    pub(super) fn err(&self, key: &str, message: &str) -> TemplateError {
        TemplateError::Frontmatter {
            location: self.loc(key),
            message: message.to_owned(),
        }
    }

    pub(super) fn wrong(&self, key: &str, expected: &str, found: &Json) -> TemplateError {
        self.err(
            key,
            &format!("`{key}` must be {expected}, found {}", kind(found)),
        )
    }

    pub(super) fn opt_string(&self, key: &str, v: Json) -> Result<Option<String>, TemplateError> {
        match v {
            Json::Null => Ok(None),
            Json::String(s) => Ok(Some(s)),
            Json::Number(n) => Ok(Some(n.to_string())),
            other => Err(self.wrong(key, "a string", &other)),
        }
    }

    pub(super) fn boolean(&self, key: &str, v: Json) -> Result<bool, TemplateError> {
        match v {
            Json::Null => Ok(false),
            Json::Bool(b) => Ok(b),
            other => Err(self.wrong(key, "true or false", &other)),
        }
    }

    pub(super) fn string_list(&self, key: &str, v: Json) -> Result<Vec<String>, TemplateError> {
        match v {
            Json::Null => Ok(Vec::new()),
            Json::String(s) => Ok(vec![s]),
            Json::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Json::String(s) => Ok(s),
                    other => Err(self.wrong(key, "a string or a list of strings", &other)),
                })
                .collect(),
            other => Err(self.wrong(key, "a string or a list of strings", &other)),
        }
    }

    pub(super) fn queries(&self, key: &str, v: Json) -> Result<Vec<NamedQuery>, TemplateError> {
        let named: Vec<(String, String)> = match v {
            Json::Null => Vec::new(),
            Json::String(s) => vec![("default".to_owned(), s)],
            Json::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, q)| match q {
                    Json::String(s) => Ok((format!("query_{i}"), s)),
                    other => Err(self.wrong(
                        key,
                        "a query string, a list of queries or a mapping of names to queries",
                        &other,
                    )),
                })
                .collect::<Result<_, _>>()?,
            Json::Object(m) => m
                .into_iter()
                .map(|(name, q)| match q {
                    Json::String(s) => Ok((name, s)),
                    other => Err(self.wrong(key, "a mapping of names to query strings", &other)),
                })
                .collect::<Result<_, _>>()?,
            other => {
                return Err(self.wrong(
                    key,
                    "a query string, a list of queries or a mapping of names to queries",
                    &other,
                ));
            }
        };
        let mut out: Vec<NamedQuery> = named
            .into_iter()
            .map(|(name, text)| {
                let (line, indent) = self.locate_text(key, &text);
                NamedQuery {
                    name,
                    text,
                    line,
                    indent,
                }
            })
            .collect();
        out.sort_by(|a, b| natural_cmp(&a.name, &b.name));
        Ok(out)
    }

    /// Find where a string value's first non-blank line sits in the YAML (file line, indent).
    pub(super) fn locate_text(&self, key: &str, text: &str) -> (u64, u64) {
        let key_line = self.key_lines.get(key).copied().unwrap_or(2);
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        if first.is_empty() {
            return (key_line, 0);
        }
        for (i, l) in self.yaml.lines().enumerate() {
            let file_line = i as u64 + 2;
            if file_line < key_line {
                continue;
            }
            if let Some(pos) = l.find(first) {
                let indent = l.get(..pos).map_or(0, |p| p.chars().count()) as u64;
                return (file_line, indent);
            }
        }
        (key_line, 0)
    }
}

/// Compare names so that `query_2` sorts before `query_10`.
pub(super) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> (String, u64) {
        let digits: String = s
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let stem = s.get(..s.len() - digits.len()).unwrap_or(s).to_owned();
        (stem, digits.parse().unwrap_or(0))
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

pub(super) fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a mapping",
    }
}

/// serde-saphyr renders "error: line L column C: message\n --> …snippet"; keep the message.
pub(super) fn short_yaml_message(full: &str) -> String {
    let first = full.lines().next().unwrap_or(full);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    if first.starts_with("line ")
        && let Some(i) = first.find(": ")
    {
        return first.get(i + 2..).unwrap_or(first).to_owned();
    }
    first.to_owned()
}

/// 1-based file lines of top-level keys (the YAML starts at file line 2).
pub(super) fn top_level_key_lines(yaml: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) || line.trim().is_empty() {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']);
            out.entry(key.to_owned()).or_insert(i as u64 + 2);
        }
    }
    out
}
