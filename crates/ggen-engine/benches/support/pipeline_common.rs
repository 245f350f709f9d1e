//! What the pipeline benchmark (`benches/pipeline.rs`) and the paired comparison
//! (`examples/pipeline_ratio.rs`) share: the fixture projects and the minimal hand-written
//! pipeline.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use ggen_engine::Workspace;

#[path = "synthetic.rs"]
mod synthetic;
pub use synthetic::{BODY, QUERY};

fn ontology(n: usize) -> String {
    synthetic::ontology(n, |i| format!("Class number {i} of the benchmark."))
}

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub ttl: String,
}

pub fn fixture(n: usize) -> Fixture {
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

pub static SMALL: LazyLock<Fixture> = LazyLock::new(|| fixture(280));
pub static LARGE: LazyLock<Fixture> = LazyLock::new(|| fixture(28_000));

pub fn fx(n: usize) -> &'static Fixture {
    if n == 280 { &SMALL } else { &LARGE }
}

pub fn clean(root: &Path) {
    let _ = std::fs::remove_dir_all(root.join("generated"));
    let _ = std::fs::remove_dir_all(root.join(".ggen"));
}

pub fn ws(root: &Path) -> Workspace {
    Workspace::from_project(root, &BTreeMap::new()).unwrap()
}

/// The minimal pipeline: oxigraph store + one SPARQL query + minijinja + `std::fs::write` per
/// file, into `out/src/`.
pub fn minimal_run(f: &Fixture, out: &Path) {
    use oxigraph::io::RdfFormat;
    use oxigraph::sparql::{QueryResults, SparqlEvaluator};
    let store = oxigraph::store::Store::new().unwrap();
    store
        .load_from_reader(RdfFormat::Turtle, f.ttl.as_bytes())
        .unwrap();
    let q = format!(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n{QUERY}"
    );
    let mut env = minijinja::Environment::new();
    env.add_template("t", BODY).unwrap();
    let t = env.get_template("t").unwrap();
    std::fs::create_dir_all(out.join("src")).unwrap();
    if let QueryResults::Solutions(sols) = SparqlEvaluator::new()
        .parse_query(&q)
        .unwrap()
        .on_store(&store)
        .execute()
        .unwrap()
    {
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
}
