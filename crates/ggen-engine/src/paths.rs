//! Confining output paths to the output root.

use std::path::{Path, PathBuf};

use crate::inputs::rel_name;
use crate::workspace::Workspace;

/// Resolve a rendered `to:` path against the output root. Returns (name relative to the project
/// root, absolute path), or a message describing the root when the path escapes it: absolute
/// paths, `..` that climbs out, or an existing symlink on the way that leads outside.
pub fn resolve_output(
    ws: &Workspace,
    to: &str,
    allow_outside: bool,
) -> Result<(String, PathBuf), String> {
    let root_shown = rel_name(&ws.root, &ws.output_root);
    let to_path = Path::new(to);
    let abs = match ggen_core::fs::normalize_relative(to_path) {
        Some(rel) if !rel.as_os_str().is_empty() => ws.output_root.join(rel),
        _ if allow_outside => {
            if to_path.is_absolute() {
                to_path.to_path_buf()
            } else {
                lexical_join(&ws.output_root, to_path)
            }
        }
        _ => return Err(root_shown),
    };
    if !allow_outside && escapes_through_symlink(&ws.output_root, &abs) {
        return Err(format!("{root_shown} (through a symbolic link)"));
    }
    Ok((rel_name(&ws.root, &abs), abs))
}

fn lexical_join(base: &Path, rel: &Path) -> PathBuf {
    let mut out = base.to_path_buf();
    for c in rel.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether the deepest existing ancestor of `target` (or the target itself when it is a
/// symlink) resolves outside `root`.
fn escapes_through_symlink(root: &Path, target: &Path) -> bool {
    let Ok(root_real) = root.canonicalize().or_else(|_| {
        // The output root may not exist yet; resolve its deepest existing ancestor.
        deepest_existing(root)
            .map(|(real, rest)| real.join(rest))
            .ok_or(())
    }) else {
        return false;
    };
    match deepest_existing(target) {
        Some((real, _)) => !real.starts_with(&root_real) && !root_real.starts_with(&real),
        None => false,
    }
}

/// The canonical form of the deepest existing ancestor of `p`, and the remaining components.
fn deepest_existing(p: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut cur = p.to_path_buf();
    let mut rest = PathBuf::new();
    loop {
        if let Ok(real) = cur.canonicalize() {
            return Some((real, rest));
        }
        let name = cur.file_name()?.to_owned();
        rest = Path::new(&name).join(&rest);
        cur = cur.parent()?.to_path_buf();
    }
}
