//! The validation engine: targets, focus nodes, class membership, nested shapes.

mod constraints;
mod recursion;

use std::collections::HashMap;

use rustc_hash::FxHashSet;

use ggen_graph::Graph;
use oxigraph::model::{Literal, NamedNode, Term};

use crate::component::ConstraintComponent;
use crate::error::ShaclError;
use crate::path::{Path, eval_path};
use crate::read::{Reader, as_subject};
use crate::report::{ValidationReport, ValidationResult};
use crate::shapes::{Constraint, Shape, ShapeId, Shapes, Target};
use crate::vocab::{RDF_TYPE, RDFS_SUB_CLASS_OF};

/// How deep shapes may nest during validation (through `sh:node`, `sh:property`, `sh:and`, …)
/// before [`ShaclError::RecursionTooDeep`] is returned.
pub const MAX_DEPTH: usize = 4096;

/// Stack size of the validation worker threads (virtual memory; pages are only committed when
/// used). Enough for [`MAX_DEPTH`] levels with a wide margin.
const WORKER_STACK: usize = 256 << 20;

/// Options for [`validate_with`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ValidationOptions {
    /// Worker threads; `None` uses the available parallelism (one thread for small inputs). The
    /// report is the same for any number of threads.
    pub threads: Option<usize>,
}

impl ValidationOptions {
    /// Use exactly `n` worker threads (at least one).
    #[must_use]
    pub fn with_threads(mut self, n: usize) -> Self {
        self.threads = Some(n.max(1));
        self
    }
}

/// Validate the data graph against the shapes (SHACL Core), reading the store in place.
///
/// Every triple of every graph of the data store is data (the union graph). The report lists
/// the results in a deterministic order (focus node, path, component, shape, value).
pub fn validate(data: &Graph, shapes: &Shapes) -> Result<ValidationReport, ShaclError> {
    validate_with(data, shapes, &ValidationOptions::default())
}

/// [`validate`] with options.
pub fn validate_with(
    data: &Graph,
    shapes: &Shapes,
    options: &ValidationOptions,
) -> Result<ValidationReport, ShaclError> {
    let reader = Reader::new(data)?;
    let classes = ClassIndex::build(&reader, shapes)?;
    let mut prefixes = shapes.prefixes.clone();
    prefixes.extend_from(data.prefixes());
    let prefetch = shapes
        .iter()
        .map(|(_, s)| {
            let predicate_properties = s
                .common()
                .constraints
                .iter()
                .filter(|c| match c {
                    Constraint::Property(p) => shapes
                        .get(*p)
                        .and_then(Shape::path)
                        .is_some_and(|path| path.as_predicate().is_some()),
                    _ => false,
                })
                .count();
            predicate_properties >= 2
        })
        .collect();
    let recursive = recursion::recursive_shapes(shapes);
    let validator = Validator {
        reader,
        shapes,
        classes,
        prefixes,
        prefetch,
        recursive,
    };
    let tasks = validator.tasks()?;
    let threads = match options.threads {
        // As asked (at most one per focus-node check).
        Some(n) => n.clamp(1, 64).min(tasks.len().max(1)),
        // One per core, but not for a handful of checks.
        None => ggen_core::par::available_threads()
            .clamp(1, 64)
            .min(tasks.len() / 64 + 1),
    };
    // Always on worker threads with a large stack, so that deeply nested (recursive) shapes
    // do not depend on the caller's stack size.
    let results = validator.run_parallel(&tasks, threads)?;
    let separate = data.canonical_sha256() != shapes.graph_hash;
    Ok(ValidationReport::new(
        results,
        tasks.len(),
        validator.prefixes,
        separate,
    ))
}

/// SHACL instances of the classes the shapes mention, following `rdfs:subClassOf*` in the data.
struct ClassIndex {
    members: HashMap<Term, (Vec<Term>, FxHashSet<Term>)>,
}

impl ClassIndex {
    fn build(reader: &Reader<'_>, shapes: &Shapes) -> Result<Self, ShaclError> {
        let mut needed: Vec<&Term> = Vec::new();
        for (_, shape) in shapes.iter() {
            for t in &shape.common().targets {
                if let Target::Class(c) | Target::ImplicitClass(c) = t {
                    needed.push(c);
                }
            }
            for c in &shape.common().constraints {
                if let Constraint::Class(c) = c {
                    needed.push(c);
                }
            }
        }
        let mut subclasses: HashMap<Term, Vec<Term>> = HashMap::new();
        for (sub, sup) in reader.pairs(RDFS_SUB_CLASS_OF)? {
            subclasses.entry(sup).or_default().push(Term::from(sub));
        }
        let mut members = HashMap::new();
        for class in needed {
            if members.contains_key(class) {
                continue;
            }
            let mut closure: Vec<Term> = vec![class.clone()];
            let mut seen: FxHashSet<Term> = closure.iter().cloned().collect();
            let mut i = 0;
            while let Some(c) = closure.get(i) {
                let subs = subclasses.get(c).cloned().unwrap_or_default();
                for s in subs {
                    if seen.insert(s.clone()) {
                        closure.push(s);
                    }
                }
                i += 1;
            }
            let mut list = Vec::new();
            let mut set = FxHashSet::default();
            for c in &closure {
                for s in reader.subjects(RDF_TYPE, c.as_ref())? {
                    if set.insert(s.clone()) {
                        list.push(s);
                    }
                }
            }
            members.insert(class.clone(), (list, set));
        }
        Ok(Self { members })
    }

    fn instances(&self, class: &Term) -> &[Term] {
        self.members.get(class).map_or(&[], |(l, _)| l.as_slice())
    }

    fn is_instance(&self, node: &Term, class: &Term) -> bool {
        self.members
            .get(class)
            .is_some_and(|(_, s)| s.contains(node))
    }
}

pub(crate) struct Validator<'a> {
    reader: Reader<'a>,
    shapes: &'a Shapes,
    classes: ClassIndex,
    prefixes: ggen_graph::Prefixes,
    /// Per shape: whether to read all triples of a focus node at once (the shape has several
    /// property shapes with predicate paths, so one lookup replaces several).
    prefetch: Vec<bool>,
    /// Per shape: whether it lies on a cycle of shape references (needs the recursion guard).
    recursive: Vec<bool>,
}

/// Where results go: collected, or only noted (when checking whether a node conforms).
pub(crate) enum Out {
    Collect(Vec<ValidationResult>),
    Probe(bool),
}

impl Out {
    fn done(&self) -> bool {
        matches!(self, Out::Probe(true))
    }

    fn report(&mut self, make: impl FnOnce() -> ValidationResult) {
        match self {
            Out::Collect(v) => v.push(make()),
            Out::Probe(found) => *found = true,
        }
    }
}

impl<'a> Validator<'a> {
    /// A term as it appears in messages (IRIs shortened with the known prefixes).
    fn show(&self, t: &Term) -> String {
        crate::report::short_term(&self.prefixes, t)
    }

    fn shape(&self, id: ShapeId) -> Result<&'a Shape, ShaclError> {
        self.shapes
            .get(id)
            .ok_or_else(|| ShaclError::Internal(format!("unknown shape id {}", id.0)))
    }

    /// Every (shape, focus node) pair to validate, shapes in id order, focus nodes de-duplicated
    /// per shape.
    fn tasks(&self) -> Result<Vec<(ShapeId, Term)>, ShaclError> {
        let mut tasks = Vec::new();
        for (id, shape) in self.shapes.iter() {
            let common = shape.common();
            if common.deactivated || common.targets.is_empty() {
                continue;
            }
            let mut seen: FxHashSet<Term> = FxHashSet::default();
            let mut add = |t: Term, tasks: &mut Vec<(ShapeId, Term)>| {
                if seen.insert(t.clone()) {
                    tasks.push((id, t));
                }
            };
            for target in &common.targets {
                match target {
                    Target::Node(t) => add(t.clone(), &mut tasks),
                    Target::Class(c) | Target::ImplicitClass(c) => {
                        for t in self.classes.instances(c) {
                            add(t.clone(), &mut tasks);
                        }
                    }
                    Target::SubjectsOf(p) => {
                        for (s, _) in self.reader.pairs(p.as_ref())? {
                            add(Term::from(s), &mut tasks);
                        }
                    }
                    Target::ObjectsOf(p) => {
                        for (_, o) in self.reader.pairs(p.as_ref())? {
                            add(o, &mut tasks);
                        }
                    }
                }
            }
        }
        Ok(tasks)
    }

    fn run<'t>(
        &self,
        tasks: impl Iterator<Item = &'t (ShapeId, Term)>,
    ) -> Result<Vec<ValidationResult>, ShaclError> {
        let mut ctx = Ctx {
            v: self,
            stack: Vec::new(),
            depth: 0,
            cache: None,
        };
        let mut out = Out::Collect(Vec::new());
        for (id, focus) in tasks {
            ctx.validate_shape(*id, focus, &mut out)?;
        }
        match out {
            Out::Collect(v) => Ok(v),
            Out::Probe(_) => Ok(Vec::new()),
        }
    }

    fn run_parallel(
        &self,
        tasks: &[(ShapeId, Term)],
        threads: usize,
    ) -> Result<Vec<ValidationResult>, ShaclError> {
        std::thread::scope(|scope| {
            let mut handles = Vec::with_capacity(threads);
            for t in 0..threads {
                let part = tasks.iter().skip(t).step_by(threads);
                let handle = std::thread::Builder::new()
                    .name(format!("shacl-{t}"))
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || self.run(part))
                    .map_err(|e| {
                        ShaclError::Internal(format!("cannot start a worker thread: {e}"))
                    })?;
                handles.push(handle);
            }
            let mut all = Vec::new();
            for h in handles {
                let part = h.join().map_err(|_| {
                    ShaclError::Internal("a validation worker thread panicked".into())
                })??;
                all.extend(part);
            }
            Ok(all)
        })
    }
}

/// Per-thread validation state: the shapes being validated, to stop recursion.
pub(crate) struct Ctx<'v, 'a> {
    v: &'v Validator<'a>,
    stack: Vec<(ShapeId, Term)>,
    depth: usize,
    /// The triples of the last prefetched focus node.
    cache: Option<(Term, Vec<(NamedNode, Term)>)>,
}

impl Ctx<'_, '_> {
    /// Validate `focus` against shape `id`, sending results to `out`.
    fn validate_shape(
        &mut self,
        id: ShapeId,
        focus: &Term,
        out: &mut Out,
    ) -> Result<(), ShaclError> {
        let shape = self.v.shape(id)?;
        let common = shape.common();
        if common.deactivated {
            return Ok(());
        }
        let guarded = self.v.recursive.get(id.0).copied().unwrap_or(true);
        if guarded && self.stack.iter().any(|(s, f)| *s == id && f == focus) {
            // A shape that (through its references) validates the same focus node again: the
            // node is assumed to conform on the inner visit, so recursion terminates.
            return Ok(());
        }
        if self.depth >= MAX_DEPTH {
            return Err(ShaclError::RecursionTooDeep {
                shape: common.id.to_string(),
                focus: focus.to_string(),
                limit: MAX_DEPTH,
            });
        }
        if guarded {
            self.stack.push((id, focus.clone()));
        }
        self.depth += 1;
        let result = self.check_all(id, shape, focus, out);
        self.depth -= 1;
        if guarded {
            self.stack.pop();
        }
        result
    }

    fn check_all(
        &mut self,
        id: ShapeId,
        shape: &Shape,
        focus: &Term,
        out: &mut Out,
    ) -> Result<(), ShaclError> {
        if self.v.prefetch.get(id.0).copied().unwrap_or(false)
            && !self.cache.as_ref().is_some_and(|(node, _)| node == focus)
            && let Some(s) = as_subject(focus)
        {
            let outgoing = self.v.reader.outgoing(s)?;
            self.cache = Some((focus.clone(), outgoing));
        }
        let values: Vec<Term> = match shape.path() {
            None => vec![focus.clone()],
            Some(Path::Predicate(p)) => self.objects(focus, p)?,
            Some(path) => eval_path(&self.v.reader, path, focus)?,
        };
        for c in &shape.common().constraints {
            self.check(shape, c, focus, &values, out)?;
            if out.done() {
                break;
            }
        }
        Ok(())
    }

    /// The objects of `(node, p, ?)`, from the prefetched triples when `node` was prefetched.
    fn objects(&self, node: &Term, p: &NamedNode) -> Result<Vec<Term>, ShaclError> {
        if let Some((cached, triples)) = &self.cache
            && cached == node
        {
            return Ok(triples
                .iter()
                .filter(|(q, _)| q == p)
                .map(|(_, o)| o.clone())
                .collect());
        }
        self.v.reader.objects_of_term(node, p.as_ref())
    }

    /// Whether `node` conforms to shape `id` (validating it produces no result at all).
    fn conforms(&mut self, node: &Term, id: ShapeId) -> Result<bool, ShaclError> {
        let mut probe = Out::Probe(false);
        self.validate_shape(id, node, &mut probe)?;
        Ok(matches!(probe, Out::Probe(false)))
    }
}

/// Build a result of `shape` for `focus`.
pub(crate) fn make_result(
    shape: &Shape,
    focus: &Term,
    component: ConstraintComponent,
    value: Option<Term>,
    path: Option<Path>,
    message: impl FnOnce() -> String,
) -> ValidationResult {
    let common = shape.common();
    let messages = if common.messages.is_empty() {
        vec![Literal::new_simple_literal(message())]
    } else {
        common.messages.clone()
    };
    ValidationResult {
        focus_node: focus.clone(),
        result_path: path.or_else(|| shape.path().cloned()),
        value,
        severity: common.severity.clone(),
        source_shape: common.id.clone(),
        source_constraint_component: component,
        messages,
    }
}
