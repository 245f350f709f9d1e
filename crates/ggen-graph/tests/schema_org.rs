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

#[test]
fn named_graphs_are_kept_and_queryable() {
    let trig = "@prefix ex: <http://ex.org/> .\nex:a ex:p 1 .\nex:g1 { ex:b ex:p 2 . }\nex:g2 { ex:c ex:p 3 . _:x ex:p 4 . }\n";
    let mut b = GraphBuilder::new();
    b.add_text("d.trig", trig, RdfSyntax::TriG).unwrap();
    let g = b.build().unwrap();
    assert_eq!(g.len(), 4);
    let opts = ggen_graph::QueryOptions::new().with_prefix("ex", "http://ex.org/");
    // The default graph holds only the unnamed triple; GRAPH reaches the named ones.
    assert_eq!(
        g.select("SELECT ?s WHERE { ?s ex:p ?o }", &opts)
            .unwrap()
            .rows
            .len(),
        1
    );
    let named = g
        .select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ex:p ?o } } GROUP BY ?g ORDER BY ?g",
            &opts,
        )
        .unwrap();
    assert_eq!(named.rows.len(), 2);
    // The same dataset as N-Quads gives the same canonical hash.
    let nq = "<http://ex.org/a> <http://ex.org/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n\
<http://ex.org/b> <http://ex.org/p> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer> <http://ex.org/g1> .\n\
<http://ex.org/c> <http://ex.org/p> \"3\"^^<http://www.w3.org/2001/XMLSchema#integer> <http://ex.org/g2> .\n\
_:y <http://ex.org/p> \"4\"^^<http://www.w3.org/2001/XMLSchema#integer> <http://ex.org/g2> .\n";
    let mut b = GraphBuilder::new();
    b.add_text("d.nq", nq, RdfSyntax::NQuads).unwrap();
    assert_eq!(b.build().unwrap().canonical_sha256(), g.canonical_sha256());
}
