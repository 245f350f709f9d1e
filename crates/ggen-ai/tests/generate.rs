//! `generate`: templates are linted and repaired; code is extracted in one call.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ggen_ai::MockProvider;
use ggen_ai::generate::{GenerateOptions, generate};

const GOOD: &str = "---\nto: \"classes.md\"\nsparql:\n  classes: |\n    SELECT ?class WHERE { ?class a owl:Class } ORDER BY ?class\n---\n{% for c in sparql_results.classes %}- {{ c.class | local }}\n{% endfor %}\n";

#[test]
fn templates_are_repaired_until_lint_passes() {
    let bad = "````tmpl\n---\nto: \"classes.md\"\n---\n{{ undefined_thing }}\n````";
    let mock = MockProvider::new(vec![
        bad.into(),
        format!("Fixed:\n\n````tmpl\n{GOOD}````\n"),
    ]);
    let opts = GenerateOptions {
        template: true,
        file_name: "classes.md.tmpl".into(),
        ..GenerateOptions::default()
    };
    let out = generate(&mock, "A list of classes", &opts).unwrap();
    assert_eq!(out.rounds.len(), 2);
    let e = &out.rounds[0].errors[0];
    assert_eq!(e.code, "template-undefined");
    assert!(e.message.contains("undefined_thing"), "{e}");
    assert_eq!(e.line, Some(4), "the line in the template file");
    let reqs = mock.requests();
    assert!(reqs[1].last().unwrap().content.contains(&e.to_string()));
    assert!(
        reqs[0][0].content.contains("ggen template"),
        "template instructions"
    );
    assert_eq!(out.text.as_deref(), Some(GOOD));
}

#[test]
fn a_template_that_never_passes_lint_is_not_returned() {
    let mock = MockProvider::new(vec!["just some prose".into(), "more prose".into()]);
    let opts = GenerateOptions {
        template: true,
        max_rounds: 2,
        ..GenerateOptions::default()
    };
    let out = generate(&mock, "A template", &opts).unwrap();
    assert_eq!(out.text, None);
    assert_eq!(out.rounds.len(), 2);
    assert_eq!(out.rounds[1].errors[0].code, "template-no-output");
}

#[test]
fn code_is_taken_from_the_first_block_in_one_call() {
    let mock = MockProvider::new(vec![
        "Here:\n```python\nprint('hi')\n```\nand\n```sh\necho no\n```".into(),
        "unused".into(),
    ]);
    let out = generate(&mock, "hello in python", &GenerateOptions::default()).unwrap();
    assert_eq!(out.text.as_deref(), Some("print('hi')\n"));
    assert_eq!(mock.requests().len(), 1);
}
