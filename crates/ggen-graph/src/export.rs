//! Writing a graph in any RDF syntax, and canonical N-Quads/N-Triples.
//!
//! Every syntax ggen reads can be written: Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD
//! and N3 (written as Turtle, which is valid N3; oxigraph has no N3-specific serializer, so no
//! formulas or N3-only shorthand appear). Named graphs need a syntax that has them (N-Quads,
//! TriG, JSON-LD): exporting a dataset with named graphs to another syntax is an error unless
//! the caller chooses to merge the graphs or keep only the default graph. RDF/XML cannot write
//! every predicate IRI (the IRI must end in an XML name, e.g. not in `/` or a digit); such
//! graphs give an error naming the predicate.

use oxigraph::io::RdfSerializer;
use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, Term};

use crate::canon::{CanonicalOrder, CanonicalText, canonicalize_quads};
use crate::error::GraphError;
use crate::graph::Graph;
use crate::prefixes::Prefixes;
use crate::syntax::RdfSyntax;

/// What to do with named graphs when the output syntax has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NamedGraphs {
    /// Refuse with [`GraphError::NamedGraphsUnsupported`] (the default).
    #[default]
    Refuse,
    /// Write the union: every quad goes to the default graph.
    Merge,
    /// Write the default graph only.
    DefaultOnly,
}

/// How to [`export`] a graph.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    syntax: RdfSyntax,
    prefixes: Prefixes,
    canonical: bool,
    named_graphs: NamedGraphs,
    all_prefixes: bool,
}

impl ExportOptions {
    /// Write `syntax`, with no prefixes.
    pub fn new(syntax: RdfSyntax) -> Self {
        Self {
            syntax,
            prefixes: Prefixes::new(),
            canonical: false,
            named_graphs: NamedGraphs::Refuse,
            all_prefixes: false,
        }
    }

    /// Prefixes to declare (Turtle, TriG, N3, RDF/XML). Only the prefixes whose namespace some
    /// IRI of the graph starts with are written, unless [`all_prefixes`](Self::all_prefixes).
    #[must_use]
    pub fn with_prefixes(mut self, prefixes: Prefixes) -> Self {
        self.prefixes = prefixes;
        self
    }

    /// Declare every prefix given, used or not.
    #[must_use]
    pub fn all_prefixes(mut self) -> Self {
        self.all_prefixes = true;
        self
    }

    /// Write canonical N-Quads (or N-Triples): RDFC-1.0 blank node labels, one quad per line,
    /// lines sorted by code point, no duplicates. The same dataset always gives the same bytes.
    #[must_use]
    pub fn canonical(mut self) -> Self {
        self.canonical = true;
        self
    }

    /// Choose what happens to named graphs in a syntax without them.
    #[must_use]
    pub fn named_graphs(mut self, mode: NamedGraphs) -> Self {
        self.named_graphs = mode;
        self
    }

    /// Keep only the default graph in a syntax without named graphs.
    #[must_use]
    pub fn default_graph_only(self) -> Self {
        self.named_graphs(NamedGraphs::DefaultOnly)
    }

    /// The output syntax.
    pub fn syntax(&self) -> RdfSyntax {
        self.syntax
    }
}

/// Serialize `graph` (exact literals, as the inputs wrote them).
pub fn export(graph: &Graph, options: &ExportOptions) -> Result<Vec<u8>, GraphError> {
    let quads = graph.quads()?;
    export_quads(quads, options)
}

/// Serialize quads that have their canonical blank node labels (e.g. [`Graph::quads`]).
pub fn export_quads(quads: Vec<Quad>, options: &ExportOptions) -> Result<Vec<u8>, GraphError> {
    let syntax = options.syntax;
    if options.canonical && !matches!(syntax, RdfSyntax::NQuads | RdfSyntax::NTriples) {
        return Err(GraphError::Export {
            syntax: syntax.name(),
            message: "canonical output is N-Quads or N-Triples (--to nquads or --to ntriples)"
                .into(),
        });
    }
    let mut quads = quads;
    if !syntax.supports_datasets() {
        let named = quads
            .iter()
            .filter(|q| !q.graph_name.is_default_graph())
            .count();
        if named > 0 {
            match options.named_graphs {
                NamedGraphs::Refuse => {
                    return Err(GraphError::NamedGraphsUnsupported {
                        syntax: syntax.name(),
                        quads: named,
                    });
                }
                NamedGraphs::DefaultOnly => quads.retain(|q| q.graph_name.is_default_graph()),
                NamedGraphs::Merge => {
                    for q in &mut quads {
                        q.graph_name = GraphName::DefaultGraph;
                    }
                    // Graph names no longer take part: label the blank nodes anew.
                    quads = canonicalize_quads(quads);
                }
            }
        }
    }
    if options.canonical {
        return Ok(CanonicalText::of(&quads).to_nquads().into_bytes());
    }
    if syntax == RdfSyntax::RdfXml
        && let Some(q) = quads
            .iter()
            .find(|q| !has_xml_local_name(q.predicate.as_str()))
    {
        return Err(GraphError::Export {
            syntax: syntax.name(),
            message: format!(
                "the predicate {} does not end in an XML name, and RDF/XML writes predicates as element names (write another syntax)",
                q.predicate
            ),
        });
    }
    // Canonical order (subjects together); for datasets, graph by graph.
    let (mut quads, _) = CanonicalOrder::new(&quads).apply(quads);
    if syntax.supports_datasets() {
        quads.sort_by_cached_key(|q| match &q.graph_name {
            GraphName::DefaultGraph => String::new(),
            g => g.to_string(),
        });
    }
    let mut serializer = RdfSerializer::from_format(syntax.to_format());
    if matches!(
        syntax,
        RdfSyntax::Turtle | RdfSyntax::TriG | RdfSyntax::N3 | RdfSyntax::RdfXml
    ) {
        let declared = if options.all_prefixes {
            options.prefixes.clone()
        } else {
            used_prefixes(&quads, &options.prefixes)
        };
        for (p, iri) in declared.iter() {
            serializer = serializer
                .with_prefix(p, iri)
                .map_err(|e| GraphError::InvalidIri {
                    iri: iri.to_owned(),
                    message: e.to_string(),
                })?;
        }
    }
    let mut w = serializer.for_writer(Vec::new());
    let fail = |e: std::io::Error| GraphError::Export {
        syntax: syntax.name(),
        message: e.to_string(),
    };
    for q in &quads {
        w.serialize_quad(q).map_err(fail)?;
    }
    w.finish().map_err(fail)
}

/// Whether an IRI ends in an XML name that can serve as the local part of an element name (the
/// split RDF/XML serializers make: the longest suffix of name characters, from its first name
/// start character).
fn has_xml_local_name(iri: &str) -> bool {
    let tail_start = iri
        .char_indices()
        .rev()
        .find(|(_, c)| !is_name_char(*c) || *c == ':')
        .map_or(0, |(i, c)| i + c.len_utf8());
    iri.get(tail_start..)
        .is_some_and(|tail| tail.chars().any(|c| is_name_start_char(c) && c != ':'))
}

fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// The prefixes of `prefixes` whose namespace begins some IRI of `quads`.
pub fn used_prefixes(quads: &[Quad], prefixes: &Prefixes) -> Prefixes {
    let candidates: Vec<(&str, &str)> = prefixes.iter().filter(|(_, ns)| !ns.is_empty()).collect();
    let mut used = vec![false; candidates.len()];
    let remaining = std::cell::Cell::new(candidates.len());
    let mut mark = |iri: &str| {
        for (u, (_, ns)) in used.iter_mut().zip(&candidates) {
            if !*u && iri.starts_with(ns) {
                *u = true;
                remaining.set(remaining.get() - 1);
            }
        }
    };
    for q in quads {
        if remaining.get() == 0 {
            break;
        }
        if let NamedOrBlankNode::NamedNode(n) = &q.subject {
            mark(n.as_str());
        }
        mark(q.predicate.as_str());
        match &q.object {
            Term::NamedNode(n) => mark(n.as_str()),
            Term::Literal(l) => mark(l.datatype().as_str()),
            _ => {}
        }
        if let GraphName::NamedNode(n) = &q.graph_name {
            mark(n.as_str());
        }
    }
    candidates
        .iter()
        .zip(used)
        .filter(|(_, u)| *u)
        .map(|((p, ns), _)| (*p, *ns))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GraphBuilder;

    fn graph(text: &str, syntax: RdfSyntax) -> Graph {
        let mut b = GraphBuilder::new();
        b.add_text("in", text, syntax).unwrap();
        b.build().unwrap()
    }

    const TTL: &str = "@prefix ex: <http://ex.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix unused: <http://unused.org/> .\n\
        ex:a ex:p \"07\"^^xsd:integer , \"5\"^^xsd:byte , \"x\\ny\"@en ; ex:q [ ex:r 1.50 ] .";

    #[test]
    fn every_syntax_round_trips_with_exact_literals() {
        let g = graph(TTL, RdfSyntax::Turtle);
        for syntax in RdfSyntax::ALL {
            let out = export(
                &g,
                &ExportOptions::new(syntax).with_prefixes(g.prefixes().clone()),
            )
            .unwrap();
            let back = graph(std::str::from_utf8(&out).unwrap(), syntax);
            assert_eq!(back.canonical_sha256(), g.canonical_sha256(), "{syntax}");
            assert_eq!(back.len(), g.len(), "{syntax}");
        }
    }

    #[test]
    fn turtle_keeps_used_prefixes_only() {
        let g = graph(TTL, RdfSyntax::Turtle);
        let out = export(
            &g,
            &ExportOptions::new(RdfSyntax::Turtle).with_prefixes(g.prefixes().clone()),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("@prefix ex: <http://ex.org/>"), "{text}");
        assert!(!text.contains("unused"), "{text}");
        // Turtle's integer shorthand keeps the lexical form.
        assert!(text.contains("ex:p 07 ,"), "{text}");
        assert!(text.contains("\"5\"^^xsd:byte"), "{text}");
    }

    #[test]
    fn canonical_is_identical_across_syntaxes() {
        let g = graph(TTL, RdfSyntax::Turtle);
        let canon = export(&g, &ExportOptions::new(RdfSyntax::NQuads).canonical()).unwrap();
        let nt = export(&g, &ExportOptions::new(RdfSyntax::NTriples)).unwrap();
        let g2 = graph(std::str::from_utf8(&nt).unwrap(), RdfSyntax::NTriples);
        let canon2 = export(&g2, &ExportOptions::new(RdfSyntax::NQuads).canonical()).unwrap();
        assert_eq!(canon, canon2);
        assert_eq!(
            ggen_core::hash::sha256_hex(&canon),
            g.canonical_sha256(),
            "the canonical export is what the canonical hash hashes"
        );
        let text = String::from_utf8(canon).unwrap();
        assert!(text.contains("_:c14n0"), "{text}");
        let mut lines: Vec<&str> = text.lines().collect();
        let orig = lines.clone();
        lines.sort_unstable();
        assert_eq!(lines, orig);
        assert!(matches!(
            export(&g, &ExportOptions::new(RdfSyntax::Turtle).canonical()),
            Err(GraphError::Export { .. })
        ));
    }

    #[test]
    fn named_graphs_refused_merged_or_dropped() {
        let g = graph(
            "@prefix ex: <http://ex.org/> . ex:a ex:p 1 . ex:g { ex:b ex:p 2 . _:x ex:p 3 }",
            RdfSyntax::TriG,
        );
        let e = export(&g, &ExportOptions::new(RdfSyntax::Turtle)).unwrap_err();
        assert!(
            matches!(e, GraphError::NamedGraphsUnsupported { quads: 2, .. }),
            "{e}"
        );
        let merged = export(
            &g,
            &ExportOptions::new(RdfSyntax::NTriples).named_graphs(NamedGraphs::Merge),
        )
        .unwrap();
        assert_eq!(String::from_utf8(merged).unwrap().lines().count(), 3);
        let dropped = export(
            &g,
            &ExportOptions::new(RdfSyntax::NTriples).default_graph_only(),
        )
        .unwrap();
        assert_eq!(String::from_utf8(dropped).unwrap().lines().count(), 1);
        for syntax in [RdfSyntax::NQuads, RdfSyntax::TriG, RdfSyntax::JsonLd] {
            let out = export(&g, &ExportOptions::new(syntax)).unwrap();
            let back = graph(std::str::from_utf8(&out).unwrap(), syntax);
            assert_eq!(back.canonical_sha256(), g.canonical_sha256(), "{syntax}");
        }
    }

    #[test]
    fn rdfxml_refuses_predicates_without_a_local_name() {
        let g = graph(
            "<http://ex.org/a> <http://ex.org/p/> \"x\" .",
            RdfSyntax::NTriples,
        );
        let e = export(&g, &ExportOptions::new(RdfSyntax::RdfXml)).unwrap_err();
        assert!(matches!(e, GraphError::Export { .. }), "{e}");
        assert!(e.to_string().contains("rdfxml"), "{e}");
        assert!(has_xml_local_name("http://ex.org/p"));
        assert!(has_xml_local_name("http://ex.org/ns#p-1.x"));
        assert!(!has_xml_local_name("http://ex.org/1"));
        assert!(!has_xml_local_name("urn:x:"));
        // The local part starts at the first name start character: `p1` of `…/1p1`.
        assert!(has_xml_local_name("http://ex.org/1p1"));
    }
}
