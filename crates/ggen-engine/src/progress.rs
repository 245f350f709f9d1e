//! Progress reporting from the pipeline (the CLI draws it; libraries never print).

/// Receives progress of long stages.
pub trait Progress: Sync {
    /// A stage begins, with the number of steps when known.
    fn begin(&self, stage: &str, len: Option<u64>);
    /// `n` steps are done.
    fn inc(&self, n: u64);
    /// The stage ended.
    fn end(&self);
}

/// Progress that goes nowhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _stage: &str, _len: Option<u64>) {}
    fn inc(&self, _n: u64) {}
    fn end(&self) {}
}
