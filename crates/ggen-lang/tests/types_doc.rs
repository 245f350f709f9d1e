//! `TYPES.md` is generated from the code; this test fails when the two disagree.

use std::path::Path;

#[test]
fn types_md_matches_the_code() {
    let expected = ggen_lang::types::reference_markdown();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("TYPES.md");
    if std::env::var_os("GGEN_UPDATE_TYPES_MD").is_some() {
        ggen_core::fs::write_atomic(&path, expected.as_bytes()).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "crates/ggen-lang/TYPES.md does not match the type tables in crates/ggen-lang/src/types.\n\
         Regenerate it with:\n\n    GGEN_UPDATE_TYPES_MD=1 cargo test -p ggen-lang --test types_doc\n\n\
         and commit the result."
    );
}

#[test]
fn types_md_lists_every_builtin_datatype() {
    let md = ggen_lang::types::reference_markdown();
    let table = ggen_lang::TypeTables::builtin();
    for lang in ggen_lang::Lang::ALL {
        for (_, ty) in table.entries(lang) {
            assert!(
                md.contains(&format!("`{}`", ty.replace('|', "\\|"))),
                "{ty}"
            );
        }
    }
    for curie in [
        "`xsd:string`",
        "`xsd:dateTime`",
        "`rdf:langString`",
        "`rdfs:Literal`",
    ] {
        assert!(md.contains(curie), "{curie}");
    }
}
