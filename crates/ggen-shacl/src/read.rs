//! Direct quad access to an oxigraph store (no SPARQL): the primitives the shapes parser and the
//! validator are built on.
//!
//! Literal objects are exact: where the store keeps a literal in canonical form
//! (`"5"^^xsd:byte` as `"5"^^xsd:integer`), the graph's side table
//! ([`ggen_graph::ExactLiterals`]) gives back what the data said, so value nodes, lexical forms
//! and datatypes are those of the input.

use std::collections::HashSet;

use ggen_graph::{ExactLiterals, Graph};
use oxigraph::model::{
    NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef,
};
use oxigraph::store::Store;

use crate::error::ShaclError;
use crate::vocab::{RDF_FIRST, RDF_NIL, RDF_REST};

/// Reads triples from every graph of a store (the union of the default graph and the named
/// graphs). When the store has named graphs, results are de-duplicated.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    store: &'a Store,
    exact: &'a ExactLiterals,
    dedup: bool,
}

/// The subject position of a term, when it can be a subject.
pub(crate) fn as_subject(term: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        Term::NamedNode(n) => Some(n.as_ref().into()),
        Term::BlankNode(b) => Some(b.as_ref().into()),
        _ => None,
    }
}

impl<'a> Reader<'a> {
    pub(crate) fn new(graph: &'a Graph) -> Result<Self, ShaclError> {
        let store = graph.store();
        let dedup = match store.named_graphs().next() {
            None => false,
            Some(r) => {
                r.map_err(ShaclError::store)?;
                true
            }
        };
        Ok(Self {
            store,
            exact: graph.exact_literals(),
            dedup,
        })
    }

    fn finish<T: Eq + std::hash::Hash + Clone>(&self, mut v: Vec<T>) -> Vec<T> {
        if self.dedup && v.len() > 1 {
            let mut seen = HashSet::with_capacity(v.len());
            v.retain(|t| seen.insert(t.clone()));
        }
        v
    }

    /// Objects of `(s, p, ?o)`.
    pub(crate) fn objects(
        &self,
        s: NamedOrBlankNodeRef<'_>,
        p: NamedNodeRef<'_>,
    ) -> Result<Vec<Term>, ShaclError> {
        let mut out = Vec::new();
        for q in self.store.quads_for_pattern(Some(s), Some(p), None, None) {
            out.push(q.map_err(ShaclError::store)?.object);
        }
        let mut out = self.finish(out);
        if !self.exact.is_empty() {
            self.exact.exact_objects(s, p, &mut out);
        }
        Ok(out)
    }

    /// Whether the data's object `o` of `(s, p, o)` is exactly `o` (the store matched `o` by
    /// its canonical form).
    fn exact_match(&self, s: NamedOrBlankNodeRef<'_>, p: NamedNodeRef<'_>, o: TermRef<'_>) -> bool {
        match o {
            TermRef::Literal(l) => self.exact.has_exact_object(s, p, l),
            _ => true,
        }
    }

    /// Objects of `(s, p, ?o)` for a term that may not be able to be a subject (then: none).
    pub(crate) fn objects_of_term(
        &self,
        s: &Term,
        p: NamedNodeRef<'_>,
    ) -> Result<Vec<Term>, ShaclError> {
        match as_subject(s) {
            Some(s) => self.objects(s, p),
            None => Ok(Vec::new()),
        }
    }

    /// Subjects of `(?s, p, o)`.
    pub(crate) fn subjects(
        &self,
        p: NamedNodeRef<'_>,
        o: TermRef<'_>,
    ) -> Result<Vec<Term>, ShaclError> {
        let mut out = Vec::new();
        for q in self.store.quads_for_pattern(None, Some(p), Some(o), None) {
            let s = q.map_err(ShaclError::store)?.subject;
            if self.exact_match(s.as_ref(), p, o) {
                out.push(Term::from(s));
            }
        }
        Ok(self.finish(out))
    }

    /// All `(s, o)` pairs of triples with predicate `p`.
    pub(crate) fn pairs(
        &self,
        p: NamedNodeRef<'_>,
    ) -> Result<Vec<(NamedOrBlankNode, Term)>, ShaclError> {
        let mut out = Vec::new();
        let mut expanded: HashSet<NamedOrBlankNode> = HashSet::new();
        for q in self.store.quads_for_pattern(None, Some(p), None, None) {
            let q = q.map_err(ShaclError::store)?;
            if let Term::Literal(l) = &q.object
                && let Some(e) = self.exact.get(q.subject.as_ref(), p)
                && e.has_stored(l.as_ref())
            {
                if expanded.insert(q.subject.clone()) {
                    for o in &e.originals {
                        out.push((q.subject.clone(), Term::Literal(o.clone())));
                    }
                }
                continue;
            }
            out.push((q.subject, q.object));
        }
        Ok(self.finish(out))
    }

    /// All `(p, o)` pairs of triples with subject `s`.
    pub(crate) fn outgoing(
        &self,
        s: NamedOrBlankNodeRef<'_>,
    ) -> Result<Vec<(NamedNode, Term)>, ShaclError> {
        let mut out = Vec::new();
        let mut expanded: Vec<NamedNode> = Vec::new();
        for q in self.store.quads_for_pattern(Some(s), None, None, None) {
            let q = q.map_err(ShaclError::store)?;
            if let Term::Literal(l) = &q.object
                && let Some(e) = self.exact.get(s, q.predicate.as_ref())
                && e.has_stored(l.as_ref())
            {
                if !expanded.contains(&q.predicate) {
                    for o in &e.originals {
                        out.push((q.predicate.clone(), Term::Literal(o.clone())));
                    }
                    expanded.push(q.predicate);
                }
                continue;
            }
            out.push((q.predicate, q.object));
        }
        Ok(self.finish(out))
    }

    /// Whether `(s, p, o)` is in the store.
    pub(crate) fn contains(
        &self,
        s: NamedOrBlankNodeRef<'_>,
        p: NamedNodeRef<'_>,
        o: TermRef<'_>,
    ) -> Result<bool, ShaclError> {
        match self
            .store
            .quads_for_pattern(Some(s), Some(p), Some(o), None)
            .next()
        {
            None => Ok(false),
            Some(r) => r
                .map(|_| self.exact_match(s, p, o))
                .map_err(ShaclError::store),
        }
    }

    /// The members of the RDF list starting at `head`, or a description of what is wrong.
    pub(crate) fn list(&self, head: &Term) -> Result<Result<Vec<Term>, String>, ShaclError> {
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        let mut node = head.clone();
        loop {
            if let Term::NamedNode(n) = &node
                && n.as_ref() == RDF_NIL
            {
                return Ok(Ok(items));
            }
            let Some(s) = as_subject(&node) else {
                return Ok(Err(format!("{node} is not an RDF list node")));
            };
            if !seen.insert(node.clone()) {
                return Ok(Err(format!("the RDF list is cyclic at {node}")));
            }
            let mut first = self.objects(s, RDF_FIRST)?;
            let mut rest = self.objects(s, RDF_REST)?;
            if first.len() != 1 || rest.len() != 1 {
                return Ok(Err(format!(
                    "list node {node} must have exactly one rdf:first and one rdf:rest (has {} and {})",
                    first.len(),
                    rest.len()
                )));
            }
            if let (Some(f), Some(r)) = (first.pop(), rest.pop()) {
                items.push(f);
                node = r;
            }
        }
    }
}
