//! `hook validate`: records compared with the installed scripts.

use std::path::Path;

use super::{CHAINED_SUFFIX, HookEvent, HookIssue, HookManager, HookValidation, git, sh_syntax};
use crate::error::Result;

impl HookManager {
    /// Compare records with installed scripts: every git event with records has ggen's
    /// executable script for this project, calling a ggen that exists; no ggen script is left for
    /// an event without records; every command parses (`sh -n`); `on-change` hooks have valid
    /// globs.
    pub fn validate(&self) -> Result<HookValidation> {
        let records = self.list()?;
        let mut issues = Vec::new();
        let issue = |hook: Option<&str>, event: Option<HookEvent>, problem: String| HookIssue {
            hook: hook.map(str::to_owned),
            event,
            problem,
        };
        for r in &records {
            if let Err(e) = sh_syntax(&r.command) {
                issues.push(issue(
                    Some(&r.name),
                    Some(r.event),
                    format!("command does not parse: {e}"),
                ));
            }
            if r.event == HookEvent::OnChange {
                if r.watch.is_empty() {
                    issues.push(issue(
                        Some(&r.name),
                        Some(r.event),
                        "on-change hook without watch patterns".into(),
                    ));
                }
                for w in &r.watch {
                    if let Err(e) = crate::fileset::check_pattern(w) {
                        issues.push(issue(Some(&r.name), Some(r.event), format!("watch: {e}")));
                    }
                }
            }
        }
        let needs_git = records.iter().any(|r| r.event.is_git());
        let hooks_dir = match self.hooks_dir() {
            Ok(d) => Some(d),
            Err(e) => {
                if needs_git {
                    issues.push(issue(
                        None,
                        None,
                        format!("cannot locate the git hooks directory: {e}"),
                    ));
                }
                None
            }
        };
        if let Some(dir) = &hooks_dir {
            let prefix = git::prefix(&self.root).unwrap_or_default();
            let mine = if prefix.is_empty() {
                ".".to_owned()
            } else {
                prefix
            };
            for event in HookEvent::GIT {
                let has_records = records.iter().any(|r| r.event == event);
                let path = dir.join(event.name());
                let text = std::fs::read_to_string(&path).ok();
                let info = text.as_deref().and_then(git::read_script);
                match (has_records, &text, &info) {
                    (true, None, _) => issues.push(issue(
                        None,
                        Some(event),
                        format!("{} is not installed", path.display()),
                    )),
                    (true, Some(_), None) => issues.push(issue(
                        None,
                        Some(event),
                        format!(
                            "{} is not ggen's script (a foreign hook replaced it)",
                            path.display()
                        ),
                    )),
                    (true, Some(_), Some(info)) => {
                        if info.project != mine {
                            issues.push(issue(
                                None,
                                Some(event),
                                format!(
                                    "{} belongs to ggen project `{}`",
                                    path.display(),
                                    info.project
                                ),
                            ));
                        }
                        if !git::is_executable(&path) {
                            issues.push(issue(
                                None,
                                Some(event),
                                format!("{} is not executable", path.display()),
                            ));
                        }
                        if !program_exists(&info.command) {
                            issues.push(issue(
                                None,
                                Some(event),
                                format!(
                                    "{} calls `{}`, which cannot be found",
                                    path.display(),
                                    info.command
                                ),
                            ));
                        }
                    }
                    (false, Some(_), Some(_)) => issues.push(issue(
                        None,
                        Some(event),
                        format!(
                            "{} is installed but no hook is recorded for {event}",
                            path.display()
                        ),
                    )),
                    (false, _, _) => {}
                }
                let chained = dir.join(format!("{}{CHAINED_SUFFIX}", event.name()));
                if chained.exists() && !git::is_executable(&chained) {
                    issues.push(issue(
                        None,
                        Some(event),
                        format!(
                            "chained hook {} is not executable, so it does not run",
                            chained.display()
                        ),
                    ));
                }
            }
        }
        Ok(HookValidation {
            ok: issues.is_empty(),
            hooks_dir,
            records: records.len(),
            issues,
        })
    }
}

/// Whether `program` exists: an executable path, or a name found by `command -v`.
fn program_exists(program: &str) -> bool {
    if program.contains('/') {
        return git::is_executable(Path::new(program));
    }
    std::process::Command::new("sh")
        .args(["-c", "command -v \"$1\" >/dev/null 2>&1", "sh", program])
        .stdin(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
