#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
//! The canonical hash is the SHA-256 of the sorted canonical N-Quads lines, computed here the
//! plain way (oxrdf's `Display` of every quad, sorted, de-duplicated) to check the optimized
//! builder against it, on schema.org and on data with blank nodes and rewritten literals.

use std::path::PathBuf;

use ggen_graph::model::Quad;
use ggen_graph::{ExportOptions, GraphBuilder, RdfSyntax};
use oxigraph::io::RdfParser;
use oxrdf::Dataset;
use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};

fn plain_hash(quads: Vec<Quad>) -> String {
    let mut ds: Dataset = quads.into_iter().collect();
    ds.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<String> = ds.iter().map(|q| format!("{q} .\n")).collect();
    lines.sort();
    lines.dedup();
    ggen_core::hash::sha256_hex(lines.concat())
}

fn parse(text: &[u8], syntax: RdfSyntax) -> Vec<Quad> {
    RdfParser::from_format(syntax.to_format())
        .rename_blank_nodes()
        .for_slice(text)
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn schema_org_hash_is_the_plain_canonical_hash() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/schema.org/schemaorg-current-https.ttl");
    let bytes = std::fs::read(&path).unwrap();
    let mut b = GraphBuilder::new();
    b.add_bytes(&path, &bytes, RdfSyntax::Turtle).unwrap();
    let g = b.build().unwrap();
    assert_eq!(g.len(), 17_949);
    assert_eq!(
        g.canonical_sha256(),
        plain_hash(parse(&bytes, RdfSyntax::Turtle))
    );
    // The same value, pinned: a change of the hash would change every receipt.
    assert_eq!(
        g.canonical_sha256(),
        "b5e91dad5ef81a4f6b49d0b1925f391a3658247a67aef98b70e360b549867f52"
    );
}

#[test]
fn generated_data_with_blank_nodes_and_rewritten_literals() {
    // Enough quads for the two-thread paths of the builder (4,096+), blank nodes with unique
    // and with shared first-degree hashes, and literals the store rewrites.
    let mut ttl = String::from(
        "@prefix ex: <http://ex.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n",
    );
    for i in 0..4000 {
        ttl.push_str(&format!(
            "ex:p{i} ex:n \"0{i}\"^^xsd:integer ; ex:b \"{}\"^^xsd:boolean ; ex:d \"{i}.50\"^^xsd:decimal ; \
             ex:at [ ex:city \"City {}\" ] ; ex:tag [ ex:v 1 ] .\n",
            i % 2,
            i % 7
        ));
    }
    // Lists with equal members: their inner nodes share first-degree hashes (N-degree hashing).
    for i in 0..20 {
        ttl.push_str(&format!("ex:q{i} ex:pair ( 1 1 ) .\n"));
    }
    let mut b = GraphBuilder::new();
    b.add_text("gen.ttl", &ttl, RdfSyntax::Turtle).unwrap();
    let g = b.build().unwrap();
    assert_eq!(g.len(), 4000 * 7 + 20 * 5);
    assert_eq!(
        g.canonical_sha256(),
        plain_hash(parse(ttl.as_bytes(), RdfSyntax::Turtle))
    );
    // The exact quads read back from the store give the same canonical N-Quads.
    let nq = ggen_graph::export(&g, &ExportOptions::new(RdfSyntax::NQuads).canonical()).unwrap();
    assert_eq!(ggen_core::hash::sha256_hex(&nq), g.canonical_sha256());
    let text = String::from_utf8(nq).unwrap();
    assert!(text.contains("\"012\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
    assert!(text.contains("\"1\"^^<http://www.w3.org/2001/XMLSchema#boolean>"));
    assert!(text.contains("\"12.50\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
    // Every "0i" integer, "0"/"1" boolean and "i.50" decimal is rewritten by the store.
    assert_eq!(g.exact_literals().len(), 4000 * 3);
}
