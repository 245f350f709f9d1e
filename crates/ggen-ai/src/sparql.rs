//! `ggen ai sparql`: a query drafted from the graph's actual vocabulary, checked by parsing and
//! running it, and repaired with the error when it fails.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ggen_graph::model::Term;
use ggen_graph::{Graph, Prefixes, QueryOptions, QueryOutput, parse_query};
use serde::Serialize;

use crate::config::ProviderKind;
use crate::error::AiError;
use crate::extract;
use crate::message::Message;
use crate::prompts;
use crate::provider::Provider;
use crate::repair::{self, DEFAULT_MAX_ROUNDS, Problem, Round};

/// Characters of vocabulary summary sent by default.
pub const DEFAULT_VOCABULARY_BUDGET: usize = 12_000;

/// A class of the graph: declared (`owl:Class`/`rdfs:Class`) or used as a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VocabClass {
    /// The IRI.
    pub iri: String,
    /// `rdfs:label`, if any.
    pub label: Option<String>,
    /// `rdfs:comment`, if any.
    pub comment: Option<String>,
    /// Number of instances in the graph.
    pub instances: u64,
}

/// A property of the graph: declared or used as a predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VocabProperty {
    /// The IRI.
    pub iri: String,
    /// `object`, `datatype`, `property` (rdf:Property) or `used` (only seen in data).
    pub kind: String,
    /// `rdfs:label`, if any.
    pub label: Option<String>,
    /// `rdfs:domain`, if any.
    pub domain: Option<String>,
    /// `rdfs:range`, if any.
    pub range: Option<String>,
    /// Number of triples using it.
    pub uses: u64,
}

/// The vocabulary of a graph, for grounding prompts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Vocabulary {
    /// Prefixes (prefix, IRI), sorted.
    pub prefixes: Vec<(String, String)>,
    /// Classes, most used first.
    pub classes: Vec<VocabClass>,
    /// Properties, most used first.
    pub properties: Vec<VocabProperty>,
}

const META: &str = "FILTER(!STRSTARTS(STR(?x), \"http://www.w3.org/1999/02/22-rdf-syntax-ns#\") && !STRSTARTS(STR(?x), \"http://www.w3.org/2000/01/rdf-schema#\") && !STRSTARTS(STR(?x), \"http://www.w3.org/2002/07/owl#\") && !STRSTARTS(STR(?x), \"http://www.w3.org/ns/shacl#\"))";

impl Vocabulary {
    /// Read the classes and properties of `graph`, with labels, comments, domains, ranges and
    /// usage counts. `prefixes` shorten IRIs (the graph's own prefixes are added).
    pub fn of(graph: &Graph, prefixes: &Prefixes) -> Result<Self, AiError> {
        let mut pre = Prefixes::well_known();
        pre.extend_from(graph.prefixes());
        pre.extend_from(prefixes);
        let opts = QueryOptions::new().with_prefixes(&pre);
        let short = |t: &Term| match t {
            Term::NamedNode(n) => pre
                .shorten(n.as_str())
                .unwrap_or_else(|| format!("<{}>", n.as_str())),
            Term::Literal(l) => l.value().to_owned(),
            other => other.to_string(),
        };
        let rows = |q: &str| -> Result<Vec<Vec<Option<Term>>>, AiError> {
            Ok(graph.select(q, &opts)?.rows)
        };
        let text = |c: Option<&Option<Term>>| c.cloned().flatten().map(|t| short(&t));
        let count = |c: Option<&Option<Term>>| match c.cloned().flatten() {
            Some(Term::Literal(l)) => l.value().parse::<u64>().unwrap_or(0),
            _ => 0,
        };

        let mut classes: BTreeMap<String, VocabClass> = BTreeMap::new();
        let declared = rows(&format!(
            "SELECT ?x (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment) WHERE {{ {{ ?x a owl:Class }} UNION {{ ?x a rdfs:Class }} FILTER(isIRI(?x)) {META} OPTIONAL {{ ?x rdfs:label ?l }} OPTIONAL {{ ?x rdfs:comment ?c }} }} GROUP BY ?x"
        ))?;
        for r in &declared {
            if let Some(Some(t)) = r.first() {
                let iri = short(t);
                classes.insert(
                    iri.clone(),
                    VocabClass {
                        iri,
                        label: text(r.get(1)),
                        comment: text(r.get(2)),
                        instances: 0,
                    },
                );
            }
        }
        let used = rows(&format!(
            "SELECT ?x (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?x FILTER(isIRI(?x)) {META} }} GROUP BY ?x"
        ))?;
        for r in &used {
            if let Some(Some(t)) = r.first() {
                let iri = short(t);
                classes
                    .entry(iri.clone())
                    .or_insert_with(|| VocabClass {
                        iri,
                        label: None,
                        comment: None,
                        instances: 0,
                    })
                    .instances = count(r.get(1));
            }
        }

        let mut props: BTreeMap<String, VocabProperty> = BTreeMap::new();
        let declared = rows(&format!(
            "SELECT ?x (SAMPLE(?k) AS ?kind) (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?domain) (SAMPLE(?r) AS ?range) WHERE {{ ?x a ?k . VALUES ?k {{ owl:ObjectProperty owl:DatatypeProperty rdf:Property }} FILTER(isIRI(?x)) {META} OPTIONAL {{ ?x rdfs:label ?l }} OPTIONAL {{ ?x rdfs:domain ?d }} OPTIONAL {{ ?x rdfs:range ?r }} }} GROUP BY ?x"
        ))?;
        for r in &declared {
            if let Some(Some(t)) = r.first() {
                let iri = short(t);
                let kind = match r.get(1).cloned().flatten() {
                    Some(Term::NamedNode(n)) if n.as_str().ends_with("#ObjectProperty") => "object",
                    Some(Term::NamedNode(n)) if n.as_str().ends_with("#DatatypeProperty") => {
                        "datatype"
                    }
                    _ => "property",
                };
                props.insert(
                    iri.clone(),
                    VocabProperty {
                        iri,
                        kind: kind.to_owned(),
                        label: text(r.get(2)),
                        domain: text(r.get(3)),
                        range: text(r.get(4)),
                        uses: 0,
                    },
                );
            }
        }
        let used = rows(&format!(
            "SELECT ?x (COUNT(*) AS ?n) WHERE {{ ?s ?x ?o {META} }} GROUP BY ?x"
        ))?;
        for r in &used {
            if let Some(Some(t)) = r.first() {
                let iri = short(t);
                props
                    .entry(iri.clone())
                    .or_insert_with(|| VocabProperty {
                        iri,
                        kind: "used".to_owned(),
                        label: None,
                        domain: None,
                        range: None,
                        uses: 0,
                    })
                    .uses = count(r.get(1));
            }
        }

        let mut classes: Vec<VocabClass> = classes.into_values().collect();
        classes.sort_by(|a, b| b.instances.cmp(&a.instances).then(a.iri.cmp(&b.iri)));
        let mut properties: Vec<VocabProperty> = props.into_values().collect();
        properties.sort_by(|a, b| b.uses.cmp(&a.uses).then(a.iri.cmp(&b.iri)));
        let used_prefix = |p: &str| {
            let pp = format!("{p}:");
            classes.iter().any(|c| c.iri.starts_with(&pp))
                || properties.iter().any(|q| {
                    q.iri.starts_with(&pp) || q.range.as_deref().is_some_and(|r| r.starts_with(&pp))
                })
        };
        let prefixes = pre
            .iter()
            .filter(|(p, _)| used_prefix(p))
            .map(|(p, i)| (p.to_owned(), i.to_owned()))
            .collect();
        Ok(Self {
            prefixes,
            classes,
            properties,
        })
    }

    /// The summary for a prompt, at most about `budget` characters: prefixes, then classes and
    /// properties (most used first); what does not fit is counted, not shown.
    pub fn to_prompt(&self, budget: usize) -> String {
        let mut out = String::from("Prefixes:\n");
        for (p, iri) in &self.prefixes {
            let _ = writeln!(out, "PREFIX {p}: <{iri}>");
        }
        let half = out.len() + budget.saturating_sub(out.len()) / 2;
        let _ = writeln!(out, "\nClasses ({}):", self.classes.len());
        let mut shown = 0;
        for c in &self.classes {
            let mut line = format!("- {}", c.iri);
            if let Some(l) = &c.label {
                let _ = write!(line, " \"{}\"", one_line(l, 80));
            }
            if let Some(cm) = &c.comment {
                let _ = write!(line, " — {}", one_line(cm, 160));
            }
            if c.instances > 0 {
                let _ = write!(line, " ({} instances)", c.instances);
            }
            if out.len() + line.len() + 1 > half {
                break;
            }
            out.push_str(&line);
            out.push('\n');
            shown += 1;
        }
        if shown < self.classes.len() {
            let _ = writeln!(
                out,
                "- … and {} more classes not shown",
                self.classes.len() - shown
            );
        }
        let _ = writeln!(out, "\nProperties ({}):", self.properties.len());
        let mut shown = 0;
        for p in &self.properties {
            let mut line = format!("- {} ({})", p.iri, p.kind);
            if let Some(l) = &p.label {
                let _ = write!(line, " \"{}\"", one_line(l, 80));
            }
            if p.domain.is_some() || p.range.is_some() {
                let _ = write!(
                    line,
                    ": {} → {}",
                    p.domain.as_deref().unwrap_or("?"),
                    p.range.as_deref().unwrap_or("?")
                );
            }
            if p.uses > 0 {
                let _ = write!(line, " ({} uses)", p.uses);
            }
            if out.len() + line.len() + 1 > budget {
                break;
            }
            out.push_str(&line);
            out.push('\n');
            shown += 1;
        }
        if shown < self.properties.len() {
            let _ = writeln!(
                out,
                "- … and {} more properties not shown",
                self.properties.len() - shown
            );
        }
        out
    }
}

fn one_line(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::provider::http::excerpt(&flat, max)
}

/// Options for [`sparql`].
#[derive(Debug, Clone)]
pub struct SparqlOptions {
    /// Rounds (requests) at most, including the first (default 3).
    pub max_rounds: u32,
    /// Prefixes predeclared for the query (the graph's own are added).
    pub prefixes: Prefixes,
    /// Base IRI for the query.
    pub base: Option<String>,
    /// Characters of vocabulary summary in the prompt.
    pub budget: usize,
}

impl Default for SparqlOptions {
    fn default() -> Self {
        Self {
            max_rounds: DEFAULT_MAX_ROUNDS,
            prefixes: Prefixes::new(),
            base: None,
            budget: DEFAULT_VOCABULARY_BUDGET,
        }
    }
}

/// What [`sparql`] did.
#[derive(Debug, Clone)]
pub struct SparqlOutcome {
    /// The provider.
    pub provider: ProviderKind,
    /// The model.
    pub model: String,
    /// Every round with its problems.
    pub rounds: Vec<Round>,
    /// The accepted query.
    pub query: Option<String>,
    /// Its results.
    pub output: Option<QueryOutput>,
    /// Classes and properties the prompt listed (of how many).
    pub vocabulary: (usize, usize),
}

/// Draft a query answering `question` over `graph`, check it parses and runs, and repair it
/// with the error otherwise.
pub fn sparql(
    provider: &dyn Provider,
    question: &str,
    graph: &Graph,
    opts: &SparqlOptions,
) -> Result<SparqlOutcome, AiError> {
    let _span =
        tracing::info_span!("ai_sparql", provider = %provider.kind(), model = provider.model())
            .entered();
    if question.trim().is_empty() {
        return Err(AiError::InvalidOption("the question is empty".into()));
    }
    let vocab = Vocabulary::of(graph, &opts.prefixes)?;
    let messages = vec![
        Message::system(prompts::SPARQL_SYSTEM),
        Message::user(prompts::sparql_request(
            question,
            &vocab.to_prompt(opts.budget),
        )),
    ];
    let mut pre = graph.prefixes().clone();
    pre.extend_from(&opts.prefixes);
    let qopts = QueryOptions::new()
        .with_prefixes(&pre)
        .with_base(opts.base.as_deref());
    let out = repair::run(
        provider,
        messages,
        opts.max_rounds,
        |reply| check_query(reply, graph, &qopts),
        |problems| prompts::sparql_repair(&repair::bullet_list(problems)),
    )?;
    let (query, output) = match out.value {
        Some((q, o)) => (Some(q), Some(o)),
        None => (None, None),
    };
    Ok(SparqlOutcome {
        provider: provider.kind(),
        model: provider.model().to_owned(),
        rounds: out.rounds,
        query,
        output,
        vocabulary: (vocab.classes.len(), vocab.properties.len()),
    })
}

/// Extract a query from a reply, parse it and run it.
pub fn check_query(
    reply: &str,
    graph: &Graph,
    opts: &QueryOptions,
) -> Result<(String, QueryOutput), Vec<Problem>> {
    let text = extract::sparql(reply).ok_or_else(|| {
        vec![Problem::new(
            "no-query",
            "the reply contains no query; reply with one ```sparql block",
        )]
    })?;
    let query = parse_query(&text, opts).map_err(|e| {
        let loc = ggen_core::Diagnostic::location(&e);
        let message = match &e {
            ggen_graph::GraphError::QuerySyntax { message, .. } => message.clone(),
            other => other.to_string(),
        };
        vec![
            Problem::new("sparql-syntax", format!("invalid SPARQL: {message}"))
                .at(loc.and_then(|l| l.line), loc.and_then(|l| l.column)),
        ]
    })?;
    let output = graph
        .run(query, opts)
        .map_err(|e| vec![Problem::new("sparql-evaluation", e.to_string())])?;
    Ok((text, output))
}
