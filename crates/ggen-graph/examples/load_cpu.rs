//! Wall-clock and CPU time of ggen's loader against oxigraph's `load_from_slice` on the inputs
//! of `benches/load.rs`: ggen parses large documents on several threads, so it can take less
//! wall-clock time while using more CPU time. Linux only (CPU time from `/proc/self/stat`).
//!
//! `cargo run --release -p ggen-graph --example load_cpu [runs]`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

#[path = "../benches/support/gen.rs"]
mod datagen;

use std::time::Instant;

use ggen_graph::{GraphBuilder, RdfSyntax};
use oxigraph::store::Store;

/// User + system CPU time of this process so far, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').unwrap().1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// Mean wall-clock and CPU seconds of `f` (what it returns is dropped outside the timing, as
/// divan does).
fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    drop(f());
    let mut kept = Vec::with_capacity(runs);
    let (w0, c0) = (Instant::now(), cpu_seconds());
    for _ in 0..runs {
        kept.push(f());
    }
    let n = runs as f64;
    let times = (w0.elapsed().as_secs_f64() / n, (cpu_seconds() - c0) / n);
    drop(kept);
    times
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(10);
    let schema = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/schema.org/schemaorg-current-https.ttl"
    ))
    .unwrap();
    let inputs: Vec<(&str, Vec<u8>, RdfSyntax, usize)> = vec![
        ("schema.org.ttl", schema, RdfSyntax::Turtle, runs),
        (
            "products-1e5.nt",
            datagen::ntriples(100_000, false).into_bytes(),
            RdfSyntax::NTriples,
            runs,
        ),
        (
            "products-bnodes-1e5.nt",
            datagen::ntriples(100_000, true).into_bytes(),
            RdfSyntax::NTriples,
            runs,
        ),
        (
            "products-1e6.nt",
            datagen::ntriples(1_000_000, false).into_bytes(),
            RdfSyntax::NTriples,
            runs.div_ceil(3),
        ),
    ];
    println!(
        "| input | oxigraph load_from_slice wall / CPU | ggen wall / CPU | wall ratio | CPU ratio |"
    );
    println!("|---|---:|---:|---:|---:|");
    for (name, bytes, syntax, runs) in &inputs {
        let (ow, oc) = measure(*runs, || {
            let store = Store::new().unwrap();
            store.load_from_slice(syntax.to_format(), bytes).unwrap();
            std::hint::black_box(store)
        });
        let (gw, gc) = measure(*runs, || {
            let mut b = GraphBuilder::new();
            b.add_bytes(std::path::Path::new(name), bytes, *syntax)
                .unwrap();
            std::hint::black_box(b.build().unwrap())
        });
        println!(
            "| {name} | {:.1} ms / {:.1} ms | {:.1} ms / {:.1} ms | {:.2} | {:.2} |",
            ow * 1e3,
            oc * 1e3,
            gw * 1e3,
            gc * 1e3,
            ow / gw,
            oc / gc
        );
    }
}
