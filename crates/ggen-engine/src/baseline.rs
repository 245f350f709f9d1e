//! The baseline store: the exact content ggen last generated for each output, kept under
//! `.ggen/baseline/sha256/<hex>` and named by its SHA-256 — the hash the receipt records for the
//! output. It is the base of the three-way merge when you edited a generated file.
//!
//! A new blob is written with one exclusive create (no temporary file and rename: a blob is
//! checked against its name whenever it is read, so one torn by a crash counts as missing, and
//! the next run that stores the same content replaces it atomically). Blobs no receipt output
//! refers to are removed after each run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::EngineError;
use crate::receipt::{OutputMode, Receipt};

/// Where the store lives, relative to the `.ggen` directory.
pub const BASELINE_DIR: &str = "baseline/sha256";

/// The content-addressed store of generated contents.
#[derive(Debug, Clone)]
pub struct Baseline {
    dir: PathBuf,
    /// Set once the directory is known to exist (saves a system call per stored blob).
    dir_ready: std::cell::Cell<bool>,
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Baseline {
    /// The store next to a receipt (`<dir of receipt.json>/baseline/sha256`).
    pub fn beside(receipt_path: &Path) -> Baseline {
        let ggen_dir = receipt_path.parent().unwrap_or(Path::new("."));
        Baseline {
            dir: ggen_dir.join(BASELINE_DIR),
            dir_ready: std::cell::Cell::new(false),
        }
    }

    /// The directory of blobs.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, sha: &str) -> Option<PathBuf> {
        is_sha256_hex(sha).then(|| self.dir.join(sha))
    }

    /// The content with this SHA-256, when stored intact.
    pub fn get(&self, sha: &str) -> Option<String> {
        let bytes = std::fs::read(self.path(sha)?).ok()?;
        if ggen_core::hash::sha256_hex(&bytes) != sha {
            tracing::warn!(sha, "baseline blob does not match its name; ignoring it");
            return None;
        }
        String::from_utf8(bytes).ok()
    }

    /// Store `text` under its SHA-256 (nothing is written when an intact blob of that name is
    /// already there). Returns whether a blob was written.
    pub fn put(&self, text: &str) -> Result<bool, EngineError> {
        use std::io::Write;
        let sha = ggen_core::hash::sha256_hex(text.as_bytes());
        let path = self.dir.join(&sha);
        if !self.dir_ready.get() {
            std::fs::create_dir_all(&self.dir).map_err(|e| EngineError::io(&self.dir, e))?;
            self.dir_ready.set(true);
        }
        // Like generated files, blobs are reproducible and not fsynced one by one.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => f
                .write_all(text.as_bytes())
                .map_err(|e| EngineError::io(&path, e))?,
            // Stored by an earlier run (or by another ggen right now): keep it if it is intact,
            // else (e.g. torn by a crash) replace it atomically.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if ggen_core::hash::sha256_file(&path).is_ok_and(|h| h == sha) {
                    return Ok(false);
                }
                ggen_core::fs::write_atomic_nosync(&path, text.as_bytes())
                    .map_err(|e| EngineError::io(&path, e))?;
            }
            Err(e) => return Err(EngineError::io(&path, e)),
        }
        Ok(true)
    }

    /// Remove blobs that no write-mode output of `receipt` refers to. Returns how many.
    /// Files whose names are not SHA-256 hex strings are left alone.
    pub fn gc(&self, receipt: &Receipt) -> Result<usize, EngineError> {
        let keep: BTreeSet<&str> = receipt
            .outputs
            .iter()
            .filter(|o| o.mode == OutputMode::Write)
            .map(|o| o.sha256.as_str())
            .collect();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(EngineError::io(&self.dir, e)),
        };
        let mut removed = 0;
        for entry in entries {
            let entry = entry.map_err(|e| EngineError::io(&self.dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_sha256_hex(&name) && !keep.contains(name.as_str()) {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(EngineError::io(entry.path(), e)),
                }
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::ReceiptOutput;

    #[test]
    fn put_get_verify_and_gc() {
        let d = tempfile::tempdir().unwrap();
        let b = Baseline::beside(&d.path().join(".ggen/receipt.json"));
        assert!(b.put("alpha\n").unwrap());
        assert!(b.put("zeta\n").unwrap());
        assert!(!b.put("alpha\n").unwrap());
        let a = ggen_core::hash::sha256_hex(b"alpha\n");
        let z = ggen_core::hash::sha256_hex(b"zeta\n");
        assert!(d.path().join(".ggen/baseline/sha256").join(&a).is_file());
        assert_eq!(b.get(&a).as_deref(), Some("alpha\n"));
        assert_eq!(b.get("../../etc/passwd"), None);
        assert_eq!(b.get(&"0".repeat(64)), None);
        // A damaged blob is ignored.
        std::fs::write(b.dir().join(&z), "tampered\n").unwrap();
        assert_eq!(b.get(&z), None);
        // Storing it again repairs it.
        assert!(b.put("zeta\n").unwrap());
        assert_eq!(b.get(&z).as_deref(), Some("zeta\n"));
        // Also when the damage keeps the length (a torn write of the same size).
        std::fs::write(b.dir().join(&z), "zet\0\n").unwrap();
        assert_eq!(b.get(&z), None);
        assert!(b.put("zeta\n").unwrap());
        assert_eq!(b.get(&z).as_deref(), Some("zeta\n"));
        std::fs::write(b.dir().join("README"), "not a blob").unwrap();
        let receipt = Receipt {
            outputs: vec![ReceiptOutput {
                path: "a".into(),
                sha256: a.clone(),
                template: "t".into(),
                mode: OutputMode::Write,
                conflict: false,
            }],
            ..Receipt::default()
        };
        assert_eq!(b.gc(&receipt).unwrap(), 1);
        assert!(b.dir().join(&a).is_file());
        assert!(!b.dir().join(&z).exists());
        assert!(b.dir().join("README").is_file());
    }
}
