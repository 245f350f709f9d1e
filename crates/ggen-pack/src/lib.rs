//! ggen packs: the `ggen-pack.toml` manifest, deterministic archives and a fail-closed
//! extractor, registries (directory and HTTP), semver resolution, the `ggen.lock` lockfile, the
//! content-addressed cache, Ed25519 signatures and the installer that ties them together.

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
