//! Archive storage through `object_store`: a local or shared directory, or an S3-compatible
//! bucket (feature `s3`). Archives are content-addressed (`archives/sha256/<hex>.tar.gz`): two
//! publishers racing on one version can never overwrite each other's bytes, and the database
//! decides which checksum a version has.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::StorageConfig;

/// Object written at start and read by `/readyz`.
const MARKER: &str = ".ggen-registry";

/// Storage errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The storage URL or settings are not usable.
    #[error("invalid storage configuration `{url}`: {message}")]
    Config {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
    /// A storage operation failed.
    #[error("storage error: {0}")]
    Store(#[from] object_store::Error),
    /// A local directory could not be created.
    #[error("{}: {source}", path.display())]
    Io {
        /// The directory.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl ggen_core::Diagnostic for StorageError {
    fn code(&self) -> &'static str {
        match self {
            Self::Config { .. } => "storage-config",
            Self::Store(_) => "storage-error",
            Self::Io { .. } => "storage-io",
        }
    }

    fn location(&self) -> Option<&ggen_core::Location> {
        None
    }
}

/// Where archives live.
#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    description: String,
}

fn key(cksum: &str) -> ObjectPath {
    let hex = cksum.strip_prefix("sha256:").unwrap_or(cksum);
    ObjectPath::from(format!("archives/sha256/{hex}.tar.gz"))
}

impl Storage {
    /// Open the configured storage (`<data>/archives` by default).
    pub fn open(cfg: &StorageConfig, data: &Path) -> Result<Self, StorageError> {
        match cfg.url.as_deref() {
            None => Self::local(&data.join("archives")),
            Some(url) if url.starts_with("s3://") => Self::s3(url, cfg),
            Some(url) if url.contains("://") && !url.starts_with("file://") => {
                Err(StorageError::Config {
                    url: url.to_owned(),
                    message: "expected a directory, file:///dir or s3://bucket[/prefix]".into(),
                })
            }
            Some(url) => Self::local(Path::new(url.strip_prefix("file://").unwrap_or(url))),
        }
    }

    /// Storage in a local (or shared, mounted) directory, created when missing.
    pub fn local(dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(|source| StorageError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self {
            store: Arc::new(store),
            description: format!("directory {}", dir.display()),
        })
    }

    /// Storage over any `object_store` implementation (tests, embedders).
    pub fn from_store(store: Arc<dyn ObjectStore>, description: &str) -> Self {
        Self {
            store,
            description: description.to_owned(),
        }
    }

    #[cfg(feature = "s3")]
    fn s3(url: &str, cfg: &StorageConfig) -> Result<Self, StorageError> {
        use object_store::aws::AmazonS3Builder;
        // reqwest is built without a bundled crypto provider; use ring (as ureq does).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let rest = url.strip_prefix("s3://").unwrap_or(url);
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StorageError::Config {
                url: url.to_owned(),
                message: "no bucket name".into(),
            });
        }
        let retry = object_store::RetryConfig {
            max_retries: 2,
            retry_timeout: std::time::Duration::from_secs(15),
            ..object_store::RetryConfig::default()
        };
        let client = object_store::ClientOptions::new()
            .with_connect_timeout(std::time::Duration::from_secs(5))
            .with_timeout(std::time::Duration::from_secs(120));
        let mut b = AmazonS3Builder::new()
            .with_retry(retry)
            .with_client_options(client)
            .with_bucket_name(bucket)
            .with_region(cfg.s3_region.as_deref().unwrap_or("us-east-1"))
            .with_allow_http(cfg.s3_allow_http)
            .with_virtual_hosted_style_request(!cfg.s3_path_style);
        if let Some(e) = &cfg.s3_endpoint {
            b = b.with_endpoint(e);
        }
        if let Some(k) = &cfg.s3_access_key_id {
            b = b.with_access_key_id(k);
        }
        if let Some(k) = &cfg.s3_secret_access_key {
            b = b.with_secret_access_key(k);
        }
        let s3 = b.build()?;
        let prefix = prefix.trim_matches('/');
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
        };
        Ok(Self {
            store,
            description: format!("s3 bucket {bucket}"),
        })
    }

    #[cfg(not(feature = "s3"))]
    fn s3(url: &str, _cfg: &StorageConfig) -> Result<Self, StorageError> {
        Err(StorageError::Config {
            url: url.to_owned(),
            message: "this ggen-registry was built without the `s3` feature".into(),
        })
    }

    /// What the storage is, for logs (no credentials).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Write the readiness marker.
    pub async fn init(&self) -> Result<(), StorageError> {
        self.store
            .put(
                &ObjectPath::from(MARKER),
                PutPayload::from_static(b"ggen-registry archive storage\n"),
            )
            .await?;
        Ok(())
    }

    /// Readiness: the marker can be read.
    pub async fn check(&self) -> Result<(), StorageError> {
        self.store.head(&ObjectPath::from(MARKER)).await?;
        Ok(())
    }

    /// Store an archive under its checksum (idempotent: same checksum, same bytes).
    pub async fn put_archive(&self, cksum: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store.put(&key(cksum), PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// The archive with this checksum, if stored.
    pub async fn get_archive(&self, cksum: &str) -> Result<Option<Bytes>, StorageError> {
        match self.store.get(&key(cksum)).await {
            Ok(r) => Ok(Some(r.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Remove an archive (after a lost publish race); missing is fine.
    pub async fn delete_archive(&self, cksum: &str) -> Result<(), StorageError> {
        match self.store.delete(&key(cksum)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
