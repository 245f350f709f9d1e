//! `ggen project verify` and the no-op fast path: comparing the tree with the receipt.

use serde::Serialize;

use crate::error::EngineError;
use crate::options::GenOptions;
use crate::plan::{Action, Plan, PlanEntry, Timings};
use crate::receipt::{OutputMode, Receipt};
use crate::workspace::Workspace;

/// State of one recorded output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyStatus {
    /// Matches the receipt.
    Ok,
    /// Differs from what ggen wrote.
    Modified,
    /// Does not exist.
    Missing,
    /// Still holds the conflict markers ggen wrote into it.
    Conflict,
}

/// The result of `verify`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Each recorded output with its status.
    pub outputs: Vec<(String, VerifyStatus, OutputMode)>,
}

impl VerifyReport {
    /// Whether every generated (write-mode) output matches. Injection targets belong to the user
    /// and may change; they are reported but do not fail verification.
    pub fn ok(&self) -> bool {
        self.outputs
            .iter()
            .all(|(_, s, m)| *s == VerifyStatus::Ok || *m == OutputMode::Inject)
    }
}

fn disk_sha(ws: &Workspace, path: &str) -> Option<String> {
    ggen_core::hash::sha256_file(&ws.resolve_name(path)).ok()
}

/// Re-hash every output recorded in the receipt.
pub fn verify(ws: &Workspace) -> Result<VerifyReport, EngineError> {
    let path = ws
        .receipt_path
        .as_ref()
        .ok_or_else(|| EngineError::Receipt {
            path: ".ggen/receipt.json".into(),
            message: "this run has no receipt".into(),
        })?;
    let receipt = Receipt::load(path)?.ok_or_else(|| EngineError::Receipt {
        path: path.clone(),
        message: "not found; run `ggen project gen` first".into(),
    })?;
    let outputs = receipt
        .outputs
        .iter()
        .map(|o| {
            let status = match disk_sha(ws, &o.path) {
                None => VerifyStatus::Missing,
                Some(s) if s == o.sha256 => VerifyStatus::Ok,
                Some(_)
                    if o.conflict
                        && std::fs::read_to_string(ws.resolve_name(&o.path))
                            .is_ok_and(|t| crate::merge::has_markers(&t)) =>
                {
                    VerifyStatus::Conflict
                }
                Some(_) => VerifyStatus::Modified,
            };
            (o.path.clone(), status, o.mode)
        })
        .collect();
    Ok(VerifyReport { outputs })
}

/// When nothing that influences the output changed since the receipt was written, and every
/// output still has the recorded hash, answer with an all-unchanged plan without loading the
/// graph or rendering anything.
pub(crate) fn try_noop(
    ws: &Workspace,
    old: &Receipt,
    opts: &GenOptions,
) -> Result<Option<Plan>, EngineError> {
    // With a remote endpoint the data may change without any local file changing: always
    // query again.
    if old.graph.endpoint.is_some()
        || ws
            .manifest
            .as_ref()
            .is_some_and(|(m, _)| m.graph.endpoint.is_some())
        || old.partial
        || old.outputs.iter().any(|o| o.conflict)
        || !opts.only.is_empty()
        || opts.format
        || ws.auto_format
        || old.ggen != crate::VERSION
    {
        return Ok(None);
    }
    if ws.manifest.as_ref().map(|(_, h)| h) != old.manifest.as_ref() || ws.vars != old.vars {
        return Ok(None);
    }
    let mut packs: Vec<(String, String, String)> = ws
        .packs
        .iter()
        .map(|p| (p.id.clone(), p.version.clone(), p.checksum.clone()))
        .collect();
    packs.sort();
    let old_packs: Vec<(String, String, String)> = old
        .packs
        .iter()
        .map(|p| (p.id.clone(), p.version.clone(), p.checksum.clone()))
        .collect();
    if packs != old_packs {
        return Ok(None);
    }
    let same_files = |files: &[crate::inputs::InputFile],
                      recorded: &[crate::inputs::FileHash]|
     -> bool {
        files.len() == recorded.len()
            && files.iter().zip(recorded).all(|(f, r)| {
                f.rel == r.path && ggen_core::hash::sha256_file(&f.abs).is_ok_and(|h| h == r.sha256)
            })
    };
    if !same_files(&ws.sources, &old.graph.sources) || !same_files(&ws.templates, &old.templates) {
        return Ok(None);
    }
    for i in &old.inputs {
        if disk_sha(ws, &i.path).as_deref() != Some(i.sha256.as_str()) {
            return Ok(None);
        }
    }
    for e in &old.env {
        let now = std::env::var(&e.name)
            .ok()
            .map(|v| ggen_core::hash::sha256_hex(v.as_bytes()));
        if now != e.sha256 {
            return Ok(None);
        }
    }
    let mut entries = Vec::with_capacity(old.outputs.len());
    for o in &old.outputs {
        if disk_sha(ws, &o.path).as_deref() != Some(o.sha256.as_str()) {
            return Ok(None);
        }
        entries.push(PlanEntry {
            path: o.path.clone(),
            action: Action::Unchanged,
            templates: o.template.split(", ").map(str::to_owned).collect(),
            row_key: None,
            reason: None,
            mode: o.mode,
            markers: false,
            sha256: Some(o.sha256.clone()),
            generated_sha256: None,
            abs: ws.root.join(&o.path),
            content: None,
            generated: None,
            old: None,
            backup: false,
        });
    }
    Ok(Some(Plan {
        entries,
        skipped: Vec::new(),
        hooks: Vec::new(),
        warnings: Vec::new(),
        orphans: Vec::new(),
        receipt: Some(old.clone()),
        receipt_changed: false,
        fast_path: true,
        triples: old.graph.triples.unwrap_or_default(),
        timings: Timings::default(),
    }))
}
