//! Source positions for values of a parsed TOML document, so that errors found after
//! deserialisation (unknown phases, cycles, bad durations, ...) still name line and column.

use std::ops::Range;
use std::path::Path;

use ggen_core::{Location, line_col_of_offset};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a path into a TOML document.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    /// A table key.
    Key(&'a str),
    /// An array index.
    Index(usize),
}

/// A parsed document with its text, to turn key paths into locations.
pub(crate) struct Spans<'i> {
    text: &'i str,
    file: &'i Path,
    doc: Option<Spanned<DeTable<'i>>>,
}

impl<'i> Spans<'i> {
    /// Parse `text` for spans. A document that does not parse yields no spans (the serde pass
    /// reports the syntax error itself).
    pub(crate) fn new(text: &'i str, file: &'i Path) -> Self {
        Self {
            text,
            file,
            doc: DeTable::parse(text).ok(),
        }
    }

    /// The location of a byte offset.
    pub(crate) fn at_offset(&self, offset: usize) -> Location {
        let (line, column) = line_col_of_offset(self.text, offset);
        Location::at(self.file, line, column)
    }

    /// A location naming only the file.
    pub(crate) fn file(&self) -> Location {
        Location::file(self.file)
    }

    /// The location of the value at `path` (or of the deepest part of the path that exists).
    pub(crate) fn value(&self, path: &[Seg<'_>]) -> Location {
        match self.value_span(path) {
            Some(span) => self.at_offset(span.start),
            None => self.file(),
        }
    }

    /// The location of the key that ends `path` (falls back to the value, then the file).
    pub(crate) fn key(&self, path: &[Seg<'_>]) -> Location {
        let Some((last, parent)) = path.split_last() else {
            return self.file();
        };
        if let (Seg::Key(k), Some(DeValue::Table(t))) = (last, self.lookup(parent))
            && let Some((key, _)) = t.get_key_value(*k)
        {
            return self.at_offset(key.span().start);
        }
        self.value(path)
    }

    fn value_span(&self, path: &[Seg<'_>]) -> Option<Range<usize>> {
        let doc = self.doc.as_ref()?;
        let mut span = doc.span();
        let mut cur: Option<&DeValue<'i>> = None;
        for seg in path {
            let Some(next) = step(doc.get_ref(), cur, *seg) else {
                return Some(span);
            };
            span = next.span();
            cur = Some(next.get_ref());
        }
        Some(span)
    }

    fn lookup(&self, path: &[Seg<'_>]) -> Option<&DeValue<'i>> {
        let doc = self.doc.as_ref()?;
        let mut cur: Option<&DeValue<'i>> = None;
        for seg in path {
            cur = Some(step(doc.get_ref(), cur, *seg)?.get_ref());
        }
        cur
    }

    /// The keys of the table at `path`, with the location of each key.
    pub(crate) fn keys(&self, path: &[Seg<'_>]) -> Vec<(String, Location)> {
        let table = if path.is_empty() {
            self.doc.as_ref().map(|d| d.get_ref())
        } else {
            match self.lookup(path) {
                Some(DeValue::Table(t)) => Some(t),
                _ => None,
            }
        };
        table
            .map(|t| {
                t.iter()
                    .map(|(k, _)| (k.get_ref().to_string(), self.at_offset(k.span().start)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// One step down from `cur` (`None` = the document's root table).
fn step<'a, 'i>(
    root: &'a DeTable<'i>,
    cur: Option<&'a DeValue<'i>>,
    seg: Seg<'_>,
) -> Option<&'a Spanned<DeValue<'i>>> {
    match (seg, cur) {
        (Seg::Key(k), None) => root.get(k),
        (Seg::Key(k), Some(DeValue::Table(t))) => t.get(k),
        (Seg::Index(i), Some(DeValue::Array(a))) => a.get(i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_values_and_array_items() {
        let text = "[project]\nname = \"x\"\n\n[lifecycle.build]\ndepends_on = [\"a\", \"b\"]\n";
        let spans = Spans::new(text, Path::new("make.toml"));
        let loc = spans.value(&[
            Seg::Key("lifecycle"),
            Seg::Key("build"),
            Seg::Key("depends_on"),
            Seg::Index(1),
        ]);
        assert_eq!(loc.to_string(), "make.toml:5:20");
        let loc = spans.key(&[
            Seg::Key("lifecycle"),
            Seg::Key("build"),
            Seg::Key("depends_on"),
        ]);
        assert_eq!(loc.to_string(), "make.toml:5:1");
        let keys = spans.keys(&[Seg::Key("project")]);
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].1.to_string(), "make.toml:2:1");
    }
}
