//! Confining output paths to the output root.

use std::path::{Path, PathBuf};

use crate::inputs::rel_name;
use crate::workspace::Workspace;

/// Confines outputs to the output root, caching the canonical forms of directories it has
/// already resolved, so that checking N outputs in one directory costs one `lstat` each rather
/// than a full path resolution each.
#[derive(Debug, Default)]
pub struct PathGuard {
    root_real: Option<Option<PathBuf>>,
    /// Directory (as joined) → (whether its deepest existing ancestor resolves outside the
    /// root, whether it exists itself).
    dirs: std::collections::HashMap<PathBuf, (bool, bool)>,
}

impl PathGuard {
    fn root_real(&mut self, root: &Path) -> Option<PathBuf> {
        self.root_real
            .get_or_insert_with(|| {
                root.canonicalize().ok().or_else(|| {
                    // The output root may not exist yet; resolve its deepest existing ancestor.
                    deepest_existing(root).map(|(real, rest)| real.join(rest))
                })
            })
            .clone()
    }

    /// Whether the deepest existing ancestor of `target`, or the target itself when it is a
    /// symlink, resolves outside `root`.
    fn escapes(&mut self, root: &Path, target: &Path) -> bool {
        let Some(root_real) = self.root_real(root) else {
            return false;
        };
        let outside = |real: &Path| !real.starts_with(&root_real) && !root_real.starts_with(real);
        let (parent_escapes, parent_exists) = match target.parent() {
            None => (false, true),
            Some(parent) => match self.dirs.get(parent) {
                Some(known) => *known,
                None => {
                    let known = deepest_existing(parent).map_or((false, false), |(real, rest)| {
                        (outside(&real), rest.as_os_str().is_empty())
                    });
                    self.dirs.insert(parent.to_path_buf(), known);
                    known
                }
            },
        };
        if parent_escapes {
            return true;
        }
        // The target itself: only a symlink needs resolving, and none can be there when its
        // directory does not exist (nothing is created while planning).
        parent_exists
            && std::fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink())
            && target.canonicalize().map_or(true, |real| outside(&real))
    }

    /// Resolve a rendered `to:` path against the output root. Returns (name relative to the
    /// project root, absolute path), or a message describing the root when the path escapes it:
    /// absolute paths, `..` that climbs out, or an existing symlink on the way that leads outside.
    pub fn resolve_output(
        &mut self,
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
        if !allow_outside && self.escapes(&ws.output_root, &abs) {
            return Err(format!("{root_shown} (through a symbolic link)"));
        }
        Ok((rel_name(&ws.root, &abs), abs))
    }
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn symlinks_leading_out_are_caught_through_the_cache() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(out.join("ok")).unwrap();
        std::os::unix::fs::symlink(outside.path(), out.join("escape")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("f.txt"), out.join("ok/link.txt")).unwrap();
        let mut g = PathGuard::default();
        assert!(!g.escapes(&out, &out.join("ok/a.txt")));
        assert!(!g.escapes(&out, &out.join("ok/b.txt")), "cached directory");
        assert!(g.escapes(&out, &out.join("escape/a.txt")));
        assert!(g.escapes(&out, &out.join("escape/deeper/a.txt")));
        assert!(
            g.escapes(&out, &out.join("ok/link.txt")),
            "a file symlink leading out"
        );
        assert!(!g.escapes(&out, &out.join("new/dir/a.txt")));
    }

    #[test]
    fn a_link_back_inside_through_a_directory_outside_is_still_outside() {
        // out/escape -> <outside>, and <outside>/back.txt -> out/inside.txt: writing
        // out/escape/back.txt would replace the link in <outside>.
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("inside.txt"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path(), out.join("escape")).unwrap();
        std::os::unix::fs::symlink(out.join("inside.txt"), outside.path().join("back.txt"))
            .unwrap();
        let mut g = PathGuard::default();
        assert!(g.escapes(&out, &out.join("escape/back.txt")));
        assert!(!g.escapes(&out, &out.join("inside.txt")));
    }
}
