//! Query time limits: a watchdog thread cancels the evaluation through oxigraph's
//! `CancellationToken` when the limit passes. The evaluator checks the token whenever it reads
//! the store or creates terms, so most runaway queries stop within moments of the limit. Some
//! evaluations read the store rarely (closures of property paths such as `(p|^p)*`, joins of
//! materialized intermediate results) and can run on long after the token is cancelled;
//! callers that need a hard bound run the query on a thread they can abandon, as
//! `ggen graph query` does.

use std::sync::mpsc;
use std::time::Duration;

use oxigraph::sparql::{CancellationToken, SparqlEvaluator};

use crate::error::GraphError;
use crate::query::QueryOptions;

/// A running time limit; dropping it stops the watchdog.
pub(crate) struct Deadline {
    token: CancellationToken,
    limit: Duration,
    _stop: mpsc::Sender<()>,
}

impl Deadline {
    /// Start the watchdog (`None` without a limit).
    pub(crate) fn start(limit: Option<Duration>) -> Option<Self> {
        let limit = limit?;
        let token = CancellationToken::new();
        let (stop, wait) = mpsc::channel::<()>();
        let watched = token.clone();
        let spawned = std::thread::Builder::new()
            .name("sparql-deadline".into())
            .spawn(move || {
                if let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(limit) {
                    watched.cancel();
                }
            });
        // Without a watchdog thread the query runs unlimited rather than failing.
        spawned.ok()?;
        Some(Self {
            token,
            limit,
            _stop: stop,
        })
    }

    fn expired(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// The evaluator, with the deadline's cancellation token when there is one.
pub(crate) fn evaluator(deadline: Option<&Deadline>) -> SparqlEvaluator {
    let evaluator = SparqlEvaluator::new();
    match deadline {
        Some(d) => evaluator.with_cancellation_token(d.token.clone()),
        None => evaluator,
    }
}

impl GraphError {
    /// The error of a query stopped at its time limit (for callers that enforce the limit
    /// themselves, e.g. by abandoning the evaluation thread).
    pub fn query_timeout(name: Option<&str>, limit: Duration) -> Self {
        GraphError::QueryTimeout {
            name: name.map(str::to_owned),
            limit: format_limit(limit),
        }
    }
}

/// An evaluation error: [`GraphError::QueryTimeout`] when the deadline passed.
pub(crate) fn eval_error(
    e: &dyn std::fmt::Display,
    opts: &QueryOptions,
    deadline: Option<&Deadline>,
) -> GraphError {
    match deadline {
        Some(d) if d.expired() => GraphError::query_timeout(opts.name(), d.limit),
        _ => GraphError::QueryEvaluation {
            name: opts.name().map(str::to_owned),
            message: e.to_string(),
        },
    }
}

/// `60 s`, `1.5 s`, `250 ms`.
pub(crate) fn format_limit(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GraphBuilder, RdfSyntax};

    #[test]
    fn limits_are_readable() {
        assert_eq!(format_limit(Duration::from_secs(60)), "60 s");
        assert_eq!(format_limit(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(format_limit(Duration::from_millis(250)), "250 ms");
    }

    /// A deliberately explosive query (a chain of joins over a 200-triple ring: 200^4 rows
    /// to count) is stopped at the limit instead of running for minutes.
    #[test]
    fn runaway_query_is_stopped() {
        let mut ttl = String::from("@prefix ex: <http://ex.org/> .\n");
        for i in 0..200 {
            ttl.push_str(&format!("ex:s{i} ex:p ex:s{} .\n", (i + 1) % 200));
        }
        let mut b = GraphBuilder::new();
        b.add_text("t.ttl", &ttl, RdfSyntax::Turtle).unwrap();
        let g = b.build().unwrap();
        let q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?f ?s ?g }";
        let opts = QueryOptions::new().with_timeout(Duration::from_millis(300));
        let start = std::time::Instant::now();
        let e = g.query(q, &opts).unwrap_err();
        let took = start.elapsed();
        assert!(matches!(e, GraphError::QueryTimeout { .. }), "{e}");
        assert_eq!(
            e.to_string(),
            "SPARQL query stopped after the time limit of 300 ms"
        );
        // Counting 200^4 rows takes minutes; stopping takes a moment after the limit (generous
        // bound for a loaded machine and a debug build).
        assert!(took < Duration::from_secs(20), "{took:?}");
        // A fast query under the same limit is unaffected.
        let opts = opts.with_prefix("ex", "http://ex.org/");
        let ok = g
            .select("SELECT ?a WHERE { ?a ex:p ex:s1 }", &opts)
            .unwrap();
        assert_eq!(ok.rows.len(), 1);
    }
}
