//! Bearer tokens and scopes.
//!
//! A token is `ggr_<id>_<secret>`: `<id>` is the database row, `<secret>` 32 random bytes in
//! hex. Only the SHA-256 of the secret is stored; authentication looks the row up by id and
//! compares the hashes in constant time. Scopes: `publish:<prefix>`, `yank:<prefix>` (a pack id
//! namespace: `io.acme` covers `io.acme` and `io.acme.*`; `*` covers everything) and `admin`
//! (token administration only).

use std::fmt;

/// Prefix of every token.
pub const TOKEN_PREFIX: &str = "ggr_";

/// What a token may do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Publish packs in a namespace.
    Publish(String),
    /// Yank and unyank versions in a namespace.
    Yank(String),
    /// Create, list and revoke tokens.
    Admin,
}

/// An invalid scope string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scope `{scope}`: {reason}")]
pub struct InvalidScope {
    /// The text.
    pub scope: String,
    /// Why.
    pub reason: String,
}

fn valid_prefix(p: &str) -> Result<(), String> {
    if p == "*" {
        return Ok(());
    }
    if p.is_empty() || p.len() > ggen_pack::MAX_ID_LEN {
        return Err("the namespace must be `*` or 1 to 64 characters".into());
    }
    for seg in p.split('.') {
        let mut chars = seg.chars();
        match chars.next() {
            None => return Err("the namespace has an empty segment".into()),
            Some(c) if !(c.is_ascii_lowercase() || c.is_ascii_digit()) => {
                return Err(format!("segment `{seg}` must start with a-z or 0-9"));
            }
            Some(_) => {}
        }
        if chars.any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')) {
            return Err(format!("segment `{seg}` may only contain a-z, 0-9 and `-`"));
        }
    }
    Ok(())
}

impl Scope {
    /// Parse `publish:<ns>`, `yank:<ns>` or `admin`.
    pub fn parse(text: &str) -> Result<Self, InvalidScope> {
        let bad = |reason: String| InvalidScope {
            scope: text.to_owned(),
            reason,
        };
        if text == "admin" {
            return Ok(Self::Admin);
        }
        let (kind, ns) = text
            .split_once(':')
            .ok_or_else(|| bad("expected publish:<namespace>, yank:<namespace> or admin".into()))?;
        valid_prefix(ns).map_err(bad)?;
        match kind {
            "publish" => Ok(Self::Publish(ns.to_owned())),
            "yank" => Ok(Self::Yank(ns.to_owned())),
            _ => Err(bad(format!("unknown scope kind `{kind}`"))),
        }
    }

    /// Parse a space-separated list (as stored).
    pub fn parse_list(text: &str) -> Result<Vec<Self>, InvalidScope> {
        let mut v = text
            .split_whitespace()
            .map(Self::parse)
            .collect::<Result<Vec<_>, _>>()?;
        v.sort();
        v.dedup();
        Ok(v)
    }

    /// The stored form of a list.
    pub fn render_list(scopes: &[Self]) -> String {
        scopes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Publish(ns) => write!(f, "publish:{ns}"),
            Self::Yank(ns) => write!(f, "yank:{ns}"),
            Self::Admin => f.write_str("admin"),
        }
    }
}

/// Whether namespace `ns` covers pack `id`.
pub fn covers(ns: &str, id: &str) -> bool {
    ns == "*"
        || id == ns
        || id
            .strip_prefix(ns)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need<'a> {
    /// Publish this pack.
    Publish(&'a str),
    /// Yank or unyank this pack's versions.
    Yank(&'a str),
    /// Administer tokens.
    Admin,
}

/// Whether `scopes` allow `need`.
pub fn allows(scopes: &[Scope], need: Need<'_>) -> bool {
    scopes.iter().any(|s| match (s, need) {
        (Scope::Publish(ns), Need::Publish(id)) | (Scope::Yank(ns), Need::Yank(id)) => {
            covers(ns, id)
        }
        (Scope::Admin, Need::Admin) => true,
        _ => false,
    })
}

/// A new token: the text handed to the user once, and the hash to store.
#[derive(Clone)]
pub struct NewSecret {
    /// The random secret (hex).
    pub secret: String,
    /// Its SHA-256 (hex), stored.
    pub sha256: String,
}

impl fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewSecret(***)")
    }
}

/// Generate a secret from the operating system's random source.
pub fn new_secret() -> Result<NewSecret, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random bytes: {e}"))?;
    let secret = hex::encode(bytes);
    let sha256 = ggen_core::hash::sha256_hex(secret.as_bytes());
    Ok(NewSecret { secret, sha256 })
}

/// The full token text for a row id and secret.
pub fn token_text(id: i64, secret: &str) -> String {
    format!("{TOKEN_PREFIX}{id}_{secret}")
}

/// Split `ggr_<id>_<secret>`; `None` when the text is not shaped like a token.
pub fn parse_token(text: &str) -> Option<(i64, &str)> {
    let rest = text.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((id.parse().ok()?, secret))
}

/// The bearer token of an `Authorization` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Compare two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `secret` hashes to `stored_sha256`.
pub fn secret_matches(secret: &str, stored_sha256: &str) -> bool {
    let h = ggen_core::hash::sha256_hex(secret.as_bytes());
    constant_time_eq(h.as_bytes(), stored_sha256.as_bytes())
}

/// A token just created: the full text (shown once) and its row.
#[derive(Clone)]
pub struct CreatedToken {
    /// Row id.
    pub id: i64,
    /// `ggr_<id>_<secret>`.
    pub token: String,
    /// Its scopes.
    pub scopes: Vec<Scope>,
}

impl fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedToken")
            .field("id", &self.id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Errors creating a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Bad name or scopes.
    #[error("{0}")]
    Invalid(String),
    /// Database failure.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

impl ggen_core::Diagnostic for TokenError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid-token-request",
            Self::Db(e) => ggen_core::Diagnostic::code(e),
        }
    }

    fn location(&self) -> Option<&ggen_core::Location> {
        None
    }
}

/// Create a token with a name and scopes (used by the admin API and `ggen-registry token
/// create`). Only the secret's hash is stored.
pub async fn create_token(
    db: &crate::db::Db,
    name: &str,
    scopes: &[String],
) -> Result<CreatedToken, TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(TokenError::Invalid(
            "the token name must be 1 to 100 printable characters".into(),
        ));
    }
    if scopes.is_empty() {
        return Err(TokenError::Invalid(
            "a token needs at least one scope (publish:<namespace>, yank:<namespace>, admin)"
                .into(),
        ));
    }
    let mut parsed = scopes
        .iter()
        .map(|s| Scope::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TokenError::Invalid(e.to_string()))?;
    parsed.sort();
    parsed.dedup();
    let secret = new_secret().map_err(TokenError::Invalid)?;
    let id = db
        .create_token(name, &secret.sha256, &Scope::render_list(&parsed))
        .await?;
    Ok(CreatedToken {
        id,
        token: token_text(id, &secret.secret),
        scopes: parsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_render_and_cover() {
        let s = Scope::parse_list("yank:io.acme publish:io.acme admin publish:io.acme").unwrap();
        assert_eq!(Scope::render_list(&s), "publish:io.acme yank:io.acme admin");
        assert!(allows(&s, Need::Publish("io.acme")));
        assert!(allows(&s, Need::Publish("io.acme.models")));
        assert!(!allows(&s, Need::Publish("io.acmex.models")));
        assert!(!allows(&s, Need::Publish("io.other")));
        assert!(allows(&s, Need::Yank("io.acme.x")));
        assert!(allows(&s, Need::Admin));
        let p = Scope::parse_list("publish:*").unwrap();
        assert!(allows(&p, Need::Publish("any.thing")));
        assert!(!allows(&p, Need::Yank("any.thing")));
        assert!(!allows(&p, Need::Admin));
        for bad in [
            "publish:",
            "publish:IO",
            "publish:io..x",
            "delete:io",
            "root",
            "yank:io/x",
        ] {
            assert!(Scope::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn token_round_trip() {
        let s = new_secret().unwrap();
        assert_eq!(s.secret.len(), 64);
        let t = token_text(42, &s.secret);
        let (id, secret) = parse_token(&t).unwrap();
        assert_eq!(id, 42);
        assert!(secret_matches(secret, &s.sha256));
        assert!(!secret_matches(&"0".repeat(64), &s.sha256));
        assert!(parse_token("ggr_x_abc").is_none());
        assert!(parse_token(&format!("ggr_1_{}", "g".repeat(64))).is_none());
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert!(format!("{s:?}").contains("***"));
    }
}
