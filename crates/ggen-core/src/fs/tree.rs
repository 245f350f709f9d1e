//! Creating a directory that does not exist yet, with every file in it, at once.
//!
//! The files are written into a staging directory beside the target and the staging directory
//! is renamed to the target: other processes see no directory or the whole tree, never part of
//! it, and a failure (a full disk, a bad name) leaves nothing behind. Each file costs one create
//! and one write, where writing it atomically on its own costs a temporary file and a rename
//! (measured: 280 files of 1 KB on tmpfs, 2.6 ms against 4.1 ms — see docs/benchmarks.md).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why [`create_tree`] failed.
#[derive(Debug)]
pub struct TreeError {
    /// The file of `files` that could not be written, when the failure concerns one file
    /// (else the staging directory or the final rename failed).
    pub file: Option<usize>,
    /// The underlying error.
    pub error: std::io::Error,
}

impl TreeError {
    fn tree(error: std::io::Error) -> Self {
        Self { file: None, error }
    }
}

/// Create the directory `root`, which must not exist (its parent must), holding `files`: pairs
/// of a path under `root` and the file's content. New files and directories get the usual
/// permissions (0666 and 0777 minus the umask), like [`std::fs::write`] and
/// [`std::fs::create_dir_all`]. Nothing is fsynced (the files are meant to be reproducible).
///
/// If `root` appears while the files are staged (another process created it), the files are
/// moved into it one by one, each atomically, replacing files of the same name.
pub fn create_tree(root: &Path, files: &[(&Path, &[u8])]) -> Result<(), TreeError> {
    let parent = match root.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ggen-stage-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    // Removed again when dropped, i.e. on every error below.
    let staging = builder.tempdir_in(parent).map_err(TreeError::tree)?;
    let mut staged: Vec<PathBuf> = Vec::with_capacity(files.len());
    let mut made: HashSet<PathBuf> = HashSet::new();
    made.insert(staging.path().to_path_buf());
    for (i, (path, contents)) in files.iter().enumerate() {
        let fail = |error| TreeError {
            file: Some(i),
            error,
        };
        let rel = path.strip_prefix(root).map_err(|_| {
            fail(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not under {}", path.display(), root.display()),
            ))
        })?;
        let target = staging.path().join(rel);
        if let Some(dir) = target.parent()
            && !made.contains(dir)
        {
            std::fs::create_dir_all(dir).map_err(fail)?;
            made.insert(dir.to_path_buf());
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(fail)?;
        f.write_all(contents).map_err(fail)?;
        staged.push(target);
    }
    match std::fs::rename(staging.path(), root) {
        Ok(()) => {
            // It is the target now: nothing to clean up.
            let _ = staging.keep();
            Ok(())
        }
        Err(_) if std::fs::symlink_metadata(root).is_ok() => {
            for (i, (from, (to, _))) in staged.iter().zip(files).enumerate() {
                let fail = |error| TreeError {
                    file: Some(i),
                    error,
                };
                if let Some(dir) = to.parent() {
                    std::fs::create_dir_all(dir).map_err(fail)?;
                }
                std::fs::rename(from, to).map_err(fail)?;
            }
            Ok(())
        }
        Err(e) => Err(TreeError::tree(e)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn creates_the_whole_tree_and_leaves_no_staging_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("gen");
        let a = root.join("a.txt");
        let b = root.join("src/deep/b.txt");
        create_tree(&root, &[(&a, b"one"), (&b, b"two")]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        assert_eq!(names(dir.path()), ["gen"]);
        assert_eq!(names(&root), ["a.txt", "src"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_the_usual_ones() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("gen");
        let f = root.join("sub/x.rs");
        create_tree(&root, &[(&f, b"x")]).unwrap();
        // Compare with what the standard library creates under the same umask.
        std::fs::create_dir_all(dir.path().join("ref/sub")).unwrap();
        std::fs::write(dir.path().join("ref/sub/x.rs"), b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), mode(&dir.path().join("ref")));
        assert_eq!(mode(&root.join("sub")), mode(&dir.path().join("ref/sub")));
        assert_eq!(mode(&f), mode(&dir.path().join("ref/sub/x.rs")));
        assert_ne!(
            mode(&root),
            0o700,
            "not the staging directory's private mode"
        );
    }

    #[test]
    fn a_failure_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("gen");
        let a = root.join("a.txt");
        // The same file twice: the second create fails.
        let err = create_tree(&root, &[(&a, b"one"), (&a, b"two")]).unwrap_err();
        assert_eq!(err.file, Some(1));
        assert_eq!(err.error.kind(), std::io::ErrorKind::AlreadyExists);
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    #[test]
    fn a_path_outside_the_root_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("gen");
        let other = dir.path().join("other/a.txt");
        let err = create_tree(&root, &[(&other, b"x")]).unwrap_err();
        assert_eq!(err.file, Some(0));
        assert_eq!(err.error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_root_that_appeared_meanwhile_receives_the_files_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("gen");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("theirs.txt"), b"kept").unwrap();
        let a = root.join("a.txt");
        let b = root.join("src/b.txt");
        create_tree(&root, &[(&a, b"one"), (&b, b"two")]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        assert_eq!(std::fs::read(root.join("theirs.txt")).unwrap(), b"kept");
        assert_eq!(names(dir.path()), ["gen"], "the staging directory is gone");
    }

    #[test]
    fn a_missing_parent_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("no/such/gen");
        let a = root.join("a.txt");
        let err = create_tree(&root, &[(&a, b"x")]).unwrap_err();
        assert_eq!(err.file, None);
        assert!(names(dir.path()).is_empty());
    }
}
