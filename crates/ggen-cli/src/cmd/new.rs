//! `ggen project new <name> --type <kind>`: a new project from a first-party starter pack.
//!
//! The starter pack (`io.ggen.starter-<kind>`, from the registries: the built-in one by default)
//! holds a file-tree spec (`tree.yaml`, the `template generate-tree` format) for the project's
//! own files: `ggen.toml` requiring a model pack, an `ontology/` starter, the build files and
//! sources of the kind. The tree is generated into a staging directory next to the target; then,
//! unless `--no-install`, the project's packs are installed (`ggen.lock`) and the models
//! generated (`.ggen/receipt.json`), so `ggen project gen` right after finds nothing to do. Only
//! then is the staging directory renamed to the target: a failure leaves nothing behind. Finally
//! `git init` (unless `--no-git`) and, with `--hook`, a pre-commit hook running
//! `ggen project diff --check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Args, ValueEnum};
use ggen_engine::{GenOptions, Workspace, parse_cli_vars};
use serde_json::json;

use crate::cmd::{Ctx, shown};
use crate::output::{CmdError, Report};
use crate::progress::Bar;

/// Project kinds (`--type`).
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Kind {
    /// A Rust command-line program (clap, serde).
    RustCli,
    /// A Rust library (serde).
    RustLib,
    /// A Rust web service (axum, tokio) with a `/health` route.
    RustWeb,
    /// A Python library (dataclasses, pyproject.toml).
    PythonLib,
    /// A TypeScript library (interfaces, tsconfig.json).
    TypescriptLib,
}

impl Kind {
    /// The `--type` name.
    pub fn name(self) -> &'static str {
        match self {
            Self::RustCli => "rust-cli",
            Self::RustLib => "rust-lib",
            Self::RustWeb => "rust-web",
            Self::PythonLib => "python-lib",
            Self::TypescriptLib => "typescript-lib",
        }
    }

    /// The starter pack.
    pub fn pack(self) -> String {
        format!("io.ggen.starter-{}", self.name())
    }

    fn next_steps(self) -> &'static [&'static str] {
        match self {
            Self::RustCli => &["cargo run -- \"Write the ontology\" --tag docs"],
            Self::RustLib => &["cargo test"],
            Self::RustWeb => &["cargo run    # then: curl http://127.0.0.1:3000/health"],
            Self::PythonLib => &["python -m pip install -e . && python -m pytest"],
            Self::TypescriptLib => &["npm install && npm run check"],
        }
    }
}

/// `ggen project new`
#[derive(Debug, Args, Clone)]
pub struct NewArgs {
    /// Project name (letters, digits, `-`, `_`; also the directory's name).
    pub name: String,
    /// What to create.
    #[arg(long = "type", value_enum)]
    pub kind: Kind,
    /// Directory to create (default: ./<name>); it must not exist or be empty.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Set a starter variable (repeatable), e.g. --var description="Billing service".
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Only write the project's files: install no packs and generate nothing (run
    /// `ggen project gen` later).
    #[arg(long)]
    pub no_install: bool,
    /// Do not create a git repository.
    #[arg(long)]
    pub no_git: bool,
    /// Install a pre-commit hook that fails when generated code is stale.
    #[arg(long, conflicts_with = "no_git")]
    pub hook: bool,
}

/// The pre-commit drift check offered for every new project.
const HOOK_COMMAND: &str = "ggen project diff --check";

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64
}

/// Removes the staging directory unless the project was moved into place.
struct Staging {
    dir: PathBuf,
    keep: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn io(what: &Path, e: &std::io::Error) -> CmdError {
    CmdError::new("io", format!("{}: {e}", shown(what)))
}

/// Run `ggen project new`.
pub fn run(ctx: &Ctx, args: &NewArgs) -> Result<Report, CmdError> {
    if !valid_name(&args.name) {
        return Err(CmdError::new(
            "usage",
            format!(
                "invalid project name `{}`: use letters, digits, `-` and `_`, starting with a letter",
                args.name
            ),
        ));
    }
    let cwd = ctx.cwd()?;
    let target = match &args.dir {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => cwd.join(d),
        None => cwd.join(&args.name),
    };
    if target.exists() {
        let empty = target.is_dir()
            && std::fs::read_dir(&target)
                .map_err(|e| io(&target, &e))?
                .next()
                .is_none();
        if !empty {
            return Err(CmdError {
                help: Some("choose another name or --dir".into()),
                ..CmdError::new(
                    "exists",
                    format!("{} already exists and is not empty", shown(&target)),
                )
            });
        }
    }
    let mut vars = parse_cli_vars(&args.vars).map_err(|m| CmdError::new("usage", m))?;
    if vars.contains_key("name") {
        return Err(CmdError::new(
            "usage",
            "the project name is the positional argument, not --var name=…",
        ));
    }
    vars.insert("name".into(), json!(args.name));

    // 1. The starter pack.
    let pack_req = format!("{}@^1", args.kind.pack());
    let (_tmp, packs, _) = crate::cmd::tree::fetch_packs(ctx, &[pack_req.as_str()])?;
    let starter = packs
        .iter()
        .find(|p| p.id == args.kind.pack())
        .ok_or_else(|| CmdError::new("pack", format!("{} was not installed", pack_req)))?;
    let spec = starter.root.join("tree.yaml");

    // 2. The project's files, in a staging directory next to the target.
    let parent = target
        .parent()
        .map_or_else(|| cwd.clone(), Path::to_path_buf);
    std::fs::create_dir_all(&parent).map_err(|e| io(&parent, &e))?;
    let staging = Staging {
        dir: parent.join(format!(".{}.ggen-new-{}", args.name, std::process::id())),
        keep: false,
    };
    if staging.dir.exists() {
        std::fs::remove_dir_all(&staging.dir).map_err(|e| io(&staging.dir, &e))?;
    }
    std::fs::create_dir_all(&staging.dir).map_err(|e| io(&staging.dir, &e))?;
    let tree = crate::cmd::tree::render_tree(&spec, &vars, &staging.dir)?;
    crate::cmd::tree::write_tree(&tree, &staging.dir, false)?;
    let mut files: Vec<String> = tree.files.iter().map(|f| f.path.clone()).collect();

    // 3. Packs and generated models.
    let mut generated = Vec::new();
    let mut locked = Vec::new();
    if !args.no_install {
        let mut ws = Workspace::from_project(&staging.dir, &BTreeMap::new())?;
        crate::cmd::marketplace::attach_packs(ctx, &mut ws, Default::default(), true)?;
        locked = ws
            .packs
            .iter()
            .map(|p| format!("{} {}", p.id, p.version))
            .collect();
        let plan = ggen_engine::plan(&ws, &GenOptions::default(), &Bar::new(&ctx.global))?;
        for w in &plan.warnings {
            ctx.warn(w);
        }
        if plan.has_conflicts() {
            return Err(CmdError::new(
                "conflict",
                "the starter's generated files collide with its own files (a bug in the starter)",
            ));
        }
        let applied = ggen_engine::apply(&ws, &plan)?;
        generated = applied.written;
        files.extend(generated.iter().cloned());
        files.push("ggen.lock".into());
        files.push(".ggen/receipt.json".into());
    }

    // 4. Into place.
    if target.exists() {
        std::fs::remove_dir(&target).map_err(|e| io(&target, &e))?;
    }
    std::fs::rename(&staging.dir, &target).map_err(|e| io(&target, &e))?;
    let mut staging = staging;
    staging.keep = true;

    // 5. git and the drift hook.
    let mut git = false;
    let mut hook = false;
    if !args.no_git {
        match Command::new("git")
            .args(["init", "-q"])
            .current_dir(&target)
            .output()
        {
            Ok(o) if o.status.success() => git = true,
            Ok(o) => ctx.warn(&format!(
                "git init failed ({}): {}",
                o.status,
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => ctx.warn(&format!("git not run ({e}); the project has no repository")),
        }
    }
    if args.hook {
        if !git {
            ctx.warn("no git repository: the pre-commit hook was not installed");
        } else {
            let manager = ggen_lifecycle::hooks::HookManager::new(&target).with_ggen(
                crate::cmd::lifecycle::live::ggen_exe()
                    .to_string_lossy()
                    .into_owned(),
            );
            manager
                .create(ggen_lifecycle::hooks::NewHook {
                    name: "ggen-drift".into(),
                    event: ggen_lifecycle::hooks::HookEvent::PreCommit,
                    command: HOOK_COMMAND.into(),
                    watch: Vec::new(),
                    enabled: true,
                    chain: false,
                })
                .map_err(|e| CmdError::diag(&e))?;
            hook = true;
        }
    }

    let where_ = shown(&target);
    let mut human = format!(
        "created {} project {} in {where_} ({} files{})\n",
        args.kind.name(),
        args.name,
        files.len(),
        if args.no_install {
            ", no packs installed, nothing generated".to_owned()
        } else {
            format!("; {} generated with {}", generated.len(), locked.join(", "))
        }
    );
    if git {
        human.push_str("initialised a git repository\n");
    }
    human.push_str(&format!("next:\n  cd {where_}\n"));
    if args.no_install {
        human.push_str("  ggen project gen\n");
    }
    for s in args.kind.next_steps() {
        human.push_str(&format!("  {s}\n"));
    }
    human.push_str("  ggen project watch    # regenerate on every ontology save\n");
    if hook {
        human.push_str(&format!(
            "installed a pre-commit hook running `{HOOK_COMMAND}`\n"
        ));
    } else {
        human.push_str(&format!(
            "check generated code before every commit:\n  ggen hook create pre-commit --name ggen-drift --run \"{HOOK_COMMAND}\"\n"
        ));
    }
    Ok(Report::new(
        human,
        json!({
            "name": args.name,
            "type": args.kind.name(),
            "dir": target.display().to_string(),
            "starter": format!("{} {}", starter.id, starter.version),
            "files": files,
            "generated": generated,
            "packs": locked,
            "installed": !args.no_install,
            "git": git,
            "hook": hook,
            "hook_command": HOOK_COMMAND,
        }),
    ))
}
