//! The YAML frontmatter of a template file (TEMPLATE_FORMAT.md §1–2).

use std::collections::BTreeMap;
use std::path::Path;

use ggen_core::Location;
use serde_json::Value as Json;

use crate::error::TemplateError;

mod cx;
mod inject;

#[cfg(test)]
use cx::natural_cmp;
use cx::{Cx, kind, short_yaml_message, top_level_key_lines};
use inject::parse_injection;
pub use inject::{InjectPosition, Injection, OnMissingAnchor};

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
