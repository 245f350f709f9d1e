//! `publish` and `yank`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use ggen_engine::lint::{Finding, Severity};
use ggen_pack::PackId;
use ggen_pack::archive::Limits;
use ggen_pack::config::RegistryEntry;
use ggen_pack::index::IndexLine;
use ggen_pack::install::{Mode, RegistryHandle};
use ggen_pack::manifest::Manifest;
use ggen_pack::registry::{
    DirRegistry, HttpRegistry, RegistryError, check_publish, is_http_location, publish_http,
    yank_http,
};
use serde_json::json;

use super::keys::{archive_of, signing_key};
use super::registries::{Env, dir_path};
use crate::cmd::Ctx;
use crate::output::{CmdError, Report, exit};

fn diag(e: &RegistryError) -> CmdError {
    CmdError::diag(e)
}

/// Lint every template and partial of the pack with its own variables and directories.
fn lint_pack(dir: &std::path::Path, m: &Manifest) -> Result<Vec<Finding>, CmdError> {
    let contents = m.contents(dir).map_err(|e| CmdError::diag(&e))?;
    let vars: BTreeMap<String, serde_json::Value> = m
        .vars
        .iter()
        .filter_map(|(k, v)| serde_json::to_value(v).ok().map(|j| (k.clone(), j)))
        .collect();
    let search_dirs = vec![dir.join("templates"), dir.to_path_buf()];
    let mut findings = Vec::new();
    for rel in contents.templates.iter().chain(&contents.partials) {
        let name = crate::cmd::shown(&dir.join(rel));
        findings.extend(ggen_engine::lint::lint(
            &dir.join(rel),
            &name,
            &vars,
            &ggen_graph::Prefixes::new(),
            &search_dirs,
        ));
    }
    Ok(findings)
}

/// The registry's API URL and the publish token, for HTTP registries.
fn api_and_token(
    env: &Env,
    ctx: &Ctx,
    entry: &RegistryEntry,
) -> Result<(String, String, ggen_pack::registry::HttpOptions), CmdError> {
    if ctx.global.offline {
        return Err(CmdError::new(
            "offline",
            format!(
                "registry `{}` is remote and --offline was given",
                entry.name
            ),
        ));
    }
    let opts = ggen_pack::registry::HttpOptions {
        cache_dir: Some(env.cache.index_dir(&entry.index)),
        ..env.http_options(ctx, entry)
    };
    let http = HttpRegistry::new(&entry.index, opts.clone()).map_err(|e| diag(&e))?;
    let api = http.config().map_err(|e| diag(&e))?.api.clone().ok_or_else(|| CmdError {
        help: Some("publish into the registry's directory (a directory or file:// registry) and upload it to the static host".into()),
        ..CmdError::new(
            "no-publish-api",
            format!("registry `{}` ({}) is static: its config.json has no `api`", entry.name, entry.index),
        )
    })?;
    let var = entry
        .token_env
        .clone()
        .unwrap_or_else(|| "GGEN_REGISTRY_TOKEN".to_owned());
    let token = std::env::var(&var)
        .ok()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| CmdError {
            help: Some(format!(
                "set {var} to a token with publish scope (or `token_env` of the registry in {})",
                env.dirs.config_file.display()
            )),
            ..CmdError::new(
                "no-token",
                format!("registry `{}` needs a token: {var} is not set", entry.name),
            )
        })?;
    Ok((api, token, opts))
}

/// `ggen marketplace publish`.
pub fn publish(
    ctx: &Ctx,
    dir: Option<PathBuf>,
    registry: Option<&str>,
    dry_run: bool,
    key: Option<PathBuf>,
    allow_unsigned: bool,
) -> Result<Report, CmdError> {
    let cwd = ctx.cwd()?;
    let dir = dir.map_or_else(|| cwd.clone(), |d| cwd.join(d));
    let env = Env::load(ctx)?;
    let manifest = Manifest::load_dir(&dir).map_err(|e| CmdError::diag(&e))?;

    // 1. every template parses and lints clean
    let findings = lint_pack(&dir, &manifest)?;
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    for f in findings.iter().filter(|f| f.severity == Severity::Warning) {
        ctx.warn(&format!("{}: {}", f.location, f.message));
    }
    if !errors.is_empty() {
        let mut human = String::new();
        for f in &errors {
            let _ = writeln!(human, "{}: {} [{}]", f.location, f.message, f.code);
        }
        let _ = writeln!(
            human,
            "not published: {} lint error{} in {} {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            manifest.id,
            manifest.version
        );
        return Ok(Report::new(
            human,
            json!({
                "id": manifest.id.to_string(),
                "version": manifest.version.to_string(),
                "published": false,
                "lint": findings,
            }),
        )
        .with_exit(exit::CHECK_FAILED));
    }

    // 2. the deterministic archive, checked like an install would
    let bytes = archive_of(&dir)?;
    let cksum = ggen_core::hash::sha256_checksum(&bytes);

    // 3. the signature
    let signer = signing_key(&env, key)?;
    if signer.is_none() && !allow_unsigned && !dry_run {
        return Err(CmdError {
            help: Some(
                "create a key with `ggen marketplace keygen` and pass --key or set [publish] key in config.toml; or pass --allow-unsigned"
                    .into(),
            ),
            ..CmdError::new(
                "no-key",
                format!("{} {} would be published unsigned", manifest.id, manifest.version),
            )
        });
    }
    if signer.is_none() {
        ctx.warn(&format!(
            "{} {} is not signed",
            manifest.id, manifest.version
        ));
    }
    let sig = signer
        .as_ref()
        .map(|(k, _)| vec![k.sign(manifest.id.as_str(), &manifest.version.to_string(), &cksum)])
        .unwrap_or_default();
    let line = IndexLine::from_manifest(&manifest, &cksum, sig);
    check_publish(&bytes, &line, &Limits::default()).map_err(|e| diag(&e))?;

    // 4. the registry: refuse a version that exists (also in dry runs)
    let entry = match (registry, dry_run, env.config.registries.is_empty()) {
        (None, true, true) => None,
        _ => Some(env.target(registry)?.clone()),
    };
    if let Some(entry) = &entry {
        let exists = (!is_http_location(&entry.index) || !ctx.global.offline)
            && dir_or_http_has(&env, ctx, entry, &line)?;
        if exists {
            return Err(diag(&RegistryError::VersionExists {
                id: line.id.to_string(),
                version: line.vers.to_string(),
            }));
        }
    }
    let mut doc = json!({
        "id": line.id.to_string(),
        "version": line.vers.to_string(),
        "checksum": cksum,
        "size": bytes.len(),
        "signed_by": line.sig.iter().map(|s| s.key.clone()).collect::<Vec<_>>(),
        "registry": entry.as_ref().map(|e| e.name.clone()),
        "published": false,
        "dry_run": dry_run,
        "lint": findings,
    });
    let summary = format!(
        "{} {} ({} bytes, {cksum}{})",
        line.id,
        line.vers,
        bytes.len(),
        signer
            .as_ref()
            .map(|(k, _)| format!(", signed by {}", k.key_id()))
            .unwrap_or_else(|| ", unsigned".to_owned())
    );
    let Some(entry) = entry.filter(|_| !dry_run) else {
        return Ok(Report::new(
            format!("dry run: would publish {summary}; nothing written\n"),
            doc,
        ));
    };

    // 5. publish
    if is_http_location(&entry.index) {
        let (api, token, opts) = api_and_token(&env, ctx, &entry)?;
        publish_http(&api, &token, &line, &bytes, &opts).map_err(|e| diag(&e))?;
    } else {
        let root = dir_path(&entry.index);
        let reg = if root.join("config.json").exists() {
            DirRegistry::open(&entry.index)
        } else {
            DirRegistry::init(&root, &entry.name)
        }
        .map_err(|e| diag(&e))?;
        reg.publish_line(&bytes, &line).map_err(|e| diag(&e))?;
    }
    if let serde_json::Value::Object(m) = &mut doc {
        m.insert("published".into(), json!(true));
    }
    Ok(Report::new(
        format!("published {summary} to registry `{}`\n", entry.name),
        doc,
    ))
}

/// Whether the registry lists this version already.
fn dir_or_http_has(
    env: &Env,
    ctx: &Ctx,
    entry: &RegistryEntry,
    line: &IndexLine,
) -> Result<bool, CmdError> {
    if !is_http_location(&entry.index) && !dir_path(&entry.index).join("config.json").exists() {
        return Ok(false);
    }
    let h = RegistryHandle::open(
        entry,
        &env.cache,
        Mode::Normal,
        &env.http_options(ctx, entry),
    )
    .map_err(|e| diag(&e))?;
    Ok(h.registry
        .index(&line.id)
        .map_err(|e| diag(&e))?
        .is_some_and(|lines| lines.iter().any(|l| l.vers == line.vers)))
}

/// `ggen marketplace yank <id>@<version> [--undo]`.
pub fn yank(ctx: &Ctx, spec: &str, undo: bool, registry: Option<&str>) -> Result<Report, CmdError> {
    let bad = |m: String| CmdError::new("bad-pack-request", m);
    let (id, version) = spec
        .split_once('@')
        .ok_or_else(|| bad(format!("`{spec}`: expected <id>@<version>")))?;
    let id = PackId::parse(id.trim()).map_err(|e| bad(format!("invalid pack `{spec}`: {e}")))?;
    let version: semver::Version = version
        .trim()
        .parse()
        .map_err(|e| bad(format!("invalid version in `{spec}`: {e}")))?;
    let env = Env::load(ctx)?;
    let entry = env.target(registry)?.clone();
    let yanked = !undo;
    if is_http_location(&entry.index) {
        let (api, token, opts) = api_and_token(&env, ctx, &entry)?;
        yank_http(&api, &token, &id, &version, yanked, &opts).map_err(|e| diag(&e))?;
    } else {
        DirRegistry::open(&entry.index)
            .and_then(|r| r.set_yanked(&id, &version, yanked))
            .map_err(|e| diag(&e))?;
    }
    let verb = if yanked { "yanked" } else { "unyanked" };
    Ok(Report::new(
        format!("{verb} {id} {version} in registry `{}`\n", entry.name),
        json!({
            "id": id.to_string(),
            "version": version.to_string(),
            "yanked": yanked,
            "registry": entry.name,
        }),
    ))
}
