//! Live progress: the library never prints; it calls a [`Reporter`] the caller supplies.
//!
//! The CLI can stream to the terminal with [`WriterReporter`] (or its own implementation);
//! tests and `--json` callers can record events with [`RecordingReporter`]. Reporters are
//! called from several threads when workspaces run in parallel, hence `Send + Sync`.

use std::io::Write;
use std::sync::Mutex;

use serde::Serialize;

/// Which output stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// What kind of unit of work a [`StepRef`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// A `make.toml` phase.
    Phase,
    /// A git hook record from `.ggen/hooks.toml`.
    GitHook,
    /// A readiness check.
    Check,
}

/// Identifies the unit of work an event belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRef {
    /// Phase, hook or check name.
    pub name: String,
    /// The workspace a phase runs in, if any.
    pub workspace: Option<String>,
    /// The kind of step.
    pub kind: StepKind,
}

impl StepRef {
    /// `name` or `name@workspace`: used as the state key and as a display label.
    pub fn label(&self) -> String {
        match &self.workspace {
            Some(w) => format!("{}@{w}", self.name),
            None => self.name.clone(),
        }
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// All commands exited 0.
    Succeeded,
    /// Skipped because inputs and outputs are unchanged since the last success.
    Cached,
    /// The step has no commands (an aggregate phase).
    NoCommands,
    /// A command exited non-zero or was killed by a signal.
    Failed,
    /// A command ran past its timeout and was killed.
    TimedOut,
    /// A command could not be started.
    Error,
    /// The caller cancelled the run; the running command's process group was killed.
    Cancelled,
    /// Does not apply (a readiness check outside its kind of project).
    Skipped,
}

/// Receives live progress. Every method has an empty default.
pub trait Reporter: Send + Sync {
    /// A step starts (before its cache check).
    fn step_started(&self, _step: &StepRef) {}
    /// A command of the step starts.
    fn command_started(&self, _step: &StepRef, _command: &str) {}
    /// One line of a command's output (without the line terminator).
    fn output_line(&self, _step: &StepRef, _stream: Stream, _line: &str) {}
    /// A step ends. `message` explains a cache hit or a failure.
    fn step_finished(
        &self,
        _step: &StepRef,
        _status: StepStatus,
        _duration_ms: u64,
        _message: Option<&str>,
    ) {
    }
}

/// A reporter that discards everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullReporter;

impl Reporter for NullReporter {}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// See [`Reporter::step_started`].
    StepStarted {
        /// The step.
        step: StepRef,
    },
    /// See [`Reporter::command_started`].
    CommandStarted {
        /// The step.
        step: StepRef,
        /// The command line.
        command: String,
    },
    /// See [`Reporter::output_line`].
    Output {
        /// The step.
        step: StepRef,
        /// The stream.
        stream: Stream,
        /// The line.
        line: String,
    },
    /// See [`Reporter::step_finished`].
    StepFinished {
        /// The step.
        step: StepRef,
        /// How it ended.
        status: StepStatus,
        /// Wall time.
        duration_ms: u64,
        /// Cache or failure explanation.
        message: Option<String>,
    },
}

/// Records every event in memory (for tests and JSON output).
#[derive(Debug, Default)]
pub struct RecordingReporter {
    events: Mutex<Vec<Event>>,
}

impl RecordingReporter {
    /// A new, empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// Output lines of a step label (`name` or `name@workspace`), in order.
    pub fn lines_of(&self, label: &str) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Output { step, line, .. } if step.label() == label => Some(line),
                _ => None,
            })
            .collect()
    }

    fn push(&self, e: Event) {
        if let Ok(mut events) = self.events.lock() {
            events.push(e);
        }
    }
}

impl Reporter for RecordingReporter {
    fn step_started(&self, step: &StepRef) {
        self.push(Event::StepStarted { step: step.clone() });
    }
    fn command_started(&self, step: &StepRef, command: &str) {
        self.push(Event::CommandStarted {
            step: step.clone(),
            command: command.to_owned(),
        });
    }
    fn output_line(&self, step: &StepRef, stream: Stream, line: &str) {
        self.push(Event::Output {
            step: step.clone(),
            stream,
            line: line.to_owned(),
        });
    }
    fn step_finished(
        &self,
        step: &StepRef,
        status: StepStatus,
        duration_ms: u64,
        message: Option<&str>,
    ) {
        self.push(Event::StepFinished {
            step: step.clone(),
            status,
            duration_ms,
            message: message.map(str::to_owned),
        });
    }
}

/// Writes human-readable progress to a writer the caller provides (the CLI passes stderr).
/// Output lines of workspace steps are prefixed with `[workspace] `.
pub struct WriterReporter<W: Write + Send> {
    out: Mutex<W>,
}

impl<W: Write + Send> WriterReporter<W> {
    /// Wrap a writer.
    pub fn new(out: W) -> Self {
        Self {
            out: Mutex::new(out),
        }
    }

    /// Unwrap the writer.
    pub fn into_inner(self) -> W {
        match self.out.into_inner() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn write(&self, text: std::fmt::Arguments<'_>) {
        if let Ok(mut out) = self.out.lock() {
            // A closed terminal must not fail the run.
            let _ = out.write_fmt(text);
            let _ = out.flush();
        }
    }
}

impl<W: Write + Send> Reporter for WriterReporter<W> {
    fn step_started(&self, step: &StepRef) {
        self.write(format_args!("==> {}\n", step.label()));
    }
    fn command_started(&self, step: &StepRef, command: &str) {
        match &step.workspace {
            Some(w) => self.write(format_args!("[{w}] $ {command}\n")),
            None => self.write(format_args!("$ {command}\n")),
        }
    }
    fn output_line(&self, step: &StepRef, _stream: Stream, line: &str) {
        match &step.workspace {
            Some(w) => self.write(format_args!("[{w}] {line}\n")),
            None => self.write(format_args!("{line}\n")),
        }
    }
    fn step_finished(
        &self,
        step: &StepRef,
        status: StepStatus,
        duration_ms: u64,
        message: Option<&str>,
    ) {
        let word = match status {
            StepStatus::Succeeded => "ok",
            StepStatus::Cached => "cached",
            StepStatus::NoCommands => "ok (no commands)",
            StepStatus::Failed => "FAILED",
            StepStatus::TimedOut => "TIMED OUT",
            StepStatus::Error => "ERROR",
            StepStatus::Cancelled => "CANCELLED",
            StepStatus::Skipped => "skipped",
        };
        let extra = message.map(|m| format!(": {m}")).unwrap_or_default();
        self.write(format_args!(
            "<== {} {word} ({}){extra}\n",
            step.label(),
            crate::duration::format_duration(std::time::Duration::from_millis(duration_ms))
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_reporter_prefixes_workspace_lines() {
        let r = WriterReporter::new(Vec::new());
        let step = StepRef {
            name: "build".into(),
            workspace: Some("web".into()),
            kind: StepKind::Phase,
        };
        r.step_started(&step);
        r.output_line(&step, Stream::Stdout, "hello");
        r.step_finished(&step, StepStatus::Succeeded, 1500, None);
        let text = String::from_utf8(r.into_inner()).unwrap();
        assert_eq!(
            text,
            "==> build@web\n[web] hello\n<== build@web ok (1.5s)\n"
        );
    }
}
