use std::fmt;
use std::path::Path;

use oxigraph::io::{JsonLdProfileSet, RdfFormat};

/// The RDF syntaxes ggen reads (and, for the graph toolkit, writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RdfSyntax {
    /// Turtle (`.ttl`, `.shacl`)
    Turtle,
    /// N-Triples (`.nt`)
    NTriples,
    /// N-Quads (`.nq`)
    NQuads,
    /// TriG (`.trig`)
    TriG,
    /// RDF/XML (`.rdf`, `.owl`, `.xml`)
    RdfXml,
    /// JSON-LD (`.jsonld`, `.json`)
    JsonLd,
    /// Notation3 (`.n3`)
    N3,
}

impl RdfSyntax {
    /// Every syntax, in a stable order.
    pub const ALL: [RdfSyntax; 7] = [
        RdfSyntax::Turtle,
        RdfSyntax::NTriples,
        RdfSyntax::NQuads,
        RdfSyntax::TriG,
        RdfSyntax::RdfXml,
        RdfSyntax::JsonLd,
        RdfSyntax::N3,
    ];

    /// The syntax for a file extension (without the dot, case-insensitive).
    pub fn from_extension(ext: &str) -> Option<Self> {
        Some(match ext.to_ascii_lowercase().as_str() {
            // `.shacl`: shapes graphs are Turtle by convention (schema.org ships them so).
            "ttl" | "turtle" | "shacl" => Self::Turtle,
            "nt" | "ntriples" => Self::NTriples,
            "nq" | "nquads" => Self::NQuads,
            "trig" => Self::TriG,
            "rdf" | "owl" | "xml" | "rdfxml" => Self::RdfXml,
            "jsonld" | "json-ld" | "json" => Self::JsonLd,
            "n3" => Self::N3,
            _ => return None,
        })
    }

    /// The syntax of a path, by its extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Self::from_extension)
    }

    /// The syntax for a user-given name: `turtle`, `ttl`, `ntriples`, `nt`, `nquads`, `nq`, `trig`,
    /// `rdfxml`, `rdf`, `xml`, `owl`, `jsonld`, `json-ld`, `n3` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().replace(['_', '/'], "-").as_str() {
            "n-triples" => Some(Self::NTriples),
            "n-quads" => Some(Self::NQuads),
            "rdf-xml" => Some(Self::RdfXml),
            other => Self::from_extension(other),
        }
    }

    /// The canonical short name (`turtle`, `ntriples`, `nquads`, `trig`, `rdfxml`, `jsonld`, `n3`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Turtle => "turtle",
            Self::NTriples => "ntriples",
            Self::NQuads => "nquads",
            Self::TriG => "trig",
            Self::RdfXml => "rdfxml",
            Self::JsonLd => "jsonld",
            Self::N3 => "n3",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Turtle => "ttl",
            Self::NTriples => "nt",
            Self::NQuads => "nq",
            Self::TriG => "trig",
            Self::RdfXml => "rdf",
            Self::JsonLd => "jsonld",
            Self::N3 => "n3",
        }
    }

    /// Whether the syntax can carry named graphs.
    pub fn supports_datasets(self) -> bool {
        matches!(self, Self::NQuads | Self::TriG | Self::JsonLd)
    }

    /// The oxigraph format.
    pub fn to_format(self) -> RdfFormat {
        match self {
            Self::Turtle => RdfFormat::Turtle,
            Self::NTriples => RdfFormat::NTriples,
            Self::NQuads => RdfFormat::NQuads,
            Self::TriG => RdfFormat::TriG,
            Self::RdfXml => RdfFormat::RdfXml,
            Self::JsonLd => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
            Self::N3 => RdfFormat::N3,
        }
    }

    /// A list of accepted names, for error messages.
    pub fn accepted_names() -> &'static str {
        "turtle (ttl), ntriples (nt), nquads (nq), trig, rdfxml (rdf, owl, xml), jsonld, n3"
    }
}

impl fmt::Display for RdfSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_and_names() {
        for ext in [
            "ttl", "nt", "nq", "trig", "rdf", "owl", "xml", "jsonld", "n3", "TTL", "shacl",
        ] {
            assert!(RdfSyntax::from_extension(ext).is_some(), "{ext}");
        }
        assert_eq!(
            RdfSyntax::from_path(Path::new("a/b.owl")),
            Some(RdfSyntax::RdfXml)
        );
        assert_eq!(RdfSyntax::from_name("N-Triples"), Some(RdfSyntax::NTriples));
        assert_eq!(RdfSyntax::from_name("rdf/xml"), Some(RdfSyntax::RdfXml));
        assert_eq!(RdfSyntax::from_name("json-ld"), Some(RdfSyntax::JsonLd));
        assert_eq!(RdfSyntax::from_name("yaml"), None);
        assert_eq!(
            RdfSyntax::from_path(Path::new("schemaorg-shapes.shacl")),
            Some(RdfSyntax::Turtle)
        );
        for s in RdfSyntax::ALL {
            assert_eq!(RdfSyntax::from_name(s.name()), Some(s));
            assert_eq!(RdfSyntax::from_extension(s.extension()), Some(s));
        }
    }
}
