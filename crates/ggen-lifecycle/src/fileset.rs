//! File sets named by `inputs`/`outputs` patterns, and their content hashes.
//!
//! A pattern is relative to the directory a phase runs in. A pattern without glob characters
//! names a file, or a directory (every file below it, e.g. v2.5's `outputs = ["dist/"]`). A glob
//! (`src/**/*.rs`, `*.toml`) uses `globset` with `*` not crossing `/` and `**` crossing any
//! number of directories. Symbolic links to directories are not followed; `.git` is never walked.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use globset::GlobBuilder;

const GLOB_CHARS: &[char] = &['*', '?', '[', '{'];

/// Check a pattern: not empty, relative, not leaving the directory, a valid glob.
pub(crate) fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.trim().is_empty() {
        return Err("empty pattern".into());
    }
    let path = Path::new(pattern);
    if path.is_absolute() || ggen_core::fs::normalize_relative(path).is_none() {
        return Err(format!(
            "`{pattern}` leaves the directory the phase runs in (use a relative path without `..` above it)"
        ));
    }
    glob(pattern).map(|_| ())
}

fn glob(pattern: &str) -> Result<globset::GlobMatcher, String> {
    GlobBuilder::new(pattern.trim_end_matches('/'))
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid glob `{pattern}`: {e}"))
}

/// The files under `dir` matched by `patterns`: relative slash paths mapped to their SHA-256.
pub(crate) fn hash_matching(
    dir: &Path,
    patterns: &[String],
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for rel in matching_files(dir, patterns)? {
        let path = dir.join(&rel);
        let sha =
            ggen_core::hash::sha256_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        out.insert(rel, sha);
    }
    Ok(out)
}

/// A single digest over a file map (paths and contents), plus the patterns themselves.
pub(crate) fn digest(patterns: &[String], files: &BTreeMap<String, String>) -> String {
    let mut h = ggen_core::hash::Sha256Hasher::new();
    for p in patterns {
        h.update(b"pattern\0");
        h.update(p.as_bytes());
        h.update(b"\0");
    }
    for (path, sha) in files {
        h.update(b"file\0");
        h.update(path.as_bytes());
        h.update(b"\0");
        h.update(sha.as_bytes());
        h.update(b"\0");
    }
    h.finish_hex()
}

/// The relative slash paths of the files under `dir` matched by `patterns`, sorted.
pub(crate) fn matching_files(dir: &Path, patterns: &[String]) -> Result<Vec<String>, String> {
    let mut out = std::collections::BTreeSet::new();
    for pattern in patterns {
        check_pattern(pattern)?;
        let trimmed = pattern.trim_end_matches('/');
        let normalized = ggen_core::fs::normalize_relative(Path::new(trimmed)).unwrap_or_default();
        let comps: Vec<String> = normalized
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let literal_len = comps
            .iter()
            .position(|c| c.contains(GLOB_CHARS))
            .unwrap_or(comps.len());
        let prefix: Vec<&str> = comps.iter().take(literal_len).map(String::as_str).collect();
        let base_rel = prefix.join("/");
        let base = if base_rel.is_empty() {
            dir.to_path_buf()
        } else {
            dir.join(&base_rel)
        };
        if literal_len == comps.len() {
            // A plain path: a file, or every file below a directory.
            match std::fs::metadata(&base) {
                Ok(m) if m.is_file() => {
                    out.insert(base_rel);
                }
                Ok(m) if m.is_dir() => walk(&base, &base_rel, &mut |rel| {
                    out.insert(rel);
                })?,
                _ => {}
            }
            continue;
        }
        let matcher = glob(&comps.join("/"))?;
        if base.is_dir() {
            walk(&base, &base_rel, &mut |rel| {
                if matcher.is_match(&rel) {
                    out.insert(rel);
                }
            })?;
        }
    }
    Ok(out.into_iter().collect())
}

/// Visit every regular file below `dir` (whose relative path is `rel`), in name order.
fn walk(dir: &Path, rel: &str, visit: &mut dyn FnMut(String)) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(std::result::Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            if name != ".git" {
                walk(&entry.path(), &child_rel, visit)?;
            }
        } else if ft.is_file() || (ft.is_symlink() && entry.path().is_file()) {
            visit(child_rel);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_files_dirs_and_globs() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for f in [
            "src/a.rs",
            "src/sub/b.rs",
            "src/sub/c.txt",
            "Cargo.toml",
            "dist/x/y.js",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, f).unwrap();
        }
        let m = |pats: &[&str]| {
            matching_files(
                root,
                &pats.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
            .unwrap()
        };
        assert_eq!(m(&["src/*.rs"]), vec!["src/a.rs"]);
        assert_eq!(m(&["src/**/*.rs"]), vec!["src/a.rs", "src/sub/b.rs"]);
        assert_eq!(
            m(&["Cargo.toml", "dist/"]),
            vec!["Cargo.toml", "dist/x/y.js"]
        );
        assert_eq!(m(&["*.toml"]), vec!["Cargo.toml"]);
        assert_eq!(m(&["missing/**", "nope.txt"]), Vec::<String>::new());
        assert!(check_pattern("../up").is_err());
        assert!(check_pattern("/abs").is_err());
        assert!(check_pattern("src/[").is_err());
    }

    #[test]
    fn digest_changes_with_content() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.txt"), "one").unwrap();
        let pats = vec!["*.txt".to_string()];
        let h1 = digest(&pats, &hash_matching(d.path(), &pats).unwrap());
        std::fs::write(d.path().join("a.txt"), "two").unwrap();
        let h2 = digest(&pats, &hash_matching(d.path(), &pats).unwrap());
        assert_ne!(h1, h2);
    }
}
