//! The plan: one entry per output path, with the action ggen will take (TEMPLATE_FORMAT.md §7).

use std::collections::BTreeMap;
use std::path::PathBuf;

use ggen_core::Location;
use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::inject::{InjectOutcome, inject};
use crate::options::GenOptions;
use crate::receipt::{OutputMode, Receipt, ReceiptOutput};
use crate::regen::{Decision, Record, Regen, WriteOutput};
use crate::render::{OutputKind, RenderedOutput, ShellHook, Skipped};
use crate::workspace::Workspace;

/// What happens to a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new file.
    Create,
    /// A generated file gets new content.
    Update,
    /// A generated file you edited gets the new output merged with your edits.
    Merge,
    /// Nothing to do.
    Unchanged,
    /// Text is injected into an existing file.
    Inject,
    /// Deliberately not written (see the reason).
    Skip,
    /// Your edits and the new output collide (see the reason): the file is left alone, or —
    /// when the entry has `markers` — written with conflict markers for you to resolve.
    Conflict,
}

impl Action {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Merge => "merge",
            Self::Unchanged => "unchanged",
            Self::Inject => "inject",
            Self::Skip => "skip",
            Self::Conflict => "conflict",
        }
    }

    /// Whether applying an entry with this action writes the file (a conflict writes only
    /// with markers: see [`PlanEntry::writes`]).
    pub fn writes(self) -> bool {
        matches!(
            self,
            Self::Create | Self::Update | Self::Merge | Self::Inject
        )
    }
}

/// One path of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanEntry {
    /// Path relative to the project root.
    pub path: String,
    /// The action.
    pub action: Action,
    /// Templates contributing (the writer first, then injectors).
    pub templates: Vec<String>,
    /// The `foreach` row of the writer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_key: Option<String>,
    /// Why (for skip, conflict, and forced updates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `write` or `inject`.
    pub mode: OutputMode,
    /// A conflict written into the file with conflict markers (absent when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub markers: bool,
    /// SHA-256 of the new content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// SHA-256 of the generated content when the file gets something else (a merge with your
    /// edits, conflict markers, your edits kept): what the receipt records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_sha256: Option<String>,
    /// Absolute path.
    #[serde(skip)]
    pub abs: PathBuf,
    /// The new content.
    #[serde(skip)]
    pub content: Option<String>,
    /// The generated content, when it differs from `content` (it becomes the baseline).
    #[serde(skip)]
    pub generated: Option<String>,
    /// The content on disk now.
    #[serde(skip)]
    pub old: Option<String>,
    /// Keep `<file>.bak` before modifying.
    #[serde(skip)]
    pub backup: bool,
}

impl PlanEntry {
    /// Whether applying this entry writes the file.
    pub fn writes(&self) -> bool {
        self.action.writes() || self.markers
    }

    /// The generated content to keep in the baseline store after applying this entry: for
    /// whole-file outputs whose receipt record changes to the new content.
    pub fn baseline_text(&self) -> Option<&str> {
        if self.mode != OutputMode::Write {
            return None;
        }
        match self.action {
            Action::Create | Action::Update | Action::Merge | Action::Unchanged => {}
            Action::Conflict if self.markers => {}
            _ => return None,
        }
        self.generated.as_deref().or(self.content.as_deref())
    }

    /// A unified diff from the file on disk to the new content (empty when nothing changes).
    pub fn diff(&self) -> String {
        let old = self.old.as_deref().unwrap_or("");
        let new = self.content.as_deref().unwrap_or(old);
        if old == new {
            return String::new();
        }
        let a = if self.old.is_some() {
            format!("a/{}", self.path)
        } else {
            "/dev/null".to_owned()
        };
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&a, &format!("b/{}", self.path))
            .to_string()
    }
}

fn who(o: &RenderedOutput) -> String {
    match &o.row_key {
        Some(k) => format!("{} (row {k})", o.template),
        None => o.template.clone(),
    }
}

fn read_text(abs: &std::path::Path, shown: &str) -> Result<Option<String>, EngineError> {
    match std::fs::read(abs) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            EngineError::io(
                shown,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "is not UTF-8 text; ggen only writes text files",
                ),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EngineError::io(shown, e)),
    }
}

/// Compose rendered outputs into plan entries (sorted by path), checking the disk and the
/// previous receipt. Returns the entries and the receipt outputs that describe the result.
pub fn compose(
    ws: &Workspace,
    outputs: Vec<RenderedOutput>,
    old_receipt: Option<&Receipt>,
    opts: &GenOptions,
) -> Result<(Vec<PlanEntry>, Vec<ReceiptOutput>), EngineError> {
    let mut regen = Regen::new(ws, old_receipt, opts)?;
    let mut by_path: BTreeMap<String, Vec<RenderedOutput>> = BTreeMap::new();
    for o in outputs {
        by_path.entry(o.path.clone()).or_default().push(o);
    }
    let mut entries = Vec::new();
    let mut receipt_outputs = Vec::new();
    let mut dirs: std::collections::HashMap<std::path::PathBuf, bool> =
        std::collections::HashMap::new();
    for (path, group) in by_path {
        let (writers, injectors): (Vec<_>, Vec<_>) = group
            .into_iter()
            .partition(|o| matches!(o.kind, OutputKind::Write { .. }));
        if let [first, second, ..] = writers.as_slice() {
            return Err(EngineError::DuplicateOutput {
                path,
                first: who(first),
                second: who(second),
            });
        }
        let writer = writers.into_iter().next();
        let abs = writer
            .as_ref()
            .or(injectors.first())
            .map(|o| o.abs.clone())
            .unwrap_or_default();
        // A file cannot exist in a directory that does not (the plan creates nothing): one
        // check per directory instead of one failed open per output.
        let dir_exists = match abs.parent() {
            Some(dir) => *dirs
                .entry(dir.to_path_buf())
                .or_insert_with(|| {
                    // Other errors than "not found" are reported by reading the file.
                    !matches!(std::fs::symlink_metadata(dir), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
                }),
            None => true,
        };
        let disk = if dir_exists {
            read_text(&abs, &path)?
        } else {
            None
        };
        let mut current: Option<String> = match &writer {
            Some(w) => Some(w.content.clone()),
            None => disk.clone(),
        };
        let mut skip_reasons = Vec::new();
        let mut injected = false;
        let mut backup = false;
        for inj in &injectors {
            let OutputKind::Inject {
                injection,
                backup: b,
            } = &inj.kind
            else {
                continue;
            };
            backup |= *b;
            match &current {
                None => {
                    if injection.create_if_missing {
                        let mut body = inj.content.clone();
                        if !body.ends_with('\n') && !body.is_empty() {
                            body.push('\n');
                        }
                        current = Some(body);
                        injected = true;
                    } else {
                        return Err(EngineError::Injection {
                            location: Location::line(&inj.template, inj.to_line),
                            message: format!(
                                "injection target {path} does not exist (set `create_if_missing: true` to create it)"
                            ),
                        });
                    }
                }
                Some(text) => match inject(text, &inj.content, injection) {
                    Ok(InjectOutcome::Changed(new)) => {
                        current = Some(new);
                        injected = true;
                    }
                    Ok(InjectOutcome::Skipped(reason)) => skip_reasons.push(reason),
                    Err(message) => {
                        return Err(EngineError::Injection {
                            location: Location::line(&inj.template, inj.to_line),
                            message: format!("cannot inject into {path}: {message}"),
                        });
                    }
                },
            }
        }
        let Some(content) = current else {
            continue;
        };
        let mut templates: Vec<String> = writer.iter().map(|w| w.template.clone()).collect();
        for i in &injectors {
            if !templates.contains(&i.template) {
                templates.push(i.template.clone());
            }
        }
        let recorded = old_receipt.and_then(|r| r.output(&path));
        let row_key = writer.as_ref().and_then(|w| w.row_key.clone());
        let (decision, mode) = match &writer {
            Some(w) => {
                let OutputKind::Write {
                    force,
                    unless_exists,
                    backup: b,
                } = &w.kind
                else {
                    continue;
                };
                backup |= *b;
                let d = regen.decide(WriteOutput {
                    path: &path,
                    template: &w.template,
                    to_line: w.to_line,
                    disk: disk.as_deref(),
                    content,
                    recorded,
                    force: *force,
                    unless_exists: *unless_exists,
                })?;
                (d, OutputMode::Write)
            }
            None => {
                let mut reason = None;
                let action = if disk.is_none() {
                    Action::Create
                } else if disk.as_deref() == Some(content.as_str()) {
                    if !injected && !skip_reasons.is_empty() {
                        reason = Some(skip_reasons.join("; "));
                        Action::Skip
                    } else {
                        Action::Unchanged
                    }
                } else {
                    Action::Inject
                };
                let sha256 = ggen_core::hash::sha256_hex(content.as_bytes());
                (
                    Decision {
                        action,
                        reason,
                        content,
                        generated: None,
                        markers: false,
                        record: Record::New {
                            sha256,
                            conflict: false,
                        },
                    },
                    OutputMode::Inject,
                )
            }
        };
        match &decision.record {
            Record::New { sha256, conflict } => receipt_outputs.push(ReceiptOutput {
                path: path.clone(),
                sha256: sha256.clone(),
                template: templates.join(", "),
                mode,
                conflict: *conflict,
            }),
            Record::Keep => {
                if let Some(r) = recorded {
                    receipt_outputs.push(r.clone());
                }
            }
            Record::Nothing => {}
        }
        let generated_sha256 = decision
            .generated
            .as_ref()
            .map(|g| ggen_core::hash::sha256_hex(g.as_bytes()));
        entries.push(PlanEntry {
            row_key,
            path,
            action: decision.action,
            templates,
            reason: decision.reason,
            mode,
            markers: decision.markers,
            sha256: Some(ggen_core::hash::sha256_hex(decision.content.as_bytes())),
            generated_sha256,
            abs,
            content: Some(decision.content),
            generated: decision.generated,
            old: disk,
            backup,
        });
    }
    Ok((entries, receipt_outputs))
}

/// Whether a file ggen never wrote was left alone (a conflict, or kept by `keep-ours`) without
/// a receipt record: the receipt then does not vouch for every output, and the next run must
/// not trust it (an `unless_exists` file is the user's by design and does not count).
pub(crate) fn leaves_unrecorded(entries: &[PlanEntry], outputs: &[ReceiptOutput]) -> bool {
    entries.iter().any(|e| {
        let left_alone = match e.action {
            Action::Conflict => true,
            Action::Skip => e.reason.as_deref() != Some(crate::regen::UNLESS_EXISTS_REASON),
            _ => false,
        };
        left_alone && e.mode == OutputMode::Write && !outputs.iter().any(|o| o.path == e.path)
    })
}

/// Per-stage timings of a run, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// Resolving inputs and checking the receipt.
    pub resolve_ms: f64,
    /// Loading and canonicalizing the graph.
    pub load_ms: f64,
    /// Rendering (enrichment, queries, templates).
    pub render_ms: f64,
    /// Composing the plan.
    pub plan_ms: f64,
}

/// The result of planning a run.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Entries sorted by path.
    pub entries: Vec<PlanEntry>,
    /// Templates or rows that produced nothing.
    pub skipped: Vec<Skipped>,
    /// Shell hooks to run.
    pub hooks: Vec<ShellHook>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// Outputs recorded by the previous receipt that no template produces any more.
    pub orphans: Vec<String>,
    /// The receipt that applying this plan writes.
    #[serde(skip)]
    pub receipt: Option<Receipt>,
    /// Whether the receipt on disk differs from the new one.
    pub receipt_changed: bool,
    /// Whether the no-op fast path answered (nothing was loaded or rendered).
    pub fast_path: bool,
    /// Graph size.
    pub triples: usize,
    /// Stage timings.
    pub timings: Timings,
}

impl Plan {
    /// Count entries per action.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for e in &self.entries {
            *m.entry(e.action.as_str()).or_insert(0) += 1;
        }
        m
    }

    /// Whether the working tree differs from what the inputs produce.
    pub fn has_drift(&self) -> bool {
        self.receipt_changed
            || self.entries.iter().any(|e| {
                matches!(
                    e.action,
                    Action::Create
                        | Action::Update
                        | Action::Merge
                        | Action::Inject
                        | Action::Conflict
                )
            })
    }

    /// Whether conflicts remain.
    pub fn has_conflicts(&self) -> bool {
        self.entries.iter().any(|e| e.action == Action::Conflict)
    }
}
