//! Which values are secrets, so that no command output and no log line shows them.
//!
//! A variable is secret when its name contains `KEY`, `TOKEN`, `SECRET` or `PASSWORD` (any
//! case; `TOKENS`, as in `max_tokens`, is a count, not a secret) or looks secret to the lifecycle crate (`CREDENTIAL`, `AUTH`, `PRIVATE`, ...), or when
//! the configuration names it as a key holder: `[ai] api_key_env` or a registry's `token_env`.
//! The provider key variables `OPENAI_API_KEY` and `ANTHROPIC_API_KEY` are covered by the rule.

use std::collections::BTreeSet;

/// What masked values are replaced with.
pub const MASK: &str = "****";

/// Whether a variable or configuration key name looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    // A count of tokens (`max_tokens`, `GGEN_AI_MAX_TOKENS`) is not a token.
    let upper = name.to_ascii_uppercase().replace("TOKENS", "");
    ["KEY", "TOKEN", "SECRET", "PASSWORD"]
        .iter()
        .any(|w| upper.contains(w))
        || ggen_lifecycle::is_secret_name(&upper)
}

/// Names of the variables the configuration says hold secrets (`[ai] api_key_env`, every
/// `[[registry]] token_env`).
pub fn configured_secret_vars(config: &toml::Table) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(v) = ggen_core::config::get(config, "ai.api_key_env").and_then(|v| v.as_str()) {
        out.insert(v.to_owned());
    }
    if let Some(regs) = config.get("registry").and_then(|r| r.as_array()) {
        for r in regs {
            if let Some(v) = r.get("token_env").and_then(|v| v.as_str()) {
                out.insert(v.to_owned());
            }
        }
    }
    out
}

/// Every secret value present in the environment: values of secret-looking variables and of
/// the variables `config` names. Values shorter than 4 bytes are ignored (masking them would
/// garble unrelated text).
pub fn secret_values(config: Option<&toml::Table>) -> Vec<String> {
    let named = config.map(configured_secret_vars).unwrap_or_default();
    let mut out: Vec<String> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let k = k.to_string_lossy();
            (is_secret_name(&k) || named.contains(k.as_ref()))
                .then(|| v.to_string_lossy().into_owned())
        })
        .filter(|v| v.len() >= 4)
        .collect();
    // Longest first, so that a secret containing another is masked whole.
    out.sort_by_key(|v| std::cmp::Reverse(v.len()));
    out.dedup();
    out
}

/// Replace every occurrence of each secret in `text`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for s in secrets {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), MASK);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "GGEN_REGISTRY_TOKEN",
            "OPENAI_API_KEY",
            "anthropic_api_key",
            "DB_PASSWORD",
            "MY_SECRET",
            "GGEN_AUTH",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "GGEN_CACHE_DIR",
            "GGEN_LOG",
            "GGEN_ENV",
            "PATH",
            "max_tokens",
            "GGEN_AI_MAX_TOKENS",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn configured_vars_and_redaction() {
        let t: toml::Table = "[ai]\napi_key_env = \"MY_LLM\"\n[[registry]]\nname = \"a\"\nindex = \"x\"\ntoken_env = \"PUB\"\n"
            .parse()
            .unwrap();
        let v = configured_secret_vars(&t);
        assert!(v.contains("MY_LLM") && v.contains("PUB"));
        let s = vec!["hunter22".to_owned()];
        assert_eq!(redact("pw=hunter22!", &s), "pw=****!");
    }
}
