//! Injecting rendered text into an existing file (TEMPLATE_FORMAT.md §2 injection keys).

use ggen_template::{InjectPosition, OnMissingAnchor};
use regex::Regex;

/// An injection whose anchors have been rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedInjection {
    /// Where.
    pub position: InjectPosition,
    /// Skip when the target matches.
    pub skip_if: Option<String>,
    /// Skip when the text is already present.
    pub idempotent: bool,
    /// What to do when the anchor is missing.
    pub on_missing_anchor: OnMissingAnchor,
    /// Create the file when missing.
    pub create_if_missing: bool,
    /// Ensure exactly one final newline.
    pub eof_last: bool,
}

/// The result of one injection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InjectOutcome {
    /// The new content.
    Changed(String),
    /// Nothing to do, and why.
    Skipped(String),
}

fn line_ending(target: &str) -> &'static str {
    if target.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Convert the snippet's line endings to `eol`, and make it end with one.
fn normalize_snippet(snippet: &str, eol: &str) -> String {
    let unified = snippet.replace("\r\n", "\n");
    let mut out = if eol == "\r\n" {
        unified.replace('\n', "\r\n")
    } else {
        unified
    };
    if !out.ends_with('\n') && !out.is_empty() {
        out.push_str(eol);
    }
    out
}

/// Inject `snippet` into `target`. Errors are messages (the caller adds file and template).
pub fn inject(
    target: &str,
    snippet: &str,
    inj: &RenderedInjection,
) -> Result<InjectOutcome, String> {
    let eol = line_ending(target);
    let text = normalize_snippet(snippet, eol);
    if let Some(re) = &inj.skip_if {
        let re = Regex::new(re).map_err(|e| format!("invalid `skip_if` regex: {e}"))?;
        if re.is_match(target) {
            return Ok(InjectOutcome::Skipped(format!(
                "skip_if /{}/ matched",
                re.as_str()
            )));
        }
    }
    let core = text.trim_end_matches(['\r', '\n']);
    if inj.idempotent && !core.is_empty() && target.contains(core) {
        return Ok(InjectOutcome::Skipped(
            "already present (idempotent)".into(),
        ));
    }
    let mut lines: Vec<&str> = target.split_inclusive('\n').collect();
    let terminated = |lines: &mut Vec<String>| {
        if let Some(last) = lines.last_mut()
            && !last.ends_with('\n')
        {
            last.push_str(eol);
        }
    };
    let find = |re: &str| -> Result<Option<usize>, String> {
        let re = Regex::new(re).map_err(|e| format!("invalid anchor regex: {e}"))?;
        Ok(lines
            .iter()
            .position(|l| re.is_match(l.trim_end_matches(['\r', '\n']))))
    };
    let index = match &inj.position {
        InjectPosition::Prepend => 0,
        InjectPosition::Append => lines.len(),
        InjectPosition::AtLine(n) => {
            let n = usize::try_from(*n).unwrap_or(usize::MAX);
            if n == 0 || n > lines.len() + 1 {
                return Err(format!(
                    "at_line {n} is past the end of the file ({} lines; the last valid position is {})",
                    lines.len(),
                    lines.len() + 1
                ));
            }
            n - 1
        }
        InjectPosition::Before(re) | InjectPosition::After(re) => match find(re)? {
            Some(i) => {
                if matches!(inj.position, InjectPosition::After(_)) {
                    i + 1
                } else {
                    i
                }
            }
            None => match inj.on_missing_anchor {
                OnMissingAnchor::Error => {
                    return Err(format!(
                        "anchor /{re}/ matches no line (set on_missing_anchor: append | prepend | skip to allow this)"
                    ));
                }
                OnMissingAnchor::Skip => {
                    return Ok(InjectOutcome::Skipped(format!("anchor /{re}/ not found")));
                }
                OnMissingAnchor::Append => lines.len(),
                OnMissingAnchor::Prepend => 0,
            },
        },
    };
    let mut owned: Vec<String> = lines.drain(..).map(str::to_owned).collect();
    if index > 0 && index == owned.len() {
        terminated(&mut owned);
    }
    owned.insert(index.min(owned.len()), text);
    let mut out: String = owned.concat();
    if inj.eof_last {
        let trimmed_len = out.trim_end_matches(['\r', '\n']).len();
        out.truncate(trimmed_len);
        out.push_str(eol);
    }
    Ok(InjectOutcome::Changed(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inj(position: InjectPosition) -> RenderedInjection {
        RenderedInjection {
            position,
            skip_if: None,
            idempotent: true,
            on_missing_anchor: OnMissingAnchor::Error,
            create_if_missing: false,
            eof_last: false,
        }
    }

    fn changed(o: Result<InjectOutcome, String>) -> String {
        match o.unwrap() {
            InjectOutcome::Changed(s) => s,
            InjectOutcome::Skipped(r) => panic!("skipped: {r}"),
        }
    }

    #[test]
    fn before_after_prepend_append_at_line() {
        let t = "a\nb\nc\n";
        assert_eq!(
            changed(inject(t, "X", &inj(InjectPosition::Before("^b".into())))),
            "a\nX\nb\nc\n"
        );
        assert_eq!(
            changed(inject(t, "X\n", &inj(InjectPosition::After("^b".into())))),
            "a\nb\nX\nc\n"
        );
        assert_eq!(
            changed(inject(t, "X", &inj(InjectPosition::Prepend))),
            "X\na\nb\nc\n"
        );
        assert_eq!(
            changed(inject(t, "X", &inj(InjectPosition::Append))),
            "a\nb\nc\nX\n"
        );
        assert_eq!(
            changed(inject("a\nb", "X", &inj(InjectPosition::Append))),
            "a\nb\nX\n"
        );
        assert_eq!(
            changed(inject(t, "X", &inj(InjectPosition::AtLine(2)))),
            "a\nX\nb\nc\n"
        );
        assert_eq!(
            changed(inject(t, "X", &inj(InjectPosition::AtLine(4)))),
            "a\nb\nc\nX\n"
        );
    }

    #[test]
    fn at_line_past_the_end_is_an_error() {
        let e = inject("a\nb\n", "X", &inj(InjectPosition::AtLine(9))).unwrap_err();
        assert!(e.contains("past the end"), "{e}");
        assert!(e.contains("2 lines"), "{e}");
    }

    #[test]
    fn missing_anchor_policies() {
        let e = inject("a\n", "X", &inj(InjectPosition::After("^zzz".into()))).unwrap_err();
        assert!(e.contains("/^zzz/"), "{e}");
        let mut i = inj(InjectPosition::After("^zzz".into()));
        i.on_missing_anchor = OnMissingAnchor::Append;
        assert_eq!(changed(inject("a\n", "X", &i)), "a\nX\n");
        i.on_missing_anchor = OnMissingAnchor::Prepend;
        assert_eq!(changed(inject("a\n", "X", &i)), "X\na\n");
        i.on_missing_anchor = OnMissingAnchor::Skip;
        assert!(matches!(
            inject("a\n", "X", &i).unwrap(),
            InjectOutcome::Skipped(_)
        ));
    }

    #[test]
    fn crlf_targets_keep_crlf() {
        let out = changed(inject(
            "a\r\nb\r\n",
            "X\nY\n",
            &inj(InjectPosition::After("^a$".into())),
        ));
        assert_eq!(out, "a\r\nX\r\nY\r\nb\r\n");
    }

    #[test]
    fn idempotent_rerun_and_skip_if() {
        let once = changed(inject("mod a;\n", "mod b;", &inj(InjectPosition::Append)));
        assert!(matches!(
            inject(&once, "mod b;", &inj(InjectPosition::Append)).unwrap(),
            InjectOutcome::Skipped(_)
        ));
        let mut i = inj(InjectPosition::Append);
        i.idempotent = false;
        assert_eq!(
            changed(inject(&once, "mod b;", &i)),
            "mod a;\nmod b;\nmod b;\n"
        );
        i.skip_if = Some("mod b".into());
        assert!(matches!(
            inject(&once, "mod b;", &i).unwrap(),
            InjectOutcome::Skipped(_)
        ));
    }

    #[test]
    fn eof_last() {
        let mut i = inj(InjectPosition::Append);
        i.eof_last = true;
        assert_eq!(changed(inject("a\n\n\n", "X\n\n", &i)), "a\n\n\nX\n");
    }
}
