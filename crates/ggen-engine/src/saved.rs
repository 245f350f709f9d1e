//! Saved plans: `ggen project plan --out plan.json` writes a [`Plan`] with the hashes of every
//! input it was computed from; `ggen project apply plan.json` checks that none of them changed
//! and then writes exactly the recorded contents, without loading the graph or rendering.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::inputs::{self, FileHash, InputFile};
use crate::plan::{Action, Plan, PlanEntry, Timings};
use crate::receipt::{OutputMode, Receipt};
use crate::render::{HookTime, ShellHook};
use crate::workspace::Workspace;

/// Current plan file schema.
pub const PLAN_SCHEMA: u32 = 1;

/// What a plan file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// Plan file schema version.
    pub schema: u32,
    /// ggen version that made it (applying needs the same version).
    pub ggen: String,
    /// SHA-256 of `.ggen/receipt.json` when the plan was made (null: there was none). The
    /// receipt names the baseline the merges were computed from.
    pub previous_receipt: Option<String>,
    /// `ggen.toml [graph] shapes` files (receipts do not record them).
    #[serde(default)]
    pub shapes: Vec<FileHash>,
    /// The receipt applying the plan writes. Its `manifest`, `graph.sources`, `templates`,
    /// `inputs`, `packs`, `vars` and `env` are the inputs the plan was computed from.
    pub receipt: Receipt,
    /// Whether applying rewrites the receipt.
    pub receipt_changed: bool,
    /// One entry per output path, sorted by path.
    pub entries: Vec<SavedEntry>,
    /// Shell hooks (`sh_before`/`sh_after`) applying runs (only with --allow-shell).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<SavedHook>,
}

/// One output of a saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedEntry {
    /// Path relative to the project root.
    pub path: String,
    /// The action.
    pub action: Action,
    /// `write` or `inject`.
    pub mode: OutputMode,
    /// Templates contributing.
    pub templates: Vec<String>,
    /// The `foreach` row of the writer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_key: Option<String>,
    /// Why (skip, conflict, merge…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Conflict markers are written.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub markers: bool,
    /// SHA-256 of the file on disk when the plan was made (null: it did not exist).
    pub disk_sha256: Option<String>,
    /// SHA-256 of the content the entry stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// What applying writes (entries that write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The generated content kept as the merge baseline, when it differs from `content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// Keep `<file>.bak` before modifying.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub backup: bool,
}

/// A shell hook of a saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedHook {
    /// The template.
    pub template: String,
    /// `before` or `after`.
    pub when: String,
    /// The command.
    pub command: String,
    /// Line of the key in the template.
    pub line: u64,
}

fn file_sha(path: &Path) -> Result<Option<String>, EngineError> {
    match ggen_core::hash::sha256_file(path) {
        Ok(h) => Ok(Some(h)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EngineError::io(path, e)),
    }
}

/// First difference between recorded file hashes and the files now.
fn diff_files(recorded: &[FileHash], now: &[FileHash]) -> Option<(String, &'static str)> {
    let was: BTreeMap<&str, &str> = recorded
        .iter()
        .map(|f| (f.path.as_str(), f.sha256.as_str()))
        .collect();
    let is: BTreeMap<&str, &str> = now
        .iter()
        .map(|f| (f.path.as_str(), f.sha256.as_str()))
        .collect();
    let mut paths: Vec<&str> = was.keys().chain(is.keys()).copied().collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .find_map(|p| match (was.get(p), is.get(p)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(_), Some(_)) => Some((p.to_owned(), "changed")),
            (Some(_), None) => Some((p.to_owned(), "was removed")),
            (None, _) => Some((p.to_owned(), "was added")),
        })
}

fn receipt_sha(ws: &Workspace) -> Result<Option<String>, EngineError> {
    match &ws.receipt_path {
        Some(p) => file_sha(p),
        None => Ok(None),
    }
}

impl SavedPlan {
    /// Record `plan` (made from `ws`) with the state of the tree now.
    pub fn new(ws: &Workspace, plan: &Plan) -> Result<SavedPlan, EngineError> {
        let receipt = plan.receipt.clone().ok_or_else(|| EngineError::PlanFile {
            path: PathBuf::from("plan"),
            message: "this run keeps no receipt, so its plan cannot be saved".into(),
        })?;
        let mut entries = Vec::with_capacity(plan.entries.len());
        for e in &plan.entries {
            let writes = e.writes();
            entries.push(SavedEntry {
                path: e.path.clone(),
                action: e.action,
                mode: e.mode,
                templates: e.templates.clone(),
                row_key: e.row_key.clone(),
                reason: e.reason.clone(),
                markers: e.markers,
                disk_sha256: file_sha(&e.abs)?,
                sha256: e.sha256.clone(),
                content: if writes { e.content.clone() } else { None },
                generated: if e.baseline_text().is_some() {
                    e.generated.clone()
                } else {
                    None
                },
                backup: e.backup,
            });
        }
        Ok(SavedPlan {
            schema: PLAN_SCHEMA,
            ggen: crate::VERSION.to_owned(),
            previous_receipt: receipt_sha(ws)?,
            shapes: inputs::hash_files(&ws.shapes)?,
            receipt,
            receipt_changed: plan.receipt_changed,
            entries,
            hooks: plan
                .hooks
                .iter()
                .map(|h| SavedHook {
                    template: h.template.clone(),
                    when: match h.when {
                        HookTime::Before => "before".into(),
                        HookTime::After => "after".into(),
                    },
                    command: h.command.clone(),
                    line: h.line,
                })
                .collect(),
        })
    }

    /// Deterministic JSON (fields in declaration order, two-space indent, final newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Read a plan file.
    pub fn load(path: &Path) -> Result<SavedPlan, EngineError> {
        let bytes = std::fs::read(path).map_err(|e| EngineError::io(path, e))?;
        let p: SavedPlan = serde_json::from_slice(&bytes).map_err(|e| EngineError::PlanFile {
            path: path.to_path_buf(),
            message: format!(
                "not a ggen plan: line {} column {}: {e}",
                e.line(),
                e.column()
            ),
        })?;
        if p.schema != PLAN_SCHEMA {
            return Err(EngineError::PlanFile {
                path: path.to_path_buf(),
                message: format!(
                    "plan schema {} is not supported (this ggen reads schema {PLAN_SCHEMA})",
                    p.schema
                ),
            });
        }
        Ok(p)
    }

    /// Refuse when any input of the plan, the receipt, or a file the plan writes changed since
    /// the plan was made. `plan_path` names the plan in the error.
    pub fn check_fresh(&self, ws: &Workspace, plan_path: &Path) -> Result<(), EngineError> {
        let stale = |input: String, change: String| EngineError::StalePlan {
            plan: plan_path.to_path_buf(),
            input,
            change,
        };
        if self.ggen != crate::VERSION {
            return Err(stale(
                "ggen".into(),
                format!(
                    "changed version ({} made the plan, this is {})",
                    self.ggen,
                    crate::VERSION
                ),
            ));
        }
        let r = &self.receipt;
        let manifest_now = ws.manifest.as_ref().map(|(_, h)| h);
        if manifest_now != r.manifest.as_ref() {
            let name = r
                .manifest
                .as_ref()
                .or(manifest_now)
                .map_or_else(|| crate::MANIFEST_FILE.to_owned(), |h| h.path.clone());
            return Err(stale(name, "changed".into()));
        }
        let sets: [(&[InputFile], &[FileHash]); 3] = [
            (&ws.sources, &r.graph.sources),
            (&ws.shapes, &self.shapes),
            (&ws.templates, &r.templates),
        ];
        for (files, recorded) in sets {
            if let Some((p, change)) = diff_files(recorded, &inputs::hash_files(files)?) {
                return Err(stale(p, change.into()));
            }
        }
        for i in &r.inputs {
            match file_sha(&ws.resolve_name(&i.path))? {
                None => return Err(stale(i.path.clone(), "was removed".into())),
                Some(h) if h != i.sha256 => return Err(stale(i.path.clone(), "changed".into())),
                Some(_) => {}
            }
        }
        let mut packs: Vec<(&str, &str, &str)> = ws
            .packs
            .iter()
            .map(|p| (p.id.as_str(), p.version.as_str(), p.checksum.as_str()))
            .collect();
        packs.sort_unstable();
        for p in &r.packs {
            match packs.iter().find(|(id, _, _)| *id == p.id) {
                None => return Err(stale(format!("pack {}", p.id), "was removed".into())),
                Some((_, v, c)) if *v != p.version || *c != p.checksum => {
                    return Err(stale(
                        format!("pack {}", p.id),
                        format!("changed ({} {} now, {} in the plan)", p.id, v, p.version),
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some((id, _, _)) = packs
            .iter()
            .find(|(id, _, _)| !r.packs.iter().any(|p| p.id == *id))
        {
            return Err(stale(format!("pack {id}"), "was added".into()));
        }
        for e in &r.env {
            let now = std::env::var(&e.name)
                .ok()
                .map(|v| ggen_core::hash::sha256_hex(v.as_bytes()));
            if now != e.sha256 {
                return Err(stale(
                    format!("environment variable {}", e.name),
                    "changed".into(),
                ));
            }
        }
        let receipt_now = receipt_sha(ws)?;
        if receipt_now != self.previous_receipt {
            let change = match (&self.previous_receipt, &receipt_now) {
                (None, Some(_)) => "was created",
                (Some(_), None) => "was deleted",
                _ => "changed",
            };
            return Err(stale(".ggen/receipt.json".into(), change.into()));
        }
        for e in &self.entries {
            let now = file_sha(&ws.resolve_name(&e.path))?;
            if now != e.disk_sha256 {
                let change = match (&e.disk_sha256, &now) {
                    (None, Some(_)) => "was created",
                    (Some(_), None) => "was deleted",
                    _ => "changed",
                };
                return Err(stale(e.path.clone(), change.into()));
            }
        }
        Ok(())
    }

    /// The plan to [`apply`](crate::apply), after [`check_fresh`](Self::check_fresh). Refuses
    /// entries whose content does not match its recorded hash, paths outside the project root
    /// (unless `allow_outside_root`) and shell hooks (unless `allow_shell`).
    pub fn to_plan(
        &self,
        ws: &Workspace,
        plan_path: &Path,
        allow_shell: bool,
        allow_outside_root: bool,
    ) -> Result<Plan, EngineError> {
        let bad = |message: String| EngineError::PlanFile {
            path: plan_path.to_path_buf(),
            message,
        };
        if !self.hooks.is_empty() && !allow_shell {
            let cmds: Vec<&str> = self.hooks.iter().map(|h| h.command.as_str()).collect();
            return Err(bad(format!(
                "the plan runs shell commands ({}); pass --allow-shell to apply it",
                cmds.join("; ")
            )));
        }
        let mut entries = Vec::with_capacity(self.entries.len());
        for e in &self.entries {
            let inside = ggen_core::fs::normalize_relative(Path::new(&e.path)).is_some();
            if !inside && !allow_outside_root {
                return Err(bad(format!(
                    "entry {} is outside the project root (use --allow-outside-root to permit)",
                    e.path
                )));
            }
            let abs = ws.resolve_name(&e.path);
            if let (Some(c), Some(sha)) = (&e.content, &e.sha256)
                && ggen_core::hash::sha256_hex(c.as_bytes()) != *sha
            {
                return Err(bad(format!(
                    "entry {}: its content does not match its sha256 (was the plan edited?)",
                    e.path
                )));
            }
            let writes = e.action.writes() || e.markers;
            if writes && e.content.is_none() {
                return Err(bad(format!("entry {} writes but has no content", e.path)));
            }
            let old = match std::fs::read(&abs) {
                Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                Err(_) => None,
            };
            // An unchanged file is its content (checked fresh above): it keeps the baseline.
            let content = match (&e.content, e.action) {
                (Some(c), _) => Some(c.clone()),
                (None, Action::Unchanged) => old.clone(),
                (None, _) => None,
            };
            entries.push(PlanEntry {
                path: e.path.clone(),
                action: e.action,
                templates: e.templates.clone(),
                row_key: e.row_key.clone(),
                reason: e.reason.clone(),
                mode: e.mode,
                markers: e.markers,
                sha256: e.sha256.clone(),
                generated_sha256: e
                    .generated
                    .as_ref()
                    .map(|g| ggen_core::hash::sha256_hex(g.as_bytes())),
                abs,
                content,
                generated: e.generated.clone(),
                old,
                backup: e.backup,
            });
        }
        let mut hooks = Vec::with_capacity(self.hooks.len());
        for h in &self.hooks {
            let when = match h.when.as_str() {
                "before" => HookTime::Before,
                "after" => HookTime::After,
                other => return Err(bad(format!("hook time `{other}` is not before or after"))),
            };
            hooks.push(ShellHook {
                template: h.template.clone(),
                when,
                command: h.command.clone(),
                line: h.line,
            });
        }
        Ok(Plan {
            entries,
            skipped: Vec::new(),
            hooks,
            warnings: Vec::new(),
            orphans: Vec::new(),
            receipt: Some(self.receipt.clone()),
            receipt_changed: self.receipt_changed,
            fast_path: false,
            triples: Default::default(),
            timings: Timings::default(),
        })
    }
}
