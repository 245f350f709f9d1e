//! Regeneration decisions for whole-file outputs: hand edits, deleted files, protected regions,
//! merge policies and the baseline store (docs/receipt.md, "How regeneration decides").

use std::collections::BTreeMap;
use std::path::PathBuf;

use ggen_core::Location;
use ggen_template::Template;
use ggen_template::frontmatter::MergePolicy;

use crate::baseline::Baseline;
use crate::error::EngineError;
use crate::keep::{self, SpliceError};
use crate::merge::{self, Resolve};
use crate::options::GenOptions;
use crate::plan::Action;
use crate::receipt::{OutputMode, Receipt, ReceiptOutput};
use crate::workspace::Workspace;

/// Reason of a skipped output whose generated file you deleted.
pub const DELETED_REASON: &str =
    "deleted by you since the last generation (use --force to recreate)";

/// Reason of a skipped `unless_exists` output whose file exists.
pub const UNLESS_EXISTS_REASON: &str = "file exists (unless_exists)";

/// What the receipt records for a path after the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Record {
    /// The new generated content (its hash), with or without conflict markers on disk.
    New { sha256: String, conflict: bool },
    /// The previous record, unchanged.
    Keep,
    /// Nothing.
    Nothing,
}

/// The decision for one whole-file output.
#[derive(Debug, Clone)]
pub(crate) struct Decision {
    pub action: Action,
    pub reason: Option<String>,
    /// What the file will hold (for `unchanged`, what it holds).
    pub content: String,
    /// The generated content, when it differs from `content` (merges, conflict markers).
    pub generated: Option<String>,
    /// Conflict markers are written.
    pub markers: bool,
    pub record: Record,
}

/// One whole-file output to decide.
pub(crate) struct WriteOutput<'a> {
    pub path: &'a str,
    pub template: &'a str,
    pub to_line: u64,
    pub disk: Option<&'a str>,
    pub content: String,
    pub recorded: Option<&'a ReceiptOutput>,
    pub force: bool,
    pub unless_exists: bool,
}

/// The decision context of one run.
pub(crate) struct Regen<'a> {
    old: Option<&'a Receipt>,
    opts: &'a GenOptions,
    ws: &'a Workspace,
    baseline: Option<Baseline>,
    templates: BTreeMap<String, PathBuf>,
    policies: BTreeMap<String, Option<MergePolicy>>,
    all_missing: Option<bool>,
}

/// Outputs of `receipt` in which ggen wrote conflict markers that are still there.
pub(crate) fn unresolved(ws: &Workspace, receipt: &Receipt) -> Vec<String> {
    receipt
        .outputs
        .iter()
        .filter(|o| o.conflict)
        .filter(|o| {
            std::fs::read_to_string(ws.resolve_name(&o.path)).is_ok_and(|t| merge::has_markers(&t))
        })
        .map(|o| o.path.clone())
        .collect()
}

impl<'a> Regen<'a> {
    /// Refuses (unless `--force`) while conflict markers of an earlier run remain.
    pub fn new(
        ws: &'a Workspace,
        old: Option<&'a Receipt>,
        opts: &'a GenOptions,
    ) -> Result<Self, EngineError> {
        if let Some(old) = old
            && !opts.force
        {
            let left = unresolved(ws, old);
            if let Some(first) = left.first() {
                return Err(EngineError::UnresolvedConflicts {
                    location: Location::file(first),
                    paths: left,
                });
            }
        }
        Ok(Regen {
            old,
            opts,
            ws,
            baseline: ws.receipt_path.as_deref().map(Baseline::beside),
            templates: ws
                .all_templates()
                .into_iter()
                .map(|(t, _)| (t.rel.clone(), t.abs.clone()))
                .collect(),
            policies: BTreeMap::new(),
            all_missing: None,
        })
    }

    /// The policy for a template, and why (for messages).
    fn policy(
        &mut self,
        template: &str,
        force: bool,
    ) -> Result<(MergePolicy, String), EngineError> {
        if self.opts.force {
            return Ok((MergePolicy::Overwrite, "--force".into()));
        }
        if let Some(p) = self.opts.merge {
            return Ok((p, format!("--merge {p}")));
        }
        if force {
            return Ok((MergePolicy::Overwrite, "force: true".into()));
        }
        let declared = match self.policies.get(template) {
            Some(p) => *p,
            None => {
                let p = match self.templates.get(template) {
                    Some(abs) => Template::load(abs, template)?.frontmatter.merge,
                    None => None,
                };
                self.policies.insert(template.to_owned(), p);
                p
            }
        };
        Ok(match declared {
            Some(p) => (p, format!("merge: {p}")),
            None => (MergePolicy::ThreeWay, "merge: three-way".into()),
        })
    }

    /// Whether none of the generated files the previous receipt records exists (a fresh
    /// checkout, `rm -rf` of the output directory): a clean regeneration, not deletions.
    fn all_missing(&mut self) -> bool {
        if let Some(b) = self.all_missing {
            return b;
        }
        let b = self.old.is_none_or(|old| {
            old.outputs
                .iter()
                .filter(|o| o.mode == OutputMode::Write)
                .all(|o| !self.ws.resolve_name(&o.path).exists())
        });
        self.all_missing = Some(b);
        b
    }

    fn base(&self, recorded: Option<&ReceiptOutput>) -> Option<String> {
        let r = recorded.filter(|r| r.mode == OutputMode::Write)?;
        self.baseline.as_ref()?.get(&r.sha256)
    }

    /// Decide what happens to one whole-file output.
    pub fn decide(&mut self, w: WriteOutput<'_>) -> Result<Decision, EngineError> {
        let new = |action, reason: Option<String>, content: String| {
            let sha256 = ggen_core::hash::sha256_hex(content.as_bytes());
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
            }
        };
        let Some(disk) = w.disk else {
            if w.recorded.is_some_and(|r| r.mode == OutputMode::Write) && !self.all_missing() {
                let (policy, why) = self.policy(w.template, w.force)?;
                if policy != MergePolicy::Overwrite {
                    return Ok(Decision {
                        action: Action::Skip,
                        reason: Some(DELETED_REASON.to_owned()),
                        content: w.content,
                        generated: None,
                        markers: false,
                        record: Record::Keep,
                    });
                }
                return Ok(new(
                    Action::Create,
                    Some(format!("recreated although you deleted it ({why})")),
                    w.content,
                ));
            }
            return Ok(new(Action::Create, None, w.content));
        };
        if w.unless_exists {
            return Ok(Decision {
                action: Action::Skip,
                reason: Some(UNLESS_EXISTS_REASON.to_owned()),
                content: w.content,
                generated: None,
                markers: false,
                record: Record::Nothing,
            });
        }
        // Protected regions of the file on disk go into the new output.
        let mut content = w.content;
        let mut keep_problem = None;
        let mut kept_regions = Vec::new();
        match keep::splice(&content, disk) {
            Ok(s) => {
                kept_regions = s.kept.iter().map(|id| format!("`{id}`")).collect();
                if !s.missing.is_empty() {
                    keep_problem = Some(format!(
                        "the new output has no protected region {} of your file",
                        s.missing
                            .iter()
                            .map(|id| format!("`{id}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                content = s.text;
            }
            Err(SpliceError::Disk(e)) => {
                keep_problem = Some(format!("line {}: {}", e.line, e.message));
            }
            Err(SpliceError::Generated(e)) => {
                return Err(EngineError::InTemplate {
                    location: Location::line(w.template, w.to_line),
                    message: format!(
                        "the output {} has malformed protected regions: line {}: {}",
                        w.path, e.line, e.message
                    ),
                    code: "keep-region",
                });
            }
        }
        if let Some(problem) = keep_problem {
            let (policy, why) = self.policy(w.template, w.force)?;
            if policy == MergePolicy::Overwrite {
                return Ok(new(
                    Action::Update,
                    Some(format!("{problem}; overwritten ({why})")),
                    content,
                ));
            }
            return Ok(Decision {
                action: Action::Conflict,
                reason: Some(format!(
                    "{problem}; keeping your file (fix it or the template, or use --force)"
                )),
                content,
                generated: None,
                markers: false,
                record: Record::Keep,
            });
        }
        if disk == content {
            return Ok(new(Action::Unchanged, None, content));
        }
        let disk_sha = ggen_core::hash::sha256_hex(disk.as_bytes());
        if w.recorded.is_some_and(|r| r.sha256 == disk_sha) {
            return Ok(new(Action::Update, None, content));
        }
        let (policy, why) = self.policy(w.template, w.force)?;
        let (edited, keeping) = if w.recorded.is_some() {
            ("edited since ggen last wrote it", "keeping your version")
        } else {
            ("exists and was not written by ggen", "keeping it")
        };
        let base = self.base(w.recorded);
        let resolve = match (policy, &base) {
            (MergePolicy::Overwrite, _) => {
                let what = if w.recorded.is_some() {
                    "hand edits"
                } else {
                    "existing file"
                };
                return Ok(new(
                    Action::Update,
                    Some(format!("{what} overwritten ({why})")),
                    content,
                ));
            }
            (MergePolicy::ThreeWay, None) => {
                let no_base = if w.recorded.is_some() {
                    " and there is no baseline to merge with"
                } else {
                    ""
                };
                return Ok(Decision {
                    action: Action::Conflict,
                    reason: Some(format!(
                        "{edited}{no_base}; {keeping} (use --force to overwrite)"
                    )),
                    content,
                    generated: None,
                    markers: false,
                    record: Record::Keep,
                });
            }
            (MergePolicy::KeepOurs, None) => {
                return Ok(Decision {
                    action: Action::Skip,
                    reason: Some(format!("{edited}; {keeping} ({why})")),
                    content,
                    generated: None,
                    markers: false,
                    record: Record::Keep,
                });
            }
            (MergePolicy::ThreeWay, Some(_)) => Resolve::Markers,
            (MergePolicy::KeepOurs, Some(_)) => Resolve::Ours,
            (MergePolicy::MarkersOnly, _) => Resolve::AllMarkers,
        };
        // Without a baseline, markers-only compares your file with the new output directly.
        let m = merge::merge3(base.as_deref().unwrap_or(disk), disk, &content, resolve);
        let sha256 = ggen_core::hash::sha256_hex(content.as_bytes());
        if m.conflicts > 0 {
            let regions = if m.conflicts == 1 {
                "1 conflicting region".to_owned()
            } else {
                format!("{} conflicting regions", m.conflicts)
            };
            return Ok(Decision {
                action: Action::Conflict,
                reason: Some(format!(
                    "{edited}; {regions} with the new output: conflict markers written ({why}); resolve them and run again"
                )),
                content: m.text,
                generated: Some(content),
                markers: true,
                record: Record::New {
                    sha256,
                    conflict: true,
                },
            });
        }
        if m.text == content {
            // Your edits are all in the new output: protected regions, or the same change.
            let reason = if kept_regions.is_empty() {
                "your edits are already in the new output".to_owned()
            } else {
                format!(
                    "protected region{} {} kept",
                    if kept_regions.len() == 1 { "" } else { "s" },
                    kept_regions.join(", ")
                )
            };
            return Ok(new(Action::Update, Some(reason), content));
        }
        let kept = match m.kept_ours {
            0 => String::new(),
            1 => "; 1 overlapping region kept as you wrote it".to_owned(),
            n => format!("; {n} overlapping regions kept as you wrote them"),
        };
        let (action, reason) = if m.text == disk {
            (
                Action::Unchanged,
                format!("{edited}; your edits kept, nothing new to merge{kept}"),
            )
        } else {
            (
                Action::Merge,
                format!("{edited}; your edits merged with the new output ({why}){kept}"),
            )
        };
        Ok(Decision {
            action,
            reason: Some(reason),
            content: m.text,
            generated: Some(content),
            markers: false,
            record: Record::New {
                sha256,
                conflict: false,
            },
        })
    }
}
