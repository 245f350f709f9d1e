//! The built-in type table: one row per datatype, one column per language in the order of
//! [`Lang::ALL`](crate::Lang::ALL): rust, typescript, python, java, go, sql, graphql,
//! json-schema.

/// One row of the built-in table.
pub(super) struct Row {
    /// The datatype as a CURIE with the prefix `xsd:`, `rdf:` or `rdfs:`.
    pub curie: &'static str,
    /// The type in each language, in the order of `Lang::ALL`.
    pub types: [&'static str; 8],
}

const fn row(curie: &'static str, types: [&'static str; 8]) -> Row {
    Row { curie, types }
}

const STRING: [&str; 8] = [
    "String",
    "string",
    "str",
    "String",
    "string",
    "TEXT",
    "String",
    r#"{"type": "string"}"#,
];

const DURATION: [&str; 8] = [
    "String",
    "string",
    "str",
    "String",
    "string",
    "INTERVAL",
    "String",
    r#"{"type": "string", "format": "duration"}"#,
];

const DATE_TIME: [&str; 8] = [
    "chrono::DateTime<chrono::Utc>",
    "string",
    "datetime",
    "java.time.OffsetDateTime",
    "time.Time",
    "TIMESTAMPTZ",
    "String",
    r#"{"type": "string", "format": "date-time"}"#,
];

/// The rows, in documentation order.
pub(super) const ROWS: &[Row] = &[
    // Strings.
    row("xsd:string", STRING),
    row("xsd:normalizedString", STRING),
    row("xsd:token", STRING),
    row("xsd:language", STRING),
    row("xsd:Name", STRING),
    row("xsd:NCName", STRING),
    row("xsd:NMTOKEN", STRING),
    row(
        "xsd:anyURI",
        [
            "String",
            "string",
            "str",
            "String",
            "string",
            "TEXT",
            "String",
            r#"{"type": "string", "format": "iri-reference"}"#,
        ],
    ),
    row("rdf:langString", STRING),
    row("rdf:PlainLiteral", STRING),
    row("rdf:HTML", STRING),
    row("rdf:XMLLiteral", STRING),
    row("rdfs:Literal", STRING),
    // Booleans.
    row(
        "xsd:boolean",
        [
            "bool",
            "boolean",
            "bool",
            "Boolean",
            "bool",
            "BOOLEAN",
            "Boolean",
            r#"{"type": "boolean"}"#,
        ],
    ),
    // Decimal and floating point.
    row(
        "xsd:decimal",
        [
            "rust_decimal::Decimal",
            "number",
            "Decimal",
            "java.math.BigDecimal",
            "float64",
            "NUMERIC",
            "Float",
            r#"{"type": "number"}"#,
        ],
    ),
    row(
        "xsd:double",
        [
            "f64",
            "number",
            "float",
            "Double",
            "float64",
            "DOUBLE PRECISION",
            "Float",
            r#"{"type": "number"}"#,
        ],
    ),
    row(
        "xsd:float",
        [
            "f32",
            "number",
            "float",
            "Float",
            "float32",
            "REAL",
            "Float",
            r#"{"type": "number"}"#,
        ],
    ),
    // Integers.
    row(
        "xsd:integer",
        [
            "i64",
            "number",
            "int",
            "Long",
            "int64",
            "BIGINT",
            "Int",
            r#"{"type": "integer"}"#,
        ],
    ),
    row(
        "xsd:long",
        [
            "i64",
            "number",
            "int",
            "Long",
            "int64",
            "BIGINT",
            "Int",
            r#"{"type": "integer", "minimum": -9223372036854775808, "maximum": 9223372036854775807}"#,
        ],
    ),
    row(
        "xsd:int",
        [
            "i32",
            "number",
            "int",
            "Integer",
            "int32",
            "INTEGER",
            "Int",
            r#"{"type": "integer", "minimum": -2147483648, "maximum": 2147483647}"#,
        ],
    ),
    row(
        "xsd:short",
        [
            "i16",
            "number",
            "int",
            "Short",
            "int16",
            "SMALLINT",
            "Int",
            r#"{"type": "integer", "minimum": -32768, "maximum": 32767}"#,
        ],
    ),
    row(
        "xsd:byte",
        [
            "i8",
            "number",
            "int",
            "Byte",
            "int8",
            "SMALLINT",
            "Int",
            r#"{"type": "integer", "minimum": -128, "maximum": 127}"#,
        ],
    ),
    row(
        "xsd:nonNegativeInteger",
        [
            "u64",
            "number",
            "int",
            "Long",
            "uint64",
            "BIGINT",
            "Int",
            r#"{"type": "integer", "minimum": 0}"#,
        ],
    ),
    row(
        "xsd:positiveInteger",
        [
            "u64",
            "number",
            "int",
            "Long",
            "uint64",
            "BIGINT",
            "Int",
            r#"{"type": "integer", "minimum": 1}"#,
        ],
    ),
    row(
        "xsd:nonPositiveInteger",
        [
            "i64",
            "number",
            "int",
            "Long",
            "int64",
            "BIGINT",
            "Int",
            r#"{"type": "integer", "maximum": 0}"#,
        ],
    ),
    row(
        "xsd:negativeInteger",
        [
            "i64",
            "number",
            "int",
            "Long",
            "int64",
            "BIGINT",
            "Int",
            r#"{"type": "integer", "maximum": -1}"#,
        ],
    ),
    row(
        "xsd:unsignedLong",
        [
            "u64",
            "number",
            "int",
            "java.math.BigInteger",
            "uint64",
            "NUMERIC(20, 0)",
            "Int",
            r#"{"type": "integer", "minimum": 0, "maximum": 18446744073709551615}"#,
        ],
    ),
    row(
        "xsd:unsignedInt",
        [
            "u32",
            "number",
            "int",
            "Long",
            "uint32",
            "BIGINT",
            "Int",
            r#"{"type": "integer", "minimum": 0, "maximum": 4294967295}"#,
        ],
    ),
    row(
        "xsd:unsignedShort",
        [
            "u16",
            "number",
            "int",
            "Integer",
            "uint16",
            "INTEGER",
            "Int",
            r#"{"type": "integer", "minimum": 0, "maximum": 65535}"#,
        ],
    ),
    row(
        "xsd:unsignedByte",
        [
            "u8",
            "number",
            "int",
            "Short",
            "uint8",
            "SMALLINT",
            "Int",
            r#"{"type": "integer", "minimum": 0, "maximum": 255}"#,
        ],
    ),
    // Dates and times.
    row(
        "xsd:date",
        [
            "chrono::NaiveDate",
            "string",
            "date",
            "java.time.LocalDate",
            "time.Time",
            "DATE",
            "String",
            r#"{"type": "string", "format": "date"}"#,
        ],
    ),
    row("xsd:dateTime", DATE_TIME),
    row("xsd:dateTimeStamp", DATE_TIME),
    row(
        "xsd:time",
        [
            "chrono::NaiveTime",
            "string",
            "time",
            "java.time.LocalTime",
            "string",
            "TIME",
            "String",
            r#"{"type": "string", "format": "time"}"#,
        ],
    ),
    row("xsd:duration", DURATION),
    row("xsd:dayTimeDuration", DURATION),
    row("xsd:yearMonthDuration", DURATION),
    row(
        "xsd:gYear",
        [
            "i32",
            "number",
            "int",
            "Integer",
            "int32",
            "INTEGER",
            "Int",
            r#"{"type": "integer"}"#,
        ],
    ),
    row("xsd:gYearMonth", STRING),
    row("xsd:gMonth", STRING),
    row("xsd:gDay", STRING),
    row("xsd:gMonthDay", STRING),
    // Binary.
    row(
        "xsd:base64Binary",
        [
            "Vec<u8>",
            "string",
            "bytes",
            "byte[]",
            "[]byte",
            "BYTEA",
            "String",
            r#"{"type": "string", "contentEncoding": "base64"}"#,
        ],
    ),
    row(
        "xsd:hexBinary",
        [
            "Vec<u8>",
            "string",
            "bytes",
            "byte[]",
            "[]byte",
            "BYTEA",
            "String",
            r#"{"type": "string", "contentEncoding": "base16"}"#,
        ],
    ),
];
