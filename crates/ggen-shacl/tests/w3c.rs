//! The W3C SHACL Core test suite (copied under `tests/w3c/`), run from its manifests.
//!
//! Reports are compared as the suite intends: the same `sh:conforms` and the same multiset of
//! results up to blank-node renaming (focus node, path, value, severity, source shape, source
//! constraint component). Messages are not compared, except that a `sh:resultMessage` given in
//! the expected result must be among the actual result's messages.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path as FsPath, PathBuf};

use ggen_graph::model::Term;
use ggen_graph::{Graph, GraphBuilder, QueryOptions};
use ggen_shacl::{Path, Shapes, validate};

const BASE: &str = "http://w3c-shacl-tests.invalid/core/";

/// Tests that do not pass, with the reason (also listed in docs/conformance.md).
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/w3c")
}

fn load(rel: &str) -> Graph {
    let mut b = GraphBuilder::new();
    b.set_base(Some(&format!("{BASE}{rel}"))).unwrap();
    b.add_file_as(
        &root().join(rel),
        FsPath::new(&format!("tests/w3c/{rel}")),
        None,
    )
    .unwrap_or_else(|e| panic!("{rel}: {e}"));
    b.build().unwrap()
}

fn rel_of(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n
            .as_str()
            .strip_prefix(BASE)
            .unwrap_or(n.as_str())
            .to_owned(),
        other => panic!("not a test file IRI: {other}"),
    }
}

fn opts() -> QueryOptions {
    QueryOptions::default()
        .with_prefix(
            "mf",
            "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#",
        )
        .with_prefix("sht", "http://www.w3.org/ns/shacl-test#")
}

/// Every test manifest file reachable from the root manifest through `mf:include`.
fn manifests() -> Vec<String> {
    let mut todo = vec!["manifest.ttl".to_owned()];
    let mut out = Vec::new();
    while let Some(m) = todo.pop() {
        let g = load(&m);
        let rows = g
            .select("SELECT ?i WHERE { ?m mf:include ?i }", &opts())
            .unwrap();
        for r in 0..rows.rows.len() {
            todo.push(rel_of(rows.get(r, "i").unwrap()));
        }
        out.push(m);
    }
    out.sort();
    out
}

#[derive(Debug, Clone)]
struct Expected {
    focus: Option<Term>,
    path: Option<Path>,
    value: Option<Term>,
    severity: Option<Term>,
    shape: Option<Term>,
    component: Option<Term>,
    messages: Vec<Term>,
}

/// A term tagged with the graph its blank nodes belong to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Node {
    Fixed(String),
    Blank(String),
}

fn node(term: &Term, graph_tag: &str) -> Node {
    match term {
        Term::BlankNode(b) => Node::Blank(format!("{graph_tag}:{}", b.as_str())),
        other => Node::Fixed(other.to_string()),
    }
}

#[derive(Debug, Clone)]
struct Tuple {
    focus: Option<Node>,
    path: Option<String>,
    value: Option<Node>,
    severity: Option<Node>,
    shape: Option<Node>,
    component: Option<Node>,
    messages: Vec<String>,
}

fn unify(
    e: &Option<Node>,
    a: &Option<Node>,
    map: &mut HashMap<String, String>,
    back: &mut HashMap<String, String>,
) -> bool {
    match (e, a) {
        (None, None) => true,
        (Some(Node::Fixed(x)), Some(Node::Fixed(y))) => x == y,
        (Some(Node::Blank(x)), Some(Node::Blank(y))) => match (map.get(x), back.get(y)) {
            (Some(m), _) => m == y,
            (None, Some(_)) => false,
            (None, None) => {
                map.insert(x.clone(), y.clone());
                back.insert(y.clone(), x.clone());
                true
            }
        },
        _ => false,
    }
}

fn matches(
    e: &Tuple,
    a: &Tuple,
    map: &mut HashMap<String, String>,
    back: &mut HashMap<String, String>,
) -> bool {
    e.path == a.path
        && e.messages.iter().all(|m| a.messages.contains(m))
        && unify(&e.focus, &a.focus, map, back)
        && unify(&e.value, &a.value, map, back)
        && unify(&e.severity, &a.severity, map, back)
        && unify(&e.shape, &a.shape, map, back)
        && unify(&e.component, &a.component, map, back)
}

/// Is there a bijection between expected and actual results (and their blank nodes)?
fn bijection(
    expected: &[Tuple],
    actual: &[Tuple],
    used: &mut Vec<bool>,
    map: &HashMap<String, String>,
    back: &HashMap<String, String>,
) -> bool {
    let Some((first, rest)) = expected.split_first() else {
        return true;
    };
    for (i, a) in actual.iter().enumerate() {
        if used[i] {
            continue;
        }
        let (mut m, mut b) = (map.clone(), back.clone());
        if matches(first, a, &mut m, &mut b) {
            used[i] = true;
            if bijection(rest, actual, used, &m, &b) {
                return true;
            }
            used[i] = false;
        }
    }
    false
}

/// The literal object of `(r, sh:<var>)` as the manifest wrote it, for a term read by SPARQL.
fn exact_object(manifest: &Graph, r: &Term, var: &str, t: Term) -> Term {
    let predicate = match var {
        "focus" => "focusNode",
        "value" => "value",
        _ => return t,
    };
    let p = ggen_graph::model::NamedNode::new_unchecked(format!(
        "http://www.w3.org/ns/shacl#{predicate}"
    ));
    let subject = match r {
        Term::NamedNode(n) => ggen_graph::model::NamedOrBlankNode::from(n.clone()),
        Term::BlankNode(b) => ggen_graph::model::NamedOrBlankNode::from(b.clone()),
        _ => return t,
    };
    match (
        &t,
        manifest.exact_literals().get(subject.as_ref(), p.as_ref()),
    ) {
        (Term::Literal(l), Some(e)) if e.stored.contains(l) => e
            .originals
            .iter()
            .find(|o| ggen_graph::store_form(o.as_ref()).as_ref().unwrap_or(o) == l)
            .map_or(t.clone(), |o| Term::Literal(o.clone())),
        _ => t,
    }
}

fn run_test(manifest: &Graph, entry: &Term) -> Result<(), String> {
    let q = format!(
        "SELECT ?data ?shapes ?conforms WHERE {{ {entry} mf:action ?a ; mf:result ?rep . \
         ?a sht:dataGraph ?data ; sht:shapesGraph ?shapes . ?rep sh:conforms ?conforms }}"
    );
    let rows = manifest.select(&q, &opts()).map_err(|e| e.to_string())?;
    if rows.rows.len() != 1 {
        return Err(format!(
            "test description has {} action/result rows",
            rows.rows.len()
        ));
    }
    let data_rel = rel_of(rows.get(0, "data").unwrap());
    let shapes_rel = rel_of(rows.get(0, "shapes").unwrap());
    let conforms = matches!(rows.get(0, "conforms"), Some(Term::Literal(l)) if l.value() == "true");

    let q = format!(
        "SELECT ?r ?focus ?path ?value ?severity ?shape ?component ?message WHERE {{ {entry} mf:result ?rep . \
         ?rep sh:result ?r . OPTIONAL {{ ?r sh:focusNode ?focus }} OPTIONAL {{ ?r sh:resultPath ?path }} \
         OPTIONAL {{ ?r sh:value ?value }} OPTIONAL {{ ?r sh:resultSeverity ?severity }} \
         OPTIONAL {{ ?r sh:sourceShape ?shape }} OPTIONAL {{ ?r sh:sourceConstraintComponent ?component }} \
         OPTIONAL {{ ?r sh:resultMessage ?message }} }}"
    );
    let rows = manifest.select(&q, &opts()).map_err(|e| e.to_string())?;
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    for i in 0..rows.rows.len() {
        let r = rows.get(i, "r").unwrap();
        let key = r.to_string();
        // SPARQL gives literals in the store's canonical form; take the manifest's own.
        let get = |v: &str| {
            let t = rows.get(i, v).cloned()?;
            Some(exact_object(manifest, r, v, t))
        };
        let path = match get("path") {
            Some(p) => Some(Path::from_graph(manifest, &p).map_err(|e| e.to_string())?),
            None => None,
        };
        let e = expected.entry(key).or_insert_with(|| Expected {
            focus: get("focus"),
            path,
            value: get("value"),
            severity: get("severity"),
            shape: get("shape"),
            component: get("component"),
            messages: Vec::new(),
        });
        if let Some(m) = get("message")
            && !e.messages.contains(&m)
        {
            e.messages.push(m);
        }
    }
    let expected: Vec<Tuple> = expected
        .into_values()
        .map(|e| Tuple {
            focus: e.focus.as_ref().map(|t| node(t, "E")),
            path: e.path.as_ref().map(ToString::to_string),
            value: e.value.as_ref().map(|t| node(t, "E")),
            severity: e.severity.as_ref().map(|t| node(t, "E")),
            shape: e.shape.as_ref().map(|t| node(t, "E")),
            component: e.component.as_ref().map(|t| node(t, "E")),
            messages: e.messages.iter().map(ToString::to_string).collect(),
        })
        .collect();

    let data = load(&data_rel);
    let same = data_rel == shapes_rel;
    let shapes_graph = if same {
        data.clone()
    } else {
        load(&shapes_rel)
    };
    let shapes = Shapes::from_graph(&shapes_graph).map_err(|e| format!("shapes: {e}"))?;
    let report = validate(&data, &shapes).map_err(|e| format!("validation: {e}"))?;
    let shape_tag = if same { "D" } else { "S" };
    let actual: Vec<Tuple> = report
        .results()
        .iter()
        .map(|r| Tuple {
            focus: Some(node(&r.focus_node, "D")),
            path: r.result_path.as_ref().map(ToString::to_string),
            value: r.value.as_ref().map(|t| node(t, "D")),
            severity: Some(Node::Fixed(format!("<{}>", r.severity.iri()))),
            shape: Some(node(&Term::from(r.source_shape.clone()), shape_tag)),
            component: Some(Node::Fixed(format!(
                "<{}>",
                r.source_constraint_component.iri()
            ))),
            messages: r.messages.iter().map(ToString::to_string).collect(),
        })
        .collect();

    if report.conforms() != conforms {
        return Err(format!(
            "sh:conforms is {}, expected {conforms}\n{}",
            report.conforms(),
            report.to_text()
        ));
    }
    if expected.len() != actual.len()
        || !bijection(
            &expected,
            &actual,
            &mut vec![false; actual.len()],
            &HashMap::new(),
            &HashMap::new(),
        )
    {
        return Err(format!(
            "results differ: expected {} results {:#?}\nactual {}",
            expected.len(),
            expected,
            report.to_text()
        ));
    }
    Ok(())
}

#[test]
fn w3c_shacl_core_suite() {
    let mut outcomes: Vec<(String, Result<(), String>)> = Vec::new();
    for m in manifests() {
        let g = load(&m);
        let rows = g
            .select(
                "SELECT ?t WHERE { ?m mf:entries/rdf:rest*/rdf:first ?t . ?t a sht:Validate }",
                &opts(),
            )
            .unwrap();
        for r in 0..rows.rows.len() {
            let t = rows.get(r, "t").unwrap().clone();
            let name = rel_of(&t);
            let name = name
                .split_once('#')
                .map_or(name.clone(), |(a, _)| a.to_owned());
            let dir = m.rsplit_once('/').map_or("", |(d, _)| d);
            let id = if name.contains('/') {
                name
            } else {
                format!("{dir}/{name}")
            };
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_test(&g, &t)))
                    .unwrap_or_else(|_| Err("panicked".to_owned()));
            outcomes.push((id, outcome));
        }
    }
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    let total = outcomes.len();
    let failed: Vec<&(String, Result<(), String>)> =
        outcomes.iter().filter(|(_, o)| o.is_err()).collect();
    for (id, o) in &outcomes {
        match o {
            Ok(()) => println!("pass {id}"),
            Err(e) => println!("FAIL {id}: {e}"),
        }
    }
    let passed = total - failed.len();
    println!("W3C SHACL Core: {passed}/{total} passed");
    assert_eq!(total, 98, "the suite has 98 sht:Validate tests");
    let failed_ids: Vec<&str> = failed.iter().map(|(id, _)| id.as_str()).collect();
    let expected_ids: Vec<&str> = EXPECTED_FAILURES.iter().map(|(id, _)| *id).collect();
    assert_eq!(failed_ids, expected_ids, "the set of failing tests changed");
    assert!(
        passed * 100 >= total * 95,
        "pass rate {passed}/{total} is below 95%"
    );
}
