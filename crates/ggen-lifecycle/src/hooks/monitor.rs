//! The hook execution log and the file watcher for `on-change` hooks.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use globset::{GlobBuilder, GlobSetBuilder};
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use serde::{Deserialize, Serialize};

use super::{HOOKS_LOG, HookEvent, HookManager, HookRecord, HookRunReport, HookStatus};
use crate::error::{Error, Result};
use crate::report::Reporter;

/// One line of `.ggen/hooks.log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookLogEntry {
    /// RFC 3339 UTC time the hook finished.
    pub time: String,
    /// Event.
    pub event: HookEvent,
    /// Hook name.
    pub hook: String,
    /// Outcome.
    pub status: HookStatus,
    /// Wall time.
    pub duration_ms: u64,
    /// Exit code, when it exited.
    #[serde(default)]
    pub exit_code: Option<i32>,
}

/// The log as read by [`HookManager::read_log`].
#[derive(Debug, Clone, Serialize)]
pub struct HookLog {
    /// Entries, oldest first (the last `limit` when a limit was given).
    pub entries: Vec<HookLogEntry>,
    /// Lines that are not valid entries (e.g. a truncated last line).
    pub malformed_lines: usize,
}

/// Options for [`HookManager::watch`].
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Quiet period before a batch of changes is handled (default 300 ms).
    pub debounce: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(300),
        }
    }
}

/// Append one entry as a JSON line (a single `write` on a file opened for appending).
pub(crate) fn append(path: &Path, entry: &HookLogEntry) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut line = serde_json::to_vec(entry).map_err(|e| Error::Hook {
        message: format!("cannot serialise a log entry: {e}"),
        help: None,
    })?;
    line.push(b'\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.write_all(&line).map_err(|e| Error::io(path, e))
}

/// Directories whose changes never trigger hooks.
const IGNORED_DIRS: &[&str] = &[".git", ".ggen", "target", "node_modules"];

impl HookManager {
    /// Read `.ggen/hooks.log`; with `limit`, only the last `limit` entries.
    pub fn read_log(&self, limit: Option<usize>) -> Result<HookLog> {
        let path = self.root.join(HOOKS_LOG);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let mut entries = Vec::new();
        let mut malformed_lines = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<HookLogEntry>(line) {
                Ok(e) => entries.push(e),
                Err(_) => malformed_lines += 1,
            }
        }
        if let Some(n) = limit {
            let skip = entries.len().saturating_sub(n);
            entries.drain(..skip);
        }
        Ok(HookLog {
            entries,
            malformed_lines,
        })
    }

    /// Run the enabled `on-change` hooks whose `watch` patterns match any of `changed`
    /// (paths relative to the project root, `/`-separated), in record order, stopping at the
    /// first failure. The changed paths are passed as `$1`, `$2`, ... and in
    /// `GGEN_CHANGED_FILES` (newline-separated).
    pub fn run_on_change(
        &self,
        changed: &[String],
        reporter: &dyn Reporter,
    ) -> Result<HookRunReport> {
        let hooks: Vec<HookRecord> = self
            .list()?
            .into_iter()
            .filter(|h| h.event == HookEvent::OnChange && h.enabled)
            .filter(|h| matches_any(&h.watch, changed))
            .collect();
        let env = vec![("GGEN_CHANGED_FILES".to_owned(), changed.join("\n"))];
        self.run_records(HookEvent::OnChange, &hooks, changed, None, &env, reporter)
    }

    /// Watch the project and run matching `on-change` hooks after each debounced batch of
    /// changes, until `stop` becomes true. `on_batch` receives each batch's report (the CLI
    /// prints it). Records are re-read for every batch, so edits to `.ggen/hooks.toml` apply
    /// without restarting.
    pub fn watch(
        &self,
        options: &WatchOptions,
        stop: &AtomicBool,
        reporter: &dyn Reporter,
        on_batch: &mut dyn FnMut(&HookRunReport),
    ) -> Result<()> {
        let root = self
            .root
            .canonicalize()
            .map_err(|e| Error::io(&self.root, e))?;
        let (tx, rx) = mpsc::channel::<DebounceEventResult>();
        let mut debouncer = new_debouncer(options.debounce, None, move |r: DebounceEventResult| {
            let _ = tx.send(r);
        })
        .map_err(|e| Error::Watch {
            message: e.to_string(),
        })?;
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .map_err(|e| Error::Watch {
                message: format!("{}: {e}", root.display()),
            })?;
        while !stop.load(Ordering::SeqCst) {
            let batch = match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(Ok(events)) => events,
                Ok(Err(errors)) => {
                    let message = errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ");
                    return Err(Error::Watch { message });
                }
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            let mut changed: Vec<String> = batch
                .iter()
                .flat_map(|e| e.paths.iter())
                .filter_map(|p| relative(&root, p))
                .filter(|rel| {
                    !rel.split('/')
                        .next()
                        .is_some_and(|first| IGNORED_DIRS.contains(&first))
                })
                .collect();
            changed.sort();
            changed.dedup();
            if changed.is_empty() {
                continue;
            }
            let report = self.run_on_change(&changed, reporter)?;
            if !report.executions.is_empty() {
                on_batch(&report);
            }
        }
        Ok(())
    }
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let s = ggen_core::fs::slash_path(rel);
    (!s.is_empty()).then_some(s)
}

fn matches_any(patterns: &[String], changed: &[String]) -> bool {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = GlobBuilder::new(p.trim_end_matches('/'))
            .literal_separator(true)
            .build()
        {
            builder.add(g);
        }
        // A directory pattern (`ontology/`) matches everything below it.
        if let Ok(g) = GlobBuilder::new(&format!("{}/**", p.trim_end_matches('/')))
            .literal_separator(true)
            .build()
        {
            builder.add(g);
        }
    }
    builder
        .build()
        .is_ok_and(|set| changed.iter().any(|c| set.is_match(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_patterns() {
        let c = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(matches_any(
            &c(&["ontology/**/*.ttl"]),
            &c(&["ontology/a/b.ttl"])
        ));
        assert!(matches_any(&c(&["ontology"]), &c(&["ontology/x.ttl"])));
        assert!(!matches_any(&c(&["*.ttl"]), &c(&["ontology/x.ttl"])));
        assert!(!matches_any(&c(&["src/**"]), &c(&["README.md"])));
    }
}
