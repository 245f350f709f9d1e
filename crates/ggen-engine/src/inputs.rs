//! Resolving input files: source globs, template directories.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::error::EngineError;

/// An input file: where it is, and how it is named (relative to the project root, `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// Path on disk.
    pub abs: PathBuf,
    /// Name relative to the project root (or as given, for files outside it).
    pub rel: String,
}

/// A file and its SHA-256, as recorded in receipts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileHash {
    /// Path relative to the project root.
    pub path: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
}

/// Name `path` relative to `root` when it is inside it.
pub fn rel_name(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => ggen_core::fs::slash_path(rel),
        Err(_) => path.display().to_string(),
    }
}

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Expand `patterns` (relative to `root`) into sorted, de-duplicated files. A pattern without
/// glob characters must name an existing file. Returns the files and the patterns that matched
/// nothing (for warnings).
pub fn expand_globs(
    root: &Path,
    patterns: &[String],
    what: &str,
) -> Result<(Vec<InputFile>, Vec<String>), EngineError> {
    let mut files: Vec<InputFile> = Vec::new();
    let mut empty = Vec::new();
    for pattern in patterns {
        if !has_glob_chars(pattern) {
            let abs = root.join(pattern);
            if !abs.is_file() {
                return Err(EngineError::Manifest {
                    location: ggen_core::Location::file("ggen.toml"),
                    message: format!(
                        "{what} `{pattern}` does not exist (relative to {})",
                        root.display()
                    ),
                });
            }
            files.push(InputFile {
                rel: rel_name(root, &abs),
                abs,
            });
            continue;
        }
        let glob = Glob::new(pattern).map_err(|e| EngineError::Manifest {
            location: ggen_core::Location::file("ggen.toml"),
            message: format!("invalid glob `{pattern}` in {what}: {e}"),
        })?;
        let set = GlobSetBuilder::new()
            .add(glob)
            .build()
            .map_err(|e| EngineError::Manifest {
                location: ggen_core::Location::file("ggen.toml"),
                message: format!("invalid glob `{pattern}`: {e}"),
            })?;
        // Walk only below the literal prefix of the pattern.
        let literal: PathBuf = Path::new(pattern)
            .components()
            .take_while(|c| !has_glob_chars(&c.as_os_str().to_string_lossy()))
            .collect();
        let base = root.join(&literal);
        let before = files.len();
        if base.is_dir() {
            for entry in ignore::WalkBuilder::new(&base)
                .standard_filters(false)
                .hidden(false)
                .filter_entry(|e| e.file_name() != ".git")
                .build()
            {
                let entry = entry.map_err(|e| EngineError::Io {
                    path: base.clone(),
                    source: std::io::Error::other(e.to_string()),
                })?;
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let rel = rel_name(root, entry.path());
                if set.is_match(&rel) {
                    files.push(InputFile {
                        abs: entry.path().to_path_buf(),
                        rel,
                    });
                }
            }
        }
        if files.len() == before {
            empty.push(pattern.clone());
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.rel == b.rel);
    Ok((files, empty))
}

/// All template files (`*.tmpl`, `*.tera`, `*.j2`, partials included) below `dirs`, sorted.
pub fn template_files(
    root: &Path,
    dirs: &[String],
) -> Result<(Vec<InputFile>, Vec<String>), EngineError> {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for d in dirs {
        let base = root.join(d);
        if !base.is_dir() {
            missing.push(d.clone());
            continue;
        }
        for entry in ignore::WalkBuilder::new(&base)
            .standard_filters(false)
            .hidden(false)
            .build()
        {
            let entry = entry.map_err(|e| EngineError::Io {
                path: base.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            if entry.file_type().is_some_and(|t| t.is_file())
                && ggen_template::Template::is_template_file(entry.path())
            {
                files.push(InputFile {
                    rel: rel_name(root, entry.path()),
                    abs: entry.path().to_path_buf(),
                });
            }
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.rel == b.rel);
    Ok((files, missing))
}

/// Hash files.
pub fn hash_files(files: &[InputFile]) -> Result<Vec<FileHash>, EngineError> {
    files
        .iter()
        .map(|f| {
            Ok(FileHash {
                path: f.rel.clone(),
                sha256: ggen_core::hash::sha256_file(&f.abs)
                    .map_err(|e| EngineError::io(&f.rel, e))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_sorted_and_literal_required() {
        let d = tempfile::tempdir().unwrap();
        for f in ["ont/b.ttl", "ont/a.ttl", "ont/sub/c.ttl", "ont/x.txt"] {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let (files, empty) = expand_globs(
            d.path(),
            &[
                "ont/**/*.ttl".into(),
                "ont/a.ttl".into(),
                "none/*.ttl".into(),
            ],
            "source",
        )
        .unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(names, ["ont/a.ttl", "ont/b.ttl", "ont/sub/c.ttl"]);
        assert_eq!(empty, ["none/*.ttl"]);
        let e = expand_globs(d.path(), &["ont/missing.ttl".into()], "source").unwrap_err();
        assert!(e.to_string().contains("ont/missing.ttl"), "{e}");
    }
}
