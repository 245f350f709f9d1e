//! SHACL property paths: the IR, how they are read from a shapes graph, and how they are
//! evaluated against a data store with direct quad lookups.

use std::collections::HashSet;
use std::fmt;

use ggen_graph::Prefixes;
use oxigraph::model::{NamedNode, Term};

use crate::error::ShaclError;
use crate::read::{Reader, as_subject};
use crate::vocab::{
    RDF_FIRST, RDF_NIL, SH_ALTERNATIVE_PATH, SH_INVERSE_PATH, SH_ONE_OR_MORE_PATH,
    SH_ZERO_OR_MORE_PATH, SH_ZERO_OR_ONE_PATH,
};

/// A SHACL property path (SHACL §2.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Path {
    /// A predicate path: the IRI itself.
    Predicate(NamedNode),
    /// `sh:inversePath`: `^p`.
    Inverse(Box<Path>),
    /// A sequence path (an RDF list of paths): `p1 / p2 / …`.
    Sequence(Vec<Path>),
    /// `sh:alternativePath`: `p1 | p2 | …`.
    Alternative(Vec<Path>),
    /// `sh:zeroOrMorePath`: `p*`.
    ZeroOrMore(Box<Path>),
    /// `sh:oneOrMorePath`: `p+`.
    OneOrMore(Box<Path>),
    /// `sh:zeroOrOnePath`: `p?`.
    ZeroOrOne(Box<Path>),
}

impl Path {
    /// The predicate when this is a predicate path.
    pub fn as_predicate(&self) -> Option<&NamedNode> {
        match self {
            Self::Predicate(p) => Some(p),
            _ => None,
        }
    }

    /// Read the SHACL path whose root is `node` in `graph` (for example the `sh:resultPath` of a
    /// validation report graph).
    pub fn from_graph(graph: &ggen_graph::Graph, node: &Term) -> Result<Path, ShaclError> {
        let reader = Reader::new(graph)?;
        parse_path(&reader, node)?.map_err(|message| ShaclError::InvalidPath {
            node: node.to_string(),
            message,
        })
    }

    /// The path in SPARQL property-path syntax, shortening IRIs with `prefixes`.
    pub fn to_sparql(&self, prefixes: &Prefixes) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(prefixes), false);
        out
    }

    fn write(&self, out: &mut String, prefixes: Option<&Prefixes>, nested: bool) {
        let group = |out: &mut String, items: &[Path], sep: &str| {
            if nested {
                out.push('(');
            }
            for (i, p) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                p.write(out, prefixes, true);
            }
            if nested {
                out.push(')');
            }
        };
        match self {
            Self::Predicate(p) => match prefixes.and_then(|x| x.shorten(p.as_str())) {
                Some(short) => out.push_str(&short),
                None => out.push_str(&p.to_string()),
            },
            Self::Inverse(p) => {
                out.push('^');
                p.write(out, prefixes, true);
            }
            Self::Sequence(items) => group(out, items, "/"),
            Self::Alternative(items) => group(out, items, "|"),
            Self::ZeroOrMore(p) | Self::OneOrMore(p) | Self::ZeroOrOne(p) => {
                p.write(out, prefixes, true);
                out.push(match self {
                    Self::ZeroOrMore(_) => '*',
                    Self::OneOrMore(_) => '+',
                    _ => '?',
                });
            }
        }
    }
}

impl fmt::Display for Path {
    /// SPARQL property-path syntax with full IRIs, e.g. `<http://ex.org/p>/^<http://ex.org/q>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write(&mut out, None, false);
        f.write_str(&out)
    }
}

const MAX_PATH_DEPTH: usize = 64;

/// Read the path whose root is `node` in the shapes graph. `Err(message)` describes a malformed
/// path.
pub(crate) fn parse_path(
    reader: &Reader<'_>,
    node: &Term,
) -> Result<Result<Path, String>, ShaclError> {
    parse_at(reader, node, 0)
}

fn parse_at(
    reader: &Reader<'_>,
    node: &Term,
    depth: usize,
) -> Result<Result<Path, String>, ShaclError> {
    if depth > MAX_PATH_DEPTH {
        return Ok(Err(format!(
            "path nested more than {MAX_PATH_DEPTH} levels deep (cyclic?)"
        )));
    }
    let subject = match node {
        Term::NamedNode(n) if n.as_ref() == RDF_NIL => {
            return Ok(Err("an empty list is not a path".to_owned()));
        }
        Term::NamedNode(n) => return Ok(Ok(Path::Predicate(n.clone()))),
        Term::BlankNode(_) => match as_subject(node) {
            Some(s) => s,
            None => return Ok(Err(format!("{node} is not a path"))),
        },
        _ => return Ok(Err(format!("{node} is not a path (a literal)"))),
    };
    // A list is a sequence path; a list node wins over any other path predicate on it.
    if !reader.objects(subject, RDF_FIRST)?.is_empty() {
        let items = match reader.list(node)? {
            Ok(items) => items,
            Err(e) => return Ok(Err(e)),
        };
        let paths = match parse_all(reader, &items, depth)? {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        // SHACL asks for at least two members; a one-member list is evaluated as that member
        // and reported back as the same list.
        return Ok(if paths.is_empty() {
            Err("an empty list is not a path".to_owned())
        } else {
            Ok(Path::Sequence(paths))
        });
    }
    let mut found: Vec<(&str, Term)> = Vec::new();
    for (name, pred) in [
        ("sh:inversePath", SH_INVERSE_PATH),
        ("sh:alternativePath", SH_ALTERNATIVE_PATH),
        ("sh:zeroOrMorePath", SH_ZERO_OR_MORE_PATH),
        ("sh:oneOrMorePath", SH_ONE_OR_MORE_PATH),
        ("sh:zeroOrOnePath", SH_ZERO_OR_ONE_PATH),
    ] {
        for o in reader.objects(subject, pred)? {
            found.push((name, o));
        }
    }
    let (name, value) = match found.len() {
        1 => match found.pop() {
            Some(x) => x,
            None => return Ok(Err(format!("{node} is not a path"))),
        },
        0 => {
            return Ok(Err(format!(
                "blank node {node} is neither a list nor has one of sh:inversePath, sh:alternativePath, sh:zeroOrMorePath, sh:oneOrMorePath, sh:zeroOrOnePath"
            )));
        }
        _ => {
            return Ok(Err(format!(
                "blank node {node} has {} path predicates; a path node has exactly one",
                found.len()
            )));
        }
    };
    if name == "sh:alternativePath" {
        let items = match reader.list(&value)? {
            Ok(items) => items,
            Err(e) => return Ok(Err(format!("sh:alternativePath: {e}"))),
        };
        if items.len() < 2 {
            return Ok(Err(format!(
                "sh:alternativePath needs a list of at least two paths, found {}",
                items.len()
            )));
        }
        return Ok(parse_all(reader, &items, depth)?.map(Path::Alternative));
    }
    let inner = match parse_at(reader, &value, depth + 1)? {
        Ok(p) => Box::new(p),
        Err(e) => return Ok(Err(format!("{name}: {e}"))),
    };
    Ok(Ok(match name {
        "sh:inversePath" => Path::Inverse(inner),
        "sh:zeroOrMorePath" => Path::ZeroOrMore(inner),
        "sh:oneOrMorePath" => Path::OneOrMore(inner),
        _ => Path::ZeroOrOne(inner),
    }))
}

fn parse_all(
    reader: &Reader<'_>,
    items: &[Term],
    depth: usize,
) -> Result<Result<Vec<Path>, String>, ShaclError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match parse_at(reader, item, depth + 1)? {
            Ok(p) => out.push(p),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(out))
}

/// An ordered set of terms (first-seen order).
#[derive(Default)]
struct TermSet {
    items: Vec<Term>,
    seen: HashSet<Term>,
}

impl TermSet {
    fn insert(&mut self, t: Term) -> bool {
        if self.seen.contains(&t) {
            return false;
        }
        self.seen.insert(t.clone());
        self.items.push(t);
        true
    }
}

/// The value nodes reached from `start` through `path` in the data (a set, in first-seen order).
pub(crate) fn eval_path(
    reader: &Reader<'_>,
    path: &Path,
    start: &Term,
) -> Result<Vec<Term>, ShaclError> {
    if let Path::Predicate(p) = path {
        // Fast path: one lookup; triples are unique in a graph.
        return reader.objects_of_term(start, p.as_ref());
    }
    let mut out = TermSet::default();
    eval_into(reader, path, start, false, &mut out)?;
    Ok(out.items)
}

fn step(
    reader: &Reader<'_>,
    p: &NamedNode,
    node: &Term,
    inverse: bool,
) -> Result<Vec<Term>, ShaclError> {
    if inverse {
        reader.subjects(p.as_ref(), node.as_ref())
    } else {
        reader.objects_of_term(node, p.as_ref())
    }
}

fn eval_into(
    reader: &Reader<'_>,
    path: &Path,
    node: &Term,
    inverse: bool,
    out: &mut TermSet,
) -> Result<(), ShaclError> {
    match path {
        Path::Predicate(p) => {
            for t in step(reader, p, node, inverse)? {
                out.insert(t);
            }
        }
        Path::Inverse(inner) => eval_into(reader, inner, node, !inverse, out)?,
        Path::Sequence(items) => {
            let mut frontier = vec![node.clone()];
            let ordered: Vec<&Path> = if inverse {
                items.iter().rev().collect()
            } else {
                items.iter().collect()
            };
            for item in ordered {
                let mut next = TermSet::default();
                for f in &frontier {
                    eval_into(reader, item, f, inverse, &mut next)?;
                }
                frontier = next.items;
                if frontier.is_empty() {
                    break;
                }
            }
            for t in frontier {
                out.insert(t);
            }
        }
        Path::Alternative(items) => {
            for item in items {
                eval_into(reader, item, node, inverse, out)?;
            }
        }
        Path::ZeroOrOne(inner) => {
            out.insert(node.clone());
            eval_into(reader, inner, node, inverse, out)?;
        }
        Path::ZeroOrMore(inner) | Path::OneOrMore(inner) => {
            let mut reached = TermSet::default();
            if matches!(path, Path::ZeroOrMore(_)) {
                reached.insert(node.clone());
            }
            let mut visited: HashSet<Term> = HashSet::new();
            let mut queue = vec![node.clone()];
            while let Some(x) = queue.pop() {
                if !visited.insert(x.clone()) {
                    continue;
                }
                let mut next = TermSet::default();
                eval_into(reader, inner, &x, inverse, &mut next)?;
                for t in next.items {
                    reached.insert(t.clone());
                    if !visited.contains(&t) {
                        queue.push(t);
                    }
                }
            }
            for t in reached.items {
                out.insert(t);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Path {
        Path::Predicate(NamedNode::new_unchecked(format!("http://ex.org/{s}")))
    }

    #[test]
    fn sparql_syntax() {
        let mut prefixes = Prefixes::new();
        prefixes.insert("ex", "http://ex.org/");
        let path = Path::Alternative(vec![
            Path::Sequence(vec![p("a"), Path::Inverse(Box::new(p("b")))]),
            Path::ZeroOrMore(Box::new(p("c"))),
            Path::OneOrMore(Box::new(Path::Alternative(vec![p("d"), p("e")]))),
            Path::ZeroOrOne(Box::new(p("f"))),
        ]);
        assert_eq!(
            path.to_sparql(&prefixes),
            "(ex:a/^ex:b)|ex:c*|(ex:d|ex:e)+|ex:f?"
        );
        assert_eq!(p("a").to_string(), "<http://ex.org/a>");
        assert_eq!(
            Path::Inverse(Box::new(Path::Sequence(vec![p("a"), p("b")]))).to_sparql(&prefixes),
            "^(ex:a/ex:b)"
        );
    }
}
