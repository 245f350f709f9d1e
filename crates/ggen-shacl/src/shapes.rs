//! The typed shapes model: what a shapes graph says, as plain Rust data.
//!
//! Validation runs on it, and code generation reads it to type fields: a property shape's
//! [`path`](PropertyShape::path), [`datatype`](PropertyShape::datatype),
//! [`classes`](PropertyShape::classes), [`min_count`](PropertyShape::min_count),
//! [`max_count`](PropertyShape::max_count) and [`in_values`](PropertyShape::in_values), and
//! [`Shapes::property_shapes_for_class`] to find the property shapes that apply to the instances of
//! a class.

use std::collections::{HashMap, HashSet};

use ggen_graph::Prefixes;
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term};

use crate::component::{NodeKind, Severity};
use crate::path::Path;

/// The index of a shape in a [`Shapes`] collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShapeId(pub(crate) usize);

impl ShapeId {
    /// The position of the shape in [`Shapes::iter`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// How a shape selects its focus nodes (SHACL §2.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// `sh:targetNode`: the node itself.
    Node(Term),
    /// `sh:targetClass`: every SHACL instance of the class (following `rdfs:subClassOf*` in the
    /// data graph).
    Class(Term),
    /// The shape is also an `rdfs:Class`: an implicit class target on itself.
    ImplicitClass(Term),
    /// `sh:targetSubjectsOf`: every subject of a triple with this predicate.
    SubjectsOf(NamedNode),
    /// `sh:targetObjectsOf`: every object of a triple with this predicate.
    ObjectsOf(NamedNode),
}

/// A compiled `sh:pattern` with its `sh:flags`.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as written.
    pub pattern: String,
    /// The flags as written (`s`, `m`, `i`, `x`, `q`).
    pub flags: Option<String>,
    pub(crate) regex: regex::Regex,
}

/// `sh:qualifiedValueShape` with its counts.
#[derive(Debug, Clone)]
pub struct Qualified {
    /// The qualified value shape.
    pub shape: ShapeId,
    /// `sh:qualifiedMinCount`.
    pub min_count: Option<u64>,
    /// `sh:qualifiedMaxCount`.
    pub max_count: Option<u64>,
    /// `sh:qualifiedValueShapesDisjoint`.
    pub disjoint: bool,
    /// The sibling shapes that value nodes must not conform to when `disjoint` is true.
    pub siblings: Vec<ShapeId>,
}

/// `sh:closed true` with its `sh:ignoredProperties`.
#[derive(Debug, Clone)]
pub struct Closed {
    /// `sh:ignoredProperties`.
    pub ignored_properties: Vec<NamedNode>,
    /// Every predicate a value node may have: the predicate paths of the shape's `sh:property`
    /// shapes plus the ignored properties.
    pub allowed: HashSet<NamedNode>,
}

/// One constraint of a shape: a SHACL Core constraint component with its parameter values.
/// Several values of one parameter give several constraints.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Constraint {
    /// `sh:class`.
    Class(Term),
    /// `sh:datatype`.
    Datatype(NamedNode),
    /// `sh:nodeKind`.
    NodeKind(NodeKind),
    /// `sh:minCount`.
    MinCount(u64),
    /// `sh:maxCount`.
    MaxCount(u64),
    /// `sh:minExclusive`.
    MinExclusive(Term),
    /// `sh:minInclusive`.
    MinInclusive(Term),
    /// `sh:maxExclusive`.
    MaxExclusive(Term),
    /// `sh:maxInclusive`.
    MaxInclusive(Term),
    /// `sh:minLength`.
    MinLength(u64),
    /// `sh:maxLength`.
    MaxLength(u64),
    /// `sh:pattern` (with `sh:flags`).
    Pattern(Pattern),
    /// `sh:languageIn`.
    LanguageIn(Vec<String>),
    /// `sh:uniqueLang true`.
    UniqueLang,
    /// `sh:equals`.
    Equals(NamedNode),
    /// `sh:disjoint`.
    Disjoint(NamedNode),
    /// `sh:lessThan`.
    LessThan(NamedNode),
    /// `sh:lessThanOrEquals`.
    LessThanOrEquals(NamedNode),
    /// `sh:not`.
    Not(ShapeId),
    /// `sh:and`.
    And(Vec<ShapeId>),
    /// `sh:or`.
    Or(Vec<ShapeId>),
    /// `sh:xone`.
    Xone(Vec<ShapeId>),
    /// `sh:node`.
    Node(ShapeId),
    /// `sh:property`.
    Property(ShapeId),
    /// `sh:qualifiedValueShape` with `sh:qualifiedMinCount` / `sh:qualifiedMaxCount`.
    Qualified(Qualified),
    /// `sh:closed true`.
    Closed(Closed),
    /// `sh:hasValue`.
    HasValue(Term),
    /// `sh:in`.
    In(Vec<Term>),
}

/// What node shapes and property shapes have in common.
#[derive(Debug, Clone)]
pub struct ShapeCommon {
    /// The shape's IRI or blank node in the shapes graph.
    pub id: NamedOrBlankNode,
    /// Its targets (explicit and implicit).
    pub targets: Vec<Target>,
    /// Its constraints, in a stable order.
    pub constraints: Vec<Constraint>,
    /// `sh:severity`.
    pub severity: Severity,
    /// `sh:message` values.
    pub messages: Vec<Literal>,
    /// `sh:deactivated true`.
    pub deactivated: bool,
}

/// A node shape: constraints on the focus node itself.
#[derive(Debug, Clone)]
pub struct NodeShape {
    /// Identity, targets, constraints, severity, messages.
    pub common: ShapeCommon,
}

/// A property shape: constraints on the values reached from the focus node through a path.
#[derive(Debug, Clone)]
pub struct PropertyShape {
    /// Identity, targets, constraints, severity, messages.
    pub common: ShapeCommon,
    /// `sh:path`.
    pub path: Path,
    /// `sh:name` values.
    pub names: Vec<Literal>,
    /// `sh:description` values.
    pub descriptions: Vec<Literal>,
    /// `sh:order`, when numeric.
    pub order: Option<f64>,
    /// `sh:group`.
    pub group: Option<Term>,
    /// `sh:defaultValue`.
    pub default_value: Option<Term>,
}

/// A shape.
// Shapes are few and long-lived; boxing the larger variant would only complicate matching.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Shape {
    /// A node shape.
    Node(NodeShape),
    /// A property shape (it has `sh:path`).
    Property(PropertyShape),
}

impl Shape {
    /// What both kinds have.
    pub fn common(&self) -> &ShapeCommon {
        match self {
            Self::Node(n) => &n.common,
            Self::Property(p) => &p.common,
        }
    }

    /// The shape's IRI or blank node.
    pub fn id(&self) -> &NamedOrBlankNode {
        &self.common().id
    }

    /// The path, for a property shape.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Node(_) => None,
            Self::Property(p) => Some(&p.path),
        }
    }

    /// The property shape, if this is one.
    pub fn as_property(&self) -> Option<&PropertyShape> {
        match self {
            Self::Property(p) => Some(p),
            Self::Node(_) => None,
        }
    }

    /// The node shape, if this is one.
    pub fn as_node(&self) -> Option<&NodeShape> {
        match self {
            Self::Node(n) => Some(n),
            Self::Property(_) => None,
        }
    }
}

fn first<'a, T: 'a>(
    constraints: &'a [Constraint],
    f: impl Fn(&'a Constraint) -> Option<T>,
) -> Option<T> {
    constraints.iter().find_map(f)
}

impl PropertyShape {
    /// The predicate, when the path is a single predicate (the common case for code generation).
    pub fn predicate(&self) -> Option<&NamedNode> {
        self.path.as_predicate()
    }

    /// The first `sh:datatype`.
    pub fn datatype(&self) -> Option<&NamedNode> {
        first(&self.common.constraints, |c| match c {
            Constraint::Datatype(d) => Some(d),
            _ => None,
        })
    }

    /// Every `sh:class`.
    pub fn classes(&self) -> Vec<&Term> {
        self.common
            .constraints
            .iter()
            .filter_map(|c| match c {
                Constraint::Class(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// The largest `sh:minCount` (all of them must hold).
    pub fn min_count(&self) -> Option<u64> {
        self.common
            .constraints
            .iter()
            .filter_map(|c| match c {
                Constraint::MinCount(n) => Some(*n),
                _ => None,
            })
            .max()
    }

    /// The smallest `sh:maxCount` (all of them must hold).
    pub fn max_count(&self) -> Option<u64> {
        self.common
            .constraints
            .iter()
            .filter_map(|c| match c {
                Constraint::MaxCount(n) => Some(*n),
                _ => None,
            })
            .min()
    }

    /// The first `sh:nodeKind`.
    pub fn node_kind(&self) -> Option<NodeKind> {
        first(&self.common.constraints, |c| match c {
            Constraint::NodeKind(k) => Some(*k),
            _ => None,
        })
    }

    /// The members of the first `sh:in` list.
    pub fn in_values(&self) -> Option<&[Term]> {
        first(&self.common.constraints, |c| match c {
            Constraint::In(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// The first `sh:pattern`.
    pub fn pattern(&self) -> Option<&Pattern> {
        first(&self.common.constraints, |c| match c {
            Constraint::Pattern(p) => Some(p),
            _ => None,
        })
    }

    /// Every `sh:node` shape the values must conform to.
    pub fn node_shapes(&self) -> Vec<ShapeId> {
        self.common
            .constraints
            .iter()
            .filter_map(|c| match c {
                Constraint::Node(s) => Some(*s),
                _ => None,
            })
            .collect()
    }

    /// The first `sh:name` (preferring one without a language tag or tagged `en`).
    pub fn name(&self) -> Option<&str> {
        self.names
            .iter()
            .find(|l| matches!(l.language(), None | Some("en")))
            .or_else(|| self.names.first())
            .map(Literal::value)
    }
}

/// The shapes of a shapes graph.
#[derive(Debug, Clone)]
pub struct Shapes {
    pub(crate) shapes: Vec<Shape>,
    pub(crate) index: HashMap<NamedOrBlankNode, ShapeId>,
    pub(crate) prefixes: Prefixes,
    pub(crate) graph_hash: String,
}

impl Shapes {
    /// Number of shapes.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// Whether there are no shapes.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Every shape with its id, ordered by the N-Triples form of the shape's node.
    pub fn iter(&self) -> impl Iterator<Item = (ShapeId, &Shape)> {
        self.shapes.iter().enumerate().map(|(i, s)| (ShapeId(i), s))
    }

    /// The shape with this id.
    pub fn get(&self, id: ShapeId) -> Option<&Shape> {
        self.shapes.get(id.0)
    }

    /// The shape whose node is `node`.
    pub fn find(&self, node: &NamedOrBlankNode) -> Option<(ShapeId, &Shape)> {
        let id = *self.index.get(node)?;
        Some((id, self.get(id)?))
    }

    /// The shape named by this IRI.
    pub fn find_iri(&self, iri: &str) -> Option<(ShapeId, &Shape)> {
        let node = NamedNode::new(iri).ok()?;
        self.find(&node.into())
    }

    /// The node shapes.
    pub fn node_shapes(&self) -> impl Iterator<Item = &NodeShape> {
        self.shapes.iter().filter_map(Shape::as_node)
    }

    /// The property shapes.
    pub fn property_shapes(&self) -> impl Iterator<Item = &PropertyShape> {
        self.shapes.iter().filter_map(Shape::as_property)
    }

    /// Prefixes declared in the shapes graph.
    pub fn prefixes(&self) -> &Prefixes {
        &self.prefixes
    }

    /// The shapes whose targets include the class `class_iri` (`sh:targetClass` or an implicit
    /// class target). Subclass relations are not considered here: they live in the data graph.
    pub fn shapes_targeting_class(&self, class_iri: &str) -> Vec<(ShapeId, &Shape)> {
        self.iter()
            .filter(|(_, s)| {
                s.common().targets.iter().any(|t| match t {
                    Target::Class(Term::NamedNode(c))
                    | Target::ImplicitClass(Term::NamedNode(c)) => c.as_str() == class_iri,
                    _ => false,
                })
            })
            .collect()
    }

    /// The property shapes that apply to every instance of `class_iri`: the `sh:property` shapes
    /// of the shapes that target the class, and of the shapes those reach through `sh:node` and
    /// `sh:and` (which constrain the same focus node). Deactivated shapes are skipped. Sorted by
    /// `sh:order`, then by the N-Triples form of the path.
    pub fn property_shapes_for_class(&self, class_iri: &str) -> Vec<&PropertyShape> {
        let mut visited: HashSet<ShapeId> = HashSet::new();
        let mut stack: Vec<ShapeId> = self
            .shapes_targeting_class(class_iri)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mut found: Vec<ShapeId> = Vec::new();
        while let Some(id) = stack.pop() {
            if !visited.insert(id) {
                continue;
            }
            let Some(shape) = self.get(id) else { continue };
            if shape.common().deactivated {
                continue;
            }
            for c in &shape.common().constraints {
                match c {
                    Constraint::Property(p) if !found.contains(p) => found.push(*p),
                    Constraint::Node(n) => stack.push(*n),
                    Constraint::And(list) => stack.extend(list.iter().copied()),
                    _ => {}
                }
            }
        }
        let mut out: Vec<&PropertyShape> = found
            .into_iter()
            .filter_map(|id| self.get(id).and_then(Shape::as_property))
            .filter(|p| !p.common.deactivated)
            .collect();
        out.sort_by(|a, b| {
            let oa = a.order.unwrap_or(f64::INFINITY);
            let ob = b.order.unwrap_or(f64::INFINITY);
            oa.total_cmp(&ob)
                .then_with(|| a.path.to_string().cmp(&b.path.to_string()))
                .then_with(|| a.common.id.to_string().cmp(&b.common.id.to_string()))
        });
        out
    }
}
