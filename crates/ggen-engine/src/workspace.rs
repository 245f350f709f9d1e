//! Everything one generation run needs, resolved from a project (`ggen.toml`) or from
//! command-line arguments (`ggen template generate` without a manifest).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ggen_graph::Prefixes;
use ggen_lang::types::TypeTables;

use crate::error::EngineError;
use crate::inputs::{self, FileHash, InputFile};
use crate::manifest::{MANIFEST_FILE, Manifest};

/// A template directory contributed by a pack, with the pack's identity for receipts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackInput {
    /// Pack id.
    pub id: String,
    /// Exact version.
    pub version: String,
    /// `sha256:<hex>` of its archive.
    pub checksum: String,
    /// The pack's extracted root.
    pub root: PathBuf,
    /// Its template files.
    pub templates: Vec<InputFile>,
    /// Its RDF sources.
    pub sources: Vec<InputFile>,
    /// Its default vars (the project's override them).
    pub vars: BTreeMap<String, serde_json::Value>,
}

/// The resolved inputs of a run.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Project root (all recorded paths are relative to it).
    pub root: PathBuf,
    /// Output root (`to:` paths are relative to it).
    pub output_root: PathBuf,
    /// The manifest, when there is one.
    pub manifest: Option<(Manifest, FileHash)>,
    /// Project RDF sources, sorted.
    pub sources: Vec<InputFile>,
    /// Base IRI.
    pub base: Option<String>,
    /// Project prefixes (`ggen.toml [graph] prefixes`).
    pub prefixes: Prefixes,
    /// SHACL shapes of the project.
    pub shapes: Vec<InputFile>,
    /// Line of `shapes` in ggen.toml (for messages).
    pub shapes_line: u64,
    /// Template files (partials included), sorted.
    pub templates: Vec<InputFile>,
    /// Directories searched for partials.
    pub template_dirs: Vec<PathBuf>,
    /// Packs.
    pub packs: Vec<PackInput>,
    /// Variables: ggen.toml [vars] overridden by --var.
    pub vars: BTreeMap<String, serde_json::Value>,
    /// Project name and version.
    pub project: Option<(String, String)>,
    /// Type tables with the project's overrides.
    pub types: TypeTables,
    /// Formatters (`[output] format`).
    pub formatters: BTreeMap<String, String>,
    /// Run formatters without `--format`.
    pub auto_format: bool,
    /// Where the receipt lives (None: no receipt, e.g. standalone template runs).
    pub receipt_path: Option<PathBuf>,
    /// Non-fatal findings while resolving.
    pub warnings: Vec<String>,
}

/// Parse `k=v` command-line variables.
pub fn parse_cli_vars(vars: &[String]) -> Result<BTreeMap<String, serde_json::Value>, String> {
    let mut out = BTreeMap::new();
    for v in vars {
        let (k, val) = v
            .split_once('=')
            .ok_or_else(|| format!("--var `{v}` must have the form name=value"))?;
        let k = k.trim();
        if k.is_empty() {
            return Err(format!("--var `{v}` has an empty name"));
        }
        out.insert(k.to_owned(), serde_json::Value::String(val.to_owned()));
    }
    Ok(out)
}

/// Find the directory holding `ggen.toml`, starting at `start` and going up.
pub fn find_project_root(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(MANIFEST_FILE).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

fn type_tables(manifest: Option<&Manifest>) -> Result<TypeTables, EngineError> {
    let mut t = TypeTables::builtin();
    if let Some(m) = manifest {
        for (lang, map) in &m.types {
            t = t
                .with_overrides(lang, map)
                .map_err(|e| EngineError::Manifest {
                    location: ggen_core::Location::file(MANIFEST_FILE),
                    message: format!("[types.{lang}]: {e}"),
                })?;
        }
    }
    Ok(t)
}

impl Workspace {
    /// Resolve a project rooted at `root` (the directory holding `ggen.toml`).
    pub fn from_project(
        root: &Path,
        cli_vars: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Workspace, EngineError> {
        let root = root.canonicalize().map_err(|e| EngineError::io(root, e))?;
        let manifest_path = root.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&manifest_path)
            .map_err(|e| EngineError::io(MANIFEST_FILE, e))?;
        let manifest = Manifest::parse(&text, Path::new(MANIFEST_FILE))?;
        let mut warnings = Vec::new();
        let (sources, empty) =
            inputs::expand_globs(&root, &manifest.graph.sources, "[graph] sources")?;
        for p in empty {
            warnings.push(format!(
                "ggen.toml: [graph] sources pattern `{p}` matches no file"
            ));
        }
        let (shapes, empty) =
            inputs::expand_globs(&root, &manifest.graph.shapes, "[graph] shapes")?;
        for p in empty {
            warnings.push(format!(
                "ggen.toml: [graph] shapes pattern `{p}` matches no file"
            ));
        }
        let (templates, missing) = inputs::template_files(&root, &manifest.templates.dirs)?;
        for d in missing {
            warnings.push(format!(
                "ggen.toml: template directory `{d}` does not exist"
            ));
        }
        let mut vars = manifest.vars_json();
        vars.extend(cli_vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        let prefixes: Prefixes = manifest
            .graph
            .prefixes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let hash = FileHash {
            path: MANIFEST_FILE.to_owned(),
            sha256: ggen_core::hash::sha256_hex(text.as_bytes()),
        };
        Ok(Workspace {
            output_root: root.join(&manifest.output.dir),
            template_dirs: manifest
                .templates
                .dirs
                .iter()
                .map(|d| root.join(d))
                .collect(),
            receipt_path: Some(root.join(".ggen").join("receipt.json")),
            types: type_tables(Some(&manifest))?,
            base: manifest.graph.base.clone(),
            project: Some((
                manifest.project.name.clone(),
                manifest.project.version.clone(),
            )),
            formatters: manifest.output.format.clone(),
            auto_format: manifest.output.auto_format,
            manifest: Some((manifest, hash)),
            root,
            sources,
            prefixes,
            shapes,
            shapes_line: text
                .lines()
                .position(|l| l.trim_start().starts_with("shapes"))
                .map_or(1, |i| i as u64 + 1),
            templates,
            packs: Vec::new(),
            vars,
            warnings,
        })
    }

    /// A run of one template without a manifest: RDF from `rdf` files, output into `out`.
    pub fn standalone(
        cwd: &Path,
        template: &Path,
        rdf: &[PathBuf],
        out: &Path,
        cli_vars: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Workspace, EngineError> {
        let root = cwd.canonicalize().map_err(|e| EngineError::io(cwd, e))?;
        let file = |p: &Path| -> Result<InputFile, EngineError> {
            let abs = if p.is_absolute() {
                p.to_path_buf()
            } else {
                root.join(p)
            };
            if !abs.is_file() {
                return Err(EngineError::io(
                    p,
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
                ));
            }
            Ok(InputFile {
                rel: inputs::rel_name(&root, &abs),
                abs,
            })
        };
        let t = file(template)?;
        let mut sources = rdf.iter().map(|p| file(p)).collect::<Result<Vec<_>, _>>()?;
        sources.sort();
        let output_root = if out.is_absolute() {
            out.to_path_buf()
        } else {
            root.join(out)
        };
        Ok(Workspace {
            template_dirs: t.abs.parent().map(Path::to_path_buf).into_iter().collect(),
            templates: vec![t],
            output_root,
            manifest: None,
            sources,
            base: None,
            prefixes: Prefixes::new(),
            shapes: Vec::new(),
            shapes_line: 1,
            packs: Vec::new(),
            vars: cli_vars.clone(),
            project: None,
            types: type_tables(None)?,
            formatters: BTreeMap::new(),
            auto_format: false,
            receipt_path: None,
            warnings: Vec::new(),
            root,
        })
    }

    /// Every template with the pack it comes from (None = the project's own).
    pub fn all_templates(&self) -> Vec<(&InputFile, Option<&PackInput>)> {
        let mut out: Vec<(&InputFile, Option<&PackInput>)> =
            self.templates.iter().map(|t| (t, None)).collect();
        for p in &self.packs {
            out.extend(p.templates.iter().map(|t| (t, Some(p))));
        }
        out
    }

    /// How a file is named in receipts and messages: relative to the project root, or
    /// `<pack id>/<path>` for a file of an installed pack (never a machine-specific cache path).
    pub fn display_name(&self, abs: &Path) -> String {
        for p in &self.packs {
            if let Ok(rel) = abs.strip_prefix(&p.root) {
                return format!("{}/{}", p.id, ggen_core::fs::slash_path(rel));
            }
        }
        inputs::rel_name(&self.root, abs)
    }

    /// The file a recorded name refers to (the inverse of [`display_name`](Self::display_name)).
    pub fn resolve_name(&self, name: &str) -> PathBuf {
        for p in &self.packs {
            if let Some(rel) = name.strip_prefix(&p.id).and_then(|r| r.strip_prefix('/')) {
                return p.root.join(rel);
            }
        }
        if Path::new(name).is_absolute() {
            PathBuf::from(name)
        } else {
            self.root.join(name)
        }
    }

    /// Directories searched for partials: the project's template dirs, then packs' roots.
    pub fn search_dirs(&self) -> Vec<PathBuf> {
        let mut d = self.template_dirs.clone();
        for p in &self.packs {
            d.push(p.root.join("templates"));
            d.push(p.root.clone());
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_vars() {
        let v = parse_cli_vars(&["a=1".into(), "b=x=y".into()]).unwrap();
        assert_eq!(v["a"], serde_json::json!("1"));
        assert_eq!(v["b"], serde_json::json!("x=y"));
        assert!(parse_cli_vars(&["nope".into()]).is_err());
        assert!(parse_cli_vars(&["=v".into()]).is_err());
    }
}
