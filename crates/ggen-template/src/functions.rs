//! Filters and functions available in templates (TEMPLATE_FORMAT.md §4).

use std::sync::Arc;

use ggen_graph::QueryOutput;
use ggen_graph::term;
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind};

use crate::render::Shared;
use crate::values::{self, TermObject};

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

/// The text of a value: a term object's natural text, a string as is, anything else printed.
fn text_of(v: &Value) -> String {
    if let Some(t) = v.downcast_object_ref::<TermObject>() {
        return term::text(&t.0);
    }
    match v.as_str() {
        Some(s) => s.to_owned(),
        None => v.to_string(),
    }
}

/// Register every ggen filter and function on `env`.
pub(crate) fn register(env: &mut Environment<'static>, shared: &Arc<Shared>) {
    register_text_filters(env);
    register_rdf(env, shared);
    register_code(env, shared);
    register_sparql(env, shared);
    let s = shared.clone();
    env.add_function(
        "env",
        move |name: String, default: Option<Value>| -> Value {
            let value = std::env::var(&name).ok();
            if let Ok(mut reads) = s.env_reads.lock() {
                reads.insert(name, value.clone());
            }
            match value {
                Some(v) => Value::from(v),
                None => default.unwrap_or(Value::from(())),
            }
        },
    );
}

fn register_text_filters(env: &mut Environment<'static>) {
    for name in ggen_lang::case::NAMES {
        if let Some(f) = ggen_lang::case::by_name(name) {
            env.add_filter(*name, move |v: Value| f(&text_of(&v)));
        }
    }
    type Inflect = fn(&str) -> String;
    let inflections: [(&str, Inflect); 5] = [
        ("pluralize", ggen_lang::inflect::pluralize),
        ("singularize", ggen_lang::inflect::singularize),
        ("foreign_key", ggen_lang::inflect::foreign_key),
        ("demodulize", ggen_lang::inflect::demodulize),
        ("deconstantize", ggen_lang::inflect::deconstantize),
    ];
    for (name, f) in inflections {
        env.add_filter(name, move |v: Value| f(&text_of(&v)));
    }
    type Checked = fn(&str) -> Result<String, ggen_lang::LangError>;
    let checked: [(&str, Checked); 2] = [
        ("ordinalize", ggen_lang::inflect::ordinalize),
        ("deordinalize", ggen_lang::inflect::deordinalize),
    ];
    for (name, f) in checked {
        env.add_filter(name, move |v: Value| -> Result<String, Error> {
            f(&text_of(&v)).map_err(|e| invalid(e.to_string()))
        });
    }
}

fn register_rdf(env: &mut Environment<'static>, shared: &Arc<Shared>) {
    let local = |v: Value| -> String {
        if let Some(t) = v.downcast_object_ref::<TermObject>() {
            if let ggen_graph::model::Term::NamedNode(n) = &t.0 {
                return term::local_name(n.as_str()).to_owned();
            }
            return term::text(&t.0);
        }
        term::local_name(&text_of(&v)).to_owned()
    };
    env.add_filter("local", local);
    env.add_function("local", local);
    let s = shared.clone();
    env.add_filter("prefixed", move |v: Value| -> String {
        let iri = text_of(&v);
        s.prefixes.shorten(&iri).unwrap_or(iri)
    });
    env.add_filter("nt", |v: Value| -> String {
        if let Some(t) = v.downcast_object_ref::<TermObject>() {
            return term::nt(&t.0);
        }
        let text = text_of(&v);
        if looks_like_iri(&text) {
            format!("<{text}>")
        } else {
            ggen_graph::model::Literal::new_simple_literal(text).to_string()
        }
    });
}

fn looks_like_iri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && !rest.is_empty()
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn register_code(env: &mut Environment<'static>, shared: &Arc<Shared>) {
    let s = shared.clone();
    env.add_filter("type_for", move |v: Value, lang: String| -> Result<String, Error> {
        let raw = text_of(&v);
        let iri = s.prefixes.expand(&raw).unwrap_or(raw);
        let found = s.types.lookup(&lang, &iri).map_err(|e| invalid(e.to_string()))?;
        if found.fallback
            && let Ok(mut w) = s.warnings.lock() {
                w.insert(format!(
                    "{}: no {lang} type for datatype <{iri}>; used `{}` (map it in ggen.toml [types.{lang}])",
                    s.template_name, found.ty
                ));
            }
        Ok(found.ty)
    });
    env.add_filter("ident", |v: Value, lang: String| -> Result<String, Error> {
        ggen_lang::code::ident(&text_of(&v), &lang).map_err(|e| invalid(e.to_string()))
    });
    env.add_filter(
        "comment",
        |v: Value, lang: String| -> Result<String, Error> {
            ggen_lang::code::comment(&text_of(&v), &lang).map_err(|e| invalid(e.to_string()))
        },
    );
    env.add_filter("doc", |v: Value, lang: String| -> Result<String, Error> {
        ggen_lang::code::doc(&text_of(&v), &lang).map_err(|e| invalid(e.to_string()))
    });
}

fn column_name(c: &str) -> &str {
    c.strip_prefix('?').unwrap_or(c)
}

fn cell(row: &Value, column: &str) -> Option<Value> {
    row.get_attr(column_name(column))
        .ok()
        .filter(|v| !v.is_undefined())
}

fn seq(results: &Value) -> Result<Vec<Value>, Error> {
    results
        .try_iter()
        .map(Iterator::collect)
        .map_err(|_| invalid("expected query results (a list of rows)"))
}

fn register_sparql(env: &mut Environment<'static>, shared: &Arc<Shared>) {
    let s = shared.clone();
    env.add_function("sparql", move |query: String, var: Option<String>, kwargs: Kwargs| -> Result<Value, Error> {
        let var: Option<String> = match var {
            Some(v) => Some(v),
            None => kwargs.get::<Option<String>>("var")?,
        };
        kwargs.assert_all_used()?;
        let graph = s.graph.as_ref().ok_or_else(|| invalid("sparql(): no graph is loaded"))?;
        let out = graph.query(&query, &s.query_opts).map_err(|e| invalid(e.to_string()))?;
        match out {
            QueryOutput::Boolean(b) => Ok(Value::from(b)),
            QueryOutput::Graph(_) => Err(invalid("sparql(): CONSTRUCT/DESCRIBE are not allowed here; use `construct:` in the frontmatter")),
            QueryOutput::Solutions(sol) => match var {
                None => Ok(values::rows_value(&sol)),
                Some(var) => Ok(sol
                    .rows
                    .first()
                    .and_then(|_| sol.get(0, column_name(&var)))
                    .map_or(Value::from(()), values::term_value)),
            },
        }
    });
    env.add_function(
        "sparql_column",
        |results: Value, column: String| -> Result<Value, Error> {
            Ok(Value::from(
                seq(&results)?
                    .iter()
                    .filter_map(|r| cell(r, &column))
                    .collect::<Vec<_>>(),
            ))
        },
    );
    env.add_function(
        "sparql_values",
        |results: Value, column: String| -> Result<Value, Error> {
            let mut out: Vec<Value> = Vec::new();
            for v in seq(&results)?.iter().filter_map(|r| cell(r, &column)) {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Ok(Value::from(out))
        },
    );
    env.add_function(
        "sparql_row",
        |results: Value, index: usize| -> Result<Value, Error> {
            Ok(seq(&results)?
                .get(index)
                .cloned()
                .unwrap_or(Value::from(())))
        },
    );
    env.add_function(
        "sparql_first",
        |results: Value, column: String| -> Result<Value, Error> {
            Ok(seq(&results)?
                .first()
                .and_then(|r| cell(r, &column))
                .unwrap_or(Value::from(())))
        },
    );
    env.add_function("sparql_empty", |results: Value| -> Result<bool, Error> {
        Ok(seq(&results)?.is_empty())
    });
    env.add_function("sparql_count", |results: Value| -> Result<usize, Error> {
        Ok(seq(&results)?.len())
    });
}
