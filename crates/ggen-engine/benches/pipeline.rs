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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use ggen_engine::{GenOptions, NoProgress, Workspace};

fn main() {
    divan::main();
}

#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::{BODY, QUERY};

fn ontology(n: usize) -> String {
    synthetic::ontology(n, |i| format!("Class number {i} of the benchmark."))
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    ttl: String,
}

fn fixture(n: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let ttl = ontology(n);
    std::fs::create_dir_all(root.join("ontology")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("ontology/bench.ttl"), &ttl).unwrap();
    std::fs::write(
        root.join("ggen.toml"),
        "[project]\nname = \"bench\"\n[graph]\nsources = [\"ontology/*.ttl\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("templates/struct.rs.tmpl"),
        synthetic::struct_template(""),
    )
    .unwrap();
    Fixture {
        _dir: dir,
        root,
        ttl,
    }
}

static SMALL: LazyLock<Fixture> = LazyLock::new(|| fixture(280));
static LARGE: LazyLock<Fixture> = LazyLock::new(|| fixture(28_000));

fn fx(n: usize) -> &'static Fixture {
    if n == 280 { &SMALL } else { &LARGE }
}

fn clean(root: &Path) {
    let _ = std::fs::remove_dir_all(root.join("generated"));
    let _ = std::fs::remove_dir_all(root.join(".ggen"));
}

fn ws(root: &Path) -> Workspace {
    Workspace::from_project(root, &BTreeMap::new()).unwrap()
}

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
    use oxigraph::io::RdfFormat;
    use oxigraph::sparql::{QueryResults, SparqlEvaluator};
    let f = fx(n);
    let out = f.root.join("minimal");
    b.with_inputs(|| {
        let _ = std::fs::remove_dir_all(&out);
    })
    .bench_values(|()| {
        let store = oxigraph::store::Store::new().unwrap();
        store.load_from_reader(RdfFormat::Turtle, f.ttl.as_bytes()).unwrap();
        let q = format!("PREFIX owl: <http://www.w3.org/2002/07/owl#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n{QUERY}");
        let mut env = minijinja::Environment::new();
        env.add_template("t", BODY).unwrap();
        let t = env.get_template("t").unwrap();
        std::fs::create_dir_all(out.join("src")).unwrap();
        if let QueryResults::Solutions(sols) = SparqlEvaluator::new().parse_query(&q).unwrap().on_store(&store).execute().unwrap() {
            for s in sols {
                let s = s.unwrap();
                let text = |v: &str| match s.get(v) {
                    Some(oxigraph::model::Term::Literal(l)) => l.value().to_owned(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                let label = text("label");
                let body = t
                    .render(minijinja::context! { row => minijinja::context! { label => label.clone(), comment => text("comment"), props => text("props") } })
                    .unwrap();
                std::fs::write(out.join("src").join(format!("{label}.rs")), body).unwrap();
            }
        }
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
