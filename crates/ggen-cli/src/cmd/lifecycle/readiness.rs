//! `lifecycle readiness` and `lifecycle validate`.

use ggen_lifecycle::readiness::{
    CheckResult, CheckStatus, ReadinessOptions, ReadinessReport, Validation, assess,
};
use serde_json::json;

use crate::cmd::Ctx;
use crate::cmd::lifecycle::live::{LiveReporter, cancel_flag, cancelled, ggen_exe, indented, ms};
use crate::cmd::lifecycle::{env_or_default, readiness_root};
use crate::output::{CmdError, Report, Style, exit};

fn run_checks(
    ctx: &Ctx,
    env: Option<String>,
    only: Vec<String>,
) -> Result<ReadinessReport, CmdError> {
    let (root, lc) = readiness_root(ctx)?;
    let options = ReadinessOptions {
        env: env_or_default(env),
        ggen: ggen_exe(),
        only,
        cancel: Some(cancel_flag()),
        ..ReadinessOptions::default()
    };
    let reporter = LiveReporter::new(!ctx.global.quiet, ctx.style);
    let report = assess(&root, lc.as_ref().map(|l| &l.make), &options, &reporter)
        .map_err(|e| CmdError::diag(&e))?;
    if cancelled() {
        return Err(CmdError::new("cancelled", "readiness checks cancelled"));
    }
    Ok(report)
}

fn status_text(style: &Style, s: CheckStatus) -> String {
    match s {
        CheckStatus::Met => style.paint("32", "met"),
        CheckStatus::Failed => style.paint("31;1", "FAILED"),
        CheckStatus::Skipped => style.paint("2", "skipped"),
        CheckStatus::Error => style.paint("31;1", "ERROR"),
    }
}

fn check_lines(style: &Style, c: &CheckResult, detailed: bool, width: usize) -> String {
    let failing = matches!(c.status, CheckStatus::Failed | CheckStatus::Error);
    if !failing && !detailed {
        return String::new();
    }
    let mut out = format!(
        "    {:width$}  {:8}  {:>7}  {}\n",
        c.name,
        status_text(style, c.status),
        ms(c.duration_ms),
        c.message
    );
    if detailed {
        if let Some(d) = &c.description {
            out.push_str(&format!("      {d} ({})\n", c.check));
        } else {
            out.push_str(&format!("      {}\n", c.check));
        }
    }
    if failing && !c.output_tail.is_empty() {
        out.push_str(&indented(&c.output_tail, "      | "));
    }
    out
}

/// The report as text: score, per-category tallies, failing checks (every check with
/// `detailed`) with status, duration and output tail.
fn report_text(style: &Style, r: &ReadinessReport, detailed: bool) -> String {
    let score = r.score.map_or_else(
        || "n/a (no check applies)".to_owned(),
        |s| format!("{s:.1}%"),
    );
    let mut out = format!("readiness of {}: {score}\n", r.root.display());
    let width = r.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for cat in &r.categories {
        let cat_score = cat
            .score
            .map_or_else(|| "n/a".to_owned(), |s| format!("{s:.1}%"));
        out.push_str(&format!(
            "  {:13} {cat_score:>7}  ({} met, {} failed, {} errors, {} skipped)\n",
            cat.category.name(),
            cat.met,
            cat.failed,
            cat.errors,
            cat.skipped
        ));
        for c in r.checks.iter().filter(|c| c.category == cat.category) {
            out.push_str(&check_lines(style, c, detailed, width));
        }
    }
    out
}

/// `lifecycle readiness`: always exit 0 unless the checks could not run.
pub fn readiness(
    ctx: &Ctx,
    detailed: bool,
    env: Option<String>,
    only: Vec<String>,
) -> Result<Report, CmdError> {
    let r = run_checks(ctx, env, only)?;
    Ok(Report::new(
        report_text(&ctx.style, &r, detailed),
        json!({ "readiness": r }),
    ))
}

fn validation_text(v: &Validation) -> String {
    let mut out = String::new();
    if v.passed {
        out.push_str(&format!(
            "validation passed{}\n",
            if v.strict {
                format!(" (strict, minimum score {:.1})", v.min_score)
            } else {
                String::new()
            }
        ));
    } else {
        out.push_str("validation FAILED:\n");
        for r in &v.reasons {
            out.push_str(&format!("  - {r}\n"));
        }
    }
    out
}

/// `lifecycle validate`: exit 1 when validation fails.
pub fn validate(
    ctx: &Ctx,
    env: Option<String>,
    strict: bool,
    min_score: f64,
    detailed: bool,
) -> Result<Report, CmdError> {
    if !(0.0..=100.0).contains(&min_score) {
        return Err(CmdError::new(
            "usage",
            format!("--min-score must be between 0 and 100, not {min_score}"),
        ));
    }
    let r = run_checks(ctx, env, Vec::new())?;
    let v = r.validate(strict, min_score);
    let mut human = report_text(&ctx.style, &r, detailed);
    human.push_str(&validation_text(&v));
    let code = if v.passed {
        exit::OK
    } else {
        exit::CHECK_FAILED
    };
    Ok(Report::new(human, json!({ "readiness": r, "validation": v })).with_exit(code))
}
