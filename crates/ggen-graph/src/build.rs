use std::io::Read;
use std::path::{Path, PathBuf};

use ggen_core::{Location, hash::sha256_hex};
use oxigraph::io::{RdfParser, RdfSyntaxError};
use oxigraph::model::Quad;
use oxigraph::store::Store;

use crate::canon::{CanonicalOrder, canonicalize_quads};
use crate::error::GraphError;
use crate::exact::ExactLiterals;
use crate::graph::{Graph, SourceInfo};
use crate::prefixes::Prefixes;
use crate::syntax::RdfSyntax;

/// Collects RDF from several inputs and builds one [`Graph`].
///
/// Blank nodes are kept apart per input (two files that both say `_:b0` mean two different
/// nodes), and when the graph is built every blank node gets its RDFC-1.0 canonical label, so
/// the same data always yields the same store, whatever the order of the inputs.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    quads: Vec<Quad>,
    prefixes: Prefixes,
    sources: Vec<SourceInfo>,
    base: Option<String>,
}

impl GraphBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the base IRI used to resolve relative IRIs in the inputs added after this call.
    pub fn set_base(&mut self, base: Option<&str>) -> Result<(), GraphError> {
        if let Some(b) = base {
            oxrdf::NamedNode::new(b).map_err(|e| GraphError::InvalidIri {
                iri: b.to_owned(),
                message: e.to_string(),
            })?;
        }
        self.base = base.map(str::to_owned);
        Ok(())
    }

    /// Read and parse a file; the syntax comes from `syntax` or else from the extension.
    pub fn add_file(
        &mut self,
        path: &Path,
        syntax: Option<RdfSyntax>,
    ) -> Result<&SourceInfo, GraphError> {
        self.add_file_as(path, path, syntax)
    }

    /// Like [`add_file`](Self::add_file), naming the source `name` in errors and in
    /// [`Graph::sources`] (e.g. a path relative to the project root).
    pub fn add_file_as(
        &mut self,
        path: &Path,
        name: &Path,
        syntax: Option<RdfSyntax>,
    ) -> Result<&SourceInfo, GraphError> {
        let syntax = match syntax.or_else(|| RdfSyntax::from_path(path)) {
            Some(s) => s,
            None => {
                return Err(GraphError::UnknownSyntax {
                    path: name.to_path_buf(),
                    accepted: RdfSyntax::accepted_names(),
                });
            }
        };
        let bytes = std::fs::read(path).map_err(|e| GraphError::io(name, e))?;
        self.add_bytes(name, &bytes, syntax)
    }

    /// Parse inline text (e.g. `rdf_inline` Turtle in a template).
    pub fn add_text(
        &mut self,
        name: impl Into<PathBuf>,
        text: &str,
        syntax: RdfSyntax,
    ) -> Result<&SourceInfo, GraphError> {
        self.add_bytes(&name.into(), text.as_bytes(), syntax)
    }

    /// Parse bytes of the given syntax, naming them `name` in errors.
    pub fn add_bytes(
        &mut self,
        name: &Path,
        bytes: &[u8],
        syntax: RdfSyntax,
    ) -> Result<&SourceInfo, GraphError> {
        let span = tracing::debug_span!("parse", file = %name.display(), %syntax).entered();
        // Hash the source on a second thread while parsing large inputs.
        let (parsed, sha256) = if bytes.len() >= PARALLEL_BYTES {
            std::thread::scope(|scope| {
                // (No thread: hash here after parsing.)
                let sha = std::thread::Builder::new()
                    .spawn_scoped(scope, || sha256_hex(bytes))
                    .ok();
                let parsed = parse(name, bytes, syntax, self.base.as_deref());
                let sha = match sha {
                    Some(h) => h.join(),
                    None => Ok(sha256_hex(bytes)),
                };
                (parsed, sha)
            })
        } else {
            (
                parse(name, bytes, syntax, self.base.as_deref()),
                Ok(sha256_hex(bytes)),
            )
        };
        let (quads, prefixes) = parsed?;
        let sha256 = sha256.map_err(|_| GraphError::Store("the hashing worker panicked".into()))?;
        drop(span);
        for (p, iri) in prefixes {
            self.prefixes.insert_if_absent(&p, &iri);
        }
        let info = SourceInfo {
            path: ggen_core::fs::slash_path(name),
            syntax,
            sha256,
            triples: quads.len(),
        };
        if self.quads.is_empty() {
            self.quads = quads;
        } else {
            self.quads.extend(quads);
        }
        self.sources.push(info);
        self.sources
            .last()
            .ok_or_else(|| GraphError::Store("source list is empty".into()))
    }

    /// Add already-parsed quads (their blank nodes must not clash with other inputs').
    pub fn add_quads(&mut self, quads: impl IntoIterator<Item = Quad>) {
        self.quads.extend(quads);
    }

    /// Add prefixes (they do not override ones already collected).
    pub fn add_prefixes(&mut self, prefixes: &Prefixes) {
        for (p, iri) in prefixes.iter() {
            self.prefixes.insert_if_absent(p, iri);
        }
    }

    /// Number of quads collected so far (before de-duplication).
    pub fn quad_count(&self) -> usize {
        self.quads.len()
    }

    pub(crate) fn absorb(&mut self, other: GraphBuilder) {
        self.quads.extend(other.quads);
        self.add_prefixes(&other.prefixes);
        self.sources.extend(other.sources);
    }

    /// Canonicalize and load everything into an in-memory store.
    ///
    /// Steps: RDFC-1.0 blank node labels (when there are blank nodes), the canonical N-Quads
    /// order and SHA-256, the side table of literals the store rewrites
    /// ([`ExactLiterals`]), and the store, loaded in canonical order so that it iterates the
    /// same way for the same data. Large inputs use a second thread: to format and sort half of
    /// the lines, then for the hash and the side table while the store is loaded.
    pub fn build(self) -> Result<Graph, GraphError> {
        let _span = tracing::debug_span!("build_graph", quads = self.quads.len()).entered();
        let quads = canonicalize_quads(self.quads);
        let parallel = quads.len() >= PARALLEL_THRESHOLD;
        let order = if parallel {
            CanonicalOrder::new_parallel(&quads)
        } else {
            CanonicalOrder::new(&quads)
        };
        let store = Store::new().map_err(|e| GraphError::Store(e.to_string()))?;
        let text = order.text();
        let side_work = || (text.sha256(), ExactLiterals::from_quads(&quads));
        let (loaded, (sha, exact)) = if parallel {
            ggen_core::par::join(|| load_in_order(&store, &quads, &order), side_work)
        } else {
            (load_in_order(&store, &quads, &order), side_work())
        };
        loaded?;
        let len = order.len();
        if parallel {
            // Freeing a large parse takes a while and nothing waits for it.
            ggen_core::par::drop_in_background((quads, order));
        } else {
            drop((quads, order));
        }
        let mut sources = self.sources;
        sources.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Graph::from_parts(
            store,
            self.prefixes,
            sources,
            len,
            sha,
            self.base,
            exact,
        ))
    }
}

/// Insert the quads into the store in canonical order (one transaction, by reference).
fn load_in_order(store: &Store, quads: &[Quad], order: &CanonicalOrder) -> Result<(), GraphError> {
    let mut tx = store
        .start_transaction()
        .map_err(|e| GraphError::Store(e.to_string()))?;
    for q in order.indices().filter_map(|i| quads.get(i)) {
        tx.insert(q.as_ref());
    }
    tx.commit().map_err(|e| GraphError::Store(e.to_string()))
}

/// From this many quads on, [`GraphBuilder::build`] and source hashing use a second thread.
const PARALLEL_THRESHOLD: usize = 4_096;

/// From this many bytes on, the source is hashed on a second thread while it is parsed.
const PARALLEL_BYTES: usize = 1 << 20;

use crate::parallel::Parsed;

/// Parse a document: on several threads when it is large enough and can be split safely
/// ([`crate::parallel`]), else on this one (which also locates syntax errors exactly).
fn parse(
    name: &Path,
    bytes: &[u8],
    syntax: RdfSyntax,
    base: Option<&str>,
) -> Result<Parsed, GraphError> {
    if let Some(parsed) = crate::parallel::parse(bytes, syntax, base) {
        return Ok(parsed);
    }
    let parser = make_parser(syntax, base)?;
    let mut it = parser.for_slice(bytes);
    let mut quads = Vec::new();
    for q in &mut it {
        match q {
            Ok(q) => quads.push(q),
            Err(e) => return Err(syntax_error(name, bytes, syntax, base, &e)),
        }
    }
    let prefixes = it
        .prefixes()
        .map(|(p, iri)| (p.to_owned(), iri.to_owned()))
        .collect();
    Ok((quads, prefixes))
}

fn make_parser(syntax: RdfSyntax, base: Option<&str>) -> Result<RdfParser, GraphError> {
    let mut parser = RdfParser::from_format(syntax.to_format()).rename_blank_nodes();
    if let Some(b) = base {
        parser = parser
            .with_base_iri(b)
            .map_err(|e| GraphError::InvalidIri {
                iri: b.to_owned(),
                message: e.to_string(),
            })?;
    }
    Ok(parser)
}

fn syntax_error(
    name: &Path,
    bytes: &[u8],
    syntax: RdfSyntax,
    base: Option<&str>,
    e: &RdfSyntaxError,
) -> GraphError {
    let raw = e.to_string();
    let location = match e.location() {
        Some(range) => Location::at(name, range.start.line + 1, range.start.column + 1),
        None => match locate_by_reparsing(bytes, syntax, base) {
            Some(offset) => {
                let text = String::from_utf8_lossy(bytes);
                let (line, column) = ggen_core::line_col_of_offset(&text, offset);
                Location::at(name, line, column)
            }
            None => Location::file(name),
        },
    };
    GraphError::Syntax {
        location,
        syntax: syntax_label(syntax),
        message: strip_position_prefix(&raw),
    }
}

fn syntax_label(syntax: RdfSyntax) -> &'static str {
    match syntax {
        RdfSyntax::Turtle => "Turtle",
        RdfSyntax::NTriples => "N-Triples",
        RdfSyntax::NQuads => "N-Quads",
        RdfSyntax::TriG => "TriG",
        RdfSyntax::RdfXml => "RDF/XML",
        RdfSyntax::JsonLd => "JSON-LD",
        RdfSyntax::N3 => "N3",
    }
}

/// oxttl prefixes its messages with "Parser error at line L column C: "; the location is
/// reported separately, so keep only the message.
fn strip_position_prefix(msg: &str) -> String {
    if msg.starts_with("Parser error")
        && let Some(i) = msg.find(": ")
    {
        return msg.get(i + 2..).unwrap_or(msg).to_owned();
    }
    msg.to_owned()
}

/// A reader that hands out one byte per call, so the number of bytes consumed when a streaming
/// parser fails is the position of the failure (used only on the error path, for parsers whose
/// errors carry no position, such as RDF/XML).
struct ByteByByte<'a> {
    data: &'a [u8],
    pos: std::rc::Rc<std::cell::Cell<usize>>,
}

impl Read for ByteByByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let pos = self.pos.get();
        match (self.data.get(pos), buf.first_mut()) {
            (Some(b), Some(slot)) => {
                *slot = *b;
                self.pos.set(pos + 1);
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

fn locate_by_reparsing(bytes: &[u8], syntax: RdfSyntax, base: Option<&str>) -> Option<usize> {
    let parser = make_parser(syntax, base).ok()?;
    let pos = std::rc::Rc::new(std::cell::Cell::new(0));
    let reader = ByteByByte {
        data: bytes,
        pos: pos.clone(),
    };
    for q in parser.for_reader(reader) {
        if q.is_err() {
            // The failing token has been read; point at its last byte.
            return Some(pos.get().saturating_sub(1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turtle_error_names_file_line_column() {
        let mut b = GraphBuilder::new();
        let err = b
            .add_text(
                "shop.ttl",
                "@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c ;\n  ex:d \"x .\n",
                RdfSyntax::Turtle,
            )
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("shop.ttl:3:"), "{msg}");
        assert!(msg.contains("invalid Turtle"), "{msg}");
        let loc = ggen_core::Diagnostic::location(&err).unwrap();
        assert_eq!(loc.line, Some(3));
    }

    #[test]
    fn errors_in_large_documents_keep_their_exact_position() {
        // Large enough to be parsed on several threads; the error is in the second half.
        let mut ttl = String::from("@prefix ex: <http://ex.org/> .\n");
        for i in 0..4000 {
            ttl.push_str(&format!("ex:s{i} ex:p \"v{i}\" .\n"));
        }
        ttl.push_str("ex:bad ex:p \"unterminated .\n");
        let mut b = GraphBuilder::new();
        let err = b.add_text("big.ttl", &ttl, RdfSyntax::Turtle).unwrap_err();
        let loc = ggen_core::Diagnostic::location(&err).unwrap();
        assert_eq!(loc.line, Some(4002), "{err}");
        let nt: String = (0..4000)
            .map(|i| format!("<http://s/{i}> <http://p> \"v\" .\n"))
            .chain(std::iter::once("<http://s> <http://p> .\n".to_owned()))
            .collect();
        let err = b.add_text("big.nt", &nt, RdfSyntax::NTriples).unwrap_err();
        let loc = ggen_core::Diagnostic::location(&err).unwrap();
        assert_eq!(loc.line, Some(4001), "{err}");
    }

    #[test]
    fn large_documents_load_as_on_one_thread() {
        // Turtle is parsed on several threads when large; the same text read as TriG (which is
        // never split) must give the same dataset.
        let mut ttl = String::from("@prefix ex: <http://ex.org/> .\n");
        for i in 0..4000 {
            ttl.push_str(&format!(
                "ex:s{i} ex:p [ ex:q \"v{i}\" ] ; ex:r _:shared, <rel{i}> .\n"
            ));
        }
        let load = |syntax| {
            let mut b = GraphBuilder::new();
            b.set_base(Some("http://base.org/")).unwrap();
            b.add_text("big", &ttl, syntax).unwrap();
            b.build().unwrap()
        };
        let (turtle, trig) = (load(RdfSyntax::Turtle), load(RdfSyntax::TriG));
        assert_eq!(turtle.len(), 4000 * 4);
        assert_eq!(turtle.canonical_sha256(), trig.canonical_sha256());
        let rows = turtle
            .select(
                "SELECT DISTINCT ?o WHERE { ?s <http://ex.org/r> ?o FILTER isBlank(?o) }",
                &Default::default(),
            )
            .unwrap();
        assert_eq!(rows.rows.len(), 1, "one _:shared node across the chunks");
    }

    #[test]
    fn rdfxml_error_has_a_position() {
        let xml = "<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n  <rdf:Description rdf:about=\"http://ex.org/a\">\n    <broken\n</rdf:RDF>\n";
        let mut b = GraphBuilder::new();
        let err = b.add_text("a.rdf", xml, RdfSyntax::RdfXml).unwrap_err();
        let loc = ggen_core::Diagnostic::location(&err).unwrap().clone();
        assert!(loc.line.unwrap() >= 4, "{err}");
    }

    #[test]
    fn jsonld_error_has_a_position() {
        let mut b = GraphBuilder::new();
        let err = b
            .add_text(
                "a.jsonld",
                "{\n  \"@id\": \"http://ex.org/a\",\n  \"http://ex.org/p\": [1,\n}",
                RdfSyntax::JsonLd,
            )
            .unwrap_err();
        let loc = ggen_core::Diagnostic::location(&err).unwrap().clone();
        assert!(loc.line.is_some(), "{err}");
    }

    #[test]
    fn relative_iri_without_base_is_an_error_and_with_base_resolves() {
        let mut b = GraphBuilder::new();
        assert!(
            b.add_text("a.ttl", "<a> <b> <c> .", RdfSyntax::Turtle)
                .is_err()
        );
        let mut b = GraphBuilder::new();
        b.set_base(Some("http://ex.org/")).unwrap();
        b.add_text("a.ttl", "<a> <b> <c> .", RdfSyntax::Turtle)
            .unwrap();
        let g = b.build().unwrap();
        assert_eq!(g.len(), 1);
    }

    #[test]
    fn blank_nodes_of_different_files_stay_apart() {
        let mut b = GraphBuilder::new();
        b.add_text("a.ttl", "_:x <http://p> \"a\" .", RdfSyntax::Turtle)
            .unwrap();
        b.add_text("b.ttl", "_:x <http://p> \"b\" .", RdfSyntax::Turtle)
            .unwrap();
        let g = b.build().unwrap();
        let rows = g
            .select("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", &Default::default())
            .unwrap();
        assert_eq!(rows.rows.len(), 2);
    }

    #[test]
    fn missing_file_and_unknown_extension() {
        let mut b = GraphBuilder::new();
        let e = b
            .add_file(Path::new("/nonexistent/x.ttl"), None)
            .unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.ttl"), "{e}");
        let e = b.add_file(Path::new("data.yaml"), None).unwrap_err();
        assert!(e.to_string().contains("--format"), "{e}");
    }
}
