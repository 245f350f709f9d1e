//! The text sent to an endpoint: the caller's query with `BASE` and `PREFIX` declarations for
//! everything the local parser knew implicitly (well-known, project, graph and template
//! prefixes; the base IRI), because the server knows none of them.

use std::collections::BTreeSet;

use crate::query::QueryOptions;

/// Prefix labels and whether a base is declared in the prologue of `text` (the declarations
/// before the query form), skipping comments.
fn declared(text: &str) -> (BTreeSet<String>, bool) {
    let mut prefixes = BTreeSet::new();
    let mut base = false;
    let mut rest = text;
    loop {
        rest = skip_blank(rest);
        let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        if word.eq_ignore_ascii_case("prefix") {
            let after = skip_blank(rest.get(word.len()..).unwrap_or_default());
            let Some(colon) = after.find(':') else { break };
            let label = after.get(..colon).unwrap_or_default().trim();
            prefixes.insert(label.to_owned());
            rest = skip_iri(after.get(colon + 1..).unwrap_or_default());
        } else if word.eq_ignore_ascii_case("base") {
            base = true;
            rest = skip_iri(rest.get(word.len()..).unwrap_or_default());
        } else {
            break;
        }
    }
    (prefixes, base)
}

fn skip_blank(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        if let Some(comment) = t.strip_prefix('#') {
            s = comment.split_once('\n').map_or("", |(_, r)| r);
        } else {
            return t;
        }
    }
}

fn skip_iri(s: &str) -> &str {
    let s = skip_blank(s);
    match s.strip_prefix('<').and_then(|r| r.split_once('>')) {
        Some((_, r)) => r,
        None => s,
    }
}

/// `text` preceded by `BASE` (unless it declares one) and a `PREFIX` line for every prefix in
/// `opts` that it does not declare itself.
pub(super) fn with_prologue(text: &str, opts: &QueryOptions) -> String {
    let (own, own_base) = declared(text);
    let mut out = String::new();
    if let Some(b) = opts.base()
        && !own_base
    {
        out.push_str(&format!("BASE <{b}>\n"));
    }
    for (p, iri) in opts.effective_prefixes().iter() {
        if !own.contains(p) {
            out.push_str(&format!("PREFIX {p}: <{iri}>\n"));
        }
    }
    out.push_str(text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_own_declarations() {
        let (p, b) = declared(
            "# c\nPREFIX ex: <http://ex.org/> # x\n prefix  :<http://d/>\nBASE <http://b/>\nSELECT * { ?s ?p ?o FILTER(?o = \"PREFIX no: <x>\") }",
        );
        assert_eq!(
            p.into_iter().collect::<Vec<_>>(),
            vec!["".to_owned(), "ex".to_owned()]
        );
        assert!(b);
        let (p, b) = declared("SELECT * { ?s ?p ?o }");
        assert!(p.is_empty() && !b);
    }

    #[test]
    fn adds_what_is_missing() {
        let opts = QueryOptions::new()
            .without_well_known_prefixes()
            .with_prefix("ex", "http://ex.org/")
            .with_prefix("own", "http://other/")
            .with_base(Some("http://base/"));
        let sent = with_prologue("PREFIX own: <http://own/>\nSELECT * { ?s ?p ?o }", &opts);
        assert_eq!(
            sent,
            "BASE <http://base/>\nPREFIX ex: <http://ex.org/>\nPREFIX own: <http://own/>\nSELECT * { ?s ?p ?o }"
        );
    }
}
