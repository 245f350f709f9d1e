//! `ggen ai …`: LLM assistance whose output is validated before it is used.

mod chat;
mod render;

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ggen_ai::{AiError, Overrides, Provider};
use ggen_graph::{Graph, GraphBuilder, Prefixes};
use serde_json::json;

use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report, eprint_line, exit};
use crate::progress::Bar;

/// `ggen ai`: provider options (for every subcommand) and the subcommand.
#[derive(Debug, Args)]
pub struct AiArgs {
    /// Provider options.
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// The subcommand.
    #[command(subcommand)]
    pub command: AiCommand,
}

/// Provider settings on the command line; they override the environment and `[ai]` in the
/// config file.
#[derive(Debug, Args, Clone, Default)]
pub struct ProviderArgs {
    /// Provider: openai (any OpenAI-compatible server), anthropic, ollama or mock.
    #[arg(long, global = true, value_name = "NAME")]
    pub provider: Option<String>,
    /// Model name sent with every request.
    #[arg(long, global = true, value_name = "NAME")]
    pub model: Option<String>,
    /// Base URL of the API (e.g. http://localhost:8000/v1 for vLLM).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Maximum tokens of an answer (optional).
    #[arg(long, global = true, value_name = "N")]
    pub max_tokens: Option<u32>,
    /// Sampling temperature, 0.0 to 2.0 (optional).
    #[arg(long, global = true, value_name = "T")]
    pub temperature: Option<f64>,
    /// Request timeout in seconds.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Scripted replies for the mock provider (a YAML list or JSON array of strings).
    #[arg(long, global = true, value_name = "FILE")]
    pub mock_responses: Option<PathBuf>,
}

/// `ggen ai` subcommands.
#[derive(Debug, Subcommand)]
pub enum AiCommand {
    /// Draft an OWL ontology in Turtle; check it and ask for repairs until it passes.
    #[command(
        after_help = "Example:\n  ggen ai generate-ontology \"A library: books, authors, members, loans\" --out ontology/library.ttl\n  GGEN_AI_PROVIDER=mock ggen ai generate-ontology \"…\" --mock-responses replies.yaml --out o.ttl"
    )]
    GenerateOntology {
        /// What the domain is about.
        description: String,
        /// Write the ontology here (and a record to .ggen/ai/<name>.json); default: print it.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// SHACL shapes the ontology must conform to (repeatable).
        #[arg(long = "shapes", value_name = "FILE")]
        shapes: Vec<PathBuf>,
        /// Requests at most, including the first.
        #[arg(long, default_value_t = ggen_ai::repair::DEFAULT_MAX_ROUNDS, value_name = "N")]
        max_rounds: u32,
    },
    /// Turn a question into SPARQL over a graph's vocabulary; check it runs; show the results.
    #[command(
        after_help = "Example:\n  ggen ai sparql \"Which products cost more than 100?\" --graph ontology/shop.ttl"
    )]
    Sparql {
        /// The question.
        question: String,
        /// RDF files to query (default: the project's graph).
        #[arg(long, short = 'g', value_name = "FILE")]
        graph: Vec<PathBuf>,
        /// Requests at most, including the first.
        #[arg(long, default_value_t = ggen_ai::repair::DEFAULT_MAX_ROUNDS, value_name = "N")]
        max_rounds: u32,
    },
    /// Draft a ggen template (checked by `template lint`) or code.
    #[command(
        after_help = "Example:\n  ggen ai generate \"A Rust struct per OWL class with serde derives\" --template --out templates/model.rs.tmpl"
    )]
    Generate {
        /// What to generate.
        prompt: String,
        /// Draft a ggen template and repair it until `template lint` passes.
        #[arg(long)]
        template: bool,
        /// Write the result here; default: print it.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Requests at most for templates, including the first.
        #[arg(long, default_value_t = ggen_ai::repair::DEFAULT_MAX_ROUNDS, value_name = "N")]
        max_rounds: u32,
    },
    /// Chat with the model; every message carries the whole conversation.
    #[command(
        after_help = "Examples:\n  ggen ai chat --message \"How do I map xsd:decimal to Rust?\"\n  ggen ai chat --interactive     # /reset, /save FILE, /exit"
    )]
    Chat {
        /// A line-edited session (commands: /reset, /save FILE, /exit).
        #[arg(long, short, conflicts_with = "message")]
        interactive: bool,
        /// A message to send (repeatable: one turn each, history kept); default: stdin.
        #[arg(long, short, value_name = "TEXT")]
        message: Vec<String>,
    },
    /// Review a file or project and list findings; with --graph, suggest ontology changes.
    #[command(after_help = "Example:\n  ggen ai analyze src/ --graph ontology/shop.ttl")]
    Analyze {
        /// A file or directory.
        path: PathBuf,
        /// RDF files describing the project (adds ontology suggestions).
        #[arg(long, short = 'g', value_name = "FILE")]
        graph: Vec<PathBuf>,
    },
}

/// Run `ggen ai …`.
pub fn run(ctx: &Ctx, args: AiArgs) -> Result<Report, CmdError> {
    let settings = settings(ctx, &args.provider)?;
    let provider = ggen_ai::build_provider(&settings).map_err(ai_err)?;
    let p = provider.as_ref();
    match args.command {
        AiCommand::GenerateOntology {
            description,
            out,
            shapes,
            max_rounds,
        } => generate_ontology(ctx, p, &description, out.as_deref(), shapes, max_rounds),
        AiCommand::Sparql {
            question,
            graph,
            max_rounds,
        } => sparql(ctx, p, &question, &graph, max_rounds),
        AiCommand::Generate {
            prompt,
            template,
            out,
            max_rounds,
        } => generate(ctx, p, &prompt, template, out.as_deref(), max_rounds),
        AiCommand::Chat {
            interactive,
            message,
        } => chat::run(ctx, p, interactive, &message),
        AiCommand::Analyze { path, graph } => analyze(p, &path, &graph),
    }
}

/// Any AI error as a command error (exit 2).
pub(crate) fn ai_err(e: AiError) -> CmdError {
    CmdError::diag(&e)
}

fn settings(ctx: &Ctx, args: &ProviderArgs) -> Result<ggen_ai::AiSettings, CmdError> {
    // `[ai]` of the config file (`--config FILE`, else `$GGEN_CONFIG_DIR/config.toml`, else the
    // platform configuration directory).
    let dirs = ggen_core::config::Dirs::resolve(ctx.global.config.as_deref())
        .map_err(|e| CmdError::diag(&e))?;
    let config = if ctx.global.config.is_some() {
        ggen_core::config::load(&dirs.config_file)
    } else {
        ggen_core::config::load_or_empty(&dirs.config_file)
    }
    .map_err(|e| CmdError::diag(&e))?;
    let table = ggen_ai::config::ai_section(&config).map_err(ai_err)?;
    let flags = Overrides {
        provider: args.provider.clone(),
        model: args.model.clone(),
        base_url: args.base_url.clone(),
        max_tokens: args.max_tokens,
        temperature: args.temperature,
        timeout: args.timeout,
        mock_responses: args.mock_responses.clone(),
    };
    ggen_ai::config::resolve_from_env(table.as_ref(), &flags).map_err(ai_err)
}

/// Print a line about progress on stderr (unless --quiet or --json).
fn note(ctx: &Ctx, text: &str) {
    if !ctx.global.quiet && !ctx.global.json {
        eprint_line(text);
    }
}

fn rounds_text(rounds: &[ggen_ai::repair::Round]) -> String {
    let mut s = String::new();
    for r in rounds {
        if r.errors.is_empty() {
            s.push_str(&format!("round {}: passed\n", r.round));
        } else {
            s.push_str(&format!(
                "round {}: {} problem{}\n",
                r.round,
                r.errors.len(),
                if r.errors.len() == 1 { "" } else { "s" }
            ));
            for e in &r.errors {
                s.push_str(&format!("  - {e}\n"));
            }
        }
    }
    s
}

fn failed_report(what: &str, rounds: &[ggen_ai::repair::Round], json: serde_json::Value) -> Report {
    let last = rounds
        .last()
        .map(|r| r.errors.as_slice())
        .unwrap_or_default();
    let mut human = format!(
        "{what} did not pass the checks after {} round{}; nothing was written. Last problems:\n",
        rounds.len(),
        if rounds.len() == 1 { "" } else { "s" }
    );
    for e in last {
        human.push_str(&format!("  - {e}\n"));
    }
    Report::new(human, json).with_exit(exit::CHECK_FAILED)
}

/// `.ggen/ai` of the project (or of the current directory outside a project).
fn ai_dir(ctx: &Ctx) -> Result<PathBuf, CmdError> {
    let cwd = ctx.cwd()?;
    let root = ggen_engine::find_project_root(&cwd).unwrap_or(cwd);
    Ok(root.join(".ggen").join("ai"))
}

fn generate_ontology(
    ctx: &Ctx,
    provider: &dyn Provider,
    description: &str,
    out: Option<&Path>,
    shapes: Vec<PathBuf>,
    max_rounds: u32,
) -> Result<Report, CmdError> {
    let name = out.and_then(Path::file_name).map_or_else(
        || "ontology.ttl".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let opts = ggen_ai::ontology::OntologyOptions {
        max_rounds,
        shapes,
        name,
    };
    let outcome =
        ggen_ai::ontology::generate_ontology(provider, description, &opts).map_err(ai_err)?;
    let mut doc = json!({
        "provider": outcome.provider,
        "model": outcome.model,
        "prompt_sha256": outcome.prompt_sha256,
        "rounds": outcome.rounds,
        "passed": outcome.passed(),
        "stats": outcome.stats,
        "output": null,
        "sidecar": null,
        "result_sha256": null,
    });
    if !outcome.passed() {
        note(ctx, rounds_text(&outcome.rounds).trim_end());
        return Ok(failed_report("the ontology", &outcome.rounds, doc));
    }
    let stats = outcome.stats.unwrap_or(ggen_ai::ontology::OntologyStats {
        triples: 0,
        classes: 0,
        properties: 0,
    });
    let summary = format!(
        "{} classes, {} properties, {} triples; {} round{}",
        stats.classes,
        stats.properties,
        stats.triples,
        outcome.rounds.len(),
        if outcome.rounds.len() == 1 { "" } else { "s" }
    );
    let Some(out) = out else {
        note(ctx, rounds_text(&outcome.rounds).trim_end());
        let turtle = outcome.turtle.clone().unwrap_or_default();
        if let Some(m) = doc.as_object_mut() {
            m.insert("turtle".into(), json!(turtle));
        }
        return Ok(Report::new(turtle, doc));
    };
    let shown_out = ggen_core::fs::slash_path(Path::new(&shown(out)));
    let written = ggen_ai::ontology::write_ontology(&outcome, out, &shown_out, &ai_dir(ctx)?)
        .map_err(ai_err)?;
    if let Some(m) = doc.as_object_mut() {
        m.insert("output".into(), json!(shown_out));
        m.insert("sidecar".into(), json!(shown(&written.sidecar)));
        m.insert("result_sha256".into(), json!(written.sha256));
    }
    let human = format!(
        "{}wrote {shown_out} ({summary})\nrecord: {}\n",
        rounds_text(&outcome.rounds),
        shown(&written.sidecar)
    );
    Ok(Report::new(human, doc))
}

/// Load RDF files, or the project graph when none are given: (graph, prefixes, base).
fn load_graph(ctx: &Ctx, files: &[PathBuf]) -> Result<(Graph, Prefixes, Option<String>), CmdError> {
    if files.is_empty() {
        let root = ctx.project_root()?;
        let ws = ggen_engine::Workspace::from_project(&root, &Default::default())?;
        let g = ggen_engine::load_graph(&ws, &Bar::new(&ctx.global))?;
        let mut p = g.prefixes().clone();
        p.extend_from(&ws.prefixes);
        return Ok((g, p, ws.base.clone()));
    }
    let mut b = GraphBuilder::new();
    for f in files {
        b.add_file_as(f, Path::new(&shown(f)), None)?;
    }
    let g = b.build()?;
    let p = g.prefixes().clone();
    Ok((g, p, None))
}

fn sparql(
    ctx: &Ctx,
    provider: &dyn Provider,
    question: &str,
    files: &[PathBuf],
    max_rounds: u32,
) -> Result<Report, CmdError> {
    let (graph, prefixes, base) = load_graph(ctx, files)?;
    let opts = ggen_ai::sparql::SparqlOptions {
        max_rounds,
        prefixes: prefixes.clone(),
        base,
        ..Default::default()
    };
    let outcome = ggen_ai::sparql::sparql(provider, question, &graph, &opts).map_err(ai_err)?;
    let mut doc = json!({
        "provider": outcome.provider,
        "model": outcome.model,
        "rounds": outcome.rounds,
        "passed": outcome.query.is_some(),
        "query": outcome.query,
        "results": outcome.output.as_ref().map(render::results_json),
    });
    let (Some(query), Some(output)) = (&outcome.query, &outcome.output) else {
        note(ctx, rounds_text(&outcome.rounds).trim_end());
        return Ok(failed_report("the query", &outcome.rounds, doc));
    };
    if outcome.rounds.len() > 1 {
        note(ctx, rounds_text(&outcome.rounds).trim_end());
    }
    let mut shorten = Prefixes::well_known();
    shorten.extend_from(&prefixes);
    let human = format!("{}\n{}", query.trim_end(), render::human(output, &shorten));
    if let Some(m) = doc.as_object_mut() {
        m.insert(
            "vocabulary".into(),
            json!({ "classes": outcome.vocabulary.0, "properties": outcome.vocabulary.1 }),
        );
    }
    Ok(Report::new(human, doc))
}

fn generate(
    ctx: &Ctx,
    provider: &dyn Provider,
    prompt: &str,
    template: bool,
    out: Option<&Path>,
    max_rounds: u32,
) -> Result<Report, CmdError> {
    let mut opts = ggen_ai::generate::GenerateOptions {
        template,
        max_rounds,
        ..Default::default()
    };
    if let Some(name) = out.and_then(Path::file_name) {
        opts.file_name = name.to_string_lossy().into_owned();
    }
    if template && let Some(root) = ggen_engine::find_project_root(&ctx.cwd()?) {
        let ws = ggen_engine::Workspace::from_project(&root, &Default::default())?;
        opts.vars = ws.vars.clone();
        opts.prefixes = ws.prefixes.clone();
    }
    let outcome = ggen_ai::generate::generate(provider, prompt, &opts).map_err(ai_err)?;
    let mut doc = json!({
        "provider": outcome.provider,
        "model": outcome.model,
        "template": template,
        "rounds": outcome.rounds,
        "passed": outcome.text.is_some(),
        "warnings": outcome.warnings,
        "output": null,
    });
    let Some(text) = &outcome.text else {
        note(ctx, rounds_text(&outcome.rounds).trim_end());
        return Ok(failed_report("the template", &outcome.rounds, doc));
    };
    if template {
        note(ctx, rounds_text(&outcome.rounds).trim_end());
    }
    for w in &outcome.warnings {
        ctx.warn(&format!("template lint: {w}"));
    }
    let Some(out) = out else {
        if let Some(m) = doc.as_object_mut() {
            m.insert("text".into(), json!(text));
        }
        return Ok(Report::new(text.clone(), doc));
    };
    ggen_core::fs::write_atomic(out, text.as_bytes())
        .map_err(|e| CmdError::new("io", format!("{}: {e}", out.display())))?;
    let shown_out = shown(out);
    if let Some(m) = doc.as_object_mut() {
        m.insert("output".into(), json!(shown_out));
        m.insert(
            "sha256".into(),
            json!(ggen_core::hash::sha256_hex(text.as_bytes())),
        );
    }
    let what = if template {
        "template (passes `ggen template lint`)"
    } else {
        "code"
    };
    Ok(Report::new(format!("wrote {shown_out}: {what}\n"), doc))
}

fn analyze(provider: &dyn Provider, path: &Path, files: &[PathBuf]) -> Result<Report, CmdError> {
    let graph = if files.is_empty() {
        None
    } else {
        let mut b = GraphBuilder::new();
        for f in files {
            b.add_file_as(f, Path::new(&shown(f)), None)?;
        }
        Some(b.build()?)
    };
    let opts = ggen_ai::analyze::AnalyzeOptions::default();
    let a = ggen_ai::analyze::analyze(provider, path, graph.as_ref(), &opts).map_err(ai_err)?;
    let mut human = format!(
        "{} ({} file{}, {} bytes; sent {}{}):\n",
        shown(path),
        a.summary.files,
        if a.summary.files == 1 { "" } else { "s" },
        a.summary.bytes,
        a.summary.included.len(),
        if a.summary.truncated {
            ", cut to fit"
        } else {
            ""
        }
    );
    for (i, f) in a.findings.iter().enumerate() {
        human.push_str(&format!("{:>3}. {f}\n", i + 1));
    }
    if let Some(s) = &a.suggestion {
        human.push_str("\nSuggested ontology additions");
        if s.problems.is_empty() {
            human.push_str(" (parse as Turtle):\n");
        } else {
            human.push_str(" (do NOT parse as Turtle):\n");
            for p in &s.problems {
                human.push_str(&format!("  - {p}\n"));
            }
        }
        human.push_str(&s.turtle);
    }
    let doc = serde_json::to_value(&a).unwrap_or_default();
    Ok(Report::new(human, doc))
}
