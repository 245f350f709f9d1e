//! Shared foundations for every ggen crate.
//!
//! - [`Location`]: a position in an input file (1-based line and column), carried by errors.
//! - [`Diagnostic`]: what every library error exposes so the CLI can print it and emit it as JSON.
//! - [`hash`]: SHA-256 helpers (hex digests, `sha256:` checksums).
//! - [`config`]: the user's directories, `config.toml` reading and comment-preserving edits.
//! - [`fs`]: atomic writes (temp file in the same directory, then rename), new directory trees
//!   created at once, and path helpers.
//! - [`par`]: parallel map and join where the calling thread takes over work no other thread
//!   has started.

pub mod config;
pub mod fs;
pub mod hash;
mod location;
pub mod par;

pub use location::{Diagnostic, Location, line_col_of_offset};
