//! Installing packs into a project: resolve, download, verify, extract into the cache, and
//! update `ggen.lock` and the `[packs]` table of `ggen.toml` — all or nothing.
//!
//! Order of checks for every pack that is fetched: the SHA-256 of the downloaded bytes is
//! compared with the index (or lockfile) checksum before anything else looks at them; then the
//! signatures are checked against the registry's trusted keys; then the archive is read with the
//! fail-closed reader and its manifest compared with the index line. Only when every pack passed
//! does anything get written: archives and extracted packs into the cache (under the cache
//! lock), then `ggen.lock`, then `ggen.toml`. A failure while writing undoes what was written.
//! The whole operation holds the project lock (`.ggen.lock.lock`), so concurrent installs into
//! one project are serialised and never lose an entry.
//!
//! Modes work like Cargo's: [`Mode::Locked`] fails if `ggen.lock` would change,
//! [`Mode::Frozen`] additionally never touches the network, [`Mode::Offline`] uses only cached
//! index data and archives (directory registries still work).

mod project;
mod run;

use std::fmt;
use std::path::PathBuf;

use ggen_core::{Diagnostic, Location};
use semver::{Version, VersionReq};

use crate::archive::{ArchiveError, Limits};
use crate::cache::{Cache, CacheError, CacheWarning, PackCacheStatus};
use crate::config::RegistryEntry;
use crate::id::PackId;
use crate::lockfile::{LockedPack, LockfileError};
use crate::manifest::{Manifest, ManifestError, PackContents, parse_req};
use crate::registry::{HttpOptions, Registry, RegistryError, open_registry};
use crate::resolve::ResolveError;
use crate::sign::{SignError, TrustedKeys};

pub use project::PROJECT_MANIFEST;
pub use run::Installer;

/// How much the installer may change and fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Resolve, fetch and update the lockfile as needed.
    #[default]
    Normal,
    /// Fail if `ggen.lock` would change.
    Locked,
    /// `Locked`, and never use the network.
    Frozen,
    /// Never use the network: cached index data and archives only.
    Offline,
}

impl Mode {
    /// Whether the network may be used.
    pub fn network(self) -> bool {
        matches!(self, Self::Normal | Self::Locked)
    }

    /// Whether the lockfile must not change.
    pub fn locked(self) -> bool {
        matches!(self, Self::Locked | Self::Frozen)
    }
}

/// Installer settings.
#[derive(Debug, Clone, Default)]
pub struct InstallOptions {
    /// Locked / frozen / offline.
    pub mode: Mode,
    /// Accept unsigned packs and packs signed by untrusted keys from registries that require
    /// signatures (a warning is reported for each).
    pub allow_unsigned: bool,
    /// The running ggen version (checked against packs' `ggen` requirements).
    pub ggen_version: Option<Version>,
    /// Archive limits.
    pub limits: Limits,
}

/// A registry with the trust settings that apply to it.
pub struct RegistryHandle {
    /// Configured name.
    pub name: String,
    /// The registry.
    pub registry: Box<dyn Registry>,
    /// Keys trusted for packs from this registry.
    pub trusted_keys: TrustedKeys,
    /// Refuse unsigned and untrusted packs unless [`InstallOptions::allow_unsigned`].
    pub require_signatures: bool,
}

impl fmt::Debug for RegistryHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryHandle")
            .field("name", &self.name)
            .field("source", &self.registry.source())
            .field("require_signatures", &self.require_signatures)
            .finish_non_exhaustive()
    }
}

impl RegistryHandle {
    /// Open a configured registry. HTTP registries cache their index in
    /// `cache.index_dir(index)` and are offline unless `mode` allows the network.
    pub fn open(
        entry: &RegistryEntry,
        cache: &Cache,
        mode: Mode,
        http: &HttpOptions,
    ) -> Result<Self, RegistryError> {
        let opts = HttpOptions {
            cache_dir: Some(cache.index_dir(&entry.index)),
            offline: !mode.network() || http.offline,
            ..http.clone()
        };
        Ok(Self {
            name: entry.name.clone(),
            registry: open_registry(&entry.index, opts)?,
            trusted_keys: entry.trusted_keys.clone(),
            require_signatures: entry.require_signatures,
        })
    }
}

/// `id` or `id@requirement` from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRequest {
    /// The pack.
    pub id: PackId,
    /// The requirement; `None` means the newest release (recorded as `^<version>`).
    pub req: Option<VersionReq>,
}

impl PackRequest {
    /// Parse `id` or `id@req` (`io.ggen.rust-models@^1.2`).
    pub fn parse(text: &str) -> Result<Self, InstallError> {
        let (id, req) = match text.split_once('@') {
            Some((i, r)) => (i, Some(r)),
            None => (text, None),
        };
        let id = PackId::parse(id.trim()).map_err(|e| InstallError::BadRequest {
            request: text.to_owned(),
            message: e.to_string(),
        })?;
        let req = req
            .map(|r| {
                parse_req(r).map_err(|e| InstallError::BadRequest {
                    request: text.to_owned(),
                    message: format!("invalid version requirement `{r}`: {e}"),
                })
            })
            .transpose()?;
        Ok(Self { id, req })
    }
}

/// A pack available to generation: locked, cached and extracted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledPack {
    /// The lockfile entry.
    pub locked: LockedPack,
    /// The extracted, verified pack directory in the cache.
    pub dir: PathBuf,
}

impl InstalledPack {
    /// Read the pack's manifest from its extracted directory.
    pub fn manifest(&self) -> Result<Manifest, ManifestError> {
        Manifest::load_dir(&self.dir)
    }

    /// The manifest and the files it selects (templates, partials, graph sources, shapes),
    /// relative to [`InstalledPack::dir`].
    pub fn contents(&self) -> Result<(Manifest, PackContents), ManifestError> {
        let m = self.manifest()?;
        let c = m.contents(&self.dir)?;
        Ok((m, c))
    }
}

/// One change to the lockfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A pack was added.
    Added {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
    },
    /// A pack's version changed.
    Updated {
        /// Pack.
        id: PackId,
        /// Old version.
        from: Version,
        /// New version.
        to: Version,
    },
    /// A pack was removed.
    Removed {
        /// Pack.
        id: PackId,
        /// Its version.
        version: Version,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Added { id, version } => write!(f, "add {id} {version}"),
            Self::Updated { id, from, to } => write!(f, "update {id} {from} -> {to}"),
            Self::Removed { id, version } => write!(f, "remove {id} {version}"),
        }
    }
}

/// Something the user should know about an install that succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstallWarning {
    /// A corrupted cache entry was found, discarded and fetched again.
    Cache(CacheWarning),
    /// An unsigned pack was accepted because unsigned packs were allowed.
    Unsigned {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
    },
    /// A pack signed only by untrusted keys was accepted because unsigned packs were allowed.
    Untrusted {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
        /// The keys it claims.
        keys: Vec<String>,
    },
}

impl fmt::Display for InstallWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cache(w) => w.fmt(f),
            Self::Unsigned { id, version } => {
                write!(
                    f,
                    "{id} {version} is unsigned (accepted: unsigned packs allowed)"
                )
            }
            Self::Untrusted { id, version, keys } => write!(
                f,
                "{id} {version} is signed only by untrusted keys {} (accepted: unsigned packs allowed)",
                keys.join(", ")
            ),
        }
    }
}

/// What an install, update, remove or sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallReport {
    /// Changes to the lockfile, by id.
    pub changes: Vec<Change>,
    /// Every locked pack with its extracted directory (empty for dry runs).
    pub packs: Vec<InstalledPack>,
    /// Warnings.
    pub warnings: Vec<InstallWarning>,
    /// Whether `ggen.lock` was written.
    pub lockfile_written: bool,
    /// Whether `ggen.toml` was written.
    pub manifest_written: bool,
}

/// Result of verifying one locked pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyEntry {
    /// The lockfile entry.
    pub locked: LockedPack,
    /// State of its cached archive and extracted files.
    pub status: PackCacheStatus,
}

/// Errors of installer operations. Each leaves the project and the cache as they were.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// `ggen.toml` is missing or its `[packs]` table is invalid.
    #[error("{location}: {message}")]
    ProjectManifest {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A pack request on the command line is invalid.
    #[error("invalid pack `{request}`: {message}")]
    BadRequest {
        /// As given.
        request: String,
        /// Why.
        message: String,
    },
    /// File-system error on a project file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The lockfile is invalid or could not be written.
    #[error(transparent)]
    Lockfile(#[from] LockfileError),
    /// Resolution failed.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// A registry failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The cache failed.
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// The downloaded bytes do not have the checksum the index or lockfile records.
    #[error("checksum mismatch for {id} {version}: expected {expected}, actual {actual}")]
    ChecksumMismatch {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
        /// Recorded checksum.
        expected: String,
        /// Checksum of the downloaded bytes.
        actual: String,
    },
    /// The registry now lists another checksum for a locked version (versions are immutable).
    #[error(
        "the registry's checksum for {id} {version} ({index}) differs from ggen.lock ({locked}); the published archive was replaced"
    )]
    ChecksumChanged {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
        /// Checksum in the lockfile.
        locked: String,
        /// Checksum in the index.
        index: String,
    },
    /// A signature check failed.
    #[error(transparent)]
    Signature(#[from] SignError),
    /// An unsigned pack from a registry that requires signatures.
    #[error(
        "{id} {version} from registry `{registry}` is not signed, and the registry requires signatures"
    )]
    Unsigned {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
        /// Registry name.
        registry: String,
    },
    /// A pack signed only by keys the user does not trust.
    #[error("{id} {version} from registry `{registry}` is signed by {} which {} not trusted", keys.join(", "), if keys.len() == 1 { "is" } else { "are" })]
    Untrusted {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
        /// Registry name.
        registry: String,
        /// Claimed key ids.
        keys: Vec<String>,
    },
    /// The archive was refused by the fail-closed reader.
    #[error("archive of {id} {version} refused: {source}")]
    BadArchive {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
        /// Why.
        source: ArchiveError,
    },
    /// The archive's manifest is missing or does not match its index entry.
    #[error("archive of {id} {version}: {message}")]
    ManifestMismatch {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
        /// What differs.
        message: String,
    },
    /// `--locked` / `--frozen` and the lockfile would change.
    #[error("ggen.lock needs to change but {mode} was given: {}", changes.join(", "))]
    LockfileWouldChange {
        /// `--locked` or `--frozen`.
        mode: &'static str,
        /// The changes that would be made.
        changes: Vec<String>,
    },
    /// Offline and the archive is not cached.
    #[error("{id} {version} is not in the cache and the network may not be used ({mode})")]
    NotCached {
        /// Pack.
        id: PackId,
        /// Version.
        version: Version,
        /// `--offline` or `--frozen`.
        mode: &'static str,
    },
    /// The lockfile names a source no configured registry provides.
    #[error("{id} is locked from {source_id}, which is not a configured registry")]
    UnknownSource {
        /// Pack.
        id: PackId,
        /// The lockfile source.
        source_id: String,
    },
    /// Removing a pack the project does not have.
    #[error("{0} is not installed in this project")]
    NotInstalled(PackId),
    /// Removing a pack other installed packs depend on.
    #[error("cannot remove {id}: {} depend{} on it", dependents.join(", "), if dependents.len() == 1 { "s" } else { "" })]
    DependedOn {
        /// Pack.
        id: PackId,
        /// Packs that depend on it (`id version`).
        dependents: Vec<String>,
    },
}

impl Diagnostic for InstallError {
    fn code(&self) -> &'static str {
        match self {
            Self::ProjectManifest { .. } => "project-manifest",
            Self::BadRequest { .. } => "bad-pack-request",
            Self::Io { .. } => "io",
            Self::Lockfile(e) => e.code(),
            Self::Resolve(e) => e.code(),
            Self::Registry(e) => e.code(),
            Self::Cache(e) => e.code(),
            Self::ChecksumMismatch { .. } => "checksum-mismatch",
            Self::ChecksumChanged { .. } => "checksum-changed",
            Self::Signature(e) => e.code(),
            Self::Unsigned { .. } => "unsigned-pack",
            Self::Untrusted { .. } => "untrusted-pack",
            Self::BadArchive { source, .. } => source.code(),
            Self::ManifestMismatch { .. } => "manifest-mismatch",
            Self::LockfileWouldChange { .. } => "lockfile-would-change",
            Self::NotCached { .. } => "not-cached",
            Self::UnknownSource { .. } => "unknown-source",
            Self::NotInstalled(_) => "not-installed",
            Self::DependedOn { .. } => "depended-on",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::ProjectManifest { location, .. } => Some(location),
            Self::Lockfile(e) => e.location(),
            Self::Registry(e) => e.location(),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::Unsigned { .. } | Self::Untrusted { .. } => Some(
                "add the publisher's key to `trusted_keys` of the registry in config.toml, or pass --allow-unsigned".into(),
            ),
            Self::LockfileWouldChange { .. } => {
                Some("run without --locked/--frozen to update ggen.lock".into())
            }
            Self::NotCached { .. } => Some("run once with network access".into()),
            Self::DependedOn { .. } => {
                Some("remove the dependents first, or pass --force to remove them too".into())
            }
            Self::UnknownSource { .. } => Some(
                "configure that registry again, or run `ggen marketplace update` to re-resolve".into(),
            ),
            Self::Resolve(e) => e.help(),
            Self::Registry(e) => e.help(),
            Self::Lockfile(e) => e.help(),
            _ => None,
        }
    }
}
