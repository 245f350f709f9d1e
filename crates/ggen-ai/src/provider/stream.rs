//! Reading streamed answers: server-sent events (OpenAI, Anthropic) and newline-delimited JSON
//! (Ollama).

use std::io::BufRead;

use crate::error::AiError;
use crate::provider::http::Http;

/// One server-sent event.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` field, if any.
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// Whether to keep reading.
pub(crate) enum Flow {
    Continue,
    Stop,
}

/// Read events until `f` says stop (returns true) or the stream ends (returns false).
pub(crate) fn sse_events(
    http: &Http,
    mut reader: impl BufRead,
    mut f: impl FnMut(SseEvent) -> Result<Flow, AiError>,
) -> Result<bool, AiError> {
    let mut current = SseEvent::default();
    let mut has_data = false;
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| http.read_error(e))?;
        let l = line.trim_end_matches(['\n', '\r']);
        if n == 0 || l.is_empty() {
            if has_data || current.event.is_some() {
                let ev = std::mem::take(&mut current);
                has_data = false;
                if let Flow::Stop = f(ev)? {
                    return Ok(true);
                }
            }
            if n == 0 {
                return Ok(false);
            }
            continue;
        }
        if l.starts_with(':') {
            continue;
        }
        let (field, value) = match l.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (l, ""),
        };
        match field {
            "data" => {
                if has_data {
                    current.data.push('\n');
                }
                current.data.push_str(value);
                has_data = true;
            }
            "event" => current.event = Some(value.to_owned()),
            _ => {}
        }
    }
}

/// Read JSON lines until `f` says stop (returns true) or the stream ends (returns false).
pub(crate) fn json_lines(
    http: &Http,
    mut reader: impl BufRead,
    mut f: impl FnMut(serde_json::Value) -> Result<Flow, AiError>,
) -> Result<bool, AiError> {
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| http.read_error(e))?;
        if n == 0 {
            return Ok(false);
        }
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        let v = parse_json(http, l)?;
        if let Flow::Stop = f(v)? {
            return Ok(true);
        }
    }
}

/// Parse one JSON chunk of a stream.
pub(crate) fn parse_json(http: &Http, text: &str) -> Result<serde_json::Value, AiError> {
    serde_json::from_str(text).map_err(|e| AiError::InvalidResponse {
        provider: http.provider(),
        message: format!(
            "a streamed chunk is not valid JSON ({e}): {}",
            http.scrub(&crate::provider::http::excerpt(text, 200))
        ),
    })
}

/// The error for a stream that ended before the provider said it was done.
pub(crate) fn ended_early(http: &Http) -> AiError {
    AiError::InvalidResponse {
        provider: http.provider(),
        message: "the stream ended before the answer was complete".into(),
    }
}
