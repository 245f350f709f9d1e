//! OpenAI-compatible chat completions (`POST {base}/chat/completions`): OpenAI, Azure OpenAI,
//! vLLM, LM Studio, llama.cpp server and others.

use serde_json::{Value, json};

use crate::config::{AiSettings, ProviderKind};
use crate::error::AiError;
use crate::message::{Completion, Message, Usage};
use crate::provider::http::Http;
use crate::provider::stream::{Flow, ended_early, parse_json, sse_events};
use crate::provider::{Provider, empty, join_url};

/// The OpenAI-compatible provider.
pub struct OpenAi {
    http: Http,
    url: String,
    settings: AiSettings,
}

impl OpenAi {
    /// A provider for the settings' base URL and model.
    pub fn new(settings: &AiSettings) -> Self {
        Self {
            http: Http::new("openai", settings),
            url: join_url(&settings.base_url, "/chat/completions"),
            settings: settings.clone(),
        }
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        match &self.settings.api_key {
            Some(k) if is_azure(&self.settings.base_url) => {
                vec![("api-key", k.expose().to_owned())]
            }
            Some(k) => vec![("authorization", format!("Bearer {}", k.expose()))],
            None => Vec::new(),
        }
    }

    fn body(&self, messages: &[Message], stream: bool) -> Value {
        let msgs: Vec<Value> = messages
            .iter()
            .map(|m| json!({ "role": m.role.as_str(), "content": m.content }))
            .collect();
        let mut body = json!({ "model": self.settings.model, "messages": msgs, "stream": stream });
        if let Some(obj) = body.as_object_mut() {
            if let Some(n) = self.settings.max_tokens {
                obj.insert("max_tokens".into(), json!(n));
            }
            if let Some(t) = self.settings.temperature {
                obj.insert("temperature".into(), json!(t));
            }
        }
        body
    }
}

impl std::fmt::Debug for OpenAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAi")
            .field("url", &self.url)
            .field("model", &self.settings.model)
            .finish_non_exhaustive()
    }
}

/// Azure OpenAI authenticates with an `api-key` header instead of a bearer token.
fn is_azure(base_url: &str) -> bool {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', '?', ':'])
        .next()
        .unwrap_or_default();
    host.ends_with(".openai.azure.com") || host.ends_with(".cognitiveservices.azure.com")
}

impl Provider for OpenAi {
    fn kind(&self) -> ProviderKind {
        ProviderKind::OpenAi
    }

    fn model(&self) -> &str {
        &self.settings.model
    }

    fn complete(&self, messages: &[Message]) -> Result<Completion, AiError> {
        let v = self
            .http
            .post_json(&self.url, &self.headers(), &self.body(messages, false))?;
        let choice = v
            .pointer("/choices/0")
            .ok_or_else(|| AiError::InvalidResponse {
                provider: "openai",
                message: "the answer has no `choices`".into(),
            })?;
        let finish = choice
            .get("finish_reason")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let content = choice
            .pointer("/message/content")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if content.trim().is_empty() {
            let refusal = choice
                .pointer("/message/refusal")
                .and_then(Value::as_str)
                .map(|r| format!("refusal: {r}"));
            return Err(empty(
                "openai",
                refusal.or_else(|| finish.map(|f| format!("finish_reason: {f}"))),
            ));
        }
        Ok(Completion {
            content: content.to_owned(),
            model: v.get("model").and_then(Value::as_str).map(str::to_owned),
            finish_reason: finish,
            usage: v.get("usage").map(|u| Usage {
                input_tokens: u.get("prompt_tokens").and_then(Value::as_u64).unwrap_or(0),
                output_tokens: u
                    .get("completion_tokens")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
            }),
        })
    }

    fn complete_streaming(
        &self,
        messages: &[Message],
        on_chunk: &mut dyn FnMut(&str),
    ) -> Result<Completion, AiError> {
        let reader =
            self.http
                .post_stream(&self.url, &self.headers(), &self.body(messages, true))?;
        let mut content = String::new();
        let mut model = None;
        let mut finish = None;
        let done = sse_events(&self.http, reader, |ev| {
            if ev.data.trim() == "[DONE]" {
                return Ok(Flow::Stop);
            }
            let v = parse_json(&self.http, &ev.data)?;
            if let Some(e) = v.get("error") {
                return Err(AiError::Server {
                    provider: "openai",
                    status: 200,
                    attempts: 1,
                    message: self.http.scrub(
                        e.get("message")
                            .and_then(Value::as_str)
                            .unwrap_or("error event in the stream"),
                    ),
                });
            }
            if model.is_none() {
                model = v.get("model").and_then(Value::as_str).map(str::to_owned);
            }
            if let Some(f) = v
                .pointer("/choices/0/finish_reason")
                .and_then(Value::as_str)
            {
                finish = Some(f.to_owned());
            }
            if let Some(piece) = v
                .pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
                && !piece.is_empty()
            {
                content.push_str(piece);
                on_chunk(piece);
            }
            Ok(Flow::Continue)
        })?;
        if !done {
            return Err(ended_early(&self.http));
        }
        if content.trim().is_empty() {
            return Err(empty(
                "openai",
                finish.map(|f| format!("finish_reason: {f}")),
            ));
        }
        Ok(Completion {
            content,
            model,
            finish_reason: finish,
            usage: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_hosts_use_the_api_key_header() {
        assert!(is_azure(
            "https://res.openai.azure.com/openai/deployments/d?api-version=1"
        ));
        assert!(!is_azure("https://api.openai.com/v1"));
        assert!(!is_azure("http://127.0.0.1:8000/v1"));
        let mut s = AiSettings::new(ProviderKind::OpenAi);
        s.api_key = Some(crate::ApiKey::new("k1"));
        s.base_url = "https://res.openai.azure.com/openai/deployments/d".into();
        let h = OpenAi::new(&s).headers();
        assert_eq!(h, vec![("api-key", "k1".to_owned())]);
        s.base_url = "http://127.0.0.1:8000/v1".into();
        let h = OpenAi::new(&s).headers();
        assert_eq!(h, vec![("authorization", "Bearer k1".to_owned())]);
    }
}
