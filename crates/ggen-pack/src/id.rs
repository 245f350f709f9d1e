//! Pack identifiers: reverse-DNS names such as `io.ggen.rust-models`.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest accepted pack id, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// A validated pack id matching `^[a-z0-9]+(\.[a-z0-9][a-z0-9-]*)+$`, at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PackId(String);

/// Why a string is not a valid pack id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid pack id `{id}`: {reason}")]
pub struct InvalidId {
    /// The rejected text.
    pub id: String,
    /// What is wrong with it.
    pub reason: String,
}

impl PackId {
    /// Validate `text` as a pack id.
    pub fn parse(text: &str) -> Result<Self, InvalidId> {
        validate(text).map_err(|reason| InvalidId {
            id: text.to_owned(),
            reason,
        })?;
        Ok(Self(text.to_owned()))
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The short name: the last dot-separated segment (`rust-models` for `io.ggen.rust-models`).
    pub fn name(&self) -> &str {
        self.0.rsplit('.').next().unwrap_or(&self.0)
    }
}

fn validate(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("it is empty".into());
    }
    if text.len() > MAX_ID_LEN {
        return Err(format!(
            "it is {} characters long (at most {MAX_ID_LEN})",
            text.len()
        ));
    }
    let mut segments = text.split('.');
    let first = segments.next().unwrap_or_default();
    if first.is_empty() {
        return Err("it starts with a dot or has an empty segment".into());
    }
    if let Some(c) = first
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
    {
        return Err(format!(
            "the first segment `{first}` may only contain a-z and 0-9 (found `{c}`)"
        ));
    }
    let mut count = 0;
    for seg in segments {
        count += 1;
        let mut chars = seg.chars();
        match chars.next() {
            None => return Err("it has an empty segment (two dots or a trailing dot)".into()),
            Some(c) if !(c.is_ascii_lowercase() || c.is_ascii_digit()) => {
                return Err(format!(
                    "segment `{seg}` must start with a-z or 0-9 (found `{c}`)"
                ));
            }
            Some(_) => {}
        }
        if let Some(c) =
            chars.find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!(
                "segment `{seg}` may only contain a-z, 0-9 and `-` (found `{c}`)"
            ));
        }
    }
    if count == 0 {
        return Err(
            "it needs at least two dot-separated segments (reverse-DNS, e.g. `io.example.my-pack`)"
                .into(),
        );
    }
    Ok(())
}

impl fmt::Display for PackId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PackId {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for PackId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for PackId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Serialize for PackId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PackId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Levenshtein edit distance between two strings (by characters).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX) + 1;
            let sub = prev.get(j).copied().unwrap_or(usize::MAX) + cost;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = del.min(ins).min(sub);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// Up to three candidates close to `wanted` (edit distance ≤ max(2, len/3), or sharing the short
/// name), closest first, ties by name.
pub(crate) fn suggestions<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let limit = (wanted.chars().count() / 3).max(2);
    let wanted_name = wanted.rsplit('.').next().unwrap_or(wanted);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != wanted)
        .filter_map(|c| {
            let d = edit_distance(wanted, c);
            let name = c.rsplit('.').next().unwrap_or(c);
            if d <= limit {
                Some((d, c))
            } else if name == wanted_name || c.contains(wanted) {
                Some((limit + 1, c))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_ids() {
        for id in [
            "io.ggen.rust-models",
            "a.b",
            "io.x1.y-",
            "com.example.a-b-c.d0",
        ] {
            assert!(PackId::parse(id).is_ok(), "{id}");
        }
        assert_eq!(
            PackId::parse("io.ggen.rust-models").unwrap().name(),
            "rust-models"
        );
    }

    #[test]
    fn rejects_invalid_ids() {
        for id in [
            "",
            "single",
            "Io.ggen.x",
            "io..x",
            "io.ggen.",
            ".io.ggen",
            "io.-x",
            "io-x.y",
            "io.gg_en",
            "io.ggen.Rust",
            "io.ggen.ü",
        ] {
            assert!(PackId::parse(id).is_err(), "{id} should be rejected");
        }
        let long = format!("io.{}", "a".repeat(62));
        assert_eq!(long.len(), 65);
        let err = PackId::parse(&long).unwrap_err();
        assert!(err.reason.contains("at most 64"), "{err}");
        assert!(PackId::parse(&long[..64]).is_ok());
    }

    #[test]
    fn distance_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        let c = [
            "io.ggen.rust-models",
            "io.ggen.common-types",
            "io.ggen.sql-ddl",
        ];
        assert_eq!(
            suggestions("io.ggen.rust-model", c),
            vec!["io.ggen.rust-models".to_owned()]
        );
        assert_eq!(
            suggestions("org.other.rust-models", c),
            vec!["io.ggen.rust-models".to_owned()]
        );
        assert!(suggestions("zzz.qqq", c).is_empty());
    }
}
