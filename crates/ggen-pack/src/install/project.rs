//! Reading and editing the `[packs]` table of the project's `ggen.toml`, keeping the user's
//! formatting and comments (`toml_edit`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ggen_core::Location;
use semver::VersionReq;
use serde::Deserialize;
use toml::Spanned;

use super::InstallError;
use crate::id::PackId;
use crate::manifest::parse_req;
use crate::tomlutil::{de_error, span_location};

/// File name of the project manifest.
pub const PROJECT_MANIFEST: &str = "ggen.toml";

#[derive(Deserialize)]
struct RawProject {
    #[serde(default)]
    packs: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

/// The project's `ggen.toml` as text plus its parsed `[packs]` requirements.
#[derive(Debug, Clone)]
pub(crate) struct ProjectManifest {
    pub path: PathBuf,
    pub text: String,
    pub packs: BTreeMap<PackId, VersionReq>,
}

impl ProjectManifest {
    pub fn load(project_dir: &Path) -> Result<Self, InstallError> {
        let path = project_dir.join(PROJECT_MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(InstallError::ProjectManifest {
                    location: Location::file(&path),
                    message: format!("no {PROJECT_MANIFEST} in {}", project_dir.display()),
                });
            }
            Err(source) => return Err(InstallError::Io { path, source }),
        };
        let packs = parse_packs(&text, &path)?;
        Ok(Self { path, text, packs })
    }

    /// The text with `[packs]` set to `packs` (entries not in `packs` removed, changed values
    /// replaced, new ones added). Formatting and comments elsewhere are kept; when the table was
    /// sorted (or new) it stays sorted.
    pub fn render(&self, packs: &BTreeMap<PackId, VersionReq>) -> Result<String, InstallError> {
        let mut doc: toml_edit::DocumentMut =
            self.text
                .parse()
                .map_err(|e: toml_edit::TomlError| InstallError::ProjectManifest {
                    location: Location::file(&self.path),
                    message: e.to_string(),
                })?;
        if doc.get("packs").is_none() {
            if packs.is_empty() {
                return Ok(self.text.clone());
            }
            doc.insert("packs", toml_edit::table());
        }
        let not_a_table = || InstallError::ProjectManifest {
            location: Location::file(&self.path),
            message: "`packs` must be a table".into(),
        };
        let table = doc
            .get_mut("packs")
            .and_then(toml_edit::Item::as_table_like_mut)
            .ok_or_else(not_a_table)?;
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
        let was_sorted = keys.windows(2).all(|w| w.first() <= w.get(1));
        for k in &keys {
            if !packs.contains_key(k.as_str()) {
                table.remove(k);
            }
        }
        for (id, req) in packs {
            let want = req.to_string();
            let same = table
                .get(id.as_str())
                .and_then(|i| i.as_str())
                .and_then(|s| parse_req(s).ok())
                .is_some_and(|r| &r == req);
            if !same {
                match table.get_mut(id.as_str()) {
                    Some(item) => {
                        let decor = item.as_value().map(|v| v.decor().clone());
                        let mut v = toml_edit::Value::from(want);
                        if let Some(d) = decor {
                            *v.decor_mut() = d;
                        }
                        *item = toml_edit::Item::Value(v);
                    }
                    None => {
                        table.insert(id.as_str(), toml_edit::value(want));
                    }
                }
            }
        }
        if was_sorted {
            table.sort_values();
        }
        Ok(doc.to_string())
    }
}

/// Parse the `[packs]` table: pack id → semver requirement string.
pub(crate) fn parse_packs(
    text: &str,
    path: &Path,
) -> Result<BTreeMap<PackId, VersionReq>, InstallError> {
    let raw: RawProject = toml::from_str(text).map_err(|e| {
        let (location, message) = de_error(path, text, &e);
        InstallError::ProjectManifest { location, message }
    })?;
    let mut out = BTreeMap::new();
    for (k, v) in raw.packs {
        let id = PackId::parse(k.get_ref()).map_err(|e| InstallError::ProjectManifest {
            location: span_location(path, text, &k.span()),
            message: format!("[packs]: {e}"),
        })?;
        let Some(s) = v.get_ref().as_str() else {
            return Err(InstallError::ProjectManifest {
                location: span_location(path, text, &v.span()),
                message: format!(
                    "[packs] `{id}`: expected a version requirement string such as \"^1.0\""
                ),
            });
        };
        let req = parse_req(s).map_err(|e| InstallError::ProjectManifest {
            location: span_location(path, text, &v.span()),
            message: format!("[packs] `{id}`: invalid version requirement `{s}`: {e}"),
        })?;
        out.insert(id, req);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(list: &[(&str, &str)]) -> BTreeMap<PackId, VersionReq> {
        list.iter()
            .map(|(i, r)| (PackId::parse(i).unwrap(), VersionReq::parse(r).unwrap()))
            .collect()
    }

    fn pm(text: &str) -> ProjectManifest {
        let path = PathBuf::from("ggen.toml");
        ProjectManifest {
            packs: parse_packs(text, &path).unwrap(),
            path,
            text: text.into(),
        }
    }

    #[test]
    fn keeps_comments_and_formatting() {
        let text = "# my project\n[project]\nname = \"shop\"  # the name\n\n[packs]\n# models\n\"io.a.b\" = \"^1.0\" # pinned\n\n[vars]\nx = 1\n";
        let p = pm(text);
        assert_eq!(
            p.render(&p.packs).unwrap(),
            text,
            "no change → identical text"
        );
        let out = p
            .render(&reqs(&[("io.a.b", "^1.0"), ("io.a.c", "^2.1.0")]))
            .unwrap();
        assert!(
            out.starts_with("# my project\n[project]\nname = \"shop\"  # the name\n"),
            "{out}"
        );
        assert!(
            out.contains("# models\n\"io.a.b\" = \"^1.0\" # pinned\n"),
            "{out}"
        );
        assert!(out.contains("\"io.a.c\" = \"^2.1.0\""), "{out}");
        assert!(out.contains("[vars]\nx = 1\n"), "{out}");
        let removed = p.render(&reqs(&[])).unwrap();
        assert!(!removed.contains("io.a.b"), "{removed}");
        assert!(removed.contains("[vars]"), "{removed}");
    }

    #[test]
    fn adds_a_packs_table_when_missing() {
        let p = pm("[project]\nname = \"x\"\n");
        let out = p.render(&reqs(&[("io.a.b", "^1")])).unwrap();
        assert_eq!(
            out,
            "[project]\nname = \"x\"\n\n[packs]\n\"io.a.b\" = \"^1\"\n"
        );
        assert_eq!(
            parse_packs(&out, Path::new("ggen.toml")).unwrap(),
            reqs(&[("io.a.b", "^1")])
        );
    }

    #[test]
    fn sorted_tables_stay_sorted() {
        let p = pm("[packs]\n\"io.a.b\" = \"^1\"\n\"io.a.d\" = \"^1\"\n");
        let out = p
            .render(&reqs(&[
                ("io.a.b", "^1"),
                ("io.a.c", "^1"),
                ("io.a.d", "^1"),
            ]))
            .unwrap();
        assert_eq!(
            out,
            "[packs]\n\"io.a.b\" = \"^1\"\n\"io.a.c\" = \"^1\"\n\"io.a.d\" = \"^1\"\n"
        );
    }

    #[test]
    fn bad_packs_entries_name_the_line() {
        for (text, line) in [
            ("[project]\n\n[packs]\n\"Bad Id\" = \"^1\"\n", 4),
            ("[packs]\n\"io.a.b\" = \"^^1\"\n", 2),
            ("[packs]\n\"io.a.b\" = 1\n", 2),
            ("[packs\n", 1),
        ] {
            let e = parse_packs(text, Path::new("proj/ggen.toml")).unwrap_err();
            let s = e.to_string();
            assert!(s.starts_with(&format!("proj/ggen.toml:{line}:")), "{s}");
        }
    }
}
