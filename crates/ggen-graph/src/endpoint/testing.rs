//! A loopback SPARQL 1.1 Protocol server for tests (feature `test-server`): it answers queries
//! by running them on a local [`Graph`], so results are real, and misbehaves on demand (slow,
//! error statuses, HTML pages, malformed JSON, missing credentials).
//!
//! ```
//! # use ggen_graph::{GraphBuilder, RdfSyntax, EndpointConfig, RemoteEndpoint, QueryOptions};
//! # use ggen_graph::endpoint::testing::TestEndpoint;
//! let mut b = GraphBuilder::new();
//! b.add_text("t.ttl", "<http://ex.org/a> <http://ex.org/p> 1 .", RdfSyntax::Turtle)?;
//! let server = TestEndpoint::start(b.build()?)?;
//! let remote = RemoteEndpoint::new(EndpointConfig::new(server.url()))?;
//! let rows = remote.query("SELECT ?s WHERE { ?s ?p ?o }", &QueryOptions::new())?;
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use sparesults::{QueryResultsFormat, QueryResultsSerializer};

use crate::graph::Graph;

/// How the server behaves for the next requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    /// Answer queries.
    #[default]
    Normal,
    /// Wait this long, then answer normally.
    Slow(Duration),
    /// Answer with this HTTP status and a short text body (`401` adds `WWW-Authenticate`).
    Status(u16),
    /// Answer the first `n` requests with `status`, then normally.
    FailFirst(u32, u16),
    /// `200 OK` with an HTML login page.
    Html,
    /// `200 OK`, `application/sparql-results+json`, but cut off in the middle.
    MalformedJson,
    /// Normal answers without a `Content-Type` header.
    NoContentType,
    /// Normal answers in SPARQL Results XML, whatever the request accepts.
    Xml,
    /// Close the connection without answering.
    Hangup,
    /// Normal answers with one extra response header (e.g. Virtuoso's `X-SQL-State`).
    Header(String, String),
    /// `200 OK` with this content type and body, whatever the query (e.g. a recorded answer
    /// of another server).
    Body(String, Vec<u8>),
}

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET` or `POST`.
    pub method: String,
    /// The request target (path and query string).
    pub target: String,
    /// Headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The query text, from the body or the `query` parameter.
    pub query: String,
    /// `default-graph-uri` parameters.
    pub default_graphs: Vec<String>,
}

impl Recorded {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct State {
    mode: Mode,
    auth: Option<String>,
    requests: Vec<Recorded>,
    served: u32,
}

/// A running server; stopped when dropped.
#[derive(Debug)]
pub struct TestEndpoint {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl TestEndpoint {
    /// Start serving `graph` on `127.0.0.1` at a free port.
    pub fn start(graph: Graph) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (st, g) = (st.clone(), graph.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &st, &g);
                });
            }
        });
        Ok(Self { addr, state, stop })
    }

    /// `http://127.0.0.1:<port>/sparql`
    pub fn url(&self) -> String {
        format!("http://{}/sparql", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Change the behaviour for the following requests.
    pub fn set_mode(&self, mode: Mode) {
        let mut s = lock(&self.state);
        s.mode = mode;
        s.served = 0;
    }

    /// Require this exact `Authorization` header value (None: no check).
    pub fn require_authorization(&self, value: Option<&str>) {
        lock(&self.state).auth = value.map(str::to_owned);
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state).requests.clone()
    }

    /// Forget the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.state).requests.clear();
    }
}

impl Drop for TestEndpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// A `http://127.0.0.1:<port>/sparql` URL where nothing listens (the port was just free).
pub fn closed_port_url() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    Ok(format!("http://{addr}/sparql"))
}

struct Response {
    status: u16,
    content_type: Option<&'static str>,
    extra: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            content_type: Some("text/plain; charset=utf-8"),
            extra: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(v) = hex {
                    out.push(v);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn params(query_string: &str) -> Vec<(String, String)> {
    query_string
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn serve(conn: TcpStream, state: &Mutex<State>, graph: &Graph) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let len: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    let body = String::from_utf8_lossy(&body).into_owned();
    let (path, qs) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let mut all = params(qs);
    let content_type = header("content-type").unwrap_or_default();
    let query = if method == "POST" && content_type.starts_with("application/sparql-query") {
        Some(body.clone())
    } else if method == "POST" && content_type.starts_with("application/x-www-form-urlencoded") {
        all.extend(params(&body));
        None
    } else {
        None
    };
    let query = query.or_else(|| {
        all.iter()
            .find(|(k, _)| k == "query")
            .map(|(_, v)| v.clone())
    });
    let default_graphs: Vec<String> = all
        .iter()
        .filter(|(k, _)| k == "default-graph-uri")
        .map(|(_, v)| v.clone())
        .collect();
    let xml = header("accept").is_some_and(|a| a.starts_with("application/sparql-results+xml"));
    let authorization = header("authorization");
    let (mode, required, served) = {
        let mut s = lock(state);
        s.requests.push(Recorded {
            method: method.clone(),
            target: target.clone(),
            headers: headers.clone(),
            query: query.clone().unwrap_or_default(),
            default_graphs: default_graphs.clone(),
        });
        s.served += 1;
        (s.mode.clone(), s.auth.clone(), s.served)
    };
    let response = if path != "/sparql" {
        Response::text(404, "not found")
    } else if required.is_some() && authorization != required {
        let mut r = Response::text(401, "authentication required");
        r.extra
            .push(("WWW-Authenticate".into(), "Bearer realm=\"test\"".into()));
        r
    } else {
        match mode {
            Mode::Hangup => {
                let _ = conn.shutdown(Shutdown::Both);
                return Ok(());
            }
            Mode::Status(code) => {
                let mut r = Response::text(code, &format!("simulated failure {code}"));
                if code == 401 {
                    r.extra
                        .push(("WWW-Authenticate".into(), "Basic realm=\"test\"".into()));
                }
                r
            }
            Mode::FailFirst(n, code) if served <= n => {
                Response::text(code, &format!("simulated failure {code} ({served} of {n})"))
            }
            Mode::Html => Response {
                status: 200,
                content_type: Some("text/html; charset=utf-8"),
                extra: Vec::new(),
                body: b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form>Password: <input type=password></form></body></html>\n".to_vec(),
            },
            Mode::MalformedJson => Response {
                status: 200,
                content_type: Some("application/sparql-results+json"),
                extra: Vec::new(),
                body: b"{\"head\":{\"vars\":[\"s\"]},\"results\":{\"bindings\":[{\"s\":{\"type\":\"uri\",".to_vec(),
            },
            Mode::Slow(d) => {
                std::thread::sleep(d);
                answer(graph, query.as_deref(), &default_graphs, xml)
            }
            Mode::NoContentType => {
                let mut r = answer(graph, query.as_deref(), &default_graphs, xml);
                r.content_type = None;
                r
            }
            Mode::Xml => answer(graph, query.as_deref(), &default_graphs, true),
            Mode::Body(content_type, body) => Response {
                status: 200,
                content_type: None,
                extra: vec![("Content-Type".into(), content_type)],
                body,
            },
            Mode::Header(name, value) => {
                let mut r = answer(graph, query.as_deref(), &default_graphs, xml);
                r.extra.push((name, value));
                r
            }
            Mode::Normal | Mode::FailFirst(..) => {
                answer(graph, query.as_deref(), &default_graphs, xml)
            }
        }
    };
    let mut conn = conn;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    if let Some(ct) = response.content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    for (n, v) in &response.extra {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes())?;
    conn.write_all(&response.body)?;
    conn.flush()
}

fn answer(graph: &Graph, query: Option<&str>, default_graphs: &[String], xml: bool) -> Response {
    let Some(query) = query else {
        return Response::text(400, "no query");
    };
    let mut prepared = match SparqlEvaluator::new().parse_query(query) {
        Ok(p) => p,
        Err(e) => return Response::text(400, &format!("SPARQL syntax error: {e}")),
    };
    if !default_graphs.is_empty() {
        let mut graphs = Vec::new();
        for g in default_graphs {
            match NamedNode::new(g) {
                Ok(n) => graphs.push(GraphName::NamedNode(n)),
                Err(e) => return Response::text(400, &format!("bad default-graph-uri: {e}")),
            }
        }
        prepared.dataset_mut().set_default_graph(graphs);
    }
    let results = match prepared.on_store(graph.store()).execute() {
        Ok(r) => r,
        Err(e) => return Response::text(500, &format!("evaluation error: {e}")),
    };
    let format = if xml {
        QueryResultsFormat::Xml
    } else {
        QueryResultsFormat::Json
    };
    let body: Result<(Vec<u8>, &'static str), String> = match results {
        QueryResults::Boolean(b) => QueryResultsSerializer::from_format(format)
            .serialize_boolean_to_writer(Vec::new(), b)
            .map(|w| (w, format.media_type()))
            .map_err(|e| e.to_string()),
        QueryResults::Solutions(solutions) => (|| {
            let mut w = QueryResultsSerializer::from_format(format)
                .serialize_solutions_to_writer(Vec::new(), solutions.variables().to_vec())
                .map_err(|e| e.to_string())?;
            for s in solutions {
                let s = s.map_err(|e| e.to_string())?;
                w.serialize(&s).map_err(|e| e.to_string())?;
            }
            w.finish()
                .map(|w| (w, format.media_type()))
                .map_err(|e| e.to_string())
        })(),
        QueryResults::Graph(triples) => (|| {
            let mut w = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
            for t in triples {
                let t = t.map_err(|e| e.to_string())?;
                w.serialize_triple(&t).map_err(|e| e.to_string())?;
            }
            w.finish()
                .map(|w| (w, "application/n-triples"))
                .map_err(|e| e.to_string())
        })(),
    };
    match body {
        Ok((body, ct)) => Response {
            status: 200,
            content_type: Some(ct),
            extra: Vec::new(),
            body,
        },
        Err(e) => Response::text(500, &e),
    }
}
