//! The receipt `.ggen/receipt.json` (TEMPLATE_FORMAT.md §8): which inputs produced which outputs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::inputs::FileHash;

/// Current receipt schema.
pub const RECEIPT_SCHEMA: u32 = 1;

/// The graph part of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReceiptGraph {
    /// Project RDF sources.
    pub sources: Vec<FileHash>,
    /// SHA-256 of the RDFC-1.0 canonical N-Quads of the project graph; `null` when the data
    /// came from a remote endpoint (ggen never saw the whole dataset).
    pub canonical_sha256: Option<String>,
    /// Number of distinct quads; `null` with a remote endpoint.
    pub triples: Option<usize>,
    /// The remote endpoint the queries ran on (`[graph] endpoint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<ReceiptEndpoint>,
}

/// What a run against a remote SPARQL endpoint saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReceiptEndpoint {
    /// The endpoint URL (without user-info).
    pub url: String,
    /// `default-graph-uri` parameters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_graphs: Vec<String>,
    /// Distinct queries answered.
    pub queries: usize,
    /// SHA-256 over every distinct query text sent and its answer (see
    /// `ggen_graph::RemoteEndpoint::results_digest`); null when no query ran.
    pub results_sha256: Option<String>,
}

/// A pack used by the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct ReceiptPack {
    /// Pack id.
    pub id: String,
    /// Exact version.
    pub version: String,
    /// `sha256:<hex>` of its archive.
    pub checksum: String,
}

/// An environment variable read by a template through `env()`. Its value is recorded as a hash
/// (never in clear: it may be a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct ReceiptEnv {
    /// Variable name.
    pub name: String,
    /// SHA-256 of its value, or null when it was unset.
    pub sha256: Option<String>,
}

/// How an output was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum OutputMode {
    /// The whole file is generated (hand edits are protected).
    Write,
    /// Text is injected into a file the user owns.
    Inject,
}

/// One output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct ReceiptOutput {
    /// Path relative to the project root.
    pub path: String,
    /// SHA-256 of the content ggen generated for it: what it wrote, or — after a merge with
    /// your edits — the generated side of the merge (the base of the next merge, kept in the
    /// baseline store under this name).
    pub sha256: String,
    /// The template(s) that produced it.
    pub template: String,
    /// `write` or `inject`.
    pub mode: OutputMode,
    /// ggen wrote conflict markers into the file: the next run refuses to start while they
    /// remain (absent when false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
}

/// The receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Receipt {
    /// Receipt schema version.
    pub schema: u32,
    /// ggen version that wrote it.
    pub ggen: String,
    /// `ggen.toml` (absent for runs without a manifest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<FileHash>,
    /// The project graph.
    pub graph: ReceiptGraph,
    /// Template files, partials included.
    pub templates: Vec<FileHash>,
    /// Other files templates read (`rdf:`, `shape:`, `from:`).
    #[serde(default)]
    pub inputs: Vec<FileHash>,
    /// Packs.
    #[serde(default)]
    pub packs: Vec<ReceiptPack>,
    /// Variables (ggen.toml [vars] and --var).
    #[serde(default)]
    pub vars: BTreeMap<String, serde_json::Value>,
    /// Environment variables read by templates.
    #[serde(default)]
    pub env: Vec<ReceiptEnv>,
    /// Outputs, sorted by path.
    pub outputs: Vec<ReceiptOutput>,
    /// Written by a run limited with `--only`, or by a run that left a conflict in a file ggen
    /// never wrote (no record for it): it does not vouch for every output, so the next run
    /// regenerates everything instead of trusting it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

impl Receipt {
    /// Read a receipt; `Ok(None)` when the file does not exist.
    pub fn load(path: &Path) -> Result<Option<Receipt>, EngineError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(EngineError::io(path, e)),
        };
        let r: Receipt = serde_json::from_slice(&bytes).map_err(|e| EngineError::Receipt {
            path: path.to_path_buf(),
            message: format!("line {} column {}: {e}", e.line(), e.column()),
        })?;
        if r.schema != RECEIPT_SCHEMA {
            return Err(EngineError::Receipt {
                path: path.to_path_buf(),
                message: format!(
                    "schema {} is not supported (this ggen reads schema {RECEIPT_SCHEMA})",
                    r.schema
                ),
            });
        }
        Ok(Some(r))
    }

    /// Deterministic JSON (fields in declaration order, maps sorted, two-space indent, final newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The recorded hash of an output path.
    pub fn output(&self, path: &str) -> Option<&ReceiptOutput> {
        self.outputs
            .binary_search_by(|o| o.path.as_str().cmp(path))
            .ok()
            .and_then(|i| self.outputs.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_lookup() {
        let r = Receipt {
            schema: RECEIPT_SCHEMA,
            ggen: "0.1.0".into(),
            outputs: vec![
                ReceiptOutput {
                    path: "a".into(),
                    sha256: "1".into(),
                    template: "t".into(),
                    mode: OutputMode::Write,
                    conflict: false,
                },
                ReceiptOutput {
                    path: "b".into(),
                    sha256: "2".into(),
                    template: "t".into(),
                    mode: OutputMode::Inject,
                    conflict: true,
                },
            ],
            ..Receipt::default()
        };
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("r.json");
        std::fs::write(&p, r.to_json()).unwrap();
        let back = Receipt::load(&p).unwrap().unwrap();
        assert_eq!(back, r);
        assert_eq!(back.output("b").unwrap().sha256, "2");
        assert!(back.output("c").is_none());
        assert!(r.to_json().contains("\"mode\": \"inject\""));
        // `conflict` is written only when true.
        assert_eq!(r.to_json().matches("\"conflict\"").count(), 1);
    }

    #[test]
    fn receipts_without_conflict_fields_still_load() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("r.json");
        std::fs::write(
            &p,
            r#"{"schema":1,"ggen":"0.1.0","graph":{"sources":[],"canonical_sha256":"x","triples":0},
               "templates":[],"outputs":[{"path":"a","sha256":"1","template":"t","mode":"write"}]}"#,
        )
        .unwrap();
        let r = Receipt::load(&p).unwrap().unwrap();
        assert!(!r.outputs[0].conflict);
    }

    #[test]
    fn bad_receipts() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("r.json");
        assert!(Receipt::load(&p).unwrap().is_none());
        std::fs::write(&p, "{ nope").unwrap();
        let e = Receipt::load(&p).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
