//! `ggen ai generate`: draft a ggen template (checked with `template lint`, repaired on lint
//! errors) or a piece of code.

use std::collections::BTreeMap;

use ggen_engine::lint::{Severity, lint};
use ggen_graph::Prefixes;

use crate::config::ProviderKind;
use crate::error::AiError;
use crate::extract;
use crate::message::Message;
use crate::prompts;
use crate::provider::Provider;
use crate::repair::{self, DEFAULT_MAX_ROUNDS, Problem, Round};

/// Options for [`generate`].
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Draft a ggen template (checked by `template lint`) instead of code.
    pub template: bool,
    /// Rounds at most for templates, including the first (default 3).
    pub max_rounds: u32,
    /// Project variables the template may use (for lint).
    pub vars: BTreeMap<String, serde_json::Value>,
    /// Project prefixes (for lint's SPARQL checks).
    pub prefixes: Prefixes,
    /// The template's file name (for lint and messages), e.g. `model.rs.tmpl`.
    pub file_name: String,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self {
            template: false,
            max_rounds: DEFAULT_MAX_ROUNDS,
            vars: BTreeMap::new(),
            prefixes: Prefixes::new(),
            file_name: "draft.tmpl".to_owned(),
        }
    }
}

/// What [`generate`] did.
#[derive(Debug, Clone)]
pub struct GenerateOutcome {
    /// The provider.
    pub provider: ProviderKind,
    /// The model.
    pub model: String,
    /// Every round with its problems.
    pub rounds: Vec<Round>,
    /// The accepted text (a template that passes lint, or the code).
    pub text: Option<String>,
    /// Lint warnings of the accepted template.
    pub warnings: Vec<Problem>,
}

/// Draft a template or code for `prompt`.
pub fn generate(
    provider: &dyn Provider,
    prompt: &str,
    opts: &GenerateOptions,
) -> Result<GenerateOutcome, AiError> {
    let _span = tracing::info_span!("ai_generate", template = opts.template).entered();
    if prompt.trim().is_empty() {
        return Err(AiError::InvalidOption("the prompt is empty".into()));
    }
    let system = if opts.template {
        prompts::TEMPLATE_SYSTEM
    } else {
        prompts::CODE_SYSTEM
    };
    let messages = vec![Message::system(system), Message::user(prompt.trim())];
    if !opts.template {
        let out = repair::run(
            provider,
            messages,
            1,
            |reply| {
                extract::extract(reply, &[], &[])
                    .ok_or_else(|| vec![Problem::new("no-code", "the reply is empty")])
            },
            |_| String::new(),
        )?;
        return Ok(GenerateOutcome {
            provider: provider.kind(),
            model: provider.model().to_owned(),
            rounds: out.rounds,
            text: out.value,
            warnings: Vec::new(),
        });
    }
    let dir = tempfile::tempdir().map_err(|e| AiError::io(std::env::temp_dir(), e))?;
    let out = repair::run(
        provider,
        messages,
        opts.max_rounds,
        |reply| {
            let text = template_text(reply).ok_or_else(|| {
                vec![Problem::new(
                    "no-template",
                    "the reply contains no template; reply with one ````tmpl block",
                )]
            })?;
            let (errors, warnings) = lint_text(&text, dir.path(), opts)?;
            if errors.is_empty() {
                Ok((text, warnings))
            } else {
                Err(errors)
            }
        },
        |problems| prompts::template_repair(&repair::bullet_list(problems)),
    )?;
    let (text, warnings) = match out.value {
        Some((t, w)) => (Some(t), w),
        None => (None, Vec::new()),
    };
    Ok(GenerateOutcome {
        provider: provider.kind(),
        model: provider.model().to_owned(),
        rounds: out.rounds,
        text,
        warnings,
    })
}

/// The template in a reply: the first fenced block that starts with frontmatter, else a block
/// tagged `tmpl`/`jinja`, else the first block, else the whole reply.
fn template_text(reply: &str) -> Option<String> {
    let blocks = extract::code_blocks(reply);
    if let Some(b) = blocks
        .iter()
        .find(|b| b.body.trim_start().starts_with("---"))
    {
        return Some(b.body.trim_start().to_owned());
    }
    extract::extract(reply, &["tmpl", "jinja", "jinja2", "j2"], &[""])
}

/// Lint a template text as `opts.file_name` in `dir`: (errors, warnings).
fn lint_text(
    text: &str,
    dir: &std::path::Path,
    opts: &GenerateOptions,
) -> Result<(Vec<Problem>, Vec<Problem>), Vec<Problem>> {
    let name = std::path::Path::new(&opts.file_name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "draft.tmpl".to_owned());
    let path = dir.join(&name);
    std::fs::write(&path, text).map_err(|e| {
        vec![Problem::new(
            "io",
            format!("cannot write the draft for linting: {e}"),
        )]
    })?;
    let findings = lint(
        &path,
        &name,
        &opts.vars,
        &opts.prefixes,
        &[dir.to_path_buf()],
    );
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for f in findings {
        let p = Problem::new(&f.code, f.message).at(f.location.line, f.location.column);
        match f.severity {
            Severity::Error => errors.push(p),
            Severity::Warning => warnings.push(p),
        }
    }
    Ok((errors, warnings))
}
