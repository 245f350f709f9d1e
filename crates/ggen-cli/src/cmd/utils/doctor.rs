//! `ggen utils doctor`: real checks, each with a status (ok / warn / fail / skip) and a fix.
//! Exit 1 when one fails.

use std::path::Path;
use std::time::{Duration, Instant};

use ggen_core::config::Dirs;
use serde::Serialize;
use serde_json::json;

use crate::cmd::Ctx;
use crate::cmd::lifecycle::live::ggen_exe;
use crate::output::{CmdError, Report, exit};

mod ai;
mod project;

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but something should be looked at.
    Warn,
    /// Broken: doctor exits 1.
    Fail,
    /// Does not apply here.
    Skip,
}

/// One check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable name.
    pub name: String,
    /// Outcome.
    pub status: Status,
    /// What was found.
    pub message: String,
    /// How to fix it (for warn / fail).
    pub fix: Option<String>,
    /// Wall time.
    pub duration_ms: u64,
}

/// Collects checks with their timings.
#[derive(Default)]
pub struct Checks {
    list: Vec<Check>,
}

impl Checks {
    /// Record a check.
    pub fn push(
        &mut self,
        name: &str,
        started: Instant,
        status: Status,
        message: impl Into<String>,
        fix: Option<String>,
    ) {
        self.list.push(Check {
            name: name.to_owned(),
            status,
            message: message.into(),
            fix,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
    }
}

/// `ggen utils doctor`.
pub fn run(ctx: &Ctx) -> Result<Report, CmdError> {
    let mut checks = Checks::default();
    let t = Instant::now();
    checks.push(
        "ggen",
        t,
        Status::Ok,
        format!("ggen {} at {}", ggen_engine::VERSION, ggen_exe().display()),
        None,
    );
    let git_ok = check_git(&mut checks);
    let t = Instant::now();
    let dirs = match Dirs::resolve(ctx.global.config.as_deref()) {
        Ok(d) => Some(d),
        Err(e) => {
            checks.push(
                "directories",
                t,
                Status::Fail,
                e.to_string(),
                Some("set GGEN_CONFIG_DIR and GGEN_CACHE_DIR, or HOME".into()),
            );
            None
        }
    };
    let config = dirs
        .as_ref()
        .and_then(|d| check_config(&mut checks, d, ctx.global.config.is_some()));
    if let Some(d) = &dirs {
        check_cache(&mut checks, &d.cache_dir);
        if let Some((text, _)) = &config {
            check_registries(
                &mut checks,
                text,
                &d.config_file,
                &d.cache_dir,
                ctx.global.offline,
            );
        }
    }
    let table = config.as_ref().map(|(_, t)| t);
    ai::check(&mut checks, table);
    project::check(ctx, &mut checks, dirs.as_ref(), git_ok)?;

    let count = |s: Status| checks.list.iter().filter(|c| c.status == s).count();
    let (ok, warn, fail, skip) = (
        count(Status::Ok),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Skip),
    );
    let mut human = String::new();
    let width = checks.list.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in &checks.list {
        let word = match c.status {
            Status::Ok => ctx.style.paint("32", "ok  "),
            Status::Warn => ctx.style.paint("33;1", "warn"),
            Status::Fail => ctx.style.paint("31;1", "FAIL"),
            Status::Skip => ctx.style.paint("2", "skip"),
        };
        human.push_str(&format!("{word}  {:width$}  {}\n", c.name, c.message));
        if let Some(f) = &c.fix
            && matches!(c.status, Status::Warn | Status::Fail)
        {
            human.push_str(&format!("      {:width$}  fix: {f}\n", ""));
        }
    }
    human.push_str(&format!(
        "{ok} ok, {warn} warning(s), {fail} failed, {skip} skipped\n"
    ));
    let code = if fail > 0 {
        exit::CHECK_FAILED
    } else {
        exit::OK
    };
    let json = json!({
        "checks": checks.list,
        "summary": { "ok": ok, "warn": warn, "fail": fail, "skip": skip },
    });
    Ok(Report::new(human, json).with_exit(code))
}

fn check_git(checks: &mut Checks) -> bool {
    let t = Instant::now();
    match std::process::Command::new("git")
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .output()
    {
        Ok(o) if o.status.success() => {
            checks.push(
                "git",
                t,
                Status::Ok,
                String::from_utf8_lossy(&o.stdout).trim().to_owned(),
                None,
            );
            true
        }
        Ok(o) => {
            checks.push(
                "git",
                t,
                Status::Warn,
                format!(
                    "`git --version` failed: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
                Some("reinstall git; hooks need it".into()),
            );
            false
        }
        Err(e) => {
            checks.push(
                "git",
                t,
                Status::Warn,
                format!("git not found: {e}"),
                Some("install git (needed for `ggen hook`)".into()),
            );
            false
        }
    }
}

/// The configuration file: parses, or is absent (defaults). Returns its text and table.
fn check_config(checks: &mut Checks, dirs: &Dirs, explicit: bool) -> Option<(String, toml::Table)> {
    let t = Instant::now();
    let file = &dirs.config_file;
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (status, fix) = if explicit {
                (
                    Status::Fail,
                    Some("check the --config / GGEN_CONFIG path".to_owned()),
                )
            } else {
                (Status::Ok, None)
            };
            checks.push(
                "config",
                t,
                status,
                format!("{} not present (defaults apply)", file.display()),
                fix,
            );
            return Some((String::new(), toml::Table::new()));
        }
        Err(e) => {
            checks.push(
                "config",
                t,
                Status::Fail,
                format!("cannot read {}: {e}", file.display()),
                Some("make the configuration file readable".into()),
            );
            return None;
        }
    };
    match ggen_core::config::parse(&text, file) {
        Ok(table) => {
            checks.push(
                "config",
                t,
                Status::Ok,
                format!(
                    "{} parses ({} top-level key(s))",
                    file.display(),
                    table.len()
                ),
                None,
            );
            Some((text, table))
        }
        Err(e) => {
            checks.push(
                "config",
                t,
                Status::Fail,
                e.to_string(),
                Some(format!(
                    "fix the TOML syntax at the position shown, or move {} away",
                    file.display()
                )),
            );
            None
        }
    }
}

/// Total size of the regular files below `dir` (symbolic links are not followed).
fn dir_size(dir: &Path) -> (u64, u64) {
    let mut bytes = 0;
    let mut files = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() {
                files += 1;
                bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    (bytes, files)
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    let u = UNITS.get(unit).copied().unwrap_or("B");
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {u}")
    }
}

/// The cache directory: created when missing, a probe file written and removed, its size.
fn check_cache(checks: &mut Checks, cache: &Path) {
    let t = Instant::now();
    let fix = Some(format!(
        "make {} a writable directory, or set GGEN_CACHE_DIR to one",
        cache.display()
    ));
    if cache.exists() && !cache.is_dir() {
        checks.push(
            "cache",
            t,
            Status::Fail,
            format!("{} is not a directory", cache.display()),
            fix,
        );
        return;
    }
    if let Err(e) = std::fs::create_dir_all(cache) {
        checks.push(
            "cache",
            t,
            Status::Fail,
            format!("cannot create {}: {e}", cache.display()),
            fix,
        );
        return;
    }
    let probe = cache.join(format!(".ggen-doctor-{}", std::process::id()));
    let written = std::fs::write(&probe, b"probe");
    let _ = std::fs::remove_file(&probe);
    if let Err(e) = written {
        checks.push(
            "cache",
            t,
            Status::Fail,
            format!("{} is not writable: {e}", cache.display()),
            fix,
        );
        return;
    }
    let (bytes, files) = dir_size(cache);
    checks.push(
        "cache",
        t,
        Status::Ok,
        format!(
            "{} writable, {} in {files} file(s)",
            cache.display(),
            human_bytes(bytes)
        ),
        None,
    );
}

/// `[[registry]]` entries parse (trusted keys included) and each registry answers with a
/// readable `config.json` and index.
fn check_registries(checks: &mut Checks, text: &str, file: &Path, cache: &Path, offline: bool) {
    use ggen_pack::registry::{DirRegistry, HttpOptions, HttpRegistry, Registry, is_http_location};
    let t = Instant::now();
    let cfg = match ggen_pack::config::Config::parse(text, file) {
        Ok(c) => c,
        Err(e) => {
            checks.push(
                "registries",
                t,
                Status::Fail,
                e.to_string(),
                Some("fix the [[registry]] entry at the position shown".into()),
            );
            return;
        }
    };
    let keys: usize = cfg
        .registries
        .iter()
        .map(|r| r.trusted_keys.key_ids().count())
        .sum();
    checks.push(
        "registries",
        t,
        Status::Ok,
        if cfg.registries.is_empty() {
            "no [[registry]] configured".to_owned()
        } else {
            format!(
                "{} registr{} configured, {keys} trusted key(s) parse",
                cfg.registries.len(),
                if cfg.registries.len() == 1 {
                    "y"
                } else {
                    "ies"
                }
            )
        },
        None,
    );
    let pack_cache = ggen_pack::cache::Cache::new(cache);
    for entry in &cfg.registries {
        let t = Instant::now();
        let name = format!("registry {}", entry.name);
        let fix = Some(format!(
            "check that {} is reachable and serves config.json (or remove the [[registry]] entry at {})",
            entry.index, entry.location
        ));
        let result = if is_http_location(&entry.index) {
            let opts = HttpOptions {
                cache_dir: Some(pack_cache.index_dir(&entry.index)),
                offline,
                timeout: Duration::from_secs(5),
                connect_timeout: Duration::from_secs(3),
                retries: 0,
                token: entry.token_env.as_ref().and_then(|v| std::env::var(v).ok()),
                ..HttpOptions::default()
            };
            HttpRegistry::new(&entry.index, opts).and_then(|r| {
                r.config()?;
                r.pack_ids()
            })
        } else {
            DirRegistry::open(&entry.index).and_then(|r| {
                r.config()?;
                r.pack_ids()
            })
        };
        match result {
            Ok(ids) => checks.push(
                &name,
                t,
                Status::Ok,
                format!(
                    "{} {}, index readable ({} pack(s) listed)",
                    entry.index,
                    if offline && is_http_location(&entry.index) {
                        "cached (offline)"
                    } else {
                        "reachable"
                    },
                    ids.len()
                ),
                None,
            ),
            Err(ggen_pack::registry::RegistryError::Offline { what }) => checks.push(
                &name,
                t,
                Status::Warn,
                format!("offline and {what} is not cached"),
                Some("run `ggen utils doctor` once without --offline".into()),
            ),
            Err(e) => checks.push(
                &name,
                t,
                Status::Fail,
                format!("{} unreachable: {e}", entry.index),
                fix,
            ),
        }
    }
}
