//! The injection keys of the frontmatter (`inject`, `before`/`after`/`prepend`/`append`/`at_line`,
//! `skip_if`, `idempotent`, `on_missing_anchor`, `create_if_missing`, `eof_last`).

use serde_json::Value as Json;

use super::cx::Cx;
use crate::error::TemplateError;

/// Where an injection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InjectPosition {
    /// Before the first line matching the regex.
    Before(String),
    /// After the first line matching the regex.
    After(String),
    /// At the top of the file.
    Prepend,
    /// At the bottom of the file.
    Append,
    /// Before line N (1-based).
    AtLine(u64),
}

/// What to do when a `before`/`after` anchor matches no line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnMissingAnchor {
    /// Fail (the default).
    #[default]
    Error,
    /// Append at the end.
    Append,
    /// Prepend at the top.
    Prepend,
    /// Skip this injection.
    Skip,
}

/// Settings of an `inject: true` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injection {
    /// Where.
    pub position: InjectPosition,
    /// Skip when the target already matches this regex.
    pub skip_if: Option<String>,
    /// Skip when the rendered text is already present (default true).
    pub idempotent: bool,
    /// Behaviour when the anchor is missing.
    pub on_missing_anchor: OnMissingAnchor,
    /// Create the target with the body when it does not exist.
    pub create_if_missing: bool,
    /// Ensure exactly one final newline after injecting.
    pub eof_last: bool,
}

pub(super) fn parse_injection(
    cx: &Cx<'_>,
    raw: &serde_json::Map<String, Json>,
) -> Result<Option<Injection>, TemplateError> {
    let inject = match raw.get("inject") {
        None | Some(Json::Null) => false,
        Some(v) => cx.boolean("inject", v.clone())?,
    };
    let mut positions: Vec<(&str, InjectPosition)> = Vec::new();
    for key in ["before", "after"] {
        if let Some(v) = raw.get(key)
            && let Some(re) = cx.opt_string(key, v.clone())?
        {
            regex::Regex::new(&re).map_err(|e| {
                cx.err(
                    key,
                    &format!("`{key}` is not a valid regular expression: {e}"),
                )
            })?;
            positions.push((
                key,
                if key == "before" {
                    InjectPosition::Before(re)
                } else {
                    InjectPosition::After(re)
                },
            ));
        }
    }
    for key in ["prepend", "append"] {
        if let Some(v) = raw.get(key)
            && cx.boolean(key, v.clone())?
        {
            positions.push((
                key,
                if key == "prepend" {
                    InjectPosition::Prepend
                } else {
                    InjectPosition::Append
                },
            ));
        }
    }
    if let Some(v) = raw.get("at_line") {
        match v {
            Json::Null => {}
            Json::Number(n) => match n.as_u64() {
                Some(n) if n >= 1 => positions.push(("at_line", InjectPosition::AtLine(n))),
                _ => return Err(cx.err("at_line", "`at_line` must be a line number of 1 or more")),
            },
            other => return Err(cx.wrong("at_line", "a line number", other)),
        }
    }
    let others = [
        "skip_if",
        "idempotent",
        "on_missing_anchor",
        "create_if_missing",
        "eof_last",
    ];
    if !inject {
        if let Some((key, _)) = positions.first() {
            return Err(cx.err(
                key,
                &format!("`{key}` only applies to injection; add `inject: true`"),
            ));
        }
        if let Some(key) = others
            .iter()
            .find(|k| raw.get(**k).is_some_and(|v| !v.is_null()))
        {
            return Err(cx.err(
                key,
                &format!("`{key}` only applies to injection; add `inject: true`"),
            ));
        }
        return Ok(None);
    }
    if positions.len() > 1 {
        let mut names: Vec<&str> = positions.iter().map(|(k, _)| *k).collect();
        names.sort_by_key(|k| cx.key_lines.get(*k).copied().unwrap_or(0));
        return Err(cx.err(
            names.last().copied().unwrap_or("inject"),
            &format!(
                "give exactly one injection position; found {}",
                names.join(", ")
            ),
        ));
    }
    let Some((_, position)) = positions.pop() else {
        return Err(cx.err(
            "inject",
            "`inject: true` needs one of `before`, `after`, `prepend`, `append`, `at_line`",
        ));
    };
    let skip_if = match raw.get("skip_if") {
        Some(v) => {
            let s = cx.opt_string("skip_if", v.clone())?;
            if let Some(re) = &s {
                regex::Regex::new(re).map_err(|e| {
                    cx.err(
                        "skip_if",
                        &format!("`skip_if` is not a valid regular expression: {e}"),
                    )
                })?;
            }
            s
        }
        None => None,
    };
    let flag = |key: &str, default: bool| -> Result<bool, TemplateError> {
        match raw.get(key) {
            None | Some(Json::Null) => Ok(default),
            Some(v) => cx.boolean(key, v.clone()),
        }
    };
    let on_missing_anchor = match raw.get("on_missing_anchor") {
        None | Some(Json::Null) => OnMissingAnchor::Error,
        Some(Json::String(s)) => {
            match s.as_str() {
                "error" => OnMissingAnchor::Error,
                "append" => OnMissingAnchor::Append,
                "prepend" => OnMissingAnchor::Prepend,
                "skip" => OnMissingAnchor::Skip,
                other => {
                    return Err(cx.err(
                    "on_missing_anchor",
                    &format!("`on_missing_anchor: {other}` is not one of error, append, prepend, skip"),
                ));
                }
            }
        }
        Some(other) => {
            return Err(cx.wrong(
                "on_missing_anchor",
                "one of error, append, prepend, skip",
                other,
            ));
        }
    };
    Ok(Some(Injection {
        position,
        skip_if,
        idempotent: flag("idempotent", true)?,
        on_missing_anchor,
        create_if_missing: flag("create_if_missing", false)?,
        eof_last: flag("eof_last", false)?,
    }))
}
