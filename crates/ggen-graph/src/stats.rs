//! Counting what a graph holds: triples, distinct terms, classes, properties, namespaces.

use std::collections::BTreeMap;

use oxigraph::model::{GraphName, NamedOrBlankNode, Term};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::error::GraphError;
use crate::graph::Graph;
use crate::prefixes::Prefixes;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDFS_CLASS: &str = "http://www.w3.org/2000/01/rdf-schema#Class";
const OWL_CLASS: &str = "http://www.w3.org/2002/07/owl#Class";

/// A class: its IRI, its shortened form, and how many distinct subjects have it as `rdf:type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassCount {
    /// The class (IRI, or `_:label` for a blank node).
    pub class: String,
    /// The class shortened with the prefixes, when possible.
    pub short: Option<String>,
    /// Distinct instances (subjects with `rdf:type` the class).
    pub instances: usize,
}

/// A predicate and the number of triples that use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyCount {
    /// The predicate IRI.
    pub property: String,
    /// The predicate shortened with the prefixes, when possible.
    pub short: Option<String>,
    /// Triples with this predicate.
    pub triples: usize,
}

/// A namespace (an IRI up to its last `#` or `/`) and the distinct IRIs in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespaceCount {
    /// The namespace IRI.
    pub namespace: String,
    /// Its prefix, when one of the prefixes maps to exactly this namespace.
    pub prefix: Option<String>,
    /// Distinct IRIs of the graph in this namespace (in any position, datatypes included).
    pub iris: usize,
}

/// What [`stats`] counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphStats {
    /// Quads (triples of all graphs), as [`Graph::len`].
    pub triples: usize,
    /// Triples in the default graph.
    pub default_graph_triples: usize,
    /// Named graphs.
    pub named_graphs: usize,
    /// Distinct subjects.
    pub subjects: usize,
    /// Distinct predicates.
    pub predicates: usize,
    /// Distinct objects.
    pub objects: usize,
    /// Distinct literals (in object position).
    pub literals: usize,
    /// Distinct blank nodes (in any position).
    pub blank_nodes: usize,
    /// Classes: the objects of `rdf:type`, and resources declared `rdfs:Class` or `owl:Class`
    /// (possibly with no instances). Most instances first, then by IRI.
    pub classes: Vec<ClassCount>,
    /// Predicates, most used first, then by IRI.
    pub properties: Vec<PropertyCount>,
    /// Namespaces, most IRIs first, then by namespace.
    pub namespaces: Vec<NamespaceCount>,
}

/// The namespace of an IRI: up to and including its last `#`, else its last `/` (after the
/// authority), else its last `:`.
pub fn namespace_of(iri: &str) -> &str {
    let cut = iri
        .rfind('#')
        .or_else(|| {
            iri.rfind('/')
                .filter(|i| iri.get(..*i).is_some_and(|h| !h.ends_with('/')))
        })
        .or_else(|| iri.rfind(':'));
    match cut {
        Some(i) => iri.get(..=i).unwrap_or(iri),
        None => iri,
    }
}

/// Count a graph (exact literals: `"07"^^xsd:integer` and `"7"^^xsd:integer` are two
/// literals). `prefixes` shorten IRIs and name namespaces.
pub fn stats(graph: &Graph, prefixes: &Prefixes) -> Result<GraphStats, GraphError> {
    let quads = graph.quads()?;
    let mut subjects: FxHashSet<&NamedOrBlankNode> = FxHashSet::default();
    let mut predicates: FxHashMap<&str, usize> = FxHashMap::default();
    let mut objects: FxHashSet<&Term> = FxHashSet::default();
    let mut literals = 0usize;
    let mut blank: FxHashSet<&str> = FxHashSet::default();
    let mut graphs: FxHashSet<&GraphName> = FxHashSet::default();
    let mut iris: FxHashSet<&str> = FxHashSet::default();
    let mut instances: FxHashMap<String, FxHashSet<&NamedOrBlankNode>> = FxHashMap::default();
    let mut default_graph_triples = 0;
    for q in &quads {
        subjects.insert(&q.subject);
        *predicates.entry(q.predicate.as_str()).or_default() += 1;
        if objects.insert(&q.object) && matches!(q.object, Term::Literal(_)) {
            literals += 1;
        }
        match &q.subject {
            NamedOrBlankNode::NamedNode(n) => {
                iris.insert(n.as_str());
            }
            NamedOrBlankNode::BlankNode(b) => {
                blank.insert(b.as_str());
            }
        }
        iris.insert(q.predicate.as_str());
        match &q.object {
            Term::NamedNode(n) => {
                iris.insert(n.as_str());
            }
            Term::BlankNode(b) => {
                blank.insert(b.as_str());
            }
            Term::Literal(l) => {
                iris.insert(l.datatype().as_str());
            }
            #[allow(unreachable_patterns)]
            _ => {}
        }
        match &q.graph_name {
            GraphName::DefaultGraph => default_graph_triples += 1,
            GraphName::NamedNode(n) => {
                iris.insert(n.as_str());
                graphs.insert(&q.graph_name);
            }
            GraphName::BlankNode(b) => {
                blank.insert(b.as_str());
                graphs.insert(&q.graph_name);
            }
        }
        if q.predicate.as_str() == RDF_TYPE {
            let class = match &q.object {
                Term::NamedNode(n) => n.as_str().to_owned(),
                Term::BlankNode(b) => format!("_:{}", b.as_str()),
                _ => continue,
            };
            instances.entry(class).or_default().insert(&q.subject);
            if let Term::NamedNode(n) = &q.object
                && matches!(n.as_str(), RDFS_CLASS | OWL_CLASS)
            {
                let declared = match &q.subject {
                    NamedOrBlankNode::NamedNode(s) => s.as_str().to_owned(),
                    NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
                };
                instances.entry(declared).or_default();
            }
        }
    }
    let short = |iri: &str| prefixes.shorten(iri);
    let mut classes: Vec<ClassCount> = instances
        .into_iter()
        .map(|(class, members)| ClassCount {
            short: short(&class),
            class,
            instances: members.len(),
        })
        .collect();
    classes.sort_by(|a, b| {
        b.instances
            .cmp(&a.instances)
            .then_with(|| a.class.cmp(&b.class))
    });
    let mut properties: Vec<PropertyCount> = predicates
        .iter()
        .map(|(p, n)| PropertyCount {
            property: (*p).to_owned(),
            short: short(p),
            triples: *n,
        })
        .collect();
    properties.sort_by(|a, b| {
        b.triples
            .cmp(&a.triples)
            .then_with(|| a.property.cmp(&b.property))
    });
    let mut by_ns: BTreeMap<&str, usize> = BTreeMap::new();
    for iri in &iris {
        *by_ns.entry(namespace_of(iri)).or_default() += 1;
    }
    let mut namespaces: Vec<NamespaceCount> = by_ns
        .into_iter()
        .map(|(ns, n)| NamespaceCount {
            namespace: ns.to_owned(),
            prefix: prefixes
                .iter()
                .find(|(_, iri)| *iri == ns)
                .map(|(p, _)| p.to_owned()),
            iris: n,
        })
        .collect();
    namespaces.sort_by(|a, b| {
        b.iris
            .cmp(&a.iris)
            .then_with(|| a.namespace.cmp(&b.namespace))
    });
    Ok(GraphStats {
        triples: graph.len(),
        default_graph_triples,
        named_graphs: graphs.len(),
        subjects: subjects.len(),
        predicates: predicates.len(),
        objects: objects.len(),
        literals,
        blank_nodes: blank.len(),
        classes,
        properties,
        namespaces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GraphBuilder, RdfSyntax};

    #[test]
    fn counts_a_tiny_graph_exactly() {
        let mut b = GraphBuilder::new();
        b.add_text(
            "t.ttl",
            "@prefix ex: <http://ex.org/ns#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n\
             ex:Person a owl:Class . ex:Pet a owl:Class .\n\
             ex:alice a ex:Person ; ex:name \"Alice\" ; ex:age 30 ; ex:knows ex:bob .\n\
             ex:bob a ex:Person ; ex:name \"Bob\" ; ex:age 30 ; ex:address [ ex:city \"Oslo\" ] .\n",
            RdfSyntax::Turtle,
        )
        .unwrap();
        let g = b.build().unwrap();
        let mut p = Prefixes::new();
        p.insert("ex", "http://ex.org/ns#");
        let s = stats(&g, &p).unwrap();
        assert_eq!(s.triples, 11);
        assert_eq!(s.default_graph_triples, 11);
        assert_eq!(s.named_graphs, 0);
        // ex:Person ex:Pet ex:alice ex:bob _:addr
        assert_eq!(s.subjects, 5);
        // rdf:type ex:name ex:age ex:knows ex:address ex:city
        assert_eq!(s.predicates, 6);
        // owl:Class ex:Person "Alice" 30 ex:bob "Bob" _:addr "Oslo"
        assert_eq!(s.objects, 8);
        assert_eq!(s.literals, 4);
        assert_eq!(s.blank_nodes, 1);
        let classes: Vec<(&str, usize)> = s
            .classes
            .iter()
            .map(|c| (c.class.as_str(), c.instances))
            .collect();
        assert_eq!(
            classes,
            vec![
                ("http://ex.org/ns#Person", 2),
                ("http://www.w3.org/2002/07/owl#Class", 2),
                ("http://ex.org/ns#Pet", 0),
            ]
        );
        assert_eq!(s.classes[0].short.as_deref(), Some("ex:Person"));
        assert_eq!(s.properties[0].property, RDF_TYPE);
        assert_eq!(s.properties[0].triples, 4);
        let ns: Vec<(&str, Option<&str>, usize)> = s
            .namespaces
            .iter()
            .map(|n| (n.namespace.as_str(), n.prefix.as_deref(), n.iris))
            .collect();
        assert_eq!(
            ns,
            vec![
                ("http://ex.org/ns#", Some("ex"), 9),
                ("http://www.w3.org/2001/XMLSchema#", None, 2),
                ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", None, 1),
                ("http://www.w3.org/2002/07/owl#", None, 1),
            ]
        );
    }

    #[test]
    fn namespaces() {
        assert_eq!(namespace_of("http://ex.org/a#b"), "http://ex.org/a#");
        assert_eq!(namespace_of("http://ex.org/a/b"), "http://ex.org/a/");
        assert_eq!(
            namespace_of("https://schema.org/Person"),
            "https://schema.org/"
        );
        assert_eq!(namespace_of("http://ex.org"), "http:");
        assert_eq!(namespace_of("urn:isbn:123"), "urn:isbn:");
    }
}
