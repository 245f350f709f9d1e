//! RDFC-1.0 canonicalization: stable blank-node labels and the canonical N-Quads hash.
//!
//! Blank nodes are labelled with the W3C RDF Dataset Canonicalization algorithm (RDFC-1.0,
//! SHA-256). When every blank node has a distinct first-degree hash (the usual case), the
//! labels are issued here directly in hash order, which is what the algorithm prescribes;
//! otherwise the whole algorithm (with N-degree hashing) runs in `oxrdf` on the quads that
//! mention blank nodes. Both give the same labels; the tests compare them.

use std::fmt::Write as _;
use std::ops::Range;

use oxigraph::model::{
    BlankNode, GraphName, GraphNameRef, LiteralRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad,
    QuadRef, Term, TermRef,
};
use oxrdf::Dataset;
use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use rustc_hash::{FxHashMap, FxHashSet};
use sha2::{Digest, Sha256};

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

pub(crate) fn has_blank_node(q: &Quad) -> bool {
    matches!(q.subject, NamedOrBlankNode::BlankNode(_))
        || matches!(q.object, Term::BlankNode(_))
        || matches!(q.graph_name, GraphName::BlankNode(_))
}

/// Relabel blank nodes with their RDFC-1.0 canonical labels (`c14n0`, `c14n1`, …) so that the
/// same dataset always gets the same labels, whatever the input order or syntax. Quads without
/// blank nodes are returned as they are; duplicate quads with blank nodes are dropped.
pub fn canonicalize_quads(mut quads: Vec<Quad>) -> Vec<Quad> {
    if !quads.iter().any(has_blank_node) {
        return quads;
    }
    // RDFC-1.0 works on a set of quads: drop repeated quads that mention blank nodes (the
    // others are de-duplicated later, when sorting).
    let keep: Vec<bool> = {
        let mut seen: FxHashSet<&Quad> = FxHashSet::default();
        quads
            .iter()
            .map(|q| !has_blank_node(q) || seen.insert(q))
            .collect()
    };
    let mut keep = keep.into_iter();
    quads.retain(|_| keep.next().unwrap_or(true));
    let mapping = first_degree_labels(&quads).unwrap_or_else(|| full_rdfc_labels(&quads));
    for q in &mut quads {
        relabel(q, &mapping);
    }
    quads
}

fn relabel(q: &mut Quad, mapping: &FxHashMap<String, BlankNode>) {
    if let NamedOrBlankNode::BlankNode(b) = &q.subject
        && let Some(c) = mapping.get(b.as_str())
    {
        q.subject = c.clone().into();
    }
    if let Term::BlankNode(b) = &q.object
        && let Some(c) = mapping.get(b.as_str())
    {
        q.object = c.clone().into();
    }
    if let GraphName::BlankNode(b) = &q.graph_name
        && let Some(c) = mapping.get(b.as_str())
    {
        q.graph_name = c.clone().into();
    }
}

/// The blank nodes of a quad (each once).
fn blank_nodes(q: &Quad) -> impl Iterator<Item = &str> {
    let s = match &q.subject {
        NamedOrBlankNode::BlankNode(b) => Some(b.as_str()),
        NamedOrBlankNode::NamedNode(_) => None,
    };
    let o = match &q.object {
        Term::BlankNode(b) if Some(b.as_str()) != s => Some(b.as_str()),
        _ => None,
    };
    let g = match &q.graph_name {
        GraphName::BlankNode(b) if Some(b.as_str()) != s && Some(b.as_str()) != o => {
            Some(b.as_str())
        }
        _ => None,
    };
    s.into_iter().chain(o).chain(g)
}

/// RDFC-1.0 steps 2–4: when every blank node's first-degree hash is unique, the canonical
/// labels are issued in the code point order of those hashes. `None` when some hashes are
/// shared (then N-degree hashing is needed).
fn first_degree_labels(quads: &[Quad]) -> Option<FxHashMap<String, BlankNode>> {
    let mut by_node: FxHashMap<&str, Vec<&Quad>> = FxHashMap::default();
    for q in quads {
        for b in blank_nodes(q) {
            by_node.entry(b).or_default().push(q);
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let mut hashed: Vec<([u8; 32], &str)> = Vec::with_capacity(by_node.len());
    for (node, node_quads) in &by_node {
        lines.clear();
        for q in node_quads {
            let mut line = String::with_capacity(128);
            write_quad_with(&mut line, q.as_ref(), &|b| {
                if b == *node { "a" } else { "z" }
            });
            line.push_str(" .\n");
            lines.push(line);
        }
        lines.sort_unstable();
        let mut hasher = Sha256::new();
        for l in &lines {
            hasher.update(l.as_bytes());
        }
        hashed.push((hasher.finalize().into(), node));
    }
    // Hex digests sort like the digest bytes.
    hashed.sort_unstable();
    if hashed.windows(2).any(|w| matches!(w, [a, b] if a.0 == b.0)) {
        return None;
    }
    Some(
        hashed
            .into_iter()
            .enumerate()
            .map(|(i, (_, node))| {
                (
                    node.to_owned(),
                    BlankNode::new_unchecked(format!("c14n{i}")),
                )
            })
            .collect(),
    )
}

/// The complete RDFC-1.0 algorithm (oxrdf), on the quads that mention blank nodes (the others
/// do not affect the labels).
fn full_rdfc_labels(quads: &[Quad]) -> FxHashMap<String, BlankNode> {
    let ds: Dataset = quads.iter().filter(|q| has_blank_node(q)).collect();
    ds.canonicalize_blank_nodes(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    })
    .into_iter()
    .map(|(from, to)| (from.as_str().to_owned(), to))
    .collect()
}

/// Write the N-Quads form of a quad (without the final ` .`), exactly as oxrdf's `Display`
/// does, mapping blank node labels through `bnode`.
fn write_quad_with(buf: &mut String, q: QuadRef<'_>, bnode: &dyn Fn(&str) -> &str) {
    match q.subject {
        NamedOrBlankNodeRef::NamedNode(n) => write_iri(buf, n.as_str()),
        NamedOrBlankNodeRef::BlankNode(b) => write_bnode(buf, bnode(b.as_str())),
    }
    buf.push(' ');
    write_iri(buf, q.predicate.as_str());
    buf.push(' ');
    match q.object {
        TermRef::NamedNode(n) => write_iri(buf, n.as_str()),
        TermRef::BlankNode(b) => write_bnode(buf, bnode(b.as_str())),
        TermRef::Literal(l) => write_literal(buf, l),
        #[allow(unreachable_patterns)]
        other => {
            let _ = write!(buf, "{other}");
        }
    }
    match q.graph_name {
        GraphNameRef::DefaultGraph => {}
        GraphNameRef::NamedNode(n) => {
            buf.push(' ');
            write_iri(buf, n.as_str());
        }
        GraphNameRef::BlankNode(b) => {
            buf.push(' ');
            write_bnode(buf, bnode(b.as_str()));
        }
    }
}

/// Write the N-Quads form of a quad (without the final ` .`), byte-identical to oxrdf's
/// `Display` (canonical N-Quads escaping).
pub(crate) fn write_quad(buf: &mut String, q: QuadRef<'_>) {
    write_quad_with(buf, q, &|b| b);
}

pub(crate) fn write_iri(buf: &mut String, iri: &str) {
    buf.push('<');
    buf.push_str(iri);
    buf.push('>');
}

pub(crate) fn write_bnode(buf: &mut String, id: &str) {
    buf.push_str("_:");
    buf.push_str(id);
}

pub(crate) fn write_literal(buf: &mut String, l: LiteralRef<'_>) {
    write_quoted(buf, l.value());
    if let Some(lang) = l.language() {
        buf.push('@');
        buf.push_str(lang);
    } else if l.datatype().as_str() != XSD_STRING {
        buf.push_str("^^");
        write_iri(buf, l.datatype().as_str());
    }
}

/// oxrdf's `print_quoted_str`.
fn write_quoted(buf: &mut String, s: &str) {
    buf.push('"');
    // One pass over the bytes; 0xEF starts U+FFFE and U+FFFF (and other characters, which the
    // careful path below copies as they are).
    let plain = !s
        .bytes()
        .any(|b| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7F || b == 0xEF);
    if plain {
        buf.push_str(s);
    } else {
        for c in s.chars() {
            match c {
                '\u{8}' => buf.push_str("\\b"),
                '\t' => buf.push_str("\\t"),
                '\n' => buf.push_str("\\n"),
                '\u{C}' => buf.push_str("\\f"),
                '\r' => buf.push_str("\\r"),
                '"' => buf.push_str("\\\""),
                '\\' => buf.push_str("\\\\"),
                '\0'..='\u{1F}' | '\u{7F}' | '\u{FFFE}' | '\u{FFFF}' => {
                    let _ = write!(buf, "\\u{:04X}", u32::from(c));
                }
                _ => buf.push(c),
            }
        }
    }
    buf.push('"');
}

/// The canonical N-Quads order of a list of quads: their lines (in one buffer, no per-line
/// allocation), sorted by code point and de-duplicated.
pub(crate) struct CanonicalOrder {
    buf: String,
    /// (line range in `buf`, index of the quad), in canonical order, unique lines.
    spans: Vec<(Range<usize>, usize)>,
}

impl CanonicalOrder {
    /// Format and sort (the quads must already have their canonical blank node labels).
    pub fn new(quads: &[Quad]) -> Self {
        let (buf, mut spans) = format_lines(quads, 0);
        sort_spans(&buf, &mut spans);
        spans.dedup_by(|a, b| buf.as_bytes().get(a.0.clone()) == buf.as_bytes().get(b.0.clone()));
        Self { buf, spans }
    }

    /// [`new`](Self::new) on two threads: each formats and sorts half of the quads, then the
    /// halves are merged. Same result.
    pub fn new_parallel(quads: &[Quad]) -> Self {
        let mid = quads.len() / 2;
        let (first, second) = quads.split_at(mid);
        // The second half is taken over here if the other thread has not started it.
        let (a, b) = ggen_core::par::join(
            || {
                let (buf, mut spans) = format_lines(first, 0);
                sort_spans(&buf, &mut spans);
                (buf, spans)
            },
            || {
                let (buf, mut spans) = format_lines(second, mid);
                sort_spans(&buf, &mut spans);
                (buf, spans)
            },
        );
        let (mut buf, a_spans) = a;
        let (b_buf, b_spans) = b;
        let shift = buf.len();
        buf.push_str(&b_buf);
        drop(b_buf);
        let line = |r: &Range<usize>| buf.as_bytes().get(r.clone());
        let mut spans: Vec<(Range<usize>, usize)> =
            Vec::with_capacity(a_spans.len() + b_spans.len());
        let mut a_it = a_spans.into_iter().peekable();
        let mut b_it = b_spans
            .into_iter()
            .map(|(r, i)| (r.start + shift..r.end + shift, i))
            .peekable();
        loop {
            let next = match (a_it.peek(), b_it.peek()) {
                (Some(x), Some(y)) => {
                    if line(&x.0) <= line(&y.0) {
                        a_it.next()
                    } else {
                        b_it.next()
                    }
                }
                (Some(_), None) => a_it.next(),
                (None, Some(_)) => b_it.next(),
                (None, None) => break,
            };
            if let Some(n) = next
                && spans.last().is_none_or(|last| line(&last.0) != line(&n.0))
            {
                spans.push(n);
            }
        }
        Self { buf, spans }
    }

    /// The number of unique quads.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// The indices of the unique quads in the list given to [`new`](Self::new), in order.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.spans.iter().map(|(_, i)| *i)
    }

    /// The canonical lines, in order.
    pub fn text(&self) -> CanonicalTextRef<'_> {
        CanonicalTextRef {
            buf: &self.buf,
            spans: &self.spans,
        }
    }

    /// Put `quads` (the list given to [`new`](Self::new)) in this order, dropping duplicates.
    pub fn apply(self, quads: Vec<Quad>) -> (Vec<Quad>, CanonicalText) {
        let mut slots: Vec<Option<Quad>> = quads.into_iter().map(Some).collect();
        let mut sorted = Vec::with_capacity(self.spans.len());
        let mut lines = Vec::with_capacity(self.spans.len());
        for (range, i) in self.spans {
            if let Some(q) = slots.get_mut(i).and_then(Option::take) {
                sorted.push(q);
                lines.push(range);
            }
        }
        (
            sorted,
            CanonicalText {
                buf: self.buf,
                lines,
            },
        )
    }
}

/// The lines of a [`CanonicalOrder`], borrowed.
pub(crate) struct CanonicalTextRef<'a> {
    buf: &'a str,
    spans: &'a [(Range<usize>, usize)],
}

impl CanonicalTextRef<'_> {
    /// SHA-256 (hex) of the canonical N-Quads document.
    pub fn sha256(&self) -> String {
        let mut hasher = Sha256::new();
        for (r, _) in self.spans {
            hasher.update(self.buf.get(r.clone()).unwrap_or("").as_bytes());
            hasher.update(b" .\n");
        }
        hex::encode(hasher.finalize())
    }
}

/// The lines of `quads` in one buffer, with (range, index + `offset`) per quad.
fn format_lines(quads: &[Quad], offset: usize) -> (String, Vec<(Range<usize>, usize)>) {
    let mut buf = String::with_capacity(quads.len().saturating_mul(96));
    let mut spans: Vec<(Range<usize>, usize)> = Vec::with_capacity(quads.len());
    for (i, q) in quads.iter().enumerate() {
        let start = buf.len();
        write_quad(&mut buf, q.as_ref());
        spans.push((start..buf.len(), i + offset));
    }
    (buf, spans)
}

fn sort_spans(buf: &str, spans: &mut [(Range<usize>, usize)]) {
    let bytes = buf.as_bytes();
    spans.sort_unstable_by(|a, b| bytes.get(a.0.clone()).cmp(&bytes.get(b.0.clone())));
}

/// Canonical N-Quads lines in order.
pub(crate) struct CanonicalText {
    buf: String,
    lines: Vec<Range<usize>>,
}

impl CanonicalText {
    /// Sort, de-duplicate and format quads that have their canonical blank node labels.
    pub fn of(quads: &[Quad]) -> Self {
        let order = CanonicalOrder::new(quads);
        let lines = order.spans.iter().map(|(r, _)| r.clone()).collect();
        Self {
            buf: order.buf,
            lines,
        }
    }

    /// The lines (without ` .\n`), in order.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines
            .iter()
            .map(|r| self.buf.get(r.clone()).unwrap_or(""))
    }

    /// SHA-256 (hex) of the canonical N-Quads document.
    pub fn sha256(&self) -> String {
        let mut hasher = Sha256::new();
        for line in self.lines() {
            hasher.update(line.as_bytes());
            hasher.update(b" .\n");
        }
        hex::encode(hasher.finalize())
    }

    /// The canonical N-Quads document.
    pub fn to_nquads(&self) -> String {
        let mut out = String::with_capacity(self.buf.len() + 3 * self.lines.len());
        for line in self.lines() {
            out.push_str(line);
            out.push_str(" .\n");
        }
        out
    }
}

/// Sort and de-duplicate already canonicalized quads in canonical N-Quads order, and compute the
/// SHA-256 of their canonical N-Quads serialization (`<s> <p> <o> [<g>] .\n` per quad, sorted by
/// code point). Returns the sorted unique quads and the lower-case hex digest.
pub fn canonical_nquads(quads: Vec<Quad>) -> (Vec<Quad>, String) {
    let (sorted, text) = CanonicalOrder::new(&quads).apply(quads);
    (sorted, text.sha256())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::{Literal, NamedNode};

    fn parse(ttl: &str) -> Vec<Quad> {
        RdfParser::from_format(RdfFormat::TriG)
            .rename_blank_nodes()
            .for_slice(ttl.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The reference: oxrdf's own RDFC-1.0 over the whole dataset.
    fn reference(quads: Vec<Quad>) -> (Vec<String>, String) {
        let mut ds: Dataset = quads.into_iter().collect();
        ds.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
            hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
        });
        let mut lines: Vec<String> = ds.iter().map(|q| format!("{q} .\n")).collect();
        lines.sort();
        let sha = ggen_core::hash::sha256_hex(lines.concat());
        (lines, sha)
    }

    fn ours(quads: Vec<Quad>) -> (Vec<String>, String) {
        let text = CanonicalText::of(&canonicalize_quads(quads));
        let lines = text.lines().map(|l| format!("{l} .\n")).collect();
        (lines, text.sha256())
    }

    #[test]
    fn blank_node_labels_are_stable() {
        let a = "@prefix ex: <http://ex.org/> . ex:a ex:p [ ex:q 1 ] . ex:b ex:p [ ex:q 2 ] .";
        let b = "@prefix ex: <http://ex.org/> . ex:b ex:p [ ex:q 2 ] . ex:a ex:p [ ex:q 1 ] .";
        let (qa, ha) = canonical_nquads(canonicalize_quads(parse(a)));
        let (qb, hb) = canonical_nquads(canonicalize_quads(parse(b)));
        assert_eq!(ha, hb);
        assert_eq!(qa, qb);
        assert!(qa.iter().any(|q| q.to_string().contains("_:c14n")));
    }

    #[test]
    fn same_labels_and_hash_as_oxrdf_rdfc10() {
        let cases = [
            // Unique first-degree hashes.
            "@prefix ex: <http://ex.org/> . ex:a ex:p [ ex:q 1 ; ex:r [ ex:s \"x\" ] ] . ex:b ex:p [ ex:q 2 ] .",
            // Shared first-degree hashes: needs N-degree hashing (the fallback).
            "@prefix ex: <http://ex.org/> . ex:a ex:p [ ex:q 1 ], [ ex:q 1 ] . _:x ex:k _:y . _:y ex:k _:x .",
            // A cycle of identical nodes and a list with repeated members.
            "@prefix ex: <http://ex.org/> . _:a ex:n _:b . _:b ex:n _:c . _:c ex:n _:a . ex:l ex:v ( 1 1 2 ) .",
            // Blank nodes as graph names, a node in several positions, a self-loop, duplicates.
            "@prefix ex: <http://ex.org/> . _:g { _:s ex:p _:s . _:s ex:q \"a\\nb\"@en } ex:g2 { _:s2 ex:p _:g } _:g { _:s ex:p _:s }",
            // Literals that need escaping.
            "@prefix ex: <http://ex.org/> . [] ex:p \"tab\\t quote\\\" back\\\\ \\u0001 \\u007F\", \"\\uFFFF\"^^ex:t .",
        ];
        for case in cases {
            assert_eq!(ours(parse(case)), reference(parse(case)), "{case}");
        }
    }

    #[test]
    fn parallel_order_is_the_same() {
        let mut text = String::from("@prefix ex: <http://ex.org/> .\n");
        for i in 0..500 {
            text.push_str(&format!("ex:s{} ex:p{} \"v{}\" .\n", i % 37, i % 5, i % 91));
            text.push_str(&format!("ex:s{} ex:p{} \"v{}\" .\n", i % 11, i % 5, i % 91));
        }
        let quads = parse(&text);
        let a = CanonicalOrder::new(&quads);
        let b = CanonicalOrder::new_parallel(&quads);
        assert_eq!(a.len(), b.len());
        assert_eq!(a.text().sha256(), b.text().sha256());
        let la: Vec<&str> = a
            .spans
            .iter()
            .map(|(r, _)| a.buf.get(r.clone()).unwrap())
            .collect();
        let lb: Vec<&str> = b
            .spans
            .iter()
            .map(|(r, _)| b.buf.get(r.clone()).unwrap())
            .collect();
        assert_eq!(la, lb);
        for (l, i) in lb.iter().zip(b.indices()) {
            assert_eq!(*l, quads[i].to_string());
        }
    }

    #[test]
    fn duplicates_are_removed() {
        let (q, _) = canonical_nquads(parse(
            "<http://a> <http://b> <http://c> . <http://a> <http://b> <http://c> .",
        ));
        assert_eq!(q.len(), 1);
        let (q, _) = canonical_nquads(canonicalize_quads(parse(
            "_:x <http://b> <http://c> . _:x <http://b> <http://c> . _:x <http://b> <http://d> .",
        )));
        assert_eq!(q.len(), 2);
    }

    #[test]
    fn hash_matches_canonical_text() {
        let (_, h) = canonical_nquads(parse("<http://a> <http://b> \"x\" ."));
        assert_eq!(
            h,
            ggen_core::hash::sha256_hex("<http://a> <http://b> \"x\" .\n")
        );
    }

    #[test]
    fn writer_matches_display() {
        let s = NamedNode::new_unchecked("http://ex.org/s");
        let p = NamedNode::new_unchecked("http://ex.org/p");
        let dt = NamedNode::new_unchecked("http://ex.org/dt");
        let mut values: Vec<String> = vec![
            String::new(),
            "plain".into(),
            "quote \" and \\ backslash".into(),
            "\u{0}\u{1}\u{7}\u{8}\t\n\u{b}\u{c}\r\u{e}\u{1f} \u{7f}\u{80}".into(),
            "\u{FFFD}\u{FFFE}\u{FFFF}\u{10000} é 日本".into(),
        ];
        values.extend(
            (0u32..0x100)
                .filter_map(char::from_u32)
                .map(|c| format!("a{c}b")),
        );
        for v in &values {
            for o in [
                Literal::new_simple_literal(v.as_str()),
                Literal::new_language_tagged_literal_unchecked(v.as_str(), "en-gb"),
                Literal::new_typed_literal(v.as_str(), dt.clone()),
            ] {
                for g in [GraphName::DefaultGraph, GraphName::NamedNode(dt.clone())] {
                    let q = Quad::new(s.clone(), p.clone(), o.clone(), g);
                    let mut buf = String::new();
                    write_quad(&mut buf, q.as_ref());
                    assert_eq!(buf, q.to_string());
                }
            }
        }
        let q = Quad::new(
            BlankNode::new_unchecked("b0"),
            p.clone(),
            BlankNode::new_unchecked("b1"),
            GraphName::BlankNode(BlankNode::new_unchecked("g")),
        );
        let mut buf = String::new();
        write_quad(&mut buf, q.as_ref());
        assert_eq!(buf, q.to_string());
    }
}
