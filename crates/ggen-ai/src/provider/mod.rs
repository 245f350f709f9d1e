//! Providers behind one trait: OpenAI-compatible chat completions, Anthropic Messages, Ollama,
//! and an offline, scripted `mock`.

mod anthropic;
pub(crate) mod http;
mod mock;
mod ollama;
mod openai;
mod stream;

pub use anthropic::Anthropic;
pub use mock::{MockProvider, parse_mock_responses};
pub use ollama::Ollama;
pub use openai::OpenAi;

use crate::config::{AiSettings, ProviderKind};
use crate::error::AiError;
use crate::message::{Completion, Message};

/// A chat model. Every request carries the whole conversation (`messages`, oldest first).
pub trait Provider {
    /// Which API this is.
    fn kind(&self) -> ProviderKind;

    /// The model requests ask for.
    fn model(&self) -> &str;

    /// Send the conversation and wait for the whole answer.
    fn complete(&self, messages: &[Message]) -> Result<Completion, AiError>;

    /// Send the conversation and call `on_chunk` with each piece of text as it arrives; returns
    /// the whole answer. Providers without streaming call `on_chunk` once with the whole text.
    fn complete_streaming(
        &self,
        messages: &[Message],
        on_chunk: &mut dyn FnMut(&str),
    ) -> Result<Completion, AiError> {
        let c = self.complete(messages)?;
        on_chunk(&c.content);
        Ok(c)
    }
}

/// Build the provider the settings describe. Fails when a key is required and missing (the
/// official OpenAI and Anthropic endpoints; self-hosted base URLs may run without one) or when
/// the mock responses file is invalid.
pub fn build_provider(settings: &AiSettings) -> Result<Box<dyn Provider>, AiError> {
    if settings.api_key.is_none()
        && settings.is_default_endpoint()
        && let Some(env) = &settings.api_key_env
        && matches!(
            settings.provider,
            ProviderKind::OpenAi | ProviderKind::Anthropic
        )
    {
        return Err(AiError::MissingApiKey {
            provider: settings.provider.name(),
            env: env.clone(),
        });
    }
    tracing::debug!(
        provider = settings.provider.name(),
        model = %settings.model,
        base_url = %settings.base_url,
        has_key = settings.api_key.is_some(),
        timeout_s = settings.timeout.as_secs_f64(),
        "AI provider"
    );
    Ok(match settings.provider {
        ProviderKind::OpenAi => Box::new(OpenAi::new(settings)),
        ProviderKind::Anthropic => Box::new(Anthropic::new(settings)),
        ProviderKind::Ollama => Box::new(Ollama::new(settings)),
        ProviderKind::Mock => Box::new(
            match &settings.mock_responses {
                Some(p) => MockProvider::from_file(p)?,
                None => MockProvider::new(Vec::new()),
            }
            .with_model(&settings.model),
        ),
    })
}

/// Join a base URL and an endpoint path, keeping a query string of the base at the end
/// (`https://x/openai/deployments/d?api-version=1` + `/chat/completions`).
pub(crate) fn join_url(base: &str, path: &str) -> String {
    match base.split_once('?') {
        Some((b, q)) => format!("{}{path}?{q}", b.trim_end_matches('/')),
        None => format!("{}{path}", base.trim_end_matches('/')),
    }
}

/// The error for an answer without text.
pub(crate) fn empty(provider: &'static str, detail: Option<String>) -> AiError {
    AiError::EmptyResponse { provider, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_query_strings() {
        assert_eq!(
            join_url("https://api.openai.com/v1", "/chat/completions"),
            "https://api.openai.com/v1/chat/completions"
        );
        assert_eq!(
            join_url(
                "https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21",
                "/chat/completions"
            ),
            "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"
        );
    }

    #[test]
    fn official_endpoints_need_a_key() {
        let s = AiSettings::new(ProviderKind::OpenAi);
        let e = build_provider(&s).err().unwrap().to_string();
        assert!(e.contains("OPENAI_API_KEY"), "{e}");
        let mut s = AiSettings::new(ProviderKind::Anthropic);
        assert!(build_provider(&s).is_err());
        s.base_url = "http://127.0.0.1:1".into();
        assert!(
            build_provider(&s).is_ok(),
            "self-hosted endpoints may run without a key"
        );
        assert!(build_provider(&AiSettings::new(ProviderKind::Ollama)).is_ok());
    }
}
