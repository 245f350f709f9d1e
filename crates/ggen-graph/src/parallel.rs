//! Parsing one large Turtle, N-Triples or N-Quads document on several threads.
//!
//! The document is cut at line ends into one chunk per thread and every chunk is parsed on
//! its own. That is only right when each chunk starts where a statement starts and with the
//! parser state (prefixes, base IRI) the whole-document parse would have there, so:
//!
//! - a chunk boundary is put right after a newline that follows a `.` (the usual end of a
//!   statement). A newline never lies inside a comment or a short string, and a chunk that
//!   ends inside a long string or in the middle of a statement fails to parse;
//! - every chunk after the first starts with the prefixes and base IRI in force at the first
//!   triple of the document, and every chunk but the last must end with that same state;
//! - blank node labels are document-wide, so the chunks keep them as written and they are
//!   renamed afterwards, with one map for the whole document.
//!
//! When any of this does not hold — a chunk fails to parse, or a chunk declares or changes a
//! prefix or the base — [`parse`] returns `None` and the caller parses the document on one
//! thread, which also gives syntax errors their exact line and column. The result of a
//! successful parallel parse is the same as the one-thread parse (quads in document order,
//! the final prefixes), apart from the random labels given to blank nodes, which are random
//! in both.

use std::collections::BTreeMap;

use oxigraph::model::{BlankNode, GraphName, NamedOrBlankNode, Quad, Term};
use oxttl::{NQuadsParser, NTriplesParser, TurtleParser};
use rustc_hash::FxHashMap;

use crate::canon::has_blank_node;
use crate::syntax::RdfSyntax;

/// Documents smaller than twice this are parsed on one thread (the threads would cost more
/// than they save).
const MIN_CHUNK_BYTES: usize = 32 * 1024;

/// A document is cut into this many chunks per thread (but none smaller than a quarter of
/// [`MIN_CHUNK_BYTES`]); threads take the next chunk when they are free, so a thread that
/// starts late does not hold the others up, and the last chunk to finish is a short one.
const CHUNKS_PER_THREAD: usize = 8;

/// The quads and the final prefixes of a document.
pub(crate) type Parsed = (Vec<Quad>, Vec<(String, String)>);

/// The parser state a chunk starts with: prefixes and base IRI.
#[derive(PartialEq, Eq, Debug, Default, Clone)]
struct State {
    prefixes: BTreeMap<String, String>,
    base: Option<String>,
}

/// Parse `bytes` on several threads, or return `None` when the document is small, of another
/// syntax, or cannot be split safely (the caller then parses it on one thread).
pub(crate) fn parse(bytes: &[u8], syntax: RdfSyntax, base: Option<&str>) -> Option<Parsed> {
    parse_on(bytes, syntax, base, ggen_core::par::available_threads())
}

/// [`parse`] with at most `threads` threads.
fn parse_on(bytes: &[u8], syntax: RdfSyntax, base: Option<&str>, threads: usize) -> Option<Parsed> {
    if threads < 2 || bytes.len() < 2 * MIN_CHUNK_BYTES {
        return None;
    }
    if !matches!(
        syntax,
        RdfSyntax::Turtle | RdfSyntax::NTriples | RdfSyntax::NQuads
    ) {
        return None;
    }
    let pieces = (threads * CHUNKS_PER_THREAD).min(bytes.len() / (MIN_CHUNK_BYTES / 4));
    let chunks = split(bytes, pieces, syntax == RdfSyntax::Turtle);
    if chunks.len() < 2 {
        return None;
    }
    let header = match syntax {
        RdfSyntax::Turtle => header_state(bytes, base)?,
        _ => State::default(),
    };
    // The first chunk starts at the document's start, the others with its header's state.
    let results: Vec<Option<(Vec<Quad>, State)>> = ggen_core::par::map(
        chunks.into_iter().enumerate().collect(),
        1,
        threads,
        |(i, chunk)| parse_chunk(chunk, syntax, base, &header, i > 0),
    );
    let last = results.len().saturating_sub(1);
    let total = results.iter().flatten().map(|(q, _)| q.len()).sum();
    let mut quads = Vec::with_capacity(total);
    let mut final_state = State::default();
    for (i, result) in results.into_iter().enumerate() {
        let (chunk_quads, state) = result?;
        // Every chunk but the last must leave the state the next one started with.
        if i < last && state != header {
            return None;
        }
        quads.extend(chunk_quads);
        final_state = state;
    }
    rename_blank_nodes(&mut quads);
    Some((quads, final_state.prefixes.into_iter().collect()))
}

/// Cut `bytes` into at most `n` chunks at line ends; for Turtle only at a line ending with `.`.
fn split(bytes: &[u8], n: usize, turtle: bool) -> Vec<&[u8]> {
    let mut chunks = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = bytes.len() / n * k;
        if target <= start {
            continue;
        }
        let Some(cut) = boundary_after(bytes, target, turtle) else {
            break;
        };
        if let Some(chunk) = bytes.get(start..cut) {
            chunks.push(chunk);
        }
        start = cut;
    }
    if let Some(rest) = bytes.get(start..)
        && !rest.is_empty()
    {
        chunks.push(rest);
    }
    chunks
}

/// The first position after `from` that follows a newline (for Turtle, a newline after a `.`
/// and optional spaces), or `None` if there is none before the end.
fn boundary_after(bytes: &[u8], from: usize, turtle: bool) -> Option<usize> {
    let tail = bytes.get(from..)?;
    let mut offset = 0;
    while let Some(nl) = tail.get(offset..)?.iter().position(|b| *b == b'\n') {
        let at = offset + nl;
        let line_end = tail.get(..at)?;
        let ok = !turtle
            || line_end
                .iter()
                .rev()
                .find(|b| !matches!(b, b' ' | b'\t' | b'\r'))
                == Some(&b'.');
        if ok {
            let cut = from + at + 1;
            return (cut < bytes.len()).then_some(cut);
        }
        offset = at + 1;
    }
    None
}

/// The prefixes and base IRI in force at the first triple of a Turtle document.
fn header_state(bytes: &[u8], base: Option<&str>) -> Option<State> {
    let mut parser = turtle_parser(base, &State::default())?.for_slice(bytes);
    parser.next()?.ok()?;
    Some(State {
        prefixes: parser
            .prefixes()
            .map(|(p, iri)| (p.to_owned(), iri.to_owned()))
            .collect(),
        base: parser.base_iri().map(str::to_owned),
    })
}

fn turtle_parser(base: Option<&str>, state: &State) -> Option<TurtleParser> {
    let mut parser = TurtleParser::new();
    if let Some(b) = state.base.as_deref().or(base) {
        parser = parser.with_base_iri(b).ok()?;
    }
    for (p, iri) in &state.prefixes {
        parser = parser.with_prefix(p.as_str(), iri.as_str()).ok()?;
    }
    Some(parser)
}

/// Parse one chunk; `None` on any syntax error. `resume` says the chunk starts with the
/// document's header state rather than at the start of the document.
fn parse_chunk(
    chunk: &[u8],
    syntax: RdfSyntax,
    base: Option<&str>,
    header: &State,
    resume: bool,
) -> Option<(Vec<Quad>, State)> {
    let mut quads = Vec::with_capacity(chunk.len() / 64);
    match syntax {
        RdfSyntax::Turtle => {
            let start = if resume { header } else { &State::default() };
            let mut parser = turtle_parser(base, start)?.for_slice(chunk);
            for t in &mut parser {
                quads.push(t.ok()?.in_graph(GraphName::DefaultGraph));
            }
            let state = State {
                prefixes: parser
                    .prefixes()
                    .map(|(p, iri)| (p.to_owned(), iri.to_owned()))
                    .collect(),
                base: parser.base_iri().map(str::to_owned),
            };
            Some((quads, state))
        }
        RdfSyntax::NTriples => {
            for t in NTriplesParser::new().for_slice(chunk) {
                quads.push(t.ok()?.in_graph(GraphName::DefaultGraph));
            }
            Some((quads, State::default()))
        }
        RdfSyntax::NQuads => {
            for q in NQuadsParser::new().for_slice(chunk) {
                quads.push(q.ok()?);
            }
            Some((quads, State::default()))
        }
        _ => None,
    }
}

/// Give every blank node a fresh label, the same one for the same label across the document
/// (what the one-thread parser's `rename_blank_nodes` does, per chunk there).
fn rename_blank_nodes(quads: &mut [Quad]) {
    let mut map: FxHashMap<String, BlankNode> = FxHashMap::default();
    let mut fresh =
        |b: &BlankNode| -> BlankNode { map.entry(b.as_str().to_owned()).or_default().clone() };
    for q in quads.iter_mut().filter(|q| has_blank_node(q)) {
        if let NamedOrBlankNode::BlankNode(b) = &q.subject {
            q.subject = fresh(b).into();
        }
        if let Term::BlankNode(b) = &q.object {
            q.object = fresh(b).into();
        }
        if let GraphName::BlankNode(b) = &q.graph_name {
            q.graph_name = fresh(b).into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_thread(bytes: &[u8], syntax: RdfSyntax) -> Vec<Quad> {
        oxigraph::io::RdfParser::from_format(syntax.to_format())
            .for_slice(bytes)
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn turtle_doc(n: usize) -> String {
        String::from("@prefix ex: <http://ex.org/> .\n@base <http://base.org/> .\n") + &body(n)
    }

    fn body(n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!(
                "ex:s{i} ex:p \"v{i}\" ;\n    ex:q <rel{i}> .\n# a comment .\n"
            ));
        }
        s
    }

    #[test]
    fn same_quads_as_one_thread_turtle() {
        let doc = turtle_doc(5000);
        let (quads, prefixes) = parse_on(doc.as_bytes(), RdfSyntax::Turtle, None, 2).unwrap();
        assert_eq!(quads, one_thread(doc.as_bytes(), RdfSyntax::Turtle));
        assert_eq!(
            prefixes,
            vec![("ex".to_owned(), "http://ex.org/".to_owned())]
        );
    }

    #[test]
    fn ntriples_and_nquads() {
        let mut nt = String::new();
        for i in 0..5000 {
            nt.push_str(&format!("<http://s/{i}> <http://p> \"o{i}\" .\n"));
        }
        let (q, _) = parse_on(nt.as_bytes(), RdfSyntax::NTriples, None, 2).unwrap();
        assert_eq!(q, one_thread(nt.as_bytes(), RdfSyntax::NTriples));
        let nq = nt.replace(" .\n", " <http://g> .\n");
        let (q, _) = parse_on(nq.as_bytes(), RdfSyntax::NQuads, None, 2).unwrap();
        assert_eq!(q, one_thread(nq.as_bytes(), RdfSyntax::NQuads));
    }

    #[test]
    fn a_prefix_declared_late_falls_back() {
        let mut doc = turtle_doc(1000);
        doc.push_str("@prefix late: <http://late.org/> .\n");
        doc.push_str(&body(1000).replace("ex:p", "late:p"));
        // Either the chunks agree with the one-thread parse, or the split is refused.
        if let Some((quads, _)) = parse_on(doc.as_bytes(), RdfSyntax::Turtle, None, 2) {
            assert_eq!(quads, one_thread(doc.as_bytes(), RdfSyntax::Turtle));
        }
        // A redefinition of a prefix in the first half must be refused.
        let mut doc = turtle_doc(1000);
        doc.push_str("@prefix ex: <http://other.org/> .\n");
        doc.push_str(&body(3000));
        assert!(parse_on(doc.as_bytes(), RdfSyntax::Turtle, None, 2).is_none());
    }

    #[test]
    fn a_long_string_across_the_cut_falls_back_or_matches() {
        let mut doc = turtle_doc(1000);
        doc.push_str("ex:x ex:p \"\"\"\n");
        for i in 0..3000 {
            doc.push_str(&format!("ex:fake{i} ex:p ex:o .\n"));
        }
        doc.push_str("\"\"\" .\n");
        if let Some((quads, _)) = parse_on(doc.as_bytes(), RdfSyntax::Turtle, None, 2) {
            assert_eq!(quads, one_thread(doc.as_bytes(), RdfSyntax::Turtle));
        }
    }

    #[test]
    fn blank_node_labels_are_shared_across_chunks() {
        let mut nt = String::new();
        for i in 0..5000 {
            nt.push_str(&format!("_:b{} <http://p> \"o{i}\" .\n", i % 7));
        }
        let (q, _) = parse_on(nt.as_bytes(), RdfSyntax::NTriples, None, 2).unwrap();
        let subjects: std::collections::HashSet<_> = q.iter().map(|q| q.subject.clone()).collect();
        assert_eq!(subjects.len(), 7);
        for i in 0..7 {
            let written = NamedOrBlankNode::from(BlankNode::new_unchecked(format!("b{i}")));
            assert!(!subjects.contains(&written), "renamed");
        }
    }

    #[test]
    fn three_chunks_and_a_prefix_in_the_middle_one() {
        let doc = turtle_doc(6000);
        let (quads, _) = parse_on(doc.as_bytes(), RdfSyntax::Turtle, None, 3).unwrap();
        assert_eq!(quads, one_thread(doc.as_bytes(), RdfSyntax::Turtle));
        let mut doc = turtle_doc(3000);
        doc.push_str("@prefix mid: <http://mid.org/> .\n");
        doc.push_str(&body(3000).replace("ex:p", "mid:p"));
        assert!(parse_on(doc.as_bytes(), RdfSyntax::Turtle, None, 3).is_none());
    }

    #[test]
    fn other_syntaxes_are_not_split() {
        let doc = turtle_doc(3000);
        assert!(parse_on(doc.as_bytes(), RdfSyntax::TriG, None, 2).is_none());
    }

    #[test]
    fn syntax_errors_fall_back() {
        let mut doc = turtle_doc(3000);
        doc.push_str("ex:broken ex:p .\n");
        assert!(parse_on(doc.as_bytes(), RdfSyntax::Turtle, None, 2).is_none());
    }

    #[test]
    fn small_documents_are_not_split() {
        let doc = turtle_doc(3);
        assert!(parse_on(doc.as_bytes(), RdfSyntax::Turtle, None, 2).is_none());
    }
}
