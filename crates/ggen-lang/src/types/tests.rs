use super::*;

fn xsd(local: &str) -> String {
    format!("{XSD}{local}")
}

fn ty(tables: &TypeTables, lang: &str, datatype: &str) -> String {
    let found = tables.lookup(lang, datatype).unwrap();
    assert!(!found.fallback, "{lang} {datatype} fell back");
    found.ty
}

#[test]
fn template_format_examples() {
    let t = TypeTables::builtin();
    // (datatype, rust, typescript, python, sql) as TEMPLATE_FORMAT.md §5 lists them.
    let cases = [
        ("xsd:string", "String", "string", "str", "TEXT"),
        ("xsd:integer", "i64", "number", "int", "BIGINT"),
        ("xsd:int", "i32", "number", "int", "INTEGER"),
        (
            "xsd:decimal",
            "rust_decimal::Decimal",
            "number",
            "Decimal",
            "NUMERIC",
        ),
        ("xsd:double", "f64", "number", "float", "DOUBLE PRECISION"),
        ("xsd:boolean", "bool", "boolean", "bool", "BOOLEAN"),
        ("xsd:date", "chrono::NaiveDate", "string", "date", "DATE"),
        (
            "xsd:dateTime",
            "chrono::DateTime<chrono::Utc>",
            "string",
            "datetime",
            "TIMESTAMPTZ",
        ),
        ("xsd:anyURI", "String", "string", "str", "TEXT"),
    ];
    for (dt, rust, ts, py, sql) in cases {
        let iri = xsd(dt.trim_start_matches("xsd:"));
        assert_eq!(ty(&t, "rust", &iri), rust, "{dt}");
        assert_eq!(ty(&t, "typescript", &iri), ts, "{dt}");
        assert_eq!(ty(&t, "python", &iri), py, "{dt}");
        assert_eq!(ty(&t, "sql", &iri), sql, "{dt}");
        // CURIEs and angle brackets name the same datatype.
        assert_eq!(ty(&t, "rust", dt), rust);
        assert_eq!(ty(&t, "rust", &format!("<{iri}>")), rust);
    }
    let lang_string = format!("{RDF}langString");
    assert_eq!(ty(&t, "rust", &lang_string), "String");
    assert_eq!(ty(&t, "rust", "rdf:langString"), "String");
    for lang in ["rust", "ts", "py", "sql"] {
        let object = t.lookup_object(lang).unwrap();
        assert_eq!(object.ty, ty(&t, lang, "xsd:string"));
        assert!(!object.fallback);
    }
}

#[test]
fn json_schema_values_are_fragments() {
    let t = TypeTables::builtin();
    assert_eq!(
        ty(&t, "json-schema", "xsd:dateTime"),
        r#"{"type": "string", "format": "date-time"}"#
    );
    assert_eq!(ty(&t, "jsonschema", "xsd:string"), r#"{"type": "string"}"#);
    assert_eq!(
        ty(&t, "json-schema", "xsd:unsignedByte"),
        r#"{"type": "integer", "minimum": 0, "maximum": 255}"#
    );
}

#[test]
fn every_language_has_every_builtin_datatype() {
    let t = TypeTables::builtin();
    assert_eq!(builtin::ROWS.len(), 44);
    for row in builtin::ROWS {
        let iri = expand_curie(row.curie).unwrap();
        for lang in Lang::ALL {
            let found = t.get(lang, &iri);
            assert!(!found.fallback, "{lang} {}", row.curie);
            assert!(!found.ty.is_empty());
        }
    }
    // The 39 XSD datatypes RDF 1.1 allows in literals are all there.
    for local in [
        "string",
        "boolean",
        "decimal",
        "integer",
        "double",
        "float",
        "date",
        "time",
        "dateTime",
        "dateTimeStamp",
        "gYear",
        "gMonth",
        "gDay",
        "gYearMonth",
        "gMonthDay",
        "duration",
        "yearMonthDuration",
        "dayTimeDuration",
        "byte",
        "short",
        "int",
        "long",
        "unsignedByte",
        "unsignedShort",
        "unsignedInt",
        "unsignedLong",
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "hexBinary",
        "base64Binary",
        "anyURI",
        "language",
        "normalizedString",
        "token",
        "NMTOKEN",
        "Name",
        "NCName",
    ] {
        assert!(
            builtin::ROWS
                .iter()
                .any(|r| r.curie == format!("xsd:{local}")),
            "{local}"
        );
    }
    let mut curies: Vec<&str> = builtin::ROWS.iter().map(|r| r.curie).collect();
    curies.sort_unstable();
    curies.dedup();
    assert_eq!(curies.len(), builtin::ROWS.len(), "duplicate rows");
}

#[test]
fn unknown_datatypes_fall_back_and_say_so() {
    let t = TypeTables::builtin();
    for (lang, string) in [
        ("rust", "String"),
        ("typescript", "string"),
        ("python", "str"),
        ("java", "String"),
        ("go", "string"),
        ("sql", "TEXT"),
        ("graphql", "String"),
        ("json-schema", r#"{"type": "string"}"#),
    ] {
        for dt in [
            "http://example.org/dt#money",
            "http://example.org/Person",
            "xsd:notAType",
            "",
            "garbage",
        ] {
            assert_eq!(
                t.lookup(lang, dt).unwrap(),
                TypeLookup {
                    ty: string.into(),
                    fallback: true
                },
                "{lang} {dt}"
            );
        }
        assert_eq!(t.lookup_object(lang).unwrap().ty, string);
    }
}

#[test]
fn unknown_language_is_an_error() {
    let t = TypeTables::builtin();
    let unknown = LangError::UnknownLanguage {
        name: "cobol".into(),
    };
    assert_eq!(t.lookup("cobol", "xsd:string"), Err(unknown.clone()));
    assert_eq!(t.lookup_object("cobol"), Err(unknown.clone()));
    assert_eq!(
        TypeTables::builtin().with_overrides("cobol", [("xsd:string", "PIC X")]),
        Err(unknown)
    );
}

#[test]
fn overrides_replace_add_and_set_the_fallback() {
    let t = TypeTables::builtin()
        .with_overrides(
            "rust",
            [
                ("xsd:decimal", "f64"),
                ("http://www.w3.org/2001/XMLSchema#date", "String"),
                ("<http://www.w3.org/2001/XMLSchema#time>", "String"),
                ("rdfs:Literal", "Lit"),
                ("rdf:JSON", "serde_json::Value"),
                ("http://example.org/dt#money", "Money"),
                ("urn:example:dt", "Urn"),
                ("*", "Unknown"),
            ],
        )
        .unwrap();
    assert_eq!(ty(&t, "rust", "xsd:decimal"), "f64");
    assert_eq!(ty(&t, "rust", "xsd:date"), "String");
    assert_eq!(ty(&t, "rust", "xsd:time"), "String");
    assert_eq!(ty(&t, "rust", "rdfs:Literal"), "Lit");
    assert_eq!(ty(&t, "rust", &format!("{RDF}JSON")), "serde_json::Value");
    assert_eq!(ty(&t, "rust", "http://example.org/dt#money"), "Money");
    assert_eq!(ty(&t, "rust", "urn:example:dt"), "Urn");
    assert_eq!(
        t.lookup("rust", "http://example.org/other").unwrap(),
        TypeLookup {
            ty: "Unknown".into(),
            fallback: true
        }
    );
    // The object-reference type follows xsd:string, not the fallback.
    assert_eq!(t.lookup_object("rust").unwrap().ty, "String");
    // Other languages are untouched.
    assert_eq!(ty(&t, "python", "xsd:decimal"), "Decimal");
    assert!(
        t.lookup("python", "http://example.org/dt#money")
            .unwrap()
            .fallback
    );
    // Entries are visible.
    assert!(
        t.entries(Lang::Rust)
            .any(|(k, v)| k == "http://example.org/dt#money" && v == "Money")
    );
}

#[test]
fn overriding_xsd_string_moves_the_default_fallback_and_object_type() {
    let t = TypeTables::builtin()
        .with_overrides("rust", [("xsd:string", "Box<str>")])
        .unwrap();
    assert_eq!(t.lookup_object("rust").unwrap().ty, "Box<str>");
    assert_eq!(t.lookup("rust", "ex:unknown").unwrap().ty, "Box<str>");
    assert_eq!(t.fallback_type(Lang::Rust), "Box<str>");
}

#[test]
fn overrides_accumulate_across_calls_and_languages() {
    let t = TypeTables::builtin()
        .with_overrides("rust", [("xsd:decimal", "f64")])
        .unwrap()
        .with_overrides("py", [("xsd:decimal", "float")])
        .unwrap()
        .with_overrides("rust", [("xsd:date", "String")])
        .unwrap();
    assert_eq!(ty(&t, "rust", "xsd:decimal"), "f64");
    assert_eq!(ty(&t, "rust", "xsd:date"), "String");
    assert_eq!(ty(&t, "python", "xsd:decimal"), "float");
    let empty: [(&str, &str); 0] = [];
    assert_eq!(
        TypeTables::builtin().with_overrides("go", empty).unwrap(),
        TypeTables::builtin()
    );
}

#[test]
fn invalid_override_keys_are_named() {
    for key in [
        "foo:bar",
        "string",
        "",
        "xsd:",
        "xsd:da te",
        "xsd:a/b",
        "<xsd:date>",
        "<http://example.org/x",
        "http://example.org/x>",
        "http:",
        "http://",
        "1http://x",
        "owl:real",
        "**",
        "http://example.org/a b",
        "http://example.org/{x}",
    ] {
        let err = TypeTables::builtin()
            .with_overrides("rust", [(key, "X")])
            .unwrap_err();
        match &err {
            LangError::InvalidTypeKey { lang, key: k, .. } => {
                assert_eq!(*lang, "rust");
                assert_eq!(k, key);
            }
            other => panic!("{key}: unexpected {other:?}"),
        }
        assert!(err.to_string().contains(&format!("`{key}`")), "{err}");
    }
    let err = TypeTables::builtin()
        .with_overrides("rust", [("foo:bar", "X")])
        .unwrap_err();
    assert!(err.to_string().contains("unknown prefix `foo:`"), "{err}");
    let err = TypeTables::builtin()
        .with_overrides("rust", [("string", "X")])
        .unwrap_err();
    assert!(err.to_string().contains("xsd:string"), "{err}");
}

#[test]
fn two_keys_for_one_datatype_are_refused() {
    let err = TypeTables::builtin()
        .with_overrides(
            "rust",
            [
                ("xsd:date", "A"),
                ("http://www.w3.org/2001/XMLSchema#date", "B"),
            ],
        )
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("same datatype"), "{msg}");
    assert!(msg.contains("`xsd:date`"), "{msg}");
}

#[test]
fn empty_override_values_are_refused() {
    for value in ["", "  "] {
        assert_eq!(
            TypeTables::builtin().with_overrides("java", [("xsd:date", value)]),
            Err(LangError::EmptyTypeValue {
                lang: "java",
                key: "xsd:date".into()
            })
        );
    }
}

#[test]
fn default_is_builtin() {
    assert_eq!(TypeTables::default(), TypeTables::builtin());
}

#[test]
fn json_schema_fragments_are_json_objects_with_a_type() {
    let t = TypeTables::builtin();
    let mut count = 0;
    for (iri, fragment) in t.entries(Lang::JsonSchema) {
        let value: serde_json::Value = serde_json::from_str(fragment)
            .unwrap_or_else(|e| panic!("{iri}: {fragment} is not JSON: {e}"));
        let kind = value.get("type").and_then(|v| v.as_str());
        assert!(
            matches!(kind, Some("string" | "integer" | "number" | "boolean")),
            "{iri}: {fragment}"
        );
        count += 1;
    }
    assert_eq!(count, builtin::ROWS.len());
}
