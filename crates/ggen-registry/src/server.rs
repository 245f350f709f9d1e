//! Opening the state, serving, polling for changes, and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::db::{Db, DbError, migrate};
use crate::state::AppState;
use crate::storage::{Storage, StorageError};

/// Errors starting or running the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// Database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Storage.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The schema is older than this binary and migrations are off.
    #[error(
        "the database schema is at version {found}, this server needs {wanted}; run `ggen-registry migrate`"
    )]
    SchemaOutdated {
        /// Applied version.
        found: i64,
        /// Needed version.
        wanted: i64,
    },
    /// Binding or serving failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
}

impl ggen_core::Diagnostic for ServerError {
    fn code(&self) -> &'static str {
        match self {
            Self::Db(e) => e.code(),
            Self::Storage(e) => e.code(),
            Self::SchemaOutdated { .. } => "schema-outdated",
            Self::Io { .. } => "server-io",
        }
    }

    fn location(&self) -> Option<&ggen_core::Location> {
        None
    }
}

/// Open the database (and apply migrations when `migrate_on_start`), the storage, and load the
/// search index.
pub async fn open(config: Config) -> Result<Arc<AppState>, ServerError> {
    if config.database.is_none() || config.storage.url.is_none() {
        std::fs::create_dir_all(&config.data).map_err(|source| ServerError::Io {
            what: format!("creating the data directory {}", config.data.display()),
            source,
        })?;
    }
    let db = Db::connect(&config.database_url(), &config.pool).await?;
    if config.migrate_on_start {
        let applied = db.migrate().await?;
        if !applied.is_empty() {
            tracing::info!(?applied, database = db.kind(), "migrations applied");
        }
    } else {
        let found = db.applied_migrations().await?.last().copied().unwrap_or(0);
        if found < migrate::LATEST {
            return Err(ServerError::SchemaOutdated {
                found,
                wanted: migrate::LATEST,
            });
        }
    }
    let storage = Storage::open(&config.storage, &config.data)?;
    storage.init().await?;
    let state = Arc::new(AppState::new(config, db, storage));
    state.load().await?;
    Ok(state)
}

/// A server accepting connections.
#[derive(Debug)]
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    /// The shared state.
    pub state: Arc<AppState>,
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), ServerError>>,
}

impl RunningServer {
    /// Begin a graceful shutdown (no new connections; in-flight requests finish).
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Wait until the server has stopped (after [`RunningServer::stop`] or the shutdown
    /// future given to [`start`]).
    pub async fn wait(self) -> Result<(), ServerError> {
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(ServerError::Io {
                what: "server task".into(),
                source: std::io::Error::other(e.to_string()),
            }),
        }
    }

    /// Stop and wait.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        self.stop();
        self.wait().await
    }
}

/// Bind `state.config.bind` and serve until `shutdown` completes or [`RunningServer::stop`] is
/// called; then stop accepting, let in-flight requests finish (at most
/// `shutdown_grace_secs`), stop the change poller and close the database.
pub async fn start(
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<RunningServer, ServerError> {
    let listener = TcpListener::bind(&state.config.bind)
        .await
        .map_err(|source| ServerError::Io {
            what: format!("binding {}", state.config.bind),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Io {
        what: "reading the bound address".into(),
        source,
    })?;
    let (stop, stopped) = watch::channel(false);
    {
        let stop = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
    }
    let poller = spawn_poller(state.clone(), stopped.clone());
    let app = crate::http::app(state.clone());
    let grace = Duration::from_secs(state.config.shutdown_grace_secs);
    let st = state.clone();
    let task = tokio::spawn(async move {
        let mut on_stop = stopped.clone();
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = on_stop.wait_for(|s| *s).await;
            tracing::info!("shutting down: no new connections, finishing in-flight requests");
        });
        let mut deadline = stopped;
        let result = tokio::select! {
            r = std::future::IntoFuture::into_future(serve) => r.map_err(|source| ServerError::Io {
                what: "serving".into(),
                source,
            }),
            () = async move {
                let _ = deadline.wait_for(|s| *s).await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(grace_secs = grace.as_secs(), "in-flight requests did not finish in time");
                Ok(())
            }
        };
        let _ = poller.await;
        st.db.close().await;
        tracing::info!("stopped");
        result
    });
    tracing::info!(
        %addr,
        database = state.db.kind(),
        storage = state.storage.description(),
        "listening"
    );
    Ok(RunningServer {
        addr,
        state,
        stop,
        task,
    })
}

fn spawn_poller(state: Arc<AppState>, mut stopped: watch::Receiver<bool>) -> JoinHandle<()> {
    let every = Duration::from_millis(state.config.cache.poll_interval_ms.max(10));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            if *stopped.borrow() {
                break;
            }
            tokio::select! {
                _ = tick.tick() => {
                    match state.poll_changes().await {
                        Ok(n) => {
                            if failing {
                                tracing::info!("change polling works again");
                                failing = false;
                            }
                            if n > 0 {
                                tracing::debug!(packs = n, "index cache refreshed");
                            }
                        }
                        Err(e) => {
                            if !failing {
                                tracing::warn!(error = %e, "change polling failed; serving cached index data");
                                failing = true;
                            }
                        }
                    }
                }
                changed = stopped.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
    })
}
