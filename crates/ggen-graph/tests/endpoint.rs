#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

//! The SPARQL 1.1 Protocol client against the loopback test server (real results from a
//! local oxigraph store, and every failure mode the client must explain).

use std::collections::BTreeMap;
use std::time::Duration;

use ggen_core::Diagnostic;
use ggen_graph::endpoint::testing::{Mode, TestEndpoint, closed_port_url};
use ggen_graph::{
    EndpointAuth, EndpointConfig, EndpointError, Graph, GraphBuilder, GraphError, QueryOptions,
    QuerySource, RdfSyntax, RemoteEndpoint, RequestMethod,
};

const DATA: &str = r#"
@prefix ex: <http://ex.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:b a ex:C ; ex:n 2 ; ex:label "bee"@en .
ex:a a ex:C ; ex:n 1 ; ex:label "a \"quoted\"\nline" .
ex:c a ex:D ; ex:n 3.5 ; ex:flag true ; ex:when "2024-01-02"^^xsd:date .
ex:d a ex:C ; ex:ref [ ex:n 7 ] .
"#;

fn graph() -> Graph {
    let mut b = GraphBuilder::new();
    b.add_text("data.ttl", DATA, RdfSyntax::Turtle).unwrap();
    b.build().unwrap()
}

fn opts() -> QueryOptions {
    QueryOptions::new().with_prefix("ex", "http://ex.org/")
}

fn fast(url: &str) -> EndpointConfig {
    EndpointConfig::new(url)
        .with_timeouts(Duration::from_secs(10), Duration::from_secs(5))
        .with_retries(2, Duration::from_millis(10))
}

fn remote(server: &TestEndpoint) -> RemoteEndpoint {
    RemoteEndpoint::new(fast(&server.url())).unwrap()
}

fn endpoint_error(e: GraphError) -> EndpointError {
    match e {
        GraphError::Endpoint { source, .. } => source,
        other => panic!("expected an endpoint error, got {other:?}"),
    }
}

#[test]
fn remote_answers_equal_local_answers() {
    let g = graph();
    let server = TestEndpoint::start(g.clone()).unwrap();
    let r = remote(&server);
    let queries = [
        // unordered: both sides sort the same way
        "SELECT ?s ?n WHERE { ?s ex:n ?n }",
        "SELECT ?s ?l WHERE { ?s a ex:C OPTIONAL { ?s ex:label ?l } }",
        "SELECT * WHERE { ?s ?p ?o }",
        // ordered by the query
        "SELECT ?s WHERE { ?s a ?c } ORDER BY DESC(?s)",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "ASK { ex:a a ex:C }",
        "ASK { ex:a a ex:D }",
        "CONSTRUCT { ?s ex:twice ?n } WHERE { ?s ex:n ?n }",
        "DESCRIBE ex:a",
    ];
    for q in queries {
        let local = g.query(q, &opts()).unwrap();
        let far = r.query(q, &opts()).unwrap();
        assert_eq!(local, far, "{q}");
    }
    // The same through the trait, as the engine and templates use it.
    let sources: [&dyn QuerySource; 2] = [&g, &r];
    let answers: Vec<_> = sources
        .iter()
        .map(|s| s.select("SELECT ?s WHERE { ?s a ex:C }", &opts()).unwrap())
        .collect();
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].rows.len(), 3);
    assert!(r.ask("ASK { ?s ex:flag true }", &opts()).unwrap());
    assert!(r.describe().contains(&server.url()));
}

#[test]
fn typed_literals_survive_the_round_trip() {
    let g = graph();
    let server = TestEndpoint::start(g.clone()).unwrap();
    let r = remote(&server);
    let s = r
        .select(
            "SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }",
            &opts(),
        )
        .unwrap();
    let shown: Vec<String> = s
        .rows
        .iter()
        .map(|r| r[0].as_ref().unwrap().to_string())
        .collect();
    for expected in [
        "\"bee\"@en",
        "\"2024-01-02\"^^<http://www.w3.org/2001/XMLSchema#date>",
        "\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>",
        "\"3.5\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
        "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>",
        "\"a \\\"quoted\\\"\\nline\"",
    ] {
        assert!(
            shown.contains(&expected.to_owned()),
            "{expected} in {shown:?}"
        );
    }
}

#[test]
fn prefixes_and_base_are_declared_in_the_text_sent() {
    let g = graph();
    let server = TestEndpoint::start(g.clone()).unwrap();
    let r = remote(&server);
    let o = opts().with_base(Some("http://ex.org/"));
    let s = r.select("SELECT ?n WHERE { <a> ex:n ?n }", &o).unwrap();
    assert_eq!(s.rows.len(), 1);
    let req = server.requests().pop().unwrap();
    assert_eq!(req.method, "POST");
    assert!(
        req.query.starts_with("BASE <http://ex.org/>\n"),
        "{}",
        req.query
    );
    assert!(
        req.query.contains("PREFIX ex: <http://ex.org/>\n"),
        "{}",
        req.query
    );
    assert!(
        req.query
            .contains("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
    );
    assert!(req.query.ends_with("SELECT ?n WHERE { <a> ex:n ?n }"));
    assert_eq!(
        req.header("content-type"),
        Some("application/sparql-query; charset=utf-8")
    );
    assert!(
        req.header("accept")
            .unwrap()
            .starts_with("application/sparql-results+json")
    );
    assert_eq!(req.header("authorization"), None);
    // A prefix the query declares itself is not declared twice.
    r.select(
        "PREFIX ex: <http://ex.org/>\nSELECT ?s WHERE { ?s ex:n 1 }",
        &opts(),
    )
    .unwrap();
    let req = server.requests().pop().unwrap();
    assert_eq!(req.query.matches("PREFIX ex:").count(), 1, "{}", req.query);
    // CONSTRUCT asks for N-Triples.
    r.construct("CONSTRUCT WHERE { ?s ex:n ?n }", &opts())
        .unwrap();
    let req = server.requests().pop().unwrap();
    assert!(
        req.header("accept")
            .unwrap()
            .starts_with("application/n-triples")
    );
}

#[test]
fn get_requests_and_default_graph() {
    // The data sits in a named graph; the default graph of the store is empty.
    let mut b = GraphBuilder::new();
    b.add_text(
        "data.trig",
        "@prefix ex: <http://ex.org/> .\n<http://ex.org/g> { ex:a a ex:C . ex:b a ex:C . ex:d a ex:C . ex:c a ex:D }",
        RdfSyntax::TriG,
    )
    .unwrap();
    let server = TestEndpoint::start(b.build().unwrap()).unwrap();
    let q = "SELECT ?s WHERE { ?s a ex:C }";
    let plain = RemoteEndpoint::new(fast(&server.url())).unwrap();
    assert_eq!(plain.select(q, &opts()).unwrap().rows.len(), 0);
    for method in [RequestMethod::Post, RequestMethod::Form, RequestMethod::Get] {
        let r = RemoteEndpoint::new(
            fast(&server.url())
                .with_method(method)
                .with_default_graph("http://ex.org/g"),
        )
        .unwrap();
        assert_eq!(r.select(q, &opts()).unwrap().rows.len(), 3, "{method:?}");
        let req = server.requests().pop().unwrap();
        assert_eq!(req.default_graphs, vec!["http://ex.org/g".to_owned()]);
        assert_eq!(
            req.method,
            if method == RequestMethod::Get {
                "GET"
            } else {
                "POST"
            }
        );
        assert!(req.query.ends_with(q), "{method:?}: {}", req.query);
    }
    // Parameters already in the URL are kept.
    let r = RemoteEndpoint::new(fast(&format!(
        "{}?default-graph-uri=http%3A%2F%2Fex.org%2Fg",
        server.url()
    )))
    .unwrap();
    assert_eq!(r.select(q, &opts()).unwrap().rows.len(), 3);
}

#[test]
fn bearer_and_basic_credentials_come_from_variables() {
    let server = TestEndpoint::start(graph()).unwrap();
    let env: BTreeMap<&str, &str> = [
        ("GOOD_TOKEN", "s3cret-token"),
        ("BAD_TOKEN", "wrong-token"),
        ("USERPASS", "alice:pa:ss"),
    ]
    .into_iter()
    .collect();
    let lookup = |k: &str| env.get(k).map(|v| (*v).to_owned());
    let q = "ASK { ?s ?p ?o }";

    server.require_authorization(Some("Bearer s3cret-token"));
    let good = RemoteEndpoint::with_env(
        fast(&server.url()).with_auth(EndpointAuth::BearerEnv("GOOD_TOKEN".into())),
        lookup,
    )
    .unwrap();
    assert!(good.ask(q, &opts()).unwrap());
    assert!(!format!("{good:?}").contains("s3cret"), "{good:?}");

    let bad = RemoteEndpoint::with_env(
        fast(&server.url()).with_auth(EndpointAuth::BearerEnv("BAD_TOKEN".into())),
        lookup,
    )
    .unwrap();
    let e = bad.ask(q, &opts()).unwrap_err();
    assert_eq!(e.code(), "endpoint-unauthorized");
    let msg = e.to_string();
    assert!(msg.contains("401 Unauthorized"), "{msg}");
    assert!(msg.contains("check the credentials in $BAD_TOKEN"), "{msg}");
    assert!(!msg.contains("wrong-token"), "{msg}");
    // 401 never retried.
    assert_eq!(bad.requests(), 1);

    // alice:pa:ss in base64
    server.require_authorization(Some("Basic YWxpY2U6cGE6c3M="));
    let basic = RemoteEndpoint::with_env(
        fast(&server.url()).with_auth(EndpointAuth::BasicEnv("USERPASS".into())),
        lookup,
    )
    .unwrap();
    assert!(basic.ask(q, &opts()).unwrap());

    let e = RemoteEndpoint::with_env(
        fast(&server.url()).with_auth(EndpointAuth::BearerEnv("UNSET".into())),
        lookup,
    )
    .unwrap_err();
    assert_eq!(e.code(), "endpoint-credentials-missing");
    assert!(e.to_string().contains("$UNSET, which is not set"), "{e}");

    server.require_authorization(None);
    server.set_mode(Mode::Status(403));
    let e = RemoteEndpoint::new(fast(&server.url()))
        .unwrap()
        .ask(q, &opts())
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("(403 Forbidden); it needs credentials"),
        "{e}"
    );
}

#[test]
fn endpoint_down() {
    let url = closed_port_url().unwrap();
    let r = RemoteEndpoint::new(fast(&url)).unwrap();
    let e = r.select("SELECT * { ?s ?p ?o }", &opts()).unwrap_err();
    assert_eq!(e.code(), "endpoint-unreachable", "{e}");
    assert!(
        e.to_string().contains("cannot reach the SPARQL endpoint"),
        "{e}"
    );
    assert!(e.to_string().contains("connection refused"), "{e}");
    assert!(e.help().unwrap().contains("server running"));
    // Not retried.
    assert_eq!(r.requests(), 1);
}

#[test]
fn endpoint_slow() {
    let server = TestEndpoint::start(graph()).unwrap();
    server.set_mode(Mode::Slow(Duration::from_secs(3)));
    let r = RemoteEndpoint::new(
        EndpointConfig::new(server.url())
            .with_timeouts(Duration::from_millis(300), Duration::from_secs(5)),
    )
    .unwrap();
    let e = endpoint_error(r.select("SELECT * { ?s ?p ?o }", &opts()).unwrap_err());
    assert!(
        matches!(
            e,
            EndpointError::Timeout {
                phase: "overall",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.code(), "endpoint-timeout");
    assert!(e.to_string().contains("did not answer within 0.3 s"), "{e}");
    assert_eq!(r.requests(), 1);
    // A query's own time limit lowers the configured one.
    let r = RemoteEndpoint::new(fast(&server.url())).unwrap();
    let e = r
        .select(
            "SELECT * { ?s ?p ?o }",
            &opts().with_timeout(Duration::from_millis(400)),
        )
        .unwrap_err();
    assert!(e.to_string().contains("did not answer within 0.4 s"), "{e}");
}

#[test]
fn endpoint_returning_html() {
    let server = TestEndpoint::start(graph()).unwrap();
    server.set_mode(Mode::Html);
    let r = remote(&server);
    let e = r.select("SELECT * { ?s ?p ?o }", &opts()).unwrap_err();
    assert_eq!(e.code(), "endpoint-not-sparql");
    assert_eq!(
        e.to_string(),
        format!(
            "the endpoint {} answered with text/html, not SPARQL results — is the URL the SPARQL endpoint?",
            server.url()
        )
    );
    let e = r
        .construct("CONSTRUCT WHERE { ?s ?p ?o }", &opts())
        .unwrap_err();
    assert!(e.to_string().contains("text/html, not RDF"), "{e}");
}

#[test]
fn server_errors_are_retried_with_backoff() {
    let server = TestEndpoint::start(graph()).unwrap();
    server.set_mode(Mode::FailFirst(2, 503));
    let r = remote(&server);
    assert!(r.ask("ASK { ?s ?p ?o }", &opts()).unwrap());
    assert_eq!(r.requests(), 3);
    assert_eq!(server.requests().len(), 3);

    server.set_mode(Mode::Status(500));
    let r = RemoteEndpoint::new(fast(&server.url()).with_retries(1, Duration::from_millis(10)))
        .unwrap();
    let e = endpoint_error(r.ask("ASK { ?s ?p ?o }", &opts()).unwrap_err());
    assert_eq!(e.code(), "endpoint-server-error");
    assert_eq!(
        e.to_string(),
        format!(
            "the SPARQL endpoint {} failed (500 Internal Server Error) after 2 attempts: simulated failure 500",
            server.url()
        )
    );
    assert_eq!(r.requests(), 2);
}

#[test]
fn malformed_results() {
    let server = TestEndpoint::start(graph()).unwrap();
    server.set_mode(Mode::MalformedJson);
    let e = remote(&server)
        .select("SELECT ?s { ?s ?p ?o }", &opts())
        .unwrap_err();
    assert_eq!(e.code(), "endpoint-malformed-results");
    assert!(
        e.to_string().contains(
            "sent malformed SPARQL Results in JSON: EOF while parsing a value at line 1 column 65"
        ),
        "{e}"
    );
}

#[test]
fn missing_content_type_is_sniffed() {
    let g = graph();
    let server = TestEndpoint::start(g.clone()).unwrap();
    server.set_mode(Mode::NoContentType);
    let q = "SELECT ?s ?n WHERE { ?s ex:n ?n }";
    assert_eq!(
        remote(&server).query(q, &opts()).unwrap(),
        g.query(q, &opts()).unwrap()
    );
}

#[test]
fn other_statuses_and_hangups() {
    let server = TestEndpoint::start(graph()).unwrap();
    let wrong_path = server.url().replace("/sparql", "/nothing-here");
    let e = RemoteEndpoint::new(fast(&wrong_path))
        .unwrap()
        .ask("ASK {}", &opts())
        .unwrap_err();
    assert_eq!(e.code(), "endpoint-not-found");
    assert!(
        e.to_string().contains("(404 Not Found); check the path"),
        "{e}"
    );

    server.set_mode(Mode::Status(400));
    let e = remote(&server).ask("ASK {}", &opts()).unwrap_err();
    assert_eq!(e.code(), "endpoint-rejected");
    assert!(
        e.to_string()
            .ends_with("rejected the query (400 Bad Request): simulated failure 400"),
        "{e}"
    );

    server.set_mode(Mode::Hangup);
    let e = remote(&server).ask("ASK {}", &opts()).unwrap_err();
    assert_eq!(e.code(), "endpoint-unreachable", "{e}");
}

#[test]
fn local_syntax_errors_are_not_sent() {
    let server = TestEndpoint::start(graph()).unwrap();
    let r = remote(&server);
    let e = r
        .select(
            "SELECT ?s\nWHERE { ?s nope:x }",
            &opts().with_source("t.tmpl", 10, 2),
        )
        .unwrap_err();
    assert_eq!(e.code(), "sparql-syntax");
    assert_eq!(e.location().unwrap().line, Some(11));
    assert_eq!(r.requests(), 0);
    assert!(server.requests().is_empty());
}

#[test]
fn errors_name_the_query() {
    let url = closed_port_url().unwrap();
    let r = RemoteEndpoint::new(fast(&url)).unwrap();
    let e = r
        .select("SELECT * { ?s ?p ?o }", &opts().with_name("classes"))
        .unwrap_err();
    assert!(
        e.to_string().starts_with("query `classes`: cannot reach"),
        "{e}"
    );
    // From a template: the file and line of the query text.
    let e = r
        .select(
            "SELECT * { ?s ?p ?o }",
            &opts().with_name("classes").with_source("t.tmpl", 7, 4),
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("t.tmpl:7: query `classes`: cannot reach"),
        "{e}"
    );
    assert_eq!(e.location().unwrap().line, Some(7));
}

#[test]
fn answers_are_cached_and_digested() {
    let g = graph();
    let server = TestEndpoint::start(g.clone()).unwrap();
    let r = remote(&server);
    assert_eq!(r.results_digest(), None);
    let q = "SELECT ?s WHERE { ?s a ex:C }";
    let a = r.query(q, &opts()).unwrap();
    let b = r.query(q, &opts()).unwrap();
    assert_eq!(a, b);
    assert_eq!(r.requests(), 1);
    assert_eq!(r.queries(), 1);
    let d1 = r.results_digest().unwrap();
    // A new connection asking the same gets the same digest; other data, another digest.
    let r2 = remote(&server);
    r2.query(q, &opts()).unwrap();
    assert_eq!(r2.results_digest().unwrap(), d1);
    let mut other = GraphBuilder::new();
    other
        .add_text(
            "o.ttl",
            "<http://ex.org/z> a <http://ex.org/C> .",
            RdfSyntax::Turtle,
        )
        .unwrap();
    let server2 = TestEndpoint::start(other.build().unwrap()).unwrap();
    let r3 = remote(&server2);
    r3.query(q, &opts()).unwrap();
    assert_ne!(r3.results_digest().unwrap(), d1);
}

#[test]
fn invalid_configuration() {
    for (url, msg) in [
        ("ftp://h/sparql", "must start with http:// or https://"),
        ("http://", "has no host"),
    ] {
        let e = RemoteEndpoint::new(EndpointConfig::new(url)).unwrap_err();
        assert_eq!(e.code(), "endpoint-url");
        assert!(e.to_string().contains(msg), "{e}");
    }
    let e = RemoteEndpoint::new(
        EndpointConfig::new("http://127.0.0.1:1/sparql")
            .with_timeouts(Duration::ZERO, Duration::from_secs(1)),
    )
    .unwrap_err();
    assert_eq!(e.code(), "endpoint-config");
}

#[test]
fn xml_results_are_read_too() {
    let g = graph();
    let server = TestEndpoint::start(g.clone()).unwrap();
    server.set_mode(Mode::Xml);
    let r = remote(&server);
    for q in [
        "SELECT ?s ?o WHERE { ?s ?p ?o }",
        "SELECT ?s ?l WHERE { ?s a ex:C OPTIONAL { ?s ex:label ?l } }",
        "ASK { ex:a a ex:C }",
    ] {
        assert_eq!(
            r.query(q, &opts()).unwrap(),
            g.query(q, &opts()).unwrap(),
            "{q}"
        );
    }
}

#[test]
fn incomplete_answers_are_refused() {
    let g = graph();
    let server = TestEndpoint::start(g.clone()).unwrap();
    // Virtuoso's "anytime query" partial answer.
    server.set_mode(Mode::Header("X-SQL-State".into(), "S1TAT".into()));
    let e = remote(&server)
        .select("SELECT * { ?s ?p ?o }", &opts())
        .unwrap_err();
    assert_eq!(e.code(), "endpoint-incomplete-results");
    assert!(e.to_string().contains("SQL state S1TAT"), "{e}");
    // A row cap that the answer reached.
    server.set_mode(Mode::Header("X-SPARQL-MaxRows".into(), "3".into()));
    let e = remote(&server)
        .select("SELECT ?s { ?s a ex:C }", &opts())
        .unwrap_err();
    assert!(e.to_string().contains("caps answers at 3 rows"), "{e}");
    // Below the cap, or cut by the query's own LIMIT: fine.
    assert_eq!(
        remote(&server)
            .select("SELECT ?s { ?s a ex:D }", &opts())
            .unwrap()
            .rows
            .len(),
        1
    );
    assert_eq!(
        remote(&server)
            .select("SELECT ?s { ?s ?p ?o } LIMIT 3", &opts())
            .unwrap()
            .rows
            .len(),
        3
    );
}

/// An answer as Virtuoso 7.2 sends it (recorded from `virtuoso-t` 07.20.3229): blank nodes
/// labelled `nodeID://…`, the legacy `typed-literal` type, booleans as `1`/`0`.
const VIRTUOSO_ANSWER: &str = r#"
{ "head": { "link": [], "vars": ["s", "o", "flag"] },
  "results": { "distinct": false, "ordered": true, "bindings": [
    { "s": { "type": "uri", "value": "http://example.org/shop#CustomerShape" }	, "o": { "type": "bnode", "value": "nodeID://b10001" }	, "flag": { "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1" }},
    { "s": { "type": "uri", "value": "http://example.org/shop#CustomerShape" }	, "o": { "type": "bnode", "value": "nodeID://b10000" }	, "flag": { "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "0" }},
    { "s": { "type": "uri", "value": "http://example.org/shop#OrderShape" }	, "o": { "type": "bnode", "value": "nodeID://b10001" }} ] } }"#;

#[test]
fn virtuoso_style_answers_are_read() {
    let server = TestEndpoint::start(graph()).unwrap();
    server.set_mode(Mode::Body(
        "application/sparql-results+json".into(),
        VIRTUOSO_ANSWER.as_bytes().to_vec(),
    ));
    let s = remote(&server)
        .select("SELECT ?s ?o ?flag WHERE { ?s ?p ?o }", &opts())
        .unwrap();
    assert_eq!(s.variables, vec!["s", "o", "flag"]);
    assert_eq!(s.rows.len(), 3);
    let cell = |r: usize, c: usize| s.rows[r][c].as_ref().map(ToString::to_string);
    // Blank nodes: valid labels, the same label gives the same node, different ones differ.
    let labels: Vec<String> = (0..3).map(|r| cell(r, 1).unwrap()).collect();
    assert!(labels.iter().all(|l| l.starts_with("_:x")), "{labels:?}");
    // Rows are sorted (no ORDER BY): b10000's row first, then b10001's two rows.
    assert_ne!(labels[0], labels[1]);
    assert_eq!(labels[1], labels[2]);
    // Booleans in canonical form.
    let flags: Vec<Option<String>> = (0..3).map(|r| cell(r, 2)).collect();
    assert!(flags.contains(&Some(
        "\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>".into()
    )));
    assert!(flags.contains(&Some(
        "\"false\"^^<http://www.w3.org/2001/XMLSchema#boolean>".into()
    )));
    assert!(flags.contains(&None));
}
