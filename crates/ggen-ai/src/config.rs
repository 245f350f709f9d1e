//! Provider settings: the `[ai]` section of the config file, then the environment, then
//! command-line flags, in that order of precedence.
//!
//! ```toml
//! [ai]
//! provider = "openai"            # openai | anthropic | ollama | mock
//! model = "gpt-4o-mini"
//! base_url = "http://localhost:8000/v1"   # any OpenAI-compatible server
//! api_key_env = "MY_OPENAI_KEY"  # the variable holding the key (default per provider)
//! timeout = 120                  # seconds
//! max_tokens = 4096              # optional
//! temperature = 0.2              # optional
//! retries = 3                    # retries on 429/5xx
//! mock_responses = "replies.yaml" # mock provider only
//! ```
//!
//! Environment: `GGEN_AI_PROVIDER`, `GGEN_AI_MODEL`, `GGEN_AI_BASE_URL`, `OLLAMA_HOST` (ollama
//! only), and the key variables `OPENAI_API_KEY` / `ANTHROPIC_API_KEY` (or the one `api_key_env`
//! names). Keys are only ever read from the environment, never from the file or a flag.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::error::AiError;
use crate::secret::ApiKey;

/// Which API a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenAI chat completions (also Azure OpenAI, vLLM, LM Studio, llama.cpp server, …).
    OpenAi,
    /// Anthropic Messages API.
    Anthropic,
    /// Ollama `/api/chat`.
    Ollama,
    /// Offline, deterministic, scripted replies.
    Mock,
}

impl ProviderKind {
    /// All kinds, for messages.
    pub const NAMES: &'static str = "openai, anthropic, ollama, mock";

    /// Parse a provider name (case-insensitive; `openai-compatible` and `claude` are accepted).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "openai" | "openai-compatible" | "openai_compatible" => Some(Self::OpenAi),
            "anthropic" | "claude" => Some(Self::Anthropic),
            "ollama" => Some(Self::Ollama),
            "mock" => Some(Self::Mock),
            _ => None,
        }
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Ollama => "ollama",
            Self::Mock => "mock",
        }
    }

    /// The model used when none is configured.
    pub fn default_model(self) -> &'static str {
        match self {
            Self::OpenAi => "gpt-4o-mini",
            Self::Anthropic => "claude-sonnet-4-5",
            Self::Ollama => "llama3.2",
            Self::Mock => "mock",
        }
    }

    /// The base URL used when none is configured.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::OpenAi => "https://api.openai.com/v1",
            Self::Anthropic => "https://api.anthropic.com",
            Self::Ollama => "http://localhost:11434",
            Self::Mock => "mock:",
        }
    }

    /// The environment variable holding the key when `api_key_env` is not set.
    pub fn default_key_env(self) -> Option<&'static str> {
        match self {
            Self::OpenAi => Some("OPENAI_API_KEY"),
            Self::Anthropic => Some("ANTHROPIC_API_KEY"),
            Self::Ollama | Self::Mock => None,
        }
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Retries on HTTP 429 and 5xx: exponential backoff from `base_delay` (doubling, capped at
/// `max_delay`) with up to 50% random jitter added, or the server's `Retry-After` when it sends
/// one (honoured up to `max_retry_after`; a longer wait is reported as an error instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = no retries).
    pub max_retries: u32,
    /// First backoff delay.
    pub base_delay: Duration,
    /// Largest backoff delay.
    pub max_delay: Duration,
    /// Longest `Retry-After` that is waited for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Fully resolved provider settings.
#[derive(Debug, Clone)]
pub struct AiSettings {
    /// The provider.
    pub provider: ProviderKind,
    /// The model name sent with every request.
    pub model: String,
    /// Base URL (no trailing slash).
    pub base_url: String,
    /// The key (from the environment), if any.
    pub api_key: Option<ApiKey>,
    /// The environment variable the key is read from (for messages), if the provider uses one.
    pub api_key_env: Option<String>,
    /// Timeout for one request (for streams: for the response to start and between chunks).
    pub timeout: Duration,
    /// `max_tokens` sent with requests (Anthropic requires one: 4096 when unset).
    pub max_tokens: Option<u32>,
    /// `temperature` sent with requests when set.
    pub temperature: Option<f64>,
    /// Retries on 429/5xx.
    pub retry: RetryPolicy,
    /// Scripted replies for the mock provider.
    pub mock_responses: Option<PathBuf>,
}

impl AiSettings {
    /// Settings for a provider with its defaults and no key (useful in tests and for `mock`).
    pub fn new(provider: ProviderKind) -> Self {
        Self {
            provider,
            model: provider.default_model().to_owned(),
            base_url: provider.default_base_url().to_owned(),
            api_key: None,
            api_key_env: provider.default_key_env().map(str::to_owned),
            timeout: DEFAULT_TIMEOUT,
            max_tokens: None,
            temperature: None,
            retry: RetryPolicy::default(),
            mock_responses: None,
        }
    }

    /// Whether the base URL is the provider's official endpoint (where a key is mandatory).
    pub fn is_default_endpoint(&self) -> bool {
        self.base_url == self.provider.default_base_url()
    }
}

/// Default request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Values given on the command line (highest precedence).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--provider`
    pub provider: Option<String>,
    /// `--model`
    pub model: Option<String>,
    /// `--base-url`
    pub base_url: Option<String>,
    /// `--max-tokens`
    pub max_tokens: Option<u32>,
    /// `--temperature`
    pub temperature: Option<f64>,
    /// `--timeout` in seconds
    pub timeout: Option<f64>,
    /// `--mock-responses`
    pub mock_responses: Option<PathBuf>,
}

const KNOWN_KEYS: &[&str] = &[
    "provider",
    "model",
    "base_url",
    "api_key_env",
    "timeout",
    "max_tokens",
    "temperature",
    "retries",
    "mock_responses",
];

/// Read a config file and return its `[ai]` section (`None` when the file does not exist or has
/// no `[ai]` section).
pub fn read_config_file(path: &Path) -> Result<Option<toml::Table>, AiError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(AiError::io(path, e)),
    };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let origin = match e.span() {
            Some(span) => {
                let (line, col) = ggen_core::line_col_of_offset(&text, span.start);
                format!("{}:{line}:{col}", path.display())
            }
            None => path.display().to_string(),
        };
        AiError::Config {
            setting: "config file",
            origin,
            message: e.message().to_owned(),
        }
    })?;
    ai_section(&table)
}

/// The `[ai]` section of a parsed config file (`None` when there is none).
pub fn ai_section(config: &toml::Table) -> Result<Option<toml::Table>, AiError> {
    match config.get("ai") {
        None => Ok(None),
        Some(toml::Value::Table(t)) => Ok(Some(t.clone())),
        Some(other) => Err(AiError::Config {
            setting: "ai",
            origin: "the config file".into(),
            message: format!("`ai` must be a table ([ai]), found {}", other.type_str()),
        }),
    }
}

/// Resolve settings from the `[ai]` table of the config file, the environment (looked up with
/// `env`) and the command-line `flags`.
///
/// `model`, `base_url` and `api_key_env` from the file apply only when the file's `provider` is
/// absent or equals the effective provider (they belong to that provider).
pub fn resolve(
    file: Option<&toml::Table>,
    env: &dyn Fn(&str) -> Option<String>,
    flags: &Overrides,
) -> Result<AiSettings, AiError> {
    let file_origin = "[ai] in the config file";
    if let Some(t) = file {
        check_keys(t)?;
    }
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let fstr = |key: &'static str| -> Result<Option<String>, AiError> {
        match file.and_then(|t| t.get(key)) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(config_err(
                key,
                file_origin,
                format!("expected a string, found {}", other.type_str()),
            )),
        }
    };

    // Provider.
    let file_provider = match fstr("provider")? {
        Some(p) => Some(parse_provider(&p, file_origin)?),
        None => None,
    };
    let provider = if let Some(p) = &flags.provider {
        parse_provider(p, "--provider")?
    } else if let Some(p) = env("GGEN_AI_PROVIDER") {
        parse_provider(&p, "GGEN_AI_PROVIDER")?
    } else if let Some(p) = file_provider {
        p
    } else if flags.mock_responses.is_some() || fstr("mock_responses")?.is_some() {
        ProviderKind::Mock
    } else {
        return Err(AiError::NoProvider);
    };
    let file_applies = file_provider.is_none_or(|p| p == provider);
    let fstr_own = |key: &'static str| -> Result<Option<String>, AiError> {
        if file_applies { fstr(key) } else { Ok(None) }
    };

    let mut s = AiSettings::new(provider);

    // Model.
    if let Some(m) = flags
        .model
        .clone()
        .or_else(|| env("GGEN_AI_MODEL"))
        .or(fstr_own("model")?)
    {
        if m.trim().is_empty() {
            return Err(config_err("model", "--model", "must not be empty".into()));
        }
        m.trim().clone_into(&mut s.model);
    }

    // Base URL.
    let (base, origin) = if let Some(b) = &flags.base_url {
        (Some(b.clone()), "--base-url")
    } else if let Some(b) = env("GGEN_AI_BASE_URL") {
        (Some(b), "GGEN_AI_BASE_URL")
    } else if let (ProviderKind::Ollama, Some(h)) = (provider, env("OLLAMA_HOST")) {
        (Some(h), "OLLAMA_HOST")
    } else {
        (fstr_own("base_url")?, file_origin)
    };
    if let Some(b) = base {
        s.base_url = normalize_base_url(&b, provider, origin)?;
    }

    // Key.
    if let Some(name) = fstr_own("api_key_env")? {
        s.api_key_env = Some(name);
    }
    if let Some(name) = &s.api_key_env {
        s.api_key = env(name).map(ApiKey::new);
    }

    // Numbers.
    if let Some(t) = flags.timeout {
        s.timeout = seconds(t, "--timeout")?;
    } else if let Some(v) = file.and_then(|t| t.get("timeout")) {
        s.timeout = seconds(number(v, "timeout", file_origin)?, file_origin)?;
    }
    s.max_tokens = match flags.max_tokens {
        Some(n) => Some(n),
        None => match file.and_then(|t| t.get("max_tokens")) {
            Some(v) => Some(
                u32::try_from(integer(v, "max_tokens", file_origin)?)
                    .map_err(|_| config_err("max_tokens", file_origin, "out of range".into()))?,
            ),
            None => None,
        },
    };
    if s.max_tokens == Some(0) {
        return Err(config_err(
            "max_tokens",
            if flags.max_tokens.is_some() {
                "--max-tokens"
            } else {
                file_origin
            },
            "must be at least 1".into(),
        ));
    }
    let (temperature, t_origin) = match flags.temperature {
        Some(t) => (Some(t), "--temperature"),
        None => match file.and_then(|t| t.get("temperature")) {
            Some(v) => (Some(number(v, "temperature", file_origin)?), file_origin),
            None => (None, file_origin),
        },
    };
    if let Some(t) = temperature
        && !(t.is_finite() && (0.0..=2.0).contains(&t))
    {
        return Err(config_err(
            "temperature",
            t_origin,
            format!("{t} is outside 0.0..=2.0"),
        ));
    }
    s.temperature = temperature;
    if let Some(v) = file.and_then(|t| t.get("retries")) {
        s.retry.max_retries = u32::try_from(integer(v, "retries", file_origin)?)
            .ok()
            .filter(|n| *n <= 10)
            .ok_or_else(|| config_err("retries", file_origin, "must be 0..=10".into()))?;
    }

    // Mock responses.
    let mock = match &flags.mock_responses {
        Some(p) => Some((p.clone(), "--mock-responses")),
        None => fstr("mock_responses")?.map(|p| (PathBuf::from(p), file_origin)),
    };
    if let Some((path, origin)) = mock {
        if provider != ProviderKind::Mock {
            return Err(config_err(
                "mock_responses",
                origin,
                format!(
                    "only the mock provider uses scripted responses, but the provider is {provider}"
                ),
            ));
        }
        s.mock_responses = Some(path);
    }
    Ok(s)
}

/// [`resolve`] with the process environment.
pub fn resolve_from_env(
    file: Option<&toml::Table>,
    flags: &Overrides,
) -> Result<AiSettings, AiError> {
    resolve(file, &|name| std::env::var(name).ok(), flags)
}

fn check_keys(t: &toml::Table) -> Result<(), AiError> {
    for key in t.keys() {
        if key == "api_key" {
            return Err(config_err(
                "api_key",
                "[ai] in the config file",
                "keys are not read from the config file: put the key in an environment variable and name it with `api_key_env`".into(),
            ));
        }
        if !KNOWN_KEYS.contains(&key.as_str()) {
            return Err(AiError::Config {
                setting: "ai",
                origin: "[ai] in the config file".into(),
                message: format!("unknown key `{key}` (known: {})", KNOWN_KEYS.join(", ")),
            });
        }
    }
    Ok(())
}

fn config_err(setting: &'static str, origin: &str, message: String) -> AiError {
    AiError::Config {
        setting,
        origin: origin.to_owned(),
        message,
    }
}

fn parse_provider(name: &str, origin: &str) -> Result<ProviderKind, AiError> {
    ProviderKind::parse(name).ok_or_else(|| {
        config_err(
            "provider",
            origin,
            format!("unknown provider `{name}` (known: {})", ProviderKind::NAMES),
        )
    })
}

fn normalize_base_url(raw: &str, provider: ProviderKind, origin: &str) -> Result<String, AiError> {
    let mut url = raw.trim().to_owned();
    if provider == ProviderKind::Ollama && !url.contains("://") {
        url = format!("http://{url}");
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(config_err(
            "base_url",
            origin,
            format!("`{raw}` is not an http:// or https:// URL"),
        ));
    }
    while url.ends_with('/') {
        url.pop();
    }
    Ok(url)
}

fn number(v: &toml::Value, key: &'static str, origin: &str) -> Result<f64, AiError> {
    match v {
        toml::Value::Float(f) => Ok(*f),
        #[allow(clippy::cast_precision_loss)]
        toml::Value::Integer(i) => Ok(*i as f64),
        other => Err(config_err(
            key,
            origin,
            format!("expected a number, found {}", other.type_str()),
        )),
    }
}

fn integer(v: &toml::Value, key: &'static str, origin: &str) -> Result<i64, AiError> {
    match v {
        toml::Value::Integer(i) => Ok(*i),
        other => Err(config_err(
            key,
            origin,
            format!("expected an integer, found {}", other.type_str()),
        )),
    }
}

fn seconds(s: f64, origin: &str) -> Result<Duration, AiError> {
    if !(s.is_finite() && s > 0.0 && s <= 86_400.0) {
        return Err(config_err(
            "timeout",
            origin,
            format!("{s} is not a number of seconds in (0, 86400]"),
        ));
    }
    Ok(Duration::from_secs_f64(s))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    fn table(s: &str) -> toml::Table {
        let t: toml::Table = s.parse().unwrap();
        t["ai"].as_table().unwrap().clone()
    }

    #[test]
    fn file_then_env_then_flags() {
        let file = table(
            "[ai]\nprovider = \"openai\"\nmodel = \"file-model\"\nbase_url = \"http://file/v1/\"\ntimeout = 5\nmax_tokens = 100\ntemperature = 0.5\n",
        );
        let s = resolve(Some(&file), &env_of(&[]), &Overrides::default()).unwrap();
        assert_eq!(s.provider, ProviderKind::OpenAi);
        assert_eq!(s.model, "file-model");
        assert_eq!(s.base_url, "http://file/v1");
        assert_eq!(s.timeout, Duration::from_secs(5));
        assert_eq!(s.max_tokens, Some(100));
        assert_eq!(s.temperature, Some(0.5));

        let env = env_of(&[
            ("GGEN_AI_MODEL", "env-model"),
            ("GGEN_AI_BASE_URL", "http://env/v1"),
            ("OPENAI_API_KEY", "sk-env"),
        ]);
        let s = resolve(Some(&file), &env, &Overrides::default()).unwrap();
        assert_eq!(s.model, "env-model");
        assert_eq!(s.base_url, "http://env/v1");
        assert_eq!(s.api_key, Some(ApiKey::new("sk-env")));

        let flags = Overrides {
            model: Some("flag-model".into()),
            base_url: Some("http://flag/v1".into()),
            max_tokens: Some(7),
            temperature: Some(0.0),
            timeout: Some(1.5),
            ..Overrides::default()
        };
        let s = resolve(Some(&file), &env, &flags).unwrap();
        assert_eq!(s.model, "flag-model");
        assert_eq!(s.base_url, "http://flag/v1");
        assert_eq!(s.max_tokens, Some(7));
        assert_eq!(s.temperature, Some(0.0));
        assert_eq!(s.timeout, Duration::from_millis(1500));
    }

    #[test]
    fn max_tokens_and_temperature_are_optional() {
        let s = resolve(
            None,
            &env_of(&[("GGEN_AI_PROVIDER", "ollama")]),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(s.max_tokens, None);
        assert_eq!(s.temperature, None);
        assert_eq!(s.base_url, "http://localhost:11434");
    }

    #[test]
    fn provider_precedence_and_file_settings_of_another_provider_are_ignored() {
        let file = table("[ai]\nprovider = \"anthropic\"\nmodel = \"claude-x\"\n");
        let env = env_of(&[("GGEN_AI_PROVIDER", "mock")]);
        let s = resolve(Some(&file), &env, &Overrides::default()).unwrap();
        assert_eq!(s.provider, ProviderKind::Mock);
        assert_eq!(
            s.model, "mock",
            "the file's anthropic model does not apply to mock"
        );
        let flags = Overrides {
            provider: Some("anthropic".into()),
            ..Overrides::default()
        };
        let s = resolve(Some(&file), &env, &flags).unwrap();
        assert_eq!(s.provider, ProviderKind::Anthropic);
        assert_eq!(s.model, "claude-x");
    }

    #[test]
    fn ollama_host_and_api_key_env() {
        let env = env_of(&[
            ("GGEN_AI_PROVIDER", "ollama"),
            ("OLLAMA_HOST", "127.0.0.1:9999"),
        ]);
        let s = resolve(None, &env, &Overrides::default()).unwrap();
        assert_eq!(s.base_url, "http://127.0.0.1:9999");
        assert_eq!(s.api_key, None);

        let file = table("[ai]\nprovider = \"openai\"\napi_key_env = \"MY_KEY\"\n");
        let env = env_of(&[("MY_KEY", "sk-mine"), ("OPENAI_API_KEY", "sk-other")]);
        let s = resolve(Some(&file), &env, &Overrides::default()).unwrap();
        assert_eq!(s.api_key, Some(ApiKey::new("sk-mine")));
        assert_eq!(s.api_key_env.as_deref(), Some("MY_KEY"));
    }

    #[test]
    fn errors_name_the_setting_and_origin() {
        let e = resolve(None, &env_of(&[]), &Overrides::default()).unwrap_err();
        assert!(matches!(e, AiError::NoProvider));
        let e = resolve(
            None,
            &env_of(&[("GGEN_AI_PROVIDER", "gpt")]),
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("GGEN_AI_PROVIDER") && e.contains("unknown provider `gpt`"),
            "{e}"
        );
        let flags = Overrides {
            provider: Some("mock".into()),
            temperature: Some(3.0),
            ..Overrides::default()
        };
        let e = resolve(None, &env_of(&[]), &flags).unwrap_err().to_string();
        assert!(e.contains("--temperature") && e.contains("outside"), "{e}");
        let file = table("[ai]\nprovider = \"mock\"\ntemprature = 1\n");
        let e = resolve(Some(&file), &env_of(&[]), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown key `temprature`"), "{e}");
        let file = table("[ai]\nprovider = \"openai\"\napi_key = \"sk-x\"\n");
        let e = resolve(Some(&file), &env_of(&[]), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("api_key_env") && !e.contains("sk-x"), "{e}");
        let flags = Overrides {
            provider: Some("openai".into()),
            mock_responses: Some("r.yaml".into()),
            ..Overrides::default()
        };
        let e = resolve(None, &env_of(&[]), &flags).unwrap_err().to_string();
        assert!(e.contains("only the mock provider"), "{e}");
    }

    #[test]
    fn mock_responses_imply_the_mock_provider() {
        let flags = Overrides {
            mock_responses: Some("r.yaml".into()),
            ..Overrides::default()
        };
        let s = resolve(None, &env_of(&[]), &flags).unwrap();
        assert_eq!(s.provider, ProviderKind::Mock);
        assert_eq!(s.mock_responses, Some(PathBuf::from("r.yaml")));
    }

    #[test]
    fn retries_and_mock_responses_from_the_file() {
        let file = table("[ai]\nprovider = \"mock\"\nretries = 0\nmock_responses = \"r.yaml\"\n");
        let s = resolve(Some(&file), &env_of(&[]), &Overrides::default()).unwrap();
        assert_eq!(s.retry.max_retries, 0);
        assert_eq!(s.mock_responses, Some(PathBuf::from("r.yaml")));
        let file = table("[ai]\nmock_responses = \"r.yaml\"\n");
        let s = resolve(Some(&file), &env_of(&[]), &Overrides::default()).unwrap();
        assert_eq!(s.provider, ProviderKind::Mock);
        let file = table("[ai]\nprovider = \"mock\"\nretries = 11\n");
        let e = resolve(Some(&file), &env_of(&[]), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("retries") && e.contains("0..=10"), "{e}");
    }

    #[test]
    fn config_file_reading() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("config.toml");
        assert!(read_config_file(&p).unwrap().is_none());
        std::fs::write(&p, "[ai]\nprovider = \"mock\"\n").unwrap();
        let t = read_config_file(&p).unwrap().unwrap();
        assert_eq!(t["provider"].as_str(), Some("mock"));
        std::fs::write(&p, "[ai\nprovider = 1\n").unwrap();
        let e = read_config_file(&p).unwrap_err().to_string();
        assert!(e.contains("config.toml:1:"), "{e}");
    }
}
