//! What can go wrong when talking to a remote SPARQL endpoint.

use ggen_core::Diagnostic;

/// Errors from a remote SPARQL 1.1 endpoint. The URL in every message has its user-info
/// (`user:password@`) removed; secrets from environment variables never appear.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The endpoint URL is not a usable `http://` or `https://` URL.
    #[error("invalid SPARQL endpoint URL `{url}`: {message}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why.
        message: String,
    },
    /// An option of the endpoint configuration is invalid.
    #[error("invalid SPARQL endpoint setting: {message}")]
    InvalidConfig {
        /// Why.
        message: String,
    },
    /// The environment variable that should hold the credentials is not set.
    #[error("the SPARQL endpoint credentials are read from ${var}, which is not set")]
    MissingCredentials {
        /// The variable's name.
        var: String,
        /// `bearer` or `basic`.
        kind: &'static str,
    },
    /// The server could not be reached (connection refused, unknown host, network down).
    #[error("cannot reach the SPARQL endpoint {url}: {message}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// The underlying error.
        message: String,
    },
    /// No complete answer within the configured time.
    #[error("the SPARQL endpoint {url} did not answer within {seconds} s ({phase})")]
    Timeout {
        /// The endpoint.
        url: String,
        /// The limit that was hit, in seconds.
        seconds: f64,
        /// Which limit: `connect` or `overall`.
        phase: &'static str,
        /// Whether the query was a direct POST (`application/sparql-query`), which some
        /// servers never answer.
        direct_post: bool,
    },
    /// 401 or 403.
    #[error("the SPARQL endpoint {url} refused the request ({status}){}", match var {
        Some(v) => format!("; check the credentials in ${v}"),
        None => "; it needs credentials (endpoint_auth = { bearer_env = \"…\" } or { basic_env = \"…\" })".to_owned(),
    })]
    Unauthorized {
        /// The endpoint.
        url: String,
        /// `401 Unauthorized` or `403 Forbidden`.
        status: String,
        /// The variable the credentials came from, when any were sent.
        var: Option<String>,
    },
    /// 404.
    #[error("no SPARQL endpoint at {url} (404 Not Found); check the path (often /sparql)")]
    NotFound {
        /// The endpoint.
        url: String,
    },
    /// Another 4xx status, e.g. 400 when the server rejects the query.
    #[error(
        "the SPARQL endpoint {url} rejected the query ({status}){}",
        server_message(message)
    )]
    Rejected {
        /// The endpoint.
        url: String,
        /// Status line, e.g. `400 Bad Request`.
        status: String,
        /// The server's message, trimmed.
        message: String,
    },
    /// A 5xx status, after the configured retries.
    #[error("the SPARQL endpoint {url} failed ({status}){}{}", if *attempts > 1 { format!(" after {attempts} attempts") } else { String::new() }, server_message(message))]
    Server {
        /// The endpoint.
        url: String,
        /// Status line, e.g. `500 Internal Server Error`.
        status: String,
        /// The server's message, trimmed.
        message: String,
        /// How many requests were made.
        attempts: u32,
    },
    /// A successful response that is not in a results format for this query form.
    #[error(
        "the endpoint {url} answered with {content_type}, not {expected} — is the URL the SPARQL endpoint?"
    )]
    NotResults {
        /// The endpoint.
        url: String,
        /// The response's media type (or `no Content-Type`).
        content_type: String,
        /// What was expected (`SPARQL results` or `RDF`).
        expected: &'static str,
    },
    /// A response in a results format that does not parse.
    #[error("the endpoint {url} sent malformed {format}: {message}")]
    Malformed {
        /// The endpoint.
        url: String,
        /// The format that was being parsed.
        format: String,
        /// The parser's message.
        message: String,
    },
    /// The server said its answer is incomplete (a row cap or a partial-results timeout).
    #[error("the SPARQL endpoint {url} sent incomplete results: {message}")]
    Incomplete {
        /// The endpoint.
        url: String,
        /// What the server reported.
        message: String,
    },
    /// Any other transport failure (TLS, protocol, redirects).
    #[error("HTTP request to the SPARQL endpoint {url} failed: {message}")]
    Http {
        /// The endpoint.
        url: String,
        /// The underlying error.
        message: String,
    },
}

fn server_message(m: &str) -> String {
    if m.is_empty() {
        String::new()
    } else {
        format!(": {m}")
    }
}

impl Diagnostic for EndpointError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl { .. } => "endpoint-url",
            Self::InvalidConfig { .. } => "endpoint-config",
            Self::MissingCredentials { .. } => "endpoint-credentials-missing",
            Self::Unreachable { .. } => "endpoint-unreachable",
            Self::Timeout { .. } => "endpoint-timeout",
            Self::Unauthorized { .. } => "endpoint-unauthorized",
            Self::NotFound { .. } => "endpoint-not-found",
            Self::Rejected { .. } => "endpoint-rejected",
            Self::Server { .. } => "endpoint-server-error",
            Self::NotResults { .. } => "endpoint-not-sparql",
            Self::Malformed { .. } => "endpoint-malformed-results",
            Self::Incomplete { .. } => "endpoint-incomplete-results",
            Self::Http { .. } => "endpoint-http",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            Self::MissingCredentials { var, kind } => Some(match *kind {
                "basic" => format!("export {var}=user:password"),
                _ => format!("export {var}=<token>"),
            }),
            Self::Unreachable { .. } => {
                Some("is the server running, and are the host and port right?".into())
            }
            Self::Timeout {
                phase, direct_post, ..
            } => Some(if *phase == "connect" {
                "raise the connect timeout (ggen.toml [graph] endpoint_connect_timeout, or --connect-timeout) or check the network".into()
            } else if *direct_post {
                "raise the timeout (ggen.toml [graph] endpoint_timeout, or --endpoint-timeout) or make the query cheaper; some servers (Virtuoso 7) never answer direct POST queries: try endpoint_method = \"form\" (--method form)".into()
            } else {
                "raise the timeout (ggen.toml [graph] endpoint_timeout, or --endpoint-timeout) or make the query cheaper".into()
            }),
            Self::NotResults { .. } => Some(
                "SPARQL endpoints usually live at a path like /sparql or /query; the URL must accept SPARQL 1.1 Protocol requests".into(),
            ),
            Self::Incomplete { .. } => Some(
                "raise the server's limits (Virtuoso: [SPARQL] ResultSetMaxRows and MaxQueryExecutionTime in virtuoso.ini) or ask for less (LIMIT/OFFSET)".into(),
            ),
            _ => None,
        }
    }
}

/// Remove `user:password@` from a URL for messages and records.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => format!(
            "{scheme}://{}{tail}",
            authority.get(at + 1..).unwrap_or_default()
        ),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction() {
        assert_eq!(
            redact_url("https://u:secret@h.org:8890/sparql?x=1"),
            "https://h.org:8890/sparql?x=1"
        );
        assert_eq!(redact_url("http://h/sparql"), "http://h/sparql");
        assert_eq!(
            redact_url("http://h/sparql?email=a@b"),
            "http://h/sparql?email=a@b"
        );
        assert_eq!(redact_url("nonsense"), "nonsense");
    }

    #[test]
    fn messages() {
        let e = EndpointError::Unauthorized {
            url: "http://h/sparql".into(),
            status: "401 Unauthorized".into(),
            var: Some("TOKEN".into()),
        };
        assert_eq!(
            e.to_string(),
            "the SPARQL endpoint http://h/sparql refused the request (401 Unauthorized); check the credentials in $TOKEN"
        );
        assert_eq!(e.code(), "endpoint-unauthorized");
        let e = EndpointError::NotResults {
            url: "http://h/".into(),
            content_type: "text/html".into(),
            expected: "SPARQL results",
        };
        assert_eq!(
            e.to_string(),
            "the endpoint http://h/ answered with text/html, not SPARQL results — is the URL the SPARQL endpoint?"
        );
    }
}
