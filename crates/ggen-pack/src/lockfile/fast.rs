//! A reader for the canonical lockfile text (what `Lockfile::to_toml` writes). It accepts
//! nothing else: any deviation returns `None` and the caller falls back to the TOML parser.

use std::borrow::Cow;
use std::collections::BTreeMap;

use semver::Version;

use super::{HEADER, LockedPack, Lockfile};
use crate::id::PackId;
use crate::index::is_valid_checksum;

/// Parse a TOML basic string at the start of `s`; returns it and the rest after the quote.
fn quoted(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let body = s.strip_prefix('"')?;
    // fast path: no escape or control character before the closing quote
    let end = body
        .bytes()
        .position(|b| b == b'"' || b == b'\\' || b < 0x20 || b == 0x7f)?;
    if body.as_bytes().get(end) == Some(&b'"') {
        return Some((Cow::Borrowed(body.get(..end)?), body.get(end + 1..)?));
    }
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((Cow::Owned(out), body.get(i + 1..)?)),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let mut code = 0u32;
                        for _ in 0..4 {
                            let (_, h) = chars.next()?;
                            code = code * 16 + h.to_digit(16)?;
                        }
                        out.push(char::from_u32(code)?);
                    }
                    _ => return None,
                }
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => return None,
            c => out.push(c),
        }
    }
    None
}

/// `key = "value"` with nothing after the closing quote.
fn field<'a>(line: &'a str, key: &str) -> Option<Cow<'a, str>> {
    let rest = line.strip_prefix(key)?.strip_prefix(" = ")?;
    let (v, rest) = quoted(rest)?;
    rest.is_empty().then_some(v)
}

/// `key = ["a", "b"]` (non-empty) with nothing after the bracket.
fn array<'a>(line: &'a str, key: &str) -> Option<Vec<Cow<'a, str>>> {
    let mut rest = line.strip_prefix(key)?.strip_prefix(" = [")?;
    let mut out = Vec::new();
    loop {
        let (v, r) = quoted(rest)?;
        out.push(v);
        if let Some(r) = r.strip_prefix(", ") {
            rest = r;
        } else {
            return (r == "]").then_some(out);
        }
    }
}

/// The packs of a canonical lockfile text, or `None` if the text is not canonical or not valid.
pub(super) fn parse_canonical(text: &str) -> Option<BTreeMap<PackId, LockedPack>> {
    let mut lines = text.split('\n').peekable();
    if lines.next()? != HEADER || lines.next()? != "version = 1" {
        return None;
    }
    let mut lock = Lockfile::new();
    loop {
        if !lines.next()?.is_empty() {
            return None;
        }
        match lines.peek() {
            None => break,
            Some(&"[[pack]]") => {
                lines.next();
            }
            Some(_) => return None,
        }
        let id = PackId::parse(&field(lines.next()?, "id")?).ok()?;
        let version = Version::parse(&field(lines.next()?, "version")?).ok()?;
        let source = field(lines.next()?, "source")?.into_owned();
        let checksum = field(lines.next()?, "checksum")?.into_owned();
        if source.is_empty() || !is_valid_checksum(&checksum) {
            return None;
        }
        let mut signed_by = Vec::new();
        if lines.peek().is_some_and(|l| l.starts_with("signed-by = ")) {
            signed_by = array(lines.next()?, "signed-by")?
                .into_iter()
                .map(Cow::into_owned)
                .collect();
        }
        let mut dependencies = Vec::new();
        if lines
            .peek()
            .is_some_and(|l| l.starts_with("dependencies = "))
        {
            for d in array(lines.next()?, "dependencies")? {
                let (i, v) = d.split_once(' ')?;
                dependencies.push((PackId::parse(i).ok()?, Version::parse(v).ok()?));
            }
        }
        let pack = LockedPack {
            id,
            version,
            source,
            checksum,
            signed_by,
            dependencies,
        };
        if lock.insert(pack).is_some() {
            return None;
        }
    }
    Some(lock.packs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sample(n: usize) -> Lockfile {
        let mut l = Lockfile::new();
        for i in 0..n {
            l.insert(LockedPack {
                id: PackId::parse(&format!("io.t.p{i}")).unwrap(),
                version: Version::parse(if i % 3 == 0 {
                    "1.0.0-beta.1+build.5"
                } else {
                    "2.10.3"
                })
                .unwrap(),
                source: match i % 4 {
                    0 => "registry+https://packs.example.org/".into(),
                    1 => "registry+/path with \"quotes\" and \\ back\tslash".into(),
                    2 => "registry+file:///ünïcödé/\u{1}ctl".into(),
                    _ => "registry+x".into(),
                },
                checksum: ggen_core::hash::sha256_checksum(i.to_le_bytes()),
                signed_by: (0..i % 3).map(|k| format!("ed25519:{k:016}")).collect(),
                dependencies: (0..i % 4)
                    .map(|k| {
                        (
                            PackId::parse(&format!("io.t.p{k}")).unwrap(),
                            Version::new(1, k as u64, 0),
                        )
                    })
                    .collect(),
            });
        }
        l
    }

    #[test]
    fn canonical_reader_agrees_with_the_toml_parser() {
        for n in [0, 1, 2, 7, 40] {
            let l = sample(n);
            let text = l.to_toml();
            let fast = parse_canonical(&text).expect("canonical text is read by the fast reader");
            let slow = Lockfile::parse_toml(&text, Path::new("ggen.lock")).unwrap();
            assert_eq!(fast, slow.packs, "n = {n}");
            assert_eq!(Lockfile { packs: fast }, l);
        }
    }

    #[test]
    fn anything_else_falls_back() {
        let text = sample(3).to_toml();
        for bad in [
            text.replace("version = 1\n", "version = 1 \n"),
            text.replace("id = ", "id =  "),
            text.replace("\n[[pack]]", "\n[[pack]] # c"),
            text.replace("checksum = \"sha256:", "checksum = \"sha256:X"),
            format!("{text}\n"),
            text.trim_end().to_owned(),
            text.replace("\"io.t.p1\"", "'io.t.p1'"),
        ] {
            assert!(parse_canonical(&bad).is_none(), "{bad}");
        }
        // valid but non-canonical TOML still parses (through the TOML parser)
        let reordered = text.replace(
            "# This file is generated by ggen. Do not edit.\nversion = 1\n",
            "version = 1 # hand edited\n",
        );
        assert_eq!(
            Lockfile::parse(&reordered, Path::new("ggen.lock")).unwrap(),
            sample(3)
        );
    }
}
