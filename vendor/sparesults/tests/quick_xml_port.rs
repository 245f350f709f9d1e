//! Tests added with the port from quick-xml 0.37 to 0.42 (see ../README.md and ggen's
//! docs/dependencies.md). The expectations are what sparesults 0.3.5 on quick-xml 0.37 produces
//! for the same input: this file passes against the unpatched crate too.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::tests_outside_test_module,
    clippy::panic_in_result_fn,
    clippy::format_collect,
    clippy::shadow_same,
    clippy::missing_assert_message
)]

use oxrdf::{BlankNode, Literal, NamedNode, Term, Variable};
use sparesults::{
    QueryResultsFormat, QueryResultsParser, QueryResultsSerializer, ReaderQueryResultsParserOutput,
    SliceQueryResultsParserOutput,
};
use std::io::Read;

const NS: &str = "xmlns=\"http://www.w3.org/2005/sparql-results#\"";

/// A reader that hands out one byte per call, so every event boundary falls between reads.
struct OneByte<'a>(&'a [u8]);

impl Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((b, rest)), Some(slot)) => {
                *slot = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

type Rows = Vec<Vec<Option<Term>>>;

/// Parses XML results with the slice parser and with a one-byte-at-a-time reader; both must agree.
fn parse(xml: &str) -> Result<(Vec<Variable>, Rows), String> {
    let parser = QueryResultsParser::from_format(QueryResultsFormat::Xml);
    let from_slice = match parser.clone().for_slice(xml).map_err(|e| e.to_string())? {
        SliceQueryResultsParserOutput::Solutions(s) => {
            let variables = s.variables().to_vec();
            let rows = s
                .map(|r| r.map(|s| s.values().to_vec()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?;
            (variables, rows)
        }
        SliceQueryResultsParserOutput::Boolean(b) => return Err(format!("boolean {b}")),
    };
    let from_reader = match parser
        .for_reader(OneByte(xml.as_bytes()))
        .map_err(|e| e.to_string())?
    {
        ReaderQueryResultsParserOutput::Solutions(s) => {
            let variables = s.variables().to_vec();
            let rows = s
                .map(|r| r.map(|s| s.values().to_vec()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?;
            (variables, rows)
        }
        ReaderQueryResultsParserOutput::Boolean(b) => return Err(format!("boolean {b}")),
    };
    // Blank nodes without a label get a random one: compare the rest.
    let strip = |rows: &Rows| -> Vec<Vec<Option<String>>> {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|t| {
                        t.as_ref().map(|t| match t {
                            Term::BlankNode(_) => "_:".to_owned(),
                            t => t.to_string(),
                        })
                    })
                    .collect()
            })
            .collect()
    };
    assert_eq!(strip(&from_slice.1), strip(&from_reader.1));
    Ok(from_slice)
}

fn boolean(xml: &str) -> Result<bool, String> {
    match QueryResultsParser::from_format(QueryResultsFormat::Xml)
        .for_slice(xml)
        .map_err(|e| e.to_string())?
    {
        SliceQueryResultsParserOutput::Boolean(b) => Ok(b),
        SliceQueryResultsParserOutput::Solutions(_) => Err("solutions".into()),
    }
}

fn literal_of(value_xml: &str) -> Result<Term, String> {
    let xml = format!(
        "<sparql {NS}><head><variable name=\"v\"/></head><results><result><binding name=\"v\">{value_xml}</binding></result></results></sparql>"
    );
    let (_, rows) = parse(&xml)?;
    Ok(rows[0][0].clone().unwrap())
}

#[test]
fn text_runs_are_trimmed_as_a_whole_and_unescaped() {
    // quick-xml 0.42 splits these texts into Text and GeneralRef events and would trim
    // each part: the spaces inside must survive, the ones around must not.
    assert_eq!(
        literal_of("<literal>  a &amp;  b  </literal>").unwrap(),
        Literal::from("a &  b").into()
    );
    assert_eq!(
        literal_of("<literal>&lt;&gt;&amp;&quot;&apos;</literal>").unwrap(),
        Literal::from("<>&\"'").into()
    );
    assert_eq!(
        literal_of("<literal>&#32;x&#9;</literal>").unwrap(),
        Literal::from(" x\t").into()
    );
    assert_eq!(
        literal_of("<literal>multi\r\nline\ttext\n</literal>").unwrap(),
        Literal::from("multi\r\nline\ttext").into()
    );
    assert_eq!(
        literal_of("<uri> http://example.org/a?x=1&amp;y=2 </uri>").unwrap(),
        NamedNode::new("http://example.org/a?x=1&y=2")
            .unwrap()
            .into()
    );
    assert_eq!(
        literal_of("<literal xml:lang=\"e&#110;\" >v</literal>").unwrap(),
        Literal::new_language_tagged_literal("v", "en")
            .unwrap()
            .into()
    );
}

#[test]
fn comments_split_text_as_before() {
    // Two text runs: the second one wins (sparesults 0.3.5 behaviour, kept).
    assert_eq!(
        literal_of("<literal>x<!-- c -->y</literal>").unwrap(),
        Literal::from("y").into()
    );
    assert_eq!(
        literal_of("<literal></literal>").unwrap(),
        Literal::from("").into()
    );
}

#[test]
fn booleans() {
    assert_eq!(
        boolean(&format!(
            "<?xml version=\"1.0\"?><sparql {NS}><head><link href=\"x\"/></head>\n  <boolean>\n  true  </boolean></sparql>"
        )),
        Ok(true)
    );
    assert_eq!(
        boolean(&format!(
            "<sparql {NS}><head/><boolean>f&#97;lse</boolean></sparql>"
        )),
        Ok(false)
    );
    let err = boolean(&format!(
        "<sparql {NS}><head/><boolean>yes</boolean></sparql>"
    ))
    .unwrap_err();
    assert_eq!(err, "Unexpected boolean value. Found 'yes'");
}

#[test]
fn errors_are_kept() {
    let undeclared = format!(
        "<sparql {NS}><head><variable name=\"a\"/></head><results><result><binding name=\"b\"><uri>http://x/</uri></binding></result></results></sparql>"
    );
    let err = parse(&undeclared).unwrap_err();
    assert!(err.contains("not declared"), "{err}");
    let text = format!(
        "<sparql {NS}><head><variable name=\"a\"/></head><results><result>junk &amp; more</result></results></sparql>"
    );
    let err = parse(&text).unwrap_err();
    assert_eq!(err, "Unexpected textual value found: junk & more");
    let cdata = literal_of("<literal><![CDATA[x]]></literal>").unwrap_err();
    assert!(cdata.contains("CDATA"), "{cdata}");
}

#[test]
fn xml_round_trip_with_exact_output() {
    let variables = vec![
        Variable::new("s").unwrap(),
        Variable::new("o").unwrap(),
        Variable::new("l").unwrap(),
    ];
    let rows: Rows = vec![
        vec![
            Some(
                NamedNode::new("http://example.org/a?x=1&y=2")
                    .unwrap()
                    .into(),
            ),
            Some(BlankNode::new("b0").unwrap().into()),
            Some(
                Literal::new_language_tagged_literal("  a & <b> \"c\" 'd'\r\n", "en")
                    .unwrap()
                    .into(),
            ),
        ],
        vec![
            None,
            None,
            Some(
                Literal::new_typed_literal(
                    "\t42 ",
                    NamedNode::new("http://www.w3.org/2001/XMLSchema#integer").unwrap(),
                )
                .into(),
            ),
        ],
    ];
    let mut serializer = QueryResultsSerializer::from_format(QueryResultsFormat::Xml)
        .serialize_solutions_to_writer(Vec::new(), variables.clone())
        .unwrap();
    for row in &rows {
        serializer
            .serialize(
                variables
                    .iter()
                    .zip(row)
                    .filter_map(|(v, t)| Some((v, t.as_ref()?))),
            )
            .unwrap();
    }
    let xml = String::from_utf8(serializer.finish().unwrap()).unwrap();
    assert_eq!(
        xml,
        "<?xml version=\"1.0\"?><sparql xmlns=\"http://www.w3.org/2005/sparql-results#\"><head><variable name=\"s\"/><variable name=\"o\"/><variable name=\"l\"/></head><results><result><binding name=\"s\"><uri>http://example.org/a?x=1&amp;y=2</uri></binding><binding name=\"o\"><bnode>b0</bnode></binding><binding name=\"l\"><literal xml:lang=\"en\">&#32;&#32;a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;&#13;&#10;</literal></binding></result><result><binding name=\"l\"><literal datatype=\"http://www.w3.org/2001/XMLSchema#integer\">&#9;42&#32;</literal></binding></result></results></sparql>"
    );
    let (parsed_variables, parsed_rows) = parse(&xml).unwrap();
    assert_eq!(parsed_variables, variables);
    assert_eq!(parsed_rows, rows);
}

#[test]
fn boolean_output_is_unchanged() {
    let xml = QueryResultsSerializer::from_format(QueryResultsFormat::Xml)
        .serialize_boolean_to_writer(Vec::new(), true)
        .unwrap();
    assert_eq!(
        String::from_utf8(xml).unwrap(),
        "<?xml version=\"1.0\"?><sparql xmlns=\"http://www.w3.org/2005/sparql-results#\"><head></head><boolean>true</boolean></sparql>"
    );
}
