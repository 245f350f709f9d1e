//! The YAML frontmatter of a template file (TEMPLATE_FORMAT.md §1–2).

use std::collections::BTreeMap;
use std::path::Path;

use ggen_core::Location;
use serde_json::Value as Json;

use crate::error::TemplateError;

/// Every key the frontmatter understands. Others produce a warning (an error under `--strict`).
pub const KNOWN_KEYS: &[&str] = &[
    "to",
    "from",
    "description",
    "vars",
    "base",
    "prefixes",
    "rdf",
    "rdf_inline",
    "construct",
    "shape",
    "sparql",
    "foreach",
    "when",
    "force",
    "unless_exists",
    "inject",
    "before",
    "after",
    "prepend",
    "append",
    "at_line",
    "skip_if",
    "idempotent",
    "on_missing_anchor",
    "create_if_missing",
    "eof_last",
    "backup",
    "sh_before",
    "sh_after",
    "sh",
    "determinism",
    "merge",
];

/// A query (SPARQL text) from the frontmatter, with where its text starts in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedQuery {
    /// Its name (`default`, `query_0`, or the map key).
    pub name: String,
    /// The query text (a template itself: rendered with the vars before parsing).
    pub text: String,
    /// 1-based line in the template file where the query text starts.
    pub line: u64,
    /// Columns of indentation of the query lines in the file (YAML block scalars).
    pub indent: u64,
}

/// Inline RDF from `rdf_inline`, with its position in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineRdf {
    /// The Turtle text.
    pub text: String,
    /// 1-based line where it starts.
    pub line: u64,
    /// Indentation of its lines.
    pub indent: u64,
}

/// What `to:` says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ToSpec {
    /// No `to:` key: the template cannot produce an output.
    #[default]
    Missing,
    /// `to: null` (or `to: ""`): the output is skipped.
    Skip,
    /// A path template.
    Path(String),
}

/// Where an injection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InjectPosition {
    /// Before the first line matching the regex.
    Before(String),
    /// After the first line matching the regex.
    After(String),
    /// At the top of the file.
    Prepend,
    /// At the bottom of the file.
    Append,
    /// Before line N (1-based).
    AtLine(u64),
}

/// What to do when a `before`/`after` anchor matches no line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnMissingAnchor {
    /// Fail (the default).
    #[default]
    Error,
    /// Append at the end.
    Append,
    /// Prepend at the top.
    Prepend,
    /// Skip this injection.
    Skip,
}

/// How regeneration treats a generated file that was edited since ggen last wrote it
/// (`merge:` in the frontmatter, `--merge` on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum MergePolicy {
    /// Line-based three-way merge of the last generated content, the file on disk and the new
    /// output; overlapping changes get conflict markers (the default).
    #[default]
    ThreeWay,
    /// The new output replaces the file (hand edits are lost; same as `force: true`).
    Overwrite,
    /// Three-way merge where overlapping changes keep your lines; never writes markers.
    KeepOurs,
    /// Never merge automatically: every generated change to an edited file becomes a conflict
    /// block for you to resolve.
    MarkersOnly,
}

impl MergePolicy {
    /// Every policy, in documentation order.
    pub const ALL: [MergePolicy; 4] = [
        Self::ThreeWay,
        Self::Overwrite,
        Self::KeepOurs,
        Self::MarkersOnly,
    ];

    /// The name used in frontmatter and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ThreeWay => "three-way",
            Self::Overwrite => "overwrite",
            Self::KeepOurs => "keep-ours",
            Self::MarkersOnly => "markers-only",
        }
    }

    /// Parse a policy name.
    pub fn parse(name: &str) -> Option<MergePolicy> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

impl std::fmt::Display for MergePolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Settings of an `inject: true` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injection {
    /// Where.
    pub position: InjectPosition,
    /// Skip when the target already matches this regex.
    pub skip_if: Option<String>,
    /// Skip when the rendered text is already present (default true).
    pub idempotent: bool,
    /// Behaviour when the anchor is missing.
    pub on_missing_anchor: OnMissingAnchor,
    /// Create the target with the body when it does not exist.
    pub create_if_missing: bool,
    /// Ensure exactly one final newline after injecting.
    pub eof_last: bool,
}

/// The parsed frontmatter of one template.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frontmatter {
    /// Output path template.
    pub to: ToSpec,
    /// Take the body from this file (relative to the template's directory).
    pub from: Option<String>,
    /// Shown by `template list/show`.
    pub description: Option<String>,
    /// Declared variables with defaults; `null` marks a required variable.
    pub vars: BTreeMap<String, Json>,
    /// Base IRI for inline RDF and queries.
    pub base: Option<String>,
    /// Extra prefixes.
    pub prefixes: BTreeMap<String, String>,
    /// Extra RDF files (relative to the template's directory).
    pub rdf: Vec<String>,
    /// Inline Turtle.
    pub rdf_inline: Vec<InlineRdf>,
    /// CONSTRUCT queries, in name order.
    pub construct: Vec<NamedQuery>,
    /// SHACL shapes files.
    pub shape: Vec<String>,
    /// SELECT/ASK queries, in name order.
    pub sparql: Vec<NamedQuery>,
    /// Name of the SELECT query to iterate.
    pub foreach: Option<String>,
    /// Condition expression.
    pub when: Option<String>,
    /// Overwrite hand edits.
    pub force: bool,
    /// Create only.
    pub unless_exists: bool,
    /// Injection settings when `inject: true`.
    pub inject: Option<Injection>,
    /// Keep `<file>.bak` before modifying.
    pub backup: bool,
    /// Shell command before writing.
    pub sh_before: Option<String>,
    /// Shell command after writing (`sh` is an alias).
    pub sh_after: Option<String>,
    /// Accepted for compatibility; output is deterministic regardless.
    pub determinism: Option<Json>,
    /// How hand edits are merged on regeneration (`None`: the default, three-way).
    pub merge: Option<MergePolicy>,
    /// 1-based file line of each top-level key (for messages).
    pub key_lines: BTreeMap<String, u64>,
    /// Keys that are not in [`KNOWN_KEYS`], with their lines.
    pub unknown_keys: Vec<(String, u64)>,
}

impl Frontmatter {
    /// The file line of a key, or the first frontmatter line.
    pub fn line_of(&self, key: &str) -> u64 {
        self.key_lines.get(key).copied().unwrap_or(2)
    }
}

/// Split a template source into (frontmatter YAML, body, 1-based line where the body starts).
/// No leading `---` line means no frontmatter. CRLF line endings are accepted.
pub fn split(source: &str) -> Option<(&str, &str, u64)> {
    let after_open = source
        .strip_prefix("---\r\n")
        .or_else(|| source.strip_prefix("---\n"))?;
    // Find the closing `---` line.
    let mut offset = 0usize;
    for (line, l) in (2u64..).zip(after_open.split_inclusive('\n')) {
        let trimmed = l.trim_end_matches(['\n', '\r']);
        if trimmed == "---" {
            let yaml = after_open.get(..offset)?;
            let body = after_open.get(offset + l.len()..)?;
            return Some((yaml, body, line + 1));
        }
        offset += l.len();
    }
    None
}

/// Parse frontmatter YAML. `file` names the template in messages; the YAML starts at file line 2.
pub fn parse(yaml: &str, file: &Path) -> Result<Frontmatter, TemplateError> {
    let value: Json = serde_saphyr::from_str(yaml).map_err(|e| {
        let (line, col) = e
            .location()
            .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
        TemplateError::Yaml {
            location: Location::at(file, line + 1, col),
            message: short_yaml_message(&e.to_string()),
        }
    })?;
    let map = match value {
        Json::Null => serde_json::Map::new(),
        Json::Object(m) => m,
        other => {
            return Err(TemplateError::Frontmatter {
                location: Location::line(file, 2),
                message: format!(
                    "frontmatter must be a YAML mapping of keys, found {}",
                    kind(&other)
                ),
            });
        }
    };
    let key_lines = top_level_key_lines(yaml);
    let mut fm = Frontmatter {
        key_lines: key_lines.clone(),
        ..Frontmatter::default()
    };
    let cx = Cx {
        file,
        yaml,
        key_lines: &key_lines,
    };
    let raw = map.clone();
    for (key, value) in map {
        match key.as_str() {
            "to" => {
                fm.to = match value {
                    Json::Null => ToSpec::Skip,
                    Json::String(s) if s.trim().is_empty() => ToSpec::Skip,
                    Json::String(s) => ToSpec::Path(s),
                    other => return Err(cx.wrong(&key, "a string", &other)),
                }
            }
            "from" => fm.from = cx.opt_string(&key, value)?,
            "description" => fm.description = cx.opt_string(&key, value)?,
            "base" => fm.base = cx.opt_string(&key, value)?,
            "foreach" => fm.foreach = cx.opt_string(&key, value)?,
            "when" => {
                fm.when = match value {
                    Json::Bool(b) => Some(b.to_string()),
                    other => cx.opt_string(&key, other)?,
                }
            }
            "sh_before" => fm.sh_before = cx.opt_string(&key, value)?,
            "sh_after" | "sh" => {
                if fm.sh_after.is_some() {
                    return Err(cx.err(&key, "`sh` and `sh_after` are the same key; give only one"));
                }
                fm.sh_after = cx.opt_string(&key, value)?;
            }
            "vars" => match value {
                Json::Null => {}
                Json::Object(m) => fm.vars = m.into_iter().collect(),
                other => {
                    return Err(cx.wrong(
                        &key,
                        "a mapping of variable names to default values",
                        &other,
                    ));
                }
            },
            "prefixes" => match value {
                Json::Null => {}
                Json::Object(m) => {
                    for (p, iri) in m {
                        match iri {
                            Json::String(s) => {
                                fm.prefixes.insert(p, s);
                            }
                            other => {
                                return Err(cx.wrong(
                                    &key,
                                    "a mapping of prefixes to IRI strings",
                                    &other,
                                ));
                            }
                        }
                    }
                }
                other => {
                    return Err(cx.wrong(&key, "a mapping of prefixes to IRI strings", &other));
                }
            },
            "rdf" => fm.rdf = cx.string_list(&key, value)?,
            "shape" => fm.shape = cx.string_list(&key, value)?,
            "rdf_inline" => {
                fm.rdf_inline = cx
                    .string_list(&key, value)?
                    .into_iter()
                    .map(|text| {
                        let (line, indent) = cx.locate_text(&key, &text);
                        InlineRdf { text, line, indent }
                    })
                    .collect();
            }
            "sparql" => fm.sparql = cx.queries(&key, value)?,
            "construct" => fm.construct = cx.queries(&key, value)?,
            "force" => fm.force = cx.boolean(&key, value)?,
            "unless_exists" => fm.unless_exists = cx.boolean(&key, value)?,
            "backup" => fm.backup = cx.boolean(&key, value)?,
            "determinism" => fm.determinism = Some(value),
            "merge" => {
                fm.merge = match value {
                    Json::Null => None,
                    Json::String(s) => Some(MergePolicy::parse(&s).ok_or_else(|| {
                        cx.err(
                            &key,
                            &format!(
                                "`merge: {s}` is not one of three-way, overwrite, keep-ours, markers-only"
                            ),
                        )
                    })?),
                    other => {
                        return Err(cx.wrong(
                            &key,
                            "one of three-way, overwrite, keep-ours, markers-only",
                            &other,
                        ));
                    }
                }
            }
            "inject" | "before" | "after" | "prepend" | "append" | "at_line" | "skip_if"
            | "idempotent" | "on_missing_anchor" | "create_if_missing" | "eof_last" => {
                // handled below, from the raw map
            }
            _ => {
                let line = key_lines.get(&key).copied().unwrap_or(2);
                fm.unknown_keys.push((key.clone(), line));
            }
        }
    }
    fm.inject = parse_injection(&cx, &raw)?;
    if let Some(policy) = fm.merge {
        if fm.inject.is_some() {
            return Err(cx.err(
                "merge",
                "`merge` applies to whole generated files; an injection never overwrites the file it injects into",
            ));
        }
        if fm.force && policy != MergePolicy::Overwrite {
            return Err(cx.err(
                "merge",
                &format!(
                    "`force: true` means `merge: overwrite`; it contradicts `merge: {policy}` (keep one of them)"
                ),
            ));
        }
    }
    if fm.unless_exists && fm.inject.is_some() {
        return Err(cx.err(
            "unless_exists",
            "`unless_exists` cannot be combined with `inject`",
        ));
    }
    Ok(fm)
}

fn parse_injection(
    cx: &Cx<'_>,
    raw: &serde_json::Map<String, Json>,
) -> Result<Option<Injection>, TemplateError> {
    let inject = match raw.get("inject") {
        None | Some(Json::Null) => false,
        Some(v) => cx.boolean("inject", v.clone())?,
    };
    let mut positions: Vec<(&str, InjectPosition)> = Vec::new();
    for key in ["before", "after"] {
        if let Some(v) = raw.get(key)
            && let Some(re) = cx.opt_string(key, v.clone())?
        {
            regex::Regex::new(&re).map_err(|e| {
                cx.err(
                    key,
                    &format!("`{key}` is not a valid regular expression: {e}"),
                )
            })?;
            positions.push((
                key,
                if key == "before" {
                    InjectPosition::Before(re)
                } else {
                    InjectPosition::After(re)
                },
            ));
        }
    }
    for key in ["prepend", "append"] {
        if let Some(v) = raw.get(key)
            && cx.boolean(key, v.clone())?
        {
            positions.push((
                key,
                if key == "prepend" {
                    InjectPosition::Prepend
                } else {
                    InjectPosition::Append
                },
            ));
        }
    }
    if let Some(v) = raw.get("at_line") {
        match v {
            Json::Null => {}
            Json::Number(n) => match n.as_u64() {
                Some(n) if n >= 1 => positions.push(("at_line", InjectPosition::AtLine(n))),
                _ => return Err(cx.err("at_line", "`at_line` must be a line number of 1 or more")),
            },
            other => return Err(cx.wrong("at_line", "a line number", other)),
        }
    }
    let others = [
        "skip_if",
        "idempotent",
        "on_missing_anchor",
        "create_if_missing",
        "eof_last",
    ];
    if !inject {
        if let Some((key, _)) = positions.first() {
            return Err(cx.err(
                key,
                &format!("`{key}` only applies to injection; add `inject: true`"),
            ));
        }
        if let Some(key) = others
            .iter()
            .find(|k| raw.get(**k).is_some_and(|v| !v.is_null()))
        {
            return Err(cx.err(
                key,
                &format!("`{key}` only applies to injection; add `inject: true`"),
            ));
        }
        return Ok(None);
    }
    if positions.len() > 1 {
        let mut names: Vec<&str> = positions.iter().map(|(k, _)| *k).collect();
        names.sort_by_key(|k| cx.key_lines.get(*k).copied().unwrap_or(0));
        return Err(cx.err(
            names.last().copied().unwrap_or("inject"),
            &format!(
                "give exactly one injection position; found {}",
                names.join(", ")
            ),
        ));
    }
    let Some((_, position)) = positions.pop() else {
        return Err(cx.err(
            "inject",
            "`inject: true` needs one of `before`, `after`, `prepend`, `append`, `at_line`",
        ));
    };
    let skip_if = match raw.get("skip_if") {
        Some(v) => {
            let s = cx.opt_string("skip_if", v.clone())?;
            if let Some(re) = &s {
                regex::Regex::new(re).map_err(|e| {
                    cx.err(
                        "skip_if",
                        &format!("`skip_if` is not a valid regular expression: {e}"),
                    )
                })?;
            }
            s
        }
        None => None,
    };
    let flag = |key: &str, default: bool| -> Result<bool, TemplateError> {
        match raw.get(key) {
            None | Some(Json::Null) => Ok(default),
            Some(v) => cx.boolean(key, v.clone()),
        }
    };
    let on_missing_anchor = match raw.get("on_missing_anchor") {
        None | Some(Json::Null) => OnMissingAnchor::Error,
        Some(Json::String(s)) => {
            match s.as_str() {
                "error" => OnMissingAnchor::Error,
                "append" => OnMissingAnchor::Append,
                "prepend" => OnMissingAnchor::Prepend,
                "skip" => OnMissingAnchor::Skip,
                other => {
                    return Err(cx.err(
                    "on_missing_anchor",
                    &format!("`on_missing_anchor: {other}` is not one of error, append, prepend, skip"),
                ));
                }
            }
        }
        Some(other) => {
            return Err(cx.wrong(
                "on_missing_anchor",
                "one of error, append, prepend, skip",
                other,
            ));
        }
    };
    Ok(Some(Injection {
        position,
        skip_if,
        idempotent: flag("idempotent", true)?,
        on_missing_anchor,
        create_if_missing: flag("create_if_missing", false)?,
        eof_last: flag("eof_last", false)?,
    }))
}

struct Cx<'a> {
    file: &'a Path,
    yaml: &'a str,
    key_lines: &'a BTreeMap<String, u64>,
}

impl Cx<'_> {
    fn loc(&self, key: &str) -> Location {
        Location::line(self.file, self.key_lines.get(key).copied().unwrap_or(2))
    }

    fn err(&self, key: &str, message: &str) -> TemplateError {
        TemplateError::Frontmatter {
            location: self.loc(key),
            message: message.to_owned(),
        }
    }

    fn wrong(&self, key: &str, expected: &str, found: &Json) -> TemplateError {
        self.err(
            key,
            &format!("`{key}` must be {expected}, found {}", kind(found)),
        )
    }

    fn opt_string(&self, key: &str, v: Json) -> Result<Option<String>, TemplateError> {
        match v {
            Json::Null => Ok(None),
            Json::String(s) => Ok(Some(s)),
            Json::Number(n) => Ok(Some(n.to_string())),
            other => Err(self.wrong(key, "a string", &other)),
        }
    }

    fn boolean(&self, key: &str, v: Json) -> Result<bool, TemplateError> {
        match v {
            Json::Null => Ok(false),
            Json::Bool(b) => Ok(b),
            other => Err(self.wrong(key, "true or false", &other)),
        }
    }

    fn string_list(&self, key: &str, v: Json) -> Result<Vec<String>, TemplateError> {
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

    fn queries(&self, key: &str, v: Json) -> Result<Vec<NamedQuery>, TemplateError> {
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
    fn locate_text(&self, key: &str, text: &str) -> (u64, u64) {
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
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
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

fn kind(v: &Json) -> &'static str {
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
fn short_yaml_message(full: &str) -> String {
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
fn top_level_key_lines(yaml: &str) -> BTreeMap<String, u64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(src: &str) -> Result<Frontmatter, TemplateError> {
        parse(src, Path::new("t.tmpl"))
    }

    #[test]
    fn split_lf_crlf_and_none() {
        assert_eq!(
            split("---\nto: a\n---\nbody\n"),
            Some(("to: a\n", "body\n", 4))
        );
        assert_eq!(
            split("---\r\nto: a\r\n---\r\nbody\r\n"),
            Some(("to: a\r\n", "body\r\n", 4))
        );
        assert_eq!(split("no frontmatter\n"), None);
        assert_eq!(split("---\nto: a\n---\n"), Some(("to: a\n", "", 4)));
        assert_eq!(split("---\nto: a\n"), None);
    }

    #[test]
    fn sparql_forms() {
        let f = fm("sparql: SELECT * WHERE {}\n").unwrap();
        assert_eq!(f.sparql[0].name, "default");
        let f = fm("sparql:\n  - ASK {}\n  - ASK {}\n").unwrap();
        assert_eq!(
            f.sparql.iter().map(|q| q.name.as_str()).collect::<Vec<_>>(),
            ["query_0", "query_1"]
        );
        let f = fm("sparql:\n  zeta: ASK {}\n  alpha: |\n    SELECT ?x\n    WHERE {}\n").unwrap();
        assert_eq!(f.sparql[0].name, "alpha");
        assert_eq!(f.sparql[0].line, 5);
        assert_eq!(f.sparql[0].indent, 4);
    }

    #[test]
    fn natural_order_of_query_names() {
        let mut v = vec!["query_10", "query_2", "query_1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["query_1", "query_2", "query_10"]);
    }

    #[test]
    fn invalid_yaml_has_file_line_col() {
        let e = fm("to: x\nvars: [1,\n").unwrap_err();
        let loc = ggen_core::Diagnostic::location(&e).unwrap();
        assert_eq!(loc.file, Path::new("t.tmpl"));
        assert_eq!(loc.line, Some(3));
        assert!(e.to_string().starts_with("t.tmpl:3:"), "{e}");
        assert!(!e.to_string().contains("-->"), "{e}");
    }

    #[test]
    fn unknown_keys_are_collected_with_lines() {
        let f = fm("to: x\nfroeach: q\n").unwrap();
        assert_eq!(f.unknown_keys, vec![("froeach".to_owned(), 3)]);
    }

    #[test]
    fn to_null_or_empty_skips() {
        assert_eq!(fm("to: ~\n").unwrap().to, ToSpec::Skip);
        assert_eq!(fm("to: ''\n").unwrap().to, ToSpec::Skip);
        assert_eq!(fm("description: x\n").unwrap().to, ToSpec::Missing);
    }

    #[test]
    fn injection_rules() {
        let f = fm("to: a\ninject: true\nafter: '^mod'\n").unwrap();
        let inj = f.inject.unwrap();
        assert_eq!(inj.position, InjectPosition::After("^mod".into()));
        assert!(inj.idempotent);
        assert_eq!(inj.on_missing_anchor, OnMissingAnchor::Error);
        let e = fm("to: a\ninject: true\nafter: x\nprepend: true\n").unwrap_err();
        assert!(
            e.to_string().contains("exactly one injection position"),
            "{e}"
        );
        assert!(e.to_string().starts_with("t.tmpl:5"), "{e}");
        let e = fm("to: a\ninject: true\n").unwrap_err();
        assert!(e.to_string().contains("needs one of"), "{e}");
        let e = fm("to: a\nafter: x\n").unwrap_err();
        assert!(e.to_string().contains("add `inject: true`"), "{e}");
        let e = fm("to: a\ninject: true\nat_line: 0\n").unwrap_err();
        assert!(e.to_string().contains("1 or more"), "{e}");
        let e = fm("to: a\ninject: true\nbefore: '(['\n").unwrap_err();
        assert!(e.to_string().contains("regular expression"), "{e}");
        let e = fm("to: a\ninject: true\nappend: true\non_missing_anchor: maybe\n").unwrap_err();
        assert!(e.to_string().contains("not one of"), "{e}");
        let f = fm("to: a\ninject: true\nat_line: 3\nidempotent: false\ncreate_if_missing: true\neof_last: true\nskip_if: 'x'\n").unwrap();
        let inj = f.inject.unwrap();
        assert_eq!(inj.position, InjectPosition::AtLine(3));
        assert!(!inj.idempotent && inj.create_if_missing && inj.eof_last);
        assert_eq!(inj.skip_if.as_deref(), Some("x"));
    }

    #[test]
    fn wrong_types_name_the_key_and_line() {
        let e = fm("to: a\nforce: maybe\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.tmpl:3: `force` must be true or false"),
            "{e}"
        );
        let e = fm("to: a\nrdf: {a: 1}\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("`rdf` must be a string or a list of strings"),
            "{e}"
        );
        let e = fm("- a\n- b\n").unwrap_err();
        assert!(e.to_string().contains("must be a YAML mapping"), "{e}");
    }

    #[test]
    fn merge_policies() {
        assert_eq!(fm("to: a\n").unwrap().merge, None);
        for p in MergePolicy::ALL {
            let f = fm(&format!("to: a\nmerge: {p}\n")).unwrap();
            assert_eq!(f.merge, Some(p));
            assert!(f.unknown_keys.is_empty());
        }
        let e = fm("to: a\nmerge: theirs\n").unwrap_err();
        assert!(
            e.to_string().starts_with("t.tmpl:3: `merge: theirs` is not one of three-way, overwrite, keep-ours, markers-only"),
            "{e}"
        );
        let e = fm("to: a\nmerge: [1]\n").unwrap_err();
        assert!(e.to_string().contains("found a list"), "{e}");
        let e = fm("to: a\ninject: true\nappend: true\nmerge: keep-ours\n").unwrap_err();
        assert!(e.to_string().contains("injection never overwrites"), "{e}");
        let e = fm("to: a\nforce: true\nmerge: three-way\n").unwrap_err();
        assert!(
            e.to_string().contains("contradicts `merge: three-way`"),
            "{e}"
        );
        assert_eq!(
            fm("to: a\nforce: true\nmerge: overwrite\n").unwrap().merge,
            Some(MergePolicy::Overwrite)
        );
    }

    #[test]
    fn sh_alias_and_vars() {
        let f = fm("to: a\nsh: make\nvars:\n  name: ~\n  n: 3\n").unwrap();
        assert_eq!(f.sh_after.as_deref(), Some("make"));
        assert_eq!(f.vars.get("name"), Some(&Json::Null));
        assert_eq!(f.vars.get("n"), Some(&Json::from(3)));
        assert!(fm("to: a\nsh: x\nsh_after: y\n").is_err());
    }
}
