//! `sparql`: vocabulary grounding, truncation for big graphs, and the repair loop.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;

use ggen_ai::MockProvider;
use ggen_ai::sparql::{SparqlOptions, Vocabulary, sparql};
use ggen_graph::{Graph, GraphBuilder, Prefixes, QueryOutput, RdfSyntax};

fn graph(ttl: &str) -> Graph {
    let mut b = GraphBuilder::new();
    b.add_text("g.ttl", ttl, RdfSyntax::Turtle).unwrap();
    b.build().unwrap()
}

const SMALL: &str = r#"
@prefix ex: <http://example.org/zoo#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Animal a owl:Class ; rdfs:label "Animal" ; rdfs:comment "A living thing in the zoo." .
ex:Keeper a owl:Class ; rdfs:label "Keeper" .
ex:name a owl:DatatypeProperty ; rdfs:label "name" ; rdfs:domain ex:Animal ; rdfs:range xsd:string .
ex:keptBy a owl:ObjectProperty ; rdfs:domain ex:Animal ; rdfs:range ex:Keeper .
ex:leo a ex:Animal ; ex:name "Leo" ; ex:keptBy ex:kim .
ex:zed a ex:Animal ; ex:name "Zed" .
ex:kim a ex:Keeper ; ex:age 41 .
"#;

#[test]
fn the_vocabulary_lists_classes_and_properties_with_labels_domains_ranges_and_counts() {
    let v = Vocabulary::of(&graph(SMALL), &Prefixes::new()).unwrap();
    let text = v.to_prompt(10_000);
    for expected in [
        "PREFIX ex: <http://example.org/zoo#>",
        "- ex:Animal \"Animal\" — A living thing in the zoo. (2 instances)",
        "- ex:Keeper \"Keeper\" (1 instances)",
        "- ex:name (datatype) \"name\": ex:Animal → xsd:string (2 uses)",
        "- ex:keptBy (object): ex:Animal → ex:Keeper (1 uses)",
        "- ex:age (used) (1 uses)",
    ] {
        assert!(text.contains(expected), "`{expected}` missing:\n{text}");
    }
    assert!(
        !text.contains("owl:Class"),
        "meta vocabulary is left out:\n{text}"
    );
    assert!(
        !text.contains("rdfs:label (") && !text.contains("rdf:type"),
        "{text}"
    );
}

#[test]
fn big_vocabularies_are_cut_to_the_budget_with_a_count_of_what_is_left_out() {
    let mut ttl = String::from(
        "@prefix ex: <http://example.org/big#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n",
    );
    for i in 0..500 {
        let _ = writeln!(
            ttl,
            "ex:C{i:03} a owl:Class ; rdfs:label \"Class number {i}\" ."
        );
        let _ = writeln!(
            ttl,
            "ex:p{i:03} a owl:ObjectProperty ; rdfs:domain ex:C{i:03} ; rdfs:range ex:C000 ."
        );
    }
    // The most used class comes first.
    let _ = writeln!(ttl, "ex:x a ex:C499 . ex:y a ex:C499 .");
    let v = Vocabulary::of(&graph(&ttl), &Prefixes::new()).unwrap();
    assert_eq!((v.classes.len(), v.properties.len()), (500, 500));
    let text = v.to_prompt(4_000);
    assert!(text.len() <= 4_200, "{}", text.len());
    assert!(text.contains("more classes not shown"), "{text}");
    assert!(text.contains("more properties not shown"), "{text}");
    let first_class = text.lines().find(|l| l.starts_with("- ex:C")).unwrap();
    assert!(first_class.starts_with("- ex:C499"), "{first_class}");
}

#[test]
fn a_query_that_fails_to_parse_is_repaired_with_the_error_and_the_result_is_returned() {
    let g = graph(SMALL);
    let mock = MockProvider::new(vec![
        "```sparql\nSELECT ?name WHERE { ?a a ex:Animal ; ex:name ?name \n```".into(),
        "```sparql\nSELECT ?name WHERE { ?a a ex:Animal ; ex:name ?name } ORDER BY ?name\n```"
            .into(),
    ]);
    let out = sparql(
        &mock,
        "Names of the animals?",
        &g,
        &SparqlOptions::default(),
    )
    .unwrap();
    assert_eq!(out.rounds.len(), 2);
    assert_eq!(out.rounds[0].errors[0].code, "sparql-syntax");
    let reqs = mock.requests();
    assert!(
        reqs[0][1]
            .content
            .contains("Question: Names of the animals?")
    );
    assert!(reqs[0][1].content.contains("ex:Animal"));
    assert!(
        reqs[1][3]
            .content
            .contains(&out.rounds[0].errors[0].message)
    );
    let Some(QueryOutput::Solutions(s)) = out.output else {
        panic!("expected solutions");
    };
    let names: Vec<String> = s
        .rows
        .iter()
        .map(|r| ggen_graph::term::text(r[0].as_ref().unwrap()))
        .collect();
    assert_eq!(names, vec!["Leo", "Zed"]);
}

#[test]
fn evaluation_errors_are_problems_too() {
    let g = graph(SMALL);
    let mock = MockProvider::new(vec![
        "```sparql\nSELECT ?x WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?x ?p ?o } }\n```"
            .into(),
        "```sparql\nASK { ?a a ex:Keeper }\n```".into(),
    ]);
    let out = sparql(&mock, "Is there a keeper?", &g, &SparqlOptions::default()).unwrap();
    assert_eq!(out.rounds.len(), 2, "{:?}", out.rounds);
    assert_eq!(out.rounds[0].errors[0].code, "sparql-evaluation");
    assert_eq!(out.output, Some(QueryOutput::Boolean(true)));
}
