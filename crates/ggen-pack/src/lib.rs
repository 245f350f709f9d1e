//! ggen packs: the `ggen-pack.toml` manifest, deterministic archives and a fail-closed
//! extractor, registries (directory and HTTP), semver resolution, the `ggen.lock` lockfile, the
//! content-addressed cache, Ed25519 signatures and the installer that ties them together.
//!
//! The formats are specified in `PACKS_AND_REGISTRY.md` §1–5 and `docs/registry-api.md`.
//!
//! | module | what |
//! |---|---|
//! | [`manifest`] | `ggen-pack.toml` (and v2.5 `gpack.toml`) with located errors; [`manifest::Manifest::contents`] |
//! | [`archive`] | [`archive::build_archive`] (deterministic), [`archive::read_archive`] / [`archive::extract_archive`] (fail-closed, [`archive::Limits`]) |
//! | [`index`], [`search`] | index lines, `config.json`, `search.json`, ranked [`search::SearchIndex`] |
//! | [`registry`] | the [`registry::Registry`] trait, [`registry::DirRegistry`] (publish, yank), [`registry::HttpRegistry`] (sparse, ETag, retries), [`registry::publish_http`], [`registry::build_registry`] |
//! | [`resolve`] | semver resolution with backtracking, cycle/conflict/unknown errors |
//! | [`lockfile`] | `ggen.lock` ([`lockfile::Lockfile::update`] for locked read-modify-write) |
//! | [`cache`] | `archives/sha256/…`, `src/…`, `index/…`, writer lock, corruption warnings |
//! | [`sign`] | Ed25519 keys, signing, verification against [`sign::TrustedKeys`] |
//! | [`config`] | `[[registry]]` entries of the user's `config.toml`, [`config::default_cache_dir`] |
//! | [`install`] | [`install::Installer`]: install / sync / update / remove / verify / list |
//!
//! Library code never reads `HOME` or the environment (except
//! [`config::default_cache_dir`] / [`config::default_config_file`], for the command line's
//! defaults), never prints and never exits.

pub mod archive;
pub mod cache;
pub mod config;
mod filelock;
mod fsutil;
mod id;
pub mod index;
pub mod install;
pub mod lockfile;
pub mod manifest;
pub mod registry;
pub mod resolve;
pub mod search;
pub mod sign;
mod tomlutil;

pub use filelock::FileLock;
pub use id::{InvalidId, MAX_ID_LEN, PackId};
