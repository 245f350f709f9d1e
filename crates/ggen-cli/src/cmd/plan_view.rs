//! Presenting plans: human lines, unified diffs, JSON.

use ggen_engine::{Action, ApplyReport, Plan};
use serde_json::{Value, json};

use crate::cmd::Ctx;

/// How much of the plan to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Changed entries only (unless -v).
    Changes,
    /// Every entry with its diff.
    Diffs,
}

/// Human text for a plan.
pub fn human(ctx: &Ctx, plan: &Plan, detail: Detail) -> String {
    let mut out = String::new();
    let verbose = ctx.global.verbose > 0;
    for e in &plan.entries {
        let interesting = !matches!(e.action, Action::Unchanged | Action::Skip);
        if !(interesting || verbose || (detail == Detail::Diffs && e.action == Action::Skip)) {
            continue;
        }
        out.push_str(&format!(
            "{} {}",
            ctx.style.action(e.action.as_str()),
            e.path
        ));
        if let Some(r) = &e.reason {
            out.push_str(&format!("  ({r})"));
        }
        out.push('\n');
        if detail == Detail::Diffs {
            let d = e.diff();
            if !d.is_empty() {
                for line in d.lines() {
                    let styled = if line.starts_with("+++") || line.starts_with("---") {
                        ctx.style.paint("1", line)
                    } else if line.starts_with('+') {
                        ctx.style.paint("32", line)
                    } else if line.starts_with('-') {
                        ctx.style.paint("31", line)
                    } else if line.starts_with("@@") {
                        ctx.style.paint("36", line)
                    } else {
                        line.to_owned()
                    };
                    out.push_str(&styled);
                    out.push('\n');
                }
            }
        }
    }
    if verbose {
        for s in &plan.skipped {
            out.push_str(&format!(
                "{} {}{}  ({})\n",
                ctx.style.action("skip"),
                s.template,
                s.row_key
                    .as_ref()
                    .map(|k| format!(" [{k}]"))
                    .unwrap_or_default(),
                s.reason
            ));
        }
    }
    for o in &plan.orphans {
        out.push_str(&format!(
            "{} {o}  (no template produces it any more; delete it if it is not needed)\n",
            ctx.style.action("orphan")
        ));
    }
    out
}

/// One-line summary of counts, e.g. "3 created, 9 unchanged".
pub fn summary(plan: &Plan) -> String {
    let counts = plan.counts();
    let order = [
        ("create", "created"),
        ("update", "updated"),
        ("merge", "merged"),
        ("inject", "injected"),
        ("unchanged", "unchanged"),
        ("skip", "skipped"),
        ("conflict", "conflicts"),
    ];
    let parts: Vec<String> = order
        .iter()
        .filter_map(|(k, label)| counts.get(k).map(|n| format!("{n} {label}")))
        .collect();
    if parts.is_empty() {
        "no outputs".to_owned()
    } else {
        parts.join(", ")
    }
}

/// JSON for a plan (entries with optional diffs).
pub fn json(plan: &Plan, with_diffs: bool, applied: Option<&ApplyReport>) -> Value {
    let entries: Vec<Value> = plan
        .entries
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
            if with_diffs && let Value::Object(m) = &mut v {
                m.insert("diff".into(), json!(e.diff()));
            }
            v
        })
        .collect();
    json!({
        "entries": entries,
        "counts": plan.counts(),
        "skipped": plan.skipped,
        "hooks": plan.hooks,
        "warnings": plan.warnings,
        "orphans": plan.orphans,
        "receipt_changed": plan.receipt_changed,
        "fast_path": plan.fast_path,
        "triples": plan.triples,
        "timings_ms": plan.timings,
        "drift": plan.has_drift(),
        "conflicts": plan.has_conflicts(),
        "applied": applied,
    })
}
