//! Validation sees literals exactly as the data and the shapes wrote them, although the
//! oxigraph store keeps numeric, boolean and date/time literals in canonical form (the graph's
//! exact-literal side table maps them back).

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use ggen_graph::{Graph, GraphBuilder, RdfSyntax};
use ggen_shacl::{ConstraintComponent, Shapes, ValidationReport, validate};

const PREFIXES: &str = "@prefix ex: <http://example.org/> .\n\
    @prefix sh: <http://www.w3.org/ns/shacl#> .\n\
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n";

fn run(ttl: &str) -> ValidationReport {
    let mut b = GraphBuilder::new();
    b.add_text("inline.ttl", &format!("{PREFIXES}{ttl}"), RdfSyntax::Turtle)
        .unwrap();
    let g: Graph = b.build().unwrap();
    validate(&g, &Shapes::from_graph(&g).unwrap()).unwrap()
}

/// (component, value) of every result, values in N-Triples form.
fn results(r: &ValidationReport) -> Vec<(ConstraintComponent, String)> {
    let mut v: Vec<_> = r
        .results()
        .iter()
        .map(|x| {
            (
                x.source_constraint_component,
                x.value
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            )
        })
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

#[test]
fn derived_integer_datatypes_are_kept() {
    // Formerly a known limitation: "5"^^xsd:int came back from the store as xsd:integer.
    let r = run(
        "ex:a ex:p \"5\"^^xsd:int , \"6\"^^xsd:byte , \"7\"^^xsd:integer .\n\
         ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:int ] .",
    );
    assert_eq!(
        results(&r),
        vec![
            (ConstraintComponent::Datatype, format!("\"6\"^^<{XSD}byte>")),
            (
                ConstraintComponent::Datatype,
                format!("\"7\"^^<{XSD}integer>")
            ),
        ]
    );
    // And sh:datatype xsd:integer does not accept a value typed xsd:int (datatypes must be
    // equal, not derived).
    let r = run("ex:a ex:p \"5\"^^xsd:int .\n\
         ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:integer ] .");
    assert_eq!(
        results(&r),
        vec![(ConstraintComponent::Datatype, format!("\"5\"^^<{XSD}int>"))]
    );
}

#[test]
fn pattern_and_lengths_see_the_lexical_form() {
    let r = run(
        "ex:a ex:n \"07\"^^xsd:integer , \"8\"^^xsd:integer ; ex:d \"4.0\"^^xsd:decimal , \"4.50\"^^xsd:decimal ; ex:b \"1\"^^xsd:boolean .\n\
         ex:S sh:targetNode ex:a ;\n\
           sh:property [ sh:path ex:n ; sh:pattern \"^0\" ] ;\n\
           sh:property [ sh:path ex:d ; sh:minLength 4 ] ;\n\
           sh:property [ sh:path ex:b ; sh:maxLength 1 ; sh:pattern \"^1$\" ] .",
    );
    assert_eq!(
        results(&r),
        vec![
            (
                ConstraintComponent::MinLength,
                format!("\"4.0\"^^<{XSD}decimal>")
            ),
            (
                ConstraintComponent::Pattern,
                format!("\"8\"^^<{XSD}integer>")
            ),
        ]
    );
}

#[test]
fn has_value_and_in_compare_terms_exactly() {
    let r = run(
        "ex:a ex:p \"07\"^^xsd:integer ; ex:q \"true\"^^xsd:boolean .\n\
         ex:b ex:p \"7\"^^xsd:integer ; ex:q \"1\"^^xsd:boolean .\n\
         ex:S sh:targetNode ex:a , ex:b ;\n\
           sh:property [ sh:path ex:p ; sh:hasValue \"07\"^^xsd:integer ] ;\n\
           sh:property [ sh:path ex:q ; sh:in ( \"1\"^^xsd:boolean ) ] .",
    );
    let got: Vec<(ConstraintComponent, String, String)> = r
        .results()
        .iter()
        .map(|x| {
            (
                x.source_constraint_component,
                x.focus_node.to_string(),
                x.value
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.contains(&(
        ConstraintComponent::HasValue,
        "<http://example.org/b>".into(),
        String::new()
    )));
    assert!(got.contains(&(
        ConstraintComponent::In,
        "<http://example.org/a>".into(),
        format!("\"true\"^^<{XSD}boolean>")
    )));
}

#[test]
fn literals_with_the_same_canonical_form_stay_two_values() {
    // The store holds one "7"^^xsd:integer for both; the data has two values.
    let r = run(
        "ex:a ex:p \"07\"^^xsd:integer , \"7\"^^xsd:integer ; ex:q \"7\"^^xsd:integer .\n\
         ex:S sh:targetNode ex:a ;\n\
           sh:property [ sh:path ex:p ; sh:maxCount 1 ] ;\n\
           sh:property [ sh:path ex:p ; sh:equals ex:q ] .",
    );
    assert_eq!(
        results(&r),
        vec![
            (ConstraintComponent::MaxCount, String::new()),
            (
                ConstraintComponent::Equals,
                format!("\"07\"^^<{XSD}integer>")
            ),
        ]
    );
}

#[test]
fn unique_lang_one_does_not_activate() {
    // W3C property/uniqueLang-002: only `true` activates sh:uniqueLang.
    let r = run("ex:a ex:p \"x\"@en , \"y\"@en .\n\
         ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:uniqueLang \"1\"^^xsd:boolean ] .\n\
         ex:T sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] .");
    assert_eq!(
        results(&r),
        vec![(ConstraintComponent::UniqueLang, String::new())]
    );
}

#[test]
fn literal_focus_nodes_and_inverse_paths_are_exact() {
    // Focus nodes from sh:targetObjectsOf keep their form; an inverse path from a literal
    // focus node finds only the subjects that have exactly that literal.
    let r = run("ex:a ex:p \"5\"^^xsd:byte .\n\
         ex:b ex:p \"05\"^^xsd:byte .\n\
         ex:S sh:targetObjectsOf ex:p ; sh:datatype xsd:byte ; sh:pattern \"^0\" .\n\
         ex:T sh:targetNode \"5\"^^xsd:byte ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ; sh:maxCount 1 ] .\n\
         ex:U sh:targetNode \"5\"^^xsd:integer ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .");
    let got: Vec<(ConstraintComponent, String)> = r
        .results()
        .iter()
        .map(|x| (x.source_constraint_component, x.focus_node.to_string()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ConstraintComponent::Pattern, format!("\"5\"^^<{XSD}byte>")),
            (
                ConstraintComponent::MinCount,
                format!("\"5\"^^<{XSD}integer>")
            ),
        ],
        "{got:?}"
    );
}
