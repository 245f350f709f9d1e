//! `install`, `list`, `update`, `remove`, `verify` in the current project, and
//! [`attach_packs`] for generation.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use ggen_core::Diagnostic as _;
use ggen_pack::PackId;
use ggen_pack::cache::{ArchiveState, PackCacheStatus, SourceState};
use ggen_pack::install::{
    Change, InstallError, InstallReport, InstalledPack, Installer, Mode, PackRequest, VerifyEntry,
};
use ggen_pack::lockfile::LockedPack;
use ggen_pack::resolve::ResolveError;
use serde_json::{Value, json};

use super::registries::Env;
use super::{LockArgs, install_options, mode};
use crate::cmd::Ctx;
use crate::output::{CmdError, Report, exit};
use crate::progress::Bar;

fn installer(
    ctx: &Ctx,
    mode: Mode,
    allow_unsigned: bool,
) -> Result<(Installer, PathBuf), CmdError> {
    let root = ctx.project_root()?;
    let env = Env::load(ctx)?;
    let bar = Arc::new(Bar::new(&ctx.global));
    let handles = env.handles(ctx, mode, Some(&root), Some(&bar))?;
    Ok((
        Installer::new(
            handles,
            env.cache,
            &root,
            install_options(mode, allow_unsigned),
        ),
        root,
    ))
}

/// An installer error as a command error; unknown packs get suggestions from every registry.
fn install_error(e: &InstallError, inst: &Installer) -> CmdError {
    if let InstallError::Resolve(ResolveError::UnknownPack {
        id,
        required_by,
        suggestions,
    }) = e
        && suggestions.is_empty()
    {
        return super::query::unknown_pack(id, inst.registries(), required_by);
    }
    let mut err = CmdError::diag(e);
    if err.location.is_none()
        && let InstallError::Resolve(ResolveError::Registry(r)) = e
    {
        // a malformed index line: keep its file and line
        err.location = r.location().cloned();
    }
    err
}

fn change_json(c: &Change) -> Value {
    match c {
        Change::Added { id, version } => {
            json!({"action": "add", "id": id.to_string(), "version": version.to_string()})
        }
        Change::Updated { id, from, to } => json!({
            "action": "update", "id": id.to_string(), "from": from.to_string(), "version": to.to_string()
        }),
        Change::Removed { id, version } => {
            json!({"action": "remove", "id": id.to_string(), "version": version.to_string()})
        }
    }
}

fn locked_json(p: &LockedPack) -> Value {
    json!({
        "id": p.id.to_string(),
        "version": p.version.to_string(),
        "source": p.source,
        "checksum": p.checksum,
        "signed_by": p.signed_by,
        "dependencies": p.dependencies.iter().map(|(d, v)| format!("{d} {v}")).collect::<Vec<_>>(),
    })
}

fn pack_json(p: &InstalledPack) -> Value {
    let mut v = locked_json(&p.locked);
    if let Value::Object(m) = &mut v {
        m.insert("dir".into(), json!(p.dir.display().to_string()));
    }
    v
}

/// The report of an install / update / remove.
fn report(ctx: &Ctx, r: &InstallReport, verb: &str, dry_run: bool) -> Report {
    for w in &r.warnings {
        ctx.warn(&w.to_string());
    }
    let mut human = String::new();
    for c in &r.changes {
        let _ = writeln!(human, "{} {}", ctx.style.action(action_of(c)), describe(c));
    }
    let summary = if r.changes.is_empty() {
        "ggen.lock is up to date".to_owned()
    } else {
        format!(
            "{} change{}",
            r.changes.len(),
            if r.changes.len() == 1 { "" } else { "s" }
        )
    };
    let _ = writeln!(
        human,
        "{verb}: {summary}{}",
        if dry_run {
            " (dry run: nothing written)".to_owned()
        } else {
            format!(
                "; {} pack{} locked",
                r.packs.len(),
                if r.packs.len() == 1 { "" } else { "s" }
            )
        }
    );
    Report::new(
        human,
        json!({
            "changes": r.changes.iter().map(change_json).collect::<Vec<_>>(),
            "packs": r.packs.iter().map(pack_json).collect::<Vec<_>>(),
            "warnings": r.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "lockfile_written": r.lockfile_written,
            "manifest_written": r.manifest_written,
            "dry_run": dry_run,
        }),
    )
}

fn action_of(c: &Change) -> &'static str {
    match c {
        Change::Added { .. } => "create",
        Change::Updated { .. } => "update",
        Change::Removed { .. } => "delete",
    }
}

fn describe(c: &Change) -> String {
    match c {
        Change::Added { id, version } => format!("{id} {version}"),
        Change::Updated { id, from, to } => format!("{id} {from} -> {to}"),
        Change::Removed { id, version } => format!("{id} {version} (removed)"),
    }
}

fn parse_ids(list: &[String]) -> Result<Vec<PackId>, CmdError> {
    list.iter()
        .map(|s| {
            PackId::parse(s.trim()).map_err(|e| {
                CmdError::new("bad-pack-request", format!("invalid pack id `{s}`: {e}"))
            })
        })
        .collect()
}

/// `ggen marketplace install [<id>[@req]...]`.
pub fn install(
    ctx: &Ctx,
    packs: &[String],
    allow_unsigned: bool,
    lock: LockArgs,
) -> Result<Report, CmdError> {
    let requests = packs
        .iter()
        .map(|p| PackRequest::parse(p).map_err(|e| CmdError::diag(&e)))
        .collect::<Result<Vec<_>, _>>()?;
    let (inst, _) = installer(ctx, mode(ctx, lock), allow_unsigned)?;
    let r = if requests.is_empty() {
        inst.sync()
    } else {
        inst.install(&requests)
    }
    .map_err(|e| install_error(&e, &inst))?;
    Ok(report(ctx, &r, "install", false))
}

/// `ggen marketplace update`.
pub fn update(
    ctx: &Ctx,
    packs: &[String],
    dry_run: bool,
    allow_unsigned: bool,
    lock: LockArgs,
) -> Result<Report, CmdError> {
    let ids = parse_ids(packs)?;
    let (inst, _) = installer(ctx, mode(ctx, lock), allow_unsigned)?;
    let r = inst
        .update(&ids, dry_run)
        .map_err(|e| install_error(&e, &inst))?;
    Ok(report(ctx, &r, "update", dry_run))
}

/// `ggen marketplace remove`.
pub fn remove(
    ctx: &Ctx,
    packs: &[String],
    force: bool,
    lock: LockArgs,
) -> Result<Report, CmdError> {
    let ids = parse_ids(packs)?;
    let (inst, _) = installer(ctx, mode(ctx, lock), false)?;
    let r = inst
        .remove(&ids, force)
        .map_err(|e| install_error(&e, &inst))?;
    Ok(report(ctx, &r, "remove", false))
}

fn status_text(s: &PackCacheStatus) -> String {
    let archive = match &s.archive {
        ArchiveState::Ok => None,
        ArchiveState::Missing => Some("archive not in the cache".to_owned()),
        ArchiveState::Corrupt { actual } => {
            Some(format!("cached archive corrupted (actual {actual})"))
        }
    };
    let source = match &s.source {
        SourceState::Ok | SourceState::Unknown => None,
        SourceState::Missing => Some("not extracted".to_owned()),
        SourceState::Modified { problems } => {
            Some(format!("extracted files differ: {}", problems.join("; ")))
        }
    };
    match (archive, source) {
        (None, None) => "ok".to_owned(),
        (a, b) => a.into_iter().chain(b).collect::<Vec<_>>().join("; "),
    }
}

fn entries_json(entries: &[VerifyEntry]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| {
            let mut v = locked_json(&e.locked);
            if let Value::Object(m) = &mut v {
                m.insert("verified".into(), json!(e.status.is_ok()));
                m.insert("status".into(), json!(status_text(&e.status)));
            }
            v
        })
        .collect()
}

/// Verify the cache without registries (nothing is fetched).
fn verify_entries(ctx: &Ctx) -> Result<Vec<VerifyEntry>, CmdError> {
    let root = ctx.project_root()?;
    let env = Env::load(ctx)?;
    let inst = Installer::new(
        Vec::new(),
        env.cache,
        &root,
        install_options(Mode::Frozen, false),
    );
    inst.verify().map_err(|e| CmdError::diag(&e))
}

/// `ggen marketplace list`.
pub fn list(ctx: &Ctx) -> Result<Report, CmdError> {
    let entries = verify_entries(ctx)?;
    let mut human = String::new();
    let width = entries
        .iter()
        .map(|e| e.locked.id.as_str().len())
        .max()
        .unwrap_or(0);
    for e in &entries {
        let _ = writeln!(
            human,
            "{:<width$}  {:<10} {}  {}  [{}]",
            e.locked.id.as_str(),
            e.locked.version.to_string(),
            e.locked.source,
            e.locked.checksum,
            status_text(&e.status)
        );
    }
    if entries.is_empty() {
        human.push_str("no packs in ggen.lock\n");
    }
    Ok(Report::new(
        human,
        json!({ "packs": entries_json(&entries) }),
    ))
}

/// `ggen marketplace verify`: exit 1 when a cached pack does not match ggen.lock.
pub fn verify(ctx: &Ctx) -> Result<Report, CmdError> {
    let entries = verify_entries(ctx)?;
    let bad: Vec<&VerifyEntry> = entries.iter().filter(|e| !e.status.is_ok()).collect();
    let mut human = String::new();
    for e in &entries {
        if !e.status.is_ok() || ctx.global.verbose > 0 {
            let _ = writeln!(
                human,
                "{} {} {}: {}",
                if e.status.is_ok() { "ok  " } else { "FAIL" },
                e.locked.id,
                e.locked.version,
                status_text(&e.status)
            );
        }
    }
    let _ = writeln!(
        human,
        "{} of {} locked pack{} verify against ggen.lock{}",
        entries.len() - bad.len(),
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        if bad.is_empty() {
            ""
        } else {
            "; `ggen marketplace install` fetches them again"
        }
    );
    Ok(Report::new(
        human,
        json!({ "packs": entries_json(&entries), "verified": bad.is_empty() }),
    )
    .with_exit(if bad.is_empty() {
        exit::OK
    } else {
        exit::CHECK_FAILED
    }))
}

/// Install what `ggen.toml [packs]` requires (through ggen.lock) and add the packs to the
/// workspace: what `ggen project gen` calls. Nothing happens for projects without packs.
/// `writes` is false for `--dry-run` / `--check` / `project diff`: ggen.lock must then already
/// be complete (the cache may still be filled).
pub fn attach_packs(
    ctx: &Ctx,
    ws: &mut ggen_engine::Workspace,
    lock: LockArgs,
    writes: bool,
) -> Result<(), CmdError> {
    let Some((manifest, _)) = &ws.manifest else {
        return Ok(());
    };
    if manifest.packs.is_empty() {
        return Ok(());
    }
    let direct: Vec<String> = manifest.packs.keys().cloned().collect();
    let asked = mode(ctx, lock);
    let m = match (writes, asked) {
        (false, Mode::Normal) => Mode::Locked,
        (false, Mode::Offline) => Mode::Frozen,
        (_, m) => m,
    };
    let env = Env::load(ctx)?;
    let bar = Arc::new(Bar::new(&ctx.global));
    let handles = env.handles(ctx, m, Some(&ws.root), Some(&bar))?;
    let inst = Installer::new(handles, env.cache, &ws.root, install_options(m, false));
    let report = inst.sync().map_err(|e| match &e {
        InstallError::LockfileWouldChange { changes, .. } if m != asked => CmdError {
            help: Some(
                "run `ggen marketplace install` (or `ggen project gen`) to update ggen.lock".into(),
            ),
            ..CmdError::new(
                "lockfile-would-change",
                format!(
                    "ggen.lock does not match ggen.toml [packs] ({}), and --dry-run / --check / `project diff` write nothing",
                    changes.join(", ")
                ),
            )
        },
        _ => install_error(&e, &inst),
    })?;
    for w in &report.warnings {
        ctx.warn(&w.to_string());
    }
    let mut files = Vec::new();
    for p in &report.packs {
        let (pm, c) = p.contents().map_err(|e| CmdError::diag(&e))?;
        let vars = pm
            .vars
            .iter()
            .map(|(k, v)| {
                serde_json::to_value(v)
                    .map(|j| (k.clone(), j))
                    .map_err(|e| CmdError::new("pack-vars", format!("{} [vars] {k}: {e}", pm.id)))
            })
            .collect::<Result<_, _>>()?;
        files.push(ggen_engine::PackFiles {
            id: p.locked.id.to_string(),
            version: p.locked.version.to_string(),
            checksum: p.locked.checksum.clone(),
            root: p.dir.clone(),
            templates: c.templates,
            graph_sources: c.graph_sources,
            shapes: c.graph_shapes,
            vars,
            direct: direct.iter().any(|d| d == p.locked.id.as_str()),
        });
    }
    ws.add_packs(files)?;
    if ctx.global.verbose > 0 {
        for p in &ws.packs {
            crate::output::eprint_line(&format!(
                "pack {} {} ({} template{})",
                p.id,
                p.version,
                p.templates.len(),
                if p.templates.len() == 1 { "" } else { "s" }
            ));
        }
    }
    Ok(())
}
