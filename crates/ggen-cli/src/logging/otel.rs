//! OpenTelemetry export (cargo feature `otel`, off by default).
//!
//! When `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set, every
//! tracing span (pipeline stages, lifecycle phases, checks, hooks) is exported as an OTLP span
//! over HTTP with protobuf bodies (`/v1/traces` is appended to the generic endpoint, as the
//! OpenTelemetry specification says). The standard `OTEL_EXPORTER_OTLP_*` variables (headers,
//! timeout, compression) are read by `opentelemetry-otlp`. The HTTP client is a small adapter
//! over the blocking `ureq` agent ggen already uses, so no async runtime (tokio) is involved:
//! the SDK's batch processor runs the export on its own thread.
//!
//! The service name is `ggen` (override with `OTEL_SERVICE_NAME`). Spans go to the exporter
//! filtered by `GGEN_OTEL_LOG` (env-filter syntax), default `ggen=debug`.

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::{EnvFilter, Layer, Registry};

/// Largest response body read from the collector.
const MAX_RESPONSE: u64 = 4 * 1024 * 1024;

/// Flushes and shuts the exporter down when dropped (at the end of `main`).
pub struct Guard {
    provider: SdkTracerProvider,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.provider.force_flush();
        let _ = self.provider.shutdown_with_timeout(Duration::from_secs(5));
    }
}

/// `opentelemetry_http::HttpClient` over a blocking `ureq` agent.
#[derive(Debug)]
struct UreqClient {
    agent: ureq::Agent,
}

impl UreqClient {
    fn new(timeout: Duration) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Self { agent }
    }
}

#[async_trait::async_trait]
impl HttpClient for UreqClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, body.to_vec());
        let mut response = self.agent.run(request)?;
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_to_vec()?;
        let (parts, _) = response.into_parts();
        Ok(Response::from_parts(parts, Bytes::from(bytes)))
    }
}

fn endpoint_configured() -> bool {
    [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .iter()
    .any(|v| std::env::var(v).is_ok_and(|s| !s.trim().is_empty()))
}

/// The OpenTelemetry layer and its guard, or `None` when no OTLP endpoint is configured.
#[allow(clippy::type_complexity)]
pub fn layer() -> Result<Option<(Box<dyn Layer<Registry> + Send + Sync>, Guard)>, String> {
    if !endpoint_configured() {
        return Ok(None);
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_http_client(UreqClient::new(Duration::from_secs(10)))
        .build()
        .map_err(|e| e.to_string())?;
    let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "ggen".to_owned());
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(service).build())
        .build();
    let tracer = provider.tracer("ggen");
    let filter = std::env::var("GGEN_OTEL_LOG")
        .ok()
        .and_then(|s| EnvFilter::try_new(s).ok())
        .unwrap_or_else(|| EnvFilter::new("ggen=debug"));
    let layer = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_filter(filter)
        .boxed();
    Ok(Some((layer, Guard { provider })))
}
