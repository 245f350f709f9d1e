//! Doctor: is an AI provider configured, and is its key present? The key is never printed:
//! only the name of the variable holding it.
//!
//! Settings as in LIFECYCLE_HOOKS_AI.md §5: `[ai] provider`, `base_url`, `api_key_env` in the
//! configuration, overridden by `GGEN_AI_PROVIDER` / `GGEN_AI_BASE_URL`; keys come from the
//! environment only (`api_key_env`, else `OPENAI_API_KEY` / `ANTHROPIC_API_KEY`).

use std::time::Instant;

use super::{Checks, Status};

fn setting(config: Option<&toml::Table>, env: &str, key: &str) -> Option<String> {
    std::env::var(env)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            config
                .and_then(|t| ggen_core::config::get(t, key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
}

/// Record the `ai` check.
pub fn check(checks: &mut Checks, config: Option<&toml::Table>) {
    let t = Instant::now();
    let Some(provider) = setting(config, "GGEN_AI_PROVIDER", "ai.provider") else {
        checks.push(
            "ai",
            t,
            Status::Skip,
            "no AI provider configured (`ggen ai` commands need one)",
            Some("ggen utils env --set ai.provider=ollama (or openai, anthropic, mock)".into()),
        );
        return;
    };
    let p = provider.trim().to_ascii_lowercase();
    let (default_env, default_url) = match p.as_str() {
        "openai" | "openai-compatible" | "openai_compatible" => {
            (Some("OPENAI_API_KEY"), "https://api.openai.com/v1")
        }
        "anthropic" | "claude" => (Some("ANTHROPIC_API_KEY"), "https://api.anthropic.com"),
        "ollama" | "mock" => (None, ""),
        _ => {
            checks.push(
                "ai",
                t,
                Status::Fail,
                format!("unknown AI provider `{provider}`"),
                Some("use one of: openai, anthropic, ollama, mock".into()),
            );
            return;
        }
    };
    let Some(default_env) = default_env else {
        let host = if p == "ollama" {
            std::env::var("OLLAMA_HOST")
                .ok()
                .or_else(|| setting(config, "GGEN_AI_BASE_URL", "ai.base_url"))
                .map(|h| format!(" at {h}"))
                .unwrap_or_default()
        } else {
            String::new()
        };
        checks.push(
            "ai",
            t,
            Status::Ok,
            format!("provider {p}{host} (no key needed)"),
            None,
        );
        return;
    };
    let key_env = config
        .and_then(|t| ggen_core::config::get(t, "ai.api_key_env"))
        .and_then(|v| v.as_str())
        .unwrap_or(default_env)
        .to_owned();
    let present = std::env::var_os(&key_env).is_some_and(|v| !v.is_empty());
    let base_url = setting(config, "GGEN_AI_BASE_URL", "ai.base_url");
    let official = base_url
        .as_deref()
        .is_none_or(|u| u.trim_end_matches('/') == default_url);
    if present {
        checks.push(
            "ai",
            t,
            Status::Ok,
            format!("provider {p}, key present in ${key_env}"),
            None,
        );
    } else if official {
        checks.push(
            "ai",
            t,
            Status::Fail,
            format!("provider {p} needs a key, but ${key_env} is not set"),
            Some(format!(
                "export {key_env}=… (keys are read from the environment only)"
            )),
        );
    } else {
        checks.push(
            "ai",
            t,
            Status::Warn,
            format!(
                "provider {p} at {} without a key (${key_env} is not set)",
                base_url.unwrap_or_default()
            ),
            Some(format!("export {key_env}=… if the server requires a key")),
        );
    }
}
