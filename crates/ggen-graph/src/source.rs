//! One interface for running SPARQL, whether the data is a local [`Graph`] or a remote
//! endpoint ([`RemoteEndpoint`]).

use std::sync::Arc;

use oxigraph::model::Triple;

use crate::endpoint::RemoteEndpoint;
use crate::error::GraphError;
use crate::graph::Graph;
use crate::query::{QueryOptions, QueryOutput, Solutions};

/// Something SPARQL queries run against. Both implementations parse the query with `opts`
/// (prefixes, base, name and position for errors) and return the solutions of a query
/// without ORDER BY sorted the same way, so callers get identical answers from either.
pub trait QuerySource: Send + Sync + std::fmt::Debug {
    /// Run any query.
    fn query(&self, text: &str, opts: &QueryOptions) -> Result<QueryOutput, GraphError>;

    /// Where the data lives, for messages: `local graph` or the endpoint URL.
    fn describe(&self) -> String;

    /// The local graph, when the data is local (features such as SHACL validation or adding
    /// triples need it).
    fn local_graph(&self) -> Option<&Graph> {
        None
    }

    /// The remote endpoint, when the data is remote.
    fn remote_endpoint(&self) -> Option<&RemoteEndpoint> {
        None
    }

    /// A shared handle to the same data (a cheap clone: both implementations share their
    /// state), for holders that need `'static` ownership such as template functions.
    fn shared(&self) -> Arc<dyn QuerySource>;

    /// Run a SELECT query.
    fn select(&self, text: &str, opts: &QueryOptions) -> Result<Solutions, GraphError> {
        match self.query(text, opts)? {
            QueryOutput::Solutions(s) => Ok(s),
            other => Err(crate::query::form_error(&other, "SELECT", opts)),
        }
    }

    /// Run an ASK query.
    fn ask(&self, text: &str, opts: &QueryOptions) -> Result<bool, GraphError> {
        match self.query(text, opts)? {
            QueryOutput::Boolean(b) => Ok(b),
            other => Err(crate::query::form_error(&other, "ASK", opts)),
        }
    }

    /// Run a CONSTRUCT or DESCRIBE query.
    fn construct(&self, text: &str, opts: &QueryOptions) -> Result<Vec<Triple>, GraphError> {
        match self.query(text, opts)? {
            QueryOutput::Graph(t) => Ok(t),
            other => Err(crate::query::form_error(&other, "CONSTRUCT", opts)),
        }
    }
}

impl QuerySource for Graph {
    fn query(&self, text: &str, opts: &QueryOptions) -> Result<QueryOutput, GraphError> {
        Graph::query(self, text, opts)
    }

    fn describe(&self) -> String {
        "local graph".to_owned()
    }

    fn local_graph(&self) -> Option<&Graph> {
        Some(self)
    }

    fn shared(&self) -> Arc<dyn QuerySource> {
        Arc::new(self.clone())
    }
}

impl QuerySource for RemoteEndpoint {
    fn query(&self, text: &str, opts: &QueryOptions) -> Result<QueryOutput, GraphError> {
        RemoteEndpoint::query(self, text, opts)
    }

    fn describe(&self) -> String {
        format!("SPARQL endpoint {}", self.url())
    }

    fn remote_endpoint(&self) -> Option<&RemoteEndpoint> {
        Some(self)
    }

    fn shared(&self) -> Arc<dyn QuerySource> {
        Arc::new(self.clone())
    }
}
