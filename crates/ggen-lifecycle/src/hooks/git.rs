//! Git plumbing for hooks: where the hooks directory is, and the scripts ggen installs there.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::exec::sh_quote;

use super::HookEvent;

/// The first comment line of every script ggen installs; a script without it is foreign.
pub const SCRIPT_MARKER: &str = "# ggen-hook: managed by ggen";

/// The suffix a foreign hook is renamed to when ggen chains to it.
pub const CHAINED_SUFFIX: &str = ".ggen-chained";

/// Run git in `dir` and return its trimmed standard output.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::Git {
            message: format!("cannot run git: {e}"),
        })?;
    if !out.status.success() {
        return Err(Error::Git {
            message: format!(
                "`git {}` in {}: {}",
                args.join(" "),
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .trim_end_matches(['\n', '\r'])
        .to_owned())
}

/// The hooks directory git uses for the repository containing `dir`
/// (`git rev-parse --git-path hooks`: honours `core.hooksPath` and linked worktrees).
pub(crate) fn hooks_dir(dir: &Path) -> Result<PathBuf> {
    let out = git(dir, &["rev-parse", "--git-path", "hooks"])?;
    let p = PathBuf::from(out);
    Ok(if p.is_absolute() { p } else { dir.join(p) })
}

/// The path of `dir` relative to the top of its work tree (`""` at the top).
pub(crate) fn prefix(dir: &Path) -> Result<String> {
    let out = git(dir, &["rev-parse", "--show-prefix"])?;
    Ok(out.trim_end_matches('/').to_owned())
}

/// The script installed as `<hooks dir>/<event>`.
///
/// Git runs hooks from the top of the work tree; the script runs a foreign hook that ggen
/// chained to (when present) first, with the same arguments and standard input, then changes to
/// the ggen project's directory (making commit-msg's relative message path absolute first) and
/// runs `<ggen> hook run <event> "$@"`.
pub(crate) fn script(event: HookEvent, ggen: &str, project_prefix: &str) -> String {
    let name = event.name();
    let project = if project_prefix.is_empty() {
        "."
    } else {
        project_prefix
    };
    let mut s = String::new();
    s.push_str("#!/bin/sh\n");
    s.push_str(SCRIPT_MARKER);
    s.push_str(" (`ggen hook list`, `ggen hook remove <name>`); do not edit.\n");
    s.push_str(&format!("# ggen-project: {project}\n"));
    s.push_str(&format!("# ggen-command: {ggen}\n"));
    s.push_str(&format!(
        "chained=\"$(dirname \"$0\")/{name}{CHAINED_SUFFIX}\"\n"
    ));
    let run = format!("{} hook run {name} \"$@\"", sh_quote(ggen));
    let mut cd = String::new();
    if !project_prefix.is_empty() {
        if event == HookEvent::CommitMsg {
            // git passes the message file relative to the top of the work tree.
            cd.push_str("case \"$1\" in /*) ;; ?*) msg=\"$PWD/$1\"; shift; set -- \"$msg\" \"$@\" ;; esac\n");
        }
        cd.push_str(&format!("cd {} || exit 1\n", sh_quote(project_prefix)));
    }
    if event == HookEvent::PrePush {
        // Both the chained hook and ggen read the pushed refs from standard input.
        s.push_str("input=$(mktemp) || exit 1\n");
        s.push_str("trap 'rm -f \"$input\"' EXIT\n");
        s.push_str("cat > \"$input\"\n");
        s.push_str(
            "if [ -x \"$chained\" ]; then\n  \"$chained\" \"$@\" < \"$input\" || exit $?\nfi\n",
        );
        s.push_str(&cd);
        s.push_str(&format!("{run} < \"$input\"\n"));
    } else {
        s.push_str("if [ -x \"$chained\" ]; then\n  \"$chained\" \"$@\" || exit $?\nfi\n");
        s.push_str(&cd);
        s.push_str(&format!("exec {run}\n"));
    }
    s
}

/// What an installed script says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptInfo {
    /// The `# ggen-project:` line.
    pub project: String,
    /// The `# ggen-command:` line.
    pub command: String,
}

/// Parse a script; `None` when it is not ggen's.
pub(crate) fn read_script(text: &str) -> Option<ScriptInfo> {
    if !text.lines().take(3).any(|l| l.starts_with(SCRIPT_MARKER)) {
        return None;
    }
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    Some(ScriptInfo {
        project: field("# ggen-project:"),
        command: field("# ggen-command:"),
    })
}

/// Make a file executable (0755).
pub(crate) fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io(path, e))
}

/// Whether a file has an execute bit.
pub(crate) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_round_trips_and_is_valid_sh() {
        for event in HookEvent::GIT {
            let s = script(event, "/opt/my ggen/bin/ggen", "sub/project");
            let info = read_script(&s).unwrap();
            assert_eq!(info.project, "sub/project");
            assert_eq!(info.command, "/opt/my ggen/bin/ggen");
            let status = std::process::Command::new("sh")
                .args(["-n", "-c", &s])
                .status()
                .unwrap();
            assert!(status.success(), "{s}");
        }
        assert!(read_script("#!/bin/sh\necho mine\n").is_none());
        assert!(
            script(HookEvent::PreCommit, "ggen", "")
                .contains("exec ggen hook run pre-commit \"$@\"")
        );
    }
}
