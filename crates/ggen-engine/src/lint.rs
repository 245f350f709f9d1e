//! `ggen template lint`: static checks of a template without rendering outputs.

use std::collections::BTreeSet;
use std::path::Path;

use ggen_core::{Diagnostic, Location};
use ggen_graph::{Prefixes, QueryOptions, parse_query};
use ggen_template::{RenderOptions, Renderer, Template, ToSpec, base_context};
use serde::Serialize;
use spargebra::Query;
use spargebra::algebra::GraphPattern;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Makes generation fail or produce wrong output.
    Error,
    /// Suspicious.
    Warning,
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Severity.
    pub severity: Severity,
    /// Stable code.
    pub code: String,
    /// Where.
    pub location: Location,
    /// What.
    pub message: String,
}

/// Names every template can use without declaring them.
const BUILTIN_NAMES: &[&str] = &[
    "vars",
    "project",
    "sparql_results",
    "template",
    "row",
    "loop",
    "self",
    "super",
    "range",
    "dict",
    "namespace",
    "debug",
    "true",
    "false",
    "none",
];

/// The projected variables of a SELECT query (None for other forms).
fn projection(q: &Query) -> Option<Vec<String>> {
    let Query::Select { pattern, .. } = q else {
        return None;
    };
    let mut p = pattern;
    loop {
        match p {
            GraphPattern::Project { variables, .. } => {
                return Some(variables.iter().map(|v| v.as_str().to_owned()).collect());
            }
            GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. }
            | GraphPattern::OrderBy { inner, .. } => p = inner,
            _ => return None,
        }
    }
}

/// The file position of the first use of `expr` in the body (the whole template name otherwise).
fn locate(template: &Template, expr: &str) -> Location {
    let file = template.body_file.clone();
    for (i, line) in template.body.lines().enumerate() {
        if let Some(col) = line.find(expr) {
            let before_ok = line
                .get(..col)
                .and_then(|b| b.chars().last())
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
            if before_ok {
                return Location::at(file, template.body_line + i as u64, col as u64 + 1);
            }
        }
    }
    Location::file(file)
}

/// Lint one template file. `vars` are the project's variables, `prefixes` the project's prefixes.
pub fn lint(
    path: &Path,
    name: &str,
    project_vars: &std::collections::BTreeMap<String, serde_json::Value>,
    prefixes: &Prefixes,
    search_dirs: &[std::path::PathBuf],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let err = |e: &dyn Diagnostic, fallback: &str| Finding {
        severity: Severity::Error,
        code: e.code().to_owned(),
        location: e
            .location()
            .cloned()
            .unwrap_or_else(|| Location::file(fallback)),
        message: e.to_string(),
    };
    let template = match Template::load(path, name) {
        Ok(t) => t,
        Err(e) => return vec![err(&e, name)],
    };
    let fm = &template.frontmatter;
    for (key, line) in &fm.unknown_keys {
        let hint = crate::suggest(key, ggen_template::frontmatter::KNOWN_KEYS)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        findings.push(Finding {
            severity: Severity::Warning,
            code: "template-unknown-key".into(),
            location: Location::line(name, *line),
            message: format!("unknown frontmatter key `{key}`{hint}"),
        });
    }
    if matches!(fm.to, ToSpec::Missing) && !template.is_partial {
        findings.push(Finding {
            severity: Severity::Error,
            code: "template-no-output".into(),
            location: Location::line(name, 1),
            message: "template has no `to:` key (partials are named `_*.tmpl`)".into(),
        });
    }
    if fm
        .shape
        .iter()
        .chain(fm.rdf.iter())
        .any(|p| ggen_core::fs::normalize_relative(Path::new(p)).is_none())
    {
        findings.push(Finding {
            severity: Severity::Error,
            code: "template-path".into(),
            location: Location::line(name, fm.line_of("rdf")),
            message: "`rdf:`/`shape:` paths must be relative paths inside the template's directory"
                .into(),
        });
    }
    // Variables: declared + project.
    let mut vars = fm.vars.clone();
    vars.extend(project_vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    for (k, v) in vars.iter_mut() {
        if v.is_null() {
            *v = serde_json::Value::String(format!("<{k}>"));
        }
    }
    let mut all_prefixes = Prefixes::well_known();
    all_prefixes.extend_from(prefixes);
    all_prefixes.extend_from(
        &fm.prefixes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    );
    let renderer = match Renderer::new(
        &template,
        None,
        &RenderOptions {
            search_dirs: search_dirs.to_vec(),
            prefixes: all_prefixes.clone(),
            base: fm.base.clone(),
            types: None,
        },
    ) {
        Ok(r) => r,
        Err(e) => {
            findings.push(err(&e, name));
            return findings;
        }
    };
    let ctx = base_context(
        &vars,
        Some(("project", "0.0.0")),
        Default::default(),
        &template,
    );
    // Queries parse against the prefixes.
    let mut projections: std::collections::BTreeMap<String, Option<Vec<String>>> =
        Default::default();
    for (key, queries) in [("sparql", &fm.sparql), ("construct", &fm.construct)] {
        for q in queries {
            let text = match renderer.render_value(key, &q.text, &ctx) {
                Ok(t) => t,
                Err(e) => {
                    findings.push(err(&e, name));
                    continue;
                }
            };
            let opts = QueryOptions::new()
                .with_prefixes(&all_prefixes)
                .with_base(fm.base.as_deref())
                .with_name(&q.name)
                .with_source(name, q.line, q.indent);
            match parse_query(&text, &opts) {
                Ok(parsed) => {
                    let form_ok = matches!(
                        (key, &parsed),
                        ("sparql", Query::Select { .. } | Query::Ask { .. })
                            | ("construct", Query::Construct { .. })
                    );
                    if !form_ok {
                        findings.push(Finding {
                            severity: Severity::Error,
                            code: "sparql-form".into(),
                            location: Location::line(name, q.line),
                            message: if key == "sparql" {
                                format!("query `{}` must be SELECT or ASK (CONSTRUCT goes under `construct:`)", q.name)
                            } else {
                                format!("`construct` query `{}` must be a CONSTRUCT query", q.name)
                            },
                        });
                    }
                    if key == "sparql" {
                        projections.insert(q.name.clone(), projection(&parsed));
                    }
                }
                Err(e) => findings.push(err(&e, name)),
            }
        }
    }
    // foreach must name a SELECT query.
    let row_vars: Option<Vec<String>> = match &fm.foreach {
        None => None,
        Some(f) => match projections.get(f) {
            Some(Some(vars)) => Some(vars.clone()),
            Some(None) => {
                findings.push(Finding {
                    severity: Severity::Error,
                    code: "template-foreach-ask".into(),
                    location: Location::line(name, fm.line_of("foreach")),
                    message: format!(
                        "`foreach: {f}` names an ASK query; foreach needs a SELECT query"
                    ),
                });
                None
            }
            None => {
                findings.push(Finding {
                    severity: Severity::Error,
                    code: "template-unknown-foreach".into(),
                    location: Location::line(name, fm.line_of("foreach")),
                    message: format!(
                        "`foreach: {f}` names no query (queries: {})",
                        if fm.sparql.is_empty() {
                            "none".to_owned()
                        } else {
                            fm.sparql
                                .iter()
                                .map(|q| q.name.clone())
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                });
                None
            }
        },
    };
    // Undefined variables.
    let known: BTreeSet<&str> = vars
        .keys()
        .map(String::as_str)
        .chain(BUILTIN_NAMES.iter().copied())
        .collect();
    for used in renderer.undeclared() {
        let mut parts = used.split('.');
        let head = parts.next().unwrap_or("");
        let second = parts.next();
        if head == "row" {
            if fm.foreach.is_none() {
                findings.push(Finding {
                    severity: Severity::Error,
                    code: "template-undefined".into(),
                    location: locate(&template, &used),
                    message: "`row` is only defined under `foreach:`".into(),
                });
            } else if let (Some(vars), Some(field)) = (&row_vars, second)
                && !vars.iter().any(|v| v == field)
                && field != "term"
            {
                findings.push(Finding {
                    severity: Severity::Error,
                    code: "template-undefined".into(),
                    location: locate(&template, &used),
                    message: format!(
                        "`row.{field}` is not a variable of query `{}` (it has: {})",
                        fm.foreach.as_deref().unwrap_or(""),
                        vars.join(", ")
                    ),
                });
            }
            continue;
        }
        if head == "sparql_results" {
            if let Some(q) = second
                && !projections.contains_key(q)
            {
                findings.push(Finding {
                    severity: Severity::Error,
                    code: "template-undefined".into(),
                    location: locate(&template, &used),
                    message: format!("`sparql_results.{q}` names no query"),
                });
            }
            continue;
        }
        if !known.contains(head) && !renderer.is_global(head) {
            findings.push(Finding {
                severity: Severity::Error,
                code: "template-undefined".into(),
                location: locate(&template, &used),
                message: format!(
                    "`{head}` is not defined (declare it under `vars:` or in ggen.toml [vars])"
                ),
            });
        }
    }
    findings.sort_by(|a, b| {
        (a.severity, a.location.line, a.location.column, &a.message).cmp(&(
            b.severity,
            b.location.line,
            b.location.column,
            &b.message,
        ))
    });
    findings.dedup();
    findings
}
