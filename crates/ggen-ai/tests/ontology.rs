//! The validate-and-repair loop of `generate-ontology`, driven by the mock provider.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ggen_ai::MockProvider;
use ggen_ai::ontology::{OntologyOptions, check_ontology, generate_ontology, write_ontology};

const BROKEN_SYNTAX: &str = "Here is the ontology:\n\n```turtle\n@prefix ex: <http://example.org/library#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\nex:Book a owl:Class ;\n    rdfs:label \"Book .\n```\n";

const NO_RANGE: &str = "```turtle\n@prefix ex: <http://example.org/library#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\nex:Book a owl:Class ;\n    rdfs:label \"Book\" .\n\nex:title a owl:DatatypeProperty ;\n    rdfs:label \"title\" ;\n    rdfs:domain ex:Book .\n```\n";

const VALID_TTL: &str = "@prefix ex: <http://example.org/library#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\nex:Book a owl:Class ;\n    rdfs:label \"Book\" ;\n    rdfs:comment \"A book in the catalogue.\" .\n\nex:title a owl:DatatypeProperty ;\n    rdfs:label \"title\" ;\n    rdfs:domain ex:Book ;\n    rdfs:range xsd:string .\n";

fn valid_reply() -> String {
    format!("Fixed:\n\n```turtle\n{VALID_TTL}```\n")
}

fn last_user(req: &[ggen_ai::Message]) -> &str {
    &req.last().unwrap().content
}

#[test]
fn three_rounds_each_repair_prompt_has_the_previous_errors_and_the_third_is_written() {
    let mock = MockProvider::new(vec![
        BROKEN_SYNTAX.to_owned(),
        NO_RANGE.to_owned(),
        valid_reply(),
    ]);
    let opts = OntologyOptions {
        name: "library.ttl".into(),
        ..OntologyOptions::default()
    };
    let out = generate_ontology(&mock, "A library with books", &opts).unwrap();
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3, "exactly three calls");
    assert!(out.passed());
    assert_eq!(out.rounds.len(), 3);

    // Round 1: the syntax error, with its position in the Turtle.
    let e1 = &out.rounds[0].errors;
    assert_eq!(e1.len(), 1);
    assert_eq!(e1[0].code, "turtle-syntax");
    assert_eq!(e1[0].line, Some(5), "{:?}", e1[0]);
    let p2 = last_user(&reqs[1]);
    assert!(p2.contains(&e1[0].to_string()), "round 2 prompt:\n{p2}");
    assert!(p2.contains("line 5, column"), "{p2}");
    // The conversation carries the model's own broken reply.
    assert_eq!(reqs[1][2].content, BROKEN_SYNTAX);

    // Round 2: a property without a range.
    let e2 = &out.rounds[1].errors;
    assert_eq!(e2.len(), 1);
    assert_eq!(e2[0].code, "property-without-range");
    assert_eq!(e2[0].message, "property ex:title has no rdfs:range");
    assert_eq!(e2[0].line, Some(9));
    let p3 = last_user(&reqs[2]);
    assert!(p3.contains("property ex:title has no rdfs:range"), "{p3}");
    assert!(
        !p3.contains("invalid Turtle"),
        "only the previous round's errors: {p3}"
    );
    assert_eq!(
        reqs[2].len(),
        6,
        "system, request, reply, repair, reply, repair"
    );

    assert!(out.rounds[2].errors.is_empty());
    assert_eq!(out.turtle.as_deref(), Some(VALID_TTL));
    let stats = out.stats.unwrap();
    assert_eq!((stats.classes, stats.properties), (1, 1));

    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("ontology/library.ttl");
    let w = write_ontology(
        &out,
        &target,
        "ontology/library.ttl",
        &d.path().join(".ggen/ai"),
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), VALID_TTL);
    assert_eq!(w.sidecar, d.path().join(".ggen/ai/library.json"));
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&w.sidecar).unwrap()).unwrap();
    assert_eq!(rec["provider"], "mock");
    assert_eq!(rec["model"], "mock");
    assert_eq!(rec["rounds"].as_array().unwrap().len(), 3);
    assert_eq!(
        rec["rounds"][1]["errors"][0]["code"],
        "property-without-range"
    );
    assert_eq!(
        rec["result_sha256"],
        ggen_core::hash::sha256_hex(VALID_TTL.as_bytes())
    );
    assert_eq!(rec["prompt_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(rec["output"], "ontology/library.ttl");
    let text = std::fs::read_to_string(&w.sidecar).unwrap();
    assert!(!text.contains("time") && !text.contains("date"), "{text}");
}

#[test]
fn the_sidecar_is_deterministic() {
    let run = || {
        let mock = MockProvider::new(vec![NO_RANGE.to_owned(), valid_reply()]);
        let out = generate_ontology(&mock, "A library", &OntologyOptions::default()).unwrap();
        let d = tempfile::tempdir().unwrap();
        let w = write_ontology(&out, &d.path().join("lib.ttl"), "lib.ttl", d.path()).unwrap();
        std::fs::read(w.sidecar).unwrap()
    };
    assert_eq!(run(), run());
}

#[test]
fn when_every_round_fails_the_outcome_has_the_last_errors_and_nothing_to_write() {
    let mock = MockProvider::new(vec![
        BROKEN_SYNTAX.to_owned(),
        BROKEN_SYNTAX.to_owned(),
        NO_RANGE.to_owned(),
        valid_reply(),
    ]);
    let out = generate_ontology(&mock, "A library", &OntologyOptions::default()).unwrap();
    assert_eq!(mock.requests().len(), 3, "stops at max_rounds");
    assert!(!out.passed());
    assert_eq!(out.last_errors()[0].code, "property-without-range");
    let d = tempfile::tempdir().unwrap();
    assert!(write_ontology(&out, &d.path().join("x.ttl"), "x.ttl", d.path()).is_err());
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn max_rounds_is_respected_and_zero_is_refused() {
    let mock = MockProvider::new(vec![BROKEN_SYNTAX.to_owned(), valid_reply()]);
    let opts = OntologyOptions {
        max_rounds: 1,
        ..OntologyOptions::default()
    };
    let out = generate_ontology(&mock, "A library", &opts).unwrap();
    assert!(!out.passed());
    assert_eq!(mock.requests().len(), 1);
    let opts = OntologyOptions {
        max_rounds: 0,
        ..OntologyOptions::default()
    };
    assert!(generate_ontology(&mock, "A library", &opts).is_err());
}

#[test]
fn undefined_prefixes_are_named() {
    let ttl = "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n\nlib:Book a owl:Class .\n";
    let problems = check_ontology(ttl, "x.ttl", None).unwrap_err();
    assert_eq!(problems[0].code, "undefined-prefix");
    assert!(problems[0].message.contains("`lib:`"), "{}", problems[0]);
    assert_eq!(problems[0].line, Some(3));
}

#[test]
fn sanity_checks_cover_labels_domains_ranges_and_empty_ontologies() {
    let ttl = "@prefix ex: <http://example.org/x#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\nex:A a owl:Class .\nex:B a rdfs:Class ; rdfs:label \"B\" .\nex:p a owl:ObjectProperty .\nex:q a rdf:Property ; rdfs:domain ex:A ; rdfs:range ex:B .\n";
    let problems = check_ontology(ttl, "x.ttl", None).unwrap_err();
    let shown: Vec<String> = problems
        .iter()
        .map(|p| format!("{}@{:?}", p.message, p.line))
        .collect();
    assert_eq!(
        shown,
        vec![
            "class ex:A has no rdfs:label@Some(5)",
            "property ex:p has no rdfs:domain@Some(7)",
            "property ex:p has no rdfs:range@Some(7)",
        ]
    );
    let problems = check_ontology(
        "@prefix ex: <http://e/> .\nex:a ex:b ex:c .\n",
        "x.ttl",
        None,
    )
    .unwrap_err();
    assert_eq!(problems[0].code, "no-classes");
}

#[test]
fn a_reply_without_turtle_is_a_problem_too() {
    let mock = MockProvider::new(vec!["   ".to_owned(), valid_reply()]);
    // An empty reply is an error from the provider, not a round.
    assert!(generate_ontology(&mock, "A library", &OntologyOptions::default()).is_err());
    let mock = MockProvider::new(vec!["I cannot help with that.".to_owned(), valid_reply()]);
    let out = generate_ontology(&mock, "A library", &OntologyOptions::default()).unwrap();
    assert!(out.passed());
    assert_eq!(out.rounds[0].errors[0].code, "turtle-syntax");
}

#[test]
fn shacl_shapes_are_checked_and_their_violations_sent_back() {
    let d = tempfile::tempdir().unwrap();
    let shapes = d.path().join("shapes.ttl");
    std::fs::write(
        &shapes,
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n<urn:ClassShape> a sh:NodeShape ;\n    sh:targetClass owl:Class ;\n    sh:property [ sh:path rdfs:comment ; sh:minCount 1 ; sh:message \"every class needs a comment\" ] .\n",
    )
    .unwrap();
    let without_comment = VALID_TTL
        .replace(
            "    rdfs:comment \"A book in the catalogue.\" .\n",
            "    rdfs:comment \"\"\"A\"\"\" .\n",
        )
        .replace(
            "rdfs:label \"Book\" ;\n    rdfs:comment \"\"\"A\"\"\" .",
            "rdfs:label \"Book\" .",
        );
    assert!(
        !without_comment.contains("rdfs:comment"),
        "{without_comment}"
    );
    let mock = MockProvider::new(vec![
        format!("```turtle\n{without_comment}```"),
        valid_reply(),
    ]);
    let opts = OntologyOptions {
        shapes: vec![shapes.clone()],
        ..OntologyOptions::default()
    };
    let out = generate_ontology(&mock, "A library", &opts).unwrap();
    assert!(out.passed());
    let e = &out.rounds[0].errors;
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].code, "shacl-violation");
    assert!(
        e[0].message.contains("ex:Book") && e[0].message.contains("every class needs a comment"),
        "{}",
        e[0]
    );
    let reqs = mock.requests();
    assert!(
        reqs[0][1].content.contains("every class needs a comment"),
        "the shapes are in the first prompt"
    );
    assert!(last_user(&reqs[1]).contains("every class needs a comment"));
    assert_eq!(out.shapes[0].sha256.len(), 64);
}

#[test]
fn unreadable_shapes_are_an_error_before_any_request() {
    let mock = MockProvider::new(vec![valid_reply()]);
    let opts = OntologyOptions {
        shapes: vec!["/nonexistent/shapes.ttl".into()],
        ..OntologyOptions::default()
    };
    let e = generate_ontology(&mock, "A library", &opts).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/shapes.ttl"), "{e}");
    assert!(mock.requests().is_empty());
}
