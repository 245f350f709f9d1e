//! Diagrams of a graph: Graphviz DOT, Mermaid and JSON, of the triples themselves or of the
//! class structure (classes, subclass edges, properties with their ranges).
//!
//! Every label is escaped for its output language: DOT double-quoted strings (`\"`, `\\`,
//! line breaks as `\n`, no record shapes, so `|{}<>` are plain text), and Mermaid quoted
//! labels (entity codes such as `#quot;` for `"`, `#lt;` for `<`, `#124;` for `|`, line breaks
//! as `<br/>`). Node identifiers are generated (`n0`, `n1`, …), never taken from the data.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use oxigraph::model::{NamedOrBlankNode, Quad, Term};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::canon::CanonicalOrder;
use crate::error::GraphError;
use crate::graph::Graph;
use crate::prefixes::Prefixes;

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Output language of [`visualize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiagramFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// Nodes and edges as JSON.
    Json,
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct VisualizeOptions {
    /// Output language.
    pub format: DiagramFormat,
    /// Draw the class diagram instead of the triples.
    pub classes: bool,
    /// Prefixes to shorten IRIs in labels.
    pub prefixes: Prefixes,
}

impl VisualizeOptions {
    /// Triples in `format`, IRIs shortened with `prefixes`.
    pub fn new(format: DiagramFormat, prefixes: Prefixes) -> Self {
        Self {
            format,
            classes: false,
            prefixes,
        }
    }

    /// Draw the class diagram.
    #[must_use]
    pub fn classes(mut self) -> Self {
        self.classes = true;
        self
    }
}

/// A node of a diagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagramNode {
    /// Generated identifier (`n0`, …).
    pub id: String,
    /// `iri`, `bnode`, `literal` or `class`.
    pub kind: &'static str,
    /// The term in N-Triples form (the class IRI for classes).
    pub term: String,
    /// The label (IRIs shortened).
    pub label: String,
    /// For classes: the datatype properties, as `property: range` (or `property`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
}

/// An edge of a diagram.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DiagramEdge {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// The label (the predicate shortened, or `subClassOf`).
    pub label: String,
    /// `triple`, `subclass` or `property`.
    pub kind: &'static str,
}

/// A diagram, before rendering.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diagram {
    /// Nodes, in id order.
    pub nodes: Vec<DiagramNode>,
    /// Edges, sorted.
    pub edges: Vec<DiagramEdge>,
}

/// Draw `graph` (all graphs of the dataset together).
pub fn visualize(graph: &Graph, options: &VisualizeOptions) -> Result<String, GraphError> {
    let quads = graph.quads()?;
    // Canonical order, so that node numbers do not depend on the store.
    let (quads, _) = CanonicalOrder::new(&quads).apply(quads);
    let diagram = if options.classes {
        class_diagram(&quads, &options.prefixes)
    } else {
        triple_diagram(&quads, &options.prefixes)
    };
    Ok(match options.format {
        DiagramFormat::Dot => to_dot(&diagram, options.classes),
        DiagramFormat::Mermaid => to_mermaid(&diagram),
        DiagramFormat::Json => {
            let mut s = serde_json::to_string_pretty(&diagram)
                .map_err(|e| GraphError::Store(e.to_string()))?;
            s.push('\n');
            s
        }
    })
}

fn short_iri(prefixes: &Prefixes, iri: &str) -> String {
    prefixes.shorten(iri).unwrap_or_else(|| format!("<{iri}>"))
}

fn term_label(prefixes: &Prefixes, t: &Term) -> String {
    match t {
        Term::NamedNode(n) => short_iri(prefixes, n.as_str()),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => {
            let mut s = format!("\"{}\"", l.value());
            if let Some(lang) = l.language() {
                s.push('@');
                s.push_str(lang);
            } else if l.datatype().as_str() != "http://www.w3.org/2001/XMLSchema#string" {
                s.push_str("^^");
                s.push_str(&short_iri(prefixes, l.datatype().as_str()));
            }
            s
        }
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

fn kind_of(t: &Term) -> &'static str {
    match t {
        Term::NamedNode(_) => "iri",
        Term::BlankNode(_) => "bnode",
        _ => "literal",
    }
}

/// Every triple: IRIs and blank nodes are shared nodes; each literal occurrence is a node.
fn triple_diagram(quads: &[Quad], prefixes: &Prefixes) -> Diagram {
    let mut ids: FxHashMap<Term, String> = FxHashMap::default();
    let mut nodes = Vec::new();
    let mut edges = BTreeSet::new();
    let mut node = |t: &Term, nodes: &mut Vec<DiagramNode>, shared: bool| -> String {
        if shared && let Some(id) = ids.get(t) {
            return id.clone();
        }
        let id = format!("n{}", nodes.len());
        nodes.push(DiagramNode {
            id: id.clone(),
            kind: kind_of(t),
            term: t.to_string(),
            label: term_label(prefixes, t),
            attributes: Vec::new(),
        });
        if shared {
            ids.insert(t.clone(), id.clone());
        }
        id
    };
    let mut seen = FxHashSet::default();
    for q in quads {
        // The union of the graphs: a triple in several graphs is drawn once.
        if !seen.insert((q.subject.clone(), q.predicate.clone(), q.object.clone())) {
            continue;
        }
        let s = node(&Term::from(q.subject.clone()), &mut nodes, true);
        let literal = matches!(q.object, Term::Literal(_));
        let o = node(&q.object, &mut nodes, !literal);
        edges.insert(DiagramEdge {
            from: s,
            to: o,
            label: short_iri(prefixes, q.predicate.as_str()),
            kind: "triple",
        });
    }
    Diagram {
        nodes,
        edges: edges.into_iter().collect(),
    }
}

fn is_datatype(iri: &str, declared: &BTreeSet<String>) -> bool {
    iri.starts_with(XSD)
        || matches!(
            iri,
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
                | "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"
                | "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral"
                | "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
                | "http://www.w3.org/2000/01/rdf-schema#Literal"
        )
        || declared.contains(iri)
}

/// Vocabulary classes that are not drawn as classes of the data (`rdfs:Class`, `owl:Class`,
/// property types, …).
fn is_meta(iri: &str) -> bool {
    iri.starts_with(RDF) || iri.starts_with(RDFS) || iri.starts_with(OWL)
}

/// Classes, subclass edges, and properties attached to their domains: datatype-valued ones as
/// attributes, class-valued ones as edges to the range.
fn class_diagram(quads: &[Quad], prefixes: &Prefixes) -> Diagram {
    let iri = |t: &Term| match t {
        Term::NamedNode(n) => Some(n.as_str().to_owned()),
        _ => None,
    };
    let subject_iri = |s: &NamedOrBlankNode| match s {
        NamedOrBlankNode::NamedNode(n) => Some(n.as_str().to_owned()),
        NamedOrBlankNode::BlankNode(_) => None,
    };
    let mut classes: BTreeSet<String> = BTreeSet::new();
    let mut datatypes: BTreeSet<String> = BTreeSet::new();
    let mut subclass: BTreeSet<(String, String)> = BTreeSet::new();
    let mut domains: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut ranges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for q in quads {
        let p = q.predicate.as_str();
        let (Some(s), o) = (subject_iri(&q.subject), iri(&q.object)) else {
            continue;
        };
        let local = p.rsplit(['/', '#']).next().unwrap_or(p);
        match (p, o) {
            ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", Some(o)) => {
                if o == format!("{RDFS}Class") || o == format!("{OWL}Class") {
                    classes.insert(s);
                } else if o == format!("{RDFS}Datatype") || o.ends_with("schema.org/DataType") {
                    datatypes.insert(s);
                } else if !is_meta(&o) {
                    classes.insert(o);
                }
            }
            ("http://www.w3.org/2000/01/rdf-schema#subClassOf", Some(o)) => {
                classes.insert(s.clone());
                classes.insert(o.clone());
                subclass.insert((s, o));
            }
            (_, Some(o))
                if p == format!("{RDFS}domain")
                    || (local == "domainIncludes" && p.contains("schema.org")) =>
            {
                domains.entry(s).or_default().insert(o);
            }
            (_, Some(o))
                if p == format!("{RDFS}range")
                    || (local == "rangeIncludes" && p.contains("schema.org")) =>
            {
                ranges.entry(s).or_default().insert(o);
            }
            _ => {}
        }
    }
    // schema.org's data types are also declared classes; draw them as types of attributes.
    for d in &datatypes {
        classes.remove(d);
    }
    for ds in domains.values() {
        for d in ds {
            if !is_datatype(d, &datatypes) {
                classes.insert(d.clone());
            }
        }
    }
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut associations: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (property, ds) in &domains {
        let prop = short_iri(prefixes, property);
        let rs = ranges.get(property);
        for d in ds {
            match rs {
                None => attributes.entry(d.clone()).or_default().push(prop.clone()),
                Some(rs) => {
                    for r in rs {
                        if is_datatype(r, &datatypes) {
                            attributes
                                .entry(d.clone())
                                .or_default()
                                .push(format!("{prop}: {}", short_iri(prefixes, r)));
                        } else {
                            classes.insert(r.clone());
                            associations.insert((d.clone(), prop.clone(), r.clone()));
                        }
                    }
                }
            }
        }
    }
    let ids: BTreeMap<&String, String> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c, format!("n{i}")))
        .collect();
    let nodes = classes
        .iter()
        .enumerate()
        .map(|(i, c)| DiagramNode {
            id: format!("n{i}"),
            kind: "class",
            term: format!("<{c}>"),
            label: short_iri(prefixes, c),
            attributes: attributes.get(c).cloned().unwrap_or_default(),
        })
        .collect();
    let mut edges = BTreeSet::new();
    for (sub, sup) in &subclass {
        if let (Some(a), Some(b)) = (ids.get(sub), ids.get(sup)) {
            edges.insert(DiagramEdge {
                from: a.clone(),
                to: b.clone(),
                label: "subClassOf".into(),
                kind: "subclass",
            });
        }
    }
    for (d, p, r) in &associations {
        if let (Some(a), Some(b)) = (ids.get(d), ids.get(r)) {
            edges.insert(DiagramEdge {
                from: a.clone(),
                to: b.clone(),
                label: p.clone(),
                kind: "property",
            });
        }
    }
    Diagram {
        nodes,
        edges: edges.into_iter().collect(),
    }
}

/// Escape text for a DOT double-quoted string.
pub fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let text = text.replace("\r\n", "\n");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Escape text for a Mermaid quoted label (`"…"`).
pub fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let text = text.replace("\r\n", "\n");
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push_str("<br/>"),
            c if c.is_control() => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

fn to_dot(d: &Diagram, classes: bool) -> String {
    let mut out = String::from("digraph G {\n  rankdir=LR;\n  charset=\"UTF-8\";\n");
    if classes {
        out.push_str(
            "  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n",
        );
    } else {
        out.push_str(
            "  node [shape=ellipse, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n",
        );
    }
    for n in &d.nodes {
        let mut label = dot_escape(&n.label);
        if !n.attributes.is_empty() {
            // `\l` ends a left-justified line (an escape of DOT itself, added after escaping).
            label.push_str("\\n");
            for a in &n.attributes {
                label.push_str(&dot_escape(a));
                label.push_str("\\l");
            }
        }
        let shape = match n.kind {
            "literal" => ", shape=box, style=rounded",
            "bnode" => ", style=dashed",
            _ => "",
        };
        let _ = writeln!(out, "  {} [label=\"{label}\"{shape}];", n.id);
    }
    for e in &d.edges {
        let style = match e.kind {
            "subclass" => ", arrowhead=empty",
            _ => "",
        };
        let label = if e.kind == "subclass" {
            String::new()
        } else {
            format!("label=\"{}\"", dot_escape(&e.label))
        };
        let attrs = format!("{label}{style}");
        let attrs = attrs.trim_start_matches(", ");
        let _ = writeln!(out, "  {} -> {} [{attrs}];", e.from, e.to);
    }
    out.push_str("}\n");
    out
}

fn to_mermaid(d: &Diagram) -> String {
    let mut out = String::from("flowchart LR\n");
    for n in &d.nodes {
        let mut label = mermaid_escape(&n.label);
        if !n.attributes.is_empty() {
            label = format!("<b>{label}</b>");
            for a in &n.attributes {
                label.push_str("<br/>");
                label.push_str(&mermaid_escape(a));
            }
        }
        let (open, close) = match n.kind {
            "literal" => ("[", "]"),
            "bnode" => ("((", "))"),
            "class" => ("[", "]"),
            _ => ("(", ")"),
        };
        let _ = writeln!(out, "  {}{open}\"{label}\"{close}", n.id);
    }
    for e in &d.edges {
        if e.kind == "subclass" {
            let _ = writeln!(out, "  {} -.->|\"subClassOf\"| {}", e.from, e.to);
        } else {
            let _ = writeln!(
                out,
                "  {} -->|\"{}\"| {}",
                e.from,
                mermaid_escape(&e.label),
                e.to
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GraphBuilder, RdfSyntax};

    fn graph(ttl: &str) -> Graph {
        let mut b = GraphBuilder::new();
        b.add_text("t.ttl", ttl, RdfSyntax::Turtle).unwrap();
        b.build().unwrap()
    }

    const NASTY: &str = "@prefix ex: <http://ex.org/> .\n\
        ex:a ex:label \"say \\\"hi\\\" \\\\ back\\nslash <b> | {x} # & ` [y] é 日本\" .";

    #[test]
    fn dot_escapes_every_label() {
        let g = graph(NASTY);
        let mut p = Prefixes::new();
        p.insert("ex", "http://ex.org/");
        let dot = visualize(&g, &VisualizeOptions::new(DiagramFormat::Dot, p)).unwrap();
        assert!(
            dot.contains(
                r#"n1 [label="\"say \"hi\" \\ back\nslash <b> | {x} # & ` [y] é 日本\"", shape=box, style=rounded];"#
            ),
            "{dot}"
        );
        assert!(dot.contains("n0 -> n1 [label=\"ex:label\"];"), "{dot}");
        // No raw newline inside a label: every line is a statement or a brace.
        for line in dot.lines() {
            let t = line.trim();
            assert!(t.ends_with(';') || t.ends_with('{') || t == "}", "{line}");
        }
    }

    #[test]
    fn mermaid_escapes_every_label() {
        let g = graph(NASTY);
        let mut p = Prefixes::new();
        p.insert("ex", "http://ex.org/");
        let m = visualize(&g, &VisualizeOptions::new(DiagramFormat::Mermaid, p)).unwrap();
        assert!(
            m.contains(
                "n1[\"#quot;say #quot;hi#quot; \\ back<br/>slash #lt;b#gt; #124; #123;x#125; #35; #amp; #96; #91;y#93; é 日本#quot;\"]"
            ),
            "{m}"
        );
        assert!(m.contains("n0 -->|\"ex:label\"| n1"), "{m}");
        assert_eq!(m.lines().count(), 4, "{m}");
    }

    #[test]
    fn escape_functions() {
        assert_eq!(dot_escape("a\"b\\c\r\nd\te"), "a\\\"b\\\\c\\nd\\\\u0009e");
        assert_eq!(mermaid_escape("#quot;"), "#35;quot;");
    }

    #[test]
    fn class_diagram_has_classes_subclasses_and_ranges() {
        let g = graph(
            "@prefix ex: <http://ex.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
             @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n\
             ex:Animal a owl:Class . ex:Dog rdfs:subClassOf ex:Animal . ex:Person a rdfs:Class .\n\
             ex:name rdfs:domain ex:Animal ; rdfs:range xsd:string .\n\
             ex:owner rdfs:domain ex:Dog ; rdfs:range ex:Person .\n\
             ex:rex a ex:Dog ; ex:name \"Rex\" .",
        );
        let mut p = Prefixes::new();
        p.insert("ex", "http://ex.org/");
        p.insert("xsd", XSD);
        let json = visualize(
            &g,
            &VisualizeOptions::new(DiagramFormat::Json, p.clone()).classes(),
        )
        .unwrap();
        let d: serde_json::Value = serde_json::from_str(&json).unwrap();
        let labels: Vec<&str> = d["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, vec!["ex:Animal", "ex:Dog", "ex:Person"]);
        assert_eq!(d["nodes"][0]["attributes"][0], "ex:name: xsd:string");
        let edges: Vec<(String, String, String)> = d["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["from"].as_str().unwrap().to_owned(),
                    e["to"].as_str().unwrap().to_owned(),
                    e["label"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            edges,
            vec![
                ("n1".into(), "n0".into(), "subClassOf".into()),
                ("n1".into(), "n2".into(), "ex:owner".into()),
            ]
        );
        let dot = visualize(&g, &VisualizeOptions::new(DiagramFormat::Dot, p).classes()).unwrap();
        assert!(
            dot.contains("n0 [label=\"ex:Animal\\nex:name: xsd:string\\l\"];"),
            "{dot}"
        );
        assert!(dot.contains("n1 -> n0 [arrowhead=empty];"), "{dot}");
    }
}
