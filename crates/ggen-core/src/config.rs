//! The user's configuration: where ggen keeps its configuration and cache, reading
//! `config.toml`, and editing it without losing comments.
//!
//! - [`Dirs::resolve`]: the configuration directory (`$GGEN_CONFIG_DIR`, else the platform
//!   configuration directory + `ggen`, e.g. `~/.config/ggen`), the cache directory
//!   (`$GGEN_CACHE_DIR`, else the platform cache directory + `ggen`, e.g. `~/.cache/ggen`) and
//!   the configuration file (the `--config FILE` override, else `<config dir>/config.toml`).
//! - [`load`] / [`load_or_empty`]: the file as a [`toml::Table`]; errors name `file:line:col`.
//! - [`set_value`]: set a dotted key (`ai.model`, `registry_timeout`) with `toml_edit`, keeping
//!   comments and formatting, and write the file atomically. The value is parsed as TOML when it
//!   parses (`42`, `true`, `["a", "b"]`, `"quoted"`), else it is stored as a string.
//!
//! The library reads the environment only in [`Dirs::resolve`]; [`Dirs::from_values`] takes
//! every input explicitly.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{Diagnostic, Location, line_col_of_offset};

/// The configuration file name inside the configuration directory.
pub const CONFIG_FILE: &str = "config.toml";
/// Environment variable overriding the configuration directory.
pub const CONFIG_DIR_ENV: &str = "GGEN_CONFIG_DIR";
/// Environment variable overriding the cache directory.
pub const CACHE_DIR_ENV: &str = "GGEN_CACHE_DIR";

/// Where a resolved path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// An environment variable (`GGEN_CONFIG_DIR`, `GGEN_CACHE_DIR`).
    Env,
    /// The command line (`--config FILE`).
    Flag,
    /// The platform default.
    Platform,
    /// Derived from the configuration directory.
    ConfigDir,
}

/// The resolved directories and configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dirs {
    /// The configuration directory.
    pub config_dir: PathBuf,
    /// Where [`Dirs::config_dir`] came from.
    pub config_dir_origin: Origin,
    /// The cache directory.
    pub cache_dir: PathBuf,
    /// Where [`Dirs::cache_dir`] came from.
    pub cache_dir_origin: Origin,
    /// The configuration file.
    pub config_file: PathBuf,
    /// Where [`Dirs::config_file`] came from.
    pub config_file_origin: Origin,
}

impl Dirs {
    /// Resolve from the process environment (`GGEN_CONFIG_DIR`, `GGEN_CACHE_DIR`, the platform
    /// directories) and an optional `--config FILE` override.
    pub fn resolve(config_override: Option<&Path>) -> Result<Self, ConfigError> {
        Self::from_values(
            std::env::var_os(CONFIG_DIR_ENV),
            std::env::var_os(CACHE_DIR_ENV),
            config_override,
        )
    }

    /// Resolve from explicit values; empty variables count as unset. The platform directories
    /// are used only for what is not given.
    pub fn from_values(
        config_dir: Option<OsString>,
        cache_dir: Option<OsString>,
        config_override: Option<&Path>,
    ) -> Result<Self, ConfigError> {
        use etcetera::BaseStrategy as _;
        let given = |v: Option<OsString>| v.filter(|s| !s.is_empty()).map(PathBuf::from);
        let platform = || {
            etcetera::choose_base_strategy().map_err(|e| ConfigError::NoDirectory {
                message: e.to_string(),
            })
        };
        let (config_dir, config_dir_origin) = match given(config_dir) {
            Some(d) => (d, Origin::Env),
            None => (platform()?.config_dir().join("ggen"), Origin::Platform),
        };
        let (cache_dir, cache_dir_origin) = match given(cache_dir) {
            Some(d) => (d, Origin::Env),
            None => (platform()?.cache_dir().join("ggen"), Origin::Platform),
        };
        let (config_file, config_file_origin) = match config_override {
            Some(f) => (f.to_path_buf(), Origin::Flag),
            None => (config_dir.join(CONFIG_FILE), Origin::ConfigDir),
        };
        Ok(Self {
            config_dir,
            config_dir_origin,
            cache_dir,
            cache_dir_origin,
            config_file,
            config_file_origin,
        })
    }
}

/// Errors reading or editing the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither the environment variable nor a platform directory is available (no home).
    #[error("cannot determine the ggen directories: {message}")]
    NoDirectory {
        /// Why.
        message: String,
    },
    /// Reading or writing the file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// The parser's message.
        message: String,
    },
    /// The key given to [`set_value`] is not a valid dotted key.
    #[error("invalid key `{key}`: {message}")]
    InvalidKey {
        /// The key as given.
        key: String,
        /// Why.
        message: String,
    },
    /// A key on the path is not a table, or the key itself names a table.
    #[error("{}: cannot set `{key}`: {message}", path.display())]
    Conflict {
        /// The configuration file.
        path: PathBuf,
        /// The key as given.
        key: String,
        /// What is in the way.
        message: String,
    },
}

impl Diagnostic for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            Self::NoDirectory { .. } => "config-no-directory",
            Self::Io { .. } => "config-io",
            Self::Syntax { .. } => "config-syntax",
            Self::InvalidKey { .. } => "config-invalid-key",
            Self::Conflict { .. } => "config-conflict",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::Syntax { location, .. } => Some(location),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::NoDirectory { .. } => {
                Some("set GGEN_CONFIG_DIR and GGEN_CACHE_DIR (or HOME)".into())
            }
            Self::InvalidKey { .. } => {
                Some("use a dotted key such as `ai.model` or `ai.\"base_url\"`".into())
            }
            _ => None,
        }
    }
}

fn syntax_error(
    path: &Path,
    text: &str,
    span: Option<std::ops::Range<usize>>,
    message: &str,
) -> ConfigError {
    let location = match span {
        Some(s) => {
            let (line, col) = line_col_of_offset(text, s.start);
            Location::at(path, line, col)
        }
        None => Location::file(path),
    };
    ConfigError::Syntax {
        location,
        message: message.trim().to_owned(),
    }
}

/// Parse configuration text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>()
        .map_err(|e| syntax_error(path, text, e.span(), e.message()))
}

/// Read and parse the configuration file.
pub fn load(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Read and parse the configuration file; an empty table when it does not exist.
pub fn load_or_empty(path: &Path) -> Result<toml::Table, ConfigError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        _ => load(path),
    }
}

/// Look up a dotted key (plain segments, no quoting) in a parsed table.
pub fn get<'a>(table: &'a toml::Table, dotted_key: &str) -> Option<&'a toml::Value> {
    let mut parts = dotted_key.split('.');
    let first = table.get(parts.next()?)?;
    parts.try_fold(first, |v, k| v.as_table()?.get(k))
}

/// What [`set_value`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetOutcome {
    /// The key as given.
    pub key: String,
    /// The new value, as written in TOML.
    pub value: String,
    /// The TOML type of the new value (`string`, `integer`, `float`, `boolean`, `datetime`,
    /// `array`, `table`).
    pub kind: &'static str,
    /// Whether the key existed before.
    pub replaced: bool,
}

/// Parse a command-line value: TOML when it parses, else a plain string.
pub fn parse_value(text: &str) -> toml_edit::Value {
    match text.trim().parse::<toml_edit::Value>() {
        Ok(mut v) => {
            v.decor_mut().clear();
            v
        }
        Err(_) => toml_edit::Value::from(text),
    }
}

fn kind_of(v: &toml_edit::Value) -> &'static str {
    match v {
        toml_edit::Value::String(_) => "string",
        toml_edit::Value::Integer(_) => "integer",
        toml_edit::Value::Float(_) => "float",
        toml_edit::Value::Boolean(_) => "boolean",
        toml_edit::Value::Datetime(_) => "datetime",
        toml_edit::Value::Array(_) => "array",
        toml_edit::Value::InlineTable(_) => "table",
    }
}

/// Set `dotted_key` to `value` in the configuration file at `path` (created when missing),
/// keeping the comments and layout of the rest of the file, and write it atomically. Missing
/// tables on the way are created (`[ai]` for `ai.model`).
pub fn set_value(path: &Path, dotted_key: &str, value: &str) -> Result<SetOutcome, ConfigError> {
    let keys = toml_edit::Key::parse(dotted_key).map_err(|e| ConfigError::InvalidKey {
        key: dotted_key.to_owned(),
        message: e.message().trim().to_owned(),
    })?;
    let Some((leaf, parents)) = keys.split_last() else {
        return Err(ConfigError::InvalidKey {
            key: dotted_key.to_owned(),
            message: "empty key".into(),
        });
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(ConfigError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut doc = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| syntax_error(path, &text, e.span(), e.message()))?;
    let conflict = |message: String| ConfigError::Conflict {
        path: path.to_path_buf(),
        key: dotted_key.to_owned(),
        message,
    };
    let mut table: &mut dyn toml_edit::TableLike = doc.as_table_mut();
    let mut walked = Vec::new();
    // Inside an inline table, missing tables are created inline too.
    let mut inline = false;
    for k in parents {
        walked.push(k.get().to_owned());
        if table.get(k.get()).is_none() {
            let item = if inline {
                toml_edit::Item::Value(toml_edit::Value::InlineTable(toml_edit::InlineTable::new()))
            } else {
                let mut t = toml_edit::Table::new();
                t.set_implicit(true);
                toml_edit::Item::Table(t)
            };
            table.insert(k.get(), item);
        }
        let Some(item) = table.get_mut(k.get()) else {
            return Err(conflict(format!(
                "`{}` could not be created",
                walked.join(".")
            )));
        };
        inline = inline || item.is_inline_table();
        if !item.is_table_like() {
            return Err(conflict(format!(
                "`{}` is a {}, not a table",
                walked.join("."),
                item.type_name()
            )));
        }
        let Some(next) = item.as_table_like_mut() else {
            return Err(conflict(format!("`{}` is not a table", walked.join("."))));
        };
        table = next;
    }
    let mut new_value = parse_value(value);
    let kind = kind_of(&new_value);
    let replaced = match table.get_mut(leaf.get()) {
        Some(toml_edit::Item::Value(old)) => {
            // Keep the comments and spacing around the old value.
            *new_value.decor_mut() = old.decor().clone();
            *old = new_value.clone();
            true
        }
        Some(other) if !other.is_none() => {
            return Err(conflict(format!(
                "`{dotted_key}` is a {}; set one of its keys instead",
                other.type_name()
            )));
        }
        _ => {
            table.insert(leaf.get(), toml_edit::Item::Value(new_value.clone()));
            false
        }
    };
    let out = doc.to_string();
    // Never write something that does not read back.
    parse(&out, path)?;
    crate::fs::write_atomic(path, out.as_bytes()).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    new_value.decor_mut().clear();
    Ok(SetOutcome {
        key: dotted_key.to_owned(),
        value: new_value.to_string().trim().to_owned(),
        kind,
        replaced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs_from_values() {
        let d = Dirs::from_values(Some("/c".into()), Some("/k".into()), None).unwrap();
        assert_eq!(d.config_dir, PathBuf::from("/c"));
        assert_eq!(d.cache_dir, PathBuf::from("/k"));
        assert_eq!(d.config_file, PathBuf::from("/c/config.toml"));
        assert_eq!(d.config_file_origin, Origin::ConfigDir);
        let d = Dirs::from_values(
            Some("/c".into()),
            Some("/k".into()),
            Some(Path::new("/x.toml")),
        )
        .unwrap();
        assert_eq!(d.config_file, PathBuf::from("/x.toml"));
        assert_eq!(d.config_file_origin, Origin::Flag);
        // Empty values count as unset.
        let d = Dirs::from_values(Some("".into()), Some("/k".into()), None).unwrap();
        assert_eq!(d.config_dir_origin, Origin::Platform);
        assert!(d.config_dir.ends_with("ggen"));
    }

    #[test]
    fn load_errors_name_file_line_column() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config.toml");
        std::fs::write(&f, "[ai]\nmodel = \"x\"\nbroken = \n").unwrap();
        let e = load(&f).unwrap_err();
        let loc = e.location().unwrap();
        assert_eq!(loc.line, Some(3));
        assert!(loc.column.is_some());
        assert!(
            e.to_string().starts_with(&format!("{}:3:", f.display())),
            "{e}"
        );
        assert!(
            load_or_empty(&dir.path().join("none.toml"))
                .unwrap()
                .is_empty()
        );
        assert!(load(&dir.path().join("none.toml")).is_err());
    }

    #[test]
    fn set_value_keeps_comments_and_types() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config.toml");
        std::fs::write(
            &f,
            "# my settings\n[ai]\n# the model\nmodel = \"a\" # trailing\n\n[[registry]]\nname = \"r\"\nindex = \"/srv\"\n",
        )
        .unwrap();
        let o = set_value(&f, "ai.model", "gpt-4o").unwrap();
        assert!(o.replaced);
        assert_eq!(o.kind, "string");
        set_value(&f, "ai.max_tokens", "512").unwrap();
        set_value(&f, "ai.stream", "true").unwrap();
        set_value(&f, "ai.stop", "[\"a\", \"b\"]").unwrap();
        set_value(&f, "ai.temperature", "0.5").unwrap();
        set_value(&f, "ai.note", "\"quoted\"").unwrap();
        set_value(&f, "ai.version", "1.2.3").unwrap();
        let o = set_value(&f, "cache.http.timeout", "30").unwrap();
        assert!(!o.replaced);
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            text.starts_with("# my settings\n[ai]\n# the model\nmodel = \"gpt-4o\" # trailing\n"),
            "{text}"
        );
        let t = load(&f).unwrap();
        assert_eq!(get(&t, "ai.model").unwrap().as_str(), Some("gpt-4o"));
        assert_eq!(get(&t, "ai.max_tokens").unwrap().as_integer(), Some(512));
        assert_eq!(get(&t, "ai.stream").unwrap().as_bool(), Some(true));
        assert_eq!(get(&t, "ai.stop").unwrap().as_array().unwrap().len(), 2);
        assert_eq!(get(&t, "ai.temperature").unwrap().as_float(), Some(0.5));
        assert_eq!(get(&t, "ai.note").unwrap().as_str(), Some("quoted"));
        assert_eq!(get(&t, "ai.version").unwrap().as_str(), Some("1.2.3"));
        assert_eq!(
            get(&t, "cache.http.timeout").unwrap().as_integer(),
            Some(30)
        );
        assert!(t.get("registry").unwrap().as_array().is_some());
        // The new table is written with a header, not as `[cache]` + dotted keys elsewhere.
        assert!(text.contains("[cache.http]\ntimeout = 30\n"), "{text}");
    }

    #[test]
    fn set_value_conflicts_and_bad_keys() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("sub/config.toml");
        // Created with its directory.
        set_value(&f, "ai.provider", "mock").unwrap();
        let before = std::fs::read_to_string(&f).unwrap();
        assert!(matches!(
            set_value(&f, "ai.provider.name", "x").unwrap_err(),
            ConfigError::Conflict { .. }
        ));
        assert!(matches!(
            set_value(&f, "ai", "x").unwrap_err(),
            ConfigError::Conflict { .. }
        ));
        assert!(matches!(
            set_value(&f, "a..b", "x").unwrap_err(),
            ConfigError::InvalidKey { .. }
        ));
        assert_eq!(std::fs::read_to_string(&f).unwrap(), before);
        // A broken file is reported with its position and left alone.
        std::fs::write(&f, "x = [\n").unwrap();
        let e = set_value(&f, "y", "1").unwrap_err();
        assert_eq!(e.code(), "config-syntax");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "x = [\n");
    }
}
