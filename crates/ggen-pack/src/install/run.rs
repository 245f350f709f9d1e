//! The installer's operations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use semver::{Version, VersionReq};

use super::project::ProjectManifest;
use super::{
    Change, InstallError, InstallOptions, InstallReport, InstallWarning, InstalledPack, Mode,
    PackRequest, RegistryHandle, VerifyEntry,
};
use crate::archive::read_archive;
use crate::cache::Cache;
use crate::filelock::FileLock;
use crate::id::PackId;
use crate::index::IndexLine;
use crate::lockfile::{LOCKFILE, LockedPack, Lockfile, sidecar_lock_path};
use crate::manifest::{LEGACY_MANIFEST_FILE, MANIFEST_FILE, Manifest};
use crate::resolve::{RegistrySet, ResolveRequest, resolve};
use crate::sign::{Verification, verify};

/// Installs, updates, removes and verifies the packs of one project.
#[derive(Debug)]
pub struct Installer {
    registries: Vec<RegistryHandle>,
    cache: Cache,
    project_dir: PathBuf,
    options: InstallOptions,
}

enum Edit {
    None,
    Add(Vec<PackRequest>),
    Remove(Vec<PackId>, bool),
}

enum Unlock {
    Nothing,
    Some(BTreeSet<PackId>),
    All,
}

/// A pack the operation ends with.
struct Target {
    id: PackId,
    version: Version,
    source: String,
    cksum: String,
    dependencies: Vec<(PackId, Version)>,
    /// The index line, when it was resolved (not taken from the lockfile).
    line: Option<IndexLine>,
    /// Verified key ids carried over from the lockfile.
    signed_by: Vec<String>,
}

struct Fetched {
    bytes: Vec<u8>,
    from_cache: bool,
    signed_by: Vec<String>,
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Locked => "--locked",
        Mode::Frozen => "--frozen",
        Mode::Offline => "--offline",
        Mode::Normal => "normal mode",
    }
}

/// Packs reachable from `roots` through the lockfile's dependencies.
fn reachable(lock: &Lockfile, roots: impl Iterator<Item = PackId>) -> BTreeSet<PackId> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<PackId> = roots.collect();
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(p) = lock.get(id.as_str()) {
            todo.extend(p.dependencies.iter().map(|(d, _)| d.clone()));
        }
    }
    seen
}

/// Whether the lockfile already satisfies every root requirement and is consistent.
fn lock_satisfies(reqs: &BTreeMap<PackId, VersionReq>, lock: &Lockfile) -> bool {
    reqs.iter().all(|(id, req)| {
        lock.get(id.as_str())
            .is_some_and(|p| req.matches(&p.version))
    }) && lock.check(Path::new(LOCKFILE)).is_ok()
}

fn changes(old: &Lockfile, new: &Lockfile) -> Vec<Change> {
    let mut out = Vec::new();
    for p in new.iter() {
        match old.get(p.id.as_str()) {
            None => out.push(Change::Added {
                id: p.id.clone(),
                version: p.version.clone(),
            }),
            Some(o) if o.version != p.version => out.push(Change::Updated {
                id: p.id.clone(),
                from: o.version.clone(),
                to: p.version.clone(),
            }),
            Some(_) => {}
        }
    }
    for o in old.iter() {
        if new.get(o.id.as_str()).is_none() {
            out.push(Change::Removed {
                id: o.id.clone(),
                version: o.version.clone(),
            });
        }
    }
    out
}

fn write_file(path: &Path, text: &str) -> Result<(), InstallError> {
    crate::fsutil::write_atomic_shared(path, text.as_bytes()).map_err(|source| InstallError::Io {
        path: path.to_owned(),
        source,
    })
}

impl Installer {
    /// An installer for the project in `project_dir` (which holds `ggen.toml`), using
    /// `registries` in priority order and the cache at `cache`.
    pub fn new(
        registries: Vec<RegistryHandle>,
        cache: Cache,
        project_dir: impl Into<PathBuf>,
        options: InstallOptions,
    ) -> Self {
        Self {
            registries,
            cache,
            project_dir: project_dir.into(),
            options,
        }
    }

    /// The project's `ggen.lock`.
    pub fn lockfile_path(&self) -> PathBuf {
        self.project_dir.join(LOCKFILE)
    }

    /// The cache.
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The registries, in priority order.
    pub fn registries(&self) -> &[RegistryHandle] {
        &self.registries
    }

    /// Add packs to `[packs]` (replacing the requirement of packs already there) and install
    /// them with their dependencies. Packs requested without a requirement are recorded as
    /// `^<resolved version>`.
    pub fn install(&self, requests: &[PackRequest]) -> Result<InstallReport, InstallError> {
        self.run(Edit::Add(requests.to_vec()), Unlock::Nothing, false)
    }

    /// Make sure every `[packs]` requirement is locked, cached and extracted, using the
    /// lockfile's versions when they satisfy the requirements (no index access then). This is
    /// what generation calls; the report lists every pack with its directory.
    pub fn sync(&self) -> Result<InstallReport, InstallError> {
        self.run(Edit::None, Unlock::Nothing, false)
    }

    /// Re-resolve to the newest versions allowed by `[packs]`: only `ids` (and what they need)
    /// when given, else everything. With `dry_run` nothing is fetched or written and the report
    /// lists the changes.
    pub fn update(&self, ids: &[PackId], dry_run: bool) -> Result<InstallReport, InstallError> {
        let unlock = if ids.is_empty() {
            Unlock::All
        } else {
            Unlock::Some(ids.iter().cloned().collect())
        };
        self.run(Edit::None, unlock, dry_run)
    }

    /// Remove packs from `[packs]` and `ggen.lock`. Refused when another locked pack depends on
    /// one of them, unless `force`, which removes those dependents as well.
    pub fn remove(&self, ids: &[PackId], force: bool) -> Result<InstallReport, InstallError> {
        self.run(Edit::Remove(ids.to_vec(), force), Unlock::Nothing, false)
    }

    /// Re-hash every locked pack's cached archive and extracted files against the lockfile.
    /// Changes nothing (a corrupted entry is fetched again by the next install or sync).
    pub fn verify(&self) -> Result<Vec<VerifyEntry>, InstallError> {
        let lock = Lockfile::load_or_default(&self.lockfile_path())?;
        let mut out = Vec::new();
        for p in lock.iter() {
            let status =
                self.cache
                    .check_pack(&p.id, &p.version, &p.checksum, &self.options.limits)?;
            out.push(VerifyEntry {
                locked: p.clone(),
                status,
            });
        }
        Ok(out)
    }

    /// The locked packs with the state of their cached copies (same as [`Installer::verify`]).
    pub fn list(&self) -> Result<Vec<VerifyEntry>, InstallError> {
        self.verify()
    }

    fn handle_for(&self, source: &str) -> Option<&RegistryHandle> {
        self.registries
            .iter()
            .find(|h| h.registry.source() == source)
    }

    fn run(
        &self,
        edit: Edit,
        unlock: Unlock,
        dry_run: bool,
    ) -> Result<InstallReport, InstallError> {
        let lock_path = self.lockfile_path();
        let sidecar = sidecar_lock_path(&lock_path);
        let _project_lock = FileLock::exclusive(&sidecar).map_err(|source| InstallError::Io {
            path: sidecar.clone(),
            source,
        })?;
        let manifest = ProjectManifest::load(&self.project_dir)?;
        let old_lock = Lockfile::load_or_default(&lock_path)?;
        let mut reqs = manifest.packs.clone();
        let mut unpinned: BTreeSet<PackId> = BTreeSet::new();

        match &edit {
            Edit::None => {}
            Edit::Add(list) => {
                for r in list {
                    match &r.req {
                        Some(req) => {
                            reqs.insert(r.id.clone(), req.clone());
                        }
                        None => {
                            if !reqs.contains_key(&r.id) {
                                reqs.insert(r.id.clone(), VersionReq::STAR);
                                unpinned.insert(r.id.clone());
                            }
                        }
                    }
                }
            }
            Edit::Remove(ids, force) => {
                let mut set: BTreeSet<PackId> = BTreeSet::new();
                for id in ids {
                    if !reqs.contains_key(id) && old_lock.get(id.as_str()).is_none() {
                        return Err(InstallError::NotInstalled(id.clone()));
                    }
                    set.insert(id.clone());
                }
                loop {
                    let dependents: Vec<&LockedPack> = old_lock
                        .iter()
                        .filter(|p| !set.contains(&p.id))
                        .filter(|p| p.dependencies.iter().any(|(d, _)| set.contains(d)))
                        .collect();
                    let Some(first) = dependents.first() else {
                        break;
                    };
                    if !force {
                        let id = first
                            .dependencies
                            .iter()
                            .map(|(d, _)| d)
                            .find(|d| set.contains(*d))
                            .cloned()
                            .unwrap_or_else(|| first.id.clone());
                        let names: Vec<String> = dependents
                            .iter()
                            .filter(|p| p.dependencies.iter().any(|(d, _)| *d == id))
                            .map(|p| format!("{} {}", p.id, p.version))
                            .collect();
                        return Err(InstallError::DependedOn {
                            id,
                            dependents: names,
                        });
                    }
                    let more: Vec<PackId> = dependents.iter().map(|p| p.id.clone()).collect();
                    set.extend(more);
                }
                for id in &set {
                    reqs.remove(id);
                }
            }
        }

        // ---- resolve --------------------------------------------------------------------
        let fast = matches!(unlock, Unlock::Nothing) && lock_satisfies(&reqs, &old_lock);
        let targets: Vec<Target> = if fast {
            let keep = reachable(&old_lock, reqs.keys().cloned());
            old_lock
                .iter()
                .filter(|p| keep.contains(&p.id))
                .map(|p| Target {
                    id: p.id.clone(),
                    version: p.version.clone(),
                    source: p.source.clone(),
                    cksum: p.checksum.clone(),
                    dependencies: p.dependencies.clone(),
                    line: None,
                    signed_by: p.signed_by.clone(),
                })
                .collect()
        } else {
            let set = RegistrySet::new(
                self.registries
                    .iter()
                    .map(|h| h.registry.as_ref())
                    .collect(),
            );
            let (unlock_set, unlock_all) = match unlock {
                Unlock::Nothing => (BTreeSet::new(), false),
                Unlock::Some(s) => (s, false),
                Unlock::All => (BTreeSet::new(), true),
            };
            let request = ResolveRequest {
                root: reqs.clone(),
                locked: Some(&old_lock),
                unlock: unlock_set,
                unlock_all,
                ggen_version: self.options.ggen_version.clone(),
            };
            let resolution = resolve(&request, &set)?;
            let mut out = Vec::new();
            for (id, p) in resolution.packs {
                let old = old_lock
                    .get(id.as_str())
                    .filter(|o| o.version == p.line.vers);
                if let Some(o) = old
                    && o.checksum != p.line.cksum
                {
                    return Err(InstallError::ChecksumChanged {
                        id,
                        version: o.version.clone(),
                        locked: o.checksum.clone(),
                        index: p.line.cksum.clone(),
                    });
                }
                let reuse = old.filter(|o| o.source == p.source);
                out.push(Target {
                    version: p.line.vers.clone(),
                    source: p.source.clone(),
                    cksum: p.line.cksum.clone(),
                    dependencies: p.dependencies.clone(),
                    signed_by: reuse.map(|o| o.signed_by.clone()).unwrap_or_default(),
                    line: if reuse.is_some() { None } else { Some(p.line) },
                    id,
                });
            }
            out
        };

        // Requirements recorded for packs requested without one.
        for t in &targets {
            if unpinned.contains(&t.id) {
                let caret =
                    VersionReq::parse(&format!("^{}", t.version)).unwrap_or(VersionReq::STAR);
                reqs.insert(t.id.clone(), caret);
            }
        }

        // The lockfile this operation would write (signatures of new packs filled in later).
        let preview = {
            let mut l = Lockfile::new();
            for t in &targets {
                l.insert(LockedPack {
                    id: t.id.clone(),
                    version: t.version.clone(),
                    source: t.source.clone(),
                    checksum: t.cksum.clone(),
                    signed_by: t.signed_by.clone(),
                    dependencies: t.dependencies.clone(),
                });
            }
            l
        };
        let change_list = changes(&old_lock, &preview);
        let lock_changes = !change_list.is_empty()
            || targets.iter().any(|t| t.line.is_some())
            || preview
                .iter()
                .map(|p| &p.dependencies)
                .ne(old_lock.iter().map(|p| &p.dependencies));
        if self.options.mode.locked() && lock_changes {
            let mut described: Vec<String> = change_list.iter().map(ToString::to_string).collect();
            if described.is_empty() {
                described.push("entries would be rewritten".into());
            }
            return Err(InstallError::LockfileWouldChange {
                mode: mode_name(self.options.mode),
                changes: described,
            });
        }
        if dry_run {
            return Ok(InstallReport {
                changes: change_list,
                ..InstallReport::default()
            });
        }

        // ---- fetch and verify everything before writing anything -----------------------
        let mut warnings = Vec::new();
        let mut fetched: Vec<Fetched> = Vec::new();
        for t in &targets {
            fetched.push(self.fetch(t, &mut warnings)?);
        }

        // ---- commit ---------------------------------------------------------------------
        let mut new_lock = Lockfile::new();
        for (t, f) in targets.iter().zip(&fetched) {
            new_lock.insert(LockedPack {
                id: t.id.clone(),
                version: t.version.clone(),
                source: t.source.clone(),
                checksum: t.cksum.clone(),
                signed_by: f.signed_by.clone(),
                dependencies: t.dependencies.clone(),
            });
        }
        let manifest_text = manifest.render(&reqs)?;
        let packs = self.commit(&targets, &fetched, &mut warnings)?;
        let (lockfile_written, manifest_written) =
            match self.write_project(&manifest, &manifest_text, &old_lock, &new_lock) {
                Ok(w) => w,
                Err(e) => {
                    self.rollback_cache(&targets, &fetched);
                    return Err(e);
                }
            };
        Ok(InstallReport {
            changes: change_list,
            packs,
            warnings,
            lockfile_written,
            manifest_written,
        })
    }

    /// Get a target's archive from the cache or its registry and verify it: checksum first,
    /// then signatures (for newly resolved versions), then the archive and its manifest.
    fn fetch(
        &self,
        t: &Target,
        warnings: &mut Vec<InstallWarning>,
    ) -> Result<Fetched, InstallError> {
        let (cached, warning) = self.cache.read_archive(&t.cksum)?;
        if let Some(w) = warning {
            warnings.push(InstallWarning::Cache(w));
        }
        let handle = self.handle_for(&t.source);
        let (bytes, from_cache) = match cached {
            Some(b) => (b, true),
            None => {
                let Some(h) = handle else {
                    return Err(InstallError::UnknownSource {
                        id: t.id.clone(),
                        source_id: t.source.clone(),
                    });
                };
                if !self.options.mode.network() && h.registry.is_remote() {
                    return Err(InstallError::NotCached {
                        id: t.id.clone(),
                        version: t.version.clone(),
                        mode: mode_name(self.options.mode),
                    });
                }
                (h.registry.download(&t.id, &t.version)?, false)
            }
        };
        // 1. checksum, before anything else
        let actual = ggen_core::hash::sha256_checksum(&bytes);
        if actual != t.cksum {
            return Err(InstallError::ChecksumMismatch {
                id: t.id.clone(),
                version: t.version.clone(),
                expected: t.cksum.clone(),
                actual,
            });
        }
        // 2. signatures (versions pinned by the lockfile were verified when they were locked)
        let signed_by = match (&t.line, handle) {
            (Some(line), Some(h)) => self.check_signatures(line, h, warnings)?,
            (Some(_), None) => {
                return Err(InstallError::UnknownSource {
                    id: t.id.clone(),
                    source_id: t.source.clone(),
                });
            }
            (None, _) => t.signed_by.clone(),
        };
        // 3. the archive itself, and its manifest
        let files = read_archive(&bytes, &self.options.limits).map_err(|source| {
            InstallError::BadArchive {
                id: t.id.clone(),
                version: t.version.clone(),
                source,
            }
        })?;
        let mismatch = |message: String| InstallError::ManifestMismatch {
            id: t.id.clone(),
            version: t.version.clone(),
            message,
        };
        let mf = [MANIFEST_FILE, LEGACY_MANIFEST_FILE]
            .iter()
            .find_map(|name| files.iter().find(|f| f.path == *name).map(|f| (*name, f)))
            .ok_or_else(|| mismatch("no ggen-pack.toml at the archive root".into()))?;
        let m = Manifest::from_archive_file(mf.0, &mf.1.data, Path::new(t.id.as_str()))
            .map_err(|e| mismatch(e.to_string()))?;
        if m.id != t.id || m.version != t.version {
            return Err(mismatch(format!(
                "its manifest is for {} {}",
                m.id, m.version
            )));
        }
        Ok(Fetched {
            bytes,
            from_cache,
            signed_by,
        })
    }

    fn check_signatures(
        &self,
        line: &IndexLine,
        h: &RegistryHandle,
        warnings: &mut Vec<InstallWarning>,
    ) -> Result<Vec<String>, InstallError> {
        let outcome = verify(
            line.id.as_str(),
            &line.vers.to_string(),
            &line.cksum,
            &line.sig,
            &h.trusted_keys,
        )?;
        match outcome {
            Verification::Verified(keys) => Ok(keys),
            Verification::Unsigned if !h.require_signatures => Ok(Vec::new()),
            Verification::Untrusted(_) if !h.require_signatures => Ok(Vec::new()),
            Verification::Unsigned if self.options.allow_unsigned => {
                warnings.push(InstallWarning::Unsigned {
                    id: line.id.clone(),
                    version: line.vers.clone(),
                });
                Ok(Vec::new())
            }
            Verification::Untrusted(keys) if self.options.allow_unsigned => {
                warnings.push(InstallWarning::Untrusted {
                    id: line.id.clone(),
                    version: line.vers.clone(),
                    keys,
                });
                Ok(Vec::new())
            }
            Verification::Unsigned => Err(InstallError::Unsigned {
                id: line.id.clone(),
                version: line.vers.clone(),
                registry: h.name.clone(),
            }),
            Verification::Untrusted(keys) => Err(InstallError::Untrusted {
                id: line.id.clone(),
                version: line.vers.clone(),
                registry: h.name.clone(),
                keys,
            }),
        }
    }

    /// Store archives and extract packs under the cache lock. On failure, what this call added
    /// is removed again.
    fn commit(
        &self,
        targets: &[Target],
        fetched: &[Fetched],
        warnings: &mut Vec<InstallWarning>,
    ) -> Result<Vec<InstalledPack>, InstallError> {
        let writer = self.cache.lock()?;
        let mut created_archives: Vec<&str> = Vec::new();
        let mut created_sources: Vec<&Target> = Vec::new();
        let mut packs = Vec::new();
        let result: Result<(), InstallError> = (|| {
            for (t, f) in targets.iter().zip(fetched) {
                let apath = self.cache.archive_path(&t.cksum)?;
                if !f.from_cache || !apath.exists() {
                    let existed = apath.exists();
                    writer.store_archive(&f.bytes, &t.cksum)?;
                    if !existed {
                        created_archives.push(&t.cksum);
                    }
                }
                let src = self.cache.source_path(&t.id, &t.version, &t.cksum)?;
                let existed = src.exists();
                let (dir, w) = writer.ensure_source(
                    &t.id,
                    &t.version,
                    &t.cksum,
                    &f.bytes,
                    &self.options.limits,
                )?;
                if !existed {
                    created_sources.push(t);
                }
                if let Some(w) = w {
                    warnings.push(InstallWarning::Cache(w));
                }
                packs.push(InstalledPack {
                    locked: LockedPack {
                        id: t.id.clone(),
                        version: t.version.clone(),
                        source: t.source.clone(),
                        checksum: t.cksum.clone(),
                        signed_by: f.signed_by.clone(),
                        dependencies: t.dependencies.clone(),
                    },
                    dir,
                });
            }
            Ok(())
        })();
        if let Err(e) = result {
            for t in created_sources {
                let _ = writer.discard_source(&t.id, &t.version, &t.cksum);
            }
            for c in created_archives {
                let _ = writer.discard_archive(c);
            }
            return Err(e);
        }
        Ok(packs)
    }

    /// Undo cache additions after a failure to write the project files (best effort: only
    /// entries that did not verify before are left alone; content-addressed entries of packs
    /// that were already cached stay).
    fn rollback_cache(&self, targets: &[Target], fetched: &[Fetched]) {
        let Ok(writer) = self.cache.lock() else {
            return;
        };
        for (t, f) in targets.iter().zip(fetched) {
            if !f.from_cache {
                let _ = writer.discard_source(&t.id, &t.version, &t.cksum);
                let _ = writer.discard_archive(&t.cksum);
            }
        }
    }

    /// Write `ggen.lock` and `ggen.toml` when they change; if the second write fails the first
    /// is restored.
    fn write_project(
        &self,
        manifest: &ProjectManifest,
        manifest_text: &str,
        old_lock: &Lockfile,
        new_lock: &Lockfile,
    ) -> Result<(bool, bool), InstallError> {
        let lock_path = self.lockfile_path();
        let old_lock_text = std::fs::read_to_string(&lock_path).ok();
        let new_lock_text = new_lock.to_toml();
        let write_lock = match &old_lock_text {
            Some(t) => *t != new_lock_text,
            None => !new_lock.is_empty() || !old_lock.is_empty(),
        };
        if write_lock {
            new_lock.save(&lock_path)?;
        }
        let write_manifest = manifest_text != manifest.text;
        if write_manifest && let Err(e) = write_file(&manifest.path, manifest_text) {
            if write_lock {
                match &old_lock_text {
                    Some(t) => {
                        let _ = crate::fsutil::write_atomic_shared(&lock_path, t.as_bytes());
                    }
                    None => {
                        let _ = std::fs::remove_file(&lock_path);
                    }
                }
            }
            return Err(e);
        }
        Ok((write_lock, write_manifest))
    }
}
