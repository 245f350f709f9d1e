//! `ggen template generate-tree <spec.yaml>` (file-tree templates, the v2.5 format) and
//! `ggen template generate-rdf --ontology F --template T` (an alias of generation with a template
//! file or a pack).
//!
//! A tree spec is YAML:
//!
//! ```yaml
//! name: service                 # required
//! description: A small service  # optional
//! variables: [name]             # required variables
//! defaults: { port: "8080" }    # default values (--var overrides them)
//! tree:
//!   - name: "{{ name }}"
//!     type: directory
//!     children:
//!       - name: main.rs
//!         type: file
//!         content: |            # inline template text…
//!           fn main() { println!("{{ name }} on {{ port }}"); }
//!       - name: README.md
//!         template: files/README.md   # …or a template file, relative to the spec
//!       - name: run.sh
//!         content: "#!/bin/sh\n"
//!         mode: "0755"
//! ```
//!
//! Names and contents are minijinja templates rendered with the variables (the filters of
//! ggen templates are available). A name that renders empty skips its node. Everything is
//! rendered before anything is written; when a file exists with other content, nothing is
//! written unless `--force`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use ggen_core::Location;
use ggen_engine::parse_cli_vars;
use ggen_template::{RenderOptions, Renderer, Template, base_context};
use serde::Deserialize;
use serde_json::json;
use serde_saphyr::Spanned;

use crate::cli::RunArgs;
use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report, exit};

/// `ggen template generate-tree`
#[derive(Debug, Args, Clone)]
pub struct TreeArgs {
    /// The tree spec (YAML: name, variables, defaults, tree).
    pub spec: PathBuf,
    /// Set a variable (repeatable): --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Directory to generate into (default: the current directory).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Print what would be written and write nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Overwrite existing files whose content differs.
    #[arg(long, short = 'f')]
    pub force: bool,
}

/// `ggen template generate-rdf`
#[derive(Debug, Args, Clone)]
pub struct RdfArgs {
    /// RDF file(s) of the graph (repeatable).
    #[arg(long, value_name = "FILE", required = true)]
    pub ontology: Vec<PathBuf>,
    /// A template file, or a pack (`id` or `id@requirement`) from the registries.
    #[arg(long, value_name = "TEMPLATE|PACK")]
    pub template: String,
    /// Output root (default: the current directory).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Shared generation options.
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    name: Spanned<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    /// v2.5 RDF metadata: accepted, not used.
    #[serde(default)]
    #[allow(dead_code)]
    rdf: Option<serde_json::Value>,
    #[serde(default)]
    variables: Vec<Spanned<String>>,
    #[serde(default)]
    defaults: BTreeMap<String, serde_json::Value>,
    tree: Vec<Node>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum NodeType {
    Directory,
    File,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Node {
    name: Spanned<String>,
    #[serde(rename = "type", default)]
    kind: Option<NodeType>,
    #[serde(default)]
    children: Vec<Node>,
    #[serde(default)]
    content: Option<Spanned<String>>,
    #[serde(default)]
    template: Option<Spanned<String>>,
    #[serde(default)]
    mode: Option<Spanned<serde_json::Value>>,
}

/// One file of a rendered tree.
#[derive(Debug, Clone)]
pub struct TreeFile {
    /// Path relative to the output directory, `/`-separated.
    pub path: String,
    /// Absolute path.
    pub abs: PathBuf,
    /// Rendered content.
    pub content: String,
    /// Unix permission bits to set.
    pub mode: Option<u32>,
    /// `create`, `update` (content or mode differs), `unchanged`, or `conflict` (exists with
    /// other content).
    pub action: &'static str,
}

/// A rendered tree, not yet written.
#[derive(Debug, Clone, Default)]
pub struct RenderedTree {
    /// The spec's name.
    pub name: String,
    /// Directories (relative), in tree order.
    pub dirs: Vec<String>,
    /// Files, in tree order.
    pub files: Vec<TreeFile>,
}

impl RenderedTree {
    /// Files that exist with other content.
    pub fn conflicts(&self) -> Vec<&TreeFile> {
        self.files
            .iter()
            .filter(|f| f.action == "conflict")
            .collect()
    }
}

struct Cx<'a> {
    spec_file: &'a Path,
    shown: String,
    text: &'a str,
    dir: PathBuf,
    vars: BTreeMap<String, serde_json::Value>,
    out: &'a Path,
    tree: RenderedTree,
    pieces: usize,
}

fn spec_error(location: Location, message: impl Into<String>) -> CmdError {
    CmdError {
        location: Some(location),
        ..CmdError::new("tree-spec", message)
    }
}

impl Cx<'_> {
    fn at<T>(&self, s: &Spanned<T>) -> Location {
        let l = s.referenced;
        if l.line() == 0 {
            Location::file(&self.shown)
        } else {
            Location::at(&self.shown, l.line(), l.column())
        }
    }

    /// The first line of a scalar's text: the next line for block scalars (`|`, `>`).
    fn text_line<T>(&self, s: &Spanned<T>) -> u64 {
        let l = s.referenced;
        let line = l.line().max(1);
        let block = self
            .text
            .lines()
            .nth(usize::try_from(line - 1).unwrap_or(usize::MAX))
            .and_then(|t| {
                t.chars()
                    .skip(usize::try_from(l.column().saturating_sub(1)).unwrap_or(0))
                    .find(|c| !c.is_whitespace())
            })
            .is_some_and(|c| c == '|' || c == '>');
        if block { line + 1 } else { line }
    }

    fn render(
        &mut self,
        body: &str,
        file: &str,
        line: u64,
        extra: &BTreeMap<String, serde_json::Value>,
    ) -> Result<String, CmdError> {
        self.pieces += 1;
        let mut t = Template::parse(&format!("{}#{}", self.shown, self.pieces), "")?;
        t.body = body.to_owned();
        t.body_file = PathBuf::from(file);
        t.body_line = line;
        self.render_template(&t, extra)
    }

    fn render_template(
        &self,
        t: &Template,
        extra: &BTreeMap<String, serde_json::Value>,
    ) -> Result<String, CmdError> {
        let mut vars = extra.clone();
        vars.extend(self.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        let ctx = base_context(&vars, None, BTreeMap::new(), t);
        let r = Renderer::new(
            t,
            None,
            &RenderOptions {
                search_dirs: vec![self.dir.clone()],
                ..RenderOptions::default()
            },
        )?;
        Ok(r.render_body(&ctx)?)
    }

    fn mode(&self, m: &Spanned<serde_json::Value>) -> Result<u32, CmdError> {
        let bad = || {
            spec_error(
                self.at(m),
                format!(
                    "`mode: {}` is not a permission in octal (write it as a string, e.g. \"0755\")",
                    m.value
                ),
            )
        };
        let digits = match &m.value {
            serde_json::Value::String(s) => s.trim().trim_start_matches("0o").to_owned(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(bad()),
        };
        let v = u32::from_str_radix(&digits, 8).map_err(|_| bad())?;
        if v > 0o7777 {
            return Err(bad());
        }
        Ok(v)
    }

    fn node(&mut self, parent: &str, n: &Node) -> Result<(), CmdError> {
        let line = self.text_line(&n.name);
        let name = self.render(&n.name.value, &self.shown.clone(), line, &BTreeMap::new())?;
        let name = name.trim();
        if name.is_empty() {
            return Ok(());
        }
        let joined = if parent.is_empty() {
            name.to_owned()
        } else {
            format!("{parent}/{name}")
        };
        let rel = ggen_core::fs::normalize_relative(Path::new(&joined))
            .filter(|p| !p.as_os_str().is_empty())
            .ok_or_else(|| CmdError {
                location: Some(self.at(&n.name)),
                ..CmdError::new(
                    "tree-path",
                    format!("`{joined}` must be a relative path inside the output directory"),
                )
            })?;
        let rel = ggen_core::fs::slash_path(&rel);
        let kind = n
            .kind
            .unwrap_or(if n.content.is_some() || n.template.is_some() {
                NodeType::File
            } else {
                NodeType::Directory
            });
        match kind {
            NodeType::Directory => {
                if n.content.is_some() || n.template.is_some() || n.mode.is_some() {
                    return Err(spec_error(
                        self.at(&n.name),
                        format!("directory `{rel}` cannot have content, template or mode"),
                    ));
                }
                if !self.tree.dirs.contains(&rel) {
                    self.tree.dirs.push(rel.clone());
                }
                for c in &n.children {
                    self.node(&rel, c)?;
                }
            }
            NodeType::File => {
                if !n.children.is_empty() {
                    return Err(spec_error(
                        self.at(&n.name),
                        format!("file `{rel}` cannot have children"),
                    ));
                }
                let content = match (&n.content, &n.template) {
                    (Some(c), None) => {
                        let line = self.text_line(c);
                        let file = self.shown.clone();
                        self.render(&c.value, &file, line, &BTreeMap::new())?
                    }
                    (None, Some(t)) => self.template_file(t)?,
                    _ => {
                        return Err(spec_error(
                            self.at(&n.name),
                            format!("file `{rel}` needs exactly one of `content` or `template`"),
                        ));
                    }
                };
                if self.tree.files.iter().any(|f| f.path == rel) {
                    return Err(spec_error(
                        self.at(&n.name),
                        format!("`{rel}` is generated twice"),
                    ));
                }
                let mode = n.mode.as_ref().map(|m| self.mode(m)).transpose()?;
                let abs = self.out.join(&rel);
                let action = match std::fs::read(&abs) {
                    Err(_) => "create",
                    Ok(old) if old == content.as_bytes() => {
                        if mode.is_some_and(|m| current_mode(&abs) != Some(m)) {
                            "update"
                        } else {
                            "unchanged"
                        }
                    }
                    Ok(_) => "conflict",
                };
                self.tree.files.push(TreeFile {
                    path: rel,
                    abs,
                    content,
                    mode,
                    action,
                });
            }
        }
        Ok(())
    }

    fn template_file(&mut self, t: &Spanned<String>) -> Result<String, CmdError> {
        let rel =
            ggen_core::fs::normalize_relative(Path::new(&t.value)).ok_or_else(|| CmdError {
                location: Some(self.at(t)),
                ..CmdError::new(
                    "tree-path",
                    format!(
                        "`template: {}` must be a relative path inside the spec's directory",
                        t.value
                    ),
                )
            })?;
        let abs = self.dir.join(&rel);
        if !abs.is_file() {
            return Err(CmdError {
                location: Some(self.at(t)),
                ..CmdError::new(
                    "tree-template-missing",
                    format!("template file {} does not exist", shown(&abs)),
                )
            });
        }
        let template = Template::load(&abs, &shown(&abs))?;
        // A referenced template may start with a frontmatter: its `vars` are defaults.
        let defaults = template.frontmatter.vars.clone().into_iter().collect();
        self.render_template(&template, &defaults)
    }
}

#[cfg(unix)]
fn current_mode(p: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn current_mode(_p: &Path) -> Option<u32> {
    None
}

/// Render the tree of `spec` into memory, for the output directory `out`, with `vars` (which
/// override the spec's defaults). Nothing is written.
pub fn render_tree(
    spec: &Path,
    vars: &BTreeMap<String, serde_json::Value>,
    out: &Path,
) -> Result<RenderedTree, CmdError> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| CmdError::new("io", format!("{}: {e}", shown(spec))))?;
    let shown_spec = shown(spec);
    let parsed: Spec = serde_saphyr::from_str(&text).map_err(|e| {
        let msg = e.to_string();
        let (line, col) = yaml_position(&msg);
        let first = msg
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_owned();
        spec_error(
            match line {
                Some(l) => Location::at(&shown_spec, l, col.unwrap_or(1)),
                None => Location::file(&shown_spec),
            },
            format!("invalid tree spec: {first}"),
        )
    })?;
    let mut all = parsed.defaults.clone();
    all.extend(vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut cx = Cx {
        spec_file: spec,
        shown: shown_spec.clone(),
        text: &text,
        dir: spec
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        vars: all,
        out,
        tree: RenderedTree {
            name: parsed.name.value.clone(),
            ..RenderedTree::default()
        },
        pieces: 0,
    };
    if parsed.name.value.trim().is_empty() {
        return Err(spec_error(cx.at(&parsed.name), "`name` is empty"));
    }
    for v in &parsed.variables {
        if !cx.vars.contains_key(&v.value) {
            return Err(CmdError {
                location: Some(cx.at(v)),
                help: Some(format!("pass --var {}=<value>", v.value)),
                ..CmdError::new(
                    "tree-missing-var",
                    format!(
                        "variable `{}` is required by {} and has no default",
                        v.value, cx.shown
                    ),
                )
            });
        }
    }
    if parsed.tree.is_empty() {
        return Err(spec_error(Location::file(&cx.shown), "`tree` is empty"));
    }
    let _ = cx.spec_file;
    for n in &parsed.tree {
        cx.node("", n)?;
    }
    Ok(cx.tree)
}

/// `line L column C` from a serde-saphyr message.
fn yaml_position(msg: &str) -> (Option<u64>, Option<u64>) {
    let num_after = |key: &str| -> Option<u64> {
        let i = msg.find(key)? + key.len();
        let digits: String = msg
            .get(i..)?
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    (num_after("line "), num_after("column "))
}

/// Write a rendered tree (directories, then files atomically, then modes). Conflicting files
/// are overwritten only with `force`; otherwise the caller must refuse first.
pub fn write_tree(tree: &RenderedTree, out: &Path, force: bool) -> Result<Vec<String>, CmdError> {
    for d in &tree.dirs {
        let p = out.join(d);
        std::fs::create_dir_all(&p).map_err(|e| CmdError::new("io", format!("{d}: {e}")))?;
    }
    let mut written = Vec::new();
    for f in &tree.files {
        let write = match f.action {
            "create" | "update" => true,
            "conflict" => force,
            _ => false,
        };
        if write {
            ggen_core::fs::write_atomic(&f.abs, f.content.as_bytes())
                .map_err(|e| CmdError::new("io", format!("{}: {e}", f.path)))?;
            written.push(f.path.clone());
        }
        #[cfg(unix)]
        if let Some(m) = f.mode
            && (write || current_mode(&f.abs) != Some(m))
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f.abs, std::fs::Permissions::from_mode(m))
                .map_err(|e| CmdError::new("io", format!("{}: {e}", f.path)))?;
        }
    }
    Ok(written)
}

/// `ggen template generate-tree`.
pub fn generate_tree(ctx: &Ctx, args: &TreeArgs) -> Result<Report, CmdError> {
    let cwd = ctx.cwd()?;
    let vars = parse_cli_vars(&args.vars).map_err(|m| CmdError::new("usage", m))?;
    let out = match &args.out {
        Some(o) if o.is_absolute() => o.clone(),
        Some(o) => cwd.join(o),
        None => cwd.clone(),
    };
    let spec = if args.spec.is_absolute() {
        args.spec.clone()
    } else {
        cwd.join(&args.spec)
    };
    let tree = render_tree(&spec, &vars, &out)?;
    let conflicts = tree.conflicts();
    let mut human = String::new();
    for f in &tree.files {
        let label = if f.action == "conflict" && args.force {
            "update"
        } else {
            f.action
        };
        if label != "unchanged" || ctx.global.verbose > 0 {
            human.push_str(&format!("{} {}\n", ctx.style.action(label), f.path));
        }
    }
    let files_json: Vec<_> = tree
        .files
        .iter()
        .map(|f| json!({ "path": f.path, "action": f.action, "mode": f.mode.map(|m| format!("{m:04o}")) }))
        .collect();
    if !conflicts.is_empty() && !args.force {
        human.push_str(&format!(
            "{} file{} exist{} with other content; nothing was written (use --force to overwrite)\n",
            conflicts.len(),
            if conflicts.len() == 1 { "" } else { "s" },
            if conflicts.len() == 1 { "s" } else { "" },
        ));
        return Ok(Report::new(
            human,
            json!({ "name": tree.name, "files": files_json, "written": [], "conflicts": conflicts.iter().map(|f| &f.path).collect::<Vec<_>>() }),
        )
        .with_exit(exit::CHECK_FAILED));
    }
    let written = if args.dry_run {
        Vec::new()
    } else {
        write_tree(&tree, &out, args.force)?
    };
    human.push_str(&format!(
        "{} {}: {} file{} written, {} unchanged{}\n",
        if args.dry_run {
            "dry run of"
        } else {
            "generated"
        },
        tree.name,
        if args.dry_run {
            tree.files
                .iter()
                .filter(|f| f.action != "unchanged")
                .count()
        } else {
            written.len()
        },
        if written.len() == 1 { "" } else { "s" },
        tree.files
            .iter()
            .filter(|f| f.action == "unchanged")
            .count(),
        if args.dry_run {
            " (nothing written)"
        } else {
            ""
        }
    ));
    Ok(Report::new(
        human,
        json!({
            "name": tree.name,
            "out": out.display().to_string(),
            "files": files_json,
            "written": written,
            "conflicts": [],
            "dry_run": args.dry_run,
        }),
    ))
}

/// `ggen template generate-rdf`: `template generate T --rdf F…` for a template file; for a
/// pack, its templates rendered against the ontology (the pack is installed into the cache, not
/// into a project).
pub fn generate_rdf(ctx: &Ctx, args: &RdfArgs) -> Result<Report, CmdError> {
    let cwd = ctx.cwd()?;
    let as_file = cwd.join(&args.template);
    let looks_like_pack = ggen_pack::install::PackRequest::parse(&args.template).is_ok()
        && !args.template.contains('/');
    if as_file.is_file() || !looks_like_pack {
        return crate::cmd::template::run(
            ctx,
            crate::cli::TemplateCommand::Generate {
                template: PathBuf::from(&args.template),
                rdf: args.ontology.clone(),
                out: Some(args.out.clone().unwrap_or_else(|| PathBuf::from("."))),
                run: args.run.clone(),
            },
        );
    }
    let vars = parse_cli_vars(&args.run.vars).map_err(|m| CmdError::new("usage", m))?;
    let (_tmp, packs, shapes) = fetch_packs(ctx, &[args.template.as_str()])?;
    let id = args.template.split('@').next().unwrap_or_default().trim();
    let pack = packs.iter().find(|p| p.id == id).ok_or_else(|| {
        CmdError::new("pack", format!("pack {} was not installed", args.template))
    })?;
    let Some(first) = pack.templates.first() else {
        return Err(CmdError::new(
            "pack-no-templates",
            format!(
                "pack {} {} has no templates to render (only partials or data)",
                pack.id, pack.version
            ),
        ));
    };
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut ws = ggen_engine::Workspace::standalone(&cwd, &first.abs, &args.ontology, &out, &vars)?;
    ws.templates.clear();
    ws.template_dirs.clear();
    ws.packs = packs.clone();
    ws.shapes.extend(shapes);
    let opts = crate::cmd::project::gen_options(&args.run, &[])?;
    let label = format!("generated {} {}", pack.id, pack.version);
    crate::cmd::project::execute(ctx, &ws, &args.run, &opts, &label)
}

/// Install packs (`id` or `id@req`) with their dependencies into the cache through a
/// throw-away project, and return them as generation inputs (the requested packs direct) with
/// the shapes they contribute. The temporary directory must outlive the use of the packs'
/// lockfile only; the packs themselves live in the cache.
pub fn fetch_packs(
    ctx: &Ctx,
    requests: &[&str],
) -> Result<
    (
        tempfile::TempDir,
        Vec<ggen_engine::PackInput>,
        Vec<ggen_engine::InputFile>,
    ),
    CmdError,
> {
    let tmp = tempfile::Builder::new()
        .prefix("ggen-packs-")
        .tempdir()
        .map_err(|e| CmdError::new("io", format!("cannot create a temporary directory: {e}")))?;
    let mut manifest = String::from("[project]\nname = \"packs\"\n\n[packs]\n");
    for r in requests {
        let req = ggen_pack::install::PackRequest::parse(r).map_err(|e| CmdError::diag(&e))?;
        let version = req.req.map_or_else(|| "*".to_owned(), |r| r.to_string());
        manifest.push_str(&format!("{:?} = {:?}\n", req.id.as_str(), version));
    }
    std::fs::write(tmp.path().join(ggen_engine::MANIFEST_FILE), manifest)
        .map_err(|e| CmdError::new("io", e.to_string()))?;
    let mut ws = ggen_engine::Workspace::from_project(tmp.path(), &BTreeMap::new())?;
    let before = ws.shapes.len();
    crate::cmd::marketplace::attach_packs(ctx, &mut ws, Default::default(), true)?;
    let shapes = ws.shapes.get(before..).unwrap_or_default().to_vec();
    Ok((tmp, ws.packs, shapes))
}
