//! Deterministic archive building.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ArchiveError, Limits, check_entry_path, read_archive};

/// Directories never packed (version-control metadata).
const SKIPPED_DIRS: &[&str] = &[".git", ".hg", ".svn"];

struct SourceEntry {
    rel: String,
    abs: PathBuf,
    dir: bool,
    executable: bool,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_owned(),
        source,
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<SourceEntry>) -> Result<(), ArchiveError> {
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let abs = entry.path();
        let meta = std::fs::symlink_metadata(&abs).map_err(io_err(&abs))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(ArchiveError::NonUtf8Path { path: abs });
        };
        let ft = meta.file_type();
        if ft.is_dir() && SKIPPED_DIRS.contains(&name) {
            continue;
        }
        let rel_path = abs
            .strip_prefix(root)
            .map_err(|_| ArchiveError::NonUtf8Path { path: abs.clone() })?;
        let Some(rel) = rel_path.to_str() else {
            return Err(ArchiveError::NonUtf8Path { path: abs });
        };
        let rel = rel.replace(std::path::MAIN_SEPARATOR, "/");
        if ft.is_dir() {
            out.push(SourceEntry {
                rel,
                abs: abs.clone(),
                dir: true,
                executable: true,
            });
            walk(root, &abs, out)?;
        } else if ft.is_file() {
            out.push(SourceEntry {
                rel,
                executable: is_executable(&meta),
                abs,
                dir: false,
            });
        } else {
            return Err(ArchiveError::SpecialSourceFile { path: abs });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Build the deterministic `.tar.gz` of a pack directory with the default [`Limits`].
pub fn build_archive(dir: &Path) -> Result<Vec<u8>, ArchiveError> {
    build_archive_with(dir, &Limits::default())
}

/// Build the deterministic `.tar.gz` of a pack directory. The result is checked with the same
/// reader that installs use (so what can be published can be installed) against `limits`.
pub fn build_archive_with(dir: &Path, limits: &Limits) -> Result<Vec<u8>, ArchiveError> {
    let mut entries = Vec::new();
    walk(dir, dir, &mut entries)?;
    entries.sort_by(|a, b| a.rel.cmp(&b.rel));

    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    let mut builder = tar::Builder::new(gz);
    for e in &entries {
        check_entry_path(&e.rel).map_err(|reason| ArchiveError::UnsafePath {
            entry: e.rel.clone(),
            reason,
        })?;
        let mut header = tar::Header::new_gnu();
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        if e.dir {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(0o755);
            header.set_size(0);
            builder
                .append_data(&mut header, format!("{}/", e.rel), std::io::empty())
                .map_err(io_err(&e.abs))?;
        } else {
            let data = std::fs::read(&e.abs).map_err(io_err(&e.abs))?;
            if data.len() as u64 > limits.max_file_bytes {
                return Err(ArchiveError::FileTooLarge {
                    entry: e.rel.clone(),
                    size: data.len() as u64,
                    limit: limits.max_file_bytes,
                });
            }
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(if e.executable { 0o755 } else { 0o644 });
            header.set_size(data.len() as u64);
            builder
                .append_data(&mut header, &e.rel, data.as_slice())
                .map_err(io_err(&e.abs))?;
        }
    }
    let gz = builder.into_inner().map_err(io_err(dir))?;
    let mut bytes = gz.finish().map_err(io_err(dir))?;
    bytes.flush().map_err(io_err(dir))?;
    // Refuse to produce anything the installer would refuse.
    read_archive(&bytes, limits)?;
    Ok(bytes)
}
