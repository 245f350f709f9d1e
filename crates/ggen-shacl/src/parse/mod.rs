//! Reading a shapes graph into the typed [`Shapes`] model.

use std::collections::{HashMap, HashSet};

use ggen_core::Location;
use ggen_graph::Graph;
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term};

use crate::component::{NodeKind, Severity};
use crate::error::ShaclError;
use crate::path::parse_path;
use crate::read::Reader;
use crate::shapes::{
    Closed, Constraint, NodeShape, Pattern, PropertyShape, Qualified, Shape, ShapeCommon, ShapeId,
    Shapes, Target,
};
use crate::vocab::*;

mod link;
mod pattern;

use link::link;
use pattern::compile_pattern;

impl Shapes {
    /// Read every shape of a shapes graph (SHACL §2.1): the SHACL instances of `sh:NodeShape` and
    /// `sh:PropertyShape`, the subjects of target and constraint parameter triples, and the
    /// shapes referenced by `sh:node`, `sh:property`, `sh:not`, `sh:and`, `sh:or`, `sh:xone` and
    /// `sh:qualifiedValueShape`.
    ///
    /// A malformed shape (a non-integer `sh:minCount`, a broken list, an invalid path or regular
    /// expression, …) is an error that names the shape and the offending triple. Paths and lists
    /// that no shape uses are not looked at.
    pub fn from_graph(graph: &Graph) -> Result<Shapes, ShaclError> {
        let reader = Reader::new(graph)?;
        let location = match graph.sources() {
            [one] => Some(Location::file(&one.path)),
            _ => None,
        };
        let mut parser = Parser {
            reader,
            location,
            class_classes: Vec::new(),
            index: HashMap::new(),
            nodes: Vec::new(),
        };
        parser.class_classes = parser.with_subclasses(RDFS_CLASS)?;
        parser.collect_candidates()?;
        let mut shapes = Vec::new();
        let mut i = 0;
        // The list of nodes can grow while parsing (a referenced node that the candidate scan
        // did not see); parse until every node is done.
        while let Some(node) = parser.nodes.get(i).cloned() {
            shapes.push(parser.parse_shape(&node)?);
            i += 1;
        }
        let mut prefixes = ggen_graph::Prefixes::well_known();
        prefixes.extend_from(graph.prefixes());
        let mut shapes = Shapes {
            shapes,
            index: parser.index,
            prefixes,
            graph_hash: graph.canonical_sha256().to_owned(),
        };
        link(&mut shapes, parser.location.as_ref())?;
        Ok(shapes)
    }
}

struct Parser<'a> {
    reader: Reader<'a>,
    location: Option<Location>,
    /// `rdfs:Class` and its subclasses in the shapes graph (for implicit class targets).
    class_classes: Vec<Term>,
    index: HashMap<NamedOrBlankNode, ShapeId>,
    nodes: Vec<NamedOrBlankNode>,
}

fn as_node(t: &Term) -> Option<NamedOrBlankNode> {
    match t {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}

fn sort_terms(mut v: Vec<Term>) -> Vec<Term> {
    v.sort_by_cached_key(ToString::to_string);
    v
}

impl Parser<'_> {
    fn malformed(
        &self,
        shape: &NamedOrBlankNode,
        predicate: Option<(NamedNodeRef<'_>, &Term)>,
        message: impl Into<String>,
    ) -> ShaclError {
        ShaclError::MalformedShape {
            shape: shape.to_string(),
            triple: predicate.map(|(p, o)| format!("{shape} {p} {o} .")),
            message: message.into(),
            location: self.location.clone(),
        }
    }

    /// Classes whose SHACL instances are `class` instances, per the shapes graph's
    /// `rdfs:subClassOf` triples: `class` and its subclasses.
    fn with_subclasses(&self, class: NamedNodeRef<'_>) -> Result<Vec<Term>, ShaclError> {
        let mut out = vec![Term::from(class.into_owned())];
        let mut i = 0;
        while let Some(c) = out.get(i).cloned() {
            for s in self.reader.subjects(RDFS_SUB_CLASS_OF, c.as_ref())? {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            i += 1;
        }
        Ok(out)
    }

    fn is_instance_of_any(
        &self,
        node: &NamedOrBlankNode,
        classes: &[Term],
    ) -> Result<bool, ShaclError> {
        for c in classes {
            if self.reader.contains(node.as_ref(), RDF_TYPE, c.as_ref())? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn collect_candidates(&mut self) -> Result<(), ShaclError> {
        let mut found: HashSet<NamedOrBlankNode> = HashSet::new();
        let mut shape_classes = self.with_subclasses(SH_NODE_SHAPE)?;
        shape_classes.extend(self.with_subclasses(SH_PROPERTY_SHAPE)?);
        for class in &shape_classes {
            for s in self.reader.subjects(RDF_TYPE, class.as_ref())? {
                found.extend(as_node(&s));
            }
        }
        let subject_preds = [
            SH_TARGET_NODE,
            SH_TARGET_CLASS,
            SH_TARGET_SUBJECTS_OF,
            SH_TARGET_OBJECTS_OF,
        ]
        .into_iter()
        .chain(PARAMETERS.iter().copied());
        for p in subject_preds {
            for (s, _) in self.reader.pairs(p)? {
                found.insert(s);
            }
        }
        for p in [SH_NODE, SH_PROPERTY, SH_NOT, SH_QUALIFIED_VALUE_SHAPE] {
            for (_, o) in self.reader.pairs(p)? {
                found.extend(as_node(&o));
            }
        }
        for p in [SH_AND, SH_OR, SH_XONE] {
            for (_, o) in self.reader.pairs(p)? {
                if let Ok(items) = self.reader.list(&o)? {
                    found.extend(items.iter().filter_map(as_node));
                }
            }
        }
        let mut nodes: Vec<NamedOrBlankNode> = found.into_iter().collect();
        nodes.sort_by_cached_key(ToString::to_string);
        for n in nodes {
            self.intern(n);
        }
        Ok(())
    }

    fn intern(&mut self, node: NamedOrBlankNode) -> ShapeId {
        if let Some(id) = self.index.get(&node) {
            return *id;
        }
        let id = ShapeId(self.nodes.len());
        self.index.insert(node.clone(), id);
        self.nodes.push(node);
        id
    }

    fn values(
        &self,
        node: &NamedOrBlankNode,
        p: NamedNodeRef<'_>,
    ) -> Result<Vec<Term>, ShaclError> {
        Ok(sort_terms(self.reader.objects(node.as_ref(), p)?))
    }

    fn shape_ref(
        &mut self,
        shape: &NamedOrBlankNode,
        p: NamedNodeRef<'_>,
        value: &Term,
        member: Option<&Term>,
    ) -> Result<ShapeId, ShaclError> {
        let target = member.unwrap_or(value);
        match as_node(target) {
            Some(n) => Ok(self.intern(n)),
            None => Err(self.malformed(
                shape,
                Some((p, value)),
                format!("{target} is a literal, not a shape"),
            )),
        }
    }

    fn shape_list(
        &mut self,
        shape: &NamedOrBlankNode,
        p: NamedNodeRef<'_>,
        value: &Term,
    ) -> Result<Vec<ShapeId>, ShaclError> {
        let items = self.list(shape, p, value)?;
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            out.push(self.shape_ref(shape, p, value, Some(item))?);
        }
        Ok(out)
    }

    fn list(
        &self,
        shape: &NamedOrBlankNode,
        p: NamedNodeRef<'_>,
        value: &Term,
    ) -> Result<Vec<Term>, ShaclError> {
        match self.reader.list(value)? {
            Ok(items) => Ok(items),
            Err(e) => Err(self.malformed(
                shape,
                Some((p, value)),
                format!("the value of {p} must be an RDF list: {e}"),
            )),
        }
    }

    fn count(
        &self,
        shape: &NamedOrBlankNode,
        p: NamedNodeRef<'_>,
        value: &Term,
    ) -> Result<u64, ShaclError> {
        if let Term::Literal(l) = value
            && l.datatype().as_str().starts_with(XSD)
            && l.language().is_none()
            && let Ok(n) = l
                .value()
                .strip_prefix('+')
                .unwrap_or(l.value())
                .parse::<u64>()
        {
            return Ok(n);
        }
        Err(self.malformed(
            shape,
            Some((p, value)),
            format!("{p} must be a non-negative xsd:integer"),
        ))
    }

    fn boolean(
        &self,
        shape: &NamedOrBlankNode,
        p: NamedNodeRef<'_>,
        value: &Term,
    ) -> Result<bool, ShaclError> {
        if let Term::Literal(l) = value
            && l.datatype() == XSD_BOOLEAN
        {
            // Only `true` activates a boolean parameter; `"1"^^xsd:boolean` does not (SHACL
            // mentions the value true). Note that the oxigraph store reads "1" back as "true".
            match l.value() {
                "true" => return Ok(true),
                "false" | "1" | "0" => return Ok(false),
                _ => {}
            }
        }
        Err(self.malformed(
            shape,
            Some((p, value)),
            format!("{p} must be an xsd:boolean"),
        ))
    }

    fn iri(
        &self,
        shape: &NamedOrBlankNode,
        p: NamedNodeRef<'_>,
        value: &Term,
    ) -> Result<NamedNode, ShaclError> {
        match value {
            Term::NamedNode(n) => Ok(n.clone()),
            _ => Err(self.malformed(
                shape,
                Some((p, value)),
                format!("the value of {p} must be an IRI"),
            )),
        }
    }

    fn single_boolean(
        &self,
        shape: &NamedOrBlankNode,
        p: NamedNodeRef<'_>,
    ) -> Result<Option<bool>, ShaclError> {
        let values = self.values(shape, p)?;
        match values.as_slice() {
            [] => Ok(None),
            [v] => self.boolean(shape, p, v).map(Some),
            [_, v, ..] => {
                Err(self.malformed(shape, Some((p, v)), format!("{p} has more than one value")))
            }
        }
    }

    fn parse_shape(&mut self, id: &NamedOrBlankNode) -> Result<Shape, ShaclError> {
        let common = self.parse_common(id)?;
        let paths = self.values(id, SH_PATH)?;
        let path_value = match paths.as_slice() {
            [] => return Ok(Shape::Node(NodeShape { common })),
            [p] => p.clone(),
            [_, second, ..] => {
                return Err(self.malformed(
                    id,
                    Some((SH_PATH, second)),
                    "a property shape has exactly one sh:path",
                ));
            }
        };
        let path = match parse_path(&self.reader, &path_value)? {
            Ok(p) => p,
            Err(e) => {
                return Err(self.malformed(
                    id,
                    Some((SH_PATH, &path_value)),
                    format!("invalid path: {e}"),
                ));
            }
        };
        let literals = |p| -> Result<Vec<Literal>, ShaclError> {
            Ok(self
                .values(id, p)?
                .into_iter()
                .filter_map(|t| match t {
                    Term::Literal(l) => Some(l),
                    _ => None,
                })
                .collect())
        };
        let names = literals(SH_NAME)?;
        let descriptions = literals(SH_DESCRIPTION)?;
        let order = match self.values(id, SH_ORDER)?.first() {
            None => None,
            Some(Term::Literal(l)) => l.value().parse::<f64>().ok(),
            Some(other) => {
                return Err(self.malformed(
                    id,
                    Some((SH_ORDER, other)),
                    "sh:order must be a number",
                ));
            }
        };
        let group = self.values(id, SH_GROUP)?.into_iter().next();
        let default_value = self.values(id, SH_DEFAULT_VALUE)?.into_iter().next();
        Ok(Shape::Property(PropertyShape {
            common,
            path,
            names,
            descriptions,
            order,
            group,
            default_value,
        }))
    }

    fn parse_common(&mut self, id: &NamedOrBlankNode) -> Result<ShapeCommon, ShaclError> {
        let mut targets = Vec::new();
        for v in self.values(id, SH_TARGET_NODE)? {
            targets.push(Target::Node(v));
        }
        for v in self.values(id, SH_TARGET_CLASS)? {
            if matches!(v, Term::Literal(_)) {
                return Err(self.malformed(
                    id,
                    Some((SH_TARGET_CLASS, &v)),
                    "sh:targetClass must be an IRI",
                ));
            }
            targets.push(Target::Class(v));
        }
        if self.is_instance_of_any(id, &self.class_classes)? {
            targets.push(Target::ImplicitClass(Term::from(id.clone())));
        }
        for v in self.values(id, SH_TARGET_SUBJECTS_OF)? {
            targets.push(Target::SubjectsOf(self.iri(
                id,
                SH_TARGET_SUBJECTS_OF,
                &v,
            )?));
        }
        for v in self.values(id, SH_TARGET_OBJECTS_OF)? {
            targets.push(Target::ObjectsOf(self.iri(id, SH_TARGET_OBJECTS_OF, &v)?));
        }
        let severity = match self.values(id, SH_SEVERITY)?.as_slice() {
            [] => Severity::Violation,
            [Term::NamedNode(n)] => Severity::from_iri(n),
            [v] => {
                return Err(self.malformed(
                    id,
                    Some((SH_SEVERITY, v)),
                    "sh:severity must be an IRI",
                ));
            }
            [_, v, ..] => {
                return Err(self.malformed(
                    id,
                    Some((SH_SEVERITY, v)),
                    "sh:severity has more than one value",
                ));
            }
        };
        let messages = self
            .values(id, SH_MESSAGE)?
            .into_iter()
            .filter_map(|t| match t {
                Term::Literal(l) => Some(l),
                _ => None,
            })
            .collect();
        let deactivated = self.single_boolean(id, SH_DEACTIVATED)?.unwrap_or(false);
        let constraints = self.parse_constraints(id)?;
        Ok(ShapeCommon {
            id: id.clone(),
            targets,
            constraints,
            severity,
            messages,
            deactivated,
        })
    }

    fn parse_constraints(&mut self, id: &NamedOrBlankNode) -> Result<Vec<Constraint>, ShaclError> {
        let mut out = Vec::new();
        for v in self.values(id, SH_CLASS)? {
            if matches!(v, Term::Literal(_)) {
                return Err(self.malformed(id, Some((SH_CLASS, &v)), "sh:class must be an IRI"));
            }
            out.push(Constraint::Class(v));
        }
        for v in self.values(id, SH_DATATYPE)? {
            out.push(Constraint::Datatype(self.iri(id, SH_DATATYPE, &v)?));
        }
        for v in self.values(id, SH_NODE_KIND)? {
            let kind = match &v {
                Term::NamedNode(n) => n
                    .as_str()
                    .strip_prefix(SH)
                    .and_then(NodeKind::from_local_name),
                _ => None,
            };
            match kind {
                Some(k) => out.push(Constraint::NodeKind(k)),
                None => {
                    return Err(self.malformed(
                        id,
                        Some((SH_NODE_KIND, &v)),
                        "sh:nodeKind must be one of sh:IRI, sh:BlankNode, sh:Literal, sh:BlankNodeOrIRI, sh:BlankNodeOrLiteral, sh:IRIOrLiteral",
                    ));
                }
            }
        }
        for (p, make) in [
            (SH_MIN_COUNT, Constraint::MinCount as fn(u64) -> Constraint),
            (SH_MAX_COUNT, Constraint::MaxCount),
            (SH_MIN_LENGTH, Constraint::MinLength),
            (SH_MAX_LENGTH, Constraint::MaxLength),
        ] {
            for v in self.values(id, p)? {
                out.push(make(self.count(id, p, &v)?));
            }
        }
        for (p, make) in [
            (
                SH_MIN_EXCLUSIVE,
                Constraint::MinExclusive as fn(Term) -> Constraint,
            ),
            (SH_MIN_INCLUSIVE, Constraint::MinInclusive),
            (SH_MAX_EXCLUSIVE, Constraint::MaxExclusive),
            (SH_MAX_INCLUSIVE, Constraint::MaxInclusive),
        ] {
            for v in self.values(id, p)? {
                if !matches!(v, Term::Literal(_)) {
                    return Err(self.malformed(
                        id,
                        Some((p, &v)),
                        format!("{p} must be a literal"),
                    ));
                }
                out.push(make(v));
            }
        }
        let flags = self.values(id, SH_FLAGS)?;
        let flags = match flags.as_slice() {
            [] => None,
            [Term::Literal(l)] => Some(l.value().to_owned()),
            [v, ..] => {
                return Err(self.malformed(
                    id,
                    Some((SH_FLAGS, v)),
                    "sh:flags must be a single string",
                ));
            }
        };
        for v in self.values(id, SH_PATTERN)? {
            let Term::Literal(l) = &v else {
                return Err(self.malformed(
                    id,
                    Some((SH_PATTERN, &v)),
                    "sh:pattern must be a string",
                ));
            };
            match compile_pattern(l.value(), flags.as_deref()) {
                Ok(regex) => out.push(Constraint::Pattern(Pattern {
                    pattern: l.value().to_owned(),
                    flags: flags.clone(),
                    regex,
                })),
                Err(e) => return Err(self.malformed(id, Some((SH_PATTERN, &v)), e)),
            }
        }
        for v in self.values(id, SH_LANGUAGE_IN)? {
            let mut langs = Vec::new();
            for item in self.list(id, SH_LANGUAGE_IN, &v)? {
                match item {
                    Term::Literal(l) => langs.push(l.value().to_owned()),
                    other => {
                        return Err(self.malformed(
                            id,
                            Some((SH_LANGUAGE_IN, &v)),
                            format!("sh:languageIn members must be strings, found {other}"),
                        ));
                    }
                }
            }
            out.push(Constraint::LanguageIn(langs));
        }
        if self.single_boolean(id, SH_UNIQUE_LANG)? == Some(true) {
            out.push(Constraint::UniqueLang);
        }
        for (p, make) in [
            (SH_EQUALS, Constraint::Equals as fn(NamedNode) -> Constraint),
            (SH_DISJOINT, Constraint::Disjoint),
            (SH_LESS_THAN, Constraint::LessThan),
            (SH_LESS_THAN_OR_EQUALS, Constraint::LessThanOrEquals),
        ] {
            for v in self.values(id, p)? {
                out.push(make(self.iri(id, p, &v)?));
            }
        }
        for v in self.values(id, SH_NOT)? {
            out.push(Constraint::Not(self.shape_ref(id, SH_NOT, &v, None)?));
        }
        for (p, make) in [
            (SH_AND, Constraint::And as fn(Vec<ShapeId>) -> Constraint),
            (SH_OR, Constraint::Or),
            (SH_XONE, Constraint::Xone),
        ] {
            for v in self.values(id, p)? {
                out.push(make(self.shape_list(id, p, &v)?));
            }
        }
        for v in self.values(id, SH_NODE)? {
            out.push(Constraint::Node(self.shape_ref(id, SH_NODE, &v, None)?));
        }
        for v in self.values(id, SH_PROPERTY)? {
            out.push(Constraint::Property(self.shape_ref(
                id,
                SH_PROPERTY,
                &v,
                None,
            )?));
        }
        self.parse_qualified(id, &mut out)?;
        if self.single_boolean(id, SH_CLOSED)? == Some(true) {
            let mut ignored = Vec::new();
            for v in self.values(id, SH_IGNORED_PROPERTIES)? {
                for item in self.list(id, SH_IGNORED_PROPERTIES, &v)? {
                    match item {
                        Term::NamedNode(n) => ignored.push(n),
                        other => {
                            return Err(self.malformed(
                                id,
                                Some((SH_IGNORED_PROPERTIES, &v)),
                                format!("sh:ignoredProperties members must be IRIs, found {other}"),
                            ));
                        }
                    }
                }
            }
            out.push(Constraint::Closed(Closed {
                ignored_properties: ignored,
                allowed: HashSet::new(),
            }));
        }
        for v in self.values(id, SH_HAS_VALUE)? {
            out.push(Constraint::HasValue(v));
        }
        for v in self.values(id, SH_IN)? {
            out.push(Constraint::In(self.list(id, SH_IN, &v)?));
        }
        Ok(out)
    }

    fn parse_qualified(
        &mut self,
        id: &NamedOrBlankNode,
        out: &mut Vec<Constraint>,
    ) -> Result<(), ShaclError> {
        let single_count = |p| -> Result<Option<u64>, ShaclError> {
            match self.values(id, p)?.as_slice() {
                [] => Ok(None),
                [v] => self.count(id, p, v).map(Some),
                [_, v, ..] => {
                    Err(self.malformed(id, Some((p, v)), format!("{p} has more than one value")))
                }
            }
        };
        let min_count = single_count(SH_QUALIFIED_MIN_COUNT)?;
        let max_count = single_count(SH_QUALIFIED_MAX_COUNT)?;
        let disjoint = self
            .single_boolean(id, SH_QUALIFIED_VALUE_SHAPES_DISJOINT)?
            .unwrap_or(false);
        if min_count.is_none() && max_count.is_none() {
            // Without a count the component does not apply (SHACL §4.7.3).
            return Ok(());
        }
        for v in self.values(id, SH_QUALIFIED_VALUE_SHAPE)? {
            let shape = self.shape_ref(id, SH_QUALIFIED_VALUE_SHAPE, &v, None)?;
            out.push(Constraint::Qualified(Qualified {
                shape,
                min_count,
                max_count,
                disjoint,
                siblings: Vec::new(),
            }));
        }
        Ok(())
    }
}
