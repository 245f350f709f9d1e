//! Anthropic Messages API (`POST {base}/v1/messages`).

use serde_json::{Value, json};

use crate::config::{AiSettings, ProviderKind};
use crate::error::AiError;
use crate::message::{Completion, Message, Role, Usage};
use crate::provider::http::Http;
use crate::provider::stream::{Flow, ended_early, parse_json, sse_events};
use crate::provider::{Provider, empty, join_url};

/// The API version header value sent with every request.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// `max_tokens` when none is configured (the API requires one).
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// The Anthropic provider.
pub struct Anthropic {
    http: Http,
    url: String,
    settings: AiSettings,
}

impl Anthropic {
    /// A provider for the settings' base URL and model.
    pub fn new(settings: &AiSettings) -> Self {
        Self {
            http: Http::new("anthropic", settings),
            url: join_url(&settings.base_url, "/v1/messages"),
            settings: settings.clone(),
        }
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![("anthropic-version", ANTHROPIC_VERSION.to_owned())];
        if let Some(k) = &self.settings.api_key {
            h.push(("x-api-key", k.expose().to_owned()));
        }
        h
    }

    fn body(&self, messages: &[Message], stream: bool) -> Value {
        let system: Vec<&str> = messages
            .iter()
            .filter(|m| m.role == Role::System)
            .map(|m| m.content.as_str())
            .collect();
        let msgs: Vec<Value> = messages
            .iter()
            .filter(|m| m.role != Role::System)
            .map(|m| json!({ "role": m.role.as_str(), "content": m.content }))
            .collect();
        let mut body = json!({
            "model": self.settings.model,
            "max_tokens": self.settings.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            "messages": msgs,
        });
        if let Some(obj) = body.as_object_mut() {
            if !system.is_empty() {
                obj.insert("system".into(), json!(system.join("\n\n")));
            }
            if let Some(t) = self.settings.temperature {
                obj.insert("temperature".into(), json!(t));
            }
            if stream {
                obj.insert("stream".into(), json!(true));
            }
        }
        body
    }
}

impl std::fmt::Debug for Anthropic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Anthropic")
            .field("url", &self.url)
            .field("model", &self.settings.model)
            .finish_non_exhaustive()
    }
}

impl Provider for Anthropic {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Anthropic
    }

    fn model(&self) -> &str {
        &self.settings.model
    }

    fn complete(&self, messages: &[Message]) -> Result<Completion, AiError> {
        let v = self
            .http
            .post_json(&self.url, &self.headers(), &self.body(messages, false))?;
        let blocks =
            v.get("content")
                .and_then(Value::as_array)
                .ok_or_else(|| AiError::InvalidResponse {
                    provider: "anthropic",
                    message: "the answer has no `content` array".into(),
                })?;
        let content: String = blocks
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect();
        let finish = v
            .get("stop_reason")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if content.trim().is_empty() {
            return Err(empty(
                "anthropic",
                finish.map(|f| format!("stop_reason: {f}")),
            ));
        }
        Ok(Completion {
            content,
            model: v.get("model").and_then(Value::as_str).map(str::to_owned),
            finish_reason: finish,
            usage: v.get("usage").map(|u| Usage {
                input_tokens: u.get("input_tokens").and_then(Value::as_u64).unwrap_or(0),
                output_tokens: u.get("output_tokens").and_then(Value::as_u64).unwrap_or(0),
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
            let v = parse_json(&self.http, &ev.data)?;
            let kind = v
                .get("type")
                .and_then(Value::as_str)
                .or(ev.event.as_deref())
                .unwrap_or_default()
                .to_owned();
            match kind.as_str() {
                "message_start" => {
                    model = v
                        .pointer("/message/model")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                }
                "content_block_delta" => {
                    if let Some(piece) = v.pointer("/delta/text").and_then(Value::as_str)
                        && !piece.is_empty()
                    {
                        content.push_str(piece);
                        on_chunk(piece);
                    }
                }
                "message_delta" => {
                    if let Some(r) = v.pointer("/delta/stop_reason").and_then(Value::as_str) {
                        finish = Some(r.to_owned());
                    }
                }
                "message_stop" => return Ok(Flow::Stop),
                "error" => {
                    return Err(AiError::Server {
                        provider: "anthropic",
                        status: 200,
                        attempts: 1,
                        message: self.http.scrub(
                            v.pointer("/error/message")
                                .and_then(Value::as_str)
                                .unwrap_or("error event in the stream"),
                        ),
                    });
                }
                _ => {}
            }
            Ok(Flow::Continue)
        })?;
        if !done {
            return Err(ended_early(&self.http));
        }
        if content.trim().is_empty() {
            return Err(empty(
                "anthropic",
                finish.map(|f| format!("stop_reason: {f}")),
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
