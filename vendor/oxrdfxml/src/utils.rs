use quick_xml::events::attributes::Attribute;
use quick_xml::name::QName;
use std::borrow::Cow;

pub fn is_name(name: &str) -> bool {
    // NameStartChar (NameChar)*
    let mut c = name.chars();
    if !c.next().is_some_and(is_name_start_char) {
        return false;
    }
    c.all(is_name_char)
}

pub fn is_nc_name(name: &str) -> bool {
    // Name - (Char* ':' Char*)
    is_name(name) && !name.contains(':')
}

pub fn is_name_start_char(c: char) -> bool {
    // ":" | [A-Z] | "_" | [a-z] | [#xC0-#xD6] | [#xD8-#xF6] | [#xF8-#x2FF] | [#x370-#x37D] | [#x37F-#x1FFF] | [#x200C-#x200D] | [#x2070-#x218F] | [#x2C00-#x2FEF] | [#x3001-#xD7FF] | [#xF900-#xFDCF] | [#xFDF0-#xFFFD] | [#x10000-#xEFFFF]
    matches!(c,
        ':'
        | 'A'..='Z'
        | '_'
        | 'a'..='z'
        | '\u{00C0}'..='\u{00D6}'
        | '\u{00D8}'..='\u{00F6}'
        | '\u{00F8}'..='\u{02FF}'
        | '\u{0370}'..='\u{037D}'
        | '\u{037F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

pub fn is_name_char(c: char) -> bool {
    // NameStartChar | "-" | "." | [0-9] | #xB7 | [#x0300-#x036F] | [#x203F-#x2040]
    is_name_start_char(c)
        || matches!(c,  '-' | '.' | '0'..='9' | '\u{B7}' | '\u{0300}'..='\u{036F}' | '\u{203F}'..='\u{2040}')
}

/// Escapes text the way quick-xml 0.37's `escape` did (`<`, `>`, `&`, `'`, `"`), for XML
/// literals and serialized literal values. quick-xml 0.42 also writes `\r` as `&#13;` (and
/// `\t`, `\n` in attribute values as `&#9;`, `&#10;`); the output stays byte-identical to
/// oxrdfxml 0.2.5's.
pub fn escape_text(raw: &str) -> Cow<'_, str> {
    if !needs_escape(raw) {
        return Cow::Borrowed(raw);
    }
    let mut escaped = String::with_capacity(raw.len() + 8);
    for c in raw.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '\'' => escaped.push_str("&apos;"),
            '"' => escaped.push_str("&quot;"),
            other => escaped.push(other),
        }
    }
    Cow::Owned(escaped)
}

/// An attribute whose value is escaped with [`escape_text`], as quick-xml 0.37 did for the
/// `(&str, &str)` pairs given to `BytesStart::push_attribute`.
pub fn escaped_attribute<'a>((key, value): (&'a str, impl Into<Cow<'a, str>>)) -> Attribute<'a> {
    let value = value.into();
    let value = if needs_escape(&value) {
        Cow::Owned(escape_text(&value).into_owned())
    } else {
        value
    };
    Attribute {
        key: QName(key),
        value,
    }
}

fn needs_escape(raw: &str) -> bool {
    raw.contains(['<', '>', '&', '\'', '"'])
}
