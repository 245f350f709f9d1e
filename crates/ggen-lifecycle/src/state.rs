//! `.ggen/lifecycle.json`: recent runs, per-phase last run, and what the input/output cache
//! compares against. Written atomically after every step (so a failed run keeps the successes
//! before it); re-read before each write so that a nested `ggen lifecycle run` inside a phase
//! does not lose its entries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::StepStatus;

/// Where the state lives, relative to the project root.
pub const STATE_FILE: &str = ".ggen/lifecycle.json";

/// How many runs are kept.
const MAX_RUNS: usize = 50;

/// The state file's contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LifecycleState {
    /// Format version (1).
    #[serde(default = "one")]
    pub schema_version: u32,
    /// The most recent runs, oldest first.
    #[serde(default)]
    pub runs: Vec<RunRecord>,
    /// Per phase label (`phase` or `phase@workspace`).
    #[serde(default)]
    pub phases: BTreeMap<String, PhaseState>,
}

fn one() -> u32 {
    1
}

/// One invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// RFC 3339 start time.
    pub started_at: String,
    /// Wall time.
    pub duration_ms: u64,
    /// The phases asked for.
    pub requested: Vec<String>,
    /// The environment.
    pub env: Option<String>,
    /// Whether every step succeeded (or was cached).
    pub ok: bool,
    /// Each step's outcome.
    pub steps: Vec<StepSummary>,
}

/// A step in a [`RunRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSummary {
    /// `phase` or `phase@workspace`.
    pub label: String,
    /// Outcome.
    pub status: StepStatus,
    /// Wall time.
    pub duration_ms: u64,
}

/// What is known about one phase (in one place).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseState {
    /// The most recent execution.
    #[serde(default)]
    pub last_run: Option<PhaseRun>,
    /// The most recent success of a cacheable phase, with the hashes the cache compares.
    #[serde(default)]
    pub last_success: Option<CacheEntry>,
}

/// A phase execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseRun {
    /// RFC 3339 start time.
    pub started_at: String,
    /// Wall time.
    pub duration_ms: u64,
    /// Outcome.
    pub status: StepStatus,
}

/// The hashes recorded at a successful run of a cacheable phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// RFC 3339 time of the success.
    pub finished_at: String,
    /// SHA-256 over the commands, variables and directory (a change there reruns the phase).
    pub key: String,
    /// SHA-256 over the input patterns and every matched file's path and content hash, taken
    /// before the commands ran.
    pub inputs_digest: String,
    /// How many input files were hashed.
    pub input_files: usize,
    /// Output files (relative to where the phase runs) and their SHA-256 after the run.
    pub outputs: BTreeMap<String, String>,
}

/// Read the state of the project at `root` (empty when the file does not exist).
pub fn load_state(root: &Path) -> Result<LifecycleState> {
    read(&root.join(STATE_FILE))
}

fn read(path: &Path) -> Result<LifecycleState> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::State {
            path: path.to_path_buf(),
            message: format!("{e} (delete the file to start afresh)"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(LifecycleState {
            schema_version: 1,
            ..LifecycleState::default()
        }),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Serialises updates to the state file of one project within this process.
pub(crate) struct StateStore {
    path: PathBuf,
    lock: std::sync::Mutex<()>,
}

impl StateStore {
    pub(crate) fn new(root: &Path) -> Self {
        Self {
            path: root.join(STATE_FILE),
            lock: std::sync::Mutex::new(()),
        }
    }

    pub(crate) fn read(&self) -> Result<LifecycleState> {
        read(&self.path)
    }

    /// Re-read, apply `f`, write atomically.
    pub(crate) fn update(&self, f: impl FnOnce(&mut LifecycleState)) -> Result<()> {
        let _guard = self.lock.lock().map_err(|_| Error::State {
            path: self.path.clone(),
            message: "state lock poisoned".into(),
        })?;
        let mut state = read(&self.path)?;
        f(&mut state);
        state.schema_version = 1;
        if state.runs.len() > MAX_RUNS {
            let excess = state.runs.len() - MAX_RUNS;
            state.runs.drain(..excess);
        }
        let mut bytes = serde_json::to_vec_pretty(&state).map_err(|e| Error::State {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        bytes.push(b'\n');
        ggen_core::fs::write_atomic(&self.path, &bytes).map_err(|e| Error::io(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_round_trips_and_caps_runs() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(dir.path());
        for i in 0..(MAX_RUNS + 5) {
            store
                .update(|s| {
                    s.runs.push(RunRecord {
                        started_at: format!("t{i}"),
                        duration_ms: 1,
                        requested: vec!["build".into()],
                        env: None,
                        ok: true,
                        steps: vec![],
                    })
                })
                .unwrap();
        }
        let s = load_state(dir.path()).unwrap();
        assert_eq!(s.runs.len(), MAX_RUNS);
        assert_eq!(s.runs[0].started_at, "t5");
        assert_eq!(s.schema_version, 1);
    }

    #[test]
    fn corrupt_state_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".ggen")).unwrap();
        std::fs::write(dir.path().join(STATE_FILE), "{not json").unwrap();
        let e = load_state(dir.path()).unwrap_err();
        assert!(e.to_string().contains("lifecycle.json"), "{e}");
    }
}
