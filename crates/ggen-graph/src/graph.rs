use std::sync::Arc;

use oxigraph::model::{Literal, NamedNodeRef, NamedOrBlankNodeRef, Quad};
use oxigraph::store::Store;
use serde::Serialize;

use crate::build::GraphBuilder;
use crate::error::GraphError;
use crate::exact::ExactLiterals;
use crate::prefixes::Prefixes;
use crate::syntax::RdfSyntax;

/// One input of a graph: where it came from and what it contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// The input's name (a path relative to the project when loaded by the engine).
    pub path: String,
    /// Its syntax.
    #[serde(serialize_with = "ser_syntax")]
    pub syntax: RdfSyntax,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Number of quads parsed from it (before de-duplication across inputs).
    pub triples: usize,
}

fn ser_syntax<S: serde::Serializer>(s: &RdfSyntax, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.name())
}

/// A loaded, canonicalized RDF dataset in an in-memory SPARQL store.
#[derive(Clone)]
pub struct Graph {
    store: Store,
    prefixes: Prefixes,
    sources: Vec<SourceInfo>,
    len: usize,
    canonical_sha256: String,
    base: Option<String>,
    exact: Arc<ExactLiterals>,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("len", &self.len)
            .field("canonical_sha256", &self.canonical_sha256)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

impl Graph {
    pub(crate) fn from_parts(
        store: Store,
        prefixes: Prefixes,
        sources: Vec<SourceInfo>,
        len: usize,
        canonical_sha256: String,
        base: Option<String>,
        exact: ExactLiterals,
    ) -> Self {
        Self {
            store,
            prefixes,
            sources,
            len,
            canonical_sha256,
            base,
            exact: Arc::new(exact),
        }
    }

    /// An empty graph.
    pub fn empty() -> Result<Self, GraphError> {
        GraphBuilder::new().build()
    }

    /// Number of distinct quads (as written: literals the store keeps in canonical form, such as
    /// `"07"^^xsd:integer` next to `"7"^^xsd:integer`, count separately).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the graph has no quads.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// SHA-256 (hex) of the RDFC-1.0 canonical N-Quads of the whole dataset.
    pub fn canonical_sha256(&self) -> &str {
        &self.canonical_sha256
    }

    /// The inputs, sorted by name.
    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    /// Prefixes declared by the inputs (first declaration of each prefix wins).
    pub fn prefixes(&self) -> &Prefixes {
        &self.prefixes
    }

    /// The base IRI used while loading, if any.
    pub fn base(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// The underlying oxigraph store (read it; do not modify it). Literals of the XSD types it
    /// encodes natively come back in canonical form (see [`exact_literals`](Self::exact_literals)).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The side table of literals the store keeps in another form than the inputs wrote them.
    pub fn exact_literals(&self) -> &ExactLiterals {
        &self.exact
    }

    /// The original literal objects of `(s, p, ?)` over all graphs, when some of them are kept
    /// in another form by the store (`None` when the store's objects are exact).
    pub fn original_objects(
        &self,
        s: NamedOrBlankNodeRef<'_>,
        p: NamedNodeRef<'_>,
    ) -> Option<&[Literal]> {
        self.exact.get(s, p).map(|e| e.originals.as_slice())
    }

    /// All quads, as the inputs wrote them (exact literals), in the store's order.
    pub fn quads(&self) -> Result<Vec<Quad>, GraphError> {
        let mut out = Vec::with_capacity(self.len);
        for q in self.store.iter() {
            let q = q.map_err(|e| GraphError::Store(e.to_string()))?;
            if self.exact.is_empty() {
                out.push(q);
            } else {
                self.exact.expand(q, &mut out);
            }
        }
        Ok(out)
    }

    /// A new graph with this graph's quads plus everything in `extra` (its sources are added to
    /// this graph's). Blank nodes are canonicalized again over the union.
    pub fn extended(&self, extra: GraphBuilder) -> Result<Graph, GraphError> {
        let mut builder = GraphBuilder::new();
        builder.set_base(self.base.as_deref())?;
        builder.add_quads(self.quads()?);
        builder.add_prefixes(&self.prefixes);
        let mut graph = builder.merge(extra).build()?;
        let mut sources = self.sources.clone();
        sources.append(&mut graph.sources);
        sources.sort_by(|a, b| a.path.cmp(&b.path));
        graph.sources = sources;
        Ok(graph)
    }

    /// A new graph with this graph's quads plus `quads` (e.g. the result of CONSTRUCT queries).
    pub fn with_quads(&self, quads: Vec<Quad>) -> Result<Graph, GraphError> {
        let mut extra = GraphBuilder::new();
        extra.add_quads(quads);
        self.extended(extra)
    }

    /// Serialize the dataset in canonical order to `syntax`, declaring `prefixes` where the
    /// syntax has prefixes. Syntaxes without named graphs get the default graph only (use
    /// [`export`](crate::export::export) to refuse instead).
    pub fn serialize(&self, syntax: RdfSyntax, prefixes: &Prefixes) -> Result<Vec<u8>, GraphError> {
        let options = crate::export::ExportOptions::new(syntax)
            .with_prefixes(prefixes.clone())
            .default_graph_only();
        crate::export::export(self, &options)
    }
}

impl GraphBuilder {
    /// Move everything collected by `other` into this builder.
    pub(crate) fn merge(mut self, other: GraphBuilder) -> GraphBuilder {
        self.absorb(other);
        self
    }
}
