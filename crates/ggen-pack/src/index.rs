//! The registry index: `config.json`, `index/<id>` files (one JSON line per published
//! version) and the optional `search.json` summary.

use std::path::{Path, PathBuf};

use ggen_core::{Diagnostic, Location};
use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};

use crate::id::PackId;
use crate::manifest::Manifest;
use crate::sign::PackSignature;

/// Default download path template of a registry.
pub const DEFAULT_DL: &str = "packs/{id}/{version}.tar.gz";

/// A dependency in an index line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDep {
    /// The pack depended on.
    pub id: PackId,
    /// The semver requirement.
    #[serde(with = "req_string")]
    pub req: VersionReq,
}

/// One published version of a pack: one line of `index/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexLine {
    /// Pack id.
    pub id: PackId,
    /// Version.
    pub vers: Version,
    /// Dependencies.
    #[serde(default)]
    pub deps: Vec<IndexDep>,
    /// `sha256:<64 hex>` of the archive.
    pub cksum: String,
    /// Publisher signatures.
    #[serde(default)]
    pub sig: Vec<PackSignature>,
    /// Yanked versions are skipped by new resolutions.
    #[serde(default)]
    pub yanked: bool,
    /// Compatible ggen versions.
    #[serde(
        default,
        with = "opt_req_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ggen: Option<VersionReq>,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// License.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

mod req_string {
    use semver::VersionReq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(r: &VersionReq, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(r)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<VersionReq, D::Error> {
        let s = String::deserialize(d)?;
        crate::manifest::parse_req(&s).map_err(serde::de::Error::custom)
    }
}

mod opt_req_string {
    use semver::VersionReq;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(r: &Option<VersionReq>, s: S) -> Result<S::Ok, S::Error> {
        match r {
            Some(r) => s.collect_str(r),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<VersionReq>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        s.map(|s| crate::manifest::parse_req(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Errors reading index data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// A line, `config.json` or `search.json` is malformed.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
}

impl Diagnostic for IndexError {
    fn code(&self) -> &'static str {
        "index-invalid"
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::Invalid { location, .. } => Some(location),
        }
    }
}

/// Whether `s` is `sha256:` followed by 64 lower-case hex digits.
pub fn is_valid_checksum(s: &str) -> bool {
    s.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl IndexLine {
    /// The index line for a manifest and its archive checksum (not yanked).
    pub fn from_manifest(m: &Manifest, cksum: &str, sig: Vec<PackSignature>) -> Self {
        Self {
            id: m.id.clone(),
            vers: m.version.clone(),
            deps: m
                .dependencies
                .iter()
                .map(|(id, req)| IndexDep {
                    id: id.clone(),
                    req: req.clone(),
                })
                .collect(),
            cksum: cksum.to_owned(),
            sig,
            yanked: false,
            ggen: m.ggen.clone(),
            description: m.description.clone(),
            keywords: m.keywords.clone(),
            categories: m.categories.clone(),
            license: m.license.clone(),
        }
    }

    /// The JSON line (without the newline). Field order is fixed, so the output is deterministic.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parse one line; `location` names it in errors.
    pub fn parse(text: &str, location: Location) -> Result<Self, IndexError> {
        let line: Self = serde_json::from_str(text).map_err(|e| IndexError::Invalid {
            message: format!("invalid index line: {e}"),
            location: Location {
                column: Some(e.column() as u64),
                ..location.clone()
            },
        })?;
        if !is_valid_checksum(&line.cksum) {
            return Err(IndexError::Invalid {
                location,
                message: format!(
                    "invalid checksum `{}` for {} {} (expected `sha256:` and 64 lower-case hex digits)",
                    line.cksum, line.id, line.vers
                ),
            });
        }
        Ok(line)
    }
}

/// Parse an `index/<id>` file. Every line must name `expected` and versions must be unique.
/// Blank lines are ignored.
pub fn parse_index_file(
    text: &str,
    file: &Path,
    expected: &PackId,
) -> Result<Vec<IndexLine>, IndexError> {
    let mut out: Vec<IndexLine> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let location = Location::line(file, n as u64 + 1);
        let line = IndexLine::parse(raw, location.clone())?;
        if &line.id != expected {
            return Err(IndexError::Invalid {
                location,
                message: format!(
                    "line is for `{}` in the index file of `{expected}`",
                    line.id
                ),
            });
        }
        if out.iter().any(|l| l.vers == line.vers) {
            return Err(IndexError::Invalid {
                location,
                message: format!("version {} of {} appears twice", line.vers, line.id),
            });
        }
        out.push(line);
    }
    Ok(out)
}

/// Render index lines as file text (one line each, newline-terminated).
pub fn render_index_file(lines: &[IndexLine]) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(&l.to_json());
        s.push('\n');
    }
    s
}

/// A registry's `config.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryConfig {
    /// Download path template with `{id}` and `{version}`, relative to the registry root or an
    /// absolute `http(s)://` URL.
    #[serde(default = "default_dl")]
    pub dl: String,
    /// Base URL of the registry server's API (`…/api/v1`), when there is one.
    #[serde(default)]
    pub api: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: String,
}

fn default_dl() -> String {
    DEFAULT_DL.to_owned()
}

impl RegistryConfig {
    /// A config with the default download template.
    pub fn new(name: &str) -> Self {
        Self {
            dl: default_dl(),
            api: None,
            name: name.to_owned(),
        }
    }

    /// Parse `config.json`.
    pub fn parse(text: &str, file: &Path) -> Result<Self, IndexError> {
        let c: Self = serde_json::from_str(text).map_err(|e| IndexError::Invalid {
            location: Location::at(file, e.line() as u64, e.column() as u64),
            message: format!("invalid config.json: {e}"),
        })?;
        if !c.dl.contains("{id}") || !c.dl.contains("{version}") {
            return Err(IndexError::Invalid {
                location: Location::file(file),
                message: format!("`dl` must contain {{id}} and {{version}}: `{}`", c.dl),
            });
        }
        Ok(c)
    }

    /// The JSON text (pretty, newline-terminated).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The download location of a version: `dl` with `{id}` and `{version}` substituted.
    pub fn download_path(&self, id: &PackId, version: &Version) -> String {
        self.dl
            .replace("{id}", id.as_str())
            .replace("{version}", &version.to_string())
    }
}

/// The path of `index/<id>` below a registry root.
pub fn index_rel_path(id: &PackId) -> PathBuf {
    Path::new("index").join(id.as_str())
}

/// The newest version that new resolutions would pick by default: the highest non-yanked
/// release, else the highest non-yanked pre-release.
pub fn latest(lines: &[IndexLine]) -> Option<&IndexLine> {
    let live = lines.iter().filter(|l| !l.yanked);
    live.clone()
        .filter(|l| l.vers.pre.is_empty())
        .max_by(|a, b| a.vers.cmp(&b.vers))
        .or_else(|| live.max_by(|a, b| a.vers.cmp(&b.vers)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ck(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    fn line(v: &str, yanked: bool) -> IndexLine {
        IndexLine {
            id: PackId::parse("io.a.b").unwrap(),
            vers: Version::parse(v).unwrap(),
            deps: vec![IndexDep {
                id: PackId::parse("io.a.c").unwrap(),
                req: VersionReq::parse("^1.0").unwrap(),
            }],
            cksum: ck('a'),
            sig: vec![],
            yanked,
            ggen: Some(VersionReq::parse(">=0.1, <2").unwrap()),
            description: "d".into(),
            keywords: vec!["k".into()],
            categories: vec![],
            license: Some("MIT".into()),
        }
    }

    #[test]
    fn json_round_trip_and_field_order() {
        let l = line("1.2.0", false);
        let j = l.to_json();
        assert!(
            j.starts_with(r#"{"id":"io.a.b","vers":"1.2.0","deps":[{"id":"io.a.c","req":"^1.0"}],"cksum":"sha256:"#),
            "{j}"
        );
        assert!(
            j.contains(r#""yanked":false,"ggen":">=0.1, <2","description":"d""#),
            "{j}"
        );
        assert_eq!(IndexLine::parse(&j, Location::file("x")).unwrap(), l);
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let id = PackId::parse("io.a.b").unwrap();
        let good = line("1.0.0", false).to_json();
        let text = format!("{good}\n\n{{\"id\":\"io.a.b\",\"vers\":\"x\"}}\n");
        let e = parse_index_file(&text, Path::new("index/io.a.b"), &id).unwrap_err();
        assert!(e.to_string().starts_with("index/io.a.b:3:"), "{e}");

        let bad_ck = good.replace(&ck('a'), "sha256:ABC");
        let e = parse_index_file(&bad_ck, Path::new("f"), &id).unwrap_err();
        assert!(e.to_string().contains("invalid checksum"), "{e}");

        let dup = format!("{good}\n{good}\n");
        let e = parse_index_file(&dup, Path::new("f"), &id).unwrap_err();
        assert!(e.to_string().starts_with("f:2"), "{e}");
        assert!(e.to_string().contains("appears twice"), "{e}");

        let other = PackId::parse("io.a.z").unwrap();
        assert!(parse_index_file(&good, Path::new("f"), &other).is_err());
    }

    #[test]
    fn latest_prefers_releases_and_skips_yanked() {
        let lines = vec![
            line("1.9.0", false),
            line("1.10.0", false),
            line("2.0.0", true),
            line("3.0.0-beta.1", false),
        ];
        assert_eq!(latest(&lines).unwrap().vers.to_string(), "1.10.0");
        let pre = vec![line("3.0.0-beta.1", false), line("3.0.0-alpha", false)];
        assert_eq!(latest(&pre).unwrap().vers.to_string(), "3.0.0-beta.1");
        assert!(latest(&[line("1.0.0", true)]).is_none());
    }

    #[test]
    fn registry_config() {
        let c =
            RegistryConfig::parse(r#"{"name":"x","api":null}"#, Path::new("config.json")).unwrap();
        assert_eq!(c.dl, DEFAULT_DL);
        let id = PackId::parse("io.a.b").unwrap();
        assert_eq!(
            c.download_path(&id, &Version::new(1, 0, 0)),
            "packs/io.a.b/1.0.0.tar.gz"
        );
        let e = RegistryConfig::parse("{\n\"dl\": 5}", Path::new("config.json")).unwrap_err();
        assert!(e.to_string().starts_with("config.json:2:"), "{e}");
    }
}
