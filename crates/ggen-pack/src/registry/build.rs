//! Building a directory registry from pack source directories (used for the first-party
//! `marketplace/` registry and by tests).

use std::path::Path;

use super::{DirRegistry, RegistryError};
use crate::archive::{Limits, build_archive_with};
use crate::index::IndexLine;
use crate::manifest::Manifest;
use crate::sign::SecretKey;

/// Build a registry at `out` (created; it must not contain published packs yet) from every
/// pack directory directly below `sources`: each is archived deterministically, signed with
/// `signer` when given, and published in (id, version) order. When a signer is given its public
/// key is written to `keys/<key-id with ':' replaced by '-'>.pub` (base64 SPKI; no `:` so the
/// file name is valid on every platform). The same sources and key always give
/// the same bytes (Ed25519 signatures are deterministic).
pub fn build_registry(
    sources: &Path,
    out: &Path,
    name: &str,
    signer: Option<&SecretKey>,
    limits: &Limits,
) -> Result<Vec<IndexLine>, RegistryError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| RegistryError::Io { path, source }
    };
    let mut packs = Vec::new();
    for e in std::fs::read_dir(sources).map_err(io(sources))? {
        let dir = e.map_err(io(sources))?.path();
        if dir.is_dir() {
            let m = Manifest::load_dir(&dir)?;
            packs.push((m.id.clone(), m.version.clone(), dir));
        }
    }
    packs.sort();
    let reg = DirRegistry::init(out, name)?;
    let mut lines = Vec::new();
    for (_, _, dir) in &packs {
        let bytes = build_archive_with(dir, limits)?;
        lines.push(reg.publish(&bytes, signer, limits)?);
    }
    if let Some(k) = signer {
        let public = k.public_key();
        let p = out
            .join("keys")
            .join(format!("{}.pub", public.key_id().replace(':', "-")));
        crate::fsutil::write_atomic_shared(&p, format!("{}\n", public.to_base64_spki()).as_bytes())
            .map_err(io(&p))?;
    }
    reg.rebuild_search()?;
    Ok(lines)
}
