//! `ggen-registry`: the pack registry server for teams (design brief `PACKS_AND_REGISTRY.md`
//! §2 and §6; wire format `docs/registry-api.md`; operations `docs/registry-server.md`).
//!
//! It serves the same sparse index as a directory registry (`config.json`, `index/<id>`,
//! `packs/<id>/<version>.tar.gz`, `search.json`) plus `/api/v1` (search, pack metadata,
//! publish, yank/unyank, tokens), `/healthz`, `/readyz`, `/metrics`, `/openapi.json` and a small
//! HTML page at `/`. Publishing uses ggen-pack's own validation: framing, ids, versions,
//! checksum, the fail-closed archive reader, the manifest comparison and Ed25519 verification.
//!
//! | module | what |
//! |---|---|
//! | [`config`] | settings from defaults, TOML file, environment |
//! | [`db`] | SQLite / PostgreSQL (sqlx), versioned migrations |
//! | [`storage`] | archives in a directory or an S3-compatible bucket (`object_store`) |
//! | [`state`] | index cache, search index, change poller |
//! | [`auth`] | hashed, scoped bearer tokens |
//! | [`publish`] | publish request validation |
//! | [`http`] | routes, middleware, OpenAPI |
//! | [`server`] | start, serve, graceful shutdown |

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod metrics;
pub mod publish;
pub mod ratelimit;
pub mod server;
pub mod state;
pub mod storage;

pub use config::Config;
pub use server::{RunningServer, ServerError, open, start};
