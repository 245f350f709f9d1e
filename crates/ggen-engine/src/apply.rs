//! Executing a plan: atomic writes, backups, shell hooks, the receipt.

use std::path::{Path, PathBuf};
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

/// Store the texts of `texts` not taken yet (`next` counts the ones taken, by this thread
/// or another one) in the baseline beside the receipt at `receipt_path`; how many were new.
fn store_baseline(
    receipt_path: &Path,
    texts: &[&str],
    next: &std::sync::atomic::AtomicUsize,
) -> Result<usize, EngineError> {
    let store = Baseline::beside(receipt_path);
    let mut stored = 0;
    while let Some(text) = texts.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
        if store.put(text)? {
            stored += 1;
        }
    }
    Ok(stored)
}

/// Write every output the plan writes, each atomically (with `.bak` copies where asked), then
/// run the `sh_after` hooks.
///
/// New files whose directory does not exist yet are written into a staging directory that is
/// then renamed into place ([`ggen_core::fs::create_tree`]): the new directory appears with
/// all its files or not at all, and each file costs a create and a write instead of a
/// temporary file and a rename.
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
    let mut missing = MissingDirs::default();
    // Outputs into new directories, by the topmost directory to create.
    let mut trees: std::collections::BTreeMap<PathBuf, Vec<(&PlanEntry, &String)>> =
        std::collections::BTreeMap::new();
    let mut in_place: Vec<(&PlanEntry, &String)> = Vec::new();
    for (e, content) in &writes {
        let root = match (e.old.is_none() && !e.backup, e.abs.parent()) {
            (true, Some(dir)) => missing.root_of(dir),
            _ => None,
        };
        match root {
            Some(root) => trees.entry(root).or_default().push((e, content)),
            None => in_place.push((e, content)),
        }
    }
    for (root, files) in &trees {
        let list: Vec<(&Path, &[u8])> = files
            .iter()
            .map(|(e, c)| (e.abs.as_path(), c.as_bytes()))
            .collect();
        ggen_core::fs::create_tree(root, &list).map_err(|err| match err.file {
            Some(i) => EngineError::io(
                files
                    .get(i)
                    .map_or_else(|| root.display().to_string(), |(e, _)| e.path.clone()),
                err.error,
            ),
            None => EngineError::io(root, err.error),
        })?;
    }
    // Directories first, each once.
    let mut dirs: std::collections::BTreeSet<&Path> = std::collections::BTreeSet::new();
    for (e, _) in &in_place {
        if let Some(parent) = e.abs.parent()
            && dirs.insert(parent)
        {
            std::fs::create_dir_all(parent).map_err(|err| EngineError::io(&e.path, err))?;
        }
    }
    // One thread: creating files in one directory is serialized by the kernel anyway (two
    // threads measured slower than one).
    for (e, content) in in_place {
        write_output(e, content)?;
    }
    report
        .written
        .extend(writes.iter().map(|(e, _)| e.path.clone()));
    for h in hooks.iter().filter(|h| h.when == HookTime::After) {
        run_hook(ws, &h.template, h.line, &h.command)?;
        report.hooks_run += 1;
    }
    Ok(())
}

/// Which directories are missing, and for a missing one, the topmost missing directory above
/// it (the one to create), each directory looked up once.
#[derive(Default)]
struct MissingDirs {
    exists: std::collections::HashMap<PathBuf, bool>,
}

impl MissingDirs {
    fn exists(&mut self, dir: &Path) -> bool {
        if let Some(e) = self.exists.get(dir) {
            return *e;
        }
        // Anything but "not found" (a file, a link, no permission) counts as present: the
        // ordinary write reports what is wrong with it.
        let e = !matches!(std::fs::symlink_metadata(dir), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        self.exists.insert(dir.to_path_buf(), e);
        e
    }

    /// The topmost missing directory containing `dir` (`dir` itself when its parent exists),
    /// or `None` when `dir` exists.
    fn root_of(&mut self, dir: &Path) -> Option<PathBuf> {
        if self.exists(dir) {
            return None;
        }
        let mut root = dir;
        while let Some(parent) = root.parent().filter(|p| !p.as_os_str().is_empty()) {
            if self.exists(parent) {
                break;
            }
            root = parent;
        }
        Some(root.to_path_buf())
    }
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
    // Each content once (two threads storing the same blob would both count it).
    let mut texts: Vec<&str> = plan
        .entries
        .iter()
        .filter_map(PlanEntry::baseline_text)
        .collect();
    texts.sort_unstable_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    texts.dedup();
    let receipt_path = ws.receipt_path.as_deref();
    // A store that does not exist yet will hold only what this run stores, all of it recorded
    // in the new receipt: nothing to collect afterwards.
    let store_existed = receipt_path.is_some_and(|p| {
        !matches!(std::fs::symlink_metadata(Baseline::beside(p).dir()), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
    });
    // Both threads take blobs from one list: the second from the start, this one once the
    // outputs are written, so neither waits for the other.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (written, stored) = match receipt_path {
        Some(path) if texts.len() >= PARALLEL_BASELINE => {
            let ((written, mine), theirs) = ggen_core::par::join(
                || {
                    let written = write_outputs(ws, plan, &hooks, &mut report);
                    let mine = store_baseline(path, &texts, &next);
                    (written, mine)
                },
                || store_baseline(path, &texts, &next),
            );
            (written, mine.and_then(|a| theirs.map(|b| a + b)))
        }
        Some(path) => {
            let written = write_outputs(ws, plan, &hooks, &mut report);
            let stored = if written.is_ok() {
                store_baseline(path, &texts, &next)
            } else {
                Ok(0)
            };
            (written, stored)
        }
        None => (write_outputs(ws, plan, &hooks, &mut report), Ok(0)),
    };
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
    if let (Some(store), Some(receipt), true) = (&baseline, &plan.receipt, store_existed) {
        report.baseline_removed = store.gc(receipt)?;
    }
    Ok(report)
}
