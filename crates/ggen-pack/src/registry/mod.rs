//! Registries: where index lines and archives come from.
//!
//! A registry is a directory (a path or `file://` URL) or an HTTP(S) base URL with the same
//! layout (`config.json`, `index/<id>`, `packs/<id>/<version>.tar.gz`, optional `search.json`
//! and `keys/`). [`DirRegistry`] also publishes, yanks and unyanks; [`HttpRegistry`] fetches
//! only what it needs (sparse index) with ETag caching, timeouts and retries, and
//! [`publish_http`] / [`yank_http`] talk to the registry server API documented in
//! `docs/registry-api.md`.

mod build;
mod dir;
mod http;
pub mod wire;

use std::path::PathBuf;

use ggen_core::Diagnostic;
use semver::Version;

use crate::archive::ArchiveError;
use crate::id::PackId;
use crate::index::{IndexError, IndexLine};
use crate::manifest::ManifestError;
use crate::search::{SearchHit, SearchQuery};

pub use build::build_registry;
pub use dir::{DirRegistry, check_publish};
pub use http::{HttpOptions, HttpRegistry, publish_http, yank_http};

/// A source of index lines and archives.
pub trait Registry: Send + Sync {
    /// The lockfile source string, `registry+<index location as configured>`.
    fn source(&self) -> &str;

    /// All published versions of a pack (including yanked ones), or `None` when the registry
    /// does not know the pack.
    fn index(&self, id: &PackId) -> Result<Option<Vec<IndexLine>>, RegistryError>;

    /// The archive bytes of a version (not verified here: the caller checks the checksum).
    fn download(&self, id: &PackId, version: &Version) -> Result<Vec<u8>, RegistryError>;

    /// Search the registry's packs.
    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, RegistryError>;

    /// Every pack id the registry lists (for "did you mean" suggestions); may be empty when the
    /// registry cannot list its packs.
    fn pack_ids(&self) -> Result<Vec<String>, RegistryError>;

    /// Whether using this registry needs the network.
    fn is_remote(&self) -> bool;
}

/// Errors talking to a registry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// File-system error.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Malformed index data.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// Malformed manifest in a published archive.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// Archive refused.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The registry location is not usable.
    #[error("invalid registry location `{location}`: {message}")]
    InvalidLocation {
        /// The location as given.
        location: String,
        /// Why.
        message: String,
    },
    /// A file the registry should have is missing (HTTP 404 or no such file).
    #[error("not found in registry: {what}")]
    NotFound {
        /// URL or path.
        what: String,
    },
    /// HTTP 401.
    #[error("{url}: authentication required (HTTP 401)")]
    Unauthorized {
        /// The URL.
        url: String,
    },
    /// HTTP 403.
    #[error("{url}: access denied (HTTP 403)")]
    Forbidden {
        /// The URL.
        url: String,
    },
    /// Another unexpected HTTP status.
    #[error("{url}: HTTP {status}{}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    Http {
        /// The URL.
        url: String,
        /// Status code.
        status: u16,
        /// Error message from the server, if any.
        message: String,
    },
    /// Network failure after all retries.
    #[error("{url}: {message} (after {attempts} attempts)")]
    Network {
        /// The URL.
        url: String,
        /// What failed.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// Offline mode and the data is not cached.
    #[error("offline: {what} is not in the cache")]
    Offline {
        /// What was needed.
        what: String,
    },
    /// Publishing a version that exists (versions are immutable).
    #[error(
        "{id} {version} is already published (versions are immutable; publish a new version or yank this one)"
    )]
    VersionExists {
        /// Pack id.
        id: String,
        /// Version.
        version: String,
    },
    /// Yanking a version that does not exist.
    #[error("{id} {version} is not published in this registry")]
    UnknownVersion {
        /// Pack id.
        id: String,
        /// Version.
        version: String,
    },
    /// The archive has no manifest at its root.
    #[error("the archive has no ggen-pack.toml at its root")]
    MissingManifest,
    /// A request or response body is malformed.
    #[error("malformed {what}: {message}")]
    Malformed {
        /// What was being decoded.
        what: &'static str,
        /// Why.
        message: String,
    },
}

impl Diagnostic for RegistryError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "registry-io",
            Self::Index(e) => e.code(),
            Self::Manifest(e) => e.code(),
            Self::Archive(e) => e.code(),
            Self::InvalidLocation { .. } => "registry-invalid-location",
            Self::NotFound { .. } => "registry-not-found",
            Self::Unauthorized { .. } => "registry-unauthorized",
            Self::Forbidden { .. } => "registry-forbidden",
            Self::Http { .. } => "registry-http",
            Self::Network { .. } => "registry-network",
            Self::Offline { .. } => "offline",
            Self::VersionExists { .. } => "version-exists",
            Self::UnknownVersion { .. } => "unknown-version",
            Self::MissingManifest => "manifest-not-found",
            Self::Malformed { .. } => "registry-malformed",
        }
    }

    fn location(&self) -> Option<&ggen_core::Location> {
        match self {
            Self::Index(e) => e.location(),
            Self::Manifest(e) => e.location(),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::Unauthorized { .. } => Some(
                "set the registry's token environment variable (`token_env` in config.toml)".into(),
            ),
            Self::Forbidden { .. } => {
                Some("the token has no publish scope for this pack's namespace".into())
            }
            Self::Offline { .. } => {
                Some("run once without --offline/--frozen to fill the cache".into())
            }
            Self::VersionExists { .. } => Some("bump `version` in ggen-pack.toml".into()),
            _ => None,
        }
    }
}

/// Whether a registry location is an HTTP(S) URL.
pub fn is_http_location(location: &str) -> bool {
    location.starts_with("http://") || location.starts_with("https://")
}

/// Open the registry at `location` (HTTP(S) URL, `file://` URL or path). `http` configures HTTP
/// registries (ignored for directories).
pub fn open_registry(
    location: &str,
    http: HttpOptions,
) -> Result<Box<dyn Registry>, RegistryError> {
    if is_http_location(location) {
        Ok(Box::new(HttpRegistry::new(location, http)?))
    } else {
        Ok(Box::new(DirRegistry::open(location)?))
    }
}
