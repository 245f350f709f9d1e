//! The synthetic OWL ontology and template shared by the pipeline benchmark
//! (`ggen-engine/benches/pipeline.rs`) and the watch-latency benchmark
//! (`ggen-cli/benches/watch_latency.rs`): N classes, each with a label, a comment, a superclass
//! and 8 datatype properties (36 triples per class), and one template rendering a Rust struct
//! per class from one SELECT.

/// The template's query (prefixes come from the project).
pub const QUERY: &str = "SELECT ?c ?label ?comment ?parent (GROUP_CONCAT(CONCAT(STRAFTER(STR(?p), \"#\"), \":\", STRAFTER(STR(?r), \"#\")); separator=\",\") AS ?props) WHERE {
  ?c a owl:Class ; rdfs:label ?label ; rdfs:comment ?comment ; rdfs:subClassOf ?parent .
  ?p rdfs:domain ?c ; rdfs:range ?r .
} GROUP BY ?c ?label ?comment ?parent ORDER BY ?c";

/// The template body (after the frontmatter).
pub const BODY: &str = "/// {{ row.comment }}
pub struct {{ row.label }} {
{% for f in row.props | split(\",\") %}{% set nt = f | split(\":\") | list %}
    pub {{ nt[0] }}: {{ nt[1] }},
{% endfor %}
}
";

/// The whole template file: frontmatter (one file per class under `src/`), then `header`, then
/// [`BODY`].
pub fn struct_template(header: &str) -> String {
    let indented: String = QUERY.lines().map(|l| format!("    {l}\n")).collect();
    format!(
        "---\nto: \"src/{{{{ row.label }}}}.rs\"\nforeach: classes\nsparql:\n  classes: |\n{indented}---\n{header}{BODY}"
    )
}

/// Turtle for `n` classes; `comment(i)` is class i's `rdfs:comment`.
pub fn ontology(n: usize, comment: impl Fn(usize) -> String) -> String {
    let mut s = String::from(
        "@prefix ex: <http://example.org/bench#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n",
    );
    let types = [
        "string", "integer", "decimal", "boolean", "date", "dateTime", "double", "anyURI",
    ];
    for i in 0..n {
        let parent = if i == 0 {
            "ex:Root".to_owned()
        } else {
            format!("ex:C{}", i / 2)
        };
        let comment = comment(i);
        s.push_str(&format!("ex:C{i} a owl:Class ; rdfs:label \"C{i}\" ; rdfs:comment \"{comment}\" ; rdfs:subClassOf {parent} .\n"));
        for (j, t) in types.iter().enumerate() {
            s.push_str(&format!("ex:c{i}p{j} a owl:DatatypeProperty ; rdfs:label \"p{j}\" ; rdfs:domain ex:C{i} ; rdfs:range xsd:{t} .\n"));
        }
    }
    s
}
