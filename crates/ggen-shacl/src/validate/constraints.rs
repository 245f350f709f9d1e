//! The SHACL Core constraint components (SHACL §4).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use oxigraph::model::{NamedNode, Term};

use super::{Ctx, Out, make_result};
use crate::component::ConstraintComponent as C;
use crate::error::ShaclError;
use crate::path::Path;
use crate::read::as_subject;
use crate::shapes::{Constraint, Shape, ShapeId};
use crate::values::{compare, is_well_formed, lang_matches, str_value};
use crate::vocab::RDF_LANG_STRING;

impl Ctx<'_, '_> {
    /// Check one constraint of `shape` for `focus`, whose value nodes are `values`.
    pub(super) fn check(
        &mut self,
        shape: &Shape,
        c: &Constraint,
        focus: &Term,
        values: &[Term],
        out: &mut Out,
    ) -> Result<(), ShaclError> {
        let vv = self.v;
        let describe = |t: &Term| vv.show(t);
        // A result about one value node.
        let per_value = |out: &mut Out, comp: C, v: &Term, msg: &dyn Fn() -> String| {
            out.report(|| make_result(shape, focus, comp, Some(v.clone()), None, msg));
        };
        match c {
            Constraint::Class(class) => {
                for v in values {
                    if !self.v.classes.is_instance(v, class) {
                        per_value(out, C::Class, v, &|| {
                            format!(
                                "Value {} is not an instance of {}",
                                describe(v),
                                describe(class)
                            )
                        });
                    }
                }
            }
            Constraint::Datatype(dt) => {
                for v in values {
                    let ok = match v {
                        Term::Literal(l) => {
                            if dt.as_ref() == RDF_LANG_STRING {
                                l.language().is_some()
                            } else {
                                l.datatype() == dt.as_ref() && is_well_formed(l)
                            }
                        }
                        _ => false,
                    };
                    if !ok {
                        per_value(out, C::Datatype, v, &|| {
                            format!(
                                "Value {} does not have datatype {} (or is ill-formed)",
                                describe(v),
                                vv.show(&Term::from(dt.clone()))
                            )
                        });
                    }
                }
            }
            Constraint::NodeKind(kind) => {
                for v in values {
                    let ok = kind.matches(
                        matches!(v, Term::NamedNode(_)),
                        matches!(v, Term::BlankNode(_)),
                        matches!(v, Term::Literal(_)),
                    );
                    if !ok {
                        per_value(out, C::NodeKind, v, &|| {
                            format!(
                                "Value {} is not of node kind sh:{}",
                                describe(v),
                                kind.local_name()
                            )
                        });
                    }
                }
            }
            Constraint::MinCount(n) => {
                if (values.len() as u64) < *n {
                    out.report(|| {
                        make_result(shape, focus, C::MinCount, None, None, || {
                            format!("Less than {n} values (found {})", values.len())
                        })
                    });
                }
            }
            Constraint::MaxCount(n) => {
                if (values.len() as u64) > *n {
                    out.report(|| {
                        make_result(shape, focus, C::MaxCount, None, None, || {
                            format!("More than {n} values (found {})", values.len())
                        })
                    });
                }
            }
            Constraint::MinExclusive(b) => {
                self.range(shape, focus, values, b, C::MinExclusive, out)
            }
            Constraint::MinInclusive(b) => {
                self.range(shape, focus, values, b, C::MinInclusive, out)
            }
            Constraint::MaxExclusive(b) => {
                self.range(shape, focus, values, b, C::MaxExclusive, out)
            }
            Constraint::MaxInclusive(b) => {
                self.range(shape, focus, values, b, C::MaxInclusive, out)
            }
            Constraint::MinLength(n) | Constraint::MaxLength(n) => {
                let min = matches!(c, Constraint::MinLength(_));
                for v in values {
                    let ok = str_value(v).is_some_and(|s| {
                        let len = s.chars().count() as u64;
                        if min { len >= *n } else { len <= *n }
                    });
                    if !ok {
                        let comp = if min { C::MinLength } else { C::MaxLength };
                        per_value(out, comp, v, &|| {
                            format!(
                                "Value {} has {} than {n} characters",
                                describe(v),
                                if min { "fewer" } else { "more" }
                            )
                        });
                    }
                }
            }
            Constraint::Pattern(p) => {
                for v in values {
                    if !str_value(v).is_some_and(|s| p.regex.is_match(s)) {
                        per_value(out, C::Pattern, v, &|| {
                            format!(
                                "Value {} does not match the pattern \"{}\"",
                                describe(v),
                                p.pattern
                            )
                        });
                    }
                }
            }
            Constraint::LanguageIn(langs) => {
                for v in values {
                    let ok = match v {
                        Term::Literal(l) => l
                            .language()
                            .is_some_and(|tag| langs.iter().any(|r| lang_matches(tag, r))),
                        _ => false,
                    };
                    if !ok {
                        per_value(out, C::LanguageIn, v, &|| {
                            format!(
                                "Value {} does not have a language tag in [{}]",
                                describe(v),
                                langs.join(", ")
                            )
                        });
                    }
                }
            }
            Constraint::UniqueLang => {
                let mut counts: BTreeMap<String, usize> = BTreeMap::new();
                for v in values {
                    if let Term::Literal(l) = v
                        && let Some(tag) = l.language()
                        && !tag.is_empty()
                    {
                        *counts.entry(tag.to_ascii_lowercase()).or_default() += 1;
                    }
                }
                for (tag, n) in counts {
                    if n > 1 {
                        out.report(|| {
                            make_result(shape, focus, C::UniqueLang, None, None, || {
                                format!("Language \"{tag}\" is used by {n} values")
                            })
                        });
                    }
                }
            }
            Constraint::Equals(p) => {
                let pn = vv.show(&Term::from(p.clone()));
                let others = self.objects(focus, p)?;
                for v in values {
                    if !others.contains(v) {
                        per_value(out, C::Equals, v, &|| {
                            format!("Value {} is not a value of {pn}", describe(v))
                        });
                    }
                }
                for o in &others {
                    if !values.contains(o) {
                        per_value(out, C::Equals, o, &|| {
                            format!("Value {} of {pn} is not a value of the path", describe(o))
                        });
                    }
                }
            }
            Constraint::Disjoint(p) => {
                let pn = vv.show(&Term::from(p.clone()));
                let others = self.objects(focus, p)?;
                for v in values {
                    if others.contains(v) {
                        per_value(out, C::Disjoint, v, &|| {
                            format!("Value {} is also a value of {pn}", describe(v))
                        });
                    }
                }
            }
            Constraint::LessThan(p) | Constraint::LessThanOrEquals(p) => {
                let strict = matches!(c, Constraint::LessThan(_));
                let pn = vv.show(&Term::from(p.clone()));
                let others = self.objects(focus, p)?;
                for v in values {
                    for o in &others {
                        let ok = match compare(v, o) {
                            Some(Ordering::Less) => true,
                            Some(Ordering::Equal) => !strict,
                            _ => false,
                        };
                        if !ok {
                            let comp = if strict {
                                C::LessThan
                            } else {
                                C::LessThanOrEquals
                            };
                            per_value(out, comp, v, &|| {
                                format!(
                                    "Value {} is not {} value {} of {pn}",
                                    describe(v),
                                    if strict {
                                        "less than"
                                    } else {
                                        "less than or equal to"
                                    },
                                    describe(o)
                                )
                            });
                        }
                    }
                }
            }
            Constraint::Not(s) => {
                for v in values {
                    if self.conforms(v, *s)? {
                        per_value(out, C::Not, v, &|| {
                            format!("Value {} conforms to the negated shape", describe(v))
                        });
                    }
                }
            }
            Constraint::And(list) => {
                for v in values {
                    let mut all = true;
                    for s in list {
                        if !self.conforms(v, *s)? {
                            all = false;
                            break;
                        }
                    }
                    if !all {
                        per_value(out, C::And, v, &|| {
                            format!(
                                "Value {} does not conform to all shapes of sh:and",
                                describe(v)
                            )
                        });
                    }
                }
            }
            Constraint::Or(list) => {
                for v in values {
                    let mut any = false;
                    for s in list {
                        if self.conforms(v, *s)? {
                            any = true;
                            break;
                        }
                    }
                    if !any {
                        per_value(out, C::Or, v, &|| {
                            format!(
                                "Value {} does not conform to any shape of sh:or",
                                describe(v)
                            )
                        });
                    }
                }
            }
            Constraint::Xone(list) => {
                for v in values {
                    let mut n = 0usize;
                    for s in list {
                        if self.conforms(v, *s)? {
                            n += 1;
                        }
                    }
                    if n != 1 {
                        per_value(out, C::Xone, v, &|| {
                            format!(
                                "Value {} conforms to {n} shapes of sh:xone, not exactly one",
                                describe(v)
                            )
                        });
                    }
                }
            }
            Constraint::Node(s) => {
                for v in values {
                    if !self.conforms(v, *s)? {
                        let node = self.v.show(&Term::from(self.v.shape(*s)?.id().clone()));
                        per_value(out, C::Node, v, &|| {
                            format!("Value {} does not conform to shape {node}", describe(v))
                        });
                    }
                }
            }
            Constraint::Property(s) => {
                for v in values {
                    self.validate_shape(*s, v, out)?;
                    if out.done() {
                        break;
                    }
                }
            }
            Constraint::Qualified(q) => {
                let mut count = 0u64;
                for v in values {
                    if self.conforms(v, q.shape)? && !self.conforms_to_any(v, &q.siblings)? {
                        count += 1;
                    }
                }
                if let Some(min) = q.min_count
                    && count < min
                {
                    out.report(|| {
                        make_result(shape, focus, C::QualifiedMinCount, None, None, || {
                            format!("Less than {min} values conform to the qualified value shape (found {count})")
                        })
                    });
                }
                if let Some(max) = q.max_count
                    && count > max
                {
                    out.report(|| {
                        make_result(shape, focus, C::QualifiedMaxCount, None, None, || {
                            format!("More than {max} values conform to the qualified value shape (found {count})")
                        })
                    });
                }
            }
            Constraint::Closed(closed) => {
                for v in values {
                    let Some(s) = as_subject(v) else { continue };
                    let mut outgoing = self.v.reader.outgoing(s)?;
                    outgoing.sort_by_cached_key(|(p, o)| (p.to_string(), o.to_string()));
                    for (p, o) in outgoing {
                        if !closed.allowed.contains(&p) {
                            closed_result(
                                shape,
                                focus,
                                &vv.show(&Term::from(p.clone())),
                                p,
                                o,
                                out,
                            );
                        }
                    }
                }
            }
            Constraint::HasValue(expected) => {
                if !values.contains(expected) {
                    out.report(|| {
                        make_result(shape, focus, C::HasValue, None, None, || {
                            format!("Missing expected value {}", describe(expected))
                        })
                    });
                }
            }
            Constraint::In(list) => {
                for v in values {
                    if !list.contains(v) {
                        per_value(out, C::In, v, &|| {
                            format!("Value {} is not one of the allowed values", describe(v))
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn conforms_to_any(&mut self, v: &Term, shapes: &[ShapeId]) -> Result<bool, ShaclError> {
        for s in shapes {
            if self.conforms(v, *s)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn range(
        &self,
        shape: &Shape,
        focus: &Term,
        values: &[Term],
        bound: &Term,
        comp: C,
        out: &mut Out,
    ) {
        let describe = |t: &Term| self.v.show(t);
        for v in values {
            let ord = compare(v, bound);
            let ok = match comp {
                C::MinExclusive => ord == Some(Ordering::Greater),
                C::MinInclusive => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
                C::MaxExclusive => ord == Some(Ordering::Less),
                _ => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
            };
            if !ok {
                let relation = match comp {
                    C::MinExclusive => "greater than",
                    C::MinInclusive => "greater than or equal to",
                    C::MaxExclusive => "less than",
                    _ => "less than or equal to",
                };
                out.report(|| {
                    make_result(shape, focus, comp, Some(v.clone()), None, || {
                        format!(
                            "Value {} is not {relation} {}",
                            describe(v),
                            describe(bound)
                        )
                    })
                });
            }
        }
    }
}

fn closed_result(shape: &Shape, focus: &Term, shown: &str, p: NamedNode, o: Term, out: &mut Out) {
    out.report(|| {
        let msg = format!("Predicate {shown} is not allowed (closed shape)");
        make_result(
            shape,
            focus,
            C::Closed,
            Some(o),
            Some(Path::Predicate(p)),
            || msg,
        )
    });
}
