//! Validation reports: results, deterministic order, human text and JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ggen_graph::Prefixes;
use oxigraph::model::{Literal, NamedOrBlankNode, Term};
use serde_json::{Value, json};

use crate::component::{ConstraintComponent, Severity};
use crate::path::Path;

/// One validation result (SHACL §3.6.2).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationResult {
    /// `sh:focusNode`.
    pub focus_node: Term,
    /// `sh:resultPath`: the path of the property shape (or, for `sh:closed`, the predicate).
    pub result_path: Option<Path>,
    /// `sh:value`, when the result is about one value node.
    pub value: Option<Term>,
    /// `sh:resultSeverity`.
    pub severity: Severity,
    /// `sh:sourceShape`.
    pub source_shape: NamedOrBlankNode,
    /// `sh:sourceConstraintComponent`.
    pub source_constraint_component: ConstraintComponent,
    /// `sh:resultMessage`: the shape's `sh:message` values, or else one message from the engine.
    pub messages: Vec<Literal>,
}

impl ValidationResult {
    fn sort_key(&self) -> (String, String, &'static str, String, String, String, String) {
        (
            self.focus_node.to_string(),
            self.result_path
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            self.source_constraint_component.local_name(),
            self.source_shape.to_string(),
            self.value
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            self.severity.iri(),
            self.messages
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }
}

/// The outcome of validating a data graph against shapes.
#[derive(Debug, Clone)]
pub struct ValidationReport {
    results: Vec<ValidationResult>,
    focus_checks: usize,
    pub(crate) prefixes: Prefixes,
    /// Whether the shapes came from a different graph than the data (then blank-node shapes are
    /// written with a `shapes-` label prefix so they cannot be confused with data blank nodes).
    pub(crate) separate_shapes_graph: bool,
}

/// Counts of results by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    /// `sh:Violation` results.
    pub violations: usize,
    /// `sh:Warning` results.
    pub warnings: usize,
    /// `sh:Info` results.
    pub infos: usize,
    /// Results with another severity.
    pub other: usize,
}

impl ValidationReport {
    pub(crate) fn new(
        mut results: Vec<ValidationResult>,
        focus_checks: usize,
        prefixes: Prefixes,
        separate: bool,
    ) -> Self {
        results.sort_by_cached_key(ValidationResult::sort_key);
        Self {
            results,
            focus_checks,
            prefixes,
            separate_shapes_graph: separate,
        }
    }

    /// `sh:conforms`: true when there is no result at all (of any severity).
    pub fn conforms(&self) -> bool {
        self.results.is_empty()
    }

    /// The results, ordered by focus node, path, constraint component, source shape, value.
    pub fn results(&self) -> &[ValidationResult] {
        &self.results
    }

    /// How many (shape, focus node) pairs the targets selected and were validated (a focus node
    /// targeted by two shapes counts twice). Zero means no shape selected any node.
    pub fn focus_checks(&self) -> usize {
        self.focus_checks
    }

    /// Whether some result has severity `sh:Violation` (warnings and infos do not count).
    pub fn has_violations(&self) -> bool {
        self.results
            .iter()
            .any(|r| r.severity == Severity::Violation)
    }

    /// Counts of results by severity.
    pub fn counts(&self) -> SeverityCounts {
        let mut c = SeverityCounts::default();
        for r in &self.results {
            match r.severity {
                Severity::Violation => c.violations += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
                Severity::Other(_) => c.other += 1,
            }
        }
        c
    }

    /// The prefixes used to shorten IRIs in [`to_text`](Self::to_text) and
    /// [`to_turtle`](Self::to_turtle) (well-known ones, the shapes graph's and the data graph's).
    pub fn prefixes(&self) -> &Prefixes {
        &self.prefixes
    }

    pub(crate) fn shape_node(&self, n: &NamedOrBlankNode) -> Term {
        match n {
            NamedOrBlankNode::BlankNode(b) if self.separate_shapes_graph => Term::BlankNode(
                oxigraph::model::BlankNode::new_unchecked(format!("shapes-{}", b.as_str())),
            ),
            other => Term::from(other.clone()),
        }
    }

    fn short(&self, t: &Term) -> String {
        short_term(&self.prefixes, t)
    }

    /// A human-readable report: a summary line, then the results grouped by focus node, each
    /// with severity, path, value, message, constraint component and source shape.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let c = self.counts();
        if self.conforms() {
            let _ = writeln!(
                out,
                "Conforms: yes (0 results; {} focus node checks)",
                self.focus_checks
            );
            return out;
        }
        let _ = writeln!(
            out,
            "Conforms: no ({} result{}: {} violation{}, {} warning{}, {} info{})",
            self.results.len(),
            plural(self.results.len()),
            c.violations,
            plural(c.violations),
            c.warnings,
            plural(c.warnings),
            c.infos + c.other,
            plural(c.infos + c.other),
        );
        let mut groups: Vec<(&Term, Vec<&ValidationResult>)> = Vec::new();
        for r in &self.results {
            match groups.last_mut() {
                Some((focus, list)) if *focus == &r.focus_node => list.push(r),
                _ => groups.push((&r.focus_node, vec![r])),
            }
        }
        for (focus, list) in groups {
            let _ = writeln!(out, "\n{}", self.short(focus));
            for r in list {
                let mut line = format!("  [{}]", r.severity);
                if let Some(p) = &r.result_path {
                    let _ = write!(line, " {}", p.to_sparql(&self.prefixes));
                }
                if let Some(v) = &r.value {
                    let _ = write!(line, " = {}", self.short(v));
                }
                let message = r
                    .messages
                    .iter()
                    .map(Literal::value)
                    .collect::<Vec<_>>()
                    .join("; ");
                let _ = writeln!(out, "{line}: {message}");
                let _ = writeln!(
                    out,
                    "      {} from shape {}",
                    r.source_constraint_component,
                    self.short(&self.shape_node(&r.source_shape))
                );
            }
        }
        out
    }

    /// The report as a JSON value:
    /// `{"conforms": bool, "counts": {...}, "results": [{"focusNode", "resultPath", "value",
    /// "severity", "sourceShape", "sourceConstraintComponent", "messages"}]}`. Terms are in
    /// N-Triples form (`<iri>`, `"lexical"^^<datatype>`, `_:label`), paths in SPARQL
    /// property-path syntax with full IRIs, severities as `Violation`/`Warning`/`Info` (or the
    /// IRI of another severity), components as full IRIs.
    pub fn to_json_value(&self) -> Value {
        let c = self.counts();
        let results: Vec<Value> = self
            .results
            .iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                m.insert("focusNode".into(), Value::String(r.focus_node.to_string()));
                if let Some(p) = &r.result_path {
                    m.insert("resultPath".into(), Value::String(p.to_string()));
                }
                if let Some(v) = &r.value {
                    m.insert("value".into(), Value::String(v.to_string()));
                }
                m.insert("severity".into(), Value::String(r.severity.label()));
                m.insert(
                    "sourceShape".into(),
                    Value::String(self.shape_node(&r.source_shape).to_string()),
                );
                m.insert(
                    "sourceConstraintComponent".into(),
                    Value::String(r.source_constraint_component.iri()),
                );
                m.insert(
                    "messages".into(),
                    Value::Array(
                        r.messages
                            .iter()
                            .map(|l| Value::String(l.value().to_owned()))
                            .collect(),
                    ),
                );
                Value::Object(m)
            })
            .collect();
        json!({
            "conforms": self.conforms(),
            "counts": {
                "focusChecks": self.focus_checks,
                "results": self.results.len(),
                "violations": c.violations,
                "warnings": c.warnings,
                "infos": c.infos,
                "other": c.other,
            },
            "results": results,
        })
    }

    /// [`to_json_value`](Self::to_json_value), pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_json_value())
            .unwrap_or_else(|_| self.to_json_value().to_string())
    }

    /// Results grouped by focus node (in report order).
    pub fn by_focus_node(&self) -> BTreeMap<String, Vec<&ValidationResult>> {
        let mut m: BTreeMap<String, Vec<&ValidationResult>> = BTreeMap::new();
        for r in &self.results {
            m.entry(r.focus_node.to_string()).or_default().push(r);
        }
        m
    }
}

/// A term in Turtle-like short form: IRIs and datatypes as CURIEs when a prefix matches.
pub(crate) fn short_term(prefixes: &Prefixes, t: &Term) -> String {
    match t {
        Term::NamedNode(n) => prefixes
            .shorten(n.as_str())
            .unwrap_or_else(|| n.to_string()),
        Term::Literal(l) if l.language().is_none() && l.datatype() != crate::vocab::XSD_STRING => {
            let quoted = Literal::new_simple_literal(l.value()).to_string();
            match prefixes.shorten(l.datatype().as_str()) {
                Some(s) => format!("{quoted}^^{s}"),
                None => l.to_string(),
            }
        }
        other => other.to_string(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
