//! Incremental regeneration, for `ggen project watch`.
//!
//! An [`Incremental`] cache lives across runs of [`plan_incremental`](crate::plan_incremental).
//! It keeps the parsed (and SHACL-validated) project graph and, for every template, what its
//! last render produced, each under a fingerprint of the inputs it was made from:
//!
//! - the **graph** is reloaded only when `ggen.toml`, the base IRI, a source or a shapes file
//!   changed (by content: SHA-256 of each file);
//! - **every template** is rendered again when something all templates see changed: the graph's
//!   canonical hash or its prefixes, variables, packs, options, or a template file that is not an
//!   output template itself (a partial, `_*.tmpl`, may be included by any template);
//! - otherwise **one template** is rendered again only when its own file, a file it read
//!   (`rdf:`, `shape:`, `from:`), or another output template whose file name appears in its text
//!   (an `include` of a non-partial) changed.
//!
//! Reused results are byte-for-byte what a full run would produce from the same inputs, so the
//! plan (and what gets written) is the same as [`plan`](crate::plan)'s; only the time differs.
//! A failed run (an invalid ontology, a template error) leaves the cache usable: what failed is
//! redone by the next run.

use std::collections::BTreeMap;

use ggen_graph::Graph;
use ggen_template::Template;

use crate::error::EngineError;
use crate::inputs::InputFile;
use crate::manifest::MANIFEST_FILE;
use crate::options::GenOptions;
use crate::progress::Progress;
use crate::render::{self, Rendered};
use crate::workspace::{PackInput, Workspace};

/// What the last run of a cache reused and what it redid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reuse {
    /// Whether the graph was parsed again (false: the previous graph was reused).
    pub graph_loaded: bool,
    /// Templates rendered by the run (names as in plans: relative path or `<pack>/<path>`).
    pub rendered: Vec<String>,
    /// Templates whose previous results were reused.
    pub reused: Vec<String>,
    /// Whether the run was answered by the receipt's no-op fast path (nothing loaded or rendered).
    pub fast_path: bool,
}

struct GraphEntry {
    key: String,
    graph: Graph,
    warnings: Vec<String>,
}

struct TemplateEntry {
    /// Fingerprint of the template's own inputs when it was rendered.
    key: String,
    /// Other output templates named in its text (possible `include`s).
    deps: Vec<String>,
    /// Files it read besides itself.
    extra: Vec<InputFile>,
    rendered: Rendered,
}

/// The state kept between incremental runs (see the module documentation).
#[derive(Default)]
pub struct Incremental {
    graph: Option<GraphEntry>,
    context: Option<String>,
    templates: BTreeMap<String, TemplateEntry>,
    last: Reuse,
}

impl std::fmt::Debug for Incremental {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incremental")
            .field("graph_loaded", &self.graph.is_some())
            .field("templates", &self.templates.keys().collect::<Vec<_>>())
            .field("last", &self.last)
            .finish()
    }
}

/// SHA-256 of a file, or a marker when it cannot be read (a deleted file is a change too).
fn file_sha(abs: &std::path::Path) -> String {
    ggen_core::hash::sha256_file(abs).unwrap_or_else(|e| format!("unreadable:{}", e.kind()))
}

fn clone_rendered(r: &Rendered) -> Rendered {
    Rendered {
        paths: Default::default(),
        outputs: r.outputs.clone(),
        skipped: r.skipped.clone(),
        hooks: r.hooks.clone(),
        warnings: r.warnings.clone(),
        env_reads: r.env_reads.clone(),
        extra_inputs: r.extra_inputs.clone(),
    }
}

fn append(out: &mut Rendered, piece: Rendered) {
    out.outputs.extend(piece.outputs);
    out.skipped.extend(piece.skipped);
    out.hooks.extend(piece.hooks);
    out.warnings.extend(piece.warnings);
    out.env_reads.extend(piece.env_reads);
    out.extra_inputs.extend(piece.extra_inputs);
}

/// A fingerprint of lines of text.
struct Fingerprint(ggen_core::hash::Sha256Hasher);

impl Fingerprint {
    fn new(kind: &str) -> Self {
        let mut h = ggen_core::hash::Sha256Hasher::new();
        h.update(kind.as_bytes());
        h.update(b"\n");
        Self(h)
    }

    fn add(&mut self, label: &str, value: &str) {
        // length-prefixed, so that no two different sequences hash alike
        self.0
            .update(format!("{}:{label}={}:{value}\n", label.len(), value.len()).as_bytes());
    }

    fn finish(self) -> String {
        self.0.finish_hex()
    }
}

fn pack_line(p: &PackInput) -> String {
    format!(
        "{} {} {} {}",
        p.id,
        p.version,
        p.checksum,
        serde_json::to_string(&p.vars).unwrap_or_default()
    )
}

impl Incremental {
    /// An empty cache: the first run loads and renders everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether nothing is cached yet.
    pub fn is_cold(&self) -> bool {
        self.graph.is_none() && self.templates.is_empty()
    }

    /// What the last run reused and redid.
    pub fn last(&self) -> &Reuse {
        &self.last
    }

    /// Forget everything (the next run loads and renders everything).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    pub(crate) fn note_fast_path(&mut self) {
        self.last = Reuse {
            fast_path: true,
            ..Reuse::default()
        };
    }

    fn graph_key(ws: &Workspace) -> String {
        let mut f = Fingerprint::new("graph");
        f.add(
            MANIFEST_FILE,
            ws.manifest.as_ref().map_or("", |(_, h)| h.sha256.as_str()),
        );
        f.add("base", ws.base.as_deref().unwrap_or(""));
        for s in &ws.sources {
            f.add(&format!("source {}", s.rel), &file_sha(&s.abs));
        }
        for p in &ws.packs {
            f.add("pack", &pack_line(p));
            for s in &p.sources {
                f.add(&format!("pack source {}", s.rel), &file_sha(&s.abs));
            }
        }
        for s in &ws.shapes {
            f.add(&format!("shapes {}", s.rel), &file_sha(&s.abs));
        }
        f.add("shapes line", &ws.shapes_line.to_string());
        f.finish()
    }

    /// The project graph (SHACL-validated) and its shape warnings: the previous one when its
    /// inputs are unchanged, else loaded again.
    pub(crate) fn graph(
        &mut self,
        ws: &Workspace,
        progress: &dyn Progress,
    ) -> Result<(Graph, Vec<String>), EngineError> {
        self.last = Reuse::default();
        let key = Self::graph_key(ws);
        if let Some(g) = &self.graph
            && g.key == key
        {
            return Ok((g.graph.clone(), g.warnings.clone()));
        }
        self.last.graph_loaded = true;
        // A failed load keeps nothing stale around: the next run loads again.
        self.graph = None;
        let graph = crate::load_graph(ws, progress)?;
        let warnings = crate::shapes::validate(&graph, &ws.shapes, MANIFEST_FILE, ws.shapes_line)?;
        self.graph = Some(GraphEntry {
            key,
            graph: graph.clone(),
            warnings: warnings.clone(),
        });
        Ok((graph, warnings))
    }

    /// Everything every template depends on besides its own files.
    fn context_key(
        ws: &Workspace,
        graph: &Graph,
        opts: &GenOptions,
        other_templates: &[(&InputFile, String)],
    ) -> String {
        let mut f = Fingerprint::new("context");
        f.add("graph", graph.canonical_sha256());
        for (p, iri) in graph.prefixes().iter() {
            f.add("graph prefix", &format!("{p} {iri}"));
        }
        for (p, iri) in ws.prefixes.iter() {
            f.add("prefix", &format!("{p} {iri}"));
        }
        f.add("base", ws.base.as_deref().unwrap_or(""));
        f.add(
            MANIFEST_FILE,
            ws.manifest.as_ref().map_or("", |(_, h)| h.sha256.as_str()),
        );
        f.add("vars", &serde_json::to_string(&ws.vars).unwrap_or_default());
        if let Some((n, v)) = &ws.project {
            f.add("project", &format!("{n} {v}"));
        }
        f.add("output root", &ws.output_root.display().to_string());
        f.add("root", &ws.root.display().to_string());
        for d in ws.search_dirs() {
            f.add("search dir", &d.display().to_string());
        }
        for (k, v) in &ws.formatters {
            f.add("formatter", &format!("{k} {v}"));
        }
        f.add("auto format", &ws.auto_format.to_string());
        for p in &ws.packs {
            f.add("pack", &pack_line(p));
        }
        f.add(
            "options",
            &format!(
                "force={} shell={} outside={} strict={} format={} only={:?}",
                opts.force,
                opts.allow_shell,
                opts.allow_outside_root,
                opts.strict,
                opts.format,
                opts.only
            ),
        );
        for (t, sha) in other_templates {
            f.add(&format!("template {}", t.rel), sha);
        }
        f.finish()
    }

    fn template_key(own_sha: &str, deps: &[(String, String)], extra: &[InputFile]) -> String {
        let mut f = Fingerprint::new("template");
        f.add("self", own_sha);
        for (name, sha) in deps {
            f.add(&format!("dep {name}"), sha);
        }
        for e in extra {
            f.add(&format!("input {}", e.rel), &file_sha(&e.abs));
        }
        f.finish()
    }

    /// Render every selected template, reusing the results of templates whose inputs did not
    /// change since they were rendered with the same context.
    pub(crate) fn render(
        &mut self,
        ws: &Workspace,
        graph: &Graph,
        opts: &GenOptions,
        progress: &dyn Progress,
    ) -> Result<Rendered, EngineError> {
        let all = ws.all_templates();
        let is_output = |t: &InputFile| !Template::is_partial_file(&t.abs) && opts.selects(&t.rel);
        let mut shas: BTreeMap<&str, String> = BTreeMap::new();
        let mut others = Vec::new();
        for (t, _) in &all {
            let sha = file_sha(&t.abs);
            if !is_output(t) {
                others.push((*t, sha.clone()));
            }
            shas.insert(t.rel.as_str(), sha);
        }
        let context = Self::context_key(ws, graph, opts, &others);
        if self.context.as_deref() != Some(context.as_str()) {
            self.templates.clear();
            self.context = Some(context);
        }
        let selected: Vec<(&InputFile, Option<&PackInput>)> =
            all.iter().copied().filter(|(t, _)| is_output(t)).collect();
        self.templates
            .retain(|name, _| selected.iter().any(|(t, _)| t.rel == *name));
        let dep_shas = |deps: &[String]| -> Vec<(String, String)> {
            deps.iter()
                .map(|d| {
                    let sha = shas.get(d.as_str()).cloned().unwrap_or_default();
                    (d.clone(), sha)
                })
                .collect()
        };
        progress.begin("render", Some(selected.len() as u64));
        let mut out = Rendered::default();
        for (file, pack) in &selected {
            let own = shas.get(file.rel.as_str()).cloned().unwrap_or_default();
            if let Some(e) = self.templates.get(&file.rel)
                && e.key == Self::template_key(&own, &dep_shas(&e.deps), &e.extra)
            {
                append(&mut out, clone_rendered(&e.rendered));
                self.last.reused.push(file.rel.clone());
                progress.inc(1);
                continue;
            }
            self.templates.remove(&file.rel);
            let _span = tracing::debug_span!("template", name = %file.rel).entered();
            let text =
                std::fs::read_to_string(&file.abs).map_err(|e| EngineError::io(&file.rel, e))?;
            // Hash what was read, so that an edit racing with this run is seen by the next one.
            let own = ggen_core::hash::sha256_hex(text.as_bytes());
            // Loaded after hashing: an edit in between makes the next run render it again.
            let template = Template::load(&file.abs, &file.rel)?;
            let mut piece = Rendered::default();
            render::render_template(ws, graph, &template, *pack, opts, &mut piece)?;
            let deps: Vec<String> = selected
                .iter()
                .filter(|(o, _)| o.rel != file.rel)
                .filter(|(o, _)| {
                    o.abs
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| text.contains(n))
                })
                .map(|(o, _)| o.rel.clone())
                .collect();
            let extra = piece.extra_inputs.clone();
            let key = Self::template_key(&own, &dep_shas(&deps), &extra);
            append(&mut out, clone_rendered(&piece));
            self.templates.insert(
                file.rel.clone(),
                TemplateEntry {
                    key,
                    deps,
                    extra,
                    rendered: piece,
                },
            );
            self.last.rendered.push(file.rel.clone());
            progress.inc(1);
        }
        progress.end();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, GenOptions, NoProgress, apply, plan, plan_incremental};
    use std::path::Path;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    const ONTOLOGY: &str = "@prefix ex: <http://e/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\nex:A rdfs:label \"A\" .\nex:B rdfs:label \"B\" .\n";

    fn project(dir: &Path) {
        write(
            dir,
            "ggen.toml",
            "[project]\nname = \"p\"\n\n[graph]\nsources = [\"ontology/*.ttl\"]\n",
        );
        write(dir, "ontology/a.ttl", ONTOLOGY);
        write(
            dir,
            "templates/labels.txt.tmpl",
            "---\nto: labels.txt\nsparql:\n  l: \"SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l\"\n---\n{% for r in sparql_results.l %}{{ r.l }} {% endfor %}\n",
        );
        write(
            dir,
            "templates/each.txt.tmpl",
            "---\nto: \"each/{{ row.l }}.txt\"\nforeach: l\nsparql:\n  l: \"SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l\"\n---\nlabel {{ row.l }}{% include \"_suffix.tmpl\" %}\n",
        );
        write(dir, "templates/_suffix.tmpl", "!");
        write(
            dir,
            "templates/static.txt.tmpl",
            "---\nto: static.txt\n---\nstatic\n",
        );
    }

    fn ws(dir: &Path) -> Workspace {
        Workspace::from_project(dir, &BTreeMap::new()).unwrap()
    }

    fn run(dir: &Path, cache: &mut Incremental) -> crate::Plan {
        let w = ws(dir);
        let p = plan_incremental(&w, &GenOptions::default(), &NoProgress, cache).unwrap();
        apply(&w, &p).unwrap();
        p
    }

    fn written(p: &crate::Plan) -> Vec<&str> {
        p.entries
            .iter()
            .filter(|e| e.action.writes())
            .map(|e| e.path.as_str())
            .collect()
    }

    /// Whatever the cache reused, the plan equals a full run's.
    fn same_as_full(dir: &Path, p: &crate::Plan) {
        let w = ws(dir);
        let mut full = plan(&w, &GenOptions::default(), &NoProgress).unwrap();
        if full.fast_path {
            return;
        }
        full.timings = p.timings.clone();
        let a: Vec<_> = p
            .entries
            .iter()
            .map(|e| (&e.path, e.sha256.clone()))
            .collect();
        let b: Vec<_> = full
            .entries
            .iter()
            .map(|e| (&e.path, e.sha256.clone()))
            .collect();
        assert_eq!(a, b);
        assert_eq!(
            p.receipt.as_ref().unwrap().to_json(),
            full.receipt.as_ref().unwrap().to_json()
        );
    }

    #[test]
    fn reuses_the_graph_and_untouched_templates() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        project(dir);
        let mut cache = Incremental::new();
        let p = run(dir, &mut cache);
        assert!(cache.last().graph_loaded);
        assert_eq!(cache.last().rendered.len(), 3);
        assert_eq!(written(&p).len(), 4);

        // nothing changed: everything reused, nothing written
        let p = run(dir, &mut cache);
        assert!(!cache.last().graph_loaded);
        assert!(cache.last().rendered.is_empty());
        assert_eq!(cache.last().reused.len(), 3);
        assert!(written(&p).is_empty());
        assert!(p.entries.iter().all(|e| e.action == Action::Unchanged));

        // one template edited: only it is rendered, the graph is reused
        write(
            dir,
            "templates/static.txt.tmpl",
            "---\nto: static.txt\n---\nstatic 2\n",
        );
        let p = run(dir, &mut cache);
        assert!(!cache.last().graph_loaded);
        assert_eq!(cache.last().rendered, ["templates/static.txt.tmpl"]);
        assert_eq!(written(&p), ["generated/static.txt"]);
        same_as_full(dir, &p);
        assert_eq!(
            std::fs::read_to_string(dir.join("generated/static.txt")).unwrap(),
            "static 2\n"
        );

        // the ontology changed: reloaded, every template rendered again
        write(dir, "ontology/a.ttl", &ONTOLOGY.replace("\"B\"", "\"C\""));
        let p = run(dir, &mut cache);
        assert!(cache.last().graph_loaded);
        assert_eq!(cache.last().rendered.len(), 3);
        let mut w = written(&p);
        w.sort();
        assert_eq!(w, ["generated/each/C.txt", "generated/labels.txt"]);
        same_as_full(dir, &p);

        // a comment-only ontology edit: reloaded, but the graph is the same: templates reused
        write(
            dir,
            "ontology/a.ttl",
            &format!("# a comment\n{}", ONTOLOGY.replace("\"B\"", "\"C\"")),
        );
        run(dir, &mut cache);
        assert!(cache.last().graph_loaded);
        assert!(cache.last().rendered.is_empty());

        // a partial changed: every template rendered again
        write(dir, "templates/_suffix.tmpl", "?");
        let p = run(dir, &mut cache);
        assert!(!cache.last().graph_loaded);
        assert_eq!(cache.last().rendered.len(), 3);
        let mut w = written(&p);
        w.sort();
        assert_eq!(w, ["generated/each/A.txt", "generated/each/C.txt"]);
        same_as_full(dir, &p);
    }

    #[test]
    fn errors_leave_the_cache_usable() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        project(dir);
        let mut cache = Incremental::new();
        run(dir, &mut cache);
        write(
            dir,
            "ontology/a.ttl",
            "@prefix ex: <http://e/> .\nex:A ex:b \n",
        );
        let w = ws(dir);
        let e = plan_incremental(&w, &GenOptions::default(), &NoProgress, &mut cache)
            .unwrap_err()
            .to_string();
        assert!(e.contains("ontology/a.ttl"), "{e}");
        write(
            dir,
            "templates/static.txt.tmpl",
            "---\nto: static.txt\n---\n{{ nope }}\n",
        );
        write(dir, "ontology/a.ttl", ONTOLOGY);
        let w = ws(dir);
        assert!(plan_incremental(&w, &GenOptions::default(), &NoProgress, &mut cache).is_err());
        write(
            dir,
            "templates/static.txt.tmpl",
            "---\nto: static.txt\n---\nfixed\n",
        );
        let p = run(dir, &mut cache);
        assert_eq!(written(&p), ["generated/static.txt"]);
        same_as_full(dir, &p);
    }

    #[test]
    fn an_included_output_template_counts_as_an_input() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        project(dir);
        write(
            dir,
            "templates/wrap.txt.tmpl",
            "---\nto: wrap.txt\n---\n[{% include \"static.txt.tmpl\" %}]\n",
        );
        let mut cache = Incremental::new();
        run(dir, &mut cache);
        write(
            dir,
            "templates/static.txt.tmpl",
            "---\nto: static.txt\n---\nnew\n",
        );
        let p = run(dir, &mut cache);
        let mut r = cache.last().rendered.clone();
        r.sort();
        assert_eq!(r, ["templates/static.txt.tmpl", "templates/wrap.txt.tmpl"]);
        let mut w = written(&p);
        w.sort();
        assert_eq!(w, ["generated/static.txt", "generated/wrap.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("generated/wrap.txt")).unwrap(),
            "[new\n]\n"
        );
    }
}
