//! Blocking HTTP shared by the HTTP providers: timeouts, retries with backoff and jitter on
//! 429/5xx honouring `Retry-After`, and status codes mapped to clear errors that carry the
//! provider's own message (scrubbed of the key).

use std::hash::{BuildHasher, Hasher};
use std::io::BufReader;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::config::{AiSettings, RetryPolicy};
use crate::error::AiError;
use crate::secret::{ApiKey, scrub};

/// The largest response body read into memory.
const BODY_LIMIT: u64 = 32 * 1024 * 1024;

/// A reader over a streaming response body.
pub(crate) type StreamReader = BufReader<ureq::BodyReader<'static>>;

/// An HTTP client for one provider.
pub(crate) struct Http {
    agent: ureq::Agent,
    provider: &'static str,
    timeout: Duration,
    retry: RetryPolicy,
    key: Option<ApiKey>,
    key_hint: String,
    model: String,
}

impl Http {
    /// A client using the settings' timeout, retry policy and key (for scrubbing messages).
    pub(crate) fn new(provider: &'static str, settings: &AiSettings) -> Self {
        let t = Some(settings.timeout);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(t)
            .timeout_recv_response(t)
            .timeout_per_read(t)
            .user_agent(format!("ggen/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let key_hint = match (&settings.api_key_env, &settings.api_key) {
            (Some(env), Some(_)) => env.clone(),
            (Some(env), None) => format!("{env} is not set"),
            (None, _) => "no API key is configured; set `api_key_env` in [ai]".to_owned(),
        };
        Self {
            agent,
            provider,
            timeout: settings.timeout,
            retry: settings.retry,
            key: settings.api_key.clone(),
            key_hint,
            model: settings.model.clone(),
        }
    }

    /// The provider's name.
    pub(crate) fn provider(&self) -> &'static str {
        self.provider
    }

    /// Scrub the key out of a text.
    pub(crate) fn scrub(&self, text: &str) -> String {
        scrub(self.key.as_ref(), text)
    }

    /// POST a JSON body and read a JSON answer (the whole exchange within the timeout).
    pub(crate) fn post_json(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: &Value,
    ) -> Result<Value, AiError> {
        let mut resp = self.send(url, headers, body, false)?;
        let text = resp
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()
            .map_err(|e| self.ureq_error(url, e))?;
        tracing::trace!(
            provider = self.provider,
            bytes = text.len(),
            "response body read"
        );
        serde_json::from_str(&text).map_err(|e| AiError::InvalidResponse {
            provider: self.provider,
            message: format!(
                "the body is not valid JSON ({e}); it starts with: {}",
                self.scrub(&excerpt(&text, 200))
            ),
        })
    }

    /// POST a JSON body and return a reader over the streaming answer (the timeout applies to
    /// the response headers and to each read).
    pub(crate) fn post_stream(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: &Value,
    ) -> Result<StreamReader, AiError> {
        let resp = self.send(url, headers, body, true)?;
        Ok(BufReader::new(resp.into_body().into_reader()))
    }

    /// Map an error that happened while reading a stream.
    pub(crate) fn read_error(&self, e: std::io::Error) -> AiError {
        let e = ureq::Error::from(e);
        match e {
            ureq::Error::Timeout(_) => self.timeout_error(),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                self.timeout_error()
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                AiError::InvalidResponse {
                    provider: self.provider,
                    message: format!("the stream is not valid UTF-8 text: {io}"),
                }
            }
            other => AiError::InvalidResponse {
                provider: self.provider,
                message: format!("the stream broke off: {}", self.scrub(&other.to_string())),
            },
        }
    }

    fn timeout_error(&self) -> AiError {
        AiError::Timeout {
            provider: self.provider,
            after: self.timeout,
        }
    }

    fn ureq_error(&self, url: &str, e: ureq::Error) -> AiError {
        match e {
            ureq::Error::Timeout(_) => self.timeout_error(),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                self.timeout_error()
            }
            ureq::Error::BodyExceedsLimit(n) => AiError::InvalidResponse {
                provider: self.provider,
                message: format!("the response is larger than {n} bytes"),
            },
            other => AiError::Network {
                provider: self.provider,
                url: url.to_owned(),
                message: self.scrub(&other.to_string()),
            },
        }
    }

    fn send(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: &Value,
        stream: bool,
    ) -> Result<ureq::http::Response<ureq::Body>, AiError> {
        let attempts = self.retry.max_retries.saturating_add(1);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let _span =
                tracing::debug_span!("ai_request", provider = self.provider, %url, attempt, stream)
                    .entered();
            let mut req = self.agent.post(url);
            if !stream {
                req = req.config().timeout_global(Some(self.timeout)).build();
            }
            for (k, v) in headers {
                req = req.header(*k, v.as_str());
            }
            let mut resp = match req.send_json(body) {
                Ok(r) => r,
                Err(e) => return Err(self.ureq_error(url, e)),
            };
            let status = resp.status().as_u16();
            tracing::debug!(status, "response");
            if (200..300).contains(&status) {
                return Ok(resp);
            }
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            let text = resp
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_string()
                .unwrap_or_default();
            let message = self.scrub(&error_message(&text));
            let retryable = status == 429 || status == 408 || (500..600).contains(&status);
            if retryable && attempt < attempts {
                let delay = match retry_after {
                    Some(d) if d > self.retry.max_retry_after => {
                        return Err(self.status_error(
                            status,
                            attempt,
                            url,
                            format!(
                                "{message} (the server asks to retry after {}s, longer than ggen waits)",
                                d.as_secs()
                            ),
                        ));
                    }
                    Some(d) => d,
                    None => backoff(&self.retry, attempt),
                };
                tracing::warn!(
                    "{} answered HTTP {status}; retrying in {:.1}s (attempt {} of {attempts})",
                    self.provider,
                    delay.as_secs_f64(),
                    attempt + 1
                );
                std::thread::sleep(delay);
                continue;
            }
            return Err(self.status_error(status, attempt, url, message));
        }
    }

    fn status_error(&self, status: u16, attempts: u32, url: &str, message: String) -> AiError {
        let provider = self.provider;
        match status {
            401 | 403 => AiError::Auth {
                provider,
                status,
                message,
                key_hint: self.key_hint.clone(),
            },
            404 => AiError::NotFound {
                provider,
                url: url.to_owned(),
                model: self.model.clone(),
                message,
            },
            400 | 413 | 422 => AiError::BadRequest {
                provider,
                status,
                message,
            },
            429 => AiError::RateLimited {
                provider,
                attempts,
                message,
            },
            500..=599 => AiError::Server {
                provider,
                status,
                attempts,
                message,
            },
            _ => AiError::Http {
                provider,
                status,
                message,
            },
        }
    }
}

/// The provider's message from an error body: `error.message` (OpenAI, Anthropic), `error`
/// (Ollama), `message` or `detail`; otherwise the start of the text.
pub(crate) fn error_message(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        let found = v
            .pointer("/error/message")
            .or_else(|| v.get("error"))
            .or_else(|| v.get("message"))
            .or_else(|| v.get("detail"))
            .and_then(Value::as_str);
        if let Some(m) = found {
            return m.trim().to_owned();
        }
    }
    let t = body.trim();
    if t.is_empty() {
        "(no message)".to_owned()
    } else {
        excerpt(t, 300)
    }
}

/// The first `max` characters of a text (with `…` when cut).
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// The backoff before retry number `attempt` (1-based): `base * 2^(attempt-1)`, capped, plus up
/// to 50% jitter.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    let d = policy
        .base_delay
        .saturating_mul(factor)
        .min(policy.max_delay);
    let half = u64::try_from(d.as_micros() / 2).unwrap_or(u64::MAX);
    let jitter = if half == 0 { 0 } else { random_u64() % half };
    d + Duration::from_micros(jitter)
}

/// A random number for jitter (from the standard library's per-process random hasher keys).
fn random_u64() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish()
}

/// Parse `Retry-After`: delay-seconds, or an HTTP date (IMF-fixdate) relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parse an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn parse_http_date(s: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_dow, day, month, year, time, zone] = parts.as_slice() else {
        return None;
    };
    if *zone != "GMT" && *zone != "UTC" {
        return None;
    }
    let day: u32 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)?;
    let month = u32::try_from(month).ok()? + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<u64> = time
        .split(':')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [h, m, sec] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days
        .checked_mul(86_400)?
        .checked_add(i64::try_from(h * 3600 + m * 60 + sec).ok()?)?;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let d = i64::from(d);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770); // Sun, 06 Nov 1994 08:49:30 GMT
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(UNIX_EPOCH)
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(951_825_600))
        );
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let p = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            max_retry_after: Duration::from_secs(1),
        };
        for _ in 0..50 {
            let d1 = backoff(&p, 1);
            assert!(d1 >= Duration::from_millis(100) && d1 < Duration::from_millis(150));
            let d2 = backoff(&p, 2);
            assert!(d2 >= Duration::from_millis(200) && d2 < Duration::from_millis(300));
            let d3 = backoff(&p, 3);
            assert!(d3 >= Duration::from_millis(350) && d3 < Duration::from_millis(525));
        }
    }

    #[test]
    fn error_messages_from_each_provider() {
        assert_eq!(
            error_message(r#"{"error":{"message":"Invalid model","type":"x"}}"#),
            "Invalid model"
        );
        assert_eq!(
            error_message(
                r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#
            ),
            "invalid x-api-key"
        );
        assert_eq!(
            error_message(r#"{"error":"model 'x' not found"}"#),
            "model 'x' not found"
        );
        assert_eq!(error_message("Bad Gateway"), "Bad Gateway");
        assert_eq!(error_message(""), "(no message)");
    }
}
