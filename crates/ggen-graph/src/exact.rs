//! Exact literals: what the inputs said, for the literals the store gives back in another form.
//!
//! The oxigraph store keeps literals of the XSD types it encodes natively (the integer family,
//! `xsd:decimal`, `xsd:float`, `xsd:double`, `xsd:boolean`, the date/time types and the
//! durations) as values, and reads them back in canonical form: `"5"^^xsd:byte` comes back as
//! `"5"^^xsd:integer`, `"07"^^xsd:integer` as `"7"^^xsd:integer`, `"4.0"^^xsd:decimal` as
//! `"4"^^xsd:decimal`, `"1"^^xsd:boolean` as `"true"^^xsd:boolean`. [`ExactLiterals`] is a side
//! table, filled when a [`Graph`](crate::Graph) is built, that maps those stored forms back to
//! the original literals. Only the literals whose stored form differs cost memory (and the
//! other literals of the same subject and predicate that share their stored form).

use oxigraph::model::{
    GraphName, Literal, LiteralRef, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Quad, Term,
};
use oxsdatatypes::{
    Boolean, Date, DateTime, DayTimeDuration, Decimal, Double, Duration, Float, GDay, GMonth,
    GMonthDay, GYear, GYearMonth, Integer, Time, YearMonthDuration,
};
use rustc_hash::FxHashMap;

const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// The literal the oxigraph store gives back for `literal`, when it differs from `literal`
/// (`None` when the store keeps it as it is: strings, language strings, unknown datatypes,
/// ill-formed values and values already in canonical form).
pub fn store_form(literal: LiteralRef<'_>) -> Option<Literal> {
    if literal.language().is_some() {
        return None;
    }
    let local = literal.datatype().as_str().strip_prefix(XSD)?;
    let v = literal.value();
    let stored: Literal = match local {
        "integer" => {
            if is_canonical_integer(v) {
                return None;
            }
            v.parse::<Integer>().ok()?.into()
        }
        "byte" | "short" | "int" | "long" | "unsignedByte" | "unsignedShort" | "unsignedInt"
        | "unsignedLong" | "positiveInteger" | "negativeInteger" | "nonPositiveInteger"
        | "nonNegativeInteger" => v.parse::<Integer>().ok()?.into(),
        "boolean" => {
            if v == "true" || v == "false" {
                return None;
            }
            v.parse::<Boolean>().ok()?.into()
        }
        "decimal" => {
            if is_canonical_decimal(v) {
                return None;
            }
            v.parse::<Decimal>().ok()?.into()
        }
        "float" => v.parse::<Float>().ok()?.into(),
        "double" => v.parse::<Double>().ok()?.into(),
        "dateTime" | "dateTimeStamp" => v.parse::<DateTime>().ok()?.into(),
        "time" => v.parse::<Time>().ok()?.into(),
        // Without a time zone, a date that parses is printed back as written.
        "date" if is_plain_date(v) => return None,
        "date" => v.parse::<Date>().ok()?.into(),
        "gYearMonth" => v.parse::<GYearMonth>().ok()?.into(),
        "gYear" => v.parse::<GYear>().ok()?.into(),
        "gMonthDay" => v.parse::<GMonthDay>().ok()?.into(),
        "gDay" => v.parse::<GDay>().ok()?.into(),
        "gMonth" => v.parse::<GMonth>().ok()?.into(),
        "duration" => v.parse::<Duration>().ok()?.into(),
        "yearMonthDuration" => v.parse::<YearMonthDuration>().ok()?.into(),
        "dayTimeDuration" => v.parse::<DayTimeDuration>().ok()?.into(),
        _ => return None,
    };
    (stored.as_ref() != literal).then_some(stored)
}

/// `YYYY-MM-DD` with a four-digit year from 1000.
fn is_plain_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            0 => (b'1'..=b'9').contains(c),
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The canonical decimal form: an optional `-`, an integer part without leading zeros, and
/// when there is a fraction, one without trailing zeros (`1.5`, `-0.25`, `4`), short enough to
/// be exact.
fn is_canonical_decimal(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    if digits.len() > 17 {
        return false;
    }
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let int_ok = match int.as_bytes() {
        [b'0'] => true,
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
        [] => false,
    };
    let frac_ok = match frac {
        None => true,
        Some(f) => !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()) && !f.ends_with('0'),
    };
    // `-0` is printed as `0`.
    int_ok && frac_ok && v != "-0"
}

/// `0`, or an optional `-` and digits without a leading zero, short enough for an `i64`.
fn is_canonical_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    match digits.as_bytes() {
        [b'0'] => !v.starts_with('-'),
        [first, rest @ ..] => {
            *first != b'0'
                && digits.len() <= 18
                && first.is_ascii_digit()
                && rest.iter().all(u8::is_ascii_digit)
        }
        [] => false,
    }
}

/// The literals of one subject and predicate whose stored form is shared with a rewritten
/// literal. See [`ExactLiterals::get`]. The lists are sorted (by lexical form, datatype and
/// language; quads by graph first) and without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExactObjects {
    /// The stored forms (as the store returns them) that stand for other literals.
    pub stored: Vec<Literal>,
    /// The original literals behind them, over all graphs.
    pub originals: Vec<Literal>,
    /// Per quad: (graph, stored form, original literal).
    pub quads: Vec<(GraphName, Literal, Literal)>,
}

type LitKey<'a> = (&'a str, &'a str, Option<&'a str>);

fn lit_key(l: LiteralRef<'_>) -> LitKey<'_> {
    (l.value(), l.datatype().as_str(), l.language())
}

fn graph_key(g: &GraphName) -> (u8, &str) {
    match g {
        GraphName::DefaultGraph => (0, ""),
        GraphName::NamedNode(n) => (1, n.as_str()),
        GraphName::BlankNode(b) => (2, b.as_str()),
    }
}

impl ExactObjects {
    /// Whether `l` is one of the stored forms that stand for other literals.
    pub fn has_stored(&self, l: LiteralRef<'_>) -> bool {
        self.stored
            .binary_search_by(|x| lit_key(x.as_ref()).cmp(&lit_key(l)))
            .is_ok()
    }

    /// Whether `l` is one of the original literals.
    pub fn has_original(&self, l: LiteralRef<'_>) -> bool {
        self.originals
            .binary_search_by(|x| lit_key(x.as_ref()).cmp(&lit_key(l)))
            .is_ok()
    }

    /// The original literals that the stored literal `stored` (in graph `graph`) stands for;
    /// empty when `stored` is not one of the rewritten forms.
    pub fn originals_of<'a>(
        &'a self,
        graph: &'a GraphName,
        stored: &'a Literal,
    ) -> impl Iterator<Item = &'a Literal> + 'a {
        let key = (graph_key(graph), lit_key(stored.as_ref()));
        let start = self
            .quads
            .partition_point(|(g, s, _)| (graph_key(g), lit_key(s.as_ref())) < key);
        self.quads
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(move |(g, s, _)| (graph_key(g), lit_key(s.as_ref())) == key)
            .map(|(_, _, o)| o)
    }

    /// Sort and de-duplicate the lists.
    fn finish(&mut self) {
        let by = |a: &Literal, b: &Literal| lit_key(a.as_ref()).cmp(&lit_key(b.as_ref()));
        self.stored.sort_unstable_by(by);
        self.stored.dedup();
        self.originals.sort_unstable_by(by);
        self.originals.dedup();
        self.quads.sort_unstable_by(|(g1, s1, o1), (g2, s2, o2)| {
            (graph_key(g1), lit_key(s1.as_ref()), lit_key(o1.as_ref())).cmp(&(
                graph_key(g2),
                lit_key(s2.as_ref()),
                lit_key(o2.as_ref()),
            ))
        });
        self.quads.dedup();
    }
}

/// The side table of exact literals of a graph (see the [module](self) documentation).
#[derive(Debug, Clone, Default)]
pub struct ExactLiterals {
    /// Named-node subjects by IRI, then predicates.
    named: FxHashMap<String, Vec<(NamedNode, ExactObjects)>>,
    /// Blank-node subjects by label, then predicates.
    blank: FxHashMap<String, Vec<(NamedNode, ExactObjects)>>,
    quads: usize,
}

impl ExactLiterals {
    /// Collect the literals of `quads` (with their final blank node labels; repeated quads are
    /// counted once) whose stored form differs.
    pub fn from_quads(quads: &[Quad]) -> Self {
        let mut table = Self::default();
        // Pass 1: the rewritten literals.
        for q in quads {
            if let Term::Literal(l) = &q.object
                && let Some(stored) = store_form(l.as_ref())
                && let Some(entry) = table.entry_mut(q.subject.as_ref(), q.predicate.as_ref())
            {
                entry.stored.push(stored.clone());
                entry.originals.push(l.clone());
                entry.quads.push((q.graph_name.clone(), stored, l.clone()));
            }
        }
        table.finish();
        if table.quads == 0 {
            return table;
        }
        // Pass 2: literals already in stored form that share a stored form with a rewritten one
        // (`"7"` next to `"07"`): the store has one literal for both.
        let mut added = false;
        for q in quads {
            if let Term::Literal(l) = &q.object
                && l.language().is_none()
                && l.datatype().as_str().starts_with(XSD)
                && let Some(entry) = table.get_mut(q.subject.as_ref(), q.predicate.as_ref())
                && entry.has_stored(l.as_ref())
                && store_form(l.as_ref()).is_none()
            {
                entry.originals.push(l.clone());
                entry
                    .quads
                    .push((q.graph_name.clone(), l.clone(), l.clone()));
                added = true;
            }
        }
        if added {
            table.finish();
        }
        table
    }

    /// Sort and de-duplicate every entry; count the quads.
    fn finish(&mut self) {
        let mut n = 0;
        for list in self.named.values_mut().chain(self.blank.values_mut()) {
            for (_, e) in list.iter_mut() {
                e.finish();
                n += e.quads.len();
            }
        }
        self.quads = n;
    }

    fn entry_mut(
        &mut self,
        s: NamedOrBlankNodeRef<'_>,
        p: NamedNodeRef<'_>,
    ) -> Option<&mut ExactObjects> {
        let list = match s {
            NamedOrBlankNodeRef::NamedNode(n) => self.named.entry(n.as_str().to_owned()),
            NamedOrBlankNodeRef::BlankNode(b) => self.blank.entry(b.as_str().to_owned()),
        }
        .or_default();
        match list.iter().position(|(q, _)| q.as_ref() == p) {
            Some(i) => list.get_mut(i).map(|(_, e)| e),
            None => {
                list.push((p.into_owned(), ExactObjects::default()));
                list.last_mut().map(|(_, e)| e)
            }
        }
    }

    fn get_mut(
        &mut self,
        s: NamedOrBlankNodeRef<'_>,
        p: NamedNodeRef<'_>,
    ) -> Option<&mut ExactObjects> {
        let list = match s {
            NamedOrBlankNodeRef::NamedNode(n) => self.named.get_mut(n.as_str()),
            NamedOrBlankNodeRef::BlankNode(b) => self.blank.get_mut(b.as_str()),
        }?;
        list.iter_mut()
            .find(|(q, _)| q.as_ref() == p)
            .map(|(_, e)| e)
    }

    /// The exact literals of `(s, p, ?)`, when some object literal of it is stored in another
    /// form.
    pub fn get(&self, s: NamedOrBlankNodeRef<'_>, p: NamedNodeRef<'_>) -> Option<&ExactObjects> {
        if self.quads == 0 {
            return None;
        }
        let list = match s {
            NamedOrBlankNodeRef::NamedNode(n) => self.named.get(n.as_str()),
            NamedOrBlankNodeRef::BlankNode(b) => self.blank.get(b.as_str()),
        }?;
        list.iter().find(|(q, _)| q.as_ref() == p).map(|(_, e)| e)
    }

    /// Whether no literal was rewritten.
    pub fn is_empty(&self) -> bool {
        self.quads == 0
    }

    /// The number of quads the table describes.
    pub fn len(&self) -> usize {
        self.quads
    }

    /// The exact form of a quad read from the store: the quad itself, or the quads of original
    /// literals its literal stands for.
    pub fn expand(&self, quad: Quad, out: &mut Vec<Quad>) {
        if let Term::Literal(l) = &quad.object
            && let Some(e) = self.get(quad.subject.as_ref(), quad.predicate.as_ref())
            && e.has_stored(l.as_ref())
        {
            for o in e.originals_of(&quad.graph_name, l) {
                out.push(Quad::new(
                    quad.subject.clone(),
                    quad.predicate.clone(),
                    o.clone(),
                    quad.graph_name.clone(),
                ));
            }
            return;
        }
        out.push(quad);
    }

    /// Replace, in the objects of `(s, p, ?)` read from the store (over all graphs), the stored
    /// forms by the original literals.
    pub fn exact_objects(
        &self,
        s: NamedOrBlankNodeRef<'_>,
        p: NamedNodeRef<'_>,
        objects: &mut Vec<Term>,
    ) {
        if let Some(e) = self.get(s, p) {
            objects.retain(|o| !matches!(o, Term::Literal(l) if e.has_stored(l.as_ref())));
            objects.extend(e.originals.iter().cloned().map(Term::Literal));
        }
    }

    /// Whether `(s, p, o)` holds for the exact literal `o`, given that the store has
    /// `(s, p, o')` for the store form `o'` of `o` (the store matches literals by their
    /// canonical form: looking up `"07"^^xsd:integer` finds a stored `"7"^^xsd:integer`).
    pub fn has_exact_object(
        &self,
        s: NamedOrBlankNodeRef<'_>,
        p: NamedNodeRef<'_>,
        o: LiteralRef<'_>,
    ) -> bool {
        let form = store_form(o);
        if self.is_empty() {
            return form.is_none();
        }
        let stored = form.as_ref().map_or(o, Literal::as_ref);
        match self.get(s, p) {
            Some(e) if e.has_stored(stored) => e.has_original(o),
            _ => form.is_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::NamedOrBlankNode;
    use oxigraph::store::Store;

    fn lit(v: &str, dt: &str) -> Literal {
        Literal::new_typed_literal(v, NamedNode::new_unchecked(format!("{XSD}{dt}")))
    }

    /// `store_form` predicts exactly what the store gives back.
    #[test]
    fn store_form_matches_the_store() {
        let cases = [
            ("5", "byte"),
            ("5", "int"),
            ("-0", "integer"),
            ("+3", "integer"),
            ("07", "integer"),
            ("7", "integer"),
            ("0", "integer"),
            ("99999999999999999999999", "integer"),
            ("300", "byte"),
            ("c", "byte"),
            ("4.0", "decimal"),
            ("123.45", "decimal"),
            ("-0.5", "decimal"),
            ("-0", "decimal"),
            ("-0.0", "decimal"),
            ("0.10", "decimal"),
            ("00.1", "decimal"),
            ("1.", "decimal"),
            ("12345678901234567.5", "decimal"),
            ("2024-02-30", "date"),
            ("2024-02-29", "date"),
            ("0999-01-01", "date"),
            ("4", "decimal"),
            (".5", "decimal"),
            ("1", "boolean"),
            ("0", "boolean"),
            ("true", "boolean"),
            ("TRUE", "boolean"),
            ("1e3", "double"),
            ("1.0E3", "double"),
            ("INF", "float"),
            ("2024-01-05T10:00:00.000Z", "dateTime"),
            ("2024-01-05T10:00:00Z", "dateTimeStamp"),
            ("2024-01-05+00:00", "date"),
            ("10:00:00", "time"),
            ("P1Y0M", "duration"),
            ("P12M", "yearMonthDuration"),
            ("PT60S", "dayTimeDuration"),
            ("2024", "gYear"),
            ("--01", "gMonth"),
            ("x", "string"),
            ("5", "unknownType"),
        ];
        let store = Store::new().unwrap();
        let s = NamedNode::new_unchecked("http://ex.org/s");
        for (i, (v, dt)) in cases.iter().enumerate() {
            let p = NamedNode::new_unchecked(format!("http://ex.org/p{i}"));
            let l = lit(v, dt);
            store
                .insert(oxigraph::model::QuadRef::new(
                    &s,
                    &p,
                    &l,
                    GraphName::DefaultGraph.as_ref(),
                ))
                .unwrap();
            let back = store
                .quads_for_pattern(Some(s.as_ref().into()), Some(p.as_ref()), None, None)
                .next()
                .unwrap()
                .unwrap()
                .object;
            let Term::Literal(back) = back else { panic!() };
            let predicted = store_form(l.as_ref()).unwrap_or_else(|| l.clone());
            assert_eq!(predicted, back, "{v}^^xsd:{dt}");
        }
    }

    #[test]
    fn table_keeps_originals_and_colliding_canonical_forms() {
        let s = NamedOrBlankNode::from(NamedNode::new_unchecked("http://ex.org/s"));
        let p = NamedNode::new_unchecked("http://ex.org/p");
        let q = |o: Literal| Quad::new(s.clone(), p.clone(), o, GraphName::DefaultGraph);
        let quads = vec![
            q(lit("07", "integer")),
            q(lit("07", "integer")),
            q(lit("7", "integer")),
            q(lit("8", "integer")),
            q(lit("5", "byte")),
            q(Literal::new_simple_literal("x")),
        ];
        let t = ExactLiterals::from_quads(&quads);
        assert_eq!(t.len(), 3);
        let e = t.get(s.as_ref(), p.as_ref()).unwrap();
        assert_eq!(e.stored, vec![lit("5", "integer"), lit("7", "integer")]);
        assert_eq!(
            e.originals,
            vec![lit("07", "integer"), lit("5", "byte"), lit("7", "integer")]
        );
        let mut objects = vec![
            Term::from(lit("7", "integer")),
            Term::from(lit("8", "integer")),
            Term::from(lit("5", "integer")),
            Term::from(Literal::new_simple_literal("x")),
        ];
        t.exact_objects(s.as_ref(), p.as_ref(), &mut objects);
        assert_eq!(objects.len(), 5);
        assert!(objects.contains(&Term::from(lit("5", "byte"))));
        assert!(!objects.contains(&Term::from(lit("5", "integer"))));
        let mut out = Vec::new();
        t.expand(q(lit("7", "integer")), &mut out);
        assert_eq!(out.len(), 2);
        assert!(t.has_exact_object(s.as_ref(), p.as_ref(), lit("5", "byte").as_ref()));
        assert!(!t.has_exact_object(s.as_ref(), p.as_ref(), lit("5", "integer").as_ref()));
        assert!(t.has_exact_object(s.as_ref(), p.as_ref(), lit("8", "integer").as_ref()));
        assert!(t.has_exact_object(s.as_ref(), p.as_ref(), lit("07", "integer").as_ref()));
        assert!(t.has_exact_object(s.as_ref(), p.as_ref(), lit("7", "integer").as_ref()));
        assert!(!t.has_exact_object(s.as_ref(), p.as_ref(), lit("007", "integer").as_ref()));
    }

    #[test]
    fn nothing_to_do_for_canonical_literals() {
        let s = NamedOrBlankNode::from(NamedNode::new_unchecked("http://ex.org/s"));
        let p = NamedNode::new_unchecked("http://ex.org/p");
        let quads = vec![Quad::new(
            s.clone(),
            p.clone(),
            lit("7", "integer"),
            GraphName::DefaultGraph,
        )];
        let t = ExactLiterals::from_quads(&quads);
        assert!(t.is_empty());
        assert!(t.get(s.as_ref(), p.as_ref()).is_none());
    }
}
