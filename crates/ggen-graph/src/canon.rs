//! RDFC-1.0 canonicalization: stable blank-node labels and the canonical N-Quads hash.

use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, Term};
use oxrdf::Dataset;
use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use sha2::{Digest, Sha256};

fn has_blank_node(q: &Quad) -> bool {
    matches!(q.subject, NamedOrBlankNode::BlankNode(_))
        || matches!(q.object, Term::BlankNode(_))
        || matches!(q.graph_name, GraphName::BlankNode(_))
}

/// Relabel blank nodes with their RDFC-1.0 canonical labels (`c14n0`, `c14n1`, …) so that the
/// same dataset always gets the same labels, whatever the input order or syntax. Quads without
/// blank nodes are returned as they are.
pub fn canonicalize_quads(quads: Vec<Quad>) -> Vec<Quad> {
    if !quads.iter().any(has_blank_node) {
        return quads;
    }
    let mut ds: Dataset = quads.into_iter().collect();
    ds.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    ds.iter().map(|q| q.into_owned()).collect()
}

/// Sort and de-duplicate already canonicalized quads in canonical N-Quads order, and compute the
/// SHA-256 of their canonical N-Quads serialization (`<s> <p> <o> [<g>] .\n` per quad, sorted by
/// code point). Returns the sorted unique quads and the lower-case hex digest.
pub fn canonical_nquads(quads: Vec<Quad>) -> (Vec<Quad>, String) {
    let lines: Vec<String> = quads.iter().map(ToString::to_string).collect();
    let mut order: Vec<usize> = (0..quads.len()).collect();
    order.sort_unstable_by(|&a, &b| lines.get(a).cmp(&lines.get(b)));
    order.dedup_by(|a, b| lines.get(*a) == lines.get(*b));
    let mut hasher = Sha256::new();
    for &i in &order {
        if let Some(line) = lines.get(i) {
            hasher.update(line.as_bytes());
            hasher.update(b" .\n");
        }
    }
    drop(lines);
    let mut slots: Vec<Option<Quad>> = quads.into_iter().map(Some).collect();
    let sorted = order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect();
    (sorted, hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};

    fn parse(ttl: &str) -> Vec<Quad> {
        RdfParser::from_format(RdfFormat::Turtle)
            .rename_blank_nodes()
            .for_slice(ttl.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap()
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
    fn duplicates_are_removed() {
        let (q, _) = canonical_nquads(parse(
            "<http://a> <http://b> <http://c> . <http://a> <http://b> <http://c> .",
        ));
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn hash_matches_canonical_text() {
        let (_, h) = canonical_nquads(parse("<http://a> <http://b> \"x\" ."));
        assert_eq!(
            h,
            ggen_core::hash::sha256_hex("<http://a> <http://b> \"x\" .\n")
        );
    }
}
