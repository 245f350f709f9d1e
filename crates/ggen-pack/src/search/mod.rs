//! Search over a registry's packs (`search.json` or the index files).
//!
//! Ranking, best first: exact id or short name, then prefix of id or short name, then substring
//! of id or short name, then a keyword or category containing the query, then the description
//! containing it. Ties are broken by id. Matching is case-insensitive. A query of several words
//! matches a pack when every word matches; its rank is the worst of the words' ranks. Yanked
//! versions never appear (a pack whose versions are all yanked is hidden).

use std::path::Path;

use semver::Version;
use serde::{Deserialize, Serialize};

use crate::id::PackId;
mod text;

pub use text::search_json;

use crate::index::{IndexError, IndexLine, latest};
use ggen_core::Location;

/// Summary of a pack's latest version, as stored in `search.json` and returned by searches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    /// Pack id.
    pub id: PackId,
    /// Latest non-yanked version.
    pub vers: Version,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// License.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

impl SearchEntry {
    /// The entry for the latest non-yanked version among `lines`, if any.
    pub fn from_lines(lines: &[IndexLine]) -> Option<Self> {
        latest(lines).map(|l| Self {
            id: l.id.clone(),
            vers: l.vers.clone(),
            description: l.description.clone(),
            keywords: l.keywords.clone(),
            categories: l.categories.clone(),
            license: l.license.clone(),
        })
    }
}

/// The `search.json` document: `{"version": 1, "packs": [...]}` sorted by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchFile {
    /// Format version (1).
    pub version: u32,
    /// One entry per pack.
    pub packs: Vec<SearchEntry>,
}

impl SearchFile {
    /// A document from entries (sorted by id).
    pub fn new(mut packs: Vec<SearchEntry>) -> Self {
        packs.sort_by(|a, b| a.id.cmp(&b.id));
        Self { version: 1, packs }
    }

    /// Compact JSON with one pack per line (small, fast to parse, diff-friendly).
    pub fn to_json(&self) -> String {
        let mut s = format!("{{\"version\":{},\"packs\":[", self.version);
        for (i, e) in self.packs.iter().enumerate() {
            s.push_str(if i == 0 { "\n" } else { ",\n" });
            s.push_str(&serde_json::to_string(e).unwrap_or_default());
        }
        s.push_str("\n]}\n");
        s
    }

    /// Parse `search.json`.
    pub fn parse(text: &str, file: &Path) -> Result<Self, IndexError> {
        serde_json::from_str(text).map_err(|e| IndexError::Invalid {
            location: Location::at(file, e.line() as u64, e.column() as u64),
            message: format!("invalid search.json: {e}"),
        })
    }
}

/// A search request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Free text (may be empty: every pack matches).
    pub text: String,
    /// Only packs with this category (case-insensitive, exact).
    pub category: Option<String>,
    /// Only packs with this keyword (case-insensitive, exact).
    pub keyword: Option<String>,
    /// At most this many results (`None`: all).
    pub limit: Option<usize>,
    /// Skip this many results first.
    pub offset: usize,
}

impl SearchQuery {
    /// A query for `text` without filters or limit.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            ..Self::default()
        }
    }
}

/// How well a pack matched (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rank {
    /// Id or short name equals the query.
    Exact,
    /// Id or short name starts with the query.
    Prefix,
    /// Id or short name contains the query.
    Substring,
    /// A keyword or category contains the query.
    Keyword,
    /// The description contains the query.
    Description,
    /// Empty query: every pack.
    All,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The pack.
    pub entry: SearchEntry,
    /// How it matched.
    pub rank: Rank,
}

struct Prepared {
    id: String,
    name: String,
    words: Vec<String>,
    description: String,
}

/// A searchable set of packs with precomputed lower-case fields.
pub struct SearchIndex {
    entries: Vec<SearchEntry>,
    prepared: Vec<Prepared>,
}

impl SearchIndex {
    /// Build from entries.
    pub fn new(entries: Vec<SearchEntry>) -> Self {
        let prepared = entries
            .iter()
            .map(|e| Prepared {
                id: e.id.as_str().to_lowercase(),
                name: e.id.name().to_lowercase(),
                words: e
                    .keywords
                    .iter()
                    .chain(&e.categories)
                    .map(|w| w.to_lowercase())
                    .collect(),
                description: e.description.to_lowercase(),
            })
            .collect();
        Self { entries, prepared }
    }

    /// Number of packs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no packs.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The packs.
    pub fn entries(&self) -> &[SearchEntry] {
        &self.entries
    }

    /// Run a query: ranked, ties by id, `offset` and `limit` applied last.
    pub fn search(&self, q: &SearchQuery) -> Vec<SearchHit> {
        self.search_with_total(q).0
    }

    /// [`SearchIndex::search`], also returning how many packs matched before `offset` and
    /// `limit` were applied (for pagination).
    pub fn search_with_total(&self, q: &SearchQuery) -> (Vec<SearchHit>, usize) {
        let text = q.text.trim().to_lowercase();
        let terms: Vec<&str> = text.split_whitespace().collect();
        let category = q.category.as_ref().map(|c| c.to_lowercase());
        let keyword = q.keyword.as_ref().map(|k| k.to_lowercase());
        let mut hits: Vec<(Rank, &str, usize)> = Vec::new();
        for (i, (e, p)) in self.entries.iter().zip(&self.prepared).enumerate() {
            if let Some(c) = &category
                && !e.categories.iter().any(|x| x.to_lowercase() == *c)
            {
                continue;
            }
            if let Some(k) = &keyword
                && !e.keywords.iter().any(|x| x.to_lowercase() == *k)
            {
                continue;
            }
            let rank = if terms.is_empty() {
                Some(Rank::All)
            } else {
                terms
                    .iter()
                    .map(|t| rank_term(p, t))
                    .try_fold(Rank::Exact, |worst, r| r.map(|r| worst.max(r)))
            };
            if let Some(rank) = rank {
                hits.push((rank, e.id.as_str(), i));
            }
        }
        hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let total = hits.len();
        let limit = q.limit.unwrap_or(usize::MAX);
        let page = hits
            .into_iter()
            .skip(q.offset)
            .take(limit)
            .filter_map(|(rank, _, i)| {
                self.entries.get(i).map(|e| SearchHit {
                    entry: e.clone(),
                    rank,
                })
            })
            .collect();
        (page, total)
    }
}

fn rank_term(p: &Prepared, t: &str) -> Option<Rank> {
    if p.id == t || p.name == t {
        Some(Rank::Exact)
    } else if p.id.starts_with(t) || p.name.starts_with(t) {
        Some(Rank::Prefix)
    } else if p.id.contains(t) {
        Some(Rank::Substring)
    } else if p.words.iter().any(|w| w.contains(t)) {
        Some(Rank::Keyword)
    } else if p.description.contains(t) {
        Some(Rank::Description)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, kw: &[&str], cat: &[&str], desc: &str) -> SearchEntry {
        SearchEntry {
            id: PackId::parse(id).unwrap(),
            vers: Version::new(1, 0, 0),
            description: desc.into(),
            keywords: kw.iter().map(|s| s.to_string()).collect(),
            categories: cat.iter().map(|s| s.to_string()).collect(),
            license: None,
        }
    }

    fn ids(hits: &[SearchHit]) -> Vec<&str> {
        hits.iter().map(|h| h.entry.id.as_str()).collect()
    }

    fn index() -> SearchIndex {
        SearchIndex::new(vec![
            entry("io.z.describes", &[], &[], "Generates Rust code"),
            entry("io.x.tools", &["rust"], &[], "tools"),
            entry("io.b.rust-models", &[], &["models"], "models"),
            entry("io.a.rusty", &[], &[], "x"),
            entry("io.c.rust", &[], &[], "exact by name"),
            entry("rust.c.other", &[], &["models"], "prefix by id"),
            entry("io.d.trust-me", &[], &[], "substring"),
        ])
    }

    #[test]
    fn ranking_order() {
        let hits = index().search(&SearchQuery::new("Rust"));
        assert_eq!(
            ids(&hits),
            vec![
                "io.c.rust",        // exact name
                "io.a.rusty",       // prefix of name (ties by id)
                "io.b.rust-models", // prefix of name
                "rust.c.other",     // prefix of id
                "io.d.trust-me",    // substring
                "io.x.tools",       // keyword
                "io.z.describes",   // description
            ]
        );
        let ranks: Vec<Rank> = hits.iter().map(|h| h.rank).collect();
        assert_eq!(
            ranks,
            vec![
                Rank::Exact,
                Rank::Prefix,
                Rank::Prefix,
                Rank::Prefix,
                Rank::Substring,
                Rank::Keyword,
                Rank::Description
            ]
        );
    }

    #[test]
    fn limit_offset_and_filters() {
        let idx = index();
        let q = SearchQuery {
            limit: Some(2),
            ..SearchQuery::new("rust")
        };
        assert_eq!(ids(&idx.search(&q)), vec!["io.c.rust", "io.a.rusty"]);
        let q = SearchQuery {
            limit: Some(2),
            offset: 2,
            ..SearchQuery::new("rust")
        };
        assert_eq!(
            ids(&idx.search(&q)),
            vec!["io.b.rust-models", "rust.c.other"]
        );
        let q = SearchQuery {
            category: Some("MODELS".into()),
            ..SearchQuery::new("")
        };
        assert_eq!(
            ids(&idx.search(&q)),
            vec!["io.b.rust-models", "rust.c.other"]
        );
        let q = SearchQuery {
            keyword: Some("rust".into()),
            ..SearchQuery::new("")
        };
        assert_eq!(ids(&idx.search(&q)), vec!["io.x.tools"]);
        assert!(
            idx.search(&SearchQuery::new("nothing-like-this"))
                .is_empty()
        );
        let q = SearchQuery {
            limit: Some(2),
            offset: 1,
            ..SearchQuery::new("rust")
        };
        let (page, total) = idx.search_with_total(&q);
        assert_eq!(ids(&page), vec!["io.a.rusty", "io.b.rust-models"]);
        assert_eq!(total, 7);
        assert_eq!(idx.search(&SearchQuery::new("")).len(), 7);
    }

    #[test]
    fn search_file_round_trip() {
        let f = SearchFile::new(index().entries().to_vec());
        let text = f.to_json();
        assert!(
            text.starts_with("{\"version\":1,\"packs\":[\n{\"id\":\"io.a.rusty\""),
            "{text}"
        );
        assert_eq!(text.lines().count(), 9);
        assert_eq!(
            SearchFile::parse(&text, Path::new("search.json")).unwrap(),
            f
        );
        let empty = SearchFile::new(vec![]).to_json();
        assert_eq!(
            SearchFile::parse(&empty, Path::new("s"))
                .unwrap()
                .packs
                .len(),
            0
        );
    }

    #[test]
    fn multi_word_queries() {
        let idx = index();
        assert_eq!(
            ids(&idx.search(&SearchQuery::new("rust models"))),
            vec!["io.b.rust-models", "rust.c.other"]
        );
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    fn entries() -> Vec<SearchEntry> {
        let mk = |id: &str, d: &str, k: &[&str], c: &[&str]| SearchEntry {
            id: PackId::parse(id).unwrap(),
            vers: Version::new(1, 2, 3),
            description: d.into(),
            keywords: k.iter().map(|s| (*s).to_owned()).collect(),
            categories: c.iter().map(|s| (*s).to_owned()).collect(),
            license: Some("MIT".into()),
        };
        vec![
            mk(
                "io.ggen.rust-models",
                "Serde structs from OWL",
                &["Rust", "serde"],
                &["models"],
            ),
            mk("io.ggen.rust", "The Rust basics", &["rust"], &["lang"]),
            mk(
                "io.acme.typescript",
                "Interfaces, trusted by RUST fans",
                &["ts"],
                &["models"],
            ),
            mk(
                "io.acme.docs",
                "Markdown — données en français",
                &["docs", "Éditions"],
                &["docs"],
            ),
            mk("io.acme.rusty", "Prefix match", &[], &[]),
        ]
    }

    #[test]
    fn same_results_as_the_index() {
        let text = SearchFile::new(entries()).to_json();
        let index = SearchIndex::new(SearchFile::parse(&text, Path::new("s")).unwrap().packs);
        let queries = [
            SearchQuery::new("rust"),
            SearchQuery::new("RUST models"),
            SearchQuery::new(""),
            SearchQuery::new("éditions"),
            SearchQuery::new("données"),
            SearchQuery::new("nothing-matches"),
            SearchQuery {
                category: Some("MODELS".into()),
                ..SearchQuery::new("")
            },
            SearchQuery {
                keyword: Some("serde".into()),
                ..SearchQuery::new("rust")
            },
            SearchQuery {
                limit: Some(1),
                offset: 1,
                ..SearchQuery::new("rust")
            },
        ];
        for q in &queries {
            let fast = search_json(&text, Path::new("s"), q).unwrap();
            assert_eq!(fast, index.search_with_total(q), "{q:?}");
        }
    }

    #[test]
    fn invalid_json_and_invalid_hits_name_the_file() {
        let e = search_json(
            "{\"version\":1,\"packs\":[\n{\"id\":",
            Path::new("search.json"),
            &SearchQuery::new("x"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("search.json:2"), "{e}");
        let bad = "{\"version\":1,\"packs\":[{\"id\":\"Not An Id\",\"vers\":\"1.0.0\"}]}";
        let e = search_json(bad, Path::new("search.json"), &SearchQuery::new("not")).unwrap_err();
        assert!(e.to_string().contains("Not An Id"), "{e}");
    }
}

#[cfg(test)]
mod prefilter_tests {
    use super::*;

    #[test]
    fn pretty_printed_files_take_the_full_parse_and_agree() {
        let e = SearchEntry {
            id: PackId::parse("io.ggen.rust-models").unwrap(),
            vers: Version::new(1, 0, 0),
            description: "Say \"hi\"".into(),
            keywords: vec!["Rust".into()],
            categories: vec![],
            license: None,
        };
        let compact = SearchFile::new(vec![e.clone()]).to_json();
        let pretty = serde_json::to_string_pretty(&SearchFile::new(vec![e])).unwrap();
        for q in ["rust", "\"hi\"", "say", "zzz"] {
            let q = SearchQuery::new(q);
            assert_eq!(
                search_json(&compact, Path::new("s"), &q).unwrap(),
                search_json(&pretty, Path::new("s"), &q).unwrap(),
                "{q:?}"
            );
        }
    }
}
