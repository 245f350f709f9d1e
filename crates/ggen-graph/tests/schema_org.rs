#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The five syntaxes of schema.org 30.0 load to the same dataset.

use std::path::PathBuf;

use ggen_graph::{GraphBuilder, RdfSyntax};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/schema.org")
        .join(name)
}

#[test]
fn five_syntaxes_same_triples_same_canonical_hash() {
    let mut results = Vec::new();
    for (file, syntax) in [
        ("schemaorg-current-https.ttl", RdfSyntax::Turtle),
        ("schemaorg-current-https.nt", RdfSyntax::NTriples),
        ("schemaorg-current-https.rdf", RdfSyntax::RdfXml),
        ("schemaorg-current-https.jsonld", RdfSyntax::JsonLd),
    ] {
        let mut b = GraphBuilder::new();
        b.add_file(&corpus(file), None).unwrap();
        let g = b.build().unwrap();
        assert_eq!(g.sources()[0].syntax, syntax);
        results.push((file, g.len(), g.canonical_sha256().to_owned()));
    }
    // N-Quads: the N-Triples file is valid N-Quads too; load it under the N-Quads parser.
    let mut b = GraphBuilder::new();
    b.add_file(
        &corpus("schemaorg-current-https.nt"),
        Some(RdfSyntax::NQuads),
    )
    .unwrap();
    let g = b.build().unwrap();
    results.push((
        "schemaorg-current-https.nt as nquads",
        g.len(),
        g.canonical_sha256().to_owned(),
    ));
    // N3 is a superset of Turtle: the Turtle file read by the N3 parser.
    let mut b = GraphBuilder::new();
    b.add_file(&corpus("schemaorg-current-https.ttl"), Some(RdfSyntax::N3))
        .unwrap();
    let g = b.build().unwrap();
    results.push((
        "schemaorg-current-https.ttl as n3",
        g.len(),
        g.canonical_sha256().to_owned(),
    ));
    for (file, len, hash) in &results {
        assert_eq!(*len, 17_949, "{file}");
        assert_eq!(hash, &results[0].2, "{file}");
    }
}
