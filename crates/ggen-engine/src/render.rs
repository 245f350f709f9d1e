//! The render stage: for every template, enrich its graph, run its queries, and render each
//! output in memory. Nothing is written here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ggen_core::Location;
use ggen_graph::{
    Graph, GraphBuilder, GraphError, Prefixes, QueryOptions, QueryOutput, QuerySource, RdfSyntax,
};
use ggen_template::values::{self};
use ggen_template::{
    Injection, RenderOptions, Renderer, Template, ToSpec, base_context, row_context,
};
use minijinja::value::Value;

use crate::error::EngineError;
use crate::inject::RenderedInjection;
use crate::inputs::InputFile;
use crate::options::GenOptions;
use crate::progress::Progress;
use crate::workspace::{PackInput, Workspace};

/// How an output is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputKind {
    /// The whole file.
    Write {
        /// Overwrite hand edits.
        force: bool,
        /// Create only.
        unless_exists: bool,
        /// Keep a `.bak`.
        backup: bool,
    },
    /// Injected into the target.
    Inject {
        /// Settings with rendered anchors.
        injection: RenderedInjection,
        /// Keep a `.bak`.
        backup: bool,
    },
}

/// One rendered output.
#[derive(Debug, Clone)]
pub struct RenderedOutput {
    /// The template's name.
    pub template: String,
    /// Line of `to:` in the template (for messages).
    pub to_line: u64,
    /// The `foreach` row, as `var=<term> …`.
    pub row_key: Option<String>,
    /// Path relative to the project root (absolute when outside it).
    pub path: String,
    /// Absolute path.
    pub abs: PathBuf,
    /// Rendered content.
    pub content: String,
    /// Write or inject.
    pub kind: OutputKind,
}

/// A template or row that produced no output, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The template.
    pub template: String,
    /// The row, when under `foreach`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_key: Option<String>,
    /// Why.
    pub reason: String,
}

/// When a shell hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookTime {
    /// Before any file is written.
    Before,
    /// After all files are written.
    After,
}

/// A rendered `sh_before`/`sh_after` command.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ShellHook {
    /// The template.
    pub template: String,
    /// Before or after writing.
    pub when: HookTime,
    /// The command (run with `sh -c` in the output root).
    pub command: String,
    /// Line of the key in the template.
    #[serde(skip)]
    pub line: u64,
}

/// Everything the render stage produced.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The output-root guard (caches resolved directories for the run).
    pub(crate) paths: crate::paths::PathGuard,
    /// Outputs in template order, then row order.
    pub outputs: Vec<RenderedOutput>,
    /// Skipped templates/rows.
    pub skipped: Vec<Skipped>,
    /// Shell hooks.
    pub hooks: Vec<ShellHook>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// `env()` reads.
    pub env_reads: BTreeMap<String, Option<String>>,
    /// Files templates read besides themselves (`rdf:`, `shape:`, `from:`).
    pub extra_inputs: Vec<InputFile>,
}

/// The prefixes queries see: the graph's own declarations (a local graph's; a remote endpoint
/// declares none), then ggen.toml's, then the template's.
fn query_prefixes(graph: Option<&Graph>, ws: &Workspace, template: &Template) -> Prefixes {
    let mut p = graph.map(|g| g.prefixes().clone()).unwrap_or_default();
    p.extend_from(&ws.prefixes);
    let t: Prefixes = template
        .frontmatter
        .prefixes
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    p.extend_from(&t);
    p
}

/// Render every (non-partial, selected) template. Queries run on `graph`: the local project
/// graph, or a remote endpoint (`[graph] endpoint`).
pub fn render_all(
    ws: &Workspace,
    graph: &dyn QuerySource,
    opts: &GenOptions,
    progress: &dyn Progress,
) -> Result<Rendered, EngineError> {
    let selected: Vec<(&InputFile, Option<&PackInput>)> = ws
        .all_templates()
        .into_iter()
        .filter(|(t, _)| !Template::is_partial_file(&t.abs))
        .filter(|(t, _)| opts.selects(&t.rel))
        .collect();
    progress.begin("render", Some(selected.len() as u64));
    let mut out = Rendered::default();
    for (file, pack) in selected {
        let _span = tracing::debug_span!("template", name = %file.rel).entered();
        let template = Template::load(&file.abs, &file.rel)?;
        render_template(ws, graph, &template, pack, opts, &mut out)?;
        progress.inc(1);
    }
    progress.end();
    Ok(out)
}

fn template_vars(
    ws: &Workspace,
    template: &Template,
    pack: Option<&PackInput>,
) -> Result<BTreeMap<String, serde_json::Value>, EngineError> {
    let mut vars: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for (k, v) in &template.frontmatter.vars {
        vars.insert(k.clone(), v.clone());
    }
    if let Some(p) = pack {
        vars.extend(p.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    vars.extend(ws.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    for (k, v) in &vars {
        if v.is_null() && template.frontmatter.vars.contains_key(k) {
            return Err(ggen_template::TemplateError::MissingVar {
                location: Location::line(&template.name, template.frontmatter.line_of("vars")),
                name: k.clone(),
            }
            .into());
        }
    }
    Ok(vars)
}

pub(crate) fn render_template(
    ws: &Workspace,
    project_graph: &dyn QuerySource,
    template: &Template,
    pack: Option<&PackInput>,
    opts: &GenOptions,
    out: &mut Rendered,
) -> Result<(), EngineError> {
    let fm = &template.frontmatter;
    let loc = |key: &str| Location::line(&template.name, fm.line_of(key));
    for (key, line) in &fm.unknown_keys {
        let suggestion = suggest(key, ggen_template::frontmatter::KNOWN_KEYS);
        let msg = format!(
            "unknown frontmatter key `{key}`{}",
            suggestion
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default()
        );
        if opts.strict {
            return Err(EngineError::InTemplate {
                location: Location::line(&template.name, *line),
                message: msg,
                code: "template-unknown-key",
            });
        }
        out.warnings
            .push(format!("{}:{line}: {msg}", template.name));
    }
    if let Some(from) = &template.from_path {
        out.extra_inputs.push(InputFile {
            rel: ws.display_name(from),
            abs: from.clone(),
        });
    }
    if matches!(fm.to, ToSpec::Missing) {
        return Err(EngineError::InTemplate {
            location: Location::line(&template.name, 1),
            message: "template has no `to:` key, so it has nowhere to write (partials are named `_*.tmpl`)".into(),
            code: "template-no-output",
        });
    }
    let vars = template_vars(ws, template, pack)?;
    let project = ws.project.as_ref().map(|(n, v)| (n.as_str(), v.as_str()));
    let vars_ctx = base_context(&vars, project, BTreeMap::new(), template);
    // A renderer without graph access, for frontmatter strings needed before the graph is final.
    let pre = Renderer::new(template, None, &RenderOptions::default())?;

    // 2. The template's graph: the project's, or a local copy extended by `rdf`/`rdf_inline`
    //    and `construct` (which need the project graph to be local, not a remote endpoint).
    let mut graph: Option<Graph> = None;
    if !fm.rdf.is_empty() || !fm.rdf_inline.is_empty() {
        let key = if fm.rdf.is_empty() {
            "rdf_inline"
        } else {
            "rdf"
        };
        let project_graph =
            crate::endpoint::local_graph(project_graph, &template.name, fm.line_of(key), key)?;
        let mut extra = GraphBuilder::new();
        extra.set_base(fm.base.as_deref().or(ws.base.as_deref()))?;
        let dir = template.dir().unwrap_or(&ws.root).to_path_buf();
        for r in &fm.rdf {
            let r = pre.render_value("rdf", r, &vars_ctx)?;
            let rel = ggen_core::fs::normalize_relative(Path::new(&r)).ok_or_else(|| {
                EngineError::InTemplate {
                    location: loc("rdf"),
                    message: format!(
                        "`rdf: {r}` must be a relative path inside the template's directory"
                    ),
                    code: "template-rdf-path",
                }
            })?;
            let abs = dir.join(rel);
            let name = ws.display_name(&abs);
            extra.add_file_as(&abs, Path::new(&name), None)?;
            out.extra_inputs.push(InputFile { abs, rel: name });
        }
        let mut prefix_header = String::new();
        for (p, iri) in query_prefixes(Some(project_graph), ws, template).iter() {
            prefix_header.push_str(&format!("@prefix {p}: <{iri}> .\n"));
        }
        for inline in &fm.rdf_inline {
            let text = pre.render_value("rdf_inline", &inline.text, &vars_ctx)?;
            let header_lines = prefix_header.lines().count() as u64;
            let full = format!("{prefix_header}{text}");
            extra
                .add_text(template.name.clone(), &full, RdfSyntax::Turtle)
                .map_err(|e| relocate_inline(e, header_lines, inline.line, inline.indent))?;
        }
        graph = Some(project_graph.extended(extra)?);
    }
    let mut prefixes = Prefixes::well_known();
    prefixes.extend_from(&query_prefixes(
        graph.as_ref().or(project_graph.local_graph()),
        ws,
        template,
    ));
    let base = fm.base.clone().or_else(|| ws.base.clone());
    let qopts = |name: &str, line: u64, indent: u64| {
        QueryOptions::new()
            .with_prefixes(&prefixes)
            .with_base(base.as_deref())
            .with_name(name)
            .with_source(&template.name, line, indent)
    };
    // Enrichment: CONSTRUCT queries, in name order, each seeing the previous ones' results.
    for q in &fm.construct {
        let text = pre.render_value("construct", &q.text, &vars_ctx)?;
        let current = match graph.take() {
            Some(g) => g,
            None => crate::endpoint::local_graph(
                project_graph,
                &template.name,
                fm.line_of("construct"),
                "construct",
            )?
            .clone(),
        };
        let triples = current.construct(&text, &qopts(&q.name, q.line, q.indent))?;
        let quads = triples
            .into_iter()
            .map(|t| t.in_graph(ggen_graph::model::GraphName::DefaultGraph))
            .collect();
        graph = Some(current.with_quads(quads)?);
    }
    // Where this template's queries run.
    let source: &dyn QuerySource = match &graph {
        Some(g) => g,
        None => project_graph,
    };
    // 3. SHACL shapes of this template.
    if !fm.shape.is_empty() {
        let shapes = resolve_template_files(ws, template, &pre, &vars_ctx, "shape", &fm.shape)?;
        let local =
            crate::endpoint::local_graph(source, &template.name, fm.line_of("shape"), "shape")?;
        let warnings =
            crate::shapes::validate(local, &shapes, &template.name, fm.line_of("shape"))?;
        out.warnings.extend(warnings);
        out.extra_inputs.extend(shapes);
    }
    // 4. Queries.
    let mut results: BTreeMap<String, Value> = BTreeMap::new();
    let mut solutions: BTreeMap<String, ggen_graph::Solutions> = BTreeMap::new();
    for q in &fm.sparql {
        let text = pre.render_value("sparql", &q.text, &vars_ctx)?;
        let _span = tracing::debug_span!("query", name = %q.name).entered();
        match source.query(&text, &qopts(&q.name, q.line, q.indent))? {
            QueryOutput::Solutions(s) => {
                results.insert(q.name.clone(), values::rows_value(&s));
                solutions.insert(q.name.clone(), s);
            }
            QueryOutput::Boolean(b) => {
                results.insert(q.name.clone(), Value::from(b));
            }
            QueryOutput::Graph(_) => {
                return Err(EngineError::InTemplate {
                    location: Location::line(&template.name, q.line),
                    message: format!(
                        "query `{}` is a CONSTRUCT/DESCRIBE query; put it under `construct:` to add its triples to the graph",
                        q.name
                    ),
                    code: "sparql-form",
                });
            }
        }
    }
    let rows = match &fm.foreach {
        None => None,
        Some(name) => match solutions.get(name) {
            Some(s) => Some(values::rows(s)),
            None => {
                if results.contains_key(name) {
                    return Err(EngineError::InTemplate {
                        location: loc("foreach"),
                        message: format!(
                            "`foreach: {name}` names an ASK query; foreach needs a SELECT query"
                        ),
                        code: "template-foreach-ask",
                    });
                }
                return Err(ggen_template::TemplateError::UnknownForeach {
                    location: loc("foreach"),
                    name: name.clone(),
                    available: fm.sparql.iter().map(|q| q.name.clone()).collect(),
                }
                .into());
            }
        },
    };
    // Shell hooks (refused without --allow-shell before anything is written).
    for (key, cmd, when) in [
        ("sh_before", &fm.sh_before, HookTime::Before),
        ("sh_after", &fm.sh_after, HookTime::After),
    ] {
        if let Some(cmd) = cmd {
            let command = pre.render_value(key, cmd, &vars_ctx)?;
            if !opts.allow_shell {
                return Err(EngineError::ShellNotAllowed {
                    location: loc(key),
                    key: if key == "sh_after" && fm.key_lines.contains_key("sh") {
                        "sh"
                    } else {
                        key
                    },
                    command,
                });
            }
            out.hooks.push(ShellHook {
                template: template.name.clone(),
                when,
                command,
                line: fm.line_of(key),
            });
        }
    }
    // 5. Render.
    let renderer = Renderer::with_source(
        template,
        Some(source.shared()),
        &RenderOptions {
            search_dirs: ws.search_dirs(),
            prefixes: prefixes.clone(),
            base: base.clone(),
            types: Some(ws.types.clone()),
        },
    )?;
    let base_ctx = base_context(&vars, project, results, template);
    // Rendering a row touches nothing but the renderer, so rows are rendered on several
    // threads when there are many; what follows (paths, formatting, the plan's order) is done
    // in row order, so the result and the first error reported are those of a one-by-one run.
    let render_row = |ctx: &Value| -> Result<RowOut, EngineError> {
        if !renderer.eval_when(ctx)? {
            return Ok(RowOut::Skip("`when` is false"));
        }
        let Some(to) = renderer.render_to(ctx)? else {
            return Ok(RowOut::Skip("`to` is empty"));
        };
        let content = renderer.render_body(ctx).map_err(EngineError::from);
        let injection = fm
            .inject
            .as_ref()
            .map(|inj| render_injection(&renderer, inj, ctx));
        Ok(RowOut::Out(Box::new(RowOutput {
            to,
            content,
            injection,
        })))
    };
    let mut finish = |row: RowOut, row_key: Option<String>| -> Result<(), EngineError> {
        let (to, content, injection) = match row {
            RowOut::Skip(reason) => {
                out.skipped.push(Skipped {
                    template: template.name.clone(),
                    row_key,
                    reason: reason.into(),
                });
                return Ok(());
            }
            RowOut::Out(o) => (o.to, o.content, o.injection),
        };
        let (path, abs) = out
            .paths
            .resolve_output(ws, &to, opts.allow_outside_root)
            .map_err(|message| EngineError::OutsideRoot {
                location: loc("to"),
                path: to.clone(),
                root: message,
            })?;
        let mut content = content?;
        let kind = match injection {
            None => {
                if opts.format || ws.auto_format {
                    content = crate::format::format(ws, &path, content)?;
                }
                OutputKind::Write {
                    force: fm.force,
                    unless_exists: fm.unless_exists,
                    backup: fm.backup,
                }
            }
            Some(injection) => OutputKind::Inject {
                injection: injection?,
                backup: fm.backup,
            },
        };
        out.outputs.push(RenderedOutput {
            template: template.name.clone(),
            to_line: fm.line_of("to"),
            row_key,
            path,
            abs,
            content,
            kind,
        });
        Ok(())
    };
    match rows {
        None => finish(render_row(&base_ctx)?, None)?,
        Some(rows) => {
            let rendered = crate::par::map_in_parallel(rows, |row| {
                let key = row.key();
                let ctx = row_context(&base_ctx, Value::from_object(row));
                (key, render_row(&ctx))
            });
            for (key, row) in rendered {
                finish(row?, Some(key))?;
            }
        }
    }
    out.warnings.extend(renderer.warnings());
    out.env_reads.extend(renderer.env_reads());
    Ok(())
}

/// A row rendered, before its path is resolved.
enum RowOut {
    /// Skipped, with the reason.
    Skip(&'static str),
    /// An output.
    Out(Box<RowOutput>),
}

/// `to`, then the body and the injection settings (their errors are reported after the
/// path's, as when rendering one row at a time).
struct RowOutput {
    to: String,
    content: Result<String, EngineError>,
    injection: Option<Result<RenderedInjection, EngineError>>,
}

fn render_injection(
    renderer: &Renderer,
    inj: &Injection,
    ctx: &Value,
) -> Result<RenderedInjection, EngineError> {
    use ggen_template::InjectPosition as P;
    let position = match &inj.position {
        P::Before(r) => P::Before(renderer.render_value("before", r, ctx)?),
        P::After(r) => P::After(renderer.render_value("after", r, ctx)?),
        other => other.clone(),
    };
    let skip_if = match &inj.skip_if {
        Some(s) => Some(renderer.render_value("skip_if", s, ctx)?),
        None => None,
    };
    Ok(RenderedInjection {
        position,
        skip_if,
        idempotent: inj.idempotent,
        on_missing_anchor: inj.on_missing_anchor,
        create_if_missing: inj.create_if_missing,
        eof_last: inj.eof_last,
    })
}

fn resolve_template_files(
    ws: &Workspace,
    template: &Template,
    pre: &Renderer,
    ctx: &Value,
    key: &str,
    paths: &[String],
) -> Result<Vec<InputFile>, EngineError> {
    let dir = template.dir().unwrap_or(&ws.root).to_path_buf();
    paths
        .iter()
        .map(|p| {
            let p = pre.render_value(key, p, ctx)?;
            let rel = ggen_core::fs::normalize_relative(Path::new(&p)).ok_or_else(|| {
                EngineError::InTemplate {
                    location: Location::line(&template.name, template.frontmatter.line_of(key)),
                    message: format!(
                        "`{key}: {p}` must be a relative path inside the template's directory"
                    ),
                    code: "template-path",
                }
            })?;
            let abs = dir.join(rel);
            Ok(InputFile {
                rel: ws.display_name(&abs),
                abs,
            })
        })
        .collect()
}

/// Map an inline-RDF syntax error (reported against the prefixed inline text) to the template
/// file's line and column.
fn relocate_inline(e: GraphError, header_lines: u64, first_line: u64, indent: u64) -> EngineError {
    match e {
        GraphError::Syntax {
            location,
            syntax,
            message,
        } => {
            let line = location
                .line
                .map(|l| l.saturating_sub(header_lines) + first_line - 1);
            let column = location.column.map(|c| c + indent);
            EngineError::from(GraphError::Syntax {
                location: ggen_core::Location {
                    file: location.file,
                    line,
                    column,
                },
                syntax,
                message,
            })
        }
        other => other.into(),
    }
}

/// The closest known name within edit distance 2, for "did you mean" hints.
pub fn suggest<'a>(given: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (levenshtein(given, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("froeach", ggen_template::frontmatter::KNOWN_KEYS),
            Some("foreach")
        );
        assert_eq!(
            suggest("zzzzzz", ggen_template::frontmatter::KNOWN_KEYS),
            None
        );
    }
}
