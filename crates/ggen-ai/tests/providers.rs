//! Each provider against a scripted HTTP server on 127.0.0.1 speaking its wire format.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use ggen_ai::testing::{Reply, ScriptedServer};
use ggen_ai::{AiError, AiSettings, ApiKey, Message, ProviderKind, build_provider};
use serde_json::json;

const KEY: &str = "sk-test-SECRET-4f9a2b";

fn settings(kind: ProviderKind, server: &ScriptedServer) -> AiSettings {
    let mut s = AiSettings::new(kind);
    s.base_url = match kind {
        ProviderKind::OpenAi => format!("{}/v1", server.url()),
        _ => server.url(),
    };
    s.model = "test-model".into();
    s.api_key = Some(ApiKey::new(KEY));
    s.max_tokens = Some(123);
    s.temperature = Some(0.25);
    s.timeout = Duration::from_secs(5);
    s.retry.base_delay = Duration::from_millis(1);
    s.retry.max_delay = Duration::from_millis(5);
    s
}

fn convo() -> Vec<Message> {
    vec![
        Message::system("be brief"),
        Message::user("hello"),
        Message::assistant("hi"),
        Message::user("how are you?"),
    ]
}

fn openai_ok(text: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "id": "c1", "object": "chat.completion", "model": "test-model-2025",
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": text }, "finish_reason": "stop" }],
            "usage": { "prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13 }
        }),
    )
}

fn anthropic_ok(text: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": "test-model",
            "content": [{ "type": "text", "text": text }],
            "stop_reason": "end_turn", "usage": { "input_tokens": 9, "output_tokens": 2 }
        }),
    )
}

fn ollama_ok(text: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "model": "test-model", "created_at": "2025-01-01T00:00:00Z",
            "message": { "role": "assistant", "content": text },
            "done": true, "done_reason": "stop", "prompt_eval_count": 8, "eval_count": 4
        }),
    )
}

#[test]
fn openai_completion_carries_model_limits_history_and_bearer_key() {
    let server = ScriptedServer::start(vec![openai_ok("fine, thanks")]).unwrap();
    let p = build_provider(&settings(ProviderKind::OpenAi, &server)).unwrap();
    let c = p.complete(&convo()).unwrap();
    assert_eq!(c.content, "fine, thanks");
    assert_eq!(c.model.as_deref(), Some("test-model-2025"));
    assert_eq!(c.usage.unwrap().output_tokens, 3);
    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v1/chat/completions");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let b = r.json();
    assert_eq!(b["model"], "test-model");
    assert_eq!(b["max_tokens"], 123);
    assert_eq!(b["temperature"], 0.25);
    assert_eq!(b["stream"], false);
    assert_eq!(b["messages"].as_array().unwrap().len(), 4);
    assert_eq!(
        b["messages"][0],
        json!({"role": "system", "content": "be brief"})
    );
    assert_eq!(b["messages"][3]["content"], "how are you?");
}

#[test]
fn unset_max_tokens_and_temperature_are_not_sent() {
    let server = ScriptedServer::start(vec![openai_ok("x"), ollama_ok("y")]).unwrap();
    let mut s = settings(ProviderKind::OpenAi, &server);
    s.max_tokens = None;
    s.temperature = None;
    build_provider(&s).unwrap().complete(&convo()).unwrap();
    let mut s = settings(ProviderKind::Ollama, &server);
    s.max_tokens = None;
    s.temperature = None;
    build_provider(&s).unwrap().complete(&convo()).unwrap();
    let reqs = server.requests();
    let b = reqs[0].json();
    assert!(
        b.get("max_tokens").is_none() && b.get("temperature").is_none(),
        "{b}"
    );
    assert!(
        reqs[1].json().get("options").is_none(),
        "{}",
        reqs[1].text()
    );
}

#[test]
fn openai_streaming_reads_server_sent_events() {
    let server = ScriptedServer::start(vec![Reply::sse(&[
        r#"{"model":"test-model","choices":[{"index":0,"delta":{"role":"assistant"}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":"Hel"}}]}"#,
        ": keep-alive comment",
        r#"{"choices":[{"index":0,"delta":{"content":"lo"}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        "[DONE]",
    ])])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::OpenAi, &server)).unwrap();
    let mut chunks = Vec::new();
    let c = p
        .complete_streaming(&convo(), &mut |s| chunks.push(s.to_owned()))
        .unwrap();
    assert_eq!(chunks, vec!["Hel", "lo"]);
    assert_eq!(c.content, "Hello");
    assert_eq!(c.finish_reason.as_deref(), Some("stop"));
    assert_eq!(server.requests()[0].json()["stream"], true);
}

#[test]
fn anthropic_completion_sends_system_separately_with_its_key_headers() {
    let server = ScriptedServer::start(vec![anthropic_ok("hello from claude")]).unwrap();
    let p = build_provider(&settings(ProviderKind::Anthropic, &server)).unwrap();
    let c = p.complete(&convo()).unwrap();
    assert_eq!(c.content, "hello from claude");
    let r = &server.requests()[0];
    assert_eq!(r.path, "/v1/messages");
    assert_eq!(r.header("x-api-key"), Some(KEY));
    assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(r.header("authorization"), None);
    let b = r.json();
    assert_eq!(b["model"], "test-model");
    assert_eq!(b["max_tokens"], 123);
    assert_eq!(b["temperature"], 0.25);
    assert_eq!(b["system"], "be brief");
    assert_eq!(b["messages"].as_array().unwrap().len(), 3);
    assert_eq!(b["messages"][0]["role"], "user");
}

#[test]
fn anthropic_requires_max_tokens_so_a_default_is_sent() {
    let server = ScriptedServer::start(vec![anthropic_ok("ok")]).unwrap();
    let mut s = settings(ProviderKind::Anthropic, &server);
    s.max_tokens = None;
    build_provider(&s).unwrap().complete(&convo()).unwrap();
    assert_eq!(server.requests()[0].json()["max_tokens"], 4096);
}

#[test]
fn anthropic_streaming_reads_typed_events() {
    let server = ScriptedServer::start(vec![Reply::sse(&[
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"test-model\"}}",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
        "event: ping\ndata: {\"type\":\"ping\"}",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Bon\"}}",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"jour\"}}",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"}}",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}",
    ])])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::Anthropic, &server)).unwrap();
    let mut chunks = Vec::new();
    let c = p
        .complete_streaming(&convo(), &mut |s| chunks.push(s.to_owned()))
        .unwrap();
    assert_eq!(chunks, vec!["Bon", "jour"]);
    assert_eq!(c.content, "Bonjour");
    assert_eq!(c.finish_reason.as_deref(), Some("end_turn"));
    assert_eq!(server.requests()[0].json()["stream"], true);
}

#[test]
fn ollama_completion_and_ndjson_streaming() {
    let server = ScriptedServer::start(vec![
        ollama_ok("local answer"),
        Reply::ndjson(&[
            json!({"model":"test-model","message":{"role":"assistant","content":"lo"},"done":false}),
            json!({"model":"test-model","message":{"role":"assistant","content":"cal"},"done":false}),
            json!({"model":"test-model","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":2}),
        ]),
    ])
    .unwrap();
    let mut s = settings(ProviderKind::Ollama, &server);
    s.api_key = None;
    let p = build_provider(&s).unwrap();
    assert_eq!(p.complete(&convo()).unwrap().content, "local answer");
    let mut chunks = Vec::new();
    let c = p
        .complete_streaming(&convo(), &mut |s| chunks.push(s.to_owned()))
        .unwrap();
    assert_eq!(chunks, vec!["lo", "cal"]);
    assert_eq!(c.content, "local");
    let reqs = server.requests();
    assert_eq!(reqs[0].path, "/api/chat");
    assert_eq!(reqs[0].header("authorization"), None, "no key, no header");
    let b = reqs[0].json();
    assert_eq!(b["model"], "test-model");
    assert_eq!(
        b["stream"], false,
        "Ollama streams by default; ggen says no"
    );
    assert_eq!(b["options"]["num_predict"], 123);
    assert_eq!(b["options"]["temperature"], 0.25);
    assert_eq!(reqs[1].json()["stream"], true);
}

#[test]
fn rate_limit_with_retry_after_is_honoured_then_succeeds() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, &json!({"error": {"message": "slow down"}})).header("retry-after", "1"),
        openai_ok("after the wait"),
    ])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::OpenAi, &server)).unwrap();
    let start = Instant::now();
    let c = p.complete(&convo()).unwrap();
    assert_eq!(c.content, "after the wait");
    assert_eq!(server.requests().len(), 2);
    // The backoff is 1 ms here, so waiting a second shows that Retry-After was used.
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn retry_after_as_an_http_date_is_accepted() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, &json!({"error": {"message": "busy"}}))
            .header("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT"),
        anthropic_ok("ok"),
    ])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::Anthropic, &server)).unwrap();
    assert_eq!(p.complete(&convo()).unwrap().content, "ok");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_retry_after_longer_than_ggen_waits_is_an_error_at_once() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, &json!({"error": {"message": "quota"}})).header("retry-after", "3600"),
    ])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::OpenAi, &server)).unwrap();
    let e = p.complete(&convo()).unwrap_err();
    assert!(
        matches!(e, AiError::RateLimited { attempts: 1, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("retry after 3600s"), "{e}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn server_errors_are_retried_with_backoff() {
    let server = ScriptedServer::start(vec![
        Reply::json(500, &json!({"error": {"message": "boom"}})),
        Reply::text(502, "Bad Gateway"),
        ollama_ok("third time lucky"),
    ])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::Ollama, &server)).unwrap();
    assert_eq!(p.complete(&convo()).unwrap().content, "third time lucky");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn http_500_twice_then_success_for_every_provider() {
    type Ok = fn(&str) -> Reply;
    let cases: [(ProviderKind, Ok); 3] = [
        (ProviderKind::OpenAi, openai_ok),
        (ProviderKind::Anthropic, anthropic_ok),
        (ProviderKind::Ollama, ollama_ok),
    ];
    for (kind, ok) in cases {
        let server = ScriptedServer::start(vec![
            Reply::json(500, &json!({"error": {"message": "boom"}})),
            Reply::json(500, &json!({"error": {"message": "boom again"}})),
            ok("third time lucky"),
        ])
        .unwrap();
        let p = build_provider(&settings(kind, &server)).unwrap();
        assert_eq!(
            p.complete(&convo()).unwrap().content,
            "third time lucky",
            "{kind:?}"
        );
        assert_eq!(server.requests().len(), 3, "{kind:?}");
    }
}

#[test]
fn persistent_server_errors_give_up_after_the_retries() {
    let replies = (0..4)
        .map(|_| Reply::json(500, &json!({"error": {"message": "still broken"}})))
        .collect();
    let server = ScriptedServer::start(replies).unwrap();
    let p = build_provider(&settings(ProviderKind::OpenAi, &server)).unwrap();
    let e = p.complete(&convo()).unwrap_err();
    assert!(
        matches!(
            e,
            AiError::Server {
                status: 500,
                attempts: 4,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("still broken"), "{e}");
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn unauthorized_says_check_your_api_key_and_never_shows_it() {
    for kind in [ProviderKind::OpenAi, ProviderKind::Anthropic] {
        let server = ScriptedServer::start(vec![Reply::json(
            401,
            &json!({"error": {"type": "authentication_error", "message": format!("Incorrect API key provided: {KEY}")}}),
        )])
        .unwrap();
        let p = build_provider(&settings(kind, &server)).unwrap();
        let e = p.complete(&convo()).unwrap_err();
        assert!(matches!(e, AiError::Auth { status: 401, .. }), "{e:?}");
        let shown = format!("{e} {e:?} {:?}", ggen_core::Diagnostic::help(&e));
        assert!(shown.contains("check your API key"), "{shown}");
        assert!(
            shown.contains("Incorrect API key provided: [redacted]"),
            "{shown}"
        );
        assert!(!shown.contains(KEY), "{shown}");
        assert_eq!(server.requests().len(), 1, "401 is not retried");
    }
}

#[test]
fn forbidden_not_found_and_bad_request_carry_the_provider_message() {
    let server = ScriptedServer::start(vec![
        Reply::json(403, &json!({"error": {"message": "project has no access"}})),
        Reply::json(404, &json!({"error": "model 'test-model' not found"})),
        Reply::json(
            400,
            &json!({"error": {"message": "max_tokens is too large"}}),
        ),
    ])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::Ollama, &server)).unwrap();
    let e = p.complete(&convo()).unwrap_err();
    assert!(matches!(e, AiError::Auth { status: 403, .. }), "{e:?}");
    assert!(e.to_string().contains("project has no access"));
    let e = p.complete(&convo()).unwrap_err().to_string();
    assert!(
        e.contains("HTTP 404")
            && e.contains("model 'test-model' not found")
            && e.contains("check the model name (`test-model`)"),
        "{e}"
    );
    let e = p.complete(&convo()).unwrap_err();
    assert!(
        matches!(e, AiError::BadRequest { status: 400, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("max_tokens is too large"), "{e}");
}

#[test]
fn a_body_that_is_not_json_is_an_invalid_response() {
    let server = ScriptedServer::start(vec![
        Reply::text(200, "<html>proxy login</html>").header("content-type", "text/html"),
    ])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::OpenAi, &server)).unwrap();
    let e = p.complete(&convo()).unwrap_err();
    assert!(matches!(e, AiError::InvalidResponse { .. }), "{e:?}");
    assert!(
        e.to_string().contains("not valid JSON") && e.to_string().contains("<html>proxy login"),
        "{e}"
    );
}

#[test]
fn a_malformed_stream_chunk_and_a_cut_stream_are_invalid_responses() {
    let server = ScriptedServer::start(vec![
        Reply::sse(&[r#"{"choices":[{"delta":{"content":"a"}}]}"#, "{not json"]),
        Reply::sse(&[r#"{"choices":[{"delta":{"content":"a"}}]}"#]),
    ])
    .unwrap();
    let p = build_provider(&settings(ProviderKind::OpenAi, &server)).unwrap();
    let e = p.complete_streaming(&convo(), &mut |_| {}).unwrap_err();
    assert!(
        e.to_string().contains("streamed chunk is not valid JSON"),
        "{e}"
    );
    let e = p.complete_streaming(&convo(), &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("stream ended"), "{e}");
}

#[test]
fn answers_without_content_are_errors_for_every_provider() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, &json!({"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"length"}]})),
        Reply::json(200, &json!({"choices":[]})),
        Reply::json(200, &json!({"content":[],"stop_reason":"max_tokens"})),
        Reply::json(200, &json!({"message":{"role":"assistant","content":""},"done":true})),
    ])
    .unwrap();
    let openai = build_provider(&settings(ProviderKind::OpenAi, &server)).unwrap();
    let e = openai.complete(&convo()).unwrap_err();
    assert!(matches!(e, AiError::EmptyResponse { .. }), "{e:?}");
    assert!(e.to_string().contains("finish_reason: length"), "{e}");
    let e = openai.complete(&convo()).unwrap_err();
    assert!(matches!(e, AiError::InvalidResponse { .. }), "{e:?}");
    let e = build_provider(&settings(ProviderKind::Anthropic, &server))
        .unwrap()
        .complete(&convo())
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("no content (stop_reason: max_tokens)"),
        "{e}"
    );
    let e = build_provider(&settings(ProviderKind::Ollama, &server))
        .unwrap()
        .complete(&convo())
        .unwrap_err();
    assert!(matches!(e, AiError::EmptyResponse { .. }), "{e:?}");
}

#[test]
fn a_slow_reply_past_the_timeout_is_a_timeout_error() {
    let server =
        ScriptedServer::start(vec![openai_ok("too late").delayed(Duration::from_secs(3))]).unwrap();
    let mut s = settings(ProviderKind::OpenAi, &server);
    s.timeout = Duration::from_millis(500);
    let p = build_provider(&s).unwrap();
    let start = Instant::now();
    let e = p.complete(&convo()).unwrap_err();
    assert!(matches!(e, AiError::Timeout { .. }), "{e:?}");
    assert!(e.to_string().contains("did not answer within 0.5s"), "{e}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "gave up before the reply came"
    );
    assert_eq!(server.requests().len(), 1, "timeouts are not retried");
}

#[test]
fn a_stream_that_stalls_past_the_timeout_is_a_timeout_error() {
    let mut stalled = Reply::sse(&[
        r#"{"choices":[{"delta":{"content":"a"}}]}"#,
        r#"{"choices":[{"delta":{"content":"b"}}]}"#,
    ]);
    stalled.chunks[1].0 = Duration::from_secs(3);
    let server = ScriptedServer::start(vec![stalled]).unwrap();
    let mut s = settings(ProviderKind::OpenAi, &server);
    s.timeout = Duration::from_millis(500);
    let e = build_provider(&s)
        .unwrap()
        .complete_streaming(&convo(), &mut |_| {})
        .unwrap_err();
    assert!(matches!(e, AiError::Timeout { .. }), "{e:?}");
}

#[test]
fn nothing_listening_is_a_network_error_naming_the_url() {
    let server = ScriptedServer::start(vec![]).unwrap();
    let mut s = settings(ProviderKind::Ollama, &server);
    let url = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    s.base_url = url.clone();
    let e = build_provider(&s).unwrap().complete(&convo()).unwrap_err();
    assert!(matches!(e, AiError::Network { .. }), "{e:?}");
    assert!(e.to_string().contains(&url), "{e}");
}

#[test]
fn debug_output_of_settings_never_shows_the_key() {
    let server = ScriptedServer::start(vec![]).unwrap();
    for kind in [
        ProviderKind::OpenAi,
        ProviderKind::Anthropic,
        ProviderKind::Ollama,
    ] {
        let s = settings(kind, &server);
        let shown = format!("{s:?}");
        assert!(
            !shown.contains(KEY) && shown.contains("<redacted>"),
            "{shown}"
        );
    }
}
