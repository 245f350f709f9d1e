//! Which shapes can reach themselves through shape references (`sh:node`, `sh:property`,
//! `sh:not`, `sh:and`, `sh:or`, `sh:xone`, `sh:qualifiedValueShape`). Only those need the
//! recursion guard during validation.

use crate::shapes::{Constraint, Shapes};

fn references(c: &Constraint) -> Vec<usize> {
    match c {
        Constraint::Not(s) | Constraint::Node(s) | Constraint::Property(s) => vec![s.0],
        Constraint::And(l) | Constraint::Or(l) | Constraint::Xone(l) => {
            l.iter().map(|s| s.0).collect()
        }
        Constraint::Qualified(q) => std::iter::once(q.shape.0)
            .chain(q.siblings.iter().map(|s| s.0))
            .collect(),
        _ => Vec::new(),
    }
}

/// Per shape: whether it lies on a cycle of shape references (Tarjan's strongly connected
/// components, iteratively).
pub(super) fn recursive_shapes(shapes: &Shapes) -> Vec<bool> {
    let n = shapes.len();
    let succ: Vec<Vec<usize>> = shapes
        .iter()
        .map(|(_, s)| s.common().constraints.iter().flat_map(references).collect())
        .collect();
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut result = vec![false; n];
    let mut next = 0usize;
    let set = |v: &mut Vec<usize>, i: usize, x: usize| {
        if let Some(slot) = v.get_mut(i) {
            *slot = x;
        }
    };
    let get = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(UNSEEN);
    for root in 0..n {
        if get(&index, root) != UNSEEN {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        set(&mut index, root, next);
        set(&mut low, root, next);
        next += 1;
        stack.push(root);
        if let Some(s) = on_stack.get_mut(root) {
            *s = true;
        }
        while let Some((v, child)) = calls.last().copied() {
            let successors = succ.get(v).map_or(&[][..], Vec::as_slice);
            if let Some(&w) = successors.get(child) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if get(&index, w) == UNSEEN {
                    set(&mut index, w, next);
                    set(&mut low, w, next);
                    next += 1;
                    stack.push(w);
                    if let Some(s) = on_stack.get_mut(w) {
                        *s = true;
                    }
                    calls.push((w, 0));
                } else if on_stack.get(w).copied().unwrap_or(false) {
                    let l = get(&low, v).min(get(&index, w));
                    set(&mut low, v, l);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                let l = get(&low, u).min(get(&low, v));
                set(&mut low, u, l);
            }
            if get(&low, v) == get(&index, v) {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    if let Some(s) = on_stack.get_mut(w) {
                        *s = false;
                    }
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 || successors.contains(&v) {
                    for w in component {
                        if let Some(r) = result.get_mut(w) {
                            *r = true;
                        }
                    }
                }
            }
        }
    }
    result
}
