//! `[graph] endpoint`: generation against a remote SPARQL 1.1 endpoint. Every query of every
//! template (frontmatter `sparql:` and `sparql()` in bodies) runs on the server; rendering stays
//! local. What needs the data locally is refused with a clear error instead of silently working
//! on an empty graph: `[graph] sources` and `[graph] shapes`, graph sources of packs, and the
//! template keys `rdf`, `rdf_inline`, `construct` and `shape`.

use std::time::Duration;

use ggen_core::Location;
use ggen_graph::{EndpointAuth, EndpointConfig, Graph, QuerySource, RemoteEndpoint, RequestMethod};

use crate::error::EngineError;
use crate::manifest::{GraphSection, MANIFEST_FILE, Manifest};
use crate::receipt::{ReceiptEndpoint, ReceiptGraph};
use crate::workspace::Workspace;

/// The endpoint settings of a `[graph]` section, when it names an endpoint (the section is
/// validated by [`Manifest::parse`]).
pub fn endpoint_config(graph: &GraphSection) -> Option<EndpointConfig> {
    let url = graph.endpoint.as_ref()?;
    let mut c = EndpointConfig::new(url.clone());
    if let Some(a) = &graph.endpoint_auth {
        c.auth = match (&a.bearer_env, &a.basic_env) {
            (Some(v), _) => EndpointAuth::BearerEnv(v.clone()),
            (None, Some(v)) => EndpointAuth::BasicEnv(v.clone()),
            (None, None) => EndpointAuth::None,
        };
    }
    if let Some(g) = &graph.endpoint_default_graph {
        c.default_graphs = g.to_vec();
    }
    if let Some(m) = graph
        .endpoint_method
        .as_deref()
        .and_then(RequestMethod::from_name)
    {
        c.method = m;
    }
    if let Some(t) = graph.endpoint_timeout {
        c.timeout = Duration::from_secs(t);
    }
    if let Some(t) = graph.endpoint_connect_timeout {
        c.connect_timeout = Duration::from_secs(t);
    }
    if let Some(r) = graph.endpoint_retries {
        c.retries = r;
    }
    Some(c)
}

fn manifest_line(ws: &Workspace, key: &str) -> u64 {
    std::fs::read_to_string(ws.root.join(MANIFEST_FILE))
        .ok()
        .and_then(|t| {
            t.lines()
                .position(|l| {
                    l.trim_start()
                        .strip_prefix(key)
                        .is_some_and(|r| r.trim_start().starts_with('='))
                })
                .map(|i| i as u64 + 1)
        })
        .unwrap_or(1)
}

fn refuse(ws: &Workspace, key: &str, message: String) -> EngineError {
    EngineError::InTemplate {
        location: Location::line(MANIFEST_FILE, manifest_line(ws, key)),
        message,
        code: "endpoint-needs-local-graph",
    }
}

/// Connect to the project's endpoint, when `ggen.toml` names one. Checks that nothing in the
/// project needs a local graph, and reads the credentials from the environment.
pub(crate) fn connect(ws: &Workspace) -> Result<Option<RemoteEndpoint>, EngineError> {
    let Some((m, _)) = &ws.manifest else {
        return Ok(None);
    };
    let Some(config) = endpoint_config(&m.graph) else {
        return Ok(None);
    };
    check_project(ws, m)?;
    Ok(Some(RemoteEndpoint::new(config)?))
}

fn check_project(ws: &Workspace, m: &Manifest) -> Result<(), EngineError> {
    if !m.graph.sources.is_empty() {
        return Err(refuse(
            ws,
            "sources",
            "`[graph] sources` and `[graph] endpoint` exclude each other: with an endpoint every query runs on the server, so local RDF files would be ignored; remove `sources` (or `endpoint` to generate from the files)".into(),
        ));
    }
    if !m.graph.shapes.is_empty() {
        return Err(refuse(
            ws,
            "shapes",
            "`[graph] shapes` needs the data locally (SHACL validation runs on a local graph), but `[graph] endpoint` keeps it on the server; validate there, or export the data and run `ggen graph validate`".into(),
        ));
    }
    if let Some(p) = ws.packs.iter().find(|p| !p.sources.is_empty()) {
        return Err(refuse(
            ws,
            "endpoint",
            format!(
                "pack {} brings RDF sources ({}), which cannot be added to the data of a remote endpoint; load them into the endpoint's dataset, or generate from local files",
                p.id,
                p.sources
                    .iter()
                    .map(|s| s.rel.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(())
}

/// The local graph behind `source`, for a template key that needs one (`rdf`, `rdf_inline`,
/// `construct`, `shape`); a clear error when the project queries a remote endpoint.
pub(crate) fn local_graph<'a>(
    source: &'a dyn QuerySource,
    template: &str,
    line: u64,
    key: &str,
) -> Result<&'a Graph, EngineError> {
    source.local_graph().ok_or_else(|| {
        let why = match key {
            "shape" => "SHACL validation needs the data locally",
            _ => "its triples would have to be added to the server's data",
        };
        EngineError::InTemplate {
            location: Location::line(template, line),
            message: format!(
                "`{key}:` is not supported with a remote endpoint ({}): {why}; ggen only sends queries there and never changes the server's data. Put these triples into the endpoint's dataset (or select them with a query), or generate from local files",
                source.describe()
            ),
            code: "endpoint-needs-local-graph",
        }
    })
}

/// The receipt's graph section for a run whose queries went to `remote`: no canonical hash or
/// triple count (ggen never held the dataset), but the endpoint and a digest of every query it
/// answered with its answer.
pub(crate) fn receipt_graph(remote: &RemoteEndpoint) -> ReceiptGraph {
    ReceiptGraph {
        sources: Vec::new(),
        canonical_sha256: None,
        triples: None,
        endpoint: Some(ReceiptEndpoint {
            url: remote.url().to_owned(),
            default_graphs: remote.config().default_graphs.clone(),
            queries: remote.queries(),
            results_sha256: remote.results_digest(),
        }),
    }
}

/// The data of a run: the loaded project graph, or a remote endpoint.
#[derive(Debug)]
pub(crate) enum Data {
    /// `[graph] sources` (and packs' sources), loaded.
    Local(Graph),
    /// `[graph] endpoint`.
    Remote(RemoteEndpoint),
}

impl Data {
    /// Where queries run.
    pub(crate) fn source(&self) -> &dyn QuerySource {
        match self {
            Self::Local(g) => g,
            Self::Remote(r) => r,
        }
    }

    /// Triples loaded (0 for a remote endpoint: none were).
    pub(crate) fn triples(&self) -> usize {
        match self {
            Self::Local(g) => g.len(),
            Self::Remote(_) => 0,
        }
    }

    /// The receipt's graph section. Call it after rendering: for an endpoint it records the
    /// queries answered.
    pub(crate) fn receipt_graph(&self, ws: &Workspace) -> Result<ReceiptGraph, EngineError> {
        Ok(match self {
            Self::Local(g) => ReceiptGraph {
                sources: crate::inputs::hash_files(&ws.sources)?,
                canonical_sha256: Some(g.canonical_sha256().to_owned()),
                triples: Some(g.len()),
                endpoint: None,
            },
            Self::Remote(r) => receipt_graph(r),
        })
    }
}
