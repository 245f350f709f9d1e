//! Ollama (`POST {host}/api/chat`); streaming is newline-delimited JSON.

use serde_json::{Value, json};

use crate::config::{AiSettings, ProviderKind};
use crate::error::AiError;
use crate::message::{Completion, Message, Usage};
use crate::provider::http::Http;
use crate::provider::stream::{Flow, ended_early, json_lines};
use crate::provider::{Provider, empty, join_url};

/// The Ollama provider.
pub struct Ollama {
    http: Http,
    url: String,
    settings: AiSettings,
}

impl Ollama {
    /// A provider for the settings' host and model.
    pub fn new(settings: &AiSettings) -> Self {
        Self {
            http: Http::new("ollama", settings),
            url: join_url(&settings.base_url, "/api/chat"),
            settings: settings.clone(),
        }
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        match &self.settings.api_key {
            Some(k) => vec![("authorization", format!("Bearer {}", k.expose()))],
            None => Vec::new(),
        }
    }

    fn body(&self, messages: &[Message], stream: bool) -> Value {
        let msgs: Vec<Value> = messages
            .iter()
            .map(|m| json!({ "role": m.role.as_str(), "content": m.content }))
            .collect();
        let mut options = serde_json::Map::new();
        if let Some(n) = self.settings.max_tokens {
            options.insert("num_predict".into(), json!(n));
        }
        if let Some(t) = self.settings.temperature {
            options.insert("temperature".into(), json!(t));
        }
        let mut body = json!({ "model": self.settings.model, "messages": msgs, "stream": stream });
        if !options.is_empty()
            && let Some(obj) = body.as_object_mut()
        {
            obj.insert("options".into(), Value::Object(options));
        }
        body
    }

    fn usage(v: &Value) -> Option<Usage> {
        let i = v.get("prompt_eval_count").and_then(Value::as_u64);
        let o = v.get("eval_count").and_then(Value::as_u64);
        (i.is_some() || o.is_some()).then(|| Usage {
            input_tokens: i.unwrap_or(0),
            output_tokens: o.unwrap_or(0),
        })
    }
}

impl std::fmt::Debug for Ollama {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ollama")
            .field("url", &self.url)
            .field("model", &self.settings.model)
            .finish_non_exhaustive()
    }
}

impl Provider for Ollama {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Ollama
    }

    fn model(&self) -> &str {
        &self.settings.model
    }

    fn complete(&self, messages: &[Message]) -> Result<Completion, AiError> {
        let v = self
            .http
            .post_json(&self.url, &self.headers(), &self.body(messages, false))?;
        if let Some(e) = v.get("error").and_then(Value::as_str) {
            return Err(AiError::Server {
                provider: "ollama",
                status: 200,
                attempts: 1,
                message: self.http.scrub(e),
            });
        }
        let message = v.get("message").ok_or_else(|| AiError::InvalidResponse {
            provider: "ollama",
            message: "the answer has no `message`".into(),
        })?;
        let content = message
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let finish = v
            .get("done_reason")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if content.trim().is_empty() {
            return Err(empty("ollama", finish.map(|f| format!("done_reason: {f}"))));
        }
        Ok(Completion {
            content: content.to_owned(),
            model: v.get("model").and_then(Value::as_str).map(str::to_owned),
            finish_reason: finish,
            usage: Self::usage(&v),
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
        let mut usage = None;
        let done = json_lines(&self.http, reader, |v| {
            if let Some(e) = v.get("error").and_then(Value::as_str) {
                return Err(AiError::Server {
                    provider: "ollama",
                    status: 200,
                    attempts: 1,
                    message: self.http.scrub(e),
                });
            }
            if model.is_none() {
                model = v.get("model").and_then(Value::as_str).map(str::to_owned);
            }
            if let Some(piece) = v.pointer("/message/content").and_then(Value::as_str)
                && !piece.is_empty()
            {
                content.push_str(piece);
                on_chunk(piece);
            }
            if v.get("done").and_then(Value::as_bool) == Some(true) {
                finish = v
                    .get("done_reason")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                usage = Self::usage(&v);
                return Ok(Flow::Stop);
            }
            Ok(Flow::Continue)
        })?;
        if !done {
            return Err(ended_early(&self.http));
        }
        if content.trim().is_empty() {
            return Err(empty("ollama", finish.map(|f| format!("done_reason: {f}"))));
        }
        Ok(Completion {
            content,
            model,
            finish_reason: finish,
            usage,
        })
    }
}
