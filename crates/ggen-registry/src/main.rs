//! The `ggen-registry` command: `serve`, `migrate`, `token`, `key`, `openapi`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ggen_core::Diagnostic;
use ggen_registry::config::Config;
use ggen_registry::db::Db;

/// ggen pack registry server.
#[derive(Debug, Parser)]
#[command(
    name = "ggen-registry",
    version,
    about,
    after_help = "Example:\n  ggen-registry serve --data ./registry-data --bind 127.0.0.1:8080"
)]
struct Cli {
    /// TOML configuration file (settings below and GGEN_REGISTRY_* variables override it).
    #[arg(long, global = true, env = "GGEN_REGISTRY_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (SQLite database and archives by default).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST:PORT/DB.
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the registry.
    #[command(
        after_help = "Example:\n  ggen-registry serve --data ./registry-data --bind 127.0.0.1:8080"
    )]
    Serve {
        /// Address to listen on (port 0: any free port).
        #[arg(long)]
        bind: Option<String>,
        /// Archive storage: a directory, file:///dir or s3://bucket[/prefix].
        #[arg(long)]
        storage: Option<String>,
        /// Public base URL (for the `api` field of config.json).
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Apply pending database migrations.
    #[command(
        after_help = "Example:\n  ggen-registry migrate --database postgres://registry@db/registry"
    )]
    Migrate,
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage the publisher keys signatures are verified with.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Print the OpenAPI 3.1 document.
    #[command(after_help = "Example:\n  ggen-registry openapi > openapi.json")]
    Openapi,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token and print it (only its hash is stored).
    #[command(
        after_help = "Example:\n  ggen-registry token create --name ci --scope publish:io.acme --scope yank:io.acme"
    )]
    Create {
        /// A name to recognise the token by.
        #[arg(long)]
        name: String,
        /// publish:<namespace>, yank:<namespace> (`*` = every pack) or admin; repeatable.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// List tokens (never their secrets).
    #[command(after_help = "Example:\n  ggen-registry token list")]
    List,
    /// Revoke a token by id.
    #[command(after_help = "Example:\n  ggen-registry token revoke 3")]
    Revoke {
        /// Token id (the number in ggr_<id>_…).
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Register a publisher public key (base64 SPKI or raw base64).
    #[command(after_help = "Example:\n  ggen-registry key add MCowBQYDK2VwAyEA… --name release")]
    Add {
        /// The public key.
        key: String,
        /// A name.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List registered keys.
    #[command(after_help = "Example:\n  ggen-registry key list")]
    List,
    /// Remove a key by id.
    #[command(after_help = "Example:\n  ggen-registry key remove ed25519:3f2a9c0d11e4b7a5")]
    Remove {
        /// Key id.
        key_id: String,
    },
}

#[allow(clippy::print_stderr)]
fn fail(e: &dyn Diagnostic, text: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error[{}]: {text}", e.code());
    if let Some(h) = e.help() {
        eprintln!("help: {h}");
    }
    ExitCode::from(2)
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Message(String);

impl Diagnostic for Message {
    fn code(&self) -> &'static str {
        "ggen-registry"
    }
    fn location(&self) -> Option<&ggen_core::Location> {
        None
    }
}

fn load_config(cli: &Cli) -> Result<Config, ggen_registry::config::ConfigError> {
    let mut c = match &cli.config {
        Some(f) => Config::load(f)?,
        None => Config::default(),
    };
    c.apply_env(|n| std::env::var(n).ok())?;
    if let Some(d) = &cli.data {
        c.data = d.clone();
    }
    if let Some(d) = &cli.database {
        c.database = Some(d.clone());
    }
    Ok(c)
}

fn init_logging(c: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&c.log.level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if c.log.format == "text" {
        builder.init();
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init();
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match load_config(&cli) {
        Ok(c) => c,
        Err(e) => return fail(&e, &e),
    };
    if let Command::Openapi = cli.command {
        print(ggen_registry::http::openapi_json());
        return ExitCode::SUCCESS;
    }
    if let Command::Serve {
        bind,
        storage,
        public_url,
    } = &cli.command
    {
        if let Some(b) = bind {
            config.bind = b.clone();
        }
        if let Some(s) = storage {
            config.storage.url = Some(s.clone());
        }
        if let Some(u) = public_url {
            config.public_url = Some(u.clone());
        }
        init_logging(&config);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let m = Message(format!("cannot start the runtime: {e}"));
            return fail(&m, &m);
        }
    };
    rt.block_on(run(cli.command, config))
}

#[allow(clippy::print_stdout)]
fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

async fn db_for(config: &Config) -> Result<Db, ggen_registry::db::DbError> {
    if config.database.is_none() {
        let _ = std::fs::create_dir_all(&config.data);
    }
    let db = Db::connect(&config.database_url(), &config.pool).await?;
    db.migrate().await?;
    Ok(db)
}

async fn run(command: Command, config: Config) -> ExitCode {
    match command {
        Command::Serve { .. } => {
            let state = match ggen_registry::open(config).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start");
                    return fail(&e, &e);
                }
            };
            let server = match ggen_registry::start(state, shutdown_signal()).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start");
                    return fail(&e, &e);
                }
            };
            print(&format!(
                "ggen-registry listening on http://{}\n",
                server.addr
            ));
            match server.wait().await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e, &e),
            }
        }
        Command::Migrate => {
            if config.database.is_none() {
                let _ = std::fs::create_dir_all(&config.data);
            }
            let db = match Db::connect(&config.database_url(), &config.pool).await {
                Ok(db) => db,
                Err(e) => return fail(&e, &e),
            };
            match db.migrate().await {
                Ok(applied) => {
                    let all = db.applied_migrations().await.unwrap_or_default();
                    print(&format!(
                        "schema version {} ({} migration(s) applied now{})\n",
                        all.last().copied().unwrap_or(0),
                        applied.len(),
                        if applied.is_empty() {
                            String::new()
                        } else {
                            format!(
                                ": {}",
                                applied
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }
                    ));
                    db.close().await;
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e, &e),
            }
        }
        Command::Token(t) => {
            let db = match db_for(&config).await {
                Ok(db) => db,
                Err(e) => return fail(&e, &e),
            };
            let code = token_command(&db, t).await;
            db.close().await;
            code
        }
        Command::Key(k) => {
            let db = match db_for(&config).await {
                Ok(db) => db,
                Err(e) => return fail(&e, &e),
            };
            let code = key_command(&db, k).await;
            db.close().await;
            code
        }
        Command::Openapi => ExitCode::SUCCESS,
    }
}

async fn token_command(db: &Db, t: TokenCommand) -> ExitCode {
    match t {
        TokenCommand::Create { name, scopes } => {
            match ggen_registry::auth::create_token(db, &name, &scopes).await {
                Ok(c) => {
                    print(&format!("{}\n", c.token));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e, &e),
            }
        }
        TokenCommand::List => match db.tokens().await {
            Ok(rows) => {
                let mut out = String::new();
                for r in rows {
                    out.push_str(&format!(
                        "{}\t{}\t{}\t{}\n",
                        r.id,
                        r.name,
                        r.scopes,
                        if r.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        }
                    ));
                }
                print(&out);
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e, &e),
        },
        TokenCommand::Revoke { id } => match db.revoke_token(id).await {
            Ok(true) => {
                print(&format!("token {id} revoked\n"));
                ExitCode::SUCCESS
            }
            Ok(false) => {
                let m = Message(format!("no active token with id {id}"));
                fail(&m, &m)
            }
            Err(e) => fail(&e, &e),
        },
    }
}

async fn key_command(db: &Db, k: KeyCommand) -> ExitCode {
    match k {
        KeyCommand::Add { key, name } => {
            let parsed = match ggen_pack::sign::PublicKey::parse(&key) {
                Ok(p) => p,
                Err(e) => return fail(&e, &e),
            };
            match db
                .add_key(&parsed.key_id(), &parsed.to_base64_spki(), &name)
                .await
            {
                Ok(true) => {
                    print(&format!("{}\n", parsed.key_id()));
                    ExitCode::SUCCESS
                }
                Ok(false) => {
                    let m = Message(format!("key {} is registered already", parsed.key_id()));
                    fail(&m, &m)
                }
                Err(e) => fail(&e, &e),
            }
        }
        KeyCommand::List => match db.keys().await {
            Ok(rows) => {
                let mut out = String::new();
                for r in rows {
                    out.push_str(&format!("{}\t{}\t{}\n", r.key_id, r.name, r.public_key));
                }
                print(&out);
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e, &e),
        },
        KeyCommand::Remove { key_id } => match db.remove_key(&key_id).await {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => {
                let m = Message(format!("no key {key_id}"));
                fail(&m, &m)
            }
            Err(e) => fail(&e, &e),
        },
    }
}
