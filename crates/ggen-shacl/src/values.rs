//! Literal semantics: XSD well-formedness, SPARQL `<` comparison, language-range matching.

use std::cmp::Ordering;
use std::str::FromStr;

use oxigraph::model::{Literal, Term};
use oxsdatatypes::{
    Boolean, Date, DateTime, DayTimeDuration, Decimal, Double, Duration, Float, GDay, GMonth,
    GMonthDay, GYear, GYearMonth, Time, YearMonthDuration,
};

use crate::vocab::XSD;

/// Bounds of the integer types derived from `xsd:integer` (inclusive; `None` = unbounded).
fn integer_bounds(local: &str) -> Option<(Option<i128>, Option<i128>)> {
    Some(match local {
        "integer" => (None, None),
        "long" => (Some(i64::MIN.into()), Some(i64::MAX.into())),
        "int" => (Some(i32::MIN.into()), Some(i32::MAX.into())),
        "short" => (Some(i16::MIN.into()), Some(i16::MAX.into())),
        "byte" => (Some(i8::MIN.into()), Some(i8::MAX.into())),
        "nonNegativeInteger" => (Some(0), None),
        "positiveInteger" => (Some(1), None),
        "nonPositiveInteger" => (None, Some(0)),
        "negativeInteger" => (None, Some(-1)),
        "unsignedLong" => (Some(0), Some(u64::MAX.into())),
        "unsignedInt" => (Some(0), Some(u32::MAX.into())),
        "unsignedShort" => (Some(0), Some(u16::MAX.into())),
        "unsignedByte" => (Some(0), Some(u8::MAX.into())),
        _ => return None,
    })
}

fn integer_well_formed(lexical: &str, bounds: (Option<i128>, Option<i128>)) -> bool {
    let (negative, digits) = match lexical.as_bytes().first() {
        Some(b'-') => (true, lexical.get(1..).unwrap_or("")),
        Some(b'+') => (false, lexical.get(1..).unwrap_or("")),
        _ => (false, lexical),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let significant = digits.trim_start_matches('0');
    let value: Option<i128> = if significant.len() > 38 {
        None
    } else {
        significant
            .parse::<i128>()
            .ok()
            .or(Some(0))
            .map(|v| if negative { -v } else { v })
    };
    match value {
        Some(v) => bounds.0.is_none_or(|lo| v >= lo) && bounds.1.is_none_or(|hi| v <= hi),
        // Too large for i128: only unbounded directions accept it.
        None => {
            if negative {
                bounds.0.is_none()
            } else {
                bounds.1.is_none()
            }
        }
    }
}

fn parses<T: FromStr>(s: &str) -> bool {
    s.parse::<T>().is_ok()
}

/// Whether a literal's lexical form is valid for its datatype, for the XSD datatypes this engine
/// knows. Literals of other datatypes are considered well-formed.
pub(crate) fn is_well_formed(literal: &Literal) -> bool {
    let Some(local) = literal.datatype().as_str().strip_prefix(XSD) else {
        return true;
    };
    let v = literal.value();
    if let Some(bounds) = integer_bounds(local) {
        return integer_well_formed(v, bounds);
    }
    match local {
        "boolean" => matches!(v, "true" | "false" | "1" | "0"),
        "decimal" => {
            // xsd:decimal has no exponent and no INF/NaN.
            !v.is_empty()
                && v.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
                && parses::<Decimal>(v)
        }
        "float" => parses::<Float>(v),
        "double" => parses::<Double>(v),
        "dateTime" => parses::<DateTime>(v),
        "dateTimeStamp" => v
            .parse::<DateTime>()
            .is_ok_and(|d| d.timezone_offset().is_some()),
        "date" => parses::<Date>(v),
        "time" => parses::<Time>(v),
        "gYear" => parses::<GYear>(v),
        "gYearMonth" => parses::<GYearMonth>(v),
        "gMonth" => parses::<GMonth>(v),
        "gDay" => parses::<GDay>(v),
        "gMonthDay" => parses::<GMonthDay>(v),
        "duration" => parses::<Duration>(v),
        "dayTimeDuration" => parses::<DayTimeDuration>(v),
        "yearMonthDuration" => parses::<YearMonthDuration>(v),
        "normalizedString" => !v.contains(['\r', '\n', '\t']),
        "token" => {
            !v.contains(['\r', '\n', '\t'])
                && !v.starts_with(' ')
                && !v.ends_with(' ')
                && !v.contains("  ")
        }
        "hexBinary" => v.len().is_multiple_of(2) && v.bytes().all(|b| b.is_ascii_hexdigit()),
        _ => true,
    }
}

/// A literal's value, for ordering.
#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    Decimal(Decimal),
    Float(Float),
    Double(Double),
    String(&'a str),
    Boolean(bool),
    DateTime(DateTime),
    Date(Date),
    Time(Time),
    GYear(GYear),
    GYearMonth(GYearMonth),
    GMonth(GMonth),
    GDay(GDay),
    GMonthDay(GMonthDay),
    Duration(Duration),
}

fn value_of(literal: &Literal) -> Option<Value<'_>> {
    if literal.language().is_some() {
        return None;
    }
    let local = literal.datatype().as_str().strip_prefix(XSD)?;
    let v = literal.value();
    if integer_bounds(local).is_some() {
        if !is_well_formed(literal) {
            return None;
        }
        return v
            .strip_prefix('+')
            .unwrap_or(v)
            .parse::<Decimal>()
            .ok()
            .map(Value::Decimal);
    }
    Some(match local {
        "decimal" => {
            if !is_well_formed(literal) {
                return None;
            }
            Value::Decimal(v.parse().ok()?)
        }
        "float" => Value::Float(v.parse().ok()?),
        "double" => Value::Double(v.parse().ok()?),
        "string" => Value::String(v),
        "boolean" => Value::Boolean(bool::from(v.parse::<Boolean>().ok()?)),
        "dateTime" | "dateTimeStamp" => Value::DateTime(v.parse().ok()?),
        "date" => Value::Date(v.parse().ok()?),
        "time" => Value::Time(v.parse().ok()?),
        "gYear" => Value::GYear(v.parse().ok()?),
        "gYearMonth" => Value::GYearMonth(v.parse().ok()?),
        "gMonth" => Value::GMonth(v.parse().ok()?),
        "gDay" => Value::GDay(v.parse().ok()?),
        "gMonthDay" => Value::GMonthDay(v.parse().ok()?),
        "duration" => Value::Duration(v.parse().ok()?),
        "dayTimeDuration" => Value::Duration(Duration::from(v.parse::<DayTimeDuration>().ok()?)),
        "yearMonthDuration" => {
            Value::Duration(Duration::from(v.parse::<YearMonthDuration>().ok()?))
        }
        _ => return None,
    })
}

/// SPARQL `<`/`=` ordering of two terms: `None` when they cannot be compared (different value
/// spaces, non-literals, ill-formed literals, or an indeterminate date/time comparison).
pub(crate) fn compare(a: &Term, b: &Term) -> Option<Ordering> {
    let (Term::Literal(a), Term::Literal(b)) = (a, b) else {
        return None;
    };
    use Value as V;
    match (value_of(a)?, value_of(b)?) {
        (V::Decimal(x), V::Decimal(y)) => x.partial_cmp(&y),
        (V::Float(x), V::Float(y)) => x.partial_cmp(&y),
        (V::Decimal(x), V::Float(y)) => Float::from(x).partial_cmp(&y),
        (V::Float(x), V::Decimal(y)) => x.partial_cmp(&Float::from(y)),
        (
            x @ (V::Decimal(_) | V::Float(_) | V::Double(_)),
            y @ (V::Decimal(_) | V::Float(_) | V::Double(_)),
        ) => as_double(x)?.partial_cmp(&as_double(y)?),
        (V::String(x), V::String(y)) => Some(x.cmp(y)),
        (V::Boolean(x), V::Boolean(y)) => Some(x.cmp(&y)),
        (V::DateTime(x), V::DateTime(y)) => x.partial_cmp(&y),
        (V::Date(x), V::Date(y)) => x.partial_cmp(&y),
        (V::Time(x), V::Time(y)) => x.partial_cmp(&y),
        (V::GYear(x), V::GYear(y)) => x.partial_cmp(&y),
        (V::GYearMonth(x), V::GYearMonth(y)) => x.partial_cmp(&y),
        (V::GMonth(x), V::GMonth(y)) => x.partial_cmp(&y),
        (V::GDay(x), V::GDay(y)) => x.partial_cmp(&y),
        (V::GMonthDay(x), V::GMonthDay(y)) => x.partial_cmp(&y),
        (V::Duration(x), V::Duration(y)) => x.partial_cmp(&y),
        _ => None,
    }
}

fn as_double(v: Value<'_>) -> Option<Double> {
    match v {
        Value::Decimal(d) => Some(Double::from(d)),
        Value::Float(f) => Some(Double::from(f)),
        Value::Double(d) => Some(d),
        _ => None,
    }
}

/// SPARQL `langMatches` (RFC 4647 basic filtering): `*` matches any tag; otherwise the range
/// matches the tag itself and any tag that extends it with `-…`, case-insensitively.
pub(crate) fn lang_matches(tag: &str, range: &str) -> bool {
    if range == "*" {
        return !tag.is_empty();
    }
    let tag = tag.to_ascii_lowercase();
    let range = range.to_ascii_lowercase();
    tag == range
        || (tag.len() > range.len()
            && tag.starts_with(&range)
            && tag.as_bytes().get(range.len()) == Some(&b'-'))
}

/// The string value of a term (SPARQL `STR`): an IRI or a literal's lexical form; `None` for a
/// blank node.
pub(crate) fn str_value(term: &Term) -> Option<&str> {
    match term {
        Term::NamedNode(n) => Some(n.as_str()),
        Term::Literal(l) => Some(l.value()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::NamedNode;

    fn lit(v: &str, dt: &str) -> Literal {
        Literal::new_typed_literal(v, NamedNode::new(format!("{XSD}{dt}")).unwrap())
    }

    #[test]
    fn well_formedness() {
        assert!(is_well_formed(&lit("127", "byte")));
        assert!(!is_well_formed(&lit("128", "byte")));
        assert!(!is_well_formed(&lit("c", "byte")));
        assert!(is_well_formed(&lit("-0", "nonNegativeInteger")));
        assert!(!is_well_formed(&lit("0", "positiveInteger")));
        assert!(is_well_formed(&lit(
            "123456789012345678901234567890123456789012",
            "integer"
        )));
        assert!(!is_well_formed(&lit(
            "123456789012345678901234567890123456789012",
            "long"
        )));
        assert!(!is_well_formed(&lit("1e3", "decimal")));
        assert!(is_well_formed(&lit("1e3", "double")));
        assert!(is_well_formed(&lit("2017-03-29", "date")));
        assert!(!is_well_formed(&lit("2017-13-29", "date")));
        assert!(!is_well_formed(&lit(
            "2017-03-29T10:00:00",
            "dateTimeStamp"
        )));
        assert!(!is_well_formed(&lit("maybe", "boolean")));
        assert!(is_well_formed(&Literal::new_simple_literal("anything")));
    }

    #[test]
    fn comparisons() {
        let t = |v: &str, dt: &str| Term::Literal(lit(v, dt));
        assert_eq!(
            compare(&t("4", "integer"), &t("4.0", "decimal")),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(&t("3.9", "decimal"), &t("4", "integer")),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(&t("1e1", "double"), &t("9", "integer")),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&t("a", "string"), &t("4", "integer")), None);
        assert_eq!(
            compare(&t("a", "string"), &t("b", "string")),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(
                &t("2002-10-10T12:00:00-05:00", "dateTime"),
                &t("2002-10-10T12:00:00", "dateTime")
            ),
            None
        );
        assert_eq!(
            compare(
                &t("2002-10-09T12:00:00-05:00", "dateTime"),
                &t("2002-10-10T12:00:00", "dateTime")
            ),
            Some(Ordering::Less)
        );
        assert_eq!(compare(&t("x", "integer"), &t("1", "integer")), None);
    }

    #[test]
    fn language_ranges() {
        assert!(lang_matches("en-NZ", "en"));
        assert!(lang_matches("EN", "en"));
        assert!(!lang_matches("eng", "en"));
        assert!(lang_matches("de", "*"));
        assert!(!lang_matches("", "*"));
    }
}
