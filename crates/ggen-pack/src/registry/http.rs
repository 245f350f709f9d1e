//! A registry served over HTTP(S): static hosting or the registry server.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use semver::Version;

use super::wire::{
    ErrorBody, PUBLISH_CONTENT_TYPE, PublishResponse, SearchResponse, encode_publish,
};
use super::{Registry, RegistryError};
use crate::id::PackId;
use crate::index::{IndexLine, RegistryConfig, parse_index_file};
use crate::search::{SearchFile, SearchHit, SearchQuery};

/// Settings of HTTP registries.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Directory caching this registry's `config.json`, index files and `search.json` with
    /// their ETags (normally [`crate::cache::Cache::index_dir`]); `None`: no caching.
    pub cache_dir: Option<PathBuf>,
    /// Use only cached index data and never touch the network.
    pub offline: bool,
    /// Timeout of one whole request, body included.
    pub timeout: Duration,
    /// Timeout of connection set-up.
    pub connect_timeout: Duration,
    /// Retries after a timeout, connection failure, HTTP 429 or 5xx.
    pub retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub backoff: Duration,
    /// Largest index file, `config.json` or `search.json` accepted.
    pub max_index_bytes: u64,
    /// Largest archive accepted.
    pub max_archive_bytes: u64,
    /// Bearer token sent with every request (private registries), if any.
    pub token: Option<String>,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            cache_dir: None,
            offline: false,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_millis(250),
            max_index_bytes: 10 * 1024 * 1024,
            max_archive_bytes: crate::archive::Limits::default().max_archive_bytes,
            token: None,
            user_agent: format!("ggen-pack/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

fn agent(opts: &HttpOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .timeout_connect(Some(opts.connect_timeout))
        .http_status_as_error(false)
        .user_agent(opts.user_agent.as_str())
        .build()
        .into()
}

enum Fetched {
    Body { body: Vec<u8>, etag: Option<String> },
    NotModified,
    NotFound,
}

fn retryable(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Timeout(_)
            | ureq::Error::Io(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled
    )
}

fn server_message(resp: &mut ureq::http::Response<ureq::Body>) -> String {
    let text = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(b) => format!("{} ({})", b.error.message, b.error.code),
        Err(_) => text.chars().take(200).collect::<String>().trim().to_owned(),
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Perform a GET with retries and backoff.
fn get(
    agent: &ureq::Agent,
    opts: &HttpOptions,
    url: &str,
    etag: Option<&str>,
    limit: u64,
) -> Result<Fetched, RegistryError> {
    let attempts = opts.retries.saturating_add(1);
    let mut last = String::new();
    for attempt in 0..attempts {
        if attempt > 0 {
            let factor = 1u32.checked_shl(attempt - 1).unwrap_or(u32::MAX);
            std::thread::sleep(opts.backoff.saturating_mul(factor));
        }
        let mut req = agent.get(url);
        if let Some(t) = &opts.token {
            req = req.header("Authorization", bearer(t));
        }
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        let mut resp = match req.call() {
            Ok(r) => r,
            Err(e) if retryable(&e) => {
                last = e.to_string();
                continue;
            }
            Err(e) => {
                return Err(RegistryError::Network {
                    url: url.to_owned(),
                    message: e.to_string(),
                    attempts: attempt + 1,
                });
            }
        };
        let status = resp.status().as_u16();
        match status {
            200 => {
                let etag = resp
                    .headers()
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                match resp.body_mut().with_config().limit(limit).read_to_vec() {
                    Ok(body) => return Ok(Fetched::Body { body, etag }),
                    Err(ureq::Error::BodyExceedsLimit(_)) => {
                        return Err(RegistryError::Malformed {
                            what: "response",
                            message: format!("{url} is larger than {limit} bytes"),
                        });
                    }
                    Err(e) if retryable(&e) => {
                        last = e.to_string();
                        continue;
                    }
                    Err(e) => {
                        return Err(RegistryError::Network {
                            url: url.to_owned(),
                            message: e.to_string(),
                            attempts: attempt + 1,
                        });
                    }
                }
            }
            304 => return Ok(Fetched::NotModified),
            404 | 410 => return Ok(Fetched::NotFound),
            401 => {
                return Err(RegistryError::Unauthorized {
                    url: url.to_owned(),
                });
            }
            403 => {
                return Err(RegistryError::Forbidden {
                    url: url.to_owned(),
                });
            }
            429 | 500..=599 => {
                last = format!("HTTP {status}");
                continue;
            }
            _ => {
                return Err(RegistryError::Http {
                    url: url.to_owned(),
                    status,
                    message: server_message(&mut resp),
                });
            }
        }
    }
    Err(RegistryError::Network {
        url: url.to_owned(),
        message: last,
        attempts,
    })
}

/// An HTTP(S) registry using the sparse protocol: it fetches `config.json` and only the
/// `index/<id>` files it is asked for, revalidating cached copies with `If-None-Match`.
pub struct HttpRegistry {
    base: String,
    source: String,
    agent: ureq::Agent,
    opts: HttpOptions,
    config: OnceLock<RegistryConfig>,
}

impl std::fmt::Debug for HttpRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRegistry")
            .field("base", &self.base)
            .field("offline", &self.opts.offline)
            .finish_non_exhaustive()
    }
}

/// Cached body with its ETag, stored in one file (`etag:<value>\n<body>`) so the two can never
/// be out of step.
fn encode_cached(etag: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = format!("etag:{}\n", etag.unwrap_or_default()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn decode_cached(bytes: &[u8]) -> Option<(Option<String>, Vec<u8>)> {
    let nl = bytes.iter().position(|b| *b == b'\n')?;
    let (head, rest) = bytes.split_at(nl);
    let etag = std::str::from_utf8(head).ok()?.strip_prefix("etag:")?;
    let body = rest.get(1..)?.to_vec();
    Some(((!etag.is_empty()).then(|| etag.to_owned()), body))
}

impl HttpRegistry {
    /// A registry at `url` (`http://` or `https://`). The lockfile source is `registry+<url>`.
    pub fn new(url: &str, opts: HttpOptions) -> Result<Self, RegistryError> {
        if !super::is_http_location(url) {
            return Err(RegistryError::InvalidLocation {
                location: url.to_owned(),
                message: "expected an http:// or https:// URL".into(),
            });
        }
        let mut base = url.to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Self {
            agent: agent(&opts),
            source: format!("registry+{url}"),
            base,
            opts,
            config: OnceLock::new(),
        })
    }

    fn url(&self, rel: &str) -> String {
        format!("{}{rel}", self.base)
    }

    /// GET `rel` below the base URL, using and refreshing the ETag cache. `None` on 404.
    fn fetch_cached(&self, rel: &str, limit: u64) -> Result<Option<Vec<u8>>, RegistryError> {
        let url = self.url(rel);
        let file = self
            .opts
            .cache_dir
            .as_ref()
            .map(|d| rel.split('/').fold(d.clone(), |p, c| p.join(c)));
        let cached = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|b| decode_cached(&b));
        if self.opts.offline {
            return match cached {
                Some((_, body)) => Ok(Some(body)),
                None => Err(RegistryError::Offline { what: url }),
            };
        }
        let etag = cached.as_ref().and_then(|(e, _)| e.as_deref());
        match get(&self.agent, &self.opts, &url, etag, limit)? {
            Fetched::Body { body, etag } => {
                if let Some(f) = &file {
                    crate::fsutil::write_atomic_shared(f, &encode_cached(etag.as_deref(), &body))
                        .map_err(|source| RegistryError::Io {
                        path: f.clone(),
                        source,
                    })?;
                }
                Ok(Some(body))
            }
            Fetched::NotModified => match cached {
                Some((_, body)) => Ok(Some(body)),
                None => Err(RegistryError::Http {
                    url,
                    status: 304,
                    message: "not modified, but nothing is cached".into(),
                }),
            },
            Fetched::NotFound => {
                if let Some(f) = &file {
                    let _ = std::fs::remove_file(f);
                }
                Ok(None)
            }
        }
    }

    /// The registry's `config.json` (fetched once).
    pub fn config(&self) -> Result<&RegistryConfig, RegistryError> {
        if let Some(c) = self.config.get() {
            return Ok(c);
        }
        let body = self
            .fetch_cached("config.json", self.opts.max_index_bytes)?
            .ok_or_else(|| RegistryError::NotFound {
                what: self.url("config.json"),
            })?;
        let text = String::from_utf8_lossy(&body);
        let c = RegistryConfig::parse(&text, std::path::Path::new(&self.url("config.json")))?;
        Ok(self.config.get_or_init(|| c))
    }

    fn search_file(&self) -> Result<Option<SearchFile>, RegistryError> {
        let Some(body) = self.fetch_cached("search.json", self.opts.max_index_bytes)? else {
            return Ok(None);
        };
        let url = self.url("search.json");
        Ok(Some(SearchFile::parse(
            &String::from_utf8_lossy(&body),
            std::path::Path::new(&url),
        )?))
    }
}

impl Registry for HttpRegistry {
    fn source(&self) -> &str {
        &self.source
    }

    fn index(&self, id: &PackId) -> Result<Option<Vec<IndexLine>>, RegistryError> {
        let rel = format!("index/{id}");
        let Some(body) = self.fetch_cached(&rel, self.opts.max_index_bytes)? else {
            return Ok(None);
        };
        let url = self.url(&rel);
        Ok(Some(parse_index_file(
            &String::from_utf8_lossy(&body),
            std::path::Path::new(&url),
            id,
        )?))
    }

    fn download(&self, id: &PackId, version: &Version) -> Result<Vec<u8>, RegistryError> {
        let dl = self.config()?.download_path(id, version);
        let url = if super::is_http_location(&dl) {
            dl
        } else {
            self.url(dl.trim_start_matches('/'))
        };
        if self.opts.offline {
            return Err(RegistryError::Offline { what: url });
        }
        match get(
            &self.agent,
            &self.opts,
            &url,
            None,
            self.opts.max_archive_bytes,
        )? {
            Fetched::Body { body, .. } => Ok(body),
            Fetched::NotFound | Fetched::NotModified => Err(RegistryError::NotFound { what: url }),
        }
    }

    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, RegistryError> {
        let api = if self.opts.offline {
            None
        } else {
            self.config()?.api.clone()
        };
        if let Some(api) = api {
            let url = format!("{}/search", api.trim_end_matches('/'));
            let mut req = self.agent.get(&url).query("q", &query.text);
            if let Some(t) = &self.opts.token {
                req = req.header("Authorization", bearer(t));
            }
            if let Some(c) = &query.category {
                req = req.query("category", c);
            }
            if let Some(k) = &query.keyword {
                req = req.query("keyword", k);
            }
            if let Some(l) = query.limit {
                req = req.query("limit", l.to_string());
            }
            if query.offset > 0 {
                req = req.query("offset", query.offset.to_string());
            }
            let mut resp = req.call().map_err(|e| RegistryError::Network {
                url: url.clone(),
                message: e.to_string(),
                attempts: 1,
            })?;
            let status = resp.status().as_u16();
            if status != 200 {
                return Err(RegistryError::Http {
                    message: server_message(&mut resp),
                    url,
                    status,
                });
            }
            let text = resp
                .body_mut()
                .with_config()
                .limit(self.opts.max_index_bytes)
                .read_to_string()
                .map_err(|e| RegistryError::Network {
                    url: url.clone(),
                    message: e.to_string(),
                    attempts: 1,
                })?;
            let r: SearchResponse =
                serde_json::from_str(&text).map_err(|e| RegistryError::Malformed {
                    what: "search response",
                    message: e.to_string(),
                })?;
            return Ok(r.hits);
        }
        let url = self.url("search.json");
        let Some(body) = self.fetch_cached("search.json", self.opts.max_index_bytes)? else {
            return Err(RegistryError::NotFound { what: url });
        };
        Ok(crate::search::search_json(
            &String::from_utf8_lossy(&body),
            std::path::Path::new(&url),
            query,
        )?
        .0)
    }

    fn pack_ids(&self) -> Result<Vec<String>, RegistryError> {
        match self.search_file() {
            Ok(Some(f)) => Ok(f.packs.into_iter().map(|e| e.id.to_string()).collect()),
            Ok(None) | Err(RegistryError::Offline { .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    fn is_remote(&self) -> bool {
        true
    }
}

fn api_call_error(
    url: &str,
    status: u16,
    resp: &mut ureq::http::Response<ureq::Body>,
) -> RegistryError {
    match status {
        401 => RegistryError::Unauthorized {
            url: url.to_owned(),
        },
        403 => RegistryError::Forbidden {
            url: url.to_owned(),
        },
        _ => RegistryError::Http {
            url: url.to_owned(),
            status,
            message: server_message(resp),
        },
    }
}

/// Publish to a registry server: `PUT <api>/packs` with `Authorization: Bearer <token>` and the
/// body described in [`super::wire`]. HTTP 409 means the version exists.
pub fn publish_http(
    api: &str,
    token: &str,
    line: &IndexLine,
    archive: &[u8],
    opts: &HttpOptions,
) -> Result<PublishResponse, RegistryError> {
    let url = format!("{}/packs", api.trim_end_matches('/'));
    let body = encode_publish(line, archive)?;
    let mut resp = agent(opts)
        .put(&url)
        .header("Authorization", bearer(token))
        .header("Content-Type", PUBLISH_CONTENT_TYPE)
        .send(body.as_slice())
        .map_err(|e| RegistryError::Network {
            url: url.clone(),
            message: e.to_string(),
            attempts: 1,
        })?;
    let status = resp.status().as_u16();
    match status {
        200 | 201 => {
            let text = resp
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_string()
                .map_err(|e| RegistryError::Network {
                    url: url.clone(),
                    message: e.to_string(),
                    attempts: 1,
                })?;
            serde_json::from_str(&text).map_err(|e| RegistryError::Malformed {
                what: "publish response",
                message: e.to_string(),
            })
        }
        409 => Err(RegistryError::VersionExists {
            id: line.id.to_string(),
            version: line.vers.to_string(),
        }),
        _ => Err(api_call_error(&url, status, &mut resp)),
    }
}

/// Yank (`DELETE <api>/packs/<id>/<version>/yank`) or unyank (`PUT` on the same path).
pub fn yank_http(
    api: &str,
    token: &str,
    id: &PackId,
    version: &Version,
    yanked: bool,
    opts: &HttpOptions,
) -> Result<(), RegistryError> {
    let url = format!("{}/packs/{id}/{version}/yank", api.trim_end_matches('/'));
    let a = agent(opts);
    let result = if yanked {
        a.delete(&url).header("Authorization", bearer(token)).call()
    } else {
        a.put(&url)
            .header("Authorization", bearer(token))
            .send_empty()
    };
    let mut resp = result.map_err(|e| RegistryError::Network {
        url: url.clone(),
        message: e.to_string(),
        attempts: 1,
    })?;
    let status = resp.status().as_u16();
    match status {
        200 | 204 => Ok(()),
        404 => Err(RegistryError::UnknownVersion {
            id: id.to_string(),
            version: version.to_string(),
        }),
        _ => Err(api_call_error(&url, status, &mut resp)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_format_round_trip() {
        let b = encode_cached(Some("\"abc\""), b"line1\nline2\n");
        assert_eq!(
            decode_cached(&b),
            Some((Some("\"abc\"".to_owned()), b"line1\nline2\n".to_vec()))
        );
        assert_eq!(
            decode_cached(&encode_cached(None, b"")),
            Some((None, vec![]))
        );
        assert_eq!(decode_cached(b"garbage"), None);
    }
}
