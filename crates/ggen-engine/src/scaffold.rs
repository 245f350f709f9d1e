//! Starter templates written by `ggen template new`. Each one renders as written against any
//! OWL ontology (tested in the CLI's tests).

/// The kinds `template new --kind` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StarterKind {
    /// One serde struct per class.
    Rust,
    /// One TypeScript interface per class.
    Typescript,
    /// One Python dataclass per class.
    Python,
    /// One Markdown file listing the classes.
    Generic,
}

const CLASSES_QUERY: &str = r#"  classes: |
    SELECT ?class ?comment WHERE {
      ?class a owl:Class .
      FILTER(isIRI(?class))
      OPTIONAL { ?class rdfs:comment ?comment }
    } ORDER BY ?class
"#;

/// The file name (with extension) and content of a starter template called `name`.
pub fn starter(name: &str, kind: StarterKind) -> (String, String) {
    let props = r#"{% set props = sparql("SELECT ?prop ?range WHERE { ?prop a owl:DatatypeProperty ; rdfs:domain <" ~ row.class ~ "> ; rdfs:range ?range } ORDER BY ?prop") %}"#;
    match kind {
        StarterKind::Rust => (
            format!("{name}.rs.tmpl"),
            format!(
                r#"---
to: "{name}/{{{{ row.class | local | snake }}}}.rs"
description: One serde struct per OWL class, with its datatype properties as fields
foreach: classes
sparql:
{CLASSES_QUERY}---
{props}
use serde::{{Deserialize, Serialize}};

{{% if row.comment is defined %}}
{{{{ row.comment | doc("rust") }}}}
{{% endif %}}
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct {{{{ row.class | local | pascal }}}} {{
{{% for p in props %}}
    pub {{{{ p.prop | local | snake | ident("rust") }}}}: {{{{ p.range | type_for("rust") }}}},
{{% endfor %}}
}}
"#
            ),
        ),
        StarterKind::Typescript => (
            format!("{name}.ts.tmpl"),
            format!(
                r#"---
to: "{name}/{{{{ row.class | local | kebab }}}}.ts"
description: One TypeScript interface per OWL class, with its datatype properties as fields
foreach: classes
sparql:
{CLASSES_QUERY}---
{props}
{{% if row.comment is defined %}}
{{{{ row.comment | doc("typescript") }}}}
{{% endif %}}
export interface {{{{ row.class | local | pascal }}}} {{
{{% for p in props %}}
  {{{{ p.prop | local | camel | ident("typescript") }}}}: {{{{ p.range | type_for("typescript") }}}};
{{% endfor %}}
}}
"#
            ),
        ),
        StarterKind::Python => (
            format!("{name}.py.tmpl"),
            format!(
                r#"---
to: "{name}/{{{{ row.class | local | snake }}}}.py"
description: One Python dataclass per OWL class, with its datatype properties as fields
foreach: classes
sparql:
{CLASSES_QUERY}---
{props}
from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass


@dataclass
class {{{{ row.class | local | pascal }}}}:
{{% if row.comment is defined %}}
    """{{{{ row.comment | replace('"""', "'''") }}}}"""
{{% endif %}}
{{% for p in props %}}
    {{{{ p.prop | local | snake | ident("python") }}}}: {{{{ p.range | type_for("python") }}}}
{{% else %}}
    pass
{{% endfor %}}
"#
            ),
        ),
        StarterKind::Generic => (
            format!("{name}.md.tmpl"),
            format!(
                r#"---
to: "{name}.md"
description: A Markdown list of the ontology's classes
sparql:
{CLASSES_QUERY}---
# Classes

{{% for c in sparql_results.classes %}}
- `{{{{ c.class | prefixed }}}}`{{% if c.comment is defined %}}: {{{{ c.comment }}}}{{% endif %}}

{{% endfor %}}
"#
            ),
        ),
    }
}
