//! The built-in readiness checks. Each inspects the project itself; none is a substring search
//! over arbitrary files.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{Builtin, CheckStatus, CommandCheck, Outcome, ReadinessOptions};
use crate::exec::sh_quote;
use crate::report::{Reporter, StepRef};

use super::inspect::{git_tracked, manifest_license, prose_words, root_file, walk};

/// Files larger than this are not read by content checks.
const MAX_READ: u64 = 2 * 1024 * 1024;

/// The project being assessed, with its file list computed once.
pub(crate) struct Project<'a> {
    root: &'a Path,
    options: &'a ReadinessOptions,
    files: Option<Result<Vec<String>, String>>,
}

impl<'a> Project<'a> {
    pub(crate) fn new(root: &'a Path, options: &'a ReadinessOptions) -> Self {
        Self {
            root,
            options,
            files: None,
        }
    }

    /// Non-ignored files (relative slash paths, sorted), honouring `.gitignore` even outside a
    /// git repository.
    fn files(&mut self) -> Result<&[String], String> {
        if self.files.is_none() {
            self.files = Some(walk(self.root));
        }
        match &self.files {
            Some(Ok(f)) => Ok(f),
            Some(Err(e)) => Err(e.clone()),
            None => Ok(&[]),
        }
    }

    fn read(&self, rel: &str) -> Option<String> {
        let path = self.root.join(rel);
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_READ {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        if bytes.iter().take(8192).any(|b| *b == 0) {
            return None; // binary
        }
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    pub(crate) fn run(
        &mut self,
        check: Builtin,
        env: &BTreeMap<String, String>,
        reporter: &dyn Reporter,
        step: &StepRef,
    ) -> Outcome {
        let result = match check {
            Builtin::Readme => self.readme(),
            Builtin::License => self.license(),
            Builtin::CiConfig => self.ci_config(),
            Builtin::TestsPresent => self.tests_present(),
            Builtin::NoSecrets => self.no_secrets(),
            Builtin::Dockerfile => self.dockerfile(),
            Builtin::HealthEndpoint => self.health_endpoint(),
            Builtin::ReceiptPresent => Ok(self.receipt_present()),
            Builtin::GraphValid => Ok(self.graph_valid(env, reporter, step)),
            Builtin::NoDrift => {
                Ok(self.ggen_command(&["project", "diff", "--check"], None, env, reporter, step))
            }
            Builtin::LockfileVerified => Ok(self.ggen_command(
                &["marketplace", "verify"],
                Some("ggen.lock"),
                env,
                reporter,
                step,
            )),
        };
        result.unwrap_or_else(|e| Outcome::new(CheckStatus::Error, e))
    }

    fn readme(&mut self) -> Result<Outcome, String> {
        let Some(name) = root_file(self.root, |n| n == "readme" || n.starts_with("readme.")) else {
            return Ok(Outcome::new(
                CheckStatus::Failed,
                "no README file in the project root",
            ));
        };
        let text = self.read(&name).unwrap_or_default();
        let words = prose_words(&text);
        if words >= 10 {
            Ok(Outcome::new(
                CheckStatus::Met,
                format!("{name}: {words} words"),
            ))
        } else {
            Ok(Outcome::new(
                CheckStatus::Failed,
                format!(
                    "{name} has no real content ({words} words besides headings, badges and comments; at least 10 needed)"
                ),
            ))
        }
    }

    fn license(&mut self) -> Result<Outcome, String> {
        if let Some(name) = root_file(self.root, |n| {
            ["license", "licence", "copying", "unlicense"]
                .iter()
                .any(|p| {
                    n == *p || n.starts_with(&format!("{p}.")) || n.starts_with(&format!("{p}-"))
                })
        }) && self.read(&name).is_some_and(|t| !t.trim().is_empty())
        {
            return Ok(Outcome::new(
                CheckStatus::Met,
                format!("license file {name}"),
            ));
        }
        if let Some(found) = manifest_license(self.root) {
            return Ok(Outcome::new(CheckStatus::Met, found));
        }
        Ok(Outcome::new(
            CheckStatus::Failed,
            "no LICENSE/LICENCE/COPYING file and no license field in Cargo.toml, package.json or pyproject.toml",
        ))
    }

    fn ci_config(&mut self) -> Result<Outcome, String> {
        let root = self.root;
        let non_empty =
            |rel: &str| std::fs::metadata(root.join(rel)).is_ok_and(|m| m.is_file() && m.len() > 0);
        for dir in [
            ".github/workflows",
            ".forgejo/workflows",
            ".gitea/workflows",
            ".woodpecker",
        ] {
            let mut found: Vec<String> = std::fs::read_dir(root.join(dir))
                .map(|rd| {
                    rd.filter_map(std::result::Result::ok)
                        .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
                        .filter(|p| (p.ends_with(".yml") || p.ends_with(".yaml")) && non_empty(p))
                        .collect()
                })
                .unwrap_or_default();
            found.sort();
            if let Some(first) = found.first() {
                return Ok(Outcome::new(
                    CheckStatus::Met,
                    format!("CI workflow {first}"),
                ));
            }
        }
        for file in [
            ".gitlab-ci.yml",
            ".circleci/config.yml",
            "Jenkinsfile",
            "azure-pipelines.yml",
            ".travis.yml",
            "bitbucket-pipelines.yml",
            ".drone.yml",
            ".woodpecker.yml",
            ".buildkite/pipeline.yml",
            "buildkite.yml",
            "appveyor.yml",
        ] {
            if non_empty(file) {
                return Ok(Outcome::new(
                    CheckStatus::Met,
                    format!("CI configuration {file}"),
                ));
            }
        }
        let ci_dir = root.join(".ci");
        if std::fs::read_dir(&ci_dir).is_ok_and(|mut rd| rd.next().is_some()) {
            return Ok(Outcome::new(CheckStatus::Met, "CI configuration in .ci/"));
        }
        Ok(Outcome::new(
            CheckStatus::Failed,
            "no CI configuration (.github/workflows/*.yml, .gitlab-ci.yml, .circleci/config.yml, Jenkinsfile, .ci/, ...)",
        ))
    }

    fn tests_present(&mut self) -> Result<Outcome, String> {
        let root = self.root;
        let files = self.files()?.to_vec();
        let has = |name: &str| root.join(name).is_file();
        let mut langs: Vec<(&str, Option<String>)> = Vec::new();
        if has("Cargo.toml") {
            let found = files
                .iter()
                .find(|f| f.ends_with(".rs") && in_dir(f, &["tests"]))
                .cloned()
                .or_else(|| {
                    files.iter().filter(|f| f.ends_with(".rs")).find_map(|f| {
                        self.read(f)
                            .filter(|t| RUST_TEST.is_match(t))
                            .map(|_| format!("{f} (#[test])"))
                    })
                });
            langs.push(("Rust", found));
        }
        if has("package.json") {
            let found = files
                .iter()
                .find(|f| {
                    let js = JS_EXT.iter().any(|e| f.ends_with(e));
                    js && (JS_TEST_NAME.is_match(f) || in_dir(f, &["__tests__", "test", "tests"]))
                })
                .cloned();
            langs.push(("JavaScript/TypeScript", found));
        }
        if [
            "pyproject.toml",
            "setup.py",
            "setup.cfg",
            "requirements.txt",
        ]
        .iter()
        .any(|f| has(f))
        {
            let found = files
                .iter()
                .find(|f| {
                    f.ends_with(".py")
                        && (base(f).starts_with("test_")
                            || f.ends_with("_test.py")
                            || in_dir(f, &["tests", "test"]))
                })
                .cloned();
            langs.push(("Python", found));
        }
        if has("go.mod") {
            langs.push((
                "Go",
                files.iter().find(|f| f.ends_with("_test.go")).cloned(),
            ));
        }
        if ["pom.xml", "build.gradle", "build.gradle.kts"]
            .iter()
            .any(|f| has(f))
        {
            langs.push((
                "JVM",
                files
                    .iter()
                    .find(|f| f.contains("src/test/") && !f.ends_with('/'))
                    .cloned(),
            ));
        }
        if has("Gemfile") {
            langs.push((
                "Ruby",
                files
                    .iter()
                    .find(|f| f.ends_with("_spec.rb") || f.ends_with("_test.rb"))
                    .cloned(),
            ));
        }
        if langs.is_empty() {
            let found = files
                .iter()
                .find(|f| in_dir(f, &["tests", "test", "spec", "__tests__"]))
                .cloned();
            langs.push(("no language detected; test directories", found));
        }
        let lines: Vec<String> = langs
            .iter()
            .map(|(l, f)| format!("{l}: {}", f.as_deref().unwrap_or("no tests found")))
            .collect();
        if langs.iter().any(|(_, f)| f.is_some()) {
            Ok(Outcome::new(CheckStatus::Met, lines.join("; ")))
        } else {
            Ok(Outcome::new(CheckStatus::Failed, lines.join("; ")))
        }
    }

    fn no_secrets(&mut self) -> Result<Outcome, String> {
        let (files, source) = match git_tracked(self.root) {
            Some(files) => (files, "git-tracked"),
            None => (self.files()?.to_vec(), "non-ignored"),
        };
        let scanner =
            super::secrets::Scanner::new().map_err(|e| format!("secret patterns: {e}"))?;
        let mut findings = Vec::new();
        for f in &files {
            if let Some(text) = self.read(f) {
                for (line, kind) in scanner.scan(&text) {
                    findings.push(format!("{f}:{line}: {kind}"));
                }
            }
        }
        if findings.is_empty() {
            Ok(Outcome::new(
                CheckStatus::Met,
                format!("no secrets in {} {source} files", files.len()),
            ))
        } else {
            let n = findings.len();
            findings.truncate(super::TAIL_LINES);
            Ok(Outcome::new(
                CheckStatus::Failed,
                format!("{n} possible secret(s) in {source} files (values not shown)"),
            )
            .with_tail(findings))
        }
    }

    fn dockerfile(&mut self) -> Result<Outcome, String> {
        let files = self.files()?.to_vec();
        let candidates: Vec<&String> = files
            .iter()
            .filter(|f| {
                let b = base(f).to_ascii_lowercase();
                b == "dockerfile"
                    || b == "containerfile"
                    || b.starts_with("dockerfile.")
                    || b.ends_with(".dockerfile")
            })
            .collect();
        for f in &candidates {
            if self.read(f).is_some_and(|t| DOCKER_FROM.is_match(&t)) {
                return Ok(Outcome::new(
                    CheckStatus::Met,
                    format!("{f} (has a FROM line)"),
                ));
            }
        }
        let msg = if candidates.is_empty() {
            "no Dockerfile or Containerfile".to_owned()
        } else {
            format!(
                "{} has no FROM instruction",
                candidates
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Ok(Outcome::new(CheckStatus::Failed, msg))
    }

    fn health_endpoint(&mut self) -> Result<Outcome, String> {
        let files = self.files()?.to_vec();
        for f in files
            .iter()
            .filter(|f| SOURCE_EXT.iter().any(|e| f.ends_with(e)))
        {
            let Some(text) = self.read(f) else { continue };
            for (i, line) in text.lines().enumerate() {
                if let Some(m) = HEALTH_ROUTE.captures(line).and_then(|c| c.name("route")) {
                    return Ok(Outcome::new(
                        CheckStatus::Met,
                        format!("{f}:{}: route {}", i + 1, m.as_str()),
                    ));
                }
            }
        }
        Ok(Outcome::new(
            CheckStatus::Failed,
            "no route named health, healthz, readyz or livez defined in source files",
        ))
    }

    fn receipt_present(&self) -> Outcome {
        if !self.root.join("ggen.toml").is_file() {
            return Outcome::new(
                CheckStatus::Skipped,
                "skipped: not a ggen project (no ggen.toml)",
            );
        }
        let path = self.root.join(".ggen/receipt.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Outcome::new(
                    CheckStatus::Failed,
                    ".ggen/receipt.json is missing (run `ggen project gen`)",
                );
            }
            Err(e) => return Outcome::new(CheckStatus::Error, format!(".ggen/receipt.json: {e}")),
        };
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(map)) => {
                let outputs = map
                    .get("outputs")
                    .and_then(serde_json::Value::as_array)
                    .map_or(0, Vec::len);
                Outcome::new(
                    CheckStatus::Met,
                    format!(".ggen/receipt.json parses ({outputs} outputs recorded)"),
                )
            }
            Ok(_) => Outcome::new(
                CheckStatus::Failed,
                ".ggen/receipt.json is not a JSON object",
            ),
            Err(e) => Outcome::new(
                CheckStatus::Failed,
                format!(
                    ".ggen/receipt.json does not parse: line {} column {}: {e}",
                    e.line(),
                    e.column()
                ),
            ),
        }
    }

    fn graph_valid(
        &self,
        env: &BTreeMap<String, String>,
        reporter: &dyn Reporter,
        step: &StepRef,
    ) -> Outcome {
        let manifest = self.root.join("ggen.toml");
        if !manifest.is_file() {
            return Outcome::new(
                CheckStatus::Skipped,
                "skipped: not a ggen project (no ggen.toml)",
            );
        }
        let text = match std::fs::read_to_string(&manifest) {
            Ok(t) => t,
            Err(e) => return Outcome::new(CheckStatus::Error, format!("ggen.toml: {e}")),
        };
        let doc: toml::Table = match toml::from_str(&text) {
            Ok(d) => d,
            Err(e) => {
                let err = crate::model::toml_error(&e, &text, Path::new("ggen.toml"));
                return Outcome::new(CheckStatus::Error, err.to_string());
            }
        };
        let list = |key: &str| -> Vec<String> {
            doc.get("graph")
                .and_then(|g| g.get(key))
                .and_then(toml::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (sources, shapes) = (list("sources"), list("shapes"));
        if shapes.is_empty() {
            return Outcome::new(
                CheckStatus::Skipped,
                "skipped: ggen.toml [graph] configures no shapes",
            );
        }
        let expand = |patterns: &[String]| crate::fileset::matching_files(self.root, patterns);
        let (data, shape_files) = match (expand(&sources), expand(&shapes)) {
            (Ok(d), Ok(s)) => (d, s),
            (Err(e), _) | (_, Err(e)) => {
                return Outcome::new(CheckStatus::Error, format!("ggen.toml [graph]: {e}"));
            }
        };
        if data.is_empty() {
            return Outcome::new(
                CheckStatus::Failed,
                "ggen.toml [graph] sources match no file",
            );
        }
        if shape_files.is_empty() {
            return Outcome::new(
                CheckStatus::Failed,
                "ggen.toml [graph] shapes match no file",
            );
        }
        let mut args: Vec<String> = vec!["graph".into(), "validate".into()];
        args.extend(data);
        args.push("--shapes".into());
        args.extend(shape_files);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.ggen_command(&args, None, env, reporter, step)
    }

    /// Run `<ggen> <args>` in the root; skipped outside a ggen project or when `needs` (a file)
    /// is absent.
    fn ggen_command(
        &self,
        args: &[&str],
        needs: Option<&str>,
        env: &BTreeMap<String, String>,
        reporter: &dyn Reporter,
        step: &StepRef,
    ) -> Outcome {
        if !self.root.join("ggen.toml").is_file() {
            return Outcome::new(
                CheckStatus::Skipped,
                "skipped: not a ggen project (no ggen.toml)",
            );
        }
        if let Some(file) = needs
            && !self.root.join(file).is_file()
        {
            return Outcome::new(
                CheckStatus::Skipped,
                format!("skipped: no {file} (no packs installed)"),
            );
        }
        let mut cmd = sh_quote(&self.options.ggen.to_string_lossy());
        for a in args {
            cmd.push(' ');
            cmd.push_str(&sh_quote(a));
        }
        reporter.command_started(step, &cmd);
        CommandCheck {
            dir: self.root,
            env,
            timeout: self.options.check_timeout,
            ggen_codes: true,
            cancel: self.options.cancel.as_deref(),
        }
        .run(&cmd, step, reporter)
    }
}

static RUST_TEST: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"#\[(?:[\w:]+::)?test\]|#\[cfg\(test\)\]").ok());
static JS_TEST_NAME: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\.(?:test|spec)\.[cm]?[jt]sx?$").ok());
static DOCKER_FROM: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?im)^\s*FROM\s+\S+").ok());

/// A route definition whose path is health/healthz/readyz/livez: a routing call or attribute
/// (`.route(`, `.get(`, `HandleFunc(`, `#[get(`, `@app.get(`, `@GetMapping(`, `path(`, ...)
/// immediately followed by the string literal of the path.
static HEALTH_ROUTE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?:(?:\.|::)\s*(?:route|get|head|any|all|handle|handle_func|HandleFunc|Handle|GET|Get|HEAD|at|api_route|add_api_route|add_url_rule|resource|service|nest|path|match|on)\s*\(\s*"#,
        r#"|#\[\s*(?:get|head|route)\s*\(\s*"#,
        r#"|@[\w.]*(?:route|get|head|api_route|GetMapping|RequestMapping|Get|Route|HttpGet)\s*\(\s*(?:(?:value|path)\s*=\s*)?"#,
        r#"|\b(?:path|re_path|url|HandleFunc|Handle)!?\s*\(\s*)"#,
        r#"["'`](?:(?:GET|HEAD)\s+)?(?P<route>/?(?:[\w.{}:-]+/)*(?:health|healthz|readyz|livez)(?:/[\w.-]*)*)["'`]"#,
    ))
    .ok()
});

trait OptRegex {
    fn is_match(&self, text: &str) -> bool;
    fn captures<'t>(&self, text: &'t str) -> Option<regex::Captures<'t>>;
}

impl OptRegex for LazyLock<Option<Regex>> {
    fn is_match(&self, text: &str) -> bool {
        self.as_ref().is_some_and(|r| r.is_match(text))
    }
    fn captures<'t>(&self, text: &'t str) -> Option<regex::Captures<'t>> {
        self.as_ref().and_then(|r| r.captures(text))
    }
}

const JS_EXT: &[&str] = &[".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs"];
const SOURCE_EXT: &[&str] = &[
    ".rs", ".go", ".py", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".java", ".kt", ".rb",
    ".php", ".cs", ".ex", ".exs", ".scala", ".swift",
];

fn base(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Is any directory component of `rel` one of `dirs`?
fn in_dir(rel: &str, dirs: &[&str]) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts.iter().any(|p| dirs.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_routes_are_route_definitions() {
        let yes = [
            r#".route("/health", get(health))"#,
            r#"app.get('/healthz', (req, res) => res.send('ok'))"#,
            r#"http.HandleFunc("/readyz", ready)"#,
            r#"mux.HandleFunc("GET /livez", live)"#,
            r#"#[get("/health")]"#,
            r#"@app.get("/api/v1/health")"#,
            r#"@app.route("/health", methods=["GET"])"#,
            r#"@GetMapping("/actuator/health")"#,
            r#"path("health/", views.health),"#,
            r#"web::resource("/healthz").to(h)"#,
        ];
        for line in yes {
            assert!(HEALTH_ROUTE.is_match(line), "should match: {line}");
        }
        let no = [
            "// TODO: add a health check",
            r#"let health = compute_health();"#,
            r#"println!("/health is not served");"#,
            r#"const AUTH = "auth";"#,
            r#".route("/healthy-food", get(food))"#,
            r#".route("/authorize", get(auth))"#,
        ];
        for line in no {
            assert!(!HEALTH_ROUTE.is_match(line), "should not match: {line}");
        }
    }

    #[test]
    fn rust_test_markers() {
        assert!(RUST_TEST.is_match("#[test]\nfn a() {}"));
        assert!(RUST_TEST.is_match("#[tokio::test]"));
        assert!(RUST_TEST.is_match("#[cfg(test)]\nmod tests {}"));
        assert!(!RUST_TEST.is_match("// we should test this"));
    }
}
