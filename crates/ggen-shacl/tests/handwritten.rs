//! A small hand-written data graph with known violations, the report formats, determinism,
//! malformed shapes and the typed shapes model.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use ggen_core::Diagnostic;
use ggen_graph::{Graph, GraphBuilder, RdfSyntax};
use ggen_shacl::{
    ConstraintComponent, Path, Severity, ShaclError, Shapes, ValidationOptions, validate,
    validate_with,
};

fn file(name: &str) -> Graph {
    let mut b = GraphBuilder::new();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    b.add_file(&path, None).unwrap();
    b.build().unwrap()
}

fn text(ttl: &str) -> Graph {
    let mut b = GraphBuilder::new();
    b.add_text("inline.ttl", ttl, RdfSyntax::Turtle).unwrap();
    b.build().unwrap()
}

const PREFIXES: &str = "@prefix ex: <http://example.org/> .\n\
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n\
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
    @prefix sh: <http://www.w3.org/ns/shacl#> .\n\
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n";

fn people() -> (Graph, Shapes) {
    let shapes = Shapes::from_graph(&file("people-shapes.ttl")).unwrap();
    (file("people-data.ttl"), shapes)
}

#[test]
fn people_report_has_exactly_the_known_results() {
    let (data, shapes) = people();
    let report = validate(&data, &shapes).unwrap();
    let p = report.prefixes().clone();
    let got: BTreeSet<(String, String, String)> = report
        .results()
        .iter()
        .map(|r| {
            let focus = match &r.focus_node {
                ggen_graph::model::Term::NamedNode(n) => p.shorten(n.as_str()).unwrap(),
                other => other.to_string(),
            };
            let path = r
                .result_path
                .as_ref()
                .map(|x| x.to_sparql(&p))
                .unwrap_or_default();
            (
                focus,
                path,
                r.source_constraint_component.local_name().to_owned(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("ex:bob", "ex:name", "MinCountConstraintComponent"),
        ("ex:bob", "ex:age", "DatatypeConstraintComponent"),
        ("ex:bob", "ex:age", "MinInclusiveConstraintComponent"),
        ("ex:bob", "ex:email", "PatternConstraintComponent"),
        ("ex:bob", "ex:knows", "ClassConstraintComponent"),
        ("ex:bob", "ex:status", "InConstraintComponent"),
        ("ex:bob", "ex:shoeSize", "ClosedConstraintComponent"),
        ("ex:carol", "ex:name", "MaxCountConstraintComponent"),
        ("ex:carol", "ex:age", "MinInclusiveConstraintComponent"),
        ("ex:carol", "ex:start", "LessThanConstraintComponent"),
        ("ex:carol", "ex:label", "UniqueLangConstraintComponent"),
        ("ex:carol", "ex:address", "NodeConstraintComponent"),
        ("ex:rex", "^ex:owns", "MinCountConstraintComponent"),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
    .collect();
    assert_eq!(got, want, "{}", report.to_text());
    assert_eq!(report.results().len(), want.len());
    assert!(!report.conforms());
    assert!(report.has_violations());
    let counts = report.counts();
    assert_eq!((counts.violations, counts.warnings), (12, 1));
    // The dog result carries its shape's severity and message.
    let dog = report
        .results()
        .iter()
        .find(|r| {
            r.source_constraint_component == ConstraintComponent::MinCount
                && r.result_path
                    .as_ref()
                    .is_some_and(|p| matches!(p, Path::Inverse(_)))
        })
        .unwrap();
    assert_eq!(dog.severity, Severity::Warning);
    assert_eq!(dog.messages[0].value(), "Every dog needs an owner");
    assert_eq!(dog.messages[0].language(), Some("en"));
}

#[test]
fn reports_are_deterministic_across_runs_and_thread_counts() {
    let (data, shapes) = people();
    let one = validate_with(
        &data,
        &shapes,
        &ValidationOptions::default().with_threads(1),
    )
    .unwrap();
    let four = validate_with(
        &data,
        &shapes,
        &ValidationOptions::default().with_threads(4),
    )
    .unwrap();
    assert_eq!(one.results(), four.results());
    assert_eq!(one.to_turtle().unwrap(), four.to_turtle().unwrap());
    // Fresh loads of the same files give the same bytes.
    let (data2, shapes2) = people();
    let again = validate(&data2, &shapes2).unwrap();
    assert_eq!(one.to_turtle().unwrap(), again.to_turtle().unwrap());
    assert_eq!(one.to_json(), again.to_json());
    assert_eq!(one.to_text(), again.to_text());
}

#[test]
fn text_report_groups_by_focus_node() {
    let (data, shapes) = people();
    let text = validate(&data, &shapes).unwrap().to_text();
    assert!(
        text.starts_with("Conforms: no (13 results: 12 violations, 1 warning, 0 infos)\n"),
        "{text}"
    );
    let bob = text.find("\nex:bob\n").unwrap();
    let carol = text.find("\nex:carol\n").unwrap();
    assert!(bob < carol);
    assert!(
        text.contains("  [Violation] ex:age = \"old\": Value \"old\" does not have datatype"),
        "{text}"
    );
    assert!(
        text.contains("  [Warning] ^ex:owns: Every dog needs an owner"),
        "{text}"
    );
    assert!(
        text.contains("sh:ClosedConstraintComponent from shape ex:PersonShape"),
        "{text}"
    );
}

#[test]
fn json_report_lists_every_field() {
    let (data, shapes) = people();
    let report = validate(&data, &shapes).unwrap();
    let v: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(v["conforms"], false);
    assert_eq!(v["counts"]["results"], 13);
    assert_eq!(v["counts"]["warnings"], 1);
    let results = v["results"].as_array().unwrap();
    let closed = results
        .iter()
        .find(|r| {
            r["sourceConstraintComponent"] == "http://www.w3.org/ns/shacl#ClosedConstraintComponent"
        })
        .unwrap();
    assert_eq!(closed["focusNode"], "<http://example.org/bob>");
    assert_eq!(closed["resultPath"], "<http://example.org/shoeSize>");
    assert_eq!(
        closed["value"],
        "\"44\"^^<http://www.w3.org/2001/XMLSchema#integer>"
    );
    assert_eq!(closed["severity"], "Violation");
    assert_eq!(closed["sourceShape"], "<http://example.org/PersonShape>");
    assert!(closed["messages"][0].as_str().unwrap().contains("shoeSize"));
}

#[test]
fn turtle_report_is_a_standard_validation_report_graph() {
    let (data, shapes) = people();
    let report = validate(&data, &shapes).unwrap();
    let ttl = report.to_turtle().unwrap();
    let g = text(&ttl);
    let opts = ggen_graph::QueryOptions::default();
    assert!(
        g.ask(
            "ASK { ?r a sh:ValidationReport ; sh:conforms false }",
            &opts
        )
        .unwrap()
    );
    let rows = g
        .select(
            "SELECT ?res ?focus ?path ?severity ?shape ?comp WHERE { ?r sh:result ?res . ?res a sh:ValidationResult ; \
             sh:focusNode ?focus ; sh:resultSeverity ?severity ; sh:sourceShape ?shape ; sh:sourceConstraintComponent ?comp ; \
             sh:resultMessage ?m . OPTIONAL { ?res sh:resultPath ?path } }",
            &opts,
        )
        .unwrap();
    assert_eq!(rows.rows.len(), 13);
    // The inverse path comes back as a SHACL path node.
    let mut inverse = 0;
    for i in 0..rows.rows.len() {
        if let Some(p) = rows.get(i, "path") {
            let path = Path::from_graph(&g, p).unwrap();
            if let Path::Inverse(inner) = &path {
                assert_eq!(
                    inner.as_predicate().unwrap().as_str(),
                    "http://example.org/owns"
                );
                inverse += 1;
            }
        }
    }
    assert_eq!(inverse, 1);
    // A conforming report.
    let ok = validate(&text(&format!("{PREFIXES} ex:x ex:p 1 .")), &shapes).unwrap();
    assert!(ok.conforms());
    let g = text(&ok.to_turtle().unwrap());
    assert!(g.ask("ASK { ?r a sh:ValidationReport ; sh:conforms true . FILTER NOT EXISTS { ?r sh:result ?x } }", &opts).unwrap());
}

#[test]
fn blank_node_shapes_of_a_separate_shapes_graph_are_kept_apart_in_reports() {
    let (data, shapes) = people();
    let report = validate(&data, &shapes).unwrap();
    let ttl = report.to_turtle().unwrap();
    // The dog's property shape is a blank node of the shapes graph.
    assert!(ttl.contains("_:shapes-"), "{ttl}");
}

#[test]
fn all_path_kinds_evaluate() {
    let g = text(&format!(
        "{PREFIXES}
        ex:a ex:p ex:b . ex:b ex:p ex:c . ex:c ex:p ex:d . ex:b ex:q ex:x . ex:z ex:r ex:a .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
          sh:property [ sh:path ( ex:p ex:p ) ; sh:hasValue ex:c ; sh:maxCount 1 ] ;
          sh:property [ sh:path [ sh:alternativePath ( ex:p ex:r ) ] ; sh:hasValue ex:b ; sh:maxCount 1 ] ;
          sh:property [ sh:path [ sh:inversePath ex:r ] ; sh:hasValue ex:z ; sh:maxCount 1 ] ;
          sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 4 ; sh:maxCount 4 ; sh:hasValue ex:a ] ;
          sh:property [ sh:path [ sh:oneOrMorePath ex:p ] ; sh:minCount 3 ; sh:maxCount 3 ] ;
          sh:property [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:minCount 2 ; sh:maxCount 2 ] ;
          sh:property [ sh:path ( ex:p [ sh:alternativePath ( ex:q ex:p ) ] ) ; sh:in ( ex:x ex:c ) ; sh:minCount 2 ] ;
          sh:property [ sh:path [ sh:inversePath ( ex:p ex:p ) ] ; sh:maxCount 0 ] .
        ex:T a sh:NodeShape ; sh:targetNode ex:d ;
          sh:property [ sh:path [ sh:inversePath ( ex:p ex:p ) ] ; sh:hasValue ex:b ; sh:maxCount 1 ] ;
          sh:property [ sh:path [ sh:oneOrMorePath [ sh:inversePath ex:p ] ] ; sh:minCount 3 ; sh:maxCount 3 ] ."
    ));
    let shapes = Shapes::from_graph(&g).unwrap();
    let report = validate(&g, &shapes).unwrap();
    assert!(report.conforms(), "{}", report.to_text());
    // And a violation of each kind is noticed: ex:a has 4 nodes on p*, so maxCount 3 fails.
    let g2 = text(&format!(
        "{PREFIXES} ex:a ex:p ex:b . ex:b ex:p ex:c . ex:c ex:p ex:a .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:maxCount 2 ] ."
    ));
    let report = validate(&g2, &Shapes::from_graph(&g2).unwrap()).unwrap();
    assert_eq!(report.results().len(), 1);
    assert_eq!(
        report.results()[0]
            .result_path
            .as_ref()
            .unwrap()
            .to_sparql(report.prefixes()),
        "ex:p*"
    );
}

#[test]
fn remaining_components() {
    let g = text(&format!(
        "{PREFIXES}
        ex:a ex:p 1, 2 ; ex:q 2, 3 ; ex:lbl \"x\"@fr, \"y\"@en-GB ; ex:t ex:a ; ex:code \"AB1\" .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
          sh:property [ sh:path ex:p ; sh:equals ex:q ] ;
          sh:property [ sh:path ex:p ; sh:disjoint ex:q ] ;
          sh:property [ sh:path ex:p ; sh:lessThanOrEquals ex:q ] ;
          sh:property [ sh:path ex:p ; sh:maxExclusive 2 ; sh:minExclusive 1 ] ;
          sh:property [ sh:path ex:lbl ; sh:languageIn ( \"en\" ) ] ;
          sh:property [ sh:path ex:code ; sh:pattern \"^ab\" ; sh:flags \"i\" ; sh:minLength 4 ; sh:maxLength 2 ] ;
          sh:property [ sh:path ex:t ; sh:nodeKind sh:Literal ] ;
          sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:in ( 1 ) ] ; sh:qualifiedMinCount 2 ; sh:qualifiedMaxCount 0 ] ;
          sh:property [ sh:path ex:p ; sh:not [ sh:in ( 2 ) ] ] ;
          sh:property [ sh:path ex:p ; sh:xone ( [ sh:in ( 1 2 ) ] [ sh:in ( 2 ) ] ) ] ;
          sh:property [ sh:path ex:p ; sh:and ( [ sh:in ( 1 2 ) ] [ sh:in ( 1 ) ] ) ] ;
          sh:property [ sh:path ex:p ; sh:or ( [ sh:in ( 3 ) ] [ sh:in ( 1 ) ] ) ] ."
    ));
    let shapes = Shapes::from_graph(&g).unwrap();
    let report = validate(&g, &shapes).unwrap();
    let mut got: Vec<(String, String)> = report
        .results()
        .iter()
        .map(|r| {
            (
                r.source_constraint_component
                    .local_name()
                    .trim_end_matches("ConstraintComponent")
                    .to_owned(),
                r.value.as_ref().map(|v| v.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    got.sort();
    let int = |n: u8| format!("\"{n}\"^^<http://www.w3.org/2001/XMLSchema#integer>");
    let mut want: Vec<(String, String)> = vec![
        ("Equals".into(), int(1)),
        ("Equals".into(), int(3)),
        ("Disjoint".into(), int(2)),
        ("LessThanOrEquals".into(), int(2)), // 2 <= 2 holds, 2 <= 3 holds; 1 fine: only... see below
        ("MaxExclusive".into(), int(2)),
        ("MinExclusive".into(), int(1)),
        ("LanguageIn".into(), "\"x\"@fr".into()),
        ("MinLength".into(), "\"AB1\"".into()),
        ("MaxLength".into(), "\"AB1\"".into()),
        ("NodeKind".into(), "<http://example.org/a>".into()),
        ("QualifiedMinCount".into(), String::new()),
        ("QualifiedMaxCount".into(), String::new()),
        ("Not".into(), int(2)),
        ("Xone".into(), int(2)),
        ("And".into(), int(2)),
        ("Or".into(), int(2)),
    ];
    // lessThanOrEquals: pairs (1,2) (1,3) (2,2) (2,3) all hold, so no result after all.
    want.retain(|(c, _)| c != "LessThanOrEquals");
    want.sort();
    assert_eq!(got, want, "{}", report.to_text());
}

#[test]
fn recursive_shapes_terminate() {
    let g = text(&format!(
        "{PREFIXES}
        ex:a ex:knows ex:b . ex:b ex:knows ex:a . ex:b ex:name \"B\" .
        ex:P a sh:NodeShape ; sh:targetNode ex:a ;
          sh:property [ sh:path ex:knows ; sh:node ex:P ] ;
          sh:property [ sh:path ex:name ; sh:minCount 1 ] ."
    ));
    let report = validate(&g, &Shapes::from_graph(&g).unwrap()).unwrap();
    // ex:a has no name; ex:b (reached through sh:node) conforms on the assumption that the
    // recursive visit of ex:a does.
    assert_eq!(report.results().len(), 1, "{}", report.to_text());
    assert_eq!(
        report.results()[0].source_constraint_component,
        ConstraintComponent::MinCount
    );
}

#[test]
fn deactivated_shapes_and_custom_severity() {
    let g = text(&format!(
        "{PREFIXES}
        ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:deactivated true ; sh:class ex:C .
        ex:T a sh:NodeShape ; sh:targetNode ex:a ; sh:class ex:C ; sh:severity ex:Mine .
        ex:U a sh:NodeShape ; sh:targetNode ex:a ; sh:class ex:C ; sh:severity sh:Info ."
    ));
    let report = validate(&g, &Shapes::from_graph(&g).unwrap()).unwrap();
    assert_eq!(report.results().len(), 2);
    assert!(!report.conforms());
    assert!(!report.has_violations());
    let c = report.counts();
    assert_eq!((c.violations, c.infos, c.other), (0, 1, 1));
}

fn malformed(shapes_ttl: &str) -> ShaclError {
    let mut b = GraphBuilder::new();
    b.add_text(
        "shapes.ttl",
        &format!("{PREFIXES}{shapes_ttl}"),
        RdfSyntax::Turtle,
    )
    .unwrap();
    Shapes::from_graph(&b.build().unwrap()).unwrap_err()
}

#[test]
fn malformed_shapes_name_the_shape_and_the_triple() {
    let e = malformed("ex:S a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount \"x\" ] .");
    let msg = e.to_string();
    assert_eq!(e.code(), "shacl-malformed-shape");
    assert!(msg.starts_with("shapes.ttl: malformed shape _:"), "{msg}");
    assert!(
        msg.contains("sh:minCount") || msg.contains("minCount>"),
        "{msg}"
    );
    assert!(msg.contains("\"x\" ."), "{msg}");
    assert_eq!(
        ggen_core::Diagnostic::location(&e).unwrap().file,
        PathBuf::from("shapes.ttl")
    );
    assert!(e.help().is_some());

    let msg = malformed("ex:S sh:path ex:p, ex:q ; sh:minCount 1 .").to_string();
    assert!(
        msg.contains("malformed shape <http://example.org/S>")
            && msg.contains("exactly one sh:path"),
        "{msg}"
    );

    let msg = malformed("ex:S sh:targetNode ex:a ; sh:pattern \"(unclosed\" .").to_string();
    assert!(
        msg.contains("invalid sh:pattern regular expression"),
        "{msg}"
    );

    let msg =
        malformed("ex:S sh:targetNode ex:a ; sh:flags \"z\" ; sh:pattern \"a\" .").to_string();
    assert!(msg.contains("unknown sh:flags character `z`"), "{msg}");

    let msg = malformed("ex:S sh:targetNode ex:a ; sh:in ex:notAList .").to_string();
    assert!(msg.contains("must be an RDF list"), "{msg}");

    let msg =
        malformed("ex:S sh:targetNode ex:a ; sh:property ex:T . ex:T sh:minCount 1 .").to_string();
    assert!(msg.contains("has no sh:path"), "{msg}");

    let msg = malformed("ex:S sh:path [ sh:inversePath \"lit\" ] ; sh:minCount 1 .").to_string();
    assert!(msg.contains("invalid path"), "{msg}");

    let msg = malformed("ex:S sh:targetNode ex:a ; sh:nodeKind ex:Nope .").to_string();
    assert!(msg.contains("sh:nodeKind must be one of"), "{msg}");

    let msg = malformed("ex:S sh:targetNode ex:a ; sh:datatype \"xsd:string\" .").to_string();
    assert!(msg.contains("must be an IRI"), "{msg}");

    let msg =
        malformed("ex:S sh:targetNode ex:a ; sh:class ex:C ; sh:severity \"high\" .").to_string();
    assert!(msg.contains("sh:severity must be an IRI"), "{msg}");

    let msg =
        malformed("ex:S sh:targetNode ex:a ; sh:class ex:C ; sh:deactivated \"yes\" .").to_string();
    assert!(msg.contains("must be an xsd:boolean"), "{msg}");
}

#[test]
fn unused_malformed_paths_are_ignored() {
    let g = text(&format!(
        "{PREFIXES} _:p sh:inversePath ( 1 2 ) . ex:S sh:targetNode ex:a ; sh:class ex:C ."
    ));
    assert_eq!(Shapes::from_graph(&g).unwrap().len(), 1);
}

#[test]
fn typed_model_for_code_generation() {
    let shapes = Shapes::from_graph(&file("people-shapes.ttl")).unwrap();
    let props = shapes.property_shapes_for_class("http://example.org/Person");
    let preds: Vec<&str> = props
        .iter()
        .map(|p| p.predicate().unwrap().as_str())
        .collect();
    // sh:order first (name, age, email), then by path.
    assert_eq!(
        preds,
        [
            "http://example.org/name",
            "http://example.org/age",
            "http://example.org/email",
            "http://example.org/address",
            "http://example.org/end",
            "http://example.org/knows",
            "http://example.org/label",
            "http://example.org/start",
            "http://example.org/status",
        ]
    );
    let name = props[0];
    assert_eq!(name.name(), Some("name"));
    assert_eq!(
        name.datatype().unwrap().as_str(),
        "http://www.w3.org/2001/XMLSchema#string"
    );
    assert_eq!((name.min_count(), name.max_count()), (Some(1), Some(1)));
    let knows = props
        .iter()
        .find(|p| p.predicate().unwrap().as_str().ends_with("knows"))
        .unwrap();
    assert_eq!(
        knows.classes()[0].to_string(),
        "<http://example.org/Person>"
    );
    assert_eq!((knows.min_count(), knows.max_count()), (None, None));
    let status = props
        .iter()
        .find(|p| p.predicate().unwrap().as_str().ends_with("status"))
        .unwrap();
    assert_eq!(status.in_values().unwrap().len(), 2);
    let email = props
        .iter()
        .find(|p| p.predicate().unwrap().as_str().ends_with("email"))
        .unwrap();
    assert_eq!(email.pattern().unwrap().pattern, "^[^@ ]+@[^@ ]+$");
    let address = props
        .iter()
        .find(|p| p.predicate().unwrap().as_str().ends_with("address"))
        .unwrap();
    let (_, address_shape) = shapes.find_iri("http://example.org/AddressShape").unwrap();
    assert_eq!(
        shapes.get(address.node_shapes()[0]).unwrap().id(),
        address_shape.id()
    );
    assert!(
        shapes
            .property_shapes_for_class("http://example.org/Nothing")
            .is_empty()
    );
    assert_eq!(shapes.node_shapes().count(), 3);
}

#[test]
fn sh_datatype_xsd_int_accepts_an_int_literal() {
    // Formerly `known_limitation_store_normalizes_derived_integer_literals`: the store reads
    // "5"^^xsd:int back as "5"^^xsd:integer; validation now sees the literal as written (see
    // tests/exact_literals.rs for the other constraints that depend on it).
    let g = text(&format!(
        "{PREFIXES} ex:a ex:p \"5\"^^xsd:int . ex:b ex:p \"5\"^^xsd:integer .\n\
         ex:S sh:targetNode ex:a , ex:b ; sh:property [ sh:path ex:p ; sh:datatype xsd:int ] ."
    ));
    let report = validate(&g, &Shapes::from_graph(&g).unwrap()).unwrap();
    assert_eq!(report.results().len(), 1, "{}", report.to_text());
    assert_eq!(
        report.results()[0].focus_node.to_string(),
        "<http://example.org/b>"
    );
    assert_eq!(
        report.results()[0].value.as_ref().unwrap().to_string(),
        "\"5\"^^<http://www.w3.org/2001/XMLSchema#integer>"
    );
}

fn chain(n: usize) -> Graph {
    let mut ttl = String::from(PREFIXES);
    ttl.push_str("ex:P a sh:NodeShape ; sh:targetNode ex:n0 ; sh:property [ sh:path ex:next ; sh:node ex:P ] ; sh:property [ sh:path ex:v ; sh:minCount 1 ] .\n");
    for i in 0..n {
        ttl.push_str(&format!("ex:n{i} ex:v {i} ; ex:next ex:n{} .\n", i + 1));
    }
    text(&ttl)
}

#[test]
fn recursive_shapes_over_long_chains_work_up_to_the_depth_limit() {
    // Each node of the chain nests two levels (the node shape and its property shape).
    let g = chain(1500);
    let report = validate(&g, &Shapes::from_graph(&g).unwrap()).unwrap();
    // The last node (n1500) has no ex:v: it does not conform, so neither does any node before
    // it, and ex:n0 gets one sh:node result.
    assert_eq!(report.results().len(), 1, "{}", report.to_text());
    assert_eq!(
        report.results()[0].source_constraint_component,
        ConstraintComponent::Node
    );

    let g = chain(ggen_shacl::MAX_DEPTH);
    let err = validate(&g, &Shapes::from_graph(&g).unwrap()).unwrap_err();
    assert_eq!(err.code(), "shacl-recursion");
    assert!(
        err.to_string().contains("nested more than 4096 levels"),
        "{err}"
    );
}
