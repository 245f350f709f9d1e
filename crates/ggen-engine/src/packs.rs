//! Packs as generation inputs.
//!
//! The engine never resolves, downloads or verifies packs: the caller (the command line, through
//! `ggen-pack`'s installer) does that and hands over the installed packs as [`PackFiles`] —
//! plain data naming the extracted directory and the files the pack's manifest selects.
//! [`Workspace::add_packs`] turns them into [`PackInput`]s: templates of packs the project
//! requires directly become outputs, partials of every pack are found through
//! [`Workspace::search_dirs`], graph sources and shapes of every pack join the project's, and a
//! pack's `[vars]` are defaults that the project's variables override (see `render.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ggen_core::Location;

use crate::error::EngineError;
use crate::inputs::InputFile;
use crate::manifest::MANIFEST_FILE;
use crate::workspace::{PackInput, Workspace};

/// An installed pack, as the caller hands it to the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFiles {
    /// Pack id.
    pub id: String,
    /// Exact version.
    pub version: String,
    /// `sha256:<hex>` of its archive (recorded in the receipt).
    pub checksum: String,
    /// The extracted, verified pack directory.
    pub root: PathBuf,
    /// Templates rendered as outputs (relative to `root`, `/`-separated). Partials are not
    /// listed here: they are loaded by name through [`Workspace::search_dirs`].
    pub templates: Vec<String>,
    /// RDF sources (relative to `root`).
    pub graph_sources: Vec<String>,
    /// SHACL shapes (relative to `root`).
    pub shapes: Vec<String>,
    /// Default variables of the pack.
    pub vars: BTreeMap<String, serde_json::Value>,
    /// Whether the project requires the pack directly (`ggen.toml [packs]`). Only such packs
    /// contribute outputs; packs that are only dependencies contribute partials, graph sources
    /// and shapes.
    pub direct: bool,
}

fn pack_file(p: &PackFiles, rel: &str, what: &str) -> Result<InputFile, EngineError> {
    let bad = |message: String| EngineError::Manifest {
        location: Location::file(MANIFEST_FILE),
        message,
    };
    let clean = ggen_core::fs::normalize_relative(Path::new(rel)).ok_or_else(|| {
        bad(format!(
            "pack {} {}: {what} `{rel}` is not a relative path inside the pack",
            p.id, p.version
        ))
    })?;
    let abs = p.root.join(&clean);
    if !abs.is_file() {
        return Err(bad(format!(
            "pack {} {}: {what} `{rel}` is missing from {}",
            p.id,
            p.version,
            p.root.display()
        )));
    }
    Ok(InputFile {
        abs,
        rel: format!("{}/{}", p.id, ggen_core::fs::slash_path(&clean)),
    })
}

impl Workspace {
    /// Add installed packs (sorted by id; their files are named `<id>/<path in the pack>` in
    /// receipts, plans and `--only` globs). A pack id given twice is an error.
    pub fn add_packs(&mut self, packs: Vec<PackFiles>) -> Result<(), EngineError> {
        let mut packs = packs;
        packs.sort_by(|a, b| a.id.cmp(&b.id));
        let mut inputs = Vec::with_capacity(packs.len());
        let mut shapes = Vec::new();
        for (i, p) in packs.iter().enumerate() {
            let twice = self.packs.iter().any(|q| q.id == p.id)
                || packs.get(i + 1).is_some_and(|n| n.id == p.id);
            if twice {
                return Err(EngineError::Manifest {
                    location: Location::file(MANIFEST_FILE),
                    message: format!("pack {} is added twice", p.id),
                });
            }
            let files = |rels: &[String], what: &str| -> Result<Vec<InputFile>, EngineError> {
                let mut v = rels
                    .iter()
                    .map(|r| pack_file(p, r, what))
                    .collect::<Result<Vec<_>, _>>()?;
                v.sort();
                Ok(v)
            };
            let templates = if p.direct {
                files(&p.templates, "template")?
            } else {
                Vec::new()
            };
            let sources = files(&p.graph_sources, "graph source")?;
            shapes.extend(files(&p.shapes, "shapes file")?);
            inputs.push(PackInput {
                id: p.id.clone(),
                version: p.version.clone(),
                checksum: p.checksum.clone(),
                root: p.root.clone(),
                templates,
                sources,
                vars: p.vars.clone(),
            });
        }
        // nothing changes unless every pack was accepted
        self.shapes.extend(shapes);
        self.packs.extend(inputs);
        self.packs.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn project(dir: &Path) -> Workspace {
        write(
            dir,
            "ggen.toml",
            "[project]\nname = \"p\"\nversion = \"0.1.0\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n\n[vars]\nwho = \"project\"\n",
        );
        write(
            dir,
            "ontology/a.ttl",
            "<http://e/a> <http://e/b> <http://e/c> .\n",
        );
        Workspace::from_project(dir, &BTreeMap::new()).unwrap()
    }

    fn pack(root: &Path, id: &str, direct: bool) -> PackFiles {
        write(
            root,
            "templates/out.txt.tmpl",
            &format!("---\nto: \"{id}.txt\"\n---\n{{{{ who }}}} {{% include \"_p.tmpl\" %}}\n"),
        );
        write(root, "templates/_p.tmpl", &format!("partial of {id}"));
        write(
            root,
            "ontology/v.ttl",
            "<http://e/x> <http://e/y> \"1\" .\n",
        );
        PackFiles {
            id: id.into(),
            version: "1.0.0".into(),
            checksum: format!("sha256:{}", "0".repeat(64)),
            root: root.to_path_buf(),
            templates: vec!["templates/out.txt.tmpl".into()],
            graph_sources: vec!["ontology/v.ttl".into()],
            shapes: vec![],
            vars: [("who".to_owned(), serde_json::json!("pack"))].into(),
            direct,
        }
    }

    #[test]
    fn direct_packs_render_with_project_vars_and_dependencies_only_contribute_sources() {
        let t = tempfile::tempdir().unwrap();
        let mut ws = project(&t.path().join("p"));
        ws.add_packs(vec![
            pack(&t.path().join("b"), "io.x.b", false),
            pack(&t.path().join("a"), "io.x.a", true),
        ])
        .unwrap();
        assert_eq!(ws.packs.len(), 2);
        assert_eq!(ws.packs[0].id, "io.x.a", "sorted by id");
        assert_eq!(
            ws.packs[0].templates[0].rel,
            "io.x.a/templates/out.txt.tmpl"
        );
        assert!(ws.packs[1].templates.is_empty(), "dependency: no outputs");
        assert_eq!(ws.packs[1].sources.len(), 1);
        let plan = crate::plan(&ws, &crate::GenOptions::default(), &crate::NoProgress).unwrap();
        let out: Vec<(&str, &str)> = plan
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.content.as_deref().unwrap_or("")))
            .collect();
        // project vars override pack defaults; the partial comes from the pack
        assert_eq!(
            out,
            vec![("generated/io.x.a.txt", "project partial of io.x.a")]
        );
        let receipt = plan.receipt.unwrap();
        assert_eq!(receipt.packs.len(), 2);
        assert_eq!(receipt.packs[0].id, "io.x.a");
        // the pack's sources are part of the graph: 1 project triple + 2 pack triples (same)
        assert_eq!(plan.triples, 2);
        // without a project value the pack's default applies
        ws.vars.remove("who");
        let plan = crate::plan(&ws, &crate::GenOptions::default(), &crate::NoProgress).unwrap();
        assert_eq!(
            plan.entries[0].content.as_deref(),
            Some("pack partial of io.x.a")
        );
    }

    #[test]
    fn missing_or_escaping_files_are_errors() {
        let t = tempfile::tempdir().unwrap();
        let mut ws = project(&t.path().join("p"));
        let mut p = pack(&t.path().join("a"), "io.x.a", true);
        p.templates.push("templates/gone.tmpl".into());
        let e = ws.add_packs(vec![p]).unwrap_err().to_string();
        assert!(e.contains("`templates/gone.tmpl` is missing"), "{e}");
        let mut p = pack(&t.path().join("a"), "io.x.a", true);
        p.graph_sources = vec!["../p/ggen.toml".into()];
        let e = ws.add_packs(vec![p]).unwrap_err().to_string();
        assert!(e.contains("not a relative path inside the pack"), "{e}");
        let p = pack(&t.path().join("a"), "io.x.a", true);
        ws.add_packs(vec![p.clone()]).unwrap();
        let e = ws.add_packs(vec![p]).unwrap_err().to_string();
        assert!(e.contains("added twice"), "{e}");
    }
}
