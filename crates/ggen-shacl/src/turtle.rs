//! The report as a standard `sh:ValidationReport` RDF graph, in Turtle.

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

use crate::error::ShaclError;
use crate::path::Path;
use crate::report::ValidationReport;
use crate::vocab::*;

struct Builder {
    triples: Vec<Triple>,
    counter: usize,
    prefix: String,
}

impl Builder {
    fn fresh(&mut self) -> BlankNode {
        self.counter += 1;
        BlankNode::new_unchecked(format!("{}-{}", self.prefix, self.counter))
    }

    fn add(
        &mut self,
        s: impl Into<NamedOrBlankNode>,
        p: oxigraph::model::NamedNodeRef<'_>,
        o: impl Into<Term>,
    ) {
        self.triples.push(Triple::new(s, p.into_owned(), o));
    }

    /// Write a path as SHACL path triples; returns the path's node.
    fn path(&mut self, path: &Path) -> Term {
        match path {
            Path::Predicate(p) => Term::NamedNode(p.clone()),
            Path::Sequence(items) => self.list(items),
            Path::Alternative(items) => {
                let node = self.fresh();
                let list = self.list(items);
                self.add(node.clone(), SH_ALTERNATIVE_PATH, list);
                node.into()
            }
            Path::Inverse(inner)
            | Path::ZeroOrMore(inner)
            | Path::OneOrMore(inner)
            | Path::ZeroOrOne(inner) => {
                let pred = match path {
                    Path::Inverse(_) => SH_INVERSE_PATH,
                    Path::ZeroOrMore(_) => SH_ZERO_OR_MORE_PATH,
                    Path::OneOrMore(_) => SH_ONE_OR_MORE_PATH,
                    _ => SH_ZERO_OR_ONE_PATH,
                };
                let node = self.fresh();
                let inner = self.path(inner);
                self.add(node.clone(), pred, inner);
                node.into()
            }
        }
    }

    fn list(&mut self, items: &[Path]) -> Term {
        let nodes: Vec<BlankNode> = items.iter().map(|_| self.fresh()).collect();
        for (i, (node, item)) in nodes.iter().zip(items).enumerate() {
            let value = self.path(item);
            self.add(node.clone(), RDF_FIRST, value);
            let rest: Term = match nodes.get(i + 1) {
                Some(next) => next.clone().into(),
                None => RDF_NIL.into_owned().into(),
            };
            self.add(node.clone(), RDF_REST, rest);
        }
        match nodes.first() {
            Some(first) => first.clone().into(),
            None => RDF_NIL.into_owned().into(),
        }
    }
}

impl ValidationReport {
    /// The report as `sh:ValidationReport` triples: the report node `_:report` with
    /// `sh:conforms` and one `sh:result` per result (`_:result-N`), each with `sh:focusNode`,
    /// `sh:resultPath` (as SHACL path nodes), `sh:value`, `sh:resultSeverity`,
    /// `sh:sourceShape`, `sh:sourceConstraintComponent` and `sh:resultMessage`.
    pub fn to_triples(&self) -> Vec<Triple> {
        let report = BlankNode::new_unchecked("report");
        let mut b = Builder {
            triples: Vec::new(),
            counter: 0,
            prefix: "result".to_owned(),
        };
        b.add(report.clone(), RDF_TYPE, SH_VALIDATION_REPORT.into_owned());
        b.add(report.clone(), SH_CONFORMS, Literal::from(self.conforms()));
        let nodes: Vec<BlankNode> = self.results().iter().map(|_| b.fresh()).collect();
        for node in &nodes {
            b.add(report.clone(), SH_RESULT, node.clone());
        }
        for (r, node) in self.results().iter().zip(nodes) {
            b.add(node.clone(), RDF_TYPE, SH_VALIDATION_RESULT.into_owned());
            b.add(node.clone(), SH_FOCUS_NODE, r.focus_node.clone());
            if let Some(p) = &r.result_path {
                let path = b.path(p);
                b.add(node.clone(), SH_RESULT_PATH, path);
            }
            if let Some(v) = &r.value {
                b.add(node.clone(), SH_VALUE, v.clone());
            }
            b.add(
                node.clone(),
                SH_RESULT_SEVERITY,
                NamedNode::new_unchecked(r.severity.iri()),
            );
            b.add(
                node.clone(),
                SH_SOURCE_SHAPE,
                self.shape_node(&r.source_shape),
            );
            b.add(
                node.clone(),
                SH_SOURCE_CONSTRAINT_COMPONENT,
                NamedNode::new_unchecked(r.source_constraint_component.iri()),
            );
            for m in &r.messages {
                b.add(node.clone(), SH_RESULT_MESSAGE, m.clone());
            }
        }
        b.triples
    }

    /// The report graph ([`to_triples`](Self::to_triples)) in Turtle, with the report's
    /// prefixes. The same report always gives the same bytes.
    pub fn to_turtle(&self) -> Result<String, ShaclError> {
        let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle);
        for (prefix, iri) in self.prefixes.iter() {
            serializer = serializer
                .with_prefix(prefix, iri)
                .map_err(|e| ShaclError::Serialize(format!("prefix {prefix}: <{iri}>: {e}")))?;
        }
        let mut w = serializer.for_writer(Vec::new());
        for t in self.to_triples() {
            w.serialize_triple(&t)
                .map_err(|e| ShaclError::Serialize(e.to_string()))?;
        }
        let bytes = w
            .finish()
            .map_err(|e| ShaclError::Serialize(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| ShaclError::Serialize(e.to_string()))
    }
}
