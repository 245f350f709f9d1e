//! The offline `mock` provider: scripted replies, consumed in order, then a deterministic
//! default reply.
//!
//! The responses file is a YAML list (or, for a `.json` file, a JSON array) of strings, one per
//! request:
//!
//! ````yaml
//! # replies.yaml: the first request gets the first reply, and so on
//! - |
//!   ```turtle
//!   @prefix ex: <http://example.org/library#> .
//!   …
//!   ```
//! - "A second reply."
//! ````
//!
//! When the list is used up (or no file is given) every further request gets
//! [`MockProvider::default_reply`], which depends only on the request number and the last user
//! message.

use std::path::Path;
use std::sync::Mutex;

use ggen_core::Location;

use crate::config::ProviderKind;
use crate::error::AiError;
use crate::message::{Completion, Message, Role};
use crate::provider::Provider;

#[derive(Debug, Default)]
struct State {
    next: usize,
    requests: Vec<Vec<Message>>,
}

/// The mock provider. It records every conversation it receives ([`MockProvider::requests`]).
#[derive(Debug)]
pub struct MockProvider {
    replies: Vec<String>,
    model: String,
    state: Mutex<State>,
}

impl MockProvider {
    /// A mock that answers with `replies` in order.
    pub fn new(replies: Vec<String>) -> Self {
        Self {
            replies,
            model: "mock".to_owned(),
            state: Mutex::new(State::default()),
        }
    }

    /// A mock reading its replies from a YAML or JSON file (see the module docs).
    pub fn from_file(path: &Path) -> Result<Self, AiError> {
        let text = std::fs::read_to_string(path).map_err(|e| AiError::io(path, e))?;
        Ok(Self::new(parse_mock_responses(path, &text)?))
    }

    /// Report `model` as the model name.
    #[must_use]
    pub fn with_model(mut self, model: &str) -> Self {
        model.clone_into(&mut self.model);
        self
    }

    /// Every conversation received so far, oldest first.
    pub fn requests(&self) -> Vec<Vec<Message>> {
        self.state
            .lock()
            .map(|s| s.requests.clone())
            .unwrap_or_default()
    }

    /// How many scripted replies are left.
    pub fn remaining(&self) -> usize {
        let next = self.state.lock().map(|s| s.next).unwrap_or(0);
        self.replies.len().saturating_sub(next)
    }

    /// The reply to request number `n` (1-based) when no scripted reply is left.
    pub fn default_reply(n: usize, messages: &[Message]) -> String {
        let last = messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(|m| m.content.as_str())
            .unwrap_or_default();
        let first_line = last.lines().next().unwrap_or_default();
        let shown: String = first_line.chars().take(120).collect();
        format!(
            "(mock reply to request {n}: no scripted reply left; give replies with --mock-responses FILE) You said: {shown}"
        )
    }

    fn next_reply(&self, messages: &[Message]) -> String {
        let Ok(mut state) = self.state.lock() else {
            return Self::default_reply(0, messages);
        };
        state.requests.push(messages.to_vec());
        let n = state.requests.len();
        let reply = match self.replies.get(state.next) {
            Some(r) => {
                state.next += 1;
                r.clone()
            }
            None => Self::default_reply(n, messages),
        };
        tracing::debug!(request = n, bytes = reply.len(), "mock reply");
        reply
    }
}

/// Parse a mock responses file: a YAML list of strings, or a JSON array for `.json` files.
pub fn parse_mock_responses(path: &Path, text: &str) -> Result<Vec<String>, AiError> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let value: serde_json::Value = if is_json {
        serde_json::from_str(text).map_err(|e| AiError::MockResponses {
            location: Location::at(path, e.line() as u64, e.column() as u64),
            message: e.to_string(),
        })?
    } else {
        serde_saphyr::from_str(text).map_err(|e| {
            let location = match e.location() {
                Some(l) => Location::at(path, l.line().max(1), l.column().max(1)),
                None => Location::file(path),
            };
            AiError::MockResponses {
                location,
                message: e.to_string().lines().next().unwrap_or_default().to_owned(),
            }
        })?
    };
    let serde_json::Value::Array(items) = value else {
        return Err(AiError::MockResponses {
            location: Location::file(path),
            message: "expected a list of replies (strings), one per request".into(),
        });
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            serde_json::Value::String(s) => Ok(s),
            other => Err(AiError::MockResponses {
                location: Location::file(path),
                message: format!(
                    "reply {} is {}, expected a string",
                    i + 1,
                    match other {
                        serde_json::Value::Null => "null",
                        serde_json::Value::Bool(_) => "a boolean",
                        serde_json::Value::Number(_) => "a number",
                        serde_json::Value::Array(_) => "a list",
                        _ => "a mapping",
                    }
                ),
            }),
        })
        .collect()
}

impl Provider for MockProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Mock
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn complete(&self, messages: &[Message]) -> Result<Completion, AiError> {
        let content = self.next_reply(messages);
        if content.trim().is_empty() {
            return Err(AiError::EmptyResponse {
                provider: "mock",
                detail: Some("the scripted reply is empty".into()),
            });
        }
        Ok(Completion {
            content,
            model: Some(self.model.clone()),
            finish_reason: Some("stop".into()),
            usage: None,
        })
    }

    fn complete_streaming(
        &self,
        messages: &[Message],
        on_chunk: &mut dyn FnMut(&str),
    ) -> Result<Completion, AiError> {
        let c = self.complete(messages)?;
        for piece in c.content.split_inclusive(' ') {
            on_chunk(piece);
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_in_order_then_a_deterministic_default() {
        let m = MockProvider::new(vec!["one".into(), "two".into()]);
        let ask = |t: &str| m.complete(&[Message::user(t)]).unwrap().content;
        assert_eq!(ask("a"), "one");
        assert_eq!(ask("b"), "two");
        let third = ask("c\nmore");
        assert_eq!(third, MockProvider::default_reply(3, &[Message::user("c")]));
        assert!(third.contains("You said: c"), "{third}");
        assert_eq!(m.requests().len(), 3);
        assert_eq!(m.remaining(), 0);
    }

    #[test]
    fn yaml_and_json_files() {
        let p = Path::new("r.yaml");
        let r = parse_mock_responses(p, "- |\n  line one\n  line two\n- second\n").unwrap();
        assert_eq!(
            r,
            vec!["line one\nline two\n".to_owned(), "second".to_owned()]
        );
        let r = parse_mock_responses(Path::new("r.json"), r#"["a", "b"]"#).unwrap();
        assert_eq!(r, vec!["a", "b"]);
        let e = parse_mock_responses(p, "reply: x\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a list"), "{e}");
        let e = parse_mock_responses(p, "- a\n- 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("reply 2 is a number"), "{e}");
        let e = parse_mock_responses(Path::new("r.json"), "[\"a\",\n  oops]")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.json:2:"), "{e}");
    }

    #[test]
    fn streaming_splits_the_reply() {
        let m = MockProvider::new(vec!["a b c".into()]);
        let mut pieces = Vec::new();
        let c = m
            .complete_streaming(&[Message::user("x")], &mut |p| pieces.push(p.to_owned()))
            .unwrap();
        assert_eq!(pieces, vec!["a ", "b ", "c"]);
        assert_eq!(c.content, "a b c");
    }
}
