//! `graph load` throughput: ggen's loader (`GraphBuilder::add_bytes` + `build`: parse,
//! RDFC-1.0 canonicalization when there are blank nodes, the canonical N-Quads SHA-256, the
//! store) against oxigraph's own loaders on the same bytes, with the parse-only rate as the
//! ceiling.
//!
//! `cargo bench -p ggen-graph --bench load`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/gen.rs"]
mod datagen;

use std::sync::OnceLock;

use divan::{Bencher, black_box};
use ggen_graph::{GraphBuilder, RdfSyntax};
use oxigraph::io::RdfParser;
use oxigraph::store::Store;

fn main() {
    divan::main();
}

const INPUTS: [&str; 4] = [
    "schema.org.ttl",
    "products-1e5.nt",
    "products-bnodes-1e5.nt",
    "products-1e6.nt",
];

struct Input {
    bytes: Vec<u8>,
    syntax: RdfSyntax,
    triples: usize,
}

fn input(name: &str) -> &'static Input {
    static CELLS: [OnceLock<Input>; 4] = [const { OnceLock::new() }; 4];
    let i = INPUTS.iter().position(|n| *n == name).unwrap();
    CELLS.get(i).unwrap().get_or_init(|| {
        let (bytes, syntax) = match name {
            "schema.org.ttl" => (
                std::fs::read(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../testdata/schema.org/schemaorg-current-https.ttl"
                ))
                .unwrap(),
                RdfSyntax::Turtle,
            ),
            "products-1e5.nt" => (
                datagen::ntriples(100_000, false).into_bytes(),
                RdfSyntax::NTriples,
            ),
            "products-bnodes-1e5.nt" => (
                datagen::ntriples(100_000, true).into_bytes(),
                RdfSyntax::NTriples,
            ),
            "products-1e6.nt" => (
                datagen::ntriples(1_000_000, false).into_bytes(),
                RdfSyntax::NTriples,
            ),
            other => panic!("unknown input {other}"),
        };
        let triples = RdfParser::from_format(syntax.to_format())
            .for_slice(&bytes)
            .count();
        Input {
            bytes,
            syntax,
            triples,
        }
    })
}

/// Parse only (the ceiling): oxigraph's parser with blank-node renaming, quads dropped.
#[divan::bench(args = INPUTS, sample_count = 10)]
fn parse_only(bencher: Bencher, name: &str) {
    let inp = input(name);
    bencher
        .with_inputs(|| ())
        .counter(divan::counter::ItemsCount::new(inp.triples))
        .bench_local_values(|()| {
            let mut n = 0usize;
            for q in RdfParser::from_format(inp.syntax.to_format())
                .rename_blank_nodes()
                .for_slice(black_box(&inp.bytes))
            {
                black_box(q.unwrap());
                n += 1;
            }
            n
        });
}

/// oxigraph's own loader: `Store::load_from_slice` (one transaction).
#[divan::bench(args = INPUTS, sample_count = 10)]
fn oxigraph_load_from_slice(bencher: Bencher, name: &str) {
    let inp = input(name);
    bencher
        .counter(divan::counter::ItemsCount::new(inp.triples))
        .bench_local(|| {
            let store = Store::new().unwrap();
            store
                .load_from_slice(inp.syntax.to_format(), black_box(&inp.bytes))
                .unwrap();
            store
        });
}

/// oxigraph's bulk loader: `Store::bulk_loader().load_from_slice`.
#[divan::bench(args = INPUTS, sample_count = 10)]
fn oxigraph_bulk_loader(bencher: Bencher, name: &str) {
    let inp = input(name);
    bencher
        .counter(divan::counter::ItemsCount::new(inp.triples))
        .bench_local(|| {
            let store = Store::new().unwrap();
            let mut loader = store.bulk_loader();
            loader
                .load_from_slice(inp.syntax.to_format(), black_box(&inp.bytes))
                .unwrap();
            loader.commit().unwrap();
            store
        });
}

/// ggen's loader: what `ggen graph load` does (parse, canonicalize, hash, store).
#[divan::bench(args = INPUTS, sample_count = 10)]
fn ggen_graph_builder(bencher: Bencher, name: &str) {
    let inp = input(name);
    bencher
        .counter(divan::counter::ItemsCount::new(inp.triples))
        .bench_local(|| {
            let mut b = GraphBuilder::new();
            b.add_bytes(
                std::path::Path::new(name),
                black_box(&inp.bytes),
                inp.syntax,
            )
            .unwrap();
            b.build().unwrap()
        });
}
