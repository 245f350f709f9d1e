//! Command-line argument types (clap derive). Only types here; behaviour lives in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Generate code in many languages from one RDF knowledge graph.
#[derive(Debug, Parser)]
#[command(
    name = "ggen",
    version,
    about = "Generate code in many languages from one RDF knowledge graph",
    long_about = "ggen loads an RDF ontology, runs the SPARQL queries in your templates' frontmatter, \
renders the templates and writes the files deterministically, with a receipt proving which inputs \
made which outputs.",
    after_help = "Examples:\n  ggen -C examples/shop project gen     generate the example project\n  ggen project diff --check             fail when generated code is stale\n  ggen graph query 'SELECT * WHERE { ?s ?p ?o } LIMIT 5' --graph ontology.ttl",
    arg_required_else_help = true,
    propagate_version = true
)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted by every command.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Run as if ggen was started in DIR.
    #[arg(short = 'C', long = "directory", value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,
    /// Print one JSON document on stdout (messages for people go to stderr).
    #[arg(long, global = true)]
    pub json: bool,
    /// Print less (errors only).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more (repeat for more detail: -v info, -vv debug, -vvv trace logs).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Never draw progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Use this configuration file instead of the default one.
    #[arg(long, value_name = "FILE", global = true, env = "GGEN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Do not use the network.
    #[arg(long, global = true)]
    pub offline: bool,
    /// Log line format (logs go to stderr; filter with GGEN_LOG, e.g. GGEN_LOG=ggen=debug).
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

/// `--color`
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when stdout/stderr is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--log-format`
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Author and run templates.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Whole projects: init, gen, diff, verify.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Work with RDF graphs.
    #[command(subcommand)]
    Graph(crate::cmd::graph::GraphCommand),
    /// LLM assistance, validated: ontologies, SPARQL, templates, chat, analysis.
    #[command(
        after_help = "Examples:\n  ggen ai generate-ontology \"A library: books, authors, loans\" --out ontology/library.ttl\n  ggen ai sparql \"Which products cost more than 100?\"\n  GGEN_AI_PROVIDER=mock ggen ai chat --message hi     # offline"
    )]
    Ai(crate::cmd::ai::AiArgs),
    /// Project phases from make.toml and production-readiness checks.
    #[command(subcommand)]
    Lifecycle(crate::cmd::lifecycle::LifecycleCommand),
    /// Git hooks that keep generated code honest.
    #[command(subcommand)]
    Hook(crate::cmd::hook::HookCommand),
    /// Template packs: search, install, update, publish, verify.
    #[command(subcommand, visible_alias = "market")]
    Marketplace(crate::cmd::marketplace::MarketplaceCommand),
    /// Diagnostics and configuration: doctor, env.
    #[command(subcommand)]
    Utils(crate::cmd::utils::UtilsCommand),
    /// Generate every template of the project (same as `ggen project gen`).
    #[command(after_help = "Example:\n  ggen sync --check")]
    Sync(GenArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  ggen completions bash > ~/.local/share/bash-completion/completions/ggen"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Write man pages into a directory.
    #[command(hide = true)]
    GenerateMan {
        /// Output directory.
        #[arg(long, default_value = "man")]
        out: PathBuf,
    },
}

/// Variables and safety switches shared by generating commands.
#[derive(Debug, Args, Clone, Default)]
pub struct RunArgs {
    /// Set a template variable (repeatable): --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Print the plan (actions and unified diffs) and write nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Exit 1 when the generated files differ from what is on disk (write nothing).
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Overwrite files edited by hand since the last generation.
    #[arg(long, short = 'f')]
    pub force: bool,
    /// Allow templates' sh_before/sh_after commands to run.
    #[arg(long)]
    pub allow_shell: bool,
    /// Allow `to:` paths outside the output root.
    #[arg(long)]
    pub allow_outside_root: bool,
    /// Treat warnings (e.g. unknown frontmatter keys) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Run the formatters of `[output] format` on generated files.
    #[arg(long)]
    pub format: bool,
    /// How files you edited meet the new output (default: each template's `merge:`, else three-way).
    #[arg(long, value_enum, value_name = "POLICY")]
    pub merge: Option<MergeArg>,
}

/// `--merge`
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MergeArg {
    /// Merge your edits with the new output; overlapping changes get conflict markers.
    ThreeWay,
    /// The new output replaces your edits.
    Overwrite,
    /// Merge, keeping your lines where both sides changed.
    KeepOurs,
    /// Every generated change to an edited file becomes a conflict block.
    MarkersOnly,
}

/// `project gen` / `sync`
#[derive(Debug, Args, Clone, Default)]
pub struct GenArgs {
    /// Shared generation options.
    #[command(flatten)]
    pub run: RunArgs,
    /// Only run templates matching this glob (repeatable), e.g. --only 'templates/rust/*'.
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Packs: --locked / --frozen (ggen.lock must not change).
    #[command(flatten)]
    pub lock: crate::cmd::marketplace::LockArgs,
}

/// `ggen template …`
#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Render one template.
    #[command(
        after_help = "Examples:\n  ggen template generate templates/model.rs.tmpl --rdf shop.ttl --var crate=shop --out src\n  ggen template generate t.tmpl --rdf a.ttl --dry-run"
    )]
    Generate {
        /// The template file.
        template: PathBuf,
        /// RDF files for the graph (when given, the project's graph is not used).
        #[arg(long, value_name = "FILE")]
        rdf: Vec<PathBuf>,
        /// Output root (default: the project's output dir, or the current directory).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Shared generation options.
        #[command(flatten)]
        run: RunArgs,
    },
    /// List templates with their descriptions.
    #[command(after_help = "Example:\n  ggen template list --dir templates")]
    List {
        /// Directory to list (default: the project's template dirs).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Show a template's frontmatter: output pattern, variables, queries.
    #[command(after_help = "Example:\n  ggen template show templates/model.rs.tmpl")]
    Show {
        /// The template file.
        template: PathBuf,
    },
    /// Check templates: YAML, keys, template syntax, SPARQL syntax, undefined variables, foreach names.
    #[command(after_help = "Example:\n  ggen template lint templates/*.tmpl")]
    Lint {
        /// Template files (default: every template of the project).
        templates: Vec<PathBuf>,
    },
    /// Create a new template that renders as written.
    #[command(after_help = "Example:\n  ggen template new model --kind rust")]
    New {
        /// Name (file name without extension).
        name: String,
        /// What the template generates.
        #[arg(long, value_enum, default_value_t = TemplateKind::Generic)]
        kind: TemplateKind,
        /// Directory to create it in (default: the project's first template dir, or `templates`).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Regenerate the outputs recorded in the receipt (all, or the named templates'), merging your edits.
    #[command(
        after_help = "Examples:\n  ggen template regenerate\n  ggen template regenerate templates/model.rs.tmpl --merge keep-ours"
    )]
    Regenerate(crate::cmd::regenerate::RegenerateArgs),
    /// Generate a file tree from a YAML tree spec (name, variables, defaults, tree).
    #[command(
        alias = "generate_tree",
        after_help = "Examples:\n  ggen template generate-tree service.yaml --var name=billing --out services\n  ggen template generate-tree service.yaml --var name=billing --dry-run"
    )]
    GenerateTree(crate::cmd::tree::TreeArgs),
    /// Generate from an ontology with a template file or a pack (alias of `template generate`).
    #[command(
        alias = "generate_rdf",
        after_help = "Examples:\n  ggen template generate-rdf --ontology shop.ttl --template templates/model.rs.tmpl\n  ggen template generate-rdf --ontology shop.ttl --template io.ggen.rust-models --out src"
    )]
    GenerateRdf(crate::cmd::tree::RdfArgs),
}

/// `template new --kind`
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TemplateKind {
    /// Serde structs, one file per class.
    Rust,
    /// TypeScript interfaces, one file per class.
    Typescript,
    /// Python dataclasses, one file per class.
    Python,
    /// A Markdown list of classes.
    Generic,
}

/// `ggen project …`
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Create ggen.toml, ontology/ and templates/ in a directory.
    #[command(after_help = "Example:\n  ggen project init --name shop")]
    Init {
        /// Project name (default: the directory's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Run every template of ggen.toml (alias: `ggen sync`).
    #[command(
        visible_alias = "sync",
        after_help = "Examples:\n  ggen project gen\n  ggen project gen --dry-run\n  ggen project gen --check    # CI drift gate"
    )]
    Gen(GenArgs),
    /// Show how the working tree differs from what the inputs generate (exit 1 on drift).
    #[command(after_help = "Example:\n  ggen project diff --check")]
    Diff {
        /// Only report; print no diff.
        #[arg(long)]
        check: bool,
        /// Set a template variable (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
    },
    /// Re-hash generated files against .ggen/receipt.json.
    #[command(after_help = "Example:\n  ggen project verify")]
    Verify,
    /// Regenerate incrementally whenever the ontology, templates, ggen.toml or ggen.lock change.
    #[command(
        after_help = "Examples:\n  ggen project watch\n  ggen project watch --json --debounce 100   # one JSON object per cycle"
    )]
    Watch(crate::cmd::watch::WatchArgs),
    /// Create a new project from a first-party starter pack, wired to ggen and generated.
    #[command(
        after_help = "Examples:\n  ggen project new hello --type rust-cli\n  ggen project new shop-api --type rust-web --no-git"
    )]
    New(crate::cmd::new::NewArgs),
    /// Plan a generation and save it (with its input hashes) to apply later.
    #[command(
        after_help = "Examples:\n  ggen project plan --out plan.json\n  ggen project apply plan.json"
    )]
    Plan(crate::cmd::project::PlanArgs),
    /// Apply a saved plan exactly, refusing it when its inputs changed since it was made.
    #[command(after_help = "Example:\n  ggen project apply plan.json")]
    Apply(crate::cmd::project::ApplyArgs),
}
