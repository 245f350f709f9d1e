//! Tests added with the port from quick-xml 0.37 to 0.42 (see ../README.md and ggen's
//! docs/dependencies.md). The expectations are what oxrdfxml 0.2.5 on quick-xml 0.37 produces
//! for the same input: this file passes against the unpatched crate too, except
//! `rustsec_2026_0195_namespace_bindings_are_capped` (the new limit).
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

use oxrdf::{NamedOrBlankNode, Term, Triple};
use oxrdfxml::{RdfXmlParser, RdfXmlSerializer};
use std::collections::HashMap;
use std::io::Read;

const RDF: &str = "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"";

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

/// N-Triples lines with blank nodes renamed `_:b0`, `_:b1`... in order of appearance.
fn canonical(triples: &[Triple]) -> Vec<String> {
    let mut names = HashMap::new();
    let mut name = |id: &str| {
        let next = names.len();
        format!("_:b{}", names.entry(id.to_owned()).or_insert(next))
    };
    triples
        .iter()
        .map(|t| {
            let s = match &t.subject {
                NamedOrBlankNode::NamedNode(n) => n.to_string(),
                NamedOrBlankNode::BlankNode(b) => name(b.as_str()),
            };
            let o = match &t.object {
                Term::BlankNode(b) => name(b.as_str()),
                o => o.to_string(),
            };
            format!("{s} {} {o}", t.predicate)
        })
        .collect()
}

/// Parses with the slice parser and with a one-byte-at-a-time reader; both must agree.
fn parse(doc: &str) -> Result<Vec<String>, String> {
    let from_slice = RdfXmlParser::new()
        .for_slice(doc)
        .collect::<Result<Vec<_>, _>>()
        .map(|t| canonical(&t))
        .map_err(|e| e.to_string());
    let from_reader = RdfXmlParser::new()
        .for_reader(OneByte(doc.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .map(|t| canonical(&t))
        .map_err(|e| e.to_string());
    assert_eq!(from_slice, from_reader, "slice and reader parsers disagree");
    from_slice
}

fn doc(body: &str) -> String {
    format!(
        "<rdf:RDF {RDF} xmlns:ex=\"http://example.org/\"><rdf:Description rdf:about=\"http://example.org/s\">{body}</rdf:Description></rdf:RDF>"
    )
}

fn one_object(body: &str) -> String {
    let triples = parse(&doc(body)).unwrap();
    assert_eq!(triples.len(), 1, "{triples:?}");
    triples[0]
        .strip_prefix("<http://example.org/s> <http://example.org/p> ")
        .unwrap()
        .to_owned()
}

#[test]
fn references_in_text_are_expanded_in_place() {
    // quick-xml 0.42 splits this text into Text and GeneralRef events.
    assert_eq!(
        one_object("<ex:p>  a &amp;  b &lt;&gt; &quot;&apos; &#65;&#x42; &#x1F600;  </ex:p>"),
        "\"  a &  b <> \\\"' AB \u{1F600}  \""
    );
    assert_eq!(one_object("<ex:p>&amp;</ex:p>"), "\"&\"");
}

#[test]
fn doctype_entities_in_text_attributes_and_namespaces() {
    let doc = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY ex \"http://example.org/\">\n  <!ENTITY xsd \"http://www.w3.org/2001/XMLSchema#\">\n  <!ENTITY nested \"&ex;n/\">\n]>\n<rdf:RDF {RDF} xmlns:ex=\"&ex;\">\n  <rdf:Description rdf:about=\"&ex;s\" ex:a=\"&nested;x\">\n    <ex:p rdf:datatype=\"&xsd;string\">v &ex; w</ex:p>\n  </rdf:Description>\n</rdf:RDF>"
    );
    assert_eq!(
        parse(&doc).unwrap(),
        [
            "<http://example.org/s> <http://example.org/a> \"http://example.org/n/x\"",
            "<http://example.org/s> <http://example.org/p> \"v http://example.org/ w\"",
        ]
    );
}

#[test]
fn unknown_entity_and_dangling_ampersand_are_errors() {
    let err = parse(&doc("<ex:p>&unknown;</ex:p>")).unwrap_err();
    assert!(err.contains("unknown"), "{err}");
    parse(&doc("<ex:p>a & b</ex:p>")).unwrap_err();
}

#[test]
fn cdata_comments_and_processing_instructions_split_text_as_before() {
    assert_eq!(
        one_object("<ex:p><![CDATA[<b>x</b> & y]]></ex:p>"),
        "\"<b>x</b> & y\""
    );
    assert_eq!(one_object("<ex:p>before<!-- c --></ex:p>"), "\"before\"");
    assert_eq!(one_object("<ex:p>  <?pi x?>after</ex:p>"), "\"after\"");
    // Text after a comment is a second text node: an error in oxrdfxml 0.2.5, kept.
    let err = parse(&doc("<ex:p>before<!-- c -->after</ex:p>")).unwrap_err();
    assert_eq!(err, "Unexpected text event: 'after'");
}

#[test]
fn line_breaks_and_attribute_whitespace_are_kept_verbatim() {
    // No end-of-line or attribute-value normalization, as with quick-xml 0.37.
    let triples = parse(&doc(
        "<ex:p>a\r\nb\rc</ex:p><ex:q ex:v=\"t\tu\nv\r\nw &#9;x\"/>",
    ))
    .unwrap();
    assert_eq!(
        triples,
        [
            "<http://example.org/s> <http://example.org/p> \"a\\r\\nb\\rc\"",
            "_:b0 <http://example.org/v> \"t\\tu\\nv\\r\\nw \\tx\"",
            "<http://example.org/s> <http://example.org/q> _:b0",
        ]
    );
}

/// The in-scope namespaces are added to each top-level element of the literal (even when the
/// element declares one of them itself): oxrdfxml 0.2.5's output, kept byte for byte.
#[test]
fn xml_literal_keeps_markup_namespaces_and_escaping() {
    let literal = one_object(
        "<ex:p rdf:parseType=\"Literal\"><h:b xmlns:h=\"http://www.w3.org/1999/xhtml\" a=\"1 &amp; 2\">x &amp; &lt;y&gt; 'q' \"d\"</h:b> t\r\n<e/></ex:p>",
    );
    assert_eq!(
        literal,
        "\"<h:b xmlns:h=\\\"http://www.w3.org/1999/xhtml\\\" a=\\\"1 &amp; 2\\\" xmlns:rdf=\\\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\\\" xmlns:ex=\\\"http://example.org/\\\" xmlns:h=\\\"http://www.w3.org/1999/xhtml\\\">x &amp; &lt;y&gt; &apos;q&apos; &quot;d&quot;</h:b> t\\r\\n<e xmlns:rdf=\\\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\\\" xmlns:ex=\\\"http://example.org/\\\"></e>\"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral>"
    );
}

#[test]
fn whitespace_before_a_nested_node_and_text_after_it() {
    let ok = parse(&doc(
        "<ex:p>\n  <ex:N rdf:about=\"http://example.org/n\"/>\n</ex:p>",
    ))
    .unwrap();
    assert_eq!(
        ok,
        [
            "<http://example.org/n> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/N>",
            "<http://example.org/s> <http://example.org/p> <http://example.org/n>",
        ]
    );
    // oxrdfxml 0.2.5 quoted the whole text ('\n tail & more\n'); the port reports the error at
    // the first non-blank piece, so the quote stops at the reference.
    let err = parse(&doc("<ex:p><ex:N/>\n tail &amp; more\n</ex:p>")).unwrap_err();
    assert!(err.starts_with("Unexpected text event: '\n tail "), "{err}");
    parse(&doc("<ex:p>text<ex:N/></ex:p>")).unwrap_err();
}

#[test]
fn w3c_style_structures() {
    let doc = format!(
        "<rdf:RDF {RDF} xmlns:ex=\"http://example.org/\" xml:base=\"http://example.org/dir/doc\">
  <rdf:Seq rdf:about=\"#seq\"><rdf:li>one</rdf:li><rdf:li rdf:resource=\"two\"/></rdf:Seq>
  <rdf:Description rdf:ID=\"frag\" ex:attr=\"v\">
    <ex:res rdf:parseType=\"Resource\"><ex:inner xml:lang=\"FR\">x</ex:inner></ex:res>
    <ex:coll rdf:parseType=\"Collection\"><rdf:Description rdf:about=\"a\"/><rdf:Description rdf:nodeID=\"n1\"/></ex:coll>
    <ex:reified rdf:ID=\"stmt\" rdf:datatype=\"../dt#int\">7</ex:reified>
  </rdf:Description>
</rdf:RDF>"
    );
    let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    let mut expected = vec![
        format!("<http://example.org/dir/doc#seq> <{rdf}type> <{rdf}Seq>"),
        format!("<http://example.org/dir/doc#seq> <{rdf}_1> \"one\""),
        format!("<http://example.org/dir/doc#seq> <{rdf}_2> <http://example.org/dir/two>"),
        "<http://example.org/dir/doc#frag> <http://example.org/attr> \"v\"".to_owned(),
        "_:b0 <http://example.org/inner> \"x\"@fr".to_owned(),
        "<http://example.org/dir/doc#frag> <http://example.org/res> _:b0".to_owned(),
        format!("_:b1 <{rdf}first> <http://example.org/dir/a>"),
        format!("_:b1 <{rdf}rest> _:b2"),
        format!("_:b2 <{rdf}first> _:b3"),
        format!("_:b2 <{rdf}rest> <{rdf}nil>"),
        "<http://example.org/dir/doc#frag> <http://example.org/coll> _:b1".to_owned(),
        format!("<http://example.org/dir/doc#stmt> <{rdf}type> <{rdf}Statement>"),
        format!("<http://example.org/dir/doc#stmt> <{rdf}subject> <http://example.org/dir/doc#frag>"),
        format!("<http://example.org/dir/doc#stmt> <{rdf}predicate> <http://example.org/reified>"),
        format!("<http://example.org/dir/doc#stmt> <{rdf}object> \"7\"^^<http://example.org/dt#int>"),
        "<http://example.org/dir/doc#frag> <http://example.org/reified> \"7\"^^<http://example.org/dt#int>".to_owned(),
    ];
    let mut actual = parse(&doc).unwrap();
    expected.sort();
    actual.sort();
    assert_eq!(actual, expected);
}

#[test]
fn duplicate_attributes_are_rejected() {
    let err = parse(&doc("<ex:p ex:a=\"1\" ex:b=\"2\" ex:a=\"3\"/>")).unwrap_err();
    assert!(err.contains("duplicated attribute"), "{err}");
}

#[test]
fn non_utf8_encoding_declaration_is_rejected() {
    let err = parse(&format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rdf:RDF {RDF}/>"
    ))
    .unwrap_err();
    assert_eq!(err, "Only UTF-8 is supported by the RDF/XML parser");
}

#[test]
fn prefixes_are_reported_after_reading() {
    let doc = format!(
        "<rdf:RDF {RDF} xmlns:ex=\"http://example.org/\" xmlns:bad=\"not an iri\" xmlns=\"http://default.example/\"><rdf:Description rdf:about=\"http://e/s\"><ex:p>v</ex:p></rdf:Description></rdf:RDF>"
    );
    let mut parser = RdfXmlParser::new().for_slice(&doc);
    assert_eq!(parser.prefixes().count(), 0);
    parser.next().unwrap().unwrap();
    let prefixes: Vec<_> = parser.prefixes().collect();
    assert_eq!(
        prefixes,
        [
            ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
            ("ex", "http://example.org/"),
            ("", "http://default.example/"),
        ]
    );
}

#[test]
fn serializer_output_is_unchanged_and_parses_back() {
    let doc = doc(
        "<ex:p xml:lang=\"en\">a &lt; b &amp; 'c' \"d\"\r\n</ex:p><ex:q rdf:datatype=\"http://example.org/dt\">1</ex:q><ex:r rdf:resource=\"http://example.org/o?x=1&amp;y=2\"/>",
    );
    let triples = RdfXmlParser::new()
        .for_slice(&doc)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let mut serializer = RdfXmlSerializer::new()
        .with_prefix("ex", "http://example.org/")
        .unwrap()
        .for_writer(Vec::new());
    for t in &triples {
        serializer.serialize_triple(t).unwrap();
    }
    let output = String::from_utf8(serializer.finish().unwrap()).unwrap();
    assert_eq!(
        output,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rdf:RDF xmlns:ex=\"http://example.org/\" xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:its=\"http://www.w3.org/2005/11/its\">\n\t<rdf:Description rdf:about=\"http://example.org/s\">\n\t\t<ex:p xml:lang=\"en\">a &lt; b &amp; &apos;c&apos; &quot;d&quot;\r\n</ex:p>\n\t\t<ex:q rdf:datatype=\"http://example.org/dt\">1</ex:q>\n\t\t<ex:r rdf:resource=\"http://example.org/o?x=1&amp;y=2\"/>\n\t</rdf:Description>\n</rdf:RDF>"
    );
    assert_eq!(
        parse(&output).unwrap(),
        canonical(&triples),
        "serialized output does not parse back to the same triples"
    );
}

/// RUSTSEC-2026-0194: the duplicate check must stay on for very wide start tags (quick-xml
/// 0.42 keeps it linear; 0.37 was quadratic). A duplicate at the very end is still found.
#[test]
fn rustsec_2026_0194_wide_start_tag() {
    let attributes: String = (0..20_000).map(|i| format!(" ex:a{i}=\"{i}\"")).collect();
    let triples = parse(&doc(&format!("<ex:p{attributes}/>"))).unwrap();
    assert_eq!(triples.len(), 20_001);
    let err = parse(&doc(&format!("<ex:p{attributes} ex:a7=\"again\"/>"))).unwrap_err();
    assert!(err.contains("duplicated attribute"), "{err}");
}

/// RUSTSEC-2026-0195: the namespace bindings in scope are capped (128, quick-xml's default),
/// so a start tag cannot make the resolver allocate without bound.
#[test]
fn rustsec_2026_0195_namespace_bindings_are_capped() {
    let declarations = |n: usize| -> String {
        (1..n)
            .map(|i| format!(" xmlns:p{i}=\"http://p{i}.example/\""))
            .collect()
    };
    // rdf + 127 more = 128 bindings: accepted.
    let at_limit = format!(
        "<rdf:RDF {RDF}{}><rdf:Description rdf:about=\"http://e/s\"><p127:x>v</p127:x></rdf:Description></rdf:RDF>",
        declarations(128)
    );
    assert_eq!(parse(&at_limit).unwrap().len(), 1);
    // One more, even on a nested element: rejected.
    let over = format!(
        "<rdf:RDF {RDF}{}><rdf:Description rdf:about=\"http://e/s\" xmlns:extra=\"http://x/\"><p1:x>v</p1:x></rdf:Description></rdf:RDF>",
        declarations(128)
    );
    let err = parse(&over).unwrap_err();
    assert!(err.contains("namespace bindings"), "{err}");
}
