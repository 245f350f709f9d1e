//! Validating the schema.org vocabulary (testdata/schema.org, https://schema.org/ IRIs) against
//! schema.org's own SHACL shapes (`schemaorg-shapes.shacl`, http://schema.org/ IRIs).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::path::PathBuf;

use ggen_core::Diagnostic;
use ggen_graph::{Graph, GraphBuilder, RdfSyntax};
use ggen_shacl::{Shapes, validate};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/schema.org")
        .join(name)
}

fn data() -> Graph {
    let mut b = GraphBuilder::new();
    b.add_file(&corpus("schemaorg-current-https.ttl"), None)
        .unwrap();
    b.build().unwrap()
}

fn shapes_text() -> String {
    std::fs::read_to_string(corpus("schemaorg-shapes.shacl")).unwrap()
}

/// The published shapes file has 25 shape IRIs with a second `#` (e.g.
/// `<http://schema.org/validation#ValidSchemahttp://rdfs.org/ns/void#Dataset>`), which is not a
/// valid IRI. Percent-encode the second `#` of each so the file parses; nothing else changes.
fn repaired(text: &str) -> (String, usize) {
    let re = regex::Regex::new(r"<(http://schema\.org/validation#[^>#]*)#([^>]*)>").unwrap();
    let n = re.find_iter(text).count();
    (re.replace_all(text, "<$1%23$2>").into_owned(), n)
}

fn shapes_from(text: &str) -> Shapes {
    let mut b = GraphBuilder::new();
    b.add_text("schemaorg-shapes.shacl", text, RdfSyntax::Turtle)
        .unwrap();
    Shapes::from_graph(&b.build().unwrap()).unwrap()
}

#[test]
fn published_shapes_file_is_not_valid_turtle() {
    let mut b = GraphBuilder::new();
    let err = b
        .add_file(&corpus("schemaorg-shapes.shacl"), Some(RdfSyntax::Turtle))
        .unwrap_err();
    let loc = err.location().unwrap();
    assert_eq!(loc.line, Some(3785), "{err}");
    assert!(
        err.to_string().contains("Invalid IRI code point '#'"),
        "{err}"
    );
}

fn https_shapes() -> Shapes {
    let (text, _) = repaired(&shapes_text());
    let text = text.replace(
        "@prefix schema1: <http://schema.org/> .",
        "@prefix schema1: <https://schema.org/> .",
    );
    shapes_from(&text)
}

#[test]
fn schema_org_as_published_http_shapes_select_nothing_in_https_data() {
    let (text, fixed) = repaired(&shapes_text());
    assert_eq!(fixed, 25);
    let shapes = shapes_from(&text);
    assert_eq!(shapes.len(), 5340);
    assert_eq!(shapes.node_shapes().count(), 3016); // 5340 shapes - 2324 with sh:path
    let data = data();
    assert_eq!(data.len(), 17949);
    let report = validate(&data, &shapes).unwrap();
    // The shapes target http://schema.org/ classes; the data is all https://schema.org/, so no
    // shape selects a single focus node and the report is trivially conforming.
    assert_eq!(report.focus_checks(), 0);
    assert!(report.conforms());
}

#[test]
fn schema_org_with_shapes_moved_to_https_validates_the_enumeration_members() {
    let shapes = https_shapes();
    let data = data();
    let report = validate(&data, &shapes).unwrap();
    // The typed nodes of the vocabulary are its enumeration members (e.g. schema:Monday a
    // schema:DayOfWeek); each is checked against the shapes of its class and superclasses.
    assert_eq!(report.focus_checks(), 2500);
    assert!(report.conforms(), "{}", report.to_text());
}

#[test]
fn schema_org_https_shapes_catch_an_injected_violation() {
    let shapes = https_shapes();
    let mut b = GraphBuilder::new();
    b.add_file(&corpus("schemaorg-current-https.ttl"), None)
        .unwrap();
    // schema.org's shapes model schema:Text as a node (sh:nodeKind sh:BlankNodeOrIRI), so a
    // literal name does not conform to :ValidSchemaText.
    b.add_text(
        "extra.ttl",
        "<https://schema.org/Monday> <https://schema.org/name> \"Monday\" .",
        RdfSyntax::Turtle,
    )
    .unwrap();
    let report = validate(&b.build().unwrap(), &shapes).unwrap();
    let got: Vec<(String, String, &str)> = report
        .results()
        .iter()
        .map(|r| {
            (
                r.focus_node.to_string(),
                r.result_path
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                r.source_constraint_component.local_name(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [(
            "<https://schema.org/Monday>".to_owned(),
            "<https://schema.org/name>".to_owned(),
            "NodeConstraintComponent"
        )],
        "{}",
        report.to_text()
    );
}
