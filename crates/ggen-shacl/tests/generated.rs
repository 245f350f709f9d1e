//! The benchmark's generated data: the expected number of results, and the same report for any
//! number of worker threads.

#![allow(clippy::unwrap_used)]

#[path = "../benches/support/datagen.rs"]
mod datagen;

use ggen_graph::{GraphBuilder, RdfSyntax};
use ggen_shacl::{ConstraintComponent, Shapes, ValidationOptions, validate_with};

#[test]
fn generated_data_gives_the_same_report_for_any_thread_count() {
    let people = 3000;
    let mut b = GraphBuilder::new();
    b.add_text(
        "data.nt",
        &datagen::data_ntriples(people),
        RdfSyntax::NTriples,
    )
    .unwrap();
    let data = b.build().unwrap();
    let mut b = GraphBuilder::new();
    b.add_text("shapes.ttl", datagen::SHAPES_TTL, RdfSyntax::Turtle)
        .unwrap();
    let shapes = Shapes::from_graph(&b.build().unwrap()).unwrap();
    let one = validate_with(
        &data,
        &shapes,
        &ValidationOptions::default().with_threads(1),
    )
    .unwrap();
    assert_eq!(one.results().len(), datagen::expected_results(people));
    // people + companies
    assert_eq!(one.focus_checks(), people + people.div_ceil(50));
    for threads in [2, 3, 7] {
        let other = validate_with(
            &data,
            &shapes,
            &ValidationOptions::default().with_threads(threads),
        )
        .unwrap();
        assert_eq!(one.results(), other.results(), "{threads} threads");
        assert_eq!(one.to_turtle().unwrap(), other.to_turtle().unwrap());
    }
    let count = |c: ConstraintComponent| {
        one.results()
            .iter()
            .filter(|r| r.source_constraint_component == c)
            .count()
    };
    assert_eq!(count(ConstraintComponent::Pattern), people.div_ceil(97));
    assert_eq!(
        count(ConstraintComponent::MinInclusive),
        people.div_ceil(101)
    );
    assert_eq!(count(ConstraintComponent::MinCount), people.div_ceil(211));
    assert_eq!(count(ConstraintComponent::Class), people.div_ceil(307));
}
