//! Severities, node kinds and the SHACL Core constraint components.

use std::fmt;

use oxigraph::model::NamedNode;

use crate::vocab::SH;

/// The severity of a shape's validation results (`sh:severity`, default `sh:Violation`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Severity {
    /// `sh:Violation`.
    #[default]
    Violation,
    /// `sh:Warning`.
    Warning,
    /// `sh:Info`.
    Info,
    /// Any other IRI used as a severity.
    Other(NamedNode),
}

impl Severity {
    /// The severity's IRI.
    pub fn iri(&self) -> String {
        match self {
            Self::Violation => format!("{SH}Violation"),
            Self::Warning => format!("{SH}Warning"),
            Self::Info => format!("{SH}Info"),
            Self::Other(n) => n.as_str().to_owned(),
        }
    }

    /// `Violation`, `Warning`, `Info`, or the IRI of another severity.
    pub fn label(&self) -> String {
        match self {
            Self::Violation => "Violation".to_owned(),
            Self::Warning => "Warning".to_owned(),
            Self::Info => "Info".to_owned(),
            Self::Other(n) => n.as_str().to_owned(),
        }
    }

    pub(crate) fn from_iri(n: &NamedNode) -> Self {
        match n.as_str().strip_prefix(SH) {
            Some("Violation") => Self::Violation,
            Some("Warning") => Self::Warning,
            Some("Info") => Self::Info,
            _ => Self::Other(n.clone()),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The values of `sh:nodeKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    /// `sh:IRI`.
    Iri,
    /// `sh:BlankNode`.
    BlankNode,
    /// `sh:Literal`.
    Literal,
    /// `sh:BlankNodeOrIRI`.
    BlankNodeOrIri,
    /// `sh:BlankNodeOrLiteral`.
    BlankNodeOrLiteral,
    /// `sh:IRIOrLiteral`.
    IriOrLiteral,
}

impl NodeKind {
    /// The local name in the SHACL namespace, e.g. `BlankNodeOrIRI`.
    pub fn local_name(self) -> &'static str {
        match self {
            Self::Iri => "IRI",
            Self::BlankNode => "BlankNode",
            Self::Literal => "Literal",
            Self::BlankNodeOrIri => "BlankNodeOrIRI",
            Self::BlankNodeOrLiteral => "BlankNodeOrLiteral",
            Self::IriOrLiteral => "IRIOrLiteral",
        }
    }

    pub(crate) fn from_local_name(name: &str) -> Option<Self> {
        Some(match name {
            "IRI" => Self::Iri,
            "BlankNode" => Self::BlankNode,
            "Literal" => Self::Literal,
            "BlankNodeOrIRI" => Self::BlankNodeOrIri,
            "BlankNodeOrLiteral" => Self::BlankNodeOrLiteral,
            "IRIOrLiteral" => Self::IriOrLiteral,
            _ => return None,
        })
    }

    /// Whether a node of the given kind (`iri`, `bnode`, `literal`) matches.
    pub(crate) fn matches(self, iri: bool, bnode: bool, literal: bool) -> bool {
        match self {
            Self::Iri => iri,
            Self::BlankNode => bnode,
            Self::Literal => literal,
            Self::BlankNodeOrIri => bnode || iri,
            Self::BlankNodeOrLiteral => bnode || literal,
            Self::IriOrLiteral => iri || literal,
        }
    }
}

macro_rules! components {
    ($($(#[$m:meta])* $variant:ident => $local:literal,)*) => {
        /// A SHACL Core constraint component (the `sh:sourceConstraintComponent` of a result).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ConstraintComponent {
            $( $(#[$m])* $variant, )*
        }

        impl ConstraintComponent {
            /// The local name in the SHACL namespace, e.g. `MinCountConstraintComponent`.
            pub fn local_name(self) -> &'static str {
                match self { $( Self::$variant => $local, )* }
            }
        }
    };
}

components! {
    /// `sh:ClassConstraintComponent`.
    Class => "ClassConstraintComponent",
    /// `sh:DatatypeConstraintComponent`.
    Datatype => "DatatypeConstraintComponent",
    /// `sh:NodeKindConstraintComponent`.
    NodeKind => "NodeKindConstraintComponent",
    /// `sh:MinCountConstraintComponent`.
    MinCount => "MinCountConstraintComponent",
    /// `sh:MaxCountConstraintComponent`.
    MaxCount => "MaxCountConstraintComponent",
    /// `sh:MinExclusiveConstraintComponent`.
    MinExclusive => "MinExclusiveConstraintComponent",
    /// `sh:MinInclusiveConstraintComponent`.
    MinInclusive => "MinInclusiveConstraintComponent",
    /// `sh:MaxExclusiveConstraintComponent`.
    MaxExclusive => "MaxExclusiveConstraintComponent",
    /// `sh:MaxInclusiveConstraintComponent`.
    MaxInclusive => "MaxInclusiveConstraintComponent",
    /// `sh:MinLengthConstraintComponent`.
    MinLength => "MinLengthConstraintComponent",
    /// `sh:MaxLengthConstraintComponent`.
    MaxLength => "MaxLengthConstraintComponent",
    /// `sh:PatternConstraintComponent`.
    Pattern => "PatternConstraintComponent",
    /// `sh:LanguageInConstraintComponent`.
    LanguageIn => "LanguageInConstraintComponent",
    /// `sh:UniqueLangConstraintComponent`.
    UniqueLang => "UniqueLangConstraintComponent",
    /// `sh:EqualsConstraintComponent`.
    Equals => "EqualsConstraintComponent",
    /// `sh:DisjointConstraintComponent`.
    Disjoint => "DisjointConstraintComponent",
    /// `sh:LessThanConstraintComponent`.
    LessThan => "LessThanConstraintComponent",
    /// `sh:LessThanOrEqualsConstraintComponent`.
    LessThanOrEquals => "LessThanOrEqualsConstraintComponent",
    /// `sh:NotConstraintComponent`.
    Not => "NotConstraintComponent",
    /// `sh:AndConstraintComponent`.
    And => "AndConstraintComponent",
    /// `sh:OrConstraintComponent`.
    Or => "OrConstraintComponent",
    /// `sh:XoneConstraintComponent`.
    Xone => "XoneConstraintComponent",
    /// `sh:NodeConstraintComponent`.
    Node => "NodeConstraintComponent",
    /// `sh:PropertyConstraintComponent` (never the source of a result itself: the nested
    /// property shape's results are reported).
    Property => "PropertyConstraintComponent",
    /// `sh:QualifiedMinCountConstraintComponent`.
    QualifiedMinCount => "QualifiedMinCountConstraintComponent",
    /// `sh:QualifiedMaxCountConstraintComponent`.
    QualifiedMaxCount => "QualifiedMaxCountConstraintComponent",
    /// `sh:ClosedConstraintComponent`.
    Closed => "ClosedConstraintComponent",
    /// `sh:HasValueConstraintComponent`.
    HasValue => "HasValueConstraintComponent",
    /// `sh:InConstraintComponent`.
    In => "InConstraintComponent",
}

impl ConstraintComponent {
    /// The component's IRI, e.g. `http://www.w3.org/ns/shacl#MinCountConstraintComponent`.
    pub fn iri(self) -> String {
        format!("{SH}{}", self.local_name())
    }
}

impl fmt::Display for ConstraintComponent {
    /// `sh:` followed by the local name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sh:{}", self.local_name())
    }
}
