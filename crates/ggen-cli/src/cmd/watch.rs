//! `ggen project watch`: regenerate whenever the project's inputs change.
//!
//! The project's inputs — `ggen.toml`, `ggen.lock`, the graph sources and shapes, the template
//! directories and the files templates read — are watched (debounced). Each batch of changes
//! runs one incremental generation ([`ggen_engine::plan_incremental`]): the graph is parsed
//! again only when a source changed, and only the templates whose inputs changed are rendered
//! again. One summary line per cycle goes to stdout (`--json`: one JSON object per line).
//!
//! A change only counts when a file's content differs from what ggen last saw or wrote: events
//! for files ggen just wrote (with the content it wrote), for `.ggen/` and `.git/`, and for
//! files that are not inputs are ignored, so the watcher never triggers itself. A cycle that
//! fails (an invalid intermediate edit) prints the error and the watch goes on. Ctrl-C stops it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Args;
use ggen_engine::{GenOptions, Incremental, InputFile, NoProgress, Workspace, parse_cli_vars};
use globset::{Glob, GlobSet, GlobSetBuilder};
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use serde_json::{Value, json};

use crate::cli::RunArgs;
use crate::cmd::Ctx;
use crate::cmd::lifecycle::live::cancel_flag;
use crate::cmd::marketplace::LockArgs;
use crate::output::{CmdError, Report, eprint_line, print_stdout};

/// `ggen project watch`
#[derive(Debug, Args, Clone)]
pub struct WatchArgs {
    /// Set a template variable (repeatable): --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Only run templates matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Overwrite files edited by hand since the last generation.
    #[arg(long, short = 'f')]
    pub force: bool,
    /// Allow templates' sh_before/sh_after commands to run.
    #[arg(long)]
    pub allow_shell: bool,
    /// Treat warnings (e.g. unknown frontmatter keys) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Run the formatters of `[output] format` on generated files.
    #[arg(long)]
    pub format: bool,
    /// Quiet time after a change before regenerating, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub debounce: u64,
    /// Packs: --locked / --frozen (ggen.lock must not change).
    #[command(flatten)]
    pub lock: LockArgs,
}

/// Directories whose events never matter.
const IGNORED: [&str; 2] = [".ggen", ".git"];

fn sha(path: &Path) -> Option<String> {
    ggen_core::hash::sha256_file(path).ok()
}

/// What ggen knows about the project's inputs after a cycle.
#[derive(Default)]
struct Inputs {
    /// Project root (canonical).
    root: PathBuf,
    /// Template directories.
    template_dirs: Vec<PathBuf>,
    /// `[graph] sources` / `shapes` patterns, relative to the root.
    globs: Option<GlobSet>,
    /// Files read by the last cycle (absolute).
    files: BTreeSet<PathBuf>,
    /// Directories to watch and how.
    watch: BTreeMap<PathBuf, RecursiveMode>,
}

impl Inputs {
    fn relevant(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return self.files.contains(path);
        };
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if first.as_deref().is_some_and(|f| IGNORED.contains(&f)) {
            return false;
        }
        if rel == Path::new(ggen_engine::MANIFEST_FILE) || rel == Path::new("ggen.lock") {
            return true;
        }
        if self.files.contains(path) {
            return true;
        }
        if self.template_dirs.iter().any(|d| path.starts_with(d)) {
            // template files, and directories (created, removed or renamed)
            return ggen_template::Template::is_template_file(path)
                || path.is_dir()
                || path.extension().is_none();
        }
        let rel = ggen_core::fs::slash_path(rel);
        self.globs.as_ref().is_some_and(|g| g.is_match(&rel))
    }
}

/// The literal directory prefix of a glob pattern.
fn literal_dir(pattern: &str) -> PathBuf {
    let mut out = PathBuf::new();
    let parts: Vec<&str> = pattern.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if last || part.contains(['*', '?', '[', '{']) {
            break;
        }
        out.push(part);
    }
    out
}

fn inputs_of(ws: &Workspace, extra: &[String]) -> Inputs {
    let root = ws.root.clone();
    let mut watch: BTreeMap<PathBuf, RecursiveMode> = BTreeMap::new();
    watch.insert(root.clone(), RecursiveMode::NonRecursive);
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    let mut gb = GlobSetBuilder::new();
    if let Some((m, _)) = &ws.manifest {
        for p in m.graph.sources.iter().chain(&m.graph.shapes) {
            if let Ok(g) = Glob::new(p) {
                gb.add(g);
            }
            let dir = root.join(literal_dir(p));
            if dir.is_dir() {
                watch.insert(dir, RecursiveMode::Recursive);
            }
        }
    }
    for d in &ws.template_dirs {
        if d.is_dir() {
            watch.insert(d.clone(), RecursiveMode::Recursive);
        }
    }
    let mut add_file = |abs: PathBuf, watch: &mut BTreeMap<PathBuf, RecursiveMode>| {
        if let Some(parent) = abs.parent()
            && parent.is_dir()
        {
            watch
                .entry(parent.to_path_buf())
                .or_insert(RecursiveMode::NonRecursive);
        }
        files.insert(abs);
    };
    for f in ws.sources.iter().chain(&ws.shapes).chain(&ws.templates) {
        add_file(f.abs.clone(), &mut watch);
    }
    for name in extra {
        add_file(ws.resolve_name(name), &mut watch);
    }
    // Pack files live in the (immutable) cache: ggen.lock stands for them.
    let pack_roots: Vec<&PathBuf> = ws.packs.iter().map(|p| &p.root).collect();
    files.retain(|f| !pack_roots.iter().any(|r| f.starts_with(r)));
    watch.retain(|d, _| !pack_roots.iter().any(|r| d.starts_with(r)));
    // A recursive watch covers what is below it.
    let recursive: Vec<PathBuf> = watch
        .iter()
        .filter(|(_, m)| **m == RecursiveMode::Recursive)
        .map(|(d, _)| d.clone())
        .collect();
    watch.retain(|d, _| !recursive.iter().any(|r| d != r && d.starts_with(r)));
    Inputs {
        root,
        template_dirs: ws.template_dirs.clone(),
        globs: gb.build().ok(),
        files,
        watch,
    }
}

/// One regeneration.
struct Cycle {
    n: u64,
    changed: Vec<String>,
    elapsed_ms: f64,
    outcome: Result<Done, CmdError>,
}

struct Done {
    counts: BTreeMap<&'static str, usize>,
    written: Vec<String>,
    conflicts: Vec<(String, String)>,
    graph_loaded: bool,
    rendered: usize,
    reused: usize,
    fast_path: bool,
    /// Stage timings of the plan, and the time to write.
    timings: ggen_engine::Timings,
    apply_ms: f64,
}

impl Cycle {
    fn human(&self) -> String {
        let what = if self.changed.is_empty() {
            "start".to_owned()
        } else if self.changed.len() <= 3 {
            self.changed.join(", ")
        } else {
            format!(
                "{} and {} more",
                self.changed.get(..2).unwrap_or_default().join(", "),
                self.changed.len() - 2
            )
        };
        match &self.outcome {
            Ok(d) => {
                let counts: Vec<String> =
                    d.counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
                let work = if d.fast_path {
                    "nothing changed since the receipt".to_owned()
                } else {
                    format!(
                        "graph {}, {} template{} rendered, {} reused",
                        if d.graph_loaded { "loaded" } else { "reused" },
                        d.rendered,
                        if d.rendered == 1 { "" } else { "s" },
                        d.reused
                    )
                };
                format!(
                    "#{} {what}: {} ({work}) in {:.0} ms",
                    self.n,
                    if counts.is_empty() {
                        "no outputs".to_owned()
                    } else {
                        counts.join(", ")
                    },
                    self.elapsed_ms
                )
            }
            Err(e) => format!(
                "#{} {what}: error: {} — still watching",
                self.n,
                e.message.lines().next().unwrap_or_default()
            ),
        }
    }

    fn json(&self) -> Value {
        let mut v = json!({
            "cycle": self.n,
            "changed": self.changed,
            "elapsed_ms": (self.elapsed_ms * 100.0).round() / 100.0,
            "ok": self.outcome.as_ref().is_ok_and(|d| d.conflicts.is_empty()),
        });
        if let Value::Object(m) = &mut v {
            match &self.outcome {
                Ok(d) => {
                    m.insert("counts".into(), json!(d.counts));
                    m.insert("written".into(), json!(d.written));
                    m.insert(
                        "conflicts".into(),
                        json!(
                            d.conflicts
                                .iter()
                                .map(|(p, r)| json!({"path": p, "reason": r}))
                                .collect::<Vec<_>>()
                        ),
                    );
                    m.insert("graph_loaded".into(), json!(d.graph_loaded));
                    m.insert("templates_rendered".into(), json!(d.rendered));
                    m.insert("templates_reused".into(), json!(d.reused));
                    m.insert("fast_path".into(), json!(d.fast_path));
                    let mut t = serde_json::to_value(&d.timings).unwrap_or_default();
                    if let Value::Object(t) = &mut t {
                        t.insert(
                            "apply_ms".into(),
                            json!((d.apply_ms * 100.0).round() / 100.0),
                        );
                    }
                    m.insert("timings".into(), t);
                }
                Err(e) => {
                    let loc = e.location.as_ref();
                    m.insert(
                        "error".into(),
                        json!({
                            "code": e.code,
                            "message": e.message,
                            "file": loc.map(|l| l.file.display().to_string()),
                            "line": loc.and_then(|l| l.line),
                            "column": loc.and_then(|l| l.column),
                        }),
                    );
                }
            }
        }
        v
    }
}

type Debouncer = notify_debouncer_full::Debouncer<
    notify_debouncer_full::notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// The watcher's state between cycles.
struct Watcher<'a> {
    debouncer: Debouncer,
    /// Directories watched now.
    watched: BTreeMap<PathBuf, RecursiveMode>,
    ctx: &'a Ctx,
    args: &'a WatchArgs,
    root: PathBuf,
    vars: BTreeMap<String, Value>,
    opts: GenOptions,
    cache: Incremental,
    /// Packs attached by the last resolution, with the shapes they added.
    packs: Option<(Vec<ggen_engine::PackInput>, Vec<InputFile>)>,
    inputs: Inputs,
    /// Content (SHA-256, None = absent) of every file as ggen last read or wrote it.
    seen: HashMap<PathBuf, Option<String>>,
    cycles: u64,
    failed: u64,
}

impl Watcher<'_> {
    fn workspace(&mut self, changed: &[PathBuf]) -> Result<Workspace, CmdError> {
        let mut ws = Workspace::from_project(&self.root, &self.vars)?;
        let lock_inputs = [
            self.root.join(ggen_engine::MANIFEST_FILE),
            self.root.join("ggen.lock"),
        ];
        let reattach = self.packs.is_none() || changed.iter().any(|c| lock_inputs.contains(c));
        match &self.packs {
            Some((packs, shapes)) if !reattach => {
                ws.packs = packs.clone();
                ws.shapes.extend(shapes.iter().cloned());
            }
            _ => {
                let before = ws.shapes.len();
                crate::cmd::marketplace::attach_packs(self.ctx, &mut ws, self.args.lock, true)?;
                let shapes = ws.shapes.get(before..).unwrap_or_default().to_vec();
                self.packs = Some((ws.packs.clone(), shapes));
            }
        }
        Ok(ws)
    }

    /// Record the current content of every input, so that only real changes trigger.
    fn sync_watches(&mut self) {
        let want = &self.inputs.watch;
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|(d, m)| want.get(*d) != Some(*m))
            .map(|(d, _)| d.clone())
            .collect();
        for d in stale {
            let _ = self.debouncer.unwatch(&d);
            self.watched.remove(&d);
        }
        for (d, m) in want {
            if self.watched.contains_key(d) {
                continue;
            }
            match self.debouncer.watch(d, *m) {
                Ok(()) => {
                    self.watched.insert(d.clone(), *m);
                }
                Err(e) => self
                    .ctx
                    .warn(&format!("cannot watch {}: {e}", crate::cmd::shown(d))),
            }
        }
    }

    fn remember_inputs(&mut self) {
        let mut files: Vec<PathBuf> = self.inputs.files.iter().cloned().collect();
        files.push(self.root.join(ggen_engine::MANIFEST_FILE));
        files.push(self.root.join("ggen.lock"));
        for f in files {
            let s = sha(&f);
            self.seen.insert(f, s);
        }
    }

    fn cycle(&mut self, changed: &[PathBuf]) -> Cycle {
        let started = Instant::now();
        let n = self.cycles;
        self.cycles += 1;
        let mut shown: Vec<String> = changed
            .iter()
            .map(|p| match p.strip_prefix(&self.root) {
                Ok(r) => ggen_core::fs::slash_path(r),
                Err(_) => p.display().to_string(),
            })
            .collect();
        shown.sort();
        shown.dedup();
        let outcome = self.regenerate(changed);
        if outcome.is_err() {
            self.failed += 1;
        }
        Cycle {
            n,
            changed: shown,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            outcome,
        }
    }

    fn regenerate(&mut self, changed: &[PathBuf]) -> Result<Done, CmdError> {
        let ws = match self.workspace(changed) {
            Ok(ws) => ws,
            Err(e) => {
                // Keep watching what we can see: ggen.toml itself at least.
                for f in [
                    self.root.join(ggen_engine::MANIFEST_FILE),
                    self.root.join("ggen.lock"),
                ] {
                    let s = sha(&f);
                    self.seen.insert(f, s);
                }
                self.packs = None;
                return Err(e);
            }
        };
        // What this cycle reads: known before reading, so an edit during the cycle triggers
        // the next one.
        let extra: Vec<String> =
            ggen_engine::Receipt::load(&ws.root.join(".ggen").join("receipt.json"))
                .ok()
                .flatten()
                .map(|r| r.inputs.iter().map(|i| i.path.clone()).collect())
                .unwrap_or_default();
        self.inputs = inputs_of(&ws, &extra);
        self.sync_watches();
        self.remember_inputs();
        for w in &ws.warnings {
            self.ctx.warn(w);
        }
        let plan = ggen_engine::plan_incremental(&ws, &self.opts, &NoProgress, &mut self.cache)?;
        for w in &plan.warnings {
            self.ctx.warn(w);
        }
        let applying = Instant::now();
        let applied = ggen_engine::apply(&ws, &plan)?;
        let apply_ms = applying.elapsed().as_secs_f64() * 1000.0;
        for e in &plan.entries {
            if e.action.writes()
                && let Some(c) = &e.content
            {
                self.seen.insert(
                    e.abs.clone(),
                    Some(ggen_core::hash::sha256_hex(c.as_bytes())),
                );
            }
        }
        // Files read for the first time by this run (`rdf:`, `from:` …) are inputs from now on.
        if let Some(r) = &plan.receipt {
            let names: Vec<String> = r.inputs.iter().map(|i| i.path.clone()).collect();
            if names != extra {
                self.inputs = inputs_of(&ws, &names);
                self.sync_watches();
                self.remember_inputs();
            }
        }
        let conflicts: Vec<(String, String)> = plan
            .entries
            .iter()
            .filter(|e| e.action == ggen_engine::Action::Conflict)
            .map(|e| (e.path.clone(), e.reason.clone().unwrap_or_default()))
            .collect();
        for (p, r) in &conflicts {
            self.ctx.warn(&format!("{p}: {r}"));
        }
        let reuse = self.cache.last();
        Ok(Done {
            counts: plan.counts(),
            written: applied.written,
            conflicts,
            graph_loaded: reuse.graph_loaded,
            rendered: reuse.rendered.len(),
            reused: reuse.reused.len(),
            fast_path: plan.fast_path,
            timings: plan.timings.clone(),
            apply_ms,
        })
    }

    fn print(&self, c: &Cycle) {
        if let Err(e) = &c.outcome {
            eprint_line(&format!(
                "{}: {}",
                self.ctx.style.paint("31;1", "error"),
                e.message
            ));
            if let Some(h) = &e.help {
                eprint_line(&format!("  {} {h}", self.ctx.style.paint("36", "help:")));
            }
        }
        if self.ctx.global.json {
            print_stdout(&format!("{}\n", c.json()));
        } else if !self.ctx.global.quiet || c.outcome.is_err() {
            print_stdout(&format!("{}\n", c.human()));
        }
    }

    /// Paths of a batch that are real changes of inputs.
    fn changes(&self, paths: impl Iterator<Item = PathBuf>) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = paths
            .filter(|p| self.inputs.relevant(p))
            .filter(|p| match self.seen.get(p) {
                Some(known) => *known != sha(p),
                // A directory appearing or going away under a watched one (e.g. a new
                // template directory) is a change; unknown files are changes when they exist.
                None => p.exists() || p.extension().is_none(),
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Whether an event kind can mean a change: reads (`open`, `access`) cannot.
fn counts(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Run `ggen project watch` until Ctrl-C.
pub fn run(ctx: &Ctx, args: &WatchArgs) -> Result<Report, CmdError> {
    let root = ctx
        .project_root()?
        .canonicalize()
        .map_err(|e| CmdError::new("io", e.to_string()))?;
    let run_args = RunArgs {
        vars: args.vars.clone(),
        force: args.force,
        allow_shell: args.allow_shell,
        strict: args.strict,
        format: args.format,
        ..RunArgs::default()
    };
    let opts = crate::cmd::project::gen_options(&run_args, &args.only)?;
    let vars = parse_cli_vars(&args.vars).map_err(|m| CmdError::new("usage", m))?;
    let stop = cancel_flag();
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let debouncer = new_debouncer(
        Duration::from_millis(args.debounce),
        None,
        move |r: DebounceEventResult| {
            let _ = tx.send(r);
        },
    )
    .map_err(|e| CmdError::new("watch", format!("cannot watch files: {e}")))?;
    let mut inputs = Inputs {
        root: root.clone(),
        ..Inputs::default()
    };
    inputs
        .watch
        .insert(root.clone(), RecursiveMode::NonRecursive);
    let mut w = Watcher {
        debouncer,
        watched: BTreeMap::new(),
        ctx,
        args,
        root: root.clone(),
        vars,
        opts,
        cache: Incremental::new(),
        packs: None,
        inputs,
        seen: HashMap::new(),
        cycles: 1,
        failed: 0,
    };
    w.sync_watches();
    if !ctx.global.quiet {
        eprint_line(&format!(
            "watching {} for changes (Ctrl-C to stop)",
            crate::cmd::shown(&root)
        ));
    }
    // Each cycle watches its inputs before reading them, so no edit made meanwhile is lost.
    let first = w.cycle(&[]);
    w.print(&first);
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let batch = match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(events)) => events,
            Ok(Err(errors)) => {
                for e in errors {
                    ctx.warn(&format!("file watching: {e}"));
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut events = batch;
        // Drain what else arrived meanwhile: one cycle for all of it.
        while let Ok(Ok(more)) = rx.try_recv() {
            events.extend(more);
        }
        tracing::debug!(?events, "file events");
        let paths = events
            .into_iter()
            .filter(|e| counts(&e.event.kind))
            .flat_map(|e| e.event.paths.into_iter());
        let changed = w.changes(paths);
        if changed.is_empty() {
            continue;
        }
        let c = w.cycle(&changed);
        w.print(&c);
    }
    drop(w.debouncer);
    let cycles = w.cycles - 1;
    let human = format!(
        "stopped watching after {cycles} cycle{} ({} failed)\n",
        if cycles == 1 { "" } else { "s" },
        w.failed
    );
    Ok(Report::new(
        human,
        json!({ "stopped": true, "cycles": cycles, "failed": w.failed }),
    ))
}
