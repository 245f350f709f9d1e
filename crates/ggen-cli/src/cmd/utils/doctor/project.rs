//! Doctor: the current ggen project — ggen.toml loads, sources load, templates lint, the
//! lockfile verifies, the receipt matches, hooks are installed as recorded.

use std::collections::BTreeMap;
use std::time::Instant;

use ggen_core::config::Dirs;
use ggen_engine::lint::Severity;
use ggen_engine::{NoProgress, VerifyStatus, Workspace};
use ggen_lifecycle::hooks::HookManager;

use super::{Checks, Status};
use crate::cmd::Ctx;
use crate::cmd::lifecycle::live::ggen_exe;
use crate::output::CmdError;

/// Record the project checks (one `skip` entry outside a project).
pub fn check(
    ctx: &Ctx,
    checks: &mut Checks,
    dirs: Option<&Dirs>,
    git_ok: bool,
) -> Result<(), CmdError> {
    let t = Instant::now();
    let cwd = ctx.cwd()?;
    let Some(root) = ggen_engine::find_project_root(&cwd) else {
        checks.push(
            "project",
            t,
            Status::Skip,
            format!("{} is not in a ggen project (no ggen.toml)", cwd.display()),
            None,
        );
        return Ok(());
    };
    let manifest = root.join(ggen_engine::MANIFEST_FILE);
    let ws = match Workspace::from_project(&root, &BTreeMap::new()) {
        Ok(ws) => {
            checks.push(
                "ggen.toml",
                t,
                Status::Ok,
                format!("{} loads", manifest.display()),
                None,
            );
            ws
        }
        Err(e) => {
            checks.push(
                "ggen.toml",
                t,
                Status::Fail,
                e.to_string(),
                Some(format!(
                    "fix {} at the position shown (`ggen project init` writes a valid one)",
                    manifest.display()
                )),
            );
            // The remaining project checks need a loadable ggen.toml; hooks do not.
            check_hooks(checks, &root, git_ok);
            return Ok(());
        }
    };
    for w in &ws.warnings {
        ctx.warn(w);
    }

    let t = Instant::now();
    if ws.sources.is_empty() && ws.packs.is_empty() {
        checks.push(
            "sources",
            t,
            Status::Warn,
            "no RDF sources: templates see an empty graph",
            Some("list your ontology files in [graph] sources of ggen.toml".into()),
        );
    } else {
        match ggen_engine::load_graph(&ws, &NoProgress) {
            Ok(g) => checks.push(
                "sources",
                t,
                Status::Ok,
                format!("{} file(s) load, {} triples", ws.sources.len(), g.len()),
                None,
            ),
            Err(e) => checks.push(
                "sources",
                t,
                Status::Fail,
                e.to_string(),
                Some("fix the RDF at the position shown".into()),
            ),
        }
    }

    let t = Instant::now();
    let dirs_search = ws.search_dirs();
    let templates = ws.all_templates();
    let mut errors = Vec::new();
    let mut warnings = 0;
    for (file, _) in &templates {
        for f in ggen_engine::lint::lint(&file.abs, &file.rel, &ws.vars, &ws.prefixes, &dirs_search)
        {
            match f.severity {
                Severity::Error => errors.push(format!("{}: {}", f.location, f.message)),
                Severity::Warning => warnings += 1,
            }
        }
    }
    if !errors.is_empty() {
        let first: Vec<String> = errors.iter().take(3).cloned().collect();
        checks.push(
            "templates",
            t,
            Status::Fail,
            format!(
                "{} lint error(s) in {} template(s): {}",
                errors.len(),
                templates.len(),
                first.join("; ")
            ),
            Some("run `ggen template lint` and fix each error".into()),
        );
    } else if warnings > 0 {
        checks.push(
            "templates",
            t,
            Status::Warn,
            format!(
                "{} template(s), {warnings} lint warning(s)",
                templates.len()
            ),
            Some("run `ggen template lint` to see them".into()),
        );
    } else {
        checks.push(
            "templates",
            t,
            Status::Ok,
            format!("{} template(s) lint clean", templates.len()),
            None,
        );
    }

    check_lockfile(checks, &root, dirs);
    check_receipt(checks, &ws);
    check_hooks(checks, &root, git_ok);
    Ok(())
}

fn check_lockfile(checks: &mut Checks, root: &std::path::Path, dirs: Option<&Dirs>) {
    use ggen_pack::install::{InstallOptions, Installer};
    let t = Instant::now();
    let lock = root.join(ggen_pack::lockfile::LOCKFILE);
    if !lock.is_file() {
        checks.push(
            "lockfile",
            t,
            Status::Skip,
            "no ggen.lock (no packs installed)",
            None,
        );
        return;
    }
    let Some(dirs) = dirs else {
        checks.push(
            "lockfile",
            t,
            Status::Skip,
            "the cache directory is unknown",
            None,
        );
        return;
    };
    let installer = Installer::new(
        Vec::new(),
        ggen_pack::cache::Cache::new(&dirs.cache_dir),
        root,
        InstallOptions::default(),
    );
    match installer.verify() {
        Ok(entries) => {
            let bad: Vec<String> = entries
                .iter()
                .filter(|e| !e.status.is_ok())
                .map(|e| format!("{} {}", e.locked.id, e.locked.version))
                .collect();
            if bad.is_empty() {
                checks.push(
                    "lockfile",
                    t,
                    Status::Ok,
                    format!("{} pack(s) match ggen.lock", entries.len()),
                    None,
                );
            } else {
                checks.push(
                    "lockfile",
                    t,
                    Status::Fail,
                    format!(
                        "{} pack(s) do not match their checksums in the cache: {}",
                        bad.len(),
                        bad.join(", ")
                    ),
                    Some("run `ggen marketplace install` to fetch them again".into()),
                );
            }
        }
        Err(e) => checks.push(
            "lockfile",
            t,
            Status::Fail,
            e.to_string(),
            Some("fix or regenerate ggen.lock (`ggen marketplace install`)".into()),
        ),
    }
}

fn check_receipt(checks: &mut Checks, ws: &Workspace) {
    let t = Instant::now();
    let exists = ws.receipt_path.as_ref().is_some_and(|p| p.is_file());
    if !exists {
        checks.push(
            "receipt",
            t,
            Status::Warn,
            "no .ggen/receipt.json yet",
            Some("run `ggen project gen`".into()),
        );
        return;
    }
    match ggen_engine::verify(ws) {
        Ok(r) if r.ok() => checks.push(
            "receipt",
            t,
            Status::Ok,
            format!("{} generated file(s) match the receipt", r.outputs.len()),
            None,
        ),
        Ok(r) => {
            let bad: Vec<String> = r
                .outputs
                .iter()
                .filter(|(_, s, m)| *s != VerifyStatus::Ok && *m != ggen_engine::OutputMode::Inject)
                .map(|(p, s, _)| {
                    let s = if *s == VerifyStatus::Missing {
                        "missing"
                    } else {
                        "modified"
                    };
                    format!("{p} ({s})")
                })
                .collect();
            let shown: Vec<String> = bad.iter().take(5).cloned().collect();
            checks.push(
                "receipt",
                t,
                Status::Fail,
                format!(
                    "{} generated file(s) differ from the receipt: {}",
                    bad.len(),
                    shown.join(", ")
                ),
                Some(
                    "run `ggen project gen` (hand edits are kept unless --force), or `ggen project verify` for details"
                        .into(),
                ),
            );
        }
        Err(e) => checks.push(
            "receipt",
            t,
            Status::Fail,
            e.to_string(),
            Some("run `ggen project gen` to write a fresh receipt".into()),
        ),
    }
}

fn check_hooks(checks: &mut Checks, root: &std::path::Path, git_ok: bool) {
    let t = Instant::now();
    let manager = HookManager::new(root).with_ggen(ggen_exe().to_string_lossy().into_owned());
    let records = match manager.list() {
        Ok(r) => r,
        Err(e) => {
            checks.push(
                "hooks",
                t,
                Status::Fail,
                e.to_string(),
                Some("fix .ggen/hooks.toml at the position shown".into()),
            );
            return;
        }
    };
    if records.is_empty() {
        checks.push("hooks", t, Status::Ok, "no hooks recorded", None);
        return;
    }
    if !git_ok {
        checks.push(
            "hooks",
            t,
            Status::Fail,
            format!(
                "{} hook(s) recorded but git is not available",
                records.len()
            ),
            Some("install git".into()),
        );
        return;
    }
    match manager.validate() {
        Ok(v) if v.ok => checks.push(
            "hooks",
            t,
            Status::Ok,
            format!("{} hook(s) installed as recorded", v.records),
            None,
        ),
        Ok(v) => {
            let problems: Vec<String> = v
                .issues
                .iter()
                .map(|i| match &i.hook {
                    Some(h) => format!("{h}: {}", i.problem),
                    None => i.problem.clone(),
                })
                .collect();
            checks.push(
                "hooks",
                t,
                Status::Fail,
                problems.join("; "),
                Some(
                    "run `ggen hook validate`; re-create missing hooks with `ggen hook create --force`"
                        .into(),
                ),
            );
        }
        Err(e) => checks.push(
            "hooks",
            t,
            Status::Fail,
            e.to_string(),
            Some("run `ggen hook validate`".into()),
        ),
    }
}
