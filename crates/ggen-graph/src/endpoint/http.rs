//! The HTTP side of the SPARQL 1.1 Protocol: building requests, retrying 5xx answers, and
//! turning transport failures and error statuses into [`EndpointError`]s.

use std::io::Read;
use std::sync::atomic::Ordering;
use std::time::Duration;

use base64::Engine as _;
use ureq::http::Response;

use super::error::{EndpointError, redact_url};
use super::results::Form;
use super::{EndpointConfig, Inner, RequestMethod};

/// Largest error body read for a message.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// Longest server message shown.
const MESSAGE_CHARS: usize = 400;

pub(super) fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(super) fn check_url(url: &str) -> Result<(), EndpointError> {
    let invalid = |message: &str| EndpointError::InvalidUrl {
        url: redact_url(url),
        message: message.to_owned(),
    };
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| invalid("it must start with http:// or https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.rsplit('@').next().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if url.contains('#') {
        return Err(invalid("it must not have a #fragment"));
    }
    url.parse::<ureq::http::Uri>()
        .map_err(|e| invalid(&e.to_string()))?;
    Ok(())
}

pub(super) fn agent(config: &EndpointConfig) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(config.connect_timeout))
        .timeout_global(Some(config.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("ggen/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Send `text` and return the first response that is not a 5xx (after the configured
/// retries), or the error that ended the attempt.
pub(super) fn send(
    ep: &Inner,
    config: &EndpointConfig,
    text: &str,
    form: Form,
) -> Result<Response<ureq::Body>, EndpointError> {
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        ep.requests.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(url = %ep.shown_url, attempt, method = ?config.method, "SPARQL request");
        let result = match config.method {
            RequestMethod::Post => {
                let mut req = ep
                    .agent
                    .post(&config.url)
                    .config()
                    .timeout_global(Some(config.timeout))
                    .build()
                    .header("Accept", form.accept())
                    .header("Content-Type", "application/sparql-query; charset=utf-8");
                for g in &config.default_graphs {
                    req = req.query("default-graph-uri", g);
                }
                for g in &config.named_graphs {
                    req = req.query("named-graph-uri", g);
                }
                if let Some(a) = &ep.authorization {
                    req = req.header("Authorization", &a.0);
                }
                req.send(text)
            }
            RequestMethod::Form => {
                let mut req = ep
                    .agent
                    .post(&config.url)
                    .config()
                    .timeout_global(Some(config.timeout))
                    .build()
                    .header("Accept", form.accept());
                if let Some(a) = &ep.authorization {
                    req = req.header("Authorization", &a.0);
                }
                let mut fields: Vec<(&str, &str)> = vec![("query", text)];
                fields.extend(
                    config
                        .default_graphs
                        .iter()
                        .map(|g| ("default-graph-uri", g.as_str())),
                );
                fields.extend(
                    config
                        .named_graphs
                        .iter()
                        .map(|g| ("named-graph-uri", g.as_str())),
                );
                req.send_form(fields)
            }
            RequestMethod::Get => {
                let mut req = ep
                    .agent
                    .get(&config.url)
                    .config()
                    .timeout_global(Some(config.timeout))
                    .build()
                    .header("Accept", form.accept())
                    .query("query", text);
                for g in &config.default_graphs {
                    req = req.query("default-graph-uri", g);
                }
                for g in &config.named_graphs {
                    req = req.query("named-graph-uri", g);
                }
                if let Some(a) = &ep.authorization {
                    req = req.header("Authorization", &a.0);
                }
                req.call()
            }
        };
        let mut response = result.map_err(|e| transport_error(e, &ep.shown_url, config))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let status_text = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_owned();
        let url = ep.shown_url.clone();
        match status.as_u16() {
            401 | 403 => {
                return Err(EndpointError::Unauthorized {
                    url,
                    status: status_text,
                    var: config.auth.var().map(str::to_owned),
                });
            }
            404 => return Err(EndpointError::NotFound { url }),
            500..=599 => {
                let message = error_message(&mut response);
                if attempt > config.retries {
                    return Err(EndpointError::Server {
                        url,
                        status: status_text,
                        message,
                        attempts: attempt,
                    });
                }
                let wait = backoff(config.retry_backoff, attempt, &response);
                tracing::warn!(
                    url = %ep.shown_url, status = %status_text, attempt,
                    wait_ms = wait.as_millis() as u64, "SPARQL endpoint failed; retrying"
                );
                std::thread::sleep(wait);
            }
            _ => {
                let message = error_message(&mut response);
                return Err(EndpointError::Rejected {
                    url,
                    status: status_text,
                    message,
                });
            }
        }
    }
}

/// Exponential backoff from `first`; a `Retry-After` in seconds wins when it is longer (capped
/// at 30 s so a server cannot stall a run for long).
fn backoff(first: Duration, attempt: u32, response: &Response<ureq::Body>) -> Duration {
    let exp = first.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|s| Duration::from_secs(s.min(30)));
    retry_after.map_or(exp, |r| r.max(exp))
}

/// The server's explanation of an error status: the body, tags stripped when it is HTML,
/// whitespace collapsed, cut to a readable length.
fn error_message(response: &mut Response<ureq::Body>) -> String {
    let html = content_type(response).is_some_and(|c| c.contains("html"));
    let mut buf = Vec::new();
    let _ = response
        .body_mut()
        .as_reader()
        .take(ERROR_BODY_LIMIT)
        .read_to_end(&mut buf);
    trim_message(&String::from_utf8_lossy(&buf), html)
}

pub(super) fn trim_message(text: &str, html: bool) -> String {
    let text = if html {
        strip_tags(text)
    } else {
        text.to_owned()
    };
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > MESSAGE_CHARS {
        let cut: String = collapsed.chars().take(MESSAGE_CHARS).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

fn strip_tags(html: &str) -> String {
    // Drop <head>…</head>, <script>, <style> contents, then every tag.
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while let Some(c) = html.get(i..).and_then(|s| s.chars().next()) {
        if c == '<' {
            let rest = lower.get(i..).unwrap_or_default();
            let skip_to = ["head", "script", "style", "title"].iter().find_map(|t| {
                let open = format!("<{t}");
                rest.starts_with(&open)
                    .then(|| rest.find(&format!("</{t}>")).map(|e| e + t.len() + 3))
                    .flatten()
            });
            match skip_to {
                Some(n) => i += n,
                None => {
                    i += rest.find('>').map_or(rest.len(), |e| e + 1);
                    out.push(' ');
                }
            }
        } else {
            out.push(c);
            i += c.len_utf8();
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The media type of a response, lower-case, without parameters.
pub(super) fn content_type(response: &Response<ureq::Body>) -> Option<String> {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty())
}

/// Map a ureq error (while connecting, sending or reading) to an endpoint error.
pub(super) fn transport_error(e: ureq::Error, url: &str, config: &EndpointConfig) -> EndpointError {
    use ureq::Timeout as T;
    let url = url.to_owned();
    match e {
        ureq::Error::Timeout(t) => {
            let connect = matches!(t, T::Connect | T::Resolve);
            EndpointError::Timeout {
                url,
                seconds: if connect {
                    config.connect_timeout.as_secs_f64()
                } else {
                    config.timeout.as_secs_f64()
                },
                phase: if connect { "connect" } else { "overall" },
                direct_post: config.method == RequestMethod::Post,
            }
        }
        ureq::Error::HostNotFound => EndpointError::Unreachable {
            url,
            message: "unknown host".into(),
        },
        ureq::Error::ConnectionFailed => EndpointError::Unreachable {
            url,
            message: "connection failed".into(),
        },
        ureq::Error::Io(io) => io_error(io, url),
        other => EndpointError::Http {
            url,
            message: other.to_string(),
        },
    }
}

/// Map an I/O error (possibly a wrapped ureq error, as body readers give them).
pub(super) fn read_error(e: std::io::Error, url: &str, config: &EndpointConfig) -> EndpointError {
    transport_error(ureq::Error::from(e), url, config)
}

fn io_error(io: std::io::Error, url: String) -> EndpointError {
    use std::io::ErrorKind as K;
    match io.kind() {
        K::ConnectionRefused => EndpointError::Unreachable {
            url,
            message: "connection refused".into(),
        },
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
            EndpointError::Unreachable {
                url,
                message: format!("the connection was closed ({io})"),
            }
        }
        _ => EndpointError::Unreachable {
            url,
            message: io.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_url("http://127.0.0.1:8890/sparql").is_ok());
        assert!(check_url("https://u:p@h.org/sparql?default-graph-uri=x").is_ok());
        assert!(check_url("ftp://h/sparql").is_err());
        assert!(check_url("http:///sparql").is_err());
        assert!(check_url("http://h/sparql#x").is_err());
        let e = check_url("http://u:secret@/x").unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
    }

    #[test]
    fn messages_are_trimmed() {
        let html = "<html><head><title>Oops</title><style>p{}</style></head><body><h1>Internal   error</h1>\n<p>Query &lt;x&gt; failed</p></body></html>";
        assert_eq!(trim_message(html, true), "Internal error Query <x> failed");
        let long = "x".repeat(1000);
        let t = trim_message(&long, false);
        assert_eq!(t.chars().count(), MESSAGE_CHARS + 1);
        assert!(t.ends_with('…'));
    }
}
