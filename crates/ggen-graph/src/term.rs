//! Helpers for presenting RDF terms: natural text, local names, N-Triples form, numeric values.

use oxigraph::model::{Literal, Term};

/// XSD namespace.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
/// `rdf:langString`.
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// The kind of a term: `iri`, `literal` or `bnode`.
pub fn kind(term: &Term) -> &'static str {
    match term {
        Term::NamedNode(_) => "iri",
        Term::BlankNode(_) => "bnode",
        Term::Literal(_) => "literal",
        #[allow(unreachable_patterns)]
        _ => "triple",
    }
}

/// The natural text of a term: an IRI without angle brackets, a literal's lexical value, a blank
/// node as `_:label`.
pub fn text(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().to_owned(),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

/// The N-Triples form of a term.
pub fn nt(term: &Term) -> String {
    let mut s = String::new();
    write_nt(&mut s, term);
    s
}

/// Append the N-Triples form of a term to `buf` (byte-identical to oxrdf's `Display`, faster
/// for long literals without characters to escape).
pub fn write_nt(buf: &mut String, term: &Term) {
    match term {
        Term::NamedNode(n) => crate::canon::write_iri(buf, n.as_str()),
        Term::BlankNode(b) => crate::canon::write_bnode(buf, b.as_str()),
        Term::Literal(l) => crate::canon::write_literal(buf, l.as_ref()),
        #[allow(unreachable_patterns)]
        other => {
            use std::fmt::Write;
            let _ = write!(buf, "{other}");
        }
    }
}

/// The local name of an IRI: the part after the last `#` or `/`. An IRI ending in `#` or `/`
/// yields the segment before it.
pub fn local_name(iri: &str) -> &str {
    let trimmed = iri.trim_end_matches(['#', '/']);
    match trimmed.rfind(['#', '/', ':']) {
        Some(i) => trimmed.get(i + 1..).unwrap_or(trimmed),
        None => trimmed,
    }
}

/// A literal's value as a number or boolean, when its datatype is numeric or `xsd:boolean` and
/// its lexical form is valid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Primitive {
    /// An integer-valued literal (`xsd:integer` and its derived types).
    Integer(i64),
    /// A floating-point or decimal literal.
    Float(f64),
    /// An `xsd:boolean`.
    Boolean(bool),
}

/// Interpret a literal as a number or boolean (see [`Primitive`]).
pub fn primitive(literal: &Literal) -> Option<Primitive> {
    let dt = literal.datatype().as_str();
    let local = dt.strip_prefix(XSD)?;
    let v = literal.value().trim();
    match local {
        "integer" | "int" | "long" | "short" | "byte" | "nonNegativeInteger"
        | "positiveInteger" | "nonPositiveInteger" | "negativeInteger" | "unsignedLong"
        | "unsignedInt" | "unsignedShort" | "unsignedByte" => v
            .strip_prefix('+')
            .unwrap_or(v)
            .parse()
            .ok()
            .map(Primitive::Integer),
        "decimal" | "double" | "float" => {
            let f: f64 = match v {
                "INF" => f64::INFINITY,
                "-INF" => f64::NEG_INFINITY,
                "NaN" => f64::NAN,
                _ => v.parse().ok()?,
            };
            Some(Primitive::Float(f))
        }
        "boolean" => match v {
            "true" | "1" => Some(Primitive::Boolean(true)),
            "false" | "0" => Some(Primitive::Boolean(false)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, NamedNode};

    #[test]
    fn nt_is_byte_identical_to_oxrdf_display() {
        let terms: Vec<Term> = vec![
            NamedNode::new("http://ex.org/a#b").unwrap().into(),
            BlankNode::new("b0").unwrap().into(),
            Literal::new_simple_literal("plain text").into(),
            Literal::new_simple_literal(
                "q\"uo\\te\ttab\nnl\r\u{8}\u{C}\u{1}\u{7F}\u{FFFE}\u{FFFF}é€",
            )
            .into(),
            Literal::new_language_tagged_literal("chat", "fr")
                .unwrap()
                .into(),
            Literal::new_typed_literal("42", NamedNode::new(format!("{XSD}integer")).unwrap())
                .into(),
        ];
        for t in &terms {
            assert_eq!(nt(t), t.to_string());
        }
    }

    #[test]
    fn local_names() {
        assert_eq!(local_name("http://ex.org/shop#Order"), "Order");
        assert_eq!(local_name("http://ex.org/shop/Order"), "Order");
        assert_eq!(local_name("http://ex.org/shop/"), "shop");
        assert_eq!(local_name("urn:isbn:123"), "123");
        assert_eq!(local_name("Plain"), "Plain");
    }

    #[test]
    fn texts_and_kinds() {
        let iri = Term::NamedNode(NamedNode::new_unchecked("http://ex.org/a"));
        assert_eq!(text(&iri), "http://ex.org/a");
        assert_eq!(nt(&iri), "<http://ex.org/a>");
        assert_eq!(kind(&iri), "iri");
        let lit = Term::Literal(Literal::new_language_tagged_literal_unchecked("chat", "fr"));
        assert_eq!(text(&lit), "chat");
        assert_eq!(nt(&lit), "\"chat\"@fr");
        let b = Term::BlankNode(BlankNode::new_unchecked("c14n0"));
        assert_eq!(text(&b), "_:c14n0");
        assert_eq!(kind(&b), "bnode");
    }

    #[test]
    fn primitives() {
        let int = NamedNode::new_unchecked(format!("{XSD}integer"));
        let dec = NamedNode::new_unchecked(format!("{XSD}decimal"));
        let b = NamedNode::new_unchecked(format!("{XSD}boolean"));
        assert_eq!(
            primitive(&Literal::new_typed_literal("+42", int.clone())),
            Some(Primitive::Integer(42))
        );
        assert_eq!(primitive(&Literal::new_typed_literal("x", int)), None);
        assert_eq!(
            primitive(&Literal::new_typed_literal("1.50", dec)),
            Some(Primitive::Float(1.5))
        );
        assert_eq!(
            primitive(&Literal::new_typed_literal("1", b)),
            Some(Primitive::Boolean(true))
        );
        assert_eq!(primitive(&Literal::new_simple_literal("3")), None);
    }
}
