//! API keys that cannot leak by accident: no `Display`, no `Serialize`, a redacting `Debug`.

/// An API key. Its `Debug` output is `ApiKey(<redacted>)`; the only way to read it is
/// [`ApiKey::expose`], used when building the request header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wrap a key (surrounding whitespace is removed).
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_owned())
    }

    /// The key itself, for an HTTP header. Never print or log it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Replace every occurrence of the key in `text` (e.g. a provider's error message that
    /// echoes the key) with `[redacted]`.
    pub fn scrub(&self, text: &str) -> String {
        if self.0.len() < 4 {
            return text.to_owned();
        }
        text.replace(&self.0, "[redacted]")
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Scrub `text` with an optional key.
pub(crate) fn scrub(key: Option<&ApiKey>, text: &str) -> String {
    match key {
        Some(k) => k.scrub(text),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_scrub_removes_the_key() {
        let k = ApiKey::new(" sk-secret-123 ");
        assert_eq!(format!("{k:?}"), "ApiKey(<redacted>)");
        assert_eq!(k.expose(), "sk-secret-123");
        assert_eq!(
            k.scrub("Incorrect API key provided: sk-secret-123."),
            "Incorrect API key provided: [redacted]."
        );
    }
}
