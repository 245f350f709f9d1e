use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// A position in an input: a file, and where known a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    /// The file, as the user named it (relative to the project when possible).
    pub file: PathBuf,
    /// 1-based line, when the input has lines and the error has a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column (in characters), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Self {
            file: file.into(),
            line: None,
            column: None,
        }
    }

    /// A location with a line and column (both 1-based).
    pub fn at(file: impl Into<PathBuf>, line: u64, column: u64) -> Self {
        Self {
            file: file.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// A location with a line only (1-based).
    pub fn line(file: impl Into<PathBuf>, line: u64) -> Self {
        Self {
            file: file.into(),
            line: Some(line),
            column: None,
        }
    }

    /// The file of this location.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// Shift the line by `offset` lines (used when an inner text starts at a given line of its file).
    #[must_use]
    pub fn shifted(mut self, offset: u64) -> Self {
        self.line = self.line.map(|l| l + offset);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// What every ggen library error exposes to its callers, so the command line can print a clear
/// message and, under `--json`, a structured error document.
pub trait Diagnostic: std::error::Error {
    /// A stable machine-readable code, e.g. `"rdf-syntax"`, `"template-undefined"`.
    fn code(&self) -> &'static str;

    /// Where in the user's input the problem is, when known.
    fn location(&self) -> Option<&Location> {
        None
    }

    /// A suggestion for fixing the problem, when there is an obvious one.
    fn help(&self) -> Option<String> {
        None
    }
}

/// Translate a byte offset in `text` into a 1-based (line, column) pair; columns count characters.
pub fn line_col_of_offset(text: &str, offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) as u64 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_forms() {
        assert_eq!(Location::file("a.ttl").to_string(), "a.ttl");
        assert_eq!(Location::line("a.ttl", 3).to_string(), "a.ttl:3");
        assert_eq!(Location::at("a.ttl", 3, 7).to_string(), "a.ttl:3:7");
        assert_eq!(
            Location::at("a.ttl", 3, 7).shifted(2).to_string(),
            "a.ttl:5:7"
        );
    }

    #[test]
    fn offsets_to_line_col() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col_of_offset(t, 0), (1, 1));
        assert_eq!(line_col_of_offset(t, 3), (2, 1));
        assert_eq!(line_col_of_offset(t, 7), (2, 4));
        assert_eq!(line_col_of_offset(t, 999), (3, 2));
    }
}
