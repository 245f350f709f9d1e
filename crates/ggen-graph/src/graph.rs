use oxigraph::io::RdfSerializer;
use oxigraph::model::Quad;
use oxigraph::store::Store;
use serde::Serialize;

use crate::build::GraphBuilder;
use crate::error::GraphError;
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
    ) -> Self {
        Self {
            store,
            prefixes,
            sources,
            len,
            canonical_sha256,
            base,
        }
    }

    /// An empty graph.
    pub fn empty() -> Result<Self, GraphError> {
        GraphBuilder::new().build()
    }

    /// Number of distinct quads.
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

    /// The underlying oxigraph store (read it; do not modify it).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// All quads, in the store's order.
    pub fn quads(&self) -> Result<Vec<Quad>, GraphError> {
        self.store
            .iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| GraphError::Store(e.to_string()))
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

    /// Serialize the dataset in canonical order to `syntax`. Syntaxes without named graphs get
    /// the default graph only.
    pub fn serialize(&self, syntax: RdfSyntax, prefixes: &Prefixes) -> Result<Vec<u8>, GraphError> {
        let mut serializer = RdfSerializer::from_format(syntax.to_format());
        for (p, iri) in prefixes.iter() {
            serializer = serializer
                .with_prefix(p, iri)
                .map_err(|e| GraphError::InvalidIri {
                    iri: iri.to_owned(),
                    message: e.to_string(),
                })?;
        }
        let mut quads = self.quads()?;
        let mut keyed: Vec<(String, Quad)> = quads.drain(..).map(|q| (q.to_string(), q)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut w = serializer.for_writer(Vec::new());
        for (_, q) in &keyed {
            if !syntax.supports_datasets() && !q.graph_name.is_default_graph() {
                continue;
            }
            w.serialize_quad(q)
                .map_err(|e| GraphError::Store(e.to_string()))?;
        }
        w.finish().map_err(|e| GraphError::Store(e.to_string()))
    }
}

impl GraphBuilder {
    /// Move everything collected by `other` into this builder.
    pub(crate) fn merge(mut self, other: GraphBuilder) -> GraphBuilder {
        self.absorb(other);
        self
    }
}
