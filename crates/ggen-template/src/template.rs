//! A template file: frontmatter plus body.

use std::path::{Path, PathBuf};

use ggen_core::Location;

use crate::error::TemplateError;
use crate::frontmatter::{self, Frontmatter};

/// File extensions of templates.
pub const TEMPLATE_EXTENSIONS: [&str; 3] = ["tmpl", "tera", "j2"];

/// A parsed template file.
#[derive(Debug, Clone)]
pub struct Template {
    /// The name shown to users and recorded in receipts (e.g. `templates/model.rs.tmpl`).
    pub name: String,
    /// The file on disk (when loaded from a file).
    pub path: Option<PathBuf>,
    /// The frontmatter (empty when the file has none).
    pub frontmatter: Frontmatter,
    /// The body, exactly as written (or read from `from:`).
    pub body: String,
    /// The file the body comes from, as shown in messages.
    pub body_file: PathBuf,
    /// 1-based line of `body_file` where the body starts.
    pub body_line: u64,
    /// The `from:` file, when the body comes from one (an input of the template).
    pub from_path: Option<PathBuf>,
    /// Whether the file name starts with `_` (a partial, never rendered as an output).
    pub is_partial: bool,
}

impl Template {
    /// Whether a path names a template file (`.tmpl`, `.tera`, `.j2`).
    pub fn is_template_file(path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| TEMPLATE_EXTENSIONS.contains(&e))
    }

    /// Whether a path names a partial (its file name starts with `_`).
    pub fn is_partial_file(path: &Path) -> bool {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('_'))
    }

    /// Read and parse a template file. `name` is how it is shown (relative path).
    pub fn load(path: &Path, name: &str) -> Result<Template, TemplateError> {
        let source = std::fs::read_to_string(path).map_err(|source| TemplateError::Io {
            location: Location::file(name),
            source,
        })?;
        let mut t = Self::parse(name, &source)?;
        t.path = Some(path.to_path_buf());
        t.is_partial = Self::is_partial_file(path);
        if let Some(from) = t.frontmatter.from.clone() {
            let dir = path.parent().unwrap_or(Path::new("."));
            let rel = ggen_core::fs::normalize_relative(Path::new(&from)).ok_or_else(|| TemplateError::Frontmatter {
                location: Location::line(name, t.frontmatter.line_of("from")),
                message: format!("`from: {from}` must be a relative path inside the template's directory tree"),
            })?;
            let from_path = dir.join(&rel);
            let shown = Path::new(name).parent().unwrap_or(Path::new("")).join(&rel);
            t.body = std::fs::read_to_string(&from_path).map_err(|source| TemplateError::Io {
                location: Location::line(name, t.frontmatter.line_of("from")),
                source,
            })?;
            t.body_file = shown;
            t.body_line = 1;
            t.from_path = Some(from_path);
        }
        Ok(t)
    }

    /// Parse template source text.
    pub fn parse(name: &str, source: &str) -> Result<Template, TemplateError> {
        let (frontmatter, body, body_line) = match frontmatter::split(source) {
            Some((yaml, body, line)) => (
                frontmatter::parse(yaml, Path::new(name))?,
                body.to_owned(),
                line,
            ),
            None if source.starts_with("---\n") || source.starts_with("---\r\n") => {
                return Err(TemplateError::Yaml {
                    location: Location::line(name, 1),
                    message:
                        "the frontmatter opened by `---` on line 1 is never closed by a `---` line"
                            .into(),
                });
            }
            None => (Frontmatter::default(), source.to_owned(), 1),
        };
        Ok(Template {
            name: name.to_owned(),
            path: None,
            frontmatter,
            body,
            body_file: PathBuf::from(name),
            body_line,
            from_path: None,
            is_partial: Path::new(name)
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('_')),
        })
    }

    /// The directory of the template file, when it has one.
    pub fn dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_kept_exactly() {
        let t = Template::parse("a.tmpl", "---\nto: x\n---\nline\n\n").unwrap();
        assert_eq!(t.body, "line\n\n");
        assert_eq!(t.body_line, 4);
        let t = Template::parse("a.tmpl", "no newline").unwrap();
        assert_eq!(t.body, "no newline");
        assert_eq!(t.body_line, 1);
    }

    #[test]
    fn unclosed_frontmatter_is_an_error() {
        let e = Template::parse("a.tmpl", "---\nto: x\nbody\n").unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
    }

    #[test]
    fn from_reads_body_relative_to_template() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("t/bodies")).unwrap();
        std::fs::write(d.path().join("t/bodies/b.txt"), "hello {{ x }}\n").unwrap();
        std::fs::write(
            d.path().join("t/a.tmpl"),
            "---\nto: out\nfrom: bodies/b.txt\n---\nignored\n",
        )
        .unwrap();
        let t = Template::load(&d.path().join("t/a.tmpl"), "t/a.tmpl").unwrap();
        assert_eq!(t.body, "hello {{ x }}\n");
        assert_eq!(t.body_file, PathBuf::from("t/bodies/b.txt"));
        std::fs::write(
            d.path().join("t/c.tmpl"),
            "---\nto: out\nfrom: ../../etc/passwd\n---\n",
        )
        .unwrap();
        assert!(Template::load(&d.path().join("t/c.tmpl"), "t/c.tmpl").is_err());
    }

    #[test]
    fn partial_detection() {
        assert!(Template::is_partial_file(Path::new("t/_header.tmpl")));
        assert!(!Template::is_partial_file(Path::new("t/header.tmpl")));
        assert!(Template::is_template_file(Path::new("x.j2")));
        assert!(!Template::is_template_file(Path::new("x.rs")));
    }
}
