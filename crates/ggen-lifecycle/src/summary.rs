//! `lifecycle list`: every phase with its definition and what the state file knows about it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::model::PhaseTargets;
use crate::plan::Lifecycle;
use crate::state::{PhaseRun, load_state};

/// One phase as listed.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseSummary {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Commands (root definition).
    pub commands: Vec<String>,
    /// `depends_on`.
    pub depends_on: Vec<String>,
    /// `before_<phase>` hooks.
    pub before: Vec<String>,
    /// `after_<phase>` hooks.
    pub after: Vec<String>,
    /// Where it runs.
    pub targets: PhaseTargets,
    /// Whether input/output caching applies.
    pub cacheable: bool,
    /// The last execution per label (`phase` or `phase@workspace`).
    pub last_runs: BTreeMap<String, PhaseRun>,
    /// When the cached result was last recorded, per label.
    pub last_success: BTreeMap<String, String>,
}

impl Lifecycle {
    /// Every phase, sorted by name, with its last runs from `.ggen/lifecycle.json`.
    pub fn list(&self) -> Result<Vec<PhaseSummary>> {
        let state = load_state(&self.root)?;
        let mut out = Vec::new();
        for (name, phase) in &self.make.phases {
            let mine = |label: &str| {
                label == name
                    || label
                        .strip_prefix(name.as_str())
                        .is_some_and(|r| r.starts_with('@'))
            };
            let mut last_runs = BTreeMap::new();
            let mut last_success = BTreeMap::new();
            for (label, ps) in state.phases.iter().filter(|(l, _)| mine(l)) {
                if let Some(run) = &ps.last_run {
                    last_runs.insert(label.clone(), run.clone());
                }
                if let Some(ok) = &ps.last_success {
                    last_success.insert(label.clone(), ok.finished_at.clone());
                }
            }
            out.push(PhaseSummary {
                name: name.clone(),
                description: phase.description.clone(),
                commands: phase.commands.clone(),
                depends_on: phase.depends_on.clone(),
                before: self
                    .make
                    .hooks
                    .before
                    .get(name)
                    .cloned()
                    .unwrap_or_default(),
                after: self.make.hooks.after.get(name).cloned().unwrap_or_default(),
                targets: phase.targets.clone(),
                cacheable: phase.cache && !phase.inputs.is_empty(),
                last_runs,
                last_success,
            });
        }
        Ok(out)
    }
}
