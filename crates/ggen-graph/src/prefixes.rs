use std::collections::BTreeMap;

/// Prefixes every ggen query and template knows without declaring them.
pub const WELL_KNOWN_PREFIXES: [(&str, &str); 8] = [
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("schema", "https://schema.org/"),
];

/// A prefix map (prefix → namespace IRI), ordered by prefix for deterministic output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefixes {
    map: BTreeMap<String, String>,
}

impl Prefixes {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The well-known prefixes (rdf, rdfs, owl, xsd, sh, skos, dcterms, schema).
    pub fn well_known() -> Self {
        let mut p = Self::new();
        for (k, v) in WELL_KNOWN_PREFIXES {
            p.insert(k, v);
        }
        p
    }

    /// Add or replace a prefix.
    pub fn insert(&mut self, prefix: impl Into<String>, iri: impl Into<String>) {
        self.map.insert(prefix.into(), iri.into());
    }

    /// Add a prefix only when it is not yet defined.
    pub fn insert_if_absent(&mut self, prefix: &str, iri: &str) {
        self.map
            .entry(prefix.to_owned())
            .or_insert_with(|| iri.to_owned());
    }

    /// Merge `other` over this map (its entries win).
    pub fn extend_from(&mut self, other: &Prefixes) {
        for (k, v) in &other.map {
            self.map.insert(k.clone(), v.clone());
        }
    }

    /// The namespace of a prefix.
    pub fn get(&self, prefix: &str) -> Option<&str> {
        self.map.get(prefix).map(String::as_str)
    }

    /// Iterate in prefix order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of prefixes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Shorten an IRI to a CURIE with the longest matching namespace (ties: smallest prefix).
    /// Returns `None` when no namespace matches or the local part would not be a valid CURIE.
    pub fn shorten(&self, iri: &str) -> Option<String> {
        let mut best: Option<(&str, &str)> = None;
        for (prefix, ns) in self.iter() {
            if !ns.is_empty() && iri.starts_with(ns) {
                let better = match best {
                    None => true,
                    Some((_, best_ns)) => ns.len() > best_ns.len(),
                };
                if better {
                    best = Some((prefix, ns));
                }
            }
        }
        let (prefix, ns) = best?;
        let local = iri.get(ns.len()..)?;
        if local
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && !local.ends_with('.')
        {
            Some(format!("{prefix}:{local}"))
        } else {
            None
        }
    }

    /// Expand a CURIE (`xsd:string`) with this map. Full IRIs are returned unchanged.
    pub fn expand(&self, curie: &str) -> Option<String> {
        if curie.contains("://") || curie.starts_with("urn:") {
            return Some(curie.to_owned());
        }
        let (prefix, local) = curie.split_once(':')?;
        Some(format!("{}{local}", self.get(prefix)?))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Prefixes {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut p = Self::new();
        for (k, v) in iter {
            p.insert(k, v);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_and_expand() {
        let mut p = Prefixes::well_known();
        p.insert("ex", "http://example.org/shop#");
        assert_eq!(
            p.shorten("http://www.w3.org/2001/XMLSchema#string")
                .as_deref(),
            Some("xsd:string")
        );
        assert_eq!(
            p.shorten("http://example.org/shop#Order").as_deref(),
            Some("ex:Order")
        );
        assert_eq!(p.shorten("http://other.org/x"), None);
        assert_eq!(p.shorten("http://example.org/shop#a/b"), None);
        assert_eq!(
            p.expand("xsd:int").as_deref(),
            Some("http://www.w3.org/2001/XMLSchema#int")
        );
        assert_eq!(
            p.expand("http://x.org/a").as_deref(),
            Some("http://x.org/a")
        );
        assert_eq!(p.expand("nope:a"), None);
    }
}
