//! Executing a plan: atomic writes, backups, shell hooks, the receipt.

use std::process::Command;

use ggen_core::Location;
use serde::Serialize;

use crate::baseline::Baseline;
use crate::error::EngineError;
use crate::plan::{Plan, PlanEntry};
use crate::render::HookTime;
use crate::workspace::Workspace;

/// What applying did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplyReport {
    /// Paths written.
    pub written: Vec<String>,
    /// Whether the receipt was (re)written.
    pub receipt_written: bool,
    /// Hooks run.
    pub hooks_run: usize,
    /// Generated contents added to the baseline store (`.ggen/baseline/sha256/`).
    pub baseline_stored: usize,
    /// Baseline blobs removed because no receipt output refers to them any more.
    pub baseline_removed: usize,
}

fn run_hook(ws: &Workspace, template: &str, line: u64, command: &str) -> Result<(), EngineError> {
    std::fs::create_dir_all(&ws.output_root).map_err(|e| EngineError::io(&ws.output_root, e))?;
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(&ws.output_root)
        .output()
        .map_err(|e| EngineError::CommandFailed {
            location: Location::line(template, line),
            command: command.to_owned(),
            status: format!("could not start: {e}"),
            output: String::new(),
        })?;
    if !out.status.success() {
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines
            .get(lines.len().saturating_sub(20)..)
            .unwrap_or(&[])
            .join("\n");
        return Err(EngineError::CommandFailed {
            location: Location::line(template, line),
            command: command.to_owned(),
            status: out.status.to_string(),
            output: tail,
        });
    }
    Ok(())
}

/// From this many baseline blobs on, [`apply`] stores them on a second thread.
const PARALLEL_BASELINE: usize = 16;

/// Store `texts` in the baseline beside the receipt at `receipt_path`; how many were new.
fn store_baseline(receipt_path: &std::path::Path, texts: &[&str]) -> Result<usize, EngineError> {
    let store = Baseline::beside(receipt_path);
    let mut stored = 0;
    for text in texts {
        if store.put(text)? {
            stored += 1;
        }
    }
    Ok(stored)
}

/// Write every output the plan writes, each atomically (with `.bak` copies where asked), then
/// run the `sh_after` hooks.
fn write_outputs(
    ws: &Workspace,
    plan: &Plan,
    hooks: &[&crate::render::ShellHook],
    report: &mut ApplyReport,
) -> Result<(), EngineError> {
    let writes: Vec<(&PlanEntry, &String)> = plan
        .entries
        .iter()
        .filter(|e| e.writes())
        .filter_map(|e| e.content.as_ref().map(|c| (e, c)))
        .collect();
    // Directories first, each once.
    let mut dirs: std::collections::BTreeSet<&std::path::Path> = std::collections::BTreeSet::new();
    for (e, _) in &writes {
        if let Some(parent) = e.abs.parent()
            && dirs.insert(parent)
        {
            std::fs::create_dir_all(parent).map_err(|err| EngineError::io(&e.path, err))?;
        }
    }
    // One thread: creating files in one directory is serialized by the kernel anyway (two
    // threads measured slower than one).
    for (e, content) in writes {
        write_output(e, content)?;
        report.written.push(e.path.clone());
    }
    for h in hooks.iter().filter(|h| h.when == HookTime::After) {
        run_hook(ws, &h.template, h.line, &h.command)?;
        report.hooks_run += 1;
    }
    Ok(())
}

/// Write one output (its directory exists), after its `.bak` copy when asked.
fn write_output(e: &PlanEntry, content: &str) -> Result<(), EngineError> {
    if e.backup
        && let Some(old) = &e.old
    {
        let mut bak = e.abs.clone().into_os_string();
        bak.push(".bak");
        ggen_core::fs::write_atomic_nosync(std::path::Path::new(&bak), old.as_bytes())
            .map_err(|err| EngineError::io(format!("{}.bak", e.path), err))?;
    }
    // Generated files are reproducible from the inputs: atomic, but no fsync per file (which
    // would dominate large runs). The receipt is written durably.
    let known = ggen_core::fs::Known {
        parent_exists: true,
        // The plan read the file: absent then means a new file (no permissions to keep).
        target_is_new: e.old.is_none(),
    };
    ggen_core::fs::write_atomic_nosync_known(&e.abs, content.as_bytes(), known)
        .map_err(|err| EngineError::io(&e.path, err))
}

/// Apply `plan`: run `sh_before` hooks, write every created/updated/merged/injected file, and
/// files with conflict markers, atomically (with `.bak` copies where asked), run `sh_after`
/// hooks, store the generated contents in the baseline store, write the receipt, and remove
/// baseline blobs it no longer refers to. Other conflicts and skips are left alone. Hooks run
/// only when at least one file is written.
pub fn apply(ws: &Workspace, plan: &Plan) -> Result<ApplyReport, EngineError> {
    let mut report = ApplyReport::default();
    // Hooks run only when the run writes something: a no-op regeneration runs nothing.
    let writes = plan.entries.iter().any(PlanEntry::writes);
    let hooks: Vec<&crate::render::ShellHook> = if writes {
        plan.hooks.iter().collect()
    } else {
        Vec::new()
    };
    for h in hooks.iter().filter(|h| h.when == HookTime::Before) {
        run_hook(ws, &h.template, h.line, &h.command)?;
        report.hooks_run += 1;
    }
    // The baseline (the generated content of every output the receipt records, stored before
    // the receipt refers to it) is written on a second thread while the outputs are written.
    let texts: Vec<&str> = plan
        .entries
        .iter()
        .filter_map(PlanEntry::baseline_text)
        .collect();
    let receipt_path = ws.receipt_path.as_deref();
    let (written, stored) = std::thread::scope(|scope| {
        let texts = &texts;
        let worker = receipt_path
            .filter(|_| texts.len() >= PARALLEL_BASELINE)
            .and_then(|path| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || store_baseline(path, texts))
                    .ok()
            });
        let written = write_outputs(ws, plan, &hooks, &mut report);
        let stored = match (worker, receipt_path) {
            // Only a bug makes the worker panic: pass the panic on.
            (Some(h), _) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            // Few outputs (not worth a thread), or no thread could be started.
            (None, Some(path)) if written.is_ok() => store_baseline(path, texts),
            (None, _) => Ok(0),
        };
        (written, stored)
    });
    written?;
    report.baseline_stored = stored?;
    let baseline = receipt_path.map(Baseline::beside);
    if plan.receipt_changed
        && let (Some(path), Some(receipt)) = (&ws.receipt_path, &plan.receipt)
    {
        ggen_core::fs::write_atomic(path, receipt.to_json().as_bytes())
            .map_err(|e| EngineError::io(".ggen/receipt.json", e))?;
        report.receipt_written = true;
    }
    if let (Some(store), Some(receipt)) = (&baseline, &plan.receipt) {
        report.baseline_removed = store.gc(receipt)?;
    }
    Ok(report)
}
