//! ggen's generation pipeline.
//!
//! `resolve → load → enrich → extract → render → plan → apply`: a [`Workspace`] holds the
//! resolved inputs, [`plan`] turns them into a [`Plan`] (pure data: path, action, content),
//! [`apply`] writes it atomically and records a [`Receipt`]. `--dry-run` prints the plan,
//! `--check` asks [`Plan::has_drift`], and the receipt protects hand edits.

mod apply;
mod baseline;
mod endpoint;
mod error;
mod format;
mod incremental;
pub mod inject;
mod inputs;
mod keep;
pub mod lint;
pub mod manifest;
mod merge;
mod options;
mod packs;
mod par;
mod paths;
mod plan;
mod progress;
mod receipt;
mod regen;
mod render;
mod saved;
pub mod scaffold;
mod shapes;
mod verify;
mod workspace;

use std::time::Instant;

use ggen_graph::{Graph, GraphBuilder};

pub use apply::{ApplyReport, apply};
pub use baseline::{BASELINE_DIR, Baseline};
pub use endpoint::endpoint_config;
pub use error::EngineError;
pub use ggen_template::frontmatter::MergePolicy;
pub use incremental::{Incremental, Reuse};
pub use inputs::{FileHash, InputFile};
pub use manifest::{MANIFEST_FILE, Manifest};
pub use merge::{MARKER_GENERATED, MARKER_OURS, MARKER_SEP};
pub use options::GenOptions;
pub use packs::PackFiles;
pub use plan::{Action, Plan, PlanEntry, Timings};
pub use progress::{NoProgress, Progress};
pub use receipt::{
    OutputMode, Receipt, ReceiptEndpoint, ReceiptEnv, ReceiptGraph, ReceiptOutput, ReceiptPack,
};
pub use render::{HookTime, ShellHook, Skipped, suggest};
pub use saved::{PLAN_SCHEMA, SavedEntry, SavedHook, SavedPlan};
pub use verify::{VerifyReport, VerifyStatus, verify};
pub use workspace::{PackInput, Workspace, find_project_root, parse_cli_vars};

/// This ggen's version, recorded in receipts.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

/// Load the project graph: project sources and pack sources, canonicalized.
pub fn load_graph(ws: &Workspace, progress: &dyn Progress) -> Result<Graph, EngineError> {
    let _span = tracing::info_span!("load").entered();
    if let Some((m, _)) = &ws.manifest
        && let Some(endpoint) = &m.graph.endpoint
    {
        return Err(EngineError::Unsupported {
            location: ggen_core::Location::file(MANIFEST_FILE),
            message: format!(
                "this needs the graph loaded locally, but ggen.toml sets [graph] endpoint = \"{}\": its data stays on the server (generation and `ggen graph query` send their queries there)",
                ggen_graph::endpoint::redact_url(endpoint)
            ),
        });
    }
    let total = ws.sources.len() + ws.packs.iter().map(|p| p.sources.len()).sum::<usize>();
    progress.begin("load", Some(total as u64));
    let mut b = GraphBuilder::new();
    b.set_base(ws.base.as_deref())?;
    for s in &ws.sources {
        b.add_file_as(&s.abs, std::path::Path::new(&s.rel), None)?;
        progress.inc(1);
    }
    for p in &ws.packs {
        for s in &p.sources {
            b.add_file_as(&s.abs, std::path::Path::new(&s.rel), None)?;
            progress.inc(1);
        }
    }
    let g = b.build()?;
    progress.end();
    tracing::debug!(triples = g.len(), "graph loaded");
    Ok(g)
}

/// Plan a run: load, render, compose. Nothing is written.
pub fn plan(
    ws: &Workspace,
    opts: &GenOptions,
    progress: &dyn Progress,
) -> Result<Plan, EngineError> {
    plan_with(ws, opts, progress, None)
}

/// [`plan`], reusing what `cache` kept from earlier runs: the graph when its inputs did not
/// change, and the rendered outputs of templates whose inputs did not change (see
/// [`Incremental`]). The plan is the one [`plan`] makes; `cache.last()` tells what was redone.
pub fn plan_incremental(
    ws: &Workspace,
    opts: &GenOptions,
    progress: &dyn Progress,
    cache: &mut Incremental,
) -> Result<Plan, EngineError> {
    plan_with(ws, opts, progress, Some(cache))
}

fn plan_with(
    ws: &Workspace,
    opts: &GenOptions,
    progress: &dyn Progress,
    mut cache: Option<&mut Incremental>,
) -> Result<Plan, EngineError> {
    let t0 = Instant::now();
    let old = match &ws.receipt_path {
        Some(p) => receipt::Receipt::load(p)?,
        None => None,
    };
    if let Some(old) = &old
        && cache.as_deref().is_none_or(Incremental::is_cold)
    {
        let _span = tracing::info_span!("fast_path").entered();
        if let Some(mut p) = verify::try_noop(ws, old, opts)? {
            p.timings.resolve_ms = ms(t0);
            if let Some(c) = cache.as_deref_mut() {
                c.note_fast_path();
            }
            return Ok(p);
        }
    }
    let resolve_ms = ms(t0);
    let t1 = Instant::now();
    // With `[graph] endpoint` nothing is loaded: every query goes to the server.
    let (data, shape_warnings) = match (endpoint::connect(ws)?, cache.as_deref_mut()) {
        (Some(remote), _) => (endpoint::Data::Remote(remote), Vec::new()),
        (None, Some(c)) => {
            let (graph, w) = c.graph(ws, progress)?;
            (endpoint::Data::Local(graph), w)
        }
        (None, None) => {
            let graph = load_graph(ws, progress)?;
            let w = shapes::validate(&graph, &ws.shapes, MANIFEST_FILE, ws.shapes_line)?;
            (endpoint::Data::Local(graph), w)
        }
    };
    let load_ms = ms(t1);
    let t2 = Instant::now();
    let rendered = {
        let _span = tracing::info_span!("render").entered();
        match (cache, &data) {
            (Some(c), endpoint::Data::Local(graph)) => c.render(ws, graph, opts, progress)?,
            _ => render::render_all(ws, data.source(), opts, progress)?,
        }
    };
    let render_ms = ms(t2);
    let t3 = Instant::now();
    let _span = tracing::info_span!("plan").entered();
    let (entries, mut outputs) = plan::compose(ws, rendered.outputs, old.as_ref(), opts)?;
    let mut orphans = Vec::new();
    if let Some(old) = &old {
        // Paths this run produces (a set: a regeneration of 28 000 outputs would otherwise
        // compare every old output with every new one).
        let produced: std::collections::HashSet<String> = outputs
            .iter()
            .map(|n| n.path.clone())
            .chain(entries.iter().map(|e| e.path.clone()))
            .collect();
        for o in &old.outputs {
            if produced.contains(&o.path) {
                continue;
            }
            let selected = o.template.split(", ").any(|t| opts.selects(t));
            if selected {
                if o.mode == OutputMode::Write {
                    orphans.push(o.path.clone());
                }
            } else {
                outputs.push(o.clone());
            }
        }
    }
    outputs.sort();
    let unrecorded = plan::leaves_unrecorded(&entries, &outputs);
    let mut extra = rendered.extra_inputs;
    extra.sort();
    extra.dedup();
    let new_receipt = Receipt {
        schema: receipt::RECEIPT_SCHEMA,
        ggen: VERSION.to_owned(),
        manifest: ws.manifest.as_ref().map(|(_, h)| h.clone()),
        graph: data.receipt_graph(ws)?,
        templates: inputs::hash_files(&ws.templates)?,
        inputs: inputs::hash_files(&extra)?,
        packs: {
            let mut p: Vec<ReceiptPack> = ws
                .packs
                .iter()
                .map(|p| ReceiptPack {
                    id: p.id.clone(),
                    version: p.version.clone(),
                    checksum: p.checksum.clone(),
                })
                .collect();
            p.sort();
            p
        },
        vars: ws.vars.clone(),
        env: rendered
            .env_reads
            .iter()
            .map(|(name, v)| ReceiptEnv {
                name: name.clone(),
                sha256: v
                    .as_ref()
                    .map(|v| ggen_core::hash::sha256_hex(v.as_bytes())),
            })
            .collect(),
        outputs,
        partial: !opts.only.is_empty() || unrecorded,
    };
    let receipt_changed = ws.receipt_path.is_some()
        && old.as_ref().map(Receipt::to_json) != Some(new_receipt.to_json());
    let mut warnings = ws.warnings.clone();
    warnings.extend(shape_warnings);
    warnings.extend(rendered.warnings);
    let triples = data.triples();
    // Nothing needs the graph any more, and freeing a large store takes a while.
    ggen_core::par::drop_in_background(data);
    Ok(Plan {
        entries,
        skipped: rendered.skipped,
        hooks: rendered.hooks,
        warnings,
        orphans,
        receipt: Some(new_receipt),
        receipt_changed,
        fast_path: false,
        triples,
        timings: Timings {
            resolve_ms,
            load_ms,
            render_ms,
            plan_ms: ms(t3),
        },
    })
}
