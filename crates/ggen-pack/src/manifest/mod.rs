//! The pack manifest `ggen-pack.toml` (and the v2.5 `gpack.toml`, read for migration).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use ggen_core::{Diagnostic, Location};
use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::id::PackId;
use crate::tomlutil::{de_error, span_location};

mod contents;

pub use contents::PackContents;

/// File name of a pack manifest.
pub const MANIFEST_FILE: &str = "ggen-pack.toml";
/// File name of a v2.5 pack manifest (read for migration only).
pub const LEGACY_MANIFEST_FILE: &str = "gpack.toml";
/// Most keywords a pack may declare.
pub const MAX_KEYWORDS: usize = 10;
/// Most categories a pack may declare.
pub const MAX_CATEGORIES: usize = 10;
/// Longest keyword or category, in characters.
pub const MAX_KEYWORD_LEN: usize = 32;
/// Default template include pattern when `[templates] include` is omitted.
pub const DEFAULT_TEMPLATE_GLOB: &str = "templates/**/*.tmpl";

/// Which manifest format a [`Manifest`] was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ManifestFormat {
    /// `ggen-pack.toml`.
    GgenPack,
    /// v2.5 `gpack.toml`.
    LegacyGpack,
}

/// A validated pack manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// Pack id (reverse-DNS).
    pub id: PackId,
    /// Pack version.
    pub version: Version,
    /// Optional display name (v2.5 `name`).
    pub name: Option<String>,
    /// One-line description.
    pub description: String,
    /// SPDX license expression.
    pub license: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Search keywords (at most ten).
    pub keywords: Vec<String>,
    /// Categories.
    pub categories: Vec<String>,
    /// Home page URL.
    pub homepage: Option<String>,
    /// Source repository URL.
    pub repository: Option<String>,
    /// The ggen versions the pack works with (checked at install).
    pub ggen: Option<VersionReq>,
    /// Dependencies on other packs.
    pub dependencies: BTreeMap<PackId, VersionReq>,
    /// Template include globs, relative to the pack root.
    pub templates: Vec<String>,
    /// RDF sources the pack contributes (globs).
    pub graph_sources: Vec<String>,
    /// SHACL shapes (globs).
    pub graph_shapes: Vec<String>,
    /// Default variables (the project's `ggen.toml [vars]` overrides them).
    pub vars: BTreeMap<String, toml::Value>,
    /// The format the manifest was read from.
    pub format: ManifestFormat,
}

/// Errors reading or validating a manifest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The manifest could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Neither `ggen-pack.toml` nor `gpack.toml` exists in the directory.
    #[error("no {MANIFEST_FILE} (or {LEGACY_MANIFEST_FILE}) in {}", dir.display())]
    NotFound {
        /// The directory searched.
        dir: PathBuf,
    },
    /// The TOML is malformed or has a wrong type / unknown key.
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// Parser message.
        message: String,
    },
    /// A field has an invalid value.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
    },
}

impl Diagnostic for ManifestError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "manifest-io",
            Self::NotFound { .. } => "manifest-not-found",
            Self::Syntax { .. } => "manifest-syntax",
            Self::Invalid { .. } => "manifest-invalid",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::Syntax { location, .. } | Self::Invalid { location, .. } => Some(location),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::Invalid { help, .. } => help.clone(),
            Self::NotFound { .. } => Some(format!("create {MANIFEST_FILE} with a [pack] table")),
            _ => None,
        }
    }
}

type Sp<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    pack: RawPack,
    #[serde(default)]
    dependencies: BTreeMap<Sp<String>, Sp<String>>,
    #[serde(default)]
    templates: Option<RawTemplates>,
    #[serde(default)]
    graph: Option<RawGraph>,
    #[serde(default)]
    vars: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    id: Sp<String>,
    version: Sp<String>,
    #[serde(default)]
    name: Option<String>,
    description: Sp<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    keywords: Option<Sp<Vec<Sp<String>>>>,
    #[serde(default)]
    categories: Option<Sp<Vec<Sp<String>>>>,
    #[serde(default)]
    homepage: Option<String>,
    #[serde(default)]
    repository: Option<String>,
    #[serde(default)]
    ggen: Option<Sp<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplates {
    #[serde(default)]
    include: Option<Vec<Sp<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGraph {
    #[serde(default)]
    sources: Vec<Sp<String>>,
    #[serde(default)]
    shapes: Vec<Sp<String>>,
}

// ---- v2.5 gpack.toml ----

#[derive(Deserialize)]
struct LegacyManifest {
    gpack: LegacyPack,
    #[serde(default)]
    dependencies: BTreeMap<Sp<String>, Sp<String>>,
    #[serde(default)]
    templates: LegacyPatterns,
    #[serde(default)]
    rdf: LegacyPatterns,
    #[serde(default)]
    shapes: LegacyPatterns,
    #[serde(default)]
    preset: LegacyPreset,
}

#[derive(Deserialize)]
struct LegacyPack {
    id: Sp<String>,
    #[serde(default)]
    name: Option<String>,
    version: Sp<String>,
    #[serde(default)]
    description: Option<Sp<String>>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    ggen_compat: Option<Sp<String>>,
}

#[derive(Deserialize, Default)]
struct LegacyPatterns {
    #[serde(default)]
    patterns: Vec<Sp<String>>,
}

#[derive(Deserialize, Default)]
struct LegacyPreset {
    #[serde(default)]
    vars: BTreeMap<String, toml::Value>,
}

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn invalid(&self, span: &Range<usize>, message: String, help: Option<String>) -> ManifestError {
        ManifestError::Invalid {
            location: span_location(self.file, self.text, span),
            message,
            help,
        }
    }

    fn id(&self, raw: &Sp<String>, what: &str) -> Result<PackId, ManifestError> {
        PackId::parse(raw.get_ref()).map_err(|e| {
            self.invalid(
                &raw.span(),
                format!("{what}: {e}"),
                Some("pack ids are reverse-DNS names like `io.example.my-pack` (a-z, 0-9, `-`, dots; at most 64 characters)".into()),
            )
        })
    }

    fn version(&self, raw: &Sp<String>) -> Result<Version, ManifestError> {
        Version::parse(raw.get_ref().trim()).map_err(|e| {
            self.invalid(
                &raw.span(),
                format!("invalid version `{}`: {e}", raw.get_ref()),
                Some("versions are semver, e.g. `1.2.0`".into()),
            )
        })
    }

    fn req(&self, raw: &Sp<String>, what: &str) -> Result<VersionReq, ManifestError> {
        parse_req(raw.get_ref()).map_err(|e| {
            self.invalid(
                &raw.span(),
                format!(
                    "invalid version requirement `{}` for {what}: {e}",
                    raw.get_ref()
                ),
                Some("use a semver requirement such as `^1.0` or `>=0.1, <2`".into()),
            )
        })
    }

    fn globs(&self, raw: &[Sp<String>], what: &str) -> Result<Vec<String>, ManifestError> {
        raw.iter()
            .map(|g| {
                let s = g.get_ref();
                let bad = if s.is_empty() {
                    Some("is empty".to_owned())
                } else if s.starts_with('/') || s.contains('\\') || s.contains(':') {
                    Some("must be a relative path with `/` separators".to_owned())
                } else if s.split('/').any(|c| c == "..") {
                    Some("must not contain `..`".to_owned())
                } else {
                    globset::Glob::new(s).err().map(|e| e.to_string())
                };
                match bad {
                    Some(reason) => Err(self.invalid(
                        &g.span(),
                        format!("invalid {what} pattern `{s}`: {reason}"),
                        None,
                    )),
                    None => Ok(s.clone()),
                }
            })
            .collect()
    }

    fn words(
        &self,
        raw: Option<&Sp<Vec<Sp<String>>>>,
        what: &str,
        max: usize,
    ) -> Result<Vec<String>, ManifestError> {
        let Some(list) = raw else {
            return Ok(Vec::new());
        };
        if list.get_ref().len() > max {
            return Err(self.invalid(
                &list.span(),
                format!("too many {what}: {} (at most {max})", list.get_ref().len()),
                None,
            ));
        }
        let mut out = Vec::new();
        for w in list.get_ref() {
            let s = w.get_ref();
            if s.is_empty()
                || s.chars().count() > MAX_KEYWORD_LEN
                || s.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(self.invalid(
                    &w.span(),
                    format!(
                        "invalid {what} entry `{s}`: must be 1 to {MAX_KEYWORD_LEN} characters without spaces"
                    ),
                    None,
                ));
            }
            out.push(s.clone());
        }
        Ok(out)
    }

    fn dependencies(
        &self,
        raw: &BTreeMap<Sp<String>, Sp<String>>,
        own: &PackId,
    ) -> Result<BTreeMap<PackId, VersionReq>, ManifestError> {
        let mut out = BTreeMap::new();
        for (k, v) in raw {
            let id = self.id(k, "dependency")?;
            if &id == own {
                return Err(self.invalid(
                    &k.span(),
                    format!("pack `{own}` depends on itself"),
                    None,
                ));
            }
            let req = self.req(v, &format!("dependency `{id}`"))?;
            out.insert(id, req);
        }
        Ok(out)
    }
}

/// Parse a semver requirement, also accepting the v2.5 whitespace-separated form `>=0.1 <0.2`.
pub fn parse_req(text: &str) -> Result<VersionReq, semver::Error> {
    let trimmed = text.trim();
    match VersionReq::parse(trimmed) {
        Ok(r) => Ok(r),
        Err(e) => {
            if trimmed.contains(',') || !trimmed.contains(' ') {
                return Err(e);
            }
            // `>=0.1 <0.2` → `>=0.1, <0.2` (operators glued to their versions first).
            let mut parts: Vec<String> = Vec::new();
            for tok in trimmed.split_whitespace() {
                match parts.last_mut() {
                    Some(last) if last.chars().all(|c| "<>=~^".contains(c)) => last.push_str(tok),
                    _ => parts.push(tok.to_owned()),
                }
            }
            VersionReq::parse(&parts.join(", ")).map_err(|_| e)
        }
    }
}

impl Manifest {
    /// Parse a `ggen-pack.toml` text; `file` names it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<Self, ManifestError> {
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            let (location, message) = de_error(file, text, &e);
            ManifestError::Syntax { location, message }
        })?;
        let cx = Ctx { file, text };
        let p = &raw.pack;
        let id = cx.id(&p.id, "pack id")?;
        let version = cx.version(&p.version)?;
        let description = p.description.get_ref().trim().to_owned();
        if description.is_empty() {
            return Err(cx.invalid(&p.description.span(), "description is empty".into(), None));
        }
        let ggen = p.ggen.as_ref().map(|g| cx.req(g, "ggen")).transpose()?;
        let templates = match raw.templates.as_ref().and_then(|t| t.include.as_ref()) {
            Some(globs) => cx.globs(globs, "template")?,
            None => vec![DEFAULT_TEMPLATE_GLOB.to_owned()],
        };
        let (sources, shapes) = match &raw.graph {
            Some(g) => (
                cx.globs(&g.sources, "graph source")?,
                cx.globs(&g.shapes, "shape")?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        Ok(Self {
            dependencies: cx.dependencies(&raw.dependencies, &id)?,
            keywords: cx.words(p.keywords.as_ref(), "keywords", MAX_KEYWORDS)?,
            categories: cx.words(p.categories.as_ref(), "categories", MAX_CATEGORIES)?,
            id,
            version,
            name: p.name.clone(),
            description,
            license: p.license.clone(),
            authors: p.authors.clone(),
            homepage: p.homepage.clone(),
            repository: p.repository.clone(),
            ggen,
            templates,
            graph_sources: sources,
            graph_shapes: shapes,
            vars: raw.vars,
            format: ManifestFormat::GgenPack,
        })
    }

    /// Parse a v2.5 `gpack.toml` text onto the same model.
    ///
    /// Mapping: `[gpack] id, name, version, description, license, ggen_compat` → the pack fields
    /// (`ggen_compat` like `>=0.1 <0.2` becomes `>=0.1, <0.2`); `[templates] patterns` →
    /// template globs (default `templates/**/*.tmpl`); `[rdf] patterns` → graph sources;
    /// `[shapes] patterns` → shapes; `[preset] vars` → vars; `[dependencies]` kept. `[queries]`
    /// and `[macros]` have no equivalent (queries live in templates) and are ignored.
    pub fn parse_legacy(text: &str, file: &Path) -> Result<Self, ManifestError> {
        let raw: LegacyManifest = toml::from_str(text).map_err(|e| {
            let (location, message) = de_error(file, text, &e);
            ManifestError::Syntax { location, message }
        })?;
        let cx = Ctx { file, text };
        let g = &raw.gpack;
        let id = cx.id(&g.id, "pack id")?;
        let version = cx.version(&g.version)?;
        let description = g
            .description
            .as_ref()
            .map(|d| d.get_ref().trim().to_owned())
            .filter(|d| !d.is_empty())
            .or_else(|| g.name.clone())
            .unwrap_or_else(|| id.to_string());
        let ggen = g
            .ggen_compat
            .as_ref()
            .map(|r| cx.req(r, "ggen_compat"))
            .transpose()?;
        let templates = if raw.templates.patterns.is_empty() {
            vec![DEFAULT_TEMPLATE_GLOB.to_owned()]
        } else {
            cx.globs(&raw.templates.patterns, "template")?
        };
        Ok(Self {
            dependencies: cx.dependencies(&raw.dependencies, &id)?,
            id,
            version,
            name: g.name.clone(),
            description,
            license: g.license.clone(),
            authors: Vec::new(),
            keywords: Vec::new(),
            categories: Vec::new(),
            homepage: None,
            repository: None,
            ggen,
            templates,
            graph_sources: cx.globs(&raw.rdf.patterns, "rdf")?,
            graph_shapes: cx.globs(&raw.shapes.patterns, "shape")?,
            vars: raw.preset.vars,
            format: ManifestFormat::LegacyGpack,
        })
    }

    /// Read a manifest file; `gpack.toml` files are read with [`Manifest::parse_legacy`].
    pub fn load(path: &Path) -> Result<Self, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Io {
            path: path.to_owned(),
            source,
        })?;
        if path.file_name().is_some_and(|n| n == LEGACY_MANIFEST_FILE) {
            Self::parse_legacy(&text, path)
        } else {
            Self::parse(&text, path)
        }
    }

    /// Read the manifest of a pack directory: `ggen-pack.toml`, else `gpack.toml`.
    pub fn load_dir(dir: &Path) -> Result<Self, ManifestError> {
        let primary = dir.join(MANIFEST_FILE);
        if primary.is_file() {
            return Self::load(&primary);
        }
        let legacy = dir.join(LEGACY_MANIFEST_FILE);
        if legacy.is_file() {
            return Self::load(&legacy);
        }
        Err(ManifestError::NotFound {
            dir: dir.to_owned(),
        })
    }

    /// Parse manifest bytes found at `name` (either file name) inside an archive.
    pub fn from_archive_file(
        name: &str,
        bytes: &[u8],
        origin: &Path,
    ) -> Result<Self, ManifestError> {
        let file = origin.join(name);
        let text = std::str::from_utf8(bytes).map_err(|e| ManifestError::Invalid {
            location: Location::file(&file),
            message: format!("manifest is not UTF-8: {e}"),
            help: None,
        })?;
        if name == LEGACY_MANIFEST_FILE {
            Self::parse_legacy(text, &file)
        } else {
            Self::parse(text, &file)
        }
    }

    /// The pack's short name (last id segment).
    pub fn short_name(&self) -> &str {
        self.id.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[pack]
id = "io.ggen.rust-models"
version = "1.2.0"
description = "Serde structs"
license = "MIT"
authors = ["A"]
keywords = ["rust", "serde"]
categories = ["models"]
ggen = ">=0.1, <2"

[dependencies]
"io.ggen.common-types" = "^1.0"

[graph]
sources = ["ontology/*.ttl"]

[vars]
serde = true
"#;

    fn parse(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse(text, Path::new("pack/ggen-pack.toml"))
    }

    #[test]
    fn parses_full_manifest() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.id.as_str(), "io.ggen.rust-models");
        assert_eq!(m.version, Version::new(1, 2, 0));
        assert_eq!(m.templates, vec![DEFAULT_TEMPLATE_GLOB]);
        assert_eq!(m.graph_sources, vec!["ontology/*.ttl"]);
        assert_eq!(m.dependencies.len(), 1);
        assert!(m.ggen.unwrap().matches(&Version::new(0, 1, 0)));
        assert_eq!(m.vars["serde"], toml::Value::Boolean(true));
    }

    fn err_at(text: &str) -> (String, u64, u64) {
        let e = parse(text).unwrap_err();
        let loc = e.location().unwrap().clone();
        (e.to_string(), loc.line.unwrap(), loc.column.unwrap())
    }

    #[test]
    fn bad_id_names_line_and_column() {
        let t = GOOD.replace("\"io.ggen.rust-models\"", "\"IO.bad\"");
        let (msg, line, col) = err_at(&t);
        assert_eq!((line, col), (3, 6), "{msg}");
        assert!(msg.starts_with("pack/ggen-pack.toml:3:6"), "{msg}");
        assert!(msg.contains("invalid pack id"), "{msg}");
    }

    #[test]
    fn bad_version_and_requirement() {
        let (msg, line, _) = err_at(&GOOD.replace("\"1.2.0\"", "\"1.2\""));
        assert_eq!(line, 4, "{msg}");
        assert!(msg.contains("invalid version `1.2`"), "{msg}");
        let (msg, line, _) = err_at(&GOOD.replace("\"^1.0\"", "\"^^1\""));
        assert_eq!(line, 13, "{msg}");
        assert!(msg.contains("io.ggen.common-types"), "{msg}");
    }

    #[test]
    fn too_many_keywords() {
        let kw: Vec<String> = (0..11).map(|i| format!("\"k{i}\"")).collect();
        let t = GOOD.replace("[\"rust\", \"serde\"]", &format!("[{}]", kw.join(", ")));
        let (msg, line, _) = err_at(&t);
        assert_eq!(line, 8);
        assert!(msg.contains("too many keywords: 11"), "{msg}");
    }

    #[test]
    fn unknown_key_and_syntax_error() {
        let (msg, line, _) = err_at(&GOOD.replace("license = \"MIT\"", "licence = \"MIT\""));
        assert_eq!(line, 6, "{msg}");
        assert!(msg.contains("licence"), "{msg}");
        let (msg, line, _) = err_at("[pack]\nid = \"a.b\"\nversion = \n");
        assert_eq!(line, 3, "{msg}");
    }

    #[test]
    fn glob_escapes_refused() {
        let (msg, line, _) = err_at(&GOOD.replace("ontology/*.ttl", "../x/*.ttl"));
        assert_eq!(line, 16);
        assert!(msg.contains("`..`"), "{msg}");
    }

    #[test]
    fn self_dependency_refused() {
        let t = GOOD.replace("\"io.ggen.common-types\"", "\"io.ggen.rust-models\"");
        let (msg, _, _) = err_at(&t);
        assert!(msg.contains("depends on itself"), "{msg}");
    }

    #[test]
    fn legacy_gpack_maps_onto_model() {
        let t = r#"
[gpack]
id = "io.ggen.rust.cli-subcommand"
name = "Rust CLI subcommand"
version = "0.1.0"
description = "Generate clap subcommands"
license = "MIT"
ggen_compat = ">=0.1 <0.2"

[dependencies]
"io.ggen.macros.std" = "^0.1"

[templates]
patterns = ["cli/subcommand/*.tmpl"]
includes = ["macros/**/*.tera"]

[rdf]
patterns = ["templates/**/graphs/*.ttl"]

[queries]
patterns = ["queries/*.rq"]

[preset]
vars = { author = "Acme" }
"#;
        let m = Manifest::parse_legacy(t, Path::new("gpack.toml")).unwrap();
        assert_eq!(m.format, ManifestFormat::LegacyGpack);
        assert_eq!(m.name.as_deref(), Some("Rust CLI subcommand"));
        assert_eq!(m.templates, vec!["cli/subcommand/*.tmpl"]);
        assert_eq!(m.graph_sources, vec!["templates/**/graphs/*.ttl"]);
        let ggen = m.ggen.unwrap();
        assert!(ggen.matches(&Version::new(0, 1, 5)));
        assert!(!ggen.matches(&Version::new(0, 2, 0)));
        assert_eq!(m.vars["author"].as_str(), Some("Acme"));
        assert!(m.dependencies.contains_key("io.ggen.macros.std"));
    }

    #[test]
    fn contents_expand_the_globs() {
        let d = tempfile::tempdir().unwrap();
        for f in [
            "templates/a.tmpl",
            "templates/sub/_partial.tmpl",
            "templates/notes.txt",
            "ontology/x.ttl",
            "ontology/y.jsonld",
            "shapes/s.ttl",
        ] {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let mut m = parse(GOOD).unwrap();
        m.graph_shapes = vec!["shapes/*.ttl".into()];
        let c = m.contents(d.path()).unwrap();
        assert_eq!(c.templates, vec!["templates/a.tmpl"]);
        assert_eq!(c.partials, vec!["templates/sub/_partial.tmpl"]);
        assert_eq!(c.graph_sources, vec!["ontology/x.ttl"]);
        assert_eq!(c.graph_shapes, vec!["shapes/s.ttl"]);
    }

    #[test]
    fn load_dir_prefers_new_manifest() {
        let d = tempfile::tempdir().unwrap();
        assert!(matches!(
            Manifest::load_dir(d.path()),
            Err(ManifestError::NotFound { .. })
        ));
        std::fs::write(
            d.path().join(LEGACY_MANIFEST_FILE),
            "[gpack]\nid = \"a.old\"\nversion = \"0.1.0\"\n",
        )
        .unwrap();
        assert_eq!(Manifest::load_dir(d.path()).unwrap().id.as_str(), "a.old");
        std::fs::write(d.path().join(MANIFEST_FILE), GOOD).unwrap();
        assert_eq!(
            Manifest::load_dir(d.path()).unwrap().id.as_str(),
            "io.ggen.rust-models"
        );
    }
}
