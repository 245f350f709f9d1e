//! The files a pack's manifest selects.

use std::path::Path;

use ggen_core::Location;
use serde::Serialize;

use super::{MANIFEST_FILE, Manifest, ManifestError};

impl Manifest {
    /// The files of the pack rooted at `root` that its globs select (slash-separated paths
    /// relative to `root`, sorted). Template files whose name starts with `_` are partials.
    pub fn contents(&self, root: &Path) -> Result<PackContents, ManifestError> {
        let set = |globs: &[String]| -> Result<globset::GlobSet, ManifestError> {
            let mut b = globset::GlobSetBuilder::new();
            for g in globs {
                let glob = globset::Glob::new(g).map_err(|e| ManifestError::Invalid {
                    location: Location::file(root.join(MANIFEST_FILE)),
                    message: format!("invalid pattern `{g}`: {e}"),
                    help: None,
                })?;
                b.add(glob);
            }
            b.build().map_err(|e| ManifestError::Invalid {
                location: Location::file(root.join(MANIFEST_FILE)),
                message: e.to_string(),
                help: None,
            })
        };
        let (templates, sources, shapes) = (
            set(&self.templates)?,
            set(&self.graph_sources)?,
            set(&self.graph_shapes)?,
        );
        let mut files = Vec::new();
        collect_files(root, root, &mut files)?;
        files.sort();
        let mut out = PackContents::default();
        for f in files {
            if templates.is_match(&f) {
                let partial = f.rsplit('/').next().is_some_and(|n| n.starts_with('_'));
                if partial {
                    out.partials.push(f.clone());
                } else {
                    out.templates.push(f.clone());
                }
            }
            if sources.is_match(&f) {
                out.graph_sources.push(f.clone());
            }
            if shapes.is_match(&f) {
                out.graph_shapes.push(f);
            }
        }
        Ok(out)
    }
}

/// The files a pack's manifest selects (see [`Manifest::contents`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PackContents {
    /// Templates rendered as outputs.
    pub templates: Vec<String>,
    /// Partials (`_*.tmpl`): loadable by `include`/`import`, never rendered on their own.
    pub partials: Vec<String>,
    /// RDF sources the pack contributes.
    pub graph_sources: Vec<String>,
    /// SHACL shapes.
    pub graph_shapes: Vec<String>,
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), ManifestError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ManifestError::Io { path, source }
    };
    for e in std::fs::read_dir(dir).map_err(io(dir))? {
        let p = e.map_err(io(dir))?.path();
        let ft = std::fs::symlink_metadata(&p).map_err(io(&p))?.file_type();
        if ft.is_dir() {
            collect_files(root, &p, out)?;
        } else if ft.is_file() {
            out.push(ggen_core::fs::slash_path(
                p.strip_prefix(root).unwrap_or(&p),
            ));
        }
    }
    Ok(())
}
