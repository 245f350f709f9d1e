//! Live progress for lifecycle phases, readiness checks and hooks: command output streamed to
//! stderr while it runs (stdout stays free for the result), the last lines of every step kept
//! for the final report, and a Ctrl-C handler that cancels the running commands.
//!
//! Phase, check and hook commands run in their own process groups, so the terminal's Ctrl-C
//! does not reach them: [`cancel_flag`] installs a SIGINT/SIGTERM handler that sets the flag the
//! library watches (it kills the running process group). A second Ctrl-C exits at once.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ggen_lifecycle::{Reporter, StepRef, StepStatus, Stream, format_duration};

use crate::output::Style;

/// How many output lines are kept per step.
pub const TAIL: usize = 20;

static CANCEL: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The process-wide cancellation flag, set by Ctrl-C (SIGINT) or SIGTERM. The handler is
/// installed on first use; if it cannot be installed, the flag simply never becomes true.
pub fn cancel_flag() -> Arc<AtomicBool> {
    CANCEL
        .get_or_init(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let f = flag.clone();
            let installed = ctrlc::set_handler(move || {
                if f.swap(true, Ordering::SeqCst) {
                    // Second interrupt: stop waiting for the children to be cleaned up.
                    std::process::exit(130);
                }
            });
            if let Err(e) = installed {
                tracing::warn!("cannot install the Ctrl-C handler: {e}");
            }
            flag
        })
        .clone()
}

/// Whether Ctrl-C was pressed.
pub fn cancelled() -> bool {
    CANCEL.get().is_some_and(|f| f.load(Ordering::SeqCst))
}

/// The path of the running ggen (scripts and ggen-backed checks call it), or `ggen`.
pub fn ggen_exe() -> std::path::PathBuf {
    std::env::current_exe().unwrap_or_else(|_| std::path::PathBuf::from("ggen"))
}

/// A [`Reporter`] that streams to stderr (unless silent) and keeps each step's last lines.
pub struct LiveReporter {
    stream: bool,
    style: Style,
    tails: Mutex<BTreeMap<String, VecDeque<String>>>,
}

impl LiveReporter {
    /// Stream to stderr when `stream` is true (not under `--quiet`).
    pub fn new(stream: bool, style: Style) -> Self {
        Self {
            stream,
            style,
            tails: Mutex::new(BTreeMap::new()),
        }
    }

    /// The last [`TAIL`] output lines of a step label (`name` or `name@workspace`).
    pub fn tail(&self, label: &str) -> Vec<String> {
        self.tails
            .lock()
            .ok()
            .and_then(|t| t.get(label).map(|d| d.iter().cloned().collect()))
            .unwrap_or_default()
    }

    fn write(&self, text: &str) {
        if self.stream {
            let mut err = std::io::stderr().lock();
            // A closed terminal must not fail the run.
            let _ = err.write_all(text.as_bytes());
            let _ = err.flush();
        }
    }
}

/// A status word, coloured.
pub fn status_word(style: &Style, status: StepStatus) -> String {
    let (word, sgr) = match status {
        StepStatus::Succeeded => ("ok", "32"),
        StepStatus::Cached => ("cached", "36"),
        StepStatus::NoCommands => ("ok", "32"),
        StepStatus::Failed => ("FAILED", "31;1"),
        StepStatus::TimedOut => ("TIMED OUT", "31;1"),
        StepStatus::Error => ("ERROR", "31;1"),
        StepStatus::Cancelled => ("CANCELLED", "33;1"),
        StepStatus::Skipped => ("skipped", "2"),
    };
    style.paint(sgr, word)
}

impl Reporter for LiveReporter {
    fn step_started(&self, step: &StepRef) {
        if let Ok(mut t) = self.tails.lock() {
            t.insert(step.label(), VecDeque::new());
        }
        self.write(&format!(
            "{} {}\n",
            self.style.paint("1", "==>"),
            step.label()
        ));
    }

    fn command_started(&self, step: &StepRef, command: &str) {
        let prefix = step
            .workspace
            .as_ref()
            .map(|w| format!("[{w}] "))
            .unwrap_or_default();
        self.write(&format!(
            "{prefix}{} {command}\n",
            self.style.paint("2", "$")
        ));
    }

    fn output_line(&self, step: &StepRef, _stream: Stream, line: &str) {
        if let Ok(mut t) = self.tails.lock() {
            let d = t.entry(step.label()).or_default();
            if d.len() == TAIL {
                d.pop_front();
            }
            d.push_back(line.to_owned());
        }
        match &step.workspace {
            Some(w) => self.write(&format!("[{w}] {line}\n")),
            None => self.write(&format!("{line}\n")),
        }
    }

    fn step_finished(
        &self,
        step: &StepRef,
        status: StepStatus,
        duration_ms: u64,
        message: Option<&str>,
    ) {
        let extra = message.map(|m| format!(": {m}")).unwrap_or_default();
        self.write(&format!(
            "{} {} {} ({}){extra}\n",
            self.style.paint("1", "<=="),
            step.label(),
            status_word(&self.style, status),
            format_duration(std::time::Duration::from_millis(duration_ms))
        ));
    }
}

/// Format milliseconds like the library does (`1.5s`, `120ms`).
pub fn ms(duration_ms: u64) -> String {
    format_duration(std::time::Duration::from_millis(duration_ms))
}

/// Indent every line of `lines` with `prefix`.
pub fn indented(lines: &[String], prefix: &str) -> String {
    lines.iter().map(|l| format!("{prefix}{l}\n")).collect()
}
