//! Template values for SPARQL results: rows of natural values, and term objects with details.
//!
//! Design note: a row's cells are *plain* values (strings, numbers, booleans), not objects.
//! minijinja compares an object with a string or a number as unequal and orders them by kind,
//! so if cells were term objects `row.max_count == 1` or `row.range == "http://…"` would be
//! silently false. The RDF details of a cell (`iri`, `local`, `value`, `lang`, `datatype`,
//! `kind`, `nt`) are available as `row.term("name")`.

use std::sync::Arc;

use ggen_graph::Solutions;
use ggen_graph::model::Term;
use ggen_graph::term::{self, Primitive};
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use minijinja::{Error, ErrorKind, State};

/// The natural template value of an RDF term: an IRI's text, a literal's number/boolean value
/// when its datatype is numeric/boolean, otherwise its lexical text; a blank node as `_:label`.
pub fn term_value(t: &Term) -> Value {
    if let Term::Literal(l) = t {
        match term::primitive(l) {
            Some(Primitive::Integer(i)) => return Value::from(i),
            Some(Primitive::Float(f)) => return Value::from(f),
            Some(Primitive::Boolean(b)) => return Value::from(b),
            None => {}
        }
    }
    Value::from(term::text(t))
}

/// One solution of a SELECT query.
#[derive(Debug)]
pub struct Row {
    vars: Arc<[String]>,
    cells: Vec<Option<Term>>,
}

impl Row {
    /// The term bound to `var` (with or without a leading `?`).
    pub fn term(&self, var: &str) -> Option<&Term> {
        let var = var.strip_prefix('?').unwrap_or(var);
        let i = self.vars.iter().position(|v| v == var)?;
        self.cells.get(i)?.as_ref()
    }

    /// A stable key for this row (its bound cells in N-Triples form), used in plans.
    pub fn key(&self) -> String {
        let mut key = String::new();
        for (v, c) in self.vars.iter().zip(&self.cells) {
            if let Some(c) = c {
                if !key.is_empty() {
                    key.push(' ');
                }
                key.push_str(v);
                key.push('=');
                term::write_nt(&mut key, c);
            }
        }
        key
    }
}

impl Object for Row {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.term(key.as_str()?).map(term_value)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<Value> = self
            .vars
            .iter()
            .zip(&self.cells)
            .filter(|(_, c)| c.is_some())
            .map(|(v, _)| Value::from(v.as_str()))
            .collect();
        Enumerator::Values(keys)
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        match method {
            "term" => {
                let name = match args {
                    [name] => name.as_str().ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidOperation,
                            "row.term() takes a variable name",
                        )
                    })?,
                    _ => {
                        return Err(Error::new(
                            ErrorKind::InvalidOperation,
                            "row.term() takes one argument: a variable name",
                        ));
                    }
                };
                Ok(self
                    .term(name)
                    .map(|t| Value::from_object(TermObject(t.clone())))
                    .unwrap_or(Value::UNDEFINED))
            }
            _ => Err(Error::new(
                ErrorKind::UnknownMethod,
                format!("rows have no method `{method}` (rows have `term(name)`)"),
            )),
        }
    }
}

/// An RDF term with its details as attributes: `iri`, `local`, `value`, `lang`, `datatype`,
/// `kind`, `nt`. Prints as its natural text.
#[derive(Debug, Clone)]
pub struct TermObject(pub Term);

impl Object for TermObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let t = &self.0;
        Some(match key.as_str()? {
            "iri" => match t {
                Term::NamedNode(n) => Value::from(n.as_str()),
                _ => Value::from(()),
            },
            "local" => match t {
                Term::NamedNode(n) => Value::from(term::local_name(n.as_str())),
                _ => Value::from(term::text(t)),
            },
            "value" => Value::from(term::text(t)),
            "number" => term_value(t),
            "lang" => match t {
                Term::Literal(l) => l.language().map_or_else(|| Value::from(()), Value::from),
                _ => Value::from(()),
            },
            "datatype" => match t {
                Term::Literal(l) => Value::from(l.datatype().as_str()),
                _ => Value::from(()),
            },
            "kind" => Value::from(term::kind(t)),
            "nt" => Value::from(term::nt(t)),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["iri", "local", "value", "lang", "datatype", "kind", "nt"])
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&term::text(&self.0))
    }

    fn custom_cmp(
        self: &Arc<Self>,
        other: &minijinja::value::DynObject,
    ) -> Option<std::cmp::Ordering> {
        let other = other.downcast_ref::<Self>()?;
        Some(self.0.to_string().cmp(&other.0.to_string()))
    }
}

/// Convert SELECT solutions into a list of row objects.
pub fn rows_value(solutions: &Solutions) -> Value {
    Value::from(
        rows(solutions)
            .into_iter()
            .map(Value::from_object)
            .collect::<Vec<_>>(),
    )
}

/// Convert SELECT solutions into row objects.
pub fn rows(solutions: &Solutions) -> Vec<Row> {
    let vars: Arc<[String]> = solutions.variables.clone().into();
    solutions
        .rows
        .iter()
        .map(|cells| Row {
            vars: vars.clone(),
            cells: cells.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ggen_graph::{GraphBuilder, QueryOptions, RdfSyntax};
    use minijinja::context;

    fn solutions() -> Solutions {
        let mut b = GraphBuilder::new();
        b.add_text(
            "t.ttl",
            "@prefix ex: <http://ex.org/s#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
             ex:Order ex:max 1 ; ex:label \"Ordre\"@fr ; ex:price \"9.50\"^^xsd:decimal ; ex:ok true ; ex:dt xsd:string .",
            RdfSyntax::Turtle,
        )
        .unwrap();
        let g = b.build().unwrap();
        g.select(
            "SELECT ?c ?max ?label ?price ?ok ?dt ?none WHERE { ?c ex:max ?max ; ex:label ?label ; ex:price ?price ; ex:ok ?ok ; ex:dt ?dt OPTIONAL { ?c ex:nothing ?none } }",
            &QueryOptions::new().with_prefix("ex", "http://ex.org/s#"),
        )
        .unwrap()
    }

    fn render(src: &str) -> Result<String, Error> {
        let env = crate::render::base_env();
        let rows = rows_value(&solutions());
        env.render_str(
            src,
            context! { row => rows.get_item_by_index(0).unwrap(), rows => rows },
        )
    }

    #[test]
    fn cells_are_natural_values() {
        assert_eq!(render("{{ row.c }}").unwrap(), "http://ex.org/s#Order");
        assert_eq!(
            render("{{ row.max == 1 }} {{ row.max > 0 }} {{ row.max + 1 }}").unwrap(),
            "true true 2"
        );
        assert_eq!(render("{{ row.price * 2 }}").unwrap(), "19.0");
        assert_eq!(render("{{ row.ok }}").unwrap(), "true");
        assert_eq!(render("{{ row.label }}").unwrap(), "Ordre");
        assert_eq!(
            render("{{ row.c == 'http://ex.org/s#Order' }}").unwrap(),
            "true"
        );
        assert_eq!(render("{{ row['?c'] }}").unwrap(), "http://ex.org/s#Order");
    }

    #[test]
    fn unbound_is_undefined_and_testable() {
        assert_eq!(render("{{ row.none is defined }}").unwrap(), "false");
        assert!(render("{{ row.none }}").is_err());
    }

    #[test]
    fn term_details() {
        assert_eq!(render("{{ row.term('label').lang }}").unwrap(), "fr");
        assert_eq!(
            render("{{ row.term('label').nt }}").unwrap(),
            "\"Ordre\"@fr"
        );
        assert_eq!(render("{{ row.term('c').local }}").unwrap(), "Order");
        assert_eq!(render("{{ row.term('c').kind }}").unwrap(), "iri");
        // The store keeps numeric literals in canonical form: "9.50" reads back as "9.5".
        assert_eq!(render("{{ row.term('price').value }}").unwrap(), "9.5");
        assert_eq!(
            render("{{ row.term('price').datatype }}").unwrap(),
            "http://www.w3.org/2001/XMLSchema#decimal"
        );
        assert_eq!(
            render("{{ row.term('c') }}").unwrap(),
            "http://ex.org/s#Order"
        );
        assert_eq!(
            render("{{ row.term('none') is defined }}").unwrap(),
            "false"
        );
    }

    #[test]
    fn rows_iterate_and_sort() {
        assert_eq!(
            render("{% for r in rows %}{{ r.c | length > 0 }}{% endfor %}").unwrap(),
            "true"
        );
        assert_eq!(
            render("{{ row | list | sort | join(',') }}").unwrap(),
            "c,dt,label,max,ok,price"
        );
    }
}
