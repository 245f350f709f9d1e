//! Printing results: human text or one JSON document on stdout; messages on stderr.

use std::io::{IsTerminal, Write};

use ggen_core::{Diagnostic, Location};
use serde_json::{Value, json};

use crate::cli::{ColorChoice, GlobalArgs};

/// Exit codes (CLI.md): 0 success, 1 check failed, 2 error.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// A check failed (drift, lint errors, verification).
    pub const CHECK_FAILED: u8 = 1;
    /// An error (bad input, I/O).
    pub const ERROR: u8 = 2;
}

/// A failed command: what to tell the user and which exit code to use.
#[derive(Debug)]
pub struct CmdError {
    /// Exit code (2 for errors).
    pub exit: u8,
    /// Stable machine-readable code.
    pub code: String,
    /// Message.
    pub message: String,
    /// Where.
    pub location: Option<Location>,
    /// A hint.
    pub help: Option<String>,
}

impl CmdError {
    /// An error with a code and message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            exit: exit::ERROR,
            code: code.to_owned(),
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// From any library diagnostic.
    pub fn diag(e: &(impl Diagnostic + ?Sized)) -> Self {
        // A graph that does not conform to its shapes is a failed check (exit 1), like drift.
        let exit = if e.code() == "shacl-violation" {
            exit::CHECK_FAILED
        } else {
            exit::ERROR
        };
        Self {
            exit,
            code: e.code().to_owned(),
            message: e.to_string(),
            location: e.location().cloned(),
            help: e.help(),
        }
    }
}

macro_rules! from_diag {
    ($($t:ty),*) => {$(
        impl From<$t> for CmdError {
            fn from(e: $t) -> Self {
                Self::diag(&e)
            }
        }
    )*};
}
from_diag!(
    ggen_engine::EngineError,
    ggen_graph::GraphError,
    ggen_template::TemplateError
);

impl From<std::io::Error> for CmdError {
    fn from(e: std::io::Error) -> Self {
        Self::new("io", e.to_string())
    }
}

/// The result of a command: human text for stdout, a JSON document, and an exit code.
#[derive(Debug, Default)]
pub struct Report {
    /// Human-readable text (printed unless --json).
    pub human: String,
    /// JSON document (printed with --json); `schema_version` is added.
    pub json: Value,
    /// Exit code (0 or 1).
    pub exit: u8,
}

impl Report {
    /// A successful report.
    pub fn new(human: String, json: Value) -> Self {
        Self {
            human,
            json,
            exit: exit::OK,
        }
    }

    /// Set the exit code.
    #[must_use]
    pub fn with_exit(mut self, code: u8) -> Self {
        self.exit = code;
        self
    }
}

/// Terminal styling decisions.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Decide from `--color` and whether stdout is a terminal.
    pub fn new(choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Self { color }
    }

    /// Paint `text` with an ANSI SGR code when colour is on.
    pub fn paint(&self, sgr: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Colour for a plan action label.
    pub fn action(&self, action: &str) -> String {
        let code = match action {
            "create" => "32",
            "update" | "inject" => "33",
            "conflict" => "31;1",
            "skip" | "unchanged" => "2",
            _ => "0",
        };
        self.paint(code, &format!("{action:>9}"))
    }
}

/// Write to stdout, treating a closed pipe as a normal end.
pub fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = result
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// Write a line to stderr (messages for people).
pub fn eprint_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// Print a finished command's report.
pub fn emit(global: &GlobalArgs, report: &Report) {
    if global.json {
        let mut doc = match &report.json {
            Value::Object(m) => {
                let mut out = serde_json::Map::new();
                out.insert("schema_version".into(), json!(1));
                out.insert("ok".into(), json!(report.exit == exit::OK));
                for (k, v) in m {
                    out.insert(k.clone(), v.clone());
                }
                Value::Object(out)
            }
            other => json!({ "schema_version": 1, "ok": report.exit == exit::OK, "result": other }),
        };
        if let Value::Object(m) = &mut doc {
            m.sort_keys();
        }
        print_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        ));
    } else if (!global.quiet || report.exit != exit::OK) && !report.human.is_empty() {
        let mut h = report.human.clone();
        if !h.ends_with('\n') {
            h.push('\n');
        }
        print_stdout(&h);
    }
}

/// Print an error: a human line on stderr, and under --json the error document on stdout.
pub fn emit_error(global: &GlobalArgs, style: Style, e: &CmdError) {
    let label = style.paint("31;1", "error");
    eprint_line(&format!("{label}: {}", e.message));
    if let Some(h) = &e.help {
        eprint_line(&format!("  {} {h}", style.paint("36", "help:")));
    }
    if global.json {
        let loc = e.location.as_ref();
        let doc = json!({
            "schema_version": 1,
            "ok": false,
            "error": {
                "code": e.code,
                "message": e.message,
                "file": loc.map(|l| l.file.display().to_string()),
                "line": loc.and_then(|l| l.line),
                "column": loc.and_then(|l| l.column),
            }
        });
        print_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        ));
    }
}
