//! The second pass over parsed shapes: references between shapes.

use std::collections::{HashMap, HashSet};

use ggen_core::Location;
use oxigraph::model::NamedNode;

use crate::error::ShaclError;
use crate::path::Path;
use crate::shapes::{Closed, Constraint, Shape, ShapeId, Shapes};
use crate::vocab::SH_PROPERTY;

/// Second pass over the parsed shapes: check `sh:property` values are property shapes, compute
/// the predicates a closed shape allows, and the sibling shapes of disjoint qualified value
/// shapes.
pub(super) fn link(shapes: &mut Shapes, location: Option<&Location>) -> Result<(), ShaclError> {
    let property_ids = |s: &Shape| -> Vec<ShapeId> {
        s.common()
            .constraints
            .iter()
            .filter_map(|c| match c {
                Constraint::Property(p) => Some(*p),
                _ => None,
            })
            .collect()
    };
    let mut parents: HashMap<ShapeId, Vec<ShapeId>> = HashMap::new();
    for (id, shape) in shapes.iter() {
        for p in property_ids(shape) {
            let Some(child) = shapes.get(p) else { continue };
            if child.path().is_none() {
                return Err(ShaclError::MalformedShape {
                    shape: shape.id().to_string(),
                    triple: Some(format!("{} {SH_PROPERTY} {} .", shape.id(), child.id())),
                    message: format!("the value of sh:property, {}, has no sh:path", child.id()),
                    location: location.cloned(),
                });
            }
            parents.entry(p).or_default().push(id);
        }
    }
    let qualified_shapes = |s: &Shape| -> Vec<ShapeId> {
        s.common()
            .constraints
            .iter()
            .filter_map(|c| match c {
                Constraint::Qualified(q) => Some(q.shape),
                _ => None,
            })
            .collect()
    };
    let mut updates: Vec<(usize, usize, Constraint)> = Vec::new();
    for (id, shape) in shapes.iter() {
        for (ci, c) in shape.common().constraints.iter().enumerate() {
            match c {
                Constraint::Closed(closed) => {
                    let mut allowed: HashSet<NamedNode> =
                        closed.ignored_properties.iter().cloned().collect();
                    for p in property_ids(shape) {
                        if let Some(pred) = shapes
                            .get(p)
                            .and_then(Shape::path)
                            .and_then(Path::as_predicate)
                        {
                            allowed.insert(pred.clone());
                        }
                    }
                    updates.push((
                        id.0,
                        ci,
                        Constraint::Closed(Closed {
                            ignored_properties: closed.ignored_properties.clone(),
                            allowed,
                        }),
                    ));
                }
                Constraint::Qualified(q) if q.disjoint => {
                    let mut siblings = Vec::new();
                    for parent in parents.get(&id).into_iter().flatten() {
                        let Some(parent) = shapes.get(*parent) else {
                            continue;
                        };
                        for sibling_prop in property_ids(parent) {
                            let Some(sp) = shapes.get(sibling_prop) else {
                                continue;
                            };
                            for s in qualified_shapes(sp) {
                                if s != q.shape && !siblings.contains(&s) {
                                    siblings.push(s);
                                }
                            }
                        }
                    }
                    let mut q = q.clone();
                    q.siblings = siblings;
                    updates.push((id.0, ci, Constraint::Qualified(q)));
                }
                _ => {}
            }
        }
    }
    for (si, ci, c) in updates {
        let constraints = match shapes.shapes.get_mut(si) {
            Some(Shape::Node(n)) => &mut n.common.constraints,
            Some(Shape::Property(p)) => &mut p.common.constraints,
            None => continue,
        };
        if let Some(slot) = constraints.get_mut(ci) {
            *slot = c;
        }
    }
    Ok(())
}
