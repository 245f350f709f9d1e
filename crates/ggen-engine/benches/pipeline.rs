//! The generation pipeline on a synthetic OWL ontology of N classes, each with a label, a
//! comment, a superclass and 8 datatype properties (36 triples per class): N = 280 ≈ 10k
//! triples, N = 28 000 ≈ 1M triples. One file per class.
//!
//! Compared with a minimal hand-written pipeline on the same data and the same query:
//! oxigraph store + one SPARQL query + minijinja + writing files.
//!
//! Run: `cargo bench -p ggen-engine --bench pipeline` (numbers in docs/benchmarks.md); the
//! `small_10k` group (10k triples, 40 samples) alone with `-- small`, the `large_1m` group (1M
//! triples, 5 samples) alone with `-- large`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ggen_engine::{GenOptions, NoProgress};

fn main() {
    divan::main();
}

#[path = "support/pipeline_common.rs"]
mod common;
use common::{QUERY, clean, fx, ws};

/// Loading and canonicalizing the graph.
fn load(b: divan::Bencher, n: usize) {
    let f = fx(n);
    let w = ws(&f.root);
    b.bench(|| ggen_engine::load_graph(&w, &NoProgress).unwrap());
}

/// The template's SELECT query on the loaded graph.
fn query(b: divan::Bencher, n: usize) {
    let f = fx(n);
    let g = ggen_engine::load_graph(&ws(&f.root), &NoProgress).unwrap();
    b.bench(|| g.select(QUERY, &Default::default()).unwrap());
}

/// Planning from scratch without writing: load + queries + render + compose. Render time is
/// this minus `load` and `query`.
fn plan_only(b: divan::Bencher, n: usize) {
    let f = fx(n);
    clean(&f.root);
    b.bench(|| {
        let w = ws(&f.root);
        ggen_engine::plan(&w, &GenOptions::default(), &NoProgress).unwrap()
    });
}

/// Full generation from scratch: plan (load, query, render, compose) + apply (write files, receipt).
fn end_to_end(b: divan::Bencher, n: usize) {
    let f = fx(n);
    b.with_inputs(|| clean(&f.root)).bench_values(|()| {
        let w = ws(&f.root);
        let plan = ggen_engine::plan(&w, &GenOptions::default(), &NoProgress).unwrap();
        ggen_engine::apply(&w, &plan).unwrap();
    });
}

/// Regeneration when nothing changed (the receipt's fast path).
fn noop_regeneration(b: divan::Bencher, n: usize) {
    let f = fx(n);
    clean(&f.root);
    let w = ws(&f.root);
    let plan = ggen_engine::plan(&w, &GenOptions::default(), &NoProgress).unwrap();
    ggen_engine::apply(&w, &plan).unwrap();
    b.bench(|| {
        let w = ws(&f.root);
        let plan = ggen_engine::plan(&w, &GenOptions::default(), &NoProgress).unwrap();
        assert!(plan.fast_path);
        ggen_engine::apply(&w, &plan).unwrap();
    });
}

/// The minimal pipeline: oxigraph store + one SPARQL query + minijinja + writing files.
fn minimal_pipeline(b: divan::Bencher, n: usize) {
    let f = fx(n);
    let out = f.root.join("minimal");
    b.with_inputs(|| {
        let _ = std::fs::remove_dir_all(&out);
    })
    .bench_values(|()| {
        common::minimal_run(f, &out);
    });
}

/// The benchmarks above for one size, as a divan group.
macro_rules! sized {
    ($name:ident, $n:expr, $samples:expr) => {
        #[divan::bench_group(sample_count = $samples, sample_size = 1)]
        mod $name {
            #[divan::bench]
            fn load(b: divan::Bencher) {
                super::load(b, $n)
            }
            #[divan::bench]
            fn query(b: divan::Bencher) {
                super::query(b, $n)
            }
            #[divan::bench]
            fn plan_only(b: divan::Bencher) {
                super::plan_only(b, $n)
            }
            #[divan::bench]
            fn end_to_end(b: divan::Bencher) {
                super::end_to_end(b, $n)
            }
            #[divan::bench]
            fn noop_regeneration(b: divan::Bencher) {
                super::noop_regeneration(b, $n)
            }
            #[divan::bench]
            fn minimal_pipeline(b: divan::Bencher) {
                super::minimal_pipeline(b, $n)
            }
        }
    };
}

sized!(small_10k, 280, 40);
sized!(large_1m, 28_000, 5);
