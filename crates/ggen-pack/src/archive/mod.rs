//! Pack archives: deterministic `.tar.gz` building and a fail-closed reader/extractor.
//!
//! Building: entries sorted by path, mtime 0, uid/gid 0, empty owner names, mode 0644 (0755 for
//! executables and directories), gzip header with mtime 0 and OS "unknown". The same directory
//! always yields the same bytes. A symlink in the source directory is an error; version-control
//! directories (`.git`, `.hg`, `.svn`) are left out.
//!
//! Reading: only regular files and directories; every path component must be a normal name (no
//! `..`, no absolute paths, no `.`, no `\` or `:`); limits on the compressed size, the
//! decompressed size (counted as bytes stream out of the gzip decoder, so a gzip bomb stops
//! early), each file's size (checked on the header before any data is read) and the number of
//! entries; no duplicate names and no two names that differ only by case.

mod build;
mod read;

use std::path::PathBuf;

use ggen_core::Diagnostic;

pub use build::{build_archive, build_archive_with};
pub use read::{ArchiveFile, extract_archive, read_archive};

/// Mebibyte.
const MIB: u64 = 1024 * 1024;

/// Size and entry limits enforced when building and reading archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest archive: applies to the compressed bytes and to the decompressed tar stream.
    pub max_archive_bytes: u64,
    /// Largest single file (decompressed).
    pub max_file_bytes: u64,
    /// Most entries (files and directories).
    pub max_entries: usize,
}

impl Default for Limits {
    /// 50 MiB per archive, 10 MiB per file, 10 000 entries.
    fn default() -> Self {
        Self {
            max_archive_bytes: 50 * MIB,
            max_file_bytes: 10 * MIB,
            max_entries: 10_000,
        }
    }
}

/// Errors building, reading or extracting an archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// I/O error on a file of the source or destination.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The gzip or tar data is malformed.
    #[error("malformed archive: {message}")]
    Corrupt {
        /// What the decoder reported.
        message: String,
    },
    /// An entry's path is unsafe (absolute, `..`, `.`, empty component, backslash, ...).
    #[error("unsafe path in archive: `{entry}` ({reason})")]
    UnsafePath {
        /// The entry name as stored.
        entry: String,
        /// Why it is refused.
        reason: String,
    },
    /// An entry is neither a regular file nor a directory.
    #[error("archive entry `{entry}` is a {kind}; only regular files and directories are allowed")]
    UnsupportedEntry {
        /// The entry name.
        entry: String,
        /// Its kind (symbolic link, hard link, device, fifo, sparse file, ...).
        kind: String,
    },
    /// More entries than allowed.
    #[error("archive has more than {limit} entries")]
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// A file is larger than allowed.
    #[error("archive entry `{entry}` is {size} bytes, more than the {limit}-byte limit per file")]
    FileTooLarge {
        /// The entry name.
        entry: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The archive (compressed or decompressed) is larger than allowed.
    #[error("archive exceeds the size limit: more than {limit} {what} bytes")]
    ArchiveTooLarge {
        /// `compressed` or `decompressed`.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// Two entries with the same name.
    #[error("duplicate archive entry `{entry}`")]
    Duplicate {
        /// The entry name.
        entry: String,
    },
    /// Two names that differ only by letter case (they would collide on macOS and Windows).
    #[error("archive entries `{entry}` and `{other}` differ only by letter case")]
    CaseCollision {
        /// The later entry.
        entry: String,
        /// The earlier one.
        other: String,
    },
    /// A file is used as a directory by another entry, or the reverse.
    #[error("archive entry `{entry}` conflicts with `{other}` (a file cannot also be a directory)")]
    PathConflict {
        /// The later entry.
        entry: String,
        /// The earlier one.
        other: String,
    },
    /// A symbolic link (or other special file) in the directory being archived.
    #[error("{}: symbolic links and special files cannot be packed", path.display())]
    SpecialSourceFile {
        /// The offending file.
        path: PathBuf,
    },
    /// A source path is not valid UTF-8.
    #[error("{}: file names in packs must be UTF-8", path.display())]
    NonUtf8Path {
        /// The offending path.
        path: PathBuf,
    },
    /// The extraction destination exists already.
    #[error("{}: destination exists already", path.display())]
    DestinationExists {
        /// The destination.
        path: PathBuf,
    },
}

impl Diagnostic for ArchiveError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "archive-io",
            Self::Corrupt { .. } => "archive-corrupt",
            Self::UnsafePath { .. } => "archive-unsafe-path",
            Self::UnsupportedEntry { .. } => "archive-unsupported-entry",
            Self::TooManyEntries { .. } => "archive-too-many-entries",
            Self::FileTooLarge { .. } => "archive-file-too-large",
            Self::ArchiveTooLarge { .. } => "archive-too-large",
            Self::Duplicate { .. } => "archive-duplicate-entry",
            Self::CaseCollision { .. } => "archive-case-collision",
            Self::PathConflict { .. } => "archive-path-conflict",
            Self::SpecialSourceFile { .. } => "archive-special-file",
            Self::NonUtf8Path { .. } => "archive-non-utf8-path",
            Self::DestinationExists { .. } => "archive-destination-exists",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::SpecialSourceFile { .. } => {
                Some("replace the link with a copy of the file it points to".into())
            }
            Self::CaseCollision { .. } => Some("rename one of the files".into()),
            _ => None,
        }
    }
}

/// Check one slash-separated entry path (without a trailing slash). Returns the reason it is
/// refused, if it is.
pub(crate) fn check_entry_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty path".into());
    }
    if path.starts_with('/') {
        return Err("absolute path".into());
    }
    for comp in path.split('/') {
        match comp {
            "" => return Err("empty path component".into()),
            "." => return Err("`.` component".into()),
            ".." => return Err("parent-directory component `..`".into()),
            c if c.contains('\\') => return Err("backslash in name".into()),
            c if c.contains(':') => return Err("`:` in name (drive letter or stream)".into()),
            c if c.chars().any(char::is_control) => {
                return Err("control character in name".into());
            }
            _ => {}
        }
    }
    Ok(())
}
