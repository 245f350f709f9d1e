//! The user's registry configuration (`~/.config/ggen/config.toml`):
//!
//! ```toml
//! [[registry]]
//! name = "default"
//! index = "https://packs.example.org/"          # or a path / file:// URL
//! trusted_keys = ["MCowBQYDK2VwAyEA…"]          # base64 SPKI or raw base64 key
//! require_signatures = true                      # default true
//! token_env = "GGEN_REGISTRY_TOKEN"              # for publishing
//!
//! [publish]
//! key = "~/.config/ggen/publisher.key"           # optional signing key for `publish`
//! ```
//!
//! Other top-level tables (used by other parts of ggen) are ignored here. The caller passes the
//! path; this module never looks at `HOME`.

use std::path::{Path, PathBuf};

use ggen_core::{Diagnostic, Location};
use serde::Deserialize;
use toml::Spanned;

use crate::sign::{PublicKey, TrustedKeys};
use crate::tomlutil::{de_error, span_location};

/// One configured registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryEntry {
    /// Name used on the command line (`--registry NAME`).
    pub name: String,
    /// Index location: `http(s)://` URL, `file://` URL or path.
    pub index: String,
    /// Keys whose signatures are trusted for this registry.
    pub trusted_keys: TrustedKeys,
    /// Refuse unsigned or untrusted packs (unless the caller allows unsigned).
    pub require_signatures: bool,
    /// Environment variable holding the publish token.
    pub token_env: Option<String>,
    /// Where the entry is defined.
    pub location: Location,
}

impl RegistryEntry {
    /// A registry entry with no trusted keys and `require_signatures = true`.
    pub fn new(name: &str, index: &str) -> Self {
        Self {
            name: name.to_owned(),
            index: index.to_owned(),
            trusted_keys: TrustedKeys::new(),
            require_signatures: true,
            token_env: None,
            location: Location::file("<built-in>"),
        }
    }

    /// The lockfile source string: `registry+<index>`.
    pub fn source(&self) -> String {
        format!("registry+{}", self.index)
    }
}

/// The registry configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Registries in file order (the first one that knows a pack provides it).
    pub registries: Vec<RegistryEntry>,
    /// Private key used by `publish` to sign, if configured (a leading `~/` is kept as written;
    /// the caller expands it).
    pub publish_key: Option<PathBuf>,
}

/// Errors reading the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Malformed TOML, a wrong type or an unknown key.
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// Parser message.
        message: String,
    },
    /// An invalid value.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
}

impl Diagnostic for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "config-io",
            Self::Syntax { .. } => "config-syntax",
            Self::Invalid { .. } => "config-invalid",
        }
    }

    fn location(&self) -> Option<&Location> {
        match self {
            Self::Syntax { location, .. } | Self::Invalid { location, .. } => Some(location),
            Self::Io { .. } => None,
        }
    }
}

#[derive(Deserialize)]
struct RawConfig {
    #[serde(default)]
    registry: Vec<Spanned<RawRegistry>>,
    #[serde(default)]
    publish: Option<RawPublish>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    name: Spanned<String>,
    index: Spanned<String>,
    #[serde(default)]
    trusted_keys: Vec<Spanned<String>>,
    #[serde(default = "yes")]
    require_signatures: bool,
    #[serde(default)]
    token_env: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublish {
    #[serde(default)]
    key: Option<PathBuf>,
}

fn yes() -> bool {
    true
}

impl Config {
    /// Parse configuration text; `file` names it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (location, message) = de_error(file, text, &e);
            ConfigError::Syntax { location, message }
        })?;
        let invalid = |span: std::ops::Range<usize>, message: String| ConfigError::Invalid {
            location: span_location(file, text, &span),
            message,
        };
        let mut registries: Vec<RegistryEntry> = Vec::new();
        for r in raw.registry {
            let location = span_location(file, text, &r.span());
            let r = r.into_inner();
            let name = r.name.get_ref();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(invalid(
                    r.name.span(),
                    format!("invalid registry name `{name}` (letters, digits, `-` and `_`)"),
                ));
            }
            if registries.iter().any(|x| &x.name == name) {
                return Err(invalid(
                    r.name.span(),
                    format!("registry `{name}` is defined twice"),
                ));
            }
            if r.index.get_ref().trim().is_empty() {
                return Err(invalid(r.index.span(), "empty registry index".into()));
            }
            let mut trusted = TrustedKeys::new();
            for k in &r.trusted_keys {
                let key = PublicKey::parse(k.get_ref())
                    .map_err(|e| invalid(k.span(), format!("invalid trusted key: {e}")))?;
                trusted.insert(key);
            }
            registries.push(RegistryEntry {
                name: name.clone(),
                index: r.index.get_ref().trim().to_owned(),
                trusted_keys: trusted,
                require_signatures: r.require_signatures,
                token_env: r.token_env,
                location,
            });
        }
        Ok(Self {
            registries,
            publish_key: raw.publish.and_then(|p| p.key),
        })
    }

    /// Read a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Read a configuration file, or an empty configuration when it does not exist.
    pub fn load_or_default(path: &Path) -> Result<Self, ConfigError> {
        if path.exists() {
            Self::load(path)
        } else {
            Ok(Self::default())
        }
    }

    /// The registry with this name.
    pub fn registry(&self, name: &str) -> Option<&RegistryEntry> {
        self.registries.iter().find(|r| r.name == name)
    }
}

/// The platform cache directory for ggen (`$XDG_CACHE_HOME/ggen` or `~/.cache/ggen` on Linux,
/// the platform equivalent elsewhere). Only for the command line's default; library functions
/// always take the cache directory as an argument. The caller should prefer `$GGEN_CACHE_DIR`.
pub fn default_cache_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy as _;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.cache_dir().join("ggen"))
}

/// The platform configuration file path (`~/.config/ggen/config.toml` on Linux). Only for the
/// command line's default; the caller should prefer `$GGEN_CONFIG_DIR/config.toml`.
pub fn default_config_file() -> Option<PathBuf> {
    use etcetera::BaseStrategy as _;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("ggen").join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::SecretKey;

    #[test]
    fn parses_registries_and_ignores_other_tables() {
        let k = SecretKey::from_seed(&[5; 32]).public_key();
        let text = format!(
            r#"[ai]
provider = "x"

[[registry]]
name = "default"
index = "https://packs.example.org/"
trusted_keys = ["{}", "{}"]
token_env = "GGEN_REGISTRY_TOKEN"

[[registry]]
name = "local"
index = "/srv/packs"
require_signatures = false

[publish]
key = "keys/me.key"
"#,
            k.to_base64_spki(),
            k.to_base64_raw()
        );
        let c = Config::parse(&text, Path::new("config.toml")).unwrap();
        assert_eq!(c.registries.len(), 2);
        let d = c.registry("default").unwrap();
        assert!(d.require_signatures);
        assert_eq!(
            d.trusted_keys.key_ids().collect::<Vec<_>>(),
            vec![k.key_id().as_str()]
        );
        assert_eq!(d.token_env.as_deref(), Some("GGEN_REGISTRY_TOKEN"));
        assert_eq!(d.location.line, Some(4));
        assert_eq!(d.source(), "registry+https://packs.example.org/");
        assert!(!c.registry("local").unwrap().require_signatures);
        assert_eq!(c.publish_key.as_deref(), Some(Path::new("keys/me.key")));
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            (
                "[[registry]]\nname = \"a\"\nindex = \"x\"\ntrusted_keys = [\"nope\"]\n",
                4,
                "invalid trusted key",
            ),
            (
                "[[registry]]\nname = \"a\"\nindex = \"x\"\nrequire_signature = true\n",
                4,
                "unknown field",
            ),
            (
                "[[registry]]\nname = \"a\"\nindex = \"x\"\n[[registry]]\nname = \"a\"\nindex = \"y\"\n",
                5,
                "defined twice",
            ),
            (
                "[[registry]]\nname = \"a b\"\nindex = \"x\"\n",
                2,
                "invalid registry name",
            ),
            ("[[registry]]\nname = \"a\"\n", 1, "missing field `index`"),
            ("[[registry]\n", 1, ""),
        ];
        for (text, line, msg) in cases {
            let e = Config::parse(text, Path::new("/home/u/.config/ggen/config.toml")).unwrap_err();
            let loc = e.location().unwrap();
            assert_eq!(loc.line, Some(line), "{e}");
            assert!(
                e.to_string()
                    .starts_with("/home/u/.config/ggen/config.toml:"),
                "{e}"
            );
            assert!(e.to_string().contains(msg), "{e}");
        }
    }

    #[test]
    fn missing_file_is_empty_config() {
        let d = tempfile::tempdir().unwrap();
        let c = Config::load_or_default(&d.path().join("none.toml")).unwrap();
        assert!(c.registries.is_empty());
        assert!(Config::load(&d.path().join("none.toml")).is_err());
    }
}
