//! Pull code out of a model's reply: fenced blocks (```` ``` ```` or `~~~`, any fence length, with
//! an optional language tag) or, when the reply has no fence, the whole reply.

/// One fenced block of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The language tag, lowercased (`turtle`, `sparql`, …); empty when there is none.
    pub lang: String,
    /// The text between the fences.
    pub body: String,
    /// Whether the closing fence was missing (a cut-off reply).
    pub unclosed: bool,
}

/// Every fenced block of `text`, in order. A closing fence uses the same character and is at
/// least as long as the opening one; a block left open runs to the end of the text.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize, String, Vec<&str>)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let fence = (indent <= 3).then(|| fence_of(trimmed)).flatten();
        match (&mut open, fence) {
            (None, Some((ch, n, info))) => {
                let lang = info
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches('{')
                    .trim_start_matches('.')
                    .trim_end_matches('}')
                    .to_ascii_lowercase();
                open = Some((ch, n, lang, Vec::new()));
            }
            (Some((ch, n, _, _)), Some((c2, n2, info)))
                if c2 == *ch && n2 >= *n && info.is_empty() =>
            {
                if let Some((_, _, lang, lines)) = open.take() {
                    out.push(CodeBlock {
                        lang,
                        body: join(&lines),
                        unclosed: false,
                    });
                }
            }
            (Some((_, _, _, lines)), _) => lines.push(line),
            (None, None) => {}
        }
    }
    if let Some((_, _, lang, lines)) = open {
        out.push(CodeBlock {
            lang,
            body: join(&lines),
            unclosed: true,
        });
    }
    out
}

fn join(lines: &[&str]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// `(fence char, fence length, info string)` when `line` opens or closes a fence.
fn fence_of(line: &str) -> Option<(char, usize, &str)> {
    let ch = line.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let n = line.chars().take_while(|c| *c == ch).count();
    if n < 3 {
        return None;
    }
    let info = line.get(n..)?.trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, n, info))
}

/// The code a reply contains: all blocks tagged with one of `preferred` (joined), else the first
/// block tagged with one of `fallback` (use `""` for untagged blocks), else the first block,
/// else the whole reply. `None` when the reply is blank.
pub fn extract(text: &str, preferred: &[&str], fallback: &[&str]) -> Option<String> {
    let blocks = code_blocks(text);
    let chosen: Vec<&CodeBlock> = blocks
        .iter()
        .filter(|b| preferred.contains(&b.lang.as_str()))
        .collect();
    let body = if !chosen.is_empty() {
        chosen
            .iter()
            .map(|b| b.body.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    } else if let Some(b) = blocks
        .iter()
        .find(|b| fallback.contains(&b.lang.as_str()))
        .or_else(|| blocks.first())
    {
        b.body.clone()
    } else {
        let mut t = text.trim().to_owned();
        t.push('\n');
        t
    };
    (!body.trim().is_empty()).then_some(body)
}

/// Turtle from a reply (`turtle`/`ttl` blocks, else untagged/`rdf`/`n3`/`owl` blocks, else raw).
pub fn turtle(text: &str) -> Option<String> {
    extract(text, &["turtle", "ttl"], &["", "rdf", "n3", "owl", "trig"])
}

/// A SPARQL query from a reply (`sparql`/`rq` blocks, else untagged, else raw).
pub fn sparql(text: &str) -> Option<String> {
    extract(text, &["sparql", "rq"], &["", "sql"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_turtle_is_preferred() {
        let reply = "Here you go:\n\n```turtle\n@prefix ex: <http://e/> .\nex:a a ex:B .\n```\n\nAnd some notes.\n```python\nprint(1)\n```\n";
        assert_eq!(
            turtle(reply).unwrap(),
            "@prefix ex: <http://e/> .\nex:a a ex:B .\n"
        );
        let reply = "```ttl\nA\n```\ntext\n```ttl\nB\n```";
        assert_eq!(turtle(reply).unwrap(), "A\n\nB\n");
    }

    #[test]
    fn untagged_blocks_and_raw_replies() {
        assert_eq!(
            turtle("```\nex:a a ex:B .\n```").unwrap(),
            "ex:a a ex:B .\n"
        );
        assert_eq!(
            turtle("  @prefix ex: <http://e/> .\nex:a a ex:B .  \n").unwrap(),
            "@prefix ex: <http://e/> .\nex:a a ex:B .\n"
        );
        assert_eq!(turtle("   \n"), None);
        assert_eq!(turtle("```turtle\n```"), None);
    }

    #[test]
    fn longer_fences_contain_shorter_ones_and_unclosed_blocks_run_to_the_end() {
        let reply = "````tmpl\n---\nto: a.md\n---\n```rust\nfn main() {}\n```\n````\n";
        let b = code_blocks(reply);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].lang, "tmpl");
        assert!(b[0].body.contains("```rust"));
        let b = code_blocks("```sparql\nSELECT * WHERE { ?s ?p ?o }");
        assert!(b[0].unclosed);
        assert_eq!(
            sparql("```sparql\nSELECT * WHERE { ?s ?p ?o }").unwrap(),
            "SELECT * WHERE { ?s ?p ?o }\n"
        );
        assert_eq!(code_blocks("~~~ {.turtle}\nx\n~~~")[0].lang, "turtle");
    }
}
