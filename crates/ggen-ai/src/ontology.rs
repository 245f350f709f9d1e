//! `ggen ai generate-ontology`: ask for Turtle, parse and check it, send the concrete problems
//! back for repair, and write only an ontology that passes, with a sidecar record of how it was
//! made.

use std::path::{Path, PathBuf};

use ggen_graph::{Graph, GraphBuilder, GraphError, QueryOptions, RdfSyntax};
use serde::Serialize;
use serde_json::{Value, json};

use crate::config::ProviderKind;
use crate::error::AiError;
use crate::extract;
use crate::message::Message;
use crate::prompts;
use crate::provider::Provider;
use crate::repair::{self, DEFAULT_MAX_ROUNDS, Problem, Round};

/// Options for [`generate_ontology`].
#[derive(Debug, Clone)]
pub struct OntologyOptions {
    /// Rounds (requests) at most, including the first (default 3).
    pub max_rounds: u32,
    /// SHACL shapes files the ontology must conform to.
    pub shapes: Vec<PathBuf>,
    /// The file name used in messages (e.g. `domain.ttl`).
    pub name: String,
}

impl Default for OntologyOptions {
    fn default() -> Self {
        Self {
            max_rounds: DEFAULT_MAX_ROUNDS,
            shapes: Vec::new(),
            name: "ontology.ttl".to_owned(),
        }
    }
}

/// Counts of an accepted ontology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OntologyStats {
    /// Triples.
    pub triples: usize,
    /// Classes (`owl:Class` / `rdfs:Class` IRIs).
    pub classes: usize,
    /// Properties (`owl:ObjectProperty`, `owl:DatatypeProperty`, `rdf:Property`).
    pub properties: usize,
}

/// A shapes file the ontology was checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShapesFile {
    /// The path as given.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// What [`generate_ontology`] did.
#[derive(Debug, Clone)]
pub struct OntologyOutcome {
    /// The provider.
    pub provider: ProviderKind,
    /// The model.
    pub model: String,
    /// SHA-256 of the first request (system and user messages, as JSON).
    pub prompt_sha256: String,
    /// The configured maximum.
    pub max_rounds: u32,
    /// Every round with its problems.
    pub rounds: Vec<Round>,
    /// The accepted Turtle (ends with a newline), when a round passed.
    pub turtle: Option<String>,
    /// Counts of the accepted ontology.
    pub stats: Option<OntologyStats>,
    /// The shapes files used.
    pub shapes: Vec<ShapesFile>,
}

impl OntologyOutcome {
    /// Whether a round passed.
    pub fn passed(&self) -> bool {
        self.turtle.is_some()
    }

    /// The problems of the last round (empty when it passed).
    pub fn last_errors(&self) -> &[Problem] {
        self.rounds.last().map_or(&[], |r| r.errors.as_slice())
    }

    /// The sidecar record (no timestamps, no keys): provider, model, prompt hash, rounds with
    /// their errors, output path and result hash.
    pub fn record(&self, output: &str, result_sha256: &str) -> Value {
        json!({
            "schema_version": 1,
            "command": "generate-ontology",
            "provider": self.provider,
            "model": self.model,
            "prompt_sha256": self.prompt_sha256,
            "max_rounds": self.max_rounds,
            "rounds": self.rounds,
            "shapes": self.shapes,
            "output": output,
            "result_sha256": result_sha256,
        })
    }
}

/// Where [`write_ontology`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenOntology {
    /// The ontology file.
    pub path: PathBuf,
    /// The sidecar record.
    pub sidecar: PathBuf,
    /// SHA-256 of the ontology's bytes.
    pub sha256: String,
}

/// Ask `provider` for an ontology of `description`, check every answer and ask for repairs.
/// Errors are provider failures or unreadable shapes; an ontology that never passes is an
/// outcome with `turtle: None` and the last round's problems.
pub fn generate_ontology(
    provider: &dyn Provider,
    description: &str,
    opts: &OntologyOptions,
) -> Result<OntologyOutcome, AiError> {
    let _span = tracing::info_span!("generate_ontology", provider = %provider.kind(), model = provider.model()).entered();
    if description.trim().is_empty() {
        return Err(AiError::InvalidOption(
            "the domain description is empty".into(),
        ));
    }
    let (shapes, shape_texts, shape_files) = load_shapes(&opts.shapes)?;
    let messages = vec![
        Message::system(prompts::ONTOLOGY_SYSTEM),
        Message::user(prompts::ontology_request(description, &shape_texts)),
    ];
    let prompt_sha256 = ggen_core::hash::sha256_hex(
        serde_json::to_string(&messages)
            .unwrap_or_default()
            .as_bytes(),
    );
    let out = repair::run(
        provider,
        messages,
        opts.max_rounds,
        |reply| {
            let turtle = extract::turtle(reply).ok_or_else(|| {
                vec![Problem::new(
                    "no-turtle",
                    "the reply contains no Turtle; reply with one ```turtle block",
                )]
            })?;
            let stats = check_ontology(&turtle, &opts.name, shapes.as_ref())?;
            Ok((turtle, stats))
        },
        |problems| prompts::ontology_repair(&repair::bullet_list(problems)),
    )?;
    let (turtle, stats) = match out.value {
        Some((t, s)) => (Some(t), Some(s)),
        None => (None, None),
    };
    Ok(OntologyOutcome {
        provider: provider.kind(),
        model: provider.model().to_owned(),
        prompt_sha256,
        max_rounds: opts.max_rounds,
        rounds: out.rounds,
        turtle,
        stats,
        shapes: shape_files,
    })
}

type LoadedShapes = (
    Option<ggen_shacl::Shapes>,
    Vec<(String, String)>,
    Vec<ShapesFile>,
);

fn load_shapes(paths: &[PathBuf]) -> Result<LoadedShapes, AiError> {
    if paths.is_empty() {
        return Ok((None, Vec::new(), Vec::new()));
    }
    let mut b = GraphBuilder::new();
    let mut texts = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        let bytes = std::fs::read(p).map_err(|e| AiError::io(p, e))?;
        let shown = ggen_core::fs::slash_path(p);
        files.push(ShapesFile {
            path: shown.clone(),
            sha256: ggen_core::hash::sha256_hex(&bytes),
        });
        b.add_file(p, None)?;
        let text = String::from_utf8_lossy(&bytes);
        let text = if text.len() > 16 * 1024 {
            format!(
                "{}\n# … (truncated)\n",
                crate::provider::http::excerpt(&text, 16 * 1024)
            )
        } else {
            text.into_owned()
        };
        texts.push((shown, text));
    }
    let shapes = ggen_shacl::Shapes::from_graph(&b.build()?)?;
    Ok((Some(shapes), texts, files))
}

/// Check an ontology: it parses as Turtle (undefined prefixes are named), defines at least one
/// class, every class has an `rdfs:label`, every property has an `rdfs:domain` and an
/// `rdfs:range`, and it conforms to `shapes` when given. `name` is used in messages.
pub fn check_ontology(
    turtle: &str,
    name: &str,
    shapes: Option<&ggen_shacl::Shapes>,
) -> Result<OntologyStats, Vec<Problem>> {
    let mut b = GraphBuilder::new();
    if let Err(e) = b.add_text(name, turtle, RdfSyntax::Turtle) {
        return Err(vec![parse_problem(&e)]);
    }
    let graph = b
        .build()
        .map_err(|e| vec![Problem::new("rdf", e.to_string())])?;
    let mut problems = Vec::new();
    let q = |text: &str| -> Vec<String> {
        graph
            .select(text, &QueryOptions::new())
            .map(|s| {
                s.rows
                    .iter()
                    .filter_map(|r| r.first().cloned().flatten())
                    .map(|t| match t {
                        ggen_graph::model::Term::NamedNode(n) => n.into_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let classes = q(
        "SELECT DISTINCT ?c WHERE { { ?c a owl:Class } UNION { ?c a rdfs:Class } FILTER(isIRI(?c)) } ORDER BY ?c",
    );
    const PROPS: &str = "{ ?p a owl:ObjectProperty } UNION { ?p a owl:DatatypeProperty } UNION { ?p a rdf:Property } FILTER(isIRI(?p))";
    let properties = q(&format!(
        "SELECT DISTINCT ?p WHERE {{ {PROPS} }} ORDER BY ?p"
    ));
    if classes.is_empty() {
        problems.push(Problem::new(
            "no-classes",
            "the ontology defines no classes (declare them with `a owl:Class`)",
        ));
    }
    let shown = |iri: &str| show_iri(&graph, iri);
    for c in q(
        "SELECT DISTINCT ?c WHERE { { ?c a owl:Class } UNION { ?c a rdfs:Class } FILTER(isIRI(?c)) FILTER NOT EXISTS { ?c rdfs:label ?l } } ORDER BY ?c",
    ) {
        let s = shown(&c);
        problems.push(
            Problem::new(
                "class-without-label",
                format!("class {s} has no rdfs:label"),
            )
            .at(line_of(turtle, &c, &s), None),
        );
    }
    for (what, code) in [
        ("rdfs:domain", "property-without-domain"),
        ("rdfs:range", "property-without-range"),
    ] {
        for p in q(&format!(
            "SELECT DISTINCT ?p WHERE {{ {PROPS} FILTER NOT EXISTS {{ ?p {what} ?x }} }} ORDER BY ?p"
        )) {
            let s = shown(&p);
            problems.push(
                Problem::new(code, format!("property {s} has no {what}"))
                    .at(line_of(turtle, &p, &s), None),
            );
        }
    }
    if let Some(shapes) = shapes {
        match ggen_shacl::validate(&graph, shapes) {
            Ok(report) => {
                for r in report.results() {
                    if r.severity != ggen_shacl::Severity::Violation {
                        continue;
                    }
                    let focus = match &r.focus_node {
                        ggen_graph::model::Term::NamedNode(n) => shown(n.as_str()),
                        other => other.to_string(),
                    };
                    let path = r
                        .result_path
                        .as_ref()
                        .map(|p| format!(" {}", p.to_sparql(report.prefixes())))
                        .unwrap_or_default();
                    let msg = r
                        .messages
                        .iter()
                        .map(|l| l.value().to_owned())
                        .collect::<Vec<_>>()
                        .join("; ");
                    problems.push(
                        Problem::new(
                            "shacl-violation",
                            format!(
                                "SHACL: {focus}{path}: {msg} ({})",
                                r.source_constraint_component
                            ),
                        )
                        .at(
                            match &r.focus_node {
                                ggen_graph::model::Term::NamedNode(n) => {
                                    line_of(turtle, n.as_str(), &focus)
                                }
                                _ => None,
                            },
                            None,
                        ),
                    );
                }
            }
            Err(e) => problems.push(Problem::new("shacl", e.to_string())),
        }
    }
    if problems.is_empty() {
        Ok(OntologyStats {
            triples: graph.len(),
            classes: classes.len(),
            properties: properties.len(),
        })
    } else {
        Err(problems)
    }
}

/// A parse error as a problem, naming an undefined prefix.
fn parse_problem(e: &GraphError) -> Problem {
    let loc = ggen_core::Diagnostic::location(e);
    let (line, column) = (loc.and_then(|l| l.line), loc.and_then(|l| l.column));
    let message = match e {
        GraphError::Syntax { message, .. } => message.clone(),
        other => other.to_string(),
    };
    if let Some(rest) = message.strip_prefix("The prefix ")
        && let Some(prefix) = rest.strip_suffix(" has not been declared")
    {
        let p = prefix.trim_end_matches(':');
        return Problem::new(
            "undefined-prefix",
            format!("prefix `{p}:` is used but not declared; add `@prefix {p}: <…> .`"),
        )
        .at(line, column);
    }
    Problem::new("turtle-syntax", format!("invalid Turtle: {message}")).at(line, column)
}

/// An IRI as a CURIE when a prefix of the graph fits, else `<iri>`.
fn show_iri(graph: &Graph, iri: &str) -> String {
    graph
        .prefixes()
        .shorten(iri)
        .unwrap_or_else(|| format!("<{iri}>"))
}

/// The 1-based line where `iri` (as `<iri>` or as `curie`) first appears as a whole token.
fn line_of(text: &str, iri: &str, curie: &str) -> Option<u64> {
    let full = format!("<{iri}>");
    for (i, line) in text.lines().enumerate() {
        let code = line.split(" #").next().unwrap_or(line);
        let hit = code.contains(&full)
            || code.match_indices(curie).any(|(at, _)| {
                let before = code.get(..at).and_then(|b| b.chars().last());
                let after = code.get(at + curie.len()..).and_then(|a| a.chars().next());
                before.is_none_or(|c| c.is_whitespace() || c == '(' || c == ',')
                    && after.is_none_or(|c| c.is_whitespace() || matches!(c, ';' | ',' | '.' | ')'))
            });
        if hit {
            return u64::try_from(i + 1).ok();
        }
    }
    None
}

/// Write an accepted ontology to `out` and its record to `<ai_dir>/<stem of out>.json`, each
/// atomically. `shown_out` is the output path as recorded in the sidecar.
pub fn write_ontology(
    outcome: &OntologyOutcome,
    out: &Path,
    shown_out: &str,
    ai_dir: &Path,
) -> Result<WrittenOntology, AiError> {
    let Some(turtle) = &outcome.turtle else {
        return Err(AiError::InvalidOption(
            "no ontology passed the checks; nothing to write".into(),
        ));
    };
    let mut bytes = turtle.clone().into_bytes();
    if !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    let sha256 = ggen_core::hash::sha256_hex(&bytes);
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "ontology".to_owned());
    let sidecar = ai_dir.join(format!("{stem}.json"));
    let mut record =
        serde_json::to_string_pretty(&outcome.record(shown_out, &sha256)).unwrap_or_default();
    record.push('\n');
    ggen_core::fs::write_atomic(out, &bytes).map_err(|e| AiError::io(out, e))?;
    ggen_core::fs::write_atomic(&sidecar, record.as_bytes())
        .map_err(|e| AiError::io(&sidecar, e))?;
    Ok(WrittenOntology {
        path: out.to_path_buf(),
        sidecar,
        sha256,
    })
}
