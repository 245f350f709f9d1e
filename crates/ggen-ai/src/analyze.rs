//! `ggen ai analyze`: send a size-capped summary of a file or project and read back findings;
//! with a graph, also ontology suggestions (whose Turtle is checked to parse).

use std::fmt::Write as _;
use std::path::Path;

use ggen_graph::{Graph, GraphBuilder, Prefixes, RdfSyntax};
use serde::Serialize;

use crate::config::ProviderKind;
use crate::error::AiError;
use crate::extract;
use crate::message::Message;
use crate::prompts;
use crate::provider::Provider;
use crate::repair::Problem;
use crate::sparql::{DEFAULT_VOCABULARY_BUDGET, Vocabulary};

/// Limits of the summary sent to the model.
#[derive(Debug, Clone, Copy)]
pub struct AnalyzeOptions {
    /// Bytes of file content at most (all files together).
    pub max_bytes: usize,
    /// Bytes of one file at most.
    pub max_file_bytes: usize,
    /// Files listed at most.
    pub max_files: usize,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        Self {
            max_bytes: 48 * 1024,
            max_file_bytes: 12 * 1024,
            max_files: 300,
        }
    }
}

/// What was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files found.
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
    /// Files whose content (possibly cut) was included.
    pub included: Vec<String>,
    /// Whether anything was left out or cut.
    pub truncated: bool,
    /// The summary text.
    #[serde(skip)]
    pub text: String,
}

/// Suggested ontology additions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The Turtle the model suggested.
    pub turtle: String,
    /// Parse problems (empty when it parses with the graph's prefixes).
    pub problems: Vec<Problem>,
}

/// The result of [`analyze`].
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The provider.
    pub provider: ProviderKind,
    /// The model.
    pub model: String,
    /// What was sent.
    pub summary: Summary,
    /// One entry per finding (bullet lines of the reply; the whole reply when it has none).
    pub findings: Vec<String>,
    /// Ontology suggestions, when a graph was given and the reply has a Turtle block.
    pub suggestion: Option<Suggestion>,
    /// The whole reply.
    pub reply: String,
}

/// Summarise a file or a directory (respecting `.gitignore`, skipping hidden files) within the
/// limits: a file list with sizes, then file contents, README and manifests first.
pub fn summarize(path: &Path, opts: &AnalyzeOptions) -> Result<Summary, AiError> {
    let meta = std::fs::metadata(path).map_err(|e| AiError::io(path, e))?;
    let mut s = Summary::default();
    let mut files: Vec<(String, std::path::PathBuf, u64)> = Vec::new();
    if meta.is_file() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((name, path.to_path_buf(), meta.len()));
    } else {
        for entry in ignore::WalkBuilder::new(path)
            .sort_by_file_name(Ord::cmp)
            .build()
        {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(path)
                .map(ggen_core::fs::slash_path)
                .unwrap_or_default();
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            files.push((rel, entry.path().to_path_buf(), len));
        }
    }
    s.files = files.len();
    s.bytes = files.iter().map(|f| f.2).sum();
    let mut text = String::new();
    if meta.is_dir() {
        let _ = writeln!(
            text,
            "Project {} ({} files, {} bytes). Files:",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| ".".into()),
            s.files,
            s.bytes
        );
        for (rel, _, len) in files.iter().take(opts.max_files) {
            let _ = writeln!(text, "- {rel} ({len} bytes)");
        }
        if files.len() > opts.max_files {
            let _ = writeln!(text, "- … and {} more", files.len() - opts.max_files);
            s.truncated = true;
        }
    }
    let mut order: Vec<&(String, std::path::PathBuf, u64)> = files.iter().collect();
    order.sort_by_key(|f| (priority(&f.0), f.0.clone()));
    let mut budget = opts.max_bytes;
    for (rel, full, _) in order {
        if budget == 0 {
            s.truncated = true;
            break;
        }
        let Ok(bytes) = std::fs::read(full) else {
            continue;
        };
        if bytes.iter().take(8192).any(|b| *b == 0) {
            continue;
        }
        let content = String::from_utf8_lossy(&bytes);
        let cap = budget.min(opts.max_file_bytes);
        let cut = content.len() > cap;
        let shown = if cut {
            let mut end = cap;
            while !content.is_char_boundary(end) {
                end -= 1;
            }
            content.get(..end).unwrap_or_default()
        } else {
            &content
        };
        budget = budget.saturating_sub(shown.len());
        s.truncated |= cut;
        let _ = writeln!(
            text,
            "\nFile {rel}{}:\n````\n{}\n````",
            if cut { " (cut)" } else { "" },
            shown.trim_end()
        );
        s.included.push(rel.clone());
    }
    s.text = text;
    Ok(s)
}

fn priority(rel: &str) -> u8 {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    if name.starts_with("readme") {
        0
    } else if matches!(
        name.as_str(),
        "ggen.toml" | "cargo.toml" | "package.json" | "pyproject.toml" | "go.mod" | "make.toml"
    ) {
        1
    } else if name.ends_with(".ttl") || name.ends_with(".tmpl") {
        2
    } else {
        3
    }
}

/// Analyze `path`; with `graph`, also ask for ontology suggestions.
pub fn analyze(
    provider: &dyn Provider,
    path: &Path,
    graph: Option<&Graph>,
    opts: &AnalyzeOptions,
) -> Result<Analysis, AiError> {
    let _span = tracing::info_span!("ai_analyze", path = %path.display()).entered();
    let summary = summarize(path, opts)?;
    let mut system = prompts::ANALYZE_SYSTEM.to_owned();
    let mut request = summary.text.clone();
    let mut vocab_prefixes = Prefixes::well_known();
    if let Some(g) = graph {
        system.push('\n');
        system.push_str(prompts::ANALYZE_GRAPH);
        let vocab = Vocabulary::of(g, &Prefixes::new())?;
        for (p, iri) in &vocab.prefixes {
            vocab_prefixes.insert(p.clone(), iri.clone());
        }
        vocab_prefixes.extend_from(g.prefixes());
        request.push_str("\nThe knowledge graph's vocabulary:\n\n");
        request.push_str(&vocab.to_prompt(DEFAULT_VOCABULARY_BUDGET / 2));
    }
    let messages = vec![Message::system(system), Message::user(request)];
    let reply = provider.complete(&messages)?.content;
    let suggestion = graph.and_then(|_| suggestion(&reply, &vocab_prefixes));
    Ok(Analysis {
        provider: provider.kind(),
        model: provider.model().to_owned(),
        summary,
        findings: findings(&reply),
        suggestion,
        reply,
    })
}

/// Bullet lines (`- `, `* `, `1. `) outside code blocks; the whole reply when there are none.
pub fn findings(reply: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in reply.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || line.len() != t.len() {
            continue;
        }
        let item = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| {
                let digits = t.chars().take_while(char::is_ascii_digit).count();
                (digits > 0)
                    .then(|| t.get(digits..))
                    .flatten()
                    .and_then(|r| r.strip_prefix(". "))
            });
        if let Some(i) = item
            && !i.trim().is_empty()
        {
            out.push(i.trim().to_owned());
        }
    }
    if out.is_empty() && !reply.trim().is_empty() {
        out.push(reply.trim().to_owned());
    }
    out
}

fn suggestion(reply: &str, prefixes: &Prefixes) -> Option<Suggestion> {
    let blocks: Vec<String> = extract::code_blocks(reply)
        .into_iter()
        .filter(|b| b.lang == "turtle" || b.lang == "ttl")
        .map(|b| b.body)
        .collect();
    if blocks.is_empty() {
        return None;
    }
    let turtle = blocks.join("\n");
    let mut header = String::new();
    for (p, iri) in prefixes.iter() {
        let _ = writeln!(header, "@prefix {p}: <{iri}> .");
    }
    let offset = u64::try_from(header.lines().count()).unwrap_or(0);
    let mut b = GraphBuilder::new();
    let problems = match b.add_text(
        "suggestion.ttl",
        &format!("{header}{turtle}"),
        RdfSyntax::Turtle,
    ) {
        Ok(_) => Vec::new(),
        Err(e) => {
            let loc = ggen_core::Diagnostic::location(&e);
            let message = match &e {
                ggen_graph::GraphError::Syntax { message, .. } => message.clone(),
                other => other.to_string(),
            };
            vec![
                Problem::new("turtle-syntax", format!("invalid Turtle: {message}")).at(
                    loc.and_then(|l| l.line).map(|l| l.saturating_sub(offset)),
                    loc.and_then(|l| l.column),
                ),
            ]
        }
    };
    Some(Suggestion { turtle, problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_bullets_outside_code() {
        let reply = "Summary first.\n\n- Missing tests for `x`.\n  - nested detail\n* Unused import in a.rs\n2. Slow loop\n```\n- not a finding\n```\n";
        assert_eq!(
            findings(reply),
            vec![
                "Missing tests for `x`.",
                "Unused import in a.rs",
                "Slow loop"
            ]
        );
        assert_eq!(findings("All good."), vec!["All good."]);
    }

    #[test]
    fn summaries_respect_limits_and_put_readme_first() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("README.md"), "# demo\n").unwrap();
        std::fs::write(d.path().join("a.rs"), "x".repeat(5000)).unwrap();
        std::fs::write(d.path().join("bin.dat"), [0u8, 1, 2]).unwrap();
        let opts = AnalyzeOptions {
            max_bytes: 1000,
            max_file_bytes: 800,
            max_files: 10,
        };
        let s = summarize(d.path(), &opts).unwrap();
        assert_eq!(s.files, 3);
        assert_eq!(s.included, vec!["README.md", "a.rs"]);
        assert!(s.truncated);
        assert!(s.text.len() < 1500, "{}", s.text.len());
        assert!(s.text.find("File README.md").unwrap() < s.text.find("File a.rs (cut)").unwrap());
    }
}
