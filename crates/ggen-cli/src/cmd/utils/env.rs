//! `ggen utils env`: resolved directories, configuration, registries and `GGEN_*` variables,
//! with every secret masked; `--set key=value` edits the configuration file.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::secrets::{MASK, configured_secret_vars, is_secret_name};
use crate::cmd::Ctx;
use crate::output::{CmdError, Report};

/// Whether a configuration key's value must be masked. Keys ending in `_env` hold variable
/// names, not secrets.
fn is_secret_config_key(dotted: &str) -> bool {
    let last = dotted.rsplit('.').next().unwrap_or(dotted);
    is_secret_name(last) && !last.ends_with("_env")
}

/// Flatten a table into dotted keys (arrays of tables are summarised by count).
fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, Value>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::Array(a) if a.iter().all(toml::Value::is_table) && !a.is_empty() => {
                out.insert(key, json!(format!("{} table(s)", a.len())));
            }
            _ if is_secret_config_key(&key) => {
                out.insert(key, json!(MASK));
            }
            other => {
                out.insert(key, ggen_engine::manifest::toml_to_json(other));
            }
        }
    }
}

fn registries_json(text: &str, path: &Path) -> Result<Vec<Value>, String> {
    let cfg = ggen_pack::config::Config::parse(text, path).map_err(|e| e.to_string())?;
    Ok(cfg
        .registries
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "index": r.index,
                "require_signatures": r.require_signatures,
                "trusted_keys": r.trusted_keys.key_ids().collect::<Vec<_>>(),
                "token_env": r.token_env,
                "token_set": r.token_env.as_ref().is_some_and(|v| std::env::var_os(v).is_some()),
            })
        })
        .collect())
}

/// Parse `key=value`.
fn split_setting(s: &str) -> Result<(&str, &str), CmdError> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim(), v)),
        _ => Err(CmdError::new(
            "usage",
            format!("--set expects KEY=VALUE, e.g. --set ai.model=gpt-4o (got `{s}`)"),
        )),
    }
}

/// `ggen utils env [--set k=v]...`
pub fn run(ctx: &Ctx, set: &[String]) -> Result<Report, CmdError> {
    let dirs = super::dirs(ctx)?;
    let file = &dirs.config_file;
    let mut set_json = Vec::new();
    let mut human = String::new();
    for s in set {
        let (key, value) = split_setting(s)?;
        let outcome =
            ggen_core::config::set_value(file, key, value).map_err(|e| CmdError::diag(&e))?;
        let shown = if is_secret_config_key(key) {
            MASK.to_owned()
        } else {
            outcome.value.clone()
        };
        human.push_str(&format!(
            "set {} = {shown} ({}) in {}\n",
            outcome.key,
            outcome.kind,
            file.display()
        ));
        set_json.push(json!({
            "key": outcome.key,
            "value": shown,
            "kind": outcome.kind,
            "replaced": outcome.replaced,
        }));
    }
    let exists = file.is_file();
    let text = if exists {
        std::fs::read_to_string(file).map_err(|e| {
            CmdError::new("config-io", format!("cannot read {}: {e}", file.display()))
        })?
    } else {
        String::new()
    };
    let (table, config_error) = match ggen_core::config::parse(&text, file) {
        Ok(t) => (t, None),
        Err(e) => {
            ctx.warn(&e.to_string());
            (toml::Table::new(), Some(e.to_string()))
        }
    };
    let mut config = BTreeMap::new();
    flatten("", &table, &mut config);
    config.remove("registry");
    let (registries, registry_error) = match registries_json(&text, file) {
        Ok(r) => (r, None),
        Err(e) if config_error.is_none() => {
            ctx.warn(&e);
            (Vec::new(), Some(e))
        }
        Err(_) => (Vec::new(), None),
    };
    let secret_vars = configured_secret_vars(&table);
    let env: BTreeMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let k = k.to_string_lossy().into_owned();
            k.starts_with("GGEN_").then(|| {
                let v = if is_secret_name(&k) || secret_vars.contains(&k) {
                    MASK.to_owned()
                } else {
                    v.to_string_lossy().into_owned()
                };
                (k, v)
            })
        })
        .collect();

    let origin = |o: ggen_core::config::Origin| match o {
        ggen_core::config::Origin::Env => "from environment",
        ggen_core::config::Origin::Flag => "from --config",
        ggen_core::config::Origin::Platform => "platform default",
        ggen_core::config::Origin::ConfigDir => "in the config dir",
    };
    human.push_str("directories\n");
    human.push_str(&format!(
        "  config dir   {}  ({})\n",
        dirs.config_dir.display(),
        origin(dirs.config_dir_origin)
    ));
    human.push_str(&format!(
        "  cache dir    {}  ({})\n",
        dirs.cache_dir.display(),
        origin(dirs.cache_dir_origin)
    ));
    human.push_str(&format!(
        "  config file  {}  ({}, {})\n",
        file.display(),
        origin(dirs.config_file_origin),
        if exists { "present" } else { "not present" }
    ));
    human.push_str("configuration\n");
    if let Some(e) = &config_error {
        human.push_str(&format!("  error: {e}\n"));
    } else if config.is_empty() {
        human.push_str("  (empty: defaults apply)\n");
    }
    for (k, v) in &config {
        human.push_str(&format!("  {k} = {v}\n"));
    }
    human.push_str("registries\n");
    if let Some(e) = &registry_error {
        human.push_str(&format!("  error: {e}\n"));
    } else if registries.is_empty() {
        human.push_str("  (none configured)\n");
    }
    for r in &registries {
        let token = match (r["token_env"].as_str(), r["token_set"].as_bool()) {
            (Some(v), Some(true)) => format!(", token from ${v} (set)"),
            (Some(v), _) => format!(", token from ${v} (not set)"),
            _ => String::new(),
        };
        human.push_str(&format!(
            "  {}  {}  ({} trusted key(s), signatures {}{token})\n",
            r["name"].as_str().unwrap_or_default(),
            r["index"].as_str().unwrap_or_default(),
            r["trusted_keys"].as_array().map_or(0, Vec::len),
            if r["require_signatures"].as_bool() == Some(true) {
                "required"
            } else {
                "optional"
            },
        ));
    }
    human.push_str("environment\n");
    if env.is_empty() {
        human.push_str("  (no GGEN_* variables set)\n");
    }
    for (k, v) in &env {
        human.push_str(&format!("  {k}={v}\n"));
    }
    let json = json!({
        "dirs": dirs,
        "config_file": { "path": file, "exists": exists },
        "config": config,
        "config_error": config_error,
        "registries": registries,
        "registry_error": registry_error,
        "env": env,
        "set": set_json,
    });
    Ok(Report::new(human, json))
}
