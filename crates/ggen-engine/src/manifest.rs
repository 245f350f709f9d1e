//! The project manifest `ggen.toml` (TEMPLATE_FORMAT.md §6).

use std::collections::BTreeMap;
use std::path::Path;

use ggen_core::Location;
use serde::Deserialize;

use crate::error::EngineError;

/// File name of the manifest.
pub const MANIFEST_FILE: &str = "ggen.toml";

/// `[project]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// Project name.
    pub name: String,
    /// Project version.
    #[serde(default = "default_version")]
    pub version: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

fn default_version() -> String {
    "0.1.0".to_owned()
}

/// `[graph] endpoint_auth`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EndpointAuth {
    /// Environment variable holding a bearer token.
    #[serde(default)]
    pub bearer_env: Option<String>,
    /// Environment variable holding `user:password` for basic auth.
    #[serde(default)]
    pub basic_env: Option<String>,
}

/// `[graph]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct GraphSection {
    /// Globs of RDF files, relative to the project root.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Prefixes for every query and template.
    #[serde(default)]
    pub prefixes: BTreeMap<String, String>,
    /// Base IRI for relative IRIs in sources and queries.
    #[serde(default)]
    pub base: Option<String>,
    /// SHACL shapes files validated before generation.
    #[serde(default)]
    pub shapes: Vec<String>,
    /// A remote SPARQL 1.1 endpoint instead of local files.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Authentication for the endpoint.
    #[serde(default)]
    pub endpoint_auth: Option<EndpointAuth>,
    /// `default-graph-uri` of every query: one IRI or a list.
    #[serde(default)]
    pub endpoint_default_graph: Option<OneOrMany>,
    /// How queries are sent: `post` (default), `form` or `get`.
    #[serde(default)]
    pub endpoint_method: Option<String>,
    /// Overall time limit of one request, in seconds (default 60).
    #[serde(default)]
    pub endpoint_timeout: Option<u64>,
    /// Connect time limit, in seconds (default 10).
    #[serde(default)]
    pub endpoint_connect_timeout: Option<u64>,
    /// Retries after a 5xx answer (default 2).
    #[serde(default)]
    pub endpoint_retries: Option<u32>,
}

/// A string or a list of strings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One value.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Self::One(s) => vec![s.clone()],
            Self::Many(v) => v.clone(),
        }
    }
}

/// `[templates]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TemplatesSection {
    /// Directories searched (recursively) for `*.tmpl`/`*.tera`/`*.j2`.
    #[serde(default = "default_template_dirs")]
    pub dirs: Vec<String>,
}

impl Default for TemplatesSection {
    fn default() -> Self {
        Self {
            dirs: default_template_dirs(),
        }
    }
}

fn default_template_dirs() -> Vec<String> {
    vec!["templates".to_owned()]
}

/// `[output]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    /// Output root, relative to the project root.
    #[serde(default = "default_output_dir")]
    pub dir: String,
    /// Formatters by language (`rust`, `typescript`, …) or file extension (`rs`, `ts`, …):
    /// a shell command reading the content on stdin and writing the formatted content to
    /// stdout; `{path}` is replaced by the output path.
    #[serde(default)]
    pub format: BTreeMap<String, String>,
    /// Run the formatters on every generation (otherwise only with `--format`).
    #[serde(default)]
    pub auto_format: bool,
}

impl Default for OutputSection {
    fn default() -> Self {
        Self {
            dir: default_output_dir(),
            format: BTreeMap::new(),
            auto_format: false,
        }
    }
}

fn default_output_dir() -> String {
    "generated".to_owned()
}

/// The whole `ggen.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `[project]`
    pub project: ProjectSection,
    /// `[graph]`
    #[serde(default)]
    pub graph: GraphSection,
    /// `[templates]`
    #[serde(default)]
    pub templates: TemplatesSection,
    /// `[packs]`: pack id → semver requirement.
    #[serde(default)]
    pub packs: BTreeMap<String, String>,
    /// `[output]`
    #[serde(default)]
    pub output: OutputSection,
    /// `[vars]`
    #[serde(default)]
    pub vars: BTreeMap<String, toml::Value>,
    /// `[types.<lang>]`: datatype IRI or CURIE → type.
    #[serde(default)]
    pub types: BTreeMap<String, BTreeMap<String, String>>,
}

impl Manifest {
    /// Parse manifest text; `file` names it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<Manifest, EngineError> {
        let m: Manifest = toml::from_str(text).map_err(|e| {
            let location = match e.span() {
                Some(span) => {
                    let (line, col) = ggen_core::line_col_of_offset(text, span.start);
                    Location::at(file, line, col)
                }
                None => Location::file(file),
            };
            EngineError::Manifest {
                location,
                message: e.message().trim().to_owned(),
            }
        })?;
        m.validate(text, file)?;
        Ok(m)
    }

    /// Read and parse a manifest file.
    pub fn load(path: &Path, shown: &Path) -> Result<Manifest, EngineError> {
        let text = std::fs::read_to_string(path).map_err(|e| EngineError::io(shown, e))?;
        Self::parse(&text, shown)
    }

    fn validate(&self, text: &str, file: &Path) -> Result<(), EngineError> {
        let at_key = |key: &str, message: String| {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or(1, |i| i as u64 + 1);
            EngineError::Manifest {
                location: Location::line(file, line),
                message,
            }
        };
        if self.project.name.trim().is_empty() {
            return Err(at_key("name", "`[project] name` must not be empty".into()));
        }
        let out = Path::new(&self.output.dir);
        if ggen_core::fs::normalize_relative(out).is_none() {
            return Err(at_key(
                "dir",
                format!(
                    "`[output] dir = \"{}\"` must be a relative path inside the project",
                    self.output.dir
                ),
            ));
        }
        for d in &self.templates.dirs {
            if ggen_core::fs::normalize_relative(Path::new(d)).is_none() {
                return Err(at_key(
                    "dirs",
                    format!("template dir `{d}` must be a relative path inside the project"),
                ));
            }
        }
        if let Some(m) = &self.graph.endpoint_method
            && ggen_graph::RequestMethod::from_name(m).is_none()
        {
            return Err(at_key(
                "endpoint_method",
                format!(
                    "`endpoint_method = \"{m}\"` is not one of {}",
                    ggen_graph::RequestMethod::NAMES
                ),
            ));
        }
        for (key, v) in [
            ("endpoint_timeout", self.graph.endpoint_timeout),
            (
                "endpoint_connect_timeout",
                self.graph.endpoint_connect_timeout,
            ),
        ] {
            if v == Some(0) {
                return Err(at_key(key, format!("`{key}` must be at least 1 (seconds)")));
            }
        }
        if let Some(a) = &self.graph.endpoint_auth
            && a.bearer_env.is_some() == a.basic_env.is_some()
        {
            return Err(at_key(
                "endpoint_auth",
                "`endpoint_auth` takes exactly one of `bearer_env` or `basic_env`".into(),
            ));
        }
        for lang in self.types.keys() {
            if ggen_lang::types::TypeTables::builtin()
                .lookup_object(lang)
                .is_err()
            {
                return Err(at_key(
                    &format!("[types.{lang}]"),
                    format!("unknown language `{lang}` in [types.{lang}]"),
                ));
            }
        }
        Ok(())
    }

    /// Project vars as JSON values.
    pub fn vars_json(&self) -> BTreeMap<String, serde_json::Value> {
        self.vars
            .iter()
            .map(|(k, v)| (k.clone(), toml_to_json(v)))
            .collect()
    }
}

/// Convert a TOML value to JSON (dates become strings).
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// The manifest written by `ggen project init`.
pub fn init_template(name: &str) -> String {
    format!(
        r#"[project]
name = "{name}"
version = "0.1.0"

[graph]
sources = ["ontology/**/*.ttl"]
# prefixes = {{ ex = "http://example.org/{name}#" }}
# shapes = ["shapes/*.ttl"]

[templates]
dirs = ["templates"]

[output]
dir = "generated"

[vars]
# crate_name = "{name}"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_and_defaults() {
        let m = Manifest::parse("[project]\nname = \"shop\"\n", Path::new("ggen.toml")).unwrap();
        assert_eq!(m.project.version, "0.1.0");
        assert_eq!(m.templates.dirs, vec!["templates"]);
        assert_eq!(m.output.dir, "generated");
    }

    #[test]
    fn init_template_parses() {
        Manifest::parse(&init_template("demo"), Path::new("ggen.toml")).unwrap();
    }

    #[test]
    fn errors_name_file_line_column() {
        let e = Manifest::parse(
            "[project]\nname = \"x\"\nversoin = \"1\"\n",
            Path::new("ggen.toml"),
        )
        .unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("ggen.toml:3:1"), "{s}");
        assert!(s.contains("versoin"), "{s}");
        let e = Manifest::parse("[project\nname = 1\n", Path::new("ggen.toml")).unwrap_err();
        assert!(e.to_string().starts_with("ggen.toml:1:"), "{e}");
        let e = Manifest::parse("[graph]\nsources = []\n", Path::new("ggen.toml")).unwrap_err();
        assert!(e.to_string().contains("project"), "{e}");
    }

    #[test]
    fn output_dir_must_stay_inside() {
        let e = Manifest::parse(
            "[project]\nname = \"x\"\n[output]\ndir = \"../out\"\n",
            Path::new("ggen.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("ggen.toml:4"), "{e}");
    }

    #[test]
    fn endpoint_settings() {
        let m = Manifest::parse(
            "[project]\nname = \"x\"\n[graph]\nendpoint = \"http://h/sparql\"\nendpoint_auth = { basic_env = \"V\" }\nendpoint_default_graph = \"urn:g\"\nendpoint_method = \"form\"\nendpoint_timeout = 5\n",
            Path::new("ggen.toml"),
        )
        .unwrap();
        assert_eq!(
            m.graph.endpoint_default_graph.unwrap().to_vec(),
            vec!["urn:g"]
        );
        for (bad, msg) in [
            ("endpoint_method = \"put\"", "is not one of post, form, get"),
            ("endpoint_timeout = 0", "must be at least 1"),
            ("endpoint_auth = {}", "exactly one of"),
            (
                "endpoint_auth = { bearer_env = \"A\", basic_env = \"B\" }",
                "exactly one of",
            ),
        ] {
            let e = Manifest::parse(
                &format!(
                    "[project]\nname = \"x\"\n[graph]\nendpoint = \"http://h/sparql\"\n{bad}\n"
                ),
                Path::new("ggen.toml"),
            )
            .unwrap_err();
            assert!(e.to_string().starts_with("ggen.toml:5"), "{e}");
            assert!(e.to_string().contains(msg), "{e}");
        }
    }

    #[test]
    fn unknown_type_language() {
        let e = Manifest::parse(
            "[project]\nname = \"x\"\n[types.cobol]\n\"xsd:string\" = \"PIC X\"\n",
            Path::new("ggen.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("cobol"), "{e}");
    }
}
