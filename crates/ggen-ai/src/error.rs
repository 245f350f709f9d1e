//! Errors of the AI layer. Messages never contain API keys: provider messages are scrubbed of
//! the key before they are stored (see [`crate::secret::ApiKey::scrub`]).

use std::path::PathBuf;
use std::time::Duration;

use ggen_core::{Diagnostic, Location};

/// Errors from configuring a provider, talking to it, or reading inputs for the AI commands.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AiError {
    /// A configuration value is invalid (config file, environment or flag).
    #[error("invalid AI configuration: {setting} ({origin}): {message}")]
    Config {
        /// The setting, e.g. `temperature`.
        setting: &'static str,
        /// Where the value came from, e.g. `[ai] in config.toml`, `GGEN_AI_PROVIDER`, `--timeout`.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// No provider was configured anywhere.
    #[error(
        "no AI provider configured: set GGEN_AI_PROVIDER, `provider` in the [ai] section of the config file, or pass --provider (openai, anthropic, ollama, mock)"
    )]
    NoProvider,
    /// The provider needs an API key and the environment variable holding it is not set.
    #[error("the {provider} provider needs an API key: set the environment variable {env}")]
    MissingApiKey {
        /// Provider name.
        provider: &'static str,
        /// The environment variable that should hold it.
        env: String,
    },
    /// HTTP 401/403: the key was rejected.
    #[error(
        "{provider} rejected the request (HTTP {status}): {message}; check your API key ({key_hint})"
    )]
    Auth {
        /// Provider name.
        provider: &'static str,
        /// 401 or 403.
        status: u16,
        /// The provider's own message.
        message: String,
        /// Where the key comes from (an environment variable name), never the key.
        key_hint: String,
    },
    /// HTTP 404: wrong model or wrong base URL.
    #[error(
        "{provider} answered HTTP 404 for {url}: {message}; check the model name (`{model}`) and the base URL"
    )]
    NotFound {
        /// Provider name.
        provider: &'static str,
        /// The URL that was requested.
        url: String,
        /// The model that was asked for.
        model: String,
        /// The provider's own message.
        message: String,
    },
    /// HTTP 400 (or 422): the provider did not accept the request.
    #[error("{provider} refused the request (HTTP {status}): {message}")]
    BadRequest {
        /// Provider name.
        provider: &'static str,
        /// The status.
        status: u16,
        /// The provider's own message.
        message: String,
    },
    /// HTTP 429 on every attempt.
    #[error("{provider} is rate limiting requests (HTTP 429, {attempts} attempts): {message}")]
    RateLimited {
        /// Provider name.
        provider: &'static str,
        /// How many requests were made.
        attempts: u32,
        /// The provider's own message.
        message: String,
    },
    /// HTTP 5xx on every attempt.
    #[error("{provider} failed (HTTP {status}, {attempts} attempts): {message}")]
    Server {
        /// Provider name.
        provider: &'static str,
        /// The last status.
        status: u16,
        /// How many requests were made.
        attempts: u32,
        /// The provider's own message.
        message: String,
    },
    /// Any other unexpected HTTP status.
    #[error("{provider} answered HTTP {status}: {message}")]
    Http {
        /// Provider name.
        provider: &'static str,
        /// The status.
        status: u16,
        /// The provider's own message.
        message: String,
    },
    /// No complete answer within the timeout.
    #[error("{provider} did not answer within {}s (raise `timeout` in [ai], or pass --timeout)", after.as_secs_f64())]
    Timeout {
        /// Provider name.
        provider: &'static str,
        /// The configured timeout.
        after: Duration,
    },
    /// The connection failed (DNS, refused, TLS, reset).
    #[error("cannot reach {provider} at {url}: {message}")]
    Network {
        /// Provider name.
        provider: &'static str,
        /// The URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// The answer was not what the provider's API promises (invalid JSON, missing fields).
    #[error("{provider} sent an invalid response: {message}")]
    InvalidResponse {
        /// Provider name.
        provider: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The answer had no text.
    #[error("{provider} sent a response with no content{}", detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    EmptyResponse {
        /// Provider name.
        provider: &'static str,
        /// The finish reason or refusal, when the provider gave one.
        detail: Option<String>,
    },
    /// The mock provider's scripted responses file is invalid.
    #[error("{location}: invalid mock responses file: {message}")]
    MockResponses {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Loading RDF or running SPARQL failed (for inputs the user gave, not model output).
    #[error(transparent)]
    Graph(#[from] ggen_graph::GraphError),
    /// Reading SHACL shapes failed.
    #[error(transparent)]
    Shacl(#[from] ggen_shacl::ShaclError),
    /// An option is out of range.
    #[error("{0}")]
    InvalidOption(String),
}

impl AiError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

impl Diagnostic for AiError {
    fn code(&self) -> &'static str {
        match self {
            Self::Config { .. } => "ai-config",
            Self::NoProvider => "ai-no-provider",
            Self::MissingApiKey { .. } => "ai-missing-key",
            Self::Auth { .. } => "ai-auth",
            Self::NotFound { .. } => "ai-not-found",
            Self::BadRequest { .. } => "ai-bad-request",
            Self::RateLimited { .. } => "ai-rate-limited",
            Self::Server { .. } => "ai-server-error",
            Self::Http { .. } => "ai-http",
            Self::Timeout { .. } => "ai-timeout",
            Self::Network { .. } => "ai-network",
            Self::InvalidResponse { .. } => "ai-invalid-response",
            Self::EmptyResponse { .. } => "ai-empty-response",
            Self::MockResponses { .. } => "ai-mock-responses",
            Self::Io { .. } => "io",
            Self::Graph(e) => e.code(),
            Self::Shacl(e) => e.code(),
            Self::InvalidOption(_) => "usage",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::MockResponses { location, .. } => Some(location),
            Self::Graph(e) => e.location(),
            Self::Shacl(e) => e.location(),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::NoProvider => Some(
                "for an offline try-out: GGEN_AI_PROVIDER=mock ggen ai … --mock-responses replies.yaml"
                    .into(),
            ),
            Self::Auth { key_hint, .. } => Some(format!(
                "check your API key: is {key_hint} set to a valid, unexpired key for this provider?"
            )),
            Self::Timeout { .. } => Some("slow models need a larger --timeout".into()),
            Self::Network { .. } => {
                Some("is the server running, and is the base URL (--base-url) right?".into())
            }
            Self::Graph(e) => e.help(),
            Self::Shacl(e) => e.help(),
            _ => None,
        }
    }
}
