//! Server configuration: defaults, a TOML file, environment variables and command-line flags, in
//! that order of precedence (later wins). See `docs/registry-server.md` for every key.

use std::path::{Path, PathBuf};

use ggen_core::{Diagnostic, Location};
use serde::Deserialize;

/// Mebibyte.
const MIB: u64 = 1024 * 1024;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:8080`; port 0 picks a free port).
    pub bind: String,
    /// Data directory: the SQLite database and the archives when nothing else is configured.
    pub data: PathBuf,
    /// Database URL: `sqlite://FILE` or `postgres://…`. Default: `sqlite://<data>/registry.db`.
    pub database: Option<String>,
    /// Public base URL of this server (`https://packs.example.org/`), used for the `api` field
    /// of `config.json`. Default: `http://<Host header>/`.
    pub public_url: Option<String>,
    /// Display name (the `name` of `config.json`).
    pub name: String,
    /// Apply pending migrations when `serve` starts.
    pub migrate_on_start: bool,
    /// Where archives are stored.
    pub storage: StorageConfig,
    /// Request and archive limits.
    pub limits: LimitsConfig,
    /// Rate limits.
    pub rate_limit: RateLimitConfig,
    /// Signature policy.
    pub signatures: SignaturesConfig,
    /// Database connection pool.
    pub pool: PoolConfig,
    /// Index cache.
    pub cache: CacheConfig,
    /// Logging.
    pub log: LogConfig,
    /// Header carrying the client address when the server runs behind a trusted reverse proxy
    /// (e.g. `x-forwarded-for`; the right-most address is used). `None`: the peer address.
    pub client_ip_header: Option<String>,
    /// Seconds to wait for in-flight requests on shutdown.
    pub shutdown_grace_secs: u64,
}

/// Archive storage.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// `file:///dir`, a plain directory path, or `s3://bucket[/prefix]`. Default:
    /// `<data>/archives`.
    pub url: Option<String>,
    /// S3 endpoint (`http://127.0.0.1:9000` for MinIO and friends); default: AWS.
    pub s3_endpoint: Option<String>,
    /// S3 region (default `us-east-1`).
    pub s3_region: Option<String>,
    /// S3 access key id (default: `AWS_ACCESS_KEY_ID`).
    pub s3_access_key_id: Option<String>,
    /// S3 secret access key (default: `AWS_SECRET_ACCESS_KEY`; prefer the environment).
    pub s3_secret_access_key: Option<String>,
    /// Allow a plain-HTTP S3 endpoint.
    pub s3_allow_http: bool,
    /// Path-style requests (`endpoint/bucket/key`, what MinIO expects) instead of
    /// virtual-hosted style.
    pub s3_path_style: bool,
}

/// Size limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest publish request body (metadata + archive + framing).
    pub max_publish_bytes: u64,
    /// Largest JSON request body (token creation).
    pub max_json_bytes: u64,
    /// Largest archive (compressed and decompressed), as for clients.
    pub max_archive_bytes: u64,
    /// Largest file inside an archive.
    pub max_file_bytes: u64,
    /// Most entries in an archive.
    pub max_entries: usize,
    /// Seconds allowed to receive a request body.
    pub body_timeout_secs: u64,
    /// Publishes validated at the same time (each holds its archive in memory).
    pub max_concurrent_publishes: usize,
    /// Search results per page when the request gives no `limit`.
    pub default_search_limit: usize,
    /// Largest accepted `limit` for searches.
    pub max_search_limit: usize,
}

/// Token-bucket rate limits; a rate of 0 disables that limit.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained requests per second per client address (every request).
    pub ip_per_second: f64,
    /// Burst per client address.
    pub ip_burst: u32,
    /// Sustained authenticated requests per second per token.
    pub token_per_second: f64,
    /// Burst per token.
    pub token_burst: u32,
}

/// Signature policy for publishes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignaturesConfig {
    /// Refuse publishes without a valid signature by a publisher key registered with
    /// `ggen-registry key add`.
    pub require: bool,
}

/// Database pool.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolConfig {
    /// Most open connections.
    pub max_connections: u32,
    /// Milliseconds to wait for a connection before failing the request (503).
    pub acquire_timeout_ms: u64,
}

/// Index cache.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// Milliseconds between polls for changes made by other servers sharing the database.
    pub poll_interval_ms: u64,
}

/// Logging.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `json` (default) or `text`.
    pub format: String,
    /// `tracing` filter (`info`, `ggen_registry=debug`, ...).
    pub level: String,
    /// One log line per request.
    pub access_log: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data: PathBuf::from("./registry-data"),
            database: None,
            public_url: None,
            name: "ggen registry".into(),
            migrate_on_start: true,
            storage: StorageConfig::default(),
            limits: LimitsConfig::default(),
            rate_limit: RateLimitConfig::default(),
            signatures: SignaturesConfig::default(),
            pool: PoolConfig::default(),
            cache: CacheConfig::default(),
            log: LogConfig::default(),
            client_ip_header: None,
            shutdown_grace_secs: 30,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let archive = ggen_pack::archive::Limits::default();
        Self {
            max_publish_bytes: archive.max_archive_bytes + MIB,
            max_json_bytes: 64 * 1024,
            max_archive_bytes: archive.max_archive_bytes,
            max_file_bytes: archive.max_file_bytes,
            max_entries: archive.max_entries,
            body_timeout_secs: 60,
            max_concurrent_publishes: 4,
            default_search_limit: 20,
            max_search_limit: 100,
        }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            ip_per_second: 100.0,
            ip_burst: 300,
            token_per_second: 5.0,
            token_burst: 30,
        }
    }
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout_ms: 3000,
        }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            poll_interval_ms: 1000,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: "json".into(),
            level: "info".into(),
            access_log: true,
        }
    }
}

/// Errors loading the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// An environment variable has an invalid value.
    #[error("environment variable {name}: {message}")]
    Env {
        /// The variable.
        name: String,
        /// What is wrong.
        message: String,
    },
}

impl Diagnostic for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "config-io",
            Self::Invalid { .. } => "config-invalid",
            Self::Env { .. } => "config-env",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::Invalid { location, .. } => Some(location),
            _ => None,
        }
    }
}

impl Config {
    /// Parse a TOML configuration file's text.
    pub fn parse(text: &str, file: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| ggen_core::line_col_of_offset(text, s.start))
                .unwrap_or((1, 1));
            ConfigError::Invalid {
                location: Location::at(file, line, col),
                message: e.message().to_owned(),
            }
        })
    }

    /// Read a TOML configuration file.
    pub fn load(file: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Io {
            path: file.to_owned(),
            source,
        })?;
        Self::parse(&text, file)
    }

    /// Override settings from environment variables (`GGEN_REGISTRY_*`, and the AWS credential
    /// variables for S3). `var` looks a variable up (normally `std::env::var`).
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let num = |name: &str, v: String| -> Result<f64, ConfigError> {
            v.trim().parse::<f64>().map_err(|_| ConfigError::Env {
                name: name.to_owned(),
                message: format!("`{v}` is not a number"),
            })
        };
        let flag = |name: &str, v: String| -> Result<bool, ConfigError> {
            match v.trim() {
                "1" | "true" | "yes" => Ok(true),
                "0" | "false" | "no" => Ok(false),
                _ => Err(ConfigError::Env {
                    name: name.to_owned(),
                    message: format!("`{v}` is not true/false"),
                }),
            }
        };
        if let Some(v) = get("GGEN_REGISTRY_BIND") {
            self.bind = v;
        }
        if let Some(v) = get("GGEN_REGISTRY_DATA") {
            self.data = PathBuf::from(v);
        }
        if let Some(v) = get("GGEN_REGISTRY_DATABASE") {
            self.database = Some(v);
        }
        if let Some(v) = get("GGEN_REGISTRY_PUBLIC_URL") {
            self.public_url = Some(v);
        }
        if let Some(v) = get("GGEN_REGISTRY_STORAGE") {
            self.storage.url = Some(v);
        }
        if let Some(v) = get("GGEN_REGISTRY_S3_ENDPOINT") {
            self.storage.s3_endpoint = Some(v);
        }
        if let Some(v) = get("GGEN_REGISTRY_S3_REGION").or_else(|| get("AWS_REGION")) {
            self.storage.s3_region = Some(v);
        }
        if let Some(v) = get("GGEN_REGISTRY_S3_ACCESS_KEY_ID").or_else(|| get("AWS_ACCESS_KEY_ID"))
        {
            self.storage.s3_access_key_id = Some(v);
        }
        if let Some(v) =
            get("GGEN_REGISTRY_S3_SECRET_ACCESS_KEY").or_else(|| get("AWS_SECRET_ACCESS_KEY"))
        {
            self.storage.s3_secret_access_key = Some(v);
        }
        if let Some(v) = get("GGEN_REGISTRY_S3_ALLOW_HTTP") {
            self.storage.s3_allow_http = flag("GGEN_REGISTRY_S3_ALLOW_HTTP", v)?;
        }
        if let Some(v) = get("GGEN_REGISTRY_S3_PATH_STYLE") {
            self.storage.s3_path_style = flag("GGEN_REGISTRY_S3_PATH_STYLE", v)?;
        }
        if let Some(v) = get("GGEN_REGISTRY_RATE_LIMIT_IP") {
            self.rate_limit.ip_per_second = num("GGEN_REGISTRY_RATE_LIMIT_IP", v)?;
        }
        if let Some(v) = get("GGEN_REGISTRY_RATE_LIMIT_TOKEN") {
            self.rate_limit.token_per_second = num("GGEN_REGISTRY_RATE_LIMIT_TOKEN", v)?;
        }
        if let Some(v) = get("GGEN_REGISTRY_REQUIRE_SIGNATURES") {
            self.signatures.require = flag("GGEN_REGISTRY_REQUIRE_SIGNATURES", v)?;
        }
        if let Some(v) = get("GGEN_REGISTRY_LOG") {
            self.log.level = v;
        }
        if let Some(v) = get("GGEN_REGISTRY_LOG_FORMAT") {
            self.log.format = v;
        }
        Ok(())
    }

    /// The database URL: the configured one, or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database {
            Some(u) => u.clone(),
            None => format!("sqlite://{}", self.data.join("registry.db").display()),
        }
    }

    /// The archive limits enforced on publish (the client's rules, with configured sizes).
    pub fn archive_limits(&self) -> ggen_pack::archive::Limits {
        ggen_pack::archive::Limits {
            max_archive_bytes: self.limits.max_archive_bytes,
            max_file_bytes: self.limits.max_file_bytes,
            max_entries: self.limits.max_entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_env() {
        let text = "bind = \"0.0.0.0:9000\"\n[rate_limit]\nip_per_second = 5.0\n[storage]\nurl = \"s3://b/p\"\n";
        let mut c = Config::parse(text, Path::new("r.toml")).unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.rate_limit.ip_per_second, 5.0);
        assert_eq!(c.rate_limit.ip_burst, 300);
        c.apply_env(|n| match n {
            "GGEN_REGISTRY_BIND" => Some("127.0.0.1:1".into()),
            "AWS_ACCESS_KEY_ID" => Some("AK".into()),
            "GGEN_REGISTRY_S3_ALLOW_HTTP" => Some("true".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.bind, "127.0.0.1:1");
        assert_eq!(c.storage.url.as_deref(), Some("s3://b/p"));
        assert_eq!(c.storage.s3_access_key_id.as_deref(), Some("AK"));
        assert!(c.storage.s3_allow_http);
        let e = c
            .apply_env(|n| (n == "GGEN_REGISTRY_RATE_LIMIT_IP").then(|| "fast".into()))
            .unwrap_err();
        assert!(e.to_string().contains("GGEN_REGISTRY_RATE_LIMIT_IP"), "{e}");
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = Config::parse("bind = 1\n", Path::new("r.toml")).unwrap_err();
        assert!(e.to_string().starts_with("r.toml:1:8"), "{e}");
        let e = Config::parse("[limits]\nnope = 1\n", Path::new("r.toml")).unwrap_err();
        assert!(e.to_string().starts_with("r.toml:2:1"), "{e}");
    }

    #[test]
    fn default_database_is_sqlite_in_data() {
        let c = Config {
            data: PathBuf::from("/d"),
            ..Config::default()
        };
        assert_eq!(c.database_url(), "sqlite:///d/registry.db");
    }
}
