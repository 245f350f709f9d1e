use ggen_core::{Diagnostic, Location};

/// Errors in template files: frontmatter, bodies, rendering.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", location.file.display())]
    Io {
        /// The file.
        location: Location,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The frontmatter is not valid YAML.
    #[error("{location}: invalid YAML frontmatter: {message}")]
    Yaml {
        /// Where.
        location: Location,
        /// What the YAML parser said.
        message: String,
    },
    /// A frontmatter key has a value of the wrong shape, or keys contradict each other.
    #[error("{location}: {message}")]
    Frontmatter {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A template body (or a frontmatter string template) does not parse.
    #[error("{location}: template syntax error: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A variable used by the template is not defined.
    #[error("{location}: undefined variable `{name}`{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Undefined {
        /// Where.
        location: Location,
        /// The expression that was undefined (e.g. `row.comment`).
        name: String,
        /// A hint, e.g. the available names.
        hint: Option<String>,
    },
    /// Rendering failed for another reason (a filter error, a failed query, …).
    #[error("{location}: {message}")]
    Render {
        /// Where.
        location: Location,
        /// What went wrong.
        message: String,
    },
    /// A variable declared as required (`vars: { name: null }`) was not given.
    #[error(
        "{location}: required variable `{name}` is not set (give it with --var {name}=… or in ggen.toml [vars])"
    )]
    MissingVar {
        /// The template.
        location: Location,
        /// The variable.
        name: String,
    },
    /// `foreach` names a query that does not exist.
    #[error("{location}: `foreach: {name}` names no query (queries: {})", if available.is_empty() { "none".to_owned() } else { available.join(", ") })]
    UnknownForeach {
        /// Where the key is.
        location: Location,
        /// The name given.
        name: String,
        /// The query names that exist.
        available: Vec<String>,
    },
    /// A partial (`include`/`import`/`extends`) was not found.
    #[error("{location}: template `{name}` not found (searched: {})", searched.join(", "))]
    PartialNotFound {
        /// Where.
        location: Location,
        /// The requested name.
        name: String,
        /// The directories searched.
        searched: Vec<String>,
    },
}

impl Diagnostic for TemplateError {
    fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::Yaml { .. } => "template-yaml",
            Self::Frontmatter { .. } => "template-frontmatter",
            Self::Syntax { .. } => "template-syntax",
            Self::Undefined { .. } => "template-undefined",
            Self::Render { .. } => "template-render",
            Self::MissingVar { .. } => "template-missing-var",
            Self::UnknownForeach { .. } => "template-unknown-foreach",
            Self::PartialNotFound { .. } => "template-not-found",
        }
    }

    fn location(&self) -> Option<&Location> {
        Some(match self {
            Self::Io { location, .. }
            | Self::Yaml { location, .. }
            | Self::Frontmatter { location, .. }
            | Self::Syntax { location, .. }
            | Self::Undefined { location, .. }
            | Self::Render { location, .. }
            | Self::MissingVar { location, .. }
            | Self::UnknownForeach { location, .. }
            | Self::PartialNotFound { location, .. } => location,
        })
    }
}
