//! The minijinja environment of one template, and rendering with precise error locations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ggen_core::Location;
use ggen_graph::{Graph, Prefixes, QueryOptions, QuerySource};
use ggen_lang::types::TypeTables;
use minijinja::value::{Serde, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior};

use crate::error::TemplateError;
use crate::frontmatter::ToSpec;
use crate::functions;
use crate::template::Template;

/// What a template renderer needs besides the template itself.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Directories searched for `include`/`import`/`extends` (after the template's own directory).
    pub search_dirs: Vec<PathBuf>,
    /// Prefixes known to queries and the `prefixed` filter (project + graph + template).
    pub prefixes: Prefixes,
    /// Base IRI for queries run by `sparql()`.
    pub base: Option<String>,
    /// Type tables (built-in plus `ggen.toml [types.*]` overrides).
    pub types: Option<TypeTables>,
}

/// State shared with filters and functions.
pub(crate) struct Shared {
    /// Where `sparql()` runs: a local graph or a remote endpoint.
    pub(crate) graph: Option<Arc<dyn QuerySource>>,
    pub(crate) query_opts: QueryOptions,
    pub(crate) prefixes: Prefixes,
    pub(crate) types: TypeTables,
    pub(crate) env_reads: Mutex<BTreeMap<String, Option<String>>>,
    pub(crate) warnings: Mutex<BTreeSet<String>>,
    pub(crate) template_name: String,
    /// name → (file shown in messages, 1-based first line of the body, source)
    pub(crate) sources: Mutex<BTreeMap<String, (PathBuf, u64, String)>>,
    pub(crate) search_dirs: Vec<PathBuf>,
}

/// A compiled template ready to render rows.
pub struct Renderer {
    env: Environment<'static>,
    shared: Arc<Shared>,
    name: String,
    to: Option<String>,
    when: Option<String>,
    key_lines: BTreeMap<String, u64>,
}

const TO_SUFFIX: &str = "#to";

impl Renderer {
    /// Compile `template` (its body, `to:` and `when:`) with access to `graph` for `sparql()`.
    pub fn new(
        template: &Template,
        graph: Option<Graph>,
        opts: &RenderOptions,
    ) -> Result<Renderer, TemplateError> {
        Self::with_source(
            template,
            graph.map(|g| Arc::new(g) as Arc<dyn QuerySource>),
            opts,
        )
    }

    /// Like [`Renderer::new`], with `sparql()` running on any [`QuerySource`] (a local graph or
    /// a remote SPARQL endpoint).
    pub fn with_source(
        template: &Template,
        graph: Option<Arc<dyn QuerySource>>,
        opts: &RenderOptions,
    ) -> Result<Renderer, TemplateError> {
        let mut search_dirs = Vec::new();
        if let Some(d) = template.dir() {
            search_dirs.push(d.to_path_buf());
        }
        search_dirs.extend(opts.search_dirs.iter().cloned());
        let query_opts = QueryOptions::new()
            .with_prefixes(&opts.prefixes)
            .with_base(opts.base.as_deref())
            .with_name("sparql()");
        let shared = Arc::new(Shared {
            graph,
            query_opts,
            prefixes: opts.prefixes.clone(),
            types: opts.types.clone().unwrap_or_else(TypeTables::builtin),
            env_reads: Mutex::new(BTreeMap::new()),
            warnings: Mutex::new(BTreeSet::new()),
            template_name: template.name.clone(),
            sources: Mutex::new(BTreeMap::new()),
            search_dirs,
        });
        let mut env = base_env();
        functions::register(&mut env, &shared);
        let loader_shared = shared.clone();
        env.set_loader(move |name| load_partial(&loader_shared, name));

        let mut r = Renderer {
            env,
            shared,
            name: template.name.clone(),
            to: None,
            when: None,
            key_lines: template.frontmatter.key_lines.clone(),
        };
        r.remember(
            &template.name,
            template.body_file.clone(),
            template.body_line,
            &template.body,
        );
        r.env
            .add_template_owned(template.name.clone(), template.body.clone())
            .map_err(|e| r.map_err(&e, None))?;
        if let ToSpec::Path(to) = &template.frontmatter.to {
            let name = format!("{}{TO_SUFFIX}", template.name);
            let line = template.frontmatter.line_of("to");
            r.remember(&name, PathBuf::from(&template.name), line, to);
            r.env
                .add_template_owned(name, to.clone())
                .map_err(|e| r.map_err(&e, None))?;
            r.to = Some(to.clone());
        }
        if let Some(when) = &template.frontmatter.when {
            r.env
                .compile_expression(when)
                .map_err(|e| r.frontmatter_err("when", &e))?;
            r.when = Some(when.clone());
        }
        Ok(r)
    }

    fn remember(&self, name: &str, file: PathBuf, line: u64, source: &str) {
        if let Ok(mut m) = self.shared.sources.lock() {
            m.insert(name.to_owned(), (file, line, source.to_owned()));
        }
    }

    /// Render the body.
    pub fn render_body(&self, ctx: &Value) -> Result<String, TemplateError> {
        let t = self
            .env
            .get_template(&self.name)
            .map_err(|e| self.map_err(&e, Some(ctx)))?;
        t.render(ctx).map_err(|e| self.map_err(&e, Some(ctx)))
    }

    /// Render `to:`; `Ok(None)` when the template has `to: null` or the path renders empty.
    pub fn render_to(&self, ctx: &Value) -> Result<Option<String>, TemplateError> {
        if self.to.is_none() {
            return Ok(None);
        }
        let name = format!("{}{TO_SUFFIX}", self.name);
        let t = self
            .env
            .get_template(&name)
            .map_err(|e| self.map_err(&e, Some(ctx)))?;
        let out = t.render(ctx).map_err(|e| self.map_err(&e, Some(ctx)))?;
        let out = out.trim();
        Ok(if out.is_empty() {
            None
        } else {
            Some(out.to_owned())
        })
    }

    /// Evaluate `when:` (true when the template has none).
    pub fn eval_when(&self, ctx: &Value) -> Result<bool, TemplateError> {
        let Some(when) = &self.when else {
            return Ok(true);
        };
        let expr = self
            .env
            .compile_expression(when)
            .map_err(|e| self.frontmatter_err("when", &e))?;
        let v = expr
            .eval(ctx)
            .map_err(|e| self.frontmatter_err("when", &e))?;
        Ok(v.is_true())
    }

    /// Render a frontmatter string (a query, a path, a command) found under `key`.
    pub fn render_value(
        &self,
        key: &str,
        text: &str,
        ctx: &Value,
    ) -> Result<String, TemplateError> {
        if !text.contains("{{") && !text.contains("{%") {
            return Ok(text.to_owned());
        }
        self.env
            .render_str(text, ctx)
            .map_err(|e| self.frontmatter_err(key, &e))
    }

    /// Names the body and `to:` use without defining them (top-level names and dotted paths such
    /// as `row.label`), for static checks.
    pub fn undeclared(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for name in [self.name.clone(), format!("{}{TO_SUFFIX}", self.name)] {
            if let Ok(t) = self.env.get_template(&name) {
                out.extend(t.undeclared_variables(true));
            }
        }
        out
    }

    /// Whether `name` is a function or global known to the environment.
    pub fn is_global(&self, name: &str) -> bool {
        self.env.globals().any(|(k, _)| k == name)
    }

    /// Environment variables read through `env()`, with the values seen (None = unset).
    pub fn env_reads(&self) -> BTreeMap<String, Option<String>> {
        self.shared
            .env_reads
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }

    /// Warnings collected while rendering (e.g. a type table fallback), sorted.
    pub fn warnings(&self) -> Vec<String> {
        self.shared
            .warnings
            .lock()
            .map(|w| w.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn frontmatter_err(&self, key: &str, e: &minijinja::Error) -> TemplateError {
        let line = self.key_lines.get(key).copied().unwrap_or(2);
        let location = Location::line(&self.name, line);
        match e.kind() {
            ErrorKind::UndefinedError => TemplateError::Undefined {
                location,
                name: undefined_expr(e, None).unwrap_or_else(|| "?".into()),
                hint: Some(format!("in `{key}:`")),
            },
            ErrorKind::SyntaxError => TemplateError::Syntax {
                location,
                message: format!("in `{key}:`: {}", detail(e)),
            },
            _ => TemplateError::Render {
                location,
                message: format!("in `{key}:`: {}", detail(e)),
            },
        }
    }

    /// Translate a minijinja error into a located [`TemplateError`].
    fn map_err(&self, e: &minijinja::Error, ctx: Option<&Value>) -> TemplateError {
        // Errors raised inside an included template carry the innermost location in a source chain.
        let mut inner = e;
        while let Some(src) =
            std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
        {
            if src.line().is_none() {
                break;
            }
            inner = src;
        }
        let e = inner;
        let sources = self
            .shared
            .sources
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default();
        let (file, first_line, source) = e
            .name()
            .and_then(|n| sources.get(n).cloned())
            .unwrap_or_else(|| (PathBuf::from(&self.name), 1, String::new()));
        let line = e.line().map_or(first_line, |l| first_line + l as u64 - 1);
        let location = Location::line(file, line);
        match e.kind() {
            ErrorKind::UndefinedError => {
                let name = undefined_expr(e, Some(&source)).unwrap_or_else(|| "?".into());
                TemplateError::Undefined {
                    hint: ctx.and_then(|c| undefined_hint(&name, c)),
                    location,
                    name,
                }
            }
            ErrorKind::SyntaxError => TemplateError::Syntax {
                location,
                message: detail(e),
            },
            ErrorKind::TemplateNotFound => TemplateError::PartialNotFound {
                location,
                name: detail(e),
                searched: self
                    .shared
                    .search_dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect(),
            },
            _ => TemplateError::Render {
                location,
                message: detail(e),
            },
        }
    }
}

fn detail(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(d) => d.to_owned(),
        None => e.kind().to_string(),
    }
}

/// The source text of the expression that was undefined (e.g. `row.comment`).
fn undefined_expr(e: &minijinja::Error, source: Option<&str>) -> Option<String> {
    let src = source.or_else(|| e.template_source())?;
    let range = e.range()?;
    let text = src.get(range)?.trim();
    if text.is_empty() {
        None
    } else {
        Some(text.to_owned())
    }
}

/// Suggest what is defined: the row's variables for `row.x`, or the top-level names.
fn undefined_hint(expr: &str, ctx: &Value) -> Option<String> {
    let names = |v: &Value| -> Vec<String> {
        v.try_iter()
            .map(|it| it.filter_map(|k| k.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    if let Some(rest) = expr.strip_prefix("row.") {
        let row = ctx.get_attr("row").ok().filter(|r| !r.is_undefined())?;
        let mut keys = names(&row);
        keys.sort();
        let field = rest.split(['.', ' ', '|', '(']).next().unwrap_or(rest);
        return Some(if keys.is_empty() {
            "the row has no bound variables".to_owned()
        } else {
            format!(
                "`{field}` is not bound in this row; bound: {} (test optional ones with `row.{field} is defined`)",
                keys.join(", ")
            )
        });
    }
    if expr.contains(['.', '[', '(', '|']) {
        return None;
    }
    let mut keys = names(ctx);
    keys.sort();
    if keys.is_empty() {
        None
    } else {
        Some(format!("defined: {}", keys.join(", ")))
    }
}

fn load_partial(shared: &Shared, name: &str) -> Result<Option<String>, minijinja::Error> {
    let Some(rel) = ggen_core::fs::normalize_relative(Path::new(name)) else {
        return Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("template name `{name}` must be a relative path without `..` escapes"),
        ));
    };
    for dir in &shared.search_dirs {
        let path = dir.join(&rel);
        if path.is_file() {
            let source = std::fs::read_to_string(&path).map_err(|e| {
                minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let (body, line) = match crate::frontmatter::split(&source) {
                Some((_, body, line)) => (body.to_owned(), line),
                None => (source, 1),
            };
            if let Ok(mut m) = shared.sources.lock() {
                m.insert(name.to_owned(), (path.clone(), line, body.clone()));
            }
            return Ok(Some(body));
        }
    }
    Ok(None)
}

/// A minijinja environment configured for code generation: strict undefined variables, no
/// auto-escaping, booleans printed as `true`/`false`, trailing newlines kept, block tags that
/// leave no blank lines (`trim_blocks`, `lstrip_blocks`).
pub(crate) fn base_env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    // Booleans print as their lexical form (`true`/`false`, as in RDF, JSON, Rust, SQL),
    // not Python's `True`/`False`.
    env.set_formatter(|out, state, value| {
        if value.kind() == minijinja::value::ValueKind::Bool {
            let b = value.is_true();
            out.write_str(if b { "true" } else { "false" })?;
            return Ok(());
        }
        minijinja::escape_formatter(out, state, value)
    });
    // Code generation wants block tags not to leave blank lines or indentation behind.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env
}

/// Build a context value: variables by name, `vars`, `project`, `sparql_results`, `template`.
pub fn base_context(
    vars: &BTreeMap<String, serde_json::Value>,
    project: Option<(&str, &str)>,
    sparql_results: BTreeMap<String, Value>,
    template: &Template,
) -> Value {
    let mut map: BTreeMap<String, Value> = BTreeMap::new();
    for (k, v) in vars {
        map.insert(k.clone(), Value::from(Serde(v)));
    }
    map.insert("vars".into(), Value::from(Serde(vars)));
    if let Some((name, version)) = project {
        let mut p = BTreeMap::new();
        p.insert("name", Value::from(name));
        p.insert("version", Value::from(version));
        map.insert("project".into(), Value::from(p));
    }
    map.insert("sparql_results".into(), Value::from(sparql_results));
    let mut t = BTreeMap::new();
    t.insert("path", Value::from(template.name.as_str()));
    let file_name = Path::new(&template.name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    t.insert("name", Value::from(file_name));
    map.insert("template".into(), Value::from(t));
    Value::from(map)
}

/// The context for one `foreach` row: the base context plus `row`.
pub fn row_context(base: &Value, row: Value) -> Value {
    minijinja::context! { row => row, ..base.clone() }
}
