//! Remote SPARQL 1.1 endpoints: queries run on an existing SPARQL service through the SPARQL 1.1
//! Protocol, and the results come back as the same [`QueryOutput`] a local [`Graph`] gives.
//!
//! - Requests: `POST` with `Content-Type: application/sparql-query` (or a form-encoded `POST`
//!   with [`RequestMethod::Form`], or `GET ?query=` with [`RequestMethod::Get`]);
//!   `default-graph-uri` / `named-graph-uri` parameters from the configuration (or already in
//!   the URL's query string).
//! - Answers: SPARQL 1.1 Query Results JSON (XML and TSV are accepted too) for SELECT and ASK;
//!   N-Triples (Turtle and RDF/XML accepted) for CONSTRUCT and DESCRIBE.
//! - The query is parsed locally first (syntax errors with positions, the query form, whether
//!   it has ORDER BY); the text sent declares the caller's prefixes and base, since the server
//!   knows neither. Solutions of a query without ORDER BY are sorted exactly as
//!   [`Graph::query`] sorts them, so local and remote runs render identically.
//! - Credentials come from environment variables (bearer token or `user:password`); their
//!   values never appear in errors, logs or `Debug` output.
//! - 5xx answers are retried with exponential backoff; timeouts, refused connections and 4xx
//!   answers are not.
//! - Answers are cached per [`RemoteEndpoint`] by query text: one generation run asks each
//!   distinct query once, and [`RemoteEndpoint::results_digest`] hashes what it saw.
//!
//! [`Graph`]: crate::Graph
//! [`Graph::query`]: crate::Graph::query

mod error;
mod http;
mod json;
mod prologue;
mod results;
#[cfg(feature = "test-server")]
pub mod testing;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use spargebra::Query;

pub use error::{EndpointError, redact_url};

use crate::error::GraphError;
use crate::query::{QueryOptions, QueryOutput, has_order_by, parse_query};

/// How queries are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestMethod {
    /// `POST` with the query as an `application/sparql-query` body (the default).
    #[default]
    Post,
    /// `POST` with an `application/x-www-form-urlencoded` body (`query=…`): the form every
    /// server accepts (Virtuoso 7.2 never answers direct POST requests).
    Form,
    /// `GET` with the query in the `query` URL parameter (for servers or proxies without POST
    /// support; long queries may exceed URL length limits).
    Get,
}

impl RequestMethod {
    /// Parse `post`, `form` or `get` (any case).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "post" => Some(Self::Post),
            "form" => Some(Self::Form),
            "get" => Some(Self::Get),
            _ => None,
        }
    }

    /// The accepted names.
    pub const NAMES: &'static str = "post, form, get";
}

/// Where the credentials for an endpoint come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EndpointAuth {
    /// No `Authorization` header.
    #[default]
    None,
    /// `Authorization: Bearer <value of the variable>`.
    BearerEnv(String),
    /// `Authorization: Basic …` from `user:password` in the variable.
    BasicEnv(String),
}

impl EndpointAuth {
    fn var(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::BearerEnv(v) | Self::BasicEnv(v) => Some(v),
        }
    }
}

/// Default overall time limit of one request (seconds).
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// Default connect time limit (seconds).
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 10;
/// Default number of retries after a 5xx answer.
pub const DEFAULT_RETRIES: u32 = 2;

/// How to reach an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointConfig {
    /// The endpoint URL (`http://` or `https://`); its query string is kept.
    pub url: String,
    /// Credentials.
    pub auth: EndpointAuth,
    /// `default-graph-uri` parameters: the dataset's default graph is the merge of these.
    pub default_graphs: Vec<String>,
    /// `named-graph-uri` parameters.
    pub named_graphs: Vec<String>,
    /// POST (default) or GET.
    pub method: RequestMethod,
    /// Limit for connecting (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Limit for one whole request, response body included.
    pub timeout: Duration,
    /// Retries after a 5xx answer.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub retry_backoff: Duration,
}

impl EndpointConfig {
    /// A configuration with the defaults: POST, no credentials, 10 s connect and 60 s overall
    /// timeouts, 2 retries starting at 500 ms.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            auth: EndpointAuth::None,
            default_graphs: Vec::new(),
            named_graphs: Vec::new(),
            method: RequestMethod::Post,
            connect_timeout: Duration::from_secs(DEFAULT_CONNECT_TIMEOUT_SECS),
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            retries: DEFAULT_RETRIES,
            retry_backoff: Duration::from_millis(500),
        }
    }

    /// Set the credentials.
    #[must_use]
    pub fn with_auth(mut self, auth: EndpointAuth) -> Self {
        self.auth = auth;
        self
    }

    /// Add a `default-graph-uri`.
    #[must_use]
    pub fn with_default_graph(mut self, iri: impl Into<String>) -> Self {
        self.default_graphs.push(iri.into());
        self
    }

    /// Use GET or POST.
    #[must_use]
    pub fn with_method(mut self, method: RequestMethod) -> Self {
        self.method = method;
        self
    }

    /// Set the overall and connect timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, timeout: Duration, connect: Duration) -> Self {
        self.timeout = timeout;
        self.connect_timeout = connect;
        self
    }

    /// Set the retries after 5xx answers and the first backoff.
    #[must_use]
    pub fn with_retries(mut self, retries: u32, backoff: Duration) -> Self {
        self.retries = retries;
        self.retry_backoff = backoff;
        self
    }

    /// The URL without user-info, for messages and receipts.
    pub fn shown_url(&self) -> String {
        redact_url(&self.url)
    }
}

/// A secret header value that never shows in `Debug` output.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A connection to a remote SPARQL endpoint. Cheap to clone and share (`Send + Sync`); clones
/// share one cache of the answers received, keyed by query text.
#[derive(Debug, Clone)]
pub struct RemoteEndpoint {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: EndpointConfig,
    pub(crate) shown_url: String,
    pub(crate) agent: ureq::Agent,
    pub(crate) authorization: Option<Secret>,
    cache: Mutex<BTreeMap<String, QueryOutput>>,
    pub(crate) requests: AtomicU64,
}

impl RemoteEndpoint {
    /// Check the configuration and read the credentials from the process environment.
    pub fn new(config: EndpointConfig) -> Result<Self, GraphError> {
        Self::with_env(config, |name| std::env::var(name).ok())
    }

    /// Like [`RemoteEndpoint::new`], reading variables through `lookup` (for tests and
    /// embedders that do not want the process environment read).
    pub fn with_env(
        config: EndpointConfig,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, GraphError> {
        http::check_url(&config.url)?;
        if config.timeout.is_zero() || config.connect_timeout.is_zero() {
            return Err(EndpointError::InvalidConfig {
                message: "timeouts must be greater than zero".into(),
            }
            .into());
        }
        let authorization = match &config.auth {
            EndpointAuth::None => None,
            EndpointAuth::BearerEnv(var) => {
                let token = lookup(var)
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| EndpointError::MissingCredentials {
                        var: var.clone(),
                        kind: "bearer",
                    })?;
                Some(Secret(format!("Bearer {}", token.trim())))
            }
            EndpointAuth::BasicEnv(var) => {
                let pair = lookup(var).filter(|v| !v.is_empty()).ok_or_else(|| {
                    EndpointError::MissingCredentials {
                        var: var.clone(),
                        kind: "basic",
                    }
                })?;
                if !pair.contains(':') {
                    return Err(EndpointError::InvalidConfig {
                        message: format!("${var} must hold `user:password`"),
                    }
                    .into());
                }
                Some(Secret(format!("Basic {}", http::base64(pair.as_bytes()))))
            }
        };
        Ok(Self {
            inner: Arc::new(Inner {
                shown_url: config.shown_url(),
                agent: http::agent(&config),
                config,
                authorization,
                cache: Mutex::new(BTreeMap::new()),
                requests: AtomicU64::new(0),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &EndpointConfig {
        &self.inner.config
    }

    /// The URL without user-info.
    pub fn url(&self) -> &str {
        &self.inner.shown_url
    }

    /// How many HTTP requests were made so far (retries included, cache hits excluded).
    pub fn requests(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// How many distinct queries were answered so far.
    pub fn queries(&self) -> usize {
        self.lock_cache().len()
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, QueryOutput>> {
        self.inner
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Run any query on the endpoint. The text is parsed locally with `opts` (prefixes, base,
    /// name and source position for errors) before anything is sent; a time limit in `opts`
    /// ([`QueryOptions::with_timeout`]) lowers the overall timeout of the request.
    pub fn query(&self, text: &str, opts: &QueryOptions) -> Result<QueryOutput, GraphError> {
        let parsed = parse_query(text, opts)?;
        let sent = prologue::with_prologue(text, opts);
        if let Some(hit) = self.lock_cache().get(&sent) {
            return Ok(hit.clone());
        }
        let out = self
            .fetch(&sent, &parsed, opts.timeout())
            .map_err(|e| GraphError::Endpoint {
                name: opts.name().map(str::to_owned),
                location: opts.location(),
                source: e,
            })?;
        self.lock_cache().insert(sent, out.clone());
        Ok(out)
    }

    /// Send and read one query; `limit` (the query's own time limit, from
    /// [`QueryOptions::with_timeout`]) lowers the overall timeout for this request.
    fn fetch(
        &self,
        sent: &str,
        parsed: &Query,
        limit: Option<Duration>,
    ) -> Result<QueryOutput, EndpointError> {
        let form = results::Form::of(parsed);
        let inner = &self.inner;
        let mut config = inner.config.clone();
        if let Some(l) = limit.filter(|l| !l.is_zero()) {
            config.timeout = config.timeout.min(l);
        }
        let response = http::send(inner, &config, sent, form)?;
        let mut out = results::read(response, form, parsed, &inner.shown_url, &config)?;
        match &mut out {
            QueryOutput::Solutions(s) => {
                if !has_order_by(parsed) {
                    results::sort_rows(&mut s.rows);
                }
            }
            QueryOutput::Graph(t) => t.sort_by_cached_key(ToString::to_string),
            QueryOutput::Boolean(_) => {}
        }
        Ok(out)
    }

    /// SHA-256 (hex) over every distinct query answered so far and its answer (solutions in
    /// N-Triples term form), in query-text order: what a receipt can record instead of the
    /// canonical hash of a dataset that was never loaded. `None` before the first query.
    pub fn results_digest(&self) -> Option<String> {
        let cache = self.lock_cache();
        if cache.is_empty() {
            return None;
        }
        let mut h = ggen_core::hash::Sha256Hasher::new();
        for (query, out) in cache.iter() {
            h.update(format!("query {}\n", query.len()));
            h.update(query);
            h.update("\n");
            results::digest_into(out, &mut h);
        }
        Some(h.finish_hex())
    }
}
