//! Which registries a command uses, with which trust: the user's `[[registry]]` entries in
//! priority order; when there are none, the default registry — the built-in first-party registry
//! (or the location in `GGEN_DEFAULT_REGISTRY`). The built-in registry is also kept for packs
//! that `ggen.lock` already locks from it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ggen_core::config::Dirs;
use ggen_pack::PackId;
use ggen_pack::cache::Cache;
use ggen_pack::config::{Config, RegistryEntry};
use ggen_pack::index::IndexLine;
use ggen_pack::install::{Mode, RegistryHandle};
use ggen_pack::lockfile::{LOCKFILE, Lockfile};
use ggen_pack::registry::{HttpOptions, Registry, RegistryError};
use ggen_pack::search::{SearchHit, SearchQuery};
use ggen_pack::sign::{PublicKey, TrustedKeys};

use super::builtin::{self, Builtin};
use crate::cmd::Ctx;
use crate::output::CmdError;
use crate::progress::Bar;

/// Environment variable replacing the built-in registry with a directory or URL.
pub const DEFAULT_REGISTRY_ENV: &str = "GGEN_DEFAULT_REGISTRY";

/// The resolved directories, the registry configuration and the cache.
pub struct Env {
    /// Directories (config file, cache).
    pub dirs: Dirs,
    /// `[[registry]]` entries and `[publish] key`.
    pub config: Config,
    /// The pack cache.
    pub cache: Cache,
}

impl Env {
    /// Resolve `GGEN_CONFIG_DIR` / `GGEN_CACHE_DIR` / `--config` and read the configuration.
    pub fn load(ctx: &Ctx) -> Result<Self, CmdError> {
        let dirs = Dirs::resolve(ctx.global.config.as_deref()).map_err(|e| CmdError::diag(&e))?;
        let config = if dirs.config_file_origin == ggen_core::config::Origin::Flag {
            // an explicit --config must exist
            Config::load(&dirs.config_file)
        } else {
            Config::load_or_default(&dirs.config_file)
        }
        .map_err(|e| CmdError::diag(&e))?;
        let cache = Cache::new(&dirs.cache_dir);
        Ok(Self {
            dirs,
            config,
            cache,
        })
    }

    /// HTTP settings for a registry entry (its token from `token_env`, when set).
    pub fn http_options(&self, ctx: &Ctx, entry: &RegistryEntry) -> HttpOptions {
        HttpOptions {
            offline: ctx.global.offline,
            token: entry
                .token_env
                .as_deref()
                .and_then(|v| std::env::var(v).ok())
                .filter(|t| !t.is_empty()),
            ..HttpOptions::default()
        }
    }

    /// The registries for installs, searches and lookups, in priority order. `project` (the
    /// directory holding ggen.lock) keeps the built-in registry available for packs locked from
    /// it; `bar` shows downloads.
    pub fn handles(
        &self,
        ctx: &Ctx,
        mode: Mode,
        project: Option<&Path>,
        bar: Option<&Arc<Bar>>,
    ) -> Result<Vec<RegistryHandle>, CmdError> {
        let mut out = Vec::new();
        for entry in &self.config.registries {
            let h = RegistryHandle::open(entry, &self.cache, mode, &self.http_options(ctx, entry))
                .map_err(|e| CmdError::diag(&e))?;
            out.push(h);
        }
        let locked_from_builtin = || {
            project
                .map(|p| p.join(LOCKFILE))
                .and_then(|p| Lockfile::load_or_default(&p).ok())
                .is_some_and(|l| l.iter().any(|p| p.source == builtin::SOURCE))
        };
        if out.is_empty() {
            out.push(self.default_handle(ctx, mode)?);
        } else if locked_from_builtin() {
            out.push(builtin_handle()?);
        }
        if let Some(bar) = bar {
            for h in &mut out {
                let inner = std::mem::replace(&mut h.registry, Box::new(Builtin));
                h.registry = Box::new(Tracked {
                    inner,
                    bar: Arc::clone(bar),
                });
            }
        }
        Ok(out)
    }

    /// The registry used when none is configured.
    fn default_handle(&self, ctx: &Ctx, mode: Mode) -> Result<RegistryHandle, CmdError> {
        match std::env::var(DEFAULT_REGISTRY_ENV) {
            Ok(loc) if !loc.trim().is_empty() => {
                let mut entry = RegistryEntry::new(builtin::NAME, loc.trim());
                entry.trusted_keys = documented_key()?;
                RegistryHandle::open(&entry, &self.cache, mode, &self.http_options(ctx, &entry))
                    .map_err(|e| CmdError::diag(&e))
            }
            _ => builtin_handle(),
        }
    }

    /// The configured registry to publish to or yank from: `name`, else the first one.
    pub fn target(&self, name: Option<&str>) -> Result<&RegistryEntry, CmdError> {
        let names = || {
            self.config
                .registries
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match name {
            Some(n) => self.config.registry(n).ok_or_else(|| CmdError {
                help: Some(if self.config.registries.is_empty() {
                    format!(
                        "add a [[registry]] entry to {}",
                        self.dirs.config_file.display()
                    )
                } else {
                    format!("configured registries: {}", names())
                }),
                ..CmdError::new(
                    "unknown-registry",
                    format!(
                        "no registry named `{n}` in {}",
                        self.dirs.config_file.display()
                    ),
                )
            }),
            None => self.config.registries.first().ok_or_else(|| CmdError {
                help: Some(format!(
                    "add one to {}:\n  [[registry]]\n  name = \"team\"\n  index = \"/srv/ggen-registry\"   # a directory, file:// or https:// URL",
                    self.dirs.config_file.display()
                )),
                ..CmdError::new(
                    "no-registry",
                    "no registry to publish to is configured (the built-in registry is read-only)",
                )
            }),
        }
    }
}

/// The documented key of the first-party registry, trusted for the default registry only.
fn documented_key() -> Result<TrustedKeys, CmdError> {
    let key = PublicKey::parse(builtin::PUBLIC_KEY.trim()).map_err(|e| CmdError::diag(&e))?;
    Ok([key].into_iter().collect())
}

/// The embedded first-party registry.
fn builtin_handle() -> Result<RegistryHandle, CmdError> {
    Ok(RegistryHandle {
        name: builtin::NAME.to_owned(),
        registry: Box::new(Builtin),
        trusted_keys: documented_key()?,
        require_signatures: true,
    })
}

/// Where a registry location points on disk, for directory registries.
pub fn dir_path(location: &str) -> PathBuf {
    PathBuf::from(location.strip_prefix("file://").unwrap_or(location))
}

/// A registry that reports each download to the progress bar.
struct Tracked {
    inner: Box<dyn Registry>,
    bar: Arc<Bar>,
}

impl Registry for Tracked {
    fn source(&self) -> &str {
        self.inner.source()
    }

    fn index(&self, id: &PackId) -> Result<Option<Vec<IndexLine>>, RegistryError> {
        self.inner.index(id)
    }

    fn download(&self, id: &PackId, version: &semver::Version) -> Result<Vec<u8>, RegistryError> {
        use ggen_engine::Progress as _;
        self.bar.begin("download", Some(1));
        let r = self.inner.download(id, version);
        self.bar.inc(1);
        self.bar.end();
        r
    }

    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, RegistryError> {
        self.inner.search(query)
    }

    fn pack_ids(&self) -> Result<Vec<String>, RegistryError> {
        self.inner.pack_ids()
    }

    fn is_remote(&self) -> bool {
        self.inner.is_remote()
    }
}
