//! Conversion of the raw deserialised tables into the validated model, with positioned
//! errors and warnings.

use std::collections::BTreeMap;
use std::path::Path;

use ggen_core::Location;

use super::{
    Hooks, Phase, PhaseTargets, RawPhase, RawRequirement, RawWorkspace, Seg, Spans, Warning,
    Workspace, invalid,
};
use crate::duration::parse_duration;
use crate::error::{Error, Result};
use crate::readiness::{CheckSpec, Requirement};

const TOP_KEYS: &[&str] = &[
    "project",
    "workspace",
    "lifecycle",
    "hooks",
    "env",
    "readiness",
];
const PROJECT_KEYS: &[&str] = &["name", "type", "version", "description"];
const WORKSPACE_KEYS: &[&str] = &["path", "framework", "runtime", "package_manager"];
const PHASE_KEYS: &[&str] = &[
    "description",
    "command",
    "commands",
    "depends_on",
    "env",
    "inputs",
    "outputs",
    "timeout",
    "parallel",
    "workspaces",
    "cache",
    "watch",
    "port",
];
const ENV_KEYS: &[&str] = &["description", "vars"];
const READINESS_KEYS: &[&str] = &["category", "description", "check", "timeout"];

pub(super) fn unknown_keys(spans: &Spans<'_>, warnings: &mut Vec<Warning>) {
    let mut warn = |loc: Location, what: &str, key: &str, known: &[&str]| {
        warnings.push(Warning {
            location: loc,
            message: format!(
                "unknown key `{key}` in {what} (ignored; known keys: {})",
                known.join(", ")
            ),
        });
    };
    for (key, loc) in spans.keys(&[]) {
        if !TOP_KEYS.contains(&key.as_str()) {
            warn(loc, "make.toml", &key, TOP_KEYS);
        }
    }
    for (key, loc) in spans.keys(&[Seg::Key("project")]) {
        if !PROJECT_KEYS.contains(&key.as_str()) {
            warn(loc, "[project]", &key, PROJECT_KEYS);
        }
    }
    let nested: [(&str, &[&str]); 4] = [
        ("workspace", WORKSPACE_KEYS),
        ("lifecycle", PHASE_KEYS),
        ("env", ENV_KEYS),
        ("readiness", READINESS_KEYS),
    ];
    for (table, known) in nested {
        for (name, _) in spans.keys(&[Seg::Key(table)]) {
            for (key, loc) in spans.keys(&[Seg::Key(table), Seg::Key(&name)]) {
                if !known.contains(&key.as_str()) {
                    warn(loc, &format!("[{table}.{name}]"), &key, known);
                }
            }
        }
    }
}

pub(super) fn convert_workspaces(
    raw: BTreeMap<String, RawWorkspace>,
    spans: &Spans<'_>,
) -> Result<BTreeMap<String, Workspace>> {
    let mut out = BTreeMap::new();
    for (name, w) in raw {
        let location = spans.value(&[Seg::Key("workspace"), Seg::Key(&name), Seg::Key("path")]);
        let dir = ggen_core::fs::normalize_relative(Path::new(&w.path))
            .filter(|d| !d.as_os_str().is_empty())
            .ok_or_else(|| Error::WorkspaceOutsideRoot {
                name: name.clone(),
                path: w.path.clone(),
                location: location.clone(),
            })?;
        out.insert(
            name.clone(),
            Workspace {
                name,
                path: w.path,
                dir,
                framework: w.framework,
                runtime: w.runtime,
                package_manager: w.package_manager,
            },
        );
    }
    Ok(out)
}

pub(super) fn convert_phases(
    raw: BTreeMap<String, RawPhase>,
    workspaces: &BTreeMap<String, Workspace>,
    spans: &Spans<'_>,
) -> Result<BTreeMap<String, Phase>> {
    let names: Vec<String> = raw.keys().cloned().collect();
    let mut out = BTreeMap::new();
    for (name, p) in raw {
        let at = |key: &str| spans.value(&[Seg::Key("lifecycle"), Seg::Key(&name), Seg::Key(key)]);
        let at_item = |key: &str, i: usize| {
            spans.value(&[
                Seg::Key("lifecycle"),
                Seg::Key(&name),
                Seg::Key(key),
                Seg::Index(i),
            ])
        };
        let commands = match (p.command, p.commands) {
            (Some(_), Some(_)) => {
                return Err(Error::Invalid {
                    location: spans.key(&[
                        Seg::Key("lifecycle"),
                        Seg::Key(&name),
                        Seg::Key("commands"),
                    ]),
                    message: format!("phase `{name}` sets both `command` and `commands`"),
                    help: Some("keep one: `command = \"…\"` or `commands = [\"…\", \"…\"]`".into()),
                });
            }
            (Some(c), None) => vec![c],
            (None, Some(cs)) => cs,
            (None, None) => Vec::new(),
        };
        for (i, c) in commands.iter().enumerate() {
            if c.trim().is_empty() {
                let loc = if commands.len() == 1 && at("command").line.is_some() {
                    at("command")
                } else {
                    at_item("commands", i)
                };
                return Err(invalid(loc, format!("phase `{name}` has an empty command")));
            }
        }
        for (i, dep) in p.depends_on.iter().enumerate() {
            if !names.contains(dep) {
                return Err(Error::UnknownPhase {
                    name: dep.clone(),
                    referenced_by: Some(format!("depends_on of `{name}`")),
                    location: Some(Box::new(at_item("depends_on", i))),
                    known: names.clone(),
                });
            }
            if dep == &name {
                return Err(Error::Cycle {
                    cycle: vec![name.clone(), name.clone()],
                    location: Some(at_item("depends_on", i)),
                });
            }
        }
        for key in ["inputs", "outputs"] {
            let list = if key == "inputs" {
                &p.inputs
            } else {
                &p.outputs
            };
            for (i, pattern) in list.iter().enumerate() {
                if let Err(message) = crate::fileset::check_pattern(pattern) {
                    return Err(invalid(
                        at_item(key, i),
                        format!("phase `{name}` {key}: {message}"),
                    ));
                }
            }
        }
        let timeout_ms = match p.timeout {
            None => None,
            Some(t) => {
                let text = t.into_string();
                let d = parse_duration(&text).map_err(|m| Error::Invalid {
                    location: at("timeout"),
                    message: format!("phase `{name}`: {m}"),
                    help: Some("write e.g. timeout = \"30s\", \"10m\" or \"1h30m\"".into()),
                })?;
                Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            }
        };
        let targets = match p.workspaces {
            None => PhaseTargets::Root,
            Some(list) if list.iter().any(|w| w == "*") => PhaseTargets::AllWorkspaces,
            Some(list) => {
                for (i, w) in list.iter().enumerate() {
                    if !workspaces.contains_key(w) {
                        let known: Vec<&str> = workspaces.keys().map(String::as_str).collect();
                        return Err(Error::Invalid {
                            location: at_item("workspaces", i),
                            message: format!("phase `{name}` names unknown workspace `{w}`"),
                            help: Some(if known.is_empty() {
                                "declare it with [workspace.<name>] path = \"…\"".into()
                            } else {
                                format!("declared workspaces: {}", known.join(", "))
                            }),
                        });
                    }
                }
                PhaseTargets::Workspaces(list)
            }
        };
        out.insert(
            name.clone(),
            Phase {
                name: name.clone(),
                description: p.description,
                commands,
                depends_on: p.depends_on,
                env: p
                    .env
                    .into_iter()
                    .map(|(k, v)| (k, v.into_string()))
                    .collect(),
                inputs: p.inputs,
                outputs: p.outputs,
                timeout_ms,
                parallel: p.parallel,
                targets,
                cache: p.cache.unwrap_or(true),
                watch: p.watch,
                port: p.port,
            },
        );
    }
    Ok(out)
}

pub(super) fn convert_hooks(
    raw: BTreeMap<String, toml::Value>,
    phases: &BTreeMap<String, Phase>,
    spans: &Spans<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Hooks> {
    let names: Vec<String> = phases.keys().cloned().collect();
    let mut hooks = Hooks::default();
    for (key, value) in raw {
        let key_loc = spans.key(&[Seg::Key("hooks"), Seg::Key(&key)]);
        if key == "on_error" || key == "on_success" {
            warnings.push(Warning {
                location: key_loc,
                message: format!("[hooks] {key} is not supported (ignored, as in v2.5)"),
            });
            continue;
        }
        let (slot, target) = if key == "before_all" {
            (&mut hooks.before_all, None)
        } else if key == "after_all" {
            (&mut hooks.after_all, None)
        } else if let Some(phase) = key.strip_prefix("before_") {
            (
                hooks.before.entry(phase.to_owned()).or_default(),
                Some(phase.to_owned()),
            )
        } else if let Some(phase) = key.strip_prefix("after_") {
            (
                hooks.after.entry(phase.to_owned()).or_default(),
                Some(phase.to_owned()),
            )
        } else {
            warnings.push(Warning {
                location: key_loc,
                message: format!(
                    "unknown key `{key}` in [hooks] (ignored; expected before_all, after_all, before_<phase> or after_<phase>)"
                ),
            });
            continue;
        };
        if let Some(target) = &target
            && !phases.contains_key(target)
        {
            warnings.push(Warning {
                location: key_loc.clone(),
                message: format!("[hooks] {key}: no phase `{target}` is defined, so it never runs"),
            });
        }
        let list: Vec<String> = match value {
            toml::Value::String(s) => vec![s],
            toml::Value::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        toml::Value::String(s) => out.push(s),
                        _ => {
                            return Err(invalid(
                                spans.value(&[Seg::Key("hooks"), Seg::Key(&key), Seg::Index(i)]),
                                format!("[hooks] {key}: entries must be phase names (strings)"),
                            ));
                        }
                    }
                }
                out
            }
            _ => {
                return Err(invalid(
                    spans.value(&[Seg::Key("hooks"), Seg::Key(&key)]),
                    format!("[hooks] {key} must be a list of phase names"),
                ));
            }
        };
        for (i, phase) in list.iter().enumerate() {
            if !names.contains(phase) {
                return Err(Error::UnknownPhase {
                    name: phase.clone(),
                    referenced_by: Some(format!("hooks.{key}")),
                    location: Some(Box::new(spans.value(&[
                        Seg::Key("hooks"),
                        Seg::Key(&key),
                        Seg::Index(i),
                    ]))),
                    known: names.clone(),
                });
            }
        }
        slot.extend(list);
    }
    hooks.before.retain(|_, v| !v.is_empty());
    hooks.after.retain(|_, v| !v.is_empty());
    Ok(hooks)
}

pub(super) fn convert_readiness(
    raw: BTreeMap<String, RawRequirement>,
    spans: &Spans<'_>,
) -> Result<Vec<Requirement>> {
    let mut out = Vec::new();
    for (name, r) in raw {
        let at = |key: &str| spans.value(&[Seg::Key("readiness"), Seg::Key(&name), Seg::Key(key)]);
        let check = CheckSpec::parse(&r.check).map_err(|message| Error::Invalid {
            location: at("check"),
            message: format!("[readiness.{name}] {message}"),
            help: Some(format!(
                "built-in checks: {}",
                crate::readiness::Builtin::ALL
                    .iter()
                    .map(|b| b.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        })?;
        let timeout_ms = match r.timeout {
            None => None,
            Some(t) => {
                let d = parse_duration(&t.into_string())
                    .map_err(|m| invalid(at("timeout"), format!("[readiness.{name}] {m}")))?;
                Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            }
        };
        out.push(Requirement {
            name,
            category: r.category,
            description: r.description,
            check,
            timeout_ms,
        });
    }
    Ok(out)
}
