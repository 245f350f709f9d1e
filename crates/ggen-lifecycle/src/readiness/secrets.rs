//! Secret detection for the `no-secrets` check. Findings name the kind of secret and the line;
//! the value itself is never reported. A line containing `ggen:allow-secret` is ignored (for
//! documented test fixtures).

use regex::Regex;

/// The marker that exempts a line.
pub(crate) const ALLOW_MARKER: &str = "ggen:allow-secret";

/// Compiled patterns.
pub(crate) struct Scanner {
    fixed: Vec<(Regex, &'static str)>,
    generic: Regex,
}

impl Scanner {
    pub(crate) fn new() -> Result<Self, regex::Error> {
        let fixed = vec![
            (
                Regex::new(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")?,
                "private key block",
            ),
            (
                Regex::new(r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")?,
                "AWS access key ID",
            ),
            (
                Regex::new(
                    r#"(?i)aws_?secret_?access_?key["']?\s*(?:[:=]|:=|=>)\s*["']?[A-Za-z0-9/+=]{40}\b"#,
                )?,
                "AWS secret access key",
            ),
            (
                Regex::new(r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b")?,
                "GitHub token",
            ),
            (
                Regex::new(r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b")?,
                "GitHub fine-grained token",
            ),
            (
                Regex::new(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")?,
                "Slack token",
            ),
            (
                Regex::new(
                    r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+",
                )?,
                "Slack webhook URL",
            ),
        ];
        let generic = Regex::new(
            r#"(?i)\b[\w.-]*(?:api[_-]?key|secret|token|passw(?:or)?d|access[_-]?key|client[_-]?secret|private[_-]?key|auth[_-]?key)[\w.-]*["']?\s*(?::=|=>|[:=])\s*["']([^"'\s]{16,})["']"#,
        )?;
        Ok(Self { fixed, generic })
    }

    /// `(1-based line, kind)` for every finding in `text`.
    pub(crate) fn scan(&self, text: &str) -> Vec<(usize, &'static str)> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.contains(ALLOW_MARKER) {
                continue;
            }
            if let Some((_, kind)) = self.fixed.iter().find(|(re, _)| re.is_match(line)) {
                out.push((i + 1, *kind));
                continue;
            }
            let generic = self
                .generic
                .captures_iter(line)
                .any(|c| c.get(1).is_some_and(|v| looks_random(v.as_str())));
            if generic {
                out.push((i + 1, "high-entropy secret assignment"));
            }
        }
        out
    }
}

/// A value that looks like a real credential: not a placeholder or interpolation, at least two
/// character classes, and Shannon entropy of at least 3.5 bits per character.
fn looks_random(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let placeholder = [
        "${",
        "{{",
        "<",
        "example",
        "changeme",
        "placeholder",
        "dummy",
        "your",
        "xxxx",
        "redacted",
        "env(",
    ]
    .iter()
    .any(|p| lower.contains(p));
    if placeholder {
        return false;
    }
    let classes = [
        value.chars().any(|c| c.is_ascii_lowercase()),
        value.chars().any(|c| c.is_ascii_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    classes >= 2 && entropy(value) >= 3.5
}

fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(usize, &'static str)> {
        Scanner::new().unwrap().scan(text)
    }

    #[test]
    fn finds_known_token_shapes() {
        // Built at run time so this source file does not itself trip secret scanners.
        let aws = format!("key = \"{}{}\"", "AKIA", "Q3EXAMPLEKEY7ABC");
        let gh = format!("token: {}{}", "ghp_", "a".repeat(20) + &"B1".repeat(8));
        let pem = format!("-----BEGIN {} PRIVATE KEY-----", "RSA");
        let slack = format!("{}-{}", "xoxb", "1234567890-abcdefghij");
        let text = format!("{aws}\n{gh}\n{pem}\n{slack}\n");
        assert_eq!(
            kinds(&text),
            vec![
                (1, "AWS access key ID"),
                (2, "GitHub token"),
                (3, "private key block"),
                (4, "Slack token")
            ]
        );
    }

    #[test]
    fn generic_assignments_need_entropy() {
        let real = format!("api_key = \"{}\"", "sk_live_4eC39HqLyjWDarjtT1zdp7dc");
        assert_eq!(kinds(&real), vec![(1, "high-entropy secret assignment")]);
        assert!(kinds("api_key = \"${API_KEY_FROM_ENVIRONMENT}\"").is_empty());
        assert!(kinds("password = \"my-super-long-password-here\"").is_empty());
        assert!(kinds("token = \"your-token-goes-here-12345\"").is_empty());
        assert!(kinds("let auth = \"authentication required\";").is_empty());
        let allowed = format!("{real} # {ALLOW_MARKER}");
        assert!(kinds(&allowed).is_empty());
    }
}
