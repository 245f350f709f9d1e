//! Prometheus metrics in the text exposition format (version 0.0.4): requests by method, route
//! and status, a request latency histogram per route, publishes by result, downloads, rate-limit
//! rejections and a few gauges.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
pub const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default)]
struct RouteStats {
    statuses: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Outcome of a publish, for `ggen_registry_publishes_total{result=…}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishResult {
    /// Stored.
    Ok,
    /// Refused (4xx).
    Rejected,
    /// Failed (5xx).
    Failed,
}

/// Every metric of one server.
#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<HashMap<(&'static str, String), RouteStats>>,
    publishes: [AtomicU64; 3],
    downloads: AtomicU64,
    download_bytes: AtomicU64,
    rate_limited: AtomicU64,
}

fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Count a finished request. `route` is the route template (`/index/{id}`), never the raw
    /// path, so that the number of series stays bounded.
    pub fn record(&self, method: &axum::http::Method, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let Ok(mut map) = self.routes.lock() else {
            return;
        };
        let s = map
            .entry((method_label(method), route.to_owned()))
            .or_default();
        *s.statuses.entry(status).or_default() += 1;
        s.count += 1;
        s.sum += secs;
        for (b, le) in s.buckets.iter_mut().zip(BUCKETS) {
            if secs <= le {
                *b += 1;
            }
        }
    }

    /// Count a publish.
    pub fn publish(&self, result: PublishResult) {
        let i = match result {
            PublishResult::Ok => 0,
            PublishResult::Rejected => 1,
            PublishResult::Failed => 2,
        };
        if let Some(c) = self.publishes.get(i) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Count an archive download.
    pub fn download(&self, bytes: usize) {
        self.downloads.fetch_add(1, Ordering::Relaxed);
        self.download_bytes
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Count a request refused by a rate limit.
    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text. `gauges` are added as `ggen_registry_<name>` gauges.
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        let rows: Vec<((&'static str, String), RouteStats)> = match self.routes.lock() {
            Ok(map) => map
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        RouteStats {
                            statuses: v.statuses.clone(),
                            buckets: v.buckets,
                            count: v.count,
                            sum: v.sum,
                        },
                    )
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let mut rows = rows;
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        out.push_str(
            "# HELP ggen_registry_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE ggen_registry_http_requests_total counter\n");
        for ((m, r), s) in &rows {
            for (status, n) in &s.statuses {
                let _ = writeln!(
                    out,
                    "ggen_registry_http_requests_total{{method=\"{m}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(r)
                );
            }
        }
        out.push_str("# HELP ggen_registry_http_request_duration_seconds Time from request to response headers.\n");
        out.push_str("# TYPE ggen_registry_http_request_duration_seconds histogram\n");
        for ((m, r), s) in &rows {
            let labels = format!("method=\"{m}\",route=\"{}\"", escape(r));
            for (n, le) in s.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "ggen_registry_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "ggen_registry_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "ggen_registry_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "ggen_registry_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out.push_str("# HELP ggen_registry_publishes_total Publish requests by result.\n");
        out.push_str("# TYPE ggen_registry_publishes_total counter\n");
        for (i, result) in ["ok", "rejected", "failed"].iter().enumerate() {
            let n = self
                .publishes
                .get(i)
                .map_or(0, |c| c.load(Ordering::Relaxed));
            let _ = writeln!(
                out,
                "ggen_registry_publishes_total{{result=\"{result}\"}} {n}"
            );
        }
        out.push_str("# HELP ggen_registry_downloads_total Archive downloads.\n");
        out.push_str("# TYPE ggen_registry_downloads_total counter\n");
        let _ = writeln!(
            out,
            "ggen_registry_downloads_total {}",
            self.downloads.load(Ordering::Relaxed)
        );
        out.push_str("# HELP ggen_registry_download_bytes_total Archive bytes sent.\n");
        out.push_str("# TYPE ggen_registry_download_bytes_total counter\n");
        let _ = writeln!(
            out,
            "ggen_registry_download_bytes_total {}",
            self.download_bytes.load(Ordering::Relaxed)
        );
        out.push_str("# HELP ggen_registry_rate_limited_total Requests refused by a rate limit.\n");
        out.push_str("# TYPE ggen_registry_rate_limited_total counter\n");
        let _ = writeln!(
            out,
            "ggen_registry_rate_limited_total {}",
            self.rate_limited.load(Ordering::Relaxed)
        );
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP ggen_registry_{name} {help}");
            let _ = writeln!(out, "# TYPE ggen_registry_{name} gauge");
            let _ = writeln!(out, "ggen_registry_{name} {v}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.record(&Method::GET, "/index/{id}", 200, Duration::from_micros(700));
        m.record(&Method::GET, "/index/{id}", 304, Duration::from_millis(20));
        m.publish(PublishResult::Ok);
        m.download(10);
        let t = m.render(&[("packs", "Packs.", 3.0)]);
        assert!(t.contains("ggen_registry_http_requests_total{method=\"GET\",route=\"/index/{id}\",status=\"200\"} 1\n"), "{t}");
        assert!(t.contains("ggen_registry_http_request_duration_seconds_bucket{method=\"GET\",route=\"/index/{id}\",le=\"0.0005\"} 0\n"), "{t}");
        assert!(t.contains("ggen_registry_http_request_duration_seconds_bucket{method=\"GET\",route=\"/index/{id}\",le=\"0.001\"} 1\n"), "{t}");
        assert!(t.contains("ggen_registry_http_request_duration_seconds_bucket{method=\"GET\",route=\"/index/{id}\",le=\"+Inf\"} 2\n"), "{t}");
        assert!(t.contains("ggen_registry_http_request_duration_seconds_count{method=\"GET\",route=\"/index/{id}\"} 2\n"), "{t}");
        assert!(
            t.contains("ggen_registry_publishes_total{result=\"ok\"} 1\n"),
            "{t}"
        );
        assert!(t.contains("ggen_registry_downloads_total 1\n"), "{t}");
        assert!(t.contains("ggen_registry_packs 3\n"), "{t}");
    }
}
