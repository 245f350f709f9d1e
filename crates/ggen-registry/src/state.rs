//! Shared server state: database, storage, the in-memory index cache and search index, limits
//! and metrics.
//!
//! Index files are rendered from the database once and kept in memory with their ETag. A write
//! on this server refreshes the pack at once; changes made by other servers sharing a
//! PostgreSQL database are picked up by a poller that reads `packs.seq` past the last sequence
//! number it has seen (every `cache.poll_interval_ms`). While the database is unreachable the
//! cached index files, `search.json`, searches and archive downloads of cached packs keep
//! working; anything that needs the database answers 503.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use bytes::Bytes;
use ggen_pack::PackId;
use ggen_pack::index::render_index_file;
use ggen_pack::search::{SearchEntry, SearchFile, SearchHit, SearchIndex, SearchQuery};
use semver::Version;
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::db::{Db, DbError, VersionRow};
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::storage::Storage;

/// A pack's rendered index file.
#[derive(Debug)]
pub struct IndexEntry {
    /// Versions in publication order.
    pub rows: Vec<VersionRow>,
    /// The `index/<id>` text.
    pub body: Bytes,
    /// Strong ETag of `body` (quoted).
    pub etag: String,
}

/// A strong ETag for a body: the first 32 hex digits of its SHA-256, quoted.
pub fn etag_of(body: &[u8]) -> String {
    let hex = ggen_core::hash::sha256_hex(body);
    format!("\"{}\"", hex.get(..32).unwrap_or(&hex))
}

impl IndexEntry {
    fn new(rows: Vec<VersionRow>) -> Self {
        let lines: Vec<_> = rows.iter().map(|r| r.line.clone()).collect();
        let body = Bytes::from(render_index_file(&lines));
        let etag = etag_of(&body);
        Self { rows, body, etag }
    }

    /// The row of a version.
    pub fn find(&self, vers: &Version) -> Option<&VersionRow> {
        self.rows.iter().find(|r| &r.line.vers == vers)
    }
}

#[derive(Default)]
struct SearchState {
    entries: BTreeMap<PackId, SearchEntry>,
    index: Option<Arc<SearchIndex>>,
    file: Option<(Bytes, String)>,
}

/// Everything the handlers share.
pub struct AppState {
    /// The configuration.
    pub config: Config,
    /// The database.
    pub db: Db,
    /// Archive storage.
    pub storage: Storage,
    /// Metrics.
    pub metrics: Metrics,
    /// Per-client-address limiter.
    pub ip_limiter: RateLimiter<IpAddr>,
    /// Per-token limiter.
    pub token_limiter: RateLimiter<i64>,
    /// Bounds the publishes validated at once.
    pub publish_slots: Semaphore,
    /// When the server started.
    pub started: Instant,
    cache: RwLock<HashMap<String, Arc<IndexEntry>>>,
    epoch: AtomicU64,
    search: RwLock<SearchState>,
    last_seq: AtomicI64,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db.kind())
            .field("storage", &self.storage.description())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over an opened database and storage (nothing loaded yet; see
    /// [`AppState::load`]).
    pub fn new(config: Config, db: Db, storage: Storage) -> Self {
        let rl = &config.rate_limit;
        Self {
            ip_limiter: RateLimiter::new(rl.ip_per_second, rl.ip_burst),
            token_limiter: RateLimiter::new(rl.token_per_second, rl.token_burst),
            publish_slots: Semaphore::new(config.limits.max_concurrent_publishes.max(1)),
            config,
            db,
            storage,
            metrics: Metrics::default(),
            started: Instant::now(),
            cache: RwLock::new(HashMap::new()),
            epoch: AtomicU64::new(0),
            search: RwLock::new(SearchState::default()),
            last_seq: AtomicI64::new(0),
        }
    }

    /// Load the search index from the database and remember the change sequence number.
    pub async fn load(&self) -> Result<(), DbError> {
        let seq = self.db.current_seq().await?;
        let lines = self.db.all_lines().await?;
        let mut by_id: BTreeMap<PackId, Vec<_>> = BTreeMap::new();
        for l in lines {
            by_id.entry(l.id.clone()).or_default().push(l);
        }
        let entries = by_id
            .into_iter()
            .filter_map(|(id, lines)| SearchEntry::from_lines(&lines).map(|e| (id, e)))
            .collect();
        if let Ok(mut s) = self.search.write() {
            *s = SearchState {
                entries,
                index: None,
                file: None,
            };
        }
        self.last_seq.store(seq, Ordering::SeqCst);
        Ok(())
    }

    /// A pack's index entry (from the cache, else the database). `None`: unknown pack.
    pub async fn index(&self, id: &PackId) -> Result<Option<Arc<IndexEntry>>, DbError> {
        if let Some(e) = self
            .cache
            .read()
            .ok()
            .and_then(|c| c.get(id.as_str()).cloned())
        {
            return Ok(Some(e));
        }
        let epoch = self.epoch.load(Ordering::SeqCst);
        let Some(rows) = self.db.versions(id.as_str()).await? else {
            return Ok(None);
        };
        let entry = Arc::new(IndexEntry::new(rows));
        if let Ok(mut c) = self.cache.write()
            && self.epoch.load(Ordering::SeqCst) == epoch
        {
            c.insert(id.as_str().to_owned(), entry.clone());
        }
        Ok(Some(entry))
    }

    /// Forget a pack's cached index and reload its search entry from the database.
    pub async fn refresh(&self, id: &str) -> Result<(), DbError> {
        self.invalidate(id);
        let rows = self.db.versions(id).await?;
        let Ok(pid) = PackId::parse(id) else {
            return Ok(());
        };
        let entry = rows.and_then(|rows| {
            let lines: Vec<_> = rows.into_iter().map(|r| r.line).collect();
            SearchEntry::from_lines(&lines)
        });
        if let Ok(mut s) = self.search.write() {
            match entry {
                Some(e) => {
                    s.entries.insert(pid, e);
                }
                None => {
                    s.entries.remove(&pid);
                }
            }
            s.index = None;
            s.file = None;
        }
        Ok(())
    }

    fn invalidate(&self, id: &str) {
        if let Ok(mut c) = self.cache.write() {
            self.epoch.fetch_add(1, Ordering::SeqCst);
            c.remove(id);
        }
    }

    /// Apply changes made since the last poll (by this or another server). Returns how many
    /// packs were refreshed.
    pub async fn poll_changes(&self) -> Result<usize, DbError> {
        let since = self.last_seq.load(Ordering::SeqCst);
        let changes = self.db.changes_since(since).await?;
        let n = changes.len();
        for (id, seq) in changes {
            self.refresh(&id).await?;
            self.last_seq.fetch_max(seq, Ordering::SeqCst);
        }
        Ok(n)
    }

    fn search_index(&self) -> Option<Arc<SearchIndex>> {
        if let Some(i) = self.search.read().ok().and_then(|s| s.index.clone()) {
            return Some(i);
        }
        let mut s = self.search.write().ok()?;
        if s.index.is_none() {
            s.index = Some(Arc::new(SearchIndex::new(
                s.entries.values().cloned().collect(),
            )));
        }
        s.index.clone()
    }

    /// Ranked search (the client's ranking), with the number of matches before paging.
    pub fn search(&self, q: &SearchQuery) -> (Vec<SearchHit>, usize) {
        self.search_index()
            .map(|i| i.search_with_total(q))
            .unwrap_or_default()
    }

    /// `search.json` and its ETag.
    pub fn search_file(&self) -> (Bytes, String) {
        if let Some(f) = self.search.read().ok().and_then(|s| s.file.clone()) {
            return f;
        }
        let Ok(mut s) = self.search.write() else {
            return (Bytes::new(), etag_of(b""));
        };
        let text = SearchFile::new(s.entries.values().cloned().collect()).to_json();
        let body = Bytes::from(text);
        let f = (body.clone(), etag_of(&body));
        s.file = Some(f.clone());
        f
    }

    /// Packs with at least one non-yanked version.
    pub fn visible_packs(&self) -> usize {
        self.search.read().map(|s| s.entries.len()).unwrap_or(0)
    }

    /// Index files held in memory.
    pub fn cached_indexes(&self) -> usize {
        self.cache.read().map(|c| c.len()).unwrap_or(0)
    }
}
