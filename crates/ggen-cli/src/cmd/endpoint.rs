//! `ggen graph query --endpoint URL`: queries on a remote SPARQL 1.1 endpoint, and the
//! project's `[graph] endpoint` when `graph query` runs inside such a project.

use std::time::Duration;

use ggen_graph::{
    EndpointAuth, EndpointConfig, Prefixes, QueryOptions, QueryOutput, QuerySource, RemoteEndpoint,
    RequestMethod,
};

use crate::cmd::Ctx;
use crate::output::CmdError;

/// Remote-endpoint options of `ggen graph query` (flattened into its arguments).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EndpointArgs {
    /// Run the query on this SPARQL 1.1 endpoint (http:// or https://) instead of a local graph.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "graph",
        help_heading = "Remote endpoint"
    )]
    pub endpoint: Option<String>,
    /// Environment variable holding a bearer token for the endpoint.
    #[arg(
        long,
        value_name = "VAR",
        requires = "endpoint",
        conflicts_with = "basic_env",
        help_heading = "Remote endpoint"
    )]
    pub bearer_env: Option<String>,
    /// Environment variable holding `user:password` for basic authentication.
    #[arg(
        long,
        value_name = "VAR",
        requires = "endpoint",
        help_heading = "Remote endpoint"
    )]
    pub basic_env: Option<String>,
    /// A `default-graph-uri` for the query (repeatable).
    #[arg(
        long,
        value_name = "IRI",
        requires = "endpoint",
        help_heading = "Remote endpoint"
    )]
    pub default_graph: Vec<String>,
    /// How the query is sent: post (application/sparql-query, default), form (urlencoded POST; Virtuoso needs it) or get.
    #[arg(
        long,
        value_name = "METHOD",
        requires = "endpoint",
        help_heading = "Remote endpoint"
    )]
    pub method: Option<String>,
    /// Overall time limit of the request, in seconds (default 60).
    #[arg(
        long,
        value_name = "SECS",
        requires = "endpoint",
        help_heading = "Remote endpoint"
    )]
    pub endpoint_timeout: Option<u64>,
    /// Connect time limit, in seconds (default 10).
    #[arg(
        long,
        value_name = "SECS",
        requires = "endpoint",
        help_heading = "Remote endpoint"
    )]
    pub connect_timeout: Option<u64>,
}

/// A remote endpoint to query, with the prefixes and base its queries are parsed with.
#[derive(Debug)]
pub struct RemoteSource {
    /// The connection.
    pub endpoint: RemoteEndpoint,
    /// Prefixes (the project's, when the endpoint comes from `ggen.toml`).
    pub prefixes: Prefixes,
    /// Base IRI (the project's).
    pub base: Option<String>,
}

fn secs(v: u64, flag: &str) -> Result<Duration, CmdError> {
    if v == 0 {
        return Err(CmdError::new(
            "usage",
            format!("{flag} must be at least 1 (seconds)"),
        ));
    }
    Ok(Duration::from_secs(v))
}

fn config_from_args(args: &EndpointArgs, url: &str) -> Result<EndpointConfig, CmdError> {
    let mut c = EndpointConfig::new(url);
    c.auth = match (&args.bearer_env, &args.basic_env) {
        (Some(v), _) => EndpointAuth::BearerEnv(v.clone()),
        (None, Some(v)) => EndpointAuth::BasicEnv(v.clone()),
        (None, None) => EndpointAuth::None,
    };
    c.default_graphs = args.default_graph.clone();
    if let Some(m) = &args.method {
        c.method = RequestMethod::from_name(m).ok_or_else(|| {
            CmdError::new(
                "usage",
                format!("--method {m}: expected one of {}", RequestMethod::NAMES),
            )
        })?;
    }
    if let Some(t) = args.endpoint_timeout {
        c.timeout = secs(t, "--endpoint-timeout")?;
    }
    if let Some(t) = args.connect_timeout {
        c.connect_timeout = secs(t, "--connect-timeout")?;
    }
    Ok(c)
}

/// Where `graph query` runs when it is not given files: the `--endpoint` URL, else the
/// project's `[graph] endpoint` (when the current directory is in such a project). `Ok(None)`:
/// query the local project graph as before.
pub fn remote_source(ctx: &Ctx, args: &EndpointArgs) -> Result<Option<RemoteSource>, CmdError> {
    if let Some(url) = &args.endpoint {
        let endpoint = RemoteEndpoint::new(config_from_args(args, url)?)?;
        return Ok(Some(RemoteSource {
            endpoint,
            prefixes: Prefixes::new(),
            base: None,
        }));
    }
    let Some(root) = ggen_engine::find_project_root(&ctx.cwd()?) else {
        return Ok(None);
    };
    let manifest = ggen_engine::Manifest::load(
        &root.join(ggen_engine::MANIFEST_FILE),
        std::path::Path::new(ggen_engine::MANIFEST_FILE),
    )?;
    let Some(config) = ggen_engine::endpoint_config(&manifest.graph) else {
        return Ok(None);
    };
    Ok(Some(RemoteSource {
        endpoint: RemoteEndpoint::new(config)?,
        prefixes: manifest
            .graph
            .prefixes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        base: manifest.graph.base.clone(),
    }))
}

impl RemoteSource {
    /// Run `text` on the endpoint with this source's prefixes and base.
    pub fn query(&self, text: &str) -> Result<QueryOutput, CmdError> {
        self.query_limited(text, None)
    }

    /// Like [`RemoteSource::query`], with a time limit (`graph query --timeout`) that lowers
    /// the endpoint's overall timeout for this request.
    pub fn query_limited(
        &self,
        text: &str,
        limit: Option<Duration>,
    ) -> Result<QueryOutput, CmdError> {
        let mut opts = QueryOptions::new()
            .with_prefixes(&self.prefixes)
            .with_base(self.base.as_deref());
        if let Some(l) = limit {
            opts = opts.with_timeout(l);
        }
        Ok(QuerySource::query(&self.endpoint, text, &opts)?)
    }
}
