//! Advisory exclusive file locks (std `File::lock`), released on drop.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// An exclusive lock on a lock file, held until dropped. The lock file itself is never deleted
/// (deleting lock files races with processes waiting on them).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Create (if needed) and lock `path` exclusively, waiting for other holders.
    pub fn exclusive(path: &Path) -> std::io::Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        file.lock()?;
        Ok(Self {
            file,
            path: path.to_owned(),
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_waits_for_the_first() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub/.lock");
        let first = FileLock::exclusive(&p).unwrap();
        let other = OpenOptions::new().write(true).open(&p).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(first);
        other.try_lock().unwrap();
    }
}
