//! Atomic writes of files other users and tools read (lockfile, registry files, cache entries).

use std::path::Path;

/// [`ggen_core::fs::write_atomic`], and a newly created file gets mode 0644 (the temporary file
/// behind an atomic write is created 0600; an existing file keeps its permissions).
pub(crate) fn write_atomic_shared(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let existed = path.exists();
    ggen_core::fs::write_atomic(path, contents)?;
    #[cfg(unix)]
    if !existed {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = existed;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn new_files_are_readable_existing_keep_mode() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        write_atomic_shared(&p, b"1").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o644
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic_shared(&p, b"2").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
