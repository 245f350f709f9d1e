//! IRIs of the SHACL, RDF, RDFS and XSD vocabularies used by the engine.

use oxigraph::model::NamedNodeRef;

/// The SHACL namespace.
pub const SH: &str = "http://www.w3.org/ns/shacl#";
/// The RDF namespace.
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
/// The RDFS namespace.
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
/// The XSD namespace.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

macro_rules! iris {
    ($($(#[$m:meta])* $name:ident = $iri:expr;)*) => {
        $( $(#[$m])* pub(crate) const $name: NamedNodeRef<'static> = NamedNodeRef::new_unchecked($iri); )*
    };
}

iris! {
    RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
    RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
    RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
    RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
    RDFS_SUB_CLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf";
    RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class";
    XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean";
    XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";

    SH_NODE_SHAPE = "http://www.w3.org/ns/shacl#NodeShape";
    SH_PROPERTY_SHAPE = "http://www.w3.org/ns/shacl#PropertyShape";
    SH_TARGET_NODE = "http://www.w3.org/ns/shacl#targetNode";
    SH_TARGET_CLASS = "http://www.w3.org/ns/shacl#targetClass";
    SH_TARGET_SUBJECTS_OF = "http://www.w3.org/ns/shacl#targetSubjectsOf";
    SH_TARGET_OBJECTS_OF = "http://www.w3.org/ns/shacl#targetObjectsOf";
    SH_PATH = "http://www.w3.org/ns/shacl#path";
    SH_INVERSE_PATH = "http://www.w3.org/ns/shacl#inversePath";
    SH_ALTERNATIVE_PATH = "http://www.w3.org/ns/shacl#alternativePath";
    SH_ZERO_OR_MORE_PATH = "http://www.w3.org/ns/shacl#zeroOrMorePath";
    SH_ONE_OR_MORE_PATH = "http://www.w3.org/ns/shacl#oneOrMorePath";
    SH_ZERO_OR_ONE_PATH = "http://www.w3.org/ns/shacl#zeroOrOnePath";
    SH_SEVERITY = "http://www.w3.org/ns/shacl#severity";
    SH_MESSAGE = "http://www.w3.org/ns/shacl#message";
    SH_DEACTIVATED = "http://www.w3.org/ns/shacl#deactivated";
    SH_NAME = "http://www.w3.org/ns/shacl#name";
    SH_DESCRIPTION = "http://www.w3.org/ns/shacl#description";
    SH_ORDER = "http://www.w3.org/ns/shacl#order";
    SH_GROUP = "http://www.w3.org/ns/shacl#group";
    SH_DEFAULT_VALUE = "http://www.w3.org/ns/shacl#defaultValue";

    SH_CLASS = "http://www.w3.org/ns/shacl#class";
    SH_DATATYPE = "http://www.w3.org/ns/shacl#datatype";
    SH_NODE_KIND = "http://www.w3.org/ns/shacl#nodeKind";
    SH_MIN_COUNT = "http://www.w3.org/ns/shacl#minCount";
    SH_MAX_COUNT = "http://www.w3.org/ns/shacl#maxCount";
    SH_MIN_EXCLUSIVE = "http://www.w3.org/ns/shacl#minExclusive";
    SH_MIN_INCLUSIVE = "http://www.w3.org/ns/shacl#minInclusive";
    SH_MAX_EXCLUSIVE = "http://www.w3.org/ns/shacl#maxExclusive";
    SH_MAX_INCLUSIVE = "http://www.w3.org/ns/shacl#maxInclusive";
    SH_MIN_LENGTH = "http://www.w3.org/ns/shacl#minLength";
    SH_MAX_LENGTH = "http://www.w3.org/ns/shacl#maxLength";
    SH_PATTERN = "http://www.w3.org/ns/shacl#pattern";
    SH_FLAGS = "http://www.w3.org/ns/shacl#flags";
    SH_LANGUAGE_IN = "http://www.w3.org/ns/shacl#languageIn";
    SH_UNIQUE_LANG = "http://www.w3.org/ns/shacl#uniqueLang";
    SH_EQUALS = "http://www.w3.org/ns/shacl#equals";
    SH_DISJOINT = "http://www.w3.org/ns/shacl#disjoint";
    SH_LESS_THAN = "http://www.w3.org/ns/shacl#lessThan";
    SH_LESS_THAN_OR_EQUALS = "http://www.w3.org/ns/shacl#lessThanOrEquals";
    SH_NOT = "http://www.w3.org/ns/shacl#not";
    SH_AND = "http://www.w3.org/ns/shacl#and";
    SH_OR = "http://www.w3.org/ns/shacl#or";
    SH_XONE = "http://www.w3.org/ns/shacl#xone";
    SH_NODE = "http://www.w3.org/ns/shacl#node";
    SH_PROPERTY = "http://www.w3.org/ns/shacl#property";
    SH_QUALIFIED_VALUE_SHAPE = "http://www.w3.org/ns/shacl#qualifiedValueShape";
    SH_QUALIFIED_MIN_COUNT = "http://www.w3.org/ns/shacl#qualifiedMinCount";
    SH_QUALIFIED_MAX_COUNT = "http://www.w3.org/ns/shacl#qualifiedMaxCount";
    SH_QUALIFIED_VALUE_SHAPES_DISJOINT = "http://www.w3.org/ns/shacl#qualifiedValueShapesDisjoint";
    SH_CLOSED = "http://www.w3.org/ns/shacl#closed";
    SH_IGNORED_PROPERTIES = "http://www.w3.org/ns/shacl#ignoredProperties";
    SH_HAS_VALUE = "http://www.w3.org/ns/shacl#hasValue";
    SH_IN = "http://www.w3.org/ns/shacl#in";


    SH_VALIDATION_REPORT = "http://www.w3.org/ns/shacl#ValidationReport";
    SH_VALIDATION_RESULT = "http://www.w3.org/ns/shacl#ValidationResult";
    SH_CONFORMS = "http://www.w3.org/ns/shacl#conforms";
    SH_RESULT = "http://www.w3.org/ns/shacl#result";
    SH_FOCUS_NODE = "http://www.w3.org/ns/shacl#focusNode";
    SH_RESULT_PATH = "http://www.w3.org/ns/shacl#resultPath";
    SH_VALUE = "http://www.w3.org/ns/shacl#value";
    SH_RESULT_SEVERITY = "http://www.w3.org/ns/shacl#resultSeverity";
    SH_SOURCE_SHAPE = "http://www.w3.org/ns/shacl#sourceShape";
    SH_SOURCE_CONSTRAINT_COMPONENT = "http://www.w3.org/ns/shacl#sourceConstraintComponent";
    SH_RESULT_MESSAGE = "http://www.w3.org/ns/shacl#resultMessage";
}

/// Every predicate that is a parameter of a SHACL Core constraint component: a node that is the
/// subject of one of them is a shape.
pub(crate) const PARAMETERS: &[NamedNodeRef<'static>] = &[
    SH_CLASS,
    SH_DATATYPE,
    SH_NODE_KIND,
    SH_MIN_COUNT,
    SH_MAX_COUNT,
    SH_MIN_EXCLUSIVE,
    SH_MIN_INCLUSIVE,
    SH_MAX_EXCLUSIVE,
    SH_MAX_INCLUSIVE,
    SH_MIN_LENGTH,
    SH_MAX_LENGTH,
    SH_PATTERN,
    SH_LANGUAGE_IN,
    SH_UNIQUE_LANG,
    SH_EQUALS,
    SH_DISJOINT,
    SH_LESS_THAN,
    SH_LESS_THAN_OR_EQUALS,
    SH_NOT,
    SH_AND,
    SH_OR,
    SH_XONE,
    SH_NODE,
    SH_PROPERTY,
    SH_QUALIFIED_VALUE_SHAPE,
    SH_CLOSED,
    SH_HAS_VALUE,
    SH_IN,
];
