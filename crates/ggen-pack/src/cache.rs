//! The content-addressed pack cache.
//!
//! ```text
//! <cache>/.lock                               exclusive lock for writers
//! <cache>/archives/sha256/<hex>               archives, verified on every read
//! <cache>/src/<id>-<version>-<hex12>/         extracted packs (files read-only)
//! <cache>/index/<registry-hash>/…             HTTP sparse-index cache with ETags
//! ```
//!
//! The caller passes the cache directory (`$GGEN_CACHE_DIR` or
//! [`crate::config::default_cache_dir`]). Every write goes to a temporary file or directory in
//! the same directory and is renamed into place. A cache entry whose hash no longer matches is
//! discarded and reported as a [`CacheWarning`], so the caller fetches it again.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use ggen_core::Diagnostic;
use semver::Version;

use crate::archive::{ArchiveError, Limits, extract_archive, read_archive};
use crate::filelock::FileLock;
use crate::id::PackId;
use crate::index::is_valid_checksum;

/// Something wrong found (and repaired by discarding) in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheWarning {
    /// A cached archive's content no longer matches its name; it was removed.
    CorruptArchive {
        /// The cached file.
        path: PathBuf,
        /// The checksum it should have.
        expected: String,
        /// The checksum it had.
        actual: String,
    },
    /// An extracted pack differs from its archive; it was removed.
    CorruptSource {
        /// The extracted directory.
        path: PathBuf,
        /// What differed.
        problems: Vec<String>,
    },
}

impl fmt::Display for CacheWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CorruptArchive {
                path,
                expected,
                actual,
            } => write!(
                f,
                "cached archive {} was corrupted (expected {expected}, actual {actual}); discarded",
                path.display()
            ),
            Self::CorruptSource { path, problems } => write!(
                f,
                "extracted pack {} was modified ({}); discarded",
                path.display(),
                problems.join("; ")
            ),
        }
    }
}

/// Errors using the cache.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// File-system error.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A checksum string is not `sha256:<64 hex>`.
    #[error("invalid checksum `{0}`")]
    InvalidChecksum(String),
    /// Bytes handed to the cache do not have the checksum they were stored under.
    #[error("checksum mismatch: expected {expected}, actual {actual}")]
    ChecksumMismatch {
        /// Expected checksum.
        expected: String,
        /// Actual checksum.
        actual: String,
    },
    /// The archive could not be extracted.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

impl Diagnostic for CacheError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "cache-io",
            Self::InvalidChecksum(_) => "cache-invalid-checksum",
            Self::ChecksumMismatch { .. } => "checksum-mismatch",
            Self::Archive(e) => e.code(),
        }
    }
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
    move |source| CacheError::Io {
        path: path.to_owned(),
        source,
    }
}

fn hex_of(cksum: &str) -> Result<&str, CacheError> {
    if !is_valid_checksum(cksum) {
        return Err(CacheError::InvalidChecksum(cksum.to_owned()));
    }
    cksum
        .strip_prefix("sha256:")
        .ok_or_else(|| CacheError::InvalidChecksum(cksum.to_owned()))
}

/// State of a cached archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveState {
    /// Present and matching its checksum.
    Ok,
    /// Not in the cache.
    Missing,
    /// Present with other content.
    Corrupt {
        /// The checksum it has.
        actual: String,
    },
}

/// State of an extracted pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceState {
    /// Identical to the archive's files.
    Ok,
    /// Not extracted.
    Missing,
    /// Differs from the archive.
    Modified {
        /// What differs (`modified x`, `missing x`, `extra x`).
        problems: Vec<String>,
    },
    /// Could not be compared because the archive is missing or corrupt.
    Unknown,
}

/// Verification result for one pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackCacheStatus {
    /// The archive.
    pub archive: ArchiveState,
    /// The extracted files.
    pub source: SourceState,
}

impl PackCacheStatus {
    /// Whether both the archive and the extracted files verify.
    pub fn is_ok(&self) -> bool {
        self.archive == ArchiveState::Ok && self.source == SourceState::Ok
    }
}

/// The cache rooted at a directory.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// A cache at `root` (nothing is created until something is written).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The cache directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an archive with this checksum is stored.
    pub fn archive_path(&self, cksum: &str) -> Result<PathBuf, CacheError> {
        Ok(self
            .root
            .join("archives")
            .join("sha256")
            .join(hex_of(cksum)?))
    }

    /// Where a pack version is extracted.
    pub fn source_path(
        &self,
        id: &PackId,
        version: &Version,
        cksum: &str,
    ) -> Result<PathBuf, CacheError> {
        let hex = hex_of(cksum)?;
        Ok(self
            .root
            .join("src")
            .join(format!("{id}-{version}-{}", hex.get(..12).unwrap_or(hex))))
    }

    /// The index cache directory of a registry (`index/<first 16 hex of sha256(url)>`).
    pub fn index_dir(&self, registry_url: &str) -> PathBuf {
        let h = ggen_core::hash::sha256_hex(registry_url);
        self.root.join("index").join(h.get(..16).unwrap_or(&h))
    }

    /// Take the writer lock (`<cache>/.lock`), waiting for other writers.
    pub fn lock(&self) -> Result<CacheWriter<'_>, CacheError> {
        let p = self.root.join(".lock");
        let lock = FileLock::exclusive(&p).map_err(io_at(&p))?;
        Ok(CacheWriter {
            cache: self,
            _lock: lock,
        })
    }

    /// Read a cached archive, verifying its hash. A corrupted file is removed (under the writer
    /// lock) and reported; the result is then `None` so the caller fetches it again.
    pub fn read_archive(
        &self,
        cksum: &str,
    ) -> Result<(Option<Vec<u8>>, Option<CacheWarning>), CacheError> {
        let path = self.archive_path(cksum)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, None)),
            Err(e) => return Err(io_at(&path)(e)),
        };
        let actual = ggen_core::hash::sha256_checksum(&bytes);
        if actual == cksum {
            return Ok((Some(bytes), None));
        }
        let writer = self.lock()?;
        writer.discard_archive(cksum)?;
        Ok((
            None,
            Some(CacheWarning::CorruptArchive {
                path,
                expected: cksum.to_owned(),
                actual,
            }),
        ))
    }

    /// Compare an extracted pack with the archive it came from.
    pub fn compare_source(
        &self,
        dir: &Path,
        archive: &[u8],
        limits: &Limits,
    ) -> Result<SourceState, CacheError> {
        if !dir.is_dir() {
            return Ok(SourceState::Missing);
        }
        let files = read_archive(archive, limits)?;
        let mut on_disk = BTreeMap::new();
        let mut problems = Vec::new();
        collect_files(dir, dir, &mut on_disk, &mut problems)?;
        for f in &files {
            match on_disk.remove(&f.path) {
                None => problems.push(format!("missing {}", f.path)),
                Some(p) => {
                    let data = std::fs::read(&p).map_err(io_at(&p))?;
                    if data != f.data {
                        problems.push(format!("modified {}", f.path));
                    }
                }
            }
        }
        problems.extend(on_disk.keys().map(|k| format!("extra {k}")));
        Ok(if problems.is_empty() {
            SourceState::Ok
        } else {
            problems.sort();
            SourceState::Modified { problems }
        })
    }

    /// Verify one pack's archive and extracted files against its locked checksum, without
    /// changing anything.
    pub fn check_pack(
        &self,
        id: &PackId,
        version: &Version,
        cksum: &str,
        limits: &Limits,
    ) -> Result<PackCacheStatus, CacheError> {
        let path = self.archive_path(cksum)?;
        let src = self.source_path(id, version, cksum)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let source = if src.is_dir() {
                    SourceState::Unknown
                } else {
                    SourceState::Missing
                };
                return Ok(PackCacheStatus {
                    archive: ArchiveState::Missing,
                    source,
                });
            }
            Err(e) => return Err(io_at(&path)(e)),
        };
        let actual = ggen_core::hash::sha256_checksum(&bytes);
        if actual != cksum {
            return Ok(PackCacheStatus {
                archive: ArchiveState::Corrupt { actual },
                source: if src.is_dir() {
                    SourceState::Unknown
                } else {
                    SourceState::Missing
                },
            });
        }
        Ok(PackCacheStatus {
            archive: ArchiveState::Ok,
            source: self.compare_source(&src, &bytes, limits)?,
        })
    }
}

fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, PathBuf>,
    problems: &mut Vec<String>,
) -> Result<(), CacheError> {
    for e in std::fs::read_dir(dir).map_err(io_at(dir))? {
        let e = e.map_err(io_at(dir))?;
        let p = e.path();
        let rel = ggen_core::fs::slash_path(p.strip_prefix(root).unwrap_or(&p));
        let ft = std::fs::symlink_metadata(&p)
            .map_err(io_at(&p))?
            .file_type();
        if ft.is_dir() {
            collect_files(root, &p, out, problems)?;
        } else if ft.is_file() {
            out.insert(rel, p);
        } else {
            problems.push(format!("unexpected special file {rel}"));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn make_read_only(dir: &Path) -> Result<(), CacheError> {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(dir).map_err(io_at(dir))? {
        let p = e.map_err(io_at(dir))?.path();
        let meta = std::fs::symlink_metadata(&p).map_err(io_at(&p))?;
        if meta.is_dir() {
            make_read_only(&p)?;
        } else {
            let mode = meta.permissions().mode() & 0o555;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
                .map_err(io_at(&p))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_read_only(_dir: &Path) -> Result<(), CacheError> {
    Ok(())
}

/// The cache with its writer lock held; dropped to release.
#[derive(Debug)]
pub struct CacheWriter<'a> {
    cache: &'a Cache,
    _lock: FileLock,
}

impl CacheWriter<'_> {
    /// The cache.
    pub fn cache(&self) -> &Cache {
        self.cache
    }

    /// Store an archive under its checksum (verified first). Returns its path. An existing
    /// correct copy is kept; a corrupted one is replaced.
    pub fn store_archive(&self, bytes: &[u8], cksum: &str) -> Result<PathBuf, CacheError> {
        let path = self.cache.archive_path(cksum)?;
        let actual = ggen_core::hash::sha256_checksum(bytes);
        if actual != cksum {
            return Err(CacheError::ChecksumMismatch {
                expected: cksum.to_owned(),
                actual,
            });
        }
        if let Ok(existing) = std::fs::read(&path)
            && ggen_core::hash::sha256_checksum(&existing) == cksum
        {
            return Ok(path);
        }
        crate::fsutil::write_atomic_shared(&path, bytes).map_err(io_at(&path))?;
        Ok(path)
    }

    /// Remove a cached archive (no error when absent).
    pub fn discard_archive(&self, cksum: &str) -> Result<(), CacheError> {
        let path = self.cache.archive_path(cksum)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_at(&path)(e)),
        }
    }

    /// Remove an extracted pack (no error when absent).
    pub fn discard_source(
        &self,
        id: &PackId,
        version: &Version,
        cksum: &str,
    ) -> Result<(), CacheError> {
        let dir = self.cache.source_path(id, version, cksum)?;
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_at(&dir)(e)),
        }
    }

    /// Make sure the pack is extracted and identical to `archive` (whose checksum must be
    /// `cksum`). An extracted copy that differs is discarded (reported) and extracted again.
    /// Returns the directory.
    pub fn ensure_source(
        &self,
        id: &PackId,
        version: &Version,
        cksum: &str,
        archive: &[u8],
        limits: &Limits,
    ) -> Result<(PathBuf, Option<CacheWarning>), CacheError> {
        let actual = ggen_core::hash::sha256_checksum(archive);
        if actual != cksum {
            return Err(CacheError::ChecksumMismatch {
                expected: cksum.to_owned(),
                actual,
            });
        }
        let dir = self.cache.source_path(id, version, cksum)?;
        let mut warning = None;
        match self.cache.compare_source(&dir, archive, limits)? {
            SourceState::Ok => return Ok((dir, None)),
            SourceState::Missing | SourceState::Unknown => {}
            SourceState::Modified { problems } => {
                self.discard_source(id, version, cksum)?;
                warning = Some(CacheWarning::CorruptSource {
                    path: dir.clone(),
                    problems,
                });
            }
        }
        extract_archive(archive, &dir, limits)?;
        make_read_only(&dir)?;
        Ok((dir, warning))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_archive() -> Vec<u8> {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("templates")).unwrap();
        std::fs::write(d.path().join("templates/a.tmpl"), "hello").unwrap();
        std::fs::write(d.path().join("ggen-pack.toml"), "x").unwrap();
        crate::archive::build_archive(d.path()).unwrap()
    }

    #[test]
    fn layout_and_round_trip() {
        let d = tempfile::tempdir().unwrap();
        let cache = Cache::new(d.path().join("cache"));
        let bytes = sample_archive();
        let ck = ggen_core::hash::sha256_checksum(&bytes);
        let id = PackId::parse("io.a.b").unwrap();
        let v = Version::new(1, 0, 0);
        assert_eq!(cache.read_archive(&ck).unwrap(), (None, None));
        {
            let w = cache.lock().unwrap();
            let p = w.store_archive(&bytes, &ck).unwrap();
            assert!(p.ends_with(format!("archives/sha256/{}", &ck[7..])));
            let (src, warn) = w
                .ensure_source(&id, &v, &ck, &bytes, &Limits::default())
                .unwrap();
            assert!(warn.is_none());
            assert!(src.ends_with(format!("src/io.a.b-1.0.0-{}", &ck[7..19])));
            assert_eq!(
                std::fs::read_to_string(src.join("templates/a.tmpl")).unwrap(),
                "hello"
            );
        }
        assert_eq!(cache.read_archive(&ck).unwrap().0.unwrap(), bytes);
        assert!(
            cache
                .check_pack(&id, &v, &ck, &Limits::default())
                .unwrap()
                .is_ok()
        );
        assert!(cache.root().join(".lock").exists());
        assert!(
            cache
                .index_dir("https://x/")
                .starts_with(cache.root().join("index"))
        );
    }

    #[test]
    fn store_refuses_wrong_bytes() {
        let d = tempfile::tempdir().unwrap();
        let cache = Cache::new(d.path());
        let ck = ggen_core::hash::sha256_checksum(b"abc");
        let w = cache.lock().unwrap();
        assert!(matches!(
            w.store_archive(b"abd", &ck),
            Err(CacheError::ChecksumMismatch { .. })
        ));
        assert!(!cache.archive_path(&ck).unwrap().exists());
        assert!(matches!(
            cache.archive_path("md5:abc"),
            Err(CacheError::InvalidChecksum(_))
        ));
    }

    #[test]
    fn corrupted_entries_are_detected_and_discarded() {
        let d = tempfile::tempdir().unwrap();
        let cache = Cache::new(d.path());
        let bytes = sample_archive();
        let ck = ggen_core::hash::sha256_checksum(&bytes);
        let id = PackId::parse("io.a.b").unwrap();
        let v = Version::new(1, 0, 0);
        let limits = Limits::default();
        let src = {
            let w = cache.lock().unwrap();
            w.store_archive(&bytes, &ck).unwrap();
            w.ensure_source(&id, &v, &ck, &bytes, &limits).unwrap().0
        };
        // modify an extracted file (it is read-only: make it writable first, as a user might)
        let f = src.join("templates/a.tmpl");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&f).unwrap().permissions().mode() & 0o222,
                0
            );
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        std::fs::write(&f, "HELLO").unwrap();
        std::fs::write(src.join("extra.txt"), "x").unwrap();
        let status = cache.check_pack(&id, &v, &ck, &limits).unwrap();
        assert_eq!(
            status.source,
            SourceState::Modified {
                problems: vec!["extra extra.txt".into(), "modified templates/a.tmpl".into()]
            }
        );
        let (_, warn) = cache
            .lock()
            .unwrap()
            .ensure_source(&id, &v, &ck, &bytes, &limits)
            .unwrap();
        assert!(matches!(warn, Some(CacheWarning::CorruptSource { .. })));
        assert!(cache.check_pack(&id, &v, &ck, &limits).unwrap().is_ok());

        // flip a byte of the cached archive
        let ap = cache.archive_path(&ck).unwrap();
        let mut b = std::fs::read(&ap).unwrap();
        b[20] ^= 1;
        std::fs::write(&ap, &b).unwrap();
        assert!(matches!(
            cache.check_pack(&id, &v, &ck, &limits).unwrap().archive,
            ArchiveState::Corrupt { .. }
        ));
        let (data, warn) = cache.read_archive(&ck).unwrap();
        assert!(data.is_none());
        let w = warn.unwrap();
        assert!(w.to_string().contains("corrupted"), "{w}");
        assert!(!ap.exists(), "corrupted archive discarded");
    }
}
