//! Production readiness: requirements are checks that run.
//!
//! A requirement (`[readiness.<name>]` in `make.toml`) has a `category` (`critical`,
//! `important`, `nice-to-have`), an optional `description` and `timeout`, and a `check`: a shell
//! command (`sh -c` in the project root; exit 0 = met, other exit = failed, timeout or spawn
//! failure = error; the last 20 output lines are kept) or `builtin:<name>` (see [`Builtin`]).
//!
//! # Default requirements (when `make.toml` has no `[readiness]` table, or there is no
//! `make.toml`)
//!
//! | category | checks |
//! |---|---|
//! | critical | `readme`, `license`, `tests-present`, `no-secrets` |
//! | important | `ci-config`, `graph-valid`, `no-drift`, `lockfile-verified`, `receipt-present` |
//! | nice-to-have | `dockerfile`, `health-endpoint` |
//!
//! The four ggen checks of the important category are `skipped` outside a ggen project (no
//! `ggen.toml`), `graph-valid` also when no shapes are configured and `lockfile-verified` when
//! there is no `ggen.lock`.
//!
//! # Scoring
//!
//! Per category: `met / total`, where `total` counts met, failed and error checks; skipped
//! checks are left out (they do not apply). Overall = 0.6·critical + 0.3·important +
//! 0.1·nice-to-have, as a percentage with one decimal. When a category has no applicable
//! check, its weight is not silently counted as met or failed: the remaining weights are
//! renormalised (divided by their sum), e.g. with no nice-to-have checks the overall is
//! (0.6·critical + 0.3·important) / 0.9. When no check applies at all the score is `None`.
//!
//! # Validation
//!
//! [`ReadinessReport::validate`] fails when any critical check failed or errored; with
//! `strict`, also when the score is below `min_score` (default 90) or there is no score.

mod builtin;
mod inspect;
mod secrets;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::exec::{Exit, ShellCommand, Tail, run_shell};
use crate::model::MakeFile;
use crate::report::{Reporter, StepKind, StepRef, StepStatus};

/// How many output lines a failing check keeps.
pub const TAIL_LINES: usize = 20;

/// The default minimum score for strict validation.
pub const DEFAULT_MIN_SCORE: f64 = 90.0;

/// Requirement category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Weight 0.6; a failure fails validation.
    Critical,
    /// Weight 0.3.
    Important,
    /// Weight 0.1.
    #[serde(alias = "nice_to_have", alias = "nice")]
    NiceToHave,
}

impl Category {
    /// All categories, in report order.
    pub const ALL: [Category; 3] = [
        Category::Critical,
        Category::Important,
        Category::NiceToHave,
    ];

    /// The weight in the overall score.
    pub fn weight(self) -> f64 {
        match self {
            Self::Critical => 0.6,
            Self::Important => 0.3,
            Self::NiceToHave => 0.1,
        }
    }

    /// The name as written in `make.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::Important => "important",
            Self::NiceToHave => "nice-to-have",
        }
    }
}

/// Built-in checks (`check = "builtin:<name>"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Builtin {
    /// `ggen graph validate <sources> --shapes <shapes>` from `ggen.toml [graph]` passes.
    GraphValid,
    /// `ggen project diff --check` passes (generated code is up to date).
    NoDrift,
    /// `ggen marketplace verify` passes (packs match `ggen.lock`).
    LockfileVerified,
    /// `.ggen/receipt.json` exists and parses.
    ReceiptPresent,
    /// A README with real content (at least 10 words besides headings and badges).
    Readme,
    /// A LICENSE/LICENCE/COPYING file, or a license field in Cargo.toml / package.json /
    /// pyproject.toml.
    License,
    /// A CI configuration (GitHub/Forgejo/Gitea workflows, GitLab, CircleCI, Jenkins, ...).
    CiConfig,
    /// Test files for a detected language (Rust, JavaScript/TypeScript, Python, Go, JVM, Ruby).
    TestsPresent,
    /// No private keys, AWS keys, GitHub/Slack tokens or high-entropy `api_key = "…"`
    /// assignments in tracked files.
    NoSecrets,
    /// A Dockerfile/Containerfile with a `FROM` line.
    Dockerfile,
    /// A route named health/healthz/readyz/livez defined in source code.
    HealthEndpoint,
}

impl Builtin {
    /// Every built-in check.
    pub const ALL: [Builtin; 11] = [
        Builtin::GraphValid,
        Builtin::NoDrift,
        Builtin::LockfileVerified,
        Builtin::ReceiptPresent,
        Builtin::Readme,
        Builtin::License,
        Builtin::CiConfig,
        Builtin::TestsPresent,
        Builtin::NoSecrets,
        Builtin::Dockerfile,
        Builtin::HealthEndpoint,
    ];

    /// The name used after `builtin:`.
    pub fn name(self) -> &'static str {
        match self {
            Self::GraphValid => "graph-valid",
            Self::NoDrift => "no-drift",
            Self::LockfileVerified => "lockfile-verified",
            Self::ReceiptPresent => "receipt-present",
            Self::Readme => "readme",
            Self::License => "license",
            Self::CiConfig => "ci-config",
            Self::TestsPresent => "tests-present",
            Self::NoSecrets => "no-secrets",
            Self::Dockerfile => "dockerfile",
            Self::HealthEndpoint => "health-endpoint",
        }
    }

    /// Look a built-in up by name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// What a requirement runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum CheckSpec {
    /// A shell command.
    Command(String),
    /// A built-in check.
    Builtin(Builtin),
}

impl CheckSpec {
    /// Parse `builtin:<name>` or a command.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let t = text.trim();
        if let Some(name) = t.strip_prefix("builtin:") {
            return Builtin::from_name(name.trim())
                .map(Self::Builtin)
                .ok_or_else(|| format!("unknown built-in check `{}`", name.trim()));
        }
        if t.is_empty() {
            return Err("`check` is empty".into());
        }
        Ok(Self::Command(t.to_owned()))
    }
}

impl std::fmt::Display for CheckSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Command(c) => write!(f, "{c}"),
            Self::Builtin(b) => write!(f, "builtin:{}", b.name()),
        }
    }
}

/// One requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// The name (`[readiness.<name>]`).
    pub name: String,
    /// Category.
    pub category: Category,
    /// Description.
    pub description: Option<String>,
    /// What runs.
    pub check: CheckSpec,
    /// Timeout for a command check, in milliseconds.
    pub timeout_ms: Option<u64>,
}

/// The default requirement set (see the module documentation).
pub fn default_requirements() -> Vec<Requirement> {
    use Builtin as B;
    use Category as C;
    let req = |b: Builtin, category: Category, description: &str| Requirement {
        name: b.name().to_owned(),
        category,
        description: Some(description.to_owned()),
        check: CheckSpec::Builtin(b),
        timeout_ms: None,
    };
    vec![
        req(B::Readme, C::Critical, "README with real content"),
        req(B::License, C::Critical, "License declared"),
        req(B::TestsPresent, C::Critical, "Tests exist"),
        req(B::NoSecrets, C::Critical, "No secrets in tracked files"),
        req(B::CiConfig, C::Important, "CI configuration present"),
        req(
            B::GraphValid,
            C::Important,
            "Graph conforms to its SHACL shapes",
        ),
        req(B::NoDrift, C::Important, "Generated code is up to date"),
        req(B::LockfileVerified, C::Important, "Packs match ggen.lock"),
        req(
            B::ReceiptPresent,
            C::Important,
            "Generation receipt present",
        ),
        req(B::Dockerfile, C::NiceToHave, "Container build file"),
        req(B::HealthEndpoint, C::NiceToHave, "Health endpoint route"),
    ]
}

/// Options for [`assess`].
#[derive(Debug, Clone)]
pub struct ReadinessOptions {
    /// Environment for command checks (`GGEN_ENV` and the `[env.<name>]` overlay).
    pub env: Option<String>,
    /// The ggen executable used by `graph-valid`, `no-drift` and `lockfile-verified` (the CLI
    /// passes `std::env::current_exe()`; default `ggen` from `PATH`).
    pub ggen: PathBuf,
    /// Timeout for command checks without their own (default 10 minutes).
    pub check_timeout: Duration,
    /// Run only the requirements with these names (all when empty).
    pub only: Vec<String>,
    /// Set it to true to stop: the running check's process group is killed, it and the checks
    /// not yet run get status `error` ("cancelled").
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for ReadinessOptions {
    fn default() -> Self {
        Self {
            env: None,
            ggen: PathBuf::from("ggen"),
            check_timeout: Duration::from_secs(600),
            only: Vec::new(),
            cancel: None,
        }
    }
}

/// A check's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// The requirement is met.
    Met,
    /// The requirement is not met.
    Failed,
    /// The check does not apply to this project.
    Skipped,
    /// The check could not run (timeout, missing program, unreadable input).
    Error,
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// Requirement name.
    pub name: String,
    /// Category.
    pub category: Category,
    /// Description.
    pub description: Option<String>,
    /// What ran (`builtin:readme`, or the command).
    pub check: String,
    /// Outcome.
    pub status: CheckStatus,
    /// Wall time.
    pub duration_ms: u64,
    /// One-line explanation.
    pub message: String,
    /// Last output lines (commands) or findings (built-ins); empty when met.
    pub output_tail: Vec<String>,
}

/// Per-category tally.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryScore {
    /// The category.
    pub category: Category,
    /// Met checks.
    pub met: usize,
    /// Failed checks.
    pub failed: usize,
    /// Checks that could not run.
    pub errors: usize,
    /// Checks that do not apply.
    pub skipped: usize,
    /// met + failed + errors.
    pub total: usize,
    /// 100·met/total with one decimal; `None` when total is 0.
    pub score: Option<f64>,
}

/// Where the requirements came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementSource {
    /// `[readiness]` in `make.toml`.
    MakeToml,
    /// The default set.
    Default,
}

/// The readiness report.
#[derive(Debug, Clone, Serialize)]
pub struct ReadinessReport {
    /// The project root.
    pub root: PathBuf,
    /// Where the requirements came from.
    pub source: RequirementSource,
    /// The environment.
    pub env: Option<String>,
    /// Every check, critical first.
    pub checks: Vec<CheckResult>,
    /// Per category, in order critical, important, nice-to-have.
    pub categories: Vec<CategoryScore>,
    /// Overall score in percent with one decimal; `None` when no check applies.
    pub score: Option<f64>,
}

/// The outcome of [`ReadinessReport::validate`].
#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    /// Whether validation passed.
    pub passed: bool,
    /// Whether the score threshold applied.
    pub strict: bool,
    /// The threshold.
    pub min_score: f64,
    /// The overall score.
    pub score: Option<f64>,
    /// Why it failed (empty when it passed).
    pub reasons: Vec<String>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Tally results per category and compute the overall score (see the module documentation).
pub fn score(checks: &[CheckResult]) -> (Vec<CategoryScore>, Option<f64>) {
    let mut categories = Vec::new();
    let mut weighted = 0.0;
    let mut weights = 0.0;
    for category in Category::ALL {
        let count = |s: CheckStatus| {
            checks
                .iter()
                .filter(|c| c.category == category && c.status == s)
                .count()
        };
        let (met, failed, errors, skipped) = (
            count(CheckStatus::Met),
            count(CheckStatus::Failed),
            count(CheckStatus::Error),
            count(CheckStatus::Skipped),
        );
        let total = met + failed + errors;
        let fraction = (total > 0).then(|| met as f64 / total as f64);
        if let Some(f) = fraction {
            weighted += category.weight() * f;
            weights += category.weight();
        }
        categories.push(CategoryScore {
            category,
            met,
            failed,
            errors,
            skipped,
            total,
            score: fraction.map(|f| round1(100.0 * f)),
        });
    }
    let overall = (weights > 0.0).then(|| round1(100.0 * weighted / weights));
    (categories, overall)
}

impl ReadinessReport {
    /// Validate: fails when a critical check failed or errored; when `strict`, also when the
    /// score is below `min_score` or no check applied.
    pub fn validate(&self, strict: bool, min_score: f64) -> Validation {
        let mut reasons = Vec::new();
        for c in &self.checks {
            if c.category == Category::Critical
                && matches!(c.status, CheckStatus::Failed | CheckStatus::Error)
            {
                let word = if c.status == CheckStatus::Failed {
                    "failed"
                } else {
                    "could not run"
                };
                reasons.push(format!("critical check `{}` {word}: {}", c.name, c.message));
            }
        }
        if strict {
            match self.score {
                None => reasons.push("no readiness check applies to this project".into()),
                Some(s) if s < min_score => {
                    reasons.push(format!("score {s:.1} is below the minimum {min_score:.1}"));
                }
                Some(_) => {}
            }
        }
        Validation {
            passed: reasons.is_empty(),
            strict,
            min_score,
            score: self.score,
            reasons,
        }
    }
}

/// Run the readiness checks of the project at `root`: the `[readiness]` requirements of
/// `make` when present, the default set otherwise.
pub fn assess(
    root: &Path,
    make: Option<&MakeFile>,
    options: &ReadinessOptions,
    reporter: &dyn Reporter,
) -> Result<ReadinessReport> {
    let (mut requirements, source) = match make.and_then(|m| m.readiness.clone()) {
        Some(r) => (r, RequirementSource::MakeToml),
        None => (default_requirements(), RequirementSource::Default),
    };
    if !options.only.is_empty() {
        requirements.retain(|r| options.only.contains(&r.name));
    }
    // Critical first; within a category, the order given (defaults) or by name (make.toml).
    requirements.sort_by_key(|r| r.category);
    let mut env = BTreeMap::new();
    if let Some(e) = &options.env {
        if let Some(overlay) = make.and_then(|m| m.environments.get(e)) {
            env.extend(overlay.vars.clone());
        }
        env.insert("GGEN_ENV".to_owned(), e.clone());
    }
    let mut project = builtin::Project::new(root, options);
    let mut checks = Vec::new();
    for req in &requirements {
        let step = StepRef {
            name: req.name.clone(),
            workspace: None,
            kind: StepKind::Check,
        };
        reporter.step_started(&step);
        let start = Instant::now();
        let cancelled = options
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst));
        let outcome = match &req.check {
            _ if cancelled => Outcome::new(CheckStatus::Error, "not run: cancelled"),
            CheckSpec::Command(cmd) => {
                reporter.command_started(&step, cmd);
                let timeout = req
                    .timeout_ms
                    .map_or(options.check_timeout, Duration::from_millis);
                let cmd_check = CommandCheck {
                    dir: root,
                    env: &env,
                    timeout,
                    ggen_codes: false,
                    cancel: options.cancel.as_deref(),
                };
                cmd_check.run(cmd, &step, reporter)
            }
            CheckSpec::Builtin(b) => project.run(*b, &env, reporter, &step),
        };
        let duration_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let step_status = match outcome.status {
            CheckStatus::Met => StepStatus::Succeeded,
            CheckStatus::Failed => StepStatus::Failed,
            CheckStatus::Skipped => StepStatus::Skipped,
            CheckStatus::Error => StepStatus::Error,
        };
        tracing::info!(
            check = %req.name,
            status = ?outcome.status,
            duration_ms,
            "readiness check finished"
        );
        reporter.step_finished(&step, step_status, duration_ms, Some(&outcome.message));
        checks.push(CheckResult {
            name: req.name.clone(),
            category: req.category,
            description: req.description.clone(),
            check: req.check.to_string(),
            status: outcome.status,
            duration_ms,
            message: outcome.message,
            output_tail: if outcome.status == CheckStatus::Met {
                Vec::new()
            } else {
                outcome.tail
            },
        });
    }
    let (categories, score) = score(&checks);
    Ok(ReadinessReport {
        root: root.to_path_buf(),
        source,
        env: options.env.clone(),
        checks,
        categories,
        score,
    })
}

/// A check's outcome before timing is added.
pub(crate) struct Outcome {
    pub status: CheckStatus,
    pub message: String,
    pub tail: Vec<String>,
}

impl Outcome {
    pub(crate) fn new(status: CheckStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            tail: Vec::new(),
        }
    }

    pub(crate) fn with_tail(mut self, tail: Vec<String>) -> Self {
        self.tail = tail;
        self
    }
}

/// How a command check runs.
pub(crate) struct CommandCheck<'a> {
    /// Working directory.
    pub dir: &'a Path,
    /// Variables.
    pub env: &'a BTreeMap<String, String>,
    /// Timeout.
    pub timeout: Duration,
    /// A ggen command: only exit 1 means failed; other non-zero codes (2 = ggen could not do
    /// the check: bad input, I/O, network) mean error.
    pub ggen_codes: bool,
    /// Cancellation flag.
    pub cancel: Option<&'a std::sync::atomic::AtomicBool>,
}

impl CommandCheck<'_> {
    /// Run `cmd`: exit 0 = met, another exit = failed, timeout, cancellation or spawn failure
    /// = error. The last [`TAIL_LINES`] output lines are kept.
    pub(crate) fn run(&self, cmd: &str, step: &StepRef, reporter: &dyn Reporter) -> Outcome {
        let mut tail = Tail::new(TAIL_LINES);
        let shell = ShellCommand {
            command: cmd,
            dir: self.dir,
            env: self.env,
            timeout: self.timeout,
            kill_grace: Duration::from_secs(2),
            args: &[],
            name: "ggen-check",
            stdin: None,
            cancel: self.cancel,
        };
        let result = run_shell(&shell, &mut |stream, line| {
            reporter.output_line(step, stream, line);
            tail.push(line);
        });
        let tail = tail.into_vec();
        match result {
            Ok((Exit::Code(0), _)) => Outcome::new(CheckStatus::Met, format!("`{cmd}` passed")),
            Ok((Exit::Code(c), _)) if self.ggen_codes && c != 1 => Outcome::new(
                CheckStatus::Error,
                format!("`{cmd}` could not complete (exit code {c})"),
            )
            .with_tail(tail),
            Ok((Exit::Code(c), _)) => {
                Outcome::new(CheckStatus::Failed, format!("`{cmd}` exited with code {c}"))
                    .with_tail(tail)
            }
            Ok((Exit::Signal(s), _)) => Outcome::new(
                CheckStatus::Failed,
                format!("`{cmd}` was killed by signal {s}"),
            )
            .with_tail(tail),
            Ok((Exit::TimedOut, _)) => Outcome::new(
                CheckStatus::Error,
                format!(
                    "`{cmd}` timed out after {} (killed)",
                    crate::duration::format_duration(self.timeout)
                ),
            )
            .with_tail(tail),
            Ok((Exit::Cancelled, _)) => {
                Outcome::new(CheckStatus::Error, format!("`{cmd}` cancelled (killed)"))
                    .with_tail(tail)
            }
            Err(e) => Outcome::new(CheckStatus::Error, format!("could not run `{cmd}`: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(category: Category, status: CheckStatus) -> CheckResult {
        CheckResult {
            name: "x".into(),
            category,
            description: None,
            check: "true".into(),
            status,
            duration_ms: 0,
            message: String::new(),
            output_tail: vec![],
        }
    }

    #[test]
    fn scoring_weights_and_renormalisation() {
        use Category::*;
        use CheckStatus::*;
        let checks = vec![
            result(Critical, Met),
            result(Critical, Met),
            result(Important, Met),
            result(Important, Failed),
            result(Important, Skipped),
            result(NiceToHave, Error),
        ];
        let (cats, overall) = score(&checks);
        assert_eq!(cats[0].score, Some(100.0));
        assert_eq!(cats[1].score, Some(50.0));
        assert_eq!(cats[1].skipped, 1);
        assert_eq!(cats[2].score, Some(0.0));
        // 0.6·1 + 0.3·0.5 + 0.1·0 = 0.75
        assert_eq!(overall, Some(75.0));

        // No nice-to-have: (0.6·1 + 0.3·(1/3)) / 0.9 = 77.777…
        let checks = vec![
            result(Critical, Met),
            result(Important, Met),
            result(Important, Failed),
            result(Important, Failed),
        ];
        assert_eq!(score(&checks).1, Some(77.8));

        // Only skipped checks: no score.
        assert_eq!(score(&[result(Critical, Skipped)]).1, None);
    }

    #[test]
    fn validation_rules() {
        use Category::*;
        use CheckStatus::*;
        let report = |checks: Vec<CheckResult>| {
            let (categories, score) = score(&checks);
            ReadinessReport {
                root: PathBuf::from("."),
                source: RequirementSource::Default,
                env: None,
                checks,
                categories,
                score,
            }
        };
        let r = report(vec![result(Critical, Met), result(NiceToHave, Failed)]);
        // (0.6·1 + 0.1·0) / 0.7 = 85.7
        assert_eq!(r.score, Some(85.7));
        assert!(r.validate(false, 90.0).passed);
        let v = r.validate(true, 90.0);
        assert!(!v.passed);
        assert_eq!(v.reasons, vec!["score 85.7 is below the minimum 90.0"]);
        assert!(r.validate(true, 80.0).passed);

        let r = report(vec![result(Critical, Error), result(Important, Met)]);
        assert!(!r.validate(false, 0.0).passed);
    }

    #[test]
    fn check_spec_parsing() {
        assert_eq!(
            CheckSpec::parse("builtin:no-secrets").unwrap(),
            CheckSpec::Builtin(Builtin::NoSecrets)
        );
        assert!(
            CheckSpec::parse("builtin:auth")
                .unwrap_err()
                .contains("unknown built-in")
        );
        assert_eq!(
            CheckSpec::parse(" cargo test ").unwrap(),
            CheckSpec::Command("cargo test".into())
        );
        for b in Builtin::ALL {
            assert_eq!(Builtin::from_name(b.name()), Some(b));
        }
    }
}
