//! Comparing two graphs: the quads added and removed, blank-node aware.
//!
//! Both graphs carry RDFC-1.0 canonical blank node labels, but those labels depend on the
//! whole dataset: after any change, `_:c14n3` of one graph need not be `_:c14n3` of the other.
//! So the comparison splits each dataset into
//!
//! - **ground quads** (no blank node), compared as canonical N-Quads lines, and
//! - **blank-node groups**: the quads connected through shared blank nodes (a blank node, the
//!   quads that mention it, the other blank nodes of those quads, and so on). Each group is
//!   canonicalized on its own, so a group has the same form in both graphs whenever it is the
//!   same structure, and groups are compared as a multiset.
//!
//! Two datasets are isomorphic exactly when their ground quads are equal and their groups are
//! the same multiset; the diff is then empty. A changed blank-node group is reported whole:
//! removed in its old form, added in its new one (with labels local to the group).

use rustc_hash::FxHashMap;

use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, Term};
use serde::Serialize;

use crate::canon::{CanonicalText, canonicalize_quads, has_blank_node, write_quad};
use crate::error::GraphError;
use crate::graph::Graph;

/// Quads connected through blank nodes, in canonical N-Quads (labels local to the group).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BlankNodeGroup {
    /// The group's canonical N-Quads lines (each ending in ` .`), sorted.
    pub quads: Vec<String>,
}

/// The differences between two datasets (see the [module](self) documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GraphDiff {
    /// Ground quads of the second dataset that the first lacks (N-Quads lines, sorted).
    pub added: Vec<String>,
    /// Ground quads of the first dataset that the second lacks.
    pub removed: Vec<String>,
    /// Blank-node groups only in the second dataset.
    pub added_groups: Vec<BlankNodeGroup>,
    /// Blank-node groups only in the first dataset.
    pub removed_groups: Vec<BlankNodeGroup>,
    /// Quads present in both (ground quads plus the quads of matching groups).
    pub unchanged: usize,
}

impl GraphDiff {
    /// Whether the datasets are isomorphic (nothing added or removed).
    pub fn is_isomorphic(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.added_groups.is_empty()
            && self.removed_groups.is_empty()
    }

    /// Quads added, including those of added groups.
    pub fn added_quads(&self) -> usize {
        self.added.len()
            + self
                .added_groups
                .iter()
                .map(|g| g.quads.len())
                .sum::<usize>()
    }

    /// Quads removed, including those of removed groups.
    pub fn removed_quads(&self) -> usize {
        self.removed.len()
            + self
                .removed_groups
                .iter()
                .map(|g| g.quads.len())
                .sum::<usize>()
    }
}

/// Compare two graphs (exact literals: `"07"^^xsd:integer` differs from `"7"^^xsd:integer`).
pub fn diff(a: &Graph, b: &Graph) -> Result<GraphDiff, GraphError> {
    if a.canonical_sha256() == b.canonical_sha256() {
        return Ok(GraphDiff {
            unchanged: a.len(),
            ..GraphDiff::default()
        });
    }
    Ok(diff_quads(a.quads()?, b.quads()?))
}

/// Compare two lists of quads (blank node labels need not be canonical).
pub fn diff_quads(a: Vec<Quad>, b: Vec<Quad>) -> GraphDiff {
    let (ground_a, groups_a) = split(a);
    let (ground_b, groups_b) = split(b);
    let mut out = GraphDiff::default();
    // Both lists are sorted and unique: merge.
    let (mut i, mut j) = (0, 0);
    loop {
        match (ground_a.get(i), ground_b.get(j)) {
            (Some(x), Some(y)) => match x.cmp(y) {
                std::cmp::Ordering::Equal => {
                    out.unchanged += 1;
                    i += 1;
                    j += 1;
                }
                std::cmp::Ordering::Less => {
                    out.removed.push(x.clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.added.push(y.clone());
                    j += 1;
                }
            },
            (Some(x), None) => {
                out.removed.push(x.clone());
                i += 1;
            }
            (None, Some(y)) => {
                out.added.push(y.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    let mut counts: FxHashMap<&BlankNodeGroup, isize> = FxHashMap::default();
    for g in &groups_a {
        *counts.entry(g).or_default() += 1;
    }
    for g in &groups_b {
        *counts.entry(g).or_default() -= 1;
    }
    let mut remaining = counts.clone();
    for g in &groups_a {
        match remaining.get_mut(g) {
            Some(c) if *c > 0 => {
                *c -= 1;
                out.removed_groups.push(g.clone());
            }
            _ => out.unchanged += g.quads.len(),
        }
    }
    for g in &groups_b {
        if let Some(c) = remaining.get_mut(g)
            && *c < 0
        {
            *c += 1;
            out.added_groups.push(g.clone());
        }
    }
    out.removed_groups.sort();
    out.added_groups.sort();
    out
}

/// Sorted unique ground lines, and the canonical blank-node groups.
fn split(quads: Vec<Quad>) -> (Vec<String>, Vec<BlankNodeGroup>) {
    let (with_blank, ground): (Vec<Quad>, Vec<Quad>) = quads.into_iter().partition(has_blank_node);
    let ground = CanonicalText::of(&ground)
        .lines()
        .map(|l| format!("{l} ."))
        .collect();
    let groups = components(with_blank)
        .into_iter()
        .map(|group| {
            let text = CanonicalText::of(&canonicalize_quads(group));
            BlankNodeGroup {
                quads: text.lines().map(|l| format!("{l} .")).collect(),
            }
        })
        .collect();
    (ground, groups)
}

/// Partition quads that mention blank nodes into groups connected through blank nodes.
fn components(quads: Vec<Quad>) -> Vec<Vec<Quad>> {
    let mut ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut parent: Vec<usize> = Vec::new();
    let nodes_of = |q: &Quad| -> Vec<String> {
        let mut v = Vec::with_capacity(3);
        if let NamedOrBlankNode::BlankNode(b) = &q.subject {
            v.push(b.as_str().to_owned());
        }
        if let Term::BlankNode(b) = &q.object {
            v.push(b.as_str().to_owned());
        }
        if let GraphName::BlankNode(b) = &q.graph_name {
            v.push(b.as_str().to_owned());
        }
        v
    };
    let mut quad_node: Vec<usize> = Vec::with_capacity(quads.len());
    for q in &quads {
        let mut first = None;
        for label in nodes_of(q) {
            let next = ids.len();
            let id = *ids.entry(label).or_insert(next);
            if id == parent.len() {
                parent.push(id);
            }
            match first {
                None => first = Some(id),
                Some(f) => union(&mut parent, f, id),
            }
        }
        quad_node.push(first.unwrap_or(0));
    }
    let mut groups: FxHashMap<usize, Vec<Quad>> = FxHashMap::default();
    for (q, n) in quads.into_iter().zip(quad_node) {
        let root = find(&mut parent, n);
        groups.entry(root).or_default().push(q);
    }
    groups.into_values().collect()
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while let Some(&p) = parent.get(x) {
        if p == x {
            break;
        }
        // Path halving.
        let gp = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(x) {
            *slot = gp;
        }
        x = gp;
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb
        && let Some(slot) = parent.get_mut(ra.max(rb))
    {
        *slot = ra.min(rb);
    }
}

/// The N-Quads line of a quad (with ` .`), as the diff reports it.
pub fn nquads_line(q: &Quad) -> String {
    let mut s = String::new();
    write_quad(&mut s, q.as_ref());
    s.push_str(" .");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GraphBuilder, RdfSyntax};

    fn g(ttl: &str) -> Graph {
        let mut b = GraphBuilder::new();
        b.add_text(
            "t.trig",
            &format!("@prefix ex: <http://ex.org/> .\n{ttl}"),
            RdfSyntax::TriG,
        )
        .unwrap();
        b.build().unwrap()
    }

    #[test]
    fn isomorphic_graphs_have_an_empty_diff() {
        let a = g("ex:a ex:p [ ex:q 1 ; ex:r [ ex:s 2 ] ] . ex:b ex:p ex:c .");
        let b = g("ex:b ex:p ex:c . _:x ex:r _:y . _:y ex:s 2 . ex:a ex:p _:x . _:x ex:q 1 .");
        let d = diff(&a, &b).unwrap();
        assert!(d.is_isomorphic(), "{d:?}");
        assert_eq!(d.unchanged, 5);
        // The same data compared through the slow path as well.
        let d = diff_quads(a.quads().unwrap(), b.quads().unwrap());
        assert!(d.is_isomorphic(), "{d:?}");
        assert_eq!(d.unchanged, 5);
    }

    #[test]
    fn ground_and_blank_changes_are_reported() {
        let a = g(
            "ex:a ex:p ex:b . ex:a ex:n \"07\"^^<http://www.w3.org/2001/XMLSchema#integer> . \
                   ex:a ex:addr [ ex:city \"Oslo\" ] . ex:a ex:addr [ ex:city \"Rome\" ] .",
        );
        let b = g(
            "ex:a ex:p ex:c . ex:a ex:n \"7\"^^<http://www.w3.org/2001/XMLSchema#integer> . \
                   ex:a ex:addr [ ex:city \"Oslo\" ] . ex:a ex:addr [ ex:city \"Paris\" ] .",
        );
        let d = diff(&a, &b).unwrap();
        assert!(!d.is_isomorphic());
        assert_eq!(
            d.removed,
            vec![
                "<http://ex.org/a> <http://ex.org/n> \"07\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
                "<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> .",
            ]
        );
        assert_eq!(d.added.len(), 2);
        assert_eq!(d.removed_groups.len(), 1);
        assert_eq!(d.added_groups.len(), 1);
        assert_eq!(
            d.added_groups[0].quads,
            vec![
                "<http://ex.org/a> <http://ex.org/addr> _:c14n0 .",
                "_:c14n0 <http://ex.org/city> \"Paris\" .",
            ]
        );
        // The Oslo group matches, though its labels differ between the two graphs.
        assert_eq!(d.unchanged, 2);
        assert_eq!(d.added_quads(), 4);
        assert_eq!(d.removed_quads(), 4);
    }

    #[test]
    fn repeated_identical_groups_count() {
        let a = g("ex:a ex:p [ ex:q 1 ] , [ ex:q 1 ] .");
        let b = g("ex:a ex:p [ ex:q 1 ] .");
        let d = diff(&a, &b).unwrap();
        assert_eq!(d.removed_groups.len(), 1);
        assert!(d.added_groups.is_empty());
        assert_eq!(d.unchanged, 2);
    }

    #[test]
    fn named_graphs_count() {
        let a = g("ex:a ex:p ex:b . ex:g { ex:a ex:p ex:b }");
        let b = g("ex:a ex:p ex:b .");
        let d = diff(&a, &b).unwrap();
        assert_eq!(
            d.removed,
            vec!["<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> <http://ex.org/g> ."]
        );
    }
}
