//! Logging and tracing: logs go to stderr, filtered by `GGEN_LOG` (env-filter syntax, e.g.
//! `GGEN_LOG=ggen=debug`) or else by `-v`/`-q`, as text or JSON lines (`--log-format json`).
//!
//! Spans close with their durations (`time.busy`, `time.idle`): the pipeline stages of
//! ggen-engine (`load`, `render`, `plan`, `fast_path`, and per template/query at debug), the
//! lifecycle runs, phases, checks and hooks, so `GGEN_LOG=ggen=debug ggen project gen` shows where
//! time goes.
//!
//! Secrets never reach a log line: every line passes through a writer that replaces the values
//! of secret-looking environment variables (names containing KEY, TOKEN, SECRET, PASSWORD, ...)
//! and of the variables the configuration names (`[ai] api_key_env`, registries' `token_env`)
//! with `****`.
//!
//! With the `otel` cargo feature, spans are also exported over OTLP/HTTP (protobuf) when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; see
//! [`otel`].

use std::io::Write;
use std::sync::Arc;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{Layer, Registry};

use crate::cli::{GlobalArgs, LogFormat};
use crate::cmd::utils::secrets;

#[cfg(feature = "otel")]
pub mod otel;

/// Keeps exporters alive until the end of `main`; dropping it flushes them.
#[must_use]
pub struct Guard {
    #[cfg(feature = "otel")]
    _otel: Option<otel::Guard>,
}

/// The default filter for `-q` / `-v` counts.
fn default_filter(global: &GlobalArgs) -> &'static str {
    match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "warn,ggen=info",
        (false, 2) => "info,ggen=debug",
        _ => "debug,ggen=trace",
    }
}

/// Secret values known at start-up: from the environment and the variables the configuration
/// names. A configuration that does not load only loses the named variables.
fn known_secrets(global: &GlobalArgs) -> Vec<String> {
    let config = ggen_core::config::Dirs::resolve(global.config.as_deref())
        .ok()
        .and_then(|d| ggen_core::config::load_or_empty(&d.config_file).ok());
    secrets::secret_values(config.as_ref())
}

/// A `MakeWriter` for stderr that masks secrets in each log line.
#[derive(Clone)]
struct RedactingStderr {
    secrets: Arc<Vec<String>>,
}

/// Collects one formatted event and writes it, redacted, when dropped.
struct RedactingLine {
    secrets: Arc<Vec<String>>,
    buf: Vec<u8>,
}

impl Write for RedactingLine {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingLine {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buf);
        let line = secrets::redact(&text, &self.secrets);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }
}

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingLine;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingLine {
            secrets: self.secrets.clone(),
            buf: Vec::new(),
        }
    }
}

/// Install the global subscriber. Keep the returned guard until the end of `main`.
pub fn init(global: &GlobalArgs) -> Guard {
    let default = default_filter(global);
    let mut bad_filter = None;
    let filter = match std::env::var("GGEN_LOG") {
        Ok(spec) if !spec.trim().is_empty() => match EnvFilter::try_new(&spec) {
            Ok(f) => f,
            Err(e) => {
                bad_filter = Some(format!(
                    "GGEN_LOG={spec:?} is not a valid filter ({e}); using `{default}`"
                ));
                EnvFilter::new(default)
            }
        },
        _ => EnvFilter::new(default),
    };
    let writer = RedactingStderr {
        secrets: Arc::new(known_secrets(global)),
    };
    let fmt: tracing_subscriber::fmt::Layer<Registry, _, _, RedactingStderr> =
        tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_span_events(FmtSpan::CLOSE)
            .with_target(true)
            .with_ansi(false);
    let fmt = match global.log_format {
        LogFormat::Json => fmt.json().with_filter(filter).boxed(),
        LogFormat::Text => fmt.compact().with_filter(filter).boxed(),
    };
    #[cfg_attr(not(feature = "otel"), allow(unused_mut))]
    let mut layers = vec![fmt];
    #[cfg(feature = "otel")]
    let otel_guard = match otel::layer() {
        Ok(Some((layer, guard))) => {
            layers.push(layer);
            Some(guard)
        }
        Ok(None) => None,
        Err(e) => {
            bad_filter = Some(format!("OpenTelemetry export is off: {e}"));
            None
        }
    };
    let _ = tracing_subscriber::registry().with(layers).try_init();
    if let Some(msg) = bad_filter
        && !global.quiet
    {
        crate::output::eprint_line(&format!("warning: {msg}"));
    }
    Guard {
        #[cfg(feature = "otel")]
        _otel: otel_guard,
    }
}
