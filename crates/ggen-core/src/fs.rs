//! File-system helpers: atomic writes and path normalisation.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

mod tree;
pub use tree::{TreeError, create_tree};

/// Write `contents` to `path` atomically and durably: a temporary file in the same directory is
/// written, flushed to disk (`fsync`) and renamed over the target, so readers see the old or the
/// new content, never a mix, and the content survives a crash. Parent directories are created.
/// When the target exists its permissions are kept. Use it for state (lockfiles, indexes, keys,
/// receipts).
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_impl(path, contents, true)
}

/// Like [`write_atomic`] but without the `fsync`: readers still never see a partial file, but
/// after a power loss the file may hold its old content. For files that can be regenerated from
/// their inputs (generated code), where an `fsync` per file would dominate the run time.
pub fn write_atomic_nosync(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_impl(path, contents, false)
}

/// What a caller writing many files already knows, to save system calls per file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known {
    /// The parent directory exists (skip creating it).
    pub parent_exists: bool,
    /// The target does not exist (skip reading its permissions).
    pub target_is_new: bool,
}

/// [`write_atomic_nosync`] with facts the caller already knows.
pub fn write_atomic_nosync_known(
    path: &Path,
    contents: &[u8],
    known: Known,
) -> std::io::Result<()> {
    write_with(path, contents, false, known)
}

fn write_impl(path: &Path, contents: &[u8], sync: bool) -> std::io::Result<()> {
    write_with(path, contents, sync, Known::default())
}

fn write_with(path: &Path, contents: &[u8], sync: bool, known: Known) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !known.parent_exists {
        std::fs::create_dir_all(&dir)?;
    }
    let permissions = if known.target_is_new {
        None
    } else {
        std::fs::metadata(path).ok().map(|m| m.permissions())
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ggen-tmp-");
    // A new file gets the usual mode (0666 minus the umask, i.e. 0644 typically), not the
    // temporary file's private 0600.
    #[cfg(unix)]
    if permissions.is_none() {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir)?;
    tmp.write_all(contents)?;
    if sync {
        tmp.as_file().sync_all()?;
    }
    if let Some(permissions) = permissions {
        tmp.as_file().set_permissions(permissions)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Normalise a relative path lexically: removes `.` components and resolves `..` against earlier
/// components. Returns `None` when the path is absolute or `..` would climb above its start.
pub fn normalize_relative(path: &Path) -> Option<PathBuf> {
    let mut out: Vec<&std::ffi::OsStr> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out.iter().collect())
}

/// Render a relative path with `/` separators on every platform (for receipts and messages).
pub fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_creates_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/c.txt");
        write_atomic(&p, b"one").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temp files left: {leftovers:?}");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_not_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.txt");
        write_atomic(&p, b"x").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        // 0666 minus whatever the umask removes; never the temp file's 0600.
        assert_ne!(mode, 0o600, "mode {mode:o}");
        assert_eq!(mode & 0o600, 0o600);
        assert!(
            mode & 0o044 != 0,
            "readable by others unless the umask forbids it: {mode:o}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("run.sh");
        std::fs::write(&p, b"#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_atomic(&p, b"#!/bin/sh\necho hi\n").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755);
    }

    #[test]
    fn normalize() {
        assert_eq!(
            normalize_relative(Path::new("a/./b/../c")),
            Some(PathBuf::from("a/c"))
        );
        assert_eq!(normalize_relative(Path::new("../x")), None);
        assert_eq!(normalize_relative(Path::new("a/../../x")), None);
        assert_eq!(normalize_relative(Path::new("/etc/passwd")), None);
        assert_eq!(slash_path(Path::new("a/b/c.rs")), "a/b/c.rs");
    }
}
