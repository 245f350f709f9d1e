//! `ggen ai chat`: a conversation whose every request carries the whole history.

use std::path::Path;

use serde_json::{Value, json};

use crate::error::AiError;
use crate::message::{Completion, Message, Role};
use crate::prompts;
use crate::provider::Provider;

/// A conversation.
#[derive(Debug, Clone)]
pub struct Chat {
    system: String,
    history: Vec<Message>,
}

impl Default for Chat {
    fn default() -> Self {
        Self::new()
    }
}

impl Chat {
    /// A conversation with ggen's assistant instructions.
    pub fn new() -> Self {
        Self::with_system(prompts::CHAT_SYSTEM)
    }

    /// A conversation with other instructions.
    pub fn with_system(system: &str) -> Self {
        Self {
            system: system.to_owned(),
            history: Vec::new(),
        }
    }

    /// The user and assistant messages so far.
    pub fn history(&self) -> &[Message] {
        &self.history
    }

    /// Send `text` with the whole history; the answer is added to the history. With `on_chunk`
    /// the answer is streamed. On error the history is unchanged.
    pub fn send(
        &mut self,
        provider: &dyn Provider,
        text: &str,
        on_chunk: Option<&mut dyn FnMut(&str)>,
    ) -> Result<Completion, AiError> {
        let mut messages = Vec::with_capacity(self.history.len() + 2);
        messages.push(Message::system(self.system.clone()));
        messages.extend(self.history.iter().cloned());
        messages.push(Message::user(text));
        let c = match on_chunk {
            Some(f) => provider.complete_streaming(&messages, f)?,
            None => provider.complete(&messages)?,
        };
        self.history.push(Message::user(text));
        self.history.push(Message::assistant(c.content.clone()));
        Ok(c)
    }

    /// Forget the history.
    pub fn reset(&mut self) {
        self.history.clear();
    }

    /// The conversation as Markdown (`## user` / `## assistant` sections).
    pub fn transcript_markdown(&self) -> String {
        let mut out = String::from("# ggen ai chat\n");
        for m in &self.history {
            let who = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
                Role::System => "system",
            };
            out.push_str(&format!("\n## {who}\n\n{}\n", m.content.trim_end()));
        }
        out
    }

    /// The conversation as JSON: `{"messages": [{"role", "content"}, …]}`.
    pub fn transcript_json(&self) -> Value {
        json!({ "messages": self.history })
    }

    /// Save the conversation atomically: JSON for a `.json` file, Markdown otherwise.
    pub fn save(&self, path: &Path) -> Result<(), AiError> {
        let text = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            let mut s = serde_json::to_string_pretty(&self.transcript_json()).unwrap_or_default();
            s.push('\n');
            s
        } else {
            self.transcript_markdown()
        };
        ggen_core::fs::write_atomic(path, text.as_bytes()).map_err(|e| AiError::io(path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MockProvider;

    #[test]
    fn every_request_carries_the_history_and_reset_forgets_it() {
        let m = MockProvider::new(vec!["first answer".into(), "second answer".into()]);
        let mut chat = Chat::new();
        chat.send(&m, "hello", None).unwrap();
        chat.send(&m, "and then?", None).unwrap();
        let reqs = m.requests();
        assert_eq!(reqs[1].len(), 4, "system, user, assistant, user");
        assert_eq!(reqs[1][1].content, "hello");
        assert_eq!(reqs[1][2].content, "first answer");
        assert_eq!(reqs[1][3].content, "and then?");
        chat.reset();
        chat.send(&m, "again", None).unwrap();
        assert_eq!(m.requests()[2].len(), 2);
    }

    #[test]
    fn transcripts() {
        let m = MockProvider::new(vec!["hi!".into()]);
        let mut chat = Chat::new();
        let mut chunks = String::new();
        chat.send(&m, "hello", Some(&mut |c: &str| chunks.push_str(c)))
            .unwrap();
        assert_eq!(chunks, "hi!");
        let d = tempfile::tempdir().unwrap();
        chat.save(&d.path().join("t.md")).unwrap();
        assert_eq!(
            std::fs::read_to_string(d.path().join("t.md")).unwrap(),
            "# ggen ai chat\n\n## user\n\nhello\n\n## assistant\n\nhi!\n"
        );
        chat.save(&d.path().join("t.json")).unwrap();
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(d.path().join("t.json")).unwrap())
                .unwrap();
        assert_eq!(v["messages"][1]["role"], "assistant");
    }
}
