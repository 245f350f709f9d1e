//! Searching `search.json` text directly: the same ranking as [`SearchIndex`](super::SearchIndex)
//! without building an index first. Entries are deserialized borrowing from the text, matched
//! case-insensitively without allocating, and only the hits are validated and materialized.
//! This is what a one-off `ggen marketplace search` needs: over a 10 000-pack `search.json` it
//! avoids validating 10 000 ids, parsing 10 000 versions and lower-casing every field.

use std::borrow::Cow;
use std::path::Path;

use ggen_core::Location;
use semver::Version;
use serde::Deserialize;

use super::{Rank, SearchEntry, SearchHit, SearchQuery};
use crate::id::PackId;
use crate::index::IndexError;

#[derive(Deserialize)]
struct RawEntry<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    vers: Cow<'a, str>,
    #[serde(default, borrow)]
    description: Cow<'a, str>,
    #[serde(default, borrow)]
    keywords: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    categories: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    license: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawFile<'a> {
    #[allow(dead_code)]
    version: u32,
    #[serde(borrow)]
    packs: Vec<RawEntry<'a>>,
}

/// ASCII case-insensitive substring test; `needle` must already be lower-case. Falls back to
/// full Unicode lower-casing when either side is not ASCII.
fn contains_ci(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if !(haystack.is_ascii() && needle.is_ascii()) {
        return haystack.to_lowercase().contains(needle);
    }
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return true;
    };
    // Jump to the places where the first byte occurs in either case, then compare the rest.
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), h).any(|i| {
        h.get(i..i + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

fn eq_ci(a: &str, lower: &str) -> bool {
    if a.is_ascii() && lower.is_ascii() {
        a.eq_ignore_ascii_case(lower)
    } else {
        a.to_lowercase() == lower
    }
}

fn starts_with_ci(a: &str, lower: &str) -> bool {
    match a.get(..lower.len()) {
        Some(head) => eq_ci(head, lower),
        None => a.to_lowercase().starts_with(lower),
    }
}

fn rank_term(e: &RawEntry<'_>, name: &str, t: &str) -> Option<Rank> {
    if eq_ci(&e.id, t) || eq_ci(name, t) {
        Some(Rank::Exact)
    } else if starts_with_ci(&e.id, t) || starts_with_ci(name, t) {
        Some(Rank::Prefix)
    } else if contains_ci(&e.id, t) {
        Some(Rank::Substring)
    } else if e
        .keywords
        .iter()
        .chain(&e.categories)
        .any(|w| contains_ci(w, t))
    {
        Some(Rank::Keyword)
    } else if contains_ci(&e.description, t) {
        Some(Rank::Description)
    } else {
        None
    }
}

const HEAD: &str = "{\"version\":1,\"packs\":[";
const TAIL: &str = "]}";

/// The entries of a `search.json` written by [`SearchFile::to_json`](super::SearchFile::to_json)
/// (one entry per line), parsing only the lines that contain every term (raw, case-insensitive:
/// a cheap superset test; terms with characters JSON escapes are never pre-filtered). `None`
/// when the text does not have that layout.
fn prefiltered<'a>(
    text: &'a str,
    file: &Path,
    terms: &[&str],
) -> Option<Result<Vec<RawEntry<'a>>, IndexError>> {
    let body = text.trim_end().strip_prefix(HEAD)?.strip_suffix(TAIL)?;
    let safe = terms
        .iter()
        .all(|t| !t.contains(['"', '\\']) && !t.chars().any(char::is_control));
    let mut out = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let entry = line.trim().trim_end_matches(',');
        if entry.is_empty() {
            continue;
        }
        if safe && !terms.iter().all(|t| contains_ci(entry, t)) {
            continue;
        }
        match serde_json::from_str::<RawEntry<'a>>(entry) {
            Ok(e) => out.push(e),
            Err(e) => {
                return Some(Err(IndexError::Invalid {
                    location: Location::at(file, i as u64 + 1, e.column() as u64),
                    message: format!("invalid search.json: {e}"),
                }));
            }
        }
    }
    Some(Ok(out))
}

/// Run `query` over the text of a `search.json` (`file` names it in errors). Returns the page of
/// hits and the number of matches before `offset`/`limit`, exactly like
/// [`SearchIndex::search_with_total`](super::SearchIndex::search_with_total).
pub fn search_json(
    text: &str,
    file: &Path,
    query: &SearchQuery,
) -> Result<(Vec<SearchHit>, usize), IndexError> {
    let lowered = query.text.trim().to_lowercase();
    let terms: Vec<&str> = lowered.split_whitespace().collect();
    let packs = match prefiltered(text, file, &terms) {
        Some(r) => r?,
        None => {
            let parsed: RawFile<'_> =
                serde_json::from_str(text).map_err(|e| IndexError::Invalid {
                    location: Location::at(file, e.line() as u64, e.column() as u64),
                    message: format!("invalid search.json: {e}"),
                })?;
            parsed.packs
        }
    };
    let parsed = RawFile { version: 1, packs };
    let category = query.category.as_ref().map(|c| c.to_lowercase());
    let keyword = query.keyword.as_ref().map(|k| k.to_lowercase());
    let mut hits: Vec<(Rank, usize)> = Vec::new();
    for (i, e) in parsed.packs.iter().enumerate() {
        if let Some(c) = &category
            && !e.categories.iter().any(|x| eq_ci(x, c))
        {
            continue;
        }
        if let Some(k) = &keyword
            && !e.keywords.iter().any(|x| eq_ci(x, k))
        {
            continue;
        }
        let name = e.id.rsplit('.').next().unwrap_or(&e.id);
        let rank = if terms.is_empty() {
            Some(Rank::All)
        } else {
            terms
                .iter()
                .map(|t| rank_term(e, name, t))
                .try_fold(Rank::Exact, |worst, r| r.map(|r| worst.max(r)))
        };
        if let Some(rank) = rank {
            hits.push((rank, i));
        }
    }
    let id_of = |i: usize| parsed.packs.get(i).map_or("", |e| e.id.as_ref());
    hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| id_of(a.1).cmp(id_of(b.1))));
    let total = hits.len();
    let mut page = Vec::new();
    for (rank, i) in hits
        .into_iter()
        .skip(query.offset)
        .take(query.limit.unwrap_or(usize::MAX))
    {
        let Some(e) = parsed.packs.get(i) else {
            continue;
        };
        let invalid = |message: String| IndexError::Invalid {
            location: Location::file(file),
            message,
        };
        let id = PackId::parse(&e.id).map_err(|err| invalid(format!("pack `{}`: {err}", e.id)))?;
        let vers = Version::parse(&e.vers)
            .map_err(|err| invalid(format!("pack `{}`: version `{}`: {err}", e.id, e.vers)))?;
        page.push(SearchHit {
            entry: SearchEntry {
                id,
                vers,
                description: e.description.clone().into_owned(),
                keywords: e.keywords.iter().map(|k| k.clone().into_owned()).collect(),
                categories: e
                    .categories
                    .iter()
                    .map(|k| k.clone().into_owned())
                    .collect(),
                license: e.license.as_ref().map(|l| l.clone().into_owned()),
            },
            rank,
        });
    }
    Ok((page, total))
}
