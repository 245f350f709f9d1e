//! A registry in a local directory (also what `file://` URLs open).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use semver::Version;

use super::{Registry, RegistryError};
use crate::archive::{Limits, check_entry_path, read_archive};
use crate::filelock::FileLock;
use crate::id::PackId;
use crate::index::{IndexLine, RegistryConfig, parse_index_file, render_index_file};
use crate::manifest::{LEGACY_MANIFEST_FILE, MANIFEST_FILE, Manifest};
use crate::search::{SearchEntry, SearchFile, SearchHit, SearchIndex, SearchQuery};
use crate::sign::SecretKey;

/// A directory registry.
#[derive(Debug)]
pub struct DirRegistry {
    root: PathBuf,
    source: String,
    config: OnceLock<RegistryConfig>,
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> RegistryError + '_ {
    move |source| RegistryError::Io {
        path: path.to_owned(),
        source,
    }
}

fn read_opt(path: &Path) -> Result<Option<String>, RegistryError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_at(path)(e)),
    }
}

impl DirRegistry {
    /// Open a directory registry from a path or `file://` URL. The source string recorded in
    /// lockfiles is `registry+<location>` exactly as given.
    pub fn open(location: &str) -> Result<Self, RegistryError> {
        let path = location.strip_prefix("file://").unwrap_or(location);
        if path.is_empty() {
            return Err(RegistryError::InvalidLocation {
                location: location.to_owned(),
                message: "empty path".into(),
            });
        }
        Ok(Self::at(
            PathBuf::from(path),
            format!("registry+{location}"),
        ))
    }

    /// A registry at `root` with an explicit source string.
    pub fn at(root: PathBuf, source: String) -> Self {
        Self {
            root,
            source,
            config: OnceLock::new(),
        }
    }

    /// Create the registry layout (`config.json`, `index/`, `packs/`) if missing, and open it.
    pub fn init(root: &Path, name: &str) -> Result<Self, RegistryError> {
        std::fs::create_dir_all(root.join("index")).map_err(io_at(root))?;
        std::fs::create_dir_all(root.join("packs")).map_err(io_at(root))?;
        let cfg = root.join("config.json");
        if !cfg.exists() {
            crate::fsutil::write_atomic_shared(
                &cfg,
                RegistryConfig::new(name).to_json().as_bytes(),
            )
            .map_err(io_at(&cfg))?;
        }
        Self::open(&root.to_string_lossy())
    }

    /// The registry directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `config.json` (read once).
    pub fn config(&self) -> Result<&RegistryConfig, RegistryError> {
        if let Some(c) = self.config.get() {
            return Ok(c);
        }
        let path = self.root.join("config.json");
        let text = read_opt(&path)?.ok_or_else(|| RegistryError::NotFound {
            what: path.display().to_string(),
        })?;
        let c = RegistryConfig::parse(&text, &path)?;
        Ok(self.config.get_or_init(|| c))
    }

    fn index_path(&self, id: &PackId) -> PathBuf {
        self.root.join("index").join(id.as_str())
    }

    fn archive_path(&self, id: &PackId, version: &Version) -> Result<PathBuf, RegistryError> {
        let rel = self.config()?.download_path(id, version);
        if rel.contains("://") {
            return Err(RegistryError::InvalidLocation {
                location: rel,
                message: "a directory registry needs a relative `dl` path".into(),
            });
        }
        check_entry_path(&rel).map_err(|message| RegistryError::InvalidLocation {
            location: rel.clone(),
            message,
        })?;
        Ok(rel.split('/').fold(self.root.clone(), |p, c| p.join(c)))
    }

    fn read_index(&self, id: &PackId) -> Result<Option<Vec<IndexLine>>, RegistryError> {
        let path = self.index_path(id);
        match read_opt(&path)? {
            None => Ok(None),
            Some(text) => Ok(Some(parse_index_file(&text, &path, id)?)),
        }
    }

    fn lock(&self) -> Result<FileLock, RegistryError> {
        let p = self.root.join(".lock");
        FileLock::exclusive(&p).map_err(io_at(&p))
    }

    /// Publish an archive: read and validate it (the same checks as installs), take its
    /// manifest, sign it with `signer` when given, then under the registry lock refuse an
    /// existing version, write the archive and the index line (each atomically) and update
    /// `search.json`. Returns the index line.
    pub fn publish(
        &self,
        archive: &[u8],
        signer: Option<&SecretKey>,
        limits: &Limits,
    ) -> Result<IndexLine, RegistryError> {
        let manifest = manifest_of_archive(archive, limits)?;
        let cksum = ggen_core::hash::sha256_checksum(archive);
        let sig = signer
            .map(|k| vec![k.sign(manifest.id.as_str(), &manifest.version.to_string(), &cksum)])
            .unwrap_or_default();
        let line = IndexLine::from_manifest(&manifest, &cksum, sig);
        self.publish_line(archive, &line)?;
        Ok(line)
    }

    /// Publish an archive with a prepared index line (its checksum must match the archive).
    pub fn publish_line(&self, archive: &[u8], line: &IndexLine) -> Result<(), RegistryError> {
        let actual = ggen_core::hash::sha256_checksum(archive);
        if actual != line.cksum {
            return Err(RegistryError::Malformed {
                what: "publish request",
                message: format!(
                    "checksum mismatch: expected {}, actual {actual}",
                    line.cksum
                ),
            });
        }
        let _lock = self.lock()?;
        let mut lines = self.read_index(&line.id)?.unwrap_or_default();
        if lines.iter().any(|l| l.vers == line.vers) {
            return Err(RegistryError::VersionExists {
                id: line.id.to_string(),
                version: line.vers.to_string(),
            });
        }
        let apath = self.archive_path(&line.id, &line.vers)?;
        crate::fsutil::write_atomic_shared(&apath, archive).map_err(io_at(&apath))?;
        lines.push(line.clone());
        let ipath = self.index_path(&line.id);
        crate::fsutil::write_atomic_shared(&ipath, render_index_file(&lines).as_bytes())
            .map_err(io_at(&ipath))?;
        self.update_search(&line.id, &lines)
    }

    /// Yank (`true`) or unyank (`false`) a version: its index line is rewritten atomically.
    pub fn set_yanked(
        &self,
        id: &PackId,
        version: &Version,
        yanked: bool,
    ) -> Result<IndexLine, RegistryError> {
        let _lock = self.lock()?;
        let unknown = || RegistryError::UnknownVersion {
            id: id.to_string(),
            version: version.to_string(),
        };
        let mut lines = self.read_index(id)?.ok_or_else(unknown)?;
        let line = lines
            .iter_mut()
            .find(|l| &l.vers == version)
            .ok_or_else(unknown)?;
        line.yanked = yanked;
        let out = line.clone();
        let ipath = self.index_path(id);
        crate::fsutil::write_atomic_shared(&ipath, render_index_file(&lines).as_bytes())
            .map_err(io_at(&ipath))?;
        self.update_search(id, &lines)?;
        Ok(out)
    }

    /// Read every index file (sorted by id).
    pub fn all_lines(&self) -> Result<Vec<Vec<IndexLine>>, RegistryError> {
        let dir = self.root.join("index");
        let mut ids = Vec::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_at(&dir)(e)),
        };
        for e in entries {
            let e = e.map_err(io_at(&dir))?;
            if let Some(id) = e.file_name().to_str().and_then(|n| PackId::parse(n).ok()) {
                ids.push(id);
            }
        }
        ids.sort();
        let mut out = Vec::new();
        for id in ids {
            if let Some(lines) = self.read_index(&id)? {
                out.push(lines);
            }
        }
        Ok(out)
    }

    /// Regenerate `search.json` from every index file.
    pub fn rebuild_search(&self) -> Result<(), RegistryError> {
        let entries = self
            .all_lines()?
            .iter()
            .filter_map(|l| SearchEntry::from_lines(l))
            .collect();
        self.write_search(&SearchFile::new(entries))
    }

    fn write_search(&self, file: &SearchFile) -> Result<(), RegistryError> {
        let p = self.root.join("search.json");
        crate::fsutil::write_atomic_shared(&p, file.to_json().as_bytes()).map_err(io_at(&p))
    }

    fn read_search(&self) -> Result<Option<SearchFile>, RegistryError> {
        let p = self.root.join("search.json");
        match read_opt(&p)? {
            None => Ok(None),
            Some(t) => Ok(Some(SearchFile::parse(&t, &p)?)),
        }
    }

    /// Replace one pack's entry in `search.json` (rebuilding it when absent).
    fn update_search(&self, id: &PackId, lines: &[IndexLine]) -> Result<(), RegistryError> {
        let Some(mut file) = self.read_search()? else {
            return self.rebuild_search();
        };
        file.packs.retain(|e| &e.id != id);
        if let Some(e) = SearchEntry::from_lines(lines) {
            file.packs.push(e);
        }
        self.write_search(&SearchFile::new(file.packs))
    }
}

/// Check a publish request: the archive's SHA-256 is the line's checksum, the archive passes the
/// fail-closed reader, and the line agrees with the archive's manifest (id, version,
/// dependencies, ggen requirement, description, keywords, categories, license) and is not
/// yanked. Returns the manifest. The registry server performs the same checks.
pub fn check_publish(
    archive: &[u8],
    line: &IndexLine,
    limits: &Limits,
) -> Result<Manifest, RegistryError> {
    let bad = |message: String| RegistryError::Malformed {
        what: "publish request",
        message,
    };
    let actual = ggen_core::hash::sha256_checksum(archive);
    if actual != line.cksum {
        return Err(bad(format!(
            "checksum mismatch: expected {}, actual {actual}",
            line.cksum
        )));
    }
    let m = manifest_of_archive(archive, limits)?;
    let expected = IndexLine::from_manifest(&m, &line.cksum, line.sig.clone());
    let mut differs = Vec::new();
    if expected.id != line.id {
        differs.push("id");
    }
    if expected.vers != line.vers {
        differs.push("version");
    }
    if expected.deps != line.deps {
        differs.push("dependencies");
    }
    if expected.ggen != line.ggen {
        differs.push("ggen");
    }
    if expected.description != line.description {
        differs.push("description");
    }
    if expected.keywords != line.keywords {
        differs.push("keywords");
    }
    if expected.categories != line.categories {
        differs.push("categories");
    }
    if expected.license != line.license {
        differs.push("license");
    }
    if line.yanked {
        differs.push("yanked");
    }
    if differs.is_empty() {
        Ok(m)
    } else {
        Err(bad(format!(
            "the metadata does not match the archive's manifest ({})",
            differs.join(", ")
        )))
    }
}

/// Validate an archive and return its root manifest.
pub(crate) fn manifest_of_archive(
    archive: &[u8],
    limits: &Limits,
) -> Result<Manifest, RegistryError> {
    let files = read_archive(archive, limits)?;
    let origin = Path::new("<archive>");
    for name in [MANIFEST_FILE, LEGACY_MANIFEST_FILE] {
        if let Some(f) = files.iter().find(|f| f.path == name) {
            return Ok(Manifest::from_archive_file(name, &f.data, origin)?);
        }
    }
    Err(RegistryError::MissingManifest)
}

impl Registry for DirRegistry {
    fn source(&self) -> &str {
        &self.source
    }

    fn index(&self, id: &PackId) -> Result<Option<Vec<IndexLine>>, RegistryError> {
        self.read_index(id)
    }

    fn download(&self, id: &PackId, version: &Version) -> Result<Vec<u8>, RegistryError> {
        let p = self.archive_path(id, version)?;
        match std::fs::read(&p) {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(RegistryError::NotFound {
                what: p.display().to_string(),
            }),
            Err(e) => Err(io_at(&p)(e)),
        }
    }

    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, RegistryError> {
        let p = self.root.join("search.json");
        if let Some(text) = read_opt(&p)? {
            return Ok(crate::search::search_json(&text, &p, query)?.0);
        }
        // No search.json: summarise the index files.
        let entries: Vec<SearchEntry> = self
            .all_lines()?
            .iter()
            .filter_map(|l| SearchEntry::from_lines(l))
            .collect();
        Ok(SearchIndex::new(entries).search(query))
    }

    fn pack_ids(&self) -> Result<Vec<String>, RegistryError> {
        let dir = self.root.join("index");
        let mut ids = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                if let Some(n) = e.file_name().to_str()
                    && PackId::parse(n).is_ok()
                {
                    ids.push(n.to_owned());
                }
            }
        }
        ids.sort();
        Ok(ids)
    }

    fn is_remote(&self) -> bool {
        false
    }
}
