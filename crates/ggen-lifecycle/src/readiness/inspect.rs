//! Project inspection helpers for the built-in checks: file listings, README prose, license
//! declarations in package manifests.

use std::path::Path;

/// Directories never walked: VCS data, ggen state, dependency and build caches.
const SKIP_DIRS: &[&str] = &[
    ".git",
    ".ggen",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "vendor",
    "__pycache__",
];

/// The first file in `root` (sorted by name) whose lower-cased name satisfies `pred`.
pub(super) fn root_file(root: &Path, pred: impl Fn(&str) -> bool) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .ok()?
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| pred(&n.to_ascii_lowercase()))
        .collect();
    names.sort();
    names.into_iter().next()
}

/// Words of prose in a README: headings, setext underlines, badges/images, HTML comments and
/// blank lines do not count.
pub(super) fn prose_words(text: &str) -> usize {
    let mut in_comment = false;
    let mut words = 0;
    for line in text.lines() {
        let t = line.trim();
        if in_comment {
            if t.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        if t.starts_with("<!--") {
            in_comment = !t.contains("-->");
            continue;
        }
        let underline = !t.is_empty() && t.chars().all(|c| c == '=' || c == '-');
        if t.is_empty()
            || t.starts_with('#')
            || underline
            || t.starts_with("[![")
            || t.starts_with("![")
        {
            continue;
        }
        words += t
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
    }
    words
}

/// A license declared in a package manifest of the root.
pub(super) fn manifest_license(root: &Path) -> Option<String> {
    let read_toml = |name: &str| -> Option<toml::Table> {
        toml::from_str(&std::fs::read_to_string(root.join(name)).ok()?).ok()
    };
    let non_empty = |v: Option<&toml::Value>| -> bool {
        match v {
            Some(toml::Value::String(s)) => !s.trim().is_empty(),
            Some(toml::Value::Table(t)) => !t.is_empty(),
            _ => false,
        }
    };
    if let Some(cargo) = read_toml("Cargo.toml") {
        for table in [
            cargo.get("package"),
            cargo.get("workspace").and_then(|w| w.get("package")),
        ]
        .into_iter()
        .flatten()
        {
            for key in ["license", "license-file"] {
                let v = table.get(key);
                let inherited = v
                    .and_then(|v| v.get("workspace"))
                    .and_then(toml::Value::as_bool)
                    == Some(true);
                if inherited {
                    let ws = cargo
                        .get("workspace")
                        .and_then(|w| w.get("package"))
                        .and_then(|p| p.get(key));
                    if non_empty(ws) {
                        return Some(format!("Cargo.toml {key} (from [workspace.package])"));
                    }
                } else if non_empty(v) {
                    return Some(format!("Cargo.toml {key}"));
                }
            }
        }
    }
    if let Some(pkg) = std::fs::read_to_string(root.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
    {
        let ok = match pkg.get("license") {
            Some(serde_json::Value::String(s)) => !s.trim().is_empty(),
            Some(serde_json::Value::Object(o)) => !o.is_empty(),
            _ => pkg
                .get("licenses")
                .and_then(serde_json::Value::as_array)
                .is_some_and(|a| !a.is_empty()),
        };
        if ok {
            return Some("package.json license".into());
        }
    }
    if let Some(py) = read_toml("pyproject.toml") {
        let project = py.get("project");
        if non_empty(project.and_then(|p| p.get("license")))
            || project
                .and_then(|p| p.get("license-files"))
                .and_then(toml::Value::as_array)
                .is_some_and(|a| !a.is_empty())
        {
            return Some("pyproject.toml [project] license".into());
        }
        if non_empty(
            py.get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("license")),
        ) {
            return Some("pyproject.toml [tool.poetry] license".into());
        }
    }
    None
}

/// Files tracked by git below `root`, or `None` when `root` is not in a git work tree (or git
/// is unavailable).
pub(super) fn git_tracked(root: &Path) -> Option<Vec<String>> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--cached"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut files: Vec<String> = out
        .stdout
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    files.sort();
    Some(files)
}

/// Non-ignored regular files below `root`, sorted.
pub(super) fn walk(root: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .parents(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        })
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| format!("walking {}: {e}", root.display()))?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(root) {
            out.push(ggen_core::fs::slash_path(rel));
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_prose_counting() {
        assert_eq!(prose_words("# Title\n\n[![ci](x)](y)\n<!-- a b c -->\n"), 0);
        assert_eq!(prose_words("Title\n=====\nOne two three.\n"), 4);
    }
}
