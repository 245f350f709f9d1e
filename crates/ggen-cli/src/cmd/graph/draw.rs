//! `graph visualize`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use clap::{Args, ValueEnum};
use ggen_graph::{DiagramFormat, VisualizeOptions};
use serde_json::json;

use super::{InputArgs, display_prefixes, load_files, write_or_print};
use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report};

/// `graph visualize --format`
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum VisualFormat {
    /// Graphviz DOT.
    #[default]
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// Nodes and edges as JSON.
    Json,
    /// SVG, rendered by Graphviz `dot` (Debian package `graphviz`).
    Svg,
    /// PNG, rendered by Graphviz `dot` (needs --out).
    Png,
}

/// `graph visualize`
#[derive(Debug, Args)]
pub struct VisualizeArgs {
    /// RDF files (drawn together).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VisualFormat::Dot)]
    pub format: VisualFormat,
    /// Draw the class diagram (classes, subclass edges, properties with their ranges) instead
    /// of the triples.
    #[arg(long)]
    pub classes: bool,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
}

/// `ggen graph visualize`
pub fn run(ctx: &Ctx, a: &VisualizeArgs) -> Result<Report, CmdError> {
    if a.format == VisualFormat::Png && a.out.is_none() {
        return Err(CmdError::new(
            "usage",
            "PNG is binary: write it to a file with --out FILE",
        ));
    }
    let g = load_files(ctx, &a.files, &a.input)?;
    let diagram_format = match a.format {
        VisualFormat::Mermaid => DiagramFormat::Mermaid,
        VisualFormat::Json => DiagramFormat::Json,
        VisualFormat::Dot | VisualFormat::Svg | VisualFormat::Png => DiagramFormat::Dot,
    };
    let mut options = VisualizeOptions::new(diagram_format, display_prefixes(&g));
    if a.classes {
        options = options.classes();
    }
    let text = ggen_graph::visualize(&g, &options)?;
    let bytes = match a.format {
        VisualFormat::Svg => render(&text, "svg")?,
        VisualFormat::Png => render(&text, "png")?,
        _ => text.into_bytes(),
    };
    let len = bytes.len();
    let printed = write_or_print(a.out.as_deref(), bytes)?;
    let format = format!("{:?}", a.format).to_lowercase();
    let doc = json!({
        "format": format,
        "classes": a.classes,
        "out": a.out.as_deref().map(shown),
        "bytes": len,
        "content": printed,
    });
    let human = printed.unwrap_or_else(|| {
        format!(
            "wrote {format} ({len} bytes) to {}\n",
            a.out.as_deref().map(shown).unwrap_or_default()
        )
    });
    Ok(Report::new(human, doc))
}

/// Render DOT with Graphviz (`dot -T<format>`).
fn render(dot: &str, format: &str) -> Result<Vec<u8>, CmdError> {
    let child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut err = CmdError::new(
                "graphviz-missing",
                format!(
                    "rendering {format} needs Graphviz's `dot` command, which is not installed (not found on PATH)"
                ),
            );
            err.help = Some(
                "install Graphviz (Debian/Ubuntu: apt-get install graphviz), or write --format dot and render it elsewhere"
                    .into(),
            );
            return Err(err);
        }
        Err(e) => return Err(CmdError::new("io", format!("cannot run `dot`: {e}"))),
    };
    // Write on another thread so that a large output cannot block on a full pipe.
    let input = dot.as_bytes().to_vec();
    let stdin = child.stdin.take();
    let writer = match std::thread::Builder::new().spawn(move || {
        if let Some(mut s) = stdin {
            let _ = s.write_all(&input);
        }
    }) {
        Ok(w) => w,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(CmdError::new("io", format!("cannot start a thread: {e}")));
        }
    };
    let out = child
        .wait_with_output()
        .map_err(|e| CmdError::new("io", format!("cannot run `dot`: {e}")))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(CmdError::new(
            "graphviz-failed",
            format!(
                "`dot -T{format}` failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    Ok(out.stdout)
}
