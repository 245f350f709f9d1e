//! `ggen marketplace …` (alias `ggen market`): search, inspect, install, update, remove,
//! publish, yank and verify packs; manage publisher keys. The work is done by `ggen-pack`; this
//! module picks the registries (the user's `[[registry]]` entries, else the built-in first-party
//! registry), turns flags into installer modes and results into reports.
//!
//! [`attach_packs`] is what `ggen project gen` calls to feed the project's packs into generation.

mod builtin;
mod keys;
mod project_ops;
mod publish;
mod query;
mod registries;

use std::path::PathBuf;

use clap::{Args, Subcommand};
use ggen_pack::install::{InstallOptions, Mode};

use crate::cmd::Ctx;
use crate::output::{CmdError, Report};

pub use project_ops::attach_packs;

/// `--locked` / `--frozen`, as in Cargo.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct LockArgs {
    /// Fail if ggen.lock would change (packs).
    #[arg(long)]
    pub locked: bool,
    /// Like --locked, and never use the network (also implies --offline).
    #[arg(long)]
    pub frozen: bool,
}

/// `ggen marketplace …`
#[derive(Debug, Subcommand)]
pub enum MarketplaceCommand {
    /// Search the registries' packs (ranked: exact id, prefix, substring, keyword, description).
    #[command(
        after_help = "Examples:\n  ggen marketplace search rust\n  ggen market search models --category models --limit 5 --json"
    )]
    Search {
        /// Words to look for (every word must match); empty lists every pack.
        query: Option<String>,
        /// Only packs in this category.
        #[arg(long)]
        category: Option<String>,
        /// Only packs with this keyword.
        #[arg(long)]
        keyword: Option<String>,
        /// Show at most N packs.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
        limit: u64,
    },
    /// Show a pack: metadata, versions (yanked marked), dependencies, checksum, signatures, files.
    #[command(
        after_help = "Examples:\n  ggen marketplace info io.ggen.rust-models\n  ggen marketplace info io.ggen.rust-models@1.0.0 --json"
    )]
    Info {
        /// `id` or `id@version` (or `id@requirement`).
        pack: String,
    },
    /// Add packs to ggen.toml [packs] and install them with their dependencies (without
    /// arguments: install everything ggen.toml requires).
    #[command(
        visible_alias = "add",
        after_help = "Examples:\n  ggen marketplace install io.ggen.rust-models\n  ggen market add io.ggen.rust-models@^1.0 --locked"
    )]
    Install {
        /// `id` or `id@requirement` (e.g. `io.ggen.rust-models@^1.2`).
        packs: Vec<String>,
        /// Accept packs that are unsigned or signed by keys you do not trust.
        #[arg(long)]
        allow_unsigned: bool,
        /// Lockfile mode.
        #[command(flatten)]
        lock: LockArgs,
    },
    /// List the packs in ggen.lock and whether their cached copies still verify.
    #[command(after_help = "Example:\n  ggen marketplace list --json")]
    List,
    /// Move packs to the newest versions ggen.toml allows and rewrite ggen.lock.
    #[command(
        after_help = "Examples:\n  ggen marketplace update --dry-run\n  ggen marketplace update io.ggen.rust-models"
    )]
    Update {
        /// Only these packs (and what they need); default: every pack.
        packs: Vec<String>,
        /// Show old -> new and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Accept packs that are unsigned or signed by keys you do not trust.
        #[arg(long)]
        allow_unsigned: bool,
        /// Lockfile mode.
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Remove packs from ggen.toml and ggen.lock.
    #[command(after_help = "Example:\n  ggen marketplace remove io.ggen.rust-models")]
    Remove {
        /// Pack ids.
        #[arg(required = true)]
        packs: Vec<String>,
        /// Also remove installed packs that depend on them.
        #[arg(long)]
        force: bool,
        /// Lockfile mode.
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Validate a pack (manifest, every template parses and lints clean), build its
    /// deterministic archive, sign it and publish it to a registry.
    #[command(
        after_help = "Examples:\n  ggen marketplace publish ./my-pack --registry team --dry-run\n  ggen marketplace publish --registry team --key ~/.config/ggen/publisher.key"
    )]
    Publish {
        /// The pack directory (default: the current directory).
        dir: Option<PathBuf>,
        /// The configured registry to publish to (default: the first `[[registry]]`).
        #[arg(long, value_name = "NAME")]
        registry: Option<String>,
        /// Validate and build, print the result, publish nothing.
        #[arg(long)]
        dry_run: bool,
        /// Private key to sign with (default: `[publish] key` of config.toml).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        /// Publish without a signature when no key is configured.
        #[arg(long)]
        allow_unsigned: bool,
    },
    /// Yank a published version (new resolutions skip it; lockfiles keep working), or undo it.
    #[command(
        after_help = "Examples:\n  ggen marketplace yank io.example.models@1.2.0 --registry team\n  ggen marketplace yank io.example.models@1.2.0 --undo"
    )]
    Yank {
        /// `id@version`.
        pack: String,
        /// Unyank.
        #[arg(long)]
        undo: bool,
        /// The configured registry (default: the first `[[registry]]`).
        #[arg(long, value_name = "NAME")]
        registry: Option<String>,
    },
    /// Re-hash every locked pack's cached archive and extracted files (exit 1 on a mismatch).
    #[command(after_help = "Example:\n  ggen marketplace verify")]
    Verify,
    /// Create a publisher key pair (private key file mode 0600).
    #[command(
        after_help = "Examples:\n  ggen marketplace keygen\n  ggen marketplace keygen --out keys/team.key"
    )]
    Keygen {
        /// Where to write the private key (default: <config dir>/publisher.key).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace an existing key file.
        #[arg(long)]
        force: bool,
    },
    /// Sign a pack (directory or .tar.gz) and print the index signature entry.
    #[command(
        after_help = "Examples:\n  ggen marketplace sign ./my-pack --key publisher.key\n  ggen marketplace sign my-pack-1.0.0.tar.gz --json"
    )]
    Sign {
        /// A pack directory (archived deterministically first) or a pack archive.
        path: PathBuf,
        /// Private key (default: `[publish] key` of config.toml).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
}

/// Dispatch `ggen marketplace …`.
pub fn run(ctx: &Ctx, cmd: MarketplaceCommand) -> Result<Report, CmdError> {
    match cmd {
        MarketplaceCommand::Search {
            query,
            category,
            keyword,
            limit,
        } => query::search(
            ctx,
            query.as_deref().unwrap_or_default(),
            category,
            keyword,
            usize::try_from(limit).unwrap_or(usize::MAX),
        ),
        MarketplaceCommand::Info { pack } => query::info(ctx, &pack),
        MarketplaceCommand::Install {
            packs,
            allow_unsigned,
            lock,
        } => project_ops::install(ctx, &packs, allow_unsigned, lock),
        MarketplaceCommand::List => project_ops::list(ctx),
        MarketplaceCommand::Update {
            packs,
            dry_run,
            allow_unsigned,
            lock,
        } => project_ops::update(ctx, &packs, dry_run, allow_unsigned, lock),
        MarketplaceCommand::Remove { packs, force, lock } => {
            project_ops::remove(ctx, &packs, force, lock)
        }
        MarketplaceCommand::Verify => project_ops::verify(ctx),
        MarketplaceCommand::Publish {
            dir,
            registry,
            dry_run,
            key,
            allow_unsigned,
        } => publish::publish(ctx, dir, registry.as_deref(), dry_run, key, allow_unsigned),
        MarketplaceCommand::Yank {
            pack,
            undo,
            registry,
        } => publish::yank(ctx, &pack, undo, registry.as_deref()),
        MarketplaceCommand::Keygen { out, force } => keys::keygen(ctx, out, force),
        MarketplaceCommand::Sign { path, key } => keys::sign(ctx, &path, key),
    }
}

/// The installer mode for the flags: `--frozen` (or `--locked` with `--offline`) never uses the
/// network and never changes ggen.lock; `--locked` never changes it; `--offline` uses cached data
/// only.
pub(crate) fn mode(ctx: &Ctx, lock: LockArgs) -> Mode {
    match (lock.frozen, lock.locked, ctx.global.offline) {
        (true, _, _) | (false, true, true) => Mode::Frozen,
        (false, true, false) => Mode::Locked,
        (false, false, true) => Mode::Offline,
        (false, false, false) => Mode::Normal,
    }
}

/// Installer options for a mode.
pub(crate) fn install_options(mode: Mode, allow_unsigned: bool) -> InstallOptions {
    InstallOptions {
        mode,
        allow_unsigned,
        ggen_version: ggen_engine::VERSION.parse().ok(),
        limits: ggen_pack::archive::Limits::default(),
    }
}
