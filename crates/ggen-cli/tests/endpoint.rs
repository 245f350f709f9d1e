#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `ggen graph query --endpoint` and `ggen project gen` with `[graph] endpoint`, against a
//! loopback SPARQL endpoint that answers from a real oxigraph store (and misbehaves on demand):
//! identical results to local runs, and a clear error with exit code 2 for every failure.

mod common;
mod endpoint_support;

use std::time::Duration;

use common::{Shop, json};
use endpoint_support::{
    assert_same_tree, local_generation, shop_graph, shop_ontology_files, use_endpoint,
};
use ggen_graph::endpoint::testing::{Mode, TestEndpoint, closed_port_url};
use ggen_graph::{GraphBuilder, RdfSyntax};

const FIELDS: &str = "SELECT ?class ?prop ?range ?min WHERE { ?prop rdfs:domain ?class ; rdfs:range ?range . OPTIONAL { ?s sh:targetClass ?class ; sh:property [ sh:path ?prop ; sh:minCount ?min ] } }";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Run `ggen graph query` in an empty directory (no project).
fn query(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    common::ggen(dir.path(), home.path())
        .args(["graph", "query"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn graph_query_on_an_endpoint_prints_what_the_local_graph_prints() {
    let server = TestEndpoint::start(shop_graph()).unwrap();
    let url = server.url();
    let mut local_args: Vec<String> = Vec::new();
    for f in shop_ontology_files() {
        local_args.push("--graph".into());
        local_args.push(f.display().to_string());
    }
    for (q, format) in [
        (FIELDS, "json"),
        (FIELDS, "csv"),
        ("ASK { ?c a owl:Class }", "json"),
        (
            "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a owl:Class ; rdfs:label ?l }",
            "nt",
        ),
    ] {
        let remote = query(&["--endpoint", &url, "--format", format, q]);
        assert!(remote.status.success(), "{q}: {}", stderr(&remote));
        let mut args: Vec<&str> = local_args.iter().map(String::as_str).collect();
        args.extend(["--format", format, q]);
        let local = query(&args);
        assert!(local.status.success(), "{}", stderr(&local));
        assert_eq!(
            String::from_utf8_lossy(&remote.stdout),
            String::from_utf8_lossy(&local.stdout),
            "{q} as {format}"
        );
        assert!(!remote.stdout.is_empty());
    }
    // Tables shorten IRIs with the known prefixes: an endpoint declares none of its own, so
    // only the well-known ones apply (the local graph adds its files' `shop:`).
    let table = query(&["--endpoint", &url, "--format", "table", FIELDS]);
    assert!(table.status.success(), "{}", stderr(&table));
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("| <http://example.org/shop#Address> ") && table.contains("xsd:string"),
        "{table}"
    );
    assert!(table.ends_with("43 row(s)\n"), "{table}");
    // The query went over the protocol with the well-known prefixes declared.
    let req = server.requests().pop().unwrap();
    assert_eq!(req.method, "POST");
    assert!(
        req.query
            .contains("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>")
    );
    // --json: one document.
    let out = query(&["--endpoint", &url, "--json", "ASK { ?c a owl:Class }"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["results"]["boolean"], true);
    // GET and form POST with a default graph.
    for method in ["get", "form"] {
        let out = query(&[
            "--endpoint",
            &url,
            "--method",
            method,
            "--default-graph",
            "urn:x:nothing-here",
            "--format",
            "tsv",
            "SELECT ?c WHERE { ?c a owl:Class }",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        // The named graph does not exist: the dataset's default graph is empty.
        assert_eq!(String::from_utf8_lossy(&out.stdout), "?c\n", "{method}");
        let req = server.requests().pop().unwrap();
        assert_eq!(req.default_graphs, vec!["urn:x:nothing-here".to_owned()]);
    }
}

/// Expect exit code 2 and `needle` in the message (stderr), for every failure mode.
fn fails(out: &std::process::Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(
        stderr(out).contains(needle),
        "{needle:?} not in:\n{}",
        stderr(out)
    );
}

#[test]
fn graph_query_endpoint_errors_are_clear_and_exit_2() {
    let q = "SELECT * WHERE { ?s ?p ?o }";
    // Down.
    let down = closed_port_url().unwrap();
    let out = query(&["--endpoint", &down, q]);
    fails(
        &out,
        &format!("error: cannot reach the SPARQL endpoint {down}: connection refused"),
    );
    fails(&out, "help: is the server running");

    let server = TestEndpoint::start(shop_graph()).unwrap();
    let url = server.url();
    // Slow.
    server.set_mode(Mode::Slow(Duration::from_secs(4)));
    let out = query(&["--endpoint", &url, "--endpoint-timeout", "1", q]);
    fails(
        &out,
        &format!("the SPARQL endpoint {url} did not answer within 1 s (overall)"),
    );
    // 401 without credentials, with wrong ones, and the right ones.
    server.set_mode(Mode::Normal);
    server.require_authorization(Some("Bearer right-token"));
    let out = query(&["--endpoint", &url, q]);
    fails(
        &out,
        "refused the request (401 Unauthorized); it needs credentials",
    );
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = common::ggen(dir.path(), home.path())
        .env("SPARQL_TOKEN", "wrong-token")
        .args([
            "graph",
            "query",
            "--endpoint",
            &url,
            "--bearer-env",
            "SPARQL_TOKEN",
            q,
        ])
        .output()
        .unwrap();
    fails(
        &out,
        "(401 Unauthorized); check the credentials in $SPARQL_TOKEN",
    );
    assert!(!stderr(&out).contains("wrong-token"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("wrong-token"));
    let out = common::ggen(dir.path(), home.path())
        .env("SPARQL_TOKEN", "right-token")
        .args([
            "graph",
            "query",
            "--endpoint",
            &url,
            "--bearer-env",
            "SPARQL_TOKEN",
            "ASK {}",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = common::ggen(dir.path(), home.path())
        .env_remove("NOT_SET_ANYWHERE")
        .args([
            "graph",
            "query",
            "--endpoint",
            &url,
            "--bearer-env",
            "NOT_SET_ANYWHERE",
            q,
        ])
        .output()
        .unwrap();
    fails(&out, "$NOT_SET_ANYWHERE, which is not set");
    server.require_authorization(None);
    // An HTML page instead of results.
    server.set_mode(Mode::Html);
    let out = query(&["--endpoint", &url, q]);
    fails(
        &out,
        &format!(
            "the endpoint {url} answered with text/html, not SPARQL results — is the URL the SPARQL endpoint?"
        ),
    );
    let out = query(&["--endpoint", &url, "--json", q]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "endpoint-not-sparql");
    // 5xx, retried (2 retries by default), then reported with the server's message.
    server.set_mode(Mode::Status(500));
    server.clear_requests();
    let out = query(&["--endpoint", &url, q]);
    fails(
        &out,
        "failed (500 Internal Server Error) after 3 attempts: simulated failure 500",
    );
    assert_eq!(server.requests().len(), 3);
    // Malformed JSON.
    server.set_mode(Mode::MalformedJson);
    let out = query(&["--endpoint", &url, q]);
    fails(&out, "sent malformed SPARQL Results in JSON");
    // 404.
    server.set_mode(Mode::Normal);
    let out = query(&["--endpoint", &url.replace("/sparql", "/other"), q]);
    fails(&out, "(404 Not Found); check the path");
    // Bad URL and bad option values.
    let out = query(&["--endpoint", "ftp://example.org/sparql", q]);
    fails(&out, "must start with http:// or https://");
    let out = query(&["--endpoint", &url, "--method", "put", q]);
    fails(&out, "--method put: expected one of post, form, get");
    // A syntax error is reported locally, with its position, before anything is sent.
    server.clear_requests();
    let out = query(&["--endpoint", &url, "SELECT * WHERE { ?s ?p }"]);
    fails(&out, "invalid SPARQL");
    assert!(server.requests().is_empty());
}

fn shop_on(server: &TestEndpoint, extra: &[&str]) -> Shop {
    let shop = Shop::new();
    use_endpoint(shop.path(), &server.url(), extra);
    shop
}

#[test]
fn project_gen_from_an_endpoint_is_byte_identical_to_local_generation() {
    let server = TestEndpoint::start(shop_graph()).unwrap();
    let shop = shop_on(&server, &[]);
    let out = shop
        .ggen()
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["counts"]["create"], 32);
    assert_same_tree(&shop.generated(), &local_generation().generated());
    // Every query ran on the endpoint: frontmatter queries and sparql() in bodies.
    let sent = server.requests();
    assert!(sent.len() >= 10, "{}", sent.len());
    assert!(
        sent.iter().any(|r| r.query.contains("?typeName")),
        "the `fields` query of _queries.tmpl, called through sparql()"
    );
    // The receipt says where the data came from, without pretending to hash it.
    let receipt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shop.path().join(".ggen/receipt.json")).unwrap())
            .unwrap();
    let g = &receipt["graph"];
    assert_eq!(g["canonical_sha256"], serde_json::Value::Null);
    assert_eq!(g["triples"], serde_json::Value::Null);
    assert_eq!(g["sources"], serde_json::json!([]));
    assert_eq!(g["endpoint"]["url"], server.url());
    let digest = g["endpoint"]["results_sha256"].as_str().unwrap().to_owned();
    assert_eq!(digest.len(), 64);
    let queries = g["endpoint"]["queries"].as_u64().unwrap();
    assert!(queries >= 10, "{queries}");

    // A second run asks the endpoint again (no fast path: remote data can change unseen)...
    server.clear_requests();
    let out = shop
        .ggen()
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["fast_path"], false);
    assert_eq!(doc["counts"]["unchanged"], 32);
    assert!(!server.requests().is_empty());
    let again: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shop.path().join(".ggen/receipt.json")).unwrap())
            .unwrap();
    assert_eq!(
        again["graph"]["endpoint"]["results_sha256"],
        digest.as_str()
    );

    // ...so a change on the server shows: another endpoint without the Review class.
    let mut b = GraphBuilder::new();
    for f in shop_ontology_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        b.add_text(
            f.file_name().unwrap().to_string_lossy().into_owned(),
            &text.replace("shop:Review a owl:Class", "shop:Review a owl:Thing"),
            RdfSyntax::Turtle,
        )
        .unwrap();
    }
    let changed = TestEndpoint::start(b.build().unwrap()).unwrap();
    let manifest = shop.path().join("ggen.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace(&server.url(), &changed.url())).unwrap();
    let out = shop
        .ggen()
        .args(["--json", "project", "gen"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out);
    assert!(doc["counts"]["update"].as_u64().unwrap() > 0, "{doc}");
    let changed_receipt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shop.path().join(".ggen/receipt.json")).unwrap())
            .unwrap();
    assert_ne!(
        changed_receipt["graph"]["endpoint"]["results_sha256"],
        digest.as_str()
    );
    let rust_mod =
        std::fs::read_to_string(shop.generated().join("rust/src/models/mod.rs")).unwrap();
    assert!(!rust_mod.contains("review"), "{rust_mod}");
}

#[test]
fn project_endpoint_settings_reach_the_server() {
    let server = TestEndpoint::start(shop_graph()).unwrap();
    server.require_authorization(Some("Basic YWxpY2U6czNjcmV0")); // alice:s3cret
    let shop = shop_on(
        &server,
        &[
            "endpoint_auth = { basic_env = \"SHOP_SPARQL_LOGIN\" }",
            "endpoint_method = \"get\"",
            "endpoint_timeout = 30",
        ],
    );
    let out = shop
        .ggen()
        .env("SHOP_SPARQL_LOGIN", "alice:s3cret")
        .args(["project", "gen", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_same_tree(&shop.generated(), &local_generation().generated());
    assert!(server.requests().iter().all(|r| r.method == "GET"));
    // `graph query` inside the project uses the project's endpoint and prefixes.
    let out = shop
        .ggen()
        .env("SHOP_SPARQL_LOGIN", "alice:s3cret")
        .args([
            "graph",
            "query",
            "--format",
            "tsv",
            "SELECT ?c WHERE { ?c a owl:Class ; rdfs:label \"Order\" }",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "?c\n<http://example.org/shop#Order>\n"
    );
    // Wrong password: the variable is named, the secret is not.
    let out = shop
        .ggen()
        .env("SHOP_SPARQL_LOGIN", "alice:wrong-password")
        .args(["project", "gen"])
        .output()
        .unwrap();
    fails(&out, "check the credentials in $SHOP_SPARQL_LOGIN");
    assert!(!stderr(&out).contains("wrong-password"));
}

#[test]
fn project_gen_endpoint_failures_exit_2_and_write_nothing() {
    let server = TestEndpoint::start(shop_graph()).unwrap();
    let shop = shop_on(&server, &["endpoint_timeout = 1", "endpoint_retries = 0"]);
    let cases: [(Mode, &str); 5] = [
        (
            Mode::Slow(Duration::from_secs(4)),
            "did not answer within 1 s",
        ),
        (Mode::Status(401), "refused the request (401 Unauthorized)"),
        (
            Mode::Html,
            "answered with text/html, not SPARQL results — is the URL the SPARQL endpoint?",
        ),
        (
            Mode::Status(503),
            "failed (503 Service Unavailable): simulated failure 503",
        ),
        (Mode::MalformedJson, "sent malformed SPARQL Results in JSON"),
    ];
    for (mode, needle) in cases {
        server.set_mode(mode);
        let out = shop.ggen().args(["project", "gen"]).output().unwrap();
        fails(&out, needle);
        // The message names the template and the query.
        let err = stderr(&out);
        assert!(
            err.contains("templates/") && err.contains("query `"),
            "{err}"
        );
        assert!(!shop.generated().exists(), "nothing is written");
    }
    // Down.
    let manifest = shop.path().join("ggen.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let down = closed_port_url().unwrap();
    std::fs::write(&manifest, text.replace(&server.url(), &down)).unwrap();
    let out = shop.ggen().args(["project", "gen"]).output().unwrap();
    fails(
        &out,
        &format!("cannot reach the SPARQL endpoint {down}: connection refused"),
    );
    assert!(!shop.generated().exists());
}

#[test]
fn what_needs_a_local_graph_is_refused_with_an_endpoint() {
    let server = TestEndpoint::start(shop_graph()).unwrap();
    // `[graph] sources` next to `endpoint`.
    let shop = Shop::new();
    let manifest = shop.path().join("ggen.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "[graph]\n",
            &format!("[graph]\nendpoint = \"{}\"\n", server.url()),
        ),
    )
    .unwrap();
    let out = shop.ggen().args(["project", "gen"]).output().unwrap();
    fails(
        &out,
        "`[graph] sources` and `[graph] endpoint` exclude each other",
    );
    fails(&out, "ggen.toml:");
    // `[graph] shapes` (SHACL validation needs the data).
    let shop = shop_on(&server, &["shapes = [\"shapes/*.ttl\"]"]);
    let out = shop.ggen().args(["project", "gen"]).output().unwrap();
    fails(&out, "`[graph] shapes` needs the data locally");
    // Template keys that add triples or validate.
    for (key, body) in [
        ("rdf_inline", "rdf_inline:\n  - \"shop:X a owl:Class .\"\n"),
        ("rdf", "rdf:\n  - extra.ttl\n"),
        (
            "construct",
            "construct:\n  c: \"CONSTRUCT { ?c a shop:Thing } WHERE { ?c a owl:Class }\"\n",
        ),
        ("shape", "shape:\n  - extra.ttl\n"),
    ] {
        let shop = shop_on(&server, &[]);
        let t = shop.path().join("templates/extra.txt.tmpl");
        std::fs::write(shop.path().join("templates/extra.ttl"), "").unwrap();
        std::fs::write(&t, format!("---\nto: extra.txt\n{body}---\nx\n")).unwrap();
        let out = shop.ggen().args(["project", "gen"]).output().unwrap();
        fails(
            &out,
            &format!(
                "templates/extra.txt.tmpl:3: `{key}:` is not supported with a remote endpoint"
            ),
        );
        assert!(!shop.generated().exists());
    }
    // Commands that need the graph locally say why.
    let shop = shop_on(&server, &[]);
    let out = shop
        .ggen()
        .args(["graph", "query", "ASK {}"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "graph query uses the endpoint: {}",
        stderr(&out)
    );
}
