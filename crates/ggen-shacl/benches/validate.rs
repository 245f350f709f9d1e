//! SHACL validation throughput on generated data graphs (see `support/datagen.rs`).
//!
//! `cargo bench -p ggen-shacl --bench validate`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/datagen.rs"]
mod datagen;

use divan::{Bencher, black_box};
use ggen_graph::{Graph, GraphBuilder, RdfSyntax};
use ggen_shacl::{Shapes, ValidationOptions, validate_with};

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [100_000, 1_000_000];

fn setup(triples: usize) -> (Graph, Shapes, usize) {
    let people = datagen::people_for(triples);
    let mut b = GraphBuilder::new();
    b.add_text(
        "data.nt",
        &datagen::data_ntriples(people),
        RdfSyntax::NTriples,
    )
    .unwrap();
    let data = b.build().unwrap();
    let mut b = GraphBuilder::new();
    b.add_text("shapes.ttl", datagen::SHAPES_TTL, RdfSyntax::Turtle)
        .unwrap();
    let shapes = Shapes::from_graph(&b.build().unwrap()).unwrap();
    (data, shapes, people)
}

fn run(bencher: Bencher, triples: usize, threads: usize) {
    let (data, shapes, people) = setup(triples);
    // The benchmark checks what it measures.
    let report = validate_with(
        &data,
        &shapes,
        &ValidationOptions::default().with_threads(threads),
    )
    .unwrap();
    assert_eq!(report.results().len(), datagen::expected_results(people));
    bencher
        .counter(divan::counter::ItemsCount::new(data.len()))
        .bench(|| {
            validate_with(
                black_box(&data),
                black_box(&shapes),
                &ValidationOptions::default().with_threads(threads),
            )
            .unwrap()
        });
}

/// Validation with two worker threads (the default on a 2-core machine).
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn validate_2_threads(bencher: Bencher, triples: usize) {
    run(bencher, triples, 2);
}

/// Validation on one thread.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn validate_1_thread(bencher: Bencher, triples: usize) {
    run(bencher, triples, 1);
}

/// For context: parsing the N-Triples and building the graph (not part of validation).
#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn load_graph(bencher: Bencher, triples: usize) {
    let text = datagen::data_ntriples(datagen::people_for(triples));
    bencher
        .counter(divan::counter::ItemsCount::new(text.lines().count()))
        .bench(|| {
            let mut b = GraphBuilder::new();
            b.add_text("data.nt", black_box(&text), RdfSyntax::NTriples)
                .unwrap();
            b.build().unwrap()
        });
}
