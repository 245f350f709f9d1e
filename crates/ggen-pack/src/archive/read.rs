//! The fail-closed archive reader and extractor.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{ArchiveError, Limits, check_entry_path};

/// A regular file read from an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFile {
    /// Slash-separated relative path.
    pub path: String,
    /// Whether the header mode has an execute bit.
    pub executable: bool,
    /// The content.
    pub data: Vec<u8>,
}

/// Counts bytes read and fails once more than `limit` have come through.
struct LimitReader<R> {
    inner: R,
    remaining: u64,
    what: &'static str,
    exceeded: Rc<Cell<Option<&'static str>>>,
}

impl<R: Read> Read for LimitReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.remaining.checked_sub(n as u64) {
            Some(rest) => {
                self.remaining = rest;
                Ok(n)
            }
            None => {
                self.exceeded.set(Some(self.what));
                Err(io::Error::other(format!(
                    "{} size limit exceeded",
                    self.what
                )))
            }
        }
    }
}

struct Seen {
    actual: String,
    dir: bool,
    explicit: bool,
}

/// Detects duplicates, case collisions and file/directory conflicts.
#[derive(Default)]
struct Names {
    seen: HashMap<String, Seen>,
}

impl Names {
    fn check(
        &self,
        name: &str,
        dir_wanted: bool,
        entry: &str,
    ) -> Result<Option<bool>, ArchiveError> {
        match self.seen.get(&name.to_lowercase()) {
            None => Ok(None),
            Some(s) if s.actual != name => Err(ArchiveError::CaseCollision {
                entry: entry.to_owned(),
                other: s.actual.clone(),
            }),
            Some(s) if s.dir != dir_wanted => Err(ArchiveError::PathConflict {
                entry: entry.to_owned(),
                other: s.actual.clone(),
            }),
            Some(s) => Ok(Some(s.explicit)),
        }
    }

    fn add(&mut self, path: &str, dir: bool) -> Result<(), ArchiveError> {
        for (i, _) in path.match_indices('/') {
            let ancestor = path.get(..i).unwrap_or(path);
            if self.check(ancestor, true, path)?.is_none() {
                self.seen.insert(
                    ancestor.to_lowercase(),
                    Seen {
                        actual: ancestor.to_owned(),
                        dir: true,
                        explicit: false,
                    },
                );
            }
        }
        match self.check(path, dir, path)? {
            Some(true) => Err(ArchiveError::Duplicate {
                entry: path.to_owned(),
            }),
            _ => {
                self.seen.insert(
                    path.to_lowercase(),
                    Seen {
                        actual: path.to_owned(),
                        dir,
                        explicit: true,
                    },
                );
                Ok(())
            }
        }
    }
}

/// One validated entry handed to the visitor.
struct Valid {
    path: String,
    dir: bool,
    executable: bool,
    size: u64,
}

fn kind_name(t: tar::EntryType) -> String {
    match t {
        tar::EntryType::Symlink => "symbolic link".into(),
        tar::EntryType::Link => "hard link".into(),
        tar::EntryType::Char => "character device".into(),
        tar::EntryType::Block => "block device".into(),
        tar::EntryType::Fifo => "fifo".into(),
        tar::EntryType::GNUSparse => "sparse file".into(),
        tar::EntryType::Continuous => "contiguous file".into(),
        tar::EntryType::XGlobalHeader => "global PAX header".into(),
        other => format!(
            "entry of type `{}`",
            char::from(other.as_byte()).escape_default()
        ),
    }
}

/// Walk and validate every entry, calling `visit` with a reader of each file's data. Stops at
/// the first problem.
fn walk<R: Read>(
    reader: R,
    limits: &Limits,
    mut visit: impl FnMut(&Valid, &mut dyn Read) -> Result<(), ArchiveError>,
) -> Result<(), ArchiveError> {
    let flag: Rc<Cell<Option<&'static str>>> = Rc::new(Cell::new(None));
    let compressed = LimitReader {
        inner: reader,
        remaining: limits.max_archive_bytes,
        what: "compressed",
        exceeded: Rc::clone(&flag),
    };
    let stream = LimitReader {
        inner: flate2::read::GzDecoder::new(compressed),
        remaining: limits.max_archive_bytes,
        what: "decompressed",
        exceeded: Rc::clone(&flag),
    };
    let limit = limits.max_archive_bytes;
    let fail = |e: io::Error| match flag.get() {
        Some(what) => ArchiveError::ArchiveTooLarge { what, limit },
        None => ArchiveError::Corrupt {
            message: e.to_string(),
        },
    };
    let mut archive = tar::Archive::new(stream);
    let mut names = Names::default();
    let mut count = 0usize;
    for entry in archive.entries().map_err(fail)? {
        let mut entry = entry.map_err(fail)?;
        count += 1;
        if count > limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                limit: limits.max_entries,
            });
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let etype = entry.header().entry_type();
        let dir = match etype {
            tar::EntryType::Regular => false,
            tar::EntryType::Directory => true,
            other => {
                return Err(ArchiveError::UnsupportedEntry {
                    entry: raw,
                    kind: kind_name(other),
                });
            }
        };
        if std::str::from_utf8(&entry.path_bytes()).is_err() {
            return Err(ArchiveError::UnsafePath {
                entry: raw,
                reason: "name is not UTF-8".into(),
            });
        }
        let path = if dir {
            raw.strip_suffix('/').unwrap_or(&raw).to_owned()
        } else {
            raw.clone()
        };
        check_entry_path(&path).map_err(|reason| ArchiveError::UnsafePath {
            entry: raw.clone(),
            reason,
        })?;
        let size = entry.size();
        if dir && size != 0 {
            return Err(ArchiveError::Corrupt {
                message: format!("directory entry `{raw}` has data"),
            });
        }
        if size > limits.max_file_bytes {
            return Err(ArchiveError::FileTooLarge {
                entry: path,
                size,
                limit: limits.max_file_bytes,
            });
        }
        names.add(&path, dir)?;
        let mode = entry.header().mode().map_err(fail)?;
        let valid = Valid {
            path,
            dir,
            executable: mode & 0o111 != 0,
            size,
        };
        let mut data = (&mut entry).take(limits.max_file_bytes);
        if let Err(e) = visit(&valid, &mut data) {
            // A read error inside the visitor may come from the size guard: report it as such.
            return Err(match flag.get() {
                Some(what) => ArchiveError::ArchiveTooLarge { what, limit },
                None => e,
            });
        }
    }
    if let Some(what) = flag.get() {
        return Err(ArchiveError::ArchiveTooLarge { what, limit });
    }
    Ok(())
}

fn read_data(v: &Valid, data: &mut dyn Read) -> Result<Vec<u8>, ArchiveError> {
    let mut buf = Vec::with_capacity(usize::try_from(v.size).unwrap_or(0).min(1 << 20));
    data.read_to_end(&mut buf)
        .map_err(|e| ArchiveError::Corrupt {
            message: format!("entry `{}`: {e}", v.path),
        })?;
    if buf.len() as u64 != v.size {
        return Err(ArchiveError::Corrupt {
            message: format!(
                "entry `{}` is truncated ({} of {} bytes)",
                v.path,
                buf.len(),
                v.size
            ),
        });
    }
    Ok(buf)
}

/// Read and validate a whole archive in memory, returning its regular files in archive order.
pub fn read_archive(bytes: &[u8], limits: &Limits) -> Result<Vec<ArchiveFile>, ArchiveError> {
    let mut files = Vec::new();
    walk(bytes, limits, |v, data| {
        if v.dir {
            return Ok(());
        }
        let buf = read_data(v, data)?;
        files.push(ArchiveFile {
            path: v.path.clone(),
            executable: v.executable,
            data: buf,
        });
        Ok(())
    })?;
    Ok(files)
}

fn join_rel(root: &Path, rel: &str) -> PathBuf {
    let mut p = root.to_path_buf();
    for c in rel.split('/') {
        p.push(c);
    }
    p
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_owned(),
        source,
    }
}

#[cfg(unix)]
fn create_file(path: &Path, executable: bool) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(if executable { 0o755 } else { 0o644 })
        .open(path)
}

#[cfg(not(unix))]
fn create_file(path: &Path, _executable: bool) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn set_dir_mode(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_dir_mode(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// Extract an archive to `dest` (which must not exist): everything is validated and written
/// into a temporary directory next to `dest`, which is renamed into place only when the whole
/// archive passed. On any error the temporary directory is removed and `dest` is not created.
/// Returns the number of regular files written.
pub fn extract_archive<R: Read>(
    reader: R,
    dest: &Path,
    limits: &Limits,
) -> Result<usize, ArchiveError> {
    if dest.exists() {
        return Err(ArchiveError::DestinationExists {
            path: dest.to_owned(),
        });
    }
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".ggen-extract-")
        .tempdir_in(&parent)
        .map_err(io_at(&parent))?;
    let root = tmp.path().to_path_buf();
    let mut files = 0usize;
    walk(reader, limits, |v, data| {
        let target = join_rel(&root, &v.path);
        if v.dir {
            return std::fs::create_dir_all(&target).map_err(io_at(&target));
        }
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(io_at(p))?;
        }
        let mut f = create_file(&target, v.executable).map_err(io_at(&target))?;
        let written = io::copy(data, &mut f).map_err(io_at(&target))?;
        if written != v.size {
            return Err(ArchiveError::Corrupt {
                message: format!("entry `{}` is truncated", v.path),
            });
        }
        f.flush().map_err(io_at(&target))?;
        files += 1;
        Ok(())
    })?;
    set_dir_mode(&root).map_err(io_at(&root))?;
    if dest.exists() {
        return Err(ArchiveError::DestinationExists {
            path: dest.to_owned(),
        });
    }
    std::fs::rename(&root, dest).map_err(io_at(dest))?;
    // The directory now lives at `dest`; do not let the guard delete anything.
    let _ = tmp.keep();
    Ok(files)
}
