//! Optional formatters (`[output] format`), run on content before it is compared or written.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use ggen_core::Location;

use crate::error::EngineError;
use crate::workspace::Workspace;

fn language_of(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "rs" => "rust",
        "ts" | "tsx" | "mts" | "cts" => "typescript",
        "js" | "jsx" | "mjs" | "cjs" => "javascript",
        "py" | "pyi" => "python",
        "go" => "go",
        "java" => "java",
        "sql" => "sql",
        "graphql" | "gql" => "graphql",
        "json" => "json",
        "md" => "markdown",
        _ => return None,
    })
}

/// Run the formatter configured for `path`'s language or extension on `content`.
pub fn format(ws: &Workspace, path: &str, content: String) -> Result<String, EngineError> {
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let cmd = ws
        .formatters
        .get(ext)
        .or_else(|| language_of(ext).and_then(|l| ws.formatters.get(l)));
    let Some(cmd) = cmd else {
        return Ok(content);
    };
    let command = cmd.replace("{path}", path);
    let fail = |status: String, output: String| EngineError::CommandFailed {
        location: Location::file("ggen.toml"),
        command: command.clone(),
        status,
        output,
    };
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&command)
        .current_dir(&ws.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("could not start: {e}"), String::new()))?;
    if let Some(mut stdin) = child.stdin.take() {
        let bytes = content.into_bytes();
        // A thread writes while this one reads, so a large file cannot block on a full pipe.
        let writer = match std::thread::Builder::new().spawn(move || stdin.write_all(&bytes)) {
            Ok(w) => w,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(
                    format!("could not start a thread: {e}"),
                    String::new(),
                ));
            }
        };
        let output = child
            .wait_with_output()
            .map_err(|e| fail(format!("could not wait: {e}"), String::new()))?;
        let _ = writer.join();
        if !output.status.success() {
            let err = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = err
                .lines()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            return Err(fail(output.status.to_string(), tail.join("\n")));
        }
        return String::from_utf8(output.stdout)
            .map_err(|_| fail("printed invalid UTF-8".into(), String::new()));
    }
    Err(fail("no stdin".into(), String::new()))
}
